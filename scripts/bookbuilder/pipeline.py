"""Every stage, run in order: load → validate → curate → render → build (→ the record of which
editions are current). The command line (``cli.py``) and the preview (``editor/serve.py``) call
these functions and say what they found; no stage runs another.

``prepare`` gives the curated book and every problem found on the way. It never raises for bad
input: a broken report, chapter or book setting is a Problem with file and line.
``build_editions`` renders the book and builds the chosen editions with Sphinx, in the order of
the registry (``editions.py``), or, with more than one job, the PDF first so that Typst
typesets it beside the EPUB's build (``overlapping``); ``build_preview`` builds the website into
``_build/preview``.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bookbuilder import collector, diskspace, pdfengine
from bookbuilder.check import countries
from bookbuilder.check.body import unfinished_body
from bookbuilder.check.conf import read_book_settings
from bookbuilder.check.glyphs import check_glyphs, installed_coverage
from bookbuilder.check.validate import validate_all
from bookbuilder.curate import curate
from bookbuilder.editions import Edition, in_build_order, website
from bookbuilder.jobs import jobs
from bookbuilder.layout import BUILD_DIR, CONTRIBUTORS_CSV, DERIVATIVES, PREVIEW_DIR, SOURCE_DIR
from bookbuilder.model import Book, BookMeta, Place, Problem, Status
from bookbuilder.render.contributors import write_csv as write_contributors_csv
from bookbuilder.render.images import derive_all, publish_image
from bookbuilder.render.pages import RenderResult, render
from bookbuilder.summary import remap_warning


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
    # Typst's font scan (for the glyphs, below) done while the reports are being checked
    coverage = functools.cache(installed_coverage)
    validated = validate_all(root, meta.language, today or date.today(), cache_dir, coverage)
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
        coverage,
    )
    ordered = tuple(sorted(problems, key=lambda p: (p.path, p.line)))
    shown = tuple(p for p in ordered if p.is_error or p.code not in meta.silence)
    return Prepared(meta, book, shown, len(ordered) - len(shown))


def render_sources(book: Book, srcdir: Path, charts_later: bool = False) -> RenderResult:
    """``charts_later``: the charts that changed may still be drawing (``render``); the
    builds let Sphinx start meanwhile and wait for them before it reads (``run_sphinx``'s
    ``before_read``)."""
    language = book.meta.language

    def place_of(code: str, city: str | None) -> Place:
        return countries.place(code, language, city)

    result = render(book, srcdir, place_of, publish_image, charts_later=charts_later)
    # The Contributors page's list, for the editors' letters: beside the sources, in _build/.
    write_contributors_csv(result.contributors, srcdir.parent / CONTRIBUTORS_CSV)
    return result


# -- build: Sphinx's builders, one edition at a time -------------------------------------------

# Why the objects are out of the garbage collector's sight (collector.py): the book and the
# modules live as long as the build, and every full collection went through them again
RENDERING = "rendering: the book and the modules"


@dataclass
class Built:
    """What a build made: each edition's file, or why there is none; Sphinx's warnings."""

    rendered: RenderResult
    warnings: list[str] = field(default_factory=list)  # at the editors' files (remap_warning)
    outputs: list[Path] = field(default_factory=list)
    # editions that failed, with why: one failing never stops the others
    failed: dict[str, list[str]] = field(default_factory=dict)


def unbuildable(chosen: Iterable[str]) -> str | None:
    """Why this machine cannot build one of the ``chosen`` editions (the PDF's fonts), or None."""
    if not any(edition.typeset for edition in in_build_order(chosen)):
        return None
    if missing := pdfengine.missing_fonts():
        return (
            f"The PDF needs the fonts {', '.join(missing)}, which this machine lacks: "
            f"{pdfengine.SETUP_HINT}."
        )
    return None


def build_editions(
    root: Path,
    book: Book,
    chosen: Iterable[str],
    verbose: bool = False,
    say: Callable[[str], None] = print,
) -> Built:
    """Render ``book`` and build the ``chosen`` editions in their build order (the website
    last: it offers the editions this build made), recording each one built as current
    (``sphinx/current.py``). ``say`` hears each edition start and fail. With more than one
    job, the PDF's typesetting runs beside the next edition (``overlapping``), and is waited
    for before the website.

    Raises ``ImageError`` for an image that cannot be copied (nothing is built then) and
    ``diskspace.DiskFull`` for a full disk."""
    editions = in_build_order(chosen)
    with collector.held(RENDERING), diskspace.writing(root / SOURCE_DIR):
        rendered = render_sources(book, root / SOURCE_DIR, charts_later=True)
    # each Sphinx run then sets aside what it holds from its start to its end (sphinx/build.py);
    # held across the runs, a reason would keep every run's garbage frozen until the last
    with charts_written_whatever_happens(rendered, root):
        return _build_rendered(root, book, rendered, editions, verbose, say)


@contextlib.contextmanager
def charts_written_whatever_happens(rendered: RenderResult, root: Path) -> Iterator[None]:
    """The charts drawn aside, written when the build ends however it ends (Sphinx waits for
    them before it reads; a build stopped before that still leaves them for the next one). When
    the build failed, its failure is the one said: writing the charts on the disk it filled
    would otherwise replace "the disk is full while writing _build/images" with the sources."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            rendered.charts_drawn()
        raise
    with diskspace.writing(root / SOURCE_DIR):
        rendered.charts_drawn()


def _build_rendered(
    root: Path,
    book: Book,
    rendered: RenderResult,
    editions: tuple[Edition, ...],
    verbose: bool,
    say: Callable[[str], None],
) -> Built:
    """``build_editions`` once the sources are rendered (the charts maybe still drawing,
    while Sphinx is imported and starts)."""
    from bookbuilder.sphinx import build as builder  # Sphinx: imported by the stages that build
    from bookbuilder.sphinx import current, typesetting

    builddir = root / BUILD_DIR
    sources = current.sources_fingerprint(rendered.fingerprint, root)
    with diskspace.writing(builddir):
        current.start(builddir, sources, tuple(e.name for e in editions))
    # every edition's copy of every image, made on all cores before Sphinx asks for them
    with diskspace.writing(builddir / DERIVATIVES):
        derive_all(rendered.srcdir, list(dict.fromkeys(e.images for e in editions)))
    building = _Building(root, book, Built(rendered), say, verbose)
    overlap = overlapping(editions)
    with typesetting.beside() if overlap else contextlib.nullcontext() as beside:
        typeset_beside: Edition | None = None  # the edition whose typesetting runs beside
        for edition in overlap or editions:
            if typeset_beside is not None and edition.website:  # it offers the PDF
                building.collect(beside, typeset_beside)
                typeset_beside = None
            say(f"Building the {edition.name} edition…")
            result = builder.run_sphinx(
                edition.name, rendered.srcdir, builddir, root, verbose, rendered.charts_drawn
            )
            building.said(edition, result.warnings)
            typesets_beside = beside is not None and edition.typeset and beside.running
            if typesets_beside and result.ok:
                typeset_beside = edition
                continue  # its file is looked for when its typesetting has ended
            building.record(edition, result.ok, result.message)
            if typesets_beside:
                building.collect(beside, edition)  # its Sphinx run failed: only waited for
        if typeset_beside is not None:
            building.collect(beside, typeset_beside)
    return building.built


def overlapping(editions: tuple[Edition, ...]) -> tuple[Edition, ...]:
    """The order to build ``editions`` in so that the PDF's typesetting (Typst's processes)
    runs beside the next edition's build (``sphinx/typesetting.py``): the typeset editions
    first, the website still last, which offers them. Empty when it would not: with one job
    (``JOBS=1``: the serial build), or with no edition to build beside the PDF."""
    first = tuple(e for e in editions if e.typeset)
    beside = tuple(e for e in editions if not e.typeset and not e.website)
    if jobs() <= 1 or not first or not beside:
        return ()
    return first + tuple(e for e in editions if not e.typeset)


@dataclass
class _Building:
    """``build_editions`` under way: what each edition's build said, and what it made."""

    root: Path
    book: Book
    built: Built
    say: Callable[[str], None]
    verbose: bool
    warnings: dict[str, list[str]] = field(default_factory=dict)  # each edition's

    def said(self, edition: Edition, warnings: Iterable[str]) -> None:
        """``edition``'s build said ``warnings`` (at the rendered sources)."""
        remapped = [remap_warning(w, self.built.rendered.sources) for w in warnings]
        self.warnings.setdefault(edition.name, []).extend(remapped)
        self.built.warnings += remapped

    def record(self, edition: Edition, ok: bool, message: str) -> None:
        """Note ``edition``'s file as built (and current), or why there is none."""
        from bookbuilder.sphinx import current

        builddir = self.root / BUILD_DIR
        if not ok:
            self.say(message)
            self.built.failed[edition.name] = [message]
            return
        output = edition.output_path(builddir, self.book.meta.basename)
        if output.exists():
            self.built.outputs.append(output)
            current.built(builddir, edition.name)
        else:
            said = output.relative_to(self.root)
            self.say(f"The {edition.name} edition did not produce {said}.")
            errors = [w for w in self.warnings.get(edition.name, []) if "ERROR" in w]
            self.built.failed[edition.name] = errors or [f"it did not produce {said}"]

    def collect(self, beside: Any, edition: Edition) -> None:
        """Wait for ``edition``'s typesetting, which ran beside the next edition, and take
        what it said as its build's (``sphinx/typesetting.py``)."""
        from bookbuilder.sphinx import build as builder

        collected = beside.collect()
        if self.verbose and collected.warnings:  # where Sphinx would have printed them
            print(*collected.warnings, sep="\n", file=sys.stderr)
        self.said(edition, collected.warnings)
        if edition.name in self.built.failed:
            return  # its build failed already
        if collected.error is not None:
            log = builder.log_file(self.root / BUILD_DIR, edition.name)
            self.record(
                edition, False, builder.bug_said(edition.name, collected.trace, log, self.root)
            )
        else:
            self.record(edition, True, "")


@dataclass
class Preview:
    """The preview's build: the sources rendered, and how the website's build went."""

    rendered: RenderResult
    ok: bool
    warnings: list[str]  # at the editors' files
    message: str  # why Sphinx failed, or ""


def build_preview(root: Path, book: Book, verbose: bool = False) -> Preview:
    """Render ``book`` and build the website into ``_build/preview`` (``make serve``), apart
    from the editions ``make html`` builds."""
    from bookbuilder.sphinx import build as builder  # Sphinx: imported by the stages that build

    rendered = render_sources(book, root / SOURCE_DIR, charts_later=True)
    with charts_written_whatever_happens(rendered, root):
        preview = root / PREVIEW_DIR
        result = builder.run_sphinx(
            website().name, rendered.srcdir, preview, root, verbose, rendered.charts_drawn
        )
    warnings = sorted({remap_warning(w, rendered.sources) for w in result.warnings})
    return Preview(rendered, result.ok, warnings, result.message)
