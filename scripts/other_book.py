"""The test suite with another book in the repository's place (``make test-other-book``).

The README promises that next year's book is this repository with other files in
``experiences/`` and ``chapters/`` and another ``book`` mapping in ``conf.py``; the tests must
pass whatever book sits there. This script proves it: it clones the repository (its committed
``HEAD``) into a temporary folder, replaces the book there with a generated one (the benchmark's
deterministic reports and chapters, ``scripts/benchmark.py``, under a ``book`` mapping that shares
no value with the sample's), and runs the test suite in the clone with this checkout's virtual
environment, importing the clone's code. This checkout is never touched.

    .venv/bin/python scripts/other_book.py                 # the whole suite
    .venv/bin/python scripts/other_book.py -- -x tests/test_build.py   # pytest's own arguments
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
REPORTS = 30  # enough for every chapter rule of the generated book, quick to build

# Every value differs from the sample book's conf.py: another title, editors, language, year,
# licence and file name, an ISBN and a cover image, so a test that counts on the sample's shows.
CONF = '''"""Another book in the repository's place (scripts/other_book.py): all of it generated."""

from bookbuilder.sphinx.settings import sphinx_settings

book = {
    "title": "Imaging Departments After the Flood",
    "subtitle": "A generated book that stands in for the sample one",
    "editors": ["Ada Editor", "Ben Redakteur"],
    "publisher": "The other-book check",
    "year": 2031,
    "edition": "Second edition",
    "language": "de",
    "licence": "CC BY 4.0",
    "isbn": "978-0-306-40615-7",
    "cover": "art/cover.png",
    "description": "Generated reports that replace the sample book for one test run.",
    "basename": "after-the-flood",
}

globals().update(sphinx_settings(book))
'''


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(argv, cwd=cwd, env=env, check=True)


def clone(target: Path) -> Path:
    """The repository's committed HEAD in ``target``, with this checkout's DAISY Ace."""
    run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)], cwd=REPO)
    ace = REPO / "tools" / "ace" / "node_modules"
    if ace.is_dir():
        (target / "tools" / "ace" / "node_modules").symlink_to(ace.resolve())
    return target


def swap_book(root: Path, reports: int) -> None:
    """Another book's sources and ``book`` mapping in ``root`` (the clone's generator)."""
    sys.path.insert(0, str(root / "scripts"))
    import benchmark

    benchmark.write_book(root, reports)
    # a draft and a withdrawn report: the book's left-out ones are its own too
    for i, status in ((reports, "draft"), (reports + 1, "withdrawn")):
        slug = benchmark.add_report(root, i)
        path = root / "experiences" / f"{slug}.md"
        text = path.read_text("utf-8")
        path.write_text(
            text.replace("consent: true\n", f"consent: true\nstatus: {status}\n"), "utf-8"
        )
    (root / "conf.py").write_text(CONF, "utf-8")
    (root / "art").mkdir()
    Image.new("RGB", (600, 900), (20, 70, 110)).save(root / "art" / "cover.png")


def check_swapped(root: Path, env: dict[str, str]) -> None:
    """The clone holds another book, valid, and its code is what the tests will import."""
    sample = {p.name for p in (REPO / "experiences").glob("*.md")}
    other = {p.name for p in (root / "experiences").glob("*.md")}
    if not other or sample & other:
        sys.exit(f"the swap failed: reports shared with the sample book: {sorted(sample & other)}")
    found = subprocess.run(
        [sys.executable, "-c", "import bookbuilder; print(bookbuilder.__file__)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(root.resolve()):
        sys.exit(f"the tests would import {found}, not the clone's code")
    run([sys.executable, "-m", "bookbuilder", "check"], cwd=root, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=REPORTS, help="(default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the clone and say where")
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest's own arguments")
    args = parser.parse_args(argv)
    if subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip():
        print("Note: uncommitted changes are not in the clone; the check runs the last commit.")
    base = Path(tempfile.mkdtemp(prefix="other-book-"))
    try:
        root = clone(base / "repo")
        swap_book(root, args.reports)
        env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "V": ""}
        check_swapped(root, env)
        print(f"Another book in the repository's place ({root}); running the tests.", flush=True)
        return subprocess.run(
            [sys.executable, "-m", "pytest", *args.pytest_args], cwd=root, env=env, check=False
        ).returncode
    finally:
        if args.keep:
            print(f"The clone is kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
