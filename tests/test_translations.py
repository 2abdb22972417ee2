"""Translations: a report in its own language with an editor's translation beside it.

The fixture book (tests/fixtures/book-translations, English) holds an Italian report with an
English translation (into the book's language), an English report with a French one (out of it)
and a Spanish report with a Brazilian Portuguese one (neither). The bad cases are written into
copies of it. Expected values are read from the fixture's files with plain PyYAML.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from bookbuilder.cli import main
from bookbuilder.pipeline import prepare
from conftest import FIXTURES, copy_book, require, require_module, require_tool, run_book

BOOK = FIXTURES / "book-translations"
IT, EN = "notti-in-tc-bergamo", "notti-in-tc-bergamo.en"
ES, PT = "ecografia-en-la-carpa-sevilla", "ecografia-en-la-carpa-sevilla.pt-br"
GB, FR = "night-shift-leeds", "night-shift-leeds.fr"
PAIRS = ((IT, EN, "it", "en"), (ES, PT, "es", "pt-br"), (GB, FR, "en", "fr"))
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def front_matter(name: str) -> dict:
    text = (BOOK / "experiences" / f"{name}.md").read_text("utf-8")
    return yaml.load(text.split("---", 2)[1], Loader=yaml.BaseLoader)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(BOOK, tmp_path / "book")


def cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    """The editors' command line in this process (quicker than a new interpreter per case)."""
    capsys.readouterr()
    code = main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


