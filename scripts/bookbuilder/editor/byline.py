"""Authors, roles and affiliations from the lines under a Word file's title.

Submissions name their authors under the title far more often (and more truly) than in the
document's properties, which a tool fills with its own name ("python-docx", "Microsoft Office
User"). The lines read, each a paragraph of its own, right under the title (and subtitle), before
the first heading, list, table, picture or paragraph of running text (docs/editors-guide.md
lists them for editors):

- ``By Giulia Bianchi and Marco Rossi`` or ``Authors: Giulia Bianchi, Marco Rossi``: names,
  separated by commas, semicolons, "and" or "&";
- one author per line: ``Giulia Bianchi, radiographer, Ospedale Esempio, Bergamo``,
  ``Giulia Bianchi (Radiographer), Ospedale Esempio`` or ``Giulia Bianchi – radiographer –
  Ospedale Esempio``: the name, then parts that name a role (a role of the format, in any case,
  with a few common synonyms: resident or registrar is a trainee, technologist a radiological
  technologist, physicist a medical physicist), then the affiliation;
- numbered affiliations: ``Giulia Bianchi¹, Marco Rossi²`` (superscript numbers) and, on the
  lines below, ``¹ Ospedale Esempio, Bergamo`` and ``² ASST Bergamo Est``.

What looks like a byline but cannot be read so is said (the line is kept in the text), never
guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bookbuilder.vocabulary import ROLES

MAX_LINES = 8  # a byline block is short; past this, it is the report's text
MAX_LENGTH = 200
ROLE_WORDS: dict[str, str] = {
    **{role.replace("-", " "): role for role in ROLES if role not in ("other", "organisation")},
    "radiologic technologist": "radiological-technologist",
    "radiology technologist": "radiological-technologist",
    "technologist": "radiological-technologist",
    "physicist": "medical-physicist",
    "resident": "trainee",
    "registrar": "trainee",
}
_ROLE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, ROLE_WORDS), key=len, reverse=True)) + r")s?\b",
    re.IGNORECASE,
)
_BY = re.compile(r"^\s*(?:by|authors?|written by)\s*[:\-–—]?\s+(.+)$", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*", re.IGNORECASE)
_PARTS = re.compile(r"\s*(?:,|;|\s[–—-]\s|\|)\s*")
_PARENTHESES = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*(?P<rest>.*)$")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARKERS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡]+|\^\d+")
_MARKED_LINE = re.compile(r"^\s*([⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,2}(?=\s))\s*(.+)$")
_PARTICLES = {"de", "da", "di", "del", "della", "dos", "das", "van", "von", "der", "den", "la"}
_PARTICLES |= {"le", "du", "bin", "binti", "al", "el", "y", "e", "ten", "ter", "zu", "af"}


@dataclass
class Byline:
    """What the lines under the title said: authors (name, role, affiliation) and the lines."""

    authors: list[dict[str, str]] = field(default_factory=list)
    used: int = 0  # how many of the given lines are the byline (taken out of the text)
    unread: list[str] = field(default_factory=list)  # what could not be read, for the editor


def is_name(text: str) -> bool:
    """A person's name as printed: two to six words, each starting with a capital letter (but
    particles such as "de" or "van"), or a name in a script without capitals (中文, 한국어)."""
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 80:
        return False
    if any(ch.isdigit() for ch in text) or text.endswith((".", ":", "!", "?")):
        return False
    cased = [w for w in words if any(ch.isalpha() and (ch.isupper() or ch.islower()) for ch in w)]
    if not cased:  # no letters with a case: Chinese, Japanese, Korean, Arabic, Hebrew…
        return all(any(ch.isalpha() for ch in w) for w in words)
    if len(words) < 2 and len(cased) == len(words):
        return False
    return all(w.lower() in _PARTICLES or w[0].isupper() for w in cased)


def role_of(text: str) -> str | None:
    match = _ROLE.search(text)
    return ROLE_WORDS[match.group(1).lower()] if match else None


def read_byline(lines: list[str]) -> Byline:
    """The byline at the start of ``lines`` (the paragraphs under the title, as plain text with
    superscripts written as Unicode superscript digits)."""
    result = Byline()
    markers: dict[str, int] = {}  # affiliation number → index of the author who carries it
    for index, raw in enumerate(lines[:MAX_LINES]):
        line = " ".join(raw.split())
        if not line or len(line) > MAX_LENGTH:
            break
        marked = _MARKED_LINE.match(line)
        if marked and markers and marked.group(1).translate(SUPERSCRIPT_DIGITS) in markers:
            number = marked.group(1).translate(SUPERSCRIPT_DIGITS)
            for author_index, author in enumerate(result.authors):
                if number in author.get("_markers", "").split():
                    _add_affiliation(result.authors[author_index], marked.group(2).strip())
            result.used = index + 1
            continue
        by = _BY.match(line)
        found = _names(by.group(1), result, markers) if by else _one_author(line, result, markers)
        if not found:
            if result.authors and _looks_like_byline(line):
                result.unread.append(line)
            break
        result.used = index + 1
    for author in result.authors:
        author.pop("_markers", None)
    return result


def _looks_like_byline(line: str) -> bool:
    """A short line with a byline's marks (commas, brackets, a role, numbers), not a sentence."""
    if len(line) >= 120 or line.endswith((".", "!", "?")):
        return False
    return bool(re.search(r"[,;()]|[⁰¹²³⁴⁵⁶⁷⁸⁹]", line)) or role_of(line) is not None


