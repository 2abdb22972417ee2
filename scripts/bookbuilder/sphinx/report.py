"""A report's page in every edition: its byline, its language and its other versions.

The render stage writes each report page as its escaped title and its body, and the report's
record in the data file; :class:`ReportFrame` adds the byline (with its index entries and the
report's language) and a page break for the PDF to the page's tree. Report text is put into
docutils Text nodes here, never into markup, so every writer escapes it for its own format.

A report with translations has one page per version (``experiences/<slug>.<language>``). Each
page's language is its version's (``html lang``, the EPUB's ``xml:lang``); the byline names the
translators and the language switch links every version to the others: a ``language_switch``
node, written as a ``<nav>`` with ``hreflang`` links in HTML and EPUB, and as its children (a
paragraph of ordinary cross-references) by any other writer, so the PDF links both ways too.
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from docutils.utils import normalize_language_tag, smartquotes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import HTML_TAG
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.osutil import relative_uri

from bookbuilder import words
from bookbuilder.model import FACETS, Author, ReportRecord, TranslationOf, Version
from bookbuilder.render.browse import facet_label
from bookbuilder.sphinx import bookindex, lockdown
from bookbuilder.vocabulary import ROLE_NAMES
from bookbuilder.words import _

# "other" and "organisation" say nothing in a byline: left out.
ROLE_LABELS = {**ROLE_NAMES, "other": "", "organisation": ""}


def byline_labels() -> dict[str, str]:
    """The byline's words, in the book's language (conf.py's ``words`` may replace any): the tag
    lines are the facets shown under a byline, by their rule keys ("modalities", "topics")."""
    return {
        "submitted": _("Submitted"),
        **{f.collect: _(f.plural) for f in FACETS if f.tags},
        "read_in": _("Read in"),  # before the language switch: "Read in: English · Italiano"
        "translated_by": _("Translated from {language} by"),
        "language_switch": _("Languages of this report"),  # the switch's accessible name
    }


class report_language(nodes.Element):
    """Where a report's own-language text begins; replaced by :class:`report_body`."""


class in_language(nodes.Element):
    """Content in a language other than its page's (``lang`` in HTML/EPUB, ``text(lang:)`` in
    the PDF): a report page's byline in the book's language, when the report is in another."""


class report_body(in_language):
    """A report's body in its own language (``lang`` in HTML/EPUB, ``text(lang:)`` in the PDF)."""


class report_start(nodes.Element):
    """Stands before a report's title: each report starts on a new page in the PDF."""


class language_switch(nodes.General, nodes.Element):
    """Every version of a report, near its title (``versions``: page, language, name; ``here``:
    this page). Its child is a paragraph of cross-references for writers other than HTML's,
    which writes a ``<nav>`` of ``hreflang`` links itself."""


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
        labels = byline_labels()
        byline = nodes.container(classes=["report-byline"])
        if record.versions:
            byline += _language_switch(self.env, record, labels)
        for author in record.authors:
            byline += _author_paragraph(author)
        when = f"{labels['submitted']} {record.submitted_display}"
        byline += nodes.paragraph("", f"{record.place.label} · {when}", classes=["report-place"])
        if record.summary:
            byline += nodes.paragraph("", record.summary, classes=["report-summary"])
        tags = [
            f"{labels[f.collect]}: {', '.join(values)}"
            for f in FACETS
            if f.tags
            and (
                values := [
                    facet_label(f.key, v, record, record.book_language, topic_labels(self.config))
                    for v in f.values(record)
                ]
            )
        ]
        if tags:
            byline += nodes.paragraph("", " · ".join(tags), classes=["report-tags"])
        if record.translation is not None:
            byline += _translators_paragraph(record.translation, labels)
        self._educate(byline)
        self._note_page_language(record)
        head: nodes.Element = byline
        if record.own_language:
            head = in_language(lang=record.book_language)  # its labels are the book's language
            head += byline
        # A translation's facts are its original's: the index points at the original alone.
        index = self._index(record, byline) if record.translation is None else []
        added: list[nodes.Node] = [*index, head]
        if record.own_language:
            added.append(report_language(lang=record.own_language))
        for offset, node in enumerate(added, start=1):  # after the title
            title_section.insert(offset, node)
        self.document.insert(self.document.index(title_section), report_start())

    def _note_page_language(self, record: ReportRecord) -> None:
        """For the page's writers: its language and every version (html lang, hreflang)."""
        metadata = self.env.metadata[self.env.docname]
        metadata["bookbuilder_language"] = record.language
        if record.versions:
            metadata["bookbuilder_versions"] = [[v.page, v.language] for v in record.versions]

    def _educate(self, byline: nodes.Element) -> None:
        # Sphinx's smart quotes ran before the guard, so before this: the same typography here.
        for text in list(byline.findall(nodes.Text)):
            if isinstance(text.parent, nodes.reference):
                continue  # an ORCID address stays as it is
            text.parent.replace(text, nodes.Text(educate(str(text), self.config)))

    def _index(self, record: ReportRecord, byline: nodes.Element) -> list[nodes.Node]:
        target_id = f"index-{self.env.new_serialno('index')}"
        entries = bookindex.index_entries(record, target_id, topic_labels(self.config))
        index = addnodes.index(entries=entries, inline=False)
        byline["ids"].append(target_id)  # where the index entries lead
        self.document.ids[target_id] = byline
        # Sphinx's index domain read the page's index nodes before this transform ran (its
        # SphinxDomains transform comes first): the entries are added to it here.
        self.env.domains.index_domain.entries.setdefault(self.env.docname, []).extend(entries)
        return [index]


def topic_labels(config: Any) -> tuple[tuple[str, str], ...]:
    """conf.py's ``topic_labels`` (``BookMeta``), none when Sphinx runs without the book's."""
    meta = getattr(config, "bookbuilder_meta", None)
    return meta.topic_labels if meta is not None else ()


def educate(text: str, config: Any) -> str:
    """``text`` with the typography Sphinx's smart quotes give a page's text (curly quotes and
    apostrophes, dashes), for text the builder adds after they ran."""
    language = config.language or "en"
    excluded = config.smartquotes_excludes.get("languages", [])
    if not config.smartquotes or config.language in excluded:
        return text
    # as SphinxSmartQuotes: only for a language docutils has quotes for
    if not any(tag in smartquotes.smartchars.quotes for tag in normalize_language_tag(language)):
        return text
    if config.smartquotes_action != STUPEFY and nothing_to_educate(text):
        return text
    return smartquotes.smartyPants(text, attr=config.smartquotes_action, language=language)


# smartquotes' action that turns typography back into ASCII: it changes text with none of the
# characters below
STUPEFY = "-1"
# What smartquotes acts on: quotes, backticks, backslash escapes and their entities (``&#34;``
# becomes ``"`` on the way out), dashes (``--``, ``---``) and ellipses (``...``, ``. . .``)
_EDUCATED_CHARACTERS = frozenset("'\"`\\&")


def nothing_to_educate(text: str) -> bool:
    """Whether smartquotes would give ``text`` back unchanged: most of a book's cards, names
    and places. Each call of it tokenises and runs a dozen expressions, 0.17 s of the browse
    page's 0.19 s at 1,000 reports (its cards' titles, names, places and summaries; the
    Contributors page's entries too)."""
    return (
        _EDUCATED_CHARACTERS.isdisjoint(text)
        and "--" not in text
        and "..." not in text
        and ". ." not in text
    )


def _title_section(document: nodes.document) -> nodes.section | None:
    return next((n for n in document.children if isinstance(n, nodes.section)), None)


def _translators_paragraph(translation: TranslationOf, labels: dict[str, str]) -> nodes.paragraph:
    """ "Translated from Italian by Marco Rossi, IDoR editorial team · https://orcid.org/…"."""
    para = nodes.paragraph(classes=["report-translators"])
    intro = labels["translated_by"].format(language=translation.from_language_name)
    para += nodes.Text(intro + " ")
    people = translation.translators
    last = " " + _("and") + " "  # before the last translator: "A; B and C"
    for index, person in enumerate(people):
        if index:
            para += nodes.Text(last if index == len(people) - 1 else "; ")
        para += nodes.strong("", person.name)
        if person.affiliation:
            para += nodes.Text(", " + person.affiliation)
        if person.orcid:
            para += nodes.Text(" · ")
            uri = f"https://orcid.org/{person.orcid}"
            para += nodes.reference("", uri, refuri=uri)
    return para


def _language_switch(env: Any, record: ReportRecord, labels: dict[str, str]) -> language_switch:
    """ "Read in: Italiano · English", each name in its own language, the others linked."""
    versions: tuple[Version, ...] = record.versions
    switch = language_switch(
        versions=[[v.page, v.language, v.name] for v in versions],
        here=record.page,
        label=labels["language_switch"],
        read_in=labels["read_in"],
    )
    para = nodes.paragraph(classes=["report-languages"])
    para += nodes.Text(labels["read_in"] + ": ")
    for index, version in enumerate(versions):
        if index:
            para += nodes.Text(" · ")
        if version.page == record.page:
            para += nodes.strong("", version.name)
            continue
        ref = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget="/" + version.page,
            refexplicit=True,
            refwarn=True,
            refdoc=env.docname,
        )
        ref += nodes.inline(version.name, version.name)
        para += ref
    switch += para
    return switch


