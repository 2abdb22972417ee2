"""The PDF after its markup is written: Typst's compilation (whole, or in parts:
``pdfparts.py``) and pikepdf's finishing (``pdffinish.py``), now or beside the next edition.

Typst runs in a process of its own (``pdfengine/typeset.py``); what it says becomes the PDF
build's warnings and errors, at the page whose markup it could not read. By default all that
happens inside the PDF builder, Sphinx logging each problem.

``make all`` with more than one job (``bookbuilder.jobs``) opens a :class:`Beside` first
(``pipeline.build_editions``): the PDF builder then hands the work over as soon as the markup
is written, and a thread of the build runs it (waiting, nearly all the time, for Typst's
process) while Sphinx builds the next edition, the EPUB. The problems are shaped into the very
lines Sphinx writes (its own filters, with the PDF build's settings), which the build adds to
the PDF's warnings when it collects the work, before the website, which offers the PDF, is
built. Whatever stops the build meanwhile (Ctrl-C, a full disk) stops Typst's process too: the
build leaves no process behind.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol

from sphinx.util import logging as sphinx_logging

from bookbuilder import collector
from bookbuilder.diskspace import raise_if_full
from bookbuilder.handover import read_handover
from bookbuilder.layout import is_report_page
from bookbuilder.pdfengine import typeset

if TYPE_CHECKING:
    from sphinx.builders import Builder

logger = sphinx_logging.getLogger(__name__)

#: Every problem of the typesetting is of this Sphinx type and subtype.
TYPE, SUBTYPE = "bookbuilder", "pdf-typst"

Location = tuple[str, int] | None


class Report(Protocol):
    """Says one problem of the typesetting (``logging.WARNING`` or ``logging.ERROR``)."""

    def __call__(
        self, level: int, message: str, *args: object, location: Location = None
    ) -> None: ...


def to_sphinx(level: int, message: str, *args: object, location: Location = None) -> None:
    """A problem logged by Sphinx, in the PDF build that is running."""
    logger.log(level, message, *args, location=location, type=TYPE, subtype=SUBTYPE)


@dataclass
class Shaped:
    """Problems shaped into the lines Sphinx would write for them in the PDF build of
    ``builder`` (its ``suppress_warnings``, ``show_warning_types``, pages' paths), kept in
    ``lines``."""

    settings: Any
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, builder: Builder) -> Shaped:
        # what Sphinx's filters read of the build: not the builder itself, which the
        # next edition's build replaces
        settings = SimpleNamespace(
            config=SimpleNamespace(
                suppress_warnings=list(builder.config.suppress_warnings),
                show_warning_types=builder.config.show_warning_types,
            ),
            env=SimpleNamespace(doc2path=partial(builder.env.project.doc2path, absolute=True)),
            _warncount=0,
        )
        return cls(settings)

    def __call__(self, level: int, message: str, *args: object, location: Location = None) -> None:
        record = sphinx_logging.SphinxWarningLogRecord(
            logger.logger.name, level, __file__, 0, message, args, None
        )
        record.location = location
        record.type, record.subtype = TYPE, SUBTYPE
        if not sphinx_logging.WarningSuppressor(self.settings).filter(record):
            return
        sphinx_logging.WarningLogRecordTranslator(self.settings).filter(record)
        with self.lock:
            # as run_sphinx reads them back from Sphinx's warnings file: line by line
            self.lines += record.getMessage().splitlines()


class Typesetter:
    """Compiles the PDF's markup in ``outdir`` (its folder: Typst reads nothing outside) and
    says what went wrong through ``report``, at the page of the book in ``srcdir`` at fault."""

    def __init__(self, outdir: Path, name: str, root_doc: str, srcdir: Path, report: Report):
        self.outdir = outdir
        self.name = name  # the book's basename: <name>.typ, <name>.pdf
        self.root_doc = root_doc
        self.srcdir = srcdir
        self.report = report

    def run_typst(
        self,
        main: Path,
        pdf: Path,
        page_at_line: Callable[[int], str],
        largest_pages: Callable[[], list[str]] = list,
    ) -> bool:
        """Typeset ``main`` into ``pdf`` in Typst's own process (``typeset.py``: a memory
        limit of its own, so an abort never stops the build); ``page_at_line``: the page a line
        of ``main`` is of; ``largest_pages``: the pages with the most markup, first. False
        (and an error reported, no PDF left) when Typst made none."""
        outcome = typeset.typeset(main, pdf, typeset.timestamp(), typeset.memory_limit())
        if not outcome.ok:
            # Not a traceback: the build says what stopped the PDF, and that no PDF was made,
            # at the page whose markup Typst could not read (the summary names the editor's
            # file: summary.remap_warning), or, when Typst ran out of memory, at the largest.
            pdf.unlink(missing_ok=True)
            if outcome.stopped:
                # the reports (and translations) with the most markup: the likeliest cause
                pages = [p for p in largest_pages() if is_report_page(p)][:3]
                self.report(
                    logging.ERROR,
                    "%s typesetting the PDF; no PDF was made.%s",
                    outcome.stopped,
                    f" The reports with the most to typeset: {', '.join(pages)}" if pages else "",
                    location=self.page_location(pages[0] if pages else None),
                )
                return False
            line = failing_line(outcome.diagnostic, main.name)
            page = page_at_line(line) if line is not None else None
            self.report(
                logging.ERROR,
                "Typst could not typeset the PDF: %s %s",
                outcome.message,
                " ".join(outcome.hints),
                location=self.page_location(page),
            )
            return False
        for warning in outcome.warnings:
            self.report(logging.WARNING, "Typst: %s", warning)
        return True

    def page_location(self, page: str | None) -> Location:
        """Sphinx's location of a page's first line of text (a report's, its body's first)."""
        if page is None or page == self.root_doc:
            return None
        source = read_handover(self.srcdir).source(page)
        return (page, source.generated_line if source else 1)


# Typst's diagnostic: "error: …\n  ┌─ folder/book.typ:5:14\n" (its first span is the cause).
DIAGNOSTIC_SPAN = re.compile(r"┌─ (?P<path>\S+):(?P<line>\d+):(?P<column>\d+)")


def failing_line(diagnostic: str, main_name: str) -> int | None:
    """The first line of the book's own markup (``main_name``) that Typst's diagnostic names."""
    for match in DIAGNOSTIC_SPAN.finditer(diagnostic):
        if match.group("path").rsplit("/", 1)[-1] == main_name:
            return int(match.group("line"))
    return None


# -- beside the next edition -----------------------------------------------------------------

#: Why the build's objects are out of the garbage collector's sight while the PDF is typeset
TYPESETTING = "the PDF's tree, typeset beside the next edition"

#: The work that ends in the PDF, given where to say its problems.
Work = Callable[[Report], None]


@dataclass
class Collected:
    """The typesetting that ran beside the next edition: the lines of its warnings and errors,
    as Sphinx would have written them; the exception that ended it, if one did (a bug: the
    PDF's failure then ends with its traceback, where Sphinx's would end with its log)."""

    warnings: list[str]
    error: BaseException | None = None
    trace: str = ""


class Beside:
    """The PDF's typesetting in a thread of the build, while the next edition is built.

    Meanwhile every object of the build's process is out of the garbage collector's sight
    (``collector.py``): the typesetting holds the whole book's tree, and each full collection
    during the EPUB's build went through it all again, in the main process, while the other
    cores waited (1.4 s of the EPUB's table of contents at 1,000 reports: docs/performance.md).
    They are given back to it when the typesetting is collected or stopped; the EPUB's own
    objects are collected as usual."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.shaped: Shaped | None = None
        self.outdir = Path()  # the PDF's folder
        self.error: BaseException | None = None
        self.trace = ""

    @property
    def running(self) -> bool:
        """Typesetting was handed over and not yet collected."""
        return self.thread is not None

    def start(self, work: Work, builder: Builder) -> None:
        shaped = self.shaped = Shaped.of(builder)
        self.outdir = Path(builder.outdir)

        def run() -> None:
            try:
                work(shaped)
            except typeset.Stopped:
                pass  # the build is stopping: it says why
            except BaseException as error:  # said when collected, as the PDF build's failure
                self.error, self.trace = error, traceback.format_exc()

        self.thread = threading.Thread(target=run, name="pdf-typesetting", daemon=True)
        self.thread.start()
        collector.hold(TYPESETTING)

    def collect(self) -> Collected:
        """Wait for the typesetting to end; what it said. A full disk met while finishing the
        PDF raises ``DiskFull``, as it does when the PDF is built alone."""
        assert self.thread is not None and self.shaped is not None
        self.thread.join()
        self.thread = None
        collector.release(TYPESETTING)
        error, self.error = self.error, None
        if error is not None:
            raise_if_full(error, self.outdir)
        return Collected(list(self.shaped.lines), error, self.trace)

    def stop(self) -> None:
        """Stop Typst's process (and any the typesetting would start) and wait for the thread."""
        if self.thread is None:
            return
        typeset.stop_children()
        try:
            self.thread.join()
        finally:
            self.thread = None
            collector.release(TYPESETTING)
            typeset.allow_children()


_open: Beside | None = None  # the Beside of the build running, if it opened one


@contextmanager
def beside() -> Iterator[Beside]:
    """While open, the PDF builder hands its typesetting over (:func:`typeset_pdf`) instead of
    running it. Whatever ends the block early stops the typesetting; otherwise the block must
    have collected it."""
    global _open
    opened = _open = Beside()
    try:
        yield opened
    finally:
        _open = None
        opened.stop()  # a no-op when collected


def typeset_pdf(builder: Builder, work: Work) -> None:
    """Run ``work`` now, its problems logged by Sphinx, or hand it over to the build's
    :class:`Beside` when one is open."""
    if _open is None:
        work(to_sphinx)
    else:
        _open.start(work, builder)
