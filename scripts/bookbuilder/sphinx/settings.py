"""Sphinx settings derived from a book's metadata, so every book's conf.py is just its `book`.

conf.py calls ``globals().update(sphinx_settings(book))`` and may override anything afterwards.
The security settings (no raw HTML from MyST) are enforced again by ``sphinxext``, whatever
conf.py says.
"""

from __future__ import annotations

import html
import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sphinx.util import texescape

from bookbuilder.render.pages import BROWSE_DOC

# Sphinx fills its escaping tables only when its LaTeX builder starts, after conf.py ran: without
# this, the title page and the PDF's properties got the book's `& % # _` unescaped.
texescape.init()


def tex_escape(text: str) -> str:
    return texescape.escape(text, "xelatex")


# Noto covers Latin, Greek and Cyrillic; xeCJK switches to Noto CJK for Chinese, Japanese and
# Korean; right-to-left runs (Arabic, Hebrew) are wrapped in \bookrtl by sphinxext's translator.
LATEX_FONTS = r"""
\setmainfont{Noto Serif}
\setsansfont{Noto Sans}
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
"""
LATEX_PREAMBLE = r"""
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
\setCJKsansfont{Noto Sans CJK SC}
\setCJKmonofont{Noto Sans CJK SC}
% Quotes, apostrophes, dashes, ellipsis and the middle dot are shared with Latin text: keep
% them out of xeCJK's full-width classes, or every "l'esame" gets a wide gap.
\xeCJKDeclareCharClass{Default}{"00B7, "2013, "2014, "2018, "2019, "201C, "201D, "2026}
% The header shows the title alone; the edition is on the title page's back.
\renewcommand{\release}[1]{}
\makeatletter\renewcommand{\py@release}{}\makeatother
\renewcommand{\sphinxheadercomma}{}
\newfontfamily\bookrtlfont[Script=Arabic]{Noto Naskh Arabic}
\TeXXeTstate=1
\newcommand{\bookrtl}[1]{{\bookrtlfont\beginR #1\endR}}
\tracinglostchars=2
\setcounter{secnumdepth}{-1}
\setcounter{tocdepth}{1}
"""


def _tex(value: object) -> str:
    return tex_escape(str(value)) if value else ""


def latex_title_page(book: Mapping[str, Any]) -> str:
    """The PDF's title page and its back: every line from the book's metadata, escaped."""
    editors = ", ".join(book.get("editors") or ())
    lines = [
        r"\begin{titlepage}\centering\vspace*{0.18\textheight}",
        rf"{{\Huge\bfseries {_tex(book['title'])}\par}}\vspace{{1.5em}}",
    ]
    if book.get("subtitle"):
        lines.append(rf"{{\Large {_tex(book['subtitle'])}\par}}\vspace{{3em}}")
    if editors:
        lines.append(rf"{{\large Edited by {_tex(editors)}\par}}")
    lines.append(r"\vfill")
    imprint = " \\textperiodcentered{} ".join(
        _tex(v) for v in (book.get("publisher"), book.get("year")) if v
    )
    lines.append(rf"{{\large {imprint}\par}}")
    lines.append(r"\end{titlepage}")
    back = [_tex(book.get(k)) for k in ("edition", "licence") if book.get(k)]
    if book.get("isbn"):
        back.append("ISBN " + _tex(book["isbn"]))
    if book.get("description"):
        back.insert(0, _tex(book["description"]))
    lines.append(
        r"\thispagestyle{empty}\vspace*{\fill}\noindent " + r"\par\medskip\noindent ".join(back)
    )
    lines.append(r"\clearpage")
    return "\n".join(lines)


def latex_properties(book: Mapping[str, Any]) -> str:
    editors = ", ".join(book.get("editors") or ())
    return (
        "\\usepackage{hyperref}\n\\usepackage{hypcap}\n\\hypersetup{"
        f"pdftitle={{{_tex(book['title'])}}}, pdfauthor={{{_tex(editors)}}}, "
        f"pdfsubject={{{_tex(book.get('subtitle') or book.get('description'))}}}, "
        f"pdflang={{{_tex(book['language'])}}}}}\n"
    )


def _base_url() -> str:
    url = os.environ.get("BOOK_BASE_URL") or os.environ.get("READTHEDOCS_CANONICAL_URL") or ""
    return url if not url or url.endswith("/") else url + "/"


def basename(book: Mapping[str, Any]) -> str:
    return str(book.get("basename") or "book")


# The namespace of the identifiers derived from a book's metadata (uuid5 of this and the data).
BOOK_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/idor/bookbuilder/book")


# --------------------------------------------------------------------------------------------
# The EPUB's identifier and cover, from the book's metadata (the EPUB builder itself is
# bookbuilder.sphinx.epub: not imported here, so `make check` runs conf.py without loading Sphinx's
# builders)


