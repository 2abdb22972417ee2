"""What a reader sees of the website, in Chromium at phone and desktop widths (issue 24).

The small fixture book is built (website and EPUB) and its pages are opened as a reader opens
them: the byline has room inside its box, a phone's page starts with its content (no empty
strip), every page has an icon and no request fails, browse cards have the same typography
as the pages, the filters do not fill a phone's first screen, the landing page says the
book's title once in its text, topics read as words, and a chapter's page lists its reports
with their authors, places and summaries (website and EPUB); on a report's page the sidebar
lists the reports around it in its chapter, a bounded number at any size.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from bookbuilder.sphinx.chapters import SIDEBAR_NEIGHBOURS, ChapterReportLists
from conftest import run_book, small_book_with

REPORT = "experiences/shade-for-the-scanner-sevilla.html"
CHAPTER = "chapters/france-and-germany.html"


@pytest.fixture(scope="module")
def site(small_build: Path):
    """The small book's website on a local static server (as a host serves it)."""
    folder = small_build / "_build" / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def open_page(browser, url: str, width: int = 1280, **options):
    context = browser.new_context(viewport={"width": width, "height": 800}, **options)
    page = context.new_page()
    return context, page


def test_byline_text_keeps_clear_of_its_rule_and_edge(browser, site: str) -> None:
    for width in (1280, 390):
        context, page = open_page(browser, site, width)
        page.goto(site + REPORT)
        padding = page.evaluate(
            """(() => { const s = getComputedStyle(document.querySelector('.report-byline'));
                return [s.paddingLeft, s.paddingRight, s.paddingTop].map(parseFloat); })()"""
        )
        assert min(padding) >= 8, f"{width}px: the byline's padding is {padding}"
        context.close()


def test_a_phone_page_starts_with_its_content(browser, site: str) -> None:
    context, page = open_page(browser, site, 390)
    page.goto(site + REPORT)
    top = page.evaluate(
        """(() => { const e = document.elementFromPoint(195, 4);
            return e.closest('.bd-header') ? 'the empty top bar' : e.tagName; })()"""
    )
    assert top != "the empty top bar"
    heading = page.evaluate("document.querySelector('h1').getBoundingClientRect().top")
    assert heading < 100
    context.close()


@pytest.mark.parametrize("path", ["index.html", REPORT, CHAPTER, "browse.html"])
def test_every_page_has_an_icon_and_no_request_fails(browser, site: str, path: str) -> None:
    context, page = open_page(browser, site)
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    assert failed == []
    assert errors == []  # "Got invalid theme mode" was one, on every page
    context.close()


def test_browse_cards_have_the_pages_typography_and_topics_as_words(small_build: Path) -> None:
    html = small_build / "_build" / "html"
    browse = (html / "browse.html").read_text("utf-8")
    assert "L\u2019IRM et la canicule" in browse and "L'IRM" not in browse
    assert "patient comfort" in browse  # the topic patient-comfort
    assert 'data-topic="heat cooling patient-comfort"' in browse  # the filters' values as typed
    report = (html / REPORT).read_text("utf-8")
    assert "point of care" in report and "point-of-care</p>" not in report


def test_the_filters_fold_away_on_a_phone_and_stay_open_on_a_desktop(browser, site: str):
    for width, opened in ((390, False), (1280, True)):
        context, page = open_page(browser, site, width)
        page.goto(site + "browse.html")
        panel = page.locator("#browse-filters-panel")
        assert panel.evaluate("e => e.open") is opened, width
        if not opened:  # the first screen shows reports
            first_card = page.evaluate(
                "document.querySelector('li.browse-card').getBoundingClientRect().top"
            )
            assert first_card < 800
            page.get_by_text("Filter the reports").click()
            page.get_by_label("Modality").select_option("ultrasound")
            assert page.locator("li.browse-card:visible").count() == 2
        context.close()


def test_the_landing_page_says_the_title_once_in_its_text(browser, site: str) -> None:
    context, page = open_page(browser, site, 1280)
    page.goto(site + "index.html")
    text = page.locator("main").inner_text()
    assert text.count("Imaging in the 2021 Heatwave") == 1
    sidebar = page.locator(".bd-sidebar-primary").inner_text()
    assert sidebar.count("Imaging in the 2021 Heatwave") == 1  # the title, which links home
    context.close()


