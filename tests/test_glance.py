"""The world map and the charts of "The collection at a glance" (issue 28), on a generated book
of 140 reports (the benchmark's) with a report from Malta (a small country: a marker) and one
from Réunion (a code the map's data does not draw: a warning, named under the map).

On the website every country of the map and every bar is followed in Chromium to the browse
page, whose visible cards must be as many as the link says; in the EPUB and the PDF the map is
a picture with its caption and every country with its count is listed.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest

from bookbuilder import words
from bookbuilder.render import glance_words
from bookbuilder.render.browse import FacetValue
from bookbuilder.render.charts import bar_chart_svg
from bookbuilder.render.worldmap import Country, map_svg
from bookbuilder.sphinx.epub import ace_command, chromium, run_ace, run_epubcheck
from bookbuilder.sphinx.glance import _bar_name
from conftest import ROOT, require, require_tool, run_book
from test_pdf import structure

sys.path.insert(0, str(ROOT / "scripts"))
import benchmark

COUNT = re.compile(r"^(?P<label>.+): (?P<count>\d+) reports?$")


def _move(root: Path, slug_part: str, code: str, city: str) -> str:
    """Send one generated report to another country; its file's name."""
    path = next(p for p in sorted((root / "experiences").glob("*.md")) if slug_part in p.name)
    text = re.sub(r"(?m)^country: \w+$", f"country: {code}", path.read_text("utf-8"), count=1)
    text = re.sub(r"(?m)^city: .+$", f"city: {city}", text, count=1)
    path.write_text(text, "utf-8")
    return path.name


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("glance") / "book"
    benchmark.write_book(root, 140)
    files = sorted(p.name for p in (root / "experiences").glob("*.md"))
    malta = _move(root, files[0].removesuffix(".md"), "MT", "Valletta")
    reunion = _move(root, files[1].removesuffix(".md"), "RE", "Saint-Denis")
    check = run_book(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    result = run_book(root, "build", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"root": root, "malta": malta, "reunion": reunion, "check": check.stdout + check.stderr}


def _html(book: dict) -> Path:
    return book["root"] / "_build" / "html"


@pytest.mark.slow  # a book with the map built in all three editions
def test_a_country_the_map_cannot_draw_is_a_warning_naming_the_report(book: dict) -> None:
    said = book["check"]
    line = next(line for line in said.splitlines() if "report.off-map" in line)
    assert book["reunion"] in line and "'RE' (Réunion)" in line
    assert book["malta"] not in said  # Malta is on the map, as a marker


def test_static_map_has_no_link_the_linked_one_a_named_link_per_country() -> None:
    countries = [Country("FR", "France", 3), Country("MT", "Malta", 1), Country("RE", "R", 2)]
    static = map_svg(countries)
    assert "<a " not in static and "<circle" in static  # Malta's marker
    linked = map_svg(countries, lambda code: f"browse.html#country={code}")
    # the group's label, then each country's: the large first, the small on top (drawn last)
    names = re.findall(r'aria-label="([^"]+)"', linked)[1:]
    assert names == ["France: 3 reports", "Malta: 1 report"]
    assert "country=RE" not in linked  # not drawn; listed under the map instead


@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("en", 1, "Nurse: 1 report"),
        ("sw", 3, "Nurse: simulizi 3"),  # the noun before the number
        ("ja", 3, "Nurse：3件"),  # a counter, no space
        ("ar", 3, "Nurse: 3 تقارير"),  # 3 to 10 and 11 to 99 take other forms
        ("ar", 11, "Nurse: 11 تقريرًا"),
    ],
)
def test_a_bars_and_a_countrys_name_is_one_phrase_in_the_books_order(
    language: str, count: int, said: str
) -> None:
    words.install(language)
    try:
        assert glance_words.named_count("Nurse", count) == said
        bar = _bar_name("Nurse", count)
    finally:
        words.install("en")
    # the link's text (its name) is the same phrase; the label and the number are shown
    assert html.unescape(re.sub(r"<[^>]+>", "", bar)) == said
    shown = re.sub(r'<span class="book-visually-hidden">[^<]*</span>', "", bar)
    assert re.sub(r"<[^>]+>", "|", shown).strip("|").split("||") == ["Nurse", str(count)]


