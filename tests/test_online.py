"""The online edition, built for real and used in a real headless Chromium.

The small fixture book is built (all three editions, then the HTML alone) and its pages are
opened from ``file://`` and from a local static server: the downloads resolve, the filters show
exactly the expected reports and the URL reproduces the view, the page works without JavaScript,
and axe-core finds no critical or serious accessibility violation. Screenshots at desktop and
phone widths go to ``tests/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bookbuilder.model import Author, BookMeta
from bookbuilder.render import charts, cite
from bookbuilder.render.browse import FacetValue
from conftest import ROOT, SMALL, a_record, copy_book, require, require_tool, run_book

AXE = ROOT / "tools" / "ace" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
BASENAME = "heatwave-2021"


def published_slugs() -> list[str]:
    """The small book's accepted reports, read with plain PyYAML (not the builder's loader)."""
    slugs = []
    for path in sorted((SMALL / "experiences").glob("*.md")):
        front = yaml.load(path.read_text("utf-8").split("---", 2)[1], Loader=yaml.BaseLoader)
        if front.get("status", "accepted") == "accepted":
            slugs.append(path.stem)
    return slugs


# -- builds -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_build(small_all_build: Path) -> Path:
    """The small book with all three editions (`make all`; shared with other tests)."""
    return small_all_build


@pytest.fixture(scope="module")
def html_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book's web edition alone (`make html`), with a hostile report added."""
    root = copy_book(SMALL, tmp_path_factory.mktemp("online-html"))
    (root / "experiences" / "hostile-title.md").write_text(
        "---\n"
        'title: "<img src=x onerror=alert(1)> & {braces} $100 %50 #1 \\\\ ~"\n'
        "authors:\n"
        '  - name: "O\'Brien & Sons <b>"\n'
        "    role: organisation\n"
        "country: IE\n"
        "submitted: 2021-08-01\n"
        "consent: true\n"
        'summary: "A <script>alert(2)</script> summary."\n'
        "---\n\nA body.\n",
        "utf-8",
    )
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def as_text(page: str) -> str:
    """A page's text as a reader sees it: tags (syntax highlighting's spans) out, unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def html_dir(root: Path) -> Path:
    return root / "_build" / "html"


# -- without a browser --------------------------------------------------------------------------


def test_html_alone_offers_no_download_that_does_not_exist(html_build: Path) -> None:
    index = (html_dir(html_build) / "index.html").read_text("utf-8")
    assert "book-downloads" not in index
    assert not (html_dir(html_build) / "downloads").exists()
    assert 'href="browse.html"' in index  # the way into the reports is there


def test_all_editions_put_the_epub_and_pdf_into_the_web_edition(full_build: Path) -> None:
    build = full_build / "_build"
    index = (build / "html" / "index.html").read_text("utf-8")
    for folder, suffix in (("epub", "epub"), ("pdf", "pdf")):
        original = build / folder / f"{BASENAME}.{suffix}"
        copy = build / "html" / "downloads" / f"{BASENAME}.{suffix}"
        assert copy.read_bytes() == original.read_bytes()
        assert f'href="downloads/{BASENAME}.{suffix}"' in index


def test_landing_and_browse_stay_out_of_the_pdf_charts_do_not(full_build: Path) -> None:
    require_tool("pdftotext")
    import subprocess

    pdf = full_build / "_build" / "pdf" / f"{BASENAME}.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Browse the reports" not in text
    assert "Take the whole book with you" not in text
    assert "Reports per region" in text
    typ = (full_build / "_build" / "pdf" / f"{BASENAME}.typ").read_text("utf-8")
    # The chart goes into the PDF as the SVG itself (vector graphics), not as a bitmap.
    assert '#figure(image("_images/glance--reports-per-region.svg"' in typ
    assert (full_build / "_build" / "pdf" / "_images" / "glance--reports-per-region.svg").is_file()


def test_epub_has_charts_but_no_web_only_parts(full_build: Path) -> None:
    epub = full_build / "_build" / "epub" / f"{BASENAME}.epub"
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        pages = {n: z.read(n).decode("utf-8") for n in names if n.endswith(".xhtml")}
    assert any(n.endswith("reports-per-country.svg") for n in names)
    for name, page in pages.items():
        assert "og:title" not in page, name
        assert "report-trailer" not in page, name
        assert "browse-filters" not in page, name
        assert "<script" not in page, name  # no script in the e-book, browse.js included
        # the landing page's cover picture: the EPUB has its own cover page
        assert "book-cover" not in page, name
    assert [n for n in names if "cover" in n.rsplit("/", 1)[-1] and n.endswith(".png")] == [
        "_images/cover.png"
    ], names


def test_report_pages_carry_link_previews_and_a_way_back(html_build: Path) -> None:
    page = (html_dir(html_build) / "experiences" / "shade-for-the-scanner-sevilla.html").read_text(
        "utf-8"
    )
    assert '<meta property="og:title" content="Shade first, then scan" />' in page
    assert '<meta property="og:type" content="article" />' in page
    assert 'name="twitter:card"' in page
    assert 'property="og:description" content="Fictional example report. Point-of-care' in page
    assert 'href="../chapters/ultrasound.html"' in page
    assert "@incollection{shade-for-the-scanner-sevilla," in as_text(page)


def test_hostile_report_text_is_escaped_everywhere(html_build: Path) -> None:
    out = html_dir(html_build)
    for page in ("browse.html", "experiences/hostile-title.html"):
        text = (out / page).read_text("utf-8")
        assert "<img src=x" not in text, page
        assert "<script>alert(2)" not in text, page
        assert "<b>" not in text, page
    report = (out / "experiences" / "hostile-title.html").read_text("utf-8")
    assert 'content="&lt;img src=x onerror=alert(1)&gt; &amp; {braces}' in report
    # The BibTeX entry as a reader copies it: TeX specials escaped, braces balanced
    text = as_text(report)
    assert (
        r"title = {{<img src=x onerror=alert(1)> \& \textbraceleft{}braces\textbraceright{} "
        r"\$100 \%50 \#1" in text
    )
    assert r"author = {{O'Brien \& Sons <b>}}" in text


def test_sidebar_lists_chapters_not_reports(html_build: Path) -> None:
    page = (html_dir(html_build) / "experiences" / "hitze-im-ct-koeln.html").read_text("utf-8")
    nav = page[page.index("bd-docs-nav") :]
    nav = nav[: nav.index("</nav>")]
    assert "chapters/france-and-germany.html" in nav
    assert "experiences/" not in nav.replace("hitze-im-ct-koeln.html", "")


def test_chapter_page_lists_its_reports(html_build: Path) -> None:
    page = (html_dir(html_build) / "chapters" / "france-and-germany.html").read_text("utf-8")
    assert "../experiences/chaleur-et-irm-lyon.html" in page
    assert "../experiences/hitze-im-ct-koeln.html" in page


def test_bibtex_escapes_every_special_and_keeps_names_whole() -> None:
    record = a_record(
        (Author("Smith and Jones, Ltd.", "organisation"), Author("Zoë", "nurse")),
        title="A {b} & c_d 50% #1 $2 ^ ~ \\",
    )
    book = BookMeta(title="B", language="en", year=2020, editors=("E",), publisher="P")
    entry = cite.bibtex(record, book, "https://example.org/x_y.html")
    assert "author = {{Smith and Jones, Ltd.} and {Zoë}}" in entry
    assert (
        r"title = {{A \textbraceleft{}b\textbraceright{} \& c\_d 50\% \#1 \$2 "
        r"\textasciicircum{} \textasciitilde{} "
        r"\textbackslash{}}}" in entry
    )
    assert r"url = {https://example.org/x\_y.html}" in entry
    assert entry.count("{") == entry.count("}")


def test_charts_are_deterministic_svg_with_text() -> None:
    values = [FacetValue("FR", "France", 3), FacetValue("DE", "Germany", 1)]
    first = charts.bar_chart_svg(values, "Reports")
    assert first == charts.bar_chart_svg(values, "Reports")
    svg = first.decode("utf-8")
    assert "<dc:date>" not in svg
    assert ">France<" in svg and ">Germany<" in svg


# -- in Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(full_build: Path) -> Iterator[str]:
    """A plain static file server over the web edition, like any static host."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(html_dir(full_build))
    )
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def visible_cards(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "li.browse-card:not([hidden]) p.browse-title a",
        "links => links.map(a => a.getAttribute('href'))",
    )
    return sorted(Path(h).stem for h in hrefs)


