"""Warnings about text that looks like it could identify a patient.

Reports talk about patients. Before a report is published, the builder reads its body and warns
(never fails) about text that looks like a patient identifier, naming the file, the line and
what it saw. Each warning has a code, ``privacy.<kind>``:

``privacy.birth-date``
    a date after "born", "DOB", "date of birth" (and the same words in Italian, German, French
    and Spanish): ``born on 3 May 1950``, ``DOB 03/05/1950``, ``date of birth: 1950-05-03``.
    A year alone ("born in 1950") is not warned about.
``privacy.record-number``
    a number after "MRN", "medical record number", "hospital number", "patient ID", "case
    number", "accession number", "NHS number" (and Italian/German/French/Spanish equivalents):
    ``MRN 123456``, ``patient ID 4711``. At least three digits must follow.
``privacy.national-id``
    US social security numbers (``123-45-6789``), UK NHS numbers (10 digits whose mod-11 check
    digit is right), Italian codici fiscali, Spanish DNI/NIE numbers (with their check letter).
``privacy.phone``
    international numbers (``+39 035 123 4567``, ``0039 035 …``) and numbers with an area code
    in brackets (``(030) 1234 5678``).
``privacy.number``
    any other number of 8 to 15 digits, written in one piece or in groups (``030 1234 5678``):
    it could be a phone, record or ID number. Dates (``2020-11-19``, ``19.11.2020``), year
    ranges, thousands (``12 000 000``), ORCID iDs and numbers inside web addresses are not
    warned about.
``privacy.email``
    e-mail addresses, in the text and in ``mailto:`` links.
``privacy.name``
    a capitalised word after "patient" or a form of address: Mr, Mrs, Ms, Mx, Miss, Sig.,
    Sig.ra, Signor, Signora, Herr, Frau, Mme, Mlle, Monsieur, Madame, Sr., Sra., Señor, Señora
    (``patient Rossi``, ``Mrs. Jones``, ``Herr Müller``). Single letters (``patient X``),
    acronyms in capitals (``patient ICU``) and common words (``Patient Safety``) are not.

What is read: every line of the body, code blocks included (code is printed in the book as it
is), except MyST comment lines (lines starting with ``%``, which are never published). Each line
is read on its own, so an identifier split over two lines may be missed.

Silencing a confirmed false alarm: put a MyST comment line ``% privacy: ok`` immediately above
the line that was warned about. It silences every privacy warning on that one line, and nothing
else. A MyST comment never appears in the book, but inside a paragraph it ends the paragraph
where it stands: if the warned line is in the middle of a paragraph, re-wrap the paragraph so
that the line starts it, or accept the paragraph break.

Warnings are meant for an editor's eyes: they stay warnings for accepted reports too, and never
block a build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bookbuilder.codes import Code
from bookbuilder.model import Problem, Severity

SILENCE = re.compile(r"\s*%\s*privacy\s*:\s*ok\b", re.IGNORECASE)
_COMMENT = re.compile(r"\s*%")

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre"
    r"|dicembre|januar|februar|märz|mai|juni|juli|oktober|dezember"
    r"|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|décembre"
    r"|enero|febrero|abril|mayo|junio|julio|septiembre|octubre|noviembre|diciembre"
)
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th|º|°)?\.?\s+(?:of\s+|de\s+)?(?:{_MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r")"
)
_BORN = (
    r"\b(?:born|geboren|nat[oa]|née?|nacid[oa])\s+(?:on\s+|am\s+|il\s+|le\s+|el\s+|the\s+)*"
    rf"(?:{_DATE}|(?:in\s+)?(?:{_MONTHS})\.?\s+\d{{4}})"
)
_BIRTH_LABEL = (
    r"(?:\bDOB\b|\bD\.O\.B\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bbirthday\b"
    r"|\bGeburtsdatum\b|\bdata\s+di\s+nascita\b|\bdate\s+de\s+naissance\b"
    r"|\bfecha\s+de\s+nacimiento\b)"
    rf"\s*(?:[:=\-–]|was|is|war|era|est)?\s*(?:the\s+)?{_DATE}"
)
BIRTH_DATE = re.compile(rf"{_BORN}|{_BIRTH_LABEL}", re.IGNORECASE)

_RECORD_LABEL = (
    r"\b(?:MRN|MR\#|medical\s+record(?:\s+(?:number|no\.?|\#))?|hospital\s+(?:number|no\.?|\#)"
    r"|patient\s+(?:ID|identifier|number|no\.?|\#)|case\s+(?:number|no\.?|\#)"
    r"|accession\s+(?:number|no\.?|\#)|NHS\s+(?:number|no\.?)|chart\s+(?:number|no\.?)"
    r"|Fallnummer|Patientennummer|Patienten-?ID|numero\s+(?:di\s+)?cartella"
    r"|cartella\s+(?:clinica\s+)?(?:n\.?|nr\.?|numero)|n(?:umero|r)?\.?\s*(?:di\s+)?cartella"
    r"|num[ée]ro\s+de\s+dossier|n[úu]mero\s+de\s+historia)"
)
RECORD_NUMBER = re.compile(
    rf"{_RECORD_LABEL}\s*(?:[:#=]|is|was|no\.?)?\s*"
    r"(?P<value>[A-Z]{0,4}[-/]?\d[\dA-Z/-]*(?:\s\d[\dA-Z/-]*)*)",
    re.IGNORECASE,
)

SSN = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
NHS = re.compile(r"(?<![\w+-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w-])")
_CF_NUM = "[0-9LMNPQRSTUV]"
CODICE_FISCALE = re.compile(
    rf"\b[A-Z]{{6}}{_CF_NUM}{{2}}[ABCDEHLMPRST]{_CF_NUM}{{2}}[A-Z]{_CF_NUM}{{3}}[A-Z]\b"
)
# What a line needs for anything but a name: a digit, an '@' or a codice fiscale's start (its
# digits may all be letters).
_DIGIT_OR_AT = re.compile(rf"[\d@]|[A-Z]{{6}}{_CF_NUM}{{2}}")
DNI = re.compile(r"\b([XYZ]?)(\d{7,8})-?([A-Z])\b")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"

PHONE_INTL = re.compile(
    r"(?<![\w+.,])(?:\+|00)\d{1,3}(?:[ .\-/]?\(?\d{1,5}\)?)(?:[ .\-/]?\d{2,6}){1,5}(?![\w-])"
)
PHONE_AREA = re.compile(r"(?<![\w)])\(0?\d{2,5}\)[ .\-/]?\d{2,}(?:[ .\-/]?\d{2,}){0,4}(?![\w-])")
LONG_NUMBER = re.compile(r"(?<![\w.,+/-])\d{2,}(?:[ .\-/]\d{2,}){0,6}(?![\w-]|[.,]\d)")

_DATE_ONLY = re.compile(
    r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|(?:(?:19|20)\d\d[ ./-])*(?:19|20)\d\d"
)
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([ .,])\d{3})(?:\1\d{3})*")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_URL = re.compile(r"(?:https?://|www\.|doi:)\S+|\b10\.\d{4,9}/\S+", re.IGNORECASE)

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

_TITLES = (
    r"Mr|Mrs|Ms|Mx|Miss|Sig|Sig\.ra|Signor|Signora|Sig\.na|Signorina|Herr|Frau|Mme|Mlle"
    r"|Monsieur|Madame|Mademoiselle|Sr|Sra|Srta|Señor|Señora|Señorita"
)
_NAME = r"(?P<name>[^\W\d_][\w'’-]+)"  # capitalised: checked in _looks_like_name
# Led by the letters every title starts with, so that the regex engine tries the titles only
# there (half of the pattern's time on every line of every report, profiled).
_TITLE_LETTERS = "".join(sorted({title[0] for title in _TITLES.split("|")}))
TITLE_NAME = re.compile(rf"(?=[{_TITLE_LETTERS}])(?<![\w.])(?:{_TITLES})\.?\s+{_NAME}")
PATIENT_NAME = re.compile(rf"\b(?i:patient|paziente|patientin|patiente|paciente)\s+{_NAME}")
_NOT_NAMES = frozenset(
    [
        "access",
        "admission",
        "admissions",
        "area",
        "areas",
        "care",
        "centred",
        "centered",
        "communication",
        "consent",
        "data",
        "education",
        "experience",
        "experiences",
        "flow",
        "flows",
        "identification",
        "information",
        "journey",
        "management",
        "outcomes",
        "pathway",
        "pathways",
        "positioning",
        "preparation",
        "privacy",
        "record",
        "records",
        "room",
        "rooms",
        "safety",
        "satisfaction",
        "screening",
        "support",
        "throughput",
        "transport",
        "triage",
        "volume",
        "volumes",
        "zero",
    ]
)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    code: Code
    what: str


def lint(body: str, body_line: int, relpath: str) -> list[Problem]:
    """Privacy warnings for a report's body (``body_line``: file line of its first line)."""
    problems: list[Problem] = []
    lines = body.split("\n")
    for index, text in enumerate(lines):
        if _COMMENT.match(text):
            continue
        if index and SILENCE.match(lines[index - 1]):
            continue
        for hit in _scan(text):
            seen = text[hit.start : hit.end].strip()
            problems.append(
                Problem(
                    relpath,
                    body_line + index,
                    f"'{seen}' looks like {hit.what}; reports must not identify patients: remove "
                    "or generalise it, or if it is a false alarm put '% privacy: ok' on the line "
                    "above",
                    None,
                    Severity.WARNING,
                    code=hit.code,
                )
            )
    return problems


