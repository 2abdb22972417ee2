"""The "Cite this report" BibTeX carries no code (issue 22, item 8): whatever a title, a name,
a translator or a DOI holds, each report's entry is one entry, read whole by a maintained
BibTeX parser (pybtex).

BibTeX counts braces whatever precedes them (``\\}`` still closes a field), so the builder
writes ``{`` and ``}`` as ``\\textbraceleft{}`` and ``\\textbraceright{}``: balanced by
construction. A DOI is held to Crossref's recommended pattern in ``make check``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from babel import Locale
from lxml import html

from bookbuilder import words
from bookbuilder.model import Author, BookMeta, TranslationOf, Translator
from bookbuilder.names import PersonName
from bookbuilder.render import cite
from bookbuilder.render.cite import bibtex_escape, bibtex_name
from conftest import a_record, report_front, require_module, run_book, small_book_with

# Titles, names and a translator written to end a BibTeX field and start a second entry.
HOSTILE = {
    "bib-title": "Nights }} @misc{evil, title={pwned} } {{ and \\} more",
    "bib-braces": "{{{ Open braces, never closed: \\{ @article{x,",
    "bib-name": "A plain title",
}
HOSTILE_NAME = "Ann }}, title={x}} @misc{evil2, author={Eve"
HOSTILE_TRANSLATOR = "Marco }} @misc{evil3, "


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_book_with(tmp_path_factory.mktemp("bibtex"))
    for slug, title in HOSTILE.items():
        text = report_front(title=title.replace("\\", "\\\\").replace('"', '\\"'))
        if slug == "bib-name":
            text = text.replace('"Ann Example"', json.dumps(HOSTILE_NAME))
        (root / "experiences" / f"{slug}.md").write_text(text + "Fictional text.\n", "utf-8")
    (root / "experiences" / "bib-title.it.md").write_text(
        f'---\ntitle: "Notti"\ntranslators:\n  - name: {json.dumps(HOSTILE_TRANSLATOR)}\n---\n\n'
        "Testo.\n",
        "utf-8",
    )
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_every_report_has_one_bibtex_entry_with_its_whole_title(hostile_book: Path) -> None:
    require_module("pybtex")
    from pybtex.database import parse_string

    pages = sorted((hostile_book / "_build" / "html" / "experiences").glob("*.html"))
    assert len(pages) == 8  # the small book's four published, three more and a translation
    titles = {}
    for page in pages:
        tree = html.fromstring(page.read_text("utf-8"))
        (text,) = [p.text_content() for p in tree.xpath("//*[contains(@class,'cite-bibtex')]")]
        entries = parse_string(text, "bibtex").entries
        assert len(entries) == 1, (page.name, text)
        (entry,) = entries.values()
        (title,) = tree.xpath("//meta[@name='citation_title']/@content")
        assert entry.fields["title"] == "{" + bibtex_escape(title) + "}", page.name
        titles[page.stem] = title
    assert titles["bib-title"] == HOSTILE["bib-title"]
    assert titles["bib-braces"] == HOSTILE["bib-braces"]
    names = parse_string(_bibtex(hostile_book, "bib-name"), "bibtex").entries["bib-name"]
    (person,) = names.persons["author"]  # one person, whatever the name holds
    assert person.last_names == ["{" + bibtex_escape("author={Eve") + "}"]  # the last word
    translated = parse_string(_bibtex(hostile_book, "bib-title.it"), "bibtex").entries
    (translation,) = translated.values()
    # pybtex reads only author and editor as people: the translator is one braced name
    translator = translation.fields["translator"]
    assert translator == bibtex_name(PersonName.of(HOSTILE_TRANSLATOR))
    assert translator.startswith("{@misc\\textbraceleft{}evil3}, Marco ")


def _bibtex(root: Path, page: str) -> str:
    tree = html.fromstring((root / "_build" / "html" / "experiences" / f"{page}.html").read_bytes())
    (text,) = [p.text_content() for p in tree.xpath("//*[contains(@class,'cite-bibtex')]")]
    return text


@pytest.mark.parametrize(
    "doi",
    [
        "10.5555/x}} @misc{evil,",
        "10.5555/a<b>",
        '10.5555/a"b',
        "10.5555/a\u202eb",  # a bidi override
        "10.5555/a b",
        "10.5555/{x}",
    ],
)
def test_a_doi_outside_crossrefs_pattern_is_refused(tmp_path: Path, doi: str) -> None:
    root = small_book_with(tmp_path)
    text = report_front(f"doi: {json.dumps(doi)}\n")
    (root / "experiences" / "bad-doi.md").write_text(text + "Fictional text.\n", "utf-8")
    result = run_book(root, "check")
    assert result.returncode == 1
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("experiences/bad-doi.md:")]
    assert line.startswith("experiences/bad-doi.md:9: doi: found ")
    assert "Crossref's recommended pattern" in line and line.endswith("[report.doi]")


@pytest.mark.parametrize(
    "doi", ["10.1002/(SICI)1097-4636(199706)35:4<>1::AID", "10.5555/ABC-1_2;3"]
)
def test_crossrefs_pattern(doi: str) -> None:
    from bookbuilder.check.schema import Checker, check_doi
    from bookbuilder.model import Located

    ck = Checker("x.md")
    value = check_doi(Located(doi, 1), "doi", ck)
    assert (value == doi) == ("<" not in doi), ck.problems


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "Submitted 2020-11-19. Translated from Italian"),
        ("de", "Eingereicht am 2020-11-19. Original: Italienisch"),
        ("ja", "投稿日：2020-11-19。イタリア語からの翻訳"),
        ("ar", "تاريخ التقديم: 2020-11-19. مترجم عن الإيطالية"),
    ],
)
def test_the_entrys_note_is_in_the_books_language(language: str, note: str) -> None:
    """The note, the one field a style prints as it is, is in the book's language (the
    language's name already was); the fields, the entry type and the ISO date are BibTeX's."""
    require_module("pybtex")
    from pybtex.database import parse_string

    record = replace(
        a_record((Author("Ann Example", "nurse"),)),
        book_language=language,
        translation=TranslationOf((Translator("Marco Rossi"),), "it", _italian(language), "Notti"),
    )
    words.install(language)
    try:
        entry = cite.bibtex(record, BookMeta(title="B", language=language, year=2020))
    finally:
        words.install("en")
    (parsed,) = parse_string(entry, "bibtex").entries.values()
    assert parsed.fields["note"] == note
    assert set(parsed.fields) == {"title", "translator", "origtitle", "booktitle", "year", "note"}


def _italian(language: str) -> str:
    return Locale.parse("it").get_display_name(words.locale_for(language))


def test_a_translated_note_cannot_end_its_field() -> None:
    """conf.py's words replace the catalogue's: whatever they say, the entry stays one entry."""
    require_module("pybtex")
    from pybtex.database import parse_string

    words.install("de", {"Submitted {date}": "Eingereicht }} @misc{{evil, note={{ am {date}"})
    try:
        entry = cite.bibtex(a_record((Author("Ann", "nurse"),)), BookMeta("B", "de", 2020))
    finally:
        words.install("en")
    (parsed,) = parse_string(entry, "bibtex").entries.values()
    # the word as str.format reads it, "Eingereicht } @misc{evil, note={ am …", escaped
    assert parsed.fields["note"].startswith(r"Eingereicht \textbraceright{} @misc\textbraceleft{}")


@pytest.mark.parametrize(
    ("language", "reference"),
    [
        (
            "en",
            "Ann Example. “Notti”. Translated from Italian by Marco Rossi and Eva Bianchi. "
            "In: B, Ed One and Ed Two (eds.). P, 2020.",
        ),
        (
            "de",
            "Ann Example. „Notti“. Original: Italienisch; übersetzt von Marco Rossi und Eva "
            "Bianchi. In: B, Ed One und Ed Two (Hrsg.). P, 2020.",
        ),
        (
            "ja",
            # each part ends with "。", no space after it, as the text around it does
            "Ann Example。「Notti」。イタリア語からの翻訳：Marco Rossi、Eva Bianchi。"
            "Ed One、Ed Two編『B』所収。P、2020。",
        ),
        (
            "zh",
            "Ann Example。《Notti》。译自意大利语，译者：Marco Rossi和Eva Bianchi。"
            "载于Ed One和Ed Two主编《B》。P，2020。",
        ),
        (
            "zh-Hant",
            "Ann Example。〈Notti〉。譯自義大利文，譯者：Marco Rossi和Eva Bianchi。"
            "收錄於Ed One和Ed Two主編《B》。P，2020。",
        ),
    ],
)
def test_the_plain_reference_is_in_the_books_language(language: str, reference: str) -> None:
    """The words, the quotation marks and the lists of names of "Cite this report"'s plain
    reference are the book's language's, as its BibTeX note is."""
    translators = (Translator("Marco Rossi"), Translator("Eva Bianchi"))
    record = replace(
        a_record((Author("Ann Example", "nurse"),), title="Notti"),
        book_language=language,
        translation=TranslationOf(translators, "it", _italian(language), "Notti"),
    )
    book = BookMeta("B", language, 2020, editors=("Ed One", "Ed Two"), publisher="P")
    words.install(language)
    try:
        assert cite.plain(record, book) == reference
    finally:
        words.install("en")