def test_landing_page_downloads_resolve(browser, server: str, full_build: Path) -> None:
    page = browser.new_page()
    page.goto(server + "index.html")
    links = page.locator("a.book-download")
    assert links.count() == 2
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        response = page.request.get(server + href)
        assert response.status == 200, href
        suffix = href.rsplit(".", 1)[1]
        folder = "epub" if suffix == "epub" else "pdf"
        original = full_build / "_build" / folder / f"{BASENAME}.{suffix}"
        assert response.body() == original.read_bytes()
        size = original.stat().st_size
        shown = links.nth(i).inner_text()
        assert re.search(r"\(\d+(\.\d)? (kB|MB)\)", shown), shown
        assert size > 10_000
    page.close()


def test_landing_page_shows_a_cover_even_when_none_is_configured(
    browser, server: str, full_build: Path
) -> None:
    page = browser.new_page()
    page.goto(server + "index.html")
    cover = page.locator("img.book-cover")
    assert cover.count() == 1
    assert cover.get_attribute("alt")
    # loaded, and a portrait (the typographic cover, drawn like the EPUB's)
    width, height = cover.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert 0 < width < height
    page.close()


def test_filters_combine_and_the_url_reproduces_the_view(browser, full_build: Path) -> None:
    url = (html_dir(full_build) / "browse.html").as_uri()
    page = browser.new_page()
    page.goto(url)
    everyone = published_slugs()
    assert visible_cards(page) == everyone
    assert page.locator("#browse-count").inner_text() == f"Showing all {len(everyone)} reports"
    # Real labelled controls: found by their label text, as a screen reader announces them.
    page.get_by_label("Role").select_option("radiologist")
    assert visible_cards(page) == ["hitze-im-ct-koeln", "shade-for-the-scanner-sevilla"]
    page.get_by_label("Country").select_option("ES")
    assert visible_cards(page) == ["shade-for-the-scanner-sevilla"]
    assert page.locator("#browse-count").inner_text() == f"Showing 1 of {len(everyone)} reports"
    assert page.locator("#browse-count").get_attribute("aria-live") == "polite"
    shared = page.url
    assert "role=radiologist" in shared and "country=ES" in shared
    # Someone opens the shared link: the same view.
    other = browser.new_page()
    other.goto(shared)
    assert visible_cards(other) == ["shade-for-the-scanner-sevilla"]
    assert other.get_by_label("Country").input_value() == "ES"
    other.close()
    # A combination with no report, then clearing.
    page.get_by_label("Language").select_option("fr")
    assert visible_cards(page) == []
    assert page.locator("#browse-empty").is_visible()
    page.get_by_role("button", name="Clear all filters").click()
    page.wait_for_function("!location.hash")
    assert visible_cards(page) == everyone
    page.get_by_label("Modality").select_option("ultrasound")
    assert visible_cards(page) == ["chaleur-et-irm-lyon", "shade-for-the-scanner-sevilla"]
    page.get_by_label("Region").select_option("Americas")
    assert visible_cards(page) == []
    page.close()


