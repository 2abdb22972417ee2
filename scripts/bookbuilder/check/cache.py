"""The validate stage's memory: a report whose inputs did not change is not checked again,
and a front matter whose text did not change is not parsed again.

Checking a report (its front matter, its body with MyST's parser, its images, the privacy lint)
is most of the time an incremental build spends before Sphinx (profiled: 0.5 s of 3.3 s after
one report is added to a book of 1,000). A report's result depends only on what the key holds:
the report as loaded (front matter with its lines, body), the files of its own image folder
(name, size, modification and change time), the book's language, today's date, where the book
is, the builder's own code and the versions of the libraries that judge images (Pillow, Typst).
Any change to one of them is a new key, so the report is checked again.

Parsing the front matters of a book of 1,000 reports took 0.3 s of every build, changed or not
(profiled): :class:`FrontMatterMemory` keeps what the parser made of each text, keyed by the text
itself and the builder's code, so what it returns is exactly what the parser would.

Each cache is a pickle under ``_build/cache/``, written by the builder itself; a cache that cannot
be read (another Python, a half-written file) is ignored and rewritten, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bookbuilder import pdfengine
from bookbuilder.layout import report_images, translation_parts
from bookbuilder.model import Located, Problem, Report, SourceFile

Result = tuple[Report | None, list[Problem]]
CACHE_FILE = "validated.pickle"
FRONT_MATTER_FILE = "front-matter.pickle"
# What a damaged or foreign pickle can raise while it is read.
_UNREADABLE = (
    *(OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError),
    *(TypeError, ValueError, KeyError),
)


@cache
def code_fingerprint() -> str:
    """The builder's own files (code, data, templates, styles): a new version of the checks
    forgets every cached result, and an edition built by another version is not current."""
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(package).as_posix()
            digest.update(relative.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _folder_state(folder: Path) -> list[tuple[str, int, int, int]]:
    """Each file's name, size, modification and change time. The change time too: a file
    rewritten with its old size and its modification time put back (``touch -r``, ``cp -p``
    over it, an archive unpacked) has a new change time, which no program can set."""
    if not folder.is_dir():
        return []
    state = []
    for path in sorted(folder.rglob("*")):
        try:
            info = path.stat()  # follows a symbolic link: its target's changes count
        except OSError:
            info = path.lstat()
        name = path.relative_to(folder).as_posix()
        state.append((name, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return state


@cache
def _decoders() -> tuple[str, ...]:
    """The versions of the libraries that judge image files (Pillow decodes them, the PDF
    engine draws SVG): another version may accept or refuse other files."""
    import PIL

    return (PIL.__version__, pdfengine.version())


def report_key(src: SourceFile, root: Path, book_language: str, today: date) -> str:
    # a translation (<slug>.<language>.md) shows its original's images
    slug = (translation_parts(src.stem) or (src.stem, ""))[0]
    images = _folder_state(root / report_images(slug))
    parts = (
        code_fingerprint(),
        _decoders(),
        str(root),
        book_language,
        today.isoformat(),
        src.relpath,
        repr(src.front_matter),
        src.front_matter_line,
        src.body,
        src.body_line,
        images,
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    """What a pickle file held, as its writer (this module) shaped it, or nothing."""
    try:
        with path.open("rb") as stream:
            data = pickle.load(stream)
    except _UNREADABLE:
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, entries: Mapping[str, object]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as stream:
            pickle.dump(entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:
        pass  # a read-only or full disk: the next run checks everything, as without a cache


def cached_results(
    sources: Sequence[SourceFile],
    keys: Sequence[str],
    cache_dir: Path,
    check: Callable[[list[SourceFile]], list[Result]],
) -> list[Result]:
    """``check`` run on the sources whose key is not in the cache; every result, in order."""
    path = cache_dir / CACHE_FILE
    known: dict[str, tuple[str, Result]] = _read(path)
    results: list[Result | None] = []
    todo: list[int] = []
    for i, (src, key) in enumerate(zip(sources, keys, strict=True)):
        entry = known.get(src.relpath)
        if entry is not None and entry[0] == key:
            results.append(entry[1])
        else:
            results.append(None)
            todo.append(i)
    for i, result in zip(todo, check([sources[i] for i in todo]), strict=True):
        results[i] = result
    final = [r for r in results if r is not None]
    entries = {src.relpath: (key, r) for src, key, r in zip(sources, keys, final, strict=True)}
    if todo or entries.keys() != known.keys():
        _write(path, entries)
    return final


# The front matter's fields (None: it cannot be used) and the problems found while reading it
FrontMatterResult = tuple[dict[str, Located] | None, list[Problem]]
# What the front matter's parser is given: its text, the file, the file line of its first line
FrontMatter = tuple[str, str, int]


class FrontMatterMemory:
    """What the YAML parser made of each front matter text (with its file and first line) in
    the last run; :meth:`save` keeps those of this run only."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / FRONT_MATTER_FILE
        known = _read(self.path)
        # the parser too: another PyYAML (or one without libyaml) may say things differently
        version = [code_fingerprint(), yaml.__version__, yaml.__with_libyaml__]
        self.known = known if known.get("") == version else {}
        # the version under "", and a FrontMatterResult under each text's key
        self.used: dict[str, object] = {"": version}

    def parse_all(
        self,
        parse_all: Callable[[list[FrontMatter]], list[FrontMatterResult]],
        items: Sequence[FrontMatter],
    ) -> list[FrontMatterResult]:
        """Many front matters parsed, the ones not known given to ``parse_all`` in one
        call (which may share them out between processes); the results in the items' order."""
        keys = [_text_key(*item) for item in items]
        results: list[FrontMatterResult | None] = [self.known.get(key) for key in keys]
        todo = [i for i, result in enumerate(results) if result is None]
        for i, result in zip(todo, parse_all([items[i] for i in todo]), strict=True):
            results[i] = result
        final = [result for result in results if result is not None]
        self.used.update(zip(keys, final, strict=True))
        return final

    def save(self) -> None:
        if self.used.keys() != self.known.keys():
            _write(self.path, self.used)


def _text_key(text: str, relpath: str, first_line: int) -> str:
    return hashlib.sha256(
        repr((relpath, first_line, text)).encode("utf-8", "surrogatepass")
    ).hexdigest()
