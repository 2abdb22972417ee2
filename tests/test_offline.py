"""Reading offline: the website as a progressive web app, in a real headless Chromium.

The small fixture book is built (EPUB, then the website that offers it) and served by a local
static server. "The network is off" is the server stopped: every request then fails as it
does on a phone without a connection.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookbuilder.sphinx.offline import offline_listing
from conftest import CHROMIUM_FLAGS, require_module, require_tool

OPENED = "experiences/wildfire-smoke-vancouver.html"
NOT_OPENED = "experiences/shade-for-the-scanner-sevilla.html"
NOT_OPENED_TITLE = "Shade first, then scan"
ALL_KEPT_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""
STYLESHEETS = (
    """Array.from(document.querySelectorAll('link[rel=stylesheet]'), (link) => link.href)"""
)


@pytest.fixture(scope="module")
def site(small_build: Path) -> Path:
    """The small book's website (with its EPUB), the run's shared build: served, never changed."""
    return small_build / "_build" / "html"


class NoStoreHandler(http.server.SimpleHTTPRequestHandler):
    """Nothing goes into the browser's own HTTP cache: what reads offline, the worker kept."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class Server:
    """A static server over the site that can be stopped ("offline"), as a phone loses its
    connection."""

    def __init__(self, folder: Path) -> None:
        self.handler = functools.partial(NoStoreHandler, directory=str(folder))
        self.handler.log_message = lambda *args: None  # type: ignore[attr-defined]
        self.port = 0
        self.httpd: http.server.ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self.httpd is not None
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    served = Server(site)
    yield served
    if served.httpd is not None:
        served.stop()


@pytest.fixture
def page() -> Iterator[object]:
    require_tool("chromium")
    require_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        context = browser.new_context()  # a fresh profile: nothing kept from another test
        yield context.new_page()
        browser.close()


def wait_until_kept(page, url: str, timeout: float = 20.0) -> None:
    """Until the worker has kept the page and its stylesheets.

    Polled from here: Playwright's `wait_for_function` takes the promise an async predicate
    returns for a truthy answer and returns at once, so it cannot wait on the Cache API.
    """
    wanted = {url, *page.evaluate(STYLESHEETS)}
    deadline = time.monotonic() + timeout
    while not wanted <= set(page.evaluate(ALL_KEPT_URLS)):
        assert time.monotonic() < deadline, f"not kept after {timeout} s: {sorted(wanted)}"
        time.sleep(0.1)


def test_the_site_can_be_installed(site: Path) -> None:
    manifest = json.loads((site / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["name"] == "Imaging in the 2021 Heatwave"
    assert manifest["lang"] == "en" and manifest["start_url"] == "./"
    for icon in manifest["icons"]:
        assert (site / icon["src"]).is_file()
    index = (site / "index.html").read_text("utf-8")
    assert '<link rel="manifest" href="manifest.webmanifest" />' in index
    report = (site / OPENED).read_text("utf-8")
    assert 'href="../manifest.webmanifest"' in report
    assert "_static/offline.js" in report


def test_the_listing_keeps_pages_and_lists_downloads_apart(site: Path) -> None:
    listing = json.loads((site / "offline-files.json").read_text("utf-8"))
    paths = {f["path"] for f in listing["files"]}
    assert {"index.html", OPENED, NOT_OPENED, "manifest.webmanifest"} <= paths
    assert not any(p.startswith(("downloads/", "_sources/")) for p in paths)
    assert [f["path"] for f in listing["downloads"]] == ["downloads/heatwave-2021.epub"]
    assert listing == offline_listing(site, "downloads")  # what the build wrote is current


def test_a_page_once_opened_reads_offline(page, server: Server) -> None:
    page.goto(server.url + OPENED)
    title = page.title()
    wait_until_kept(page, server.url + OPENED)
    server.stop()
    page.reload()
    assert page.title() == title
    assert page.locator("h1").first.inner_text().strip() != ""
    styled = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert styled and "Times" not in styled  # the theme's styles came from the kept copy
    with pytest.raises(Exception, match=r"ERR_FAILED|ERR_CONNECTION_REFUSED"):
        page.goto(server.url + NOT_OPENED)  # never opened, not saved: not there


def test_save_the_whole_book_without_the_downloads(page, server: Server) -> None:
    page.goto(server.url + "index.html")
    panel = page.locator("#book-offline")
    panel.wait_for(state="visible")
    page.wait_for_function(
        "document.querySelector('.book-offline-size').textContent.includes('MB')"
    )
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    panel.get_by_role("button").click()
    page.wait_for_function(
        "document.querySelector('.book-offline-status').textContent.includes('is saved')",
        timeout=60_000,
    )
    kept = page.evaluate(ALL_KEPT_URLS)
    assert server.url + NOT_OPENED in kept
    assert not [url for url in kept if "/downloads/" in url]  # never unless asked
    server.stop()
    page.goto(server.url + NOT_OPENED)
    assert page.locator("h1").first.inner_text().startswith(NOT_OPENED_TITLE)


def test_the_downloads_only_when_asked(page, server: Server) -> None:
    page.goto(server.url + "index.html")
    page.locator("#book-offline").wait_for(state="visible")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.get_by_label("Also save the downloads").check()
    page.locator("#book-offline").get_by_role("button").click()
    page.wait_for_function(
        "document.querySelector('.book-offline-status').textContent.includes('downloads are')",
        timeout=60_000,
    )
    kept = page.evaluate(ALL_KEPT_URLS)
    assert server.url + "downloads/heatwave-2021.epub" in kept
