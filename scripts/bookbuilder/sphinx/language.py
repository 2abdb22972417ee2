"""The book's language on the Sphinx side: the builder's words (:mod:`bookbuilder.words`) and
the direction the book is written in (``dir`` on the website's and the EPUB's pages)."""

from __future__ import annotations

from gettext import NullTranslations
from typing import Any

import sphinx.locale
from sphinx.application import Sphinx
from sphinx.config import Config

from bookbuilder import words


def use_book_words(app: Sphinx, config: Config) -> None:
    """The words in the book's language, conf.py's ``words`` over the catalogue's."""
    meta = getattr(config, "bookbuilder_meta", None)
    replaced = dict(meta.words) if meta is not None else {}
    plurals = meta.plural_forms if meta is not None else {}
    words.install(config.language or "en", replaced, plurals)
    # A word Sphinx uses and its catalogue lacks in this language ("Index" in Arabic): ours. The
    # fallback goes onto Sphinx's own translator object, which its templates hold too.
    sphinx_words = sphinx.locale.translators.get(("general", "sphinx"))
    if sphinx_words is None:
        sphinx_words = sphinx.locale.translators["general", "sphinx"] = NullTranslations()
    chain: NullTranslations | None = sphinx_words
    while chain is not None and not isinstance(chain, _BuildersWords):
        chain = getattr(chain, "_fallback", None)
    if chain is None:  # once per process: it reads whichever book's words are installed
        sphinx_words.add_fallback(_BuildersWords())
    config.bookbuilder_words = words.digest(config.language or "en", replaced, plurals)


class _BuildersWords(NullTranslations):
    """The builder's catalogue, as installed now, behind Sphinx's."""

    def gettext(self, message: str) -> str:
        return words._(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return words.ngettext(singular, plural, n)


def page_direction(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: every page's layout in the book's direction (templates/html/layout.html
    reads ``bookbuilder_dir``); a report in the other direction has its own (report.py)."""
    context["bookbuilder_dir"] = words.direction(app.config.language or "en")