def test_browse_without_javascript_is_the_full_list(browser, full_build: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((html_dir(full_build) / "browse.html").as_uri())
    assert visible_cards(page) == published_slugs()
    assert not page.locator("#browse-filters").is_visible()  # no controls that do nothing
    assert not page.locator("#browse-empty").is_visible()
    context.close()


PAGES = {
    "landing": "index.html",
    "browse": "browse.html#role=radiologist",
    "chapter": "chapters/france-and-germany.html",
    "report": "experiences/shade-for-the-scanner-sevilla.html",
    "glance": "at-a-glance.html",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation_and_screenshots(
    browser, full_build: Path, name: str
) -> None:
    require(AXE.is_file(), f"needs axe-core: run `make setup-ace` ({AXE} is missing)")
    ARTIFACTS.mkdir(exist_ok=True)
    url = (html_dir(full_build) / PAGES[name].split("#")[0]).as_uri()
    url += "#" + PAGES[name].split("#")[1] if "#" in PAGES[name] else ""
    for width, label in ((1280, "desktop"), (390, "phone")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
                .map(v => v.id + ': ' + v.nodes.map(n => n.html.slice(0, 120)).join(' | '))"""
        )
        assert violations == [], f"{name} at {width}px: {violations}"
        page.screenshot(path=str(ARTIFACTS / f"online-{name}-{label}.png"), full_page=True)
        page.close()


def test_configured_cover_loses_its_metadata_on_the_landing_page(tmp_path: Path) -> None:
    from PIL import Image

    root = copy_book(SMALL, tmp_path / "book")
    exif = Image.Exif()
    exif[0x010F] = "Example Camera Maker"  # Make
    exif[0x0131] = "Secret Software 1.0"  # Software
    original = root / "cover.jpg"
    Image.new("RGB", (600, 900), (40, 90, 60)).save(original, exif=exif)
    before = original.read_bytes()
    conf = root / "conf.py"
    text = conf.read_text("utf-8")
    assert '"cover"' not in text
    conf.write_text(text.replace("book = {", 'book = {\n    "cover": "cover.jpg",'), "utf-8")
    result = run_book(root, "render")
    assert result.returncode == 0, result.stdout + result.stderr
    copy = root / "_build" / "src" / "_cover" / "book-cover.jpg"
    with Image.open(copy) as image:
        assert dict(image.getexif()) == {}
    assert b"Secret Software" not in copy.read_bytes()
    assert original.read_bytes() == before  # the editor's file is never changed
