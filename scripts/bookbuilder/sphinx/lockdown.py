"""The build's second layer of defence: what validation missed still cannot act.

Validation (``body.py``, ``images.py``) refuses hostile reports with a message naming the file and
line. This module locks Sphinx, docutils and MyST down so that a report that slipped through
anyway (a bug in a check, a check skipped) still cannot run script, read a file of the build
machine or change the book. It is part of the ``bookbuilder.sphinx.extension`` extension, and treats
every page under ``experiences/`` as untrusted, except the head that the render stage writes
before the report's body (its title, ``report-start`` and ``report-byline``): the line where the
body starts is read from the render stage's data file, and without it the whole page is body.

For every document:

- docutils: ``raw_enabled`` and ``file_insertion_enabled`` are off (no ``raw``, no
  ``include``, no ``csv-table`` ``:file:``/``:url:``); ``raw``, ``include`` and
  ``literalinclude`` are replaced by a directive that refuses;
- MyST: HTML blocks and inline HTML are not recognised (they come out as text), only web and
  e-mail addresses are URL schemes, and no MyST extension beyond the report format's may be
  switched on, whatever ``conf.py`` says;
- the theme's page title and description are escaped (sphinx-book-theme prints them unescaped).

For report pages (``experiences/…``), in the report's body:

- only the directives and roles that ``body.py`` allows run; ``eval-rst`` never runs;
- links other than ``http://``, ``https://`` and ``mailto:`` become plain text, and so do
  cross-references and download links of any kind;
- an image must be an existing file of ``images/<slug>/`` (no ``..``, no absolute path, no URL,
  no symbolic link leading out), or it is dropped before Sphinx copies anything;
- raw nodes and toctrees are dropped.

Each refusal is a Sphinx warning naming the generated file and line (which the command line maps
back to the report's own file and line).
"""

from __future__ import annotations

import html
import re
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

from bookbuilder.check.body import ALLOWED_DIRECTIVES, ALLOWED_LINK_PREFIXES, ALLOWED_ROLES
from bookbuilder.render.pages import read_book_data
from bookbuilder.syntax import (
    IMAGES_DIR,
    LINK_SCHEMES,
    MYST_DISABLED_SYNTAX,
    MYST_EXTENSIONS,
    image_folder,
    in_image_folder,
    plain_names,
)

logger = logging.getLogger(__name__)

REPORTS_DIR = "experiences/"
REFUSED_DIRECTIVES = ("raw", "include", "literalinclude")
#: Set on the nodes of the directives that the render stage wrote around a report's body; no
#: report markup can set a node attribute, so the node guard leaves these subtrees alone.
TRUSTED = "bookbuilder_trusted"


def is_report(docname: str | None) -> bool:
    return bool(docname) and str(docname).startswith(REPORTS_DIR)