def visit_language_switch_html(self: Any, node: language_switch) -> None:
    """A ``<nav>`` of links, each naming its version's language in that language, with
    ``hreflang``; the current version is named, not linked (``aria-current``)."""
    esc = html.escape
    items = []
    for page, language, name in node["versions"]:
        lang, shown = esc(language), esc(name, quote=False)
        if page == node["here"]:
            items.append(f'<li><span lang="{lang}" aria-current="page">{shown}</span></li>')
            continue
        href = esc(self.builder.get_relative_uri(self.builder.current_docname, page))
        items.append(
            f'<li><a href="{href}" hreflang="{lang}" lang="{lang}" rel="alternate">{shown}</a></li>'
        )
    self.body.append(
        f'<nav class="report-languages" aria-label="{esc(node["label"])}">'
        f'<span class="report-languages-label">{esc(node["read_in"], quote=False)}:</span> '
        f"<ul>{''.join(items)}</ul></nav>\n"
    )
    raise nodes.SkipNode


def _author_paragraph(author: Author) -> nodes.paragraph:
    para = nodes.paragraph(classes=["report-author"])
    para += nodes.strong("", author.name)
    role = ROLE_LABELS.get(author.role, author.role)
    details = [d for d in (_(role) if role else "", author.affiliation) if d]
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
            # The translations' toctree (in the PDF: the translations themselves, set in its
            # place before this runs) is not the report's text: it goes after it, out of its
            # language, wherever in the report's sections MyST put it.
            pages = [page for sibling in parent[index + 1 :] for page in _other_pages(sibling)]
            for page in pages:
                page.parent.remove(page)
            body = report_body(lang=marker["lang"])
            body.extend(parent.children[index + 1 :])
            del parent.children[index + 1 :]
            parent.replace(marker, body)
            parent.extend(pages)


