"""What a reader finds at the back of the book and in its search, in every edition.

- The index (``sphinx/bookindex.py``): one, made from the same entries for the website, the
  EPUB and the PDF, in sections (authors under their family names, countries, roles,
  modalities, topics), labels not slugs, in ICU's order for the book's language ("Ł" between
  "L" and "M"), linked from the navigation; the EPUB declares an index only when it has one.
- Every page's ``<title>`` is plain text: the page's title and the book's.
- Search: a report's word finds that report once, with a snippet of its text; no page but
  the search page loads the search index, and that one only when a reader searches.
"""

from __future__ import annotations

import html
import http.server
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from zipfile import ZipFile

import pytest

from bookbuilder.model import Author
from bookbuilder.names import PersonName
from bookbuilder.sphinx import a11y, bookindex
from conftest import FIXTURES, a_record, copy_book, require, require_pdf, run_book

TITLE = "Radiology Against COVID-19"
# Printed as written, filed under their family names: Abbott, Lewandowska, Łukasiewicz, Mazur
# (then the fixture's own authors); "Ł" is a letter of its own after "L" in Polish, and a
# variant of "L" in English: between "Lewandowska" and "Mazur" in both.
AUTHORS = """authors:
  - name: "Marek Mazur"
    role: radiologist
  - name: "Łucja Łukasiewicz"
    role: medical-physicist
  - name: "Anna Lewandowska"
    role: nurse
  - name: "Zoe Abbott"
    role: radiographer
"""
FILED = ["Zoe Abbott", "Anna Lewandowska", "Łucja Łukasiewicz", "Marek Mazur"]
SECTIONS = ["Authors", "Countries", "Roles", "Modalities", "Topics"]
EPUB_OPS = "{http://www.idpf.org/2007/ops}type"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def index_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture book with a hyphenated title (markup in html_title) and a report by
    four authors whose names need the family name and ICU to be filed right; all editions."""
    require_pdf("pdftotext")
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("index-book"))
    conf = root / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace('"Imaging in the 2021 Heatwave"', f'"{TITLE}"'), "utf-8"
    )
    report = root / "experiences" / "wildfire-smoke-vancouver.md"
    text = report.read_text("utf-8")
    start, end = text.index("authors:\n"), text.index("country:")
    report.write_text(text[:start] + AUTHORS + text[end:], "utf-8")
    # a translation: a page type of its own (its title says so), and no index entry
    (root / "experiences" / "hitze-im-ct-koeln.de.md").write_text(TRANSLATION, "utf-8")
    result = run_book(root, "build", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build"


TRANSLATION = """---
title: "Neununddreißig Grad im CT-Kontrollraum"
translators:
  - name: "Greta Übersetzer"
summary: >
  Fiktives Beispiel. Ein Radiologe über zwei CT-Scanner in einer Woche großer Hitze.
---

