"""The builder's words: one catalogue per language, complete, and a book's pages in its language."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bookbuilder import words
from bookbuilder.check.validate import validate_book_meta
from conftest import run_book, small_book_with

CATALOGUES = sorted(words.LOCALE_DIR.glob(f"*/LC_MESSAGES/{words.DOMAIN}.po"))
PLACEHOLDER = re.compile(r"\{\w*\}")


def _template() -> list:
    with words.TEMPLATE.open("rb") as file:
        return [m for m in read_po(file) if m.id]


def test_the_template_is_up_to_date() -> None:
    """`make messages` was run after the last word changed: the template has every word."""
    from messages import template  # scripts/messages.py

    assert {str(m.id) for m in template() if m.id} == {str(m.id) for m in _template()}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_shipped_catalogue_translates_every_word(po: Path) -> None:
    with po.open("rb") as file:
        catalogue = read_po(file, locale=po.parent.parent.name)
    missing, broken = [], []
    for message in _template():
        found = catalogue.get(message.id)
        strings = () if found is None else found.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if found is None or not all(strings) or found.fuzzy:
            missing.append(message.id)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            # a plural form may leave the number out ("ein Bericht"), never add a placeholder
            if not set(PLACEHOLDER.findall(string)) <= wanted | {"{n}"}:
                broken.append((message.id, string))
    assert not missing, f"{po}: untranslated: {missing}"
    assert not broken, f"{po}: placeholders not in the English word: {broken}"


def test_a_language_tag_finds_its_catalogue() -> None:
    assert words.catalogue_id("de-AT") == "de"
    assert words.catalogue_id("ar-EG") == "ar"
    assert words.catalogue_id("en") == "en"
    assert words.catalogue_id("xx") is None
    assert words.direction("ar") == "rtl" and words.direction("he") == "rtl"
    assert words.direction("ja") == "ltr"


def test_the_words_come_in_the_language_and_conf_py_replaces_any() -> None:
    words.install("de", {"Contributors": "Mitwirkende"})
    try:
        assert words._("Browse the reports") == "Die Berichte durchsuchen"
        assert words._("Contributors") == "Mitwirkende"
        assert words.ngettext("{n} report", "{n} reports", 3) == "{n} Berichte"
        words.install("ar")
        assert words.ngettext("{n} report", "{n} reports", 2) == "تقريران"
    finally:
        words.install("en")


def _book(extra: dict) -> dict:
    return {"title": "T", "language": "de", "year": 2024, **extra}


def test_an_unknown_word_is_an_error_with_did_you_mean() -> None:
    meta, problems = validate_book_meta(_book({"words": {"Contributers": "Mitwirkende"}}))
    assert meta is None
    (problem,) = problems
    assert problem.code == "book.words"
    assert "did you mean 'Contributors'" in str(problem)


def test_a_replaced_word_keeps_its_placeholders() -> None:
    meta, problems = validate_book_meta(_book({"words": {"Edited by {editors}": "Hrsg."}}))
    assert meta is None
    assert "placeholders" in str(problems[0]) and problems[0].code == "book.words"
    meta, problems = validate_book_meta(_book({"words": {"Edited by {editors}": "Hg. {editors}"}}))
    assert meta is not None and dict(meta.words) == {"Edited by {editors}": "Hg. {editors}"}


def test_a_language_without_catalogue_is_named_in_a_warning() -> None:
    meta, problems = validate_book_meta(_book({"language": "eu"}))
    assert meta is not None
    (problem,) = [p for p in problems if p.code == "book.no-catalogue"]
    assert "'eu' (Basque)" in str(problem) and not problem.is_error


def _visible_text(page: Path) -> str:
    text = page.read_text("utf-8")
    text = re.sub(r"<(script|style|head)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<pre\b.*?</pre>", " ", text, flags=re.S)  # BibTeX: a citation's own words
    shown = " ".join(re.findall(r'(?:alt|aria-label)="([^"]*)"', text))
    return html.unescape(re.sub(r"<[^>]+>", " ", text) + " " + shown)


def _english_words() -> set[str]:
    """The builder's English words, each fixed part of 4 letters or more (names like "CT" and
    words the same in German, like "Navigation", apart)."""
    found = set()
    for message in _template():
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            for part in PLACEHOLDER.split(text):
                part = part.strip(" .,:;()…")
                if len(part) >= 4 and re.search("[a-z]", part):
                    found.add(part)
    return found


@pytest.fixture(scope="module")
def german_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_book_with(tmp_path_factory.mktemp("german"), {"language": "de"})
    result = run_book(root, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build" / "html"


def test_a_german_book_shows_no_english_word_of_the_builders(german_build: Path) -> None:
    with (words.LOCALE_DIR / "de" / "LC_MESSAGES" / f"{words.DOMAIN}.po").open("rb") as file:
        german = {str(m.string) for m in read_po(file) if m.id}
    # the book's own words (a chapter "Reports of France and Germany") are not the builder's
    book = german_build.parents[1]
    own = " ".join(f.read_text("utf-8") for f in book.glob("[ce]*/*.*") if f.suffix in (".md", ".yml", ".yaml"))
    english = {
        w
        for w in _english_words()
        if not any(w in g for g in german) and not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", own)
    }
    pages = ["index.html", "browse.html", "at-a-glance.html", "contributors.html"]
    pages += [
        "accessibility.html",
        *sorted(
            p.relative_to(german_build).as_posix()
            for p in (german_build / "experiences").glob("*.html")
        )[:3],
    ]
    pages += [
        sorted(
            p.relative_to(german_build).as_posix()
            for p in (german_build / "chapters").glob("*.html")
        )[0]
    ]
    left = {}
    for page in pages:
        text = _visible_text(german_build / page)
        found = sorted(w for w in english if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text))
        if found:
            left[page] = found
    assert not left, f"English words of the builder's on German pages: {left}"
    assert "Die Berichte durchsuchen" in _visible_text(german_build / "browse.html")
