"""Countries: codes, names in the book's language, and the five UN M49 continental regions
(and the CLDR names of languages, which the same locales hold).

- Codes are ISO 3166-1 alpha-2 (``IT``, ``NO``, ``BR``), upper case.
- Names come from CLDR through Babel, in the book's language (English when Babel does not know
  the language).
- Regions come from the UN M49 table shipped in ``data/m49.csv``, which names its source in its
  header (Babel has no country-to-region membership). Each country or area belongs to one of
  ``Africa``, ``Americas``, ``Asia``, ``Europe``, ``Oceania``; Antarctica (``AQ``) belongs to none,
  so it cannot be a report's country. Kosovo (``XK``) is not in M49 (nor in ISO 3166-1) either.
"""

from __future__ import annotations

import csv
import difflib
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from babel import Locale, UnknownLocaleError

from bookbuilder.model import Place
from bookbuilder.words import locale_for

DATA_FILE = "m49.csv"
MAP_FILE = "worldmap.json"  # the world map's outlines (render/worldmap.py)

# Codes people write that are not ISO 3166-1 alpha-2 codes, but name one without doubt.
COMMON_MISTAKES = {"UK": "GB", "EL": "GR"}


@dataclass(frozen=True)
class Area:
    """One row of the UN M49 table."""

    alpha2: str
    alpha3: str
    m49: str
    region: str  # "" for Antarctica
    sub_region: str
    intermediate_region: str
    name: str  # the English name used by the UN table


@cache
def table() -> dict[str, Area]:
    """The M49 table by alpha-2 code."""
    text = files("bookbuilder").joinpath("data", DATA_FILE).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    areas: dict[str, Area] = {}
    for row in csv.DictReader(lines):
        area = Area(
            alpha2=row["alpha-2"],
            alpha3=row["alpha-3"],
            m49=row["m49"],
            region=row["region"],
            sub_region=row["sub-region"],
            intermediate_region=row["intermediate-region"],
            name=row["name"],
        )
        areas[area.alpha2] = area
    return areas


@cache
def map_data() -> dict:
    """The world map's projected Natural Earth outlines and markers, by alpha-2 code
    (``scripts/make_worldmap.py`` writes them; source and licence beside the file)."""
    return json.loads(files("bookbuilder").joinpath("data", MAP_FILE).read_text("utf-8"))


def on_map(code: str) -> bool:
    """Whether the world map can draw a country (Réunion, French Guiana and a few other areas
    are part of France's outline in Natural Earth; Tokelau and Bouvet Island are absent)."""
    return code.strip().upper() in map_data()["countries"]


def region_of(code: str) -> str | None:
    """The M49 continental region of a country code, or None (unknown code, Antarctica)."""
    area = table().get(code.strip().upper()) if isinstance(code, str) else None
    return (area.region or None) if area else None


def language_name(tag: str, in_language: str) -> str:
    """The CLDR name of a language in ``in_language``, capitalised as at the start of a line
    (``language_name("it", "it")`` → ``Italiano``, ``("pt-BR", "en")`` → ``Portuguese
    (Brazil)``); the tag itself when Babel does not know it."""
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(locale_for(in_language))
    except (ValueError, UnknownLocaleError):
        return tag
    return (name[:1].upper() + name[1:]) if name else tag


def country_name(code: str, language: str) -> str:
    """The CLDR name of a country in ``language`` (``country_name("NO", "de")`` → ``Norwegen``)."""
    code = code.strip().upper()
    for locale in (locale_for(language), locale_for("en")):
        name = locale.territories.get(code)
        if name:
            return name
    area = table().get(code)
    return area.name if area else code


@cache
def place(code: str, language: str, city: str | None = None) -> Place:
    """Where a report happened, as every edition names it: ``code``'s name in ``language``
    and its M49 region ("" for a code validation would refuse)."""
    code = code.strip().upper()
    return Place(code, country_name(code, language), region_of(code) or "", city)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("-", " ").split())


@cache
def _names(language: str) -> dict[str, str]:
    """Folded country names (book language, English, UN table) → alpha-2 code."""
    names: dict[str, str] = {}
    for code, area in table().items():
        names.setdefault(_fold(area.name), code)
        for locale in (locale_for("en"), locale_for(language)):
            name = locale.territories.get(code)
            if name:
                names.setdefault(_fold(name), code)
    return names


def suggest_country(text: str, language: str = "en") -> str | None:
    """The alpha-2 code someone probably meant: ``Italy``/``ITA``/``it`` → ``IT``, ``uk`` → ``GB``.

    Looks at alpha-2 and alpha-3 codes, common mistakes, and country names in the book's
    language and in English (exact, then close matches). None when nothing is near enough.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    raw = text.strip()
    upper = raw.upper()
    if upper in table():
        return upper
    if upper in COMMON_MISTAKES:
        return COMMON_MISTAKES[upper]
    by_alpha3 = {area.alpha3: code for code, area in table().items()}
    if upper in by_alpha3:
        return by_alpha3[upper]
    names = _names(language)
    folded = _fold(raw)
    if folded in names:
        return names[folded]
    close = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None
