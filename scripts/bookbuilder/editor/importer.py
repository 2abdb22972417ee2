"""``make import FILE=submission.docx``: a Word submission becomes a draft report.

The converter is mammoth (PyPI, pure Python, so editors need nothing beyond ``make``'s venv on
any system): it reads the document's structure, not its looks, and gives simple HTML: headings,
paragraphs, emphasis, lists, tables, links, footnotes and endnotes, images with their alt text.
That HTML is never published: :class:`_Writer` walks it and writes MyST Markdown from an
allow-list of elements; every piece of text is escaped, so nothing in a submission becomes
markup or raw HTML. What the writer does not know becomes plain text.

The result is a draft (``status: draft``): front matter with what the file tells (title from a
"Title" paragraph, a first level-1 heading or the document's properties; authors, roles and
affiliations from the lines under the title (:mod:`bookbuilder.editor.byline`), else from the
document's "author" property unless a program wrote its own name there; the day of the import as
``submitted``, since a Word file's saved date is often stale), and empty required keys (role,
country, consent) that ``make check`` names. Headings are shifted so that the body's top level is
``##``. Images are written into ``experiences/images/<slug>/`` through the editions' own
metadata-stripping copy (no GPS position, device or time reaches the repository) and shown as
figures with the alt text the author gave in Word (a figure without one is flagged); a caption's
"Figure 1:" goes (the book numbers figures). Notes typed as superscript numbers with their text
at the end become footnotes. Each import reports what it kept, changed and dropped.

A .docx is a ZIP file from outside the team: files over 50 MiB, or whose parts would unpack to
more than 300 MiB, are refused before they are read, and so are files whose XML would cost
mammoth more memory or time than a report can need (:mod:`bookbuilder.editor.wordwork` counts
it as a stream first).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

from bookbuilder.editor import wordwork
from bookbuilder.editor.byline import SUPERSCRIPT_DIGITS, is_tool_name, read_byline
from bookbuilder.editor.new import (
    Ask,
    SameTitle,
    check_written,
    confirm,
    free_slug,
    same_title,
    slug_problem,
    write_report,
)
from bookbuilder.layout import report_images
from bookbuilder.vocabulary import ROLES

MAX_DOCX = 50 * 1024 * 1024
MAX_UNPACKED = 300 * 1024 * 1024
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}
CONVERTIBLE = {"image/gif", "image/bmp", "image/tiff", "image/x-bmp", "image/webp"}
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Caption'] => p.caption:fresh
"""
LINK_SCHEMES = ("http://", "https://", "mailto:")
CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class ImportFailed(Exception):
    """A Word file that cannot be imported; the message says why."""


# -- A small HTML tree ----------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"img", "br", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# -- HTML → MyST ----------------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>{}|~$^])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#+=%:\-]|\d+(?=[.)]))")


def escape_text(text: str) -> str:
    """Text that MyST shows as written: Markdown's special characters backslash-escaped."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub(r"\\&", text)


def escape_line_starts(text: str) -> str:
    """Characters that start a block (heading, list, comment, fence…) at a line's start."""
    out = []
    for line in text.split("\n"):
        line = line.lstrip()
        match = _LINE_START.match(line)
        if match:
            if match.group(2)[0].isdigit():  # "1. " or "1) " would start a list
                end = match.end()
                line = line[:end] + "\\" + line[end:]
            else:
                line = "\\" + line
        out.append(line)
    return "\n".join(out)


@dataclass
class Image:
    data: bytes
    content_type: str
    alt: str


