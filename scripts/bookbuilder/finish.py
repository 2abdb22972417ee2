"""Finish: checks on the built editions that Sphinx itself does not make.

A character that no font of the PDF has is printed as nothing by XeTeX, which only says so in its
log; here it becomes a build error that names the character and the reports that use it.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookbuilder.model import Book, Problem, Report

MISSING_CHARACTER = re.compile(
    r"Missing character: There is no (.+?) (?:\(U\+([0-9A-F]+)\) )?in font"
)


def missing_characters(log_text: str) -> list[str]:
    found: dict[str, None] = {}
    for match in MISSING_CHARACTER.finditer(log_text):
        char = chr(int(match.group(2), 16)) if match.group(2) else match.group(1)
        found[char] = None
    return list(found)


def _where(report: Report, char: str) -> tuple[int, str]:
    for key in ("title", "summary", "city"):
        value = getattr(report, key)
        if value and char in value:
            return report.lines.get(key, 1), key
    for author in report.authors:
        if char in author.name or char in (author.affiliation or ""):
            return report.lines.get("authors", 1), "authors"
    for offset, line in enumerate(report.body.splitlines()):
        if char in line:
            return report.body_line + offset, "body"
    return 1, "report"


def check_pdf_log(log: Path, book: Book) -> list[Problem]:
    """Every character the PDF could not print, as an error on each report that uses it."""
    if not log.is_file():
        return []
    problems = []
    for char in missing_characters(log.read_text("utf-8", "replace")):
        name = f"'{char}' (U+{ord(char):04X})" if len(char) == 1 else f"'{char}'"
        users = [r for r in book.reports if _mentions(r, char)]
        message = f"character {name} has no glyph in the PDF's fonts; it would print as nothing"
        if not users:
            problems.append(Problem(log.name, 1, message, code="pdf.missing-character"))
        for report in users:
            line, key = _where(report, char)
            problems.append(
                Problem(report.relpath, line, message, key, code="pdf.missing-character")
            )
    return problems


def _mentions(report: Report, char: str) -> bool:
    texts = [report.title, report.summary or "", report.city or "", report.body]
    texts += [a.name + (a.affiliation or "") for a in report.authors]
    return any(char in t for t in texts)
