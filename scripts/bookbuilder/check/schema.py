"""The contract's fields, each defined once: key, required or not, what it allows, help, check.

Every front-matter key of a report (and of an author, a chapter, a chapter's ``collect`` rule and
the book's metadata) is one :class:`Field` below. Validation walks these tables; the editors'
documentation table is generated from them (:func:`fields_table_markdown`), so the docs, the
checks and the messages cannot drift apart.

A check takes the :class:`~bookbuilder.model.Located` value, the dotted key for messages
(``authors[1].role``; list positions count from 1, as editors count) and a :class:`Checker`
that collects problems. It returns the normalised value, or :data:`INVALID` after reporting
why. Every message has the shape ``<what was found>; allowed: <what is allowed>[; did you mean
'<x>'?]``.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, cast

from babel import Locale, UnknownLocaleError

from bookbuilder import names, words
from bookbuilder.check import countries
from bookbuilder.codes import SILENCEABLE, Code, Rule, Scope, scoped
from bookbuilder.model import (
    COLLECT_KEYS,
    DEFAULT_MIN_WORDS,
    ORGANISATION_ROLE,
    SORT_KEYS,
    Located,
    Problem,
    Severity,
    Status,
)
from bookbuilder.names import PersonName
from bookbuilder.vocabulary import MODALITIES, MODALITY_NAMES, ROLE_NAMES, ROLES

__all__ = [
    "AUTHOR_FIELDS",
    "BOOK_FIELDS",
    "CHAPTER_FIELDS",
    "COLLECT_FIELDS",
    "COLLECT_KEYS",
    "INVALID",
    "MODALITIES",
    "MODALITY_ALIASES",
    "MODALITY_NAMES",
    "REGIONS",
    "REPORT_FIELDS",
    "REST",
    "ROLES",
    "ROLE_NAMES",
    "SLUG",
    "SORT_KEYS",
    "STATUSES",
    "TRANSLATION_FIELDS",
    "TRANSLATION_STATUSES",
    "TRANSLATOR_FIELDS",
    "Checker",
    "Field",
    "check_mapping",
    "fields_table_markdown",
    "slugify",
    "suggest",
]

# -- Vocabularies ---------------------------------------------------------------------------------

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MAX = 80

ROLE_ALIASES = {
    "organization": "organisation",
    "radiologic-technologist": "radiological-technologist",
}

# Lower case, spaces/underscores/slashes written as hyphens → the display name.
MODALITY_ALIASES = {
    "x-ray": "radiography",
    "x-rays": "radiography",
    "xray": "radiography",
    "xrays": "radiography",
    "plain-film": "radiography",
    "plain-films": "radiography",
    "plain-radiography": "radiography",
    "projection-radiography": "radiography",
    "radiographs": "radiography",
    "computed-tomography": "CT",
    "ct-scan": "CT",
    "mr": "MRI",
    "magnetic-resonance": "MRI",
    "magnetic-resonance-imaging": "MRI",
    "us": "ultrasound",
    "sonography": "ultrasound",
    "ultrasonography": "ultrasound",
    "echography": "ultrasound",
    "pocus": "ultrasound",
    "point-of-care-ultrasound": "ultrasound",
    "fluoro": "fluoroscopy",
    "mammo": "mammography",
    "nm": "nuclear-medicine",
    "nuclear": "nuclear-medicine",
    "scintigraphy": "nuclear-medicine",
    "spect": "nuclear-medicine",
    "pet-ct": "PET",
    "petct": "PET",
    "pet-mri": "PET",
    "pet-mr": "PET",
    "positron-emission-tomography": "PET",
    "ir": "interventional",
    "interventional-radiology": "interventional",
    "tele-radiology": "teleradiology",
}

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
STATUSES = tuple(s.value for s in Status)
# A translation is the editors' own work: it is accepted or still a draft, never withdrawn.
TRANSLATION_STATUSES = (Status.ACCEPTED.value, Status.DRAFT.value)
DEFAULT_SORT = ("submitted", "title")

TOPIC = re.compile(r"^[^\W_]+(?:-[^\W_]+)*$")
TOPIC_MAX = 50
ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[0-9X])$")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "https://www.orcid.org/", "orcid.org/")
LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|[0-9]{3}))?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The line separators YAML and Markdown may treat as line breaks, on top of the C0/C1 controls.
LINE_SEPARATORS = "\u2028\u2029"


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()
"""What a check returns after it has reported a problem."""

REST = "rest"
"""The normalised value of ``collect: rest``."""


# -- Messages -------------------------------------------------------------------------------------


def suggest(value: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``value`` (case-insensitive), for "did you mean"; None if none."""
    if not isinstance(value, str) or not value.strip():
        return None
    folded = {c.casefold(): c for c in choices}
    wanted = value.strip().casefold()
    if wanted in folded:
        return folded[wanted]
    close = difflib.get_close_matches(wanted, list(folded), n=1, cutoff=cutoff)
    return folded[close[0]] if close else None


def shown(text: str, limit: int = 60) -> str:
    """Text quoted for a message: shortened, control characters made visible."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    visible = "".join(ascii(ch)[1:-1] if _is_control(ch) else ch for ch in short)
    return f"'{visible}'"


def describe(value: Any) -> str:
    """What was found, for a message: ``'radiografer'``, ``the number 12``, ``a list`` …"""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, Mapping):
        return "a mapping (key: value lines)"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


# Control characters (Unicode category Cc) and line separators, but tab and line feed.
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{LINE_SEPARATORS}]")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in LINE_SEPARATORS


@dataclass
class Checker:
    """Collects the problems of one file while its fields are checked."""

    relpath: str
    scope: Scope = Scope.REPORT  # whose rules: report.unknown-key, chapter.type, book.type …
    today: date | None = None
    root: Path | None = None
    language: str = "en"  # the book's language, for country names in suggestions
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        line: int,
        key: str | None,
        found: str,
        allowed: str,
        did_you_mean: str | None = None,
        code: Rule | Code = Rule.VALUE,
        severity: Severity = Severity.ERROR,
    ) -> Any:
        """Record one problem; returns INVALID so a check can ``return ck.add(...)``. ``code``
        is the registry's member, or a rule every front matter shares (``Rule.TYPE``: the
        scope's own code, ``book.type``)."""
        if isinstance(code, Rule):
            code = scoped(self.scope, code)
        message = f"{found}; allowed: {allowed}"
        if did_you_mean:
            message += f"; did you mean '{did_you_mean}'?"
        self.problems.append(Problem(self.relpath, line, message, key or None, severity, code=code))
        return INVALID

    def wrong_type(self, loc: Located, key: str, allowed: str) -> Any:
        return self.add(loc.line, key, f"found {describe(loc.value)}", allowed, code=Rule.TYPE)


class Check(Protocol):
    """A field's check, marked with what it allows (:func:`allows`)."""

    allowed: str

    def __call__(self, loc: Located, key: str, ck: Checker, /) -> Any: ...


UnmarkedCheck = Callable[[Located, str, Checker], Any]


