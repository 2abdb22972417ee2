"""The load stage: safe reading of report and chapter files, YAML with real line numbers."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookbuilder.check.load import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_FRONT_MATTER,
    MAX_LINE_BREAK_PROBLEMS,
    OTHER_LINE_BREAKS,
    load_chapters,
    load_reports,
    load_source,
    parse_yaml,
)
from bookbuilder.model import Located, Problem

REPORT = """---
title: "Night shifts"
authors:
  - name: Giulia Bianchi
    role: radiographer
country: IT
submitted: 2020-11-19
consent: true
---

Body text.
"""


def write(root: Path, name: str, content: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def values(mapping: dict[str, Located]) -> dict:
    """Strip the Located wrappers, for comparisons."""

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v.value) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v.value) for v in value]
        return value

    return plain(mapping)


def parse(text: str) -> tuple[dict | None, list[Problem]]:
    return parse_yaml(text, "experiences/x.md", first_line=2)


# -- YAML scalars: YAML 1.2 core, not 1.1 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("NO", "NO"),
        ("no", "no"),
        ("No", "No"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("12", 12),
        ("-3", -3),
        ("0", 0),
        ("012", "012"),
        ("0o12", "0o12"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("1:30", "1:30"),
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".inf", ".inf"),
        ("null", None),
        ("~", None),
        ("", None),
        ("2020-11-19", date(2020, 11, 19)),
        ("'2020-11-19'", "2020-11-19"),
        ("2021-02-29", "2021-02-29"),
        ("2020-11-19T10:00:00", "2020-11-19T10:00:00"),
        ("2020-1-5", "2020-1-5"),
        ("'true'", "true"),
    ],
)
def test_scalars(written: str, expected: object) -> None:
    mapping, problems = parse(f"key: {written}")
    assert problems == []
    assert mapping is not None
    value = mapping["key"].value
    assert value == expected
    assert type(value) is type(expected)


def test_lines_are_file_lines_and_nested_values_have_their_own() -> None:
    mapping, problems = parse(
        "title: T\nauthors:\n  - name: A\n    role: nurse\n  - {name: B, role: other}\n"
    )
    assert problems == []
    assert mapping is not None
    assert mapping["title"].line == 2
    assert mapping["authors"].line == 3  # a block list stands on its key's line
    first, second = mapping["authors"].value
    assert first.line == 4
    assert first.value["role"] == Located("nurse", 5)
    assert second.value["role"] == Located("other", 6)


def test_empty_value_stands_on_its_key_line() -> None:
    mapping, _ = parse("a: 1\ncity:\n\nb: 2\n")
    assert mapping is not None
    assert mapping["city"] == Located(None, 3)


def test_line_separators_inside_values_do_not_shift_lines() -> None:
    # PyYAML counts NEL, LS and PS as line breaks; the file's lines are '\n' only.
    mapping, problems = parse('title: "a\u2028b\x85c"\nkey: b: c\n')
    assert mapping is None
    assert problems[0].line == 3
    mapping, problems = parse('title: "a\u2028b"\nother: x\nkey: [a,\n')
    assert problems[0].line == 4  # the unclosed bracket, not the end of the front matter


def test_duplicate_key_names_both_lines() -> None:
    mapping, problems = parse("title: a\ncity: b\ntitle: c\n")
    assert [str(p) for p in problems] == [
        "experiences/x.md:4: title: found the key twice (lines 2 and 4); allowed: each key "
        "once [yaml.duplicate-key]"
    ]
    assert mapping is not None
    assert mapping["title"].value == "a"


def test_non_text_keys_are_refused() -> None:
    _, problems = parse("1: a\nnull: b\n[x]: c\n")
    assert [p.code for p in problems] == ["yaml.key"] * 3


def test_tags_are_refused() -> None:
    mapping, problems = parse("a: !!python/object:os.system x\nb: !custom y\nc: !!str 12\n")
    assert [p.code for p in problems] == ["yaml.tag", "yaml.tag"]
    assert mapping is not None
    assert mapping["c"].value == "12"


def test_syntax_error_names_the_real_line() -> None:
    _, problems = parse("title: a\ncity: b: c\n")
    assert len(problems) == 1
    assert problems[0].line == 3
    assert problems[0].code == "yaml.colon"  # text with ": " not in quotes
    assert "did you mean 'city: \"b: c\"'?" in problems[0].message


def test_front_matter_must_be_a_mapping() -> None:
    assert parse("- a\n- b\n")[1][0].code == "yaml.structure"
    assert parse("just text\n")[1][0].code == "yaml.structure"
    assert parse("# only a comment\n") == ({}, [])


def test_control_character_is_refused_with_its_line() -> None:
    _, problems = parse("a: 1\nb: x\x07y\n")
    assert problems[0].code == "yaml.character"
    assert problems[0].line == 3


# -- Anchors, aliases, depth ----------------------------------------------------------------------


def test_anchor_and_alias_are_refused() -> None:
    _, problems = parse("a: &x 1\nb: *x\n")
    assert [p.code for p in problems] == ["yaml.alias"]
    assert problems[0].line == 2


def test_alias_bomb_finishes_fast() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 40):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    start = time.monotonic()
    mapping, problems = parse("\n".join(lines))
    assert time.monotonic() - start < 2
    assert mapping is None
    assert problems[0].code == "yaml.alias"


def test_alias_without_anchor_is_refused() -> None:
    mapping, problems = parse("b: *nowhere\n")
    assert mapping is None
    assert problems[0].code == "yaml.alias"


def test_nesting_depth() -> None:
    # The front matter's own mapping is level 1.
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1)
    deep = "a: " + "[" * MAX_DEPTH + "x" + "]" * MAX_DEPTH
    assert parse(ok)[1] == []
    _, problems = parse(deep)
    assert [p.code for p in problems] == ["yaml.depth"]


def test_very_deep_nesting_raises_nothing() -> None:
    text = "a: " + "[" * 100_000 + "]" * 100_000
    mapping, problems = parse(text)
    assert mapping is None
    assert problems[0].code == "yaml.depth"


# -- Files ----------------------------------------------------------------------------------------


def test_load_source_splits_front_matter_and_body(tmp_path: Path) -> None:
    path = write(tmp_path, "experiences/night-shifts.md", REPORT)
    src, problems = load_source(path, tmp_path)
    assert problems == []
    assert src is not None
    assert src.relpath == "experiences/night-shifts.md"
    assert src.stem == "night-shifts"
    assert src.front_matter_line == 1
    assert src.front_matter["country"] == Located("IT", 6)
    assert src.body_line == 10
    assert src.body == "\nBody text.\n"
    assert src.body.split("\n")[1] == "Body text."  # file line 11


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    path = write(
        tmp_path, "experiences/x.md", b"\xef\xbb\xbf" + REPORT.replace("\n", "\r\n").encode()
    )
    src, problems = load_source(path, tmp_path)
    assert problems == []
    assert src is not None
    assert src.front_matter["title"] == Located("Night shifts", 2)
    assert src.front_matter["country"].line == 6
    assert "\r" not in src.body


def test_file_over_one_mib_is_refused(tmp_path: Path) -> None:
    body = "x" * (MAX_BYTES - len(REPORT.encode()))
    at_limit = write(tmp_path, "experiences/limit.md", REPORT + body)
    assert at_limit.stat().st_size == MAX_BYTES
    assert load_source(at_limit, tmp_path)[1] == []
    over = write(tmp_path, "experiences/over.md", REPORT + body + "x")
    src, problems = load_source(over, tmp_path)
    assert src is None
    assert [str(p) for p in problems] == [
        "experiences/over.md:1: found a file of 1.0 MiB; allowed: at most 1 MiB [file.too-large]"
    ]


def test_nul_byte_is_refused_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "experiences/x.md", REPORT.replace("Body text", "Body\x00text"))
    src, problems = load_source(path, tmp_path)
    assert src is None
    assert [(p.line, p.code) for p in problems] == [(11, "file.nul-byte")]
    assert "line 11, column 5" in problems[0].message


@pytest.mark.parametrize("char", list(OTHER_LINE_BREAKS))
@pytest.mark.parametrize("where", ["body", "front matter"])
def test_every_other_line_break_is_refused_where_it_stands(
    tmp_path: Path, char: str, where: str
) -> None:
    # str.splitlines (MyST's directive content, docutils) and YAML break lines at these,
    # markdown-it does not: the check and the build would read different lines.
    assert f"a{char}b".splitlines() == ["a", "b"]
    old, line, column = ("Body text.", 11, 5) if where == "body" else ("country: IT", 6, 9)
    text = REPORT.replace(old, old[: column - 1] + char + old[column - 1 :])
    path = write(tmp_path, "experiences/x.md", text)
    src, problems = load_source(path, tmp_path)
    assert src is None
    assert [(p.line, p.code) for p in problems] == [(line, "file.line-break")]
    assert f"{OTHER_LINE_BREAKS[char]} at line {line}, column {column}" in problems[0].message
    assert "delete the character" in problems[0].message


def test_lone_carriage_returns_are_line_breaks_for_every_stage(tmp_path: Path) -> None:
    path = write(tmp_path, "experiences/x.md", REPORT.replace("\n", "\r"))
    src, problems = load_source(path, tmp_path)
    assert problems == []
    assert src is not None and "\r" not in src.body and src.body_line == 10


def test_many_other_line_breaks_are_counted_not_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "experiences/x.md", REPORT.replace("Body text.", "a\u2028" * 5000))
    problems = load_source(path, tmp_path)[1]
    assert len(problems) == MAX_LINE_BREAK_PROBLEMS + 1
    assert "4980 more" in problems[-1].message


def test_bad_utf8_names_line_and_character_column(tmp_path: Path) -> None:
    data = REPORT.replace("Body text.", "Città è \udce9bad").encode("utf-8", "surrogateescape")
    path = write(tmp_path, "experiences/x.md", data)
    src, problems = load_source(path, tmp_path)
    assert src is None
    assert [str(p) for p in problems] == [
        "experiences/x.md:11: found bytes that are not UTF-8 (0xE9) at line 11, column 9; "
        "allowed: UTF-8 text (save the file as UTF-8) [file.encoding]"
    ]


@pytest.mark.parametrize(
    ("content", "line", "found"),
    [
        ("# Title\n\nText\n", 1, "found no front matter (line 1 is not '---')"),
        ("", 1, "found no front matter (line 1 is not '---')"),
        ("---\ntitle: x\n", 1, "found no closing '---' line"),
        ("\n\n---\ntitle: x\n---\n", 3, "found the front matter's '---' after blank lines"),
    ],
)
def test_front_matter_is_required(tmp_path: Path, content: str, line: int, found: str) -> None:
    path = write(tmp_path, "experiences/x.md", content)
    src, problems = load_source(path, tmp_path)
    assert src is None
    assert [(p.line, p.code) for p in problems] == [(line, "file.front-matter")]
    assert problems[0].message.startswith(found)


def test_front_matter_size_is_bounded(tmp_path: Path) -> None:
    keys = "".join(f"k{i}: [a, b, {{c: d}}]\n" for i in range(MAX_FRONT_MATTER // 20))
    path = write(tmp_path, "experiences/x.md", f"---\n{keys}---\n")
    start = time.monotonic()
    src, problems = load_source(path, tmp_path)
    assert time.monotonic() - start < 1
    assert src is None
    assert [(p.line, p.code) for p in problems] == [(1, "file.front-matter")]


def test_front_matter_closing_line_may_end_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "experiences/x.md", "---\ntitle: x\n---")
    src, problems = load_source(path, tmp_path)
    assert problems == []
    assert src is not None
    assert src.body == ""
    assert src.body_line == 4


def test_syntax_error_line_in_file(tmp_path: Path) -> None:
    path = write(tmp_path, "experiences/x.md", REPORT.replace("country: IT", "country: IT: FR"))
    src, problems = load_source(path, tmp_path)
    assert src is None
    assert [(p.line, p.code) for p in problems] == [(6, "yaml.colon")]


# -- Folders --------------------------------------------------------------------------------------


def test_load_reports_sorted_not_recursive_images_ignored(tmp_path: Path) -> None:
    write(tmp_path, "experiences/b-report.md", REPORT)
    write(tmp_path, "experiences/a-report.md", REPORT)
    write(tmp_path, "experiences/images/a-report/notes.md", "not a report")
    write(tmp_path, "experiences/sub/c-report.md", REPORT)
    write(tmp_path, "experiences/.#a-report.md", "editor lock file")
    write(tmp_path, "experiences/readme.txt", "not markdown")
    sources, problems = load_reports(tmp_path)
    # the hidden lock file is not read, but said (test_hidden_files_are_skipped_with_a_warning)
    assert [p.code for p in problems] == ["file.hidden"]
    assert [s.relpath for s in sources] == ["experiences/a-report.md", "experiences/b-report.md"]


def test_no_folder_is_no_report(tmp_path: Path) -> None:
    assert load_reports(tmp_path) == ([], [])
    assert load_chapters(tmp_path) == ([], [])


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("My Report.md", "my-report.md"),
        ("Night_Shifts.md", "night-shifts.md"),
        ("città-aperta.md", "citta-aperta.md"),
        ("double--hyphen.md", "double-hyphen.md"),
        ("-leading.md", "leading.md"),
        ("x" * 81 + ".md", "x" * 80 + ".md"),
    ],
)
def test_bad_slugs_are_errors_with_a_suggestion(tmp_path: Path, name: str, suggestion: str) -> None:
    write(tmp_path, f"experiences/{name}", REPORT)
    sources, problems = load_reports(tmp_path)
    assert [p.code for p in problems] == ["file.slug"]
    assert problems[0].path == f"experiences/{name}"
    assert problems[0].message.endswith(f"did you mean '{suggestion}'?")
    assert len(sources) == 1  # still read, so every other problem is found in the same pass


def test_bad_chapter_slug(tmp_path: Path) -> None:
    write(tmp_path, "chapters/Europe.md", "---\ntitle: Europe\norder: 1\n---\n")
    _, problems = load_chapters(tmp_path)
    assert [str(p) for p in problems] == [
        "chapters/Europe.md:1: found the file name 'Europe.md'; allowed: <slug>.md, the slug made "
        "of lowercase letters a-z, digits and hyphens, at most 80 characters; did you mean "
        "'europe.md'? [file.slug]"
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlink_outside_the_folder_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path, "secret.md", REPORT)
    inside = write(tmp_path, "experiences/real.md", REPORT)
    (tmp_path / "experiences" / "leak.md").symlink_to(outside)
    (tmp_path / "experiences" / "alias.md").symlink_to(inside)
    sources, problems = load_reports(tmp_path)
    assert [s.relpath for s in sources] == ["experiences/alias.md", "experiences/real.md"]
    assert [(p.path, p.code) for p in problems] == [("experiences/leak.md", "file.symlink")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_loop_of_symbolic_links_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "experiences"
    folder.mkdir()
    (folder / "a.md").symlink_to(folder / "b.md")
    (folder / "b.md").symlink_to(folder / "a.md")
    sources, problems = load_reports(tmp_path)
    assert sources == []
    assert {(p.path, p.code) for p in problems} == {
        ("experiences/a.md", "file.read"),
        ("experiences/b.md", "file.read"),
    }


def test_a_folder_named_like_a_report_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "experiences" / "odd.md").mkdir(parents=True)
    sources, problems = load_reports(tmp_path)
    assert sources == []
    assert [p.code for p in problems] == ["file.read"]


# -- Never raise ----------------------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(list("abkey019 :-[]{}&*!|>'\",?#%@`~\t\n\r\\.\x85\u2028é\x00\x07")),
    max_size=200,
)
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "experiences/x.md", data)
    src, problems = load_source(path, tmp_path)
    assert src is not None or problems


@SETTINGS
@given(front=YAMLISH, body=st.text(max_size=100))
def test_arbitrary_front_matter_never_raises(tmp_path: Path, front: str, body: str) -> None:
    from bookbuilder.check.validate import validate_report

    content = ("---\n" + front + "\n---\n" + body).encode("utf-8", "surrogatepass")
    path = write(tmp_path, "experiences/x.md", content)
    src, problems = load_source(path, tmp_path)
    assert all(isinstance(p, Problem) for p in problems)
    if src is not None:
        _, more = validate_report(src, tmp_path, "en", date(2024, 6, 1))
        assert all(isinstance(p, Problem) for p in more)


def test_hidden_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    from bookbuilder.check.load import load_reports

    write(tmp_path, "experiences/.backup-of-x.md", REPORT.encode())
    sources, problems = load_reports(tmp_path)
    assert sources == []
    assert [(p.path, p.code, p.is_error) for p in problems] == [
        ("experiences/.backup-of-x.md", "file.hidden", False)
    ]


def test_list_item_without_space_that_yaml_reads_as_text() -> None:
    # To YAML, "-CT" is the text "-CT"; to the editor it is a list item missing its space.
    _, problems = parse("title: a\nmodalities:\n  -CT\n")
    assert [(p.line, p.key, p.code) for p in problems] == [(4, "modalities", "yaml.dash")]
    assert "did you mean '- CT'?" in problems[0].message


def test_editors_mistakes_are_only_looked_for_when_yaml_fails() -> None:
    # A tab inside a value, a quoted text over two lines, a colon in quotes: all valid YAML.
    values, problems = parse('title: "a\tb"\nsummary: "one\n  two"\ncity: "Bergamo: Alta"\n')
    assert problems == []
    assert values is not None
    assert values["summary"].value == "one two"
