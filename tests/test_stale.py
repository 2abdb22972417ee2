"""Every build is the book as it stands: after any edit, an incremental build equals a clean one.

A stateful property test makes random sequences of the edits editors make (withdraw, draft,
delete, rename or add a report; remove or replace an image; set, change or remove the cover;
add, rename or remove a chapter; change conf.py), and after each one builds the website and the
EPUB incrementally and compares them with a build of the same sources from an empty folder: the
same files in ``_build/html`` with the same bytes, the same EPUB bytes (``SOURCE_DATE_EPOCH``
set). A withdrawal, the worst case, is also spelled out on its own.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from PIL import Image

from conftest import FIXTURES, copy_book, require_pdf

EPOCH = "1609459200"  # 2021-01-01: EPUB dates and zip timestamps the same in both builds
EDITIONS = ("html", "epub")
FIGURE_START = "% figure"


def _start_build(root: Path, *editions: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bookbuilder", "--root", str(root), "build", *editions],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "V": "", "SOURCE_DATE_EPOCH": EPOCH},
    )


def _finish(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate()
    assert process.returncode == 0, output
    return output


def build(root: Path, *editions: str) -> str:
    return _finish(_start_build(root, *editions))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a digest of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def editions_of(root: Path) -> dict[str, object]:
    build_dir = root / "_build"
    return {
        "html": snapshot(build_dir / "html"),
        "epub": {p.name: p.read_bytes() for p in (build_dir / "epub").glob("*.epub")},
    }


def assert_same_as_clean(root: Path, clean: Path) -> None:
    """Build ``root`` again (incrementally) and a copy of its sources from nothing; compare."""
    if clean.exists():
        shutil.rmtree(clean)
    copy_book(root, clean)
    for extra in ("cover.png",):
        if (root / extra).exists():
            shutil.copy2(root / extra, clean / extra)
    incremental, fresh = _start_build(root, *EDITIONS), _start_build(clean, *EDITIONS)
    _finish(incremental)
    _finish(fresh)
    got, want = editions_of(root), editions_of(clean)
    html_got, html_want = got["html"], want["html"]
    assert isinstance(html_got, dict) and isinstance(html_want, dict)
    assert sorted(set(html_got) - set(html_want)) == [], "stale files in _build/html"
    assert sorted(set(html_want) - set(html_got)) == [], "files missing from _build/html"
    differing = sorted(name for name in html_want if html_got[name] != html_want[name])
    assert differing == [], f"files that differ from a clean build: {differing}"
    assert got["epub"] == want["epub"], "the EPUB differs from a clean build's"


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), colour).save(out, format="PNG")
    return out.getvalue()


def new_report(slug: str, number: int, image: bool) -> str:
    figure = (
        f"\n{FIGURE_START}\n\n```{{figure}} images/{slug}/photo.png\n"
        f":alt: A coloured rectangle standing for photograph {number}.\n\n"
        f"Photograph {number}.\n```\n"
        if image
        else ""
    )
    return f"""---
title: "Generated report {number}"
authors:
  - name: "Author {number}"
    role: nurse
country: PT
city: Porto
submitted: 2021-08-{number % 28 + 1:02d}
consent: true
summary: "A report the property test wrote."
modalities: [CT]
topics: [heat]
---

Report {number} tells how the department kept cool: {"fans, " * (number % 5)}shade and water,
and a word that only this report has: uniquewordnumber{number}.
{figure}"""


def set_book_value(conf: Path, key: str, value: str | None) -> None:
    """Set (or, with None, remove) one entry of conf.py's ``book`` mapping."""
    text = re.sub(rf'\n    "{key}": .*', "", conf.read_text("utf-8"))
    if value is not None:
        text = text.replace("book = {\n", f'book = {{\n    "{key}": {value!r},\n', 1)
    conf.write_text(text, "utf-8")


