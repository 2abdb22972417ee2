"""Validate: turn loaded files into reports, chapter specs and book metadata, or say why not.

Every rule of the contract (``report-format.md``) is checked here or in the modules called from
here (:mod:`bookbuilder.check.schema` for each field, :mod:`bookbuilder.check.body` for the
body, :mod:`bookbuilder.check.privacy` for patient-identifier warnings). All problems of a file
are found in one pass; nothing stops at the first.

What decides whether a problem blocks the build:

- a report's problems are errors when it is ``accepted`` (or when its status cannot be read),
  and warnings when it is ``draft`` or ``withdrawn``: those never block a build;
- an accepted report with an error is left out (listed in :attr:`Validated.invalid`, "N errors")
  and blocks the build until it is fixed or set to ``draft``;
- chapters and the book's metadata have no status: their errors always block;
- a translation (``<slug>.<language>.md``) is held to the same rules as the report it
  translates (its own keys, :data:`~bookbuilder.check.schema.TRANSLATION_FIELDS`, and the report
  body's rules); its original must exist and be in another language. Its problems are warnings
  when it is a draft or when its original is not accepted: it is not published then.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bookbuilder.check.body import check_body, read
from bookbuilder.check.cache import FrontMatterMemory, cached_results, report_key
from bookbuilder.check.doctree import check_tree
from bookbuilder.check.load import load_chapters, load_reports
from bookbuilder.check.privacy import lint
from bookbuilder.check.schema import (
    BOOK_FIELDS,
    CHAPTER_FIELDS,
    INVALID,
    REPORT_FIELDS,
    REST,
    STATUSES,
    TRANSLATION_FIELDS,
    Checker,
    check_mapping,
    check_plural_categories,
    language_tag,
    slugify,
    suggest,
)
from bookbuilder.codes import Code, Scope
from bookbuilder.jobs import Shares, jobs
from bookbuilder.jsondata import made
from bookbuilder.layout import CONF_FILE, IMAGES_DIR, REPORTS_DIR, report_source, translation_parts
from bookbuilder.model import (
    Author,
    BookMeta,
    ChapterSpec,
    CollectRule,
    ImageRef,
    LeftOut,
    Located,
    Problem,
    Report,
    Severity,
    SourceFile,
    Status,
    Translation,
    Translator,
)

__all__ = [
    "Validated",
    "validate_all",
    "validate_book_meta",
    "validate_chapter",
    "validate_report",
    "validate_translation",
]


@dataclass(frozen=True)
class Validated:
    """What validation hands to curation."""

    reports: tuple[Report, ...]  # every valid report, whatever its status
    chapters: tuple[ChapterSpec, ...]  # every valid chapter
    problems: tuple[Problem, ...]  # sorted by (path, line)
    invalid: tuple[LeftOut, ...]  # reports and translations refused because of errors
    sources: tuple[SourceFile, ...] = ()  # every report file that could be read, as loaded
    translations: tuple[Translation, ...] = ()  # every valid translation, whatever its status


#: Problems listed per file; the rest are counted in one last line (a file with 200,000 errors
#: is one mistake repeated, and its list must not drown every other report's).
MAX_PROBLEMS_PER_FILE = 100


def _by_line(problems: list[Problem]) -> list[Problem]:
    """A file's problems in line order, at most :data:`MAX_PROBLEMS_PER_FILE` and a count."""
    ordered = sorted(problems, key=lambda p: p.line)
    if len(ordered) <= MAX_PROBLEMS_PER_FILE:
        return ordered
    shown, rest = ordered[:MAX_PROBLEMS_PER_FILE], ordered[MAX_PROBLEMS_PER_FILE:]
    errors = sum(1 for p in rest if p.is_error)
    last = shown[-1]
    more = Problem(
        last.path,
        last.line,
        f"{len(rest)} more problems in this file after this one ({errors} errors); fix these "
        "and run the check again",
        None,
        Severity.ERROR if errors else Severity.WARNING,
        code=Code.FILE_MORE_PROBLEMS,
    )
    return [*shown, more]


def _ok(values: Mapping[str, Any]) -> bool:
    return all(v is not INVALID for v in values.values())


# -- Reports --------------------------------------------------------------------------------------


