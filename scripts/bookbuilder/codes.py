"""Every problem's code, with one line of what it means: the registry.

A problem prints its code in brackets (``experiences/x.md:12: warning: … [privacy.phone]``).
Warnings can be silenced on purpose with the book's ``silence`` setting in conf.py
(``"silence": ["privacy.number"]``); errors never can: a book with an error is not built.
Codes marked as errors are still warnings in a draft or withdrawn report (those never block),
but silencing is for what is a warning by nature. ``make docs`` lists this table in
``docs/report-format.md``.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from bookbuilder.pdfengine import limits


class Kind(Enum):
    ERROR = "error"  # blocks the build (a warning in drafts and withdrawn reports)
    WARNING = "warning"  # never blocks; can be silenced


ERROR, WARNING = Kind.ERROR, Kind.WARNING


class Code(StrEnum):
    """A problem's code, each once, in the order the docs list them: what a message prints in
    brackets (and conf.py's ``silence`` names), its ``kind`` (whether it can be silenced) and
    its ``meaning``, one line for the docs. A check names the member (``Code.REPORT_TYPE``), so
    a code missing here fails where it is written (mypy, and the import), not in an editor's
    hands. A code's name is its value in capitals, with underscores."""

    _value_: str
    kind: Kind
    meaning: str

    def __new__(cls, value: str, kind: Kind, meaning: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        member.meaning = meaning
        return member

    # -- the files themselves
    FILE_READ = "file.read", ERROR, "the file cannot be read"
    FILE_SYMLINK = "file.symlink", ERROR, "the file is a symbolic link"
    FILE_TOO_LARGE = "file.too-large", ERROR, "the file is over 1 MiB"
    FILE_NUL_BYTE = "file.nul-byte", ERROR, "the file contains a NUL byte"
    FILE_ENCODING = "file.encoding", ERROR, "the file is not UTF-8 (the line and column say where)"
    FILE_LINE_BREAK = "file.line-break", ERROR, "a character another reader takes for a line break"
    FILE_CHARACTER = (
        "file.character",
        ERROR,
        "a control character or U+FFFE/U+FFFF, which no edition can hold",
    )
    FILE_FRONT_MATTER = "file.front-matter", ERROR, "no front matter between '---' lines at the top"
    FILE_SLUG = "file.slug", ERROR, "the file name is not a valid slug"
    FILE_HIDDEN = "file.hidden", WARNING, "a file starting with '.' was not read"
    FILE_MORE_PROBLEMS = "file.more-problems", ERROR, "more problems than are listed, in one file"
    # -- YAML front matter
    YAML_SYNTAX = "yaml.syntax", ERROR, "the front matter is not valid YAML"
    YAML_QUOTE = "yaml.quote", ERROR, "a quote left open, or text after a closing quote"
    YAML_COLON = "yaml.colon", ERROR, "a colon and space inside an unquoted value"
    YAML_DASH = "yaml.dash", ERROR, "a list dash without a space after it"
    YAML_TAB = "yaml.tab", ERROR, "a tab used for indentation"
    YAML_STRUCTURE = "yaml.structure", ERROR, "the front matter is not a mapping of keys"
    YAML_KEY = "yaml.key", ERROR, "a key that is not plain text"
    YAML_DUPLICATE_KEY = "yaml.duplicate-key", ERROR, "the same key twice"
    YAML_ALIAS = "yaml.alias", ERROR, "a YAML anchor or alias (& or *)"
    YAML_TAG = "yaml.tag", ERROR, "a YAML tag (!!python/…, !custom)"
    YAML_DEPTH = "yaml.depth", ERROR, "values nested more than 10 levels deep"
    YAML_CHARACTER = "yaml.character", ERROR, "a control character in the front matter"
    # -- a report's front matter
    REPORT_UNKNOWN_KEY = "report.unknown-key", ERROR, "a key the report format does not have"
    REPORT_MISSING = "report.missing", ERROR, "a required key is missing or empty"
    REPORT_TYPE = "report.type", ERROR, "a value of the wrong type (text for a list, …)"
    REPORT_VALUE = "report.value", ERROR, "a text too long, empty, or with a line break"
    REPORT_VOCABULARY = "report.vocabulary", ERROR, "a role, modality or status not in the list"
    REPORT_COUNTRY = "report.country", ERROR, "not an ISO 3166-1 alpha-2 code with a region"
    REPORT_OFF_MAP = (
        "report.off-map",
        WARNING,
        "a country the world map cannot draw: counted in its table, named under it",
    )
    REPORT_DATE = "report.date", ERROR, "not an ISO date, or a date in the future"
    REPORT_CONSENT = "report.consent", ERROR, "consent is not true"
    REPORT_LANGUAGE = "report.language", ERROR, "not a BCP 47 language tag Babel knows"
    REPORT_ORCID = "report.orcid", ERROR, "not an ORCID iD, or a wrong check digit"
    REPORT_TOPIC = "report.topic", ERROR, "a topic with characters other than letters and hyphens"
    REPORT_SLUG = "report.slug", ERROR, "a chapter id that is not a valid slug"
    REPORT_DOI = "report.doi", ERROR, "not a DOI (10.<registrant>/<suffix>)"
    REPORT_DUPLICATE = "report.duplicate", WARNING, "same title and first author as another report"
    REPORT_FAMILY = (
        "report.family",
        ERROR,
        "an author's family is not a part of the name, or is an organisation's",
    )
    REPORT_NAME_GUESS = (
        "report.name-guess",
        WARNING,
        "an author's family name is guessed, and the guess is doubtful",
    )
    REPORT_NAME_TITLE = (
        "report.name-title",
        WARNING,
        "an author's name holds a title or degree (Dr, Prof, MD, PhD…)",
    )
    # -- a translation's front matter (experiences/<slug>.<language>.md)
    TRANSLATION_UNKNOWN_KEY = (
        "translation.unknown-key",
        ERROR,
        "a key translations do not have (a report's facts are its original's)",
    )
    TRANSLATION_MISSING = "translation.missing", ERROR, "a required key is missing or empty"
    TRANSLATION_TYPE = "translation.type", ERROR, "a value of the wrong type"
    TRANSLATION_VALUE = "translation.value", ERROR, "a text too long, empty or broken"
    TRANSLATION_VOCABULARY = (
        "translation.vocabulary",
        ERROR,
        "a status other than accepted or draft",
    )
    TRANSLATION_ORCID = (
        "translation.orcid",
        ERROR,
        "a translator's ORCID iD is not one, or has a wrong check digit",
    )
    TRANSLATION_FAMILY = (
        "translation.family",
        ERROR,
        "a translator's family is not a part of the name",
    )
    TRANSLATION_NAME_GUESS = (
        "translation.name-guess",
        WARNING,
        "a translator's family name is guessed, doubtfully",
    )
    TRANSLATION_NAME_TITLE = (
        "translation.name-title",
        WARNING,
        "a translator's name holds a title or degree",
    )
    TRANSLATION_ORPHAN = (
        "translation.orphan",
        ERROR,
        "a translation whose report (<slug>.md) does not exist",
    )
    TRANSLATION_SAME_LANGUAGE = (
        "translation.same-language",
        ERROR,
        "a translation into its original's own language",
    )
    # -- a chapter's front matter
    CHAPTER_UNKNOWN_KEY = "chapter.unknown-key", ERROR, "a key chapters do not have"
    CHAPTER_MISSING = "chapter.missing", ERROR, "a required key is missing or empty"
    CHAPTER_TYPE = "chapter.type", ERROR, "a value of the wrong type"
    CHAPTER_VALUE = "chapter.value", ERROR, "a text too long or empty, a number out of range"
    CHAPTER_VOCABULARY = (
        "chapter.vocabulary",
        ERROR,
        "a region, role, modality or sort key not in the list",
    )
    CHAPTER_COUNTRY = "chapter.country", ERROR, "a collect rule's country is not a valid code"
    CHAPTER_LANGUAGE = "chapter.language", ERROR, "a collect rule's language is not a tag"
    CHAPTER_TOPIC = "chapter.topic", ERROR, "a collect rule's topic is not a word"
    CHAPTER_COLLECT = "chapter.collect", ERROR, "collect is neither a mapping of rules nor rest"
    CHAPTER_DUPLICATE_ORDER = "chapter.duplicate-order", WARNING, "two chapters with the same order"
    # -- conf.py
    CONF_ERROR = "conf.error", ERROR, "conf.py cannot be read or run"
    CONF_BOOK = "conf.book", ERROR, "conf.py has no book = {...} mapping"
    BOOK_UNKNOWN_KEY = "book.unknown-key", ERROR, "a key the book mapping does not have"
    BOOK_MISSING = "book.missing", ERROR, "a required key is missing or empty"
    BOOK_TYPE = "book.type", ERROR, "a value of the wrong type"
    BOOK_VALUE = "book.value", ERROR, "a text too long or empty, a year out of range"
    BOOK_LANGUAGE = "book.language", ERROR, "not a BCP 47 language tag Babel knows"
    BOOK_ISBN = "book.isbn", ERROR, "not an ISBN-10 or ISBN-13, or a wrong check digit"
    BOOK_DOI = "book.doi", ERROR, "not a DOI (10.<registrant>/<suffix>)"
    BOOK_FAMILY = (
        "book.family",
        ERROR,
        "an editor's family is not a part of the name, or is a board's",
    )
    BOOK_NAME_GUESS = (
        "book.name-guess",
        WARNING,
        "an editor's family name is guessed, and the guess is doubtful",
    )
    BOOK_NAME_TITLE = "book.name-title", WARNING, "an editor's name holds a title or degree"
    BOOK_COVER = "book.cover", ERROR, "the cover is not an image file inside the book's folder"
    BOOK_LOGO = (
        "book.logo",
        ERROR,
        "the logo is not a PNG, JPEG or WebP image inside the book's folder",
    )
    BOOK_ACCENT = (
        "book.accent",
        ERROR,
        "accent is not a #rrggbb colour with a contrast of 4.5:1 against white",
    )
    BOOK_SLUG = "book.slug", ERROR, "basename is not a valid file name"
    BOOK_SILENCE = "book.silence", ERROR, "silence names a code that is not a warning's"
    BOOK_TOPIC = "book.topic", ERROR, "a topic_labels key that is not a topic word"
    BOOK_WORDS = (
        "book.words",
        ERROR,
        "words names a word the builder does not have, or drops a placeholder",
    )
    BOOK_PLURAL_CATEGORY = (
        "book.plural-category",
        WARNING,
        "words gives a plural form for a category the book's language does not use",
    )
    BOOK_NO_CATALOGUE = (
        "book.no-catalogue",
        WARNING,
        "the builder's words have no catalogue in the book's language",
    )
    # -- a report's body
    BODY_HEADING = "body.heading", ERROR, "a level-1 heading in the body"
    BODY_RAW_HTML = "body.raw-html", ERROR, "raw HTML, as a block or inline"
    BODY_DIRECTIVE = "body.directive", ERROR, "a directive the format refuses"
    BODY_OPTION = "body.option", ERROR, "a directive option the format refuses or does not know"
    BODY_OPTION_SYNTAX = (
        "body.option-syntax",
        ERROR,
        "directive options not written as ':name: value'",
    )
    BODY_NESTING = "body.nesting", ERROR, "directives nested more than 20 deep"
    BODY_ROLE = "body.role", ERROR, "a role the format refuses"
    BODY_LINK = "body.link", ERROR, "a link that is not http, https or mailto"
    BODY_TARGET = "body.target", ERROR, "a label for cross-references, (label)= or :name:"
    BODY_IMAGE = (
        "body.image",
        ERROR,
        "an image outside images/<slug>/, missing, too large, unsafe or without alt text",
    )
    BODY_PLACEHOLDER = (
        "body.placeholder",
        WARNING,
        "an accepted report still holds the template sentence of make new",
    )
    BODY_SHORT = (
        "body.short",
        WARNING,
        "an accepted report's text has fewer words than the book's min_words",
    )
    BODY_ELEMENT = (
        "body.element",
        ERROR,
        "the body, read as the build reads it, makes an element the format does not allow",
    )
    BODY_MARKUP = (
        "body.markup",
        WARNING,
        "what docutils reports as the build reads the body (a footnote referred to, not written)",
    )
    BODY_FOOTNOTE = "body.footnote", WARNING, "a footnote that nothing refers to"
    BODY_FIGURE = "body.figure", WARNING, "a figure without a caption"
    BODY_PDF = "body.pdf", ERROR, "a table over 12 columns: the PDF cannot set it"
    BODY_LONG_RUN = (
        "body.long-run",
        WARNING,
        "text with no place to break a line (UAX #14) over a line's width: the PDF breaks it "
        "at an arbitrary character",
    )
    BODY_PDF_NESTING = (
        "body.pdf-nesting",
        ERROR,
        f"lists, quotes, admonitions and tables over {limits.MAX_NESTING} levels, or emphasis "
        f"and links over {limits.MAX_INLINE_NESTING}, inside each other: the PDF cannot set them",
    )
    BODY_PDF_TABLE = (
        "body.pdf-table",
        ERROR,
        f"a table of over {limits.MAX_TABLE_CELLS:,} cells: too large for the PDF",
    )
    BODY_PDF_HEADER = (
        "body.pdf-header",
        ERROR,
        "a table header repeated on every page too often (its characters × rows over "
        f"{limits.MAX_HEADER_REPEAT:,})",
    )
    BODY_PDF_FOOTNOTES = (
        "body.pdf-footnotes",
        ERROR,
        f"a footnote bringing over {limits.MAX_NOTES_PER_MARK} notes with it, or over "
        f"{limits.MAX_MARKS_PER_PARAGRAPH} marks in one paragraph: the notes would not fit "
        "their page of the PDF",
    )
    BODY_PDF_SIZE = (
        "body.pdf-size",
        ERROR,
        f"a report of over {limits.MAX_ELEMENTS:,} elements (a link counts "
        f"{limits.LINK_WEIGHT}): too large for the PDF",
    )
    # -- privacy (patients)
    PRIVACY_BIRTH_DATE = "privacy.birth-date", WARNING, "a date after born, DOB, date of birth…"
    PRIVACY_RECORD_NUMBER = "privacy.record-number", WARNING, "a number after MRN, patient ID…"
    PRIVACY_NATIONAL_ID = (
        "privacy.national-id",
        WARNING,
        "a national ID number (SSN, NHS, codice fiscale, DNI)",
    )
    PRIVACY_PHONE = "privacy.phone", WARNING, "a phone number"
    PRIVACY_NUMBER = (
        "privacy.number",
        WARNING,
        "a number of 8 to 15 digits (a phone, record or ID?)",
    )
    PRIVACY_EMAIL = "privacy.email", WARNING, "an e-mail address"
    PRIVACY_NAME = "privacy.name", WARNING, "a name after patient, Mr, Mrs, Herr, Signora…"
    # -- patient data burned into images (read by OCR: check/burnedin.py)
    IMAGE_BURNED_IN = (
        "image.burned-in",
        ERROR,
        "a patient's name, date, number or age read in an image",
    )
    IMAGE_TEXT = "image.text", WARNING, "other text read in a clinical (grey) image"
    IMAGE_UNREAD = (
        "image.unread",
        ERROR,
        "an image whose text could not be read (the OCR engine failed)",
    )
    IMAGE_CONFIRMED = (
        "image.confirmed",
        WARNING,
        "confirmed-images names a file not shown, or old bytes",
    )
    # -- chapters and the book as a whole
    CURATE_CHAPTER = "curate.chapter", ERROR, "chapter: names no chapter that collects reports"
    CURATE_UNPLACED = "curate.unplaced", ERROR, "an accepted report that no chapter takes"
    CURATE_EMPTY_CHAPTER = (
        "curate.empty-chapter",
        WARNING,
        "a collecting chapter that gets no report",
    )
    # -- the editions
    PDF_MISSING_CHARACTER = (
        "pdf.missing-character",
        ERROR,
        "a character no installed font of the PDF has",
    )
    PDF_FONTS_MISSING = (
        "pdf.fonts-missing",
        WARNING,
        "the PDF's fonts are not installed here: characters not checked (`make setup-pdf`)",
    )


class Scope(StrEnum):
    """The four kinds of front matter, whose checks share their rules (below)."""

    REPORT = "report"
    TRANSLATION = "translation"
    CHAPTER = "chapter"
    BOOK = "book"


class Rule(StrEnum):
    """What a front-matter check found wrong, whichever front matter it reads: the second half
    of the scope's code (``report.type``, ``book.type``). :func:`scoped` gives the code."""

    UNKNOWN_KEY = "unknown-key"
    MISSING = "missing"
    TYPE = "type"
    VALUE = "value"
    VOCABULARY = "vocabulary"
    COUNTRY = "country"
    DATE = "date"
    LANGUAGE = "language"
    ORCID = "orcid"
    TOPIC = "topic"
    SLUG = "slug"
    DOI = "doi"
    FAMILY = "family"
    NAME_GUESS = "name-guess"
    NAME_TITLE = "name-title"


# (scope, rule) → its code, read off the registry: a rule a scope's check can break has a code
# of its own there (tests/test_codes.py feeds every field of every scope wrong values).
_SCOPED: dict[tuple[Scope, Rule], Code] = {
    (scope, rule): code
    for code in Code
    for scope in Scope
    for rule in Rule
    if code.value == scope.value + "." + rule.value
}


def scoped(scope: Scope, rule: Rule) -> Code:
    """The code of ``rule`` broken in ``scope``'s front matter (a KeyError, found by the tests,
    when the registry lacks it)."""
    return _SCOPED[scope, rule]


SILENCEABLE = tuple(c.value for c in Code if c.kind is Kind.WARNING)


def table_markdown() -> str:
    """The docs' table of codes (``make docs``)."""
    rows = ["| code | kind | what it means |", "|---|---|---|"]
    rows += [f"| `{c.value}` | {c.kind.value} | {c.meaning} |" for c in Code]
    return "\n".join(rows) + "\n"
