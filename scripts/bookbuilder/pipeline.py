"""The stages before Sphinx, run in order: load → validate → curate (→ render).

``prepare`` gives the curated book and every problem found on the way. It never raises for bad
input: a broken report, chapter or book setting is a Problem with file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bookbuilder.check import countries
from bookbuilder.check.body import unfinished_body
from bookbuilder.check.conf import read_book_settings
from bookbuilder.check.glyphs import check_glyphs
from bookbuilder.check.validate import validate_all
from bookbuilder.curate import curate
from bookbuilder.layout import CONTRIBUTORS_CSV
from bookbuilder.model import Book, BookMeta, Place, Problem, Status
from bookbuilder.render.contributors import write_csv as write_contributors_csv
from bookbuilder.render.images import publish_image
from bookbuilder.render.pages import RenderResult, render


@dataclass(frozen=True)
class Prepared:
    """The outcome of the stages before Sphinx: a book to build, or the reasons not to."""

    meta: BookMeta | None
    book: Book | None
    problems: tuple[Problem, ...]
    silenced: int = 0  # warnings not shown, by conf.py's `silence`

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def ok(self) -> bool:
        return self.book is not None and not self.errors


def prepare(root: Path, today: date | None = None, cache_dir: Path | None = None) -> Prepared:
    """``cache_dir``: where the validate stage remembers unchanged reports' results."""
    meta, problems = read_book_settings(root)
    if meta is None:
        return Prepared(None, None, tuple(problems))
    validated = validate_all(root, meta.language, today or date.today(), cache_dir)
    problems += validated.problems
    for report in validated.reports:
        if report.status is Status.ACCEPTED:
            problems += unfinished_body(report, meta.min_words)
    book = curate(
        validated.reports,
        validated.chapters,
        meta,
        region_of=countries.region_of,
        country_name=lambda code: countries.country_name(code, meta.language),
        left_out=validated.invalid,
        translations=validated.translations,
    )
    problems += book.problems
    # every character the PDF prints has a font: checked before any edition is built
    published = {r.relpath for r in book.reports} | {t.relpath for t in book.translations}
    problems += check_glyphs(
        meta,
        validated.chapters,
        [*validated.reports, *validated.translations],
        published,
    )
    ordered = tuple(sorted(problems, key=lambda p: (p.path, p.line)))
    shown = tuple(p for p in ordered if p.is_error or p.code not in meta.silence)
    return Prepared(meta, book, shown, len(ordered) - len(shown))


def render_sources(book: Book, srcdir: Path) -> RenderResult:
    language = book.meta.language

    def place_of(code: str, city: str | None) -> Place:
        return countries.place(code, language, city)

    result = render(book, srcdir, place_of, publish_image)
    # The Contributors page's list, for the editors' letters: beside the sources, in _build/.
    write_contributors_csv(result.contributors, srcdir.parent / CONTRIBUTORS_CSV)
    return result
