"""A bug of the builder, as an editor meets it: one sentence naming what stopped and the file to
send, never Python's traceback; Ctrl-C, one line. The commands run as `make` runs them (a new
Python, ``python -m bookbuilder``) with the developers' switch taken off (conftest.py sets it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bookbuilder import bug
from conftest import SMALL, copy_book

# `python -m bookbuilder`, with a bug in the render stage (for this test only)
BROKEN_RENDER = """
import runpy
from bookbuilder import pipeline

def broken(*args, **kwargs):
    raise RuntimeError("zqx: a bug in the render stage")

pipeline.render_sources = broken
runpy.run_module("bookbuilder", run_name="__main__", alter_sys=True)
"""
SAID = (
    "The `build html` command stopped: a bug in the builder (RuntimeError), not a problem in "
    "the book. Its full trace is in _build/bug.log: please send that file to the builder's "
    "maintainers."
)


def run_broken(book: Path, switch: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BROKEN_RENDER, "--root", str(book), "build", "html"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "V": "", bug.TRACEBACK: switch},
    )


def test_a_bug_says_what_stopped_and_which_file_to_send_not_the_trace(tmp_path: Path) -> None:
    book = copy_book(SMALL, tmp_path / "book")
    result = run_broken(book, "")
    said = result.stdout + result.stderr
    assert result.returncode == bug.EX_SOFTWARE == 70, said
    assert SAID in result.stdout, said
    for traced in ("Traceback", 'File "', "zqx", "pipeline.py"):
        assert traced not in said, said
    log = (book / "_build" / "bug.log").read_text("utf-8")
    assert "Traceback (most recent call last)" in log
    assert "in build_editions" in log and "RuntimeError: zqx: a bug in the render stage" in log
    assert f"Command: python -m bookbuilder --root {book} build html" in log
    for version in ("Python 3.", "sphinx ", "myst-parser ", "Builder's commit: ", "System: "):
        assert version in log, log


def test_the_developers_switch_keeps_the_traceback_the_tests_look_for(tmp_path: Path) -> None:
    """The tests' guard (conftest.py): with the switch, a bug is Python's traceback, status 1."""
    result = run_broken(copy_book(SMALL, tmp_path / "book"), "1")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: zqx: a bug in the render stage" in result.stderr
    assert "a bug in the builder" not in result.stdout


def test_a_bug_s_trace_goes_to_a_temporary_file_if_build_cannot_be_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "_build").write_text("not a folder", "utf-8")
    try:
        raise KeyError("zqx")
    except KeyError as error:
        lines = bug.reported("check", error, ["check"], tmp_path)
    assert len(lines) == 1
    start = "The `check` command stopped: a bug in the builder (KeyError), not a problem in the "
    assert lines[0].startswith(start + "book. Its full trace is in "), lines
    written = Path(lines[0].split("full trace is in ", 1)[1].split(": please", 1)[0])
    try:
        assert written.parent == Path(tempfile.gettempdir())
        assert "KeyError: 'zqx'" in written.read_text("utf-8")
    finally:
        written.unlink()


def test_the_exception_named_is_the_last_of_a_chain_whatever_its_message(tmp_path: Path) -> None:
    try:
        try:
            raise OSError("first")
        except OSError as first:
            raise ValueError("a message\nof two lines: not a class") from first
    except ValueError as error:
        lines = bug.reported("plan", error, ["plan"], tmp_path)
    assert "a bug in the builder (ValueError), not a problem" in lines[0]
    assert "ValueError: a message\nof two lines" in (tmp_path / "_build" / "bug.log").read_text()


def test_ctrl_c_stops_a_build_with_one_line(tmp_path: Path) -> None:
    """Ctrl-C sends SIGINT to every process of the terminal's group (the build's Sphinx workers
    too) while Sphinx builds the website with two jobs: one line, status 130, no traceback."""
    book = copy_book(SMALL, tmp_path / "book")
    command = [sys.executable, "-m", "bookbuilder", "--root", str(book), "build", "html"]
    env = {**os.environ, "V": "", "JOBS": "2", bug.TRACEBACK: ""}
    running = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own group, as a terminal's command is
    )
    sphinx_started = book / "_build" / "sphinx-html.log"
    start = time.monotonic()
    while not sphinx_started.exists() and running.poll() is None:
        assert time.monotonic() - start < 120, "Sphinx never started"
        time.sleep(0.02)
    time.sleep(0.5)  # into Sphinx's reading, in its workers
    os.killpg(running.pid, signal.SIGINT)
    out, err = running.communicate(timeout=60)
    assert running.returncode == bug.EX_INTERRUPTED == 130, out + err
    assert "The `build html` command stopped (Ctrl-C): what it was doing is not finished." in out
    for traced in ("Traceback", "Interrupted!", "a bug in the builder", "failed"):
        assert traced not in out + err, out + err


# `python -m bookbuilder`, stopped by a Ctrl-C while it loads its modules (before cli.main runs)
CTRL_C_AT_START = """
import os, runpy, signal, sys

