"""What indexes and reference managers read from a report's page: one citation record, many forms.

A :class:`CitationRecord` is made once per published report (in the render stage, from the
curated book) and travels in the render stage's data file to the Sphinx side, which puts it into
each report page's head and writes its downloads. From it come:

- Highwire Press ``citation_*`` meta tags (what Google Scholar reads): title, each author with
  institution and ORCID, the book (``citation_inbook_title``), date, language, publisher, ISBN,
  DOI, the page's address, and ``citation_pdf_url`` only when a PDF of the report exists;
- Dublin Core ``DC.*`` meta tags;
- schema.org JSON-LD: a ``Chapter`` that ``isPartOf`` the ``Book``;
- "cite this report" downloads: CSL-JSON (Zotero, Mendeley, pandoc) and RIS (EndNote, Papers).

Everything here is plain data from untrusted reports: the meta tags are escaped when written,
and the JSON-LD has ``<``, ``>`` and ``&`` as JSON escapes so it can never close its script.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from bookbuilder.model import Author, BookMeta, Chapter, Report
from bookbuilder.render.cite import split_name

ORGANISATION_ROLE = "organisation"


@dataclass(frozen=True)
class CitedAuthor:
    name: str
    organisation: bool = False
    affiliation: str | None = None
    orcid: str | None = None


@dataclass(frozen=True)
class CitationRecord:
    slug: str
    title: str
    authors: tuple[CitedAuthor, ...]
    language: str  # BCP 47, the report's (the book's when unset)
    submitted: str  # ISO date
    year: int  # the book's year of publication: the report's publication date
    book_title: str
    chapter_title: str
    summary: str | None = None
    doi: str | None = None
    topics: tuple[str, ...] = ()
    book_subtitle: str | None = None
    editors: tuple[str, ...] = ()
    publisher: str | None = None
    edition: str | None = None
    isbn: str | None = None
    book_doi: str | None = None
    book_language: str = "en"
    licence: str | None = None

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CitationRecord:
        fields = dict(data)
        fields["authors"] = tuple(CitedAuthor(**a) for a in data["authors"])
        fields["topics"] = tuple(data.get("topics") or ())
        fields["editors"] = tuple(data.get("editors") or ())
        return cls(**fields)


def citation_record(report: Report, chapter: Chapter, meta: BookMeta) -> CitationRecord:
    return CitationRecord(
        slug=report.slug,
        title=report.title,
        authors=tuple(_cited(a) for a in report.authors),
        language=report.language or meta.language,
        submitted=report.submitted.isoformat(),
        year=meta.year,
        book_title=meta.title,
        chapter_title=chapter.spec.title,
        summary=report.summary,
        doi=report.doi,
        topics=(*report.modalities, *report.topics),
        book_subtitle=meta.subtitle,
        editors=meta.editors,
        publisher=meta.publisher,
        edition=meta.edition,
        isbn=meta.isbn,
        book_doi=meta.doi,
        book_language=meta.language,
        licence=meta.licence,
    )


def _cited(author: Author) -> CitedAuthor:
    return CitedAuthor(
        author.name, author.role == ORGANISATION_ROLE, author.affiliation, author.orcid
    )


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}"


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


# -- meta tags ---------------------------------------------------------------------------------


def highwire_tags(
    record: CitationRecord, url: str | None, pdf_url: str | None = None
) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` tags, in its order (each author's details after it)."""
    tags = [("citation_title", record.title)]
    for author in record.authors:
        tags.append(("citation_author", author.name))
        if author.affiliation:
            tags.append(("citation_author_institution", author.affiliation))
        if author.orcid:
            tags.append(("citation_author_orcid", orcid_url(author.orcid)))
    tags += [
        ("citation_publication_date", str(record.year)),
        ("citation_inbook_title", record.book_title),
        ("citation_book_title", record.book_title),
        ("citation_language", record.language),
    ]
    optional = (
        ("citation_publisher", record.publisher),
        ("citation_isbn", record.isbn),
        ("citation_doi", record.doi),
        ("citation_abstract", record.summary),
        ("citation_abstract_html_url", url),
        ("citation_fulltext_html_url", url),
        ("citation_pdf_url", pdf_url),
    )
    tags += [(name, value) for name, value in optional if value]
    tags += [("citation_keywords", topic) for topic in record.topics]
    return tags


