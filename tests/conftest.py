"""Shared test helpers: real books built in temporary folders; system tools CI must have."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(*names: str) -> None:
    """Skip when a system tool is missing on a developer's machine; fail under CI."""
    missing = [n for n in names if shutil.which(n) is None]
    if not missing:
        return
    reason = f"needs {', '.join(missing)} (install with `make setup-pdf` / see .ci/run)"
    if IN_CI:
        pytest.fail(f"CI must have these tools: {reason}")
    pytest.skip(reason)


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
