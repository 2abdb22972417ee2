"""What indexes and reference managers read from a report's page: one citation record, many forms.

Everything comes from the report's :class:`~bookbuilder.model.ReportRecord` (resolved once by
the render stage, carried to the Sphinx side in its data file) and the book's
:class:`~bookbuilder.model.BookMeta`; the Sphinx side puts it into each report page's head and
writes its downloads. From them come:

- Highwire Press ``citation_*`` meta tags (what Google Scholar reads): title, each author with
  institution and ORCID, the book (``citation_inbook_title``), date, language, publisher, ISBN,
  DOI, the page's address, and ``citation_pdf_url`` only when a PDF of the report exists;
- Dublin Core ``DC.*`` meta tags;
- schema.org JSON-LD: a ``Chapter`` that ``isPartOf`` the ``Book``;
- "cite this report" downloads: CSL-JSON (Zotero, Mendeley, pandoc) and RIS (EndNote, Papers).

Every person's parts come from their :class:`~bookbuilder.names.PersonName`: ``Family, Given``
where a format inverts names (Highwire, RIS, Dublin Core), ``family``/``given`` where it has
fields (CSL-JSON, JSON-LD), and an organisation whole (CSL ``literal``, a schema.org
``Organization``), so a reference manager files ``Kim Min-jun`` under Kim and
``Aroha Te Rangi`` under Te Rangi. A name with a Latin form is cited by it.

Everything here is plain data from untrusted reports: the meta tags are escaped when written,
and the JSON-LD has ``<``, ``>`` and ``&`` as JSON escapes so it can never close its script.
"""

from __future__ import annotations

import json
from typing import Any

from bookbuilder.layout import page_slug
from bookbuilder.model import Author, BookMeta, ReportRecord
from bookbuilder.names import PersonName


def _topics(record: ReportRecord) -> tuple[str, ...]:
    return (*record.modalities, *record.topics)


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}"


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


# -- meta tags ---------------------------------------------------------------------------------


