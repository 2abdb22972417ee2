"""Sphinx's processes where they pay: whole pages in every process, a few pages in one.

With ``JOBS`` above 1 (``bookbuilder.jobs``), Sphinx (9.0) shares the pages out between
processes, and the web edition and the EPUB build with :class:`PagesInWorkers`, which changes
how:

- **Reading**: Sphinx cuts the pages into chunks of about ``sqrt(10 × pages / JOBS)`` and forks
  a process for each, which sends back its whole environment, pickled, to be merged: a chunk
  started after another was merged sends that one's pages back too, so the main process
  unpickled about half the book per chunk (15 chunks at 1,000 reports). Here each process reads
  one share of the pages, all forked at the start: each environment sent back holds its own
  pages only.
- **Writing**: Sphinx's main process loads and resolves every page (the post-transforms, ours
  included), indexes it for the search (stemming every word) and pickles it to a worker, which
  only translates it to HTML: with 2 jobs the main process did most of the work and one worker
  the rest. Here each process, forked once, loads, resolves, indexes and writes its own share
  of the pages (as it reads: :func:`shares`), and sends back only what the main process needs
  afterwards: the search index's entries of its pages, the images they show, and their names
  (:data:`WRITTEN_ELSEWHERE`, for ``BuildState``).

A build that reads fewer than ``len(book) * jobs / READ_GAIN`` pages (an editor added or
edited a report) reads them in this process, and still writes in ``JOBS`` processes: sending
back an environment costs about 0.3 ms a page of the book, reading a report about 15 ms.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder, _write_docname
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks

from bookbuilder import collector
from bookbuilder.sphinx.state import BuildState

logger = logging.getLogger(__name__)

# How much longer a page takes to read than its share of sending the environment back.
READ_GAIN = 50

# Event (app, docnames): pages written in another process, in the order of a serial build.
WRITTEN_ELSEWHERE = "bookbuilder-written-elsewhere"


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


# The search index's entries, per page or per word (sphinx.search.IndexBuilder.feed): a word's
# set of pages is the union of each page's, so a chunk's entries merge into the whole.
_PAGE_ENTRIES = ("_titles", "_filenames", "_all_titles", "_index_entries")
_WORD_ENTRIES = ("_mapping", "_title_mapping")


@dataclass
class WrittenChunk:
    """What the main process needs of the pages a worker wrote."""

    docnames: list[str]
    images: dict[str, str]  # the builder's images to copy into _images/ (path: name)
    search: dict[str, dict[str, Any]] = field(default_factory=dict)  # IndexBuilder's entries


def write_page(builder: Any, docname: str) -> None:
    """One page, as Sphinx's serial write does it."""
    _write_docname(docname, env=builder.env, builder=builder, tags=builder.tags)


def _empty_search(indexer: Any) -> None:
    """In a worker: the search index keeps only the pages this worker writes."""
    if indexer is not None:
        for name in (*_PAGE_ENTRIES, *_WORD_ENTRIES):
            setattr(indexer, name, {})


def _search_entries(indexer: Any) -> dict[str, dict[str, Any]]:
    if indexer is None:
        return {}
    return {name: getattr(indexer, name) for name in (*_PAGE_ENTRIES, *_WORD_ENTRIES)}


def _merge_search(indexer: Any, entries: dict[str, dict[str, Any]]) -> None:
    """A worker's pages into the main process's search index, as feeding them here would."""
    if indexer is None:
        return
    for name in _PAGE_ENTRIES:
        getattr(indexer, name).update(entries[name])
    for name in _WORD_ENTRIES:
        words = getattr(indexer, name)
        for word, pages in entries[name].items():
            words.setdefault(word, set()).update(pages)


# Why the objects of this process are out of the garbage collector's sight (collector.py)
FORKING, ENVIRONMENT = "forking Sphinx's processes", "a whole book's environment"


class TasksThatStop(ParallelTasks):
    """Sphinx's ``ParallelTasks``, but a process that fails while chunks are still being handed
    out stops the build. Sphinx's ``add_task`` catches any error its bookkeeping raises, a
    process's failure included, ends the processes still running and goes on: their chunks'
    pages would be left out of the book without a word (more chunks than processes: the
    write's chunks, or ``JOBS`` above 2)."""

    failure: Exception | None = None

    def _join_one(self) -> bool:
        try:
            return super()._join_one()
        except Exception as error:
            self.failure = self.failure or error
            raise

    def add_task(
        self,
        task_func: Callable[[Any], Any] | Callable[[], Any],
        arg: Any = None,
        result_func: Callable[[Any, Any], Any] | None = None,
    ) -> None:
        super().add_task(task_func, arg, result_func)
        if self.failure is not None:
            raise self.failure


def in_processes(
    nproc: int,
    chunks: Iterable[list[str]],
    task: Callable[[list[str]], Any],
    done: Callable[[list[str], Any], None],
) -> None:
    """``task`` on each chunk in a forked process, ``nproc`` at a time; ``done`` here with its
    result. Every chunk's result is taken, or the build stops (``TasksThatStop``: a failing
    process raises in ``add_task`` or in ``join``)."""
    tasks = TasksThatStop(nproc)
    for chunk in chunks:
        tasks.add_task(task, chunk, done)
    tasks.join()


