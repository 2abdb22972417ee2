"""Sphinx settings derived from a book's metadata, so every book's conf.py is just its `book`.

conf.py calls ``globals().update(sphinx_settings(book, __file__))`` and may override anything
afterwards. The mapping is validated first, by the very function ``make check`` uses, and every
setting is derived from the validated :class:`~bookbuilder.model.BookMeta`, never from the raw
mapping: what the editions publish is what validation accepted (``editors: "Jane Doe"`` is one
editor, ``isbn: "ISBN 978-…"`` its digits, a missing ``basename`` the title's slug).
The security settings (no raw HTML from MyST) are enforced again by ``sphinxext``, whatever
conf.py says.
"""

from __future__ import annotations

import html
import json
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bookbuilder.check.conf import BookSettingsError
from bookbuilder.check.validate import validate_book_meta
from bookbuilder.layout import CONF_FILE
from bookbuilder.model import BookMeta
from bookbuilder.render.pages import BROWSE_DOC
from bookbuilder.syntax import LINK_SCHEMES, MYST_DISABLED_SYNTAX, MYST_EXTENSIONS


def editors_line(meta: BookMeta) -> str:
    """The editors as one line of text: "A, B" (the EPUB's and PDF's author field)."""
    return ", ".join(meta.editor_names)


_HYPHENATED = re.compile(r"\S*\w[-‐]\w\S*")


def unbroken_html(text: str) -> str:
    """``text`` as HTML in which no word breaks after its hyphen ("COVID-19" stays whole on a
    phone): each hyphenated word in a ``nowrap`` span."""
    return _HYPHENATED.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', html.escape(text))


def base_url() -> str:
    """The published site's address (``BOOK_BASE_URL``, or Read the Docs' own), ending in /;
    empty when unknown."""
    url = os.environ.get("BOOK_BASE_URL") or os.environ.get("READTHEDOCS_CANONICAL_URL") or ""
    return url if not url or url.endswith("/") else url + "/"


# The namespace of the identifiers derived from a book's metadata (uuid5 of this and the data).
# The EPUB navigation's levels: chapters (1), reports (2), a report's translations (3;
# sphinx/epub.py: book_refnodes leaves every other entry of that level out).
NAV_REPORT_LEVEL = 2
BOOK_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/idor/bookbuilder/book")


# --------------------------------------------------------------------------------------------
# The EPUB's identifier and cover, from the book's metadata (the EPUB builder itself is
# bookbuilder.sphinx.epub: not imported here, so `make check` runs conf.py without loading Sphinx's
# builders)


def book_identifier(meta: BookMeta) -> tuple[str, str]:
    """The book's ``dc:identifier`` and its scheme: the ISBN, else a UUID from the metadata.

    The ISBN is validation's: digits only (and a final X), whatever hyphens, spaces or "ISBN"
    prefix conf.py wrote. The UUID depends only on what identifies the book (title, subtitle,
    editors, publisher, year, edition, language), so every build of it carries the same one.
    """
    if meta.isbn:
        return f"urn:isbn:{meta.isbn}", "ISBN"
    identity = (
        meta.title,
        meta.subtitle,
        list(meta.editor_names) or None,
        meta.publisher,
        meta.year,
        meta.edition,
        meta.language,
    )
    name = json.dumps(list(identity), ensure_ascii=False, sort_keys=True)
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, name)}", "UUID"


def excluded_files() -> list[str]:
    """Pages of the web edition that no EPUB page links to (EPUBCheck refuses those)."""
    # ... and the web edition's search script (static/search.js): the EPUB has no search page
    return [f"{BROWSE_DOC}.xhtml", "_static/search.js"]


def cover_target(meta: BookMeta) -> str:
    """Where the cover image stands in the EPUB (the configured one keeps its type)."""
    suffix = Path(meta.cover).suffix.lower() if meta.cover else ".png"
    return f"_images/cover{'.jpg' if suffix == '.jpeg' else suffix}"


def book_meta(book: Mapping[str, Any], conf_file: str | Path | None = None) -> BookMeta:
    """conf.py's ``book`` mapping, validated (``make check``'s own reading of it).

    ``conf_file`` (conf.py's ``__file__``) lets a problem name conf.py's line and a ``cover``
    be looked for beside it; without it, problems point at line 1.
    """
    name, text, root = CONF_FILE, None, None
    if conf_file is not None:
        path = Path(conf_file).resolve()
        name, root = path.name, path.parent
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = None  # make check names that problem; lines are then unknown here
    meta, problems = validate_book_meta(book, name, text, root)
    if meta is None:
        raise BookSettingsError([p for p in problems if p.is_error])
    return meta


