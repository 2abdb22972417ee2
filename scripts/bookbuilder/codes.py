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

from bookbuilder import limits


class Kind(Enum):
    ERROR = "error"  # blocks the build (a warning in drafts and withdrawn reports)
    WARNING = "warning"  # never blocks; can be silenced


ERROR, WARNING = Kind.ERROR, Kind.WARNING

# Each code once: what a message prints in brackets (and conf.py's ``silence`` names), its kind
# and its meaning, in the order the docs list them. Code below is made from this table.
_REGISTRY: dict[str, tuple[Kind, str]] = {
    # -- the files themselves
    "file.read": (ERROR, "the file cannot be read"),
    "file.symlink": (ERROR, "the file is a symbolic link"),
    "file.too-large": (ERROR, "the file is over 1 MiB"),
    "file.nul-byte": (ERROR, "the file contains a NUL byte"),
    "file.encoding": (ERROR, "the file is not UTF-8 (the line and column say where)"),
    "file.line-break": (ERROR, "a character another reader takes for a line break"),
    "file.character": (ERROR, "a control character or U+FFFE/U+FFFF, which no edition can hold"),
    "file.front-matter": (ERROR, "no front matter between '---' lines at the top"),
    "file.slug": (ERROR, "the file name is not a valid slug"),
    "file.hidden": (WARNING, "a file starting with '.' was not read"),
    "file.more-problems": (ERROR, "more problems than are listed, in one file"),
    # -- YAML front matter
    "yaml.syntax": (ERROR, "the front matter is not valid YAML"),
    "yaml.quote": (ERROR, "a quote left open, or text after a closing quote"),
    "yaml.colon": (ERROR, "a colon and space inside an unquoted value"),
    "yaml.dash": (ERROR, "a list dash without a space after it"),
    "yaml.tab": (ERROR, "a tab used for indentation"),
    "yaml.structure": (ERROR, "the front matter is not a mapping of keys"),
    "yaml.key": (ERROR, "a key that is not plain text"),
    "yaml.duplicate-key": (ERROR, "the same key twice"),
    "yaml.alias": (ERROR, "a YAML anchor or alias (& or *)"),
    "yaml.tag": (ERROR, "a YAML tag (!!python/…, !custom)"),
    "yaml.depth": (ERROR, "values nested more than 10 levels deep"),
    "yaml.character": (ERROR, "a control character in the front matter"),
    # -- a report's front matter
    "report.unknown-key": (ERROR, "a key the report format does not have"),
    "report.missing": (ERROR, "a required key is missing or empty"),
    "report.type": (ERROR, "a value of the wrong type (text for a list, …)"),
    "report.value": (ERROR, "a text too long, empty, or with a line break"),
    "report.vocabulary": (ERROR, "a role, modality or status not in the list"),
    "report.country": (ERROR, "not an ISO 3166-1 alpha-2 code with a region"),
    "report.date": (ERROR, "not an ISO date, or a date in the future"),
    "report.consent": (ERROR, "consent is not true"),
    "report.language": (ERROR, "not a BCP 47 language tag Babel knows"),
    "report.orcid": (ERROR, "not an ORCID iD, or a wrong check digit"),
    "report.topic": (ERROR, "a topic with characters other than letters and hyphens"),
    "report.slug": (ERROR, "a chapter id that is not a valid slug"),
    "report.doi": (ERROR, "not a DOI (10.<registrant>/<suffix>)"),
    "report.duplicate": (WARNING, "same title and first author as another report"),
    "report.family": (
        ERROR,
        "an author's family is not a part of the name, or is an organisation's",
    ),
    "report.name-guess": (WARNING, "an author's family name is guessed, and the guess is doubtful"),
    "report.name-title": (WARNING, "an author's name holds a title or degree (Dr, Prof, MD, PhD…)"),
    # -- a translation's front matter (experiences/<slug>.<language>.md)
    "translation.unknown-key": (
        ERROR,
        "a key translations do not have (a report's facts are its original's)",
    ),
    "translation.missing": (ERROR, "a required key is missing or empty"),
    "translation.type": (ERROR, "a value of the wrong type"),
    "translation.value": (ERROR, "a text too long, empty or broken"),
    "translation.vocabulary": (ERROR, "a status other than accepted or draft"),
    "translation.orcid": (ERROR, "a translator's ORCID iD is not one, or has a wrong check digit"),
    "translation.family": (ERROR, "a translator's family is not a part of the name"),
    "translation.name-guess": (WARNING, "a translator's family name is guessed, doubtfully"),
    "translation.name-title": (WARNING, "a translator's name holds a title or degree"),
    "translation.orphan": (ERROR, "a translation whose report (<slug>.md) does not exist"),
    "translation.same-language": (ERROR, "a translation into its original's own language"),
    # -- a chapter's front matter
    "chapter.unknown-key": (ERROR, "a key chapters do not have"),
    "chapter.missing": (ERROR, "a required key is missing or empty"),
    "chapter.type": (ERROR, "a value of the wrong type"),
    "chapter.value": (ERROR, "a text too long or empty, a number out of range"),
    "chapter.vocabulary": (ERROR, "a region, role, modality or sort key not in the list"),
    "chapter.country": (ERROR, "a collect rule's country is not a valid code"),
    "chapter.language": (ERROR, "a collect rule's language is not a tag"),
    "chapter.topic": (ERROR, "a collect rule's topic is not a word"),
    "chapter.collect": (ERROR, "collect is neither a mapping of rules nor rest"),
    "chapter.duplicate-order": (WARNING, "two chapters with the same order"),
    # -- conf.py
    "conf.error": (ERROR, "conf.py cannot be read or run"),
    "conf.book": (ERROR, "conf.py has no book = {...} mapping"),
    "book.unknown-key": (ERROR, "a key the book mapping does not have"),
    "book.missing": (ERROR, "a required key is missing or empty"),
    "book.type": (ERROR, "a value of the wrong type"),
    "book.value": (ERROR, "a text too long or empty, a year out of range"),
    "book.language": (ERROR, "not a BCP 47 language tag Babel knows"),
    "book.isbn": (ERROR, "not an ISBN-10 or ISBN-13, or a wrong check digit"),
    "book.doi": (ERROR, "not a DOI (10.<registrant>/<suffix>)"),
    "book.family": (ERROR, "an editor's family is not a part of the name, or is a board's"),
    "book.name-guess": (WARNING, "an editor's family name is guessed, and the guess is doubtful"),
    "book.name-title": (WARNING, "an editor's name holds a title or degree"),
    "book.cover": (ERROR, "the cover is not an image file inside the book's folder"),
    "book.slug": (ERROR, "basename is not a valid file name"),
    "book.silence": (ERROR, "silence names a code that is not a warning's"),
    # -- a report's body
    "body.heading": (ERROR, "a level-1 heading in the body"),
    "body.raw-html": (ERROR, "raw HTML, as a block or inline"),
    "body.directive": (ERROR, "a directive the format refuses"),
    "body.option": (ERROR, "a directive option the format refuses or does not know"),
    "body.option-syntax": (ERROR, "directive options not written as ':name: value'"),
    "body.nesting": (ERROR, "directives nested more than 20 deep"),
    "body.role": (ERROR, "a role the format refuses"),
    "body.link": (ERROR, "a link that is not http, https or mailto"),
    "body.target": (ERROR, "a label for cross-references, (label)= or :name:"),
    "body.image": (
        ERROR,
        "an image outside images/<slug>/, missing, too large, unsafe or without alt text",
    ),
    "body.placeholder": (
        WARNING,
        "an accepted report still holds the template sentence of make new",
    ),
    "body.short": (WARNING, "an accepted report's text has fewer words than the book's min_words"),
    "body.element": (
        ERROR,
        "the body, read as the build reads it, makes an element the format does not allow",
    ),
    "body.markup": (
        WARNING,
        "what docutils reports as the build reads the body (a footnote referred to, not written)",
    ),
    "body.footnote": (WARNING, "a footnote that nothing refers to"),
    "body.figure": (WARNING, "a figure without a caption"),
    "body.pdf": (ERROR, "a table over 12 columns: the PDF cannot set it"),
    "body.long-run": (
        WARNING,
        "text with no place to break a line (UAX #14) over a line's width: the PDF breaks it "
        "at an arbitrary character",
    ),
    "body.pdf-nesting": (
        ERROR,
        f"lists, quotes, admonitions and tables over {limits.MAX_NESTING} levels, or emphasis "
        f"and links over {limits.MAX_INLINE_NESTING}, inside each other: the PDF cannot set them",
    ),
    "body.pdf-table": (
        ERROR,
        f"a table of over {limits.MAX_TABLE_CELLS:,} cells: too large for the PDF",
    ),
    "body.pdf-header": (
        ERROR,
        "a table header repeated on every page too often (its characters × rows over "
        f"{limits.MAX_HEADER_REPEAT:,})",
    ),
    "body.pdf-footnotes": (
        ERROR,
        f"a footnote bringing over {limits.MAX_NOTES_PER_MARK} notes with it, or over "
        f"{limits.MAX_MARKS_PER_PARAGRAPH} marks in one paragraph: the notes would not fit "
        "their page of the PDF",
    ),
    "body.pdf-size": (
        ERROR,
        f"a report of over {limits.MAX_ELEMENTS:,} elements (a link counts "
        f"{limits.LINK_WEIGHT}): too large for the PDF",
    ),
    # -- privacy (patients)
    "privacy.birth-date": (WARNING, "a date after born, DOB, date of birth…"),
    "privacy.record-number": (WARNING, "a number after MRN, patient ID…"),
    "privacy.national-id": (WARNING, "a national ID number (SSN, NHS, codice fiscale, DNI)"),
    "privacy.phone": (WARNING, "a phone number"),
    "privacy.number": (WARNING, "a number of 8 to 15 digits (a phone, record or ID?)"),
    "privacy.email": (WARNING, "an e-mail address"),
    "privacy.name": (WARNING, "a name after patient, Mr, Mrs, Herr, Signora…"),
    # -- text burned into images (check/burnedin.py)
    "image.burned-in": (ERROR, "a patient's name, date, number or age read in an image"),
    "image.text": (WARNING, "other text read in a clinical (grey) image"),
    "image.unread": (ERROR, "an image whose text could not be read (the OCR engine failed)"),
    "image.confirmed": (WARNING, "confirmed-images names a file not shown, or old bytes"),
    # -- chapters and the book as a whole
    "curate.chapter": (ERROR, "chapter: names no chapter that collects reports"),
    "curate.unplaced": (ERROR, "an accepted report that no chapter takes"),
    "curate.empty-chapter": (WARNING, "a collecting chapter that gets no report"),
    # -- the editions
    "pdf.missing-character": (ERROR, "a character no installed font of the PDF has"),
    "pdf.fonts-missing": (
        WARNING,
        "the PDF's fonts are not installed here: characters not checked (`make setup-pdf`)",
    ),
}


class _Code(StrEnum):
    """A problem's code; its ``meaning`` is one line for the docs and its ``kind`` says
    whether it can be silenced. A code's name is its value in capitals, with underscores
    (``report.unknown-key``: ``Code.REPORT_UNKNOWN_KEY``)."""

    kind: Kind
    meaning: str

    def __new__(cls, value: str, kind: Kind, meaning: str) -> _Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        member.meaning = meaning
        return member


def _name(value: str) -> str:
    return value.upper().replace(".", "_").replace("-", "_")


Code = _Code(
    "Code",
    [(_name(value), (value, kind, meaning)) for value, (kind, meaning) in _REGISTRY.items()],
    module=__name__,
)
Code.__doc__ = _Code.__doc__

SILENCEABLE = tuple(c.value for c in Code if c.kind is Kind.WARNING)


def table_markdown() -> str:
    """The docs' table of codes (``make docs``)."""
    rows = ["| code | kind | what it means |", "|---|---|---|"]
    rows += [f"| `{c.value}` | {c.kind.value} | {c.meaning} |" for c in Code]
    return "\n".join(rows) + "\n"
