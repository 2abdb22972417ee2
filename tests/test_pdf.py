"""The PDF edition: every script prints and extracts as written; the PDF is tagged.

The fixture book (tests/fixtures/book-scripts) has one short report in each script the
contributors write (Vietnamese, Polish, Turkish, Icelandic, Romanian, Greek, Russian, Armenian,
Georgian, Hebrew, Arabic, Persian, Urdu, Hindi, Bengali, Tamil, Thai, Khmer, Amharic, Chinese
in both scripts, Japanese, Korean), and one report with every element the format allows.

What is compared with the source: ``pdftotext`` (poppler, logical order for right-to-left
text) without its direction marks and invisible format characters (ZWNJ, ZWJ), and without
any whitespace or hyphen, since lines break and hyphenate where the layout decides.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest

from bookbuilder.sphinx import typst as markup
from conftest import FIXTURES, copy_book, require, require_pdf, run_book, xfail_where

BOOK = FIXTURES / "book-scripts"
TITLE = "COVID-19 in Every Script"
STRUCTURE_REPORT = "everything-a-report-can-hold"
#: Typst 0.15 gives every glyph of a cluster that shapes into several glyphs (a Thai tone mark
#: over its consonant, a Khmer subscript consonant) the whole cluster's text in the font's
#: ToUnicode map, so extraction repeats those clusters (typst/typst#7610, krilla#411). The
#: page shows the text correctly; the test says when Typst fixes the extraction.
EXTRACTION_REPEATS_CLUSTERS = {"thai-radiology", "khmer-xray"}


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_pdf("pdftotext", "pdffonts")
    root = copy_book(BOOK, tmp_path_factory.mktemp("scripts"))
    result = run_book(root, "build", "pdf", env={"SOURCE_DATE_EPOCH": "1609459200"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Typst:" not in result.stdout, result.stdout  # no warning from the typesetter
    return root / "_build" / "pdf" / "scripts.pdf"


def squash(text: str) -> str:
    kept = (c for c in text if unicodedata.category(c) != "Cf" and c not in "-\u2010")
    return "".join("".join(kept).split())


def reports() -> list[tuple[str, str, str, str]]:
    """(slug, title, first author, body) of each report of the fixture book."""
    found = []
    for path in sorted((BOOK / "experiences").glob("*.md")):
        if path.stem == STRUCTURE_REPORT:
            continue
        text = path.read_text("utf-8")
        title = re.search(r'^title: "(.*)"$', text, re.MULTILINE).group(1)
        name = re.search(r'- name: "(.*)"$', text, re.MULTILINE).group(1)
        body = text.split("\n---\n", 1)[1].strip()
        found.append((path.stem, title, name, body))
    return found


@pytest.mark.parametrize(
    "slug,title,author,body",
    xfail_where(reports(), EXTRACTION_REPEATS_CLUSTERS, "typst/typst#7610"),
)
def test_every_script_extracts_as_written(
    pdf: Path, slug: str, title: str, author: str, body: str
) -> None:
    text = squash(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    for value in (title, author, body):
        assert squash(value) in text, value


def test_every_font_is_embedded_and_each_script_has_its_own(pdf: Path) -> None:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), listing  # the "emb" column
    for font in (
        "NotoSerif-Regular",
        "NotoSerifArmenian",
        "NotoNaskhArabic",
        "NotoSerifCJKsc",
        "NotoSerifCJKtc",
        "NotoSerifCJKjp",
        "NotoSerifCJKkr",
        "NotoSerifEthiopic",
        "NotoSerifKhmer",
        "NotoSerifThai",
        "NotoSerifDevanagari",
    ):
        assert font in listing, font


def structure(pdf_file: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf_file.Root.StructTreeRoot.K)
    return found


def test_the_pdf_is_tagged_with_headings_lists_tables_figures_and_notes(pdf: Path) -> None:
    with pikepdf.open(pdf) as document:
        root = document.Root
        assert root.MarkInfo.Marked is True
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(root.Lang) == "en"
        assert str(document.docinfo.Title) == TITLE  # exactly, hyphen and all
        assert str(document.docinfo.CreationDate).startswith("D:20210101")  # SOURCE_DATE_EPOCH
        elements = structure(document)
        kinds = {str(e.S) for e in elements}
        for kind in (
            "/H1",
            "/H2",
            "/H3",
            "/P",
            "/L",
            "/LI",
            "/Table",
            "/TH",
            "/TD",
            "/Figure",
            "/Caption",
            "/Link",
            "/Note",
            "/BlockQuote",
            "/TOC",
        ):
            assert kind in kinds, kind
        alts = {str(e.Alt) for e in elements if str(e.S) == "/Figure"}
        assert "An awning over the scanner room's window, seen from the car park." in alts
        assert any(a.startswith("Bar chart: Reports per region") for a in alts), alts
        assert all(e.get("/Alt") for e in elements if str(e.S) == "/Figure")
        languages = {str(e.Lang) for e in elements if "/Lang" in e}
        for tag in (
            "vi",
            "pl",
            "tr",
            "is",
            "ro",
            "el",
            "ru",
            "hy",
            "ka",
            "he",
            "ar",
            "fa",
            "ur",
            "hi",
            "bn",
            "ta",
            "th",
            "km",
            "am",
            "zh",
            "ja",
            "ko",
        ):
            assert tag in languages or any(lang.startswith(tag + "-") for lang in languages), tag


def test_running_headers_and_page_numbers_are_artifacts(pdf: Path) -> None:
    """Screen readers skip them: they are pagination artifacts, outside the structure tree."""
    with pikepdf.open(pdf) as document:
        streams = [
            b"".join(s.read_bytes() for s in page.Contents)
            if isinstance(page.Contents, pikepdf.Array)
            else page.Contents.read_bytes()
            for page in document.pages
        ]
    assert any(re.search(rb"/Artifact<<[^>]*/Subtype/Header", s) for s in streams)
    assert any(re.search(rb"/Artifact<<[^>]*/Subtype/Footer", s) for s in streams)


def test_bookmarks_list_chapters_and_their_reports(pdf: Path) -> None:
    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        top = {item.title: item for item in outline.root}
        chapter = top["Reports in their own scripts"]
        titles = [item.title for item in chapter.children]
        for slug, title, _author, _body in reports():
            assert title in titles, slug
        assert "The collection at a glance" in top and "Index" in top


def test_a_long_title_is_shortened_in_the_running_header(pdf: Path) -> None:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Everything a report can hold: a very long title that the…" in text


def test_the_index_names_every_contributor(pdf: Path) -> None:
    text = squash(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    index = text[text.index("IndexAuthors") :]  # the heading, then the authors' section
    for slug, _title, author, _body in reports():
        if slug not in EXTRACTION_REPEATS_CLUSTERS:
            # printed as written, filed under the family name (sphinx/bookindex.py): each
            # word (a right-to-left name's words come out of pdftotext in the visual order)
            for word in author.split():
                assert squash(word) in index, slug


def test_verapdf_accepts_the_pdf_when_installed(pdf: Path) -> None:
    """veraPDF is not in Debian's or PyPI's registries: run where someone installed it."""
    verapdf = shutil.which("verapdf")
    if verapdf is None:
        pytest.skip(
            "veraPDF is not installed (from https://verapdf.org/software/, by hand: it is in no "
            "registry this project installs from; README, Commands)"
        )
    result = subprocess.run(
        [verapdf, "--flavour", "ua1", "--format", "text", str(pdf)],
        capture_output=True,
        text=True,
    )
    assert "PASS" in result.stdout, result.stdout


# -- escaping ------------------------------------------------------------------------------

HOSTILE = (
    '#read("/etc/passwd") #import "x.typ" $x^2$ *bold* _em_ `raw` <label> @ref = head\n'
    "- item + item / term: x \\ \\u{41} ]) #{ } // comment /* c */ https://example.org "
    '"quoted" ~ -- --- ... #"; #let x = 1; #x'
)


def test_hostile_text_is_printed_as_it_is(tmp_path: Path) -> None:
    """Every Typst markup character in report text comes out as text, and nothing runs."""
    require(
        shutil.which("pdftotext") is not None, "needs pdftotext (install with `make setup-pdf`)"
    )
    import typst

    source = '#set text(font: "DejaVu Sans Mono")\n' + "".join(
        markup.text(line) + "\n\n" for line in HOSTILE.split("\n")
    )
    main = tmp_path / "hostile.typ"
    main.write_text(source, "utf-8")
    typst.compile(str(main), output=str(tmp_path / "hostile.pdf"), root=str(tmp_path))
    text = subprocess.run(
        ["pdftotext", "-raw", str(tmp_path / "hostile.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert squash(text) == squash(HOSTILE)


def test_string_literals_escape_quotes_backslashes_and_controls() -> None:
    assert markup.string('a"b\\c\nd\x07') == '"a\\"b\\\\c\\nd\\u{7}"'


def test_labels_are_made_of_safe_characters() -> None:
    assert markup.label("doc", "experiences/a b<c>") == "doc:experiences-a-b-c"
    assert re.fullmatch(r"[A-Za-z0-9_.:-]+", markup.label("sec", "x/../y", "id 1"))


def test_running_titles_fit_the_line() -> None:
    assert markup.running_title("Short title") == "Short title"
    long = markup.running_title("word " * 40)
    assert long.endswith("…") and len(long) <= 61
    cjk = markup.running_title("疫" * 60)
    assert len(cjk) <= 31


def test_report_languages_become_typst_settings() -> None:
    fonts = ["Noto Serif", "Noto Serif CJK SC", "Noto Serif CJK TC"]
    preferred = {"zh-Hant": "Noto Serif CJK TC"}
    settings = markup.text_settings("zh-Hant", fonts, preferred)
    assert 'lang: "zh"' in settings
    assert 'font: ("Noto Serif", "Noto Serif CJK TC", "Noto Serif CJK SC",)' in settings
    assert 'region: "TW"' in markup.text_settings("zh-TW", fonts, preferred)
    assert markup.text_settings("x-klingon", fonts, preferred) == ""


# -- cover and images ----------------------------------------------------------------------


def test_the_cover_comes_first_and_images_print_at_most_300_ppi(tmp_path: Path) -> None:
    require_pdf("pdftotext")
    from PIL import Image

    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    (root / "art").mkdir()
    Image.new("RGB", (600, 900), (40, 90, 60)).save(root / "art" / "cover.png")
    conf = root / "conf.py"
    conf.write_text(
        conf.read_text("utf-8").replace(
            '"licence": "CC0-1.0",', '"licence": "CC0-1.0",\n    "cover": "art/cover.png",'
        ),
        "utf-8",
    )
    slug = "shade-for-the-scanner-sevilla"
    big = root / "experiences" / "images" / slug / "awning.png"
    Image.new("RGB", (4000, 2000), (200, 160, 40)).save(big)  # 677 ppi across 150 mm
    result = run_book(root, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = root / "_build" / "pdf"
    with pikepdf.open(folder / "heatwave-2021.pdf") as document:
        first = document.pages[0]
        assert len(first.get_images()) == 1, "the cover is the first page's picture"
        cover = next(iter(first.get_images().values()))
        assert (int(cover.Width), int(cover.Height)) == (600, 900)
        figures = [
            e
            for e in structure(document)
            if str(e.S) == "/Figure" and str(e.get("/Alt", "")).startswith("Cover")
        ]
        assert figures, "the cover has its text alternative"
        sizes = {
            (int(i.Width), int(i.Height))
            for page in document.pages
            for i in page.get_images().values()
        }
    first_text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(folder / "heatwave-2021.pdf"), "-"],
        capture_output=True,
        text=True,
    ).stdout
    assert not first_text.strip(), "nothing is printed over the cover"
    most = round(150 / 25.4 * 300)  # the text width at 300 ppi
    assert (most, most // 2) in sizes, sizes
    with Image.open(big) as original:
        assert original.size == (4000, 2000), "the editor's file is untouched"


def test_markup_typst_cannot_read_is_reported_at_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Were the writer ever to write markup Typst cannot read, the build names the report whose
    text it came from (the editor's file), not a line of the generated Typst, and no PDF."""
    from bookbuilder import cli

    book = copy_book(FIXTURES / "book-small", tmp_path / "book")
    report = book / "experiences" / "wildfire-smoke-vancouver.md"
    report.write_text(report.read_text("utf-8") + "\nA sentence with zqxmarker in it.\n", "utf-8")
    written = markup.TypstTranslator.visit_Text

    def broken(self: markup.TypstTranslator, node) -> None:  # a bug, for this test only
        written(self, node)
        if "zqxmarker" in node.astext():
            self.out("#unclosed(")

    monkeypatch.setattr(markup.TypstTranslator, "visit_Text", broken)
    status = cli.main(["--root", str(book), "build", "pdf"])
    said = capsys.readouterr()
    output = said.out + said.err
    assert status != 0
    assert "Typst could not typeset the PDF" in output
    line = next(line for line in output.splitlines() if "Typst could not" in line)
    assert line.strip().startswith("experiences/wildfire-smoke-vancouver.md:"), line
    assert not list((book / "_build" / "pdf").glob("*.pdf"))


def test_a_typst_diagnostic_names_its_line() -> None:
    from bookbuilder.sphinx.typesetting import failing_line

    diagnostic = (
        "error: cannot add integer and string\n  ┌─ pdf/book.typ:3:12\n  │\n\n"
        "help: while calling `f`\n  ┌─ pdf/heatwave-2021.typ:1205:11\n"
    )
    assert failing_line(diagnostic, "heatwave-2021.typ") == 1205
    assert failing_line(diagnostic, "other.typ") is None
