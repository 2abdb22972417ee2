"""Shared test helpers: real books built in temporary folders; system tools CI must have."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip when something a test needs is missing on a developer's machine; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


def require_tool(*names: str) -> None:
    """A system tool on the PATH (see ``require``)."""
    missing = [n for n in names if shutil.which(n) is None]
    require(
        not missing, f"needs {', '.join(missing)} (install with `make setup-pdf` / see .ci/run)"
    )


def require_module(name: str) -> None:
    """A Python package of the test extra (see ``require``)."""
    require(importlib.util.find_spec(name) is not None, f"needs the Python package {name}")


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


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_book(ROOT, tmp_path_factory.mktemp("sample-book"))


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("small-book"))
