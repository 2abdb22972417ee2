"""The accessibility statement: W3C's display guide's sections, made from the EPUB's own facts.

The EPUB's Accessibility page and its package metadata must say the same thing, and the website's
statement must describe the very EPUB it offers, with what EPUBCheck and DAISY Ace found on that
file when they were run: never a claim that a check did not show.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from bookbuilder.sphinx import a11y
from conftest import FIXTURES, copy_book, run_book

OPF = {"opf": "http://www.idpf.org/2007/opf"}
BASENAME = "heatwave-2021"


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def statement_texts(facts: a11y.AccessibilityFacts) -> list[str]:
    return [line for section in a11y.statement(facts) for line in section.lines]


@pytest.fixture(scope="module")
def built(small_build: Path) -> Path:
    """The small book's EPUB and website (`make html epub`), shared by the run: for reading."""
    return small_build


def opf_meta(epub: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(epub) as archive:
        package = ET.fromstring(archive.read("content.opf"))
    found: dict[str, list[str]] = {}
    for meta in package.iterfind(".//opf:metadata/opf:meta", OPF):
        if meta.get("property"):
            found.setdefault(meta.get("property"), []).append(meta.text or "")
    return found


def test_the_epub_page_says_what_the_package_metadata_says(built: Path) -> None:
    epub = built / "_build" / "epub" / f"{BASENAME}.epub"
    meta = opf_meta(epub)
    with zipfile.ZipFile(epub) as archive:
        page = text_of(archive.read("accessibility.xhtml").decode("utf-8"))
    for heading in ("Ways of reading", "Conformance", "Navigation", "Rich content", "Hazards"):
        assert heading in page
    assert "Accessibility summary" in page and "Legal considerations" in page
    # The claim is on the page exactly when it is in the package.
    assert meta["dcterms:conformsTo"] == [a11y.CONFORMANCE]
    assert "This publication meets accepted accessibility standards" in page
    assert f"Conforms to {a11y.CONFORMANCE}" in page
    # the book has an index with entries: the summary says so
    summary = a11y.SUMMARY_CHECKED.format(index=a11y.SUMMARY_INDEX)
    assert meta["schema:accessibilitySummary"] == [summary]
    assert summary in page
    for feature in meta["schema:accessibilityFeature"]:
        assert a11y.FEATURE_WORDS[feature] in page
    assert meta["schema:accessibilityHazard"] == ["none"] and "No hazards" in page
    assert "Readable in read aloud or dynamic braille" in page
    assert a11y.PLACEHOLDER not in archive_text(epub)


def archive_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        return "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml")
        )


def test_the_website_describes_the_epub_it_offers(built: Path) -> None:
    site = built / "_build" / "html"
    saved = json.loads((built / "_build" / a11y.FACTS_FILE).read_text("utf-8"))
    offered = site / "downloads" / f"{BASENAME}.epub"
    assert saved["epub_sha256"] == a11y.file_sha256(offered)
    facts = a11y.load_facts(built / "_build" / a11y.FACTS_FILE, saved["epub_sha256"])
    assert facts is not None
    for page in ("index.html", "accessibility.html"):
        text = text_of((site / page).read_text("utf-8"))
        for line in statement_texts(facts):
            assert line in text, (page, line)
    assert "<details" in (site / "index.html").read_text("utf-8")


def test_a_checker_that_found_problems_withdraws_the_claim(built: Path, tmp_path: Path) -> None:
    root = copy_book(built, tmp_path / "book", remembered_readings=False)
    (root / "_build").mkdir()
    assert run_book(root, "build", "epub", "html").returncode == 0
    offered = root / "_build" / "html" / "downloads" / f"{BASENAME}.epub"
    digest = a11y.file_sha256(offered)
    a11y.save_checker_result(
        root / "_build", a11y.CheckerResult("DAISY Ace", False, "1 serious", digest)
    )
    a11y.save_checker_result(  # a run on another file says nothing about this one
        root / "_build", a11y.CheckerResult("EPUBCheck", True, "0 error", "0" * 64)
    )
    assert run_book(root, "build", "html").returncode == 0  # nothing else changed
    text = text_of((root / "_build" / "html" / "accessibility.html").read_text("utf-8"))
    assert "does not claim to meet an accessibility standard" in text
    assert "DAISY Ace found problems on this very file: 1 serious" in text
    assert "EPUBCheck" not in text
    assert "meets accepted accessibility standards" not in text


def test_without_an_epub_no_statement_is_made(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    assert run_book(root, "build", "html").returncode == 0
    text = text_of((root / "_build" / "html" / "accessibility.html").read_text("utf-8"))
    assert "this build made no EPUB" in text
    assert "meets accepted accessibility standards" not in text


def test_unchecked_pages_make_no_claim() -> None:
    facts = a11y.facts_from_checks(
        images=3, charts=0, checks_passed=False, has_index=True, publisher="P"
    )
    lines = statement_texts(facts)
    assert facts.conforms_to is None and "alternativeText" not in facts.features
    assert "This publication does not claim to meet an accessibility standard" in lines
    assert "May not be fully readable in read aloud or dynamic braille" in lines
    assert "Images have text alternatives" not in lines


def test_text_only_books_are_readable_aloud_without_alt_text_features() -> None:
    facts = a11y.facts_from_checks(
        images=0, charts=0, checks_passed=True, has_index=False, publisher="P"
    )
    assert facts.access_modes == ("textual",)
    assert "Readable in read aloud or dynamic braille" in statement_texts(facts)
    assert "Index" not in statement_texts(facts)
