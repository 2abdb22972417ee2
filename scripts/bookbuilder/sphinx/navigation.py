"""The web edition's sidebar in time proportional to the page, not to the book.

The theme draws the sidebar with Sphinx's ``toctree()`` template function, which resolves the
whole book's table of contents for every page (``global_toctree_for_doc`` copies every chapter's
toctree and every report's entry before pruning to the depth asked for): the HTML build grew with
the square of the number of reports, 87% of it in that function (docs/performance.md). The
sidebar shows the root document's entries only (``max_navbar_depth: 1``: chapters, the browse,
"at a glance" and accessibility pages), so this module writes that one level itself, from a list
made once per build, marking the current chapter as Sphinx does. Any other request (a deeper
level, captions, links to URLs) goes to Sphinx's own function, unchanged.

``BOOKBUILDER_CHECK_NAV=1`` makes every page compare the two and fail on a difference (the tests
do); the markup is Sphinx's, so the theme's rewriting of it is unchanged.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx

from bookbuilder.sphinx.state import BuildState

CHECK_ENV = "BOOKBUILDER_CHECK_NAV"
KNOWN_OPTIONS = {"collapse", "includehidden", "maxdepth", "titles_only"}


class SidebarLevel:
    """The root document's toctrees, one level deep, and each page's parent: once per build."""

    def __init__(self, app: Sphinx) -> None:
        env = app.env
        self.usable = True
        self.toctrees: list[tuple[bool, list[tuple[str, str]]]] = []
        for toctree in env.get_doctree(app.config.root_doc).findall(addnodes.toctree):
            if toctree.get("caption"):
                self.usable = False
            entries = []
            for title, ref in toctree["entries"]:
                if ref not in env.found_docs or ref not in env.titles:
                    self.usable = False  # 'self', URLs, missing pages: Sphinx handles those
                    continue
                text = title if title is not None else env.titles[ref].astext()
                entries.append((ref, html.escape(text, quote=False)))
            self.toctrees.append((bool(toctree.get("hidden")), entries))
        self.parent: dict[str, str] = {}
        for parent, children in env.toctree_includes.items():
            for child in children:
                self.parent.setdefault(child, parent)

    def ancestors(self, pagename: str) -> set[str]:
        found = {pagename}
        while pagename in self.parent and self.parent[pagename] not in found:
            pagename = self.parent[pagename]
            found.add(pagename)
        return found

    def render(self, app: Sphinx, pagename: str, includehidden: bool) -> str:
        ancestors = self.ancestors(pagename)
        out = []
        for hidden, entries in self.toctrees:
            if hidden and not includehidden:
                continue
            items = []
            current_list = False
            for ref, title in entries:
                if ref == pagename:
                    items.append(
                        '<li class="toctree-l1 current"><a class="current reference internal" '
                        f'href="#">{title}</a></li>'
                    )
                    current_list = True
                    continue
                uri = html.escape(app.builder.get_relative_uri(pagename, ref))
                current = ref in ancestors
                current_list |= current
                items.append(
                    f'<li class="toctree-l1{" current" if current else ""}">'
                    f'<a class="reference internal" href="{uri}">{title}</a></li>'
                )
            if items:
                ul = '<ul class="current">' if current_list else "<ul>"
                out.append(ul + "\n" + "\n".join(items) + "\n</ul>\n")
        return "".join(out)


def _level(app: Sphinx, build: BuildState) -> SidebarLevel:
    """This build's sidebar level, made when the first page is written (the book is read)."""
    if build.sidebar_level is None:
        build.sidebar_level = SidebarLevel(app)
    return build.sidebar_level


def use_one_level_sidebar(
    build: BuildState,
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """html-page-context: the theme's ``toctree()`` for the sidebar, one level, made once."""
    original: Callable[..., str] | None = context.get("toctree")
    if original is None or app.builder.name.startswith("epub"):
        return
    check = os.environ.get(CHECK_ENV, "") not in ("", "0")

    def toctree(**kwargs: Any) -> str:
        level = _level(app, build)
        one_level = str(kwargs.get("maxdepth", 0)) == "1"
        if not (one_level and level.usable and set(kwargs) <= KNOWN_OPTIONS):
            return original(**kwargs)
        fast = level.render(app, pagename, bool(kwargs.get("includehidden", False)))
        if check:
            slow = original(**kwargs)
            if fast.strip() != slow.strip():
                raise AssertionError(f"{pagename}: sidebar differs:\n{fast}\n---\n{slow}")
        return fast

    context["toctree"] = toctree