def allows(allowed: str) -> Callable[[UnmarkedCheck], Check]:
    """Mark a check with what it allows, as its messages say it: the docs' tables and the
    fields' ``allowed`` read it from there, so it is written once."""

    def mark(check: UnmarkedCheck) -> Check:
        marked = cast(Check, check)
        marked.allowed = allowed
        return marked

    return mark


@dataclass(frozen=True)
class Field:
    """One key of the contract, defined once.

    :attr:`allowed` (what is allowed, as the messages and the docs' table say it) is the check's
    own (:func:`allows`) when ``own_allowed`` is None, as it is for every field here."""

    key: str
    required: bool
    own_allowed: str | None
    help: str
    check: Check
    default: Any = None

    @property
    def allowed(self) -> str:
        return self.check.allowed if self.own_allowed is None else self.own_allowed


# -- Checks ---------------------------------------------------------------------------------------


def text(max_len: int = 200, min_len: int = 1, one_line: bool = True, collapse: bool = False):
    """A check for plain text: stripped; optionally whitespace collapsed; no control characters."""
    what = f"text of {min_len} to {max_len} characters" + (" on one line" if one_line else "")

    def check(loc: Located, key: str, ck: Checker) -> Any:
        value = loc.value
        if isinstance(value, list):
            return _list_for_text(loc, key, what, ck)
        if not isinstance(value, str):
            return ck.wrong_type(loc, key, what + " (put numbers and dates in quotes)")
        value = " ".join(value.split()) if collapse else value.strip()
        # each separator looked for in the text, not each character among them (profiled)
        if one_line and ("\n" in value or any(sep in value for sep in LINE_SEPARATORS)):
            return ck.add(loc.line, key, f"found a line break in {shown(value)}", what)
        control = _CONTROL.search(value)  # one regex, not a call per character (profiled)
        if control is not None:
            bad = control.group()
            found = f"found the control character U+{ord(bad):04X} in {shown(value)}"
            return ck.add(loc.line, key, found, what)
        if len(value) < min_len:
            return ck.add(loc.line, key, "found an empty text", what)
        if len(value) > max_len:
            return ck.add(loc.line, key, f"found a text of {len(value)} characters", what)
        return value

    return allows(what)(check)


def _list_for_text(loc: Located, key: str, what: str, ck: Checker) -> Any:
    """A list (``- item`` lines or ``[a, b]``) where one text is expected: the text to write."""
    items = [str(item.value) for item in loc.value if isinstance(item, Located) and item.value]
    shown_items = ", ".join(shown(item) for item in items[:3]) + (", …" if len(items) > 3 else "")
    found = f"found a list ({shown_items})" if items else "found an empty list"
    fix = f"{key.rsplit('.', 1)[-1]}: {json.dumps('; '.join(items), ensure_ascii=False)}"
    allowed = f"{what}, written after the key on its line, without '-' or brackets"
    return ck.add(loc.line, key, found + " where text is expected", allowed, fix, code=Rule.TYPE)


def _word(value: str) -> str:
    return re.sub(r"[\s_/]+", "-", value.strip().lower())


def vocabulary(
    choices: Sequence[str], aliases: Mapping[str, str] | None = None, what: str | None = None
) -> Check:
    """A check for one word of a vocabulary, case-insensitive, returned as listed in ``choices``."""
    by_word = {_word(c): c for c in choices}
    by_word.update(aliases or {})
    allowed = what or ", ".join(choices)

    def check(loc: Located, key: str, ck: Checker) -> Any:
        if not isinstance(loc.value, str):
            return ck.wrong_type(loc, key, allowed)
        word = _word(loc.value)
        if word in by_word:
            return by_word[word]
        near = suggest(word, list(by_word))
        return ck.add(
            loc.line,
            key,
            f"found {describe(loc.value)}",
            allowed,
            by_word[near] if near else None,
            code=Rule.VOCABULARY,
        )

    return allows(allowed)(check)


def one_or_many(item: Check, what: str, allow_empty: bool = True) -> Check:
    """A list of items (a single value counts as a one-item list); duplicates dropped."""

    def check(loc: Located, key: str, ck: Checker) -> Any:
        if isinstance(loc.value, list):
            items = loc.value
        elif isinstance(loc.value, Mapping):
            return ck.wrong_type(loc, key, what)
        else:
            items = [loc]
        if not items and not allow_empty:
            return ck.add(loc.line, key, "found an empty list", what)
        values: list[Any] = []
        ok = True
        for index, entry in enumerate(items, start=1):
            item_key = f"{key}[{index}]" if isinstance(loc.value, list) else key
            value = item(entry, item_key, ck)
            if value is INVALID:
                ok = False
            elif value not in values:
                values.append(value)
        return tuple(values) if ok else INVALID

    return allows(what)(check)


@allows(text(200).allowed)
def check_title(loc: Located, key: str, ck: Checker) -> Any:
    return text(200)(loc, key, ck)


@allows("an ORCID iD such as 0000-0002-1825-0097 (or https://orcid.org/0000-0002-1825-0097)")
def check_orcid(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_orcid.allowed
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, allowed + ", in quotes")
    value = loc.value.strip()
    for prefix in ORCID_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    match = ORCID.match(value.upper())
    if not match:
        return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, code=Rule.ORCID)
    digits = "".join(match.groups())
    if orcid_check_digit(digits[:15]) != digits[15]:
        found = f"found {describe(loc.value)}, whose check digit is wrong"
        return ck.add(loc.line, key, found, allowed + " with a valid check digit", code=Rule.ORCID)
    return "-".join(match.groups())


def orcid_check_digit(base: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


@allows("an ISO 3166-1 alpha-2 country code such as IT, NO, BR")
def check_country(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_country.allowed
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, allowed)
    code = loc.value.strip().upper()
    if len(code) == 2 and code in countries.table():
        if countries.region_of(code) is None:
            name = countries.country_name(code, ck.language)
            found = f"found '{code}' ({name}), which has no UN M49 region"
            allowed_here = "a country in one of the regions " + ", ".join(REGIONS)
            return ck.add(loc.line, key, found, allowed_here, code=Rule.COUNTRY)
        if ck.scope is Scope.REPORT and not countries.on_map(code):  # a report, not a rule
            name = countries.country_name(code, ck.language)
            ck.add(
                loc.line,
                key,
                f"'{code}' ({name}) is not on the world map's data: the report is counted in the "
                "map's table and named under the map, but no country is coloured for it",
                "a country the map draws (every ISO 3166-1 code but a few overseas areas)",
                code=Code.REPORT_OFF_MAP,
                severity=Severity.WARNING,
            )
        return code
    near = countries.suggest_country(loc.value, ck.language)
    return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, near, code=Rule.COUNTRY)


@allows(vocabulary(REGIONS).allowed)
def check_region(loc: Located, key: str, ck: Checker) -> Any:
    return vocabulary(REGIONS)(loc, key, ck)


