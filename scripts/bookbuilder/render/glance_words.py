"""Every word the map and the linked charts of "The collection at a glance" show a reader, in
one place, so that the book's catalogue of translations can take them as they are (each is a
plain format string; the numbers and names are its only fields)."""

from __future__ import annotations

import re

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


def _named_count_pattern(count: int) -> str:
    # One message for the whole phrase: the word order, the space before a counter (none in
    # Chinese and Japanese), where the number stands (after the noun in Swahili) and the plural
    # form (six in Arabic) are each language's, never put together here.
    return ngettext("{label}: {count} report", "{label}: {count} reports", count)


def named_count(label: str, count: int) -> str:
    """What a screen reader reads for a bar or a country: "Nurse: 3 reports"."""
    return _named_count_pattern(count).format(label=label, count=count)


_FIELD = re.compile(r"\{(label|count)\}")


def named_count_parts(count: int) -> list[tuple[str, str]]:
    """:func:`named_count`'s phrase in its language's order, as ("label" | "count" | "words",
    text) pieces: a chart's bar shows the label and the number and hides the words around them
    from sight, not from a screen reader. "words" pieces carry their text, the others none."""
    pattern = _named_count_pattern(count)
    parts: list[tuple[str, str]] = []
    at = 0
    for field in _FIELD.finditer(pattern):
        if field.start() > at:
            parts.append(("words", pattern[at : field.start()]))
        parts.append((field.group(1), ""))
        at = field.end()
    if at < len(pattern):
        parts.append(("words", pattern[at:]))
    return parts