class _Writer:
    """Writes MyST from mammoth's HTML; knows only the elements mammoth produces."""

    def __init__(
        self,
        slug: str,
        images: list[Image],
        saved: dict[int, str | None],
        typed_notes: frozenset[str] = frozenset(),
    ) -> None:
        self.slug = slug
        self.images = images
        self.saved = saved  # image index → file name written (None: could not be used)
        self.pending: list[int] = []  # images met inside the current block
        self.notes: list[str] = []
        self.footnotes: dict[str, str] = {}
        self.tables = 0
        self.shift = 0
        # Notes typed as a numbered list at the end, referred to by superscript numbers.
        self.typed_notes = typed_notes
        self.typed_references: set[str] = set()
        self.captions_unprefixed: list[str] = []

    # inline ----------------------------------------------------------------------------------
    def inline(self, node: Element, in_table: bool = False) -> str:
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, str):
                parts.append(escape_text(re.sub(r"\s+", " ", child)))
                continue
            tag = child.tag
            if tag == "br":
                parts.append(" " if in_table else "\\\n")
            elif tag == "img":
                self.image(child)
            elif tag in ("strong", "b"):
                parts.append(_wrap(self.inline(child, in_table), "**"))
            elif tag in ("em", "i"):
                parts.append(_wrap(self.inline(child, in_table), "*"))
            elif tag in ("sup", "sub"):
                note = self.note_reference(child)
                typed = _typed_reference(child, self.typed_notes) if tag == "sup" else None
                if note is not None:
                    parts.append(note)
                elif typed:
                    self.typed_references.update(typed)
                    parts.append("".join(f"[^{label}]" for label in typed))
                else:
                    inner = child.text().replace("`", "").strip()
                    parts.append(f"{{{tag}}}`{inner}`" if inner else "")
            elif tag == "a":
                parts.append(self.link(child, in_table))
            else:  # s, u, span and anything else: their text
                parts.append(self.inline(child, in_table))
        return "".join(parts)

    def note_reference(self, node: Element) -> str | None:
        for child in node.children:
            if isinstance(child, Element) and child.tag == "a":
                label = _note_label(child.attrs.get("href", ""))
                if label is not None:
                    return f"[^{label}]"
        return None

    def link(self, node: Element, in_table: bool) -> str:
        href = node.attrs.get("href", "").strip()
        label = _note_label(href)
        if label is not None:
            return f"[^{label}]"
        text = self.inline(node, in_table)
        if href.lower().startswith(LINK_SCHEMES) and text.strip():
            safe = quote(href, safe=":/?#[]@!$&'*+,;=%~-._").replace("(", "%28")
            return f"[{text}]({safe.replace(')', '%29')})"
        return text  # bookmarks inside the document and other schemes: the text alone

    def image(self, node: Element) -> None:
        match = re.fullmatch(r"bookbuilder-image:(\d+)", node.attrs.get("src", ""))
        if match:
            self.pending.append(int(match.group(1)))

    # blocks ----------------------------------------------------------------------------------
    def blocks(self, node: Element) -> list[str]:
        out: list[str] = []
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    out.append(escape_line_starts(escape_text(" ".join(child.split()))))
                continue
            out += self.block(child)
            out += self.figures()
        return out

    def block(self, node: Element) -> list[str]:
        tag = node.tag
        if tag == "p":
            text = escape_line_starts(self.inline(node).strip())
            if text and ("caption" in node.attrs.get("class", "") or FIGURE_PREFIX.match(text)):
                return [f"\x00caption\x00{text}"]
            return [text] if text else []
        if re.fullmatch(r"h[1-6]", tag):
            text = self.inline(node).replace("\\\n", " ").strip()
            level = min(6, max(2, int(tag[1]) + self.shift))
            return [f"{'#' * level} {text}"] if text else []
        if tag in ("ul", "ol"):
            if self.is_notes(node):
                self.collect_notes(node)
                return []
            return ["\n".join(self.list_lines(node))]
        if tag == "table":
            return self.table(node)
        if tag == "blockquote":
            inner = self.blocks(node)
            if not inner:
                return []
            text = "\n\n".join(inner)
            return ["\n".join(("> " + line).rstrip() for line in text.split("\n"))]
        if tag == "hr":
            return []
        return self.blocks(node)

    def figures(self) -> list[str]:
        out = []
        for index in self.pending:
            name = self.saved.get(index)
            image = self.images[index]
            if name is None:
                out.append(
                    f"% EDITOR: image {index + 1} of the Word file ({image.content_type}) could "
                    f"not be used: save it as PNG or JPEG into images/{self.slug}/ and add a "
                    "figure here."
                )
                continue
            alt = " ".join(image.alt.split())
            lines = [f":::{{figure}} images/{self.slug}/{name}"]
            if alt:
                lines.append(f":alt: {alt}")
            else:
                self.notes.append(f"image {name} has no alt text in the Word file: add one")
                lines.insert(
                    0,
                    "% EDITOR: the Word file gives this image no alt text: add a line "
                    "':alt: what the image shows' under the figure line.",
                )
            lines += ["", ":::"]
            out.append("\n".join(lines))
        self.pending = []
        return out

    def list_lines(self, node: Element) -> list[str]:
        ordered = node.tag == "ol"
        number = int(node.attrs.get("start", "1") or 1) if ordered else 0
        lines: list[str] = []
        for item in node.children:
            if not isinstance(item, Element) or item.tag != "li":
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            text_parts = Element("span")
            nested: list[Element] = []
            for child in item.children:
                if isinstance(child, Element) and child.tag in ("ul", "ol"):
                    nested.append(child)
                elif isinstance(child, Element) and child.tag == "p":
                    text_parts.children += [*child.children, " "]
                else:
                    text_parts.children.append(child)
            text = escape_line_starts(self.inline(text_parts).strip())
            indent = " " * len(marker)
            first, *rest = text.split("\n") if text else [""]
            lines.append(marker + first)
            lines += [indent + line for line in rest]
            for sub in nested:
                lines += [indent + line for line in self.list_lines(sub)]
        return lines

    def table(self, node: Element) -> list[str]:
        rows: list[list[str]] = []
        for tr in _find_all(node, "tr"):
            cells: list[str] = []
            for cell in tr.children:
                if isinstance(cell, Element) and cell.tag in ("td", "th"):
                    flat = Element("span", children=_flatten(cell))
                    cells.append(self.inline(flat, in_table=True).strip())
                    span = cell.attrs.get("colspan", "1")
                    cells += [""] * (int(span) - 1 if span.isdigit() and int(span) > 1 else 0)
            if cells:
                rows.append(cells)
        if not rows:
            return []
        self.tables += 1
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(c or " " for c in rows[0]) + " |"]
        lines.append("|" + "---|" * width)
        lines += ["| " + " | ".join(c or " " for c in r) + " |" for r in rows[1:]]
        return ["\n".join(lines)]

    # notes -----------------------------------------------------------------------------------
    def is_notes(self, node: Element) -> bool:
        items = [c for c in node.children if isinstance(c, Element) and c.tag == "li"]
        return bool(items) and all(
            _note_label("#" + i.attrs.get("id", "")) is not None for i in items
        )

    def collect_notes(self, node: Element) -> None:
        for item in node.children:
            if not isinstance(item, Element) or item.tag != "li":
                continue
            label = _note_label("#" + item.attrs.get("id", ""))
            _drop_back_links(item)
            paragraphs = self.blocks(item) or [""]
            text = "\n\n".join(p.replace("\x00caption\x00", "") for p in paragraphs)
            body = "\n".join(("    " + line) if line else "" for line in text.split("\n"))
            self.footnotes[str(label)] = body.strip()


