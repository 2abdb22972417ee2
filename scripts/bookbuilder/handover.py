"""The render stage's hand-over to Sphinx: what it knows of the book that the pages alone do
not say, written once into the source folder (``_build/src/_bookbuilder.json``) and read, typed,
by every part of the Sphinx side (the report pages, the EPUB's metadata and navigation, the
chapters' report lists, the PDF's warnings).

:class:`Handover` is the one description of that file: :func:`handover_text` writes it and
:func:`read_handover` reads it, both made from its fields (:mod:`bookbuilder.jsondata`), so a
field added here is written and read with no other change.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from bookbuilder.jsondata import from_data, to_data
from bookbuilder.layout import REPORT_PAGES  # a report's page: experiences/<slug>[.<language>]
from bookbuilder.model import ReportRecord

HANDOVER_FILE = "_bookbuilder.json"


@dataclass(frozen=True)
class PageSource:
    """Where a page's text came from: its editor's file, the file line of the body's first
    line, and the page's line that holds it (Sphinx's warnings are moved back by the offset)."""

    relpath: str
    body_line: int
    generated_line: int

    def editors_line(self, page_line: int) -> int:
        """The editor's file line of a line of the generated page."""
        return max(self.body_line + page_line - self.generated_line, 1)


# A person as printed and as filed (the EPUB's dc:contributor and its file-as).
Filed = tuple[str, str]


@dataclass(frozen=True)
class Handover:
    """What the render stage tells Sphinx about the book (empty when nothing was rendered)."""

    # page → where its text came from (chapters, reports, translations)
    sources: dict[str, PageSource] = field(default_factory=dict)
    # each report's and translation's record, by page without experiences/: <slug>[.<language>]
    records: dict[str, ReportRecord] = field(default_factory=dict)
    # a report's page → its translations' pages, in order (the EPUB's navigation lists them)
    translations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # every report author once, in book order, as printed and filed: dc:contributor entries
    contributors: tuple[Filed, ...] = ()
    # every translator once, in book order: dc:contributor entries with the role trl
    translators: tuple[Filed, ...] = ()

    def record(self, page: str | None) -> ReportRecord | None:
        """The record shown on a report's (or translation's) page; None on any other page."""
        if not page or not page.startswith(REPORT_PAGES):
            return None
        return self.records.get(page.removeprefix(REPORT_PAGES))

    def source(self, page: str) -> PageSource | None:
        return self.sources.get(page)

    def original_of(self) -> dict[str, str]:
        """Each translation's page → its report's page."""
        return {page: report for report, pages in self.translations.items() for page in pages}


def handover_text(handover: Handover) -> str:
    """The file's text: JSON, keys sorted, no indent (the C encoder: the data of 1,000 reports
    took 0.1 s to write with one)."""
    return json.dumps(to_data(handover), ensure_ascii=False, sort_keys=True)


def read_handover(srcdir: Path | str) -> Handover:
    """What the render stage wrote into ``srcdir``; an empty hand-over when it wrote none.

    Read once per build and shared (the extension, the EPUB builder and every report page use
    it; it describes every page, so reading it per page made builds quadratic)."""
    path = Path(srcdir) / HANDOVER_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return Handover()
    return _read(str(path), mtime)


@functools.lru_cache(maxsize=1)
def _read(path: str, mtime_ns: int) -> Handover:
    return from_data(Handover, json.loads(Path(path).read_text("utf-8")))