class EditedBook(RuleBasedStateMachine):
    """The small fixture book, edited and built again and again."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="stale-"))
        self.root = copy_book(FIXTURES / "book-small", self.folder / "book")
        self.clean = self.folder / "clean"
        self.counter = 0
        self.chapters = 0

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- what the book holds ---------------------------------------------------------------

    def reports(self) -> list[Path]:
        return sorted(
            p
            for p in (self.root / "experiences").glob("*.md")
            if not re.search(r"^status: (draft|withdrawn)", p.read_text("utf-8"), re.M)
        )

    def with_images(self) -> list[Path]:
        return [p for p in self.reports() if (p.parent / "images" / p.stem).is_dir()]

    def added_chapters(self) -> list[Path]:
        return sorted((self.root / "chapters").glob("added-*.md"))

    def check(self) -> None:
        assert_same_as_clean(self.root, self.clean)

    # -- the edits ----------------------------------------------------------------------------

    @initialize(image=st.booleans())
    def first_build(self, image: bool) -> None:
        self.add_report(image)
        build(self.root, *EDITIONS)

    @precondition(lambda self: len(self.reports()) > 1)
    @rule(data=st.data(), status=st.sampled_from(["withdrawn", "draft"]))
    def leave_out(self, data: st.DataObject, status: str) -> None:
        report = data.draw(st.sampled_from(self.reports()), label="report")
        text = report.read_text("utf-8")
        report.write_text(text.replace("consent: true\n", f"consent: true\nstatus: {status}\n"))
        self.check()

    @precondition(lambda self: len(self.reports()) > 1)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        report = data.draw(st.sampled_from(self.reports()), label="report")
        report.unlink()
        shutil.rmtree(report.parent / "images" / report.stem, ignore_errors=True)
        self.check()

    @precondition(lambda self: self.reports())
    @rule(data=st.data())
    def rename(self, data: st.DataObject) -> None:
        report = data.draw(st.sampled_from(self.reports()), label="report")
        self.counter += 1
        slug = f"{report.stem[:40]}-moved-{self.counter}"
        images = report.parent / "images"
        text = report.read_text("utf-8").replace(f"images/{report.stem}/", f"images/{slug}/")
        report.with_name(f"{slug}.md").write_text(text, "utf-8")
        report.unlink()
        if (images / report.stem).is_dir():
            (images / report.stem).rename(images / slug)
        self.check()

    @rule(image=st.booleans())
    def add(self, image: bool) -> None:
        self.add_report(image)
        self.check()

    def add_report(self, image: bool) -> None:
        self.counter += 1
        slug = f"generated-report-{self.counter}"
        experiences = self.root / "experiences"
        if image:  # every added report's photograph is called photo.png
            (experiences / "images" / slug).mkdir(parents=True)
            (experiences / "images" / slug / "photo.png").write_bytes(png((self.counter, 90, 9)))
        (experiences / f"{slug}.md").write_text(new_report(slug, self.counter, image), "utf-8")

    @precondition(lambda self: self.with_images())
    @rule(data=st.data(), remove=st.booleans())
    def change_image(self, data: st.DataObject, remove: bool) -> None:
        report = data.draw(st.sampled_from(self.with_images()), label="report")
        folder = report.parent / "images" / report.stem
        if not remove:
            for image in folder.iterdir():
                image.write_bytes(png((200, self.counter % 256, 40)))
            self.counter += 1
        else:
            text = report.read_text("utf-8")
            start = text.find(FIGURE_START) if FIGURE_START in text else text.find("```{figure}")
            report.write_text(text[:start].rstrip() + "\n", "utf-8")
            shutil.rmtree(folder)
        self.check()

    @rule(cover=st.sampled_from(["new", "changed", "removed"]))
    def change_cover(self, cover: str) -> None:
        conf = self.root / "conf.py"
        if cover == "removed":
            set_book_value(conf, "cover", None)
            (self.root / "cover.png").unlink(missing_ok=True)
        else:
            self.counter += 1
            (self.root / "cover.png").write_bytes(png((20, 40, self.counter % 256)))
            set_book_value(conf, "cover", "cover.png")
        self.check()

    @rule()
    def add_chapter(self) -> None:
        self.chapters += 1
        chapter = self.root / "chapters" / f"added-{self.chapters}.md"
        chapter.write_text(
            f'---\ntitle: "Added chapter {self.chapters}"\norder: {40 + self.chapters}\n'
            f"collect:\n  countries: [PT]\n---\n\nReports from Portugal.\n",
            "utf-8",
        )
        self.check()

    @precondition(lambda self: self.added_chapters())
    @rule(data=st.data(), remove=st.booleans())
    def rename_or_remove_chapter(self, data: st.DataObject, remove: bool) -> None:
        chapter = data.draw(st.sampled_from(self.added_chapters()), label="chapter")
        if remove:
            chapter.unlink()
        else:
            self.chapters += 1
            chapter.rename(chapter.with_name(f"added-{self.chapters}.md"))
        self.check()

    @rule(title=st.sampled_from(["Imaging in the 2021 Heatwave", "The Heatwave, Retitled"]))
    def change_settings(self, title: str) -> None:
        set_book_value(self.root / "conf.py", "title", title)
        self.check()


# stateful: a few sequences of edits, two builds each
TestEditedBook = pytest.mark.slow(EditedBook.TestCase)
# Each step builds twice (about ten seconds on CI's machine): a few steps per run, no shrinking
# (the failing sequence of steps is printed as it is). Every run explores another sequence.
TestEditedBook.settings = settings(
    max_examples=1,
    stateful_step_count=5,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# ------------------------------------------------------------------------------------------------
# A withdrawal, spelled out


@pytest.fixture(scope="module")
def withdrawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book built, then its report with a photograph withdrawn, then built again."""
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("withdrawn"))
    build(root, *EDITIONS)
    html = root / "_build" / "html"
    assert (html / "experiences" / "shade-for-the-scanner-sevilla.html").is_file()
    report = root / "experiences" / "shade-for-the-scanner-sevilla.md"
    text = report.read_text("utf-8")
    report.write_text(text.replace("consent: true\n", "consent: true\nstatus: withdrawn\n"))
    build(root, *EDITIONS)
    return root


