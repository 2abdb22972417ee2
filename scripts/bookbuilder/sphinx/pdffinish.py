"""The PDF after Typst: what pikepdf changes in it, for a book typeset whole (``pdf.py``) and
for one joined from parts (``pdfparts.py``) alike: the viewer shows the title, every table's glue
column leaves the structure tree, and the file is saved in object streams."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def finish_pdf(pdf: Path) -> None:
    """Viewers show the document's title, not its file name (PDF/UA asks for it; Typst writes
    it only when it claims PDF/UA, which we claim only where a validator confirms it). And the
    structure tree's tens of thousands of small objects go into compressed object streams: a
    PDF of 1,000 reports is 5 MB instead of 14 MB."""
    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        finish_document(document)
        save_pdf(document, pdf)


def finish_document(document: Any) -> None:
    """What :func:`finish_pdf` changes, in an open ``pikepdf.Pdf``."""
    import pikepdf

    prefs = document.Root.get("/ViewerPreferences")
    if prefs is None:
        prefs = document.Root.ViewerPreferences = pikepdf.Dictionary()
    prefs.DisplayDocTitle = True
    untag_glue_column(document)


def save_pdf(document: Any, pdf: Path) -> None:
    """Save with object streams (a third of the size) and an ID made from the content."""
    import pikepdf

    document.save(pdf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def untag_glue_column(document: Any) -> None:
    """Take every table's zero-width first column (``typst._glue``: empty cells that only keep
    rows together on a page) out of the structure tree, so that screen readers and PDF/UA
    checkers see the table's own columns only. A table whose first cells are not such empty
    cells is left as it is."""
    import pikepdf

    root = document.Root.get("/StructTreeRoot")
    if root is None:
        return
    removed: list[Any] = []
    for table in _structure_elements(root, "/Table"):
        rows = [
            row
            for part in _kids(table)
            for row in ([part] if part.get("/S") == "/TR" else _kids(part))
            if row.get("/S") == "/TR"
        ]
        glue = []
        covered = 0
        for row in rows:
            if covered:
                covered -= 1
                continue
            cells = row.get("/K")
            if not isinstance(cells, pikepdf.Array) or len(cells) < 2:
                break
            first = cells[0]
            if not isinstance(first, pikepdf.Dictionary) or first.get("/K") not in (None, []):
                break
            glue.append((cells, first))
            covered = _row_span(first) - 1
        else:
            for cells, first in glue:
                del cells[0]
                removed.append(first.objgen)
    if removed and "/IDTree" in root:
        _prune_name_tree(root.IDTree, set(removed))


#: Structure elements that hold only text (or a table's rows): no table is below them, so the
#: search for tables does not read their many small kids (a 1,000-report book has 10⁵ of them).
_TEXT_ELEMENTS = frozenset(
    ["/P", "/Span", "/Link", "/Lbl", "/Em", "/Strong", "/Code", "/Caption", "/Figure", "/TR"]
    + [f"/H{level}" for level in range(1, 7)]
)


def _structure_elements(node: Any, kind: str) -> list[Any]:
    """The structure elements of type ``kind`` below ``node``, in document order (not looked
    for inside text: ``_TEXT_ELEMENTS``)."""
    import pikepdf

    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        role = current.get("/S") if isinstance(current, pikepdf.Dictionary) else None
        if role == kind:
            found.append(current)
        if role not in _TEXT_ELEMENTS or role == kind:
            stack.extend(reversed(_kids(current)))
    return found


def _kids(node: Any) -> list[Any]:
    import pikepdf

    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if isinstance(kids, pikepdf.Array):
        return [k for k in kids if isinstance(k, pikepdf.Dictionary)]
    return [kids] if isinstance(kids, pikepdf.Dictionary) else []


def _row_span(cell: Any) -> int:
    import pikepdf

    attributes = cell.get("/A")
    for owner in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(owner, pikepdf.Dictionary) and "/RowSpan" in owner:
            return int(owner.RowSpan)
    return 1


def _prune_name_tree(node: Any, removed: set[Any]) -> None:
    """Drop the entries of a name tree (the structure's ``/IDTree``) that point at ``removed``
    objects."""
    if "/Names" in node:
        names = node.Names
        kept = []
        for i in range(0, len(names), 2):
            if getattr(names[i + 1], "objgen", None) not in removed:
                kept += [names[i], names[i + 1]]
        node.Names = kept
    for kid in node.get("/Kids", []):
        _prune_name_tree(kid, removed)
