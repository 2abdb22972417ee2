"""The Sphinx side of the book: report headers, languages, and lock-down.

The render stage writes each report page as its escaped title and its body, and the report's
record in the data file; :class:`ReportFrame` adds the byline (with its index entries and the
report's language) and a page break for the PDF to the page's tree. Report text is put into
docutils Text nodes here, never into markup, so every writer escapes it for its own format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.utils import smartquotes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from bookbuilder.check.schema import ROLE_NAMES
from bookbuilder.model import FACETS, Author, BookMeta, ReportRecord
from bookbuilder.render.browse import facet_label
from bookbuilder.sphinx import branding, lockdown, scholarly
from bookbuilder.sphinx.contributors import BookContributors

# "other" and "organisation" say nothing in a byline: left out.
ROLE_LABELS = {**ROLE_NAMES, "other": "", "organisation": ""}
# The byline's words, which conf.py's `bookbuilder_labels` may replace: the tag lines are the
# facets shown under a byline, by their rule keys ("modalities", "topics").
DEFAULT_LABELS = {"submitted": "Submitted", **{f.collect: f.plural for f in FACETS if f.tags}}


class report_language(nodes.Element):
    """Where a report's own-language text begins; replaced by :class:`report_body`."""


class report_body(nodes.Element):
    """A report's body in its own language (``lang`` in HTML/EPUB, ``text(lang:)`` in the PDF)."""


class report_start(nodes.Element):
    """Stands before a report's title: each report starts on a new page in the PDF."""


class ReportFrame(SphinxTransform):
    """What the builder puts around a report's text, built from the report's record in the
    render stage's data file (``records[slug]``, :meth:`ReportRecord.to_data`),
    never from the page's source: a page break before the title (PDF), the byline under it
    (authors, place, date, summary, tags, index entries), and where the report's own language
    begins.

    Runs after :class:`lockdown.GuardReportNodes` (whose allow-list these nodes would not pass;
    they are ours) and before Sphinx's collectors read the index entries.
    """

    default_priority = lockdown.FRAME_PRIORITY

    def apply(self, **kwargs: Any) -> None:
        record = lockdown.report_record(self.env.srcdir, self.env.docname)
        title_section = _title_section(self.document)
        if record is None or title_section is None:
            return
        labels = {**DEFAULT_LABELS, **self.config.bookbuilder_labels}
        byline = nodes.container(classes=["report-byline"])
        for author in record.authors:
            byline += _author_paragraph(author)
        when = f"{labels['submitted']} {record.submitted_display}"
        byline += nodes.paragraph("", f"{record.place.label} · {when}", classes=["report-place"])
        if record.summary:
            byline += nodes.paragraph("", record.summary, classes=["report-summary"])
        tags = [
            f"{labels[f.collect]}: {', '.join(values)}"
            for f in FACETS
            if f.tags and (values := f.values(record))
        ]
        if tags:
            byline += nodes.paragraph("", " · ".join(tags), classes=["report-tags"])
        self._educate(byline)
        added: list[nodes.Node] = [*self._index(record, byline), byline]
        if record.own_language:
            added.append(report_language(lang=record.own_language))
        for offset, node in enumerate(added, start=1):  # after the title
            title_section.insert(offset, node)
        self.document.insert(self.document.index(title_section), report_start())

    def _educate(self, byline: nodes.Element) -> None:
        # Sphinx's smart quotes ran before the guard, so before this: the same typography here.
        if not self.config.smartquotes:
            return
        language = self.config.language or "en"
        for text in list(byline.findall(nodes.Text)):
            if isinstance(text.parent, nodes.reference):
                continue  # an ORCID address stays as it is
            educated = smartquotes.smartyPants(
                str(text), attr=self.config.smartquotes_action, language=language
            )
            text.parent.replace(text, nodes.Text(educated))

    def _index(self, record: ReportRecord, byline: nodes.Element) -> list[nodes.Node]:
        target_id = f"index-{self.env.new_serialno('index')}"
        entries = [("single", _index_text(a.name), target_id, "", None) for a in record.authors]
        for facet in FACETS:
            if facet.index is None:
                continue
            for value in facet.values(record):
                text = _index_text(facet_label(facet.key, value, record, record.book_language))
                entry = f"{facet.index}; {text}" if facet.index else text
                entries.append(("single", entry, target_id, "", None))
        index = addnodes.index(entries=entries, inline=False)
        byline["ids"].append(target_id)  # where the index entries lead
        self.document.ids[target_id] = byline
        return [index]


def _title_section(document: nodes.document) -> nodes.section | None:
    return next((n for n in document.children if isinstance(n, nodes.section)), None)


def _index_text(text: str) -> str:
    # ';' separates index sub-entries and a leading '!' marks a main entry: neither is data.
    return text.replace(";", ",").lstrip("!") or "?"


def _author_paragraph(author: Author) -> nodes.paragraph:
    para = nodes.paragraph(classes=["report-author"])
    para += nodes.strong("", author.name)
    details = [d for d in (ROLE_LABELS.get(author.role, author.role), author.affiliation) if d]
    if details:
        para += nodes.Text(", " + ", ".join(details))
    if author.orcid:
        para += nodes.Text(" · ")
        # ORCID asks for the full https URL as the link text; the PDF then needs no footnote.
        uri = f"https://orcid.org/{author.orcid}"
        para += nodes.reference("", uri, refuri=uri)
    return para


class WrapReportLanguage(SphinxPostTransform):
    """Move a report's text after its byline into a container that carries its language."""

    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        for marker in list(self.document.findall(report_language)):
            parent = marker.parent
            index = parent.index(marker)
            body = report_body(lang=marker["lang"])
            body.extend(parent.children[index + 1 :])
            del parent.children[index + 1 :]
            parent.replace(marker, body)


