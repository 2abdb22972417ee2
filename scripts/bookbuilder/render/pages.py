"""Render: turn the curated book into the MyST sources that Sphinx reads.

Everything here is generated into a git-ignored folder (``_build/src``) and rewritten only when
its content changed, so Sphinx's incremental build stays useful. Report text that is data (titles,
names, affiliations) never becomes Markdown: titles are backslash-escaped, and each report's
:class:`~bookbuilder.model.ReportRecord` travels as data in the data file
(``records[slug]``), from which the Sphinx extension builds the byline and trailer
in Python (``report.ReportFrame``, ``online.ReportTrailer``), outside the report's page.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from bookbuilder import editions, words
from bookbuilder.handover import (
    HANDOVER_FILE,
    Filed,
    Handover,
    PageSource,
    handover_text,
)
from bookbuilder.layout import (
    CHAPTERS_DIR,
    REPORT_PAGES,
    REPORTS_DIR,
    chapter_docname,
    report_docname,
)
from bookbuilder.model import FACETS, Book, BookMeta, Chapter, Report, ReportRecord, Translation
from bookbuilder.names import PersonName
from bookbuilder.render import glance_words
from bookbuilder.render.browse import (
    FacetValue,
    PlaceOf,
    browse_data,
    facets,
    records,
    translation_record,
)
from bookbuilder.render.charts import (
    MAX_BARS,
    Chart,
    DrawChart,
    bar_chart_svg,
    chart_key,
    charts,
)
from bookbuilder.render.contributors import (
    CONTRIBUTORS_DOC,
    CONTRIBUTORS_TITLE,
    Contributor,
    contributors,
    page_data,
)
from bookbuilder.render.cover import branding, cover_png
from bookbuilder.render.drawn import drawn
from bookbuilder.render.images import MASTER_RECIPE
from bookbuilder.render.worldmap import Country, alt_text, map_svg, off_map
from bookbuilder.syntax import in_image_folder
from bookbuilder.words import N_, _, ngettext

ACCESSIBILITY_DOC = "accessibility"  # the same page in every book: what the editions provide
ACCESSIBILITY_PAGE = Path(__file__).parents[1] / "templates" / "accessibility.md"
BROWSE_DOC = "browse"
BROWSE_TITLE = N_("Browse the reports")
GLANCE_DOC = "at-a-glance"
GLANCE_TITLE = N_("The collection at a glance")
GLANCE_DIR = "glance"
FACETS_BY_KEY = {f.key: f for f in FACETS}
MAP_FILE = "reports-per-country-map.svg"  # the map's picture, for the EPUB and the PDF
TRANSLATION_LABEL = N_(
    "translation"
)  # a translation's page title: "Nights in the CT (translation)"
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
    sources: dict[str, PageSource]
    contributors: tuple[Contributor, ...] = ()  # as the Contributors page lists them
    # a digest of every file Sphinx reads (their names and bytes): the same book, the same value
    fingerprint: str = ""
    # the charts still being drawn aside (``render(..., charts_later=True)``): their files are
    # written by ``charts_drawn``, which Sphinx's build calls before it reads the pages
    drawing: _ChartsAside | None = None

    def charts_drawn(self) -> None:
        """Wait for the charts drawn aside and write their files (at once when none are)."""
        if self.drawing is not None:
            self.drawing.write_drawn()


class _Writer:
    """Writes files under one folder, only when their bytes change, and forgets nothing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.resolved_root = root.resolve()
        self.kept: set[Path] = set()
        self.written: list[str] = []
        self.digests: dict[str, str] = {}  # relpath → sha256 of what the file holds
        # images to publish (source, target, stamp path, stamp): done together, on all cores
        self.images: list[tuple[Path, Path, Path, str]] = []

    def text(self, relpath: str, content: str) -> None:
        self.bytes(relpath, content.encode("utf-8"))

    def bytes(self, relpath: str, data: bytes) -> None:
        target = self.keep(relpath)
        self.digests[relpath] = hashlib.sha256(data).hexdigest()
        if target.is_file() and target.read_bytes() == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(relpath)

    def keep(self, relpath: str) -> Path:
        target = self.root / relpath
        # Validation keeps slugs and image paths tame; should it ever miss one, nothing is
        # written outside the source folder all the same.
        if not target.resolve().is_relative_to(self.resolved_root):
            raise ValueError(f"refusing to write {relpath!r}: it is outside {self.root}")
        self.kept.add(target)
        return target

    def fingerprint(self) -> str:
        """The written tree in one digest (image copies by their original's digest)."""
        listing = "\n".join(f"{path}\0{digest}" for path, digest in sorted(self.digests.items()))
        return hashlib.sha256(listing.encode("utf-8", "surrogatepass")).hexdigest()

    def remove_stale(self) -> list[str]:
        removed = []
        for path in sorted(self.root.rglob("*"), reverse=True):
            if path.is_file() and path not in self.kept:
                removed.append(path.relative_to(self.root).as_posix())
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return removed