@allows("an ISO date YYYY-MM-DD, not in the future")
def check_submitted(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_submitted.allowed
    value = loc.value
    if isinstance(value, str) and DATE.match(value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            found = f"found {describe(loc.value)}, which is not a date of the calendar"
            return ck.add(loc.line, key, found, allowed, code=Rule.DATE)
    if not isinstance(value, date):
        return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, code=Rule.DATE)
    if ck.today is not None and value > ck.today:
        found = f"found {value.isoformat()}, after today ({ck.today.isoformat()})"
        return ck.add(loc.line, key, found, allowed, code=Rule.DATE)
    return value


@allows("true")
def check_consent(loc: Located, key: str, ck: Checker) -> Any:
    if loc.value is True:
        return True
    if loc.value is False:
        found = "found false: the report cannot be published without the authors' permission"
        return ck.add(loc.line, key, found, "true", code=Code.REPORT_CONSENT)
    if isinstance(loc.value, str) and loc.value.strip().lower() in ("true", "yes"):
        found = f"found the text {describe(loc.value)}, not the value true"
        return ck.add(loc.line, key, found, "true, without quotes", code=Rule.TYPE)
    return ck.add(loc.line, key, f"found {describe(loc.value)}", "true", code=Rule.TYPE)


def language_tag(value: str) -> str | None:
    """A BCP 47 tag (``pt-br``, ``zh_Hant``) normalised (``pt-BR``, ``zh-Hant``) if Babel knows
    it; else None."""
    match = LANGUAGE_TAG.match(value.strip())
    if not match:
        return None
    language, script, territory = match.groups()
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if territory:
        parts.append(territory.upper())
    try:
        Locale.parse("_".join(parts))
    except (UnknownLocaleError, ValueError):
        return None
    return "-".join(parts)


def _language_suggestion(value: str, book_language: str) -> str | None:
    names: dict[str, str] = {}
    for locale in (words.locale_for("en"), words.locale_for(book_language)):
        for code, name in locale.languages.items():
            if language_tag(code.replace("_", "-")):
                names.setdefault(name.casefold(), code.replace("_", "-"))
    near = suggest(value, names)
    if near:
        return names[near.casefold()]
    cleaned = value.strip().replace("_", "-")
    return language_tag(cleaned.split("-")[0]) if cleaned else None


@allows("a BCP 47 language tag that Babel knows, such as en, it, no, pt-BR, zh-Hant")
def check_language(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_language.allowed
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, allowed)
    tag = language_tag(loc.value)
    if tag is None:
        near = _language_suggestion(loc.value, ck.language)
        return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, near, Rule.LANGUAGE)
    return tag


@allows(check_language.allowed)
def check_book_language(loc: Located, key: str, ck: Checker) -> Any:
    """The book's language; a warning when the builder's words have no catalogue in it."""
    tag = check_language(loc, key, ck)
    if tag is not INVALID and not words.has_catalogue(tag):
        name = words.locale_for(tag).get_display_name("en") or tag
        found = f"found '{tag}' ({name}), for which the builder's words have no catalogue"
        allowed = (
            "a language the builder ships (its words stay English in any other): "
            + ", ".join(sorted(words.shipped_languages()))
        )
        ck.add(
            loc.line, key, found, allowed, code=Code.BOOK_NO_CATALOGUE, severity=Severity.WARNING
        )
    return tag


@allows(check_language.allowed)
def check_language_lower(loc: Located, key: str, ck: Checker) -> Any:
    tag = check_language(loc, key, ck)
    return tag if tag is INVALID else tag.lower()


@allows(f"a word or words joined by hyphens (letters and digits, at most {TOPIC_MAX})")
def check_topic(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_topic.allowed
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, allowed)
    value = loc.value.strip().lower()
    if not TOPIC.match(value) or len(value) > TOPIC_MAX:
        near = "-".join(re.findall(r"[^\W_]+", value))[:TOPIC_MAX] or None
        return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, near, Rule.TOPIC)
    return value


@allows(vocabulary(STATUSES).allowed)
def check_status(loc: Located, key: str, ck: Checker) -> Any:
    value = vocabulary(STATUSES)(loc, key, ck)
    return value if value is INVALID else Status(value)


@allows(vocabulary(TRANSLATION_STATUSES).allowed)
def check_translation_status(loc: Located, key: str, ck: Checker) -> Any:
    value = vocabulary(TRANSLATION_STATUSES)(loc, key, ck)
    return value if value is INVALID else Status(value)


def check_slug(what: str) -> Check:
    allowed = f"{what}: lowercase letters a-z, digits and hyphens, at most {SLUG_MAX} characters"

    def check(loc: Located, key: str, ck: Checker) -> Any:
        if not isinstance(loc.value, str):
            return ck.wrong_type(loc, key, allowed)
        value = loc.value.strip()
        if SLUG.match(value) and len(value) <= SLUG_MAX:
            return value
        near = slugify(value) or None
        return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, near, Rule.SLUG)

    return allows(allowed)(check)