# "Figure 2:", "Fig. 2.", "Abb. 2 –" at the start of a caption (the book numbers figures itself).
FIGURE_PREFIX = re.compile(
    r"^(?:figure|fig\\?\.?|figura|figur|abbildung|abb\\?\.|afbeelding|illustration|image|"
    r"photo|foto|imagen|immagine|imagem|bild|kuva|rysunek|rys\\?\.)\s*\d+[a-z]?"
    r"\s*(?:[:.\-–—]|\\[.\-])\s*",
    re.IGNORECASE,
)
NOTES_HEADING = re.compile(
    r"^\s*(?:notes?|footnotes?|endnotes?|references?|sources?|anmerkungen|fußnoten|"
    r"quellen|note|riferimenti|notas|referencias|referências|références)\s*:?\s*$",
    re.IGNORECASE,
)
_TYPED_NOTE = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)]?|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s+(\S.*)$", re.S)


def _typed_reference(node: Element, notes: frozenset[str]) -> list[str] | None:
    """``<sup>1</sup>`` or ``<sup>1,2</sup>`` typed in the text, naming typed notes."""
    labels = [part.strip() for part in node.text().split(",")]
    if labels and all(label in notes for label in labels):
        return labels
    return None


def take_typed_notes(tree: Element) -> dict[str, Element]:
    """Notes an author typed at the end (a numbered list, or paragraphs "1 text", "[1] text",
    "¹ text", under a heading such as "Notes" or "References" or none), taken out of ``tree``:
    label → the note's content. Only those the text refers to with superscript numbers become
    footnotes; the caller keeps the others as text."""
    top = [c for c in tree.children if isinstance(c, Element)]
    if not top:
        return {}
    notes: dict[str, Element] = {}
    last = top[-1]
    taken: list[Element] = []
    if last.tag == "ol" and not any(
        _note_label("#" + li.attrs.get("id", "")) for li in _find_all(last, "li")
    ):
        start = int(last.attrs.get("start", "1") or 1)
        items = [c for c in last.children if isinstance(c, Element) and c.tag == "li"]
        notes = {str(start + i): item for i, item in enumerate(items)}
        taken = [last]
    else:
        for element in reversed(top):
            match = _TYPED_NOTE.match(element.text()) if element.tag == "p" else None
            if match is None:
                break
            label = (match.group(1) or match.group(2) or match.group(3)).translate(
                SUPERSCRIPT_DIGITS
            )
            notes[label] = _without_label(element)
            taken.append(element)
        notes = dict(reversed(notes.items()))
    if not notes or not _references_in(tree, taken, set(notes)):
        return {}
    for element in taken:
        tree.children.remove(element)
    index = len([c for c in tree.children if isinstance(c, Element)]) - 1
    heading = [c for c in tree.children if isinstance(c, Element)][index] if index >= 0 else None
    if heading is not None and heading.tag.startswith("h") and NOTES_HEADING.match(heading.text()):
        tree.children.remove(heading)
    return notes


