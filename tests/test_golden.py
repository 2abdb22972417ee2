"""Golden files: what the small fixture book becomes, stage by stage, kept in ``tests/golden/``.

A change to the curated model or to the pages is then seen whole and reviewed as a diff, not
guessed from a few ``in`` assertions. Few and focused, so they are cheap to refresh:

- ``model.yaml``: the curated book: which report lands in which chapter, in order, with every
  value the curate stage resolved, what was left out and why, every warning; and each published
  report's record as the editions show it (its place resolved: country name, region);
- one report's and one chapter's MyST source, as the render stage writes them for Sphinx;
- the same report's byline and body, and the chapter's list of reports, in the HTML and the EPUB.

Run-to-run noise (the build's folder, asset digests) is stripped. When a change is meant,
``make golden`` rewrites the files (``pytest --refresh-golden``); ``git diff tests/golden`` is the
review.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from datetime import date
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bookbuilder.check import countries
from bookbuilder.pipeline import prepare
from bookbuilder.render import browse
from conftest import compare_golden

REPORT = "chaleur-et-irm-lyon"  # in its own language, with an affiliation, a note and a quote
CHAPTER = "france-and-germany"  # collects by country, sorted by its own rule
TODAY = date(2024, 6, 1)  # the model is validated as on this day, whatever the date of the run
# The text of a report or chapter is in the MyST golden files; `lines` is bookkeeping for messages.
LEFT_OUT_OF_MODEL = {"body", "lines"}


def stable(text: str, root: Path) -> str:
    """``text`` without what differs from one run to the next, ending in one line break."""
    text = text.replace(str(root), "<book>")
    return re.sub(r"\?(v|digest)=[0-9a-f]+", "", text).rstrip() + "\n"


def plain(value: object, root: Path) -> object:
    """The model as plain YAML data: dataclasses as mappings in field order, paths relative."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name), root)
            for f in dataclasses.fields(value)
            if f.name not in LEFT_OUT_OF_MODEL
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.relative_to(root).as_posix() if value.is_relative_to(root) else str(value)
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v, root) for v in value)
    if isinstance(value, (tuple, list)):
        return [plain(v, root) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v, root) for k, v in value.items()}
    return value


class _Finder(HTMLParser):
    """Where the first element with ``cls`` among its classes starts and ends in the markup."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=False)
        self.cls = cls
        self.tag: str | None = None
        self.depth = 0
        self.start: tuple[int, int] | None = None
        self.end: tuple[int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.end is not None:
            return
        if self.tag is None and self.cls in (dict(attrs).get("class") or "").split():
            self.tag, self.start = tag, self.getpos()
        if tag == self.tag:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.end is None and tag == self.tag:
            self.depth -= 1
            if self.depth == 0:
                self.end = self.getpos()


def _offset(markup: str, position: tuple[int, int]) -> int:
    line, column = position
    return sum(len(x) for x in markup.splitlines(keepends=True)[: line - 1]) + column


def element(markup: str, cls: str) -> str:
    """The first element whose class list has ``cls``, exactly as written in ``markup``."""
    finder = _Finder(cls)
    finder.feed(markup)
    assert finder.start is not None and finder.end is not None, f"no element of class {cls!r}"
    end = markup.index(">", _offset(markup, finder.end)) + 1
    return markup[_offset(markup, finder.start) : end]


def report_fragment(page: str) -> str:
    """A report page's heading, byline and body: from its <h1> to the trailer (web only) or to
    the end of its section. (The web page's article; the theme has an <h1> for print before.)"""
    article = page.find('<article class="bd-article"')
    start = page.index("<h1", max(article, 0))
    trailer = page.find('<aside aria-label="About this report"', start)
    return page[start : trailer if trailer >= 0 else page.index("</section>", start)]


def test_the_curated_model(small_book: Path, golden) -> None:
    prepared = prepare(small_book, today=TODAY)
    assert prepared.ok, [str(p) for p in prepared.problems]
    book = prepared.book
    data = plain(book, small_book)
    # and each published report as every edition shows it, its place resolved (render stage)
    language = book.meta.language
    records = browse.records(book, lambda code, city: countries.place(code, language, city))
    data["records"] = plain(records, small_book)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    golden("book-small/model.yaml", stable(text, small_book))


@pytest.mark.parametrize("page", [f"experiences/{REPORT}.md", f"chapters/{CHAPTER}.md"])
def test_the_myst_sources(small_build: Path, golden, page: str) -> None:
    source = (small_build / "_build" / "src" / page).read_text("utf-8")
    golden(f"book-small/src/{page}", stable(source, small_build))


def test_the_html_pages(small_build: Path, golden) -> None:
    html = small_build / "_build" / "html"
    report = (html / "experiences" / f"{REPORT}.html").read_text("utf-8")
    golden(f"book-small/html/{REPORT}.html", stable(report_fragment(report), small_build))
    chapter = (html / "chapters" / f"{CHAPTER}.html").read_text("utf-8")
    listing = element(chapter, "chapter-reports")
    golden(f"book-small/html/{CHAPTER}.html", stable(listing, small_build))


def test_the_epub_pages(small_build: Path, golden) -> None:
    with zipfile.ZipFile(small_build / "_build" / "epub" / "heatwave-2021.epub") as epub:
        report = epub.read(f"experiences/{REPORT}.xhtml").decode("utf-8")
        chapter = epub.read(f"chapters/{CHAPTER}.xhtml").decode("utf-8")
    golden(f"book-small/epub/{REPORT}.xhtml", stable(report_fragment(report), small_build))
    listing = element(chapter, "chapter-reports")
    golden(f"book-small/epub/{CHAPTER}.xhtml", stable(listing, small_build))


def test_a_changed_page_fails_with_its_diff(tmp_path: Path) -> None:
    """The comparison can fail, and says where: one changed line is a failure showing it."""
    (tmp_path / "page.txt").write_text("one\ntwo\n", "utf-8")
    compare_golden("page.txt", "one\ntwo\n", folder=tmp_path)
    with pytest.raises(pytest.fail.Exception) as failed:
        compare_golden("page.txt", "one\nthree\n", folder=tmp_path)
    assert "tests/golden/page.txt differs" in str(failed.value)
    assert "\n-two\n+three" in str(failed.value)
    with pytest.raises(pytest.fail.Exception, match="does not exist"):
        compare_golden("missing.txt", "one\n", folder=tmp_path)
    compare_golden("page.txt", "one\nthree\n", refresh=True, folder=tmp_path)
    assert (tmp_path / "page.txt").read_text("utf-8") == "one\nthree\n"