def report_page(report: Report | Translation, record: ReportRecord) -> tuple[str, int]:
    """The MyST source of a report's page, and the line of it where the body starts.

    The page is the report's escaped title and its body, nothing else of ours: the byline and
    the trailer are built from the record (kept in the data file, ``records[slug]``) and
    added to the page's tree by the Sphinx extension (``ReportFrame``, ``ReportTrailer``), where
    nothing in the body can reach, imitate or swallow them. The first line, a MyST comment,
    carries a digest of the record, so Sphinx reads the page again when only its byline changed.
    """
    digest = hashlib.sha256(_json_line(record.to_data()).encode("ascii")).hexdigest()[:16]
    title = escape_markdown(report.title)
    if isinstance(report, Translation):
        title += f" ({_(TRANSLATION_LABEL)})"
    head = f"% bookbuilder frame {digest}\n# {title}\n\n"
    body = report.body if report.body.endswith("\n") else report.body + "\n"
    return head + body, head.count("\n") + 1


def chapter_page(chapter: Chapter, recs: Sequence[ReportRecord] = ()) -> tuple[str, int]:
    """A chapter's page: its title and text, then its reports as cards (``recs``: theirs, in
    order; the ``chapter-reports`` directive, web and EPUB), and its toctree, hidden, which
    gives every edition its order."""
    spec = chapter.spec
    head = f"# {escape_markdown(spec.title)}\n\n"
    page = head + spec.body.rstrip("\n") + "\n"
    if chapter.reports:
        data = _json_line({"reports": [r.to_data() for r in recs]})
        fence = _fence(data)
        page += f"\n{fence}{{chapter-reports}}\n{data}\n{fence}\n"
        # each report, then its translations: they follow it in every edition's reading order
        entries = "\n".join(
            f"/{page}"
            for r in chapter.reports
            for page in (report_docname(r.slug), *(t.docname for t in r.translations))
        )
        page += f"\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n:titlesonly:\n\n{entries}\n```\n"
    return page, head.count("\n") + 1


def _write_chapters(
    book: Book,
    writer: _Writer,
    record_of: dict[str, ReportRecord],
    sources: dict[str, PageSource],
    pages: dict[str, ReportRecord],
    publish_image: PublishImage,
) -> None:
    """Every chapter's page, and every report's (and translation's) with its images; fills
    ``sources`` and ``pages`` (every report's and translation's record, by page)."""
    for chapter in book.chapters:
        page, offset = chapter_page(chapter, [record_of[r.slug] for r in chapter.reports])
        docname = chapter_docname(chapter.spec.id)
        writer.text(docname + ".md", page)
        sources[docname] = _source(chapter.spec.relpath, chapter.spec.body_line, offset)
        for image in chapter.spec.images:
            _copy_image(writer, image.path, f"{CHAPTERS_DIR}/{image.target}", publish_image)
        for report in chapter.reports:
            record = record_of[report.slug]
            shown: list[tuple[Report | Translation, ReportRecord]] = [(report, record)]
            shown += [(t, translation_record(record, t)) for t in report.translations]
            for version, version_record in shown:
                page, offset = report_page(version, version_record)
                writer.text(version_record.page + ".md", page)
                sources[version_record.page] = _source(version.relpath, version.body_line, offset)
                pages[version_record.page] = version_record
                for image in version.images:
                    _check_report_image(version, image.path, image.target)
                    _copy_image(writer, image.path, f"{REPORTS_DIR}/{image.target}", publish_image)


def _people(names: Iterable[PersonName]) -> tuple[Filed, ...]:
    """Each name once, in order, as ``(printed, file-as)`` (the EPUB's ``file-as``)."""
    return tuple((n.printed, n.file_as) for n in dict.fromkeys(names))


