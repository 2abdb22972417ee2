"""The collection as data: one record per published report, and the facets to browse it by.

The render stage hands these to Sphinx as JSON (the ``report-browse`` and ``book-charts``
directives of ``sphinxext``); nothing here writes markup, so report text stays data all the way
to the writers, which escape it for their own format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from bookbuilder.check.schema import ROLE_NAMES
from bookbuilder.curate import report_language
from bookbuilder.model import Book, Chapter, Report

Names = dict[str, Callable[[str], str | None]]


# The facets, in the order the browse page shows its filters: key, label, plural label.
FACETS = (
    ("region", "Region", "Regions"),
    ("country", "Country", "Countries"),
    ("role", "Role", "Roles"),
    ("modality", "Modality", "Modalities"),
    ("topic", "Topic", "Topics"),
    ("language", "Language", "Languages"),
)


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter matches (a code: FR, radiologist, CT, heat, fr)
    label: str  # what a reader sees
    count: int  # reports with this value


def language_name(tag: str, in_language: str) -> str:
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(
            Locale.parse(in_language.replace("-", "_"))
        )
    except (ValueError, UnknownLocaleError):
        return tag
    return (name[:1].upper() + name[1:]) if name else tag


def report_record(report: Report, chapter: Chapter, book: Book, names: Names) -> dict:
    """What the browse page shows and filters on for one report: plain text and codes."""
    meta = book.meta
    language = report_language(report, meta)
    return {
        "slug": report.slug,
        "title": report.title,
        "authors": [{"name": a.name, "role": a.role} for a in report.authors],
        "region": names["region"](report.country) or "",
        "country": report.country,
        "country_name": names["country"](report.country) or report.country,
        "city": report.city or "",
        "submitted": report.submitted.isoformat(),
        "submitted_display": format_date(
            report.submitted, "long", locale=meta.language.replace("-", "_")
        ),
        "summary": report.summary or "",
        "role": sorted({a.role for a in report.authors}),
        "modality": list(report.modalities),
        "topic": list(report.topics),
        "language": language,
        "chapter": chapter.spec.id,
        "chapter_title": chapter.spec.title,
    }


def records(book: Book, names: Names) -> list[dict]:
    return [report_record(r, c, book, names) for c in book.chapters for r in c.reports]


def _values(record: dict, key: str) -> Iterable[str]:
    value = record[key]
    return value if isinstance(value, list) else [value] if value else []


def facets(book: Book, recs: list[dict]) -> dict[str, list[FacetValue]]:
    """Each facet's values with their report counts; regions and countries by name, the rest
    most frequent first."""
    language = book.meta.language
    out: dict[str, list[FacetValue]] = {}
    for key, _label, _plural in FACETS:
        counts = Counter(v for rec in recs for v in dict.fromkeys(_values(rec, key)))
        labels: dict[str, str] = {}
        for rec in recs:
            for v in _values(rec, key):
                labels[v] = facet_label(key, v, rec, language)
        by_name = key in ("region", "country")
        order = sorted(
            counts,
            key=lambda v: (
                (labels[v].casefold(),) if by_name else (-counts[v], labels[v].casefold())
            ),
        )
        out[key] = [FacetValue(v, labels[v], counts[v]) for v in order]
    return out


def facet_label(key: str, value: str, record: dict, language: str) -> str:
    if key == "country":
        return record["country_name"]
    if key == "role":
        return ROLE_NAMES.get(value, value)
    if key == "language":
        return language_name(value, language)
    return value


def browse_data(book: Book, names: Names) -> dict:
    """The JSON the ``report-browse`` directive builds its page from."""
    recs = records(book, names)
    return {
        "facets": [
            {
                "key": key,
                "label": label,
                "plural": plural,
                "values": [[f.value, f.label, f.count] for f in values],
            }
            for (key, label, plural), values in zip(
                FACETS, facets(book, recs).values(), strict=True
            )
        ],
        "reports": recs,
    }