def _names(text: str, result: Byline, markers: dict[str, int]) -> bool:
    parts = [p for p in _NAME_SEPARATORS.split(text) if p.strip()]
    names = []
    for part in parts:
        name, numbers = _strip_markers(part)
        if not is_name(name):
            result.unread.append(part.strip())
            continue
        names.append((name, numbers))
    for name, numbers in names:
        for number in numbers:
            markers[number] = len(result.authors)
        result.authors.append({"name": name, "_markers": " ".join(numbers)})
    return bool(names)


def _one_author(line: str, result: Byline, markers: dict[str, int]) -> bool:
    """``Name, role, affiliation``, ``Name (role), affiliation``, ``Name – role – place``; or a
    line of several marked names (``Ann Lee¹, Bo Ek²``)."""
    if len(_MARKERS.findall(line)) >= 2:
        return _names(line, result, markers)
    paren = _PARENTHESES.match(line)
    if paren:
        name, inner, rest = paren.group("name"), paren.group("inner"), paren.group("rest")
        parts = [inner, *_PARTS.split(rest.lstrip(",;–—- "))] if rest else [inner]
    else:
        name, *parts = _PARTS.split(line)
    name, numbers = _strip_markers(name)
    if not is_name(name):
        return False
    parts = [p.strip() for p in parts if p.strip()]
    if not parts and not result.authors and not numbers:
        return False  # a lone short line under the title: a name, or a subtitle? not guessed
    author: dict[str, str] = {"name": name, "_markers": " ".join(numbers)}
    affiliation = []
    for part in parts:
        role = role_of(part) if "role" not in author else None
        if role is not None and len(part.split()) <= 4:
            author["role"] = role
        else:
            affiliation.append(part)
    if affiliation:
        author["affiliation"] = ", ".join(affiliation)
    for number in numbers:
        markers[number] = len(result.authors)
    result.authors.append(author)
    return True


def _strip_markers(text: str) -> tuple[str, list[str]]:
    numbers = [m.translate(SUPERSCRIPT_DIGITS).lstrip("^") for m in _MARKERS.findall(text)]
    return " ".join(_MARKERS.sub(" ", text).split()).strip(" ,;"), [n for n in numbers if n]


def _add_affiliation(author: dict[str, str], text: str) -> None:
    existing = author.get("affiliation")
    author["affiliation"] = f"{existing}; {text}" if existing else text


# -- The document's "author" property -------------------------------------------------------------

# What programs and templates write as a document's author: never a person.
TOOL_NAMES = re.compile(
    r"^(?:python-docx|docx4j|docxtpl|pandoc|apache poi|aspose.*|openpyxl|phpword|"
    r"microsoft(?: office)?(?: word| user)?|word|winword|libreoffice|openoffice(?:\.org)?|"
    r"google docs?|onlyoffice|wps(?: office)?|pages|"
    r"admin(?:istrator)?|user|owner|author|unknown|windows user|utente|benutzer|usuario|"
    r"utilisateur|gebruiker|användare)$",
    re.IGNORECASE,
)


def is_tool_name(name: str) -> bool:
    """Whether a document's "author" property is a program's or a template's placeholder."""
    text = " ".join(name.split()).strip()
    return not text or bool(TOOL_NAMES.match(text)) or "python-docx" in text.lower()