def _without_label(paragraph: Element) -> Element:
    """A typed note's paragraph without its leading number (in text or superscript)."""
    children = list(paragraph.children)
    while children and (
        (isinstance(children[0], Element) and children[0].tag == "sup")
        or (isinstance(children[0], str) and not children[0].strip())
    ):
        children.pop(0)
    if children and isinstance(children[0], str):
        children[0] = re.sub(r"^\s*(?:\[\d{1,3}\]|\d{1,3}[.)]?|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s+", "", children[0])
    return Element("p", {}, children)


def _references_in(tree: Element, skip: list[Element], labels: set[str]) -> bool:
    return any(
        element.tag == "sup" and set(element.text().replace(" ", "").split(",")) <= labels
        for top in tree.children
        if isinstance(top, Element) and top not in skip
        for element in [top, *_all_elements(top)]
    )


def _wrap(text: str, marker: str) -> str:
    """``**text**`` with the spaces outside the markers (else Markdown ignores them)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _note_label(href: str) -> str | None:
    match = re.fullmatch(r"#(footnote|endnote)-(\d+)", href)
    if not match:
        return None
    return match.group(2) if match.group(1) == "footnote" else f"e{match.group(2)}"


def _drop_back_links(node: Element) -> None:
    node.children = [
        c
        for c in node.children
        if not (
            isinstance(c, Element)
            and c.tag == "a"
            and re.fullmatch(r"#(footnote|endnote)-ref-\d+", c.attrs.get("href", ""))
        )
    ]
    for child in node.children:
        if isinstance(child, Element):
            _drop_back_links(child)


def _find_all(node: Element, tag: str) -> list[Element]:
    found = []
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == tag:
                found.append(child)
            elif child.tag != "table":  # a nested table's rows are not this table's
                found += _find_all(child, tag)
    return found


_CELL_BLOCKS = frozenset({"p", "li", "ul", "ol", "table", "tr", "td", "th"})


def _flatten(cell: Element) -> list[Element | str]:
    """A table cell's content on one line: paragraphs and list items joined by spaces."""
    out: list[Element | str] = []
    for child in cell.children:
        if isinstance(child, Element) and child.tag in _CELL_BLOCKS:
            out += [*_flatten(child), " "]
        else:
            out.append(child)
    return out


def take_title(tree: Element) -> str | None:
    """The document's title, taken out of ``tree``: a "Title" paragraph, else a level-1
    heading that opens the document; None if there is neither."""
    top = [c for c in tree.children if isinstance(c, Element)]
    titled = next((c for c in top if "doc-title" in c.attrs.get("class", "")), None)
    if titled is None and top and top[0].tag == "h1":
        titled = top[0]
    if titled is None:
        return None
    tree.children.remove(titled)
    return " ".join(titled.text().split()) or None


