"""Each edition gets its own copy of every image (made by :mod:`bookbuilder.render.images`).

A post-transform runs as each page is written, for the edition being written:

- **web**: a raster image becomes a ``web_picture`` node, written as ``<picture>`` with a WebP
  ``<source>`` (when smaller) and an ``<img>`` with a JPEG or PNG ``srcset``, ``sizes``,
  ``width``/``height`` (the page does not jump as images arrive), ``decoding="async"`` and, for
  every image but a page's first, ``loading="lazy"``. A figure's image is a link to the large
  image (the master, at most 2560 pixels), which ``static/zoom.js`` opens in a ``<dialog>``;
  without JavaScript the link opens the image itself. SVG keeps its file and gains its size.
- **EPUB**: the image node points at the EPUB derivative (long edge ≤ 1600 px, JPEG or PNG).
- **any other edition** (the PDF, whatever its engine): at the print derivative (≤ 300 ppi).

The image node's ``uri`` is only swapped: Sphinx's builders copy the files (``env.images``) as
they copy any image, so a derivative lands in ``_images/`` like an image of Sphinx's own.
"""

from __future__ import annotations

import html
import posixpath
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.transforms.post_transforms import SphinxPostTransform

from bookbuilder import editions
from bookbuilder.check.images import image_kind, svg_intrinsic_size
from bookbuilder.render.images import (
    RASTER_SUFFIXES,
    Derivatives,
    Derived,
    WebImage,
    cache_folder,
)

# How wide an image is shown: the page's whole width on a phone and a tablet, the text column
# (about 690 px, measured in Chromium at 1280 px) once the sidebar shows, from 992 px.
SIZES = "(min-width: 992px) 720px, 100vw"
ZOOM_SCRIPT = "zoom.js"
RASTER = ("png", "jpeg", "webp")


class web_picture(nodes.General, nodes.Element):
    """An image of the web edition: its files (``picture``), alt text, classes, ``lazy`` and
    ``zoom`` (a link to the large image)."""


def target_of(builder: Any) -> str:
    """Which derivatives an edition uses: its recipe in editions.py, ``web``, ``epub`` or
    ``print`` (the PDF: the Typst builder, ``sphinx/pdf.py``, shrinks a print derivative further
    only when it prints narrower than the text); for a builder of no edition (Sphinx's
    ``dirhtml``, ``text``…), what its format is closest to."""
    if (edition := editions.of_builder(builder.name)) is not None:
        return edition.images
    if builder.name.startswith("epub"):
        return "epub"
    if builder.format == "html":
        return "web"
    return "print"


def derivatives(srcdir: Path) -> Derivatives:
    """The cache of derivatives: ``_build/images`` beside ``_build/src``."""
    return Derivatives(cache_folder(srcdir))


