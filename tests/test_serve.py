"""`make serve`: a real preview server on a free localhost port follows edits within seconds."""

from __future__ import annotations

import os
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

LIMIT = 60  # seconds an edit may take to show


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def try_fetch(url: str) -> str | None:
    """The page at ``url``, or None while the server does not serve it (yet): for waiting only."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def fetch(url: str) -> str:
    """The page at ``url``; a request that fails fails the test, saying why."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        pytest.fail(f"GET {url} failed: {error}")


def wait_for(what: str, condition: Callable[[], bool], log: Path, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"{what}: not seen within {limit} s; server output:\n{log.read_text()[-3000:]}")


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
        wait_for("the first build", lambda: try_fetch(base) is not None, log, 120)
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
    broken.write_text(good.replace("role: radiographer", "role: radiografer"), "utf-8")
    wait_for(
        "the error in the terminal",
        lambda: f"experiences/{slug}.md:5: authors[1].role: found 'radiografer'" in log.read_text(),
        log,
    )
    assert "last good version" in log.read_text()
    assert "Traceback" not in log.read_text()
    assert "Kari" in fetch(base + f"experiences/{slug}.html")

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
    report.write_text("\n".join([*lines, "", "A sentence with a note[^nowhere]."]) + "\n", "utf-8")
    line = len(lines) + 2
    wait_for(
        "the warning, at the report's own line",
        lambda: (
            f"experiences/hitze-im-ct-koeln.md:{line}: ERROR: Unknown target name"
            in log.read_text()
        ),
        log,
    )
    assert "_build/src" not in log.read_text()
    page = base + "experiences/hitze-im-ct-koeln.html"
    wait_for("the edit served", contains(page, "nowhere"), log)


def test_a_busy_port_is_said_first_with_the_fix(tmp_path: Path) -> None:
    book = copy_book(FIXTURES / "book-small", tmp_path / "book")
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
