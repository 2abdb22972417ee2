"""The collection as data: one record per published report, and the facets to browse it by.

The render stage hands these to Sphinx as JSON (the ``report-browse`` directive, and the data
file's ``records`` for each report's byline; :class:`~bookbuilder.model.ReportRecord` writes and
reads it); nothing here writes
markup, so report text stays data all the way to the writers, which escape it for their own
format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from bookbuilder.check.countries import language_name
from bookbuilder.curate import report_language
from bookbuilder.jsondata import fields_of, made
from bookbuilder.layout import report_docname
from bookbuilder.model import (
    FACETS,
    Book,
    BookMeta,
    Chapter,
    Place,
    Report,
    ReportRecord,
    Translation,
    TranslationOf,
    Version,
)
from bookbuilder.vocabulary import MODALITY_NAMES, ROLE_NAMES
from bookbuilder.words import _


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter matches (a code: FR, radiologist, CT, heat, fr)
    label: str  # what a reader sees
    count: int  # reports with this value


PlaceOf = Callable[[str, str | None], Place]


def report_record(
    report: Report, chapter: Chapter, meta: BookMeta, place_of: PlaceOf
) -> ReportRecord:
    """Everything the editions show of one report, resolved once (``place_of``: country code and
    city → :class:`Place`, in the book's language)."""
    # every field of the record that the report has by the same name is the report's (title,
    # authors, summary, topics…: a new one needs no line here); the rest is resolved here
    return made(
        ReportRecord,
        fields_of(report),
        place=place_of(report.country, report.city),
        submitted_display=format_date(
            report.submitted, "long", locale=meta.language.replace("-", "_")
        ),
        language=report_language(report, meta),
        book_language=meta.language.lower(),
        chapter=chapter.spec.id,
        chapter_title=chapter.spec.title,
        versions=versions(report, meta),
    )


def versions(report: Report, meta: BookMeta) -> tuple[Version, ...]:
    """Every version of a report, the original first, each language named in itself; none
    when the report has no translation."""
    if not report.translations:
        return ()
    found = [(report_docname(report.slug), report_language(report, meta))]
    found += [(t.docname, t.language.lower()) for t in report.translations]
    return tuple(Version(page, tag, language_name(tag, tag)) for page, tag in found)


def translation_record(record: ReportRecord, translation: Translation) -> ReportRecord:
    """A translation's page shows its original's record with its own title, summary and
    language, and who translated it from what."""
    return replace(
        record,
        title=translation.title,
        summary=translation.summary,
        language=translation.language.lower(),
        doi=None,  # the original's DOI names the original, not this translation
        translation=TranslationOf(
            translators=translation.translators,
            from_language=record.language,
            from_language_name=language_name(record.language, record.book_language),
            original_title=record.title,
        ),
    )


def records(book: Book, place_of: PlaceOf) -> tuple[ReportRecord, ...]:
    """One record per published report, in book order."""
    return tuple(report_record(r, c, book.meta, place_of) for c in book.chapters for r in c.reports)


def facets(book: Book, recs: Sequence[ReportRecord]) -> dict[str, list[FacetValue]]:
    """Each facet's values with their report counts; regions and countries by name, the rest
    most frequent first."""
    language = book.meta.language
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        key = facet.key
        counts = Counter(v for rec in recs for v in dict.fromkeys(facet.values(rec)))
        labels: dict[str, str] = {}
        for rec in recs:
            for v in facet.values(rec):
                labels[v] = facet_label(key, v, rec, language, book.meta.topic_labels)
        by_name = key in ("region", "country")
        order = sorted(
            counts,
            key=lambda v: (
                (labels[v].casefold(),) if by_name else (-counts[v], labels[v].casefold())
            ),
        )
        out[key] = [FacetValue(v, labels[v], counts[v]) for v in order]
    return out


def facet_label(
    key: str,
    value: str,
    record: ReportRecord,
    language: str,
    topic_labels: Sequence[tuple[str, str]] = (),
) -> str:
    if key == "country":
        return record.place.name
    if key == "role":
        return _(ROLE_NAMES.get(value, value))
    if key == "modality":
        return _(MODALITY_NAMES.get(value, value))
    if key == "language":
        return language_name(value, language)
    if key == "topic":
        return topic_words(value, topic_labels)
    if key == "region":
        return region_name(value, language)
    return value


# The regions as CLDR names them (UN M49 codes), in any language: "Europa", "أوروبا".
REGION_CODES = {
    "Africa": "002",
    "Americas": "019",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
}


def region_name(region: str, language: str) -> str:
    """A region (schema.REGIONS) in ``language``, from CLDR; as written when CLDR has none."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return region
    return locale.territories.get(REGION_CODES.get(region, ""), region)


def topic_words(topic: str, labels: Sequence[tuple[str, str]] = ()) -> str:
    """A topic as readers see it: its label from conf.py's ``topic_labels`` (``labels``), else
    its words: "ct-severity-score" → "ct severity score". Topics are typed as hyphenated words
    (filters and addresses keep them so); one with a number or a single letter in it is a name
    ("covid-19", "sars-cov-2", "x-ray") and stays as typed."""
    for labelled, label in labels:
        if labelled == topic:
            return label
    words = topic.split("-")
    if any(len(w) < 2 or not w.isalpha() for w in words):
        return topic
    return " ".join(words)


def browse_data(book: Book, recs: Sequence[ReportRecord]) -> dict:
    """The JSON the ``report-browse`` directive builds its page from."""
    return {
        "facets": [
            {
                "key": facet.key,
                "label": _(facet.label),
                "plural": _(facet.plural),
                "values": [[f.value, f.label, f.count] for f in values],
            }
            for facet, values in zip(FACETS, facets(book, recs).values(), strict=True)
        ],
        "reports": [r.to_data() for r in recs],
    }
