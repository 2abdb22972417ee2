"""The ``book-contributors`` directive: the Contributors page, built from the render stage's data.

The page lists every author and translator with links to their reports: at 1,000 reports, 9,000
docutils nodes and 1,700 cross-references, which Sphinx read, smart-quoted, resolved and wrote
again whenever a report was added (0.66 s, a sixth of that build; profiled). So the directive
makes one :class:`contributors_list` node holding the list, as the browse page's cards are one
node, and:

- the HTML and EPUB writers write it in one visit (:func:`visit_contributors_html`): a
  definition list, every name and title escaped, every link made by the builder's own
  ``get_relative_uri``;
- for every other writer (the PDF's), :class:`ContributorsAsNodes` turns it into plain docutils
  nodes (a definition list: a name, then roles, affiliations and ORCID iD, then links to the
  reports) before the cross-references are resolved, so the PDF prints the same list with its
  own writer.

Names and titles are text, never markup, and have the typography Sphinx's smart quotes give
text (``report.educate``). The node's child is the list as plain text, which the search index
reads and no writer prints.
"""

from __future__ import annotations

import html
import json
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from bookbuilder import editions
from bookbuilder.layout import REPORT_PAGES
from bookbuilder.sphinx.report import educate
from bookbuilder.words import ngettext

logger = logging.getLogger(__name__)
# The writers that get the list as docutils nodes: every format but HTML's (website, EPUB): the
# editions whose pages are not HTML (editions.py: their builders' format is their name), and
# Sphinx's other writers.
NOT_HTML = (*editions.without_html(), "latex", "text", "man", "texinfo", "xml", "pseudoxml")


class contributors_list(nodes.General, nodes.Element):
    """Every contributor (``people``: the render stage's records, their text educated)."""


class BookContributors(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        data = json.loads("\n".join(self.content))
        people = [_educated(person, self.config) for person in data["contributors"]]
        # educated here: Sphinx's smart quotes leave the node alone (they read the attribute)
        node = contributors_list(people=people, support_smartquotes=False)
        searchable = nodes.paragraph()  # for the search index; skipped by every writer
        searchable += nodes.Text("\n".join(_words(person) for person in people))
        node += searchable
        return [node]


def _educated(person: dict[str, Any], config: Any) -> dict[str, Any]:
    person = dict(person)
    person["name"] = educate(person["name"], config)
    person["roles"] = [educate(role, config) for role in person["roles"]]
    person["affiliations"] = [educate(a, config) for a in person["affiliations"]]
    person["contributions"] = [
        {**c, "title": educate(c["title"], config)} for c in person["contributions"]
    ]
    return person


def _words(person: dict[str, Any]) -> str:
    titles = [c["title"] for c in person["contributions"]]
    return " ".join([person["name"], *person["roles"], *person["affiliations"], *titles])


def _details_text(person: dict[str, Any]) -> str:
    """Roles, then affiliations (which have commas of their own: kept apart by ';')."""
    parts = [", ".join(person["roles"]), "; ".join(person["affiliations"])]
    return " · ".join(part for part in parts if part)


def _by_kind(contributions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for contribution in contributions:
        grouped.setdefault(contribution.get("kind", "author"), []).append(contribution)
    return grouped


def _label(kind: str, contributions: list[dict[str, Any]]) -> str:
    """What a contribution's links are introduced with, by kind and number."""
    if kind == "translator":
        return ngettext("Translation", "Translations", len(contributions))
    return ngettext("Report", "Reports", len(contributions))


# -- the web edition and the EPUB ---------------------------------------------------------------


def visit_contributors_html(self: Any, node: contributors_list) -> None:
    """The markup docutils' HTML writer gave the list as nodes, written at once: text encoded
    by the writer's own ``encode``, attributes escaped."""
    esc, encode = html.escape, self.encode
    builder, here = self.builder, self.builder.current_docname
    found = builder.env.found_docs
    out = ['<dl class="book-contributors">\n']
    for person in node["people"]:
        out.append(f"<dt>{encode(person['name'])}</dt><dd>")
        details, orcid = _details_text(person), person.get("orcid")
        if details or orcid:
            out.append(f'<p class="contributor-details">{encode(details)}')
            if orcid:
                uri = esc(f"https://orcid.org/{orcid}")
                joint = " · " if details else ""
                shown = encode(f"https://orcid.org/{orcid}")
                out.append(f'{joint}<a class="reference external" href="{uri}">{shown}</a>')
            out.append("</p>\n")
        for kind, contributions in _by_kind(person["contributions"]).items():
            links = []
            for contribution in contributions:
                title = encode(contribution["title"])
                target = f"{REPORT_PAGES}{contribution['slug']}"
                if target not in found:  # as an unresolved cross-reference says
                    logger.warning(
                        "contributors: no page %s for %s", target, person["name"], location=here
                    )
                    links.append(title)
                    continue
                try:
                    href = builder.get_relative_uri(here, target)
                except NoUri:
                    links.append(title)
                    continue
                links.append(
                    f'<a class="reference internal" href="{esc(href)}">'
                    f'<span class="doc">{title}</span></a>'
                )
            label = _label(kind, contributions)
            out.append(f'<p class="contributor-reports">{label}: {"; ".join(links)}</p>\n')
        out.append("</dd>\n")
    out.append("</dl>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


# -- every other writer (the PDF's) ------------------------------------------------------------


class ContributorsAsNodes(SphinxPostTransform):
    """The list as docutils nodes, for writers other than HTML's; before the references are
    resolved (Sphinx's resolver runs at priority 10)."""

    default_priority = 5
    formats = NOT_HTML

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(contributors_list)):
            node.replace_self(self._definition_list(node["people"]))

    def _definition_list(self, people: list[dict[str, Any]]) -> nodes.definition_list:
        listing = nodes.definition_list(classes=["book-contributors"])
        for person in people:
            item = nodes.definition_list_item(classes=["book-contributor"])
            item += nodes.term("", person["name"])
            definition = nodes.definition()
            details = _details(person)
            if details is not None:
                definition += details
            for kind, contributions in _by_kind(person["contributions"]).items():
                definition += self._links(kind, contributions)
            item += definition
            listing += item
        return listing

    def _links(self, kind: str, contributions: list[dict[str, Any]]) -> nodes.paragraph:
        para = nodes.paragraph(classes=["contributor-reports"])
        para += nodes.Text(f"{_label(kind, contributions)}: ")
        for index, contribution in enumerate(contributions):
            if index:
                para += nodes.Text("; ")
            ref = addnodes.pending_xref(
                "",
                refdomain="std",
                reftype="doc",
                reftarget=f"/{REPORT_PAGES}{contribution['slug']}",
                refexplicit=True,
                refwarn=True,
                refdoc=self.env.docname,
            )
            ref += nodes.inline(contribution["title"], contribution["title"])
            para += ref
        return para


def _details(person: dict[str, Any]) -> nodes.paragraph | None:
    """Roles and affiliations, then the ORCID iD as a link (its full URL, as ORCID asks)."""
    details = _details_text(person)
    if not details and not person.get("orcid"):
        return None
    para = nodes.paragraph(classes=["contributor-details"])
    para += nodes.Text(details)
    if person.get("orcid"):
        if details:
            para += nodes.Text(" · ")
        uri = f"https://orcid.org/{person['orcid']}"
        para += nodes.reference("", uri, refuri=uri)
    return para
