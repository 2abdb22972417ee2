"""The editors' docs quote the tables generated from schema.py and codes.py, so they cannot drift.

Blocks between ``<!-- generated: NAME … -->`` and ``<!-- end generated -->`` are rewritten by
``python -m bookbuilder docs``; a test fails when a block differs from what it would be.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookbuilder import codes, words
from bookbuilder.check.schema import (
    BOOK_FIELDS,
    CHAPTER_FIELDS,
    REPORT_FIELDS,
    TRANSLATION_FIELDS,
    fields_table_markdown,
)

TABLES = {
    "report": REPORT_FIELDS,
    "translation": TRANSLATION_FIELDS,
    "chapter": CHAPTER_FIELDS,
    "book": BOOK_FIELDS,
}
BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[a-z-]+)[^>]*-->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)
DOC = Path("docs") / "report-format.md"


def table(name: str) -> str:
    return fields_table_markdown(TABLES[name]).rstrip("\n") + "\n"


def block(name: str) -> str:
    """The text of a generated block: ``report-fields`` (… ``book-fields``) or ``codes``."""
    if name == "codes":
        return codes.table_markdown()
    if name == "words":
        return words_list_markdown()
    return table(name.removesuffix("-fields"))


def words_list_markdown() -> str:
    """The keys of conf.py's ``words``: every English word of the builder (its catalogue), then
    every plural phrase (its singular, the key; its plural)."""
    shipped = ", ".join(f"`{code}`" for code in sorted(words.shipped_languages()))
    lines = [f"Catalogues shipped: {shipped}.", ""]
    lines += [f"- `{word}`" for word in words.known_words()]
    lines += ["", "Plural phrases (the key is the singular; its plural in brackets):", ""]
    lines += [f"- `{one}` (`{other}`)" for one, other in words.known_plurals().items()]
    return "\n".join(lines) + "\n"


def refreshed(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + block(m.group("name")) + m.group(4), text)


def refresh(root: Path) -> bool:
    """Rewrite the generated tables of the format doc; whether anything changed."""
    path = root / DOC
    text = path.read_text("utf-8")
    new = refreshed(text)
    if new != text:
        path.write_text(new, "utf-8")
    return new != text
