"""Shared test helpers: real books built in temporary folders; system tools CI must have.

The tests build their own books (``tests/fixtures/``, or written into ``tmp_path``) and never
count on the book that sits in the repository's ``experiences/``, ``chapters/`` and ``conf.py``:
that one is only checked to pass ``check`` and to build (``test_shipped_book.py``), and
``make test-other-book`` runs the suite with another book in its place.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import hashlib
import importlib.util
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bookbuilder.bug import TRACEBACK

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SMALL = FIXTURES / "book-small"
IN_CI = os.environ.get("CI", "").lower() == "true"

# A bug of the builder reaches the editor as one sentence, its trace in _build/bug.log, and exit
# status 70 (bookbuilder/bug.py). The tests keep Python's traceback and exit status 1, in their
# own process (`run_book_here`) and in every command they start (which inherit it): a bug in a
# command under test still fails every test that looks for "Traceback" or for its status. The
# tests of the message itself (tests/test_bug.py) take it off.
os.environ[TRACEBACK] = "1"


def require(available: bool, reason: str) -> None:
    """Skip when something a test needs is missing on a developer's machine; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


# The command that installs each system tool a test may need (README, "Commands").
INSTALLED_BY = {
    "chromium": "make setup-browser",
    "java": "make setup-java",
    "pdftotext": "make setup-pdf",
    "pdftoppm": "make setup-pdf",
    "pdfinfo": "make setup-pdf",
}


def require_tool(*names: str) -> None:
    """A system tool on the PATH (see ``require``); the message names what installs it."""
    missing = [n for n in names if shutil.which(n) is None]
    commands = dict.fromkeys(INSTALLED_BY.get(n, "your system's package manager") for n in missing)
    require(not missing, f"needs {', '.join(missing)} (install with `{'`, `'.join(commands)}`)")


def require_pdf(*tools: str) -> None:
    """What the PDF edition needs (its fonts: ``make setup-pdf``), and the poppler tools a
    test reads the PDF with (see ``require``)."""
    from bookbuilder.pdfengine import missing_fonts

    missing = missing_fonts()
    require(not missing, f"needs the fonts {', '.join(missing)} (install with `make setup-pdf`)")
    require_tool(*tools)


def require_module(name: str) -> None:
    """A Python package of the test extra (see ``require``)."""
    require(
        importlib.util.find_spec(name) is not None,
        f"needs the Python package {name} (`make test` installs it from requirements.lock)",
    )


def report_front(extra: str = "", title: str = "A report under test") -> str:
    """A valid report's front matter (one radiographer, France, accepted), with ``extra`` lines
    before its closing ``---`` (line 9 on), and the blank line the body follows (line 11 on)."""
    return f"""---
title: "{title}"
authors:
  - name: "Ann Example"
    role: radiographer
country: FR
submitted: 2021-08-01
consent: true
{extra}---

"""


def copy_book(source: Path, target: Path, remembered_readings: bool = True) -> Path:
    """A book's editable parts (conf.py, chapters/, experiences/) copied into a fresh folder.

    With ``remembered_readings`` (and a fixture book that has images), the copy comes with
    the OCR's memory of its images (``_build/cache/burned-in.pickle``, see
    ``remembered_readings_file``), as an editor's book has after its first `make check`: the
    burned-in rules run on the remembered lines, the engine does not read the same
    fixture image again (1.8 s of the 3 s a check of the small book takes). A test of the
    reading itself, or of what a first run leaves on disk, passes False."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "conf.py", target / "conf.py")
    for folder in ("chapters", "experiences"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder, symlinks=True)
    memory = REMEMBERED_READINGS.get("file")
    if remembered_readings and memory is not None and fixture_images(source):
        from bookbuilder.check.burnedin import CACHE_FILE
        from bookbuilder.layout import CACHE_DIR

        (target / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy2(memory, target / CACHE_DIR / CACHE_FILE)
    return target


def fixture_images(book: Path) -> list[Path]:
    """The raster images of a book's reports (those the burned-in check reads)."""
    from bookbuilder.check.burnedin import RASTER_SUFFIXES

    images = book / "experiences" / "images"
    return sorted(p for p in images.rglob("*") if p.suffix.lower() in RASTER_SUFFIXES)


