"""The ``book-contributors`` directive: the Contributors page, built from the render stage's data.

Plain docutils nodes (a definition list: a name, then roles, affiliations and ORCID iD, then
links to the reports), so the HTML, the EPUB and the PDF print the same list with their own
writers, and a PDF engine other than LaTeX gets it too. Names and titles are Text nodes: never
markup.
"""

from __future__ import annotations

import json
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

# What a contribution's links are introduced with, by kind and number.
KIND_LABELS = {"author": ("Report", "Reports"), "translator": ("Translation", "Translations")}


class BookContributors(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        data = json.loads("\n".join(self.content))
        people = nodes.definition_list(classes=["book-contributors"])
        for person in data["contributors"]:
            item = nodes.definition_list_item(classes=["book-contributor"])
            item += nodes.term("", person["name"])
            definition = nodes.definition()
            details = _details(person)
            if details is not None:
                definition += details
            for kind, contributions in _by_kind(person["contributions"]).items():
                definition += self._links(kind, contributions)
            item += definition
            people += item
        return [people]

    def _links(self, kind: str, contributions: list[dict[str, Any]]) -> nodes.paragraph:
        one, many = KIND_LABELS.get(kind, KIND_LABELS["author"])
        para = nodes.paragraph(classes=["contributor-reports"])
        para += nodes.Text(f"{one if len(contributions) == 1 else many}: ")
        for index, contribution in enumerate(contributions):
            if index:
                para += nodes.Text("; ")
            para += self._report_link(contribution)
        return para

    def _report_link(self, contribution: dict[str, Any]) -> addnodes.pending_xref:
        ref = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget=f"/experiences/{contribution['slug']}",
            refexplicit=True,
            refwarn=True,
            refdoc=self.env.docname,
        )
        ref += nodes.inline(contribution["title"], contribution["title"])
        return ref


def _details(person: dict[str, Any]) -> nodes.paragraph | None:
    """Roles, affiliations (which have commas of their own: kept apart by ';'), then the ORCID
    iD as a link (its full URL, as ORCID asks)."""
    parts = [", ".join(person["roles"]), "; ".join(person["affiliations"])]
    parts = [part for part in parts if part]
    if not parts and not person.get("orcid"):
        return None
    para = nodes.paragraph(classes=["contributor-details"])
    para += nodes.Text(" · ".join(parts))
    if person.get("orcid"):
        if parts:
            para += nodes.Text(" · ")
        uri = f"https://orcid.org/{person['orcid']}"
        para += nodes.reference("", uri, refuri=uri)
    return para


def _by_kind(contributions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for contribution in contributions:
        grouped.setdefault(contribution.get("kind", "author"), []).append(contribution)
    return grouped
