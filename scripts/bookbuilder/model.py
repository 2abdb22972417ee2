"""The plain data that flows between the pipeline's stages.

load → validate → curate → render → build. Each stage takes these objects and returns
new ones; nothing here knows about Sphinx. Every item remembers the file (and line) it came from,
so any later stage can still point an editor at the right place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from bookbuilder.codes import Code
from bookbuilder.jsondata import from_data, to_data
from bookbuilder.layout import report_docname, report_source, translation_docname
from bookbuilder.names import PersonName
from bookbuilder.words import N_

# The book setting `min_words`: an accepted report whose text has fewer words gets a warning
# (check.body.unfinished_body).
DEFAULT_MIN_WORDS = 80


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing an editor must know about, pointing at a file and line.

    ``path`` is relative to the book's root (``experiences/foo.md``), so messages read the same on
    every machine. ``code`` is a member of the registry :class:`bookbuilder.codes.Code`
    (``report.unknown-key``), which tests and conf.py's ``silence`` refer to; always named.
    """

    path: str
    line: int
    message: str
    key: str | None = None
    severity: Severity = Severity.ERROR
    code: Code = field(kw_only=True)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        label = "" if self.severity is Severity.ERROR else "warning: "
        return f"{where}: {label}{what} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def demoted(self) -> Problem:
        """The same problem as a warning (drafts and withdrawn reports never block a build)."""
        return replace(self, severity=Severity.WARNING)


@dataclass(frozen=True)
class Located:
    """A front-matter value with the line (of the whole file) where it stands."""

    value: Any
    line: int

    def __repr__(self) -> str:
        # The dataclass's own text, which the validate stage's cache keys are made of, without
        # its guard against a value that holds itself: a front matter never does (aliases are
        # refused before the tree is built), and the guard was half of making the keys (0.1 s
        # of every make check at 1,000 reports, in the main process, profiled).
        return f"Located(value={self.value!r}, line={self.line!r})"


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file split into front matter and body, before any contract check.

    ``front_matter`` maps each key to a :class:`Located` value; nested mappings and lists hold
    ``Located`` values too, so a nested value (an author's ``role``) knows its own line.
    ``body_line`` is the file line on which the body's first line stands.
    """

    path: Path  # absolute
    relpath: str  # relative to the book root, with forward slashes
    stem: str
    front_matter: dict[str, Located]
    front_matter_line: int  # line of the opening '---' (1, or 2 after a blank line never: always 1)
    body: str
    body_line: int


class Status(StrEnum):
    ACCEPTED = "accepted"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"


ORGANISATION_ROLE = "organisation"  # the role of a group author (schema.ROLES)


@dataclass(frozen=True)
class Author:
    """A report's author. ``name`` is as written; ``person`` its parts (family name, Latin
    form), resolved by validation; made from ``name`` alone (the guess) when not given."""

    name: str
    role: str  # normalised, one of schema.ROLES
    affiliation: str | None = None
    orcid: str | None = None
    person: PersonName = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.person is None:
            person = PersonName.of(self.name, organisation=self.is_organisation)
            object.__setattr__(self, "person", person)

    @property
    def is_organisation(self) -> bool:
        """A department or society writing as a group: its name is the organisation's."""
        return self.role == ORGANISATION_ROLE

    @property
    def printed(self) -> str:
        """As every edition prints the name (its Latin form after it, where given)."""
        return self.person.printed


@dataclass(frozen=True)
class ImageRef:
    """An image a report's body refers to, as written and as resolved."""

    target: str  # as written in the body: images/<slug>/ct-room.jpg
    path: Path  # absolute path of the editor's original
    line: int
    alt: str


@dataclass(frozen=True)
class Translator:
    """A translation's translator: named like an author (``person``: see :class:`Author`)."""

    name: str
    affiliation: str | None = None
    orcid: str | None = None
    person: PersonName = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.person is None:
            object.__setattr__(self, "person", PersonName.of(self.name))

    @property
    def printed(self) -> str:
        return self.person.printed


