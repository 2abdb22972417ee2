"""Finish: checks on the built editions that Sphinx itself does not make.

A character that no installed font has is printed by Typst as an empty box, and Typst does not
say so; here it becomes a build error that names the character and the file, line and key of
every report that uses it. The fonts are those Typst itself finds (the system's, the same
fontconfig folders), read with fontTools: the PDF's own fonts first, every other installed font
after them, as Typst falls back to them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from bookbuilder.model import Book, Problem, Report

#: Characters that are never drawn: spaces, line and paragraph separators, controls and
#: format characters (joiners, direction marks, the soft hyphen).
NOT_DRAWN = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})

Coverage = Callable[[set[str]], set[str]]


def drawn(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) not in NOT_DRAWN}


def installed_fonts_lack(chars: set[str]) -> set[str]:
    """The characters of ``chars`` that no font Typst can use has."""
    import typst
    from fontTools.ttLib import TTFont, TTLibError

    from bookbuilder.sphinx.pdf import FONTS, PREFERRED_FONTS

    preferred = [*FONTS, *PREFERRED_FONTS.values()]
    fonts = sorted(
        (f for f in typst.Fonts().fonts() if f.path),
        key=lambda f: preferred.index(f.family) if f.family in preferred else len(preferred),
    )
    remaining = set(chars)
    seen: set[tuple[str, int]] = set()
    for font in fonts:
        if not remaining:
            break
        key = (str(font.path), font.index)
        if key in seen:
            continue
        seen.add(key)
        try:
            with TTFont(font.path, fontNumber=font.index, lazy=True) as ttf:
                cmap = ttf["cmap"].getBestCmap() or {}
        except (OSError, KeyError, TTLibError, AssertionError):
            continue  # not a font fontTools can read; Typst would not draw with it either
        remaining = {c for c in remaining if ord(c) not in cmap}
    return remaining


def _texts(report: Report) -> Iterable[str]:
    yield from (report.title, report.summary or "", report.city or "", report.body)
    for author in report.authors:
        yield author.printed
        yield author.affiliation or ""


def _where(report: Report, char: str) -> tuple[int, str]:
    for key in ("title", "summary", "city"):
        value = getattr(report, key)
        if value and char in value:
            return report.lines.get(key, 1), key
    for author in report.authors:
        if char in author.printed or char in (author.affiliation or ""):
            return report.lines.get("authors", 1), "authors"
    for offset, line in enumerate(report.body.splitlines()):
        if char in line:
            return report.body_line + offset, "body"
    return 1, "report"


def check_pdf_glyphs(book: Book, lacking: Coverage = installed_fonts_lack) -> list[Problem]:
    """Every character of the book that the PDF could not print, as an error on each report
    (or on conf.py, for the book's own metadata) that uses it."""
    meta = book.meta
    meta_text = " ".join(
        str(v or "")
        for v in (meta.title, meta.subtitle, meta.publisher, meta.description, *meta.editor_names)
    )
    used: set[str] = drawn(meta_text)
    for report in book.reports:
        for text in _texts(report):
            used |= drawn(text)
    missing = lacking(used)
    problems = []
    for char in sorted(missing):
        message = (
            f"character '{char}' (U+{ord(char):04X}) has no glyph in any installed font; it "
            "would print as an empty box. Replace it, or install a font that has it "
            "(`make setup-pdf` installs the Noto fonts)"
        )
        if char in meta_text:
            problems.append(Problem("conf.py", 1, message, "book", code="pdf.missing-character"))
        for report in book.reports:
            if any(char in text for text in _texts(report)):
                line, key = _where(report, char)
                problems.append(
                    Problem(report.relpath, line, message, key, code="pdf.missing-character")
                )
    return problems
