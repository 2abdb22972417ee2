"""What a run tells the editor: problems, what was published where, what was left out and why."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from bookbuilder.check.countries import language_name
from bookbuilder.handover import PageSource
from bookbuilder.layout import SOURCE_DIR, SOURCES
from bookbuilder.model import Book, Problem, Report

GENERATED_LOCATION = re.compile(
    rf"(?P<prefix>\S*?{re.escape(SOURCE_DIR.as_posix())}/)?"
    rf"(?P<doc>(?:{'|'.join(map(re.escape, SOURCES))})/[a-z0-9-]+(?:\.[a-z0-9-]+)?)"
    r"\.md:(?P<line>\d+)"
)


def remap_warning(line: str, sources: Mapping[str, PageSource]) -> str:
    """Point a Sphinx warning about a generated page back at the editor's file and line."""

    def replace(match: re.Match[str]) -> str:
        source = sources.get(match.group("doc"))
        if source is None:
            return match.group(0)
        return f"{source.relpath}:{source.editors_line(int(match.group('line')))}"

    return GENERATED_LOCATION.sub(replace, line)


def format_problems(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def plan_lines(book: Book) -> list[str]:
    lines = []
    for chapter in book.chapters:
        spec = chapter.spec
        kind = _count(len(chapter.reports), "report") if spec.collects else "page"
        lines.append(f"  {spec.title} ({spec.relpath}): {kind}")
    return lines


def translation_lines(report: Report, language: str, indent: str = "      ") -> list[str]:
    """A report's published translations, one line each, for the lists under the report."""
    return [
        f"{indent}{language_name(t.language, language)} translation: {t.relpath}: {t.title}"
        for t in report.translations
    ]


def summary_lines(
    book: Book,
    problems: Sequence[Problem],
    sphinx_warnings: Sequence[str] = (),
    silenced: int = 0,
) -> list[str]:
    reports = book.reports
    published = _count(len(reports), "report")
    if book.translations:
        published += f" (and {_count(len(book.translations), 'translation')})"
    lines = [f"Published {published} in {_count(len(book.chapters), 'chapter')}:"]
    lines += plan_lines(book)
    translated = [r for r in reports if r.translations]
    if translated:
        lines.append(f"Translations published with their reports ({len(book.translations)}):")
        for report in translated:
            lines.append(f"  {report.relpath}")
            lines += translation_lines(report, book.meta.language, "    ")
    if book.left_out:
        lines.append(f"Left out of every edition ({len(book.left_out)}):")
        lines += [f"  {item.relpath} \u2014 {item.reason}" for item in book.left_out]
    warnings = [p for p in problems if not p.is_error]
    if warnings or sphinx_warnings:
        lines.append(f"Warnings ({len(warnings) + len(sphinx_warnings)}):")
        lines += [f"  {w}" for w in format_problems(warnings)]
        lines += [f"  {w}" for w in sphinx_warnings]
    if silenced:
        codes = ", ".join(book.meta.silence)
        lines.append(f"{_count(silenced, 'warning')} silenced by conf.py (silence: {codes}).")
    return lines
