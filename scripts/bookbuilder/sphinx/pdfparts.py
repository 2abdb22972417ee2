"""A large book's PDF, compiled in parts and joined into one with pikepdf.

Typst keeps the whole document in memory while it lays it out and writes it: about 1.3 MB a
report (2.6 pages), so 6.5 GB or more for 5,000 reports (``docs/performance.md``). A book of
more than ``BOOK_PDF_PART_REPORTS`` reports (default :data:`REPORTS_PER_PART`) is therefore
typeset in parts of that many reports, one Typst process after the other, each part's pages
numbered on from the last part's; the largest memory is one part's, whatever the book's size.
The parts are then joined into the one PDF that a single compilation makes:

- **pages and page labels**: each part's pages in order, with their ``/PageLabels`` (the front
  matter in roman numerals, the body from 1);
- **contents and bookmarks**: the front matter is compiled last, with a stand-in for each of
  the book's outlined headings, the same markup alone on a page numbered as its real page is
  (``book.typ``: ``stand-in``). Typst's own contents are made from them; the stand-in pages
  are left out, the bookmarks are Typst's, pointed at the real headings;
- **links**: a part names the labels of the other parts as placeholders (so that Typst accepts
  a link to them); links are by name (``/Dest``), and the joined PDF's names are those of the
  parts that own them; a link's description (its page number) is corrected to the real page;
- **tags**: the structure trees are joined under one ``Document`` element (the stand-ins'
  elements left out), every page's and annotation's entry of the parent tree renumbered, the
  notes' IDs numbered through the book;
- **the index**: the last part ends with it; its page numbers for the other parts' pages come
  from ``book.json`` (``pages``), as the parts before had printed them.

Splitting happens only before a report at the top level of the markup (it begins a new page).
The joining runs in a process of its own too (``python -m bookbuilder.sphinx.pdfparts``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bookbuilder.pdfengine.typeset import run_child
from bookbuilder.sphinx import typst as markup
from bookbuilder.sphinx.outputs import write_if_changed
from bookbuilder.sphinx.typesetting import Typesetter

if TYPE_CHECKING:
    from pikepdf import Array, Object, OutlineItem, Pdf

PART_VARIABLE = "BOOK_PDF_PART_REPORTS"
#: Reports per part: Typst's peak for 400 reports is about 0.6 GB (docs/performance.md).
REPORTS_PER_PART = 400
#: The label of the index's heading and, numbered, of its sections' (``book.typ``).
INDEX_LABEL = "bookbuilder-index"
#: A link to a label in the writer's markup (``typst.py``: ``#link(<label>)[…]``). Report
#: text is in string literals, where it may match too: a label found there is only named as
#: a placeholder in vain, never missed.
_LINKED = re.compile(r"link\(<([^>]+)>\)")
_NOTE_ID = re.compile(r"Note (\d+)")
#: The structure elements' IDs that Typst numbers through the document: the notes' (``Note
#: 3``) and the table cells' (``U2x1y0``: table 2, column 1, row 0), which header cells are
#: named by (``/Headers``). A part numbers them from 1; the joining numbers them on.
_NUMBERED_ID = re.compile(r"(Note |U)(\d+)(.*)")


def reports_per_part() -> int:
    """The setting ``BOOK_PDF_PART_REPORTS``, else :data:`REPORTS_PER_PART`."""
    configured = os.environ.get(PART_VARIABLE, "").strip()
    return int(configured) if configured.isdigit() and int(configured) > 0 else REPORTS_PER_PART


@dataclass
class Part:
    """A part of the book's markup: ``translator.body[start:end]``, and the labels it defines."""

    start: int
    end: int
    labels: set[str]


def plan(translator: markup.TypstTranslator, per_part: int) -> list[Part]:
    """The parts of a book of more than ``per_part`` reports (none for a smaller book: it is
    compiled whole)."""
    starts = [index for index, _page in translator.part_starts]
    if len(starts) <= per_part:
        return []
    bounds = [0, *starts[per_part::per_part], len(translator.body)]
    # which part each page is in: where its markup begins
    page_part: dict[str, int] = {}
    for index, page in translator.page_starts:
        part = next(
            k for k in range(len(bounds) - 1) if index < bounds[k + 1] or k == len(bounds) - 2
        )
        page_part.setdefault(page, part)
    labels: list[set[str]] = [set() for _ in bounds[1:]]
    for key, name in translator.labels.items():
        page = key if isinstance(key, str) else key[0]
        if page in page_part:
            labels[page_part[page]].add(name)
    return [Part(bounds[k], bounds[k + 1], labels[k]) for k in range(len(bounds) - 1)]


