"""``JOBS``: a book built in two processes is the book built in one, file for file.

Sphinx reads and writes the pages in ``JOBS`` processes (``bookbuilder.jobs``, ``-j``), and
``make check`` shares the reports out between as many: what each process learns must come
back to the main one (``extension._parallel_safety``). ``make all`` typesets the PDF beside the
EPUB's build (``sphinx/typesetting.py``). The same book is built here with ``JOBS=1`` and
``JOBS=2`` and every file of the website and the EPUB compared byte for byte, the PDF by its
text and structure, the command's own output line for line (the editions it starts in the
order it builds them).
"""

from __future__ import annotations

import errno
import gc
import hashlib
import logging
import multiprocessing
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest

from bookbuilder import collector
from bookbuilder.check import validate
from bookbuilder.diskspace import DiskFull
from bookbuilder.jobs import JobsError, Shares, jobs
from bookbuilder.pdfengine import typeset
from bookbuilder.sphinx import parallel, typesetting
from bookbuilder.sphinx import typst as markup
from bookbuilder.sphinx.state import BuildState
from conftest import SMALL, copy_book, require_pdf, run_book, sphinx_logging_restored

EPOCH = "1609459200"  # 2021-01-01: the EPUB's dates and zip times the same in both builds
# copies of a report under other names: enough pages that each process reads and writes several
COPIES = 9


@pytest.fixture(autouse=True)
def _sphinx_logging_as_it_was() -> Iterator[None]:
    """Several tests here build in this process (``cli.main``, ``build_editions``): Sphinx's
    handlers of each build are taken off after it (``conftest.sphinx_logging_restored``)."""
    with sphinx_logging_restored():
        yield


def parallel_book(target: Path) -> Path:
    root = copy_book(SMALL, target)
    original = root / "experiences" / "wildfire-smoke-vancouver.md"
    text = original.read_text("utf-8")
    for n in range(COPIES):
        copy = text.replace(
            'title: "Smoke on the horizon', f'title: "Smoke number {n} on the horizon', 1
        )
        copy = copy.replace("city: Vancouver", f"city: Vancouver {n}", 1)
        (root / "experiences" / f"smoke-{n}-vancouver.md").write_text(copy, "utf-8")
    # quotes and an ampersand in a chapter's title: the sidebar's label (navigation.py)
    chapter = root / "chapters" / "elsewhere.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text.replace('"Elsewhere"', "'Elsewhere: \"far\" & it''s near'"), "utf-8")
    return root