class EditionImages(SphinxPostTransform):
    """Point every local image at the copy made for the edition being written."""

    # after Sphinx's image collection, before its converters (SVG → PDF for LaTeX: 200)
    default_priority = 190

    def run(self, **kwargs: Any) -> None:
        target = target_of(self.env._builder_cls)
        made = derivatives(Path(self.env.srcdir))
        first = True
        for node in list(self.document.findall(nodes.image)):
            # `:loading: embed` asks docutils to put the file into the page as a data: URI;
            # every edition ships its own copy of the file instead, which docutils cannot find
            # where Sphinx's writer points (it logged "Cannot embed image" for the EPUB)
            if node.get("loading") == "embed":
                del node["loading"]
            uri = node["uri"]
            if "?" in node["candidates"] or uri not in self.env.images:
                continue  # remote, or not a file of the book
            source = Path(self.env.srcdir) / uri
            kind = image_kind(source)
            if kind is None:
                continue
            if target == "web":
                picture = self._web(node, source, kind, made, lazy=not first)
                # with a link of its own, the picture writes the link: it takes its place
                (node.parent if picture["link"] else node).replace_self(picture)
                first = False
                continue
            if kind not in RASTER:
                continue  # SVG: the EPUB keeps it; LaTeX's converter makes a PDF of it
            copy = made.file(target, source)
            path = str(copy.path)
            self.env.images.add_file(self.env.current_document.docname, path)
            node["uri"] = path
            node["candidates"] = {"*": path}

    def _web(
        self, node: nodes.image, source: Path, kind: str, made: Derivatives, lazy: bool
    ) -> web_picture:
        docname = self.env.current_document.docname
        if kind in RASTER:
            image = made.web(source)
            for derived in (*image.fallback, *image.modern):
                self.env.images.add_file(docname, str(derived.path))
        else:
            size = svg_size(source)
            image = None
        in_link = isinstance(node.parent, nodes.reference)
        link = _link_around(node)
        picture = web_picture(
            alt=node.get("alt", ""),
            classes=list(node.get("classes", [])),
            style_width=node.get("width"),
            picture=image,
            svg_uri=None if image else node["uri"],
            svg_size=None if image else size,
            large_uri=node["uri"],
            lazy=lazy,
            zoom=image is not None and not in_link and "book-cover" not in node["classes"],
            link=link,
        )
        if "ids" in node:
            picture["ids"] = list(node["ids"])
        return picture


def _files_shown(picture: web_picture) -> list[str]:
    """The files a picture's HTML links (``visit_web_picture``): its sizes, the large one."""
    image: WebImage | None = picture["picture"]
    if image is None:
        return [picture["svg_uri"]]
    files = [str(d.path) for d in (*image.fallback, *image.modern)]
    return [*files, picture["large_uri"]] if picture["zoom"] else files


