"""The PDF edition: a Sphinx builder that typesets the book with Typst.

Why Typst (docs/pdf-engine.md has the measurements): it writes a tagged PDF (structure tree,
headings, lists, tables with header cells, figures with their alt text, notes, links, ``/Lang``
per language, headers and page numbers as artifacts), shapes every script the contributors write
(right to left included) with the fonts it is given, hyphenates per language, and sets a book of
1,000 reports in seconds, where XeLaTeX took a minute and cannot tag. It comes from PyPI as the
``typst`` package: no TeX installation.

The builder puts the whole book into one document, like Sphinx's LaTeX builder (the root page
with every page of its contents inlined), writes it as Typst markup (:mod:`typst`) next to the
layout (``templates/pdf/book.typ``) and the data the layout needs (``book.json``), places the
images (at most 300 pixels per inch at the size they print) and compiles
``_build/pdf/<basename>.pdf`` (``typesetting.py``: at once, or, in ``make all`` with more than
one job, beside the EPUB's build). Typst reads nothing outside that output folder.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from PIL import Image
from sphinx import addnodes
from sphinx.environment.adapters.asset import ImageAdapter
from sphinx.errors import NoUri
from sphinx.locale import _, __
from sphinx.util import logging
from sphinx.util.console import darkgreen

from bookbuilder import collector, words
from bookbuilder.check.images import css_pixels, svg_intrinsic_size
from bookbuilder.model import BookMeta
from bookbuilder.pdfengine.fonts import FONTS, MONO_FONTS, PREFERRED_FONTS
from bookbuilder.render.cover import cover_alt
from bookbuilder.render.images import PRINT_JPEG_QUALITY, publish_image
from bookbuilder.sphinx import bookindex, pdfparts, typesetting
from bookbuilder.sphinx import typst as markup
from bookbuilder.sphinx.images import svg_root_attributes
from bookbuilder.sphinx.outputs import write_if_changed
from bookbuilder.sphinx.parallel import ReadInShares
from bookbuilder.sphinx.pdffinish import finish_pdf
from bookbuilder.sphinx.report import report_body

logger = logging.getLogger(__name__)
LANCZOS = Image.Resampling.LANCZOS

TEMPLATE = Path(__file__).parents[1] / "templates" / "pdf" / "book.typ"
#: Images print at most this sharp; larger ones are scaled down for the PDF only.
MAX_PPI = 300


@dataclass
class PlacedImage:
    path: str  # relative to the output folder
    width_mm: float


class PDFBuilder(ReadInShares):
    """``sphinx-build -b pdf``: the book as one tagged PDF, typeset by Typst."""

    name = "pdf"
    format = "pdf"
    epilog = "The PDF is in %(outdir)s."
    supported_image_types: ClassVar = ["image/svg+xml", "image/png", "image/jpeg", "image/webp"]
    supported_remote_images = False
    default_translator_class = markup.TypstTranslator

    def init(self) -> None:
        self.docnames: set[str] = set()
        self.labels: dict[Any, str] = {}
        self.report_languages: dict[str, str] = {}
        self.fonts = FONTS
        self.preferred_fonts = PREFERRED_FONTS
        self.placed: dict[str, PlacedImage] = {}
        self.footnotes: dict[tuple[str, str], nodes.footnote] = {}

    def get_outdated_docs(self) -> str:
        return "all documents"  # one PDF of the whole book

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname not in self.docnames:
            raise NoUri(docname, typ)
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames: Any) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass  # the whole book is written at once: write_documents

    def write_documents(self, docnames: Any) -> None:
        # The whole book's tree: objects that live on until the typesetting ends (handed over to
        # typesetting.Beside, which keeps them out of the collector's sight, or done here)
        with collector.paused():
            self._write_and_typeset()

    def _write_and_typeset(self) -> None:
        # Every image is placed again below: a withdrawn report's photographs do not stay.
        shutil.rmtree(Path(self.outdir) / "_images", ignore_errors=True)
        tree = self.assemble()
        translator = self.create_translator(tree, self)
        tree.walkabout(translator)
        name = pdf_basename(self.config)
        outdir = Path(self.outdir)
        (outdir / "book.typ").write_text(TEMPLATE.read_text("utf-8"), "utf-8")
        data = self.book_json(translator)
        write_if_changed(
            outdir / "book.json", json.dumps(data, ensure_ascii=False, indent=1).encode()
        )
        pdfparts.clear(outdir, name)
        if parts := pdfparts.plan(translator, pdfparts.reports_per_part()):
            # a large book: compiled in parts and joined, in a fraction of the memory
            work = partial(pdfparts.typeset_in_parts, translator=translator, parts=parts, data=data)
        else:
            head = markup.layout_import() + "#show: book\n\n"
            write_if_changed(outdir / f"{name}.typ", (head + translator.astext()).encode())
            work = partial(_typeset_whole, translator=translator, head=head)
        srcdir, root_doc = Path(self.srcdir), self.config.root_doc
        typesetting.typeset_pdf(
            self,
            lambda report: work(typesetting.Typesetter(outdir, name, root_doc, srcdir, report)),
        )

    # -- the book in one tree --------------------------------------------------------------

    def assemble(self) -> nodes.document:
        root = self.config.root_doc
        self.docnames = {root}
        tree = self.env.get_doctree(root)
        tree["docname"] = root
        tree = inline_pages(self, self.docnames, root, tree.deepcopy(), [root])
        tree["docname"] = root
        self.env.resolve_references(tree, root, self)
        for xref in list(tree.findall(addnodes.pending_xref)):
            xref.replace_self(xref.children)
        self.labels = _labels(tree, root)
        self.report_languages = {}
        self.footnotes = _footnotes_by_page(tree, root)
        for start in tree.findall(addnodes.start_of_file):
            # its own body, not that of a translation set inside it (a nested start_of_file)
            body = next((b for b in start.findall(report_body) if _own_page(b) is start), None)
            if body is not None:
                self.report_languages[start["docname"]] = body["lang"]
        return tree

    # -- images ----------------------------------------------------------------------------

    def place_image(self, node: nodes.image) -> PlacedImage:
        """Put the image of ``node`` into the output folder, at most ``MAX_PPI`` at the width
        it prints, and say where and how wide. A raster image is its print derivative by now
        (``sphinx/images.py``: JPEG for a photograph, PNG for line art, at most the text block
        at 300 ppi, cached in ``_build/images``); it is shrunk again only to print narrower."""
        uri = str(node["uri"])
        if uri in self.placed:
            return self.placed[uri]
        source = Path(self.srcdir) / ImageAdapter(self.env).get_original_image_uri(uri)
        # a derivative's name is unique (its content's key) and says nothing of the machine
        name = source.name if Path(uri).is_absolute() else uri.replace("/", "--")
        target_name = "_images/" + name
        target = Path(self.outdir) / target_name
        target.parent.mkdir(parents=True, exist_ok=True)
        width_mm = _requested_width(node)
        if source.suffix.lower() == ".svg":
            shutil.copyfile(source, target)
            placed = PlacedImage(target_name, width_mm or _svg_width_mm(source))
        else:
            placed = PlacedImage(target_name, self._place_raster(source, target, width_mm))
        self.placed[uri] = placed
        return placed

    def _place_raster(self, source: Path, target: Path, requested_mm: float | None) -> float:
        """Copy or shrink ``source`` (a JPEG or PNG) to ``target``; the width it prints, in mm."""
        with Image.open(source) as image:
            width, height = image.size
            natural_mm = width / markup.NATURAL_PPI * 25.4
            width_mm = min(requested_mm or natural_mm, markup.TEXT_WIDTH_MM)
            if height * width_mm / width > markup.MAX_IMAGE_HEIGHT_MM:
                width_mm = markup.MAX_IMAGE_HEIGHT_MM * width / height
            most = round(width_mm / 25.4 * MAX_PPI)
            if width <= most:
                shutil.copyfile(source, target)
                return width_mm
            smaller = image.resize((most, max(1, round(height * most / width))), LANCZOS)
            params: dict[str, Any] = (
                {"quality": PRINT_JPEG_QUALITY} if image.format == "JPEG" else {}
            )
            if icc := image.info.get("icc_profile"):
                params["icc_profile"] = icc
            smaller.save(target, format=image.format, **params)
        return width_mm

    # -- the layout's data -----------------------------------------------------------------

    def book_json(self, translator: markup.TypstTranslator) -> dict[str, Any]:
        meta: BookMeta = self.config.bookbuilder_meta
        lang = markup.language(meta.language, PREFERRED_FONTS)
        text: dict[str, Any] = {"lang": lang.lang if lang else "en", "font": FONTS}
        if lang and lang.region:
            text["region"] = lang.region
        if lang and lang.font:
            text["font"] = [FONTS[0], lang.font, *(f for f in FONTS[1:] if f != lang.font)]
        colophon = [str(v) for v in (meta.description, meta.edition, meta.licence) if v]
        if meta.isbn:
            colophon.append(f"ISBN {meta.isbn}")
        return {
            "title": meta.title,
            "subtitle": meta.subtitle or None,
            "editors": list(meta.editor_names),
            "edited_by": words._("Edited by"),
            "description": meta.description or None,
            "imprint": [str(v) for v in (meta.publisher, meta.year) if v],
            "colophon": colophon,
            "cover": self.place_book_image(meta.cover, "cover"),
            "cover_alt": cover_alt(meta),
            "logo": self.place_book_image(meta.logo, "logo"),
            "logo_alt": words._("Logo: {name}").format(name=meta.publisher or meta.title),
            "accent": meta.accent,  # headings, links and the title page's rule (branding.py)
            "dated": bool(os.environ.get("SOURCE_DATE_EPOCH")),
            "text": text,
            "mono_fonts": MONO_FONTS,
            "running": translator.running,
            "index": self.index_data(meta.language),
            "index_title": _("Index"),
        }

    def index_data(self, language: str) -> list[dict[str, Any]]:
        """The book's index (``bookindex.py``), each entry with the labels of its reports' pages
        (the template prints their page numbers); only pages the PDF has."""
        order = bookindex.reading_order(self.env, self.config.root_doc)
        index = bookindex.book_index(self.env.domains.index_domain.entries, order, language)

        def pages(entry: bookindex.Entry) -> list[str]:
            return [self.labels[p.docname] for p in entry.locators if p.docname in self.labels]

        return [
            {
                "title": section.title,
                "entries": [
                    {"letter": entry.letter, "term": entry.term, "places": places}
                    for entry in section.entries
                    if (places := pages(entry))
                ],
            }
            for section in index
        ]

    def place_book_image(self, configured: str | None, key: str) -> str | None:
        """The configured cover (the PDF's first page) or logo (on the title page), copied
        without its metadata into the output folder; None when there is none."""
        if not configured:
            return None
        source = Path(self.confdir) / configured
        target = Path(self.outdir) / f"_images/{key}{source.suffix.lower()}"
        try:
            publish_image(source, target)
        except (OSError, ValueError) as error:
            logger.warning(
                "conf.py: %s: %s cannot be read as an image (%s); the PDF goes without it",
                key,
                configured,
                error,
                type="bookbuilder",
                subtype=f"pdf-{key}",
            )
            return None
        return target.relative_to(self.outdir).as_posix()


def _typeset_whole(
    setter: typesetting.Typesetter, translator: markup.TypstTranslator, head: str
) -> None:
    """Compile the book's markup, written whole after ``head``, and finish the PDF."""

    def page_at_line(line: int) -> str:
        return translator.page_at_line(line - head.count("\n"))

    main, pdf = (setter.outdir / f"{setter.name}.{suffix}" for suffix in ("typ", "pdf"))
    if setter.run_typst(main, pdf, page_at_line, translator.largest_pages):
        finish_pdf(pdf)


def inline_pages(
    builder: PDFBuilder,
    docnames: set[str],
    docname: str,
    tree: nodes.document,
    traversed: list[str],
    indent: str = "",
) -> nodes.document:
    """Every toctree of ``tree`` replaced by the pages it lists, each inlined the same way, as
    ``sphinx.util.nodes.inline_all_toctrees`` does, but without its copy of every page: each
    page's tree comes fresh from its pickle here (``get_doctree``), so nothing else holds it,
    and Sphinx's deep copy of every node of the book was a third of the PDF's assembly, done
    in the main process while the other cores wait (docs/performance.md). What the copy did
    besides is done here: a node without a source or line takes its page's current ones."""
    for toctree in list(tree.findall(addnodes.toctree)):
        inlined: list[nodes.Node] = []
        indent += " "
        for included in map(str, toctree["includefiles"]):
            if included in traversed:
                continue
            traversed.append(included)
            logger.info(indent + darkgreen(included))
            try:
                page = builder.env.get_doctree(included)
            except Exception:
                logger.warning(
                    __("toctree contains ref to nonexisting file %r"),
                    included,
                    location=docname,
                    type="toc",
                    subtype="not_readable",
                )
                continue
            _as_copied(page)
            page = inline_pages(builder, docnames, included, page, traversed, indent)
            docnames.add(included)
            start = addnodes.start_of_file(docname=included)
            start.children = page.children  # their parent stays the page, as in Sphinx's
            for section in start.findall(nodes.section):
                if "docname" not in section:
                    section["docname"] = included
            inlined.append(start)
        toctree.parent.replace(toctree, inlined)
    return tree


def _as_copied(page: nodes.document) -> None:
    """What Sphinx's deep copy of ``page`` (``sphinx.util.nodes._deepcopy``) gives its nodes: a
    source and a line where they had none, the page's current ones."""
    source, line = page.current_source, page.current_line
    if source is None and line is None:
        return
    for node in page.findall(include_self=False):
        if node.source is None:
            node.source = source
        if node.line is None:
            node.line = line


def pdf_basename(config: Any) -> str:
    return config.bookbuilder_meta.basename


def _labels(tree: nodes.document, root: str) -> dict[Any, str]:
    """Labels for every page (its first heading) and section of the book, except the root
    page's own title, which the title page replaces."""
    labels: dict[Any, str] = {}

    def walk(node: nodes.Element, docname: str) -> None:
        for child in node.children:
            if isinstance(child, addnodes.start_of_file):
                doc = child["docname"]
                labels[doc] = markup.label("doc", doc)
                first = next((c for c in child.children if isinstance(c, nodes.section)), None)
                if first is not None:
                    for id_ in first["ids"]:
                        labels[(doc, id_)] = labels[doc]
                walk(child, doc)
            elif isinstance(child, nodes.Element):
                if isinstance(child, nodes.section) and docname != root and child["ids"]:
                    name = labels.get((docname, child["ids"][0])) or markup.label(
                        "sec", docname, child["ids"][0]
                    )
                    for id_ in child["ids"]:
                        labels.setdefault((docname, id_), name)
                walk(child, docname)

    walk(tree, root)
    return labels


def _requested_width(node: nodes.image) -> float | None:
    """The ``:width:`` of an image or figure as millimetres, when given in percent."""
    width = str(node.get("width", "")).strip()
    if width.endswith("%"):
        try:
            return max(5.0, min(100.0, float(width[:-1]))) / 100 * markup.TEXT_WIDTH_MM
        except ValueError:
            return None
    return None


def _svg_width_mm(path: Path) -> float:
    """An SVG's width as it states it (matplotlib writes points), else the text width; at most
    the text width, and narrow enough that it prints no taller than the tallest image. Read as
    ``make check`` and the web read it (:mod:`bookbuilder.check.images`)."""
    attributes = svg_root_attributes(path)
    try:
        pixels = css_pixels(attributes.get("width") or "")
    except ValueError:
        pixels = None
    width_mm = min(pixels * 25.4 / 96, markup.TEXT_WIDTH_MM) if pixels else markup.TEXT_WIDTH_MM
    if (size := svg_intrinsic_size(attributes)) is not None:
        width, height = size
        width_mm = min(width_mm, markup.MAX_IMAGE_HEIGHT_MM * width / height)
    return width_mm


def _footnotes_by_page(tree: nodes.document, root: str) -> dict[tuple[str, str], nodes.footnote]:
    """Every footnote by (the page it is written on, its id): the innermost page, not one that
    holds it (a report holds its translations), so a translation's notes never stand in for its
    original's. Found from the top down: a footnote's ``parent`` can be stale after Sphinx
    inlined the pages."""
    found: dict[tuple[str, str], nodes.footnote] = {}
    stack: list[tuple[nodes.Node, str]] = [(tree, root)]
    while stack:
        node, page = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            page = node["docname"]
        if isinstance(node, nodes.footnote):
            for id_ in node["ids"]:
                found[(page, id_)] = node
        if isinstance(node, nodes.Element):
            stack.extend((child, page) for child in node.children)
    return found


def _own_page(node: nodes.Node) -> nodes.Node | None:
    """The nearest start_of_file above ``node``: the page it belongs to."""
    parent = node.parent
    while parent is not None and not isinstance(parent, addnodes.start_of_file):
        parent = parent.parent
    return parent