def convert_tree(
    tree: Element, slug: str, images: list[Image], saved: dict[int, str | None]
) -> tuple[str, _Writer]:
    """mammoth's HTML, parsed and without its title → (MyST body, writer), with headings
    shifted to start at ##."""
    levels = [
        int(c.tag[1])
        for c in _all_elements(tree)
        if re.fullmatch(r"h[1-6]", c.tag) and "doc-title" not in c.attrs.get("class", "")
    ]
    typed = take_typed_notes(tree)
    writer = _Writer(slug, images, saved, frozenset(typed))
    writer.shift = 2 - min(levels) if levels else 0
    blocks = writer.blocks(tree)
    for label, content in typed.items():
        if label in writer.typed_references:
            paragraphs = writer.blocks(content) or [""]
            writer.footnotes[label] = "\n\n".join(paragraphs).replace("\x00caption\x00", "")
        else:  # a numbered line nothing refers to: kept as the text it was
            blocks.append(f"{label}\\. " + "\n".join(writer.blocks(content)))
    body: list[str] = []
    for block in blocks:
        if block.startswith("\x00caption\x00"):
            caption = block.removeprefix("\x00caption\x00")
            if body and ":::{figure}" in body[-1] and body[-1].endswith("\n:::"):
                # The book numbers its figures: Word's own "Figure 1:" would print twice.
                unprefixed = FIGURE_PREFIX.sub("", caption, count=1)
                if unprefixed != caption:
                    writer.captions_unprefixed.append(caption[: len(caption) - len(unprefixed)])
                body[-1] = body[-1][: -len(":::")] + unprefixed + "\n:::"
            else:
                body.append(caption)
            continue
        body.append(block)
    for label, text in writer.footnotes.items():
        body.append(f"[^{label}]: {text}")
    return "\n\n".join(body) + "\n", writer


def _all_elements(node: Element):
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from _all_elements(child)


# -- Reading the Word file ------------------------------------------------------------------------


@dataclass
class WordFile:
    html: str
    images: list[Image]
    title: str | None
    creators: list[str]
    messages: list[str]


def read_docx(path: Path) -> WordFile:
    """mammoth's HTML, the images (in memory) and the core properties of a .docx file."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportFailed(f"cannot be read ({error.strerror or error})") from error
    if size > MAX_DOCX:
        raise ImportFailed(f"is {size / 2**20:.0f} MiB; at most {MAX_DOCX // 2**20} MiB allowed")
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                raise ImportFailed(
                    f"would unpack to {unpacked / 2**20:.0f} MiB; "
                    f"at most {MAX_UNPACKED // 2**20} MiB allowed"
                )
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise ImportFailed("is not a Word document (.docx): it has no word/document.xml")
            core = archive.read("docProps/core.xml") if "docProps/core.xml" in names else b""
            wordwork.check_work(archive)  # before mammoth builds its trees of the XML
    except wordwork.TooMuchWork as error:
        raise ImportFailed(f"is refused before converting: {error}") from error
    except zipfile.BadZipFile as error:
        raise ImportFailed(
            "is not a Word .docx file (an old .doc? open it in Word or LibreOffice and save it "
            "as .docx)"
        ) from error
    except (zlib.error, RuntimeError, EOFError) as error:  # RuntimeError: encrypted, or a
        # compression zipfile cannot read (NotImplementedError)
        raise ImportFailed(
            f"is damaged or password-protected ({error}); save it again as .docx, without a "
            "password"
        ) from error
    title, creators = _core_properties(core)

    import mammoth  # imported here: only `make import` needs it

    images: list[Image] = []

    def keep_image(image) -> dict[str, str]:
        with image.open() as stream:
            images.append(Image(stream.read(), image.content_type or "", image.alt_text or ""))
        return {"src": f"bookbuilder-image:{len(images) - 1}"}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(keep_image),
        )
    except Exception as error:  # a broken file from outside: say so, never a traceback
        raise ImportFailed(f"cannot be converted ({type(error).__name__}: {error})") from error
    messages = sorted({m.message for m in result.messages if m.type == "error"})
    return WordFile(result.value, images, title, creators, messages)


def _core_properties(core: bytes) -> tuple[str | None, list[str]]:
    """The title and the authors ("creator", names separated by ';') of docProps/core.xml."""
    if not core:
        return None, []
    try:
        tree = ElementTree.fromstring(core)
    except ElementTree.ParseError:
        return None, []
    title = " ".join((tree.findtext("dc:title", "", CORE_NS) or "").split()) or None
    creator = tree.findtext("dc:creator", "", CORE_NS) or ""
    creators = [" ".join(c.split()) for c in re.split(r"[;\n]", creator) if c.strip()]
    return title, creators


@dataclass
class ImportReport:
    """What an import did with a Word file, for the editor: kept, changed, dropped, to do."""

    kept: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for label, items in (
            ("kept", self.kept),
            ("changed", self.changed),
            ("dropped", self.dropped),
        ):
            if items:
                out.append(f"{label}: " + "; ".join(items))
        out += [f"note: {item}" for item in self.todo]
        return out


# EXIF tags that say where, with what, when: never into experiences/ (the editor commits it).
_PRIVATE_EXIF = {0x8825: "location (GPS)", 0x010F: "device", 0x0110: "device", 0xA431: "device"}
_PRIVATE_EXIF |= {0x0132: "time", 0x9003: "time", 0x9004: "time", 0x013B: "author"}


def private_metadata(data: bytes) -> list[str]:
    """What an image's metadata tells of where, with what and when it was taken."""
    from PIL import Image as PILImage

    found: set[str] = set()
    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            exif = picture.getexif()
            tags = set(exif) | set(exif.get_ifd(0x8769))
            found |= {what for tag, what in _PRIVATE_EXIF.items() if tag in tags}
            if exif.get_ifd(0x8825):
                found.add("location (GPS)")
            if any(key in picture.info for key in ("xmp", "XML:com.adobe.xmp")):
                found.add("XMP")
    except Exception:  # not an image Pillow reads (SVG): nothing of this kind to tell
        return []
    order = ["location (GPS)", "device", "time", "author", "XMP"]
    return [what for what in order if what in found]


