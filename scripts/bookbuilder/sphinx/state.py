"""What one build learns while it runs, for the handlers that come later in the same build.

Sphinx makes one application per build (``sphinx.build.run_sphinx``, ``make serve`` too), and
``extension.setup`` makes one :class:`BuildState` for it and hands it to the handlers that need
it (``functools.partial``). Nothing is kept on the builder, the application or the module, and
nothing here is pickled with the environment: what must outlive a build is written beside the
doctrees by the module that needs it (``remembered.py``, ``incremental.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from bookbuilder.sphinx.bookindex import Section
    from bookbuilder.sphinx.navigation import SidebarLevel
    from bookbuilder.sphinx.remembered import WarningMemory

DownloadFile = tuple[str, int]  # a download's file name and size in bytes


@dataclass
class BuildState:
    # outputs.py: the pages this build wrote (besides one per document: index, search) and the
    # last build's search index, read before the first page is written over it
    pages_written: set[str] = field(default_factory=set)
    search_index_before: dict[str, Any] | None = None
    # remembered.py: the documents this build wrote, and the warnings it filed
    docs_written: set[str] = field(default_factory=set)
    warnings: WarningMemory | None = None
    # online.py: the editions the web edition offers this build (None: not the web edition)
    downloads: tuple[DownloadFile, ...] | None = None
    # navigation.py: the sidebar's level, made when the first page is written
    sidebar_level: SidebarLevel | None = None
    # bookindex.py: the book's index, made when writing starts (None: not made yet)
    book_index: list[Section] | None = None
    # parallel.py: JOBS, set aside while a few pages are read in one process
    jobs_set_aside: int | None = None
    # online.py: the process drawing the link preview while Sphinx reads (None: none)
    drawing_aside: BaseProcess | None = None