def typeset_in_parts(
    setter: Typesetter, translator: markup.TypstTranslator, parts: list[Part], data: dict[str, Any]
) -> None:
    """Compile ``parts`` one after the other, then the front matter, and join them into the
    book's PDF; errors are reported as for a book compiled whole (``setter.run_typst``)."""
    outdir, name = setter.outdir, setter.name
    every_label = set().union(*(p.labels for p in parts))
    pages: dict[str, str] = {}  # label → the printed number of its page
    first_page, notes = 1, 0
    compiled: list[dict[str, Any]] = []
    for number, part in enumerate(parts, 1):
        last = number == len(parts)
        if last:  # the index prints the pages of the parts before
            data = {**data, "pages": pages}
            write_if_changed(outdir / "book.json", json.dumps(data, ensure_ascii=False).encode())
        text = "".join(translator.body[part.start : part.end])
        named = set(_LINKED.findall(text)) | (_index_labels(data) if last else set())
        elsewhere = ", ".join(
            markup.string(label) for label in sorted((named & every_label) - part.labels)
        )
        head = (
            '#import "book.typ": *\n'  # every function the writer's markup may call
            f"#show: book-part.with(first-page: {first_page}, notes: {notes}, "
            f"last: {str(last).lower()}, "
            f"elsewhere: ({elsewhere}{',' if elsewhere else ''}))\n\n"
        )
        source = outdir / f"{name}.part{number}.typ"
        pdf = outdir / f"{name}.part{number}.pdf"
        write_if_changed(source, (head + text).encode())
        before = "".join(translator.body[: part.start]).count("\n") - head.count("\n")

        def page_at_line(line: int, before: int = before) -> str:
            return translator.page_at_line(line + before)

        if not setter.run_typst(source, pdf, page_at_line, translator.largest_pages):
            return

        def owns(label: str, part: Part = part, last: bool = last) -> bool:
            return label in part.labels or (last and label.startswith(INDEX_LABEL))

        count, found, its_notes = _printed_pages(pdf, owns, first_page)
        pages.update(found)
        compiled.append({"pdf": str(pdf), "labels": sorted(found)})
        first_page += count
        notes += its_notes
    front = _typeset_front(setter, translator, pages)
    if front is None:
        return
    target = outdir / f"{name}.pdf"
    request = {"front": str(front), "parts": compiled, "pages": pages, "output": str(target)}
    why = _join_in_child(request, outdir / f"{name}.parts.json")
    for made in (front, *(Path(part["pdf"]) for part in compiled)):
        made.unlink(missing_ok=True)  # the markup stays, as a whole book's does
    if why is not None:
        target.unlink(missing_ok=True)
        said = "the PDF's parts could not be joined (%s); no PDF was made"
        setter.report(logging.ERROR, said, why)


def clear(outdir: Path, name: str) -> None:
    """Remove the parts of an earlier build (a book that shrank, or is made whole now)."""
    for pattern in (f"{name}.part*", f"{name}.front.*", f"{name}.parts.json"):
        for path in outdir.glob(pattern):
            path.unlink(missing_ok=True)


def _index_labels(data: dict[str, Any]) -> set[str]:
    """The labels the index (``book.json``) refers to."""
    return {
        place
        for section in data.get("index", [])
        for entry in section["entries"]
        for place in entry["places"]
    }