@pytest.mark.slow  # the small book built twice in all three editions
def test_a_withdrawn_report_leaves_the_website(withdrawn: Path) -> None:
    html = withdrawn / "_build" / "html"
    assert not (html / "experiences" / "shade-for-the-scanner-sevilla.html").exists()
    assert not [p for p in (html / "_images").glob("*") if "awning" in p.name]
    every_page = "".join(p.read_text("utf-8") for p in html.rglob("*.html"))
    assert "Shade first, then scan" not in every_page
    search = (html / "searchindex.js").read_text("utf-8")
    assert "awn" not in search and "porter" not in search  # its words are not search terms


@pytest.mark.slow  # the small book built twice in all three editions
def test_a_withdrawn_report_leaves_the_epub(withdrawn: Path) -> None:
    epub = withdrawn / "_build" / "epub" / "heatwave-2021.epub"
    with zipfile.ZipFile(epub) as package:
        names = package.namelist()
        text = "".join(package.read(n).decode("utf-8", "replace") for n in names)
    assert not [n for n in names if "sevilla" in n or "awning" in n], names
    assert "Shade first, then scan" not in text


@pytest.mark.slow  # the small book built twice in all three editions
def test_a_withdrawal_gives_a_clean_builds_editions(withdrawn: Path, tmp_path: Path) -> None:
    assert_same_as_clean(withdrawn, tmp_path / "clean")


# ------------------------------------------------------------------------------------------------
# Edits spelled out, each on a freshly built book, the editions written in shares (JOBS=2:
# sphinx/parallel.py gives each process whole pages to read and write)


def _replace(root: Path, report: str, old: str, new: str) -> None:
    path = root / "experiences" / f"{report}.md"
    text = path.read_text("utf-8")
    assert old in text, f"{path.name} no longer says {old!r}: the fixture book changed"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _replace_image(root: Path) -> None:
    for image in (root / "experiences" / "images" / "shade-for-the-scanner-sevilla").iterdir():
        image.write_bytes(png((200, 120, 40)))


def _add_report(root: Path) -> None:
    slug = "generated-report-1"
    (root / "experiences" / "images" / slug).mkdir(parents=True)
    (root / "experiences" / "images" / slug / "photo.png").write_bytes(png((1, 90, 9)))
    (root / "experiences" / f"{slug}.md").write_text(new_report(slug, 1, image=True), "utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    # The randomised sequence's find (2026-12-07): an image's bytes replaced, its report's text
    # not. The EPUB's build (first) read the report again; the website's (last: it offers the
    # editions) read nothing and found the report's source older than its page, so it kept the
    # page with the old image's copies, which it then pruned as no page's: the new copies were
    # missing from _build/html. Any JOBS; not the shares' fault.
    "an image replaced": _replace_image,
    # one report read again: its page and its chapter's written, one of them by a worker
    "a report's text": lambda root: _replace(
        root, "wildfire-smoke-vancouver", "We opened a second room", "We opened a third room"
    ),
    # pages written though not read again (their previous/next links, their sidebar's list of
    # the chapter's reports), by workers that resolve them
    "a report retitled": lambda root: _replace(
        root, "hitze-im-ct-koeln", 'title: "Thirty-nine', 'title: "Forty'
    ),
    "a report moved to another chapter": lambda root: _replace(
        root, "hitze-im-ct-koeln", "country: DE", "country: CA"
    ),
    # the index entry (a topic) gone from the search index, though a worker wrote the page:
    # Sphinx's own parallel write runs html-page-context in its worker, and the pages it wrote
    # kept their last build's entries (outputs.repair_search_index); the shares send them back
    "a report's topic removed": lambda root: _replace(
        root,
        "hitze-im-ct-koeln",
        "topics: [heat, equipment, wellbeing]",
        "topics: [heat, equipment]",
    ),
    # its page, citation files and images pruned; its words out of the search index
    "a report withdrawn": lambda root: _replace(
        root,
        "shade-for-the-scanner-sevilla",
        "consent: true\n",
        "consent: true\nstatus: withdrawn\n",
    ),
    # a new page and image, its words merged into the search index from a worker
    "a report added": _add_report,
}


