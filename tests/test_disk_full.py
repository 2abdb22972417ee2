"""A build that runs out of disk says so: the folder being written, the space free and needed,
exit 1, no traceback, the editors' files untouched; the next build, with space, succeeds.

Two ways to fill the disk: a small tmpfs mounted on the book's `_build/` (a real full disk,
where the machine lets us mount one), and a build whose `open` fails with ENOSPC for one folder
(always runs)."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookbuilder import diskspace
from conftest import FIXTURES, copy_book, run_book, tree_digest


def editors_files(root: Path) -> str:
    return tree_digest(root / "experiences", root / "chapters") + (root / "conf.py").read_text()


def assert_said_disk_full(result: subprocess.CompletedProcess[str], folder: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    # the folder, or the one inside it being written (`_build/src/_cover`)
    assert re.search(rf"the disk is full while writing {folder}(/[\w/.-]*)?; ", result.stdout), (
        output
    )
    assert " MB free, about " in result.stdout and " MB needed" in result.stdout, output
    assert "Traceback" not in output and "Exception occurred" not in output, output


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The small book, and its `_build/` folder, ready for a tmpfs."""
    # no remembered readings: _build/ must be empty, a tmpfs goes over it
    root = copy_book(FIXTURES / "book-small", tmp_path / "book", remembered_readings=False)
    build = root / "_build"
    build.mkdir()
    yield root, build
    if os.path.ismount(build):
        subprocess.run(["umount", "-l", str(build)], check=False)


def mount_tmpfs(folder: Path, size: str) -> None:
    if os.path.ismount(folder):
        subprocess.run(["umount", str(folder)], check=True)
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("no `mount` command to make a small disk (the injected test still runs)")
    if mounted.returncode != 0:
        pytest.skip(
            "cannot mount a small tmpfs here (it needs root, or CAP_SYS_ADMIN in a container): "
            f"{mounted.stderr.strip()}; the injected test still runs"
        )


# Each size runs out in another stage: the sources, the images, the website's pages (the small
# book writes about 140 kB of sources, 250 kB of images, then its charts, 180 kB, into the sources
# once Sphinx has started, then 2.3 MB before the website's 7.7 MB).
@pytest.mark.parametrize(
    ("size", "folder"), [("100k", "_build/src"), ("300k", "_build/images"), ("4m", "_build/html")]
)
def test_a_full_tmpfs_is_said_as_such(small_disk: tuple[Path, Path], size: str, folder: str):
    root, build = small_disk
    before = editors_files(root)
    mount_tmpfs(build, size)
    result = run_book(root, "build", "html", "epub", "pdf")
    assert_said_disk_full(result, folder)
    assert editors_files(root) == before
    # With space again (the tmpfs gone: the real disk), the next build goes on and succeeds.
    subprocess.run(["umount", str(build)], check=True)
    again = run_book(root, "build", "html")
    assert again.returncode == 0, again.stdout + again.stderr


DRIVER = textwrap.dedent(
    """\
    import builtins, errno, io, os, sys

    FULL = os.path.join(sys.argv[1], "")
    real_open = builtins.open

    def full_open(file, mode="r", *args, **kwargs):
        path = os.fspath(file) if isinstance(file, (str, bytes, os.PathLike)) else ""
        if isinstance(path, str) and path.startswith(FULL) and set(mode) & set("wax+"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return real_open(file, mode, *args, **kwargs)

    builtins.open = io.open = full_open
    from bookbuilder.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


@pytest.mark.parametrize("folder", ["_build/html", "_build/src"])
def test_an_injected_full_disk_is_said_as_such(tmp_path: Path, folder: str) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    before = editors_files(root)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    result = subprocess.run(
        [sys.executable, str(driver), str(root / folder), "--root", str(root), "build", "html"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert_said_disk_full(result, folder)
    assert editors_files(root) == before


def test_the_message_names_a_quota_and_the_space_needed(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book", remembered_readings=False)
    error = OSError(errno.EDQUOT, os.strerror(errno.EDQUOT), str(root / "_build" / "x.html"))
    said = diskspace.message(error, root, root / "_build")
    assert said.startswith("Stopped: the quota is full while writing _build; ")
    # No build yet: the estimate from the sources (the web theme alone is about 10 MB).
    assert "about 10 MB needed" in said
    (root / "_build").mkdir()
    (root / "_build" / "big").write_bytes(b"\0" * 30_000_000)  # the last build's size wins
    assert "about 30 MB needed" in diskspace.message(error, root, root / "_build")
