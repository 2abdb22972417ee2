"""A Crossref deposit for the book and its reports (``make crossref``): written, never sent.

Crossref registers DOIs from an XML "deposit" that the publisher uploads. This module writes one
for the curated book, in Crossref's schema 5.5.0: the book as an ``edited_book`` with its editors,
title, edition, date, ISBN, publisher and DOI, and one ``content_item`` (a chapter) per published
report that has a ``doi``, with its authors (affiliation, ORCID), title, language, date and the
address of its page. Crossref asks for every item it registers to have a DOI and a web address,
so reports without a DOI are named and left out, and the book's address comes from the
site's base URL (``BOOK_BASE_URL``).

Crossref splits a person's name into ``given_name`` and ``surname``: they are the parts of the
person's :class:`~bookbuilder.names.PersonName` (the ``family`` a report states, or the guess
that ``make check`` warns about when it is doubtful; the Latin form where one is given; a
mononym is a surname alone; the name in its own script as an ``alt-name``); an
``organisation`` author, or a book editor marked ``organisation: True``, is an
``organization``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from bookbuilder.layout import report_docname
from bookbuilder.model import Author, Book, Report
from bookbuilder.names import PersonName

SCHEMA_VERSION = "5.5.0"
NS = f"http://www.crossref.org/schema/{SCHEMA_VERSION}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} https://www.crossref.org/schemas/crossref{SCHEMA_VERSION}.xsd"


@dataclass(frozen=True)
class Depositor:
    """Who sends the deposit: Crossref mails the result of the deposit to this address."""

    name: str
    email: str


@dataclass(frozen=True)
class Deposit:
    xml: bytes
    registered: tuple[str, ...]  # slugs of the reports in the deposit
    without_doi: tuple[str, ...]  # slugs of published reports left out: they have no DOI


def report_url(base_url: str, slug: str) -> str:
    return f"{base_url.rstrip('/')}/{report_docname(slug)}.html"


def deposit(book: Book, depositor: Depositor, base_url: str, when: datetime) -> Deposit:
    """The deposit XML of ``book``; ``when`` gives the batch's timestamp and id (Crossref keeps
    the deposit with the newest timestamp, so each deposit of the same book needs a later one)."""
    meta = book.meta
    if not meta.doi:
        raise ValueError("the book has no doi")
    root = etree.Element(_q("doi_batch"), nsmap={None: NS, "xsi": XSI}, version=SCHEMA_VERSION)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    stamp = when.strftime("%Y%m%d%H%M%S")
    head = _sub(root, "head")
    _sub(head, "doi_batch_id", f"{meta.basename}-{stamp}")
    _sub(head, "timestamp", stamp)
    who = _sub(head, "depositor")
    _sub(who, "depositor_name", depositor.name)
    _sub(who, "email_address", depositor.email)
    _sub(head, "registrant", meta.publisher or depositor.name)
    body = _sub(root, "body")
    entry = _sub(body, "book", book_type="edited_book")
    _book_metadata(entry, book, base_url)
    registered, without = [], []
    for report in book.reports:
        if report.doi is None:
            without.append(report.slug)
            continue
        _content_item(entry, report, base_url, book.meta.language)
        registered.append(report.slug)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Deposit(xml, tuple(registered), tuple(without))


def _book_metadata(parent: Any, book: Book, base_url: str) -> None:
    meta = book.meta
    data = _sub(parent, "book_metadata", language=_language(meta.language))
    if meta.editors:
        editors = [Author(e.name, "editor", person=e) for e in meta.editors]
        _contributors(data, editors, "editor")
    titles = _sub(data, "titles")
    _sub(titles, "title", meta.title)
    if meta.subtitle:
        _sub(titles, "subtitle", meta.subtitle)
    edition = _edition_number(meta.edition)
    if edition:
        _sub(data, "edition_number", edition)
    date = _sub(data, "publication_date", media_type="online")
    _sub(date, "year", str(meta.year))
    if meta.isbn:
        _sub(data, "isbn", _hyphen_free_isbn(meta.isbn), media_type="electronic")
    else:
        _sub(data, "noisbn", reason="monograph")
    publisher = _sub(data, "publisher")
    _sub(publisher, "publisher_name", meta.publisher or meta.title)
    _doi_data(data, meta.doi or "", base_url.rstrip("/") + "/")


def _content_item(parent: Any, report: Report, base_url: str, book_language: str) -> None:
    item = _sub(
        parent,
        "content_item",
        component_type="chapter",
        language=_language(report.language or book_language),
    )
    _contributors(item, report.authors, "author")
    titles = _sub(item, "titles")
    _sub(titles, "title", report.title)
    date = _sub(item, "publication_date", media_type="online")
    _sub(date, "month", f"{report.submitted.month:02d}")
    _sub(date, "day", f"{report.submitted.day:02d}")
    _sub(date, "year", str(report.submitted.year))
    _doi_data(item, report.doi or "", report_url(base_url, report.slug))


def _contributors(parent: Any, authors: Sequence[Author], role: str) -> None:
    people = _sub(parent, "contributors")
    for index, author in enumerate(authors):
        sequence = "first" if index == 0 else "additional"
        surname, given = author.person.parts
        if surname is None:  # an organisation: never split
            name = author.printed
            _sub(people, "organization", name, sequence=sequence, contributor_role=role)
            continue
        person = _sub(people, "person_name", sequence=sequence, contributor_role=role)
        if given:
            _sub(person, "given_name", given)
        _sub(person, "surname", surname)
        if author.affiliation:
            institution = _sub(_sub(person, "affiliations"), "institution")
            _sub(institution, "institution_name", author.affiliation)
        if author.orcid:
            _sub(person, "ORCID", f"https://orcid.org/{author.orcid}", authenticated="false")
        _alt_name(person, author.person)


def _alt_name(person: Any, name: PersonName) -> None:
    """A name with a Latin form is deposited by it; its own script is Crossref's ``alt-name``
    (``eastern``: written family name first)."""
    if not name.latin or not name.family:
        return
    style = "eastern" if name.family_first else "western"
    own = _sub(_sub(person, "alt-name"), "name", **{"name-style": style})
    _sub(own, "surname", name.family)
    if name.given:
        _sub(own, "given_name", name.given)


def _doi_data(parent: Any, doi: str, url: str) -> None:
    data = _sub(parent, "doi_data")
    _sub(data, "doi", doi)
    _sub(data, "resource", url)


def _edition_number(edition: str | None) -> str | None:
    """Crossref's edition_number is a number: "First edition" → 1, "2nd edition" → 2."""
    if not edition:
        return None
    words = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
    for word in edition.lower().replace("-", " ").split():
        digits = "".join(ch for ch in word if ch.isdigit())
        if digits:
            return digits
        if word in words:
            return str(words[word])
    return None


def _hyphen_free_isbn(isbn: str) -> str:
    return isbn.replace("-", "").replace(" ", "")


def _language(tag: str) -> str:
    """Crossref takes ISO 639-1 codes: the primary subtag of a BCP 47 tag."""
    return tag.split("-")[0].lower()


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _sub(parent: Any, name: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, _q(name), attributes)
    if text is not None:
        element.text = text
    return element
