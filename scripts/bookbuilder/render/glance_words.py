"""Every word the map and the linked charts of "The collection at a glance" show a reader, in
one place, so that the book's catalogue of translations can take them as they are (each is a
plain format string; the numbers are its only fields)."""

from __future__ import annotations

from bookbuilder.words import N_, _, ngettext

# Read as ``glance_words.MAP_TITLE``: the module's __getattr__ translates each word into the
# book's language when it is read, never at import (the catalogue is installed per build).
_WORDS = {
    "MAP_TITLE": N_("Where the reports come from"),
    "MAP_CAPTION": N_(
        "Reports per country: the darker a country, the more reports come from it; a small country "
        "is a circle. Every country and its count is in the table below."
    ),
    "MAP_CAPTION_WEB": N_(
        "Reports per country: the darker a country, the more reports come from it; a small country "
        "is a circle. Choose a country to read its reports; every country and its count is in the "
        "table below."
    ),
    "MAP_ALT": N_("World map of the reports per country, {countries} countries in all. {listed}."),
    "MAP_LEGEND": N_("Reports"),
    "MAP_OFF": N_("Not on the map (its outline is not in the map's data): {names}."),
    "NAME_SEPARATOR": N_(": "),
    "RANGE": N_("{low}–{high}"),
    "OR_MORE": N_("{low} or more"),
    "BARS_SHOWN": N_(
        "The chart shows the {shown} largest of {total}; all {total} are in the table below."
    ),
    "CHART_CAPTION": N_("{title}: the numbers are in the table below."),
    "FIGURE_TABLE": N_("The numbers as a table"),
    "MAP_SOURCE": N_("Country outlines: Natural Earth (public domain)."),
}


def __getattr__(name: str) -> str:
    try:
        return _(_WORDS[name])
    except KeyError:
        raise AttributeError(name) from None


def unit(count: int) -> str:
    """ "report" after 1, "reports" after any other number (the language's plural forms)."""
    return ngettext("report", "reports", count)


def named_count(label: str, count: int) -> str:
    """What a screen reader reads for a bar or a country: "Nurse: 3 reports"."""
    return f"{label}{__getattr__('NAME_SEPARATOR')}{count} {unit(count)}"