def shares(docnames: list[str], count: int) -> list[list[str]]:
    """``docnames`` in up to ``count`` shares, none empty: pages alike (a chapter's, which sort
    together) spread alike, so the processes end together."""
    return [docnames[i::count] for i in range(min(count, len(docnames)))]


class ReadInShares(Builder):
    """A builder whose parallel read gives each process one share of the pages (module
    docstring). The PDF's builder reads this way too: in ``make all`` with more than one job it
    builds first, so it is the one that reads the whole book."""

    def _read_serial(self, docnames: list[str]) -> None:
        """Sphinx's own serial read, without full collections (the environment and every page's
        tree, kept for the write, all live on), and what it read then held as the parallel
        read's is: Sphinx's write went through it again in two full collections (1.1 s of CPU
        at 1,000 reports)."""
        with collector.no_full_collections():
            super()._read_serial(docnames)
            collector.hold(ENVIRONMENT)

    def _read_parallel(self, docnames: list[str], nproc: int) -> None:
        for docname in docnames:  # all at once, as Sphinx does
            self.events.emit("env-purge-doc", self.env, docname)
            self.env.clear_doc(docname)

        def read_share(share: list[str]) -> bytes:
            self.env._app = self._app
            with collector.no_full_collections():  # as _read_serial: all of it lives on
                for docname in share:
                    self.read_doc(docname, _cache=False)
                collector.hold(ENVIRONMENT)  # until this process ends, once it is sent
            return pickle.dumps(self.env, pickle.HIGHEST_PROTOCOL)

        def merge(share: list[str], other: bytes) -> None:
            self.env.merge_info_from(share, pickle.loads(other), self._app)

        # no empty share: a process that read nothing sends back an environment whose domains
        # never set up their data, which Sphinx cannot merge
        self._in_processes(
            shares(docnames, nproc), read_share, merge, __("reading sources... "), "purple"
        )
        # The whole book's environment, merged: it lives until the build ends, and every full
        # collection in this process went through it again (build.give_back_to_collector)
        collector.hold(ENVIRONMENT)

    def _in_processes(
        self,
        chunks: list[list[str]],
        task: Callable[[list[str]], Any],
        done: Callable[[list[str], Any], None],
        message: str,
        colour: str,
    ) -> None:
        """Each chunk in a forked process (``JOBS`` at a time); ``done`` in this one."""
        progress = status_iterator(chunks, message, colour, len(chunks), self.config.verbosity)

        def step(chunk: list[str], result: Any) -> None:
            done(chunk, result)
            next(progress)

        # Objects made so far out of the collector's sight: a forked process that collects
        # garbage would otherwise touch, and so copy, every page of this one's memory
        with collector.held(FORKING):
            in_processes(self._app.parallel, chunks, task, step)
        logger.info("")


class PagesInWorkers(ReadInShares, StandaloneHTMLBuilder):
    """Sphinx's HTML builders (the web edition's, the EPUB's) reading and writing whole pages in
    every process (module docstring); the serial build (``JOBS=1``) is Sphinx's own. An edit's
    few pages too: Sphinx's own parallel write runs ``html-page-context`` in its worker, so
    ``BuildState`` never learnt of the pages it wrote, and the search index kept their last
    build's entries (docs/performance.md, "then for every build again")."""

    def _write_serial(self, docnames: Any) -> None:
        """Sphinx's own serial write, without full collections: with the environment held, each
        went through what the pages written so far left, eleven times at 1,000 reports (0.6 s
        of CPU); what they free is freed at the finish, in one (same peak memory)."""
        with collector.no_full_collections():
            super()._write_serial(docnames)

    def _write_parallel(self, docnames: Any, nproc: int) -> None:
        # Sphinx passes JOBS - 1, keeping this process to resolve the pages: the workers do it
        first, rest = docnames[0], list(docnames[1:])
        # the first page here: caches and templates warm, handlers that note the first page
        write_page(self, first)
        # one share per process, as the read: Sphinx's chunks of about 70 pages forked a process
        # each, and each paid again for the copies of the memory pages it touched (0.2 s of
        # system time a process, 14 processes at 1,000 reports)
        chunks = shares(rest, self._app.parallel)
        written: dict[str, WrittenChunk] = {}

        def write_chunk(chunk: list[str]) -> WrittenChunk:
            _empty_search(self.indexer)
            images = dict(self.images)
            # full collections left on, unlike _write_serial: a worker's share grows with the
            # book, and what its pages leave would wait for the process's end (at 5,000
            # reports, 2 jobs: peak 555 MB without them, 485 MB with, the same CPU time)
            for docname in chunk:
                write_page(self, docname)
            new_images = {k: v for k, v in self.images.items() if k not in images}
            return WrittenChunk(chunk, new_images, _search_entries(self.indexer))

        def chunk_done(chunk: list[str], result: WrittenChunk) -> None:
            written[chunk[0]] = result

        self._in_processes(chunks, write_chunk, chunk_done, __("writing output... "), "darkgreen")
        for chunk in chunks:  # in the shares' order, whichever process finished first
            self._take_back(written[chunk[0]])

    def _take_back(self, chunk: WrittenChunk) -> None:
        for path, name in chunk.images.items():
            self.images.setdefault(path, name)
        _merge_search(self.indexer, chunk.search)
        self.events.emit(WRITTEN_ELSEWHERE, chunk.docnames)


class BookHtmlBuilder(PagesInWorkers):
    """The web edition's builder: Sphinx's ``html``, whole pages in every process."""

    name = "html"