def _typeset_front(
    setter: Typesetter, translator: markup.TypstTranslator, pages: dict[str, str]
) -> Path | None:
    """Compile the front matter (cover, title page, contents) with the stand-ins of the
    book's outlined headings; its PDF, or None (the error logged)."""
    stand_ins = []
    page = "1"
    for heading, label in translator.outlined:
        page = pages.get(label, page) if label else page  # a heading without one: as before it
        stand_ins.append(f"#stand-in({int(page)}, [{heading}])\n")
    if INDEX_LABEL in pages:
        stand_ins.append(f"#index-stand-ins({int(pages[INDEX_LABEL])})\n")
    head = '#import "book.typ": *\n#show: book-front\n\n'
    source = setter.outdir / f"{setter.name}.front.typ"
    pdf = setter.outdir / f"{setter.name}.front.pdf"
    write_if_changed(source, (head + "".join(stand_ins)).encode())
    if not setter.run_typst(source, pdf, lambda line: setter.root_doc):
        return None
    return pdf


def _printed_pages(
    pdf: Path, owns: Callable[[str], bool], first_page: int
) -> tuple[int, dict[str, str], int]:
    """A part's number of pages, the printed page of each label it ``owns``, and its number
    of footnotes (its notes' structure elements: ``Note 1``, ``Note 2``…)."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        index = {page.obj.objgen: i for i, page in enumerate(document.pages)}
        found = {}
        for label, dest in _dests(document).items():
            if owns(label) and (at := _dest_page(dest, index)) is not None:
                found[label] = str(first_page + at)
        tree = document.Root.get("/StructTreeRoot")
        ids = pikepdf.NameTree(tree.IDTree).keys() if tree and "/IDTree" in tree else []
        notes = sum(1 for key in ids if _NOTE_ID.fullmatch(key))
        return len(document.pages), found, notes


def _dests(document: Pdf) -> dict[str, Object]:
    import pikepdf

    names = document.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return dict(pikepdf.NameTree(names.Dests).items())


def _explicit(dest: Object | int | None) -> Array | None:
    """A destination's explicit array (page, how to show it): ``dest`` itself, or a destination
    dictionary's ``/D``; None for a destination of another kind."""
    import pikepdf

    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.get("/D")
    return dest if isinstance(dest, pikepdf.Array) else None


def _dest_page(dest: Object | int | None, index: dict[tuple[int, int], int]) -> int | None:
    """The page (an index into ``index``) of an explicit destination."""
    import pikepdf

    array = _explicit(dest)
    if array is not None and len(array) and isinstance(array[0], pikepdf.Dictionary):
        return index.get(array[0].objgen)
    return None


def _join_in_child(request: dict[str, Any], path: Path) -> str | None:
    """Run :func:`join` in a process of its own, asked by ``request`` (written to ``path``);
    None, or why it failed."""
    path.write_text(json.dumps(request, ensure_ascii=False), "utf-8")
    ran = run_child([sys.executable, "-m", __name__, str(path)])
    if ran.returncode == 0:
        return None
    return (ran.stderr.strip().splitlines() or [f"status {ran.returncode}"])[-1][:300]


# -- joining ---------------------------------------------------------------------------------


