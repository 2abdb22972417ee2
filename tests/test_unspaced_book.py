"""Scripts written without spaces, and emoji: accepted by the check, printed in every edition.

The fixture book (tests/fixtures/book-unspaced) has a report of real paragraphs in Japanese,
Chinese (simplified and traditional), Thai, Khmer, Lao, Burmese and Tibetan, whose paragraphs
have no space between words (the old check refused them as one "word" of 63 characters), and
a report and its translation with emoji: ZWJ sequences, flags, skin tones, variation selectors.
The test adds a report with a run of 20,000 characters that has no place to break a line.

Text is compared in ``pdftotext -raw`` (the content stream's order, which is the logical
order here): poppler's layout mode moves lines with stacked Tibetan letters or colour emoji.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURES, copy_book, report_front, require_pdf, run_book, xfail_where

BOOK = FIXTURES / "book-unspaced"
PDF = Path("_build/pdf/unspaced.pdf")
LONG_RUN = "x" * 20000
#: A table of codes wider together than a line: Typst set them over each other's cells.
CODES = [f"{letter}3F9A" * 5 for letter in "ABCDEF"]  # 25 characters, no word
TABLE = "```{csv-table}\n" + ",".join(CODES) + "\na,b,c,d,e,f\n```\n"
#: Typst 0.15 gives every glyph of some clusters that shape into several glyphs (a Thai or Lao
#: tone mark over its consonant, a Khmer subscript) the whole cluster's text, so extraction
#: repeats them (typst/typst#7610, LaurenzV/krilla#411; docs/pdf-engine.md). The page is right.
EXTRACTION_REPEATS_CLUSTERS = {"thai-portable-xray", "khmer-xray-room", "lao-radiology-ward"}
EMOJI = ("😷", "👍🏽", "🧑🏽‍⚕️", "🏳️‍🌈", "❤️", "🇳🇿", "🇫🇯", "🇹🇴", "🇼🇸", "💪🏿", "👩🏾‍⚕️", "🌈", "1️⃣")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The book, with a report of one 20,000-character run, checked and built in all three
    editions; (its folder, the check's output)."""
    require_pdf("pdftotext", "pdftoppm")
    root = copy_book(BOOK, tmp_path_factory.mktemp("unspaced"))
    (root / "experiences" / "one-long-run.md").write_text(
        report_front(title="A run that no line holds")
        + "The run: "
        + LONG_RUN
        + " and the sentence after it.\n\n"
        + TABLE,
        "utf-8",
    )
    check = run_book(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    result = run_book(root, "build", "all", env={"SOURCE_DATE_EPOCH": "1609459200"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Typst:" not in result.stdout, result.stdout
    return root, check.stdout


def squash(text: str) -> str:
    kept = (c for c in text if unicodedata.category(c) != "Cf" and c not in "-\u2010")
    return "".join("".join(kept).split())


def pdf_text(root: Path, *pages: int) -> str:
    args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    pdf = root / "_build" / "pdf" / "unspaced.pdf"
    return subprocess.run(
        ["pdftotext", "-raw", *args, str(pdf), "-"], capture_output=True, text=True
    ).stdout


def reports() -> list[tuple[str, str, str, list[str]]]:
    """(file stem, title, first name, sentences and paragraphs) of each file of the book."""
    found = []
    for path in sorted((BOOK / "experiences").glob("*.md")):
        text = path.read_text("utf-8")
        title = re.search(r'^title: "(.*)"$', text, re.MULTILINE).group(1)
        name = re.search(r'- name: "(.*)"$', text, re.MULTILINE).group(1)
        body = text.split("\n---\n", 1)[1]
        sentences = re.split(r"(?<=[。.!?។།])\s+|(?<=[।။])|\n\n", body)
        found.append((path.stem, title, name, [s for s in sentences if s.strip()]))
    return found


def test_the_check_accepts_every_script_and_warns_of_the_long_run_only(
    built: tuple[Path, str],
) -> None:
    _root, output = built
    warnings = [line.strip() for line in output.splitlines() if "warning:" in line]
    assert all(w.startswith("experiences/one-long-run.md:11: ") for w in warnings), output
    assert any("a run of 20000 characters with no place to break a line" in w for w in warnings)


@pytest.mark.parametrize(
    "stem,title,name,sentences",
    xfail_where(reports(), EXTRACTION_REPEATS_CLUSTERS, "typst/typst#7610"),
)
def test_title_names_and_sentences_come_back_from_the_pdf(
    built: tuple[Path, str], stem: str, title: str, name: str, sentences: list[str]
) -> None:
    text = squash(pdf_text(built[0]))
    for value in (title, name, *sentences):
        assert squash(value) in text, value


@pytest.mark.parametrize("stem", sorted(EXTRACTION_REPEATS_CLUSTERS))
def test_thai_khmer_and_lao_letters_come_back_whatever_their_order(
    built: tuple[Path, str], stem: str
) -> None:
    source = (BOOK / "experiences" / f"{stem}.md").read_text("utf-8")
    text = set(squash(pdf_text(built[0])))
    assert set(squash(source.split("\n---\n", 1)[1])) <= text


def test_each_script_prints_in_its_own_font(built: tuple[Path, str]) -> None:
    pdf = built[0] / "_build" / "pdf" / "unspaced.pdf"
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    for font in ("CJKjp", "CJKsc", "CJKtc", "SerifThai", "SerifKhmer", "SerifLao", "Myanmar"):
        assert font in listing, font
    assert "NotoSerifTibetan" in listing
    assert "Type 3" in listing  # the colour emoji's bitmaps


def test_a_run_wider_than_a_line_is_printed_whole(built: tuple[Path, str]) -> None:
    """Typst sets a run with no break on one line, off the paper (pdftotext then finds 90 of
    20,000 characters); the writer lets it break, so every character is on a page (between
    them, the pages' running headers and numbers)."""
    text = squash(pdf_text(built[0]))
    run = text[text.index("Therun:") : text.index("andthesentenceafterit.")]
    assert run.count("x") == len(LONG_RUN)


def test_codes_in_a_table_too_wide_for_a_line_stay_in_their_cells(
    built: tuple[Path, str],
) -> None:
    """No two words of a line of the PDF overlap (``pdftotext -bbox``): each code wraps in its
    own column instead of running over the next ones."""
    root = built[0]
    text = pdf_text(root)
    for code in CODES:
        assert code in squash(text), code
    page = pages_with(root, CODES[0][:5])[0]
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(root / PDF), "-"],
        capture_output=True,
        text=True,
    ).stdout
    words = [
        (round(float(y)), float(x0), float(x1))
        for x0, y, x1 in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', boxes)
    ]
    for line in {y for y, _x0, _x1 in words}:
        spans = sorted((x0, x1) for y, x0, x1 in words if y == line)
        for (_a0, a1), (b0, _b1) in itertools.pairwise(spans):
            assert a1 <= b0 + 0.5, (line, spans)


def pages_with(root: Path, phrase: str) -> list[int]:
    info = subprocess.run(["pdfinfo", str(root / PDF)], capture_output=True, text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [p for p in range(1, count + 1) if squash(phrase) in squash(pdf_text(root, p))]


def test_emoji_print_in_colour_and_copy_as_written(built: tuple[Path, str]) -> None:
    root = built[0]
    text = pdf_text(root)
    for emoji in EMOJI:
        assert emoji in text, emoji
    page = pages_with(root, "During the first lockdown")[0]
    pdf = root / "_build/pdf/unspaced.pdf"
    pages_args = ["-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", *pages_args, str(pdf), str(root / "page")], check=True
    )
    with Image.open(root / "page.png") as image:
        hsv = image.convert("RGB").convert("HSV")
        coloured = sum(1 for _h, s, v in hsv.get_flattened_data() if s > 120 and v > 80)
    assert coloured > 200, coloured  # the mask, the hands, the flags: not a blank, not grey


def test_the_website_and_the_epub_have_the_emoji_as_text(built: tuple[Path, str]) -> None:
    root = built[0]
    html = (root / "_build/html/experiences/signs-on-the-ct-doors.html").read_text("utf-8")
    translated = (root / "_build/html/experiences/signs-on-the-ct-doors.fr.html").read_text("utf-8")
    with zipfile.ZipFile(root / "_build/epub/unspaced.epub") as epub:
        pages = "".join(
            epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith("html")
        )
    for emoji in EMOJI:
        assert emoji in html + translated, emoji
        assert emoji in pages, emoji
    for phrase in ("第一波のとき", "ในช่วงการระบาดระลอกแรก", "ནད་ཡམས་ཁྱབ་པའི་དུས་སུ"):
        assert phrase in pages, phrase