def _body_lines(env: Any, docname: str) -> tuple[int, float]:
    """The lines of the generated page that hold the report's body: [start, end).

    Read from the render stage's data file (``generated_line``, ``generated_end``); without it,
    the whole page is body.
    """
    try:
        source = read_book_data(env.srcdir)["sources"][docname]
        return int(source["generated_line"]), float(source.get("generated_end", "inf"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return 1, float("inf")


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


class ReportRenderer(SphinxRenderer):
    """MyST's Sphinx renderer with the report format's allow-lists, for report pages.

    Directives that the render stage wrote around the body (``report-start``, ``report-byline``
    after the title, ``report-trailer`` after the body) run as they are, and their nodes are
    marked trusted; everything that starts inside the body is held to ``body.py``'s lists.
    """

    def _in_body(self, line: int | None) -> bool:
        env = self.sphinx_env
        if "bookbuilder_body" not in env.temp_data:
            env.temp_data["bookbuilder_body"] = _body_lines(env, env.docname)
        start, end = env.temp_data["bookbuilder_body"]
        return line is None or start <= line < end

    def _refuse(self, message: str, line: int | None) -> None:
        _warn(f"{message} (refused by the build)", (self.sphinx_env.docname, line))

    def run_directive(self, name: str, first_line: str, content: str, position: int, *a, **k):
        if not self._in_body(position):
            result = super().run_directive(name, first_line, content, position, *a, **k)
            for node in result:
                if isinstance(node, nodes.Element):
                    node[TRUSTED] = True
            return result
        if name.lower() not in ALLOWED_DIRECTIVES:
            self._refuse(f"directive '{{{name}}}' is not allowed in a report", position)
            return []
        return super().run_directive(name, first_line, content, position, *a, **k)

    def render_restructuredtext(self, token: Any) -> None:
        self._refuse("directive '{eval-rst}' is not allowed in a report", _line(token))

    def render_myst_role(self, token: Any) -> None:
        name = str(token.meta.get("name", ""))
        if self._in_body(_line(token)) and name.lower() not in ALLOWED_ROLES:
            self._refuse(f"role '{{{name}}}' is not allowed in a report", _line(token))
            self.current_node.append(nodes.Text(token.content))
            return
        super().render_myst_role(token)

    def render_link(self, token: Any) -> None:
        href = str(token.attrGet("href") or "")
        if not _allowed_uri(href):
            self._refuse(f"link to '{_short(href)}' is not allowed in a report", _line(token))
            self.render_children(token)
            return
        super().render_link(token)

    def render_html_block(self, token: Any) -> None:
        self._refuse("raw HTML is not allowed in a report", _line(token))
        self.current_node.append(nodes.Text(token.content))

    render_html_inline = render_html_block


class LockedMystParser(MystParser):
    """MyST's parser; report pages get :class:`ReportRenderer` and no file-level settings."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        if not is_report(env.docname):
            super().parse(inputstring, document)
            return
        parser = create_md_parser(env.myst_config, ReportRenderer)
        parser.options["document"] = document
        parser.render(inputstring)


def _line(token: Any) -> int | None:
    return token.map[0] if getattr(token, "map", None) else None


def _allowed_uri(uri: str) -> bool:
    return uri.startswith(ALLOWED_LINK_PREFIXES) and not re.search(r"[\x00-\x20\x7f]", uri)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------
# The parsed tree: a last check of report pages before Sphinx acts on any node


class GuardReportNodes(Transform):
    """Drop what a report page must not contain, whatever directive or role produced it.

    Runs after docutils resolved references and before Sphinx's collectors (which copy images
    and downloads into the output), so a refused image or download is never copied.
    """

    default_priority = 870  # Sphinx's collectors run at 880 (the doctree-read event)

    def apply(self, **kwargs: Any) -> None:
        env = getattr(self.document.settings, "env", None)
        if env is None or not is_report(env.docname):
            return
        slug = env.docname[len(REPORTS_DIR) :]
        own = (Path(env.srcdir) / REPORTS_DIR / IMAGES_DIR / slug).resolve()
        for node in list(self.document.findall(nodes.Element)):
            # not removed with an ancestor already, and not written by the render stage
            if _attached(node, self.document) and not _trusted(node):
                self._check(node, slug, own)

    def _check(self, node: nodes.Element, slug: str, own: Path) -> None:
        if isinstance(node, nodes.raw) and not node.get(TRUSTED):
            _warn("raw output is not allowed in a report (refused by the build)", node)
            node.parent.remove(node)
        elif isinstance(node, addnodes.toctree):
            _warn("a toctree is not allowed in a report (refused by the build)", node)
            node.parent.remove(node)
        elif isinstance(node, nodes.image):
            uri = str(node.get("uri", ""))
            if not _own_image(uri, slug, own):
                _warn(
                    f"image '{_short(uri)}' is outside {image_folder(slug)} (refused by the build)",
                    node,
                )
                node.parent.remove(node)
        elif isinstance(node, addnodes.download_reference | addnodes.pending_xref):
            target = node.get("reftarget", "")
            _warn(f"reference to '{_short(str(target))}' is not allowed in a report", node)
            node.replace_self(nodes.inline("", "", *node.children))
        elif isinstance(node, nodes.reference | nodes.target) and "refuri" in node:
            uri = str(node["refuri"])
            if not _allowed_uri(uri):
                _warn(f"link to '{_short(uri)}' is not allowed in a report", node)
                if isinstance(node, nodes.target):
                    node.parent.remove(node)
                else:
                    node.replace_self(nodes.inline("", "", *node.children))


def _trusted(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, nodes.Element) and node.get(TRUSTED):
            return True
        node = node.parent
    return False


def _attached(node: nodes.Node, document: nodes.document) -> bool:
    while node.parent is not None:
        node = node.parent
    return node is document


def _own_image(uri: str, slug: str, own: Path) -> bool:
    if not in_image_folder(uri, slug) or not plain_names(uri):
        return False
    path = (own / "/".join(uri.split("/")[2:])).resolve()
    return path.is_relative_to(own) and path.is_file()


# ------------------------------------------------------------------------------------------
# Settings


def _enforce_safe_myst(app: Sphinx, config: Config) -> None:
    # Whatever conf.py says, MyST must not pass raw HTML through (docutils' raw_enabled does not
    # cover it), links are web and e-mail addresses only, and no MyST extension beyond the
    # report format's may be switched on.
    config.myst_disable_syntax = sorted({*config.myst_disable_syntax, *MYST_DISABLED_SYNTAX})
    config.myst_enable_extensions = list(MYST_EXTENSIONS)  # exactly what `make check` reads
    config.myst_url_schemes = list(LINK_SCHEMES)
    config.myst_all_links_external = False


def _lock_down(app: Sphinx) -> None:
    # Second layer behind validation: even a report that slipped through cannot include a file
    # of the build machine or emit raw HTML.
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def _escape_page_title(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # sphinx-book-theme sets these to plain text (a report's title is untrusted) and then prints
    # them unescaped (print header, sidebar); it runs at the default priority, so we run after.
    for key in ("pagetitle", "root_title", "page_description"):
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])


def setup(app: Sphinx) -> None:
    """Called from ``bookbuilder.sphinx.extension.setup``."""
    for name in REFUSED_DIRECTIVES:
        app.add_directive(name, RefusedDirective, override=True)
    app.add_source_parser(LockedMystParser, override=True)
    app.add_transform(GuardReportNodes)
    app.connect("config-inited", _enforce_safe_myst)
    app.connect("builder-inited", _lock_down)
    app.connect("html-page-context", _escape_page_title, priority=900)
