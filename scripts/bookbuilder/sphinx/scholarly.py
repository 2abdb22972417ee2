"""Scholarly metadata on report pages, and the citation downloads (web edition only).

Each report page's head gets Google Scholar's ``citation_*`` tags, Dublin Core tags and a
schema.org JSON-LD ``Chapter`` that ``isPartOf`` the ``Book``, all from the report's
:class:`~bookbuilder.model.ReportRecord` (carried in the render stage's data file) and the book's
:class:`~bookbuilder.model.BookMeta` (``render/scholarly.py``). Its "Cite this
report" box offers two downloads (``online.cite_downloads``), ``cite/<slug>.json`` (CSL-JSON)
and ``cite/<slug>.ris``, written here beside the pages. Absolute addresses (the page's, the
DOI's) need the site's address, ``html_baseurl`` (``BOOK_BASE_URL``); without it the tags leave
the address out.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from bookbuilder.handover import read_handover
from bookbuilder.layout import CITE_DIR, REPORT_PAGES
from bookbuilder.model import BookMeta, ReportRecord
from bookbuilder.render import scholarly
from bookbuilder.sphinx.online import is_web
from bookbuilder.sphinx.outputs import write_if_changed


def _record(srcdir: str | Path, pagename: str) -> ReportRecord | None:
    return read_handover(srcdir).record(pagename)


def _urls(app: Sphinx, pagename: str) -> tuple[str | None, str | None]:
    base = app.config.html_baseurl
    if not base:
        return None, None
    base = base.rstrip("/") + "/"
    return base + app.builder.get_target_uri(pagename), base


def page_metadata(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: the report's tags and JSON-LD in its head, its downloads beside it."""
    if not is_web(app.builder):
        return
    record = _record(app.srcdir, pagename)
    meta: BookMeta | None = app.config.bookbuilder_meta
    if record is None or meta is None:
        return
    url, book_url = _urls(app, pagename)
    tags = scholarly.highwire_tags(record, meta, url) + scholarly.dublin_core_tags(
        record, meta, url
    )
    lines = [f'<meta name="{name}" content="{html.escape(value)}" />' for name, value in tags]
    data = scholarly.json_ld(record, meta, url, book_url)
    lines.append(f'<script type="application/ld+json">\n{scholarly.script_json(data)}\n</script>')
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"
    folder = Path(app.outdir) / CITE_DIR
    csl = json.dumps(scholarly.csl_json(record, meta, url), ensure_ascii=False, indent=1)
    name = record.page.removeprefix(REPORT_PAGES)  # <slug>, or <slug>.<language>
    write_if_changed(folder / f"{name}.json", (csl + "\n").encode("utf-8"))
    ris = scholarly.ris(record, meta, url)
    write_if_changed(folder / f"{name}.ris", ris.encode("utf-8"))