def small_book_with(
    target: Path, book: dict[str, str] | None = None, dois: dict[str, str] | None = None
) -> Path:
    """The small fixture book copied into ``target``, with ``book``'s keys added to conf.py's
    ``book`` mapping (after ``basename``, in order) and a ``doi`` for each report in ``dois``
    (by slug)."""
    root = copy_book(SMALL, target)
    conf = root / "conf.py"
    text = conf.read_text("utf-8")
    after = '"basename": "heatwave-2021",'
    assert after in text, f"{after} is no longer in {SMALL}/conf.py"
    added = "".join(f"\n    {json.dumps(k)}: {json.dumps(v)}," for k, v in (book or {}).items())
    conf.write_text(text.replace(after, after + added), "utf-8")
    for slug, doi in (dois or {}).items():
        report = root / "experiences" / f"{slug}.md"
        text = report.read_text("utf-8")
        assert "consent: true\n" in text, report
        text = text.replace("consent: true\n", f"consent: true\ndoi: {doi}\n", 1)
        report.write_text(text, "utf-8")
    return root


#: The commands ``run_book`` runs in a new Python, as `make` does: those that build (Sphinx,
#: Typst, the editions' own processes) or serve. The others (``check``, ``new``, ``import``…)
#: run in the test's process, which saves Python's start and the builder's imports (0.6 s of
#: the 1.1 s a check of the small book takes in a new Python).
NEW_PYTHON_COMMANDS = frozenset({"build", "serve", "render"})