def list_pictures_to_copy(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: put the files of the page's pictures in the builder's list of images to
    copy into ``_images/``, in the process that resolved the page, just after the post-transforms
    (whose ``self.app`` Sphinx deprecates): with ``JOBS`` above 1 the writer may run in another
    process, and what it adds to the list there never comes back (Sphinx copies the images at
    the end); what is added where the page is resolved does (``parallel.PagesInWorkers``)."""
    for picture in doctree.findall(web_picture):
        _to_copy(app.builder, picture)


def _to_copy(builder: Builder, picture: web_picture) -> None:
    for key in _files_shown(picture):
        builder.images.setdefault(key, builder.env.images[key][1])


def _link_around(node: nodes.image) -> str | None:
    """The address of a link made of this image alone (an image or figure with ``:target:``).

    Sphinx's HTML writer accepts only an image in such a link (it asserts so), and the web
    edition's image is a ``<picture>``: the picture then writes the link around itself and
    takes the reference's place. An image inside the text of a link (``[![alt](img)](url)``)
    stays in its reference, which Sphinx writes as any link."""
    parent = node.parent
    if not isinstance(parent, nodes.reference) or isinstance(parent.parent, nodes.TextElement):
        return None
    if len(parent) != 1:
        return None
    if "refuri" in parent:
        return str(parent["refuri"])
    return f"#{parent['refid']}" if "refid" in parent else None


def svg_size(path: Path) -> tuple[int, int] | None:
    """An SVG's size in CSS pixels, from its root element's ``width``/``height`` or its
    ``viewBox`` (:func:`bookbuilder.check.images.svg_intrinsic_size`, bounded)."""
    return svg_intrinsic_size(svg_root_attributes(path))


def svg_root_attributes(path: Path) -> dict[str, str]:
    """The attributes of an SVG's root element (none for a file that is not XML)."""
    try:
        for _event, element in ET.iterparse(path, events=("start",)):
            return dict(element.attrib)
    except (ET.ParseError, OSError):
        return {}
    return {}


# -- the HTML ----------------------------------------------------------------------------------


def _url(translator: Any, key: str) -> str:
    """The page's link to an image file, copied into ``_images/`` by the builder."""
    name = translator.builder.images.setdefault(key, translator.builder.env.images[key][1])
    return posixpath.join(translator.builder.imgpath, urllib.parse.quote(name))


def _srcset(translator: Any, files: tuple[Derived, ...]) -> str:
    return ", ".join(f"{_url(translator, str(d.path))} {d.width}w" for d in files)


def visit_web_picture(self: Any, node: web_picture) -> None:
    esc = html.escape
    image: WebImage | None = node["picture"]
    attrs = {"alt": node["alt"], "decoding": "async"}
    if node["lazy"]:
        attrs["loading"] = "lazy"
    if node["classes"]:
        attrs["class"] = " ".join(node["classes"])
    if node["style_width"]:
        attrs["style"] = f"width: {node['style_width']}"
    if node["ids"]:
        attrs["id"] = node["ids"][0]
    out = []
    if node.get("link"):  # an image or figure with :target: (see _link_around)
        out.append(f'<a class="reference external image-reference" href="{esc(node["link"])}">')
    if image is None:  # SVG: its own file, and its size when it says one
        attrs["src"] = _url(self, node["svg_uri"])
        if node["svg_size"]:
            attrs["width"], attrs["height"] = map(str, node["svg_size"])
        out.append(_tag("img", attrs))
    else:
        widest = image.fallback[-1]
        attrs.update(
            src=_url(self, str(widest.path)),
            width=str(image.width),
            height=str(image.height),
        )
        if len(image.fallback) > 1:
            attrs.update(srcset=_srcset(self, image.fallback), sizes=SIZES)
        if node["zoom"]:
            large = image.large
            out.append(
                f'<a class="book-zoom" href="{esc(_url(self, node["large_uri"]))}" '
                f'data-width="{large.width}" data-height="{large.height}">'
            )
        out.append('<picture class="book-picture">')
        if image.modern:
            source = {"type": image.modern[0].mime, "srcset": _srcset(self, image.modern)}
            if len(image.modern) > 1:
                source["sizes"] = SIZES
            out.append(_tag("source", source))
        out.append(_tag("img", attrs))
        out.append("</picture>")
        if node["zoom"]:
            out.append("</a>")
    if node.get("link"):
        out.append("</a>")
    self.body.append("".join(out) + "\n")
    raise nodes.SkipNode


def _tag(name: str, attrs: dict[str, str]) -> str:
    rendered = "".join(f' {key}="{html.escape(value)}"' for key, value in attrs.items())
    return f"<{name}{rendered} />"


def add_zoom_script(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: the viewer's script, on the pages that have an image to open large."""
    if doctree is not None and any(n["zoom"] for n in doctree.findall(web_picture)):
        app.add_js_file(ZOOM_SCRIPT, loading_method="defer")


def register_derivatives(app: Sphinx, env: Any) -> list[str]:
    """Put this edition's copy of every image of the book into Sphinx's table of images, for
    every page that shows it, before any page is written.

    The post-transform adds a page's copies as the page is written; a page that this build does
    not write keeps its copies in ``_images/`` all the same, and ``outputs.py``, which deletes
    every image no current page shows, must know them. Copies of another edition, left in the
    shared environment by its last build, are taken out first. Every copy is in the cache by
    now (``derive_all``, or the edition's first build), so this reads and hashes, never encodes."""
    cache = cache_folder(Path(app.srcdir))
    table = env.images
    for path in [p for p in table if Path(p).is_absolute() and Path(p).is_relative_to(cache)]:
        _docnames, name = table.pop(path)
        table._existing.discard(name)
    target = target_of(app.builder)
    made = derivatives(Path(app.srcdir))
    for path, (docnames, _name) in sorted(table.items()):
        source = Path(app.srcdir) / path
        if source.suffix.lower() not in RASTER_SUFFIXES or not source.is_file():
            continue
        if target == "web":
            image = made.web(source)
            copies = [d.path for d in (*image.fallback, *image.modern)]
        else:
            copies = [made.file(target, source).path]
        for copy in copies:
            for docname in sorted(docnames):
                table.add_file(docname, str(copy))
    return []