@pytest.mark.slow  # the small book built three times in two editions
@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_gives_a_clean_builds_editions(
    edit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBS", "2")
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    build(root, *EDITIONS)
    EDITS[edit](root)
    assert_same_as_clean(root, tmp_path / "clean")


# ------------------------------------------------------------------------------------------------
# The website's downloads, and the warnings of pages Sphinx did not read again

FOOTNOTE_ONLY = "\nA sentence with no footnote mark.\n\n[^1]: A footnote nobody cites.\n"
UNREFERENCED = re.compile(
    r"^  experiences/hitze-im-ct-koeln\.md:(\d+): WARNING: Footnote \[1\] is not referenced", re.M
)


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The small book with an unreferenced footnote: ``epub html``; ``html`` with nothing
    changed; a report withdrawn, then ``html`` alone. The summaries of the three builds."""
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("downloads"))
    report = root / "experiences" / "hitze-im-ct-koeln.md"
    report.write_text(report.read_text("utf-8") + FOOTNOTE_ONLY, "utf-8")
    summaries = [build(root, "epub", "html"), build(root, "html")]
    other = root / "experiences" / "wildfire-smoke-vancouver.md"
    other.write_text(
        other.read_text("utf-8").replace("consent: true\n", "consent: true\nstatus: withdrawn\n")
    )
    summaries.append(build(root, "html"))
    return root, summaries


def test_every_build_lists_every_warning(three_builds: tuple[Path, list[str]]) -> None:
    root, summaries = three_builds
    body_start = root.joinpath("experiences/hitze-im-ct-koeln.md").read_text("utf-8").split("\n")
    footnote_line = body_start.index("[^1]: A footnote nobody cites.") + 1
    for summary in summaries:  # read once, by the first build; listed by all three
        assert [int(n) for n in UNREFERENCED.findall(summary)] == [footnote_line], summary


def test_the_website_offers_only_current_editions(three_builds: tuple[Path, list[str]]) -> None:
    root, summaries = three_builds
    html = root / "_build" / "html"
    assert "Not offered for download" not in summaries[0] + summaries[1]
    # after the withdrawal, the EPUB still has the report: the website no longer offers it
    assert not (html / "downloads").exists()
    assert "Download the EPUB" not in (html / "index.html").read_text("utf-8")
    assert (
        "Not offered for download: _build/epub/heatwave-2021.epub was built from older sources"
        in summaries[2]
    )


def test_a_current_edition_is_offered_again(three_builds: tuple[Path, list[str]]) -> None:
    root, _summaries = three_builds
    summary = build(root, "epub", "html")
    html = root / "_build" / "html"
    assert "Not offered" not in summary
    assert (html / "downloads" / "heatwave-2021.epub").read_bytes() == (
        root / "_build" / "epub" / "heatwave-2021.epub"
    ).read_bytes()
    assert "Download the EPUB" in (html / "index.html").read_text("utf-8")


# ------------------------------------------------------------------------------------------------
# The PDF: compared by its text (pdftotext), whatever engine makes it


def _pdf_text(root: Path) -> str:
    pdf = root / "_build" / "pdf" / "heatwave-2021.pdf"
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow  # the small book's PDF built twice
def test_the_pdf_after_a_withdrawal_is_a_clean_builds(tmp_path: Path) -> None:
    require_pdf("pdftotext")
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    build(root, "pdf")
    assert "Shade first, then scan" in _pdf_text(root)
    report = root / "experiences" / "shade-for-the-scanner-sevilla.md"
    text = report.read_text("utf-8")
    report.write_text(text.replace("consent: true\n", "consent: true\nstatus: withdrawn\n"))
    clean = copy_book(root, tmp_path / "clean")
    incremental, fresh = _start_build(root, "pdf"), _start_build(clean, "pdf")
    _finish(incremental)
    _finish(fresh)
    got = _pdf_text(root)
    assert "Shade first, then scan" not in got
    assert got == _pdf_text(clean)