def validate_report(
    src: SourceFile, root: Path, book_language: str, today: date
) -> tuple[Report | None, list[Problem]]:
    """Check a report's front matter and body; the Report, or None when it has an error.

    Every problem is returned as an error or (privacy) warning; demoting the problems of drafts
    is :func:`validate_all`'s job.
    """
    ck = Checker(src.relpath, Scope.REPORT, today=today, root=root, language=book_language)
    values = check_mapping(src.front_matter, REPORT_FIELDS, "", src.front_matter_line, ck)
    images, body_problems = _check_body(src, root / REPORTS_DIR)
    problems = _by_line(ck.problems + body_problems + lint(src.body, src.body_line, src.relpath))
    if not _ok(values) or any(p.is_error for p in problems):
        return None, problems
    # every front-matter key that names a field of Report is taken as checked (a new key needs
    # no line here); what the front matter does not say directly is given
    report = made(
        Report,
        values,
        slug=src.stem,
        relpath=src.relpath,
        authors=tuple(_author(author) for author in values["authors"]),
        body=src.body,
        body_line=src.body_line,
        images=images,
        lines={key: loc.line for key, loc in src.front_matter.items()},
    )
    return report, problems


def _author(values: Mapping[str, Any]) -> Author:
    """An author from its checked values (``person``: its name's parts, schema.person_of)."""
    return Author(
        values["name"], values["role"], values["affiliation"], values["orcid"], values["person"]
    )


def _check_body(
    src: SourceFile, folder: Path, slug: str | None = None
) -> tuple[tuple[ImageRef, ...], list[Problem]]:
    """The body read once and checked twice, for precise messages and for certainty:
    ``body.py`` on MyST's token stream (what the editor wrote, exactly where), then
    ``doctree.py`` on the tree the build renders from those same tokens (what the build would
    do). A problem both find at the same line is said once. ``slug``: whose images the body
    shows (a translation shows its original's)."""
    slug = slug or src.stem
    reading = read(src.body)
    images, problems = check_body(src.body, src.body_line, src.relpath, slug, folder, reading)
    said = {(p.line, p.code) for p in problems}
    own_images = folder / IMAGES_DIR / slug
    tree = check_tree(src.body, src.body_line, src.relpath, slug, own_images, reading)
    for problem in tree:
        if (problem.line, problem.code) not in said:
            said.add((problem.line, problem.code))
            problems.append(problem)
    return images, problems


def raw_status(src: SourceFile) -> Status:
    """The report's status as far as it can be read; accepted when it cannot."""
    loc = src.front_matter.get("status")
    if loc is not None and isinstance(loc.value, str) and loc.value.strip().lower() in STATUSES:
        return Status(loc.value.strip().lower())
    return Status.ACCEPTED


# -- Translations ---------------------------------------------------------------------------------

# The report's facts belong to the original: said when a translation repeats one of its keys.
_ORIGINAL_ONLY = {
    f.key: "which belongs to the original report alone (a translation follows its original)"
    for f in REPORT_FIELDS
    if f.key not in {g.key for g in TRANSLATION_FIELDS}
}
_ORIGINAL_ONLY["language"] = (
    "which a translation takes from its file name (<slug>.<language>.md), not its front matter"
)


def validate_translation(
    src: SourceFile, root: Path, today: date
) -> tuple[Translation | None, list[Problem]]:
    """Check a translation's front matter and body, like a report's; the Translation, or None.

    Whether its original exists and is in another language is :func:`validate_all`'s to say:
    that needs the other files.
    """
    parts = translation_parts(src.stem)
    assert parts is not None, src.relpath
    slug, tag = parts
    ck = Checker(src.relpath, Scope.TRANSLATION, today=today, root=root)
    values = check_mapping(
        src.front_matter, TRANSLATION_FIELDS, "", src.front_matter_line, ck, _ORIGINAL_ONLY
    )
    # the same two readings as a report's body: the build renders a translation the same way
    images, body_problems = _check_body(src, root / REPORTS_DIR, slug)
    problems = _by_line(ck.problems + body_problems + lint(src.body, src.body_line, src.relpath))
    if not _ok(values) or any(p.is_error for p in problems):
        return None, problems
    translation = Translation(
        slug=slug,
        language=language_tag(tag) or tag,
        relpath=src.relpath,
        title=values["title"],
        translators=tuple(
            Translator(t["name"], t["affiliation"], t["orcid"], t["person"])
            for t in values["translators"]
        ),
        body=src.body,
        body_line=src.body_line,
        summary=values["summary"],
        status=values["status"],
        images=images,
        lines={key: loc.line for key, loc in src.front_matter.items()},
    )
    return translation, problems


