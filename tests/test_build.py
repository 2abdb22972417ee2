"""Real builds of the small fixture book, inspected as a reader gets them: every accepted report
in every edition, nothing of a draft anywhere, the summary, and the editors' files untouched.

The expected content is read from the report files with plain PyYAML here, not with the builder's
own loader, so a bug in the loader cannot hide itself.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

import ebooklib
import pytest
import yaml
from ebooklib import epub

from conftest import SMALL, copy_book, run_book, tree_digest

BASENAME = "heatwave-2021"  # the small book's file name


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


# Sphinx prints straight quotes as typographic ones (smartquotes): a reader sees the same title.
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def squash(text: str) -> str:
    """Text compared as a reader sees it: normalised forms, straight quotes, no bidi marks, no
    white space."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"\s+", "", text)


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


@pytest.fixture(scope="module")
def rebuilt(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict, dict]:
    """The small book built, then built again with nothing changed: what the build says, every
    time, and the generated sources' times before and after (a book of this file's own: the
    shared ``small_build`` is for reading only)."""
    root = copy_book(SMALL, tmp_path_factory.mktemp("rebuilt"))
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    src = root / "_build" / "src"
    before = {p: p.stat().st_mtime_ns for p in src.rglob("*.md")}
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return result, before, {p: p.stat().st_mtime_ns for p in src.rglob("*.md")}


def test_the_fixture_has_what_these_tests_look_for() -> None:
    assert len(accepted(SMALL)) >= 3
    assert left_out(SMALL), "the small book shows a draft being left out"


def test_a_build_leaves_the_editors_files_as_they_were(small_build: Path) -> None:
    built = tree_digest(small_build / "experiences", small_build / "chapters")
    assert built == tree_digest(SMALL / "experiences", SMALL / "chapters")


def test_html_has_every_accepted_report(small_build: Path) -> None:
    root = small_build
    for report in accepted(root):
        page = root / "_build" / "html" / "experiences" / f"{report.slug}.html"
        assert page.is_file(), report.slug
        html = page.read_text("utf-8")
        article = squash(unescape(html[html.index("<article") : html.index("</article>")]))
        assert squash(report.title) in article, report.slug
        assert squash(report.first_author) in article, report.slug


def test_left_out_reports_are_in_no_screen_edition(small_build: Path, rebuilt) -> None:
    root, (result, _, _) = small_build, rebuilt
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


def test_epub_has_every_report_in_its_navigation(small_build: Path) -> None:
    root = small_build
    epub_file = next((root / "_build" / "epub").glob("*.epub"))
    pages = epub_text(epub_file)
    titles = [squash(unescape(t)) for t in nav_titles(epub_file)]
    for report in accepted(root):
        page = squash(unescape(pages[f"experiences/{report.slug}.xhtml"]))
        assert squash(report.title) in page, report.slug
        assert squash(report.first_author) in page, report.slug
        assert squash(report.title) in titles, report.slug


def test_pdf_has_every_accepted_report_and_no_draft(small_all_build: Path) -> None:
    pdf = small_all_build / "_build" / "pdf" / f"{BASENAME}.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    flat = squash(text.stdout)
    for report in accepted(SMALL):
        assert squash(report.title) in flat, report.slug
        assert squash(report.first_author) in flat, report.slug
    for report in left_out(SMALL):
        assert squash(report.title) not in flat, report.slug


def test_build_summary_names_chapters_and_left_out(rebuilt) -> None:
    result, _, _ = rebuilt
    assert f"Published {len(accepted(SMALL))} reports in 4 chapters:" in result.stdout
    assert "  France and Germany (chapters/france-and-germany.md): 2 reports" in result.stdout
    for report in left_out(SMALL):
        assert f"experiences/{report.slug}.md \u2014 status: {report.status}" in result.stdout


def test_generated_sources_rewritten_only_when_changed(rebuilt) -> None:
    _, before, after = rebuilt
    assert before and after == before
