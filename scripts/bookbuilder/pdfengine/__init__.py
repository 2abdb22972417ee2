"""The PDF engine: everything that knows the PDF is typeset by Typst, behind one door.

The rest of the builder asks this package and never imports ``typst`` itself:

- **fonts** (``fonts.py``): the system packages that install them (``PACKAGES``: ``make
  setup-pdf``, CI and Read the Docs), the fonts the PDF cannot do without and those missing
  (``cli.py``), the order the fonts are tried in (``sphinx/pdf.py``), the faces installed
  (``check/glyphs.py`` reads their character maps);
- **limits** (``limits.py``): what one report may hold for the engine to set it, measured
  (``check/doctree.py`` checks them, ``codes.py`` words them);
- **drawing** (``svg.py``): whether the engine can draw an SVG file (``check/images.py``);
- **compilation** (``typeset.py``): markup into a PDF, in a process of its own with a memory and
  a time limit (``sphinx/pdf.py``);
- :func:`version`: part of the check cache's key (``check/cache.py``): another engine may
  accept other files.

Outside it, and the other files a second typesetter would replace (docs/pdf-engine.md): the
writer (``sphinx/typst.py``, the doctree as markup made of semantic calls) and the layout that
defines those calls (``templates/pdf/book.typ``).
"""

from __future__ import annotations

from bookbuilder.pdfengine.fonts import MAIN_FONTS, PACKAGES, SETUP_HINT, missing_fonts
from bookbuilder.pdfengine.svg import svg_error

NAME = "Typst"

__all__ = ["MAIN_FONTS", "NAME", "PACKAGES", "SETUP_HINT", "missing_fonts", "svg_error", "version"]


def version() -> str:
    """The engine's version: files it accepts or refuses may differ from one to the next."""
    import typst

    return f"{NAME} {getattr(typst, '__version__', '')}"
