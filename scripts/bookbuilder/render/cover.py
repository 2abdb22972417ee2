"""The book's cover (the EPUB's and the landing page's): the image the book's metadata names,
or a typographic cover drawn here.

The drawn cover holds the title, the subtitle and the year in the book's own words, set in Noto
(installed with the PDF's fonts) or, failing that, Pillow's built-in font. The same metadata on
the same machine gives the same PNG bytes: no timestamps, no random state.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from bookbuilder.model import BookMeta
from bookbuilder.words import _

SIZE = (1600, 2400)  # the 2:3 portrait that e-book shops ask for
BACKGROUND = (22, 50, 79)  # deep blue; white text on it has a contrast ratio above 12:1
RULE = (242, 169, 59)
TEXT = (255, 255, 255)
FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))
FONT_FILES = {
    "bold": ("NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "regular": ("NotoSerif-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf"),
}


def cover_alt(meta: BookMeta) -> str:
    """The cover's text alternative: what the drawn cover says, or the title for a picture."""
    parts = [meta.title]
    if meta.subtitle:
        parts.append(meta.subtitle)
    parts.append(str(meta.year))
    return _("Cover: {words}.").format(words=". ".join(p.rstrip(".") for p in parts if p))


def _font_file(weight: str) -> Path | None:
    for name in FONT_FILES[weight]:
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                return folder / name
    return None


def _font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_file(weight)
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)


def cover_fonts() -> list[tuple[str, int, int]]:
    """The font files the cover is drawn with on this machine (path, size, modification time):
    what a drawing depends on besides its words (``drawn.py``); installing Noto changes it."""
    state = []
    for weight in sorted(FONT_FILES):
        path = _font_file(weight)
        if path is not None:
            info = path.stat()
            state.append((str(path), info.st_size, info.st_mtime_ns))
    return state


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def branding(meta: BookMeta, root: Path | None) -> dict[str, Any]:
    """The cover's accent colour and logo (its path under ``root``), as the book sets them."""
    logo = root / meta.logo if meta.logo and root is not None else None
    return {"accent": meta.accent, "logo": logo if logo is not None and logo.is_file() else None}


def draw_cover(
    meta: BookMeta, target: Path, root: Path | None = None, long_edge: int | None = None
) -> None:
    """Draw the typographic cover of the book (its title, subtitle and year) as PNG;
    ``long_edge``: at most that many pixels high (the cover is portrait)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    width = round(long_edge * SIZE[0] / SIZE[1]) if long_edge else None
    png = cover_png(meta.title, meta.subtitle, meta.year, width, **branding(meta, root))
    target.write_bytes(png)


def cover_png(
    title: str,
    subtitle: str | None = None,
    year: int | None = None,
    width: int | None = None,
    *,
    accent: str | None = None,
    logo: Path | None = None,
) -> bytes:
    """The typographic cover as PNG bytes; ``width``: scaled down to that many pixels wide.
    ``accent`` (``#rrggbb``, readable under white text: validation checks it) is its colour;
    ``logo`` stands in its lower right corner."""
    image = _cover_image(title, subtitle, year, _rgb(accent) if accent else BACKGROUND)
    if logo is not None:
        _place_logo(image, logo)
    if width and width < SIZE[0]:
        image = image.resize((width, width * SIZE[1] // SIZE[0]), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _place_logo(image: Image.Image, logo: Path) -> None:
    """The logo on a white tile in the lower right corner, at most 360 by 240 pixels."""
    with Image.open(logo) as source:
        picture = source.convert("RGBA")
    picture.thumbnail((360, 240), Image.Resampling.LANCZOS)
    pad = 30
    tile = Image.new("RGB", (picture.width + 2 * pad, picture.height + 2 * pad), (255, 255, 255))
    tile.paste(picture, (pad, pad), picture)
    image.paste(tile, (SIZE[0] - tile.width - 150, SIZE[1] - tile.height - 150))


def _cover_image(
    title: str, subtitle: str | None, year: int | None, background: tuple[int, int, int]
) -> Image.Image:
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    margin = 150
    width = SIZE[0] - 2 * margin
    y = 520
    title_size = 130
    title_font = _font("bold", title_size)
    title_lines = _wrap(draw, title, title_font, width)
    while len(title_lines) > 5 and title_size > 60:  # long titles: smaller, never cut
        title_size -= 10
        title_font = _font("bold", title_size)
        title_lines = _wrap(draw, title, title_font, width)
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=TEXT)
        y += int(title_size * 1.25)
    y += 60
    draw.rectangle((margin, y, margin + 360, y + 14), fill=RULE)
    y += 110
    if subtitle:
        sub_font = _font("regular", 64)
        for line in _wrap(draw, subtitle, sub_font, width)[:8]:
            draw.text((margin, y), line, font=sub_font, fill=TEXT)
            y += 84
    if year:
        year_font = _font("bold", 84)
        draw.text((margin, SIZE[1] - 330), str(year), font=year_font, fill=TEXT)
    return image
