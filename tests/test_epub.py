"""The EPUB edition: EPUBCheck and DAISY Ace pass, the package describes the book and its
accessibility, every page declares its language, the cover and navigation are there, and two
builds of the same sources give the same bytes.

Expected values are read from the report files with plain PyYAML, not with the builder's loader.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import ebooklib
import pytest
import yaml
from ebooklib import epub as ebook
from PIL import Image

from bookbuilder.sphinx.epub import (
    Audit,
    _run_for_report,
    ace_command,
    audit_page,
    chromium,
    run_ace,
    run_epubcheck,
)
from conftest import SMALL, copy_book, require, require_tool

EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
ISBN = "9780306406157"


def build_epub(root: Path) -> Path:
    """`bookbuilder build epub` on ``root`` with a fixed SOURCE_DATE_EPOCH; the EPUB's path."""
    env = {**os.environ, "V": "", "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [sys.executable, "-m", "bookbuilder", "--root", str(root), "build", "epub"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = list((root / "_build" / "epub").glob("*.epub"))
    assert len(found) == 1, found
    return found[0]


def front_matter(path: Path) -> dict:
    return yaml.load(path.read_text("utf-8").split("---", 2)[1], Loader=yaml.BaseLoader)


def accepted_reports(root: Path) -> dict[str, dict]:
    reports = {p.stem: front_matter(p) for p in sorted((root / "experiences").glob("*.md"))}
    return {s: d for s, d in reports.items() if d.get("status", "accepted") == "accepted"}


def book_settings(root: Path) -> dict:
    import runpy

    return runpy.run_path(str(root / "conf.py"))["book"]


class Epub:
    """A built EPUB opened with zipfile: the package document, the nav and the pages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.zip.read("content.opf"))
        self.nav = ET.fromstring(self.zip.read("nav.xhtml"))

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.findall(f".//opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text or "" for e in self.opf.findall(f".//dc:{name}", NS)]

    def manifest(self) -> dict[str, ET.Element]:
        return {i.get("id"): i for i in self.opf.findall(".//opf:manifest/opf:item", NS)}

    def spine(self) -> list[str]:
        items = self.manifest()
        return [
            items[r.get("idref")].get("href")
            for r in self.opf.findall(".//opf:spine/opf:itemref", NS)
        ]

    def pages(self) -> dict[str, ET.Element]:
        return {
            n: ET.fromstring(self.zip.read(n)) for n in self.zip.namelist() if n.endswith(".xhtml")
        }

    def toc(self) -> ET.Element:
        return self.nav.find(".//x:nav[@epub:type='toc']", NS)


@pytest.fixture(scope="module")
def small_epub(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Epub]:
    """The small fixture book's EPUB: reports in two languages, a draft, an image, no cover."""
    root = copy_book(SMALL, tmp_path_factory.mktemp("epub-small"))
    return root, Epub(build_epub(root))


def write_big_book(root: Path, count: int = 200) -> Path:
    """A generated book: ``count`` small valid reports, one `collect: rest` chapter, an ISBN and
    a configured cover image."""
    (root / "experiences").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "art").mkdir()
    Image.new("RGB", (600, 900), (40, 90, 60)).save(root / "art" / "cover.png")
    conf = (SMALL / "conf.py").read_text("utf-8")
    conf = conf.replace('"basename": "heatwave-2021",', '"basename": "generated-200",')
    conf = conf.replace(
        '"licence": "CC0-1.0",',
        f'"licence": "CC0-1.0",\n    "isbn": "{ISBN}",\n    "cover": "art/cover.png",',
    )
    assert '"cover": "art/cover.png"' in conf
    (root / "conf.py").write_text(conf, "utf-8")
    (root / "chapters" / "all.md").write_text(
        '---\ntitle: "All the reports"\norder: 10\ncollect: rest\n---\n\nEvery report.\n', "utf-8"
    )
    countries = ["FR", "DE", "IT", "JP", "BR", "KE", "NZ", "CA", "IN", "NO"]
    languages = {"FR": "fr", "DE": "de", "IT": "it"}
    for n in range(count):
        country = countries[n % len(countries)]
        language = f"language: {languages[country]}\n" if country in languages else ""
        (root / "experiences" / f"report-{n:03d}.md").write_text(
            "---\n"
            f'title: "Generated report number {n}"\n'
            "authors:\n"
            f'  - name: "Author {n:03d}"\n'
            "    role: radiographer\n"
            f"country: {country}\n"
            f"submitted: 2021-{1 + n % 12:02d}-{1 + n % 28:02d}\n"
            "consent: true\n"
            f"{language}"
            "modalities: [CT]\n"
            f"topics: [topic-{n % 7}]\n"
            "---\n\n"
            f"Report {n} tells, in a few words, what happened in the department.\n\n"
            "## What we learned\n\nThat a short report is still a report.\n",
            "utf-8",
        )
    return root


