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
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SMALL = FIXTURES / "book-small"
IN_CI = os.environ.get("CI", "").lower() == "true"


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


def copy_book(source: Path, target: Path) -> Path:
    """A book's editable parts (conf.py, chapters/, experiences/) copied into a fresh folder."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "conf.py", target / "conf.py")
    for folder in ("chapters", "experiences"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder, symlinks=True)
    return target


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


def run_book(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The editors' command line, as `make` runs it, on the book in `root`."""
    return subprocess.run(
        [sys.executable, "-m", "bookbuilder", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "V": "", **(env or {})},
    )


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


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_book(SMALL, tmp_path_factory.mktemp("small-book"))


@pytest.fixture(scope="session")
def small_build(small_book: Path) -> Path:
    """The small fixture book's web edition and EPUB (`make html epub`), for reading only."""
    result = run_book(small_book, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    return small_book


@pytest.fixture(scope="session")
def small_all_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture book with all three editions (`make all`), for reading only."""
    require_pdf("pdftotext")
    root = copy_book(SMALL, tmp_path_factory.mktemp("small-all"))
    result = run_book(root, "build", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


# -- test tiers -----------------------------------------------------------------------------------

#: Fixtures that open pages in Chromium: every test that takes one is in the slow tier.
BROWSER_FIXTURES = ("browser", "page")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium is slow (`make test-fast` leaves it out) without saying so
    itself; the other slow tests (EPUBCheck, Ace, stateful, large books) carry the marker."""
    for item in items:
        if set(BROWSER_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