class _Joined:
    """The book's PDF being made of the front matter and the parts (:func:`join`)."""

    def __init__(self) -> None:
        import pikepdf

        self.pdf = pikepdf.new()
        self.root = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        self.document = self.pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=self.root, K=[]
            )
        )
        self.root.K = pikepdf.Array([self.document])
        self.parents: dict[int, Object] = {}  # the new parent tree
        self.ids: dict[str, Object] = {}
        self.role_map = pikepdf.Dictionary()
        self.dests: dict[str, Object] = {}
        self.page_labels: dict[int, Object] = {}
        self.numbered: dict[str, int] = {}  # the highest number of each kind of ID so far

    def add(self, source: Pdf, pages: range, owned: set[str], structure: list[Object]) -> None:
        """Add ``pages`` of ``source``, its structure elements ``structure`` (the tops), and
        the destinations of the labels it ``owned``."""
        import pikepdf

        offset = len(self.pdf.pages)
        tree = source.Root.StructTreeRoot
        old_parents = dict(pikepdf.NumberTree(tree.ParentTree).items())
        # renumbered before anything is copied (the copies are made from the part as it is)
        ids = self._renumber(tree) if "/IDTree" in tree and owned else {}
        for i in pages:
            self.pdf.pages.append(source.pages[i])
            page = self.pdf.pages[-1]
            if "/StructParents" in page.obj:
                page.obj.StructParents = self._parent(
                    source, old_parents[int(page.obj.StructParents)]
                )
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    key = int(annotation.StructParent)
                    annotation.StructParent = self._parent(source, old_parents[key])
        for top in structure:
            copied = self._copy(source, top)
            copied.P = self.document
            self.document.K.append(copied)
        for role, standard in tree.get("/RoleMap", {}).items():
            self.role_map[role] = standard
        for id_, element in ids.items():
            self.ids[id_] = self._copy(source, element)
        for label, dest in _dests(source).items():
            if label in owned:
                self.dests[label] = self._copy(source, dest)
        labels = source.Root.get("/PageLabels")
        if labels is not None:
            for key, value in pikepdf.NumberTree(labels).items():
                if key in pages:
                    self.page_labels[key - pages.start + offset] = self._copy(source, value)

    def _renumber(self, tree: Object) -> dict[str, Object]:
        """The IDs of a part's structure elements numbered on from the parts before (in the
        part itself, before it is copied: the header cells' names too); new ID → element."""
        import pikepdf

        from bookbuilder.sphinx.pdffinish import _kids, _structure_elements

        renamed: dict[str, str] = {}
        highest: dict[str, int] = {}
        found = {}
        for key, element in pikepdf.NameTree(tree.IDTree).items():
            new = key
            if match := _NUMBERED_ID.fullmatch(key):
                kind, number, rest = match.group(1), int(match.group(2)), match.group(3)
                highest[kind] = max(highest.get(kind, 0), number)
                new = f"{kind}{number + self.numbered.get(kind, 0)}{rest}"
            renamed[key] = new
            element.ID = pikepdf.String(new)
            found[new] = element
        for kind, number in highest.items():
            self.numbered[kind] = self.numbered.get(kind, 0) + number
        for table in _structure_elements(tree, "/Table"):
            stack = list(_kids(table))
            while stack:
                cell = stack.pop()
                stack.extend(
                    _kids(cell) if cell.get("/S") in ("/THead", "/TBody", "/TFoot", "/TR") else []
                )
                attributes = cell.get("/A")
                for owner in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
                    if isinstance(owner, pikepdf.Dictionary) and "/Headers" in owner:
                        owner.Headers = pikepdf.Array(
                            [pikepdf.String(renamed.get(str(h), str(h))) for h in owner.Headers]
                        )
        return found

    def _parent(self, source: Pdf, value: Object) -> int:
        key = len(self.parents)
        self.parents[key] = self._copy(source, value)
        return key

    def _copy(self, source: Pdf, value: Object) -> Object:
        """``value`` of ``source`` copied into the joined PDF (with what it refers to)."""
        import pikepdf

        if not isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            return value  # a name, number or string: copied as it is
        if not value.is_indirect:
            value = source.make_indirect(value)
        return self.pdf.copy_foreign(value)

    def bookmarks(self, front: Pdf, stand_ins: dict[int, str], kept: int) -> None:
        """The bookmarks of the front matter's stand-ins, pointed at the real headings."""
        import pikepdf

        index = {page.obj.objgen: i for i, page in enumerate(front.pages)}

        def copy(item: OutlineItem) -> OutlineItem | None:
            explicit = _explicit(item.destination)
            at = _dest_page(explicit, index)
            if explicit is None or at is None:
                return None
            dest: Array | None = None
            if at < kept:
                dest = pikepdf.Array([self.pdf.pages[at].obj, *list(explicit)[1:]])
            elif (label := stand_ins.get(at)) is not None and label in self.dests:
                # an outline item's /Dest is the array itself, not a destination dictionary
                dest = _explicit(self.dests[label])
            if dest is None:
                return None
            new = pikepdf.OutlineItem(item.title, destination=dest)
            new.is_closed = item.is_closed
            new.children.extend(c for c in map(copy, item.children) if c is not None)
            return new

        with front.open_outline() as old, self.pdf.open_outline() as outline:
            outline.root.extend(c for c in map(copy, old.root) if c is not None)

    def link_descriptions(self, pages: dict[str, str]) -> None:
        """A link's description ends with its target's page number, which a part could only
        guess for another part's page (its placeholder's): the real one."""
        for page in self.pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                dest = annotation.get("/Dest")
                said = annotation.get("/Contents")
                if dest is None or said is None or str(dest) not in pages:
                    continue
                text = str(said)
                if re.search(r"\s\w+$", text):
                    annotation.Contents = re.sub(r"\w+$", pages[str(dest)], text)

    def finish(self, front: Pdf) -> None:
        import pikepdf

        pdf = self.pdf
        made_here = ("/Type", "/Pages", "/Names", "/StructTreeRoot", "/Outlines", "/PageLabels")
        for key, value in front.Root.items():
            if key not in made_here:
                pdf.Root[key] = self._copy(front, value)
        if "/Info" in front.trailer:
            pdf.trailer.Info = self._copy(front, front.trailer.Info)
        if "/Metadata" in pdf.Root:  # the front matter's XMP, with the book's page count
            xmp = pdf.Root.Metadata.read_bytes()
            pages = f"<xmpTPg:NPages>{len(pdf.pages)}<".encode()
            pdf.Root.Metadata.write(re.sub(rb"<xmpTPg:NPages>\d+<", pages, xmp))
        top = front.Root.StructTreeRoot.K
        document = top[0] if isinstance(top, pikepdf.Array) else top
        for key, value in document.items():  # the front matter's Document: its attributes
            if key not in ("/K", "/P"):
                self.document[key] = self._copy(front, value)
        parents = pikepdf.NumberTree.new(pdf)
        for number, value in self.parents.items():
            parents[number] = value
        self.root.ParentTree = parents.obj
        self.root.ParentTreeNextKey = len(self.parents)
        self.root.RoleMap = self.role_map
        ids = pikepdf.NameTree.new(pdf)
        for key, value in self.ids.items():
            ids[key] = value
        self.root.IDTree = ids.obj
        pdf.Root.StructTreeRoot = self.root
        dests = pikepdf.NameTree.new(pdf)
        for key, value in self.dests.items():
            dests[key] = value
        pdf.Root.Names = pikepdf.Dictionary(Dests=dests.obj)
        labels = pikepdf.NumberTree.new(pdf)
        for number, value in sorted(self.page_labels.items()):
            labels[number] = value
        pdf.Root.PageLabels = labels.obj