def accessibility_page() -> str:
    """The accessibility page, in the book's language (templates/accessibility.md, translated
    paragraph by paragraph from the catalogue)."""
    return words.translated_markdown(ACCESSIBILITY_PAGE.read_text("utf-8"))


def landing_page(book: Book, cover: str | None = None) -> str:
    """The book's home page. Its screen part (cover, subtitle, editors, description, downloads,
    ways into the reports, the contents) is left out of the PDF, which has its own title page.

    The book's order is the root toctree, hidden: Sphinx resolves a visible one by copying the
    table of contents of every report before it cuts it to one level (a sixth of adding a report
    to a book of 1,000; profiled), so the landing page lists the same pages itself."""
    meta = book.meta
    contents = [chapter_docname(c.spec.id) for c in book.chapters]
    if book.reports:
        contents += [GLANCE_DOC, CONTRIBUTORS_DOC]
    contents.append(ACCESSIBILITY_DOC)  # every book says what its editions provide, last
    landing = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "editors": list(meta.editor_names),
        "description": meta.description,
        "cover": cover,
        "reports": len(book.reports),
        "chapters": [
            {"id": c.spec.id, "title": c.spec.title, "reports": len(c.reports)}
            for c in book.chapters
        ],
        "contents": contents,
    }
    data = _json_line(landing)
    fence = _fence(data)
    lines = [f"# {escape_markdown(meta.title)}", ""]
    # the landing page's cover, downloads and contents: in the editions whose pages are HTML
    block = [f"{fence}{{book-landing}}", data, fence]
    if not_html := editions.without_html():
        only = " and ".join(f"not {builder}" for builder in not_html)
        block = [f":::{{only}} {only}", *block, ":::"]
    lines += [*block, ""]
    # The browse page is for the web edition: the PDF and the EPUB have their own contents.
    lines += [":::{only} html and not epub", "```{toctree}", ":hidden:", "", BROWSE_DOC, "```"]
    lines += [":::", ""]
    lines += ["```{toctree}", ":hidden:", "", "\n".join(contents), "```", ""]
    return "\n".join(lines)


def browse_page(book: Book, recs: Sequence[ReportRecord]) -> str:
    data = _json_line(browse_data(book, recs))
    fence = _fence(data)
    return f"# {escape_markdown(_(BROWSE_TITLE))}\n\n{fence}{{report-browse}}\n{data}\n{fence}\n"


def glance_page(book: Book, made: list[Chart], countries_shown: Sequence[Country] = ()) -> str:
    """The "at a glance" page: the world map (``countries_shown``), then one chart per facet,
    each with alt text and a data table."""
    reports = book.reports
    countries = {r.country for r in reports}
    authors = {a.printed for r in reports for a in r.authors}
    lines = [
        f"# {escape_markdown(_(GLANCE_TITLE))}",
        "",
        escape_markdown(
            " ".join(
                (
                    ngettext("{n} report", "{n} reports", len(reports)).format(n=len(reports)),
                    ngettext("from {n} country,", "from {n} countries,", len(countries)).format(
                        n=len(countries)
                    ),
                    ngettext("by {n} author.", "by {n} authors.", len(authors)).format(
                        n=len(authors)
                    ),
                )
            )
        ),
        "",
    ]
    if countries_shown:
        lines += _map_section(countries_shown)
    for chart in made:
        rows = [[v.value, v.label, v.count] for v in chart.values]
        shown = min(len(rows), MAX_BARS)
        more = len(rows) - shown
        data = _json_line(
            {
                "file": f"{GLANCE_DIR}/{chart.filename}",
                "alt": chart.alt,
                "key": chart.key,
                "heading": _(FACETS_BY_KEY[chart.key].label),
                "caption": glance_words.CHART_CAPTION.format(title=chart.title),
                "rows": rows,
                "shown": shown,
                "note": glance_words.BARS_SHOWN.format(
                    shown=shown,
                    total=len(rows),
                )
                if more
                else "",
            }
        )
        fence = _fence(data)
        lines += [
            f"## {escape_markdown(chart.title)}",
            "",
            f"{fence}{{book-chart}}",
            data,
            fence,
            "",
        ]
    return "\n".join(lines)


def map_countries(facet_values: dict[str, list[FacetValue]]) -> list[Country]:
    """Every country with reports, by name (as the country facet lists them)."""
    return [Country(v.value, v.label, v.count) for v in facet_values.get("country", [])]