sent = []

def ctrl_c(event, args):
    if event == "import" and args[0] == "bookbuilder.pipeline" and not sent:
        sent.append(os.kill(os.getpid(), signal.SIGINT))

sys.addaudithook(ctrl_c)
runpy.run_module("bookbuilder", run_name="__main__", alter_sys=True)
"""


def test_ctrl_c_while_the_builder_starts_is_one_line_too(tmp_path: Path) -> None:
    """Loading the builder's modules takes about a second, before ``cli.main`` can say it."""
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_AT_START, "build", "html"],
        capture_output=True,
        text=True,
        check=False,
        cwd=copy_book(SMALL, tmp_path / "book"),
        env={**os.environ, bug.TRACEBACK: ""},
    )
    assert result.returncode == 130, result.stdout + result.stderr
    assert result.stdout == (
        "The `build html` command stopped (Ctrl-C): what it was doing is not finished.\n"
    )
    assert result.stderr == ""


def test_a_crash_report_is_taken_only_from_the_file_sphinx_saved(tmp_path: Path) -> None:
    """Warnings carry a report's text: a block that looks like Sphinx's crash report must not
    make the build read, then delete, a file it names outside Sphinx's own trace files."""
    from bookbuilder.sphinx.build import _crash_apart

    victim = tmp_path / "editors-notes.txt"
    victim.write_text("keep me", "utf-8")
    fake = (
        "a.md:3: WARNING: something\n\nVersions\n========\n\n"
        f"The full traceback has been saved in:\n{victim}\n"
    )
    assert _crash_apart(fake) == (fake, None)
    assert victim.read_text("utf-8") == "keep me"

    with tempfile.NamedTemporaryFile(
        "w", suffix=".log", prefix="sphinx-err-", delete=False, encoding="utf-8"
    ) as saved:
        saved.write("Traceback (most recent call last):\nRuntimeError: boom\n")
    real = (  # the sentence in the machine's language (Sphinx's French catalogue)
        "a.md:3: WARNING: something\n\nVersions\n========\n\n"
        f"La trace complète a été sauvegardée dans :\n{saved.name}\n"
    )
    warnings, trace = _crash_apart(fake + real)
    assert warnings.startswith("a.md:3: WARNING: something\n")
    assert trace is not None and "RuntimeError: boom" in trace
    assert not Path(saved.name).exists()
    assert victim.read_text("utf-8") == "keep me"


def test_output_read_by_a_command_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """``make check | head``: what reads the output goes away; the builder stops without a word
    on its error output (no bug said, no traceback), with the status of a broken pipe."""
    read, write = os.pipe()
    os.close(read)  # nothing reads: the first line written fails, as after head's last line
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bookbuilder", "fields", "report"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, "PYTHONUNBUFFERED": "1", bug.TRACEBACK: ""},
        )
    finally:
        os.close(write)
    assert result.returncode == 141, result.stderr
    assert result.stderr == ""


def test_a_bug_whose_message_holds_a_file_name_not_in_utf8_is_still_written(
    tmp_path: Path,
) -> None:
    """A file name read from the disk with bytes that are not UTF-8 (Python keeps them as
    surrogates) in the exception's message: the trace is written all the same, not a second
    error raised from the bug handler."""
    name = b"/book/experiences/r\xe9sum\xe9.md".decode("utf-8", "surrogateescape")
    said = bug.reported("check", ValueError(f"cannot read {name}"), ["check"], tmp_path)
    log = tmp_path / "_build" / "bug.log"
    assert said == [bug.said("The `check` command stopped", "ValueError: x", log, tmp_path)]
    assert "cannot read /book/experiences/r\\udce9sum\\udce9.md" in log.read_text("utf-8")
