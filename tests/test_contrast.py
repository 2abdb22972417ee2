"""Contrast and the rest of axe-core's rules on every kind of page, in both colour schemes.

A book with every kind of byline (an author with an ORCID link, several authors, a translation
with its translator's ORCID) is built (website and EPUB); axe-core (``tools/ace``, the version
DAISY Ace uses) runs on each page type of the website at phone and desktop widths in the light
and the dark theme, and on each XHTML page of the EPUB with the EPUB's own stylesheets. No
critical or serious violation may be found; a colour pair under WCAG AA's 4.5:1 is serious.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_book, require, run_book

AXE = ROOT / "tools" / "ace" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
SCHEMES = ("light", "dark")
# Every page type of the website, each with its bylines: the report with an ORCID link and two
# authors, its chapter, a translation (its translator has an ORCID link), and the book's pages.
WEB_PAGES = {
    "landing": "index.html",
    "browse": "browse.html",
    "chapter": "chapters/elsewhere.html",
    "report-orcid-authors": "experiences/night-shift-leeds.html",
    "translation": "experiences/notti-in-tc-bergamo.en.html",
    "glance": "at-a-glance.html",
    "contributors": "contributors.html",
    "accessibility": "accessibility.html",
    "index": "genindex.html",
    "search": "search.html",
}
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']}))
    .violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => v.id + ': ' + v.nodes.map(n => n.html.slice(0, 160) + ' ' +
        (n.any[0] ? n.any[0].message : '')).join(' | '))"""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The translations fixture book; its Leeds report gets a second author with an ORCID."""
    root = copy_book(FIXTURES / "book-translations", tmp_path_factory.mktemp("contrast"))
    report = root / "experiences" / "night-shift-leeds.md"
    text = report.read_text("utf-8")
    one = '  - name: "Sam Taylor"\n    role: nurse\n'
    assert one in text
    two = one + (
        '  - name: "Ama Mensah"\n    role: radiologist\n'
        '    affiliation: "Example Hospital"\n    orcid: "0000-0002-1825-0097"\n'
    )
    report.write_text(text.replace(one, two), "utf-8")
    result = run_book(root, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _axe(
    browser, url: str, scheme: str, width: int, shot: str | None = None, *, themed: bool = True
) -> list[str]:
    """axe's serious findings on ``url``; ``themed``: a website page, whose theme script sets
    the colour scheme (the EPUB's pages have none)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    # The theme sets its colour scheme by script after load, and its colours change through CSS
    # transitions: axe must read the colours a reader sees once the page has settled, not a
    # frame in between (on a busy machine it once read the search button's text mid-way).
    if themed:
        page.wait_for_function(f"document.documentElement.dataset.theme === {scheme!r}")
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(SERIOUS)
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / shot), full_page=False)
    context.close()
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(WEB_PAGES))
def test_website_pages_pass_axe_in_both_schemes(browser, book: Path, name: str, scheme: str):
    require(AXE.is_file(), f"needs axe-core: run `make setup-ace` ({AXE} is missing)")
    url = (book / "_build" / "html" / WEB_PAGES[name]).as_uri()
    for width, label in ((1280, "desktop"), (390, "phone")):
        shot = f"contrast-{name}-{scheme}-{label}.png"
        assert _axe(browser, url, scheme, width, shot) == [], f"{name}, {scheme}, {width}px"


def test_the_theme_follows_the_readers_colour_scheme(browser, book: Path) -> None:
    """The dark runs above test the dark theme: the page really is dark in a dark browser."""
    url = (book / "_build" / "html" / WEB_PAGES["report-orcid-authors"]).as_uri()
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(url)
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        context.close()


def test_epub_pages_pass_axe_with_their_own_stylesheets(browser, book: Path, tmp_path: Path):
    require(AXE.is_file(), f"needs axe-core: run `make setup-ace` ({AXE} is missing)")
    epub = next((book / "_build" / "epub").glob("*.epub"))
    folder = tmp_path / "epub"
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(folder)
    pages = sorted(folder.rglob("*.xhtml"))
    assert any("night-shift-leeds" in p.name for p in pages)
    problems = {}
    for path in pages:
        for scheme in SCHEMES:  # the EPUB has no dark theme of its own: readers bring theirs
            found = _axe(browser, path.as_uri(), scheme, 600, themed=False)
            if found:
                problems[f"{path.relative_to(folder)} ({scheme})"] = found
    assert problems == {}