def save_images(images: list[Image], folder: Path, report: ImportReport) -> dict[int, str | None]:
    """Write the usable images as image-1.png …, without their location, device and time
    metadata (the same clean copy the editions start from, at full size:
    bookbuilder.render.images.publish_image); never overwrites a file already there. The Word
    file itself is never changed."""
    from bookbuilder.render.images import publish_image

    saved: dict[int, str | None] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for index, image in enumerate(images):
        data: bytes | None = image.data
        suffix = IMAGE_TYPES.get(image.content_type)
        if suffix is None and image.content_type in CONVERTIBLE:
            data, suffix = _to_png(image.data), ".png"
            if data is not None:
                report.changed.append(f"image {index + 1} converted to PNG")
        if suffix is None or data is None:
            saved[index] = None
            report.dropped.append(
                f"image {index + 1} ({image.content_type or 'unknown type'}), which cannot be "
                "used: export it as PNG or JPEG"
            )
            continue
        number = index + 1
        name = f"image-{number}{suffix}"
        while (folder / name).exists():
            number += 100
            name = f"image-{number}{suffix}"
        original = folder / f".from-word-{name}"  # hidden, and the type's own suffix
        try:
            original.write_bytes(data)
            publish_image(original, folder / name, long_edge=None)  # the editor's own copy
        except (ValueError, OSError) as error:
            saved[index] = None
            report.dropped.append(f"image {index + 1}, which cannot be used ({error})")
            continue
        finally:
            original.unlink(missing_ok=True)
        saved[index] = name
        if private := private_metadata(data):
            report.changed.append(f"{name}: metadata removed ({', '.join(private)})")
    return saved


def _to_png(data: bytes) -> bytes | None:
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            out = io.BytesIO()
            picture.save(out, "PNG")
            return out.getvalue()
    except Exception:  # an image Pillow cannot read: the editor is told it cannot be used
        return None


# -- The report -----------------------------------------------------------------------------------


