"""Curate: place every accepted report in exactly one chapter, in the chapter's order.

The rules are the contract's: chapters are tried in ``order``; the first whose ``collect`` rule
matches takes the report, unless the report's ``chapter:`` names one. ``collect: rest`` takes
whatever no earlier chapter took. A collecting chapter that receives nothing is left out, with a
warning; a report that lands nowhere is an error.

Translations follow their originals: an accepted translation of a published report is attached to
it (``Report.translations``); counts, charts and chapter rules see reports only. A draft
translation, or one whose original is not published, is left out with the reason.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import get_close_matches

from bookbuilder.codes import Code
from bookbuilder.model import (
    FACETS,
    Author,
    Book,
    BookMeta,
    Chapter,
    ChapterSpec,
    CollectRule,
    LeftOut,
    Place,
    Problem,
    Report,
    Severity,
    Status,
    Translation,
)

RegionOf = Callable[[str], str | None]
CountryName = Callable[[str], str]


# Latin letters whose diacritic is part of the letter, so Unicode decomposition keeps them whole.
_STROKED = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "ð": "d",
        "þ": "th",
    }
)


def text_key(text: str) -> str:
    """Compare text case- and accent-insensitively (``Øst`` ~ ``ost``, ``Élan`` ~ ``elan``)."""
    if text.isascii():  # nothing to decompose or to replace (sorting 1,000 reports: 30 ms)
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_STROKED).strip()


def report_language(report: Report, meta: BookMeta) -> str:
    return (report.language or meta.language).lower()


@dataclass(frozen=True)
class _Facts:
    """What the facets read of a report, before it has a record (its place: code and region)."""

    place: Place
    authors: tuple[Author, ...]
    modalities: tuple[str, ...]
    topics: tuple[str, ...]
    language: str

    @property
    def languages(self) -> tuple[str, ...]:
        """A chapter rule looks at the report's own language, never its translations'."""
        return (self.language,)


def matches(rule: CollectRule, report: Report, meta: BookMeta, region_of: RegionOf) -> bool:
    """Whether a report satisfies every key of a ``collect`` rule (keys AND, values OR; each
    key is a facet of :data:`~bookbuilder.model.FACETS`, which says how it matches)."""
    place = Place(report.country, "", region_of(report.country) or "")  # rules match codes
    facts = _Facts(
        place, report.authors, report.modalities, report.topics, report_language(report, meta)
    )
    for facet in FACETS:
        wanted = getattr(rule, facet.collect)
        if wanted is not None and not facet.matches(wanted, facts):
            return False
    return True


def sort_key(sort: Sequence[str], country_name: CountryName) -> Callable[[Report], tuple]:
    def key(report: Report) -> tuple:
        parts: list[object] = []
        for name in sort:
            if name == "submitted":
                parts.append(report.submitted.toordinal())
            elif name == "title":
                parts.append(text_key(report.title))
            elif name == "country":
                parts.append(text_key(country_name(report.country)))
            elif name == "author":
                # filed by the family name, as a list of names is (names.PersonName)
                parts.append(text_key(report.first_author.person.file_as))
        parts.append(report.slug)  # a stable order whatever the sort keys
        return tuple(parts)

    return key


def chapter_problem(
    relpath: str, value: str, line: int, chapters: Sequence[ChapterSpec]
) -> Problem | None:
    """The problem with a ``chapter:`` override, if it names no chapter that collects."""
    target = next((c for c in chapters if c.id == value), None)
    if target is not None and target.collects:
        return None
    collecting = [c.id for c in chapters if c.collects]
    found = "no chapter" if target is None else "a chapter that collects no reports"
    message = (
        f"found '{value}', {found}; allowed: the id of a collecting chapter "
        f"({', '.join(collecting) or 'none defined'})"
    )
    near = get_close_matches(value, collecting, n=1)
    if near:
        message += f"; did you mean '{near[0]}'?"
    return Problem(relpath, line, message, "chapter", code=Code.CURATE_CHAPTER)


def _other_chapter_problems(
    reports: Sequence[Report], left_out: Sequence[LeftOut], chapters: Sequence[ChapterSpec]
) -> list[Problem]:
    """``chapter:`` overrides of reports that are not placed (drafts, withdrawn, invalid): the
    same check, in the same run, as a warning unless the report is an accepted one."""
    found = []
    for report in reports:
        if report.status is not Status.ACCEPTED and report.chapter is not None:
            line = report.lines.get("chapter", 1)
            problem = chapter_problem(report.relpath, report.chapter, line, chapters)
            if problem is not None:
                found.append(problem.demoted())
    for item in left_out:
        if item.chapter is not None:
            value = str(item.chapter.value).strip()
            problem = chapter_problem(item.relpath, value, item.chapter.line, chapters)
            if problem is not None:
                found.append(problem if item.accepted else problem.demoted())
    return found


def _place(
    report: Report,
    chapters: Sequence[ChapterSpec],
    meta: BookMeta,
    region_of: RegionOf,
) -> tuple[ChapterSpec | None, Problem | None]:
    if report.chapter is not None:
        line = report.lines.get("chapter", 1)
        problem = chapter_problem(report.relpath, report.chapter, line, chapters)
        if problem is not None:
            return None, problem
        return next(c for c in chapters if c.id == report.chapter), None
    for chapter in chapters:
        if chapter.collects_rest:
            return chapter, None
        if chapter.collect is not None and matches(chapter.collect, report, meta, region_of):
            return chapter, None
    problem = Problem(
        report.relpath,
        1,
        "matches no chapter's collect rules; add a chapter with `collect: rest`, widen a "
        "chapter's rules, or name a chapter with the report's `chapter:` key",
        code=Code.CURATE_UNPLACED,
    )
    return None, problem


def left_out_for_status(reports: Iterable[Report]) -> list[LeftOut]:
    return [
        LeftOut(r.relpath, r.title, f"status: {r.status.value}")
        for r in reports
        if r.status is not Status.ACCEPTED
    ]


def attach_translations(
    placed: Iterable[Report], translations: Sequence[Translation], excluded: Sequence[LeftOut]
) -> tuple[dict[str, tuple[Translation, ...]], list[LeftOut]]:
    """The accepted translations of each placed report (by slug, in language order), and the
    translations left out: drafts, and those whose original is not published (with why)."""
    published = {r.slug for r in placed}
    why_not = {item.relpath: item.reason for item in excluded}
    attached: dict[str, list[Translation]] = defaultdict(list)
    left: list[LeftOut] = []
    for translation in sorted(translations, key=lambda t: t.relpath):
        if translation.status is not Status.ACCEPTED:
            reason = f"status: {translation.status.value}"
        elif translation.slug not in published:
            original = translation.original_relpath
            reason = f"its original {original} is left out ({why_not.get(original, 'unplaced')})"
        else:
            attached[translation.slug].append(translation)
            continue
        left.append(LeftOut(translation.relpath, translation.title, reason))
    return {slug: tuple(found) for slug, found in attached.items()}, left


def curate(
    reports: Sequence[Report],
    chapters: Sequence[ChapterSpec],
    meta: BookMeta,
    region_of: RegionOf,
    country_name: CountryName,
    left_out: Sequence[LeftOut] = (),
    translations: Sequence[Translation] = (),
) -> Book:
    """Build the book's table of contents from validated reports and chapter specs; each placed
    report carries its published translations."""
    ordered = sorted(chapters, key=lambda c: (c.order, c.id))
    placed: dict[str, list[Report]] = {c.id: [] for c in ordered}
    problems: list[Problem] = []
    excluded = list(left_out) + left_out_for_status(reports)
    problems += _other_chapter_problems(reports, left_out, ordered)

    for report in reports:
        if report.status is not Status.ACCEPTED:
            continue
        chapter, problem = _place(report, ordered, meta, region_of)
        if problem is not None:
            problems.append(problem)
            excluded.append(LeftOut(report.relpath, report.title, problem.message))
        if chapter is not None:
            placed[chapter.id].append(report)

    everyone = [r for members in placed.values() for r in members]
    by_slug, untranslated = attach_translations(everyone, translations, excluded)
    excluded += untranslated
    for members in placed.values():
        members[:] = [replace(r, translations=by_slug.get(r.slug, ())) for r in members]

    kept: list[Chapter] = []
    for spec in ordered:
        members = placed[spec.id]
        if spec.collects and not members:
            problems.append(
                Problem(
                    spec.relpath,
                    spec.lines.get("collect", 1),
                    "receives no report, so it is left out of the editions",
                    "collect",
                    Severity.WARNING,
                    code=Code.CURATE_EMPTY_CHAPTER,
                )
            )
            continue
        members.sort(key=sort_key(spec.sort, country_name))
        kept.append(Chapter(spec, tuple(members)))

    return Book(meta, tuple(kept), tuple(excluded), tuple(problems))
