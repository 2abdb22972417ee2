"""The CSV files editors open in a spreadsheet (``_build/overview.csv``,
``_build/contributors.csv``), all written one way: UTF-8, a header row, every text cell quoted
and neutralised, numbers as numbers, and the folder made when missing.

A cell's text comes from reports, refused ones included (the overview lists them), so it is
untrusted: a spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, which can send other cells away (``HYPERLINK``, ``WEBSERVICE``) or start a program (a
DDE call such as ``=cmd|' /C calc'!A0``). As OWASP's "CSV Injection" guidance says, such a cell
gets a leading apostrophe, which makes every spreadsheet read it as text. We are stricter than
the guidance's list in three ways, because spreadsheets are lenient in what they call a formula:
the full-width forms (＝＋－＠, which some East Asian input methods type and some spreadsheets
take for the ASCII ones), whitespace and invisible characters in front of a trigger (some
spreadsheets trim them on import), and a trigger right after a semicolon, tab or line break inside
a cell (a spreadsheet that splits the file at semicolons or tabs, as Excel does by default in
many European locales, would start a cell there). Numbers the project computes (word and image
counts) are written unquoted and untouched, so they stay numbers.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from numbers import Number
from pathlib import Path

# What makes a spreadsheet read a cell as a formula: OWASP's =, +, -, @, and their full-width
# forms. Tab, CR, LF and NUL at a cell's very start are neutralised too (OWASP, ASVS 1.2.10).
FORMULA_TRIGGERS = frozenset("=+-@＝＋－＠")
CONTROL_STARTS = frozenset("\t\r\n\x00")
# Where a spreadsheet that splits the file at another separator than the comma starts a cell.
_SPLIT_POINT = re.compile(r"([;\t\r\n])")


def _invisible(char: str) -> bool:
    """Whitespace, control and format characters (spaces, no-break spaces, zero-width joiners,
    bidi marks): a spreadsheet may trim them, so a trigger behind them still counts."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _trigger_first(text: str) -> bool:
    visible = next((char for char in text if not _invisible(char)), "")
    return visible in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it and never evaluates: a leading apostrophe before a
    formula trigger at its start and after each semicolon, tab or line break in it, and before
    a tab, line break or NUL that starts it."""
    pieces = _SPLIT_POINT.split(text)  # text, separator, text, separator, …, text
    for index in range(0, len(pieces), 2):
        if _trigger_first(pieces[index]):
            pieces[index] = "'" + pieces[index]
    safe = "".join(pieces)
    return "'" + safe if safe[:1] in CONTROL_STARTS else safe


def cell(value: object) -> object:
    """What is written for ``value``: numbers as they are, anything else as neutralised text."""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    return neutralise("" if value is None else str(value))


def write_csv(target: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write the header and rows to ``target``; every cell goes through :func:`cell`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow([cell(name) for name in header])
        writer.writerows([cell(value) for value in row] for row in rows)
