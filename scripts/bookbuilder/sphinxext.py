"""The Sphinx side of the book: report headers, languages, scripts in the PDF, and lock-down.

The render stage writes each report page with two directives of ours around its title:
``report-start`` (a page break in the PDF) and ``report-byline`` (JSON data → byline, index
entries and the report's language). Report text is put into docutils Text nodes here, never into
markup, so every writer escapes it for its own format.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.latex import LaTeXTranslator

from bookbuilder import lockdown
from bookbuilder.render import DATA_FILE
from bookbuilder.schema import ROLE_NAMES

# "other" and "organisation" say nothing in a byline: left out.
ROLE_LABELS = {**ROLE_NAMES, "other": "", "organisation": ""}
DEFAULT_LABELS = {"modalities": "Modalities", "topics": "Topics", "submitted": "Submitted"}


class report_language(nodes.Element):
    """Where a report's own-language text begins; replaced by :class:`report_body`."""


class report_body(nodes.Element):
    """A report's body in its own language (``lang`` in HTML/EPUB, polyglossia in the PDF)."""


class ReportStart(SphinxDirective):
    """Stands before a report's title: each report starts on a new page in the PDF."""

    def run(self) -> list[nodes.Node]:
        return [nodes.raw("", "\\clearpage\n", format="latex")]


class ReportByline(SphinxDirective):
    """The byline under a report's title, built from the JSON the render stage wrote."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        data = json.loads("\n".join(self.content))
        labels = {**DEFAULT_LABELS, **self.config.bookbuilder_labels}
        byline = nodes.container(classes=["report-byline"])
        for author in data["authors"]:
            byline += _author_paragraph(author)
        place = [data.get("city"), data["country_name"]]
        when = f"{labels['submitted']} {data['submitted_display']}"
        byline += nodes.paragraph(
            "", ", ".join(p for p in place if p) + " · " + when, classes=["report-place"]
        )
        if data.get("summary"):
            byline += nodes.paragraph("", data["summary"], classes=["report-summary"])
        tags = []
        if data["modalities"]:
            tags.append(f"{labels['modalities']}: {', '.join(data['modalities'])}")
        if data["topics"]:
            tags.append(f"{labels['topics']}: {', '.join(data['topics'])}")
        if tags:
            byline += nodes.paragraph("", " · ".join(tags), classes=["report-tags"])
        result: list[nodes.Node] = [*self._index(data), byline]
        if data.get("language"):
            result.append(report_language(lang=data["language"]))
        return result

    def _index(self, data: dict[str, Any]) -> list[nodes.Node]:
        target_id = f"index-{self.env.new_serialno('index')}"
        entries = [("single", _index_text(a["name"]), target_id, "", None) for a in data["authors"]]
        entries.append(("single", _index_text(data["country_name"]), target_id, "", None))
        for role in sorted({a["role"] for a in data["authors"]}):
            entries.append(("single", f"Roles; {role}", target_id, "", None))
        for modality in data["modalities"]:
            entries.append(("single", f"Modalities; {modality}", target_id, "", None))
        for topic in data["topics"]:
            entries.append(("single", f"Topics; {_index_text(topic)}", target_id, "", None))
        index = addnodes.index(entries=entries, inline=False)
        target = nodes.target("", "", ids=[target_id])
        self.state.document.note_explicit_target(target)
        return [index, target]


def _index_text(text: str) -> str:
    # ';' separates index sub-entries and a leading '!' marks a main entry: neither is data.
    return text.replace(";", ",").lstrip("!") or "?"


def _author_paragraph(author: dict[str, Any]) -> nodes.paragraph:
    para = nodes.paragraph(classes=["report-author"])
    para += nodes.strong("", author["name"])
    details = [ROLE_LABELS.get(author["role"], author["role"]), author.get("affiliation")]
    details = [d for d in details if d]
    if details:
        para += nodes.Text(", " + ", ".join(details))
    if author.get("orcid"):
        para += nodes.Text(" · ")
        # ORCID asks for the full https URL as the link text; the PDF then needs no footnote.
        uri = f"https://orcid.org/{author['orcid']}"
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


def visit_report_body_latex(self: Any, node: report_body) -> None:
    name = self.config.bookbuilder_polyglossia.get(node["lang"])
    self.body.append(f"\\begin{{otherlanguage*}}{{{name}}}\n" if name else "")


def depart_report_body_latex(self: Any, node: report_body) -> None:
    name = self.config.bookbuilder_polyglossia.get(node["lang"])
    self.body.append("\\end{otherlanguage*}\n" if name else "")


def _skip(self: Any, node: nodes.Node) -> None:
    pass


RTL_RUN = re.compile(
    r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]"
    r"(?:[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\s\u200c\u200d.,\-]*"
    r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF])?"
)


class BookLaTeXTranslator(LaTeXTranslator):
    """Sphinx's LaTeX writer, plus right-to-left runs (Arabic, Hebrew) set in their own font."""

    def encode(self, text: str) -> str:
        encoded = super().encode(text)
        if not RTL_RUN.search(encoded):
            return encoded
        return RTL_RUN.sub(lambda m: f"\\bookrtl{{{m.group(0)}}}", encoded)