def run_book(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The editors' command line, as `make` runs it, on the book in `root`: what it printed
    (stdout, stderr) and its exit status. A command that builds runs in a new Python
    (``run_book_apart``); any other in this one (``run_book_here``)."""
    command = next((a for a in args if not a.startswith("-")), "")
    run = run_book_apart if command in NEW_PYTHON_COMMANDS else run_book_here
    return run(root, *args, env=env)


def run_book_apart(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The editors' command line in a new Python (``python -m bookbuilder``), as `make` runs it:
    for builds, and for the tests of the process's own boundary (its exit, its environment)."""
    return subprocess.run(
        [sys.executable, "-m", "bookbuilder", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "V": "", **(env or {})},
    )


def run_book_here(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The editors' command line run by ``bookbuilder.cli.main`` in the test's process, as
    ``run_book_apart`` would run it in a new one: the same environment (``env`` added, for the
    command only), no input (stdin empty, not a terminal), everything it prints captured (what
    Python prints, and what libraries write to the file descriptors 1 and 2), and an exception
    that escapes printed as Python prints it (a traceback on stderr, exit status 1)."""
    from bookbuilder import cli

    argv = ["--root", str(root), *args]
    out, err = io.StringIO(), io.StringIO()
    with (
        environment({"V": "", **(env or {})}),
        descriptors_captured() as written,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        stdin_empty(),
        sphinx_logging_restored(),
    ):
        try:
            status = cli.main(argv)
        except SystemExit as stop:  # argparse's usage errors, as a new Python exits on them
            status = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
            if isinstance(stop.code, str):
                print(stop.code, file=sys.stderr)
        except Exception:
            traceback.print_exc()
            status = 1
    stdout, stderr = out.getvalue() + written["1"], err.getvalue() + written["2"]
    return subprocess.CompletedProcess(["bookbuilder", *argv], status, stdout, stderr)


@contextlib.contextmanager
def environment(changes: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``changes`` for the block, then as it was."""
    before = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def sphinx_logging_restored() -> Iterator[None]:
    """Sphinx's logger (``sphinx``, the namespace of all of Sphinx's and the extension's
    loggers) as it was, after a block that built in this process: each Sphinx application
    sets its handlers up (``sphinx.util.logging.setup``: this run's output streams, its
    application held by their filters, the logger made not to propagate) and nothing takes
    them off, so a later test's Sphinx logging went to a stream of this test (capsys's, the
    build's log), or twice."""
    logger = logging.getLogger("sphinx")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    try:
        yield
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


@contextlib.contextmanager
def stdin_empty() -> Iterator[None]:
    """No input for the block (not a terminal), as a command run with its input closed."""
    before = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        yield
    finally:
        sys.stdin = before


@contextlib.contextmanager
def descriptors_captured() -> Iterator[dict[str, str]]:
    """What is written to the file descriptors 1 and 2 in the block (by C libraries, or
    subprocesses that inherit them), filled in ("1", "2") when the block ends."""
    written = {"1": "", "2": ""}
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.ExitStack() as stack:
        files = {fd: stack.enter_context(tempfile.TemporaryFile()) for fd in (1, 2)}
        saved = {fd: os.dup(fd) for fd in files}
        for fd, file in files.items():
            os.dup2(file.fileno(), fd)
        try:
            yield written
        finally:
            for fd, file in files.items():
                os.dup2(saved[fd], fd)
                os.close(saved[fd])
                file.seek(0)
                written[str(fd)] = file.read().decode("utf-8", "replace")


@contextlib.contextmanager
def one_process_at_a_time(lock: Path) -> Iterator[None]:
    """Holds an exclusive lock on the file ``lock`` (made if missing): `make test-fast` runs the
    tests in several processes (pytest-xdist), and what they share outside their own temporary
    folders (pytest's cache) is written by one of them at a time."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def made_once_per_run(
    factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """The folder ``name``, made by ``make(folder)`` once for the whole test run: under
    `make test-fast` (pytest-xdist) in the folder the run's processes share (pytest's
    ``pytest-N/``, above each process's own ``popen-gwK/``), by whichever process asks first
    while the others wait for it; in one process, in its own temporary folder. A folder left
    half made by a failed ``make`` is made again by the next to ask."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / f"once-{name}"
    made = base / f"once-{name}.made"
    with one_process_at_a_time(base / f"once-{name}.lock"):
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            made.write_text(tree_digest(folder), "utf-8")
    return folder


def assert_unchanged(folder: Path) -> None:
    """A folder made by ``made_once_per_run`` is read by every process: no test may change
    it (such a test works on a copy). Said by the file whose tests changed it."""
    made = folder.parent / f"{folder.name}.made"
    if tree_digest(folder) != made.read_text("utf-8"):
        pytest.fail(f"{folder} is shared by every test of the run but was changed by one here")


def tree_digest(*folders: Path) -> str:
    """One digest of every file's name and bytes under ``folders`` (symbolic links as links)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix().encode()
            if path.is_symlink():
                digest.update(name + b" -> " + os.readlink(path).encode())
            elif path.is_file():
                digest.update(name + b"\0" + path.read_bytes())
    return digest.hexdigest()


#: The file of OCR readings that ``copy_book`` puts into a fixture book's copy (set by the
#: session fixture below, before the first test).
REMEMBERED_READINGS: dict[str, Path] = {}


@pytest.fixture(scope="session", autouse=True)
def remembered_readings_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The OCR's readings of every image of the fixture books, read once per test run (by
    the burned-in check's own reader, in a process of its own: the engine takes ~1 GB), for
    ``copy_book``. An image the engine cannot read here (no OCR libraries) is left out, and
    read (or refused) by each test's own check as before."""
    from bookbuilder.check.burnedin import CACHE_FILE

    def read(folder: Path) -> None:
        images = [str(p) for book in FIXTURES.glob("book-*") for p in fixture_images(book)]
        script = (
            "import sys; from pathlib import Path; from bookbuilder.check import burnedin\n"
            "memory = burnedin.ReadingMemory(Path(sys.argv[1]))\n"
            "burnedin.read_all([Path(p) for p in sys.argv[2:]], memory)\n"
            "memory.save()\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script, str(folder), *images], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr

    memory = made_once_per_run(tmp_path_factory, "ocr-readings", read) / CACHE_FILE
    if memory.is_file():
        REMEMBERED_READINGS["file"] = memory
    return memory


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    """A fresh copy of the small fixture book, not built, the test's own."""
    return copy_book(SMALL, tmp_path / "small-book")


def build_small(editions: tuple[str, ...]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        copy_book(SMALL, folder)
        result = run_book(folder, "build", *editions)
        assert result.returncode == 0, result.stdout + result.stderr

    return make


@pytest.fixture(scope="session")
def small_build_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_once_per_run(tmp_path_factory, "small-build", build_small(("html", "epub")))


@pytest.fixture(scope="module")
def small_build(small_build_once: Path) -> Iterator[Path]:
    """The small fixture book's web edition and EPUB (`make html epub`), built once per test
    run and shared by every process: for reading only (checked at the end of each file)."""
    yield small_build_once
    assert_unchanged(small_build_once)


@pytest.fixture(scope="session")
def small_all_build_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_pdf("pdftotext")
    return made_once_per_run(tmp_path_factory, "small-all", build_small(("all",)))


@pytest.fixture(scope="module")
def small_all_build(small_all_build_once: Path) -> Iterator[Path]:
    """The small fixture book with all three editions (`make all`), built once per test run
    and shared by every process: for reading only (checked at the end of each file)."""
    yield small_all_build_once
    assert_unchanged(small_all_build_once)


# -- test tiers -----------------------------------------------------------------------------------

#: Fixtures that open pages in Chromium: every test that takes one is in the slow tier.
BROWSER_FIXTURES = ("browser", "page")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium is slow (`make test-fast` leaves it out) without saying so
    itself; the other slow tests (EPUBCheck, Ace, stateful, large books) carry the marker."""
    for item in items:
        if set(BROWSER_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    tell_the_groups(items)


# -- make test-fast's processes -------------------------------------------------------------------
# `--dist loadgroup` (pytest-xdist): the tests of a file that share a book built for the file (a
# module- or class-scoped fixture) are one group, run by one process, so the book is built once;
# every other test goes to whichever process is free, one by one, so a file of many independent
# tests (test_security.py's checks of hostile reports) is shared out. pytest-xdist's own
# `xdist_group` marker cannot do this: it renames the test (`item._nodeid`), which pytest 9
# no longer reads. So each process writes the groups it collected to a file named in the
# environment, and the scheduler below (in the controlling process) reads them.
GROUPS_FILE = "BOOKBUILDER_TEST_GROUPS"


def pytest_configure(config: pytest.Config) -> None:
    if is_loadgroup(config) and not os.environ.get("PYTEST_XDIST_WORKER"):
        handle, name = tempfile.mkstemp(prefix="bookbuilder-test-groups-", suffix=".json")
        os.close(handle)
        os.environ[GROUPS_FILE] = name  # the processes pytest-xdist starts inherit it


def pytest_unconfigure(config: pytest.Config) -> None:
    if is_loadgroup(config) and not os.environ.get("PYTEST_XDIST_WORKER"):
        Path(os.environ.pop(GROUPS_FILE)).unlink(missing_ok=True)


def is_loadgroup(config: pytest.Config) -> bool:
    return config.getoption("dist", "no") == "loadgroup" and bool(config.getoption("numprocesses"))


def tell_the_groups(items: list[pytest.Item]) -> None:
    """In a process of `make test-fast`: which tests go together (test id → its file)."""
    worker, name = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get(GROUPS_FILE)
    if not worker or not name:
        return
    groups = {i.nodeid: i.nodeid.split("::")[0] for i in items if shares_a_file_fixture(i)}
    partial = Path(f"{name}.{worker}")
    partial.write_text(json.dumps(groups), "utf-8")
    os.replace(partial, name)  # every process collects the same tests: the last one stays


def shares_a_file_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        definitions[-1].scope in ("module", "class", "package")
        for definitions in info.name2fixturedefs.values()
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if not is_loadgroup(config):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedBooksTogether(LoadScopeScheduling):
        """Scheduled once every process has collected (and written the groups)."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                self.groups = json.loads(Path(os.environ[GROUPS_FILE]).read_text("utf-8"))
            return self.groups.get(nodeid, nodeid)

    return SharedBooksTogether(config, log)


# -- golden files ---------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--refresh-golden",
        action="store_true",
        help="rewrite the golden files in tests/golden/ from what the code makes now "
        "(`make golden`; review the change with `git diff tests/golden`)",
    )


def compare_golden(name: str, text: str, refresh: bool = False, folder: Path = GOLDEN) -> None:
    """``text`` must equal the golden file ``folder/name``; with ``refresh`` it is written."""
    path = folder / name
    if refresh:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return
    hint = "if the change is meant, run `make golden` and review `git diff tests/golden`"
    if not path.is_file():
        pytest.fail(f"tests/golden/{name} does not exist; {hint}")
    expected = path.read_text("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            f"tests/golden/{name}",
            "made now",
        )
        pytest.fail(f"tests/golden/{name} differs ({hint}):\n{''.join(diff)}")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, text)``: see ``compare_golden``; ``--refresh-golden`` rewrites."""
    refresh = request.config.getoption("--refresh-golden")
    return lambda name, text: compare_golden(name, text, refresh)


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium, driven by Playwright (no browser download)."""
    require_tool("chromium")
    require_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def xfail_where(rows: list[tuple[Any, ...]], failing: set[str], reason: str) -> list[Any]:
    """``rows`` as pytest parameters named by their first value; those named in ``failing``
    are expected to fail (strictly: the test says when the cause is gone)."""
    return [
        pytest.param(
            *row,
            marks=pytest.mark.xfail(strict=True, reason=reason) if row[0] in failing else (),
            id=row[0],
        )
        for row in rows
    ]


def a_record(authors: tuple, title: str = "X") -> Any:
    """A published report's ``ReportRecord`` with plain values but for its ``authors`` and
    ``title``: for tests of what is made from a record (citations, index entries)."""
    from datetime import date

    from bookbuilder.model import Place, ReportRecord

    return ReportRecord(
        slug="x",
        title=title,
        authors=authors,
        place=Place("FR", "France", "Europe"),
        submitted=date(2020, 11, 19),
        submitted_display="19 November 2020",
        language="en",
        book_language="en",
        chapter="c",
        chapter_title="C",
    )
