"""The figures of "The collection at a glance": the world map and the charts, each with a text
alternative and its numbers as a table, in every edition.

- On the website a figure opens the reports it counts: the map is inline SVG whose countries are
  links (``render/worldmap.py``), a chart's bars are HTML links, each to the browse page filtered
  to what it counts (``browse.html#role=nurse``, the page's shareable filter). Both are written
  when the page is, so their links are the builder's own relative addresses.
- In the EPUB and the PDF the same figure is a picture (the map's static SVG, matplotlib's chart)
  with a caption; the web edition drops that picture (``PrintOnlyOut``).
- A chart with more values than it draws says how many more, visibly, and the table lists them all.

Only the "at a glance" page loads ``static/glance.css`` (``add_glance_css``).
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from bookbuilder.render import glance_words as words
from bookbuilder.render.pages import BROWSE_DOC, GLANCE_DOC
from bookbuilder.render.worldmap import Country, map_svg
from bookbuilder.sphinx.online import JSONDirective, is_web, web_only

PRINT_ONLY = "book-print-only"  # a figure's picture for the EPUB and the PDF
STYLESHEET = "glance.css"


class world_map(nodes.General, nodes.Element):
    """The website's map: ``countries`` holds [code, name, count]; written as inline SVG."""


class chart_bars(nodes.General, nodes.Element):
    """The website's chart: ``key`` (the facet), ``rows`` [value, label, count], drawn largest
    first, as many as ``shown``; written as a list of links."""


def browse_link(self: Any, key: str, value: str) -> str:
    """The browse page filtered to one value, relative to the page being written."""
    here = self.builder.current_docname
    return f"{self.builder.get_relative_uri(here, BROWSE_DOC)}#{urlencode({key: value})}"


def visit_world_map(self: Any, node: world_map) -> None:
    if not is_web(self.builder):
        raise nodes.SkipNode
    countries = [Country(code, name, count) for code, name, count in node["countries"]]
    svg = map_svg(countries, lambda code: browse_link(self, "country", code))
    self.body.append('<figure class="book-map">\n')
    self.body.append(f'<div class="book-map-frame">{svg}</div>\n')
    self.body.append(f"<figcaption>{_caption(node)}</figcaption>\n</figure>\n")
    raise nodes.SkipNode


def visit_chart_bars(self: Any, node: chart_bars) -> None:
    if not is_web(self.builder):
        raise nodes.SkipNode
    rows = node["rows"][: node["shown"]]
    highest = max((count for _value, _label, count in rows), default=1)
    out = ['<figure class="book-bars">\n', '<ol class="book-bars-list">\n']
    for value, label, count in rows:
        share = 100 * count / highest
        link = html.escape(browse_link(self, node["key"], value))
        out.append(
            f'<li><a class="book-bar" href="{link}">{_bar_name(self.encode(label), count)}'
            f'<span class="book-bar-track"><span class="book-bar-fill" style="width:{share:.1f}%">'
            "</span></span></a></li>\n"
        )
    out.append("</ol>\n")
    out.append(f"<figcaption>{_caption(node)}</figcaption>\n</figure>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


def _bar_name(label: str, count: int) -> str:
    """The bar link's text, its name: "Nurse: 3 reports", in the language's own order. The label
    and the number are shown (the stylesheet places them either side of the bar, whatever their
    order here), the words around them are for screen readers only."""
    shown = {"label": f'<span class="book-bar-label">{label}</span>'}
    shown["count"] = f'<span class="book-bar-count">{count}</span>'
    out = []
    for kind, words_text in words.named_count_parts(count):
        if kind == "words":
            out.append(f'<span class="book-visually-hidden">{html.escape(words_text)}</span>')
        else:
            out.append(shown.pop(kind))
    # a translation that says the number in words ("one report") still shows it, unread
    out += [part.replace("<span ", '<span aria-hidden="true" ', 1) for part in shown.values()]
    return "".join(out)


def _caption(node: nodes.Element) -> str:
    """The caption, and a link to the figure's table (its numbers, all of them)."""
    table = f'<a href="#{node["table"]}">{html.escape(words.FIGURE_TABLE)}</a>'
    return f"{html.escape(node['caption'])} {table}."


class BookChart(JSONDirective):
    """A chart (``rows``: [value, label, count]) with its alt text, the same numbers as a table,
    and a visible note when it draws fewer values than there are."""

    def run(self) -> list[nodes.Node]:
        data = self.data()
        table_id = f"table-{data['key']}"
        web = web_only(classes=["book-figure"])
        web += chart_bars(
            key=data["key"],
            rows=data["rows"],
            shown=data["shown"],
            caption=data["caption"],
            table=table_id,
        )
        out: list[nodes.Node] = [web, _picture(data)]
        if data.get("note"):
            out.append(nodes.paragraph("", data["note"], classes=["book-chart-more"]))
        rows = [(label, count) for _value, label, count in data["rows"]]
        out.append(_table(data.get("heading", "Value"), rows, table_id))
        return out


class BookMap(JSONDirective):
    """The world map, its text alternative and caption, the countries it cannot draw, and
    every country with its count as a table."""

    def run(self) -> list[nodes.Node]:
        data = self.data()
        table_id = "table-map"
        web = web_only(classes=["book-figure"])
        web += world_map(countries=data["countries"], caption=data["caption_web"], table=table_id)
        out: list[nodes.Node] = [web, _picture(data)]
        if data.get("off"):
            out.append(nodes.paragraph("", data["off"], classes=["book-map-off"]))
        out.append(nodes.paragraph("", words.MAP_SOURCE, classes=["book-map-source"]))
        rows = [(name, count) for _code, name, count in data["countries"]]
        out.append(_table(data["heading"], rows, table_id))
        return out


def _picture(data: dict[str, Any]) -> nodes.figure:
    """The figure as a picture with its caption: the EPUB's and the PDF's."""
    figure = nodes.figure(classes=["book-chart", PRINT_ONLY])
    figure += nodes.image(uri=data["file"], alt=data["alt"], classes=["book-chart-image"])
    figure += nodes.caption(data["caption"], data["caption"])
    return figure


def _table(heading: str, rows: list[tuple[str, int]], table_id: str) -> nodes.table:
    table = nodes.table(classes=["book-chart-table"], ids=[table_id])
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=3)
    group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row(heading, words.MAP_LEGEND)
    body = nodes.tbody()
    group += body
    for label, count in rows:
        body += _row(label, str(count))
    return table


def _row(*cells: str) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", cell)
        row += entry
    return row


class PrintOnlyOut(SphinxPostTransform):
    """The website shows a figure's linked form (web_only); it drops the picture."""

    default_priority = 100

    def run(self, **kwargs: Any) -> None:
        if not is_web(self.env._builder_cls):
            return
        for figure in list(self.document.findall(nodes.figure)):
            if PRINT_ONLY in figure["classes"]:
                figure.parent.remove(figure)


def add_glance_css(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: the figures' styles, on the page that has them only."""
    if pagename == GLANCE_DOC:
        app.add_css_file(STYLESHEET)
