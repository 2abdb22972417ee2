"""The online edition: landing page, downloads, browse page, charts, citations, link previews.

A Sphinx extension (listed in ``settings.sphinx_settings``). The render stage writes JSON into
four directives of ours; they build docutils nodes, so report text is always a Text node that each
writer escapes. The doctree is shared by all three editions, so what is web-only is decided when
writing: the web-only nodes here are skipped by the EPUB and PDF writers.

- ``book-landing``: subtitle, editors, description, cover, the downloads of this very build
  (filled in when the HTML is written, from the EPUB and PDF that exist) and the ways in.
- ``report-browse``: every report as a card with its facets as ``data-*`` attributes, and a
  filter form (web only; ``static/browse.js`` makes it work, the full list shows without it).
- ``book-chart``, ``book-map``: in ``sphinx/glance.py``.
- ``ReportTrailer`` (a transform, from the data file, not a directive a report could write):
  back to the chapter, and "cite this report" (web only).
"""

from __future__ import annotations

import html
import json
import multiprocessing
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator

from bookbuilder import editions
from bookbuilder.check.countries import language_name
from bookbuilder.layout import (
    CITE_DIR,
    DOWNLOADS_DIR,
    REPORT_PAGES,
    chapter_docname,
    report_docname,
)
from bookbuilder.model import FACETS, BookMeta, ReportRecord
from bookbuilder.render import cite
from bookbuilder.render.browse import region_name, topic_words
from bookbuilder.render.drawn import drawn, is_drawn
from bookbuilder.render.pages import BROWSE_DOC, GLANCE_DOC, GLANCE_TITLE
from bookbuilder.sphinx import a11y, current, lockdown, offline
from bookbuilder.sphinx.outputs import write_if_changed
from bookbuilder.sphinx.report import educate, topic_labels
from bookbuilder.sphinx.state import BuildState
from bookbuilder.vocabulary import MODALITY_NAMES, ROLE_NAMES
from bookbuilder.words import N_, _, direction, ngettext

CITE_DOWNLOADS = (("json", "CSL-JSON (Zotero, Mendeley)"), ("ris", "RIS (EndNote)"))  # names
HTML_TEMPLATES = Path(__file__).parents[1] / "templates" / "html"
FACET_KEYS = tuple(f.key for f in FACETS)
FILTERS_LABEL = N_("Filter the reports")
PHONE_QUERY = "(max-width: 40rem)"  # the browse filters start closed below this width


def is_web(builder: Builder | type[Builder]) -> bool:
    """The HTML edition (html, dirhtml, singlehtml), not the EPUB, whose builder is a subclass
    (a builder or its class: the format and name are the class's)."""
    return builder.format == "html" and not builder.name.startswith("epub")


# -- nodes ------------------------------------------------------------------------------------


class web_only(nodes.General, nodes.Element):
    """Children shown in the web edition only."""


class book_downloads(nodes.General, nodes.Element):
    """The EPUB and PDF of this build, found when the HTML is written."""


class browse_filters(nodes.General, nodes.Element):
    """The filter form of the browse page; ``facets`` holds its choices."""


class browse_cards(nodes.General, nodes.Element):
    """Every report on the browse page, as a list of cards; ``reports`` holds their data."""


class report_cite(nodes.General, nodes.Element):
    """A disclosure with a report's citation in plain text and BibTeX."""


class cite_downloads(nodes.General, nodes.Element):
    """The citation files of a report's page (``page``), offered in its "Cite this" box."""


class report_trailer(nodes.General, nodes.Element):
    """What follows a report in the web edition: its chapter, and how to cite it."""


def visit_web_only(self: HTML5Translator, node: web_only) -> None:
    if not is_web(self.builder):
        raise nodes.SkipNode
    self.body.append(self.starttag(node, "div"))