def _read_book_data(app: Sphinx, config: Config) -> None:
    """Load what the render stage wrote about the book, and set up the PDF's languages."""
    data_path = Path(app.srcdir) / DATA_FILE
    data = json.loads(data_path.read_text("utf-8")) if data_path.is_file() else {}
    config.bookbuilder_polyglossia = _polyglossia_names(data.get("languages", []))
    if config.bookbuilder_polyglossia:
        names = sorted(set(config.bookbuilder_polyglossia.values()))
        extra = "".join(f"\\setotherlanguage{{{n}}}\n" for n in names)
        elements = dict(config.latex_elements)
        elements["preamble"] = elements.get("preamble", "") + extra
        config.latex_elements = elements


def _polyglossia_names(languages: list[str]) -> dict[str, str]:
    """BCP 47 tags → polyglossia language names that this TeX installation has."""
    from babel import Locale, UnknownLocaleError

    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return {}
    names: dict[str, str] = {}
    for tag in languages:
        try:
            english = Locale.parse(tag.replace("-", "_")).english_name or ""
        except (ValueError, UnknownLocaleError):
            continue
        candidate = english.split(" ")[0].lower()
        if not candidate:
            continue
        found = subprocess.run(
            [kpsewhich, f"gloss-{candidate}.ldf"], capture_output=True, text=True, check=False
        )
        if found.stdout.strip():
            names[tag] = candidate
    return names


STATIC_DIR = Path(__file__).parent / "static"


def _add_static(app: Sphinx, config: Config) -> None:
    # The book's styles ship with the builder, so a book's conf.py needs no path to them.
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


STRUCTURE_KEY = "bookbuilder_structure"


def structure_fingerprint(env: Any) -> str:
    """What every page shows of the book's structure: its pages, their titles, the toctrees."""
    data = {
        "docs": sorted(env.found_docs),
        "titles": sorted((doc, title.astext()) for doc, title in env.titles.items()),
        "toctrees": sorted((doc, list(entries)) for doc, entries in env.toctree_includes.items()),
    }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def rewrite_all_when_structure_changes(app: Sphinx, env: Any) -> list[str]:
    """Sphinx rewrites only the pages it re-read; the navigation, chapter listings and
    previous/next links of the others would keep the old set of reports. When the set, order or
    titles of the pages changed since the last build, every page is written again (not re-read);
    an edit inside one report's text changes nothing here and rewrites that page alone."""
    fingerprint = structure_fingerprint(env)
    previous = getattr(env, STRUCTURE_KEY, None)
    setattr(env, STRUCTURE_KEY, fingerprint)
    if previous is None or previous == fingerprint:
        return []
    return sorted(env.found_docs)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("bookbuilder_labels", {}, "env", types=[dict])
    app.add_config_value("bookbuilder_polyglossia", {}, "env", types=[dict])
    app.add_node(report_language)
    app.add_node(
        report_body,
        html=(visit_report_body_html, depart_report_body_html),
        epub=(visit_report_body_html, depart_report_body_html),
        latex=(visit_report_body_latex, depart_report_body_latex),
        text=(_skip, _skip),
        man=(_skip, _skip),
        texinfo=(_skip, _skip),
    )
    app.add_directive("report-start", ReportStart)
    app.add_directive("report-byline", ReportByline)
    app.add_post_transform(WrapReportLanguage)
    app.set_translator("latex", BookLaTeXTranslator, override=True)
    app.connect("config-inited", _read_book_data)
    app.connect("config-inited", _add_static)
    app.connect("env-get-updated", rewrite_all_when_structure_changes)
    app.add_css_file("book.css")
    lockdown.setup(app)  # the second layer behind validation: see lockdown.py
    app.setup_extension("bookbuilder.epub")  # the accessible, reproducible EPUB builder
    app.setup_extension("bookbuilder.navigation")  # the sidebar, linear in the book's size
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
