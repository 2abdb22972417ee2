"""Glyphs: every character the PDF prints has a font, checked by ``make check`` before any build.

A character that no font has is printed by Typst as an empty box, and Typst does not say so. So
every text the PDF prints (the book's metadata, chapters, reports and translations: titles,
summaries, places, names, affiliations, bodies) is read here, and each character that no font
Typst can use has is an error naming the file, the line and the character with its Unicode name.
Drafts and withdrawn reports get the same message as a warning: they are not printed yet.

The fonts are those Typst itself finds (the system's, through the same fontconfig folders), the
ones ``make setup-pdf`` installs (``pdfengine/fonts.py``: ``PACKAGES``), read with fontTools.
Emoji print in colour from Noto Color Emoji, whose bitmaps Typst embeds (measured,
``docs/pdf-engine.md``); an emoji newer than that font is refused like any other character.
Reading every installed font's character map takes seconds, so the union of what they cover is
kept in the user's cache folder, under a key made of the fonts' files, sizes and dates.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import icu

from bookbuilder.codes import Code
from bookbuilder.layout import CONF_FILE
from bookbuilder.model import (
    BookMeta,
    ChapterSpec,
    Problem,
    Report,
    Severity,
    Translation,
)
from bookbuilder.pdfengine.fonts import MAIN_FONTS, installed_faces

#: Never drawn: spaces, line and paragraph separators, controls and format characters (joiners,
#: direction marks, the soft hyphen); and every default-ignorable code point (variation
#: selectors, emoji tag characters), which a font shapes into its neighbour's glyph.
NOT_DRAWN = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
#: What ``make setup-pdf`` installs for the characters this check finds missing.
SETUP_HINT = "`make setup-pdf` installs the Noto fonts of every script and Noto Color Emoji"

#: A set of code points that some installed font draws; None when the PDF's fonts are missing.
Coverage = Callable[[], frozenset[int] | None]
#: (line, key, text) of what a file gives the PDF to print.
Located = tuple[int, str | None, str]


def drawn(text: str) -> set[str]:
    """The characters of ``text`` that need a glyph."""
    return {
        c
        for c in set(text)
        if unicodedata.category(c) not in NOT_DRAWN
        and not icu.Char.hasBinaryProperty(c, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT)
    }


def character_name(char: str) -> str:
    """``U+1F637 FACE WITH MEDICAL MASK``: ICU's name, which knows newer characters than
    Python's ``unicodedata``."""
    name = icu.Char.charName(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


# -- what the fonts cover ----------------------------------------------------------------------


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bookbuilder"


def installed_coverage() -> frozenset[int] | None:
    """Every code point that a font Typst can use draws; None when the PDF's own fonts
    (``MAIN_FONTS``) are not installed, so nothing can be said about the PDF."""
    fonts = installed_faces()
    if not set(MAIN_FONTS) <= {f.family for f in fonts}:
        return None
    files = sorted({(str(f.path), f.index) for f in fonts})
    key = hashlib.sha256()
    for path, index in files:
        stat = Path(path).stat()
        key.update(f"{path}\0{index}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    cached = _cache_folder() / f"glyphs-{key.hexdigest()[:20]}.json"
    try:
        ranges = json.loads(cached.read_text("utf-8"))
        return frozenset(cp for first, last in ranges for cp in range(first, last + 1))
    except (OSError, ValueError, TypeError):
        pass
    covered = _read_cmaps(files)
    _remember(cached, covered)
    return frozenset(covered)


def _read_cmaps(files: Iterable[tuple[str, int]]) -> set[int]:
    from fontTools.ttLib import TTFont, TTLibError

    covered: set[int] = set()
    for path, index in files:
        try:
            with TTFont(path, fontNumber=index, lazy=True) as font:
                covered.update((font["cmap"].getBestCmap() or {}).keys())
        except (OSError, KeyError, TTLibError, AssertionError):
            continue  # not a font fontTools can read; Typst would not draw with it either
    return covered


def _remember(path: Path, covered: set[int]) -> None:
    """Write the coverage as ranges, atomically (builds may run side by side)."""
    ranges: list[list[int]] = []
    for cp in sorted(covered):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(ranges), "utf-8")
        partial.replace(path)
    except OSError:
        pass  # no cache folder to be had: read the fonts again next time


# -- what the PDF prints -----------------------------------------------------------------------


def _body(body: str, first_line: int) -> Iterator[Located]:
    for offset, line in enumerate(body.splitlines()):
        yield first_line + offset, "body", line


def report_texts(report: Report) -> Iterator[Located]:
    for key in ("title", "summary", "city"):
        if value := getattr(report, key):
            yield report.lines.get(key, 1), key, value
    for author in report.authors:
        yield (
            report.lines.get("authors", 1),
            "authors",
            f"{author.printed} {author.affiliation or ''}",
        )
    yield from _body(report.body, report.body_line)


def translation_texts(translation: Translation) -> Iterator[Located]:
    for key in ("title", "summary"):
        if value := getattr(translation, key):
            yield translation.lines.get(key, 1), key, value
    for person in translation.translators:
        line = translation.lines.get("translators", 1)
        yield line, "translators", f"{person.printed} {person.affiliation or ''}"
    yield from _body(translation.body, translation.body_line)


def chapter_texts(chapter: ChapterSpec) -> Iterator[Located]:
    yield chapter.lines.get("title", 1), "title", chapter.title
    yield from _body(chapter.body, chapter.body_line)


def meta_texts(meta: BookMeta) -> Iterator[Located]:
    for key in ("title", "subtitle", "publisher", "description", "edition", "licence"):
        if value := getattr(meta, key):
            yield 1, key, str(value)
    for editor in meta.editor_names:  # as printed: the name and its Latin form
        yield 1, "editors", editor


def _message(char: str) -> str:
    what = f"character '{char}' ({character_name(char)})"
    if icu.Char.hasBinaryProperty(char, icu.UProperty.EMOJI):
        return (
            f"{what} is an emoji that no installed font has (the emoji font has every emoji "
            "up to its version; this one is newer, or the font is not installed); it would "
            f"print as an empty box in the PDF. Use another emoji, or words; {SETUP_HINT}"
        )
    return (
        f"{what} has no glyph in any installed font; it would print as an empty box in the "
        f"PDF. Replace it, or install a font that has it ({SETUP_HINT})"
    )


def file_problems(
    relpath: str,
    texts: Iterable[Located],
    covered: frozenset[int],
    severity: Severity,
    fine: set[str] | None = None,
) -> list[Problem]:
    """One problem for each character of the file that no font draws, at its first line.
    ``fine``: characters known to need no new glyph (found in other files), added to here: a
    book's files share most of their characters, so each is looked up once."""
    located = list(texts)
    used: set[str] = set()
    for _line, _key, text in located:
        used.update(text)
    if fine is not None:
        used -= fine
    missing = drawn("".join(c for c in used if ord(c) not in covered))
    if fine is not None:
        fine |= used - missing
    if not missing:  # the usual case: one set per file, no line looked at
        return []
    first: dict[str, tuple[int, str | None]] = {}
    for line, key, text in located:
        for char in missing & set(text):
            first.setdefault(char, (line, key))
    return [
        Problem(relpath, line, _message(char), key, severity, code=Code.PDF_MISSING_CHARACTER)
        for char, (line, key) in sorted(first.items(), key=lambda item: (item[1][0], item[0]))
    ]


def check_glyphs(
    meta: BookMeta,
    chapters: Iterable[ChapterSpec],
    files: Iterable[Report | Translation],
    published: set[str],
    coverage: Coverage = installed_coverage,
) -> list[Problem]:
    """Every character the PDF would print as an empty box, in every file that has it: errors
    in the book's settings, the chapters and the ``published`` reports and translations (by
    relpath), warnings in the others (drafts, withdrawn: not printed yet)."""
    covered = coverage()
    if covered is None:
        return [
            Problem(
                CONF_FILE,
                1,
                "the PDF's fonts are not installed on this machine, so the characters of the "
                f"reports were not checked against them; {SETUP_HINT}",
                None,
                Severity.WARNING,
                code=Code.PDF_FONTS_MISSING,
            )
        ]
    fine: set[str] = set()
    problems = file_problems(CONF_FILE, meta_texts(meta), covered, Severity.ERROR, fine)
    for chapter in chapters:
        texts = chapter_texts(chapter)
        problems += file_problems(chapter.relpath, texts, covered, Severity.ERROR, fine)
    for file in files:
        texts = report_texts(file) if isinstance(file, Report) else translation_texts(file)
        severity = Severity.ERROR if file.relpath in published else Severity.WARNING
        problems += file_problems(file.relpath, texts, covered, severity, fine)
    return problems