def book_identifier(book: Mapping[str, Any]) -> tuple[str, str]:
    """The book's ``dc:identifier`` and its scheme: the ISBN, else a UUID from the metadata.

    The UUID depends only on what identifies the book (title, subtitle, editors, publisher,
    year, edition, language), so every build of the same book carries the same identifier.
    """
    isbn = str(book.get("isbn") or "").replace("-", "").replace(" ", "")
    if isbn:
        return f"urn:isbn:{isbn}", "ISBN"
    keys = ("title", "subtitle", "editors", "publisher", "year", "edition", "language")
    name = json.dumps([book.get(k) for k in keys], ensure_ascii=False, sort_keys=True)
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, name)}", "UUID"


def excluded_files() -> list[str]:
    """Pages of the web edition that no EPUB page links to (EPUBCheck refuses those)."""
    return [f"{BROWSE_DOC}.xhtml"]


def cover_target(book: Mapping[str, Any]) -> str:
    """Where the cover image stands in the EPUB (the configured one keeps its type)."""
    suffix = Path(str(book["cover"])).suffix.lower() if book.get("cover") else ".png"
    return f"_images/cover{'.jpg' if suffix == '.jpeg' else suffix}"


def sphinx_settings(book: Mapping[str, Any]) -> dict[str, Any]:
    """Every Sphinx setting of the three editions, from the book's metadata."""
    identifier, scheme = book_identifier(book)
    editors = ", ".join(book.get("editors") or ())
    copyright_ = f"{book.get('year', '')}, {book.get('publisher') or editors}".strip(", ")
    release = str(book.get("edition") or book.get("year", ""))
    name = basename(book)
    return {
        # general
        "project": book["title"],
        "author": editors,
        "copyright": copyright_,
        "language": book["language"],
        "release": release,
        "version": release,
        "today": str(book.get("year", "")),  # the date on the title page, the same every build
        "root_doc": "index",
        "extensions": [
            "myst_parser",
            "sphinxcontrib.rsvgconverter",
            "bookbuilder.sphinx.extension",
            "bookbuilder.sphinx.online",
        ],
        "exclude_patterns": ["**/*.sha256"],
        "suppress_warnings": ["myst.header"],
        # MyST: only the syntax the report format allows
        "myst_enable_extensions": ["colon_fence"],
        "myst_disable_syntax": ["html_block", "html_inline"],
        "myst_url_schemes": ["http", "https", "mailto"],  # links: web and e-mail only
        "myst_heading_anchors": 0,
        # HTML
        "html_theme": "sphinx_book_theme",
        "html_title": html.escape(book["title"]),  # Sphinx treats html_title as HTML
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_theme_options": {
            "home_page_in_toc": True,
            "show_toc_level": 2,
            "use_download_button": False,
            "use_fullscreen_button": False,
            # The sidebar lists chapters only: a chapter's page lists its reports, so every page
            # does not carry the whole book's contents (thousands of reports, one day).
            "show_navbar_depth": 1,
            "max_navbar_depth": 1,
        },
        # Absolute links (link previews, citations) need the address the book is published at:
        # the Pages workflow and Read the Docs set it; conf.py may also set html_baseurl.
        "html_baseurl": _base_url(),
        "html_context": {"bookbuilder_subtitle": book.get("subtitle") or ""},
        # EPUB
        "epub_basename": name,
        "epub_title": book["title"],
        "epub_author": editors,
        "epub_publisher": book.get("publisher") or editors,
        "epub_copyright": copyright_,
        "epub_language": book["language"],
        "epub_description": book.get("description") or "",
        "epub_show_urls": "no",
        "epub_use_index": True,
        "epub_tocdepth": 2,  # the nav: chapters, and each report under its chapter
        # The identifier: the ISBN, else a UUID derived from the metadata (the same every build);
        # the cover: book["cover"], else a typographic one drawn at build time (sphinx/epub.py).
        "epub_identifier": identifier,
        "epub_scheme": scheme,
        "epub_uid": "bookid",
        "epub_cover": (cover_target(book), "epub-cover.html"),
        "bookbuilder_cover": str(book.get("cover") or ""),
        "epub_exclude_files": excluded_files(),
        # PDF (xelatex through latexmk); latex_documents' title and author are LaTeX markup
        "latex_engine": "xelatex",
        "latex_documents": [
            ("index", f"{name}.tex", tex_escape(book["title"]), tex_escape(editors), "manual")
        ],
        "latex_toplevel_sectioning": "chapter",
        "latex_show_urls": "footnote",
        "latex_elements": {
            "papersize": "a4paper",
            "pointsize": "11pt",
            "fontpkg": LATEX_FONTS,
            "preamble": LATEX_PREAMBLE,
            "releasename": "",
            "maketitle": latex_title_page(book),
            "hyperref": latex_properties(book),
            "fncychap": "",
            "printindex": r"\footnotesize\raggedright\printindex",
        },
    }
