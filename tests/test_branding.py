"""Branding without code: book["logo"] and book["accent"], checked, in all three editions."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from bookbuilder.check.schema import contrast_with_white, darkened
from bookbuilder.check.validate import validate_book_meta
from conftest import require_pdf, run_book, small_book_with

ACCENT = "#8e2c1f"
BOOK = {"title": "T", "language": "en", "year": 2021}


def logo_png(path: Path) -> Path:
    image = Image.new("RGBA", (600, 240), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 230, 230), fill=(192, 57, 43, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def messages(book: dict, root: Path) -> list[str]:
    _meta, problems = validate_book_meta(book, "conf.py", None, root)
    return [str(p) for p in problems]


def test_accent_is_a_colour_readable_against_white(tmp_path: Path) -> None:
    assert messages({**BOOK, "accent": ACCENT}, tmp_path) == []
    meta, _ = validate_book_meta({**BOOK, "accent": " #8E2C1F "}, "conf.py", None, tmp_path)
    assert meta is not None and meta.accent == ACCENT
    (light,) = messages({**BOOK, "accent": "#7fb3d5"}, tmp_path)
    assert "accent: found #7fb3d5, whose contrast against white is 2.3:1" in light
    suggestion = re.search(r"did you mean '(#[0-9a-f]{6})'", light)
    assert suggestion is not None and contrast_with_white(suggestion.group(1)) >= 4.5
    assert darkened("#7fb3d5") == suggestion.group(1)
    for wrong in ("red", "#abc", "8e2c1f", 12):
        (problem,) = messages({**BOOK, "accent": wrong}, tmp_path)
        assert "allowed: a colour written #rrggbb" in problem


def test_logo_must_be_an_image_in_the_book(tmp_path: Path) -> None:
    logo_png(tmp_path / "branding" / "logo.png")
    assert messages({**BOOK, "logo": "branding/logo.png"}, tmp_path) == []
    (tmp_path / "branding" / "fake.png").write_text("not an image")
    (tmp_path / "branding" / "logo.svg").write_text("<svg/>")
    cases = {
        "branding/missing.png": "which does not exist",
        "branding/fake.png": "found 'branding/fake.png': the file is not an image",
        "branding/logo.svg": "(an SVG: export it as PNG",
        "../outside.png": "outside the book's folder",
    }
    for value, expected in cases.items():
        (problem,) = messages({**BOOK, "logo": value}, tmp_path)
        assert expected in problem, problem
        assert "[book.logo]" in problem


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_book_with(
        tmp_path_factory.mktemp("branded"), {"logo": "branding/logo.png", "accent": ACCENT}
    )
    logo_png(root / "branding" / "logo.png")
    result = run_book(root, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_website_has_the_logo_and_the_colour(branded: Path) -> None:
    html = branded / "_build" / "html"
    landing = (html / "index.html").read_text("utf-8")
    assert re.search(r'<img src="_static/logo.png" class="logo__image[^"]*" alt="[^"]+"', landing)
    assert "_static/book-accent.css" in landing
    css = (html / "_static" / "book-accent.css").read_text("utf-8")
    assert f"--pst-color-primary: {ACCENT};" in css
    assert (branded / "branding" / "logo.png").read_bytes() == (
        html / "_static" / "logo.png"
    ).read_bytes()


def test_epub_cover_and_css_carry_the_colour_and_logo(branded: Path) -> None:
    epub = branded / "_build" / "epub" / "heatwave-2021.epub"
    with zipfile.ZipFile(epub) as archive:
        page = archive.read("experiences/hitze-im-ct-koeln.xhtml").decode("utf-8")
        css = archive.read("_static/book-accent.css").decode("utf-8")
        cover = Image.open(io.BytesIO(archive.read("_images/cover.png"))).convert("RGB")
    assert "book-accent.css" in page
    assert f"color: {ACCENT};" in css
    assert cover.getpixel((20, 20)) == (0x8E, 0x2C, 0x1F)  # the accent is the cover's colour
    width, height = cover.size
    corner = cover.crop((width // 2, height - 450, width - 100, height - 100))
    assert (192, 57, 43) in {colour for _count, colour in corner.getcolors(1_000_000)}  # logo


def test_pdf_title_page_has_the_logo_and_colour(branded: Path) -> None:
    require_pdf("pdfimages")
    result = run_book(branded, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = branded / "_build" / "pdf"
    with pikepdf.open(folder / "heatwave-2021.pdf") as document:
        title_page = document.pages[0].Contents.read_bytes()
        heading_page = b"".join(page.Contents.read_bytes() for page in document.pages[3:6])
    red = b"0.5568628 0.17254902 0.12156863"  # #8e2c1f in the PDF's colour operators
    assert red in title_page, "the title page's rule is in the accent"
    assert red in heading_page, "headings are in the accent"
    images = subprocess.run(
        ["pdfimages", "-f", "1", "-l", "1", "-list", str(folder / "heatwave-2021.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "600   240" in images  # the logo, on the title page
