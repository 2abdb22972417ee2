"""Real builds of the sample book and of a small fixture book, inspected as a reader gets them.

The expected content is read from the report files with plain PyYAML here, not with the builder's
own loader, so a bug in the loader cannot hide itself.
"""

from __future__ import annotations

import hashlib
import re
import runpy
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

import ebooklib
import pytest
import yaml
from ebooklib import epub

from conftest import require_tool, run_book


@dataclass(frozen=True)
class Expected:
    slug: str
    title: str
    first_author: str
    status: str


def expected_reports(root: Path) -> list[Expected]:
    found = []
    for path in sorted((root / "experiences").glob("*.md")):
        front = path.read_text("utf-8").split("---", 2)[1]
        data = yaml.load(front, Loader=yaml.BaseLoader)  # every scalar a string
        found.append(
            Expected(
                path.stem, data["title"], data["authors"][0]["name"], data.get("status", "accepted")
            )
        )
    return found


def accepted(root: Path) -> list[Expected]:
    return [r for r in expected_reports(root) if r.status == "accepted"]


def left_out(root: Path) -> list[Expected]:
    return [r for r in expected_reports(root) if r.status != "accepted"]


def squash(text: str) -> str:
    """Text compared as a reader sees it: normalised forms, no bidi marks, no white space."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"\s+", "", text)


def tree_digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def epub_text(path: Path) -> dict[str, str]:
    book = epub.read_epub(str(path))
    return {
        item.get_name(): item.get_content().decode("utf-8")
        for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)
    }


def nav_titles(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        nav = next(n for n in archive.namelist() if n.endswith("nav.xhtml"))
        return re.findall(r"<a [^>]*>(.*?)</a>", archive.read(nav).decode("utf-8"), re.S)


@pytest.fixture(scope="session")
def screen_build(sample_book: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    before = tree_digest(sample_book / "experiences", sample_book / "chapters")
    result = run_book(sample_book, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    after = tree_digest(sample_book / "experiences", sample_book / "chapters")
    assert before == after, "the build modified the editors' files"
    return sample_book, result


@pytest.fixture(scope="session")
def pdf_build(sample_book: Path, screen_build) -> Path:
    require_tool("xelatex", "latexmk", "xindy", "pdftotext")
    result = run_book(sample_book, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    basename = runpy.run_path(str(sample_book / "conf.py"))["book"]["basename"]
    pdf = sample_book / "_build" / "latex" / f"{basename}.pdf"
    assert pdf.is_file(), result.stdout
    return pdf


def test_sample_book_has_enough_reports(sample_book: Path) -> None:
    assert len(expected_reports(sample_book)) >= 12
    assert left_out(sample_book), "the sample book shows a draft being left out"


def test_html_has_every_accepted_report(screen_build) -> None:
    root, _ = screen_build
    for report in accepted(root):
        page = root / "_build" / "html" / "experiences" / f"{report.slug}.html"
        assert page.is_file(), report.slug
        html = page.read_text("utf-8")
        assert escape(report.title, quote=False) in html, report.slug
        assert escape(report.first_author, quote=False) in html, report.slug


def test_left_out_reports_are_in_no_screen_edition(screen_build) -> None:
    root, result = screen_build
    html_dir = root / "_build" / "html"
    every_page = "".join(p.read_text("utf-8") for p in html_dir.rglob("*.html"))
    search_index = (html_dir / "searchindex.js").read_text("utf-8")
    epub_file = next((root / "_build" / "epub").glob("*.epub"))
    epub_pages = "".join(epub_text(epub_file).values())
    for report in left_out(root):
        assert not (html_dir / "experiences" / f"{report.slug}.html").exists()
        for text in (every_page, search_index, epub_pages):
            assert report.slug not in text
            assert escape(report.title, quote=False) not in text
        assert f"experiences/{report.slug}.md" in result.stdout, "the build names what it left out"


def test_epub_has_every_report_in_its_navigation(screen_build) -> None:
    root, _ = screen_build
    epub_file = next((root / "_build" / "epub").glob("*.epub"))
    pages = epub_text(epub_file)
    titles = [squash(t) for t in nav_titles(epub_file)]
    for report in accepted(root):
        page = pages[f"experiences/{report.slug}.xhtml"]
        assert escape(report.title, quote=False) in page
        assert escape(report.first_author, quote=False) in page
        assert squash(escape(report.title, quote=False)) in titles, report.slug


def test_pdf_has_every_accepted_report_and_no_draft(sample_book: Path, pdf_build: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(pdf_build), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = squash(text)
    for report in accepted(sample_book):
        assert squash(report.title) in flat, report.slug
        assert squash(report.first_author) in flat, report.slug
    for report in left_out(sample_book):
        assert squash(report.title) not in flat, report.slug


def test_build_summary_names_chapters_and_left_out(screen_build) -> None:
    root, result = screen_build
    assert f"Published {len(accepted(root))} reports" in result.stdout
    for report in left_out(root):
        assert f"experiences/{report.slug}.md \u2014 status: {report.status}" in result.stdout


def test_generated_sources_rewritten_only_when_changed(screen_build) -> None:
    root, _ = screen_build
    src = root / "_build" / "src"
    stamps = {p: p.stat().st_mtime_ns for p in src.rglob("*.md")}
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p: p.stat().st_mtime_ns for p in src.rglob("*.md")} == stamps
