"""The book in the repository (conf.py, chapters/, experiences/) passes `make check` and builds.

Whatever book sits there: nothing here knows its content (next year's book is this repository
with other files, `make test-other-book`). What the builder does with a book is tested on the
fixture books; this only says that the shipped one is publishable as it stands.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookbuilder.check.conf import read_book_settings
from conftest import ROOT, require_pdf, run_book, tree_digest

# The repository's own parts that are not the book (and never what conf.py points at).
NOT_THE_BOOK = (".git", ".venv*", "_build", "node_modules", "tests", ".*_cache", ".hypothesis")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's book, with whatever else conf.py may name (a cover image)."""
    target = tmp_path_factory.mktemp("shipped") / "book"
    shutil.copytree(ROOT, target, symlinks=True, ignore=shutil.ignore_patterns(*NOT_THE_BOOK))
    return target


def test_the_shipped_book_passes_check(shipped: Path) -> None:
    result = run_book(shipped, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_the_shipped_book_builds_every_edition(shipped: Path) -> None:
    meta, problems = read_book_settings(shipped)
    assert meta is not None, [str(p) for p in problems]
    before = tree_digest(shipped / "experiences", shipped / "chapters")
    result = run_book(shipped, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    build = shipped / "_build"
    assert (build / "html" / "index.html").is_file()
    assert (build / "epub" / f"{meta.basename}.epub").is_file()
    require_pdf()
    result = run_book(shipped, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (build / "pdf" / f"{meta.basename}.pdf").is_file()
    assert tree_digest(shipped / "experiences", shipped / "chapters") == before