def build(root: Path, jobs_setting: str, *editions: str, **env: str) -> str:
    result = run_book(
        root,
        "build",
        *editions,
        # every page's sidebar compared with the theme's own (sphinx/navigation.py)
        env={
            "JOBS": jobs_setting,
            "SOURCE_DATE_EPOCH": EPOCH,
            "BOOKBUILDER_CHECK_NAV": "1",
            **env,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def started_apart(said: str) -> tuple[list[str], list[str]]:
    """The lines that say an edition is being built, in order, and every other line."""
    lines = said.splitlines()
    starts = [line for line in lines if line.startswith("Building the ")]
    return starts, [line for line in lines if line not in starts]


def same_output(serial: str, overlapped: str) -> None:
    """The same lines; the editions started in another order (the PDF first, to typeset it
    beside the EPUB)."""
    serial_starts, serial_rest = started_apart(serial)
    overlapped_starts, overlapped_rest = started_apart(overlapped)
    assert serial_rest == overlapped_rest
    assert Counter(serial_starts) == Counter(overlapped_starts)


def files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_two_jobs_build_the_same_book_as_one(tmp_path: Path) -> None:
    require_pdf("pdftotext")
    serial = parallel_book(tmp_path / "serial")
    parallel = parallel_book(tmp_path / "parallel")
    said = {root: build(root, n, "all") for root, n in ((serial, "1"), (parallel, "2"))}
    same_output(said[serial], said[parallel])
    assert started_apart(said[parallel])[0][0] == "Building the pdf edition…"
    for edition in ("html", "epub"):
        one, two = files(serial / "_build" / edition), files(parallel / "_build" / edition)
        assert sorted(one) == sorted(two), edition
        differ = [name for name in one if one[name] != two[name]]
        assert not differ, f"{edition}: {differ}"
    # pictures in the website: copied into _images/ although the pages are written elsewhere
    assert any(n.startswith("_images/") for n in files(parallel / "_build" / "html"))
    pdf = "_build/pdf/heatwave-2021.pdf"
    assert pdf_text(serial / pdf) == pdf_text(parallel / pdf)
    assert pdf_structure(serial / pdf) == pdf_structure(parallel / pdf)


def pdf_structure(pdf: Path) -> dict[str, Any]:
    """What pikepdf's finishing and the joining of parts make: the pages and their labels,
    the bookmarks, the structure tree's elements (kinds, in order), the viewer's title."""
    with pikepdf.open(pdf) as document:
        with document.open_outline() as outline:
            stack, bookmarks = list(outline.root), []
            while stack:
                item = stack.pop(0)
                bookmarks.append(item.title)
                stack[:0] = list(item.children)
        elements, todo = [], [document.Root.StructTreeRoot]
        while todo:
            node = todo.pop(0)
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            found = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
            elements += [str(k.S) for k in found]
            todo[:0] = found
        labels = pikepdf.NumberTree(document.Root.PageLabels)
        return {
            "pages": len(document.pages),
            "labels": {key: repr(value) for key, value in labels.items()},
            "bookmarks": bookmarks,
            "elements": elements,
            "title": bool(document.Root.ViewerPreferences.DisplayDocTitle),
        }


@pytest.mark.slow
def test_a_pdf_typeset_in_parts_beside_the_epub_is_the_serial_one(tmp_path: Path) -> None:
    """Parts, the front matter and the joining (``pdfparts.py``) in the thread beside the EPUB."""
    require_pdf("pdftotext")
    parts = {"BOOK_PDF_PART_REPORTS": "5"}
    serial = parallel_book(tmp_path / "serial")
    parallel = parallel_book(tmp_path / "parallel")
    said = {
        root: build(root, n, "epub", "pdf", **parts) for root, n in ((serial, "1"), (parallel, "2"))
    }
    same_output(said[serial], said[parallel])
    one, two = files(serial / "_build" / "epub"), files(parallel / "_build" / "epub")
    assert one == two
    pdf = "_build/pdf/heatwave-2021.pdf"
    assert pdf_text(serial / pdf) == pdf_text(parallel / pdf)
    assert pdf_structure(serial / pdf) == pdf_structure(parallel / pdf)
    assert not list((parallel / "_build" / "pdf").glob("*.part*.pdf")), "the parts are gone"


@pytest.mark.slow
def test_typst_failing_beside_the_epub_is_said_as_in_the_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typst's error, at the report whose markup it could not read, the PDF's failure, the
    status and the website's downloads: the same with the PDF typeset beside the EPUB."""
    from bookbuilder import cli

    written = markup.TypstTranslator.visit_Text

    def broken(self: markup.TypstTranslator, node: Any) -> None:  # a bug, for this test only
        written(self, node)
        if "zqxmarker" in node.astext():
            self.out("#unclosed(")

    monkeypatch.setattr(markup.TypstTranslator, "visit_Text", broken)
    said, status = {}, {}
    for setting in ("1", "2"):
        book = copy_book(SMALL, tmp_path / setting)
        report = book / "experiences" / "wildfire-smoke-vancouver.md"
        report.write_text(report.read_text("utf-8") + "\nA sentence with zqxmarker.\n", "utf-8")
        monkeypatch.setenv("JOBS", setting)
        status[setting] = cli.main(["--root", str(book), "build", "all"])
        captured = capsys.readouterr()
        # not Sphinx's own warnings, which reach capsys in this process (the command sends
        # them to _build/sphinx-pdf.log): what the command says of them
        lines = (captured.out + captured.err).splitlines(keepends=True)
        said[setting] = "".join(line for line in lines if not line.startswith(str(book)))
        assert not list((book / "_build" / "pdf").glob("*.pdf"))
        assert (book / "_build" / "epub" / "heatwave-2021.epub").is_file()
        assert not list((book / "_build" / "html" / "downloads").glob("*.pdf"))
    assert status["1"] == status["2"] == 1
    same_output(said["1"], said["2"])
    failed = said["2"].split("The pdf edition failed in this build:\n", 1)[1].splitlines()[0]
    assert failed.strip().startswith("experiences/wildfire-smoke-vancouver.md:"), failed
    assert "Typst could not typeset the PDF" in failed


# The command line, as `make` runs it, with a bug in the PDF's finishing (for this test only)
BROKEN_PDF = """
import sys
from bookbuilder import cli
from bookbuilder.sphinx import pdf

def broken(path):
    raise RuntimeError("zqx: a bug in the finishing")

pdf.finish_pdf = broken
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow  # the EPUB and the PDF of the small book, twice
def test_a_bug_in_the_pdf_s_build_says_where_its_trace_is_not_the_trace(tmp_path: Path) -> None:
    """An exception ending the PDF's build is a bug of the builder: the editor reads that the
    edition was not built, and where its full trace was written, whether Sphinx met it (one
    job) or the typesetting beside the EPUB (two), never the trace itself."""
    require_pdf()
    said = {}
    for setting in ("1", "2"):
        book = copy_book(SMALL, tmp_path / setting)
        result = subprocess.run(
            [sys.executable, "-c", BROKEN_PDF, "--root", str(book), "build", "epub", "pdf"],
            capture_output=True,
            text=True,
            env={**os.environ, "JOBS": setting, "V": ""},
        )
        said[setting] = result.stdout + result.stderr
        assert result.returncode == 1, said[setting]
        for traced in ("Traceback", 'File "', "zqx", "Versions", "sphinx-err"):
            assert traced not in said[setting], said[setting]
        assert (
            "The pdf edition was not built: a bug in the builder (RuntimeError), not a problem "
            "in the book. Its full trace is in _build/sphinx-pdf.log: please send that file"
        ) in said[setting]
        trace = (book / "_build" / "sphinx-pdf.log").read_text("utf-8")
        assert "Traceback (most recent call last)" in trace
        assert "RuntimeError: zqx: a bug in the finishing" in trace
        assert (book / "_build" / "epub" / "heatwave-2021.epub").is_file()
    same_output(said["1"], said["2"])


def a_pdf_build(tmp_path: Path) -> Any:
    """What the typesetting reads of the PDF build's builder."""
    config = SimpleNamespace(suppress_warnings=[], show_warning_types=True)
    project = SimpleNamespace(doc2path=lambda name, absolute: tmp_path / f"{name}.md")
    return SimpleNamespace(config=config, env=SimpleNamespace(project=project), outdir=tmp_path)


def test_stopping_the_build_stops_typst_beside_it(tmp_path: Path) -> None:
    """Ctrl-C (or a full disk) while the PDF is typeset beside the EPUB: no process is left."""
    pid_file = tmp_path / "pid"
    waits = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"

    def work(report: typesetting.Report) -> None:
        typeset.run_child([sys.executable, "-c", waits])
        report(30, "never said: the child was stopped")

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), typesetting.beside() as beside:
        typesetting.typeset_pdf(a_pdf_build(tmp_path), work)
        assert beside.running
        assert gc.get_freeze_count() > 0  # the build's objects, out of the collector's sight
        while not pid_file.is_file() or not pid_file.read_text():
            assert time.monotonic() - start < 20, "Typst's stand-in never started"
            time.sleep(0.05)
        raise KeyboardInterrupt
    assert time.monotonic() - start < 30
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert beside.shaped is not None and not beside.shaped.lines
    assert gc.get_freeze_count() == 0  # given back to the collector
    # and the next build typesets again
    assert typeset.run_child([sys.executable, "-c", "print(1)"]).stdout == "1\n"


@pytest.mark.parametrize("named", ["pdf/b.pdf", b"pdf/b.pdf", "pdf"])
def test_a_full_disk_while_finishing_the_pdf_beside_is_a_full_disk(
    tmp_path: Path, named: str | bytes
) -> None:
    """At the folder being written, as diskspace.py says it wherever it is met: the folder of
    the file the error names (as text or bytes), or the folder it names."""
    (tmp_path / "pdf").mkdir()
    filename = os.path.join(os.fsencode(tmp_path) if isinstance(named, bytes) else tmp_path, named)

    def work(report: typesetting.Report) -> None:
        report(30, "Typst: %s", "a warning")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), filename)

    with typesetting.beside() as beside:
        typesetting.typeset_pdf(a_pdf_build(tmp_path), work)
        with pytest.raises(DiskFull) as raised:
            beside.collect()
    assert raised.value.folder == tmp_path / "pdf"
    assert gc.get_freeze_count() == 0


