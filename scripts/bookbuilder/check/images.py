"""Image files: what a report may use, and the clean copies that go into the editions.

Checking (``check_image_file``) judges a file by its bytes, never by its name:

- accepted types: PNG, JPEG, WebP (magic bytes, confirmed by Pillow reading the header) and SVG
  (an XML document whose root element is ``<svg>``);
- the file name's extension must agree with the contents (``.png``; ``.jpg``/``.jpeg``;
  ``.webp``; ``.svg``; any letter case): the EPUB and the web server announce an image's type
  from its extension, so a PNG called ``photo.jpg`` would be announced as the wrong type;
- at most 10 MiB, and (raster images) at most 50 megapixels, read from the header without
  decoding the pixels;
- DICOM files (``DICM`` at byte 128, whatever the name) are refused: export an anonymised PNG or
  JPEG instead;
- SVG is parsed with expat and refused when it holds a DOCTYPE or ENTITY declaration, a
  ``<script>``, ``<foreignObject>`` (or other embedding elements), ``on…`` event attributes,
  ``href``/``xlink:href``/``src`` that do not point inside the document (``#id``), ``url(…)`` or
  ``@import`` in styles pointing outside the document, ``javascript:`` anywhere in an attribute,
  an ``<?xml-stylesheet?>`` instruction, or animations that rewrite links or event handlers;
  an SVG the PDF's typesetter cannot draw (no usable size or viewBox) is refused too.

The copies that go into the editions are made by :mod:`bookbuilder.render.images`.
"""

from __future__ import annotations

import re
import warnings
import xml.parsers.expat
from pathlib import Path

from PIL import Image

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "webp": (".webp",),
    "svg": (".svg",),
}
_PILLOW_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
_LABEL = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP", "svg": "SVG"}

# Types people commonly try, named in the message so they know what to convert from.
_OTHER_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"BM", 0, "BMP"),
    (b"%PDF", 0, "PDF"),
    (b"ftypheic", 4, "HEIC"),
    (b"ftypheix", 4, "HEIC"),
    (b"ftypmif1", 4, "HEIF"),
    (b"ftypavif", 4, "AVIF"),
    (b"PK\x03\x04", 0, "ZIP"),
)

_SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*"  # optional UTF-8 byte order mark, white space
    rb"(?:<\?xml[^>]*\?>\s*)?"  # XML declaration
    rb"(?:(?:<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|<\?.*?\?>)\s*)*"  # prolog
    rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]",
    re.DOTALL,
)


def is_dicom(path: Path) -> bool:
    """True for a DICOM file (``DICM`` at byte offset 128), whatever its name."""
    with path.open("rb") as f:
        head = f.read(132)
    return len(head) == 132 and head[128:132] == b"DICM"


def image_kind(path: Path) -> str | None:
    """The image type judged by the file's bytes: ``png``, ``jpeg``, ``webp``, ``svg`` or None."""
    with path.open("rb") as f:
        head = f.read(65536)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _SVG_START.match(head):
        return "svg"
    return None


def _other_type(path: Path) -> str | None:
    with path.open("rb") as f:
        head = f.read(16)
    for magic, offset, name in _OTHER_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    return None


