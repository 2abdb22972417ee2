"""`make serve`: a real preview server on a free localhost port follows edits within seconds.

A rebuild writes pages while the server serves them, so a page fetched before the rebuild is
over can be an old one, or cut short (``IncompleteRead``). The tests wait for what an edit
should show, reading a failed or torn fetch as "not yet"; before a fetch that must succeed they
wait until the server says (in its output) that every rebuild it began has ended.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_book, run_book

LIMIT = 120  # seconds an edit may take to show: generous, for a loaded machine
FIRST_BUILD_LIMIT = 240
# What serve.py prints as a rebuild begins, and as it ends: "Updated in …" when it built, "… the
# last good version …" when it built nothing (an error in the sources, a failed build).
REBUILDING = "; rebuilding…"
REBUILT = re.compile(r"^(?:Updated in \d|.*\bthe last good version\b)", re.MULTILINE)
# A request that failed or was cut short, as a page being rewritten can be.
FAILED_FETCH = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def try_fetch(url: str) -> str | None:
    """The page at ``url``, or None while the server does not serve it whole (yet): for waiting
    only, never for an assertion."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except FAILED_FETCH:
        return None


def fetch(url: str) -> str:
    """The page at ``url``; a request that fails fails the test, saying why."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except FAILED_FETCH as error:
        pytest.fail(f"GET {url} failed: {error!r}")


def wait_for(what: str, condition: Callable[[], bool], log: Path, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"{what}: not seen within {limit} s; server output:\n{output(log)[-3000:]}")


def output(log: Path) -> str:
    """What the server has printed so far (a line may be half written)."""
    return log.read_text("utf-8", errors="replace")


def rebuilt_since(log: Path, mark: int) -> Callable[[], bool]:
    """True once the server has begun a rebuild after ``mark`` (the length of its output before
    an edit) and has ended the last rebuild it began (they run one after another): its pages
    are then whole, and none is being written."""

    def ended() -> bool:
        text = output(log)
        last = text.rfind(REBUILDING)
        return last >= mark and REBUILT.search(text, last) is not None

    return ended


def wait_for_rebuild(log: Path, mark: int) -> None:
    wait_for("the end of the rebuild", rebuilt_since(log, mark), log)


@pytest.fixture
def server(tmp_path: Path):
    book = copy_book(FIXTURES / "book-small", tmp_path / "book")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        command = [sys.executable, "-m", "bookbuilder", "--root", str(book), "serve"]
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "V": ""},
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for("the first build", lambda: try_fetch(base) is not None, log, FIRST_BUILD_LIMIT)
        yield book, base, log
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def contains(url: str, text: str) -> Callable[[], bool]:
    return lambda: text in (try_fetch(url) or "")


def test_preview_follows_reports_and_chapters(server) -> None:
    book, base, log = server
    with pytest.raises(pytest.fail.Exception, match="404"):  # a failed request is no page
        fetch(base + "chapters/no-such-chapter.html")
    assert "shade-for-the-scanner-sevilla" in fetch(base + "chapters/ultrasound.html")
    assert "ultrasound-on-the-ward-oslo" not in fetch(base + "chapters/ultrasound.html")

    # A new report appears on its page, in its chapter's listing and on the browse page.
    mark = len(output(log))
    made = run_book(
        book,
        "new",
        "--title=Ultrasound on the ward",
        "--author=Kari Nordmann;radiographer",
        "--country=NO",
        "--modalities=ultrasound",
        "--consent",
        "--status=accepted",
        "--slug=ultrasound-on-the-ward-oslo",
        "--yes",
    )
    assert made.returncode == 0, made.stdout
    slug = "ultrasound-on-the-ward-oslo"
    wait_for("the new report's page", contains(base + f"experiences/{slug}.html", "Kari"), log)
    wait_for("its chapter's listing", contains(base + "chapters/ultrasound.html", slug), log)
    wait_for_rebuild(log, mark)
    assert slug in fetch(base + "browse.html")

    # A new chapter (with a report for it) shows in the navigation of every page, including
    # pages whose own sources did not change.
    (book / "chapters" / "mri.md").write_text(
        '---\ntitle: "MRI Without Cooling"\norder: 25\ncollect:\n  modalities: [MRI]\n---\n\n'
        "Magnets and heat.\n",
        "utf-8",
    )
    made = run_book(
        book,
        "new",
        "--title=Helium and heat",
        "--author=Ola Nordmann;medical-physicist",
        "--country=SE",
        "--modalities=MRI",
        "--consent",
        "--status=accepted",
        "--yes",
    )
    assert made.returncode == 0, made.stdout
    wait_for("the new chapter", contains(base + "chapters/mri.html", "helium-and-heat"), log)
    for page in ("index.html", "chapters/preface.html", "experiences/hitze-im-ct-koeln.html"):
        wait_for(f"the new chapter in {page}'s navigation", contains(base + page, "mri.html"), log)

    # A validation error is shown with file:line; the server goes on serving the last good book.
    broken = book / "experiences" / f"{slug}.md"
    good = broken.read_text("utf-8")
    mark = len(output(log))
    broken.write_text(good.replace("role: radiographer", "role: radiografer"), "utf-8")
    wait_for(
        "the error in the terminal",
        lambda: f"experiences/{slug}.md:5: authors[1].role: found 'radiografer'" in output(log),
        log,
    )
    wait_for_rebuild(log, mark)
    assert "last good version" in output(log)[mark:]
    assert "Traceback" not in output(log)
    page = fetch(base + f"experiences/{slug}.html")
    assert "Kari" in page
    # ... and on every previewed page, in a banner that names the file, the line and the problem
    banner = re.search(
        r'<div id="bookbuilder-preview-problem" role="alert"[^>]*>(.*?)</div>', page, re.S
    )
    assert banner is not None, page[:2000]
    assert f"experiences/{slug}.md:5: authors[1].role: found &#x27;radiografer&#x27;" in banner[1]
    assert "bookbuilder-preview-problem" in fetch(base + "index.html")
    # fixed: the banner goes
    mark = len(output(log))
    broken.write_text(good, "utf-8")
    wait_for(
        "the banner gone",
        lambda: (
            "bookbuilder-preview-problem"
            not in (try_fetch(base + "index.html") or "bookbuilder-preview-problem")
        ),
        log,
    )
    wait_for_rebuild(log, mark)

    # Editors' temporary files start no rebuild; watchfiles' own log lines are not shown.
    mark = len(output(log))
    for name in ("sedDUR5Bg", ".#x.md", "x.md~", ".x.md.swp", "4913", "x.md.tmp"):
        (book / "experiences" / name).write_text("temporary", "utf-8")
    time.sleep(3)
    assert REBUILDING not in output(log)[mark:], output(log)[mark:]
    assert "changes detected" not in output(log)

    # Deleting a report takes it out of its chapter.
    broken.unlink()
    wait_for(
        "the report gone from its chapter",
        lambda: slug not in (try_fetch(base + "chapters/ultrasound.html") or slug),
        log,
    )


def test_sphinx_warnings_name_the_reports_file_and_line(server) -> None:
    book, base, log = server
    report = book / "experiences" / "hitze-im-ct-koeln.md"
    lines = report.read_text("utf-8").splitlines()
    mark = len(output(log))
    report.write_text("\n".join([*lines, "", "A sentence with a note[^nowhere]."]) + "\n", "utf-8")
    line = len(lines) + 2
    wait_for(
        "the warning, at the report's own line",
        lambda: (
            f"experiences/hitze-im-ct-koeln.md:{line}: ERROR: Unknown target name" in output(log)
        ),
        log,
    )
    wait_for_rebuild(log, mark)
    assert "_build/src" not in output(log)
    assert "nowhere" in fetch(base + "experiences/hitze-im-ct-koeln.html")


def test_a_busy_port_is_said_first_with_the_fix(tmp_path: Path) -> None:
    book = copy_book(FIXTURES / "book-small", tmp_path / "book", remembered_readings=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_book(book, "serve", "--port", str(port))
    assert result.returncode == 1
    first, *rest = result.stdout.splitlines()
    assert first.startswith(f"Port {port} on 127.0.0.1 is in use by another program")
    assert "use another port: make serve PORT=" in first
    assert rest == [] and result.stderr == ""  # nothing built, no traceback, no "Serving on"
    assert not (book / "_build").exists()