def _map_section(countries: Sequence[Country]) -> list[str]:
    """The world map: its static picture's file (written by ``render``), alt text, caption,
    the countries it cannot draw, and every country for the table and the website's links."""
    missing = off_map(countries)
    data = _json_line(
        {
            "file": f"{GLANCE_DIR}/{MAP_FILE}",
            "alt": alt_text(countries),
            "caption": glance_words.MAP_CAPTION,
            "caption_web": glance_words.MAP_CAPTION_WEB,
            "heading": _(FACETS_BY_KEY["country"].label),
            "countries": [[c.code, c.name, c.count] for c in countries],
            "off": glance_words.MAP_OFF.format(names=", ".join(c.name for c in missing))
            if missing
            else "",
        }
    )
    fence = _fence(data)
    return [
        f"## {escape_markdown(glance_words.MAP_TITLE)}",
        "",
        f"{fence}{{book-map}}",
        data,
        fence,
        "",
    ]


def contributors_page(people: list[Contributor]) -> str:
    """The "Contributors" page: its entries are built by the ``book-contributors`` directive
    (docutils nodes, so every edition and any PDF engine prints them)."""
    data = _json_line(page_data(people))
    fence = _fence(data)
    translated = any(c.kind == "translator" for p in people for c in p.contributions)
    intro = escape_markdown(
        _(
            "Everyone who wrote or translated a report in this book, with what they wrote and "
            "translated."
        )
        if translated
        else _("Everyone who wrote a report in this book, with the reports they wrote.")
    )
    title = escape_markdown(_(CONTRIBUTORS_TITLE))
    return f"# {title}\n\n{intro}\n\n{fence}{{book-contributors}}\n{data}\n{fence}\n"


def render(
    book: Book,
    srcdir: Path,
    place_of: PlaceOf,
    publish_image: PublishImage,
    book_root: Path | None = None,
    charts_later: bool = False,
) -> RenderResult:
    """Write the book's MyST sources, copies of its images and its data file into ``srcdir``.

    ``place_of`` resolves a report's country code and city into a :class:`Place` (name in the
    book's language, M49 region): each report's record is made once, here, and every page that
    shows the report reads it; ``publish_image`` writes the metadata-stripped copy of an image.
    ``book_root`` (where ``meta.cover`` is found) defaults to the folder above ``_build/``.
    ``charts_later``: the charts that changed may still be drawing when this returns (the
    result's ``drawing``); ``RenderResult.charts_drawn`` writes them. Their page and the
    sources' fingerprint do not wait for them: both are made from what the charts show.
    """
    # the pages' words: the book's
    words.install(book.meta.language, dict(book.meta.words), book.meta.plural_forms)
    srcdir.mkdir(parents=True, exist_ok=True)
    writer = _Writer(srcdir)
    recs = records(book, place_of)
    cover = _copy_cover(writer, book.meta, book_root or srcdir.parents[1], publish_image)
    writer.text("index.md", landing_page(book, cover))
    writer.text(BROWSE_DOC + ".md", browse_page(book, recs))
    writer.text(ACCESSIBILITY_DOC + ".md", accessibility_page())
    rtl = words.direction(book.meta.language) == "rtl"  # the charts mirrored
    aside = None
    if book.reports:
        aside = _ChartsAside(writer, facets(book, recs), len(book.reports), rtl)
    try:  # the charts that changed are drawn aside while the pages are written
        return _write_pages(book, writer, recs, aside, publish_image, charts_later)
    except BaseException:
        if aside is not None:
            aside.close()  # whatever happened: the drawing process ends with the stage
        raise


