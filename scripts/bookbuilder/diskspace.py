"""A full disk, said as such: the folder being written, the space free and the space a build
needs, instead of the traceback of whichever writer met it first.

Every write of a build goes under ``_build/`` (render, the images, Sphinx's builders, Typst), so
a full disk (``ENOSPC``) or a full quota (``EDQUOT``) never touches the editors' files; the next
build, with space, starts where this one stopped. Our own writers let the ``OSError`` rise to the
command line (``cli.main``), which says it. Sphinx catches every exception of a build itself and
prints it, so :func:`from_sphinx_output` reads what it printed: the system's name for the error
("No space left on device", "Disk quota exceeded") and the path it names, if any.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bookbuilder.layout import SOURCES

DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
MB = 1000 * 1000
# What a build writes beyond its sources' size (the web theme's files, the doctrees, the PDF's
# fonts), and how many times the sources it holds: the small fixture book (22 KB of sources)
# builds to 9.4 MB, most of it the theme; images are copied for each edition and the masters.
BUILD_OVERHEAD = 10 * MB
SOURCE_COPIES = 5
# How the system names the errors, whichever way Sphinx prints them ("[Errno 28] No space left
# on device: '<path>'", "OSError(28, 'No space left on device')") or Typst ("(os error 28)").
_SAID = re.compile(
    "(?:"
    + "|".join(f"(?P<e{code}>{re.escape(os.strerror(code))})" for code in sorted(DISK_FULL))
    + r")(?:: '(?P<path>[^'\n]+)')?"
)


class DiskFull(OSError):
    """The disk (or the quota) is full while writing ``folder``."""

    def __init__(self, code: int, folder: Path) -> None:
        super().__init__(code, os.strerror(code), str(folder))
        self.folder = folder


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """A disk-full error raised inside said as a ``DiskFull`` (:func:`raise_if_full`): naming
    the folder of the file it names, or ``folder`` (a write's own error names none)."""
    try:
        yield
    except OSError as error:
        raise_if_full(error, folder)
        raise


def raise_if_full(error: BaseException, folder: Path) -> None:
    """Raise ``error`` as a ``DiskFull`` if the disk or the quota is full: while writing the
    folder of the file it names, or else ``folder``. The one conversion of a writer's error,
    wherever it was met (``writing``, the PDF typeset beside the next edition)."""
    if isinstance(error, DiskFull):
        raise error
    if isinstance(error, OSError) and error.errno in DISK_FULL:
        named = _named_folder(error.filename) if error.filename else folder
        raise DiskFull(error.errno, named) from error


def from_sphinx_output(output: str, edition_dir: Path) -> DiskFull | None:
    """The disk-full error Sphinx printed in ``output`` (its log of a failed build), if any,
    at the path it names or else at the edition's folder."""
    match = _SAID.search(output)
    if match is None:
        return None
    code = next(c for c in sorted(DISK_FULL) if match.group(f"e{c}"))
    path = Path(match.group("path")) if match.group("path") else None
    return DiskFull(code, _named_folder(path) if path is not None else edition_dir)


def message(error: OSError, root: Path, build_dir: Path) -> str:
    """What an editor reads: where, how much is free, about how much a build needs."""
    folder = _folder_of(error, build_dir)
    try:
        shown = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = str(folder)
    what = "the quota is full" if error.errno == errno.EDQUOT else "the disk is full"
    return (
        f"Stopped: {what} while writing {shown}; {_mb(_free(folder))} free, about "
        f"{_mb(needed(root, build_dir))} needed for a build of this book. Free some "
        "space and run the command again: the reports, chapters and conf.py were not changed, "
        "and the next build goes on from what this one wrote."
    )


def needed(root: Path, build_dir: Path) -> int:
    """About how many bytes a whole build takes: what the last build left in ``build_dir``, or
    an estimate from the sources' size when that is more (a first build, a grown book)."""
    sources = sum(_size(root / folder) for folder in SOURCES)
    return max(_size(build_dir), BUILD_OVERHEAD + SOURCE_COPIES * sources)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size / MB:.0f} MB"


def _folder_of(error: OSError, build_dir: Path) -> Path:
    if isinstance(error, DiskFull):
        return error.folder
    if error.filename:
        return _named_folder(error.filename)
    return build_dir


def _named_folder(filename: str | bytes | os.PathLike[str]) -> Path:
    """The folder an error's file is in (the folder itself, when it names one)."""
    path = Path(os.fsdecode(filename))
    return path if path.is_dir() else path.parent


def _free(folder: Path) -> int:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return shutil.disk_usage(candidate).free
    return 0


def _size(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:  # removed while we count: it takes no space
                continue
    return total
