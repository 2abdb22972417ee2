"""The collection at a glance: bar charts of reports per region, country, role, modality, topic.

Drawn with matplotlib as SVG, byte-for-byte the same on every build (fixed hash salt, no date,
text kept as text), so the render stage rewrites them only when the counts change. The HTML and
EPUB show the SVGs, and so does the PDF (Typst draws SVG as vector graphics).
Every chart travels with a text alternative: alt text here, and a data table on the page.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bookbuilder.model import FACETS
from bookbuilder.render.browse import FacetValue
from bookbuilder.words import _, ngettext

# Charts longer than this show the most frequent values; the table below lists them all.
MAX_BARS = 25
FIGURE_WIDTH = 7.0  # inches
BAR_COLOUR = "#1f6f8b"  # the book's primary colour; 6.1:1 on white


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    filename: str
    alt: str
    values: tuple[FacetValue, ...]  # every value, for the data table
    svg: bytes


def _alt(title: str, values: list[FacetValue], total: int) -> str:
    parts = [f"{v.label}: {v.count}" for v in values[:8]]
    more = len(values) - 8
    if more > 0:
        parts.append(ngettext("and {n} more", "and {n} more", more).format(n=more))
    return ngettext(
        "Bar chart: {title}, {n} report in all. {listed}.",
        "Bar chart: {title}, {n} reports in all. {listed}.",
        total,
    ).format(title=title, n=total, listed="; ".join(parts))


def bar_chart_svg(values: list[FacetValue], xlabel: str, rtl: bool = False) -> bytes:
    """A horizontal bar chart, largest first, as deterministic SVG. ``rtl`` (a book written right
    to left) mirrors it: the labels on the right, the bars growing leftwards from them, as the
    website's bars do in such a book (static/glance.css)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    shown = values[:MAX_BARS]
    height = 0.9 + 0.32 * len(shown)
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "bookbuilder",
            "svg.fonttype": "none",  # text stays text: searchable, and read by screen readers
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": rtl,
            "axes.spines.left": not rtl,
        }
    ):
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
        labels = [v.label for v in reversed(shown)]
        counts = [v.count for v in reversed(shown)]
        bars = ax.barh(range(len(shown)), counts, color=BAR_COLOUR, height=0.7)
        ax.set_yticks(range(len(shown)), labels)
        numbers = ax.bar_label(bars, padding=3, fontsize=9)
        ax.set_xlabel(xlabel)
        locator = ax.xaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # matplotlib's AutoLocator: whole counts only
            locator.set_params(integer=True)
        ax.set_xlim(0, max(counts, default=1) * 1.15)
        if rtl:
            ax.invert_xaxis()  # zero on the right: the bars grow leftwards
            ax.yaxis.tick_right()
            for number in numbers:  # bar_label puts them after the bar's end in x: the right
                number.set_horizontalalignment("right")
                number.xyann = (-3, 0)
        ax.margins(y=0.02)
        _fit_margins(fig, labels, height, rtl)
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None}, transparent=False)
        plt.close(fig)
    return out.getvalue()


# Bump when the drawing changes (bar_chart_svg, _fit_margins): cached charts are drawn again.
CHART_STYLE = 3


def _matplotlib_version() -> str:
    from importlib.metadata import version

    return version("matplotlib")


DrawChart = Callable[[list[FacetValue], str, bool], bytes]


def chart_key(values: list[FacetValue], xlabel: str, rtl: bool) -> str:
    """What a chart's SVG depends on: a cache of drawn charts is keyed by it."""
    drawing = [CHART_STYLE, FIGURE_WIDTH, MAX_BARS, BAR_COLOUR, _matplotlib_version(), rtl]
    data = [*drawing, xlabel, [(v.label, v.count) for v in values[:MAX_BARS]]]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def _fit_margins(fig: Any, labels: list[str], height: float, rtl: bool) -> None:
    """Room for the longest label on the left (on the right when ``rtl``) and the axis label
    below, measured from the font alone: ``tight_layout`` drew every chart an extra time to
    find the same (profiled)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    dpi = 100
    renderer = RendererAgg(int(FIGURE_WIDTH * dpi), dpi, dpi)
    font = FontProperties(family="DejaVu Sans", size=10)
    widest = max(
        (renderer.get_text_width_height_descent(label, font, ismath=False)[0] for label in labels),
        default=0,
    )
    labels_side = min((widest / dpi + 0.18) / FIGURE_WIDTH, 0.6)  # the tick and its padding
    left, right = (0.03, 1 - labels_side) if rtl else (labels_side, 0.97)
    fig.subplots_adjust(left=left, right=right, top=1 - 0.1 / height, bottom=0.5 / height)


def charts(
    facet_values: dict[str, list[FacetValue]],
    total: int,
    draw: DrawChart | None = None,
    rtl: bool = False,
) -> list[Chart]:
    """One chart per facet that has values; countries and topics sorted by count. ``draw``
    (default :func:`bar_chart_svg`) may answer from a cache (render's, keyed by chart_key);
    ``rtl``: the book is written right to left (mirrored charts)."""
    out = []
    for key, title in ((f.key, _(f.chart)) for f in FACETS if f.chart):
        values = sorted(facet_values.get(key, []), key=lambda v: (-v.count, v.label.casefold()))
        if not values:
            continue
        svg = (draw or bar_chart_svg)(values, _("Reports"), rtl)
        out.append(
            Chart(
                key, title, f"reports-per-{key}.svg", _alt(title, values, total), tuple(values), svg
            )
        )
    return out


def social_card_png(title: str, subtitle: str) -> bytes:
    """The 1200×630 picture that link previews show: the title and subtitle, deterministic."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig = plt.figure(figsize=(12, 6.3), dpi=100)
        fig.patch.set_facecolor(BAR_COLOUR)
        fig.text(
            0.06,
            0.62,
            textwrap.fill(title, 34),
            color="white",
            fontsize=44,
            fontweight="bold",
            va="bottom",
        )
        if subtitle:
            fig.text(
                0.06, 0.52, textwrap.fill(subtitle, 60), color="#e8f4f8", fontsize=22, va="top"
            )
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None}, facecolor=fig.get_facecolor())
        plt.close(fig)
    return out.getvalue()