def slugify(text: str) -> str:
    """A valid slug made from any text: ``My Report`` → ``my-report`` ("" if nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug


def check_whole_number(low: int | None = None, high: int | None = None, what: str = "") -> Check:
    allowed = what or "a whole number"

    def check(loc: Located, key: str, ck: Checker) -> Any:
        value = loc.value
        if isinstance(value, bool) or not isinstance(value, int):
            return ck.wrong_type(loc, key, allowed)
        if (low is not None and value < low) or (high is not None and value > high):
            return ck.add(loc.line, key, f"found {describe(value)}", allowed)
        return value

    return allows(allowed)(check)


@allows("an ISBN-10 or ISBN-13 with a valid check digit (hyphens and spaces allowed)")
def check_isbn(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_isbn.allowed
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, allowed + ", as text")
    compact = re.sub(r"[\s-]+", "", loc.value).upper()
    if compact.startswith("ISBN"):
        compact = compact[4:].lstrip(":")
    if re.fullmatch(r"\d{9}[\dX]", compact):
        total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(compact))
        valid = total % 11 == 0
    elif re.fullmatch(r"97[89]\d{10}", compact):
        total = sum((1 if i % 2 == 0 else 3) * int(ch) for i, ch in enumerate(compact))
        valid = total % 10 == 0
    else:
        return ck.add(loc.line, key, f"found {describe(loc.value)}", allowed, code=Code.BOOK_ISBN)
    if not valid:
        found = f"found {describe(loc.value)}, whose check digit is wrong"
        return ck.add(loc.line, key, found, allowed, code=Code.BOOK_ISBN)
    return compact


DOI_ALLOWED = (
    "a DOI such as 10.5555/idor2020.017: 10., a registrant code of 4 to 9 digits, /, a suffix "
    "of letters A-Z, digits and - . _ ; ( ) / : (Crossref's recommended pattern)"
)
# Crossref's recommended pattern (https://www.crossref.org/blog/dois-and-matching-regular-
# expressions/), which 99.3% of its DOIs match, with sub-registrant codes (10.1000.10/x); the
# rest (with < > " { } or spaces) can break what cites them, BibTeX and HTML first.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/[-._;()/:A-Z0-9]+", re.IGNORECASE)
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


@allows(DOI_ALLOWED)
def check_doi(loc: Located, key: str, ck: Checker) -> Any:
    """A DOI, stored bare (``10.5555/x``): a resolver address or ``doi:`` before it is dropped,
    as editors paste DOIs in every form; spaces and control characters are never part of one."""
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, DOI_ALLOWED + ", as text")
    value = loc.value.strip()
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    if not _DOI.fullmatch(value):
        return ck.add(loc.line, key, f"found {describe(loc.value)}", DOI_ALLOWED, code=Rule.DOI)
    return value


@allows("the path of a PNG, JPEG, SVG or WebP image inside the book's folder")
def check_cover(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_cover.allowed
    if not isinstance(loc.value, str | Path):
        return ck.wrong_type(loc, key, allowed)
    value = str(loc.value).strip()
    suffix = Path(value).suffix.lower()
    if not value or suffix not in (".png", ".jpg", ".jpeg", ".svg", ".webp"):
        return ck.add(
            loc.line, key, f"found {describe(str(loc.value))}", allowed, code=Code.BOOK_COVER
        )
    return _image_in_book(value, loc, key, ck, allowed, Code.BOOK_COVER)


def _image_in_book(
    value: str, loc: Located, key: str, ck: Checker, allowed: str, code: Code
) -> Any:
    """``value`` as a POSIX path, when it names a file inside the book's folder that
    ``check_image_file`` accepts, as it would a report's image: the editions copy the book's
    own images the same way, and a damaged one would stop the build."""
    relpath = _file_in_book(value, loc, key, ck, allowed, code)
    if relpath is not INVALID and ck.root is not None:
        from bookbuilder.check.images import check_image_file

        if problems := check_image_file(ck.root / relpath):
            found = f"found {describe(value)}: {problems[0]}"
            return ck.add(loc.line, key, found, allowed, code=code)
    return relpath


def _file_in_book(value: str, loc: Located, key: str, ck: Checker, allowed: str, code: Code) -> Any:
    """``value`` as a POSIX path, when it names a file inside the book's folder (checked when
    the folder is known)."""
    if ck.root is not None:
        root = ck.root.resolve()
        path = (root / value).resolve()
        if not path.is_relative_to(root):
            found = f"found {describe(value)}, outside the book's folder"
            return ck.add(loc.line, key, found, allowed, code=code)
        if not path.is_file():
            found = f"found {describe(value)}, which does not exist"
            return ck.add(loc.line, key, found, allowed, code=code)
    return Path(value).as_posix()


LOGO_ALLOWED = "the path of a PNG, JPEG or WebP image inside the book's folder"
ACCENT_ALLOWED = (
    "a colour written #rrggbb (such as #14506a) with a contrast of at least 4.5:1 against white "
    "(WCAG AA), so that text and links in it, and white text on it, can be read"
)
MIN_CONTRAST = 4.5


@allows(LOGO_ALLOWED)
def check_logo(loc: Located, key: str, ck: Checker) -> Any:
    """The book's logo: a raster image (it goes onto the drawn EPUB cover too) that exists and
    is an image Pillow reads, within the image rules of reports (size, pixels, type)."""
    if not isinstance(loc.value, str | Path):
        return ck.wrong_type(loc, key, LOGO_ALLOWED)
    value = str(loc.value).strip()
    if Path(value).suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
        found = f"found {describe(value)}"
        if value.lower().endswith(".svg"):
            found += " (an SVG: export it as PNG, 600 pixels wide or more)"
        return ck.add(loc.line, key, found, LOGO_ALLOWED, code=Code.BOOK_LOGO)
    if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", Path(value).name):
        found = f"found {describe(value)}, whose file name has characters other than letters, "
        found += "digits, '.', '_' and '-'"
        return ck.add(loc.line, key, found, LOGO_ALLOWED, code=Code.BOOK_LOGO)
    return _image_in_book(value, loc, key, ck, LOGO_ALLOWED, Code.BOOK_LOGO)


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def darkened(colour: str, ratio: float = MIN_CONTRAST) -> str:
    """The same hue, darkened just enough to reach ``ratio`` against white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(100, -1, -1):
        shade = "#" + "".join(f"{round(c * step / 100):02x}" for c in (red, green, blue))
        if contrast_with_white(shade) >= ratio:
            return shade
    return "#000000"


@allows(ACCENT_ALLOWED)
def check_accent(loc: Located, key: str, ck: Checker) -> Any:
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, ACCENT_ALLOWED)
    value = loc.value.strip().lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", value):
        return ck.add(
            loc.line, key, f"found {describe(loc.value)}", ACCENT_ALLOWED, code=Code.BOOK_ACCENT
        )
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        found = f"found {value}, whose contrast against white is {ratio:.1f}:1"
        return ck.add(loc.line, key, found, ACCENT_ALLOWED, darkened(value), code=Code.BOOK_ACCENT)
    return value


TOPIC_LABELS_ALLOWED = (
    'a dict of topics and how to print them, e.g. {"ct-severity-score": "CT severity score"}'
)


@allows(TOPIC_LABELS_ALLOWED)
def check_topic_labels(loc: Located, key: str, ck: Checker) -> Any:
    """conf.py's ``topic_labels``: each key a topic as reports write it, each value text."""
    if not isinstance(loc.value, dict):
        return ck.wrong_type(loc, key, TOPIC_LABELS_ALLOWED)
    labels = []
    for topic, label in loc.value.items():
        found = check_topic(Located(topic, loc.line), f"{key}[{topic!r}]", ck)
        text_ = text(100)(label, f"{key}[{topic!r}]", ck)
        if found is not INVALID and text_ is not INVALID:
            labels.append((found, text_))
    return tuple(labels)


WORDS_ALLOWED = (
    'a dict of the builder\'s English words and the book\'s own, e.g. {"Contributors": "Authors"}; '
    "a plural phrase (its English singular) takes its forms by CLDR plural category, e.g. "
    '{"{n} report": {"one": "{n} Bericht", "other": "{n} Berichte"}} '
    "(docs/report-format.md lists every word and phrase)"
)
PLURAL_FORMS_ALLOWED = (
    "a dict of the phrase's forms by CLDR plural category ("
    + ", ".join(words.PLURAL_CATEGORIES)
    + '), other among them, e.g. {"one": "{n} Bericht", "other": "{n} Berichte"}'
)
_PLACEHOLDER = re.compile(r"\{\w*\}")