def _scan(text: str) -> list[_Hit]:
    """The privacy hits on one line, in order, none overlapping an earlier (stronger) one."""
    hits: list[_Hit] = []

    def add(start: int, end: int, code: Code, what: str) -> None:
        if any(start < h.end and h.start < end for h in hits):
            return
        hits.append(_Hit(start, end, code, what))

    # Every identifier but a name has a digit or an '@': most lines need only the name patterns
    # (profiled: this halves the lint, a quarter of `make check`).
    if _DIGIT_OR_AT.search(text):
        for start, end, kind, what in _numbers_and_addresses(text):
            add(start, end, kind, what)

    for pattern in (TITLE_NAME, PATIENT_NAME):
        for m in pattern.finditer(text):
            if _looks_like_name(m.group("name")):
                add(m.start(), m.end(), Code.PRIVACY_NAME, "a person's name")
    return sorted(hits, key=lambda h: h.start)


def _numbers_and_addresses(text: str) -> Iterator[tuple[int, int, Code, str]]:
    """E-mail addresses, dates of birth, record, ID and phone numbers: strongest first."""
    for m in EMAIL.finditer(text):
        yield m.start(), m.end(), Code.PRIVACY_EMAIL, "an e-mail address"
    for m in BIRTH_DATE.finditer(text):
        yield m.start(), m.end(), Code.PRIVACY_BIRTH_DATE, "a date of birth"
    for m in RECORD_NUMBER.finditer(text):
        if sum(c.isdigit() for c in m.group("value")) >= 3:
            yield (
                m.start(),
                m.end(),
                Code.PRIVACY_RECORD_NUMBER,
                "a medical record or patient number",
            )
    for start, end, what in _national_ids(text):
        yield start, end, Code.PRIVACY_NATIONAL_ID, what
    numbers = _mask(text, _URL)
    for m in PHONE_INTL.finditer(numbers):
        if 7 <= _digits(m.group()) <= 15:
            yield m.start(), m.end(), Code.PRIVACY_PHONE, "a phone number"
    for m in PHONE_AREA.finditer(numbers):
        if 6 <= _digits(m.group()) <= 15:
            yield m.start(), m.end(), Code.PRIVACY_PHONE, "a phone number"
    for m in LONG_NUMBER.finditer(numbers):
        if _is_long_number(m.group()):
            yield m.start(), m.end(), Code.PRIVACY_NUMBER, "a phone, record or ID number"


