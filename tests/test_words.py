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