def _bars_and_labels(svg: str, labels: list[str]) -> tuple[set[float], set[float], list[float]]:
    """The chart's bars' left and right edges, and where each label's text starts (x)."""
    bars = re.findall(r'<path d="([^"]+)"[^>]*style="fill: #1f6f8b"', svg)
    xs = [[float(x) for x in re.findall(r"[ML] ([\d.]+) ", d)] for d in bars]
    starts = [float(re.search(rf'x="([\d.]+)"[^>]*>{re.escape(t)}</text>', svg)[1]) for t in labels]
    return {min(x) for x in xs}, {max(x) for x in xs}, starts


def test_a_right_to_left_books_static_chart_is_mirrored() -> None:
    """The EPUB's and the PDF's chart: in an Arabic book the labels are on the right and the
    bars grow leftwards from them, as on its website; else the other way round."""
    values = [
        FacetValue("n", "ممرضة", 5),
        FacetValue("r", "طبيب أشعة", 3),
        FacetValue("t", "فني", 1),
    ]
    labels = [v.label for v in values]
    lefts, rights, starts = _bars_and_labels(
        bar_chart_svg(values, "التقارير", True).decode(), labels
    )
    assert len(rights) == 1 and len(lefts) == 3  # every bar starts at the same right edge
    assert all(start > max(rights) for start in starts)  # the labels right of the bars
    lefts, rights, starts = _bars_and_labels(bar_chart_svg(values, "Reports").decode(), labels)
    assert len(lefts) == 1 and len(rights) == 3
    assert all(start < min(lefts) for start in starts)


def _follow(page, link) -> int:
    """Open a link's address in ``page`` and count the browse page's visible cards."""
    page.goto(link)
    page.wait_for_function("!document.getElementById('browse-count').textContent.includes('all')")
    return page.locator("li.browse-card:not([hidden])").count()


def test_every_country_and_every_bar_opens_its_reports(browser, book: dict) -> None:
    page = browser.new_page()
    page.goto((_html(book) / "at-a-glance.html").as_uri())
    countries = page.locator("a.book-map-country")
    named = [
        (countries.nth(i).get_attribute("aria-label"), countries.nth(i).get_attribute("href"))
        for i in range(countries.count())
    ]
    table = page.locator("#table-map tbody tr")
    listed = {
        table.nth(i).locator("td").nth(0).inner_text(): int(
            table.nth(i).locator("td").nth(1).inner_text()
        )
        for i in range(table.count())
    }
    assert sum(listed.values()) == 140
    assert "Réunion" in listed and "Malta" in listed
    assert len(named) == len(listed) - 1  # every country but Réunion is a link on the map
    assert "Réunion" in page.locator(".book-map-off").inner_text()
    bars = page.locator("a.book-bar")
    bar_links = [
        (bars.nth(i).inner_text().replace("\n", ""), bars.nth(i).evaluate("a => a.href"))
        for i in range(bars.count())
    ]
    names = [bars.nth(i).evaluate("a => a.textContent") for i in range(bars.count())]
    base = page.url
    assert len(bar_links) > 40
    reader = browser.new_page()
    for label, href in named:
        found = COUNT.match(label)
        assert found, label
        assert listed[found["label"]] == int(found["count"])
        assert _follow(reader, base.rsplit("/", 1)[0] + "/" + href) == int(found["count"]), label
    for name, (_text, href) in zip(names, bar_links, strict=True):
        found = COUNT.match(name)
        assert found, name  # the link's text is its name: "Nurse: 3 reports"
        assert _follow(reader, href) == int(found["count"]), name
    reader.close()
    page.close()


def test_a_chart_with_many_values_says_how_many_more(browser, book: dict) -> None:
    page = browser.new_page()
    page.goto((_html(book) / "at-a-glance.html").as_uri())
    note = page.locator(".book-chart-more").first.inner_text()
    assert re.match(r"The chart shows the 25 largest of (\d+); all \1 are in the", note)
    assert (
        page.locator("#table-country tbody tr").count()
        == page.locator("#table-map tbody tr").count()
    )
    page.close()