def highwire_tags(
    record: ReportRecord, meta: BookMeta, url: str | None, pdf_url: str | None = None
) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` tags, in its order (each author's details after it)."""
    tags = [("citation_title", record.title)]
    for author in record.authors:
        tags.append(("citation_author", inverted(author.person)))
        if author.affiliation:
            tags.append(("citation_author_institution", author.affiliation))
        if author.orcid:
            tags.append(("citation_author_orcid", orcid_url(author.orcid)))
    tags += [
        ("citation_publication_date", str(meta.year)),
        ("citation_inbook_title", meta.title),
        ("citation_book_title", meta.title),
        ("citation_language", record.language),
    ]
    optional = (
        ("citation_publisher", meta.publisher),
        ("citation_isbn", meta.isbn),
        ("citation_doi", record.doi),
        ("citation_abstract", record.summary),
        ("citation_abstract_html_url", url),
        ("citation_fulltext_html_url", url),
        ("citation_pdf_url", pdf_url),
    )
    tags += [(name, value) for name, value in optional if value]
    tags += [("citation_keywords", topic) for topic in _topics(record)]
    return tags


def dublin_core_tags(
    record: ReportRecord, meta: BookMeta, url: str | None
) -> list[tuple[str, str]]:
    tags = [("DC.title", record.title), ("DC.type", "Text")]
    tags += [("DC.creator", inverted(author.person)) for author in record.authors]
    tags += [
        ("DC.date", str(meta.year)),
        ("DC.language", record.language),
        ("DC.relation.ispartof", meta.title),
    ]
    identifier = f"doi:{record.doi}" if record.doi else url
    optional = (
        ("DC.publisher", meta.publisher),
        ("DC.identifier", identifier),
        ("DC.description", record.summary),
        ("DC.rights", meta.licence),
    )
    tags += [(name, value) for name, value in optional if value]
    tags += [("DC.subject", topic) for topic in _topics(record)]
    return tags


def json_ld(
    record: ReportRecord, meta: BookMeta, url: str | None, book_url: str | None
) -> dict[str, Any]:
    """schema.org: the report as a ``Chapter`` of the ``Book``."""
    book: dict[str, Any] = {
        "@type": "Book",
        "name": meta.title,
        "inLanguage": meta.language,
        "datePublished": str(meta.year),
        "editor": [_agent(name) for name in meta.editors],
    }
    optional_book = {
        "alternativeHeadline": meta.subtitle,
        "bookEdition": meta.edition,
        "isbn": meta.isbn,
        "license": meta.licence,
        "url": book_url,
        "publisher": {"@type": "Organization", "name": meta.publisher} if meta.publisher else None,
        "identifier": _doi_value(meta.doi),
    }
    book |= {k: v for k, v in optional_book.items() if v}
    chapter: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": record.title,
        "headline": record.title,
        "author": [_person(author) for author in record.authors],
        "inLanguage": record.language,
        "dateCreated": record.submitted.isoformat(),
        "datePublished": str(meta.year),
        "isPartOf": book,
    }
    optional = {
        "abstract": record.summary,
        "url": url,
        "keywords": ", ".join(_topics(record)) or None,
        "license": meta.licence,
        "identifier": _doi_value(record.doi),
        "sameAs": doi_url(record.doi) if record.doi else None,
        "translator": [_agent(t.person) for t in record.translation.translators]
        if record.translation
        else None,
    }
    return chapter | {k: v for k, v in optional.items() if v}


def inverted(person: PersonName) -> str:
    """``Te Rangi, Aroha`` (Google Scholar's and Dublin Core's form); an organisation whole."""
    return person.file_as


def _agent(name: PersonName) -> dict[str, Any]:
    """A schema.org ``Person`` with its family and given names, or an ``Organization``."""
    if name.organisation:
        return {"@type": "Organization", "name": name.printed}
    family, given = name.parts
    agent: dict[str, Any] = {"@type": "Person", "name": name.name, "familyName": family}
    if given:
        agent["givenName"] = given
    if name.latin:
        agent["alternateName"] = name.latin
    return agent


def _person(author: Author) -> dict[str, Any]:
    person = _agent(author.person)
    if author.is_organisation:
        return person
    if author.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    if author.orcid:
        person["sameAs"] = orcid_url(author.orcid)
    return person


def _doi_value(doi: str | None) -> dict[str, str] | None:
    if not doi:
        return None
    return {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}


def script_json(data: Any) -> str:
    """JSON to put inside ``<script>``: nothing in it can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# -- downloads ---------------------------------------------------------------------------------


def _csl_name(person: PersonName) -> dict[str, str]:
    """CSL's name object: ``family`` and ``given``; a mononym ``family`` alone; an
    organisation ``literal`` (never split)."""
    family, given = person.parts
    if family is None:
        return {"literal": person.printed}
    return {"family": family, "given": given} if given else {"family": family}


def csl_json(record: ReportRecord, meta: BookMeta, url: str | None) -> list[dict[str, Any]]:
    """CSL-JSON, as Zotero, Mendeley and pandoc import it: a list with one ``chapter``."""
    translators = record.translation.translators if record.translation else ()
    item: dict[str, Any] = {
        "id": page_slug(record.page),
        "type": "chapter",
        "title": record.title,
        "author": [_csl_name(a.person) for a in record.authors],
        "container-title": meta.title,
        "issued": {"date-parts": [[meta.year]]},
        "language": record.language,
    }
    optional = {
        "editor": [_csl_name(e) for e in meta.editors] or None,
        "translator": [_csl_name(t.person) for t in translators] or None,
        "publisher": meta.publisher,
        "edition": meta.edition,
        "ISBN": meta.isbn,
        "DOI": record.doi,
        "URL": url,
        "abstract": record.summary,
        "keyword": ", ".join(_topics(record)) or None,
    }
    return [item | {k: v for k, v in optional.items() if v}]


def ris(record: ReportRecord, meta: BookMeta, url: str | None) -> str:
    """An RIS record (``TY  - CHAP``), one tag a line, values on one line each."""
    lines = [("TY", "CHAP"), ("TI", record.title)]
    lines += [("AU", a.person.file_as) for a in record.authors]
    lines += [("A2", e.file_as) for e in meta.editors]
    if record.translation is not None:  # RIS has no translator tag: A4 is the "subsidiary author"
        lines += [("A4", t.person.file_as) for t in record.translation.translators]
    lines += [("T2", meta.title), ("PY", str(meta.year)), ("LA", record.language)]
    optional = (
        ("PB", meta.publisher),
        ("ET", meta.edition),
        ("SN", meta.isbn),
        ("DO", record.doi),
        ("UR", url),
        ("AB", record.summary),
    )
    lines += [(tag, value) for tag, value in optional if value]
    lines += [("KW", topic) for topic in _topics(record)]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)
