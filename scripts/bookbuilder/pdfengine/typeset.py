"""Typst's compilation in a process of its own, with a memory limit of its own.

Typst aborts its process when it cannot get memory (SIGABRT, exit 134): run inside the build,
that killed ``make all`` with no message, and the website was never built. Here it runs in a
child process (``python -m bookbuilder.pdfengine.typeset``) whose address space is limited
(``RLIMIT_AS``): whatever Typst does, the build goes on, and learns what happened: the PDF, or
Typst's error with its diagnostic, or that Typst ran out of memory or stopped.

The limit is ``BOOK_PDF_MEMORY_MB`` (mebibytes) when set, else three quarters of the machine's
memory; never more than the limit the build itself runs under. Short of memory, Typst has also
been seen to wait forever (one of its threads gone): the process has a time limit too,
``BOOK_PDF_SECONDS`` when set, else 5 minutes and a minute more per megabyte of markup (a book
of 1,000 reports compiles in under 10 s).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MEMORY_VARIABLE = "BOOK_PDF_MEMORY_MB"
SECONDS_VARIABLE = "BOOK_PDF_SECONDS"
MIB = 1 << 20


@dataclass
class Typeset:
    """What Typst's process did: ``ok``, or Typst's error (``message``, ``hints``,
    ``diagnostic``), or ``stopped`` (why its process ended without saying: out of memory, a
    signal); ``warnings`` either way."""

    ok: bool
    message: str = ""
    hints: list[str] = field(default_factory=list)
    diagnostic: str = ""
    stopped: str = ""
    warnings: list[str] = field(default_factory=list)


def memory_limit() -> int:
    """The bytes Typst's process may use: the setting, or three quarters of the machine's."""
    configured = os.environ.get(MEMORY_VARIABLE, "").strip()
    if configured.isdigit() and int(configured) > 0:
        wanted = int(configured) * MIB
    else:
        wanted = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def time_limit(main: Path) -> int:
    """The seconds Typst may take for ``main``: the setting, or 5 minutes and 1 per MB."""
    configured = os.environ.get(SECONDS_VARIABLE, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return 300 + 60 * main.stat().st_size // MIB


def timestamp() -> int | None:
    """The PDF's date: ``SOURCE_DATE_EPOCH`` when set (a reproducible build), else None (now)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) if epoch and epoch.isdigit() else None


def typeset(main: Path, pdf: Path, timestamp: int | None, limit: int) -> Typeset:
    """Compile ``main`` (its folder is Typst's root: it reads nothing outside) into ``pdf`` in
    a child process limited to ``limit`` bytes of address space and to :func:`time_limit`.
    Raises :class:`Stopped` when :func:`stop_children` stopped it."""
    request = {"input": str(main), "output": str(pdf), "timestamp": timestamp, "limit": limit}
    seconds = time_limit(main)
    try:
        ran = run_child([sys.executable, "-m", __name__, json.dumps(request)], timeout=seconds)
    except subprocess.TimeoutExpired:  # killed: Typst is stuck or far too slow
        return Typeset(
            False,
            stopped=f"Typst did not finish within {seconds:,} s (the setting {SECONDS_VARIABLE} "
            "changes that)",
        )
    except OSError as error:  # no process at all (no memory, no file descriptors left)
        return Typeset(False, stopped=f"Typst's process could not be started ({error})")
    lines = ran.stdout.strip().splitlines()
    if ran.returncode == 0 and lines:
        try:
            return Typeset(**json.loads(lines[-1]))
        except (ValueError, TypeError):
            pass
    return Typeset(False, stopped=_why_stopped(ran.returncode, ran.stderr, limit))


# -- the children, stopped with the build -----------------------------------------------------


class Stopped(Exception):
    """:func:`stop_children` stopped the child process (the build is stopping)."""


_children: set[subprocess.Popen[str]] = set()
_children_lock = threading.Lock()
_stopping = threading.Event()


def run_child(
    argv: Sequence[str], timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(argv, capture_output=True, text=True, timeout=timeout)``, in a process
    that :func:`stop_children` kills from another thread (the PDF typeset beside the next
    edition: ``sphinx/typesetting.py``)."""
    with _children_lock:
        if _stopping.is_set():
            raise Stopped
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _children.add(child)
    try:
        with child:  # as subprocess.run: killed on any exception, a timeout's included
            try:
                stdout, stderr = child.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                raise
            except BaseException:
                child.kill()
                raise
    finally:
        with _children_lock:
            _children.discard(child)
    if _stopping.is_set():
        raise Stopped
    return subprocess.CompletedProcess(list(argv), child.returncode, stdout, stderr)


def stop_children() -> None:
    """Kill every child :func:`run_child` runs, and refuse new ones until
    :func:`allow_children`."""
    with _children_lock:
        _stopping.set()
        for child in _children:
            child.kill()


def allow_children() -> None:
    _stopping.clear()


def _why_stopped(status: int, stderr: str, limit: int) -> str:
    """The reason a process that did not answer ended, for the editor."""
    out_of_memory = any(
        sign in stderr
        for sign in ("memory allocation", "MemoryError", "failed to map segment", "Cannot allocate")
    )
    if status in (-signal.SIGABRT, 128 + signal.SIGABRT, -signal.SIGKILL) or out_of_memory:
        return (
            f"Typst ran out of memory (it may use {limit // MIB:,} MB; the setting "
            f"{MEMORY_VARIABLE} changes that)"
        )
    if status < 0:
        return f"Typst's process was stopped by signal {signal.Signals(-status).name}"
    last = stderr.strip().splitlines()[-1:] or ["no message"]
    return f"Typst's process ended with status {status} ({last[0][:200]})"


def _compile(request: dict) -> Typeset:
    limit = int(request["limit"])
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    import typst

    main = Path(request["input"])
    compiler = typst.Compiler(root=str(main.parent))
    try:
        _result, warnings = compiler.compile_with_warnings(
            input=str(main), output=request["output"], timestamp=request["timestamp"]
        )
    except typst.TypstError as error:
        return Typeset(
            False,
            message=str(error.message),
            hints=[str(h) for h in error.hints or ()],
            diagnostic=str(getattr(error, "diagnostic", "") or ""),
        )
    return Typeset(True, warnings=[str(w.message) for w in warnings])


if __name__ == "__main__":
    outcome = _compile(json.loads(sys.argv[1]))
    print(json.dumps(outcome.__dict__, ensure_ascii=False))