@allows(WORDS_ALLOWED)
def check_words(loc: Located, key: str, ck: Checker) -> Any:
    """conf.py's ``words``: each key one of the builder's words (its catalogue's English
    message id), its value text with the same ``{placeholders}``; or one of its plural phrases
    (the English singular), its value the forms (:func:`_check_plural_forms`). Both kinds, as
    ``BookMeta``'s ``words`` and ``plural_words``."""
    if not isinstance(loc.value, dict):
        return ck.wrong_type(loc, key, WORDS_ALLOWED)
    known, plurals = words.known_words(), words.known_plurals()
    replaced = []
    phrases = []
    for word, value in loc.value.items():
        where = f"{key}[{word!r}]"
        if word in plurals:
            forms = _check_plural_forms(value, where, (word, plurals[word]), ck)
            if forms is not INVALID:
                phrases.append((word, forms))
            continue
        if word not in known:
            near = suggest(word, [*known, *plurals])
            ck.add(
                loc.line,
                where,
                f"found {shown(word)}, not one of the builder's words",
                WORDS_ALLOWED,
                near,
                code=Code.BOOK_WORDS,
            )
            continue
        found = text(300)(value, where, ck)
        if found is INVALID:
            continue
        wanted, given = sorted(_PLACEHOLDER.findall(word)), sorted(_PLACEHOLDER.findall(found))
        if wanted != given:
            what = f"found {shown(found)}, whose placeholders are {', '.join(given) or 'none'}"
            ck.add(
                loc.line, where, what, f"the placeholders {', '.join(wanted)}", code=Code.BOOK_WORDS
            )
            continue
        replaced.append((word, found))
    return tuple(replaced), tuple(phrases)


def _check_plural_forms(loc: Located, key: str, english: tuple[str, str], ck: Checker) -> Any:
    """A plural phrase's forms: text by CLDR plural category, ``other`` among them (a number of
    a category not given takes it); no placeholder the English lacks, and ``other`` with all of
    them (``one`` may say the number in words)."""
    if not isinstance(loc.value, dict):
        found = f"found {describe(loc.value)} for a plural phrase"
        return ck.add(loc.line, key, found, PLURAL_FORMS_ALLOWED, code=Code.BOOK_WORDS)
    if "other" not in loc.value:
        found = f"found the forms {', '.join(map(repr, loc.value)) or 'none'}, without 'other'"
        return ck.add(loc.line, key, found, PLURAL_FORMS_ALLOWED, code=Code.BOOK_WORDS)
    wanted = sorted(set(_PLACEHOLDER.findall(" ".join(english))))
    forms = []
    for category, value in loc.value.items():
        where = f"{key}[{category!r}]"
        if category not in words.PLURAL_CATEGORIES:
            near = suggest(category, words.PLURAL_CATEGORIES)
            found = f"found {shown(category)}, not a CLDR plural category"
            ck.add(loc.line, where, found, PLURAL_FORMS_ALLOWED, near, code=Code.BOOK_WORDS)
            continue
        form = text(300)(value, where, ck)
        if form is INVALID:
            continue
        given = sorted(set(_PLACEHOLDER.findall(form)))
        if not set(given) <= set(wanted) or (category == "other" and given != wanted):
            what = f"found {shown(form)}, whose placeholders are {', '.join(given) or 'none'}"
            allowed = f"the placeholders {', '.join(wanted)}" + (
                "" if category == "other" else " or some of them"
            )
            ck.add(loc.line, where, what, allowed, code=Code.BOOK_WORDS)
            continue
        forms.append((category, form))
    return tuple(forms) if len(forms) == len(loc.value) else INVALID


def check_plural_categories(values: Mapping[str, Any], line: int, ck: Checker) -> None:
    """A warning for each form ``words`` gives a plural phrase (:func:`check_words`) for a
    CLDR category the book's language does not use: no number of the book ever takes it (a
    ``few`` in an English book), so the editor meant another category or another language."""
    language, checked = values.get("language"), values.get("words")
    if not isinstance(language, str) or not isinstance(checked, tuple):
        return  # an invalid language or words: said already
    used = words.plural_categories(language)
    name = words.locale_for(language).get_display_name("en") or language
    for phrase, forms in checked[1]:
        for category, _form in forms:
            if category in used:
                continue
            ck.add(
                line,
                f"words[{phrase!r}][{category!r}]",
                f"found a form for {category!r}, a plural category {name} ({language}) does "
                "not use: no number takes it",
                f"the categories of {name}: {', '.join(used)}",
                code=Code.BOOK_PLURAL_CATEGORY,
                severity=Severity.WARNING,
            )


@allows(check_slug("a file name").allowed)
def check_basename(loc: Located, key: str, ck: Checker) -> Any:
    return check_slug("a file name")(loc, key, ck)


@allows("warning codes: " + ", ".join(SILENCEABLE))
def check_silenced(loc: Located, key: str, ck: Checker) -> Any:
    """A warning's code (:mod:`bookbuilder.codes`), as conf.py's ``silence`` lists them."""
    allowed = check_silenced.allowed
    if not isinstance(loc.value, str):
        return ck.wrong_type(loc, key, allowed)
    value = loc.value.strip().strip("[]").lower()
    if value in SILENCEABLE:
        return value
    if value in {c.value for c in Code}:
        found = f"found '{value}', the code of an error: errors cannot be silenced"
        return ck.add(loc.line, key, found, allowed, code=Code.BOOK_SILENCE)
    near = suggest(value, SILENCEABLE)
    return ck.add(
        loc.line, key, f"found {describe(loc.value)}", allowed, near, code=Code.BOOK_SILENCE
    )


_FINGERPRINT = re.compile(r"[0-9a-f]{12}")


@allows(
    "a mapping of image file names (as in images/<slug>/) to the 12-character fingerprint "
    "make check printed for each, e.g. chest.png: 3f2a9c1b0d4e"
)
def check_confirmed_images(loc: Located, key: str, ck: Checker) -> Any:
    """The images an editor confirmed (see ``check/burnedin.py``): file name -> fingerprint."""
    allowed = check_confirmed_images.allowed
    if not isinstance(loc.value, Mapping):
        return ck.wrong_type(loc, key, allowed)
    confirmed: dict[str, str] = {}
    for name, entry in loc.value.items():
        value = entry.value if isinstance(entry, Located) else entry
        line = entry.line if isinstance(entry, Located) else loc.line
        text = str(value).strip().lower() if isinstance(value, str | int) else ""
        if "/" in str(name) or not _FINGERPRINT.fullmatch(text):
            found = f"found {describe(name)}: {describe(value)}"
            ck.add(line, f"{key}.{name}", found, allowed)
            continue
        confirmed[str(name)] = text
    return confirmed if len(confirmed) == len(loc.value) else INVALID


check_sort = one_or_many(vocabulary(SORT_KEYS), "a list of " + ", ".join(SORT_KEYS), False)


# -- Mappings -------------------------------------------------------------------------------------