def front_matter(title: str, authors: list[dict[str, str]], submitted: date) -> str:
    """The draft's front matter: what the Word file tells, and each empty required key with a
    comment that says what it takes."""
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
    lines = ["---", f"title: {q(title)}", "authors:"]
    for author in authors or [{}]:
        name = author.get("name")
        lines.append(f"  - name: {q(name)}" if name else "  - name:  # required: as printed")
        role = author.get("role")
        lines.append(
            f"    role: {role}" if role else f"    role:  # required: one of {', '.join(ROLES)}"
        )
        if author.get("affiliation"):
            lines.append(f"    affiliation: {q(author['affiliation'])}")
    lines += [
        "country:  # required: the ISO code of the country where it happened, such as IT",
        f"submitted: {submitted.isoformat()}  # the day of the import: correct it if need be",
        "consent: false  # set to true once the authors agreed to publication",
        "status: draft  # set to accepted when the report is complete",
        "---",
    ]
    return "\n".join(lines) + "\n"


def take_byline(tree: Element, report: ImportReport) -> list[dict[str, str]]:
    """Authors (with roles and affiliations) from the paragraphs right under the title, taken
    out of ``tree`` (:mod:`bookbuilder.editor.byline` says which lines are read)."""
    candidates: list[Element] = []
    for child in tree.children:
        if isinstance(child, str):
            if child.strip():
                break
            continue
        if "doc-subtitle" in child.attrs.get("class", ""):
            continue
        if child.tag != "p" or "caption" in child.attrs.get("class", ""):
            break
        if any(e.tag == "img" for e in _all_elements(child)):
            break
        candidates.append(child)
    byline = read_byline([_text_with_superscripts(p) for p in candidates])
    for paragraph in candidates[: byline.used]:
        tree.children.remove(paragraph)
    for line in byline.unread:
        report.todo.append(
            f"'{line}' under the title could not be read as an author, role or affiliation: it "
            "is kept in the text; put it into the front matter if it is one"
        )
    for number, author in enumerate(byline.authors, 1):
        if "role" not in author:
            report.todo.append(f"no role given for {author['name']}: set authors[{number}].role")
    return byline.authors