def _original_problems(
    src: SourceFile, originals: Mapping[str, SourceFile], loaded: set[str], book_language: str
) -> list[Problem]:
    """A translation's original must exist (as ``<slug>.md``) and be in another language."""
    parts = translation_parts(src.stem)
    assert parts is not None
    slug, tag = parts
    original_relpath = report_source(slug)
    if slug not in originals and original_relpath not in loaded:
        near = suggest(slug, list(originals), cutoff=0.7)
        message = (
            f"found no report {original_relpath} for this translation; allowed: a translation "
            "named after the report it translates, <slug>.<language>.md beside <slug>.md"
        )
        if near:
            message += f"; did you mean '{near}.{tag}.md'?"
        return [Problem(src.relpath, 1, message, code=Code.TRANSLATION_ORPHAN)]
    original = originals.get(slug)
    if original is None:
        return []  # the original could not be read: its own problems say why
    language = _raw_language(original) or book_language
    if language.lower() == (language_tag(tag) or tag).lower():
        message = (
            f"found a translation into '{tag}', the language of its original "
            f"{original_relpath}; allowed: a language other than the original's"
        )
        return [Problem(src.relpath, 1, message, code=Code.TRANSLATION_SAME_LANGUAGE)]
    return []


def _raw_language(src: SourceFile) -> str | None:
    loc = src.front_matter.get("language")
    if loc is None or not isinstance(loc.value, str):
        return None
    return language_tag(loc.value)


# -- Chapters -------------------------------------------------------------------------------------


def validate_chapter(src: SourceFile) -> tuple[ChapterSpec | None, list[Problem]]:
    """Check a chapter page: its front matter (title, order, collect, sort) and its body.

    The body (the chapter's introduction) is checked with the same rules as a report's body
    (:func:`bookbuilder.check.body.check_body`, the chapter id as slug): editors' pages get the same
    safety net, and a level-1 heading is an error there too, since the title comes from the
    front matter. A chapter's own images would live in ``chapters/images/<id>/``. Privacy
    warnings are not given for chapters: editors write them.
    """
    ck = Checker(src.relpath, Scope.CHAPTER)
    values = check_mapping(src.front_matter, CHAPTER_FIELDS, "", src.front_matter_line, ck)
    images, body_problems = _check_body(src, src.path.parent)
    problems = _by_line(ck.problems + body_problems)
    if not _ok(values) or any(p.is_error for p in problems):
        return None, problems
    collect = values["collect"]
    spec = ChapterSpec(
        id=src.stem,
        relpath=src.relpath,
        title=values["title"],
        order=values["order"],
        body=src.body,
        body_line=src.body_line,
        collect=CollectRule(**collect) if isinstance(collect, dict) else None,
        collects_rest=collect == REST,
        sort=values["sort"],
        images=images,
        lines={key: loc.line for key, loc in src.front_matter.items()},
    )
    return spec, problems


# -- Book metadata --------------------------------------------------------------------------------