def check_mapping(
    mapping: Mapping[str, Located],
    fields: Sequence[Field],
    prefix: str,
    line: int,
    ck: Checker,
    why_not: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check a mapping against its fields: unknown keys, missing keys, every value.

    Returns the normalised values by key (defaults for absent optional keys; an empty value
    counts as absent); a value that failed is :data:`INVALID`. All problems go to ``ck``.
    ``why_not`` says, for keys that are known elsewhere, why they are not allowed here.
    """
    by_key = {f.key: f for f in fields}
    keys = list(by_key)
    for key, given in mapping.items():
        if key not in by_key:
            reason = (why_not or {}).get(key)
            ck.add(
                given.line,
                prefix + key,
                "found an unknown key" if reason is None else f"found the key {key}, {reason}",
                "keys " + ", ".join(keys),
                None if reason else suggest(key, keys),
                code=Rule.UNKNOWN_KEY,
            )
    values: dict[str, Any] = {}
    for f in fields:
        loc = mapping.get(f.key)
        if loc is None or _absent(loc, f.required):
            if f.required:
                found = "missing (required)" if loc is None else "found an empty value (required)"
                ck.add(
                    loc.line if loc else line, prefix + f.key, found, f.allowed, code=Rule.MISSING
                )
                values[f.key] = INVALID
            else:
                values[f.key] = f.default
            continue
        values[f.key] = f.check(loc, prefix + f.key, ck)
    return values


def _absent(loc: Located, required: bool) -> bool:
    """An empty value, or (for an optional key) blank text: the key counts as absent."""
    if loc.value is None:
        return True
    return not required and isinstance(loc.value, str) and not loc.value.strip()


def mapping_of(fields: Sequence[Field], allowed: str) -> Check:
    """A check for a mapping of ``fields`` (an author, a translator): its values by key."""

    def check(loc: Located, key: str, ck: Checker) -> Any:
        if not isinstance(loc.value, Mapping):
            return ck.wrong_type(loc, key, allowed)
        values = check_mapping(loc.value, fields, key + ".", loc.line, ck)
        return INVALID if any(v is INVALID for v in values.values()) else values

    return allows(allowed)(check)


def list_of(item: Check, allowed: str) -> Check:
    """A check for a list of one or more items (authors, translators), each checked by
    ``item`` and named by its position (``authors[2]``)."""

    def check(loc: Located, key: str, ck: Checker) -> Any:
        if not isinstance(loc.value, list):
            return ck.wrong_type(loc, key, allowed)
        if not loc.value:
            return ck.add(loc.line, key, "found an empty list", allowed)
        items = [item(entry, f"{key}[{i}]", ck) for i, entry in enumerate(loc.value, 1)]
        return INVALID if any(v is INVALID for v in items) else tuple(items)

    return allows(allowed)(check)


@allows("a mapping of " + ", ".join(COLLECT_KEYS) + " (combined with AND), or the word rest")
def check_collect(loc: Located, key: str, ck: Checker) -> Any:
    allowed = check_collect.allowed
    if isinstance(loc.value, str):
        if loc.value.strip().lower() == REST:
            return REST
        return ck.add(
            loc.line,
            key,
            f"found {describe(loc.value)}",
            allowed,
            suggest(loc.value, [REST]),
            code=Code.CHAPTER_COLLECT,
        )
    if not isinstance(loc.value, Mapping):
        return ck.wrong_type(loc, key, allowed)
    if not loc.value:
        return ck.add(loc.line, key, "found an empty mapping", allowed, code=Code.CHAPTER_COLLECT)
    values = check_mapping(loc.value, COLLECT_FIELDS, key + ".", loc.line, ck)
    if any(v is INVALID for v in values.values()):
        return INVALID
    return {k: frozenset(v) for k, v in values.items() if v is not None}


# -- The tables -----------------------------------------------------------------------------------

# -- Names (bookbuilder.names) -------------------------------------------------------------------

FAMILY_HELP = (
    "The family name, exactly as it stands in `name` (whole words, or the first characters of "
    "a name in a script written without spaces): `Kim` of `Kim Min-jun`, `Te Rangi` of "
    "`Aroha Te Rangi`. Without it, the last word is taken, and `make check` warns where that is "
    "doubtful. A name without a family name (an Icelandic patronymic, a mononym) gives the "
    "whole name."
)
LATIN_HELP = (
    "The same name in Latin script, when `name` is written in another (`Li Xiaoyan` for "
    "`李晓燕`): printed after it in parentheses, and what citations and lists file it by."
)


@allows("text of 1 to 200 characters on one line, without parentheses")
def check_latin(loc: Located, key: str, ck: Checker) -> Any:
    value = text(200)(loc, key, ck)
    if value is not INVALID and ("(" in value or ")" in value):
        allowed = check_latin.allowed
        return ck.add(loc.line, key, f"found {describe(value)}", allowed, value.strip("()"))
    return value


def person_name(
    values: Mapping[str, Any],
    mapping: Mapping[str, Located],
    key: str,
    ck: Checker,
    name_key: str | None = None,
) -> Any:
    """The :class:`PersonName` of a checked author, translator or editor (``values``: its
    checked keys; ``mapping``: as written, for lines). Errors: a ``family`` that is not part of
    the name, or given to an organisation. Warnings: titles and degrees in the name, and a
    doubtful guess of the family name."""
    name, family, latin = values["name"], values.get("family"), values.get("latin")
    organisation = values.get("role") == ORGANISATION_ROLE or values.get("organisation") is True
    name_line = mapping["name"].line
    name_key = name_key or key + "name"
    if titles := names.titles_in(name):
        found = f"found {', '.join(repr(t) for t in titles)} in the name {describe(name)}"
        bare = json.dumps(names.without_titles(name), ensure_ascii=False)
        allowed = (
            "the name alone, as its bearer writes it; titles and degrees are left out (the "
            f"role and affiliation say what a person does): name: {bare}"
        )
        ck.add(name_line, name_key, found, allowed, code=Rule.NAME_TITLE, severity=Severity.WARNING)
    if organisation:
        if family:
            found = f"found family {describe(family)} for an organisation"
            allowed = "no family: an organisation's name is never split"
            return ck.add(mapping["family"].line, key + "family", found, allowed, code=Rule.FAMILY)
        return PersonName.of(name, latin=latin, organisation=True)
    if family and not names.is_part_of(family, name):
        choices = names.family_choices(name)
        found = f"found {describe(family)}, which is not a part of the name {describe(name)}"
        allowed = "whole words of the name: " + ", ".join(repr(c) for c in choices[:8])
        near = suggest(family, choices)
        return ck.add(
            mapping["family"].line, key + "family", found, allowed, near, code=Rule.FAMILY
        )
    person = PersonName.of(name, family, latin)
    two = None if latin else names.TWO_SCRIPTS.match(name)
    doubts = [] if family else names.doubts(names.without_titles(name))
    if two:
        found = f"found {describe(name)}: one name in two scripts, written as one"
        fix = {"name": two["name"], "latin": two["other"]}
        if names.family_first_script(two["name"]):
            fix["family"] = names.likely_family(two["name"])
        allowed = "the name in one script, and latin: for the other: " + ", ".join(
            f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fix.items()
        )
        ck.add(name_line, name_key, found, allowed, code=Rule.NAME_GUESS, severity=Severity.WARNING)
    elif doubts:
        guess = person.family
        found = (
            f"found {describe(name)} without family: its family name is guessed as "
            f"{describe(guess)}, which is doubtful ({'; '.join(doubts)})"
        )
        likely = names.likely_family(name)
        quoted = json.dumps(name, ensure_ascii=False)
        group = (
            "role: organisation"
            if "role" in values
            else f'{{"name": {quoted}, "organisation": True}}'
        )
        allowed = (
            (
                f"{group} for an organisation; for a person, "
                if names.looks_like_organisation(name)
                else ""
            )
            + "the family name said under the name, as it stands in it: family: "
            + json.dumps(likely, ensure_ascii=False)
            + (
                f" (or family: {json.dumps(guess, ensure_ascii=False)} if the guess is right)"
                if likely != guess
                else " (if that is right; else the part that is)"
            )
        )
        ck.add(name_line, name_key, found, allowed, code=Rule.NAME_GUESS, severity=Severity.WARNING)
    return person


def person_of(fields: Sequence[Field], allowed: str) -> Check:
    """A check for a person's mapping (an author, a translator, an editor): its values by key,
    with ``person`` the :class:`PersonName` made of them."""
    check_values = mapping_of(fields, allowed)

    def check(loc: Located, key: str, ck: Checker) -> Any:
        values = check_values(loc, key, ck)
        if values is INVALID:
            return INVALID
        person = person_name(values, loc.value, key + ".", ck)
        return INVALID if person is INVALID else {**values, "person": person}

    return allows(allowed)(check)


_NAME = Field("name", True, None, "", text(200))
_FAMILY = Field("family", False, None, FAMILY_HELP, text(100))
_LATIN = Field("latin", False, None, LATIN_HELP, check_latin)


@allows("true, for a department or society writing as a group (its name is never split)")
def check_organisation(loc: Located, key: str, ck: Checker) -> Any:
    if loc.value is True:
        return True
    if loc.value is False:
        return False
    return ck.wrong_type(loc, key, check_organisation.allowed)


EDITOR_FIELDS: tuple[Field, ...] = (
    Field("name", True, None, "The editor's name as it should be printed.", _NAME.check),
    _FAMILY,
    _LATIN,
    Field("organisation", False, None, "An editorial board or society.", check_organisation),
)
_EDITOR_MAPPING = person_of(
    EDITOR_FIELDS, "a mapping with name (and optionally family, latin, organisation)"
)


@allows("a list of names, each a text or a mapping with name (and family, latin, organisation)")
def check_editor(loc: Located, key: str, ck: Checker) -> Any:
    """A book editor: a plain name (its family name guessed, as an author's), or a mapping."""
    if isinstance(loc.value, Mapping):
        values = _EDITOR_MAPPING(loc, key, ck)
        return INVALID if values is INVALID else values["person"]
    name = _NAME.check(loc, key, ck)
    if name is INVALID:
        return INVALID
    return person_name({"name": name}, {"name": loc}, key + ".", ck, name_key=key)


_ROLE = vocabulary(ROLES, ROLE_ALIASES)
_MODALITY = vocabulary(MODALITIES, MODALITY_ALIASES)

AUTHOR_FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        True,
        None,
        "The author's name as it should be printed; for an organisation, its name.",
        text(200),
    ),
    Field(
        "role",
        True,
        None,
        "What the author does; case-insensitive. `organisation` for a department or society "
        "writing as a group.",
        _ROLE,
    ),
    Field(
        "affiliation",
        False,
        None,
        "Hospital, department or institution, as it should be printed.",
        text(300),
    ),
    Field(
        "orcid",
        False,
        None,
        "ORCID iD, checksum-validated; `https://orcid.org/…` is accepted and shortened.",
        check_orcid,
    ),
    _FAMILY,
    _LATIN,
)
check_authors = list_of(
    person_of(
        AUTHOR_FIELDS,
        "a mapping with name and role (and optionally affiliation, orcid, family, latin)",
    ),
    "a list of one or more authors, each with name and role",
)