def join(front_pdf: Path, parts: list[dict[str, Any]], pages: dict[str, str], output: Path) -> None:
    """Join the front matter (without its stand-in pages) and the parts into ``output``."""
    import pikepdf

    from bookbuilder.sphinx.pdffinish import finish_document, save_pdf

    joined = _Joined()
    # the sources stay open until the PDF is saved: their streams are copied then
    with contextlib.ExitStack() as open_files:
        front = open_files.enter_context(pikepdf.open(front_pdf))
        index: dict[tuple[int, int], int] = {
            page.obj.objgen: i for i, page in enumerate(front.pages)
        }
        stand_ins: dict[int, str] = {}
        for label, dest in _dests(front).items():
            if (at := _dest_page(dest, index)) is not None:
                stand_ins.setdefault(at, label)
        kept = min(stand_ins, default=len(front.pages))
        tops = _tops(front)
        # the front matter's own elements: up to its contents (the stand-ins' follow)
        contents = max((i for i, e in enumerate(tops) if e.get("/S") == "/TOC"), default=-1)
        joined.add(front, range(kept), set(), tops[: contents + 1])
        for part in parts:
            source = open_files.enter_context(pikepdf.open(part["pdf"]))
            joined.add(source, range(len(source.pages)), set(part["labels"]), _tops(source))
        joined.bookmarks(front, stand_ins, kept)
        joined.link_descriptions(pages)
        joined.finish(front)
        finish_document(joined.pdf)
        save_pdf(joined.pdf, output)


def _tops(document: Pdf) -> list[Object]:
    """The elements directly below the structure tree's ``Document``."""
    import pikepdf

    kids = document.Root.StructTreeRoot.K
    top = kids[0] if isinstance(kids, pikepdf.Array) else kids
    inner = top.get("/K")
    if inner is None:
        return []
    return list(inner) if isinstance(inner, pikepdf.Array) else [inner]


if __name__ == "__main__":
    asked = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    join(Path(asked["front"]), asked["parts"], asked["pages"], Path(asked["output"]))