class Ran(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def write(root: Path, name: str, text: str) -> None:
    (root / "experiences" / name).write_text(text, "utf-8")


TRANSLATION = """---
title: "Una notte di guardia"
translators:
  - name: "Marco Rossi"
{extra}---

Testo tradotto.
"""


# -- contract -------------------------------------------------------------------------------------


def test_translations_follow_their_reports_and_count_for_nothing(book: Path) -> None:
    """Counts, chapters and chapter rules see reports; each carries its translations."""
    # An Italian translation of the English report: the Italian chapter must not take it.
    write(book, "night-shift-leeds.it.md", TRANSLATION.format(extra=""))
    prepared = prepare(book)
    assert prepared.ok, prepared.problems
    chapters = {c.spec.id: [r.slug for r in c.reports] for c in prepared.book.chapters}
    assert chapters == {"preface": [], "italy": [IT], "elsewhere": [GB, ES]}
    assert len(prepared.book.reports) == 3
    by_slug = {r.slug: r for r in prepared.book.reports}
    assert [t.language for t in by_slug[GB].translations] == ["fr", "it"]
    assert [t.language for t in by_slug[ES].translations] == ["pt-BR"]
    translation = by_slug[IT].translations[0]
    assert translation.title == front_matter(EN)["title"]
    assert [t.name for t in translation.translators] == ["Marco Rossi"]
    assert translation.translators[0].orcid == "0000-0002-1825-0097"
    assert translation.images[0].target == f"images/{IT}/sala.png"  # the original's image


def test_check_and_plan_list_translations_under_their_reports(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check = cli(book, capsys, "check")
    assert check.returncode == 0, check.stdout
    assert "Published 3 reports (and 3 translations) in 3 chapters:" in check.stdout
    lines = check.stdout.splitlines()
    original = lines.index(f"  experiences/{IT}.md")
    assert lines[original + 1] == (
        f"    English translation: experiences/{EN}.md: {front_matter(EN)['title']}"
    )
    plan = cli(book, capsys, "plan")
    assert plan.returncode == 0, plan.stdout
    lines = plan.stdout.splitlines()
    original = lines.index(f"    experiences/{ES}.md: {front_matter(ES)['title']}")
    assert lines[original + 1] == (
        f"      Portuguese (Brazil) translation: experiences/{PT}.md: {front_matter(PT)['title']}"
    )


BAD = {
    "notti-a-roma.en.md": (
        "",
        "experiences/notti-a-roma.en.md:1: found no report experiences/notti-a-roma.md for this "
        "translation",
    ),
    f"{IT}.it.md": (
        "",
        f"experiences/{IT}.it.md:1: found a translation into 'it', the language of its original "
        f"experiences/{IT}.md; allowed: a language other than the original's "
        "[translation.same-language]",
    ),
    f"{IT}.de.md": (
        "translator: x\n",
        f"experiences/{IT}.de.md:5: translator: found an unknown key; allowed: keys title, "
        "translators, summary, status; did you mean 'translators'? [translation.unknown-key]",
    ),
    f"{IT}.fr.md": (
        "country: IT\n",
        f"experiences/{IT}.fr.md:5: country: found the key country, which belongs to the "
        "original report alone",
    ),
    f"{IT}.es.md": (
        "language: de\n",
        f"experiences/{IT}.es.md:5: language: found the key language, which a translation takes "
        "from its file name",
    ),
    f"{IT}.EN.md": (
        "",
        f"experiences/{IT}.EN.md:1: found the file name '{IT}.EN.md'; allowed: <slug>.md",
    ),
}


def test_bad_translations_block_the_build_each_named_with_file_line_and_key(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Orphan, same language, unknown key, a report's key, a wrong file name: all in one run."""
    for name, (extra, _expected) in BAD.items():
        write(book, name, TRANSLATION.format(extra=extra))
    result = cli(book, capsys, "check")
    assert result.returncode == 1
    out = result.stdout
    for _extra, expected in BAD.values():
        assert expected in out, out
    assert f"did you mean '{IT}.en.md'?" in out
    assert f"{len(BAD)} error(s) in {len(BAD)} file(s)" in out


def test_a_withdrawn_translation_is_left_out_and_told_its_statuses(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a translation's status, but clearly meant to keep it out: a warning, not a block."""
    write(book, f"{IT}.de.md", TRANSLATION.format(extra="status: withdrawn\n"))
    result = cli(book, capsys, "check")
    assert result.returncode == 0, result.stdout
    assert (
        f"experiences/{IT}.de.md:5: warning: status: found 'withdrawn'; allowed: accepted, draft"
    ) in result.stdout
    assert f"  experiences/{IT}.de.md \u2014 status: withdrawn; 1 error" in result.stdout


def test_a_draft_translation_is_left_out_with_the_reason(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = book / "experiences" / f"{PT}.md"
    path.write_text(path.read_text("utf-8").replace("---\n\n", "status: draft\n---\n\n", 1))
    result = cli(book, capsys, "check")
    assert result.returncode == 0, result.stdout
    assert f"  experiences/{PT}.md \u2014 status: draft" in result.stdout
    assert "(and 2 translations)" in result.stdout


def test_a_translation_body_follows_the_report_body_rules(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(book, f"{IT}.de.md", TRANSLATION.format(extra="") + "\n<script>x</script>\n")
    result = cli(book, capsys, "check")
    assert result.returncode == 1
    assert re.search(rf"experiences/{re.escape(IT)}\.de\.md:9: .*HTML", result.stdout), (
        result.stdout
    )


def test_a_translation_body_is_read_as_the_build_reads_it(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The doctree's checks too (they were for reports only): a table wider than a page is
    refused, a run wider than a line is warned of."""
    table = "```{csv-table}\n" + ",".join(["c"] * 13) + "\n```\n"
    write(book, f"{IT}.de.md", TRANSLATION.format(extra="") + f"\n{'x' * 80}\n\n{table}")
    result = cli(book, capsys, "check")
    assert result.returncode == 1
    name = re.escape(f"experiences/{IT}.de.md")
    assert re.search(rf"{name}:9: warning: a run of 80 characters", result.stdout), result.stdout
    assert re.search(rf"{name}:12: a table of 13 columns found", result.stdout), result.stdout


def test_new_writes_a_translation_that_checks(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli(
        book,
        capsys,
        "new",
        "--translation-of",
        GB,
        "--language",
        "de",
        "--title",
        "Eine Nachtschicht in Leeds",
        "--translator",
        "Anna Schmidt",
        "--yes",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = book / "experiences" / f"{GB}.de.md"
    data = yaml.load(written.read_text("utf-8").split("---", 2)[1], Loader=yaml.BaseLoader)
    assert data["title"] == "Eine Nachtschicht in Leeds"
    assert data["translators"] == [{"name": "Anna Schmidt"}]
    assert data["status"] == "draft"
    check = cli(book, capsys, "check")
    assert check.returncode == 0, check.stdout
    assert f"experiences/{GB}.de.md \u2014 status: draft" in check.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--translation-of", "no-such-report", "--language", "de"], "no-such-report"),
        (["--translation-of", IT, "--language", "it"], "the language of its original"),
        (["--translation-of", IT, "--language", "en"], "already exists"),
        (["--translation-of", IT, "--language", "klingon"], "language"),
    ],
    ids=["no-original", "same-language", "exists", "bad-language"],
)
def test_new_refuses_a_translation_it_cannot_write(
    book: Path, args: list, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in (book / "experiences").iterdir())
    result = cli(book, capsys, "new", *args, "--title", "T", "--translator", "A", "--yes")
    assert result.returncode != 0, result.stdout
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert sorted(p.name for p in (book / "experiences").iterdir()) == before


# -- the editions ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture book, all three editions."""
    root = copy_book(BOOK, tmp_path_factory.mktemp("translations"))
    editions = ["html", "epub", "pdf"]
    env = {"SOURCE_DATE_EPOCH": "1700000000", "BOOK_BASE_URL": ""}
    result = run_book(root, "build", *editions, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warnings" not in result.stdout, result.stdout
    return root


def page(root: Path, doc: str) -> str:
    return (root / "_build" / "html" / "experiences" / f"{doc}.html").read_text("utf-8")


@pytest.mark.parametrize(("original", "translation", "lang", "tlang"), PAIRS)
def test_each_version_is_a_page_in_its_language_naming_the_other(
    built: Path, original: str, translation: str, lang: str, tlang: str
) -> None:
    first, second = page(built, original), page(built, translation)
    assert re.search(rf'<html lang="{lang}"', first)
    assert re.search(rf'<html lang="{tlang}"', second)
    for text in (first, second):
        for doc, tag in ((original, lang), (translation, tlang)):
            assert re.search(rf'<link rel="alternate" hreflang="{tag}" href="{doc}.html" />', text)
    # The switch: each version named in its own language, the other one linked.
    assert re.search(rf'<a href="{re.escape(translation)}.html" hreflang="{tlang}"', first)
    assert re.search(rf'<a href="{re.escape(original)}.html" hreflang="{lang}"', second)
    title = front_matter(translation)["title"]
    assert f"<h1>{title} (translation)" in second
    for person in front_matter(translation)["translators"]:
        assert f"<strong>{person['name']}</strong>" in second
    assert "Translated from " in second and "Translated from" not in first


def test_the_switch_names_languages_in_their_own_language(built: Path) -> None:
    text = page(built, EN)
    assert (
        '<a href="notti-in-tc-bergamo.html" hreflang="it" lang="it" rel="alternate">Italiano</a>'
        in text
    )
    assert '<span lang="en" aria-current="page">English</span>' in text
    assert ">Português (Brasil)<" in page(built, ES)


def test_a_translation_is_cited_with_its_translators(built: Path) -> None:
    text = page(built, EN)
    assert (
        "Giulia Bianchi. “Nights in the converted CT”. Translated from Italian by Marco Rossi."
        in text
    )
    assert "notti-in-tc-bergamo-en" in text and "translator" in text
    assert "Cite this translation" in text
    ld = text[text.index('<script type="application/ld+json">') :]
    assert '"translator"' in ld[: ld.index("</script>")] and "Marco Rossi" in ld
    csl = (built / "_build" / "html" / "cite" / f"{EN}.json").read_text("utf-8")
    assert '"translator": [' in csl and '"Rossi"' in csl  # its own download, naming him
    assert (built / "_build" / "html" / "cite" / f"{IT}.json").is_file()


def test_the_translation_follows_its_original_in_the_web_reading_order(built: Path) -> None:
    original = page(built, IT)
    assert re.search(r'<a class="right-next"\s+href="notti-in-tc-bergamo.en.html"', original)
    assert re.search(r'<a class="left-prev"\s+href="notti-in-tc-bergamo.html"', page(built, EN))


def test_search_finds_both_versions(built: Path) -> None:
    index = (built / "_build" / "html" / "searchindex.js").read_text("utf-8")
    assert f'"experiences/{IT}"' in index and f'"experiences/{EN}"' in index
    assert "converted" in index and "convertita" in index


def test_browse_keeps_one_card_per_report_with_its_languages(built: Path) -> None:
    text = (built / "_build" / "html" / "browse.html").read_text("utf-8")
    assert text.count('<li class="browse-card"') == 3
    assert 'data-language="it en"' in text and 'data-language="es pt-br"' in text
    assert re.search(r'<option value="en">English \(2\)</option>', text)
    assert "Read in <a" in text


@pytest.mark.slow  # Chromium
def test_the_language_filter_finds_a_report_by_any_of_its_languages(built: Path) -> None:
    require_tool("chromium")
    require_module("playwright")
    from playwright.sync_api import sync_playwright

    url = (built / "_build" / "html" / "browse.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.goto(url + "#language=en")
            titles = tab.locator("li.browse-card:visible .browse-title").all_inner_texts()
            assert sorted(titles) == sorted([front_matter(IT)["title"], front_matter(GB)["title"]])
            tab.goto(url + "#language=pt-br")
            tab.reload()
            titles = tab.locator("li.browse-card:visible .browse-title").all_inner_texts()
            assert titles == [front_matter(ES)["title"]]
        finally:
            browser.close()


def test_translators_are_contributors_as_translators(built: Path) -> None:
    text = (built / "_build" / "html" / "contributors.html").read_text("utf-8")
    person = text[text.index("Marco Rossi") :]
    person = person[: person.index("</dd>")]
    assert "Translation: " in person and 'href="experiences/notti-in-tc-bergamo.en.html"' in person
    assert "Radiographer" not in person  # a translator has no role
    with (built / "_build" / "contributors.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert [
        "Marco Rossi",
        "",
        "IDoR editorial team",
        "0000-0002-1825-0097",
        "translator",
        "Nights in the converted CT",
        "notti-in-tc-bergamo.en",
    ] in rows
    assert len(rows) == 1 + 3 + 4  # the header, three authors, four translators


def test_charts_and_counts_count_reports(built: Path) -> None:
    glance = (built / "_build" / "html" / "at-a-glance.html").read_text("utf-8")
    assert "3 reports from 3 countries, by 3 authors." in glance


# -- EPUB -----------------------------------------------------------------------------------------


def epub_path(root: Path) -> Path:
    return root / "_build" / "epub" / "many-languages.epub"


def test_epub_translation_follows_its_original_with_its_own_language(built: Path) -> None:
    import ebooklib
    from ebooklib import epub

    book = epub.read_epub(str(epub_path(built)))
    spine = [book.get_item_with_id(i).get_name() for i, _ in book.spine]
    assert any(i.get_type() == ebooklib.ITEM_NAVIGATION for i in book.get_items())
    with zipfile.ZipFile(epub_path(built)) as archive:  # ebooklib rewrites <html> on reading
        pages = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith("xhtml")}
    for original, translation, lang, tlang in PAIRS:
        at = spine.index(f"experiences/{original}.xhtml")
        assert spine[at + 1] == f"experiences/{translation}.xhtml"
        for name, tag in ((original, lang), (translation, tlang)):
            root = ET.fromstring(pages[f"experiences/{name}.xhtml"])
            assert root.get("lang") == tag and root.get(XML_LANG) == tag
        # linked both ways
        assert f'href="{original}.xhtml"' in pages[f"experiences/{translation}.xhtml"]
        assert f'href="{translation}.xhtml"' in pages[f"experiences/{original}.xhtml"]


def test_epub_navigation_lists_translations_under_their_report(built: Path) -> None:
    with zipfile.ZipFile(epub_path(built)) as archive:
        nav = ET.fromstring(archive.read("nav.xhtml"))
        opf = archive.read("content.opf").decode()
    links = {a.get("href"): a for a in nav.iter(f"{XHTML}a")}
    for original, translation, _lang, _tlang in PAIRS:
        item = next(
            li
            for li in nav.iter(f"{XHTML}li")
            if li.find(f"{XHTML}a").get("href") == f"experiences/{original}.xhtml"
        )
        nested = [a.get("href") for a in item.iter(f"{XHTML}a")]
        assert nested == [f"experiences/{original}.xhtml", f"experiences/{translation}.xhtml"]
        assert links[f"experiences/{translation}.xhtml"].text.endswith("(translation)")
    assert re.search(r'<dc:contributor id="translator-1">Marco Rossi</dc:contributor>', opf)
    assert 'refines="#translator-1" property="role" scheme="marc:relators">trl<' in opf


def test_epub_ncx_lists_translations_under_their_report(built: Path) -> None:
    """toc.ncx (EPUB 2 readers) nests them as nav.xhtml does, in reading order."""
    ncx_ns = "{http://www.daisy.org/z3986/2005/ncx/}"
    with zipfile.ZipFile(epub_path(built)) as archive:
        ncx = ET.fromstring(archive.read("toc.ncx"))
    points = list(ncx.iter(f"{ncx_ns}navPoint"))
    orders = [int(point.get("playOrder")) for point in points]
    assert orders == sorted(orders)
    for original, translation, _lang, _tlang in PAIRS:
        report = next(
            point
            for point in points
            if point.find(f"{ncx_ns}content").get("src") == f"experiences/{original}.xhtml"
            and point.find(f"{ncx_ns}navPoint") is not None
        )
        nested = [p.find(f"{ncx_ns}content").get("src") for p in report.iter(f"{ncx_ns}navPoint")]
        assert f"experiences/{translation}.xhtml" in nested[1:]
    depth = next(m for m in ncx.iter(f"{ncx_ns}meta") if m.get("name") == "dtb:depth")
    assert depth.get("content") == "3"


@pytest.mark.slow  # EPUBCheck (Java) and DAISY Ace (Chromium)
def test_epubcheck_and_ace_stay_clean(built: Path, tmp_path: Path) -> None:
    from bookbuilder.sphinx.epub import ace_command, chromium, run_ace, run_epubcheck

    require_tool("java")
    result = run_epubcheck(epub_path(built), tmp_path / "epubcheck.json")
    assert result.counts == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(result.lines)
    require(ace_command() is not None and chromium() is not None, "needs DAISY Ace and chromium")
    result = run_ace(epub_path(built), tmp_path / "ace")
    assert result.ok, "\n".join(result.lines)


# -- PDF ------------------------------------------------------------------------------------------


def test_pdf_translation_follows_its_original_titled_with_translators(built: Path) -> None:
    require_tool("pdftotext")
    pdf = built / "_build" / "pdf" / "many-languages.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    for original, translation, _lang, _tlang in PAIRS:
        first = text.index(front_matter(original)["title"] + " Read in")
        # after the original's page (the contents list it earlier too)
        second = text.index(front_matter(translation)["title"] + " (translation)", first)
        names = [p["name"] for p in front_matter(translation)["translators"]]
        assert f"by {names[0]}" in text[second:]
    # The next report starts after the translation, not between the two.
    assert text.rindex("Nights in the converted CT (translation)") < text.rindex(
        "Elsewhere Every other report."
    )


def test_pdf_links_both_ways(built: Path) -> None:
    require_module("pikepdf")
    import pikepdf

    with pikepdf.open(built / "_build" / "pdf" / "many-languages.pdf") as pdf:
        internal = [
            annot
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if annot.get("/Subtype") == "/Link" and "/URI" not in annot.get("/A", {})
        ]
    assert len(internal) >= 6  # the three switches, both ways
