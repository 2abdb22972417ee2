"""The build's second layer of defence: what validation missed still cannot act.

Validation (``body.py``, ``doctree.py``, ``images.py``) refuses hostile reports with a message
naming the file and line. This module locks Sphinx, docutils and MyST down so that a report that
slipped through anyway (a bug in a check, a check skipped) still cannot run script, read a file
of the build machine or change the book. It is part of the ``bookbuilder.sphinx.extension``
extension, and treats every page under ``experiences/`` as untrusted from its first line to its
last: the render stage writes nothing of its own into a report page but its escaped title, and
the byline and trailer are added to the tree afterwards from the render stage's data file
(``report.ReportFrame``), so no report text can reach them, claim to be them or swallow them.

For every document:

- docutils: ``raw_enabled`` and ``file_insertion_enabled`` are off (no ``raw``, no
  ``include``, no ``csv-table`` ``:file:``/``:url:``); ``raw``, ``include`` and
  ``literalinclude`` are replaced by a directive that refuses;
- MyST: HTML blocks and inline HTML are not recognised (they come out as text), only web and
  e-mail addresses are URL schemes, and no MyST extension beyond the report format's may be
  switched on, whatever ``conf.py`` says;
- the theme's page title and description are escaped (sphinx-book-theme prints them unescaped).

For report pages (``experiences/…``), with the very rules and lists ``make check`` uses
(:mod:`bookbuilder.check.doctree`):

- MyST reads the page with the report format's settings (``report_config``), and
  :class:`ReportRenderer` runs only the allowed directives, options and roles (each directive's
  options converted by its own converters first: a bad value is a warning, never a traceback);
  ``eval-rst`` never runs; links other than web and e-mail addresses become plain text;
- :class:`GuardReportNodes` keeps only the node types the contract allows (no raw node, no
  toctree, no download or cross-reference), images of ``images/<slug>/`` only (no ``..``, no
  absolute path, no URL, no symbolic link leading out), before Sphinx copies anything.

Each refusal is a Sphinx warning naming the generated file and line (which the command line maps
back to the report's own file and line).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.transforms import Transform
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from bookbuilder import layout
from bookbuilder.check.body import report_config
from bookbuilder.check.doctree import ReportRules, refused_nodes
from bookbuilder.handover import read_handover
from bookbuilder.layout import REPORT_PAGES
from bookbuilder.model import ReportRecord
from bookbuilder.syntax import (
    IMAGES_DIR,
    LINK_SCHEMES,
    MYST_DISABLED_SYNTAX,
    MYST_EXTENSIONS,
)

logger = logging.getLogger(__name__)

REFUSED_DIRECTIVES = ("raw", "include", "literalinclude")


def is_report(docname: str | None) -> bool:
    return bool(docname) and str(docname).startswith(REPORT_PAGES)


def report_record(srcdir: str | Path, docname: str | None) -> ReportRecord | None:
    """A report page's record, as the render stage wrote it into the data file: what the
    builder's own parts of the page (byline, trailer) are made of, never the page's source."""
    return read_handover(srcdir).record(docname) if is_report(docname) else None


def _warn(message: str, node_or_location: Any) -> None:
    logger.warning(message, location=node_or_location, type="bookbuilder", subtype="refused")


# ------------------------------------------------------------------------------------------
# Parsing: MyST's renderer, restricted for report pages


class RefusedDirective(Directive):
    """Stands in for directives that read files or emit raw output, should validation miss one."""

    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec: ClassVar[dict] = {}

    def run(self) -> list[nodes.Node]:
        raise self.error(f'The "{self.name}" directive is not allowed in this book.')


class ReportRenderer(ReportRules, SphinxRenderer):
    """MyST's Sphinx renderer with the report format's rules (the check's own: ``ReportRules``),
    for report pages: every line of the page is the report's."""

    def refuse(self, line: int | None, code: str, message: str) -> None:
        _warn(f"{message} (refused by the build)", (self.sphinx_env.docname, line))


class LockedMystParser(MystParser):
    """MyST's parser; report pages get :class:`ReportRenderer` and no file-level settings."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        if not is_report(env.docname):
            super().parse(inputstring, document)
            return
        parser = create_md_parser(report_config(env.myst_config), ReportRenderer)
        parser.options["document"] = document
        parser.render(inputstring)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------
# The parsed tree: a last check of report pages before Sphinx acts on any node


class GuardReportNodes(Transform):
    """Drop what a report page must not contain, whatever directive or role produced it: every
    node outside the check's allow-list (``doctree.refused_nodes``).

    Runs after docutils resolved references and before Sphinx's collectors (which copy images
    and downloads into the output), so a refused image or download is never copied. A refused
    link keeps its text; anything else refused goes with its children.
    """

    default_priority = 870  # Sphinx's collectors run at 880 (the doctree-read event)

    def apply(self, **kwargs: Any) -> None:
        env = getattr(self.document.settings, "env", None)
        if env is None or not is_report(env.docname):
            return
        # A translation (experiences/<slug>.<language>) shows its original's images.
        slug = env.docname[len(REPORT_PAGES) :].split(".")[0]
        own = Path(env.srcdir) / layout.REPORTS_DIR / IMAGES_DIR / slug
        for node, _code, why in list(refused_nodes(self.document, slug, own)):
            _warn(f"{why} (refused by the build)", node)
            if isinstance(node, _LINKS) and node.parent is not None:
                node.replace_self(nodes.inline("", node.astext()))
            elif node.parent is not None:
                node.parent.remove(node)


_LINKS = (nodes.reference, addnodes.download_reference, addnodes.pending_xref)


#: The builder's own parts of a report page are added after the guard: it never sees them.
FRAME_PRIORITY = GuardReportNodes.default_priority + 5


# ------------------------------------------------------------------------------------------
# Settings


def enforce_safe_myst(app: Sphinx, config: Config) -> None:
    """config-inited: the MyST settings the report format allows, whatever conf.py says."""
    # Whatever conf.py says, MyST must not pass raw HTML through (docutils' raw_enabled does not
    # cover it), links are web and e-mail addresses only, and no MyST extension beyond the
    # report format's may be switched on.
    config.myst_disable_syntax = sorted({*config.myst_disable_syntax, *MYST_DISABLED_SYNTAX})
    config.myst_enable_extensions = list(MYST_EXTENSIONS)  # exactly what `make check` reads
    config.myst_url_schemes = list(LINK_SCHEMES)
    config.myst_all_links_external = False


def lock_down(app: Sphinx) -> None:
    """builder-inited: no raw HTML, no file of the machine."""
    # Second layer behind validation: even a report that slipped through cannot include a file
    # of the build machine or emit raw HTML.
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def escape_page_title(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context, after the theme's: titles escaped."""
    # sphinx-book-theme sets these to plain text (a report's title is untrusted) and then prints
    # them unescaped (print header, sidebar); it runs at the default priority, so we run after.
    for key in ("pagetitle", "root_title", "page_description"):
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])