def visit_report_body_html(self: Any, node: report_body) -> None:
    attrs = {"lang": node["lang"]}
    if self.builder.name.startswith("epub"):
        attrs["xml:lang"] = node["lang"]
    self.body.append(self.starttag(node, "div", CLASS="report-body", **attrs))


def depart_report_body_html(self: Any, node: report_body) -> None:
    self.body.append("</div>\n")


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


STATIC_DIR = Path(__file__).parents[1] / "static"


def _add_static(app: Sphinx, config: Config) -> None:
    # The book's styles ship with the builder, so a book's conf.py needs no path to them.
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def _title(env: Any, doc: str | None) -> str | None:
    return env.titles[doc].astext() if doc in env.titles else None


def structure_seen_by_pages(env: Any, root_doc: str) -> dict[str, Any]:
    """What the web pages show of the book's structure: ``sidebar``, the part every page shows
    (the root document's toctree entries and their titles), and ``pages``, each page's own part
    (its parents up to the root, its previous and next pages, with their titles)."""
    sidebar = []
    if root_doc in env.all_docs:
        for toctree in env.get_doctree(root_doc).findall(addnodes.toctree):
            sidebar += [
                [title, ref, _title(env, ref), bool(toctree.get("hidden"))]
                for title, ref in toctree["entries"]
            ]
    relations = env.collect_relations()
    pages: dict[str, Any] = {}
    for doc in sorted(env.found_docs):
        parent, previous, following = relations.get(doc, (None, None, None))
        chain: list[str] = []
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = relations.get(parent, (None, None, None))[0]
        pages[doc] = [len(chain), [[d, _title(env, d)] for d in (*chain, previous, following)]]
    return {"sidebar": sidebar, "pages": pages}


def _structure_file(app: Sphinx, pending: bool = False) -> Path:
    # One per builder (the EPUB and the website share an environment, not their pages).
    name = f"bookbuilder-structure-{app.builder.name}.json" + (".pending" if pending else "")
    return Path(app.doctreedir) / name


def rewrite_pages_whose_structure_changed(app: Sphinx, env: Any) -> list[str]:
    """Sphinx rewrites the pages it re-read and their toctree parents; the pages next to a new,
    moved or retitled report would keep stale previous/next links. Those are written again (not
    re-read). When the sidebar changes (a chapter added, removed, moved or retitled), every page
    is. An edit inside one report's text changes nothing here: that page alone is rewritten.

    The structure of the last finished build is kept beside the doctrees (``_save_structure``):
    a build that fails compares the next one with the last good one."""
    current = structure_seen_by_pages(env, app.config.root_doc)
    # This build's structure waits beside the doctrees until the build finishes (no state kept
    # on the builder): a build that fails leaves the last good one in place.
    _structure_file(app, pending=True).write_text(json.dumps(current, ensure_ascii=False), "utf-8")
    try:
        previous = json.loads(_structure_file(app).read_text("utf-8"))
    except (OSError, ValueError):
        return []  # the first build of this edition: every page is written anyway
    if previous.get("sidebar") != current["sidebar"]:
        return sorted(env.found_docs)
    before = previous.get("pages", {})
    return sorted(doc for doc, seen in current["pages"].items() if before.get(doc) != seen)


def _save_structure(app: Sphinx, exception: Exception | None) -> None:
    pending = _structure_file(app, pending=True)
    if exception is None and pending.is_file():
        pending.replace(_structure_file(app))


def _cache_compiled_templates(app: Sphinx) -> None:
    """Keep the theme's compiled templates beside the doctrees: compiling them again was half of
    a one-line edit's rebuild (profiled, make serve). Keyed by each template's text, so an
    updated theme is compiled anew."""
    from jinja2 import FileSystemBytecodeCache

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        folder = Path(app.doctreedir) / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("bookbuilder_meta", None, "env", types=[BookMeta])
    app.add_config_value("bookbuilder_labels", {}, "env", types=[dict])
    app.add_node(report_language)
    app.add_node(
        report_body,
        html=(visit_report_body_html, depart_report_body_html),
        epub=(visit_report_body_html, depart_report_body_html),
    )  # the PDF's writer (sphinx/typst.py) sets the report's language itself
    app.add_node(report_start, html=(_skip, None), epub=(_skip, None))
    app.add_transform(ReportFrame)
    app.add_directive("book-contributors", BookContributors)  # the Contributors page
    app.add_post_transform(WrapReportLanguage)
    app.connect("config-inited", _add_static)
    app.connect("config-inited", branding.add_accent_stylesheet)  # book["accent"]
    app.connect("env-get-updated", rewrite_pages_whose_structure_changed)
    app.connect("build-finished", _save_structure)
    app.connect("builder-inited", _cache_compiled_templates)
    app.add_css_file("book.css")
    lockdown.setup(app)  # the second layer behind validation: see lockdown.py
    scholarly.setup_scholarly(app)  # citation tags, JSON-LD and downloads on report pages
    app.setup_extension("bookbuilder.sphinx.epub")  # the accessible, reproducible EPUB builder
    app.setup_extension("bookbuilder.sphinx.navigation")  # the sidebar, linear in the book's size
    app.setup_extension("bookbuilder.sphinx.toctree")  # reading, linear in the book's size
    app.setup_extension("bookbuilder.sphinx.outputs")  # nothing stale left in the outputs
    app.setup_extension("bookbuilder.sphinx.remembered")  # every warning, every build
    app.setup_extension("bookbuilder.sphinx.pdf")  # the tagged PDF, typeset by Typst
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
