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

import math
import re
import warnings
import xml.parsers.expat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from bookbuilder import pdfengine

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
# A progressive JPEG is decoded one scan after another, each over the whole image: 2,000 scans
# of 26 bytes each made a 123 KB JPEG of 12 megapixels take 125 s to decode, 100 scans 8 s
# (measured here; a 10 MiB file holds 400,000). Encoders write about 10 (libjpeg's progression;
# Photoshop 3 to 5; mozjpeg's optimised scripts about as many): 50 leaves room, and bounds the
# worst 50-megapixel JPEG to about 20 s, decoded once (the check's cache remembers it).
MAX_JPEG_SCANS = 50

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "webp": (".webp",),
    "svg": (".svg",),
}
_PILLOW_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# A JPEG with more pictures after its own (a camera's second view, a phone's depth or HDR gain
# map): Pillow reads it as MPO. Browsers and e-readers show the first picture; so do the copies.
_MULTI_PICTURE_JPEG = "MPO"
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
        with quiet_pillow(), Image.open(path) as im:  # reads the header only
            multi_picture = kind == "jpeg" and im.format == _MULTI_PICTURE_JPEG
            if im.format != _PILLOW_FORMAT[kind] and not multi_picture:
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
            # Every edition shows one still picture (the first frame): an animation would
            # lose all but its first frame without a word, and each frame is decoding work.
            if (frames := getattr(im, "n_frames", 1)) > 1 and not multi_picture:
                return [
                    f"the image is animated ({frames} frames); the book shows still pictures "
                    "only: save the frame to show as PNG, JPEG or WebP"
                ]
            if kind == "jpeg" and (scans := jpeg_scans(path)) > MAX_JPEG_SCANS:
                return [
                    f"the JPEG has {scans} scans (a progressive JPEG has about 10, and each scan "
                    f"takes about as long to decode as a whole image); at most {MAX_JPEG_SCANS} "
                    "scans: save it again as JPEG or PNG"
                ]
            im.verify()  # the checksums of a PNG's chunks, which decoding does not look at
        # verify() leaves the image unusable: decode it from a second opening, all of it, as
        # the editions' copies will (a file cut short or a damaged data stream fails here). A
        # JPEG's data is read and decoded whole at 1/8 scale: only the last step (the inverse
        # DCT) is smaller, where nothing fails; 0.09 s instead of 0.21 s for 12 megapixels.
        with quiet_pillow(), Image.open(path) as im:
            if kind == "jpeg":
                im.draft(im.mode, (1, 1))
            im.load()
    except Image.DecompressionBombError:
        return ["the image has far more than 50 megapixels; images may be at most 50 megapixels"]
    except Exception as err:  # Pillow raises many kinds on damaged files; we report each
        return [
            f"the file cannot be read as {label} ({pillow_error(err, path)}); "
            "save it again as PNG, JPEG or WebP"
        ]
    return []


def jpeg_scans(path: Path) -> int:
    """How many scans a JPEG has: its start-of-scan markers (in the compressed data a 0xFF byte
    is always followed by 0 or a restart marker, so FF DA is a marker; an EXIF thumbnail's own
    scan is counted too, which only errs on the safe side)."""
    return path.read_bytes().count(b"\xff\xda")


def pillow_error(err: BaseException, path: Path) -> str:
    """What Pillow said about ``path``, short enough for one line (without the machine's
    folders: the message names the image already)."""
    text = _short(str(err).replace(str(path), path.name), 120)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


