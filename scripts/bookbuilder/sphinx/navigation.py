"""The web edition's sidebar in time proportional to the page, not to the book.

The theme draws the sidebar with Sphinx's ``toctree()`` template function, which resolves the
whole book's table of contents for every page (``global_toctree_for_doc`` copies every chapter's
toctree and every report's entry before pruning to the depth asked for): the HTML build grew with
the square of the number of reports, 87% of it in that function (docs/performance.md). The
sidebar shows the root document's entries only (``max_navbar_depth: 1``: chapters, the browse,
"at a glance" and accessibility pages), so this module writes that one level itself, from a list
made once per build, marking the current chapter as Sphinx does. On a report's page, the
current chapter's entry holds the reports around it (``chapters.ChapterReportLists``: a bounded
number, so a page's size does not grow with the book). Any other request (a deeper level,
captions, links to URLs) goes to Sphinx's own function, unchanged.

``BOOKBUILDER_CHECK_NAV=1`` makes every page compare the two and fail on a difference (the tests
do; without the chapter's reports, which Sphinx's one level has not); the markup is Sphinx's,
so the theme's rewriting of it is unchanged.

The theme then rewrites that markup for its sidebar (``generate_toctree_html``: parsed with
BeautifulSoup, classes added, written out again), on every page: since the sidebar lists the
chapter's reports, that took about 6 ms a page (the HTML build at 1,000 reports: 26.8 s →
34.6 s). The sidebar's template (``templates/html/book-sidebar-nav.html``, the theme's own with
one call changed) calls ``book_sidebar()`` (:func:`use_one_level_sidebar`), which writes the
rewritten markup at once; the check compares it with the theme's rewriting too.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable
from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx

from bookbuilder.sphinx.chapters import ChapterReportLists
from bookbuilder.sphinx.state import BuildState
from bookbuilder.words import _

CHECK_ENV = "BOOKBUILDER_CHECK_NAV"
KNOWN_OPTIONS = {"collapse", "includehidden", "maxdepth", "titles_only"}


def _soup_attribute(value: str) -> str:
    """An attribute's value, quoted and escaped as the theme's BeautifulSoup writes it."""
    from bs4.dammit import EntitySubstitution  # the theme's dependency

    return EntitySubstitution.quoted_attribute_value(EntitySubstitution.substitute_xml(value))


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
        # sorted: a parallel read (JOBS) merges the pages in another order than a serial one
        for parent, children in sorted(env.toctree_includes.items()):
            for child in children:
                self.parent.setdefault(child, parent)
        self.chapters = ChapterReportLists(env)
        self.env = env

    def ancestors(self, pagename: str) -> set[str]:
        found = {pagename}
        while pagename in self.parent and self.parent[pagename] not in found:
            pagename = self.parent[pagename]
            found.add(pagename)
        return found

    def chapter_reports(
        self, app: Sphinx, pagename: str, chapter: str, themed: bool = False
    ) -> str:
        """On a report's page, under its chapter: the reports around it
        (``chapters.ChapterReportLists.around``); "" on other pages and under other entries."""
        found = self.chapters.around(pagename)
        if found is None or found[0] != chapter:
            return ""
        _chapter, shown, cut = found
        current = self.chapters.original.get(pagename, pagename)
        items = []
        for ref in shown:
            if ref not in self.env.titles:
                continue
            title = html.escape(self.env.titles[ref].astext(), quote=False)
            if ref == pagename:
                items.append(
                    # the theme adds "active" to every "current" (BeautifulSoup: class last)
                    f'<li class="toctree-l2 current active{" active" if themed else ""}">'
                    '<a class="current reference internal" '
                    f'href="#">{title}</a></li>'
                )
                continue
            uri = html.escape(app.builder.get_relative_uri(pagename, ref))
            here = " current" if ref == current else ""  # a translation's report
            items.append(
                f'<li class="toctree-l2{here}"><a class="reference internal" href="{uri}">'
                f"{title}</a></li>"
            )
        if cut:
            uri = html.escape(app.builder.get_relative_uri(pagename, chapter))
            every = html.escape(_("All the chapter’s reports"))
            items.append(
                f'<li class="toctree-l2 chapter-all"><a class="reference internal" href="{uri}">'
                f"{every}</a></li>"
            )
        # an ordered list (the book's order), which the theme does not fold behind a toggle
        # without a name (it does so to every <ul> under an entry: axe's summary-name)
        label = f"Reports of {self.env.titles[chapter].astext()}"
        return (
            (  # as BeautifulSoup writes it out: its quotes, its escapes, the class last
                f'\n<ol aria-label={_soup_attribute(label)} class="chapter-sidebar-reports">\n'
                if themed
                else f'\n<ol class="chapter-sidebar-reports" aria-label="{html.escape(label)}">\n'
            )
            + "\n".join(items)
            + "\n</ol>\n"
        )

    def render(
        self,
        app: Sphinx,
        pagename: str,
        includehidden: bool,
        with_reports: bool = True,
        themed: bool = False,
    ) -> str:
        """Sphinx's markup of the one level; ``themed``: as the theme rewrites it for its
        sidebar (``_theme_sidebar``)."""
        ancestors = self.ancestors(pagename)
        out = []
        for hidden, entries in self.toctrees:
            if hidden and not includehidden:
                continue
            items = []
            current_list = False
            current_class = "current active" if themed else "current"
            for ref, title in entries:
                if ref == pagename:
                    items.append(
                        f'<li class="toctree-l1 {current_class}"><a class="current reference '
                        f'internal" href="#">{title}</a></li>'
                    )
                    current_list = True
                    continue
                uri = html.escape(app.builder.get_relative_uri(pagename, ref))
                current = ref in ancestors
                current_list |= current
                below = (
                    self.chapter_reports(app, pagename, ref, themed)
                    if current and with_reports
                    else ""
                )
                items.append(
                    f'<li class="toctree-l1{" " + current_class if current else ""}">'
                    f'<a class="reference internal" href="{uri}">{title}</a>{below}</li>'
                )
            if items:
                classes = ["current"] if current_list else []
                classes += ["nav", "bd-sidenav"] if themed else []
                ul = f'<ul class="{" ".join(classes)}">' if classes else "<ul>"
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
    """html-page-context: the theme's ``toctree()`` for the sidebar, one level, made once, and
    ``book_sidebar()``, what the theme makes of it (``_theme_sidebar``)."""
    original: Callable[..., str] | None = context.get("toctree")
    if original is None or app.builder.name.startswith("epub"):
        return
    check = os.environ.get(CHECK_ENV, "") not in ("", "0")

    def toctree(**kwargs: Any) -> str:
        level = _level(app, build)
        one_level = str(kwargs.get("maxdepth", 0)) == "1"
        if not (one_level and level.usable and set(kwargs) <= KNOWN_OPTIONS):
            return original(**kwargs)
        hidden = bool(kwargs.get("includehidden", False))
        fast = level.render(app, pagename, hidden)
        if check:  # Sphinx's one level has no chapter's reports under it: compared without
            slow = original(**kwargs)
            if level.render(app, pagename, hidden, with_reports=False).strip() != slow.strip():
                raise AssertionError(f"{pagename}: sidebar differs:\n{fast}\n---\n{slow}")
        return fast

    context["toctree"] = toctree
    context["book_sidebar"] = _theme_sidebar(build, app, pagename, context, check)


# The theme's own arguments to its sidebar's toctree, besides Sphinx's (KNOWN_OPTIONS).
THEME_OPTIONS = {"kind", "startdepth", "show_nav_level"}


def _theme_sidebar(
    build: BuildState, app: Sphinx, pagename: str, context: dict[str, Any], check: bool
) -> Callable[..., Any]:
    """``book_sidebar()`` for the sidebar's template: the theme's ``generate_toctree_html``
    for its sidebar, written at once when the level is ours (the theme's rewriting, done by
    hand: ``SidebarLevel.render(themed=True)``); anything else goes to the theme's function.
    Once per page: the theme renders the template twice."""

    @functools.cache
    def book_sidebar(**kwargs: Any) -> Any:
        theirs = context["generate_toctree_html"]  # set by the theme, after this handler
        level = _level(app, build)
        ours = (
            level.usable
            and kwargs.get("kind") == "sidebar"
            and int(kwargs.get("startdepth", 1)) == 0
            and str(kwargs.get("maxdepth", 0)) == "1"
            and set(kwargs) <= KNOWN_OPTIONS | THEME_OPTIONS
        )
        if not ours:
            return theirs(**kwargs)
        fast = level.render(app, pagename, bool(kwargs.get("includehidden")), themed=True)
        if check and fast != str(theirs(**kwargs)):
            raise AssertionError(f"{pagename}: sidebar differs:\n{fast}\n---\n{theirs(**kwargs)}")
        return fast

    return book_sidebar