def validate_book_meta(
    book: Mapping[str, Any],
    conf_relpath: str = CONF_FILE,
    conf_text: str | None = None,
    root: Path | None = None,
) -> tuple[BookMeta | None, list[Problem]]:
    """Check conf.py's ``book`` mapping. Lines are found in ``conf_text`` (the text of conf.py)
    when given, else 1; ``cover`` must exist under ``root`` when ``root`` is given.

    ``None`` values count as absent. ``year`` is required (the title page and copyright line
    print it). ``basename`` defaults to a slug of the title; ``isbn`` is stored without hyphens.
    """
    lines = _key_lines(conf_text or "")
    start = lines.get("", 1)
    ck = Checker(conf_relpath, Scope.BOOK, root=root)
    if not isinstance(book, Mapping):
        ck.add(start, "book", f"found a value of type {type(book).__name__}", "a dict")
        return None, ck.problems
    located: dict[str, Located] = {}
    for key, value in book.items():
        line = lines.get(str(key), start)
        if not isinstance(key, str):
            ck.add(line, None, f"found the key {key!r}, which is not text", "text keys")
            continue
        located[key] = Located(_located_value(value, line), line)
    values = check_mapping(located, BOOK_FIELDS, "", start, ck)
    if "words" in located:
        check_plural_categories(values, located["words"].line, ck)
    problems = _by_line(ck.problems)
    if not _ok(values) or any(p.is_error for p in problems):
        return None, problems
    if values["basename"] is None:
        values["basename"] = slugify(values["title"]) or "book"
    values["words"], values["plural_words"] = values["words"]  # check_words: both kinds
    return BookMeta(**values), problems


def _located_value(value: Any, line: int) -> Any:
    """Python values from conf.py, shaped like front-matter values (lists of Located)."""
    if isinstance(value, list | tuple):
        return [Located(_located_value(v, line), line) for v in value]
    if isinstance(value, Mapping):
        return {str(k): Located(_located_value(v, line), line) for k, v in value.items()}
    return value


