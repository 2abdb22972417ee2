"""The book's contributors: everyone who wrote a published report, once, sorted by name.

An edited volume lists its contributors (and the editors write to each of them), so the book
gets a "Contributors" page in all three editions and ``_build/contributors.csv``, both from
:func:`contributors`. Only published reports count: a draft's authors are not contributors yet.

One person is one entry: the same ORCID iD, or the same name (compared case- and
accent-insensitively) without conflicting ORCID iDs, is the same person; their roles and
affiliations are gathered from every report they wrote, in book order.

Names sort the way the book's language sorts them: ICU's collator with CLDR's rules for that
language (Swedish puts Å and Ö after Z, Spanish Ñ after N, German Ö with O). Babel, which gives
the book its country names, has no collation; ICU is the library made for it. A person is
filed by the family name (:attr:`~bookbuilder.names.PersonName.file_as`: "Te Rangi, Aroha",
"Kim, Min-jun", "Ruiz Carrillo, Alejandro"), an organisation by its whole name, and printed
as written: the list reads "Aroha Te Rangi" under T.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bookbuilder import spreadsheet
from bookbuilder.curate import text_key
from bookbuilder.layout import page_slug
from bookbuilder.model import Book
from bookbuilder.names import PersonName
from bookbuilder.vocabulary import ROLE_NAMES
from bookbuilder.words import N_, _

CONTRIBUTORS_DOC = "contributors"
CONTRIBUTORS_TITLE = N_("Contributors")
CSV_COLUMNS = ("name", "roles", "affiliations", "orcid", "contributed_as", "reports", "slugs")
# Roles that say nothing in a list of people ("other"), or that the name already says.
UNSHOWN_ROLES = frozenset({"other", "organisation"})


@dataclass(frozen=True)
class Contribution:
    """One report a contributor wrote (or, with translations, translated)."""

    slug: str
    title: str
    kind: str = "author"  # "author", or "translator" (slug: the translation's <slug>.<language>)


@dataclass(frozen=True)
class Contributor:
    name: str  # as printed
    roles: tuple[str, ...]  # normalised roles, as in schema.ROLES, in book order
    affiliations: tuple[str, ...]
    orcid: str | None
    contributions: tuple[Contribution, ...]  # in book order

    @property
    def role_labels(self) -> tuple[str, ...]:
        return tuple(ROLE_NAMES[r] for r in self.roles if r not in UNSHOWN_ROLES)


@dataclass
class _Entry:
    name: str
    file_as: str
    orcid: str | None
    roles: list[str]
    affiliations: list[str]
    contributions: list[Contribution]


def name_sort_key(language: str) -> Callable[[str], bytes]:
    """A sort key for names in the book's language (ICU's collator, CLDR's rules)."""
    import icu  # PyICU (the pyicu-wheels package ships ICU itself)

    locale = icu.Locale(language.replace("-", "_"))
    collator = icu.Collator.createInstance(locale)
    return collator.getSortKey


def contributors(book: Book) -> list[Contributor]:
    """Everyone who wrote or translated a published report, each once, sorted by name in the
    book's language (ties: the ORCID iD, so the order never depends on the run)."""
    people = _People()
    for report in book.reports:
        contribution = Contribution(report.slug, report.title)
        for author in report.authors:
            entry = people.entry(author.person, author.orcid, author.affiliation, contribution)
            _add(entry.roles, author.role)
        # A translation's translators are contributors too, as translators (no role): their
        # contribution is the translation's page (<slug>.<language>).
        for translation in report.translations:
            page = page_slug(translation.docname)
            done = Contribution(page, translation.title, "translator")
            for person in translation.translators:
                people.entry(person.person, person.orcid, person.affiliation, done)
    key = name_sort_key(book.meta.language)
    entries = sorted(people.entries, key=lambda e: (key(e.file_as), key(e.name), e.orcid or ""))
    return [
        Contributor(e.name, tuple(e.roles), tuple(e.affiliations), e.orcid, tuple(e.contributions))
        for e in entries
    ]


class _People:
    """The entries met so far, found by ORCID iD or by folded name in constant time (a scan of
    every entry for every author was quadratic: 1.6 s of a 1,000-report rebuild, profiled)."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.by_orcid: dict[str, _Entry] = {}
        self.by_name: dict[str, list[_Entry]] = {}

    def entry(
        self,
        person: PersonName,
        orcid: str | None,
        affiliation: str | None,
        contribution: Contribution,
    ) -> _Entry:
        """The person's entry (a new one if they are not listed yet), with this contribution."""
        folded = " ".join(text_key(person.printed).split())
        entry = self.find(folded, orcid)
        if entry is None:
            entry = _Entry(person.printed, person.file_as, orcid, [], [], [])
            self.entries.append(entry)
            self.by_name.setdefault(folded, []).append(entry)
        entry.orcid = entry.orcid or orcid
        if entry.orcid:
            self.by_orcid.setdefault(entry.orcid, entry)
        if affiliation:
            _add(entry.affiliations, affiliation)
        if contribution not in entry.contributions:
            entry.contributions.append(contribution)
        return entry

    def find(self, folded: str, orcid: str | None) -> _Entry | None:
        """The same person: the same ORCID iD, or the same name where neither iD contradicts."""
        if orcid and orcid in self.by_orcid:
            return self.by_orcid[orcid]
        for entry in self.by_name.get(folded, ()):
            if not (orcid and entry.orcid and orcid != entry.orcid):
                return entry
        return None


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def page_data(people: Sequence[Contributor]) -> dict:
    """What the ``book-contributors`` directive builds the page from (plain JSON data)."""
    return {
        "contributors": [
            {
                "name": p.name,
                "roles": [_(role) for role in p.role_labels],
                "affiliations": list(p.affiliations),
                "orcid": p.orcid,
                "contributions": [
                    {"slug": c.slug, "title": c.title, "kind": c.kind} for c in p.contributions
                ],
            }
            for p in people
        ]
    }


def write_csv(people: Sequence[Contributor], target: Path) -> None:
    """The same list for the editors' letters and spreadsheets (UTF-8)."""
    rows = (
        [
            p.name,
            "; ".join(p.role_labels),
            "; ".join(p.affiliations),
            p.orcid or "",
            "; ".join(dict.fromkeys(c.kind for c in p.contributions)),
            "; ".join(c.title for c in p.contributions),
            " ".join(c.slug for c in p.contributions),
        ]
        for p in people
    )
    spreadsheet.write_csv(target, CSV_COLUMNS, rows)
