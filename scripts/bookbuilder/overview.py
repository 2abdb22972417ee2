"""``make overview``: the state of the submissions, one row per report file.

Every file in ``experiences/`` gets a row, drafts, withdrawn and invalid ones included: which
chapter it lands in (for a draft: the chapter it would land in once accepted), who wrote it,
where, in which language, how long it is, how many images it shows and how many of those lack
alt text, and how many errors and warnings ``make check`` gives it. The same rows go to
``_build/overview.csv`` (UTF-8, for a spreadsheet).

Values come from the same load and validate stages as ``make check``; a report that does not
pass them shows what could be read of its front matter.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bookbuilder import spreadsheet
from bookbuilder.check import countries
from bookbuilder.check.body import count_words, image_references
from bookbuilder.check.validate import (
    Validated,
    raw_first_author,
    raw_status,
    raw_text,
    validate_all,
)
from bookbuilder.curate import curate, text_key
from bookbuilder.layout import translation_parts
from bookbuilder.model import BookMeta, Report, SourceFile, Status
from bookbuilder.names import PersonName

UNREADABLE = "unreadable"
MISSING = "—"


@dataclass(frozen=True)
class Row:
    """One report file as the overview shows it."""

    slug: str
    status: str  # accepted | draft | withdrawn | unreadable
    chapter: str
    title: str
    first_author: str
    country: str
    language: str
    words: int
    images: int
    images_without_alt: int
    errors: int
    warnings: int
    file: str


COLUMNS = tuple(f.name for f in dataclasses.fields(Row))
NUMERIC = frozenset({"words", "images", "images_without_alt", "errors", "warnings"})
# What the terminal shows (the CSV has every column, the file's path included).
SHOWN = (
    ("slug", "slug", 28),
    ("status", "status", 10),
    ("chapter", "chapter", 16),
    ("title", "title", 34),
    ("first_author", "first author", 20),
    ("country", "ctry", 4),
    ("language", "lang", 5),
    ("words", "words", 6),
    ("images", "imgs", 4),
    ("images_without_alt", "no alt", 6),
    ("errors", "errs", 4),
    ("warnings", "warns", 5),
)


def placements(validated: Validated, meta: BookMeta) -> dict[str, str]:
    """Report path → the id of the chapter it lands in, drafts and withdrawn ones as if they
    were accepted (curation's own rules, so the answer is the one the build will give)."""
    as_accepted = [dataclasses.replace(r, status=Status.ACCEPTED) for r in validated.reports]
    book = curate(
        as_accepted,
        validated.chapters,
        meta,
        region_of=countries.region_of,
        country_name=lambda code: countries.country_name(code, meta.language),
    )
    return {r.relpath: c.spec.id for c in book.chapters for r in c.reports}


def overview_rows(
    root: Path, meta: BookMeta, today: date | None = None, cache_dir: Path | None = None
) -> list[Row]:
    """One row per report file under ``root``/experiences, in file-name order; ``cache_dir`` as
    for :func:`~bookbuilder.check.validate.validate_all`."""
    validated = validate_all(root, meta.language, today or date.today(), cache_dir)
    chapter_of = placements(validated, meta)
    reports: dict[str, Report] = {r.relpath: r for r in validated.reports}
    counts: dict[str, Counter[str]] = {}
    for problem in validated.problems:
        kind = "errors" if problem.is_error else "warnings"
        counts.setdefault(problem.path, Counter())[kind] += 1
    sources = {s.relpath: s for s in validated.sources}
    invalid = [item.relpath for item in validated.invalid if item.relpath.endswith(".md")]
    # One row per report: a translation (<slug>.<language>.md) is not one.
    paths = sorted({*sources, *(r for r in invalid if translation_parts(Path(r).stem) is None)})
    rows = []
    for relpath in paths:
        src = sources.get(relpath)
        report = reports.get(relpath)
        rows.append(_row(relpath, src, report, chapter_of, counts.get(relpath, Counter()), meta))
    return rows


def _row(
    relpath: str,
    src: SourceFile | None,
    report: Report | None,
    chapter_of: dict[str, str],
    counts: Counter[str],
    meta: BookMeta,
) -> Row:
    slug = Path(relpath).stem
    images: list[tuple[str, str]] = []
    if src is not None:
        experiences = src.path.parent
        images = image_references(src.body, src.body_line, relpath, slug, experiences)
    if report is not None:
        status, title = report.status.value, report.title
        first_author, country = report.first_author.person.file_as, report.country
        language = report.language or meta.language
        chapter = chapter_of.get(relpath, report.chapter or MISSING)
    else:
        status = raw_status(src).value if src is not None else UNREADABLE
        title = (raw_text(src, "title") if src else None) or MISSING
        raw_author = raw_first_author(src) if src else None
        first_author = PersonName.of(raw_author).file_as if raw_author else MISSING
        country = ((raw_text(src, "country") if src else None) or MISSING).upper()
        language = (raw_text(src, "language") if src else None) or meta.language
        chapter = (raw_text(src, "chapter") if src else None) or MISSING
    return Row(
        slug=slug,
        status=status,
        chapter=chapter,
        title=title,
        first_author=first_author,
        country=country,
        language=language,
        words=count_words(src.body) if src is not None else 0,
        images=len(images),
        images_without_alt=sum(1 for _target, alt in images if not alt),
        errors=counts["errors"],
        warnings=counts["warnings"],
        file=relpath,
    )


# -- Choosing, ordering and showing ---------------------------------------------------------------


def sort_rows(rows: Iterable[Row], key: str) -> list[Row]:
    """Rows by one column: numbers largest first, text alphabetically (case- and
    accent-insensitive) with what could not be read last; the file name breaks ties."""
    if key in NUMERIC:
        return sorted(rows, key=lambda r: (-getattr(r, key), r.slug))
    return sorted(
        rows, key=lambda r: (getattr(r, key) == MISSING, text_key(str(getattr(r, key))), r.slug)
    )


def select(rows: Iterable[Row], statuses: Sequence[str]) -> list[Row]:
    return [r for r in rows if not statuses or r.status in statuses]


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: wide (CJK) characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _cut(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    while display_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def table_lines(rows: Sequence[Row]) -> list[str]:
    """A plain-text table: long titles and names are shortened, numbers aligned right."""
    widths = {
        key: max([len(label)] + [display_width(_cut(str(getattr(r, key)), limit)) for r in rows])
        for key, label, limit in SHOWN
    }

    def line(cells: dict[str, str]) -> str:
        parts = []
        for key, _label, _limit in SHOWN:
            cell = cells[key]
            parts.append(_pad(cell, widths[key], right=key in NUMERIC))
        return "  ".join(parts).rstrip()

    header = line({key: label for key, label, _ in SHOWN})
    out = [header, "-" * len(header)]
    for row in rows:
        out.append(line({key: _cut(str(getattr(row, key)), limit) for key, _, limit in SHOWN}))
    return out


def totals_line(rows: Sequence[Row]) -> str:
    by_status = Counter(r.status for r in rows)
    parts = [f"{n} {status}" for status, n in sorted(by_status.items())]
    no_alt = sum(r.images_without_alt for r in rows)
    return (
        f"{len(rows)} report file(s) ({', '.join(parts) or 'none'}); "
        f"{sum(r.words for r in rows)} words; {sum(r.images for r in rows)} images, "
        f"{no_alt} without alt text; {sum(r.errors for r in rows)} errors, "
        f"{sum(r.warnings for r in rows)} warnings"
    )


def write_csv(rows: Sequence[Row], target: Path) -> None:
    spreadsheet.write_csv(target, COLUMNS, ([getattr(row, key) for key in COLUMNS] for row in rows))


Say = Callable[..., None]


def run(
    root: Path,
    meta: BookMeta,
    sort: str,
    statuses: Sequence[str],
    target: Path,
    say: Say,
    cache_dir: Path | None = None,
) -> int:
    rows = select(sort_rows(overview_rows(root, meta, cache_dir=cache_dir), sort), statuses)
    say(*table_lines(rows), "", totals_line(rows))
    write_csv(rows, target)
    say(f"The same rows, every column: {target.relative_to(root).as_posix()}")
    return 0
