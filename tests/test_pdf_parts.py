"""A book compiled in parts (``sphinx/pdfparts.py``) is the same PDF as the book compiled whole.

Each fixture book is built twice: whole, and with ``BOOK_PDF_PART_REPORTS`` set so low that
every report (or every other) is a part of its own. The two PDFs are read with pikepdf and
pdftotext and compared: pages and their labels, the text of every page, the bookmarks, the
named destinations, every link (where it is, where it goes, what it says), the structure tree
(every element's type, alternative text, language and page), the notes' IDs and each page's
marked content. The scripts book has a report in 23 scripts and one with every element a
report can hold (footnotes, tables, figures, links); the translations book has translations
inside their originals, where no part may begin.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import FIXTURES, copy_book, require_pdf, run_book

BOOKS = {"book-scripts": "scripts", "book-translations": None}
EPOCH = {"SOURCE_DATE_EPOCH": "1609459200"}


def build(source: Path, target: Path, env: dict[str, str]) -> Path:
    root = copy_book(source, target)
    result = run_book(root, "build", "pdf", env={**EPOCH, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    (pdf,) = [p for p in (root / "_build" / "pdf").glob("*.pdf") if "." not in p.stem]
    return pdf


# Each book is built twice (whole, and in parts): the fast tier builds the one with
# translations, `make test` both.
@pytest.fixture(
    scope="module",
    params=[
        pytest.param(name, marks=pytest.mark.slow if name == "book-scripts" else ())
        for name in sorted(BOOKS)
    ],
)
def whole_and_parts(request: pytest.FixtureRequest, tmp_path_factory) -> tuple[Path, Path]:
    require_pdf("pdftotext")
    source = FIXTURES / request.param
    whole = build(source, tmp_path_factory.mktemp("whole"), {})
    parts = build(source, tmp_path_factory.mktemp("parts"), {"BOOK_PDF_PART_REPORTS": "2"})
    assert not list(whole.parent.glob("*.part*.typ")), "the small book was compiled in parts"
    assert len(list(parts.parent.glob("*.part*.typ"))) >= 3, "the book was not compiled in parts"
    return whole, parts


def read(path: Path) -> dict[str, Any]:
    """What the two PDFs must have alike."""
    found: dict[str, Any] = {}
    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        names = pdf.Root.get("/Names")
        dests = dict(pikepdf.NameTree(names.Dests).items()) if names else {}

        def page_of(dest: Any) -> int | None:
            if isinstance(dest, pikepdf.String):
                dest = dests.get(str(dest))
            return index.get(dest[0].objgen) if isinstance(dest, pikepdf.Array) else None

        found["page labels"] = [pikepdf.Page(page).label for page in pdf.pages]
        found["destinations"] = {name: page_of(dest) for name, dest in dests.items()}

        def bookmarks(items: Any) -> list[Any]:
            return [(i.title, page_of(i.destination), bookmarks(i.children)) for i in items]

        with pdf.open_outline() as outline:
            found["bookmarks"] = bookmarks(outline.root)
        found["links"] = [
            (
                number,
                [round(float(x)) for x in link.Rect],
                page_of(link.Dest) if "/Dest" in link else str(link.A.URI),
                str(link.get("/Contents", "")),
            )
            for number, page in enumerate(pdf.pages)
            for link in page.obj.get("/Annots", [])
            if link.get("/Subtype") == "/Link"
        ]
        tree = pdf.Root.StructTreeRoot
        elements = []
        stack = [tree.K]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(list(node)))
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                page = index.get(node.Pg.objgen) if "/Pg" in node else None
                elements.append(
                    (str(node.S), str(node.get("/Alt", "")), str(node.get("/Lang", "")), page)
                )
                stack.append(node.get("/K"))
        found["tags"] = elements
        found["ids"] = sorted(pikepdf.NameTree(tree.IDTree).keys()) if "/IDTree" in tree else []
        parents = dict(pikepdf.NumberTree(tree.ParentTree).items())
        found["marked content"] = [
            len(parents[int(page.StructParents)]) if "/StructParents" in page.obj else None
            for page in pdf.pages
        ]
        xmp = pdf.Root.Metadata.read_bytes().decode()
        found["catalog"] = (
            str(pdf.Root.get("/Lang")),
            bool(pdf.Root.MarkInfo.Marked),
            re.findall(r"<xmpTPg:NPages>(\d+)<", xmp),
            sorted(pdf.Root.keys()),
        )
        found["info"] = {key: str(value) for key, value in pdf.docinfo.items()}
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    found["text"] = text.stdout.split("\f")
    return found


@pytest.mark.parametrize(
    "what",
    [
        "page labels",
        "text",
        "bookmarks",
        "destinations",
        "links",
        "tags",
        "ids",
        "marked content",
        "catalog",
        "info",
    ],
)
def test_a_book_in_parts_is_the_book_made_whole(
    whole_and_parts: tuple[Path, Path], what: str
) -> None:
    whole, parts = (read(p)[what] for p in whole_and_parts)
    assert parts == whole


def test_the_parts_pdf_has_the_book_s_contents_index_and_page_labels(
    whole_and_parts: tuple[Path, Path],
) -> None:
    """Not only alike: the contents, the index and roman front matter are there."""
    found = read(whole_and_parts[1])
    labels = found["page labels"]
    assert labels[0] in ("i", "ii") and "1" in labels, labels[:8]
    assert any("Contents" in page for page in found["text"][:4])
    assert "bookbuilder-index" in found["destinations"]
    assert any(link[2] is not None and not isinstance(link[2], str) for link in found["links"])
