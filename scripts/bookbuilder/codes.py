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


class Kind(Enum):
    ERROR = "error"  # blocks the build (a warning in drafts and withdrawn reports)
    WARNING = "warning"  # never blocks; can be silenced


class Code(StrEnum):
    """A problem's code; its ``meaning`` is one line for the docs and its ``kind`` says
    whether it can be silenced."""

    kind: Kind
    meaning: str

    def __new__(cls, value: str, kind: Kind, meaning: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        member.meaning = meaning
        return member

    # -- the files themselves
    FILE_READ = "file.read", Kind.ERROR, "the file cannot be read"
    FILE_SYMLINK = "file.symlink", Kind.ERROR, "the file is a symbolic link"
    FILE_TOO_LARGE = "file.too-large", Kind.ERROR, "the file is over 1 MiB"
    FILE_NUL_BYTE = "file.nul-byte", Kind.ERROR, "the file contains a NUL byte"
    FILE_ENCODING = (
        "file.encoding",
        Kind.ERROR,
        "the file is not UTF-8 (the line and column say where)",
    )
    FILE_LINE_BREAK = (
        "file.line-break",
        Kind.ERROR,
        "a character another reader takes for a line break",
    )
    FILE_CHARACTER = (
        "file.character",
        Kind.ERROR,
        "a control character or U+FFFE/U+FFFF, which no edition can hold",
    )
    FILE_FRONT_MATTER = (
        "file.front-matter",
        Kind.ERROR,
        "no front matter between '---' lines at the top",
    )
    FILE_SLUG = "file.slug", Kind.ERROR, "the file name is not a valid slug"
    FILE_HIDDEN = "file.hidden", Kind.WARNING, "a file starting with '.' was not read"
    FILE_MORE_PROBLEMS = (
        "file.more-problems",
        Kind.ERROR,
        "more problems than are listed, in one file",
    )
    # -- YAML front matter
    YAML_SYNTAX = "yaml.syntax", Kind.ERROR, "the front matter is not valid YAML"
    YAML_QUOTE = "yaml.quote", Kind.ERROR, "a quote left open, or text after a closing quote"
    YAML_COLON = "yaml.colon", Kind.ERROR, "a colon and space inside an unquoted value"
    YAML_DASH = "yaml.dash", Kind.ERROR, "a list dash without a space after it"
    YAML_TAB = "yaml.tab", Kind.ERROR, "a tab used for indentation"
    YAML_STRUCTURE = "yaml.structure", Kind.ERROR, "the front matter is not a mapping of keys"
    YAML_KEY = "yaml.key", Kind.ERROR, "a key that is not plain text"
    YAML_DUPLICATE_KEY = "yaml.duplicate-key", Kind.ERROR, "the same key twice"
    YAML_ALIAS = "yaml.alias", Kind.ERROR, "a YAML anchor or alias (& or *)"
    YAML_TAG = "yaml.tag", Kind.ERROR, "a YAML tag (!!python/…, !custom)"
    YAML_DEPTH = "yaml.depth", Kind.ERROR, "values nested more than 10 levels deep"
    YAML_CHARACTER = "yaml.character", Kind.ERROR, "a control character in the front matter"
    # -- a report's front matter
    REPORT_UNKNOWN_KEY = "report.unknown-key", Kind.ERROR, "a key the report format does not have"
    REPORT_MISSING = "report.missing", Kind.ERROR, "a required key is missing or empty"
    REPORT_TYPE = "report.type", Kind.ERROR, "a value of the wrong type (text for a list, …)"
    REPORT_VALUE = "report.value", Kind.ERROR, "a text too long, empty, or with a line break"
    REPORT_VOCABULARY = (
        "report.vocabulary",
        Kind.ERROR,
        "a role, modality or status not in the list",
    )
    REPORT_COUNTRY = "report.country", Kind.ERROR, "not an ISO 3166-1 alpha-2 code with a region"
    REPORT_DATE = "report.date", Kind.ERROR, "not an ISO date, or a date in the future"
    REPORT_CONSENT = "report.consent", Kind.ERROR, "consent is not true"
    REPORT_LANGUAGE = "report.language", Kind.ERROR, "not a BCP 47 language tag Babel knows"
    REPORT_ORCID = "report.orcid", Kind.ERROR, "not an ORCID iD, or a wrong check digit"
    REPORT_TOPIC = (
        "report.topic",
        Kind.ERROR,
        "a topic with characters other than letters and hyphens",
    )
    REPORT_SLUG = "report.slug", Kind.ERROR, "a chapter id that is not a valid slug"
    REPORT_DOI = "report.doi", Kind.ERROR, "not a DOI (10.<registrant>/<suffix>)"
    REPORT_DUPLICATE = (
        "report.duplicate",
        Kind.WARNING,
        "same title and first author as another report",
    )
    # -- a translation's front matter (experiences/<slug>.<language>.md)
    TRANSLATION_UNKNOWN_KEY = (
        "translation.unknown-key",
        Kind.ERROR,
        "a key translations do not have (a report's facts are its original's)",
    )
    TRANSLATION_MISSING = "translation.missing", Kind.ERROR, "a required key is missing or empty"
    TRANSLATION_TYPE = "translation.type", Kind.ERROR, "a value of the wrong type"
    TRANSLATION_VALUE = "translation.value", Kind.ERROR, "a text too long, empty or broken"
    TRANSLATION_VOCABULARY = (
        "translation.vocabulary",
        Kind.ERROR,
        "a status other than accepted or draft",
    )
    TRANSLATION_ORCID = (
        "translation.orcid",
        Kind.ERROR,
        "a translator's ORCID iD is not one, or has a wrong check digit",
    )
    TRANSLATION_ORPHAN = (
        "translation.orphan",
        Kind.ERROR,
        "a translation whose report (<slug>.md) does not exist",
    )
    TRANSLATION_SAME_LANGUAGE = (
        "translation.same-language",
        Kind.ERROR,
        "a translation into its original's own language",
    )
    # -- a chapter's front matter
    CHAPTER_UNKNOWN_KEY = "chapter.unknown-key", Kind.ERROR, "a key chapters do not have"
    CHAPTER_MISSING = "chapter.missing", Kind.ERROR, "a required key is missing or empty"
    CHAPTER_TYPE = "chapter.type", Kind.ERROR, "a value of the wrong type"
    CHAPTER_VALUE = "chapter.value", Kind.ERROR, "a text too long or empty, a number out of range"
    CHAPTER_VOCABULARY = (
        "chapter.vocabulary",
        Kind.ERROR,
        "a region, role, modality or sort key not in the list",
    )
    CHAPTER_COUNTRY = "chapter.country", Kind.ERROR, "a collect rule's country is not a valid code"
    CHAPTER_LANGUAGE = "chapter.language", Kind.ERROR, "a collect rule's language is not a tag"
    CHAPTER_TOPIC = "chapter.topic", Kind.ERROR, "a collect rule's topic is not a word"
    CHAPTER_COLLECT = (
        "chapter.collect",
        Kind.ERROR,
        "collect is neither a mapping of rules nor rest",
    )
    CHAPTER_DUPLICATE_ORDER = (
        "chapter.duplicate-order",
        Kind.WARNING,
        "two chapters with the same order",
    )
    # -- conf.py
    CONF_ERROR = "conf.error", Kind.ERROR, "conf.py cannot be read or run"
    CONF_BOOK = "conf.book", Kind.ERROR, "conf.py has no book = {...} mapping"
    BOOK_UNKNOWN_KEY = "book.unknown-key", Kind.ERROR, "a key the book mapping does not have"
    BOOK_MISSING = "book.missing", Kind.ERROR, "a required key is missing or empty"
    BOOK_TYPE = "book.type", Kind.ERROR, "a value of the wrong type"
    BOOK_VALUE = "book.value", Kind.ERROR, "a text too long or empty, a year out of range"
    BOOK_LANGUAGE = "book.language", Kind.ERROR, "not a BCP 47 language tag Babel knows"
    BOOK_ISBN = "book.isbn", Kind.ERROR, "not an ISBN-10 or ISBN-13, or a wrong check digit"
    BOOK_DOI = "book.doi", Kind.ERROR, "not a DOI (10.<registrant>/<suffix>)"
    BOOK_COVER = "book.cover", Kind.ERROR, "the cover is not an image file inside the book's folder"
    BOOK_SLUG = "book.slug", Kind.ERROR, "basename is not a valid file name"
    BOOK_SILENCE = "book.silence", Kind.ERROR, "silence names a code that is not a warning's"
    # -- a report's body
    BODY_HEADING = "body.heading", Kind.ERROR, "a level-1 heading in the body"
    BODY_RAW_HTML = "body.raw-html", Kind.ERROR, "raw HTML, as a block or inline"
    BODY_DIRECTIVE = "body.directive", Kind.ERROR, "a directive the format refuses"
    BODY_OPTION = (
        "body.option",
        Kind.ERROR,
        "a directive option the format refuses or does not know",
    )
    BODY_OPTION_SYNTAX = (
        "body.option-syntax",
        Kind.ERROR,
        "directive options not written as ':name: value'",
    )
    BODY_NESTING = "body.nesting", Kind.ERROR, "directives, quotes or admonitions nested too deep"
    BODY_ROLE = "body.role", Kind.ERROR, "a role the format refuses"
    BODY_LINK = "body.link", Kind.ERROR, "a link that is not http, https or mailto"
    BODY_TARGET = "body.target", Kind.ERROR, "a label for cross-references, (label)= or :name:"
    BODY_IMAGE = (
        "body.image",
        Kind.ERROR,
        "an image outside images/<slug>/, missing, too large, unsafe or without alt text",
    )
    BODY_PLACEHOLDER = (
        "body.placeholder",
        Kind.WARNING,
        "an accepted report still holds the template sentence of make new",
    )
    BODY_SHORT = (
        "body.short",
        Kind.WARNING,
        "an accepted report's text has fewer words than the book's min_words",
    )
    BODY_ELEMENT = (
        "body.element",
        Kind.ERROR,
        "the body, read as the build reads it, makes an element the format does not allow",
    )
    BODY_MARKUP = (
        "body.markup",
        Kind.WARNING,
        "what docutils reports as the build reads the body (a footnote referred to, not written)",
    )
    BODY_FOOTNOTE = "body.footnote", Kind.WARNING, "a footnote that nothing refers to"
    BODY_FIGURE = "body.figure", Kind.WARNING, "a figure without a caption"
    BODY_PDF = (
        "body.pdf",
        Kind.ERROR,
        "a word over 60 characters or a table over 12 columns: the PDF cannot set it",
    )
    # -- privacy (patients)
    PRIVACY_BIRTH_DATE = (
        "privacy.birth-date",
        Kind.WARNING,
        "a date after born, DOB, date of birth…",
    )
    PRIVACY_RECORD_NUMBER = "privacy.record-number", Kind.WARNING, "a number after MRN, patient ID…"
    PRIVACY_NATIONAL_ID = (
        "privacy.national-id",
        Kind.WARNING,
        "a national ID number (SSN, NHS, codice fiscale, DNI)",
    )
    PRIVACY_PHONE = "privacy.phone", Kind.WARNING, "a phone number"
    PRIVACY_NUMBER = (
        "privacy.number",
        Kind.WARNING,
        "a number of 8 to 15 digits (a phone, record or ID?)",
    )
    PRIVACY_EMAIL = "privacy.email", Kind.WARNING, "an e-mail address"
    PRIVACY_NAME = "privacy.name", Kind.WARNING, "a name after patient, Mr, Mrs, Herr, Signora…"
    # -- chapters and the book as a whole
    CURATE_CHAPTER = "curate.chapter", Kind.ERROR, "chapter: names no chapter that collects reports"
    CURATE_UNPLACED = "curate.unplaced", Kind.ERROR, "an accepted report that no chapter takes"
    CURATE_EMPTY_CHAPTER = (
        "curate.empty-chapter",
        Kind.WARNING,
        "a collecting chapter that gets no report",
    )
    # -- the editions
    PDF_MISSING_CHARACTER = (
        "pdf.missing-character",
        Kind.ERROR,
        "a character no font of the PDF has",
    )


SILENCEABLE = tuple(c.value for c in Code if c.kind is Kind.WARNING)


def table_markdown() -> str:
    """The docs' table of codes (``make docs``)."""
    rows = ["| code | kind | what it means |", "|---|---|---|"]
    rows += [f"| `{c.value}` | {c.kind.value} | {c.meaning} |" for c in Code]
    return "\n".join(rows) + "\n"