def test_keyboard_reaches_countries_and_bars_and_focus_shows_the_count(browser, book: dict) -> None:
    page = browser.new_page()
    page.goto((_html(book) / "at-a-glance.html").as_uri())
    page.locator("a.book-map-country").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    code = page.evaluate("document.activeElement.id").rsplit("-", 1)[1]
    label = page.locator(f"#book-map-label-{code}")
    assert label.evaluate("t => getComputedStyle(t).visibility") == "visible"
    assert label.text_content() == focused
    others = page.locator(".book-map-labels text")
    visible = [
        others.nth(i).evaluate("t => getComputedStyle(t).visibility") for i in range(others.count())
    ]
    assert visible.count("visible") == 1
    page.locator("a.book-bar").first.focus()
    assert page.evaluate("document.activeElement.className") == "book-bar"
    page.close()


@pytest.mark.slow  # a book with the map built in all three editions
def test_a_report_page_loads_no_figure(book: dict) -> None:
    report = next((_html(book) / "experiences").glob("*.html")).read_text("utf-8")
    assert "glance.css" not in report and "book-map" not in report
    assert "glance.css" in (_html(book) / "at-a-glance.html").read_text("utf-8")


@pytest.mark.slow  # a book with the map built in all three editions
def test_epub_and_pdf_carry_the_map_and_every_country(book: dict) -> None:
    build = book["root"] / "_build"
    html_page = (_html(book) / "at-a-glance.html").read_text("utf-8")
    countries = re.findall(
        r"<tr[^>]*><td><p>([^<]+)</p></td>\s*<td><p>(\d+)</p>",
        html_page.split('id="table-map"')[1].split("</table>")[0],
    )
    assert len(countries) > 20
    epub = next((build / "epub").glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        glance = next(n for n in z.namelist() if n.endswith("at-a-glance.xhtml"))
        page = z.read(glance).decode("utf-8")
        assert "glance/reports-per-country-map.svg" in page.replace("glance--", "glance/") or any(
            "reports-per-country-map" in n for n in z.namelist()
        )
        assert "Where the reports come from" in page
        assert "browse.html" not in page and "<svg" not in page  # a picture, no links
        for name, count in countries:
            assert re.search(rf"<td><p>{re.escape(name)}</p></td>\s*<td><p>{count}</p>", page)
    require_tool("pdftotext")
    pdf = next((build / "pdf").glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    glance = text.split("Where the reports come from")[-1]
    assert "Not on the map" in glance and "Réunion" in glance
    for name, count in countries:
        assert re.search(rf"{re.escape(name)}\s+{count}\n", glance), name
    typ = pdf.with_suffix(".typ").read_text("utf-8")
    assert re.search(r'#figure\(image\("_images/glance--reports-per-country-map\.svg"', typ)
    with pikepdf.open(pdf) as document:  # the map is a tagged figure with its alt text
        alts = [str(e.Alt) for e in structure(document) if str(e.S) == "/Figure" and "/Alt" in e]
    (alt,) = [a for a in alts if a.startswith("World map of the reports per country")]
    assert "Malta: 1 report" in alt and "Réunion: 1 report" in alt


@pytest.mark.slow  # EPUBCheck (Java) and DAISY Ace (Chromium)
def test_epubcheck_and_ace_pass_on_the_book_with_its_map(book: dict, tmp_path: Path) -> None:
    require_tool("java")
    epub = next((book["root"] / "_build" / "epub").glob("*.epub"))
    result = run_epubcheck(epub, tmp_path / "epubcheck.json")
    assert result.counts == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(result.lines)
    require(
        ace_command() is not None and chromium() is not None,
        "needs DAISY Ace and chromium (`make setup-ace`, `make setup-browser`)",
    )
    result = run_ace(epub, tmp_path / "ace")
    failing = [line for line in result.lines if re.search(r": (critical|serious|moderate):", line)]
    assert result.ok, "\n".join(failing or result.lines)