def _write_pages(
    book: Book,
    writer: _Writer,
    recs: Sequence[ReportRecord],
    aside: _ChartsAside | None,
    publish_image: PublishImage,
    charts_later: bool,
) -> RenderResult:
    """``render``'s pages, hand-over and images, while ``aside`` draws the charts."""
    sources: dict[str, PageSource] = {}
    people: list[Contributor] = []
    record_of = {r.slug: r for r in recs}
    pages: dict[str, ReportRecord] = {}  # every report's and translation's page
    _write_chapters(book, writer, record_of, sources, pages, publish_image)
    made = aside.planned() if aside is not None else []
    if aside is not None and not charts_later:
        aside.write_drawn()
    if aside is not None:
        shown = map_countries(aside.facet_values)
        writer.text(f"{GLANCE_DIR}/{MAP_FILE}", map_svg(shown))
        writer.text(GLANCE_DOC + ".md", glance_page(book, made, shown))
        people = contributors(book)
        writer.text(CONTRIBUTORS_DOC + ".md", contributors_page(people))

    handover = Handover(
        sources=sources,
        records={page.removeprefix(REPORT_PAGES): r for page, r in pages.items()},
        translations={
            report_docname(r.slug): tuple(t.docname for t in r.translations)
            for r in book.reports
            if r.translations
        },
        contributors=_people(a.person for r in book.reports for a in r.authors),
        translators=_people(t.person for tr in book.translations for t in tr.translators),
    )
    writer.text(HANDOVER_FILE, handover_text(handover))
    _publish_images(writer.images, publish_image)
    removed = writer.remove_stale()
    return RenderResult(
        writer.root,
        tuple(writer.written),
        tuple(removed),
        sources,
        tuple(people),
        writer.fingerprint(),
        aside if charts_later and aside is not None and aside.missing else None,
    )


def _source(relpath: str, body_line: int, generated_line: int) -> PageSource:
    return PageSource(relpath, body_line, generated_line)


WEB_COVER_WIDTH = 480  # pixels: twice the width the landing page shows it at
DRAWN_DIR = "drawn"  # beside the sources in _build/: pictures the render stage drew (drawn.py)


def _copy_cover(writer: _Writer, meta: BookMeta, root: Path, publish: PublishImage) -> str | None:
    """The cover image for the landing page, copied next to it: the configured one, or the
    typographic cover that the EPUB also gets (drawn smaller); None if neither can be had.
    Not named ``cover``: the EPUB builder writes its own cover image under that name."""
    source = root / meta.cover if meta.cover else None
    if source is not None and source.is_file():
        relpath = f"_cover/book-cover{source.suffix.lower()}"
        _copy_image(writer, source, relpath, publish)  # without its metadata, like every image
        return relpath
    if source is not None:
        return None  # a configured cover that is missing: validation of conf.py says so
    look = branding(meta, root)
    logo = look["logo"].read_bytes() if look["logo"] else None
    inputs = (meta.title, meta.subtitle, meta.year, WEB_COVER_WIDTH, look["accent"], logo)
    png = drawn(
        writer.root.parent / DRAWN_DIR,
        "book-cover.png",
        inputs,
        lambda: cover_png(meta.title, meta.subtitle, meta.year, WEB_COVER_WIDTH, **look),
    )
    writer.bytes("_cover/book-cover.png", png)
    return "_cover/book-cover.png"


def _check_report_image(report: Report | Translation, source: Path, target: str) -> None:
    """Validation's image rules again, where the copy is made: images/<slug>/…, no way out."""
    parts = target.split("/")
    own = source.parents[len(parts) - 3] if len(parts) >= 3 else None  # images/<slug>
    if (
        own is None
        or not in_image_folder(target, report.slug)
        or any(p in ("", ".", "..") for p in parts)
        or not source.resolve().is_relative_to(own.resolve())
    ):
        raise ValueError(f"{report.relpath}: refusing to publish image {target!r} ({source})")


def _cached_chart(writer: _Writer, missing: list[_ChartSpec] | None = None) -> DrawChart:
    """Draw a chart only when its data changed (matplotlib costs a second per build; profiled):
    the last drawing is kept with its key beside it, as image copies keep their digest. With
    ``missing``, a chart not drawn yet is listed there instead (and is empty)."""

    def draw(values: list[FacetValue], xlabel: str, rtl: bool) -> bytes:
        cached = writer.keep(_chart_file((values, xlabel, rtl)))
        if cached.is_file():
            return cached.read_bytes()
        if missing is not None:
            missing.append((values, xlabel, rtl))
            return b""
        svg = bar_chart_svg(values, xlabel, rtl)
        _keep_chart(writer, (values, xlabel, rtl), svg)
        return svg

    return draw


# A chart as bar_chart_svg draws it: its values, its axis's label, right to left or not.
_ChartSpec = tuple[list[FacetValue], str, bool]


def _chart_file(spec: _ChartSpec) -> str:
    return f"{GLANCE_DIR}/.cache/{chart_key(*spec)}.svg"


