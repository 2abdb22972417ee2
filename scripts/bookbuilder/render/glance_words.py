"""Every word the map and the linked charts of "The collection at a glance" show a reader, in
one place, so that the book's catalogue of translations can take them as they are (each is a
plain format string; the numbers are its only fields)."""

from __future__ import annotations

MAP_TITLE = "Where the reports come from"
MAP_CAPTION = (
    "Reports per country: the darker a country, the more reports come from it; a small country "
    "is a circle. Every country and its count is in the table below."
)
MAP_CAPTION_WEB = (
    "Reports per country: the darker a country, the more reports come from it; a small country "
    "is a circle. Choose a country to read its reports; every country and its count is in the "
    "table below."
)
MAP_ALT = "World map of the reports per country, {countries} countries in all. {listed}."
MAP_LEGEND = "Reports"
MAP_OFF = "Not on the map (its outline is not in the map's data): {names}."
UNIT_ONE = "report"
UNIT_MANY = "reports"
NAME_SEPARATOR = ": "
RANGE = "{low}–{high}"
OR_MORE = "{low} or more"
BARS_SHOWN = (
    "The chart shows the {shown} largest of {total} {plural}; all {total} are in the table below."
)
CHART_CAPTION = "{title}: the numbers are in the table below."
FIGURE_TABLE = "The numbers as a table"
MAP_SOURCE = "Country outlines: Natural Earth (public domain)."


def unit(count: int) -> str:
    """ "report" after 1, "reports" after any other number."""
    return UNIT_ONE if count == 1 else UNIT_MANY


def named_count(label: str, count: int) -> str:
    """What a screen reader reads for a bar or a country: "Nurse: 3 reports"."""
    return f"{label}{NAME_SEPARATOR}{count} {unit(count)}"
