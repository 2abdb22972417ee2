"""What a reader saw on a walk through the website: one search field, a tag printed once, the
book's title whole on a phone, a report's footer naming its own authors and licence."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_book, require_module, require_tool, run_book

TITLE = "Radiology Against COVID-19: Intercontinental Experiences"


@pytest.fixture(scope="module")
def walk_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("walk"))
    conf = root / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace('"Imaging in the 2021 Heatwave"', f'"{TITLE}"'), "utf-8"
    )
    report = root / "experiences" / "hitze-im-ct-koeln.md"
    text = report.read_text("utf-8").replace("equipment, wellbeing]", "ct, wellbeing]")
    report.write_text(text, "utf-8")
    sevilla = root / "experiences" / "shade-for-the-scanner-sevilla.md"
    text = sevilla.read_text("utf-8").replace('"Tomás Gil"', '"Tomás <b>Gil</b> & Co"')
    sevilla.write_text(text, "utf-8")
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build" / "html"


def test_a_tag_shared_by_a_modality_and_a_topic_is_printed_once(walk_book: Path) -> None:
    browse = (walk_book / "browse.html").read_text("utf-8")
    tags = re.findall(r'<p class="browse-tags">([^<]*)</p>', browse)
    assert "CT · heat · wellbeing" in tags


def test_a_report_footer_names_its_authors_and_licence(walk_book: Path) -> None:
    report = (walk_book / "experiences" / "shade-for-the-scanner-sevilla.html").read_text("utf-8")
    footer = report[report.index('<footer class="bd-footer-content">') :]
    # Names are text, never markup: "<b>" in a name is printed as written.
    names = "Nuria Peña Ibáñez, Tomás &lt;b&gt;Gil&lt;/b&gt; &amp; Co"
    assert f"By {names}" in footer
    assert f"2021, {names}. Licence: CC0-1.0." in footer
    assert "<b>" not in footer
    assert "Test Editor" not in footer
    landing = (walk_book / "index.html").read_text("utf-8")  # the book's pages: its editors
    assert "By Test Editor" in landing


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_tool("chromium")
    require_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        yield instance
        instance.close()


VISIBLE_SEARCH = """Array.from(document.querySelectorAll(
  '.search-button-field, .search-button, .bd-search, input[type=search]'))
  .filter(e => e.offsetParent !== null && e.getClientRects().length).length"""


@pytest.mark.parametrize("width", [1280, 360])
def test_one_search_field_and_the_title_whole(browser, walk_book: Path, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        for name in ("index.html", "experiences/hitze-im-ct-koeln.html"):
            page.goto((walk_book / name).as_uri())
            assert page.evaluate(VISIBLE_SEARCH) == 1, (name, width)
        page.goto((walk_book / "index.html").as_uri())
        # "COVID-19:" on one line, and no word of the title cut or hanging out of the page.
        lines = page.evaluate(
            "Array.from(document.querySelectorAll('#main-content h1 .nowrap'))"
            ".map(e => [e.textContent, e.getClientRects().length])"
        )
        assert lines == [["COVID-19:", 1]]
        overflow = page.evaluate(
            "(() => { const h = document.querySelector('#main-content h1');"
            " return h.scrollWidth - h.clientWidth; })()"
        )
        assert overflow <= 0
        # Nothing lets the browser cut a word: no hyphenation, no breaking anywhere.
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector('#main-content h1'));"
            " return [s.hyphens, s.overflowWrap, s.wordBreak]; })()"
        )
        assert style == ["manual", "normal", "normal"]
        brand = page.evaluate("document.querySelector('.navbar-brand .nowrap')?.textContent")
        assert brand == "COVID-19:"
    finally:
        page.close()
