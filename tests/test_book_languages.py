"""A book in German, Arabic and Japanese, built in all three editions: every word the builder
adds is in the book's language, the Arabic book reads right to left, and every edition still
passes its checks (EPUBCheck, Ace, axe-core, the PDF's language tag)."""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bookbuilder import words
from bookbuilder.sphinx.epub import run_ace, run_epubcheck
from conftest import require, require_pdf, require_tool, run_book, small_book_with
from test_contrast import AXE, SERIOUS
from test_epub import require_ace, require_epubcheck

LANGUAGES = ("de", "ar", "ja")
PLACEHOLDER = re.compile(r"\{\w*\}")
WEB_PAGES = (
    "index.html",
    "browse.html",
    "at-a-glance.html",
    "contributors.html",
    "accessibility.html",
    "genindex.html",
)
FRENCH_REPORT = "experiences/chaleur-et-irm-lyon"  # in French in every one of these books


# Each language is a whole book built in all three editions: the fast tier builds the Arabic one
# (a translated catalogue, right to left, another script in the PDF), `make test` all of them.
FAST_LANGUAGE = "ar"


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(lang, marks=() if lang == FAST_LANGUAGE else pytest.mark.slow)
        for lang in LANGUAGES
    ],
)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_pdf("pdftotext")
    language = request.param
    root = small_book_with(tmp_path_factory.mktemp(f"book-{language}"), {"language": language})
    result = run_book(root, "build", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _language(root: Path) -> str:
    # the last one: small_book_with adds the book's after the fixture's own "en"
    return re.findall(r'"language": "([\w-]+)",', (root / "conf.py").read_text("utf-8"))[-1]


def _english_words(root: Path) -> set[str]:
    """The builder's English words that should not be on the book's pages: each fixed part of a
    message (4 letters or more) that its translation does not say too ("PDF", "Navigation") and
    that the book's own files do not (a chapter "Reports of France and Germany")."""
    po = words.LOCALE_DIR / words.catalogue_id(_language(root)) / "LC_MESSAGES" / "bookbuilder.po"
    with po.open("rb") as file:
        translated = " ".join(
            " ".join(m.string) if isinstance(m.string, tuple) else m.string
            for m in read_po(file)
            if m.id
        )
    own = " ".join(f.read_text("utf-8") for f in root.glob("[ce]*/*.md"))
    with words.TEMPLATE.open("rb") as file:
        messages = [m.id for m in read_po(file) if m.id]
    found = set()
    for message in messages:
        for text in message if isinstance(message, tuple) else (message,):
            for part in PLACEHOLDER.split(text):
                part = part.strip(" .,:;()…")
                if len(part) >= 4 and re.search("[a-z]", part):
                    found.add(part)
    return {w for w in found if not _says(translated, w) and not _says(own, w)}


def _says(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) is not None


def _visible(markup: str) -> str:
    markup = re.sub(r"<(script|style|head|pre)\b.*?</\1>", " ", markup, flags=re.S)
    said = " ".join(re.findall(r'(?:alt|aria-label|title)="([^"]*)"', markup))
    return html.unescape(re.sub(r"<[^>]+>", " ", markup) + " " + said)


def _pages(root: Path) -> dict[str, str]:
    """The visible text of every page type of every edition."""
    site = root / "_build" / "html"
    names = [*WEB_PAGES, f"{FRENCH_REPORT}.html"]
    names += [p.relative_to(site).as_posix() for p in sorted(site.glob("chapters/*.html"))[:2]]
    names += [p.relative_to(site).as_posix() for p in sorted(site.glob("experiences/*.html"))]
    pages = {f"web {n}": _visible((site / n).read_text("utf-8")) for n in dict.fromkeys(names)}
    (epub,) = (root / "_build" / "epub").glob("*.epub")
    with zipfile.ZipFile(epub) as package:
        for name in package.namelist():
            if name.endswith((".xhtml", ".opf")):
                pages[f"epub {name}"] = _visible(package.read(name).decode("utf-8"))
    (pdf,) = (root / "_build" / "pdf").glob("*.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages["pdf"] = text.stdout
    return pages


def test_no_word_of_the_builders_is_left_in_english(built: Path) -> None:
    english = _english_words(built)
    left = {}
    for page, text in _pages(built).items():
        found = sorted(w for w in english if _says(text, w))
        if found:
            left[page] = found
    assert not left, f"{_language(built)}: English words of the builder's: {left}"


def test_the_pdf_declares_the_books_language(built: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    (pdf,) = (built / "_build" / "pdf").glob("*.pdf")
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == _language(built)


@pytest.mark.slow  # EPUBCheck (Java) and DAISY Ace (Chromium)
def test_the_epub_passes_epubcheck_and_ace(built: Path, tmp_path: Path) -> None:
    require_epubcheck()
    (epub,) = (built / "_build" / "epub").glob("*.epub")
    result = run_epubcheck(epub, tmp_path / "epubcheck.json")
    assert result.counts == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(result.lines)
    require_ace()
    result = run_ace(epub, tmp_path / "ace")
    assert result.ok, "\n".join(result.lines)


def test_the_website_passes_axe(browser, built: Path) -> None:
    require(AXE.is_file(), f"needs axe-core: run `make setup-ace` ({AXE} is missing)")
    site = built / "_build" / "html"
    for name in (*WEB_PAGES[:3], f"{FRENCH_REPORT}.html"):
        page = browser.new_page()
        page.goto((site / name).as_uri())
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(SERIOUS) == [], f"{_language(built)}: {name}"
        page.close()


# Where an element's text begins on the left, as drawn (not its box: its words)
TEXT_LEFT = (
    "e => { const r = document.createRange(); r.selectNodeContents(e);"
    " return r.getBoundingClientRect().left; }"
)


def test_an_arabic_book_reads_right_to_left_everywhere(browser, built: Path) -> None:
    if _language(built) != "ar":
        pytest.skip("the Arabic book only")
    require_tool("chromium")
    site = built / "_build" / "html"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for name in ("index.html", "browse.html", f"{FRENCH_REPORT}.html"):
        page.goto((site / name).as_uri())
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", name
        left, right = page.evaluate(
            "(() => { const r = document.querySelector('.bd-sidebar-primary')"
            ".getBoundingClientRect(); return [r.left, r.right]; })()"
        )
        assert left > 640 and right == 1280, f"{name}: the sidebar is not on the right"
    # the French report inside reads left to right, its Arabic byline right to left
    body = page.evaluate("getComputedStyle(document.querySelector('.report-body')).direction")
    assert body == "ltr"
    page.goto((site / "at-a-glance.html").as_uri())
    bars = page.locator("a.book-bar").all()
    assert bars, "the glance page's charts have no bars"
    for bar in bars:  # each grows leftwards from its label
        label, track, fill, count = (
            bar.locator(f".book-bar-{part}").bounding_box()
            for part in ("label", "track", "fill", "count")
        )
        assert label and track and fill and count
        assert abs(fill["x"] + fill["width"] - (track["x"] + track["width"])) < 1
        assert label["x"] >= track["x"] + track["width"] > track["x"] >= count["x"]
        # and the label's words end beside the bar, not at the page's far edge
        assert bar.locator(".book-bar-label").evaluate(TEXT_LEFT) - label["x"] < 1
    page.close()
    (epub,) = (built / "_build" / "epub").glob("*.epub")
    with zipfile.ZipFile(epub) as package:
        charts = [n for n in package.namelist() if re.search(r"reports-per-\w+\.svg$", n)]
        assert charts
        # the pictures are mirrored too: the labels (the y axis's ticks) on the right, and so
        # written from their left end (matplotlib's left-to-right charts end them at the axis)
        for name in charts:
            ticks = package.read(name).decode("utf-8").split('<g id="ytick_')[1:]
            assert ticks and all("text-anchor: start" in tick.split("</text>")[0] for tick in ticks)
        opf = package.read("content.opf").decode("utf-8")
        index = package.read("index.xhtml").decode("utf-8")
        french = package.read(f"{FRENCH_REPORT}.xhtml").decode("utf-8")
    assert 'page-progression-direction="rtl"' in opf
    assert re.search(r'<html[^>]* dir="rtl"', index)
    assert re.search(r'<div[^>]* dir="rtl" lang="ar"', french)  # its byline
    assert re.search(r'<div class="report-body" dir="ltr" lang="fr"', french)


def test_a_left_to_right_book_says_no_direction(built: Path) -> None:
    if _language(built) == "ar":
        pytest.skip("the left-to-right books only")
    index = (built / "_build" / "html" / "index.html").read_text("utf-8")
    assert 'dir="rtl"' not in index
    (epub,) = (built / "_build" / "epub").glob("*.epub")
    with zipfile.ZipFile(epub) as package:
        assert 'page-progression-direction="ltr"' in package.read("content.opf").decode("utf-8")
