"""The builder's own words (headings, labels, buttons, chart titles), in the book's language.

One gettext catalogue domain, ``bookbuilder``, for every edition and every stage: the message
catalogues are ``locale/<language>/LC_MESSAGES/bookbuilder.po`` beside this module, extracted and
updated by ``make messages`` (Babel; ``scripts/messages.py``). The compiled ``.mo`` files are not
committed: :func:`compiled_locale_dir` compiles a catalogue on first use (and again whenever its
``.po`` is newer), so a clean clone builds without a step of its own.

Every module marks a word with ``_()`` from here: it is Sphinx's own
``sphinx.locale.get_translation("bookbuilder")``, so the Sphinx side reads it as it reads its own
and its theme's words (``app.add_message_catalog`` in :mod:`bookbuilder.sphinx.extension`).
The render stage runs before Sphinx, so :func:`install` puts the same catalogue in Sphinx's
registry first: one catalogue, one ``_`` everywhere. A word defined at import time (a facet's
label in ``model.py``) is marked with :func:`N_` and translated where it is shown.

conf.py's ``book["words"]`` replaces any word (its keys are the English words, the catalogue's
message ids: :func:`known_words`), and any plural phrase (its key the English singular, its value
the phrase's forms by CLDR plural category: :func:`known_plurals`); :func:`install` lays those
over the catalogue.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import sphinx.locale
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "bookbuilder"
#: CLDR's plural categories: the forms a plural phrase of conf.py's ``words`` may give, ``other``
#: always (the form of any number a language gives no category of its own).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: A plural phrase's forms, by category.
PluralForms = Mapping[str, str]
LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"  # the English words: the catalogues' message ids
_NAMESPACE = "general"  # where sphinx.locale.get_translation looks for a domain's translator


def _(message: str) -> str:
    """``message`` in the book's language: the catalogue Sphinx's own
    ``sphinx.locale.get_translation("bookbuilder")`` reads, but never a lazy proxy (English until
    :func:`install` or Sphinx has put the book's in place: a test, a tool run without a book)."""
    return _installed().gettext(message)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it (at import time)."""
    return message


def catalogue_id(language: str) -> str | None:
    """The catalogue a language tag reads (``pt-BR`` → ``pt_BR``, ``de-AT`` → ``de``,
    ``zh-TW`` → ``zh_Hant``), or None when the builder has none for it."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    shipped = shipped_languages()
    candidates = []
    # then the tag with CLDR's likely script ("zh" is written in Han simplified, "no" is "nb")
    likely = get_global("likely_subtags").get(locale.language)
    for each in (locale, Locale.parse(likely) if likely else None):
        if each is None:
            continue
        candidates += [
            str(each),
            "_".join(p for p in (each.language, each.script, each.territory) if p),
            "_".join(p for p in (each.language, each.script) if p),
            "_".join(p for p in (each.language, each.territory) if p),
            each.language,
        ]
    if locale.language == "no":  # Norwegian, written: Bokmål unless the tag says Nynorsk
        candidates.append("nb")
    return next((c for c in candidates if c in shipped), None)


@functools.cache
def shipped_languages() -> frozenset[str]:
    """The catalogues the builder ships (English is the message ids themselves)."""
    return frozenset(
        p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    ) | {"en"}


def has_catalogue(language: str) -> bool:
    """Whether the builder's words exist in ``language`` (else they stay English)."""
    return catalogue_id(language) is not None


@functools.cache
def known_words() -> tuple[str, ...]:
    """Every word of the builder (the template's message ids): the keys ``book["words"]`` takes."""
    return tuple(str(m.id) for m in _template() if m.id and isinstance(m.id, str))


@functools.cache
def known_plurals() -> dict[str, str]:
    """Every plural phrase of the builder (the template's, ``ngettext``'s): its English singular,
    the key ``book["words"]`` takes for it, and its English plural."""
    return {str(m.id[0]): str(m.id[1]) for m in _template() if isinstance(m.id, tuple | list)}


@functools.cache
def _template() -> Catalog:
    """The catalogue template, read once for both lists above."""
    with TEMPLATE.open("rb") as file:
        return read_po(file)


def plural_category(language: str, n: int) -> str:
    """The CLDR plural category of ``n`` in ``language`` (``one``, ``few``…, ``other``); for a
    language Babel does not know, English's."""
    return str(locale_for(language).plural_form(n))


def plural_categories(language: str) -> tuple[str, ...]:
    """The CLDR plural categories ``language`` uses, in CLDR's order (``other`` always):
    English's ``one, other``, Polish's ``one, few, many, other``."""
    used = locale_for(language).plural_form.tags | {"other"}
    return tuple(c for c in PLURAL_CATEGORIES if c in used)


@functools.cache
def locale_for(language: str) -> Locale:
    """Babel's locale for a BCP 47 tag or Sphinx language code (``pt-BR``, ``pt_BR``); English
    when Babel does not know it. The one reading of a book's language as a CLDR locale: its
    plural rules here, its country and language names (``check/countries.py``), its lists
    (``render/cite.py``)."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        return Locale.parse("en")


def compiled_locale_dir() -> Path:
    """A folder of compiled catalogues (``<id>/LC_MESSAGES/bookbuilder.mo``), each compiled
    from its ``.po`` when missing or older. Beside the ``.po`` files when the package folder can
    be written (an editable install), else in a temporary folder."""
    try:
        _compile_into(LOCALE_DIR)
        return LOCALE_DIR
    except OSError:
        target = Path(tempfile.gettempdir()) / f"{DOMAIN}-locale-{os.getuid()}"
        _compile_into(target)
        return target


def _compile_into(target: Path) -> None:
    for po in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo = target / po.relative_to(LOCALE_DIR).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with po.open("rb") as file:
            catalogue = read_po(file, locale=po.parent.parent.name, domain=DOMAIN)
        data = io.BytesIO()
        write_mo(data, catalogue)
        mo.parent.mkdir(parents=True, exist_ok=True)
        # written whole, then renamed: a parallel worker never reads half a catalogue
        with tempfile.NamedTemporaryFile(dir=mo.parent, delete=False, suffix=".tmp") as out:
            out.write(data.getvalue())
        os.replace(out.name, mo)


class Replaced(gettext.NullTranslations):
    """conf.py's own words over a catalogue: a replaced word or plural phrase wins, the rest is
    the catalogue's. A replaced phrase's form for ``n`` is its CLDR category's in ``language``
    (``other`` when the book gave none for that category)."""

    def __init__(
        self,
        words: Mapping[str, str],
        under: gettext.NullTranslations,
        language: str = "en",
        plurals: Mapping[str, PluralForms] | None = None,
    ) -> None:
        super().__init__()
        self._words = dict(words)
        self._plurals = dict(plurals or {})
        self.language = language
        self.under = under

    def gettext(self, message: str) -> str:
        if message in self._words:
            return self._words[message]
        return self.under.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plurals.get(singular)
        if forms is None:
            return self.under.ngettext(singular, plural, n)
        return forms.get(plural_category(self.language, n), forms["other"])


def translations(
    language: str,
    words: Mapping[str, str] | None = None,
    plurals: Mapping[str, PluralForms] | None = None,
) -> gettext.NullTranslations:
    """The builder's words in ``language`` (Babel's ``Translations.load``), ``words`` and the
    plural phrases' forms (``plurals``) over them."""
    found = catalogue_id(language)
    loaded: gettext.NullTranslations = gettext.NullTranslations()
    if found and found != "en":
        loaded = Translations.load(str(compiled_locale_dir()), [found], DOMAIN)
    return Replaced(words or {}, loaded, language, plurals) if words or plurals else loaded


