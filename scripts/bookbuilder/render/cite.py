"""How to cite a report: a plain-text reference and a BibTeX entry.

Both are built from the report's data as plain strings. The BibTeX one has its braces balanced
by construction: every character that means something to (Bib)TeX is written as a command
(``{`` as ``\\textbraceleft{}``: BibTeX counts braces whatever precedes them, so ``\\}`` would
still close the field), so no title, name or DOI can end a field or start another entry. Each
person is ``{Family}, Given`` (:class:`~bookbuilder.names.PersonName`), an organisation
``{Its whole name}``, so that "and" or a comma inside a name keeps it one name. A translation
is cited under its own title, naming its translators and the language it was translated from
(``record.translation``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from babel.lists import format_list

from bookbuilder.model import BookMeta, ReportRecord
from bookbuilder.names import PersonName
from bookbuilder.words import _, locale_for, ngettext

# Characters with a meaning in BibTeX field values and in the LaTeX they end up in: each
# replacement's own braces are balanced, so the field's are too.
_TEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_TEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _TEX_SPECIALS))


def bibtex_escape(text: str) -> str:
    """Plain text as a BibTeX field value (inside braces): specials escaped, white space one."""
    return _TEX_SPECIAL.sub(lambda m: _TEX_SPECIALS[m.group(0)], " ".join(text.split()))


def bibtex_name(person: PersonName) -> str:
    """``{Te Rangi}, Aroha``; ``{Sukarno}``; an organisation ``{Its Whole Name}``."""
    family, given = person.parts
    if family is None:
        return "{" + bibtex_escape(person.printed) + "}"
    whole = "{" + bibtex_escape(family) + "}"
    return f"{whole}, {bibtex_escape(given)}" if given else whole


def _names(people: Sequence[PersonName]) -> str:
    return " and ".join(bibtex_name(p) for p in people)


def bibtex(record: ReportRecord, book: BookMeta, url: str | None = None) -> str:
    """An ``@incollection`` entry; the key is the report's slug (a translation's: the slug and
    its language, ``notti-en``), which is already safe."""
    fields = [
        ("author", _names([a.person for a in record.authors])),
        ("title", "{" + bibtex_escape(record.title) + "}"),
    ]
    key, translation = record.slug, record.translation
    if translation is not None:
        key += "-" + record.language
        fields.append(("translator", _names([t.person for t in translation.translators])))
        fields.append(("origtitle", "{" + bibtex_escape(translation.original_title) + "}"))
    fields.append(("booktitle", bibtex_escape(book.title)))
    if book.editors:
        fields.append(("editor", _names(book.editors)))
    if book.publisher:
        fields.append(("publisher", bibtex_escape(book.publisher)))
    fields.append(("year", bibtex_escape(str(book.year))))
    if record.doi:
        fields.append(("doi", bibtex_escape(record.doi)))
    if url:
        fields.append(("url", bibtex_escape(url)))
    fields.append(("note", _note(record)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@incollection{{{key},\n{body}\n}}\n"


def _note(record: ReportRecord) -> str:
    """The entry's ``note``, in the book's language. A note is the one field a bibliography
    style prints as it is, and the entry describes this book as published: as a library
    catalogues a book's notes in its cataloguing language and leaves the data (names, titles,
    dates) as they are, the words are the book's (as is the language's name, already in the
    book's language: ``from_language_name``) and the date stays ISO 8601, which any style and
    reader can read. The fields' names, the entry type and the escaping are BibTeX's, never
    translated; the whole note is escaped, so no translation can end the field."""
    submitted = record.submitted.isoformat()
    if record.translation is None:
        return bibtex_escape(_("Submitted {date}").format(date=submitted))
    note = _("Submitted {date}. Translated from {language}")
    return bibtex_escape(
        note.format(date=submitted, language=record.translation.from_language_name)
    )


def plain(record: ReportRecord, book: BookMeta, url: str | None = None) -> str:
    """A reference as a reader would type it: authors, title, book, editors, publisher, year,
    in the book's language (the words from its catalogue, the quotation marks its own, lists of
    names joined as CLDR joins them: "A, B und C"), as the note of :func:`bibtex` is. The
    punctuation between the parts is the catalogue's too (the whole reference is one pattern,
    ``{authors}. {title} {source}. {publication}.``): a Japanese or Chinese book's ends each
    part with "。" and sets no space after it (docs/report-format.md)."""
    who = _joined([a.printed for a in record.authors], book.language)
    title = _("“{title}”.").format(title=record.title)
    if record.translation is not None:
        translators = _joined([t.printed for t in record.translation.translators], book.language)
        title = _("{title} Translated from {language} by {translators}.").format(
            title=title, language=record.translation.from_language_name, translators=translators
        )
    source = _("In: {book}").format(book=book.title)
    if book.editors:
        editors = _joined(list(book.editor_names), book.language)
        edited = ngettext("{names} (ed.)", "{names} (eds.)", len(book.editors))
        source = _("In: {book}, {editors}").format(
            book=book.title, editors=edited.format(names=editors)
        )
    publication = str(book.year)
    if book.publisher:
        publication = _("{publisher}, {year}").format(publisher=book.publisher, year=book.year)
    text = _("{authors}. {title} {source}. {publication}.").format(
        authors=who, title=title, source=source, publication=publication
    )
    if record.doi:  # the DOI is the lasting address, so it comes before the page's
        text += f" https://doi.org/{record.doi}"
    if url:
        text += f" {url}"
    return text


def _joined(names: Sequence[str], language: str) -> str:
    """Names as a list in ``language`` (CLDR's: "A, B, and C", "A, B und C", "A、B和C")."""
    return format_list(list(names), locale=locale_for(language))
