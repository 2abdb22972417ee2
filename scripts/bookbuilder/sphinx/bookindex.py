"""The book's index, one for every edition: authors, countries, roles, modalities and topics.

Each report's byline carries its index entries (``report.ReportFrame``: one Sphinx ``index``
node, the entries of :func:`index_entries`), and Sphinx's index domain keeps them per page,
so a rebuild that reads one report again changes that report's entries alone. An entry is
Sphinx's ``("single", heading, target, "", section)``: the heading as the index prints it
(labels, never slugs: "Radiographer", "Nuclear medicine", "air quality"; a person as written,
"Giulia Bianchi"), and the index section it belongs to as Sphinx's category key (for a person,
with the form it is filed under: ``author:Bianchi, Giulia``). :func:`book_index` turns the
domain's entries into the sections every edition prints, in the book's order of sections and
in ICU's collation for the book's language within each ("Ł" after "L", before "M", in English
as in Polish):

- the web edition and the EPUB: ``genindex`` (the template ``genindex.html``, its body from
  :func:`index_html`; in the EPUB with the EPUB Indexes 1.0 vocabulary, ``epub:type="index"``,
  ``index-group``, ``index-entry``, ``index-term``, ``index-locator``), linked from the web
  edition's sidebar, from the EPUB's landmarks and spine, and declared in its accessibility
  metadata only when it has entries;
- the PDF: the same sections, each entry with the pages of its reports (``pdf.py``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from sphinx.locale import _

from bookbuilder import words
from bookbuilder.model import FACETS, Author, ReportRecord
from bookbuilder.render.browse import facet_label

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from bookbuilder.sphinx.state import BuildState

AUTHORS = "author"
#: The index's sections, in the order every edition prints them: key → heading.
SECTIONS: dict[str, str] = {
    AUTHORS: words.N_("Authors"),
    **{f.key: f.index for f in FACETS if f.index is not None},
}


def author_section(author: Author) -> str:
    """The index section key of ``author``'s entry, with the form it is filed as: the entry
    prints the name as written ("Aroha Te Rangi", "Kim Min-jun") and files it under the family
    name ("Te Rangi, Aroha"), from the one :class:`~bookbuilder.names.PersonName` of the author.
    Sphinx's index entry has no field of its own for a sort key, so it rides on the section's."""
    return f"{AUTHORS}:{author.person.file_as}"


def index_entries(
    record: ReportRecord, target: str, topic_labels: Sequence[tuple[str, str]] = ()
) -> list[tuple[str, str, str, str, str]]:
    """A report's index entries, as Sphinx's index node holds them (see the module's text);
    ``topic_labels``: the book's own words for its topics (conf.py's ``topic_labels``)."""
    terms = [(author_section(a), a.person.printed) for a in record.authors]
    for facet in FACETS:
        if facet.key in SECTIONS:
            language = record.book_language
            terms += [
                (facet.key, facet_label(facet.key, v, record, language, topic_labels))
                for v in facet.values(record)
            ]
    # ';' separates Sphinx's sub-entries and a leading '!' marks a main entry: neither is data.
    return [
        ("single", heading.replace(";", ",").lstrip("!") or "?", target, "", section)
        for section, heading in dict.fromkeys(terms)
    ]


# -- the index as the editions print it -------------------------------------------------------


@dataclass(frozen=True)
class Locator:
    """Where an entry leads: a page (a report) and the place on it (its byline)."""

    docname: str
    target: str


@dataclass
class Entry:
    term: str
    letter: str  # the heading of its alphabetical group, in the book's language
    locators: list[Locator] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    entries: list[Entry]


def book_index(
    domain_entries: dict[str, list[tuple[str, str, str, str, str | None]]],
    order: Iterable[str],
    language: str,
) -> list[Section]:
    """The index of the book: ``domain_entries`` (Sphinx's index domain: page → entries) of the
    pages in ``order`` (the book's reading order), in sections; empty sections left out."""
    # term → its locators, each once, in reading order (a dict: ordered, found in constant time)
    collected: dict[str, dict[str, dict[Locator, None]]] = {key: {} for key in SECTIONS}
    filed_as: dict[str, str] = {}  # an author's name as printed → as filed ("Bianchi, Giulia")
    for docname in order:
        for kind, heading, target, _main, section in domain_entries.get(docname, ()):
            key, _sep, filed = (section or "").partition(":")
            if kind == "single" and key in collected:
                collected[key].setdefault(heading, {})[Locator(docname, target)] = None
                if filed:
                    filed_as.setdefault(heading, filed)
    sort_key, letter = _collation(language)
    sections = []
    for key, terms in collected.items():
        split = key == AUTHORS  # filed "Bianchi, Giulia": family, then given name

        def filing(term: str) -> str:
            return filed_as.get(term, term)

        ordered = sorted(terms, key=lambda t: sort_key(filing(t), split))
        entries = [Entry(t, letter(filing(t)), list(terms[t])) for t in ordered]
        if entries:
            sections.append(Section(key, words._(SECTIONS[key]), entries))
    return sections


@cache
def _collation(language: str) -> tuple[Callable[[str, bool], Any], Callable[[str], str]]:
    """ICU's sort key and alphabetical group ("letter") of a heading in ``language``."""
    import icu  # PyICU (the pyicu-wheels package ships ICU itself)

    locale = icu.Locale(language.replace("-", "_"))
    collator = icu.Collator.createInstance(locale)
    buckets = icu.AlphabeticIndex(locale).buildImmutableIndex()

    def sort_key(term: str, split: bool) -> tuple[bytes, ...]:
        parts = term.split(", ", 1) if split else [term]
        return (*(collator.getSortKey(p) for p in parts), term.encode())

    def letter(term: str) -> str:
        label = buckets.getBucket(buckets.getBucketIndex(term))[0]
        # ICU's "…" groups the scripts the language's alphabet does not have: their first letter
        return label if label and label != "…" else (term[:1].upper() or "…")

    return sort_key, letter


def has_entries(sections: list[Section]) -> bool:
    return any(s.entries for s in sections)


def index_html(
    sections: list[Section],
    href: Callable[[Locator], str],
    title: Callable[[str], str],
    heading: str,
    *,
    epub: bool,
) -> str:
    """The index page's body: a heading, the sections' names as links (web), and each section
    as a list of terms, each with the reports it leads to. In the EPUB, marked up with the
    EPUB Indexes 1.0 vocabulary (``epub:type``), which reading systems may use."""
    esc = html.escape

    def kind(name: str) -> str:
        return f' epub:type="{name}"' if epub else ""

    out = [
        f'<section class="book-index" role="doc-index"{kind("index")} aria-labelledby="index">\n'
    ]
    out.append(f'<h1 id="index">{esc(heading)}</h1>\n')
    if not epub and len(sections) > 1:
        links = " · ".join(f'<a href="#index-{s.key}">{esc(s.title)}</a>' for s in sections)
        out.append(f'<p class="book-index-sections">{links}</p>\n')
    for section in sections:
        out.append(
            f'<section class="book-index-section"{kind("index-group")} '
            f'aria-labelledby="index-{section.key}">\n'
            f'<h2 id="index-{section.key}">{esc(section.title)}</h2>\n'
            f'<ul class="book-index-entries"{kind("index-entry-list")}>\n'
        )
        for entry in section.entries:
            links = "".join(
                f'<li><a{kind("index-locator")} href="{esc(href(loc))}">'
                f"{esc(title(loc.docname), quote=False)}</a></li>"
                for loc in entry.locators
            )
            out.append(
                f'<li class="book-index-entry"{kind("index-entry")}>'
                f'<span class="book-index-term"{kind("index-term")}>'
                f"{esc(entry.term, quote=False)}</span>"
                f'<ul class="book-index-locators"{kind("index-locator-list")}>{links}</ul></li>\n'
            )
        out.append("</ul>\n</section>\n")
    out.append("</section>\n")
    return "".join(out)


# -- Sphinx events ------------------------------------------------------------------------------


def reading_order(env: Any, root: str) -> list[str]:
    """Every page reached from ``root`` by the toctrees, in the book's reading order."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [root]
    while stack:
        docname = stack.pop()
        if docname in seen:
            continue
        seen.add(docname)
        order.append(docname)
        stack.extend(reversed(env.toctree_includes.get(docname, ())))
    return order


def prepare(build: BuildState, app: Sphinx, builder: Any) -> None:
    """write-started: the book's index, made once the book is read; the web edition and the
    EPUB write their index page only when it has entries (the EPUB then leaves it out of its
    spine, landmarks and accessibility metadata)."""
    if builder.format != "html":
        return  # the PDF makes its own, with page numbers (pdf.py)
    env = builder.env
    meta = builder.config.bookbuilder_meta
    language = meta.language if meta is not None else (builder.config.language or "en")
    order = reading_order(env, builder.config.root_doc)
    build.book_index = book_index(env.domains.index_domain.entries, order, language)
    builder.use_index = has_entries(build.book_index)


def index_page(
    build: BuildState, app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """html-page-context: every page knows whether the book has an index (the sidebar's link);
    the index page gets its body (``templates/html/genindex.html``)."""
    sections = build.book_index or []
    context["bookbuilder_has_index"] = has_entries(sections)
    hasdoc = context.get("hasdoc")
    if hasdoc is not None and not context["bookbuilder_has_index"]:
        # no index page was written: no <link rel="index"> to it either
        context["hasdoc"] = lambda name: name != "genindex" and hasdoc(name)
    if pagename != "genindex":
        return
    builder = app.builder
    titles = app.env.titles
    # each report is listed under its authors, country, roles, modalities and topics: its
    # address and title are worked out once, not once per entry
    uris: dict[str, str] = {}
    shown: dict[str, str] = {}

    def href(locator: Locator) -> str:
        docname = locator.docname
        if docname not in uris:
            uris[docname] = builder.get_relative_uri(pagename, docname)
        return f"{uris[docname]}#{locator.target}"

    def title(docname: str) -> str:
        if docname not in shown:
            shown[docname] = titles[docname].astext() if docname in titles else docname
        return shown[docname]

    epub = builder.name.startswith("epub")
    context["bookbuilder_index"] = index_html(sections, href, title, _("Index"), epub=epub)