def _keep_chart(writer: _Writer, spec: _ChartSpec, svg: bytes) -> None:
    cached = writer.keep(_chart_file(spec))
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(cached.name + ".partial")
    partial.write_bytes(svg)
    os.replace(partial, cached)  # a chart in the cache is whole: a full disk stops the build


def _draw_all(missing: list[_ChartSpec]) -> list[bytes]:
    return [bar_chart_svg(*spec) for spec in missing]


class _ChartsAside:
    """The charts that are not in the cache, drawn in another process (started here) while the
    render stage writes the pages: matplotlib's start and five charts (0.6 s) were a seventh
    of adding a report to a book of 1,000 (profiled). Where no process can be had, they are
    drawn in this one, when asked for. ``close`` ends the process, whatever happened."""

    def __init__(
        self,
        writer: _Writer,
        facet_values: dict[str, list[FacetValue]],
        total: int,
        rtl: bool = False,
    ) -> None:
        self.writer, self.facet_values, self.total, self.rtl = writer, facet_values, total, rtl
        self.missing: list[_ChartSpec] = []
        self.written_out = False  # write_drawn is called by every edition's build: once is enough
        charts(facet_values, total, _cached_chart(writer, self.missing), rtl)
        self.pool: ProcessPoolExecutor | None = None
        if self.missing:
            try:
                self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
                self.pending = self.pool.submit(_draw_all, self.missing)
            except (OSError, ValueError):
                self.close()

    def planned(self) -> list[Chart]:
        """Every chart as its page lists it (its picture not awaited), each file kept in the
        source folder under its key: a chart's picture is its key's (``chart_key``), so the
        sources' fingerprint need not wait for the drawing. The charts already drawn are
        written now."""
        planned = charts(self.facet_values, self.total, lambda *spec: b"", self.rtl)
        cached = _cached_chart(self.writer, [])
        for chart in planned:
            relpath = f"{GLANCE_DIR}/{chart.filename}"
            spec = (list(chart.values), _("Reports"), self.rtl)
            if svg := cached(*spec):
                self.writer.bytes(relpath, svg)
            else:  # drawn aside: written by write_drawn (a new key: a new picture)
                self.writer.keep(relpath)
                self.writer.written.append(relpath)
            self.writer.digests[relpath] = f"chart {chart_key(*spec)}"
        return planned

    def write_drawn(self) -> None:
        """Wait for the charts drawn aside and write every chart's file where ``planned`` kept
        it (those already written again only if their bytes changed)."""
        if self.written_out:
            return
        for chart in self.charts():
            target = self.writer.root / GLANCE_DIR / chart.filename
            if not (target.is_file() and target.read_bytes() == chart.svg):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(chart.svg)
        self.written_out = True

    def charts(self) -> list[Chart]:
        """Every chart, those drawn aside kept in the cache first."""
        if self.pool is not None:
            try:
                drawings = self.pending.result()
            except (OSError, BrokenProcessPool):
                drawings = None  # drawn below, in this process
            finally:
                self.close()
            for spec, svg in zip(self.missing, drawings or (), strict=False):
                _keep_chart(self.writer, spec, svg)
        return charts(self.facet_values, self.total, _cached_chart(self.writer), self.rtl)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _copy_image(writer: _Writer, source: Path, relpath: str, publish: PublishImage) -> None:
    """Plan an image's stripped copy (its master), unless the one there was made from the same
    original by the same recipe; ``_publish_images`` makes the planned ones."""
    target = writer.keep(relpath)
    stamp = writer.keep(relpath + ".sha256")
    # the original's bytes and how masters are made (a new recipe makes every master again)
    digest = f"{hashlib.sha256(source.read_bytes()).hexdigest()} {MASTER_RECIPE}"
    writer.digests[relpath] = digest
    if target.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return
    writer.images.append((source, target, stamp, digest))
    writer.written.append(relpath)


def _publish_images(planned: list[tuple[Path, Path, Path, str]], publish: PublishImage) -> None:
    """Make the planned masters, shared among the machine's cores (a 12-megapixel photograph
    takes about a second to decode, turn, shrink and encode)."""
    for _source, target, _stamp, _digest in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
    workers = min(os.cpu_count() or 1, len(planned))
    if workers > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(publish, [p[0] for p in planned], [p[1] for p in planned]))
    else:
        for source, target, _stamp, _digest in planned:
            publish(source, target)
    for _source, _target, stamp, digest in planned:
        stamp.write_text(digest)  # last: a master whose stamp is there is complete
