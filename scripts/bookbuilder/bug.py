"""A bug of the builder, said as one: what stopped, that the book is not at fault, the
exception's type, and the file that holds its full trace, for the editor to send.

An editor never reads a Python traceback. An exception no stage expected (a bug: the book's
problems are messages naming a file and a line) ends the command with :func:`said`'s sentence
and :data:`EX_SOFTWARE`; its trace, with the versions and the command line, goes to
:data:`BUG_LOG` under ``_build/`` (:func:`reported`). An edition whose build a bug ended says
the same sentence, its trace added to that edition's log (``sphinx/build.py``, ``bug_said``).
Ctrl-C ends with :func:`stopped` and :data:`EX_INTERRUPTED`. ``BOOKBUILDER_TRACEBACK=1`` (the
developers' switch, which the tests set) lets the exception through, as Python prints it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from bookbuilder.layout import BUILD_DIR

#: The exit status of a bug (``EX_SOFTWARE`` of BSD's sysexits.h): a book's problems end with
#: 1, a wrong ``JOBS`` with 2, Ctrl-C with 130 (the shell's 128 + SIGINT).
EX_SOFTWARE = 70
EX_INTERRUPTED = 130
#: The file under ``_build/`` that holds the last bug's trace (each bug writes it anew)
BUG_LOG = "bug.log"
#: The developers' switch: set (not "" or "0"), an unexpected exception is not caught
TRACEBACK = "BOOKBUILDER_TRACEBACK"

# A traceback's header, and the line that names its exception: the first after the header
# that is not indented more than it (the frames are), its class without its module, a message
_HEADER = "Traceback (most recent call last):"
_EXCEPTION = re.compile(r"(?:\w+\.)*(\w+)(?::|$)")
_DISTRIBUTIONS = ("sphinx", "myst-parser", "docutils", "idor-bookbuilder")


def said(stopped: str, trace: str, log: Path | None, root: Path) -> str:
    """The one way a bug is said: ``stopped`` (what did not happen), that it is a bug of the
    builder and not of the book, the exception's type (read from ``trace``), and ``log``, the
    file that holds the trace (relative to the book's folder ``root`` if it is inside; None:
    no file could be written, the trace follows the sentence)."""
    name = exception_name(trace)
    kind = f" ({name})" if name else ""
    if log is None:
        where = "follows: please send it"
    else:
        shown = log.relative_to(root).as_posix() if log.is_relative_to(root) else str(log)
        where = f"is in {shown}: please send that file"
    return (
        f"{stopped}: a bug in the builder{kind}, not a problem in the book. Its full trace "
        f"{where} to the builder's maintainers."
    )


def exception_name(trace: str) -> str | None:
    """The class of the exception a Python traceback ends with (its last one, if chained)."""
    lines = trace.rstrip().splitlines()
    start = max((i for i, line in enumerate(lines) if line.strip() == _HEADER), default=None)
    if start is None:  # not a Python traceback: its last line
        named = lines[-1:]
    else:  # as indented as the header (Sphinx's report indents the whole trace), its frames more
        indent = _indent(lines[start])
        named = [line for line in lines[start + 1 :] if line.strip() and _indent(line) <= indent]
    found = _EXCEPTION.match(named[0].strip()) if named else None
    return found.group(1) if found else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def raised() -> bool:
    """Whether the developers' switch asks for the exception itself, not the message."""
    return os.environ.get(TRACEBACK, "") not in ("", "0")


def reported(command: str, error: BaseException, argv: Sequence[str], root: Path) -> list[str]:
    """What the editor reads of ``error``, which ended ``command``: :func:`said`'s sentence,
    its trace written to ``_build/bug.log`` in the book's folder ``root`` (a temporary file if
    that cannot be written). If no file can be written, the trace follows the sentence."""
    trace = "".join(traceback.format_exception(error))
    stopped = f"The `{command}` command stopped"
    text = f"{_context(argv)}\n{trace}"
    log = _written(text, root)
    return [said(stopped, trace, log, root), *([text] if log is None else [])]


def stopped(command: str) -> str:
    """What Ctrl-C ending ``command`` says, instead of the traceback of wherever it was."""
    return f"The `{command}` command stopped (Ctrl-C): what it was doing is not finished."


def after_ctrl_c(error: BaseException) -> bool:
    """Whether ``error`` was raised while a Ctrl-C stopped the command (in a ``finally`` or an
    ``except`` on the way out, such as a pool whose worker process the same Ctrl-C ended):
    the Ctrl-C's doing, said as such, not a bug."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


@contextlib.contextmanager
def interrupts_kept() -> Iterator[None]:
    """A Ctrl-C during the block stops the command even if the block caught it, raised again
    at its end: Sphinx ends its build on one as a failure ("Interrupted!"), or as the crash of
    the worker process it stopped (with ``JOBS`` above 1), and the build would go on."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):  # Python's own handler only: Ctrl-C ignored, or someone else's handler, left alone
        yield
        return
    interrupted: list[int] = []

    def noted(number: int, frame: FrameType | None) -> None:
        interrupted.append(number)
        signal.default_int_handler(number, frame)

    signal.signal(signal.SIGINT, noted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if interrupted:
        raise KeyboardInterrupt


def _written(text: str, root: Path) -> Path | None:
    """``text`` written to ``_build/bug.log``, or to a temporary file; None if neither can."""
    log = root / BUILD_DIR / BUG_LOG
    try:
        log.parent.mkdir(exist_ok=True)
        log.write_text(text, "utf-8", "backslashreplace")  # a file name not in UTF-8
        return log
    except OSError:
        pass
    try:
        handle, name = tempfile.mkstemp(prefix="bookbuilder-bug-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as written:
            written.write(text)
        return Path(name)
    except OSError:
        return None


def _folder() -> str:
    try:
        return os.getcwd()
    except OSError:  # removed while the command ran
        return "(removed)"


def _context(argv: Sequence[str]) -> str:
    """What the maintainers need beside the trace: when, the command line, the versions (of
    Python, the libraries the builder runs, the builder and its commit), the system."""
    import importlib.metadata  # 20 ms: loaded when a bug is said, not at each start
    import platform
    import shlex

    versions = [f"Python {sys.version.split()[0]} ({sys.executable})"]
    for name in _DISTRIBUTIONS:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} not installed")
    return "\n".join(
        [
            f"When: {datetime.now(UTC).isoformat(timespec='seconds')}",
            f"Command: {shlex.join(['python', '-m', 'bookbuilder', *argv])}",
            f"Folder: {_folder()}",
            f"Versions: {', '.join(versions)}",
            f"Builder's commit: {_commit()}",
            f"System: {platform.platform()}",
            f"JOBS: {os.environ.get('JOBS', '(not set)')}",
            "",
        ]
    )


def _commit() -> str:
    """The builder's commit (``-dirty`` if its files were changed since), if it is a Git
    checkout and Git is there to say it."""
    import subprocess

    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=40"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return described.stdout.strip() or "unknown (not a Git checkout)"
