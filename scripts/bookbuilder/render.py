"""Render: turn the curated book into the MyST sources that Sphinx reads.

Everything here is generated into a git-ignored folder (``_build/src``) and rewritten only when
its content changed, so Sphinx's incremental build stays useful. Report text that is data (titles,
names, affiliations) never becomes Markdown: titles are backslash-escaped, and the byline travels as
JSON inside a ``report-byline`` directive whose nodes are built in Python (see ``sphinxext``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date

from bookbuilder.curate import report_language
from bookbuilder.model import Book, BookMeta, Chapter, Report

DATA_FILE = "_bookbuilder.json"
ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

PublishImage = Callable[[Path, Path], None]


def escape_markdown(text: str) -> str:
    """Make plain text literal in MyST: every ASCII punctuation character is backslash-escaped.

    CommonMark allows a backslash before any ASCII punctuation, so ``*``, ``_``, ``#``, ``&``
    (entities), ``<``, ``{`` (roles), ``$`` and ``\\`` all come out as they were typed.
    """
    return ASCII_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def _fence(content: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    return "`" * max(3, longest + 1)


def _json_line(data: object) -> str:
    # One line, ASCII only, no backticks: safe as directive content inside any fence.
    return json.dumps(data, ensure_ascii=True, sort_keys=True).replace("`", "\\u0060")


@dataclass(frozen=True)
class RenderResult:
    """What the render stage wrote: the source folder and what changed in it."""

    srcdir: Path
    written: tuple[str, ...]
    removed: tuple[str, ...]
    # docname → where its text came from, to point Sphinx's warnings back at the editor's file
    sources: dict[str, dict]


class _Writer:
    """Writes files under one folder, only when their bytes change, and forgets nothing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.kept: set[Path] = set()
        self.written: list[str] = []

    def text(self, relpath: str, content: str) -> None:
        self.bytes(relpath, content.encode("utf-8"))

    def bytes(self, relpath: str, data: bytes) -> None:
        target = self.root / relpath
        self.kept.add(target)
        if target.is_file() and target.read_bytes() == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(relpath)

    def keep(self, relpath: str) -> Path:
        target = self.root / relpath
        self.kept.add(target)
        return target

    def remove_stale(self) -> list[str]:
        removed = []
        for path in sorted(self.root.rglob("*"), reverse=True):
            if path.is_file() and path not in self.kept:
                removed.append(path.relative_to(self.root).as_posix())
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return removed


def byline_data(report: Report, chapter: Chapter, meta: BookMeta, names: dict) -> dict:
    language = report_language(report, meta)
    return {
        "slug": report.slug,
        "title": report.title,
        "authors": [
            {"name": a.name, "role": a.role, "affiliation": a.affiliation, "orcid": a.orcid}
            for a in report.authors
        ],
        "country": report.country,
        "country_name": names["country"](report.country),
        "region": names["region"](report.country),
        "city": report.city,
        "submitted": report.submitted.isoformat(),
        "submitted_display": format_date(report.submitted, "long", locale=_babel(meta.language)),
        "summary": report.summary,
        "modalities": list(report.modalities),
        "topics": list(report.topics),
        "language": language if language != meta.language.lower() else None,
        "chapter": chapter.spec.id,
        "chapter_title": chapter.spec.title,
    }


def _babel(language: str) -> str:
    return language.replace("-", "_")


def report_page(report: Report, byline: dict) -> tuple[str, int]:
    """The MyST source of a report's page, and the line of it where the body starts."""
    data = _json_line(byline)
    fence = _fence(data)
    head = (
        f"{fence}{{report-start}}\n{fence}\n\n"
        f"# {escape_markdown(report.title)}\n\n"
        f"{fence}{{report-byline}}\n{data}\n{fence}\n\n"
    )
    body = report.body if report.body.endswith("\n") else report.body + "\n"
    return head + body, head.count("\n") + 1


def chapter_page(chapter: Chapter) -> tuple[str, int]:
    spec = chapter.spec
    head = f"# {escape_markdown(spec.title)}\n\n"
    page = head + spec.body.rstrip("\n") + "\n"
    if chapter.reports:
        entries = "\n".join(f"/experiences/{r.slug}" for r in chapter.reports)
        page += f"\n```{{toctree}}\n:maxdepth: 1\n:titlesonly:\n\n{entries}\n```\n"
    return page, head.count("\n") + 1


def landing_page(book: Book) -> str:
    meta = book.meta
    lines = [f"# {escape_markdown(meta.title)}", ""]
    intro: list[str] = []
    if meta.subtitle:
        intro += [f"**{escape_markdown(meta.subtitle)}**", ""]
    if meta.editors:
        intro += [f"Edited by {escape_markdown(', '.join(meta.editors))}", ""]
    if meta.description:
        intro += [escape_markdown(meta.description), ""]
    if intro:
        # The PDF has its own title page; the landing text is for the screen editions.
        lines += ["```{only} not latex", *intro, "```", ""]
    entries = "\n".join(f"chapters/{c.spec.id}" for c in book.chapters)
    lines += ["```{toctree}", ":maxdepth: 1", "", entries, "```", ""]
    return "\n".join(lines)


def render(
    book: Book,
    srcdir: Path,
    names: dict[str, Callable[[str], str | None]],
    publish_image: PublishImage,
) -> RenderResult:
    """Write the book's MyST sources, copies of its images and its data file into ``srcdir``.

    ``names`` holds ``country`` (code → name in the book's language) and ``region`` (code →
    M49 region) lookups; ``publish_image`` writes the metadata-stripped copy of an image.
    """
    srcdir.mkdir(parents=True, exist_ok=True)
    writer = _Writer(srcdir)
    sources: dict[str, dict] = {}

    writer.text("index.md", landing_page(book))
    for chapter in book.chapters:
        page, offset = chapter_page(chapter)
        docname = f"chapters/{chapter.spec.id}"
        writer.text(docname + ".md", page)
        sources[docname] = _source(chapter.spec.relpath, chapter.spec.body_line, offset)
        for image in chapter.spec.images:
            _copy_image(writer, image.path, f"chapters/{image.target}", publish_image)
        for report in chapter.reports:
            page, offset = report_page(report, byline_data(report, chapter, book.meta, names))
            docname = f"experiences/{report.slug}"
            writer.text(docname + ".md", page)
            sources[docname] = _source(report.relpath, report.body_line, offset)
            for image in report.images:
                _copy_image(writer, image.path, f"experiences/{image.target}", publish_image)

    languages = sorted(
        {report_language(r, book.meta) for r in book.reports} - {book.meta.language.lower()}
    )
    data = {
        "meta": _meta_dict(book.meta),
        "languages": languages,
        "sources": sources,
        "reports": [r.slug for r in book.reports],
    }
    writer.text(DATA_FILE, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    removed = writer.remove_stale()
    return RenderResult(srcdir, tuple(writer.written), tuple(removed), sources)


def _source(relpath: str, body_line: int, generated_line: int) -> dict:
    return {"relpath": relpath, "body_line": body_line, "generated_line": generated_line}


def _meta_dict(meta: BookMeta) -> dict:
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "editors": list(meta.editors),
        "publisher": meta.publisher,
        "year": meta.year,
        "edition": meta.edition,
        "language": meta.language,
        "licence": meta.licence,
        "isbn": meta.isbn,
        "description": meta.description,
        "basename": meta.basename,
    }


def _copy_image(writer: _Writer, source: Path, relpath: str, publish: PublishImage) -> None:
    """Publish an image's stripped copy, redoing it only when the original's bytes changed."""
    target = writer.keep(relpath)
    stamp = writer.keep(relpath + ".sha256")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if target.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    publish(source, target)
    stamp.write_text(digest)
    writer.written.append(relpath)


def clean(srcdir: Path) -> None:
    if srcdir.exists():
        shutil.rmtree(srcdir)