REPORT_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        True,
        None,
        "The report's title, printed as written (Markdown is not interpreted).",
        check_title,
    ),
    Field(
        "authors",
        True,
        None,
        "The authors, in the order they are printed. Each has `name` and `role` (required), "
        "`affiliation`, `orcid`, `family` and `latin` (optional).",
        check_authors,
    ),
    Field(
        "country",
        True,
        None,
        "Where it happened. Case-insensitive; its name is printed in the book's language and "
        "its UN M49 region (Africa, Americas, Asia, Europe, Oceania) can place it in a chapter.",
        check_country,
    ),
    Field("city", False, None, "The city, as printed.", text(100)),
    Field(
        "submitted",
        True,
        None,
        "The date the report was submitted.",
        check_submitted,
    ),
    Field(
        "consent",
        True,
        None,
        "The authors' permission to publish. Must be `true` (without quotes).",
        check_consent,
    ),
    Field(
        "language",
        False,
        None,
        "Language of the body text; default: the book's language.",
        check_language,
    ),
    Field(
        "summary",
        False,
        None,
        "A short plain-text summary; line breaks are folded into spaces.",
        text(600, one_line=False, collapse=True),
    ),
    Field(
        "modalities",
        False,
        None,
        "Imaging modalities involved; case-insensitive, common aliases (X-ray, US, MR, PET-CT…) "
        "accepted. A single value may be written without brackets.",
        one_or_many(_MODALITY, "a list of " + ", ".join(MODALITIES)),
        (),
    ),
    Field(
        "topics",
        False,
        None,
        "Free tags (letters, digits, hyphens); printed lower case, duplicates dropped.",
        one_or_many(check_topic, "a list of words or hyphenated words"),
        (),
    ),
    Field(
        "status",
        False,
        None,
        "Only accepted reports are published; drafts and withdrawn reports are checked, their "
        "problems are warnings, and the build lists them as left out.",
        check_status,
        Status.ACCEPTED,
    ),
    Field(
        "chapter",
        False,
        None,
        "Places the report in this chapter (which must collect reports), overriding the "
        "chapters' rules.",
        check_slug("a chapter id"),
    ),
    Field(
        "doi",
        False,
        None,
        "The report's DOI, when the publisher registers one (a https://doi.org/ address is "
        "accepted and stored bare).",
        check_doi,
    ),
    Field(
        "confirmed-images",
        False,
        None,
        "Images whose burned-in text an editor has looked at and allows: each file name of "
        "`images/<slug>/` with the fingerprint `make check` printed for it. A confirmed image "
        "is not read again until its bytes (and so its fingerprint) change.",
        check_confirmed_images,
        {},
    ),
)

_AUTHOR = {f.key: f for f in AUTHOR_FIELDS}
# A translator is named like an author, without a role.
TRANSLATOR_FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        True,
        _AUTHOR["name"].allowed,
        "The translator's name as it should be printed.",
        _AUTHOR["name"].check,
    ),
    _AUTHOR["affiliation"],
    _AUTHOR["orcid"],
    _FAMILY,
    _LATIN,
)
check_translators = list_of(
    person_of(
        TRANSLATOR_FIELDS, "a mapping with name (and optionally affiliation, orcid, family, latin)"
    ),
    "a list of one or more translators, each with a name",
)