def _key_lines(conf_text: str) -> dict[str, int]:
    """Line of ``book = {`` (key "") and of each ``"key":`` after it in conf.py."""
    lines: dict[str, int] = {}
    seen_book = False
    for number, line in enumerate(conf_text.splitlines(), start=1):
        if not seen_book:
            if re.match(r"\s*book\s*(:[^=]*)?=\s*(\{|dict\()", line):
                seen_book = True
                lines[""] = number
            continue
        match = re.match(r"""\s*["']([^"']+)["']\s*:""", line) or re.match(r"\s*(\w+)\s*=", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
        if re.match(r"\s*[})]\s*$", line):
            break
    return lines


# -- Everything -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose (the usual title and name: 0.2 ms a report)
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _count(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    return f"{errors} error" + ("" if errors == 1 else "s")


# Below this many reports one process is quicker than starting a second one.
PARALLEL_FROM = 300

# Checks the reports (``validate_report`` on each source), in order: ``Shares.map`` and the work
# done meanwhile
ShareOut = Callable[
    [Callable[[SourceFile], tuple[Report | None, list[Problem]]], list[SourceFile]],
    list[tuple[Report | None, list[Problem]]],
]


def _validate_reports(
    sources: list[SourceFile],
    root: Path,
    book_language: str,
    today: date,
    cache_dir: Path | None,
    share_out: ShareOut,
) -> list[tuple[Report | None, list[Problem]]]:
    """``validate_report`` on every source, or its remembered result when nothing it depends
    on changed (:mod:`bookbuilder.check.cache`)."""
    if cache_dir is None:
        return _check_all(sources, root, book_language, today, share_out)
    keys = [report_key(src, root, book_language, today) for src in sources]
    return cached_results(
        sources,
        keys,
        cache_dir,
        lambda todo: _check_all(todo, root, book_language, today, share_out),
    )


def _check_all(
    sources: list[SourceFile],
    root: Path,
    book_language: str,
    today: date,
    share_out: ShareOut,
) -> list[tuple[Report | None, list[Problem]]]:
    """With two or more jobs (``bookbuilder.jobs``), large books are shared out between forked
    processes (profiled: checking the bodies is most of ``make check``), whose results come back
    in the order of ``sources``: the same problems in the same order."""
    check = functools.partial(validate_report, root=root, book_language=book_language, today=today)
    return share_out(check, sources)


def validate_all(
    root: Path,
    book_language: str,
    today: date,
    cache_dir: Path | None = None,
    meanwhile: Callable[[], object] = lambda: None,
) -> Validated:
    """Load and check every report and chapter under ``root``; ``cache_dir``: where results
    of unchanged reports are remembered between runs (None: check everything). From
    :data:`PARALLEL_FROM` reports on, the front matters are parsed and the reports checked in
    ``JOBS`` processes (every core by default; ``JOBS=1``: one after another). ``meanwhile``:
    done once here while those processes check the reports (the caller's serial work that
    needs no report)."""
    with Shares(jobs(), PARALLEL_FROM) as shares, _fewer_collections():
        return _validate_all(root, book_language, today, cache_dir, shares, meanwhile)


# Python's cycle collector runs after every 700 objects made and not freed; parsing a report makes
# tens of thousands (tokens, nodes), so a cold ``make check`` of 1,000 reports ran it about 980
# times, 0.35-0.5 s of its 3.7 s (timed with ``gc.callbacks``). After every 10,000: about 200
# times, 0.25-0.3 s, the same peak memory (94 MB). The trees are cycles (a node and its parent),
# so the collector stays on.
_YOUNG_OBJECTS = 10_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """The collector's first threshold raised while the reports are checked (the processes the
    check forks inherit it), then put back."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _YOUNG_OBJECTS), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _validate_all(
    root: Path,
    book_language: str,
    today: date,
    cache_dir: Path | None,
    shares: Shares,
    meanwhile: Callable[[], object],
) -> Validated:
    memory = FrontMatterMemory(cache_dir) if cache_dir is not None else None
    all_sources, load_problems = load_reports(root, memory, shares)
    if memory is not None:
        memory.save()
    by_path: dict[str, list[Problem]] = defaultdict(list)
    for problem in load_problems:
        by_path[problem.path].append(problem)
    sources = [s for s in all_sources if translation_parts(s.stem) is None]
    translation_sources = [s for s in all_sources if translation_parts(s.stem) is not None]

    reports: list[Report] = []
    invalid: list[LeftOut] = []
    problems: list[Problem] = []
    share_out = functools.partial(shares.map, meanwhile=meanwhile)
    checked = _validate_reports(sources, root, book_language, today, cache_dir, share_out)
    shares.close()  # done with: the burned-in reading below forks processes of its own
    burned_in = _burned_in(sources, checked, cache_dir)
    for src, (report, found) in zip(sources, checked, strict=True):
        found = by_path.pop(src.relpath, []) + found + burned_in.get(src.relpath, [])
        status = raw_status(src)
        if any(p.is_error for p in found):
            report = None
            title = _raw_title(src)
            reason = _count(found)
            if status is not Status.ACCEPTED:
                reason = f"status: {status.value}; {reason} (shown as warnings)"
            chapter = src.front_matter.get("chapter")
            if chapter is not None and not isinstance(chapter.value, str):
                chapter = None  # a wrong type: validation has said so already
            accepted = status is Status.ACCEPTED
            invalid.append(LeftOut(src.relpath, title, reason, chapter, accepted))
        if status is not Status.ACCEPTED:
            found = [p.demoted() for p in found]
        problems += found
        if report is not None:
            reports.append(report)
    originals = {src.stem: src for src in sources}
    unreadable = {relpath for relpath in by_path if relpath.endswith(".md")}
    translations: list[Translation] = []
    for src in translation_sources:
        translation, found = validate_translation(src, root, today)
        found = by_path.pop(src.relpath, []) + found
        found += _original_problems(src, originals, unreadable, book_language)
        original = originals.get(translation_parts(src.stem)[0])  # type: ignore[index]
        status = raw_status(src)
        original_status = raw_status(original) if original is not None else Status.ACCEPTED
        published = status is Status.ACCEPTED and original_status is Status.ACCEPTED
        if any(p.is_error for p in found):
            translation = None
            reason = _count(found)
            if not published:
                reason = f"{_not_published(status, original)}; {reason} (shown as warnings)"
            invalid.append(LeftOut(src.relpath, _raw_title(src), reason, None, published))
        if not published:
            found = [p.demoted() for p in found]
        problems += found
        if translation is not None:
            translations.append(translation)
    for relpath, found in by_path.items():  # files that could not be read at all
        problems += found
        invalid.append(LeftOut(relpath, Path(relpath).name, _count(found)))

    problems += _double_submissions(sources)

    chapter_sources, chapter_load_problems = load_chapters(root)
    problems += chapter_load_problems
    chapters: list[ChapterSpec] = []
    for src in chapter_sources:
        spec, found = validate_chapter(src)
        problems += found
        if spec is not None and not any(
            p.is_error and p.path == src.relpath for p in chapter_load_problems
        ):
            chapters.append(spec)
    problems += _duplicate_orders(chapters)

    return Validated(
        reports=tuple(reports),
        chapters=tuple(chapters),
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line))),
        invalid=tuple(invalid),
        sources=tuple(sources),
        translations=tuple(translations),
    )


def _burned_in(
    sources: list[SourceFile],
    checked: list[tuple[Report | None, list[Problem]]],
    cache_dir: Path | None,
) -> dict[str, list[Problem]]:
    """The text burned into the images of every report that would be published otherwise
    (accepted, no error): drafts are read once accepted (``check/burnedin.py``)."""
    from bookbuilder.check import burnedin

    publishable = [
        (src.relpath, src.front_matter, report.images)
        for src, (report, found) in zip(sources, checked, strict=True)
        if report is not None
        and report.status is Status.ACCEPTED
        and not any(p.is_error for p in found)
    ]
    return burnedin.check_reports(publishable, cache_dir, burnedin.progress_line())


def _not_published(status: Status, original: SourceFile | None) -> str:
    if status is not Status.ACCEPTED:
        return f"status: {status.value}"
    assert original is not None
    return f"its original {original.relpath} has status: {raw_status(original).value}"


def _raw_title(src: SourceFile) -> str:
    return raw_text(src, "title") or Path(src.relpath).name


def raw_text(src: SourceFile, key: str) -> str | None:
    """A front-matter text as far as it can be read (spaces collapsed), or None."""
    loc = src.front_matter.get(key)
    if loc is not None and isinstance(loc.value, str) and loc.value.strip():
        return " ".join(loc.value.split())
    return None


def raw_first_author(src: SourceFile) -> str | None:
    """The first author's name as far as it can be read, or None."""
    loc = src.front_matter.get("authors")
    if loc is None or not isinstance(loc.value, list) or not loc.value:
        return None
    first = loc.value[0]
    if isinstance(first, Located) and isinstance(first.value, dict):
        name = first.value.get("name")
        if isinstance(name, Located) and isinstance(name.value, str) and name.value.strip():
            return " ".join(name.value.split())
    return None


def _double_submissions(sources: list[SourceFile]) -> list[Problem]:
    """Same title and same first author (case- and accent-insensitive): a warning on the later
    file. Every report file that can be read counts, drafts and reports with errors included
    (an imported Word file is a draft with empty keys until the editor completes it); a
    withdrawn copy does not, since withdrawing it is how the editor settles the matter."""
    first: dict[tuple[str, str], SourceFile] = {}
    problems: list[Problem] = []
    for src in sorted(sources, key=lambda s: s.stem):  # by name: "x" before "x-2"
        title, author = raw_text(src, "title"), raw_first_author(src)
        if title is None or author is None or raw_status(src) is Status.WITHDRAWN:
            continue
        key = (_fold(title), _fold(author))
        if key not in first:
            first[key] = src
            continue
        earlier = first[key]
        status = raw_status(earlier)
        shown = "" if status is Status.ACCEPTED else f" (status: {status.value})"
        message = (
            f"found the same title and first author as {earlier.relpath}{shown} (a likely "
            "double submission); allowed: one file per report (set the copy to "
            "`status: withdrawn`, or delete it)"
        )
        line = src.front_matter["title"].line
        problems.append(
            Problem(
                src.relpath, line, message, "title", Severity.WARNING, code=Code.REPORT_DUPLICATE
            )
        )
    return problems


def _duplicate_orders(chapters: list[ChapterSpec]) -> list[Problem]:
    first: dict[int, ChapterSpec] = {}
    problems: list[Problem] = []
    for chapter in sorted(chapters, key=lambda c: c.relpath):
        if chapter.order in first:
            earlier = first[chapter.order]
            message = (
                f"found {chapter.order}, also the order of {earlier.relpath}; allowed: a "
                "different order for each chapter (until then, file names break the tie)"
            )
            problems.append(
                Problem(
                    chapter.relpath,
                    chapter.lines.get("order", 1),
                    message,
                    "order",
                    Severity.WARNING,
                    code=Code.CHAPTER_DUPLICATE_ORDER,
                )
            )
        else:
            first[chapter.order] = chapter
    return problems
