"""Build: run Sphinx's own builders on the rendered sources, one edition at a time.

All editions share one doctree folder (``_build/doctrees``), so sources read for one edition are
not read again for the next. Outputs keep Sphinx's usual layout under ``_build/``.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.cmd.build import main as sphinx_main

from bookbuilder import bug, collector, editions
from bookbuilder.diskspace import from_sphinx_output
from bookbuilder.jobs import jobs
from bookbuilder.layout import DOCTREES
from bookbuilder.sphinx.parallel import ENVIRONMENT
from bookbuilder.sphinx.remembered import LAST_RUN


@dataclass
class EditionResult:
    edition: str
    ok: bool
    warnings: list[str] = field(default_factory=list)
    message: str = ""


# run_sphinx's ``before_read`` and the collector's resumption, in that order, for the extension's
# handler (``before_reading``): one build at a time runs in a process, and the list is emptied
# when it ends
_BEFORE_READ: list[Callable[[], object]] = []

# Why the objects are out of the garbage collector's sight (collector.py): ``before_reading``
SPHINX_STARTED = "Sphinx started: the book, the modules, the environment loaded"


def run_sphinx(
    edition: str,
    srcdir: Path,
    builddir: Path,
    confdir: Path,
    verbose: bool,
    before_read: Callable[[], object] | None = None,
) -> EditionResult:
    """Run one edition's Sphinx builder (editions.py); its warnings are collected, its chatter
    shown only when verbose. A full disk raises ``diskspace.DiskFull``, naming the folder being
    written. ``before_read`` is called once Sphinx has started, before it reads any page (the
    render stage's charts, drawn meanwhile: ``RenderResult.charts_drawn``)."""
    builder = editions.edition(edition).builder
    outdir = builddir / builder  # where -M puts the edition
    warnings_file = builddir / f"warnings-{edition}.log"
    builddir.mkdir(parents=True, exist_ok=True)
    remembered = builddir / DOCTREES / LAST_RUN  # -M's doctree folder: see module docstring
    remembered.unlink(missing_ok=True)
    args = ["-M", builder, str(srcdir), str(builddir), "-c", str(confdir), "-w", str(warnings_file)]
    args.append("--no-color")  # warnings compared line by line with the remembered ones
    args += sphinx_jobs()
    if not verbose:
        args.append("-q")
    log = log_file(builddir, edition)
    # Sphinx's start (its extensions imported, the environment unpickled) makes a great many
    # objects that all live on: no collection until builder-inited sets them aside (at 1,000
    # reports, two full ones of 0.08 s each after a report was added, which freed nothing)
    resume_collector = collector.pause()
    _BEFORE_READ[:] = [before_read or _nothing, resume_collector]  # in this order
    try:
        with _output_to(None if verbose else log), bug.interrupts_kept():
            status = sphinx_main(args)
    finally:  # build-finished gives them back, but not after a Ctrl-C (make serve)
        _BEFORE_READ.clear()
        resume_collector()
        _give_back()
    written = warnings_file.read_text("utf-8") if warnings_file.is_file() else ""
    written, trace = _crash_apart(written) if status != 0 else (written, None)
    warnings = written.splitlines()
    # and those of the pages this run did not read or write again (sphinx/remembered.py)
    if remembered.is_file():
        warnings = sorted({*warnings, *remembered.read_text("utf-8").splitlines()})
    output = "" if verbose else log.read_text("utf-8", "replace")
    said = "\n".join([output, *warnings, trace or ""])  # the crash report too (V=1: no log)
    if status != 0 and (full := from_sphinx_output(said, outdir)):
        raise full  # said as such by the command line, not as Sphinx's traceback
    message = ""
    if trace is not None:
        message = bug_said(edition, trace, log, confdir)
    elif status != 0:
        message = failure_message(edition, output)
    return EditionResult(edition, status == 0, warnings=warnings, message=message)


def before_reading(app: Sphinx) -> None:
    """builder-inited (in the main process, before any page is read or a worker forked):
    ``run_sphinx``'s ``before_read``. Sphinx's start (its extensions, the environment) took
    about a second while the charts were drawn aside and the render stage waited for them.

    Then everything made so far (the book, the modules, the environment just loaded) is set
    aside from Python's cycle collector until ``run_sphinx`` ends (``collector.hold``): each of its
    full collections went through all of it again, a quarter of the CPU time of a build at
    1,000 reports with nothing to do (measured: 3.9-4.3 s, 3.0 s frozen, same peak memory).
    The collector, paused by ``run_sphinx`` while Sphinx started, runs again from here."""
    if not _BEFORE_READ:
        return  # Sphinx started by other code (a test's application): nothing to set aside
    for step in _BEFORE_READ:
        step()
    _BEFORE_READ.clear()
    collector.hold(SPHINX_STARTED)


def _nothing() -> None:
    pass


def give_back_to_collector(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, last: what this Sphinx run held out of the garbage collector's sight
    (``before_reading``'s objects, the environment read in shares) is the collector's again,
    however Sphinx was started (``run_sphinx``, a test's own application, the preview)."""
    _give_back()


def _give_back() -> None:
    collector.release(ENVIRONMENT)
    collector.release(SPHINX_STARTED)


def sphinx_jobs() -> list[str]:
    """Sphinx's ``-j``: pages read and written in ``JOBS`` processes (bookbuilder.jobs); the
    extension merges what each process learnt (``extension.setup``: parallel read and write).
    Given to every edition: the web edition's and the EPUB's builders read and write whole pages
    in every process (``parallel.PagesInWorkers``), so with 2 jobs their main process does 13%
    and 24% of the 1-job build's CPU at 1,000 reports, and the workers no more in all than one
    process (docs/performance.md, "Sphinx's -j made to pay")."""
    count = jobs()
    return ["-j", str(count)] if count > 1 else []


def log_file(builddir: Path, edition: str) -> Path:
    """Where an edition's build writes what it prints (Sphinx, Typst; a bug's trace)."""
    return builddir / f"sphinx-{edition}.log"


# Sphinx's report of an exception that ended its build (``handle_exception``), written to its
# error output, which ``-w`` sends to the warnings file too: its start, and its last lines
_CRASH_REPORT = "\nVersions\n========\n"
# the file it saved the trace in, on a line of its own (the sentence before it is in the
# language of the machine's locale)
_CRASH_SAVED = re.compile(r"^(.*sphinx-err-[^/\\\n]*\.log)$", re.MULTILINE)


def _crash_apart(written: str) -> tuple[str, str | None]:
    """The warnings file of a failed build, without Sphinx's report of the exception that
    ended it, if one did (a bug): the warnings before it, and the full trace Sphinx saved in
    a temporary file (taken out of it)."""
    # the last report (Sphinx's own ends the file), and only a file Sphinx names so in the
    # temporary folder: warnings carry a report's text, which must not name a file to move
    saved = next(reversed(list(_CRASH_SAVED.finditer(written))), None)
    start = written.rfind(_CRASH_REPORT, 0, saved.start()) if saved else -1
    saved_file = Path(saved.group(1)) if saved else None
    if saved_file is None or start < 0 or not _sphinx_saved_it(saved_file):
        return written, None
    lines = written[:start].rstrip("\n").splitlines()
    while lines and lines[-1].endswith("!") and ":" not in lines[-1]:  # its "Extension error!"
        lines.pop()
    try:  # moved to the edition's log (bug_said): the one place a build's trace is kept
        trace = saved_file.read_text("utf-8", "replace")
        saved_file.unlink()
    except OSError:  # gone from the temporary folder: what it printed
        trace = written[start:]
    return "".join(f"{line}\n" for line in lines), trace


def _sphinx_saved_it(path: Path) -> bool:
    """A trace file as Sphinx writes it (``sphinx.util.exceptions.save_traceback``)."""
    return path.parent == Path(tempfile.gettempdir()) and fnmatch.fnmatch(
        path.name, "sphinx-err-*.log"
    )


def bug_said(edition: str, trace: str, log: Path, root: Path) -> str:
    """An edition's build ended by an exception (a bug of the builder, not of the book), in
    Sphinx's run or in the PDF's typesetting beside the next edition: its full trace added to
    the edition's log, after what the build printed there, and what the editor reads instead
    of it: the edition was not built, why, and which file to send."""
    stopped = f"The {edition} edition was not built"
    try:
        with log.open("a", encoding="utf-8", errors="backslashreplace") as written:
            written.write(f"\nThe {edition} edition's build failed:\n{trace.rstrip()}\n")
    except OSError:  # a full disk, often why it failed: the trace follows the sentence
        return f"{bug.said(stopped, trace, None, root)}\n{trace.rstrip()}"
    return bug.said(stopped, trace, log, root)


def failure_message(edition: str, output: str) -> str:
    tail = "\n".join(output.strip().splitlines()[-15:])
    return f"Sphinx failed to build the {edition} edition:\n{tail}"


@contextlib.contextmanager
def _output_to(log: Path | None):
    """Send everything Sphinx and Typst print (subprocesses too) to a log file, unless verbose."""
    if log is None:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("wb") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
