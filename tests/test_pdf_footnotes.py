"""The PDF's footnotes: each page's notes are its own, written once, never nested.

A book of many reports, each with a translation, all using the same footnote labels (``[^1]``,
``[^src]``, ``[^4]``): every note's text must be printed, on the pages of its own report (or
translation), and no other's. One report also holds the notes that once stopped the PDF: a
chain of notes each referring to the next (written inside each other, 130 of them exceeded
Typst's parsing depth; now each is defined before the note that refers to it, and ``make
check`` refuses chains longer than a page holds: ``test_pdf_limits.py``), and a note referred to
twice in the header of a table that spans pages (Typst repeats the header on every page: a
labelled note there was "label occurs multiple times").
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from bookbuilder.pdfengine.limits import MAX_NOTES_PER_MARK
from conftest import SMALL, report_front, require_pdf, run_book

REPORTS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
LANGUAGES = {
    "alpha": "fr",
    "bravo": "de",
    "charlie": "it",
    "delta": "es",
    "echo": "pt",
    "foxtrot": "nl",
}
CHAIN = MAX_NOTES_PER_MARK  # notes in a chain, each referring to the next: the most allowed
HEADER_ROWS = 120  # enough rows for the table to span pages


def squash(text: str) -> str:
    """Text without whitespace, hyphens and format characters: lines break where they will."""
    kept = (c for c in text if unicodedata.category(c) != "Cf" and c not in "-\u2010")
    return "".join("".join(kept).split())


def note(page: str, name: str) -> str:
    return f"Note {name} of page {page.replace('-', ' ').replace('.', ' ')} only"


def body(page: str) -> str:
    """A body that refers to the shared labels, one of them twice, ``[^4]`` before a full stop."""
    return (
        f"Begins page {page.replace('-', ' ').replace('.', ' ')} here.\n\n"
        "The first note[^1] and the source[^src] of the figures, which came to twenty-five[^4]. "
        "It was a long night, as the first note[^1] says.\n\n"
        + "".join(f"[^{n}]: {note(page, n)}.\n\n" for n in ("1", "src", "4"))
    )


def chain_and_header() -> str:
    chain = "A chain of notes starts here[^c0].\n\n" + "".join(
        f"[^c{i}]: Chain link {i}" + (f" continues[^c{i + 1}].\n\n" if i + 1 < CHAIN else ".\n\n")
        for i in range(CHAIN)
    )
    rows = "".join(f"* - row {i}\n  - {i * 3}\n" for i in range(HEADER_ROWS))
    table = (
        "```{list-table}\n:header-rows: 1\n\n"
        "* - Dose[^h]\n  - Time[^h]\n" + rows + "```\n\n[^h]: Header note printed on its page.\n\n"
    )
    return chain + table


def write_book(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "conf.py").write_text((SMALL / "conf.py").read_text("utf-8"), "utf-8")
    (root / "chapters").mkdir()
    (root / "chapters" / "all.md").write_text(
        '---\ntitle: "All reports"\norder: 10\ncollect: rest\n---\n\nEvery report.\n', "utf-8"
    )
    experiences = root / "experiences"
    experiences.mkdir()
    for slug in REPORTS:
        extra = chain_and_header() if slug == "charlie" else ""
        text = report_front(title=f"Report {slug}") + body(slug) + extra
        (experiences / f"{slug}.md").write_text(text, "utf-8")
        page = f"{slug}.{LANGUAGES[slug]}"
        (experiences / f"{page}.md").write_text(
            f'---\ntitle: "Translation of {slug}"\ntranslators:\n  - name: "Tess Translator"\n'
            f"---\n\n{body(page)}",
            "utf-8",
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book's PDF folder."""
    require_pdf("pdftotext")
    root = tmp_path_factory.mktemp("footnotes") / "book"
    write_book(root)
    result = run_book(root, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build" / "pdf"


@pytest.fixture(scope="module")
def pages(built: Path) -> list[str]:
    """The PDF's pages as text."""
    pdf = built / "heatwave-2021.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return text.split("\f")


def page_ranges(pages: list[str]) -> dict[str, str]:
    """Each report's and translation's text: from the page it begins on to the next one's."""
    starts = []
    for number, text in enumerate(pages):
        for match in re.finditer(r"Begins\s+page\s+([a-z]+)((?:\s+[a-z]{2})?)\s+here", text):
            starts.append(
                (
                    number,
                    match.group(1) + (f".{match.group(2).strip()}" * bool(match.group(2).strip())),
                )
            )
    ranges = {}
    for i, (number, page) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(pages)
        ranges[page] = squash("".join(pages[number:end]))
    return ranges


def test_every_note_is_printed_under_its_own_report_or_translation(pages: list[str]) -> None:
    ranges = page_ranges(pages)
    own = [*REPORTS, *(f"{s}.{LANGUAGES[s]}" for s in REPORTS)]
    assert sorted(ranges) == sorted(own)
    for page in own:
        for name in ("1", "src", "4"):
            assert squash(note(page, name)) in ranges[page], (page, name)
            for other in own:
                if other != page:
                    assert squash(note(other, name)) not in ranges[page], (page, other, name)


def test_a_note_referred_to_twice_is_printed_once(pages: list[str]) -> None:
    whole = squash("".join(pages))
    for page in ("alpha", "alpha.fr"):
        assert whole.count(squash(note(page, "1"))) == 1


def test_the_text_follows_the_note_mark_without_a_space(pages: list[str]) -> None:
    """ "twenty-five⁴. It", not "twenty-five⁴ . It" (issue 23)."""
    text = "".join(pages)
    marks = re.findall(r"twenty-\s*five(\d+)(\s*)\.", text)
    assert len(marks) == 2 * len(REPORTS), marks
    assert all(space == "" for _mark, space in marks), marks


def test_a_chain_of_notes_is_printed_whole(pages: list[str]) -> None:
    charlie = page_ranges(pages)["charlie"]
    for i in range(CHAIN):
        assert squash(f"Chain link {i}") in charlie, i


def test_notes_are_never_written_inside_notes(built: Path) -> None:
    """Each note is defined on its own (``#let note_N = […];``) before the note that refers to
    it: however long a chain, Typst's parser never goes deeper than one note."""
    markup = (built / "heatwave-2021.typ").read_text("utf-8")
    definitions = re.findall(r"#let (note_\d+) = \[", markup)
    assert len(definitions) == len(set(definitions)) >= CHAIN
    assert "#footnote[" not in markup  # every note by its name, never inline
    later = [markup.index(f"Chain link {i}") for i in range(CHAIN)]
    assert later == sorted(later, reverse=True), "the last link is defined first"


def test_a_note_in_a_repeated_table_header_is_on_each_page_of_the_table(pages: list[str]) -> None:
    with_header = [p for p in pages if re.search(r"Dose\d+", p)]
    assert len(with_header) >= 2, "the table spans pages, its header on each"
    for page in with_header:
        assert "Header note printed on its page" in " ".join(page.split()), page[:200]