@dataclass(frozen=True)
class Translation:
    """An editor's translation of a report: ``experiences/<slug>.<language>.md``.

    Not a report of its own: the facts (authors, country, date, topics) are its original's, and
    it follows the original everywhere. ``language`` is the tag of the file name, normalised as
    Babel writes it (``pt-BR``); the file name holds it in lower case.
    """

    slug: str  # the original's slug
    language: str  # BCP 47, normalised: pt-BR
    relpath: str  # experiences/<slug>.<language>.md
    title: str
    translators: tuple[Translator, ...]
    body: str
    body_line: int
    summary: str | None = None
    status: Status = Status.ACCEPTED
    images: tuple[ImageRef, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def original_relpath(self) -> str:
        return report_source(self.slug)

    @property
    def docname(self) -> str:
        """The page's name in every edition: ``experiences/<slug>.<language>`` (lower case)."""
        return translation_docname(self.slug, self.language)


@dataclass(frozen=True)
class Report:
    """One validated experience report."""

    slug: str
    relpath: str  # experiences/<slug>.md
    title: str
    authors: tuple[Author, ...]
    country: str  # ISO 3166-1 alpha-2, upper case
    submitted: date
    body: str
    body_line: int
    city: str | None = None
    language: str | None = None  # BCP 47 as written; None: the book's language
    summary: str | None = None
    modalities: tuple[str, ...] = ()  # normalised names from schema.MODALITIES
    topics: tuple[str, ...] = ()  # lowercase
    status: Status = Status.ACCEPTED
    chapter: str | None = None
    doi: str | None = None  # bare: 10.5555/x
    images: tuple[ImageRef, ...] = ()
    # Lines for messages that later stages (curation) may need to give.
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # The published translations, in file-name order; attached by curation.
    translations: tuple[Translation, ...] = ()

    @property
    def first_author(self) -> Author:
        return self.authors[0]


SORT_KEYS = ("submitted", "title", "country", "author")


@dataclass(frozen=True)
class CollectRule:
    """A chapter's ``collect`` mapping: keys combine with AND, list values match with OR.

    ``None`` means the key is absent. Values are normalised (regions as in schema.REGIONS,
    countries upper case, roles/modalities normalised, topics and languages lower case).
    """

    region: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    roles: frozenset[str] | None = None
    modalities: frozenset[str] | None = None
    topics: frozenset[str] | None = None
    languages: frozenset[str] | None = None


@dataclass(frozen=True)
class ChapterSpec:
    """An editor-written chapter page as validated, before reports are placed in it."""

    id: str
    relpath: str  # chapters/<id>.md
    title: str
    order: int
    body: str
    body_line: int
    collect: CollectRule | None = None  # None: a plain page (preface, acknowledgements)
    collects_rest: bool = False  # `collect: rest`
    sort: tuple[str, ...] = ("submitted", "title")
    images: tuple[ImageRef, ...] = ()  # from chapters/images/<id>/
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def collects(self) -> bool:
        return self.collect is not None or self.collects_rest


@dataclass(frozen=True)
class BookMeta:
    """The book's metadata, from ``conf.py``'s ``book`` mapping, used by all three editions."""

    title: str
    language: str  # BCP 47 / Sphinx language code, e.g. "en"
    year: int
    subtitle: str | None = None
    # Plain names (str) are taken as PersonName.of(name): the guess, as validation makes it.
    editors: tuple[PersonName, ...] = ()
    publisher: str | None = None
    edition: str | None = None
    licence: str | None = None
    isbn: str | None = None
    doi: str | None = None  # bare: 10.5555/x
    cover: str | None = None  # path relative to the book root
    logo: str | None = None  # path relative to the book root (PNG, JPEG, WebP)
    accent: str | None = None  # "#rrggbb", at least 4.5:1 against white
    description: str | None = None
    basename: str = "book"  # file name of the EPUB and PDF, without extension
    silence: tuple[str, ...] = ()  # warning codes not to show (bookbuilder.codes)
    min_words: int = DEFAULT_MIN_WORDS
    topic_labels: tuple[tuple[str, str], ...] = ()  # (topic, how it is printed), conf.py's
    words: tuple[tuple[str, str], ...] = ()  # (English word, the book's), conf.py's (words.py)
    # (a plural phrase's English singular, its forms by CLDR plural category), conf.py's words
    plural_words: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def __post_init__(self) -> None:
        editors = tuple(e if isinstance(e, PersonName) else PersonName.of(e) for e in self.editors)
        object.__setattr__(self, "editors", editors)

    @property
    def editor_names(self) -> tuple[str, ...]:
        """The editors as printed."""
        return tuple(e.printed for e in self.editors)

    @property
    def plural_forms(self) -> dict[str, dict[str, str]]:
        """conf.py's plural phrases: each one's forms by CLDR plural category, by its English
        singular (words.install's ``plurals``)."""
        return {phrase: dict(forms) for phrase, forms in self.plural_words}


@dataclass(frozen=True)
class Chapter:
    spec: ChapterSpec
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class LeftOut:
    """A report that is in no edition, and why (draft, withdrawn, invalid).

    For an invalid report, ``chapter`` keeps its ``chapter:`` value as written (with its line),
    so that curation can still say, in the same run, when it names no chapter that collects.
    """

    relpath: str
    title: str
    reason: str
    chapter: Located | None = None
    accepted: bool = True


@dataclass(frozen=True)
class Book:
    """The curated book: what every edition publishes, in order."""

    meta: BookMeta
    chapters: tuple[Chapter, ...]  # only the chapters that appear (empty collecting ones dropped)
    left_out: tuple[LeftOut, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def reports(self) -> tuple[Report, ...]:
        return tuple(r for c in self.chapters for r in c.reports)

    @property
    def translations(self) -> tuple[Translation, ...]:
        return tuple(t for r in self.reports for t in r.translations)


@dataclass(frozen=True)
class Place:
    """Where a report happened, resolved once: the country's code, its name in the book's
    language (CLDR), its UN M49 continental region, and the city when the report gives one."""

    country: str  # ISO 3166-1 alpha-2, upper case
    name: str  # in the book's language
    region: str  # one of schema.REGIONS
    city: str | None = None

    @property
    def label(self) -> str:
        """As a byline or a card prints it: ``Bergamo, Italy``."""
        return ", ".join(p for p in (self.city, self.name) if p)


@dataclass(frozen=True)
class Version:
    """One version of a report, the original or a translation, as its pages name it."""

    page: str  # experiences/<slug> or experiences/<slug>.<language>
    language: str  # lower case BCP 47
    name: str  # the language's name in that language (CLDR): "Italiano"


@dataclass(frozen=True)
class TranslationOf:
    """What a translation's page says of it: who translated it, from what."""

    translators: tuple[Translator, ...]
    from_language: str  # lower case BCP 47: the original's language
    from_language_name: str  # in the book's language: "Italian"
    original_title: str


@dataclass(frozen=True)
class ReportRecord:
    """One published report as every edition presents it: byline, browse card, chart counts,
    index entries and citation all read this record, resolved once by the render stage.

    It crosses into Sphinx as JSON inside a directive; :meth:`to_data` and :meth:`from_data` are
    the one pair that writes and reads it, so both sides agree on every field.
    """

    slug: str
    title: str
    authors: tuple[Author, ...]
    place: Place
    submitted: date
    submitted_display: str  # the date as the book's language writes it (CLDR "long")
    language: str  # lower case BCP 47: the report's own, or the book's when it sets none
    book_language: str  # lower case
    chapter: str  # the id of the chapter the report is in
    chapter_title: str
    summary: str | None = None
    modalities: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    doi: str | None = None  # bare: 10.5555/x
    # Every version, the original first, when the report has translations (the language
    # switch, hreflang links, the browse card's languages); empty when it has none.
    versions: tuple[Version, ...] = ()
    # On a translation's page: its title, summary and language are the translation's, and this
    # says who translated it from what. None on the original's page.
    translation: TranslationOf | None = None

    @property
    def page(self) -> str:
        """The docname of the page this record is shown on."""
        base = report_docname(self.slug)
        return translation_docname(self.slug, self.language) if self.translation else base

    @property
    def roles(self) -> tuple[str, ...]:
        """The authors' roles, each once, sorted."""
        return tuple(sorted({a.role for a in self.authors}))

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the report can be read in, its own first (the browse filter finds
        it by any of them)."""
        return tuple(v.language for v in self.versions) or (self.language,)

    @property
    def own_language(self) -> str | None:
        """The report's language when it is not the book's (its body is marked with it)."""
        return None if self.language == self.book_language else self.language

    def to_data(self) -> dict[str, Any]:
        """The record as JSON-ready data (dates as ISO text, tuples as lists), made from its
        fields (:mod:`bookbuilder.jsondata`): a new field travels with no change here."""
        data = to_data(self)
        assert isinstance(data, dict)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ReportRecord:
        """The record :meth:`to_data` wrote (a missing or unknown key is a TypeError)."""
        return from_data(cls, data)


class Faceted(Protocol):
    """What a facet reads of a report: a ReportRecord, or curation's view of a Report."""

    @property
    def place(self) -> Place: ...
    @property
    def authors(self) -> tuple[Author, ...]: ...
    @property
    def modalities(self) -> tuple[str, ...]: ...
    @property
    def topics(self) -> tuple[str, ...]: ...
    @property
    def language(self) -> str: ...
    @property
    def languages(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Facet:
    """One way of grouping the reports, defined once for every place that groups them: a
    chapter's ``collect`` rule, the browse page's filter (and its cards' ``data-*``), the "at a
    glance" chart, the byline's tags and the index entries."""

    key: str  # the browse filter, its data-* attribute and chart file: "country"
    collect: str  # the key of a chapter's collect rule: "countries"
    label: str  # "Country"
    plural: str  # "Countries"
    values: Callable[[Faceted], tuple[str, ...]]  # a report's values: codes, as rules match them
    chart: str | None = None  # the "at a glance" chart's title; None: no chart
    index: str | None = None  # the heading of its section of the book's index; None: not indexed
    tags: bool = False  # listed under the byline ("Topics: heat, cooling")
    by_prefix: bool = False  # a rule's value also takes its subtags (`pt` takes `pt-br`)

    def matches(self, wanted: frozenset[str], report: Faceted) -> bool:
        """Whether a report has any of a rule's ``wanted`` values."""
        found = self.values(report)
        if self.by_prefix:
            return any(v == w or v.startswith(w + "-") for v in found for w in wanted)
        return any(v in wanted for v in found)


FACETS: tuple[Facet, ...] = (
    Facet(
        "region",
        "region",
        N_("Region"),
        N_("Regions"),
        lambda r: (r.place.region,) if r.place.region else (),
        chart=N_("Reports per region"),
    ),
    Facet(
        "country",
        "countries",
        N_("Country"),
        N_("Countries"),
        lambda r: (r.place.country,),
        chart=N_("Reports per country"),
        index=N_("Countries"),
    ),
    Facet(
        "role",
        "roles",
        N_("Role"),
        N_("Roles"),
        lambda r: tuple(sorted({a.role for a in r.authors})),
        chart=N_("Reports per author role"),
        index=N_("Roles"),
    ),
    Facet(
        "modality",
        "modalities",
        N_("Modality"),
        N_("Modalities"),
        lambda r: r.modalities,
        chart=N_("Reports per imaging modality"),
        index=N_("Modalities"),
        tags=True,
    ),
    Facet(
        "topic",
        "topics",
        N_("Topic"),
        N_("Topics"),
        lambda r: r.topics,
        chart=N_("Reports per topic"),
        index=N_("Topics"),
        tags=True,
    ),
    Facet(
        "language",
        "languages",
        N_("Language"),
        N_("Languages"),
        lambda r: r.languages,  # a chapter rule: its own; the browse filter: any version's
        by_prefix=True,
    ),
)
COLLECT_KEYS = tuple(f.collect for f in FACETS)

# A chapter's rule has one key per facet, in the facets' order.
assert tuple(f.name for f in fields(CollectRule)) == COLLECT_KEYS, "CollectRule follows FACETS"