TRANSLATION_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        True,
        "text of 1 to 200 characters on one line",
        "The translated title, printed as written (Markdown is not interpreted).",
        check_title,
    ),
    Field(
        "translators",
        True,
        None,
        "Who translated the report, in the order they are printed. Each has `name` (required), "
        "`affiliation`, `orcid`, `family` and `latin` (optional).",
        check_translators,
    ),
    Field(
        "summary",
        False,
        "text of 1 to 600 characters",
        "The translated summary; line breaks are folded into spaces.",
        text(600, one_line=False, collapse=True),
    ),
    Field(
        "status",
        False,
        ", ".join(TRANSLATION_STATUSES),
        "Only accepted translations of published reports are published; a draft is checked, its "
        "problems are warnings, and the build lists it as left out.",
        check_translation_status,
        Status.ACCEPTED,
    ),
)
"""A translation's keys. The report's facts (authors, country, dates, topics…) belong to the
original alone, and the language is the file name's: any other key is an error."""

# A chapter's `collect` keys are the facets' (model.FACETS), in their order; here is what the
# docs say of each key, how each of its values is checked, and what those values are. A rule
# takes one value or a list of them, never an empty one.
_COLLECT_RULES: dict[str, tuple[str, Check, str]] = {
    "region": ("UN M49 regions of the report's country.", check_region, ", ".join(REGIONS)),
    "countries": (
        "The report's country (ISO 3166-1 alpha-2 codes).",
        check_country,
        "country codes",
    ),
    "roles": ("Any author has one of these roles.", _ROLE, ", ".join(ROLES)),
    "modalities": ("The report has one of these modalities.", _MODALITY, ", ".join(MODALITIES)),
    "topics": (
        "The report has one of these topics (words or hyphenated words).",
        check_topic,
        "topics",
    ),
    "languages": (
        "The report's language (the book's when unset); `pt` also takes `pt-BR`.",
        check_language_lower,
        "BCP 47 language tags",
    ),
}


def _collect_field(key: str) -> Field:
    help_, item, what = _COLLECT_RULES[key]
    return Field(key, False, None, help_, one_or_many(item, "one or a list of " + what, False))


COLLECT_FIELDS: tuple[Field, ...] = tuple(_collect_field(key) for key in COLLECT_KEYS)

CHAPTER_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        True,
        None,
        "The chapter's title.",
        check_title,
    ),
    Field(
        "order",
        True,
        None,
        "Position in the book (lowest first).",
        check_whole_number(),
    ),
    Field(
        "collect",
        False,
        None,
        "Which accepted reports the chapter takes; without it the chapter is a plain page.",
        check_collect,
    ),
    Field(
        "sort",
        False,
        None,
        "How the collected reports are ordered; default [submitted, title].",
        check_sort,
        DEFAULT_SORT,
    ),
)

BOOK_FIELDS: tuple[Field, ...] = (
    Field("title", True, None, "The book's title.", check_title),
    Field("subtitle", False, None, "The subtitle.", text(300)),
    Field(
        "editors",
        False,
        None,
        "The editors, as printed: names, or mappings with `name` and `family` or `latin` "
        "(as an author's), or `organisation: True` for a board or society.",
        one_or_many(check_editor, check_editor.allowed),
        (),
    ),
    Field("publisher", False, None, "The publisher.", text(200)),
    Field(
        "year",
        True,
        None,
        "Year of publication.",
        check_whole_number(1000, 9999, "a year such as 2020"),
    ),
    Field(
        "edition",
        False,
        None,
        "e.g. First edition.",
        text(100),
    ),
    Field(
        "language",
        True,
        None,
        "The book's language: country names, Sphinx labels, the builder's words, default for "
        "reports.",
        check_book_language,
    ),
    Field(
        "licence",
        False,
        None,
        "e.g. CC BY-NC-ND 4.0.",
        text(200),
    ),
    Field(
        "isbn",
        False,
        None,
        "Stored without hyphens.",
        check_isbn,
    ),
    Field(
        "doi",
        False,
        None,
        "The book's DOI, when the publisher registers one (stored bare).",
        check_doi,
    ),
    Field(
        "cover",
        False,
        None,
        "Cover image, relative to the book's folder.",
        check_cover,
    ),
    Field(
        "logo",
        False,
        None,
        "The publisher's or the book's logo: on the website, the drawn EPUB cover and the PDF's "
        "title page.",
        check_logo,
    ),
    Field(
        "accent",
        False,
        None,
        "The book's colour: links and buttons on the website, headings and links in the EPUB, "
        "the drawn cover, headings and links in the PDF.",
        check_accent,
    ),
    Field(
        "description",
        False,
        None,
        "A paragraph for the HTML and EPUB metadata.",
        text(2000, one_line=False, collapse=True),
    ),
    Field(
        "basename",
        False,
        None,
        "File name of the EPUB and PDF; default: made from the title.",
        check_basename,
    ),
    Field(
        "topic_labels",
        False,
        None,
        "How topics are printed (bylines, browse and chapter pages, filters, charts, index); a "
        "topic without a label reads as words (ct-severity-score: ct severity score); one with "
        "a number or a one-letter word stays as typed (covid-19, x-ray).",
        check_topic_labels,
        (),
    ),
    Field(
        "words",
        False,
        None,
        "Any word the builder adds (headings, labels, buttons, chart titles), replaced: the "
        "English word as the key, the book's as the value; a phrase with a number, its forms by "
        "the number's CLDR plural category; the rest come from the catalogue of the book's "
        "language.",
        check_words,
        ((), ()),
    ),
    Field(
        "min_words",
        False,
        None,
        f"An accepted report whose text has fewer words gets a warning (0: never); "
        f"default {DEFAULT_MIN_WORDS}.",
        check_whole_number(0, 100000, "a whole number from 0 to 100000"),
        DEFAULT_MIN_WORDS,
    ),
    Field(
        "silence",
        False,
        None,
        "Warnings not to show, by their code (the table below); errors cannot be silenced. "
        "The summary still says how many were silenced.",
        one_or_many(check_silenced, "a list of warning codes"),
        (),
    ),
)


def fields_table_markdown(fields: Sequence[Field] = REPORT_FIELDS) -> str:
    """The editors' table of report front-matter keys (authors' keys as ``authors[].name`` …)."""

    def cell(text_: str) -> str:
        return text_.replace("|", "\\|").replace("\n", " ")

    rows = ["| key | required | allowed | help |", "|---|---|---|---|"]
    for f in fields:
        rows.append(
            f"| `{f.key}` | {'yes' if f.required else 'no'} | {cell(f.allowed)} | {cell(f.help)} |"
        )
        nested = {
            "authors": AUTHOR_FIELDS,
            "translators": TRANSLATOR_FIELDS,
            "editors": EDITOR_FIELDS,
        }.get(f.key)
        if nested is not None and fields in (REPORT_FIELDS, TRANSLATION_FIELDS, BOOK_FIELDS):
            for sub in nested:
                rows.append(
                    f"| `{f.key}[].{sub.key}` | {'yes' if sub.required else 'no'} | "
                    f"{cell(sub.allowed)} | {cell(sub.help)} |"
                )
    return "\n".join(rows) + "\n"
