"""The book's editions, each described once: what builds it, where it lands, what it is for.

Like :data:`bookbuilder.model.FACETS` for the ways of grouping reports, :data:`EDITIONS` is the
one list of editions. The command line's choices and build order, the copies of the images
made before Sphinx runs, the nodes each writer shows or skips, the landing page's downloads and
the files the website keeps in ``downloads/``, the EPUB checkers' file: all read it.

A fourth edition (a DOCX, a JATS XML) is its builder (a Sphinx builder in ``sphinx/``, named
here by ``builder_class`` and registered by the extension), its entry here, and its target in
the Makefile (``tests/test_editions.py`` fails when one is missing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bookbuilder.words import N_

# The copies of every image an edition can ask for (render/images.py makes them):
# web: sizes for ``srcset`` and modern formats; epub: one file the e-book's readers all show;
# print: 300 ppi at the printed width.
IMAGE_RECIPES = ("web", "epub", "print")


@dataclass(frozen=True)
class Edition:
    """One edition of the book."""

    name: str  # what an editor types: `make <name>`, `bookbuilder build <name>`
    builder: str  # the Sphinx builder that makes it; its folder under _build/ has its name
    output: str  # the edition's file in that folder; ``{basename}`` is the book's basename
    images: str  # which copy of every image it shows: one of IMAGE_RECIPES
    order: int  # editions build in increasing order (the website last: it offers the others)
    # its pages are HTML (the website, the EPUB): the web edition's nodes are written, each
    # visitor skipping what the edition does not show; any other writer skips them all
    writes_html: bool = False
    # the website itself: it offers the downloadable editions built from the current sources
    # (sphinx/online.py: sync_downloads) and prunes those that are not
    website: bool = False
    download: str = ""  # offered on the landing page as "Download the <download>"; "" if not
    builder_class: str = ""  # "module:Class" of our own builder; "" for Sphinx's own
    typeset: bool = False  # typeset by Typst: needs the PDF's fonts (sphinx/build.py)

    def output_path(self, builddir: Path, basename: str) -> Path:
        """The file a build of this edition makes, under ``_build/``."""
        return builddir / self.builder / self.output.format(basename=basename)


EDITIONS: dict[str, Edition] = {
    edition.name: edition
    for edition in (
        Edition(
            "html",
            builder="html",
            output="index.html",
            images="web",
            order=30,
            writes_html=True,
            website=True,
            builder_class="bookbuilder.sphinx.parallel:BookHtmlBuilder",
        ),
        Edition(
            "epub",
            builder="epub",
            output="{basename}.epub",
            images="epub",
            order=10,
            writes_html=True,
            download=N_("EPUB e-book"),
            builder_class="bookbuilder.sphinx.epub:BookEpubBuilder",
        ),
        Edition(
            "pdf",
            builder="pdf",
            output="{basename}.pdf",
            images="print",
            order=20,
            download="PDF",
            builder_class="bookbuilder.sphinx.pdf:PDFBuilder",
            typeset=True,
        ),
    )
}


def edition(name: str) -> Edition:
    return EDITIONS[name]


def names() -> tuple[str, ...]:
    """Every edition's name, in build order."""
    return tuple(e.name for e in in_build_order(EDITIONS))


def in_build_order(chosen: Iterable[str]) -> tuple[Edition, ...]:
    """The ``chosen`` editions (each once), in the order they are built."""
    return tuple(sorted({EDITIONS[n] for n in chosen}, key=lambda e: (e.order, e.name)))


def downloadable() -> tuple[Edition, ...]:
    """The editions the website offers for download, in build order."""
    return tuple(e for e in in_build_order(EDITIONS) if e.download)


def website() -> Edition:
    """The website: the edition that offers the others for download."""
    return next(e for e in in_build_order(EDITIONS) if e.website)


def of_builder(builder: str) -> Edition | None:
    """The edition a Sphinx builder makes, if it makes one."""
    return next((e for e in EDITIONS.values() if e.builder == builder), None)


def without_html() -> tuple[str, ...]:
    """The builders of the editions whose pages are not HTML, in build order."""
    return tuple(e.builder for e in in_build_order(EDITIONS) if not e.writes_html)
