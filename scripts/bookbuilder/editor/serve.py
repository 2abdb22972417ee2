"""``make serve``: a live preview of the web edition on localhost, kept current as editors work.

One process serves ``_build/preview/html`` (uvicorn and Starlette, with sphinx-autobuild's
script that reloads the browser) and watches ``experiences/``, ``chapters/`` and ``conf.py``
(watchfiles). On a change it builds the book as ``make html`` does: load → validate → curate →
render into ``_build/src`` (only the files whose text changed are rewritten), then Sphinx's html
builder, incrementally, with the same extension, checks and lock-down as every build.

Keeping up: starting Python and importing Sphinx, MyST, the theme and the builder cost more than
a one-line edit's whole rebuild. The server imports them once; each rebuild runs in a process
forked from it (warm modules, nothing to import), so one build can never leave state behind for
the next: the same correctness as ``make html``, in a fraction of its time (docs/performance.md).

When a report or chapter has an error, the rebuild prints it (``file:line: …``, as ``make
check`` does) and builds nothing: the last good book stays served, with a banner at the top of
every page that says what failed (file, line, problem; ``ProblemBanner``), the server keeps
running, and the next save that fixes the error updates the preview and takes the banner away.
Editors' temporary files (``IGNORED``) start no rebuild. Sphinx's warnings name the editor's file
and line, never ``_build/src``. A port that is taken is said before anything else, with the fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import logging
import multiprocessing as mp
import re
import socket
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuilder import editions, pipeline
from bookbuilder.layout import CACHE_DIR, CONF_FILE, PREVIEW_DIR, SOURCE_DIR, SOURCES
from bookbuilder.pipeline import prepare, render_sources
from bookbuilder.summary import format_problems

if TYPE_CHECKING:  # Starlette comes with sphinx-autobuild, loaded when the preview starts
    from starlette.applications import Starlette
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

OUTPUT = PREVIEW_DIR / editions.website().builder  # Sphinx -M: the builder's folder
WATCHED = (*SOURCES, CONF_FILE)
# Editors' temporary and back-up files: saving them is not a change to the book. Hidden files
# (Vim's .x.md.swp, Emacs's .#x.md), back-ups (x.md~, #x.md#), Office's lock files (~$x.docx),
# JetBrains' safe writes (x.md___jb_tmp___), Kate's swap files, *.tmp, *.crswap, and any file
# without a suffix (`sed -i`'s sedDUR5Bg, Vim's 4913 probe): no file of the book is one.
IGNORED = re.compile(
    r"(^|/)(\.[^/]*|[^/]*~|#[^/]*#|~\$[^/]*|[^/]*___jb_(tmp|old)___|[^/.]+)$"
    r"|\.(swp|swx|swo|tmp|crswap|kate-swp|part|partial)$",
    re.IGNORECASE,
)


def say(*lines: str) -> None:
    print(*lines, sep="\n", flush=True)


# -- The port -------------------------------------------------------------------------------------


def port_problem(host: str, port: int) -> str | None:
    """Why the preview cannot listen on ``host:port``, with the fix; None when it can."""
    try:
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            # As uvicorn does: a port left in TIME_WAIT by a preview just stopped is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            taken = "in use by another program (another `make serve`?)"
            if error.errno == errno.EACCES:
                taken = "reserved for the system"
            return (
                f"Port {port} on {host} is {taken}: the preview cannot start there. Stop the "
                f"other program, or use another port: make serve PORT={next_free_port(host, port)}"
            )
        return f"The preview cannot listen on {host}:{port} ({error.strerror or error})."
    return None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def next_free_port(host: str, after: int) -> int:
    for candidate in range(after + 1, min(after + 100, 65536)):
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return free_port(host)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(_family(host)) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


# -- One rebuild ----------------------------------------------------------------------------------


def build_preview(
    root: Path, verbose: bool = False, *, first: bool = False, failures: list[str] | None = None
) -> bool:
    """Check, render and build the web edition into ``_build/preview``; say what happened.

    Returns whether a book is there to serve. With errors, nothing is built and the last good
    book stays; on the first build, with no book yet, the valid reports are built so that there
    is something to show. ``failures`` receives what went wrong (file, line, problem), for the
    banner on the previewed pages; it stays empty when the book was built."""
    failures = [] if failures is None else failures
    started = time.monotonic()
    prepared = prepare(root, cache_dir=root / CACHE_DIR)
    index = root / OUTPUT / "index.html"
    if prepared.problems:
        say(*format_problems(prepared.problems))
    failures += format_problems(prepared.errors)
    if prepared.book is None:
        say("The book's settings cannot be read; the preview shows the last good version.")
        return index.is_file()
    if not prepared.ok:
        files = ", ".join(sorted({p.path for p in prepared.errors}))
        if not (first and not index.is_file()):
            say(
                f"{len(prepared.errors)} error(s) in {files}: the preview shows the last good "
                "version until they are fixed."
            )
            return index.is_file()
        say(f"Errors in {files}: showing the book without these reports.")
    preview = pipeline.build_preview(root, prepared.book, verbose)
    if preview.warnings:
        say(*preview.warnings)
    if not preview.ok:
        say(preview.message, "The preview shows the last good version.")
        failures.append(preview.message)
        return index.is_file()
    changed = len(preview.rendered.written) + len(preview.rendered.removed)
    say(
        f"Updated in {time.monotonic() - started:.1f} s: {len(prepared.book.reports)} report(s), "
        f"{changed} source file(s) changed."
    )
    return True


def render_for_preview(root: Path) -> int:
    """``bookbuilder render --preview``: the check and render steps of a rebuild, alone."""
    prepared = prepare(root, cache_dir=root / CACHE_DIR)
    if prepared.problems:
        say(*format_problems(prepared.problems))
    if prepared.book is None or not prepared.ok:
        say("Nothing rendered: the last good sources stay in _build/src.")
        return 0
    result = render_sources(prepared.book, root / SOURCE_DIR)
    say(f"{len(result.written) + len(result.removed)} file(s) changed in _build/src.")
    return 0


def _rebuild(root: Path, verbose: bool, changed: Sequence[str]) -> tuple[bool, list[str]]:
    """One rebuild (in a forked process): whether it built, and what went wrong."""
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    say("", f"Changed: {shown}; rebuilding…")
    failures: list[str] = []
    try:
        built = build_preview(root, verbose, failures=failures)
    except Exception as error:  # a bug must not stop the preview: say it, keep serving
        problem = f"The rebuild failed ({type(error).__name__}: {error})"
        say(f"{problem}; the last good version stays.")
        return False, [problem]
    return built, failures


# -- The server -----------------------------------------------------------------------------------


class Watcher:
    """Watches the book's sources; rebuilds in a forked process on each change and tells every
    open page to reload (sphinx-autobuild's script, over a websocket)."""

    def __init__(self, root: Path, verbose: bool) -> None:
        self.root = root
        self.verbose = verbose
        self.generation = 0
        self.failures: list[str] = []  # what the last rebuild found wrong: the pages' banner
        self.changed = asyncio.Condition()
        self.stop = asyncio.Event()

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(self.watch())
        yield
        self.stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def watch(self) -> None:
        import watchfiles

        # watchfiles logs each batch of changes ("3 changes detected"); the preview says itself
        # which files changed, once.
        logging.getLogger("watchfiles").setLevel(logging.WARNING)

        paths = [self.root / name for name in WATCHED if (self.root / name).exists()]
        context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        async for changes in watchfiles.awatch(
            *paths, watch_filter=lambda _change, path: not IGNORED.search(path), step=50
        ):
            changed = sorted({_relative(Path(path), self.root) for _change, path in changes})
            with ProcessPoolExecutor(1, mp_context=context) as pool:
                future = pool.submit(_rebuild, self.root, self.verbose, changed)
                built, failures = await asyncio.wrap_future(future)
            if built or failures != self.failures:  # new pages, or a banner come or gone
                self.failures = failures
                async with self.changed:
                    self.generation += 1
                    self.changed.notify_all()

    def _built_after(self, generation: int) -> Callable[[], bool]:
        return lambda: self.generation != generation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.websockets import WebSocket, WebSocketDisconnect

        socket_ = WebSocket(scope, receive, send)
        await socket_.accept()
        seen = self.generation

        async def reloads() -> None:
            nonlocal seen
            while True:
                async with self.changed:
                    await self.changed.wait_for(self._built_after(seen))
                    seen = self.generation
                await socket_.send_text("refresh")

        async def closed() -> None:
            with contextlib.suppress(WebSocketDisconnect):
                async for _ in socket_.iter_text():
                    pass

        tasks = [asyncio.create_task(reloads()), asyncio.create_task(closed())]
        _done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()


BANNER_ID = "bookbuilder-preview-problem"
BANNER_STYLE = (
    "position:sticky;top:0;z-index:10000;margin:0;padding:0.75rem 1rem;background:#8a1c1c;"
    "color:#fff;font:15px/1.45 system-ui,sans-serif;white-space:pre-wrap"
)


def banner_html(failures: Sequence[str]) -> bytes:
    """The banner a previewed page shows while the last rebuild failed: what went wrong (file,
    line, problem, as the terminal says it), and that the page is the last good version."""
    if not failures:
        return b""
    shown = [html.escape(line) for line in failures[:10]]
    if len(failures) > 10:
        shown.append(f"… and {len(failures) - 10} more (see the terminal)")
    text = "\n".join(shown)
    return (
        f'<div id="{BANNER_ID}" role="alert" style="{BANNER_STYLE}"><strong>The last rebuild '
        f"failed: this page is the last good version.</strong>\n{text}</div>\n"
    ).encode()


class ProblemBanner:
    """ASGI middleware: the banner (``banner_html``) at the top of every HTML page served while
    the last rebuild failed; gone once a rebuild succeeds (the pages reload either way)."""

    def __init__(self, app: ASGIApp, watcher: Watcher) -> None:
        self.app = app
        self.watcher = watcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.datastructures import MutableHeaders

        banner = banner_html(self.watcher.failures)
        inject = False

        async def send_with_banner(message: Message) -> None:
            nonlocal inject
            if message["type"] == "http.response.start" and banner:
                headers = MutableHeaders(scope=message)
                inject = headers.get("Content-Type", "").startswith("text/html")
                if inject and "Content-Length" in headers:
                    headers["Content-Length"] = str(int(headers["Content-Length"]) + len(banner))
            elif message["type"] == "http.response.body" and inject:
                body = message.get("body", b"")
                at = _after_body_tag(body)
                if at is not None:
                    message["body"] = body[:at] + banner + body[at:]
                    inject = False
                elif not message.get("more_body", False):
                    message["body"] = body + banner
            await send(message)

        await self.app(scope, receive, send_with_banner)


def _after_body_tag(page: bytes) -> int | None:
    """Where the page's ``<body …>`` tag ends, or None if this part of it has none."""
    start = page.find(b"<body")
    end = page.find(b">", start) if start != -1 else -1
    return end + 1 if end != -1 else None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def serve(root: Path, host: str, port: int, verbose: bool) -> int:
    if port == 0:
        port = free_port(host)
    if problem := port_problem(host, port):
        say(problem)  # before anything else: the editor's next step is to choose another port
        return 1
    try:
        import uvicorn
        from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.routing import Mount, WebSocketRoute
        from starlette.staticfiles import StaticFiles
    except ImportError:
        say("The preview needs sphinx-autobuild: run `make serve` (it installs what it needs).")
        return 1
    say("Building the preview…")
    # In this process: every module a build needs is then loaded, and each rebuild, forked from
    # here, starts warm.
    failures: list[str] = []  # a first build leaves out the reports with errors: said
    if not build_preview(root, verbose, first=True, failures=failures):
        say("Nothing to preview yet: fix the problems above and run `make serve` again.")
        return 1
    watcher = Watcher(root, verbose)
    watcher.failures = failures
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=root / OUTPUT, html=True), name="static"),
        ],
        middleware=[
            Middleware(JavascriptInjectorMiddleware, ws_url=f"{host}:{port}"),
            Middleware(ProblemBanner, watcher=watcher),
        ],
        lifespan=watcher.lifespan,
    )
    say(
        f"Preview on http://{host}:{port}/ — it follows your edits to "
        f"{', '.join(f'{folder}/' for folder in SOURCES)} and {CONF_FILE}. Stop it with Ctrl-C."
    )
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=host, port=port, log_level="warning")
    say("Preview stopped.")
    return 0