@contextmanager
def quiet_pillow() -> Iterator[None]:
    """Pillow's warnings about a file (a damaged EXIF block, a size near its bomb limit) kept
    off the editors' screen: the checks say what matters, with the report's name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def upright(image: Image.Image) -> Image.Image:
    """``image`` turned as its EXIF orientation says. An EXIF block Pillow cannot read, or an
    orientation outside 1-8, is taken as "upright", as browsers take it: a damaged camera tag
    never stops the book."""
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:  # Pillow raises many kinds on a damaged EXIF block
        return image
    method = _ORIENTATION.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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
    root_attrs: dict[str, str] = {}
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
            root_attrs.update((local(a), v) for a, v in attrs.items() if " " not in a)
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
        return svg_size_problems(root_attrs) or _svg_undrawable(data)
    listed = "; ".join(dict.fromkeys(found))
    return [f"the SVG file contains {listed}; {_SVG_ALLOWED}"]


# The largest side an SVG may say it has, in CSS pixels (2.6 metres at 96 per inch): drawing
# programs write the page's size, a few hundred to a few thousand pixels. A width of 1e999
# (infinite as a number) stopped the website's build; the web page states every image's size.
MAX_SVG_SIDE = 10_000
# CSS pixels per unit (CSS Values 3, absolute lengths); a unit-less SVG length is in pixels.
CSS_PIXELS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0}
CSS_PIXELS.update(cm=96 / 2.54, mm=96 / 25.4, q=96 / 101.6)
# Lengths relative to something outside the image: the SVG takes its size from where it is shown.
_RELATIVE_UNITS = {"%", "em", "ex", "ch", "rem", "vw", "vh", "vmin", "vmax"}
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z%]*)\s*")
_SVG_SIZE_ALLOWED = (
    f"an SVG's width and height must be lengths between 0 and {MAX_SVG_SIDE:,} pixels "
    "(px, pt, pc, in, cm, mm, or a percentage) and its viewBox four numbers with a positive "
    "width and height: save it again from the drawing program"
)


def css_pixels(value: str) -> float | None:
    """An SVG length in CSS pixels; None for a relative one (``100%``, ``20em``): it has no
    size of its own. Raises ``ValueError`` for anything else (``abc``, ``12 furlongs``)."""
    m = _LENGTH.fullmatch(value)
    unit = m.group(2).lower() if m else None
    if m is None or (unit not in CSS_PIXELS and unit not in _RELATIVE_UNITS):
        raise ValueError(value)
    return None if unit in _RELATIVE_UNITS else float(m.group(1)) * CSS_PIXELS[unit]


def view_box(value: str) -> tuple[float, float, float, float]:
    """An SVG ``viewBox``: x, y, width, height. Raises ``ValueError`` unless it is four finite
    numbers with a positive width and height."""
    numbers = [float(n) for n in value.replace(",", " ").split()]
    if len(numbers) != 4 or not all(map(math.isfinite, numbers)) or min(numbers[2:]) <= 0:
        raise ValueError(value)
    return numbers[0], numbers[1], numbers[2], numbers[3]


def svg_size_problems(attrs: Mapping[str, str]) -> list[str]:
    """What is wrong with the size an SVG's root element states (its width, height, viewBox)."""
    wrong = []
    for key in ("width", "height"):
        if (value := attrs.get(key)) is None:
            continue
        try:
            pixels = css_pixels(value)
        except ValueError:
            wrong.append(f"{key}='{_short(value)}' is not a length")
            continue
        if pixels is not None and not 0 < pixels <= MAX_SVG_SIDE:
            wrong.append(f"{key}='{_short(value)}' is not between 0 and {MAX_SVG_SIDE:,} pixels")
    if (box := attrs.get("viewBox")) is not None:
        try:
            view_box(box)
        except ValueError:
            wrong.append(f"viewBox='{_short(box)}' is not four numbers with a positive size")
    if not wrong:
        return []
    return [f"the SVG's {'; '.join(wrong)}; {_SVG_SIZE_ALLOWED}"]


def svg_intrinsic_size(attrs: Mapping[str, str]) -> tuple[int, int] | None:
    """The size an SVG's root element states, in whole CSS pixels, for the web page's
    ``width``/``height``: its width and height, else its viewBox's (scaled, keeping its shape,
    to at most ``MAX_SVG_SIDE`` on its long side); None when it states none that is usable."""
    try:
        width = css_pixels(attrs.get("width") or "")
        height = css_pixels(attrs.get("height") or "")
    except ValueError:
        width = height = None
    if not (width and height and math.isfinite(width * height) and min(width, height) > 0):
        try:
            _x, _y, width, height = view_box(attrs.get("viewBox") or "")
        except ValueError:
            return None
    scale = min(1.0, MAX_SVG_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _svg_undrawable(data: bytes) -> list[str]:
    """The problem when the PDF's typesetter (Typst, through usvg) cannot draw the SVG: an
    image without a size or viewBox would otherwise stop the whole book's PDF."""
    error = pdfengine.svg_error(data)
    if error is None:
        return []
    return [
        f"the SVG file cannot be drawn ({error}); it needs a positive width and "
        "height or a viewBox: save it again from the drawing program"
    ]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
