"""The builder's words: one catalogue per language, complete; conf.py's words validated (the
books in German, Arabic and Japanese: test_book_languages.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bookbuilder import words
from bookbuilder.check.validate import validate_book_meta
from conftest import FIXTURES, copy_book, run_book

CATALOGUES = sorted(words.LOCALE_DIR.glob(f"*/LC_MESSAGES/{words.DOMAIN}.po"))
PLACEHOLDER = re.compile(r"\{\w*\}")


def _template() -> list:
    with words.TEMPLATE.open("rb") as file:
        return [m for m in read_po(file) if m.id]


def test_the_template_is_up_to_date() -> None:
    """`make messages` was run after the last word changed: the template has every word."""
    from messages import template  # scripts/messages.py

    assert {str(m.id) for m in template() if m.id} == {str(m.id) for m in _template()}


def test_make_messages_rewrites_no_catalogue_when_no_word_changed(tmp_path: Path) -> None:
    """`make messages` on a copy of the catalogues, twice: the first run leaves every file as
    committed (not even a new POT-Creation-Date: `git status` stays clean), the second writes
    none of them (their modification times stay)."""
    copy = tmp_path / "locale"
    shutil.copytree(words.LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    files = sorted(p for p in copy.rglob("*.po*") if p.suffix in (".po", ".pot"))
    assert len(files) == len(CATALOGUES) + 1
    script = Path(__file__).parents[1] / "scripts" / "messages.py"
    for run in (1, 2):
        before = {p: p.stat().st_mtime_ns for p in files}
        result = subprocess.run(
            [sys.executable, str(script), "--locale-dir", str(copy)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        changed = [p.relative_to(copy) for p in files if p.read_bytes() != _original(copy, p)]
        assert not changed, f"run {run} changed {changed}"
        rewritten = [p.relative_to(copy) for p in files if p.stat().st_mtime_ns != before[p]]
        assert not rewritten, f"run {run} rewrote {rewritten}"


def _original(copy: Path, path: Path) -> bytes:
    return (words.LOCALE_DIR / path.relative_to(copy)).read_bytes()


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
    meta, problems = validate_book_meta(_book({"language": "cy"}))
    assert meta is not None
    (problem,) = [p for p in problems if p.code == "book.no-catalogue"]
    assert "'cy' (Welsh)" in str(problem) and not problem.is_error


def test_a_plural_phrase_takes_the_book_s_forms_by_plural_category() -> None:
    """conf.py's forms of "{n} report" in Polish: each number reads the form of its CLDR
    category (1 one, 2-4 and 22 few, 5 and 25 many); the catalogue keeps the other phrases."""
    forms = {"one": "{n} raport", "few": "{n} raporty", "many": "{n} raportów", "other": "{n}"}
    given = {"{n} report": forms, "Contributors": "Autorzy"}
    meta, problems = validate_book_meta(_book({"language": "pl", "words": given}))
    assert meta is not None and not problems
    assert dict(meta.words) == {"Contributors": "Autorzy"}
    assert meta.plural_forms == {"{n} report": forms}
    words.install(meta.language, dict(meta.words), meta.plural_forms)
    try:
        said = {
            n: words.ngettext("{n} report", "{n} reports", n).format(n=n) for n in (1, 3, 5, 22)
        }
        assert said == {1: "1 raport", 3: "3 raporty", 5: "5 raportów", 22: "22 raporty"}
        assert words._("Contributors") == "Autorzy"
        catalogue = words.translations("pl").ngettext("by {n} author.", "by {n} authors.", 5)
        assert words.ngettext("by {n} author.", "by {n} authors.", 5) == catalogue != ""
    finally:
        words.install("en")
    # a form the book changes changes what the Sphinx side's words depend on
    changed = {"{n} report": {**forms, "many": "{n} sprawozdań"}}
    assert words.digest("pl", {}, changed) != words.digest("pl", {}, {"{n} report": forms})


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("{n} Berichte", "found '{n} Berichte' for a plural phrase"),
        ({"one": "ein Bericht"}, "found the forms 'one', without 'other'"),
        ({"oen": "{n}", "other": "{n}"}, "not a CLDR plural category; "),
        ({"one": "{count}", "other": "{n}"}, "whose placeholders are {count}"),
        ({"one": "{n}", "other": "Berichte"}, "whose placeholders are none"),
    ],
)
def test_a_plural_phrase_s_forms_are_checked(value: object, said: str) -> None:
    meta, problems = validate_book_meta(_book({"words": {"{n} report": value}}))
    assert meta is None
    (problem,) = problems
    assert said in str(problem) and problem.code == "book.words", problem
    if "oen" in str(value):
        assert "did you mean 'one'" in str(problem)


def test_make_check_warns_of_a_plural_form_the_book_s_language_does_not_use(
    tmp_path: Path,
) -> None:
    """A ``few`` in an English book: no number takes it, so the editor is told, at conf.py's
    line, which phrase, which category and the categories English uses; the book still builds."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    conf = root / "conf.py"
    forms = (
        '"words": {"{n} report": {"one": "{n} case", "few": "{n} cases", "other": "{n} cases"}},'
    )
    text = conf.read_text("utf-8")
    assert '"licence": "CC0-1.0",' in text and '"language": "en"' in text
    conf.write_text(text.replace('"licence": "CC0-1.0",', f'"licence": "CC0-1.0",\n    {forms}'))
    line = 1 + conf.read_text("utf-8").splitlines().index(f"    {forms}")
    result = run_book(root, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    said = [w for w in result.stdout.splitlines() if "[book.plural-category]" in w]
    assert said == [
        f"  conf.py:{line}: warning: words['{{n}} report']['few']: found a form for 'few', a "
        "plural category English (en) does not use: no number takes it; allowed: the categories "
        "of English: one, other [book.plural-category]"
    ], result.stdout


@pytest.mark.parametrize(
    ("language", "forms", "unused", "used"),
    [
        ("ja", {"one": "{n}件", "other": "{n}件"}, ["one"], "other"),
        (
            "pl",
            {"one": "{n}", "two": "{n}", "few": "{n}", "other": "{n}"},
            ["two"],
            "one, few, many, other",
        ),
        (
            "ar",
            {"zero": "{n}", "two": "{n}", "other": "{n}"},
            [],
            "zero, one, two, few, many, other",
        ),
        ("xx-unknown", {"few": "{n}", "other": "{n}"}, None, ""),
    ],
)
def test_only_the_categories_the_language_uses_are_quiet(
    language: str, forms: dict, unused: list[str] | None, used: str
) -> None:
    meta, problems = validate_book_meta(
        _book({"language": language, "words": {"{n} report": forms}})
    )
    if unused is None:  # a language Babel does not know: said as such, nothing of its plurals
        assert meta is None and not [p for p in problems if p.code == "book.plural-category"]
        return
    assert meta is not None and meta.plural_forms == {"{n} report": forms}
    warned = [p for p in problems if p.code == "book.plural-category"]
    assert [p.key for p in warned] == [f"words['{{n}} report'][{c!r}]" for c in unused]
    assert all("allowed: the categories of " in str(p) for p in warned)
    assert all(str(p).endswith(f": {used} [book.plural-category]") for p in warned)
    assert all(not p.is_error for p in warned)
    assert words.plural_categories(language) == tuple(used.split(", "))


def test_a_book_s_plural_phrase_reads_in_its_website(tmp_path: Path) -> None:
    """The forms conf.py gives reach both sides of the build: the render stage's "at a glance"
    page and the Sphinx side's browse page count the book's reports with the book's words."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    conf = root / "conf.py"
    forms = '"words": {"{n} report": {"one": "{n} case", "other": "{n} cases"}},'
    assert '"licence": "CC0-1.0",' in conf.read_text("utf-8")  # where the setting goes
    conf.write_text(
        conf.read_text("utf-8").replace(
            '"licence": "CC0-1.0",', f'"licence": "CC0-1.0",\n    {forms}'
        ),
        "utf-8",
    )
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "_build" / "html"
    glance = re.search(r"(\d+) cases from", (site / "at-a-glance.html").read_text("utf-8"))
    assert glance is not None and int(glance.group(1)) > 1
    count = re.search(r'id="browse-count"[^>]*>([^<]*)<', (site / "browse.html").read_text("utf-8"))
    assert count is not None and count.group(1) == f"{glance.group(1)} cases"


def test_the_book_s_language_is_read_as_a_locale_in_one_place() -> None:
    """Plural rules, country and language names, lists of names: one reading of the tag
    (``words.locale_for``), English for a tag Babel does not know."""
    from bookbuilder.check import countries
    from bookbuilder.render import cite

    assert countries.locale_for is words.locale_for is cite.locale_for
    assert words.locale_for("pt-BR") is words.locale_for("pt-BR")  # read once
    assert str(words.locale_for("pt-BR")) == str(words.locale_for("pt_BR")) == "pt_BR"
    assert words.plural_category("xx-unknown", 1) == "one" and words.direction("xx") == "ltr"
    assert countries.country_name("DE", "xx-unknown") == "Germany"
