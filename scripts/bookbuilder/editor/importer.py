"""``make import FILE=submission.docx``: a Word submission becomes a draft report.

The converter is mammoth (PyPI, pure Python, so editors need nothing beyond ``make``'s venv on
any system): it reads the document's structure, not its looks, and gives simple HTML: headings,
paragraphs, emphasis, lists, tables, links, footnotes and endnotes, images with their alt text.
That HTML is never published: :class:`_Writer` walks it and writes MyST Markdown from an
allow-list of elements; every piece of text is escaped, so nothing in a submission becomes
markup or raw HTML. What the writer does not know becomes plain text.

The result is a draft (``status: draft``): front matter with what the file tells (title from a
"Title" paragraph, a first level-1 heading or the document's properties; authors from its
properties; the day of the import as ``submitted``, since a Word file's saved date is often
stale), and empty required keys (role, country,
consent) that ``make check`` names. Headings are shifted so that the body's top level is ``##``.
Images are written into ``experiences/images/<slug>/`` and shown as figures with the alt text
the author gave in Word; a figure without one is flagged (and ``make check`` reports it).

A .docx is a ZIP file from outside the team: files over 50 MiB, or whose parts would unpack to
more than 300 MiB, are refused before they are read.
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

from bookbuilder.check.load import REPORTS_DIR
from bookbuilder.check.schema import ROLES
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

    def __init__(self, slug: str, images: list[Image], saved: dict[int, str | None]) -> None:
        self.slug = slug
        self.images = images
        self.saved = saved  # image index → file name written (None: could not be used)
        self.pending: list[int] = []  # images met inside the current block
        self.notes: list[str] = []
        self.footnotes: dict[str, str] = {}
        self.tables = 0
        self.shift = 0

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
                if note is not None:
                    parts.append(note)
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
            if "caption" in node.attrs.get("class", "") and text:
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
    writer = _Writer(slug, images, saved)
    writer.shift = 2 - min(levels) if levels else 0
    blocks = writer.blocks(tree)
    body: list[str] = []
    for block in blocks:
        if block.startswith("\x00caption\x00"):
            caption = block.removeprefix("\x00caption\x00")
            if body and ":::{figure}" in body[-1] and body[-1].endswith("\n:::"):
                body[-1] = body[-1][: -len(":::")] + caption + "\n:::"
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


def save_images(images: list[Image], folder: Path) -> tuple[dict[int, str | None], list[str]]:
    """Write the usable images as image-1.png …; never overwrites a file already there."""
    saved: dict[int, str | None] = {}
    notes: list[str] = []
    folder.mkdir(parents=True, exist_ok=True)
    for index, image in enumerate(images):
        data, suffix = image.data, IMAGE_TYPES.get(image.content_type)
        if suffix is None and image.content_type in CONVERTIBLE:
            data, suffix = _to_png(data), ".png"
        if suffix is None or data is None:
            saved[index] = None
            notes.append(
                f"image {index + 1} ({image.content_type or 'unknown type'}) cannot be used: "
                "export it as PNG or JPEG"
            )
            continue
        number = index + 1
        name = f"image-{number}{suffix}"
        while (folder / name).exists():
            number += 100
            name = f"image-{number}{suffix}"
        with (folder / name).open("xb") as out:
            out.write(data)
        saved[index] = name
    return saved, notes


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


def front_matter(title: str, creators: list[str], submitted: date) -> str:
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
    lines = ["---", f"title: {q(title)}", "authors:"]
    for name in creators or [""]:
        lines.append(f"  - name: {q(name)}" if name else "  - name:  # required: as printed")
        lines.append(f"    role:  # required: one of {', '.join(ROLES)}")
    lines += [
        "country:  # required: the ISO code of the country where it happened, such as IT",
        f"submitted: {submitted.isoformat()}  # the day of the import: correct it if need be",
        "consent: false  # set to true once the authors agreed to publication",
        "status: draft  # set to accepted when the report is complete",
        "---",
    ]
    return "\n".join(lines) + "\n"


SameTitleAllowed = Callable[[SameTitle], bool]


def import_file(
    path: Path,
    root: Path,
    book_language: str,
    slug: str | None = None,
    same_title_allowed: SameTitleAllowed = lambda existing: False,
) -> tuple[Path, list[str]]:
    """Import one .docx; the report written and the notes for the editor.

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
    notes: list[str] = []
    if not (found_title or word.title):
        notes.append(f"no title in the Word file: the title '{title}' is made from its name")
    if slug is None:
        slug = free_slug(root, title)
    elif problem := slug_problem(root, slug):
        raise ImportFailed(problem)
    image_dir = root / REPORTS_DIR / "images" / slug
    saved, image_notes = save_images(word.images, image_dir) if word.images else ({}, [])
    notes += image_notes
    body, writer = convert_tree(tree, slug, word.images, saved)
    notes += writer.notes
    notes += [f"converter: {m}" for m in word.messages]
    text = front_matter(title, word.creators, date.today()) + "\n" + body
    target = write_report(root, slug, text)
    summary = (
        f"{len([s for s in saved.values() if s])} image(s), {len(writer.footnotes)} "
        f"footnote(s), {writer.tables} table(s)"
    )
    return target, [summary, *notes]


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
            target, notes = import_file(path, root, book_language, slug, allowed)
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
        print(f"Imported {path.name} → {rel} (status: draft; {notes[0]})")
        for note in notes[1:]:
            print(f"  note: {note}")
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