Unser Kontrollraum hat kein Fenster und eine alte Klimaanlage. In der heißesten Woche haben wir
die Befundplätze in einen kühleren Raum im Stockwerk darunter verlegt, die Techniker gebeten,
jeden Morgen die Kühlung der Scanner zu prüfen, und die Schichten im Kontrollraum auf vier
Stunden verkürzt. Niemand musste nach Hause gehen, und kein Scanner fiel aus. Das Wasser stand
auf jedem Tisch, und die Patienten bekamen Fächer aus Pappe, während sie warteten. Wir haben viel
gelernt, und im nächsten Sommer wird der Raum eine neue Klimaanlage haben.
"""


def _section_terms(index_page: str) -> dict[str, list[str]]:
    """Each section's heading and its terms, in order, from the index page's HTML."""
    found: dict[str, list[str]] = {}
    for heading, body in re.findall(
        r'<h2 id="index-[^"]+">([^<]*)</h2>(.*?)</section>', index_page, re.S
    ):
        terms = re.findall(r'<span class="book-index-term"[^>]*>([^<]*)</span>', body)
        found[html.unescape(heading)] = [html.unescape(t) for t in terms]
    return found


def _check_sections(sections: dict[str, list[str]]) -> None:
    assert list(sections) == SECTIONS
    authors = sections["Authors"]
    assert [a for a in authors if a in FILED] == FILED
    assert authors.index("Anna Lewandowska") < authors.index("Łucja Łukasiewicz")
    assert authors.index("Łucja Łukasiewicz") < authors.index("Marek Mazur")
    assert "Amélie Rousseau-Lefèvre" in authors and "Jürgen Weiß" in authors
    assert not [a for a in authors if "Übersetzer" in a]  # a translation adds no entry
    assert sections["Countries"] == ["Canada", "France", "Germany", "Spain"]
    assert "Medical physicist" in sections["Roles"] and "Nurse" in sections["Roles"]
    assert sections["Modalities"] == ["CT", "MRI", "Radiography", "Ultrasound"]
    assert "air quality" in sections["Topics"] and "patient comfort" in sections["Topics"]
    assert not [t for t in sections["Topics"] if "-" in t]  # words, not slugs


def test_the_website_index_lists_every_kind_of_entry_in_order(index_book: Path) -> None:
    site = index_book / "html"
    page = (site / "genindex.html").read_text("utf-8")
    _check_sections(_section_terms(page))
    # every locator leads to its report's byline
    for href in set(re.findall(r'class="book-index-locators"><li><a href="([^"]+)"', page)):
        path, _sep, target = href.partition("#")
        assert f'id="{target}"' in (site / path).read_text("utf-8"), href
    # linked from every page's navigation
    for name in ("index.html", "experiences/hitze-im-ct-koeln.html", "chapters/preface.html"):
        text = (site / name).read_text("utf-8")
        nav = text[text.index('class="bd-links book-index-link"') :]
        assert re.search(r'href="(\.\./)?genindex\.html">Index</a>', nav), name


def test_the_epub_index_follows_epub_indexes_and_is_declared(index_book: Path) -> None:
    epub = next((index_book / "epub").glob("*.epub"))
    with ZipFile(epub) as book:
        page = book.read("genindex.xhtml").decode()
        opf = book.read("content.opf").decode()
        nav = book.read("nav.xhtml").decode()
    root = ET.fromstring(page)
    kinds = [e.get(EPUB_OPS) for e in root.iter() if e.get(EPUB_OPS)]
    assert kinds.count("index") == 1
    for kind in ("index-group", "index-entry-list", "index-entry", "index-term", "index-locator"):
        assert kind in kinds, kind
    # each entry: its term, then its locators
    entries = [e for e in root.iter() if e.get(EPUB_OPS) == "index-entry"]
    for entry in entries:
        assert entry[0].get(EPUB_OPS) == "index-term"
        assert any(a.get(EPUB_OPS) == "index-locator" for a in entry.iter(f"{XHTML}a"))
    _check_sections(_section_terms(page))
    # The claim, checked against the file: declared, in the landmarks and the spine.
    assert entries
    assert '<meta property="schema:accessibilityFeature">index</meta>' in opf
    assert a11y.SUMMARY_INDEX in opf
    assert 'epub:type="index" href="genindex.xhtml"' in nav  # a landmark
    toc = nav[nav.index('epub:type="toc"') : nav.index('epub:type="landmarks"')]
    assert re.search(r'<li>\s*<a href="genindex.xhtml">Index</a>\s*</li>\s*</ol>', toc)  # last
    spine_ids = re.findall(r'<itemref idref="([^"]+)"', opf)
    index_id = re.search(r'<item id="([^"]+)" href="genindex.xhtml"', opf)
    assert index_id and index_id.group(1) in spine_ids


def test_a_book_without_entries_offers_and_claims_no_index(tmp_path: Path) -> None:
    """A book of chapter pages alone (every report left out): no index page in the website or
    the EPUB, no link to one, and no claim of one in the EPUB's metadata."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    for report in (root / "experiences").glob("*.md"):
        report.unlink()
    result = run_book(root, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "_build" / "html"
    assert not (site / "genindex.html").exists()
    for page in site.rglob("*.html"):
        assert "genindex" not in page.read_text("utf-8"), page
    epub = next((root / "_build" / "epub").glob("*.epub"))
    with ZipFile(epub) as book:
        assert "genindex.xhtml" not in book.namelist()
        opf = book.read("content.opf").decode()
        nav = book.read("nav.xhtml").decode()
    assert "genindex" not in opf and 'epub:type="index"' not in nav
    assert '<meta property="schema:accessibilityFeature">index</meta>' not in opf
    assert a11y.SUMMARY_INDEX not in opf and "an index" not in opf


def test_the_claim_of_an_index_follows_the_index() -> None:
    common = {"images": 0, "charts": 0, "checks_passed": True, "publisher": "P"}
    without = a11y.facts_from_checks(has_index=False, **common)
    with_index = a11y.facts_from_checks(has_index=True, **common)
    assert "index" not in without.features and a11y.SUMMARY_INDEX not in without.summary
    assert "index" in with_index.features and a11y.SUMMARY_INDEX in with_index.summary
    assert not bookindex.has_entries([])


def test_the_pdf_index_has_the_same_sections_and_order(index_book: Path) -> None:
    pdf = next((index_book / "pdf").glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    index = text[text.rindex("Index\nAuthors") :]
    assert [s for s in re.findall(r"^(\w+)$", index, re.M) if s in SECTIONS] == SECTIONS
    positions = [index.index(name + ",") for name in FILED]
    assert positions == sorted(positions)
    assert "patient comfort, " in index and "patient-comfort" not in index
    assert re.search(r"^Radiography, \d+$", index, re.M)


@pytest.mark.parametrize(
    ("name", "family", "filed"),
    [
        ("Giulia Bianchi", "Bianchi", "Bianchi, Giulia"),
        ("Kim Min-jun", "Kim", "Kim, Min-jun"),
        ("Alejandro Ruiz Carrillo", "Ruiz Carrillo", "Ruiz Carrillo, Alejandro"),
        ("Hospital Esempio, Radiology", None, "Hospital Esempio, Radiology"),
        ("Plato", None, "Plato"),
    ],
)
def test_a_name_is_printed_as_written_and_filed_under_its_family_name(
    name: str, family: str | None, filed: str
) -> None:
    # The family name comes from the author's one PersonName (stated, or guessed); the entry
    # prints the name as written and carries the form it is filed as.
    organisation = family is None and "," in name
    role = "organisation" if organisation else "radiologist"
    author = Author(name, role, person=PersonName.of(name, family, organisation=organisation))
    [entry] = [
        e for e in bookindex.index_entries(a_record((author,)), "t") if e[4].startswith("author")
    ]
    assert entry[1] == name
    assert entry[4] == f"author:{filed}"


# -- titles -----------------------------------------------------------------------------------

TITLE_TAG = re.compile(r"<title>(.*?)</title>", re.S)


def _page_title(text: str) -> str:
    """The page's own title: its first h1 (as text)."""
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    assert h1, "a page without a heading"
    return html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).replace("¶", "").strip()


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_every_page_title_is_plain_text(index_book: Path, edition: str) -> None:
    folder = index_book / edition
    suffix = ".html" if edition == "html" else ".xhtml"
    pages = [
        p
        for p in folder.rglob(f"*{suffix}")
        if p.name != "nav.xhtml" and not p.relative_to(folder).as_posix().startswith("_")
    ]
    kinds = {p.relative_to(folder).as_posix().split("/")[0].removesuffix(suffix) for p in pages}
    for kind in (
        "index",
        "experiences",
        "chapters",
        "browse",
        "contributors",
        "genindex",
        "at-a-glance",
        "accessibility",
    ):
        assert kind in kinds or (edition == "epub" and kind == "browse"), kind
    if edition == "html":
        assert "search" in kinds
    assert (folder / f"experiences/hitze-im-ct-koeln.de{suffix}").is_file()  # a translation
    for path in pages:
        text = path.read_text("utf-8")
        # the page's own title, in its head (an inline SVG, the world map, has titles of its own)
        titles = TITLE_TAG.findall(text.split("</head>", 1)[0])
        assert len(titles) == 1, path
        shown = html.unescape(titles[0])
        assert "<" not in shown and ">" not in shown, (path, titles[0])
        assert not re.search(r"&lt;|&gt;", titles[0]), (path, titles[0])
        if path.name == "epub-cover.xhtml":
            continue
        page_title = "Search" if path.name == "search.html" else _page_title(text)
        assert page_title in shown, (path, shown)
        if edition == "html":
            assert TITLE in shown, (path, shown)  # and the book's, whole


# -- search -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(index_book: Path) -> Iterator[str]:
    """The website on a plain static server (search fetches the pages for its snippets)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = partial(Quiet, directory=str(index_book / "html"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_a_report_page_does_not_load_the_search_index(browser, site: str) -> None:
    page = browser.new_page()
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    try:
        page.goto(site + "experiences/hitze-im-ct-koeln.html", wait_until="networkidle")
        assert not [u for u in loaded if "searchindex" in u or "searchtools" in u], loaded
        # the reader searches: the header's field opens the search page, which loads it
        page.keyboard.press("Control+k")
        field = page.locator("#pst-search-dialog input[name=q]")
        field.fill("scanners")
        field.press("Enter")
        page.wait_for_selector("#search-results li")
        assert [u for u in loaded if u.endswith("searchindex.js")]
    finally:
        page.close()


def test_search_finds_a_report_once_with_a_snippet_of_its_text(browser, site: str) -> None:
    page = browser.new_page()
    try:
        # "scanners" is in the Köln report's summary and body; "heat" in every report and
        # every report's index entries (a topic).
        page.goto(site + "search.html?q=scanners")
        page.wait_for_function(
            "document.querySelector('#search-results p.context') !== null"
            " || document.querySelector('#search-results p')"
        )
        page.wait_for_timeout(300)
        items = page.evaluate(
            "Array.from(document.querySelectorAll('#search-results li')).map(li => "
            "[li.querySelector('a').textContent, li.querySelector('a').getAttribute('href'),"
            " li.querySelector('p.context')?.textContent || ''])"
        )
        titles = [title for title, _href, _snippet in items]
        assert titles.count("Thirty-nine degrees in the CT control room") == 1, items
        assert len(titles) == len(set(titles)), items  # one result per page
        snippet = next(s for t, _h, s in items if t.startswith("Thirty-nine"))
        assert "scanners" in snippet.lower(), snippet
        for chrome in ("System Settings", "Light", "Dark", "Cite this"):
            assert chrome not in snippet, snippet
        page.goto(site + "search.html?q=heat")
        page.wait_for_function("document.querySelectorAll('#search-results li').length >= 4")
        page.wait_for_timeout(300)
        titles = page.evaluate(
            "Array.from(document.querySelectorAll('#search-results li > a'))"
            ".map(a => a.textContent)"
        )
        assert len(titles) == len(set(titles)), titles
        assert not [t for t in titles if ">" in t], titles  # no "Report > Section"
    finally:
        page.close()


def test_the_search_field_keeps_its_icon_clear_of_the_text(browser, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(site + "search.html?q=scanners")
        box = page.evaluate(
            """(() => {
              const form = document.querySelector('.bd-search-container form.bd-search');
              const icon = form.querySelector('i').getBoundingClientRect();
              const input = form.querySelector('input');
              const style = getComputedStyle(input);
              const textStart = input.getBoundingClientRect().left
                + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth);
              return [icon.right, textStart, icon.width];
            })()"""
        )
        icon_right, text_start, icon_width = box
        assert icon_width > 0
        assert icon_right <= text_start, box
    finally:
        page.close()


AXE = Path(__file__).resolve().parents[1] / "tools" / "ace" / "node_modules" / "axe-core"


@pytest.mark.parametrize("name", ["genindex.html", "search.html?q=scanners"])
def test_the_index_and_search_pages_pass_axe(browser, site: str, name: str) -> None:
    axe = AXE / "axe.min.js"
    require(axe.is_file(), f"needs axe-core: run `make setup-ace` ({axe} is missing)")
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(site + name, wait_until="networkidle")
            page.add_script_tag(path=str(axe))
            violations = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']}))
                    .violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
                    .map(v => v.id + ': ' + v.nodes.map(n => n.html.slice(0, 120)).join(' | '))"""
            )
            assert violations == [], f"{name} at {width}px: {violations}"
        finally:
            page.close()