def check_image_file(path: Path) -> list[str]:
    """Problems with an image file, as messages ``"<what was found>; <what is allowed>"``.

    An empty list means the file may be used. ``path`` must be an existing regular file.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        return [f"the file is {size / 1024 / 1024:.1f} MiB; images may be at most 10 MiB"]
    if is_dicom(path):
        return [
            "the file is a DICOM file; DICOM files carry patient data and are not allowed: "
            "export an anonymised PNG or JPEG"
        ]
    kind = image_kind(path)
    if kind is None:
        other = _other_type(path)
        found = f"the file is {other}" if other else "the file is not an image this book can use"
        return [
            f"{found} (judged by its contents, not its name); "
            "images must be PNG, JPEG, WebP or SVG files"
        ]
    problems: list[str] = []
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS[kind]:
        problems.append(
            f"the file's contents are {_LABEL[kind]} but its name ends in "
            f"'{path.suffix or '(nothing)'}'; rename it to end in {EXTENSIONS[kind][0]}"
        )
    if kind == "svg":
        problems.extend(check_svg(path.read_bytes()))
    else:
        problems.extend(_check_raster(path, kind))
    return problems


def _check_raster(path: Path, kind: str) -> list[str]:
    label = _LABEL[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:  # reads the header only
                if im.format != _PILLOW_FORMAT[kind]:
                    return [
                        f"the file starts like {label} but reads as {im.format}; "
                        "save it again as PNG, JPEG or WebP"
                    ]
                width, height = im.size
                if width * height > MAX_PIXELS:
                    return [
                        f"the image is {width}×{height} pixels "
                        f"({width * height / 1e6:.1f} megapixels); "
                        "images may be at most 50 megapixels"
                    ]
                im.verify()
    except Image.DecompressionBombError:
        return ["the image has far more than 50 megapixels; images may be at most 50 megapixels"]
    except Exception as err:  # Pillow raises many kinds on damaged files; we report each
        return [
            f"the file cannot be read as {label} ({type(err).__name__}: {err}); "
            "save it again as PNG, JPEG or WebP"
        ]
    return []


# --------------------------------------------------------------------------------------------
# SVG

_SVG_NS = "http://www.w3.org/2000/svg"
_FORBIDDEN_ELEMENTS = {
    "script": "a <script> element",
    "foreignobject": "a <foreignObject> element",
    "iframe": "an <iframe> element",
    "embed": "an <embed> element",
    "object": "an <object> element",
    "handler": "a <handler> element",
    "listener": "a <listener> element",
    # A filter (blur, noise) over a large area is drawn as a picture in the PDF: a 300-byte SVG
    # added megabytes and seconds to everyone's book. Filters are for photographs: send a PNG.
    "filter": "a <filter> element (blur, shadow or noise: export the image as PNG instead)",
}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)\s*([^'\")]*)", re.IGNORECASE)
# CSS that fetches something other than url(…): rules and functions taking a bare string.
_CSS_FETCHES = re.compile(r"@import|image-set\(|(?<![\w-])src\(|expression\(", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_ESCAPE = re.compile(
    r"\\(?:([0-9A-Fa-f]{1,6})(?:\r\n|[ \t\r\n\f])?|(\r\n|[\r\n\f])|(.)|\Z)", re.DOTALL
)


def css_as_read(css: str) -> str:
    """CSS text as a browser's tokenizer reads it: comments gone, escapes decoded (CSS Syntax
    Level 3, 4.3.7: a hexadecimal escape is a code point, any other escaped character is
    itself, an escaped line break is nothing)."""

    def decode(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return m.group(3) or ""

    return _CSS_ESCAPE.sub(decode, _CSS_COMMENT.sub("", css))


_SVG_ALLOWED = (
    "SVG images may not contain scripts, event handlers, embedded documents or references "
    "outside the image (only '#id' references)"
)


class _StopSvg(Exception):
    """Stops expat at once (DOCTYPE: nothing after it is read)."""


def check_svg(data: bytes) -> list[str]:
    """Problems with SVG bytes: scripts, event handlers, external references, DOCTYPE/ENTITY."""
    found: list[str] = []
    root: list[str] = []
    style_depth = 0
    style_text: list[str] = []

    def local(name: str) -> str:
        return name.rsplit(" ", 1)[-1]

    def check_css(written: str, where: str) -> None:
        # Read as a browser reads it: 'u\\72l(' is 'url(' and '@\\69mport' is '@import'.
        css = css_as_read(written)
        for m in _URL_IN_CSS.finditer(css):
            target = m.group(2).strip()
            if not target.startswith("#"):
                found.append(f"url({target}) in {where}")
        for m in _CSS_FETCHES.finditer(css):
            found.append(f"{m.group(0).lower()} in {where}")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal style_depth
        tag = local(name)
        if not root:
            root.append(name)
        low = tag.lower()
        if low in _FORBIDDEN_ELEMENTS:
            found.append(_FORBIDDEN_ELEMENTS[low])
        if low == "style":
            style_depth += 1
        for attr, value in attrs.items():
            a = local(attr).lower()
            v = value.strip()
            if a.startswith("on"):
                found.append(f'an event attribute {local(attr)}="{_short(value)}" on <{tag}>')
            elif a in ("href", "src") and not v.startswith("#"):
                found.append(f'a reference {local(attr)}="{_short(value)}" on <{tag}>')
            elif a == "style":
                check_css(value, f"the style of <{tag}>")
            elif "javascript:" in re.sub(r"\s", "", v).lower():
                found.append(f"javascript: in {local(attr)} on <{tag}>")
            elif "url(" in css_as_read(v).lower() or _CSS_FETCHES.search(css_as_read(v)):
                check_css(value, f"{local(attr)} on <{tag}>")
            if low in _ANIMATIONS and a == "attributename":
                target = local(v.replace(":", " ")).lower()
                if target in ("href", "src") or target.startswith("on"):
                    found.append(f"an animation of {v} on <{tag}>")

    def end(name: str) -> None:
        nonlocal style_depth
        if local(name).lower() == "style" and style_depth:
            style_depth -= 1
            if not style_depth:
                check_css("".join(style_text), "a <style> element")
                style_text.clear()

    def chars(text: str) -> None:
        if style_depth:
            style_text.append(text)

    def doctype(*_args: object) -> None:
        found.append("a DOCTYPE declaration (it can define entities)")
        raise _StopSvg

    def entity(*_args: object) -> None:
        found.append("an ENTITY declaration")
        raise _StopSvg

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            found.append("an <?xml-stylesheet?> instruction (an external style sheet)")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _StopSvg:
        pass
    except xml.parsers.expat.ExpatError as err:
        return [
            f"the SVG file is not well-formed XML ({xml.parsers.expat.ErrorString(err.code)} "
            f"at line {err.lineno}); save it again from the drawing program"
        ]
    if root and root[0] not in (f"{_SVG_NS} svg", "svg"):
        found.insert(0, f"the root element <{local(root[0])}> (not an SVG <svg> element)")
    if not found:
        return _svg_undrawable(data)
    listed = "; ".join(dict.fromkeys(found))
    return [f"the SVG file contains {listed}; {_SVG_ALLOWED}"]


def _svg_undrawable(data: bytes) -> list[str]:
    """The problem when the PDF's typesetter (Typst, through usvg) cannot draw the SVG: an
    image without a size or viewBox would otherwise stop the whole book's PDF."""
    import tempfile

    import typst

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "image.svg").write_bytes(data)
        (Path(tmp) / "main.typ").write_text('#image("image.svg")\n', "utf-8")
        try:
            typst.compile(str(Path(tmp) / "main.typ"), format="svg", ignore_system_fonts=True)
        except typst.TypstError as error:
            return [
                f"the SVG file cannot be drawn ({error.message}); it needs a positive width and "
                "height or a viewBox: save it again from the drawing program"
            ]
    return []


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