def dublin_core_tags(record: CitationRecord, url: str | None) -> list[tuple[str, str]]:
    tags = [("DC.title", record.title), ("DC.type", "Text")]
    tags += [("DC.creator", author.name) for author in record.authors]
    tags += [
        ("DC.date", str(record.year)),
        ("DC.language", record.language),
        ("DC.relation.ispartof", record.book_title),
    ]
    identifier = f"doi:{record.doi}" if record.doi else url
    optional = (
        ("DC.publisher", record.publisher),
        ("DC.identifier", identifier),
        ("DC.description", record.summary),
        ("DC.rights", record.licence),
    )
    tags += [(name, value) for name, value in optional if value]
    tags += [("DC.subject", topic) for topic in record.topics]
    return tags


def json_ld(record: CitationRecord, url: str | None, book_url: str | None) -> dict[str, Any]:
    """schema.org: the report as a ``Chapter`` of the ``Book``."""
    book: dict[str, Any] = {
        "@type": "Book",
        "name": record.book_title,
        "inLanguage": record.book_language,
        "datePublished": str(record.year),
        "editor": [{"@type": "Person", "name": name} for name in record.editors],
    }
    optional_book = {
        "alternativeHeadline": record.book_subtitle,
        "bookEdition": record.edition,
        "isbn": record.isbn,
        "license": record.licence,
        "url": book_url,
        "publisher": {"@type": "Organization", "name": record.publisher}
        if record.publisher
        else None,
        "identifier": _doi_value(record.book_doi),
    }
    book |= {k: v for k, v in optional_book.items() if v}
    chapter: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": record.title,
        "headline": record.title,
        "author": [_person(author) for author in record.authors],
        "inLanguage": record.language,
        "dateCreated": record.submitted,
        "datePublished": str(record.year),
        "isPartOf": book,
    }
    optional = {
        "abstract": record.summary,
        "url": url,
        "keywords": ", ".join(record.topics) if record.topics else None,
        "license": record.licence,
        "identifier": _doi_value(record.doi),
        "sameAs": doi_url(record.doi) if record.doi else None,
    }
    return chapter | {k: v for k, v in optional.items() if v}


def _person(author: CitedAuthor) -> dict[str, Any]:
    if author.organisation:
        return {"@type": "Organization", "name": author.name}
    person: dict[str, Any] = {"@type": "Person", "name": author.name}
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


def _csl_name(author: CitedAuthor | str) -> dict[str, str]:
    name = author if isinstance(author, str) else author.name
    if not isinstance(author, str) and author.organisation:
        return {"literal": name}
    given, family = split_name(name)
    return {"family": family, "given": given} if given else {"literal": name}


def csl_json(record: CitationRecord, url: str | None) -> list[dict[str, Any]]:
    """CSL-JSON, as Zotero, Mendeley and pandoc import it: a list with one ``chapter``."""
    item: dict[str, Any] = {
        "id": record.slug,
        "type": "chapter",
        "title": record.title,
        "author": [_csl_name(a) for a in record.authors],
        "container-title": record.book_title,
        "issued": {"date-parts": [[record.year]]},
        "language": record.language,
    }
    optional = {
        "editor": [_csl_name(e) for e in record.editors] or None,
        "publisher": record.publisher,
        "edition": record.edition,
        "ISBN": record.isbn,
        "DOI": record.doi,
        "URL": url,
        "abstract": record.summary,
        "keyword": ", ".join(record.topics) if record.topics else None,
    }
    return [item | {k: v for k, v in optional.items() if v}]


def ris(record: CitationRecord, url: str | None) -> str:
    """An RIS record (``TY  - CHAP``), one tag a line, values on one line each."""
    lines = [("TY", "CHAP"), ("TI", record.title)]
    lines += [("AU", _ris_name(a)) for a in record.authors]
    lines += [("A2", _ris_name(e)) for e in record.editors]
    lines += [("T2", record.book_title), ("PY", str(record.year)), ("LA", record.language)]
    optional = (
        ("PB", record.publisher),
        ("ET", record.edition),
        ("SN", record.isbn),
        ("DO", record.doi),
        ("UR", url),
        ("AB", record.summary),
    )
    lines += [(tag, value) for tag, value in optional if value]
    lines += [("KW", topic) for topic in record.topics]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def _ris_name(author: CitedAuthor | str) -> str:
    name = _csl_name(author)
    return name["literal"] if "literal" in name else f"{name['family']}, {name['given']}"
