"""The world map of "The collection at a glance": a choropleth of reports per country, as SVG.

Drawn in Python from the projected Natural Earth outlines in ``data/worldmap.json`` (written by
``scripts/make_worldmap.py``; source and licence in ``data/worldmap.LICENSE.md``), so no script
runs in a reader's browser and the EPUB and the PDF get the same map. Two forms of one drawing:

- **linked** (the website, inline in the page): each country with reports is a link to the browse
  page filtered to it, named "France: 3 reports", its name and count shown on hover and focus;
- **static** (the EPUB's and the PDF's image file): the same map without links.

Colours: five classes of a sequential blue, lighter to darker (so the map prints in greyscale),
every country with reports outlined in a dark blue that has 3:1 contrast against its neighbours'
grey and the map's white paper (the map is on white in the dark theme too). Countries too small
to see at this scale (Singapore, Malta, Fiji's neighbours…) have a circle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from bookbuilder.check.countries import map_data, on_map
from bookbuilder.render import glance_words as words

# Class bounds: 1, 2–3, 4–7, 8–15, 16 or more (powers of two: a few reports from many
# countries, many from a few, both read at a glance); lighter to darker.
CLASS_LOWS = (1, 2, 4, 8, 16)
FILLS = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY_FILL = "#e6e6e6"  # a country without reports
EMPTY_STROKE = "#ffffff"
STROKE = "#08306b"  # a country with reports: 3:1 or more against white and the grey
TEXT = "#1a1a1a"
MARKER_RADIUS = 5.0
FONT = "DejaVu Sans, sans-serif"


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, as the browse page's filter matches it
    name: str  # in the book's language
    count: int


def source() -> str:
    return map_data()["source"]


def class_of(count: int) -> int:
    return max(i for i, low in enumerate(CLASS_LOWS) if count >= low)


def class_label(index: int) -> str:
    low = CLASS_LOWS[index]
    if index == len(CLASS_LOWS) - 1:
        return words.OR_MORE.format(low=low)
    high = CLASS_LOWS[index + 1] - 1
    return str(low) if high == low else words.RANGE.format(low=low, high=high)


def off_map(countries: Sequence[Country]) -> list[Country]:
    """The countries with reports that the map cannot draw (listed under it, and warned of)."""
    return [c for c in countries if not on_map(c.code)]


def alt_text(countries: Sequence[Country]) -> str:
    ranked = sorted(countries, key=lambda c: (-c.count, c.name.casefold()))
    listed = "; ".join(words.named_count(c.name, c.count) for c in ranked)
    return words.MAP_ALT.format(countries=len(countries), listed=listed)


def map_svg(
    countries: Sequence[Country],
    link: Callable[[str], str] | None = None,
    map_id: str = "book-map",
) -> str:
    """The map as SVG markup. With ``link`` (a country code → the browse page's address), each
    country with reports is a link (the website's inline map); without, a picture."""
    data = map_data()
    x, y, width, height = data["viewBox"]
    by_code = {c.code.upper(): c for c in countries}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {width} {height}" '
        f'width="{width}" height="{height}" class="book-map-svg"'
        + (f' role="group" aria-label="{escape(words.MAP_TITLE)}" id="{map_id}">' if link else ">"),
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<g fill="{EMPTY_FILL}" stroke="{EMPTY_STROKE}" stroke-width="0.5">',
    ]
    shapes = data["countries"]
    for code, shape in shapes.items():
        if code not in by_code and "path" in shape:
            out.append(f'<path d="{shape["path"]}"/>')
    out.append("</g>")
    out.append(f'<g stroke="{STROKE}" stroke-width="0.8" stroke-linejoin="round">')
    ranked = sorted(
        (c for c in by_code.values() if c.code.upper() in shapes),
        key=lambda c: (shapes[c.code.upper()]["marker"], c.count, c.name.casefold()),
    )  # large countries first, the circles of small ones on top
    for country in ranked:
        out.append(_country(country, shapes[country.code.upper()], link, map_id))
    out.append("</g>")
    out += _legend(data["viewBox"], max((c.count for c in countries), default=1))
    if link:
        out += _labels(ranked, shapes, data["viewBox"], map_id)
    out.append("</svg>")
    return "".join(out)


def _country(country: Country, shape: dict, link: Callable[[str], str] | None, map_id: str) -> str:
    fill = FILLS[class_of(country.count)]
    parts = []
    if "path" in shape:
        parts.append(f'<path d="{shape["path"]}" fill="{fill}"/>')
    if shape["marker"] and "centre" in shape:
        cx, cy = shape["centre"]
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="{MARKER_RADIUS}" fill="{fill}" stroke-width="1.5"/>'
        )
    shape_markup = "".join(parts)
    if link is None:
        return shape_markup
    name = words.named_count(country.name, country.count)
    code = country.code.upper()
    return (
        f'<a href="{escape(link(code))}" aria-label="{escape(name)}" '
        f'id="{map_id}-{code}" class="book-map-country">'
        f"<title>{escape(name)}</title>{shape_markup}</a>"
    )


def _legend(view_box: list[float], highest: int) -> list[str]:
    """Swatches of the classes up to the highest count's, bottom left, in the South Pacific."""
    x0, y0, _width, height = view_box
    shown = class_of(highest) + 1
    left, top = x0 + 12, y0 + height - 16 - 18 * (shown + 1)
    out = [
        f'<g font-family="{FONT}" font-size="13" fill="{TEXT}">',
        f'<text x="{left}" y="{top + 12}" font-weight="bold">{escape(words.MAP_LEGEND)}</text>',
    ]
    for i in range(shown):
        y = top + 18 * (i + 1)
        out.append(
            f'<rect x="{left}" y="{y}" width="22" height="13" fill="{FILLS[i]}" '
            f'stroke="{STROKE}" stroke-width="0.8"/>'
            f'<text x="{left + 30}" y="{y + 11}">{escape(class_label(i))}</text>'
        )
    out.append("</g>")
    return out


def _labels(
    ranked: Sequence[Country], shapes: dict, view_box: list[float], map_id: str
) -> list[str]:
    """Each linked country's name and count, shown while it is hovered or focused (CSS in
    ``static/glance.css`` and the rules here: drawn last, so no other country covers it)."""
    x0, y0, width, _height = view_box
    out = [
        f'<g class="book-map-labels" aria-hidden="true" font-family="{FONT}" font-size="15" '
        f'font-weight="bold" fill="{TEXT}" stroke="#ffffff" stroke-width="4" '
        f'paint-order="stroke" text-anchor="middle">'
    ]
    rules = []
    for country in ranked:
        code = country.code.upper()
        cx, cy = shapes[code].get("centre", (x0 + width / 2, y0 + 20))
        cx = min(max(cx, x0 + 90), x0 + width - 90)  # the label stays inside the map
        label = words.named_count(country.name, country.count)
        out.append(
            f'<text x="{cx}" y="{max(cy - 10, y0 + 18)}" id="{map_id}-label-{code}">'
            f"{escape(label)}</text>"
        )
        rules.append(
            f"#{map_id}:has(#{map_id}-{code}:is(:hover,:focus-visible)) #{map_id}-label-{code}"
        )
    out.append("</g>")
    if rules:
        out.append(f"<style>{','.join(rules)}{{visibility:visible}}</style>")
    return out