def _other_pages(node: nodes.Node) -> list[nodes.Element]:
    """The outermost toctrees (and pages a toctree was replaced by) inside ``node``."""
    if isinstance(node, addnodes.start_of_file) or (
        isinstance(node, nodes.compound) and "toctree-wrapper" in node["classes"]
    ):
        return [node]
    if not isinstance(node, nodes.Element):
        return []
    return [page for child in node.children for page in _other_pages(child)]


def visit_in_language_html(self: Any, node: in_language) -> None:
    attrs = {"lang": node["lang"]}
    # Explicit wherever a direction is right to left: an English report in an Arabic book (the
    # page's is the book's), or an Arabic byline on that report's EPUB page (the page's is ltr).
    own = words.direction(node["lang"])
    if "rtl" in (own, words.direction(self.config.language or "en")):
        attrs["dir"] = own
    if self.builder.name.startswith("epub"):
        attrs["xml:lang"] = node["lang"]
    css = "report-body" if isinstance(node, report_body) else ""
    self.body.append(self.starttag(node, "div", CLASS=css, **attrs))


def depart_in_language_html(self: Any, node: in_language) -> None:
    self.body.append("</div>\n")


def page_language(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: a report page's ``<html lang>`` is its version's language, and (on the
    web) its ``<head>`` names every version with ``<link rel="alternate" hreflang>``."""
    metadata = app.env.metadata.get(pagename, {})
    language = metadata.get("bookbuilder_language")
    if not language:
        return
    context["language"] = language
    if app.builder.name.startswith("epub"):
        lang = html.escape(language)
        said = ' dir="rtl"' if words.direction(language) == "rtl" else ""
        context["html_tag"] = HTML_TAG[:-1] + f' lang="{lang}" xml:lang="{lang}"{said}>'
        return
    base = app.config.html_baseurl.rstrip("/")
    here = app.builder.get_target_uri(pagename)
    links = []
    for doc, tag in metadata.get("bookbuilder_versions", []):
        target = app.builder.get_target_uri(doc)
        # relative_uri gives "" for the page itself: its own file name, then
        href = f"{base}/{target}" if base else relative_uri(here, target) or target.split("/")[-1]
        links.append(
            f'<link rel="alternate" hreflang="{html.escape(tag)}" href="{html.escape(href)}" />'
        )
    if links:
        context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"