def _national_ids(text: str) -> Iterator[tuple[int, int, str]]:
    for m in SSN.finditer(text):
        area, group, serial = m.groups()
        if area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000":
            yield m.start(), m.end(), "a US social security number"
    for m in NHS.finditer(text):
        if nhs_number_valid(m.group(1) + m.group(3) + m.group(4)):
            yield m.start(), m.end(), "an NHS number"
    for m in CODICE_FISCALE.finditer(text):
        yield m.start(), m.end(), "an Italian codice fiscale"
    for m in DNI.finditer(text):
        prefix, number, letter = m.groups()
        value = int(str("XYZ".index(prefix)) + number if prefix else number)
        if len(prefix + number) == 8 and _DNI_LETTERS[value % 23] == letter:
            yield m.start(), m.end(), "a Spanish DNI/NIE number"


def nhs_number_valid(digits: str) -> bool:
    """The NHS number mod-11 check: weights 10..2, check digit 11 - (sum mod 11), 10 invalid."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _is_long_number(candidate: str) -> bool:
    if not 8 <= _digits(candidate) <= 15:
        return False
    return not any(
        pattern.fullmatch(candidate) for pattern in (_DATE_ONLY, _THOUSANDS, _ORCID)
    ) and not _dates_and_years(candidate)


def _dates_and_years(candidate: str) -> bool:
    """True for a run of dates and years ("2020-03-01 2020-04-30", "2019 2020")."""
    rest = _DATE_ONLY.sub("", candidate)
    return not rest.strip(" ./-")


def _looks_like_name(word: str) -> bool:
    core = word.strip("'’-")
    if len(core) < 2 or not core[0].isupper() or core.isupper():
        return False
    return core.lower() not in _NOT_NAMES


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with ``pattern``'s matches blanked out (same length, so positions still agree)."""
    return pattern.sub(lambda m: " " * len(m.group()), text)