def _chapter_cards(page: str) -> list[str]:
    return re.findall(r'<li class="browse-card">(.*?)</li>', page, re.S)


def test_a_chapter_page_is_a_table_of_contents(small_build: Path) -> None:
    page = (small_build / "_build" / "html" / CHAPTER).read_text("utf-8")
    cards = _chapter_cards(page)
    assert len(cards) == 2, cards
    lyon = next(c for c in cards if "chaleur-et-irm-lyon.html" in c)
    assert "Amélie Rousseau-Lefèvre (Radiographer)" in lyon
    assert "Lyon, France" in lyon
    assert "Une manipulatrice raconte" in lyon  # the summary
    assert "browse-chapter" not in lyon  # its own chapter is not named again
    assert '<h2 class="browse-title" lang="fr"' in page  # a heading per report
    with zipfile.ZipFile(next((small_build / "_build" / "epub").glob("*.epub"))) as epub:
        name = next(n for n in epub.namelist() if n.endswith("france-and-germany.xhtml"))
        xhtml = epub.read(name).decode("utf-8")
    assert len(_chapter_cards(xhtml)) == 2
    assert "Amélie Rousseau-Lefèvre (Radiographer)" in xhtml


def test_a_report_page_sidebar_lists_its_chapters_reports(small_build: Path) -> None:
    page = (small_build / "_build" / "html" / "experiences/hitze-im-ct-koeln.html").read_text()
    sidebar = page[page.index('class="chapter-sidebar-reports"') :]
    sidebar = sidebar[: sidebar.index("</ol>")]
    assert "chaleur-et-irm-lyon.html" in sidebar
    assert 'class="current reference internal" href="#"' in sidebar
    assert "shade-for-the-scanner-sevilla" not in sidebar  # another chapter's


def test_the_sidebar_lists_a_bounded_number_of_reports_at_any_size(tmp_path: Path) -> None:
    reports = [f"experiences/r{i}" for i in range(1000)]
    env = SimpleNamespace(
        srcdir=tmp_path,  # no data file: no translations
        toctree_includes={"index": ["chapters/big"], "chapters/big": reports},
    )
    lists = ChapterReportLists(env)
    width = 2 * SIDEBAR_NEIGHBOURS + 1
    chapter, shown, cut = lists.around("experiences/r500")
    assert chapter == "chapters/big" and cut
    assert shown == reports[500 - SIDEBAR_NEIGHBOURS : 500 + SIDEBAR_NEIGHBOURS + 1]
    assert lists.around("experiences/r0")[1] == reports[:width]
    assert lists.around("experiences/r999")[1] == reports[-width:]
    assert lists.around("chapters/big") is None
    small = ChapterReportLists(
        SimpleNamespace(srcdir=tmp_path, toctree_includes={"chapters/s": reports[:3]})
    )
    assert small.around("experiences/r1") == ("chapters/s", reports[:3], False)


def test_the_book_may_label_its_topics(tmp_path: Path) -> None:
    labels = {"patient-comfort": "Patient comfort (cooling)", "heat": "Heat"}
    root = small_book_with(tmp_path / "book", {"topic_labels": labels})
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    html = root / "_build" / "html"
    report = (html / "experiences" / "chaleur-et-irm-lyon.html").read_text("utf-8")
    assert "Topics: Heat, cooling, Patient comfort (cooling)" in report
    chapter = (html / CHAPTER).read_text("utf-8")
    assert "Heat · cooling · Patient comfort (cooling)" in chapter
    browse = (html / "browse.html").read_text("utf-8")
    assert '<option value="patient-comfort">Patient comfort (cooling) (1)</option>' in browse


def test_a_topic_label_that_is_no_topic_is_an_error_naming_conf_py(tmp_path: Path) -> None:
    root = small_book_with(tmp_path / "book", {"topic_labels": {"Not a topic!": "x"}})
    result = run_book(root, "check")
    assert result.returncode == 1
    assert re.search(r"conf\.py:\d+: topic_labels\['Not a topic!'\]: found", result.stdout), (
        result.stdout
    )