def test_the_typesetting_beside_says_its_problems_as_sphinx_does(tmp_path: Path) -> None:
    """The lines Sphinx writes to its warnings file: location, level, type."""

    def work(report: typesetting.Report) -> None:
        report(40, "Typst could not typeset the PDF: %s %s", "oops", "hint", location=("a/b", 7))
        report(30, "Typst: %s", "two\nlines")

    with typesetting.beside() as beside:
        typesetting.typeset_pdf(a_pdf_build(tmp_path), work)
        collected = beside.collect()
    assert collected.warnings == [
        f"{tmp_path}/a/b.md:7: ERROR: Typst could not typeset the PDF: oops hint "
        "[bookbuilder.pdf-typst]",
        "WARNING: Typst: two",
        "lines [bookbuilder.pdf-typst]",
    ]
    assert collected.error is None
    assert gc.get_freeze_count() == 0


def test_work_that_makes_objects_that_live_on_pauses_the_collector() -> None:
    """The PDF's tree of the whole book, made in the main process: no full collection meanwhile
    (docs/performance.md, "The serial part of a cold build"), and the collector as it was after."""
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_a_pause_ended_elsewhere_leaves_the_collector_as_it_was_found() -> None:
    """Sphinx's start (``run_sphinx`` up to builder-inited): the collector off until the pause is
    resumed, once; resumed again, nothing; a collector found off stays off."""
    resume = collector.pause()
    assert not gc.isenabled()
    resume()
    assert gc.isenabled()
    gc.disable()
    try:
        resume()  # a second time: it has no say any more
        assert not gc.isenabled()
        collector.pause()()
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_a_sphinx_run_that_fails_before_it_starts_gives_the_collector_back(tmp_path: Path) -> None:
    """run_sphinx pauses the collector until builder-inited: a run that never gets there (no
    conf.py) leaves it running all the same."""
    from bookbuilder.editions import website
    from bookbuilder.sphinx.build import run_sphinx

    (tmp_path / "src").mkdir()
    result = run_sphinx(website().name, tmp_path / "src", tmp_path / "_build", tmp_path, False)
    assert not result.ok
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_read_keeps_the_young_collections_and_skips_the_full_ones() -> None:
    """Sphinx's read and write: the cyclic garbage of each page still collected, the old
    generation (what lives on: the environment) not gone through again and again
    (docs/performance.md, "What profiling found"); the thresholds as they were after."""
    before = gc.get_threshold()
    with collector.no_full_collections():
        young, middle, old = gc.get_threshold()
        assert (young, middle) == before[:2] and old > 10**9
    assert gc.get_threshold() == before