@pytest.fixture(scope="module")
def big_epub(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Epub]:
    root = write_big_book(tmp_path_factory.mktemp("epub-200"))
    return root, Epub(build_epub(root))


def require_epubcheck() -> None:
    require_tool("java")


def require_ace() -> None:
    require(
        ace_command() is not None and chromium() is not None,
        "needs DAISY Ace and chromium (`make setup-ace`, `make setup-browser`)",
    )


# ---------------------------------------------------------------------------------- checkers


@pytest.mark.slow  # EPUBCheck (Java)
def test_epubcheck_passes_on_the_small_book(small_epub, tmp_path: Path) -> None:
    require_epubcheck()
    _, book = small_epub
    result = run_epubcheck(book.path, tmp_path / "epubcheck.json")
    assert result.counts == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(result.lines)
    assert result.ok


@pytest.mark.slow  # the 200-report book
def test_epubcheck_passes_on_a_book_of_200_reports(big_epub, tmp_path: Path) -> None:
    require_epubcheck()
    _, book = big_epub
    result = run_epubcheck(book.path, tmp_path / "epubcheck.json")
    assert result.counts == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(result.lines)


@pytest.mark.slow  # EPUBCheck (Java)
def test_epubcheck_reports_a_broken_epub(small_epub, tmp_path: Path) -> None:
    """The check can fail: a package without its nav's file is an error."""
    require_epubcheck()
    _, book = small_epub
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(book.path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            if info.filename != "nav.xhtml":
                target.writestr(info, source.read(info))
    result = run_epubcheck(broken, tmp_path / "epubcheck.json")
    assert not result.ok
    assert result.counts["error"] + result.counts["fatal"] > 0


def test_a_checker_that_writes_no_report_fails_even_after_a_pass(tmp_path: Path) -> None:
    """The report of an earlier, passing run must not stand in for a run that crashed."""
    report = tmp_path / "report.json"
    report.write_text('{"messages": []}', "utf-8")  # what a clean EPUBCheck run leaves
    data, output = _run_for_report([sys.executable, "-c", "print('crashed')"], report)
    assert data is None
    assert "crashed" in output
    assert not report.exists()


@pytest.mark.slow  # DAISY Ace (Chromium)
def test_ace_finds_no_serious_violation_in_the_small_book(small_epub, tmp_path: Path) -> None:
    require_ace()
    _, book = small_epub
    result = run_ace(book.path, tmp_path / "ace")
    failing = [line for line in result.lines if re.search(r": (critical|serious|moderate):", line)]
    assert result.ok, "\n".join(failing or result.lines)
    assert (tmp_path / "ace" / "report.html").is_file()


# ---------------------------------------------------------------------------------- metadata


def test_package_describes_the_book(small_epub) -> None:
    root, book = small_epub
    settings = book_settings(root)
    assert book.dc("title") == [settings["title"]]
    assert book.dc("language") == [settings["language"]]
    assert book.dc("creator") == settings["editors"]
    assert book.dc("publisher") == [settings["publisher"]]
    assert settings["licence"] in book.dc("rights")[0]
    assert book.dc("description") == [settings["description"]]
    assert book.dc("date") == [str(settings["year"])]
    assert book.meta("dcterms:modified") == [
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(EPOCH)))
    ]
    # every author of a published report, once; nobody from a draft or withdrawn report
    authors = [a["name"] for r in accepted_reports(root).values() for a in r["authors"]]
    assert sorted(book.dc("contributor")) == sorted(set(authors))
    left_out = {
        a["name"]
        for p in (root / "experiences").glob("*.md")
        if front_matter(p).get("status", "accepted") != "accepted"
        for a in front_matter(p)["authors"]
    } - set(authors)
    assert left_out, "the small book has authors of drafts only"
    assert not left_out & set(book.dc("contributor"))


def test_identifier_is_a_stable_uuid_without_isbn(small_epub) -> None:
    _, book = small_epub
    uid = book.opf.get("unique-identifier")
    identifier = book.opf.find(f".//dc:identifier[@id='{uid}']", NS).text
    assert identifier.startswith("urn:uuid:")
    assert uuid.UUID(identifier.removeprefix("urn:uuid:")).version == 5
    ncx = book.zip.read("toc.ncx").decode("utf-8")
    assert f'content="{identifier}"' in ncx  # the NCX repeats the package's identifier