def depart_div(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_report_trailer(self: HTML5Translator, node: report_trailer) -> None:
    if not is_web(self.builder):
        raise nodes.SkipNode
    attrs = {"aria-label": _("About this report")}
    page = self.builder.env.metadata.get(self.builder.current_docname, {})
    language = self.builder.config.language or "en"
    if page.get("bookbuilder_language", language).lower() != language.lower():
        attrs["lang"] = language  # on a page in the report's language: the book's words
    self.body.append(self.starttag(node, "aside", CLASS="report-trailer", **attrs))


def depart_report_trailer(self: HTML5Translator, node: report_trailer) -> None:
    self.body.append("</aside>\n")


def visit_report_cite(self: HTML5Translator, node: report_cite) -> None:
    self.body.append(self.starttag(node, "details", CLASS="report-cite"))
    self.body.append(f"<summary>{html.escape(node['label'])}</summary>\n")


def depart_report_cite(self: HTML5Translator, node: report_cite) -> None:
    self.body.append("</details>\n")


def visit_cite_downloads(self: HTML5Translator, node: cite_downloads) -> None:
    """ "Download: CSL-JSON · RIS", the files ``scholarly.page_metadata`` writes beside the
    pages (the web edition's; the EPUB has no such files)."""
    if not is_web(self.builder):
        raise nodes.SkipNode
    here = self.builder.get_target_uri(self.builder.current_docname)
    name = node["page"].removeprefix(REPORT_PAGES)  # <slug>, or <slug>.<language>
    links = [
        f'<a class="report-cite-download reference external" '
        f'href="{html.escape(relative_uri(here, f"{CITE_DIR}/{name}.{suffix}"))}">'
        f"{self.encode(label)}</a>"
        for suffix, label in CITE_DOWNLOADS
    ]
    said = self.encode(_("Download"))
    self.body.append(f'<p class="report-cite-downloads">{said}: {" · ".join(links)}</p>\n')
    raise nodes.SkipNode


def visit_browse_cards(self: HTML5Translator, node: browse_cards) -> None:
    if not is_web(self.builder):  # the EPUB leaves the browse page out of its package
        raise nodes.SkipNode
    here = self.builder.current_docname
    config = self.builder.config
    out = ['<ul class="browse-cards" id="browse-cards">\n']
    for report in node["reports"]:
        out.append(
            card_html(
                report,
                lambda doc: self.builder.get_relative_uri(here, doc),
                lambda text: educate(text, config),
                topic_labels=topic_labels(config),
            )
        )
    out.append("</ul>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


def card_html(
    r: ReportRecord,
    uri: Callable[[str], str],
    typography: Callable[[str], str] = str,
    *,
    chapter: bool = True,
    facets: bool = True,
    heading: bool = False,
    topic_labels: Sequence[tuple[str, str]] = (),
) -> str:
    """One report's card: the same markup Sphinx writes for a paragraph and a document link.
    ``typography``: the smart quotes every page's text gets (``report.educate``), so a card
    says "physicist’s" as the report's own page does. The browse page's cards name their
    chapter and carry the facets its filters match (``data-*``); a chapter's page lists its
    own reports' cards without either, each titled by a heading (``heading``), so that a screen
    reader can go from report to report."""
    esc = html.escape

    def text(words: str) -> str:
        return esc(typography(words), quote=False)

    attrs = ""
    if facets:
        attrs = "".join(
            f' data-{f.key}="{esc(" ".join(v for v in f.values(r) if v))}"'
            for f in sorted(FACETS, key=lambda f: f.key)
        )

    def link(doc: str, words: str) -> str:
        return (
            f'<a class="reference internal" href="{esc(uri(doc))}">'
            f'<span class="doc">{text(words)}</span></a>'
        )

    def para(content: str, cls: str, lang: str | None = None, tag: str = "p") -> str:
        # xml:lang too, for the EPUB's XHTML (HTML allows it with the same value as lang)
        said = (
            f' lang="{esc(lang)}" xml:lang="{esc(lang)}"'
            if lang and lang != r.book_language
            else ""
        )
        if said and "rtl" in (direction(lang or ""), direction(r.book_language)):
            said += f' dir="{direction(lang or "")}"'  # a French title in an Arabic book
        return f'<{tag} class="{cls}"{said}>{content}</{tag}>\n'

    authors = ", ".join(f"{a.printed} ({_(ROLE_NAMES.get(a.role, a.role))})" for a in r.authors)
    where = f"{r.place.label} · {region_name(r.place.region, r.book_language)}"
    parts = [
        f'<li class="browse-card"{attrs}>\n',
        # the title and summary in the report's language, the rest in the book's
        para(
            link(report_docname(r.slug), r.title),
            "browse-title",
            r.language,
            "h2" if heading else "p",
        ),
        para(text(authors), "browse-authors"),
        para(text(f"{where} · {r.submitted_display}"), "browse-place"),
    ]
    if r.summary:
        parts.append(para(text(r.summary), "browse-summary", r.language))
    # A modality and a topic may be one word ("CT", "ct"): printed once.
    tags: list[str] = []
    modalities = (_(MODALITY_NAMES.get(m, m)) for m in r.modalities)
    for word in (*modalities, *(topic_words(t, topic_labels) for t in r.topics)):
        if word.casefold() not in {t.casefold() for t in tags}:
            tags.append(word)
    if tags:
        parts.append(para(text(" · ".join(tags)), "browse-tags"))
    if r.versions:  # a report with translations: every version, each its own link
        links = " · ".join(
            f'<a href="{esc(uri(v.page))}" hreflang="{esc(v.language)}">'
            f"{text(language_name(v.language, r.book_language))}</a>"
            for v in r.versions
        )
        parts.append(
            para(around(_("Read in {languages}"), "{languages}", links, text), "browse-languages")
        )
    if chapter:
        in_chapter = link(chapter_docname(r.chapter), r.chapter_title)
        parts.append(
            para(around(_("In {chapter}"), "{chapter}", in_chapter, text), "browse-chapter")
        )
    parts.append("</li>\n")
    return "".join(parts)


def around(words: str, placeholder: str, markup: str, text: Callable[[str], str]) -> str:
    """``words`` with ``placeholder`` replaced by ``markup``: the words around it escaped
    (``text``), wherever the book's language puts them ("Read in {languages}")."""
    before, _sep, after = words.partition(placeholder)
    return text(before) + markup + text(after)


def visit_browse_filters(self: HTML5Translator, node: browse_filters) -> None:
    if not is_web(self.builder):
        raise nodes.SkipNode
    esc = html.escape
    # Open where there is room, closed on a phone (decided before the first paint, so the
    # page does not move); shown only with JavaScript, which makes the filters work
    # (static/browse.js; the theme hides .pst-js-only without it).
    out = [
        f'<details class="browse-filters-panel pst-js-only" id="browse-filters-panel" open>'
        f"<summary>{esc(_(FILTERS_LABEL))}</summary>\n"
        f'<form class="browse-filters" id="browse-filters" '
        f'aria-label="{esc(_(FILTERS_LABEL))}" role="search">\n'
    ]
    for facet in node["facets"]:
        key = facet["key"]
        if key not in FACET_KEYS or len(facet["values"]) < 2:
            continue
        total = esc(str(node["total"]))
        every = esc(_("All"))
        out.append(
            f'<div class="browse-filter"><label for="filter-{key}">{esc(facet["label"])}</label>'
            f'<select id="filter-{key}" name="{key}">'
            f'<option value="">{every} ({total})</option>'
        )
        for value, label, count in facet["values"]:
            out.append(f'<option value="{esc(value)}">{esc(label)} ({esc(str(count))})</option>')
        out.append("</select></div>\n")
    reset = esc(_("Clear all filters"))
    out.append(f'<button type="reset" class="browse-reset">{reset}</button>\n</form>\n')
    out.append(
        "</details>\n<script>document.getElementById('browse-filters-panel').open = "
        f"!window.matchMedia('{PHONE_QUERY}').matches;</script>\n"
    )
    # the words browse.js counts with, in the book's language (no plural: any count)
    some = esc(_("Showing {shown} of {total} reports"))
    every = esc(_("Showing all {total} reports"))
    count = esc(ngettext("{n} report", "{n} reports", node["total"]).format(n=node["total"]))
    out.append(
        f'<p class="browse-count" id="browse-count" role="status" aria-live="polite" '
        f'data-some="{some}" data-all="{every}">{count}</p>\n'
    )
    self.body.append("".join(out))
    raise nodes.SkipNode


def _human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB"


def edition_files(config: Config) -> list[tuple[str, str, str, str]]:
    """(edition, build folder, file name, label) of the editions the landing page offers
    (editions.py: those with a ``download`` label, in the book's language)."""
    basename = config.bookbuilder_meta.basename
    return [
        (e.name, e.builder, e.output.format(basename=basename), _(e.download))
        for e in editions.downloadable()
    ]


def visit_book_downloads(self: HTML5Translator, node: book_downloads) -> None:
    if not is_web(self.builder):
        raise nodes.SkipNode
    outdir = Path(self.builder.outdir)
    here = self.builder.get_target_uri(self.builder.current_docname)
    items = []
    for _edition, _folder, name, label in edition_files(self.builder.config):
        path = outdir / DOWNLOADS_DIR / name
        if not path.is_file():
            continue
        href = relative_uri(here, f"{DOWNLOADS_DIR}/{name}")
        size = _human_size(path.stat().st_size)
        download = html.escape(_("Download the {edition}").format(edition=label))
        items.append(
            f'<li><a class="book-download" href="{html.escape(href)}" download>'
            f'<span class="book-download-label">'
            f"{download}</span> "
            f'<span class="book-download-size">({size})</span></a></li>'
        )
    if items:
        heading = html.escape(_("Take the whole book with you"))
        self.body.append(
            '<section class="book-downloads" aria-labelledby="book-downloads-title">'
            f'<h2 id="book-downloads-title">{heading}</h2>'
            f"<ul>{''.join(items)}</ul></section>\n"
        )
    raise nodes.SkipNode


# -- directives -------------------------------------------------------------------------------


def _doc_link(env: BuildEnvironment, target: str, text: str, classes=()) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget=target,
        refexplicit=True,
        refwarn=True,
        refdoc=env.docname,
        classes=list(classes),
    )
    ref += nodes.inline(text, text)
    return ref


def _para(text: str, *classes: str) -> nodes.paragraph:
    return nodes.paragraph("", text, classes=list(classes))


class JSONDirective(SphinxDirective):
    has_content = True

    def data(self) -> dict[str, Any]:
        return json.loads("\n".join(self.content))


class BookLanding(JSONDirective):
    """The landing page's screen part (the PDF has a title page instead)."""

    def run(self) -> list[nodes.Node]:
        data = self.data()
        self.env.metadata[self.env.docname]["bookbuilder_description"] = (
            data.get("description") or ""
        )
        hero = nodes.container(classes=["book-hero"])
        if data.get("cover"):  # the EPUB has a cover page of its own; the PDF a title page
            cover = web_only(classes=["book-cover-frame"])
            cover += nodes.image(
                uri=data["cover"],
                alt=_("The cover of {title}").format(title=data["title"]),
                classes=["book-cover"],
            )
            hero += cover
        text = nodes.container(classes=["book-hero-text"])
        if data.get("subtitle"):
            text += _para(data["subtitle"], "book-subtitle")
        if data.get("editors"):
            editors = ", ".join(data["editors"])
            text += _para(_("Edited by {editors}").format(editors=editors), "book-editors")
        if data.get("description"):
            text += _para(data["description"], "book-description")
        hero += text
        ways = web_only(classes=["book-ways-in"])
        count = data.get("reports", 0)
        links = nodes.paragraph(classes=["book-ways-in-links"])
        if count:
            links += _doc_link(
                self.env,
                f"/{BROWSE_DOC}",
                ngettext("Browse the {n} report", "Browse all {n} reports", count).format(n=count),
                ["book-button"],
            )
            links += _doc_link(self.env, f"/{GLANCE_DOC}", _(GLANCE_TITLE), ["book-button"])
        if data.get("chapters"):
            first = data["chapters"][0]
            links += _doc_link(
                self.env, "/" + chapter_docname(first["id"]), _("Start reading"), ["book-button"]
            )
        ways += links
        text += ways
        self.env.metadata[self.env.docname][a11y.STATEMENT_FLAG] = "yes"
        statement = web_only(classes=["book-accessibility"])
        statement += a11y.accessibility_statement(collapsed=True)
        return [hero, book_downloads(), statement, offline.offline_panel(), self._contents(data)]

    def _contents(self, data: dict[str, Any]) -> nodes.Element:
        """The book's pages as a one-level toctree shows them, each under its own title."""
        wrapper = nodes.compound(classes=["toctree-wrapper", "book-contents"])
        items = nodes.bullet_list()
        for doc in data.get("contents", []):
            ref = addnodes.pending_xref(
                "",
                refdomain="std",
                reftype="doc",
                reftarget=f"/{doc}",
                refexplicit=False,  # the page's title, resolved as the toctree's was
                refwarn=True,
                refdoc=self.env.docname,
            )
            ref += nodes.inline("", "")
            # not "toctree-l1": the EPUB builder takes items of that class for its navigation
            item = nodes.list_item(classes=["book-contents-item"])
            item += addnodes.compact_paragraph("", "", ref)
            items += item
        wrapper += items
        return wrapper


class ReportBrowse(JSONDirective):
    """Every report as a card, and the filters (web edition)."""

    def run(self) -> list[nodes.Node]:
        data = self.data()
        reports = tuple(ReportRecord.from_data(r) for r in data["reports"])
        total = len(reports)
        filters = browse_filters(facets=data["facets"], total=total)
        # One node for all the cards, written out by visit_browse_cards: thousands of docutils
        # nodes and cross-references made this page cost as much as 50 reports (profiled).
        cards = browse_cards(reports=reports)
        empty = _para(_("No report matches these filters."), "browse-empty")
        empty["ids"] = ["browse-empty"]
        return [filters, cards, empty]


class ReportTrailer(SphinxTransform):
    """Back to the chapter, and "cite this report" (web edition only), from the report's record
    in the render stage's data file: never from the report's page, so no report text can reach,
    imitate or swallow it. Runs with the byline (``ReportFrame``), after the report's nodes were
    checked."""

    default_priority = lockdown.FRAME_PRIORITY

    def apply(self, **kwargs: Any) -> None:
        record = lockdown.report_record(self.env.srcdir, self.env.docname)
        section = next((n for n in self.document.children if isinstance(n, nodes.section)), None)
        if record is None or section is None:
            return
        meta: BookMeta = self.config.bookbuilder_meta
        metadata = self.env.metadata[self.env.docname]
        metadata["bookbuilder_description"] = record.summary or ""
        metadata["bookbuilder_type"] = "article"
        metadata["bookbuilder_authors"] = ", ".join(a.printed for a in record.authors)
        base = self.config.html_baseurl
        url = f"{base.rstrip('/')}/{record.page}.html" if base else None
        trailer = report_trailer()
        before, after = _("Part of the chapter {chapter}").split("{chapter}", 1)
        back = nodes.paragraph("", before, classes=["report-chapter"])
        back += _doc_link(self.env, "/" + chapter_docname(record.chapter), record.chapter_title)
        if after:
            back += nodes.Text(after)
        trailer += back
        cite_this = (
            _("Cite this report") if record.translation is None else _("Cite this translation")
        )
        box = report_cite(label=cite_this)
        box += _para(_("Plain text"), "report-cite-label")
        box += _para(cite.plain(record, meta, url), "report-cite-plain")
        box += _para("BibTeX", "report-cite-label")
        entry = cite.bibtex(record, meta, url)
        box += nodes.literal_block(entry, entry, language="bibtex", classes=["report-cite-bibtex"])
        box += cite_downloads(page=record.page)
        trailer += box
        section += trailer


class TrailerLast(SphinxPostTransform):
    """Move a report's trailer to the end of its page (after its body and footnotes)."""

    default_priority = 950

    def run(self, **kwargs: Any) -> None:
        for trailer in list(self.document.findall(report_trailer)):
            section = next(self.document.findall(nodes.section), None)
            if section is None:
                continue
            trailer.parent.remove(trailer)
            section += trailer


class WebOnlyOut(SphinxPostTransform):
    """The EPUB and PDF lose the web edition's parts before they are written, so images in
    them (the landing page's cover) are not copied into those editions either."""

    default_priority = 100

    def run(self, **kwargs: Any) -> None:
        if is_web(self.env._builder_cls):  # Sphinx's own post-transforms look here too
            return
        for node in list(self.document.findall(web_only)):
            node.parent.remove(node)


# -- events -----------------------------------------------------------------------------------


def sync_downloads(build: BuildState, app: Sphinx) -> None:
    """builder-inited: copy the EPUB and PDF that are current into the web edition; drop every
    other file.

    Runs when the HTML is built (``make all`` builds it last), so the landing page offers
    exactly the editions that exist and were built from the sources as they stand
    (``current.is_current``: never an e-book with a withdrawn report in it), and the HTML
    folder alone can be published.
    """
    if not is_web(app.builder) or app.config.bookbuilder_meta is None:
        return  # not the web edition, or not a book (a bare Sphinx project: tests/test_doctree)
    builddir = Path(app.outdir).parent
    target = Path(app.outdir) / DOWNLOADS_DIR
    found = []
    for edition, folder, name, _label in edition_files(app.config):
        source = builddir / folder / name
        if source.is_file() and current.is_current(builddir, edition):
            copy = target / name
            target.mkdir(parents=True, exist_ok=True)
            if not _same_file_state(source, copy):  # not reading tens of MB on every build
                shutil.copy2(source, copy)
            found.append((name, source.stat().st_size))
    if target.is_dir():
        offered = {name for name, _size in found}
        for old in target.iterdir():
            if old.name in offered:
                continue
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        if not offered:
            target.rmdir()
    build.downloads = tuple(found)


def _same_file_state(source: Path, copy: Path) -> bool:
    """``copy`` was made from ``source`` as it is now (copy2 keeps the modification time)."""
    if not copy.is_file():
        return False
    a, b = source.stat(), copy.stat()
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def landing_outdated(
    build: BuildState,
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """env-get-outdated: the landing page lists the downloads: written again when they change."""
    now = build.downloads
    kept = vars(env)  # the last build's downloads, an attribute of the environment's own, pickled
    if now is None or kept.get("bookbuilder_downloads") == now:
        return []
    kept["bookbuilder_downloads"] = now
    return [app.config.root_doc] if app.config.root_doc in env.found_docs else []


def report_footer(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """html-page-context: a report's page names its own authors and licence, not the book's editors:
    the theme's footer says "By {author}" (printed as it is: escaped here) and "© Copyright
    {copyright}" (escaped by its template). Connected after the theme, which sets ``author`` to the
    book's."""
    authors = app.env.metadata.get(pagename, {}).get("bookbuilder_authors")
    if not authors or not is_web(app.builder):
        return
    meta: BookMeta | None = app.config.bookbuilder_meta
    # The theme prints ``author`` unescaped ("By {{ author }}") and escapes ``copyright``
    # itself: names are untrusted text, so they are escaped here, once.
    context["author"] = html.escape(authors)
    rights = f"{meta.year}, {authors}" if meta is not None else authors
    if meta is not None and meta.licence:
        rights += f". Licence: {meta.licence}"
    context["copyright"] = rights


class UnbrokenBookTitle(SphinxPostTransform):
    """The book's title on its landing page never breaks after a hyphen ("COVID-19"): each
    hyphenated word becomes an inline of class ``nowrap`` (online.css; the PDF ignores it)."""

    default_priority = 960

    def run(self, **kwargs: Any) -> None:
        if self.env.docname != self.config.root_doc:
            return
        title = next(self.document.findall(nodes.title), None)
        if title is None:
            return
        for text in list(title.findall(nodes.Text)):
            parts = _HYPHENATED_WORD.split(str(text))
            if len(parts) == 1:
                continue
            replacement: list[nodes.Node] = []
            for index, part in enumerate(parts):
                if index % 2:
                    replacement.append(nodes.inline(part, part, classes=["nowrap"]))
                elif part:
                    replacement.append(nodes.Text(part))
            text.parent.replace(text, replacement)


_HYPHENATED_WORD = re.compile(r"(\S*\w[-‐]\w\S*)")


def link_previews(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """html-page-context: link previews (OpenGraph, Twitter card) and the browse page's script;
    web edition only."""
    if not is_web(app.builder):
        return
    if pagename == BROWSE_DOC:
        app.add_js_file("browse.js", loading_method="defer")
    env = app.env
    metadata = env.metadata.get(pagename, {})
    title_node = env.titles.get(pagename)
    title = title_node.astext() if title_node is not None else app.config.project
    description = metadata.get("bookbuilder_description") or app.config.epub_description
    base = app.config.html_baseurl
    tags = {
        "og:title": title,
        "og:type": metadata.get("bookbuilder_type", "website"),
        "og:site_name": app.config.project,
        "og:locale": app.config.language or "en",
        "twitter:card": "summary_large_image" if base else "summary",
        "twitter:title": title,
    }
    if description:
        tags["og:description"] = description
        tags["twitter:description"] = description
    if base:
        tags["og:url"] = base.rstrip("/") + "/" + app.builder.get_target_uri(pagename)
        tags["og:image"] = base.rstrip("/") + "/_static/social-card.png"
        tags["og:image:alt"] = f"{app.config.project}: {app.config.epub_description}".strip(": ")
        tags["twitter:image"] = tags["og:image"]
    lines = []
    if description:
        lines.append(f'<meta name="description" content="{html.escape(description)}" />')
    for key, value in tags.items():
        attr = "name" if key.startswith("twitter:") else "property"
        lines.append(f'<meta {attr}="{key}" content="{html.escape(str(value))}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def _social_card_drawing(app: Sphinx) -> tuple[Path, str, tuple[str, str], Callable[[], bytes]]:
    """The link preview's ``drawn`` arguments: kept beside the doctrees, since _static/ is
    emptied before every build (outputs.py)."""
    from bookbuilder.render.charts import social_card_png

    subtitle = app.config.html_context.get("bookbuilder_subtitle", "") or app.config.author
    title = app.config.project
    return (
        Path(app.doctreedir) / "drawn",
        "social-card.png",
        (title, subtitle),
        lambda: social_card_png(title, subtitle),
    )


def draw_social_card_aside(build: BuildState, app: Sphinx) -> None:
    """builder-inited: with ``JOBS`` above 1, a link preview not drawn yet is drawn (matplotlib,
    about 1.2 s of CPU) in a process of its own while Sphinx reads, where it took the main
    process's time at the end of the build, the other cores idle (profiled at 1,000 reports)."""
    if app.parallel < 2 or not is_web(app.builder):
        return
    folder, name, inputs, draw = _social_card_drawing(app)
    if is_drawn(folder, name, inputs):
        return
    process = multiprocessing.get_context("fork").Process(
        target=drawn, args=(folder, name, inputs, draw), daemon=True
    )
    process.start()
    build.drawing_aside = process


def social_card(build: BuildState, app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the picture a shared link shows, the title and subtitle on the book's
    colour (drawn here unless drawn aside: ``draw_social_card_aside``)."""
    if build.drawing_aside is not None:
        build.drawing_aside.join()  # a failed drawing is drawn again below
        build.drawing_aside = None
    if exception is not None or not is_web(app.builder):
        return
    folder, name, inputs, draw = _social_card_drawing(app)
    write_if_changed(Path(app.outdir) / "_static" / name, drawn(folder, name, inputs, draw))


def add_templates(app: Sphinx, config: Config) -> None:
    """config-inited: our fixes to the theme's templates, found first."""
    # Our fixes to the theme's templates (accessibility), found before the theme's own.
    config.templates_path = [str(HTML_TEMPLATES), *config.templates_path]