def _text_with_superscripts(node: Element) -> str:
    """A paragraph's text, with superscript numbers as Unicode superscripts (affiliation marks)."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "sup":
            parts.append(child.text().strip().translate(_TO_SUPERSCRIPT))
        else:
            parts.append(_text_with_superscripts(child))
    return "".join(parts)


_TO_SUPERSCRIPT = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹ ")


SameTitleAllowed = Callable[[SameTitle], bool]


def import_file(
    path: Path,
    root: Path,
    book_language: str,
    slug: str | None = None,
    same_title_allowed: SameTitleAllowed = lambda existing: False,
) -> tuple[Path, ImportReport]:
    """Import one .docx; the report written and what the import kept, changed and dropped.

    A title that a report already has is refused (``ImportFailed``: most often the same file
    imported twice) unless ``same_title_allowed`` says it is another report."""
    word = read_docx(path)
    tree = parse_html(word.html)
    found_title = take_title(tree)  # the title decides the slug, the slug the image paths
    title = found_title or word.title or _title_from_name(path)
    existing = same_title(root, title)
    if existing is not None and not same_title_allowed(existing):
        raise ImportFailed(
            f"{existing.describe()}: already imported? If it is another report, import "
            "it with ARGS=--same-title (or --slug NAME)"
        )
    report = ImportReport()
    if found_title:
        report.kept.append(f"the title '{title}'")
    elif word.title:
        report.kept.append(f"the title '{title}' (from the document's properties)")
    else:
        report.changed.append(f"no title in the Word file: '{title}' is made from its name")
    if slug is None:
        slug = free_slug(root, title)
    elif problem := slug_problem(root, slug):
        raise ImportFailed(problem)
    authors = take_byline(tree, report)
    people = [c for c in word.creators if not is_tool_name(c)]
    tools = [c for c in word.creators if is_tool_name(c)]
    if tools:
        shown = ", ".join(f"'{t}'" for t in tools)
        report.dropped.append(f"the document's author {shown}: a program's name, not a person")
    if authors:
        report.kept.append("authors from under the title: " + ", ".join(_who(a) for a in authors))
        if people:
            report.dropped.append(
                "the document's author property (" + ", ".join(people) + "): the names under "
                "the title are used"
            )
    elif people:
        authors = [{"name": name} for name in people]
        report.kept.append("authors from the document's properties: " + ", ".join(people))
    else:
        report.todo.append("no author found: write each author's name in the front matter")
    if not authors and not any("role" in item for item in report.todo):
        report.todo.append("each author's role is not in the Word file: set it")
    image_dir = root / report_images(slug)
    saved = save_images(word.images, image_dir, report) if word.images else {}
    body, writer = convert_tree(tree, slug, word.images, saved)
    _describe_body(report, writer, saved)
    report.todo += writer.notes
    report.todo += [f"converter: {m}" for m in word.messages]
    text = front_matter(title, authors, date.today()) + "\n" + body
    target = write_report(root, slug, text)
    return target, report


def _who(author: dict[str, str]) -> str:
    details = [d for d in (author.get("role"), author.get("affiliation")) if d]
    return author["name"] + (f" ({', '.join(details)})" if details else "")


def _describe_body(report: ImportReport, writer: _Writer, saved: dict[int, str | None]) -> None:
    images = len([name for name in saved.values() if name])
    report.kept.append(
        f"{images} image(s), {len(writer.footnotes)} footnote(s), {writer.tables} table(s)"
    )
    if writer.shift:
        report.changed.append(f"heading levels shifted by {writer.shift} (the body starts at ##)")
    if writer.typed_references:
        labels = ", ".join(sorted(writer.typed_references, key=int))
        report.changed.append(f"superscript numbers {labels} and their typed notes → footnotes")
    for prefix in writer.captions_unprefixed:
        shown = prefix.strip()
        report.changed.append(f"caption prefix '{shown}' removed (the book numbers its figures)")
    report.dropped.append("fonts, colours, sizes and page layout (the book has its own)")


def _title_from_name(path: Path) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", path.stem).split()).capitalize() or "Untitled report"


def word_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.glob("*.docx") if p.is_file() and not p.name.startswith(("~$", "."))
            )
            if not inside:
                problems.append(f"{path}: no .docx files in this folder")
            found += inside
        elif not path.exists():
            problems.append(f"{path}: not found")
        elif path.suffix.lower() != ".docx":
            problems.append(
                f"{path}: not a .docx file (for .doc, .odt or .rtf: open it in Word or "
                "LibreOffice and save it as .docx)"
            )
        else:
            found.append(path)
    return found, problems


def run(
    paths: list[Path],
    root: Path,
    book_language: str,
    slug: str | None = None,
    same_title: bool = False,
    ask: Ask | None = None,
) -> int:
    """``same_title``: import files whose title a report already has; otherwise the editor is
    asked when ``ask`` is given (a terminal), and such files are refused when not."""

    def allowed(existing: SameTitle) -> bool:
        if same_title or slug is not None:  # the editor named the new file: another report
            return True
        if ask is None:
            return False
        print(f"  {existing.describe()}.")
        return confirm(ask, "  Is this Word file another report, to be imported all the same?")

    files, problems = word_files(paths)
    slug = slug.strip() if slug is not None else None
    if slug is not None and len(files) > 1:
        print("--slug names one report: give one Word file with it.")
        return 1
    if problems:
        print(*problems, sep="\n")
    written = 0
    for index, path in enumerate(files, start=1):
        if len(files) > 1:
            print(f"[{index}/{len(files)}] {path.name}", flush=True)
        try:
            target, report = import_file(path, root, book_language, slug, allowed)
        except ImportFailed as error:
            problems.append(f"{path}: {error}")
            print(f"{path}: {error}; nothing was written for it.")
            continue
        except OSError as error:
            problems.append(f"{path}: {error}")
            print(f"{path}: cannot be imported ({error.strerror or error}).")
            continue
        written += 1
        rel = target.relative_to(root).as_posix()
        print(f"Imported {path.name} → {rel} (status: draft)")
        print(*(f"  {line}" for line in report.lines()), sep="\n")
        left = check_written(root, target, book_language)
        if left:
            print("  To complete before it can be accepted (as `make check` says):")
            print(*(f"    {p}" for p in left), sep="\n")
    print(
        f"{written} report(s) imported"
        + (f", {len(problems)} file(s) not imported." if problems else ".")
    )
    if written:
        print("Complete the front matter, read the text, then set `status: accepted`.")
    return 1 if problems else 0
