"""Sphinx's processes where they pay: reading a few pages in one process, as before.

With ``JOBS`` above 1 (``bookbuilder.jobs``), Sphinx shares the pages it reads out between
processes, each of which sends the whole environment back, pickled, to be merged: for the one
report an editor added or edited, that costs more than reading it (measured on the benchmark's
book: about 15 ms to read a report, about 0.3 ms a page of the book to pickle and unpickle the
environment, per process). So a build that reads fewer than ``len(book) * jobs / READ_GAIN``
pages reads them in this process, and still writes in ``JOBS`` processes.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from bookbuilder.sphinx.state import BuildState

# How much longer a page takes to read than its share of sending the environment back.
READ_GAIN = 50


def read_few_in_one_process(build: BuildState, app: Sphinx, env: Any, docnames: list[str]) -> None:
    """env-before-read-docs: one process for a small read (Sphinx decides right after this)."""
    jobs = app.parallel
    if jobs > 1 and len(docnames) * READ_GAIN < len(env.found_docs) * jobs:
        build.jobs_set_aside = jobs
        app.parallel = 1


def write_in_all_processes(build: BuildState, app: Sphinx, env: Any) -> None:
    """env-updated: the read is done; the pages are written in ``JOBS`` processes again."""
    if build.jobs_set_aside is not None:
        app.parallel = build.jobs_set_aside
        build.jobs_set_aside = None