def test_shares_spread_pages_alike_and_leave_none_empty() -> None:
    pages = [f"chapter-{c}/report-{r}" for c in "ab" for r in range(3)]
    assert parallel.shares(pages, 2) == [pages[0::2], pages[1::2]]
    assert parallel.shares(pages[:1], 2) == [pages[:1]]  # a process that read nothing: no merge


@pytest.mark.slow  # three builds of a book of fourteen reports
def test_an_incremental_parallel_build_is_a_full_serial_one(tmp_path: Path) -> None:
    """A report added, then built with two jobs: the website of a serial build from scratch."""
    serial = parallel_book(tmp_path / "serial")
    parallel = parallel_book(tmp_path / "parallel")
    build(parallel, "2", "html")
    for root in (serial, parallel):
        report = root / "experiences" / "smoke-3-vancouver.md"
        (root / "experiences" / "smoke-new-vancouver.md").write_text(
            report.read_text("utf-8").replace("Smoke number 3", "Smoke added"), "utf-8"
        )
    assert build(serial, "1", "html") == build(parallel, "2", "html")
    assert files(serial / "_build" / "html") == files(parallel / "_build" / "html")


def test_check_finds_the_same_problems_in_the_same_order_with_any_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = parallel_book(tmp_path / "book")
    for n in range(0, COPIES, 2):  # problems in several reports, for several processes
        report = root / "experiences" / f"smoke-{n}-vancouver.md"
        text = report.read_text("utf-8").replace("country: CA", "country: Canadaa", 1)
        report.write_text(text.replace("consent: true", "consent: maybe", 1), "utf-8")
    monkeypatch.setattr(validate, "PARALLEL_FROM", 0)  # share out even a small book
    found = {}
    for setting in ("1", "2"):
        monkeypatch.setenv("JOBS", setting)
        result = validate.validate_all(root, "en", date(2026, 1, 1))
        found[setting] = [(p.path, p.line, p.message) for p in result.problems]
    assert len(found["1"]) >= 10
    assert found["1"] == found["2"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_work_done_meanwhile_is_done_once_here_after_the_processes_started(
    workers: int,
) -> None:
    """``make check`` scans the fonts while the reports are checked: in this process, once,
    and only when every process of the share is forked (none copies what it starts)."""
    seen: list[tuple[int, int]] = []

    def meanwhile() -> None:
        seen.append((os.getpid(), len(multiprocessing.active_children())))

    with Shares(workers, 0) as shares:
        assert shares.map(abs, [-1, -2, 3, -4], meanwhile) == [1, 2, 3, 4]
    assert seen == [(os.getpid(), 0 if workers == 1 else workers)]


def _frozen(_item: int) -> int:
    return gc.get_freeze_count()


def test_the_shares_processes_never_collect_what_they_were_forked_with() -> None:
    """Their collector leaves alone what this process held when they forked (the modules, the
    book), and this process's collector has it back."""
    before = gc.get_freeze_count()
    with Shares(2, 0) as shares:
        in_processes = shares.map(_frozen, [1, 2, 3, 4])
    assert min(in_processes) > before + 1000
    assert gc.get_freeze_count() == before


@pytest.mark.parametrize(
    ("setting", "expected"), [("1", 1), ("3", 3), ("", None), ("auto", None), (" 2 ", 2)]
)
def test_jobs_setting(monkeypatch: pytest.MonkeyPatch, setting: str, expected: int) -> None:
    monkeypatch.setenv("JOBS", setting)
    assert jobs() == (expected or len(os.sched_getaffinity(0)))


@pytest.mark.parametrize("setting", ["0", "two", "-1", "1.5"])
def test_a_wrong_jobs_setting_is_said_before_any_work(
    monkeypatch: pytest.MonkeyPatch, setting: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("JOBS", setting)
    with pytest.raises(JobsError):
        jobs()
    result = subprocess.run(
        [sys.executable, "-m", "bookbuilder", "--root", str(tmp_path), "check"],
        capture_output=True,
        text=True,
        env={**os.environ, "JOBS": setting},
    )
    assert result.returncode == 2
    assert f"JOBS={setting!r} is not a number of processes" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(("read", "jobs_while_reading"), [(1, 1), (5, 1), (60, 2), (1000, 2)])
def test_a_few_pages_are_read_in_one_process_and_written_in_all(
    read: int, jobs_while_reading: int
) -> None:
    """Sending the environment back costs more than reading one report (sphinx/parallel.py)."""
    build = BuildState()
    app = SimpleNamespace(parallel=2)
    env = SimpleNamespace(found_docs={f"doc{i}" for i in range(1000)})
    parallel.read_few_in_one_process(build, app, env, [f"doc{i}" for i in range(read)])
    assert app.parallel == jobs_while_reading
    parallel.write_in_all_processes(build, app, env)
    assert app.parallel == 2


@pytest.mark.slow  # one build of the small book, in this process
def test_a_build_in_shares_gives_the_collector_back_its_objects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment read in shares is out of the garbage collector's sight until the build
    finishes (``collector.py``), and then is the collector's again: a build in a long-lived
    process (``make serve``) leaves nothing held."""
    from bookbuilder.pipeline import build_editions, prepare

    monkeypatch.setenv("JOBS", "2")
    root = copy_book(SMALL, tmp_path / "book")
    prepared = prepare(root)
    assert prepared.book is not None
    logger = logging.getLogger("sphinx")
    before = list(logger.handlers), logger.level, logger.propagate
    with sphinx_logging_restored():
        built = build_editions(root, prepared.book, ["html"], say=lambda _line: None)
        assert not built.failed
        assert gc.get_freeze_count() == 0
        assert any(h not in before[0] for h in logger.handlers)  # this build's, set up by Sphinx
    # and taken off again: a later test's Sphinx logs to its own streams, once
    assert (list(logger.handlers), logger.level, logger.propagate) == before


def _fails_at_once(chunk: list[str]) -> str:
    if chunk == ["broken"]:
        raise ValueError("a page that cannot be read")
    time.sleep(0.2)
    return chunk[0]


def test_a_process_failing_while_chunks_are_handed_out_stops_the_build() -> None:
    """Sphinx's ``ParallelTasks.add_task`` swallows a process's failure met while it hands out
    the next chunk, and ends the processes still running: their pages would be left out of the
    book without a word. The chunks after the failing one are handed out only once it has
    failed (the pause), as when there are more chunks than processes."""
    from sphinx.errors import SphinxParallelError

    def chunks() -> Iterator[list[str]]:
        yield ["broken"]
        time.sleep(1.0)  # the first process has failed by now
        yield ["a"]
        yield ["b"]

    taken: list[str] = []
    with pytest.raises(SphinxParallelError, match="a page that cannot be read"):
        parallel.in_processes(1, chunks(), _fails_at_once, lambda _c, result: taken.append(result))
    assert taken == []  # the chunks handed out after it were stopped, not taken back


def test_every_chunk_is_taken_back() -> None:
    taken: list[str] = []
    chunks = [["a"], ["b"], ["c"], ["d"]]
    parallel.in_processes(2, chunks, _fails_at_once, lambda _c, result: taken.append(result))
    assert sorted(taken) == ["a", "b", "c", "d"]