def digest(
    language: str,
    words: Mapping[str, str] | None = None,
    plurals: Mapping[str, PluralForms] | None = None,
) -> str:
    """What the words of a book in ``language`` depend on: its catalogue and conf.py's words."""
    found = catalogue_id(language)
    source = LOCALE_DIR / str(found) / "LC_MESSAGES" / f"{DOMAIN}.po"
    data = source.read_bytes() if found and source.is_file() else b""
    data += json.dumps(sorted((words or {}).items()), ensure_ascii=False).encode()
    if plurals:
        forms = sorted((phrase, sorted(f.items())) for phrase, f in plurals.items())
        data += json.dumps(forms, ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def install(
    language: str,
    words: Mapping[str, str] | None = None,
    plurals: Mapping[str, PluralForms] | None = None,
) -> None:
    """Makes ``_`` speak ``language`` (conf.py's ``words`` and plural phrases first), before
    Sphinx runs or in it."""
    sphinx.locale.translators[_NAMESPACE, DOMAIN] = translations(language, words, plurals)


def direction(language: str) -> str:
    """``rtl`` for a language written right to left (CLDR's character order), else ``ltr``."""
    return "rtl" if locale_for(language).character_order == "right-to-left" else "ltr"


def ngettext(singular: str, plural: str, n: int) -> str:
    """The word for ``n`` things, by the plural rules of the book's language (gettext's)."""
    return _installed().ngettext(singular, plural, n)


_ENGLISH = gettext.NullTranslations()


def _installed() -> gettext.NullTranslations:
    """The book's words as installed (in Sphinx's registry), else English."""
    return sphinx.locale.translators.get((_NAMESPACE, DOMAIN)) or _ENGLISH


_HEADING = re.compile(r"^(#+ )(.*)$", re.DOTALL)


def markdown_messages(text: str) -> list[str]:
    """The words of a page the builder ships as Markdown (templates/accessibility.md): each
    heading's and paragraph's text, unwrapped, as the catalogue's message ids."""
    return [message for _prefix, message in _blocks(text) if message]


def translated_markdown(text: str) -> str:
    """A page the builder ships as Markdown, each heading and paragraph in the book's language
    (directive fences stay as they are)."""
    return (
        "\n\n".join(
            f"{prefix}{_(message)}" if message else prefix for prefix, message in _blocks(text)
        )
        + "\n"
    )


def _blocks(text: str) -> list[tuple[str, str]]:
    """(prefix, message) per block: a heading's ``# `` and text, a paragraph's text, a fence
    as it is (no message)."""
    out = []
    for block in text.strip().split("\n\n"):
        if block.startswith(("```", ":::")):
            out.append((block, ""))
        elif match := _HEADING.match(block):
            out.append((match.group(1), " ".join(match.group(2).split())))
        else:
            out.append(("", " ".join(block.split())))
    return out
