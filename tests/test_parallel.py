"""``JOBS``: a book built in two processes is the book built in one, file for file.

Sphinx reads and writes the pages in ``JOBS`` processes (``bookbuilder.jobs``, ``-j``), and
``make check`` shares the reports out between as many: what each process learns must come
back to the main one (``extension._parallel_safety``). The same book is built here with
``JOBS=1`` and ``JOBS=2`` and every file of the website and the EPUB compared byte for byte,
the PDF by its text, the command's own output line for line.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from bookbuilder.check import validate
from bookbuilder.jobs import JobsError, jobs
from bookbuilder.sphinx import parallel
from bookbuilder.sphinx.state import BuildState
from conftest import SMALL, copy_book, require_pdf, run_book

EPOCH = "1609459200"  # 2021-01-01: the EPUB's dates and zip times the same in both builds
# copies of a report under other names: enough pages that each process reads and writes several
COPIES = 9


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


def build(root: Path, jobs_setting: str, *editions: str) -> str:
    result = run_book(
        root,
        "build",
        *editions,
        # every page's sidebar compared with the theme's own (sphinx/navigation.py)
        env={"JOBS": jobs_setting, "SOURCE_DATE_EPOCH": EPOCH, "BOOKBUILDER_CHECK_NAV": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


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
    assert said[serial] == said[parallel]
    for edition in ("html", "epub"):
        one, two = files(serial / "_build" / edition), files(parallel / "_build" / edition)
        assert sorted(one) == sorted(two), edition
        differ = [name for name in one if one[name] != two[name]]
        assert not differ, f"{edition}: {differ}"
    # pictures in the website: copied into _images/ although the pages are written elsewhere
    assert any(n.startswith("_images/") for n in files(parallel / "_build" / "html"))
    pdf = "_build/pdf/heatwave-2021.pdf"
    assert pdf_text(serial / pdf) == pdf_text(parallel / pdf)


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
