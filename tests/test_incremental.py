"""Incremental HTML builds give what a full build gives, and rewrite no more than they must.

A report is added to a book that was built before: the incremental build's pages must be the
pages a fresh full build of the same sources writes (navigation, chapter listings, previous/next,
browse and landing pages included), with run-to-run noise stripped. A report's text is edited:
only that report's page and the chapter page listing it are written again (with Sphinx's index
and search pages, which every build writes). Every build here also compares each page's fast
sidebar with Sphinx's own (``BOOKBUILDER_CHECK_NAV``, see ``bookbuilder.sphinx.navigation``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_book, run_book

NEW_REPORT = """\
---
title: "Cooling the MRI basement"
authors:
  - name: "Jonas Becker"
    role: radiographer
    affiliation: "Radiologie, Example Clinic"
country: DE
city: Hamburg
submitted: 2021-07-20
consent: true
summary: "Fictional example report: a basement MRI suite in the heatwave."
modalities: [MRI]
topics: [heat, workflow]
---

The chiller of our MRI scanner sits in the basement, and for three days it was the only cool
room in the building. We moved the morning list to the evening and kept the doors shut.

## What we would keep

A thermometer on the wall of the control room, read aloud at every handover.
"""
NEW_SLUG = "cooling-the-mri-basement-hamburg"

# What differs between two builds of the same sources: nothing in a page should, but asset
# query strings (?v=…, digests of files) and the search index's order are not content.
NOISE = (re.compile(r"\?v=[0-9a-f]+"), re.compile(r"\?digest=[0-9a-f]+"))


def _pages(html: Path) -> dict[str, str]:
    pages = {}
    for page in sorted(html.rglob("*.html")):
        text = page.read_text("utf-8")
        for pattern in NOISE:
            text = pattern.sub("", text)
        pages[page.relative_to(html).as_posix()] = text
    return pages


def _stamps(html: Path) -> dict[str, int]:
    return {p.relative_to(html).as_posix(): p.stat().st_mtime_ns for p in html.rglob("*.html")}


def _build(root: Path) -> None:
    # BOOKBUILDER_CHECK_NAV: every page's fast sidebar is compared with Sphinx's own (navigation.py)
    result = run_book(root, "build", "html", env={"BOOKBUILDER_CHECK_NAV": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def built_then_added(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The small book built, then a report added and the HTML built again (incrementally)."""
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("incremental"))
    _build(root)
    before = _stamps(root / "_build" / "html")
    (root / "experiences" / f"{NEW_SLUG}.md").write_text(NEW_REPORT, "utf-8")
    _build(root)
    return root, before


def test_adding_a_report_gives_the_full_builds_pages(built_then_added, tmp_path: Path) -> None:
    root, _before = built_then_added
    fresh = copy_book(root, tmp_path / "fresh")  # the same sources, no _build
    _build(fresh)
    incremental = _pages(root / "_build" / "html")
    full = _pages(fresh / "_build" / "html")
    assert sorted(incremental) == sorted(full)
    assert f"experiences/{NEW_SLUG}.html" in incremental
    differing = [page for page in full if incremental[page] != full[page]]
    assert differing == [], f"pages that differ from a full build: {differing}"


def test_adding_a_report_updates_its_chapter_and_neighbours(built_then_added) -> None:
    root, before = built_then_added
    html = root / "_build" / "html"
    chapter = (html / "chapters" / "france-and-germany.html").read_text("utf-8")
    assert f"{NEW_SLUG}.html" in chapter
    written = {page for page, stamp in _stamps(html).items() if before.get(page) != stamp}
    assert f"experiences/{NEW_SLUG}.html" in written
    assert "chapters/france-and-germany.html" in written
    # The new report lands between the chapter's two reports (sorted by country): both get new
    # previous/next links. Pages whose navigation did not change are not written again.
    assert "experiences/chaleur-et-irm-lyon.html" in written
    assert "experiences/hitze-im-ct-koeln.html" in written
    for untouched in (
        "experiences/shade-for-the-scanner-sevilla.html",
        "experiences/wildfire-smoke-vancouver.html",
        "chapters/preface.html",
        "chapters/elsewhere.html",
    ):
        assert untouched not in written, untouched


def test_editing_a_reports_text_rewrites_only_its_page(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "edited")
    _build(root)
    html = root / "_build" / "html"
    before = _stamps(html)
    report = root / "experiences" / "wildfire-smoke-vancouver.md"
    text = report.read_text("utf-8")
    marker = "We opened a second room"
    assert marker in text
    report.write_text(text.replace(marker, "We opened a third room"), "utf-8")
    _build(root)
    written = sorted(page for page, stamp in _stamps(html).items() if before.get(page) != stamp)
    # The report's page; the chapter page that lists it (Sphinx rewrites a page's toctree
    # parents); Sphinx's generated index and search pages, written on every build. No other
    # report's page, no other chapter.
    assert written == [
        "chapters/elsewhere.html",
        "experiences/wildfire-smoke-vancouver.html",
        "genindex.html",
        "search.html",
    ]
    page = (html / "experiences" / "wildfire-smoke-vancouver.html").read_text("utf-8")
    assert "We opened a third room" in page


def test_nothing_changed_rewrites_no_page_of_the_book(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "unchanged")
    _build(root)
    html = root / "_build" / "html"
    before = _stamps(html)
    _build(root)
    written = sorted(page for page, stamp in _stamps(html).items() if before.get(page) != stamp)
    assert written == ["genindex.html", "search.html"]


def test_reading_uses_the_linear_toctree_collector(tmp_path: Path) -> None:
    """Sphinx's own collector forgets a page by walking every page (docs/performance.md);
    bookbuilder.sphinx.toctree replaces it, and the tests above show the rebuilds stay right."""
    from sphinx.application import Sphinx
    from sphinx.environment.collectors.toctree import TocTreeCollector

    from bookbuilder.sphinx.toctree import LinearTocTreeCollector

    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    result = run_book(root, "render")
    assert result.returncode == 0, result.stdout + result.stderr
    build = root / "_build"
    app = Sphinx(build / "src", root, build / "html", build / "doctrees", "html", status=None)
    owners = [
        type(getattr(listener.handler, "__self__", None))
        for listener in app.events.listeners["env-purge-doc"]
    ]
    assert LinearTocTreeCollector in owners
    assert TocTreeCollector not in owners
    app.build()
    assert app.statuscode == 0
    # a page's parents are still known: the chapter that lists a report is rebuilt with it
    assert "chapters/elsewhere" in app.env.files_to_rebuild["experiences/wildfire-smoke-vancouver"]
