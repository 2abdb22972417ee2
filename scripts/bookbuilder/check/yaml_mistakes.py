"""The YAML mistakes editors make, each said in their words, with the fix, at the right line.

PyYAML's messages describe its parser (``expected <block end>, but found '<scalar>'``, ``found
character '\\t' that cannot start any token``), often a line or two after the mistake. When the
parser gives up, :func:`explain` looks at the front matter's lines for the usual causes, in this
order, and names the line where the mistake is:

- a tab in a line's indentation (``yaml.tab``);
- a quote that opens a text and never closes (``yaml.quote``), or text after the closing quote
  (``title: "Night shifts" in Bergamo``; ``yaml.quote``);
- a list item without a space after its ``-`` (``-name: Ann``; ``yaml.dash``);
- a colon and a space inside text that is not in quotes (``title: Night shifts: a story``;
  ``yaml.colon``).

Anything else keeps the parser's own words (``yaml.syntax``). A missing space after ``-`` that
the parser accepts (``-CT`` under ``modalities:`` is read as the text ``-CT``) is found by
:func:`dash_without_space` on the value's lines. A list where text is expected is the schema's
to say (:func:`bookbuilder.check.schema.text`), with the one-line text to write instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from bookbuilder.codes import Code
from bookbuilder.model import Problem

LineOf = Callable[[int], int]

_TAB_INDENT = re.compile(r"^[ ]*\t")
_DASH_NO_SPACE = re.compile(r"^(\s*)-([^\s\-].*)$")
# `key: value`, possibly as a list item (`- key: value`); the value as written.
_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([^\s:#\"'\[{][^:#]*?):[ \t]+(.*?)\s*$")
_QUOTED = re.compile(r"^(\s*(?:-\s+)?(?:[^\s:#\"'\[{][^:#]*?:[ \t]+)?)([\"'])(.*)$")


def explain(
    problem: str, error_line: int, quote_line: int | None, text: str, relpath: str, line_of: LineOf
) -> Problem | None:
    """The editor's mistake behind a YAML syntax error, or None when it is none of the usual.

    ``problem`` is the parser's message, ``error_line`` the YAML line (from 0) it stopped at,
    ``quote_line`` the line of a quoted text it was reading when the front matter ended."""
    lines = text.split("\n")
    error_line = min(max(error_line, 0), len(lines) - 1)
    for recognise in (_tab, _quote, _after_quote, _dash, _colon):
        found = recognise(lines, error_line, quote_line, problem)
        if found is not None:
            line, key, message, code = found
            return Problem(relpath, line_of(line), message, key, code=code)
    return None


Found = tuple[int, str | None, str, Code] | None


def _tab(lines: Sequence[str], error_line: int, _quote: int | None, problem: str) -> Found:
    for index in range(error_line + 1 if "'\\t'" not in problem else len(lines)):
        if _TAB_INDENT.match(lines[index]):
            return (
                index,
                None,
                "found a tab in the indentation; allowed: spaces only (YAML does not accept "
                "tabs): replace the tab with spaces, so the line starts under the line it "
                "belongs to",
                Code.YAML_TAB,
            )
    return None


def _quote(lines: Sequence[str], error_line: int, quote_line: int | None, problem: str) -> Found:
    candidates = [quote_line] if quote_line is not None else range(error_line, -1, -1)
    for index in candidates:
        match = _QUOTED.match(lines[index])
        if match is None or _closes(match.group(3), match.group(2)):
            continue
        before, mark, rest = match.groups()
        key = _key_of(before)
        fixed = f"{before.strip()} {mark}{rest.rstrip()}{mark}".strip()
        return (
            index,
            key,
            f"found a text that opens with {mark} and is never closed; allowed: text between "
            f"two {mark} on the same line; did you mean {_shown(fixed)}?",
            Code.YAML_QUOTE,
        )
    return None


def _after_quote(lines: Sequence[str], error_line: int, _q: int | None, problem: str) -> Found:
    match = _QUOTED.match(lines[error_line])
    if match is None:
        return None
    before, mark, rest = match.groups()
    end = _closing(rest, mark)
    after = rest[end + 1 :].strip() if end is not None else ""
    if not after or after.startswith("#"):
        return None
    inside = rest[:end] + " " + after.strip(mark).strip()
    fixed = f"{before.strip()} {mark}{inside}{mark}".strip()
    return (
        error_line,
        _key_of(before),
        f"found text after the closing {mark} ({_shown(after)}); allowed: the whole text "
        f"between the quotes; did you mean {_shown(fixed)}?",
        Code.YAML_QUOTE,
    )


def _closes(rest: str, mark: str) -> bool:
    """Whether a quoted text opened just before ``rest`` closes on its line."""
    return _closing(rest, mark) is not None


def _closing(rest: str, mark: str) -> int | None:
    """Where in ``rest`` the quoted text opened just before it closes, or None."""
    index, escaped = 0, False
    while index < len(rest):
        ch = rest[index]
        if mark == "'" and ch == "'" and rest[index + 1 : index + 2] == "'":
            index += 2  # '' is a quote inside '…'
            continue
        if escaped:
            escaped = False
        elif ch == "\\" and mark == '"':
            escaped = True
        elif ch == mark:
            return index
        index += 1
    return None


def _dash(lines: Sequence[str], error_line: int, _quote: int | None, problem: str) -> Found:
    for index in range(error_line, -1, -1):
        found = dash_without_space(lines[index])
        if found is not None:
            return index, None, found, Code.YAML_DASH
    return None


def dash_without_space(line: str) -> str | None:
    """The message for a list item written ``-item`` (no space after the dash), or None."""
    match = _DASH_NO_SPACE.match(line)
    if match is None or line.strip() == "---":
        return None
    item = match.group(2)
    return (
        f"found {_shown(line.strip())}, a list item without a space after '-'; allowed: '- ' "
        f"then the item; did you mean {_shown(f'- {item}')}?"
    )


def _colon(lines: Sequence[str], error_line: int, _quote: int | None, problem: str) -> Found:
    if "mapping values are not allowed" not in problem:
        return None
    match = _KEY_VALUE.match(lines[error_line])
    if match is None:
        return None
    before, key, value = match.groups()
    if not re.search(r":(\s|$)", value) or value.startswith(("'", '"', "[", "{", "|", ">")):
        return None  # a key out of line, not text with a colon: the parser's words
    fixed = f"{before.strip()} {key}: {json.dumps(value, ensure_ascii=False)}".strip()
    return (
        error_line,
        _key_of(f"{before}{key}: "),
        "found ': ' (a colon and a space) in text that is not in quotes, which YAML reads as "
        "the start of another key; allowed: such text in double quotes; "
        f"did you mean {_shown(fixed)}?",
        Code.YAML_COLON,
    )


def _key_of(before: str) -> str | None:
    """``  - name: `` → ``name``; a bare list item → None."""
    key = before.strip().removeprefix("-").strip().removesuffix(":").strip()
    return key or None


def _shown(text: str, limit: int = 80) -> str:
    """``'text'``, or ```text``` when the text has a ``'`` of its own."""
    mark = "`" if "'" in text else "'"
    return mark + (text if len(text) <= limit else text[: limit - 1] + "…") + mark
