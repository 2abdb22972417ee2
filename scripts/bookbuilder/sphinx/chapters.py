"""A chapter's page as a reader's table of contents, and a report page's sidebar.

A chapter's page lists its reports as the browse page does (title, authors, place and date,
summary, tags, the other languages), without the filters, in the web edition and the EPUB: the
render stage writes the chapter's records into a ``chapter-reports`` directive
(``render/pages.py``), so the page is read again when any of its reports' cards change. The
chapter's toctree stays, hidden: it still gives every edition its order (the EPUB's navigation,
the PDF's chapters). The PDF prints the reports themselves after the chapter's text.

On a report's page the sidebar lists its chapter's reports under the chapter (``navigation.py``,
from :class:`ChapterReportLists`): at most :data:`SIDEBAR_NEIGHBOURS` before and after the
current one, and a link to the chapter's page when there are more, so that a report page's
size never depends on how many reports the book or its chapter has (the benchmark checks it).
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes

from bookbuilder.handover import read_handover
from bookbuilder.layout import CHAPTER_PAGES
from bookbuilder.model import ReportRecord
from bookbuilder.sphinx.online import JSONDirective, card_html
from bookbuilder.sphinx.report import educate, topic_labels
from bookbuilder.words import _

CARDS_CLASS = "chapter-reports"
# Reports listed in the sidebar on each side of the current one: 21 at most, at any book size.
SIDEBAR_NEIGHBOURS = 10


class chapter_reports(nodes.General, nodes.Element):
    """A chapter's reports as cards; ``reports`` holds their records."""


class ChapterReports(JSONDirective):
    """The ``chapter-reports`` directive (written by the render stage, never by an editor:
    ``check`` refuses directives in chapters' text but for the report format's)."""

    def run(self) -> list[nodes.Node]:
        data = self.data()
        return [chapter_reports(reports=[ReportRecord.from_data(r) for r in data["reports"]])]


def visit_chapter_reports(self: Any, node: chapter_reports) -> None:
    """The cards, in HTML (website) and XHTML (EPUB): one string, as the browse page's."""
    here = self.builder.current_docname
    config = self.builder.config
    label = _("Reports in this chapter")
    out = [
        f'<section class="{CARDS_CLASS}" aria-label="{html.escape(label)}">\n'
        f'<ul class="browse-cards {CARDS_CLASS}-list">\n'
    ]
    for record in node["reports"]:
        out.append(
            card_html(
                record,
                lambda doc: self.builder.get_relative_uri(here, doc),
                lambda text: educate(text, config),
                chapter=False,
                facets=False,  # the filters' data: the browse page's alone
                heading=True,
                topic_labels=topic_labels(config),
            )
        )
    out.append("</ul>\n</section>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


class ChapterReportLists:
    """Each chapter's reports in order (translations apart: a translation's page stands for its
    report), made once per build from the environment (its chapters' toctrees)."""

    def __init__(self, env: Any) -> None:
        self.original = read_handover(env.srcdir).original_of()
        self.reports: dict[str, list[str]] = {}
        self.position: dict[str, tuple[str, int]] = {}  # report → (its chapter, its place)
        # sorted: a parallel read (JOBS) merges the pages in another order than a serial one
        for doc, included in sorted(env.toctree_includes.items()):
            if not doc.startswith(CHAPTER_PAGES):
                continue
            reports = [page for page in included if page not in self.original]
            self.reports[doc] = reports
            for at, page in enumerate(reports):
                self.position.setdefault(page, (doc, at))

    def around(self, page: str) -> tuple[str, list[str], bool] | None:
        """The chapter of ``page`` (a report's or a translation's page), the reports the sidebar
        lists under it (the report and up to ``SIDEBAR_NEIGHBOURS`` on each side), and whether
        some were left out; None for any other page."""
        found = self.position.get(self.original.get(page, page))
        if found is None:
            return None
        chapter, at = found
        reports = self.reports[chapter]
        width = 2 * SIDEBAR_NEIGHBOURS + 1
        start = max(0, min(at - SIDEBAR_NEIGHBOURS, len(reports) - width))
        shown = reports[start : start + width]
        return chapter, shown, len(shown) < len(reports)