@pytest.mark.slow  # the 200-report book
def test_identifier_is_the_isbn_when_given(big_epub) -> None:
    _, book = big_epub
    assert book.dc("identifier") == [f"urn:isbn:{ISBN}"]


def test_accessibility_metadata_and_conformance(small_epub) -> None:
    _, book = small_epub
    assert set(book.meta("schema:accessMode")) == {"textual", "visual"}
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    features = set(book.meta("schema:accessibilityFeature"))
    assert {
        "alternativeText",
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
    } <= features
    assert "index" in features and "genindex.xhtml" in book.zip.namelist()
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert "WCAG 2.2" in book.meta("schema:accessibilitySummary")[0]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert book.meta("a11y:certifiedBy") and book.meta("a11y:certifiedBy")[0]


def test_ebooklib_reads_the_metadata(small_epub) -> None:
    root, book = small_epub
    read = ebook.read_epub(str(book.path))
    assert read.get_metadata("DC", "title")[0][0] == book_settings(root)["title"]
    assert len(read.get_metadata("DC", "contributor")) == len(book.dc("contributor"))
    documents = list(read.get_items_of_type(ebooklib.ITEM_DOCUMENT))
    assert len(documents) >= len(accepted_reports(root))


# ---------------------------------------------------------------------------------- pages


def test_every_page_declares_its_language(small_epub) -> None:
    """The book's language, or a report page's own (a page in French is lang="fr")."""
    root, book = small_epub
    language = book_settings(root)["language"]
    reports = accepted_reports(root)
    for name, page in book.pages().items():
        slug = name.removeprefix("experiences/").removesuffix(".xhtml")
        expected = reports[slug].get("language", language) if slug in reports else language
        assert page.get("lang") == expected, name
        assert page.get(XML_LANG) == expected, name


def test_reports_in_another_language_mark_their_body(small_epub) -> None:
    root, book = small_epub
    others = {s: d["language"] for s, d in accepted_reports(root).items() if d.get("language")}
    others = {s: lang for s, lang in others.items() if lang != book_settings(root)["language"]}
    assert others, "the small book has reports in other languages"
    pages = book.pages()
    for slug, lang in others.items():
        bodies = pages[f"experiences/{slug}.xhtml"].findall(".//x:div[@class='report-body']", NS)
        assert [(b.get("lang"), b.get(XML_LANG)) for b in bodies] == [(lang, lang)], slug


def test_images_have_meaningful_alt_text_and_figures_captions(small_epub) -> None:
    root, book = small_epub
    images = 0
    for name, page in book.pages().items():
        for img in page.iter(f"{{{NS['x']}}}img"):
            images += 1
            alt = (img.get("alt") or "").strip()
            file_name = img.get("src").rsplit("/", 1)[-1]
            assert alt and alt not in {file_name, file_name.rsplit(".", 1)[0]}, (name, alt)
        if name.startswith("experiences/"):
            for figure in page.iter(f"{{{NS['x']}}}figure"):
                assert figure.find("x:figcaption", NS) is not None, name
    sources = [p.read_text("utf-8") for p in (root / "experiences").glob("*.md")]
    assert images > sum(s.count("{figure}") for s in sources) > 0


def test_audit_finds_what_blocks_the_conformance_claim() -> None:
    audit = Audit()
    page = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body>'
        b'<img src="_images/experiences-images-a-report-ct-room.jpg" alt="ct-room"/>'
        b'<p role="heading">Contents</p></body></html>'
    )
    audit_page("bad.xhtml", page, audit)
    messages = " ".join(m for _, m in audit.problems)
    assert "lang" in messages and "file name" in messages and "aria-level" in messages
    assert not audit.ok
    good = Audit()
    audit_page(
        "good.xhtml",
        b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><body>'
        b'<img src="a.png" alt="A chest radiograph"/></body></html>',
        good,
    )
    assert good.ok and good.images == 1


# ---------------------------------------------------------------------------------- structure


def test_cover_is_drawn_when_none_is_set(small_epub) -> None:
    root, book = small_epub
    assert book_settings(root).get("cover") is None
    covers = [i for i in book.manifest().values() if i.get("properties") == "cover-image"]
    assert len(covers) == 1
    with Image.open(io.BytesIO(book.zip.read(covers[0].get("href")))) as image:
        assert image.size == (1067, 1600)  # 2:3, at most 1600 px like every EPUB image
    first = book.spine()[0]
    cover_page = book.pages()[first]
    img = cover_page.find(".//x:img", NS)
    assert img.get(EPUB_TYPE) == "cover" and img.get("src") == covers[0].get("href")
    assert book_settings(root)["title"] in img.get("alt")