def sphinx_settings(book: Mapping[str, Any], conf_file: str | Path | None = None) -> dict[str, Any]:
    """Every Sphinx setting of the three editions, from conf.py's ``book`` mapping as
    validated (:func:`book_meta`; raises :class:`BookSettingsError` naming conf.py's lines)."""
    return settings_for(book_meta(book, conf_file))


def settings_for(meta: BookMeta) -> dict[str, Any]:
    """Every Sphinx setting of the three editions, from the validated metadata only."""
    identifier, scheme = book_identifier(meta)
    editors = editors_line(meta)
    copyright_ = f"{meta.year}, {meta.publisher or editors}".strip(", ")
    release = meta.edition or str(meta.year)
    name = meta.basename
    return {
        # general
        "project": meta.title,
        "author": editors,
        "copyright": copyright_,
        "language": meta.language,
        "release": release,
        "version": release,
        "today": str(meta.year),  # the date on the title page, the same every build
        "root_doc": "index",
        "bookbuilder_meta": meta,  # the Sphinx side reads the book's metadata typed, from here
        "extensions": [
            "myst_parser",
            "bookbuilder.sphinx.extension",  # the book's whole Sphinx side: one setup()
        ],
        "exclude_patterns": ["**/*.sha256"],
        "suppress_warnings": ["myst.header"],
        # MyST: only the syntax the report format allows
        "myst_enable_extensions": list(MYST_EXTENSIONS),
        "myst_disable_syntax": list(MYST_DISABLED_SYNTAX),
        "myst_url_schemes": list(LINK_SCHEMES),  # links: web and e-mail only
        "myst_heading_anchors": 0,
        # HTML
        "html_theme": "sphinx_book_theme",
        # Sphinx treats html_title as HTML: escaped, hyphenated words kept whole (online.py)
        "html_title": unbroken_html(meta.title),
        # One search field, the header's (on every page and every width): the theme also put
        # one in the sidebar, so readers saw two.
        # The book's index follows the chapters (templates/html/book-index-link.html).
        "html_sidebars": {
            "**": [
                "navbar-logo.html",
                "icon-links.html",
                "book-sidebar-nav.html",  # the theme's sbt-sidebar-nav.html, quicker
                "book-index-link.html",
            ]
        },
        "html_logo": meta.logo,  # book["logo"]: at the top of the sidebar (branding.py)
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_theme_options": {
            # The book's title links home at the top of the sidebar: a "home" entry under it
            # said the title a second time, and the landing page's heading a third.
            "home_page_in_toc": False,
            "show_toc_level": 2,
            "use_download_button": False,
            "use_fullscreen_button": False,
            # The sidebar lists chapters only: a chapter's page lists its reports, so every page
            # does not carry the whole book's contents (thousands of reports, one day).
            "show_navbar_depth": 1,
            "max_navbar_depth": 1,
        },
        # Absolute links (link previews, citations) need the address the book is published at:
        # the Pages workflow and Read the Docs set it; conf.py may also set html_baseurl.
        "html_baseurl": base_url(),
        "html_context": {
            "bookbuilder_subtitle": meta.subtitle or "",
            # the theme's colour scheme before a reader picks one: the system's (without it the
            # theme's script logged "Got invalid theme mode" on every page)
            "default_mode": "auto",
        },
        # EPUB
        "epub_basename": name,
        "epub_title": meta.title,
        "epub_author": editors,
        "epub_publisher": meta.publisher or editors,
        "epub_copyright": copyright_,
        "epub_language": meta.language,
        "epub_description": meta.description or "",
        "epub_show_urls": "no",
        "epub_use_index": True,
        "epub_tocdepth": NAV_REPORT_LEVEL + 1,  # translations under their report
        # the book's order is the root toctree, hidden (render/pages.py: landing_page)
        "epub_tocscope": "includehidden",
        # The identifier: the ISBN, else a UUID derived from the metadata (the same every build);
        # the cover: meta.cover, else a typographic one drawn at build time (sphinx/epub.py).
        "epub_identifier": identifier,
        "epub_scheme": scheme,
        "epub_uid": "bookid",
        "epub_cover": (cover_target(meta), "epub-cover.html"),
        "epub_exclude_files": excluded_files(),
        # PDF: bookbuilder.sphinx.pdf (typeset by Typst) reads bookbuilder_meta;
        # _build/pdf/<basename>.pdf
    }
