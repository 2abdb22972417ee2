"""``make serve``: a live preview of the web edition on localhost, kept current as editors work.

sphinx-autobuild serves ``_build/preview/`` and reloads the browser after each build. It watches
``experiences/``, ``chapters/`` and ``conf.py``; on a change it first runs ``bookbuilder render
--preview`` (load → validate → curate → render into ``_build/src``, which rewrites only the
files whose text changed), then Sphinx's html builder on ``_build/src``. ``_build/src`` itself is
not watched: the render step is the only thing that writes there, just before the build.

When a report or chapter has an error, the render step prints it (``file:line: …``, as ``make
check`` does) and leaves ``_build/src`` as it was: the last good book stays served, the server
keeps running, and the next save that fixes the error updates the preview.

Sphinx rewrites only the pages whose sources changed; pages that show the set of reports
(navigation, chapter listings, previous/next links) are kept current by
:func:`bookbuilder.sphinx.extension.rewrite_pages_whose_structure_changed`.
"""

from __future__ import annotations

import contextlib
import shlex
import socket
import sys
from pathlib import Path

from bookbuilder.pipeline import BUILD_DIR, CACHE_DIR, SOURCE_DIR, prepare, render_sources
from bookbuilder.summary import format_problems

OUTPUT = BUILD_DIR / "preview"
DOCTREES = BUILD_DIR / "preview-doctrees"
WATCHED = ("experiences", "chapters", "conf.py")
# Editors' temporary and back-up files: saving them is not a change to the book.
IGNORED = r"(/\.[^/]*$|~$|\.swp$|\.swx$|\.tmp$|/#[^/]*#$|/4913$)"


def render_for_preview(root: Path, *, first: bool = False) -> int:
    """The pre-build step: render the book if it is valid; otherwise say why and keep the last.

    Returns 0 either way (a failing pre-build step would make sphinx-autobuild print a Python
    traceback; the editor's mistake is not the program's). On the first run, with no book
    rendered yet, the valid reports are rendered so that there is something to show.
    """
    prepared = prepare(root, cache_dir=root / CACHE_DIR)
    srcdir = root / SOURCE_DIR
    if prepared.problems:
        print(*format_problems(prepared.problems), sep="\n", flush=True)
    if prepared.book is None:
        print("The book's settings cannot be read; the preview shows the last good version.")
        return 0
    if not prepared.ok:
        files = sorted({p.path for p in prepared.errors})
        if first and not (srcdir / "index.md").is_file():
            print(f"Errors in {', '.join(files)}: showing the book without these reports.")
        else:
            print(
                f"{len(prepared.errors)} error(s) in {', '.join(files)}: the preview shows the "
                "last good version until they are fixed.",
                flush=True,
            )
            return 0
    result = render_sources(prepared.book, srcdir)
    changed = len(result.written) + len(result.removed)
    reports = len(prepared.book.reports)
    print(f"Rendered {reports} report(s); {changed} file(s) changed.", flush=True)
    return 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def autobuild_arguments(root: Path, host: str, port: int, verbose: bool) -> list[str]:
    """sphinx-autobuild's command line for this book."""
    render = shlex.join(
        [sys.executable, "-m", "bookbuilder", "--root", str(root), "render", "--preview"]
    )
    args = [
        str(root / SOURCE_DIR),
        str(root / OUTPUT),
        "-b",
        "html",
        "-c",
        str(root),
        "-d",
        str(root / DOCTREES),
        "--host",
        host,
        "--port",
        str(port),
        "--pre-build",
        render,
        "--ignore",
        str(root / SOURCE_DIR),
        "--re-ignore",
        IGNORED,
    ]
    for name in WATCHED:
        if (root / name).exists():
            args += ["--watch", str(root / name)]
    if not verbose:
        args.append("-q")
    return args


def serve(root: Path, host: str, port: int, verbose: bool) -> int:
    try:
        from sphinx_autobuild.__main__ import main as autobuild
    except ImportError:
        print(
            "The preview needs sphinx-autobuild: run `make serve` (it installs what the book "
            "needs), or `.venv/bin/pip install -e .`"
        )
        return 1
    if port == 0:
        port = free_port(host)
    render_for_preview(root, first=True)
    if not (root / SOURCE_DIR / "index.md").is_file():
        print("Nothing to preview yet: fix the problems above and run `make serve` again.")
        return 1
    print(
        f"Preview on http://{host}:{port}/ — it follows your edits to experiences/, chapters/ "
        "and conf.py. Stop it with Ctrl-C.",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        autobuild(autobuild_arguments(root, host, port, verbose))
    print("Preview stopped.")
    return 0