@pytest.mark.slow  # the 200-report book
def test_configured_cover_is_used(big_epub) -> None:
    _, book = big_epub
    covers = [i for i in book.manifest().values() if i.get("properties") == "cover-image"]
    assert len(covers) == 1
    with Image.open(io.BytesIO(book.zip.read(covers[0].get("href")))) as image:
        assert image.size == (600, 900)
        assert image.getpixel((10, 10)) == (40, 90, 60)


def nav_entries(element: ET.Element) -> list[tuple[str, list]]:
    entries = []
    for li in element.findall("x:ol/x:li", NS):
        link = li.find("x:a", NS)
        entries.append((link.get("href"), nav_entries(li)))
    return entries


def test_nav_lists_every_report_under_its_chapter(small_epub) -> None:
    root, book = small_epub
    top = nav_entries(book.toc())
    listed = {
        child.split("#")[0]: href
        for href, children in top
        for child, _ in children
        if child.startswith("experiences/")
    }
    expected = {f"experiences/{s}.xhtml" for s in accepted_reports(root)}
    assert set(listed) == expected
    for page, chapter in listed.items():
        assert chapter.startswith("chapters/"), (page, chapter)
    # the accessibility page comes last, then the index (as in the spine: bookindex.py)
    assert [href for href, _children in top[-2:]] == ["accessibility.xhtml", "genindex.xhtml"]


@pytest.mark.slow  # the 200-report book
def test_nav_of_200_reports(big_epub) -> None:
    _, book = big_epub
    top = nav_entries(book.toc())
    chapter = next(children for href, children in top if href == "chapters/all.xhtml")
    assert len([h for h, _ in chapter if h.startswith("experiences/")]) == 200


def test_landmarks(small_epub) -> None:
    _, book = small_epub
    landmarks = book.nav.find(".//x:nav[@epub:type='landmarks']", NS)
    marks = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert set(marks) == {"cover", "toc", "bodymatter", "index"}
    spine = book.spine()
    assert marks["cover"] == spine[0]
    assert marks["index"] == "genindex.xhtml" and marks["index"] in spine
    assert marks["bodymatter"].startswith("chapters/") and marks["bodymatter"] in spine
    assert book.toc().get("id") == marks["toc"].lstrip("#")


def test_reading_order_is_nav_order(small_epub) -> None:
    _, book = small_epub
    nav_order: list[str] = []
    for a in book.toc().iter(f"{{{NS['x']}}}a"):
        page = a.get("href").split("#")[0]
        if page not in nav_order:
            nav_order.append(page)
    spine = [p for p in book.spine() if p in nav_order]
    assert spine == nav_order


@pytest.mark.slow  # the 200-report book
def test_accessibility_page_is_in_every_book(big_epub) -> None:
    _, book = big_epub
    page = book.pages()["accessibility.xhtml"]
    text = "".join(page.itertext())
    assert "EPUB Accessibility 1.1" in text and "WCAG" in text


# ---------------------------------------------------------------------------------- reproducible


def test_two_builds_give_the_same_bytes(small_epub, tmp_path: Path) -> None:
    _, first = small_epub
    other = copy_book(SMALL, tmp_path / "elsewhere" / "book")
    second = build_epub(other)
    assert first.path.name == second.name
    if first.path.read_bytes() != second.read_bytes():
        with zipfile.ZipFile(second) as z:
            differ = [
                i.filename
                for i in z.infolist()
                if i.filename not in first.zip.namelist()
                or z.read(i) != first.zip.read(i.filename)
                or i.date_time != first.zip.getinfo(i.filename).date_time
            ]
        pytest.fail(f"the EPUBs differ in: {differ}")
    infos = first.zip.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    stamp = time.gmtime(int(EPOCH))
    assert {i.date_time[:3] for i in infos} == {(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)}


@pytest.mark.slow  # EPUBCheck (Java)
def test_epubcheck_command_as_make_runs_it(small_epub) -> None:
    """`make epubcheck` runs this command on the book's built EPUB."""
    require_epubcheck()
    root, _ = small_epub
    result = subprocess.run(
        [sys.executable, "-m", "bookbuilder.sphinx.epub", "epubcheck", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "EPUBCheck: 0 fatal, 0 error, 0 warning" in result.stdout
    assert (root / "_build" / "epubcheck" / "report.json").is_file()
