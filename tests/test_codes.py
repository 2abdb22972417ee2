"""Problem codes: one registry, every code in it, and warnings silenced only on purpose."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from bookbuilder.codes import SILENCEABLE, Code, Kind
from conftest import FIXTURES, ROOT, report_front, run_book, small_book_with

CODE = re.compile(
    r"^(file|yaml|report|translation|chapter|book|conf|body|privacy|curate|pdf)\.[a-z-]+$"
)
# File names that look like codes (conf.py, book.typ).
FILE_NAME = re.compile(r"\.(py|css|js|json|html|md|csv|log|png|svg|txt|xml|typ|pdf|tex)$")


def test_every_code_the_fixtures_expect_is_registered() -> None:
    expected = sorted(FIXTURES.rglob("*.expected"))
    assert expected
    found = {m for path in expected for m in re.findall(r"\[([a-z]+\.[a-z-]+)\]", path.read_text())}
    assert found
    assert found <= {c.value for c in Code}, found - {c.value for c in Code}


def test_every_code_written_in_the_source_is_registered() -> None:
    """Codes spelled out in full in the builder's source (``"body.link"``, ``code="yaml.tab"``)."""
    registered = {c.value for c in Code}
    written = set()
    for path in (ROOT / "scripts" / "bookbuilder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and CODE.match(text) and not FILE_NAME.search(text):
                written.add(text)
    assert written
    assert written <= registered, written - registered


def test_privacy_kinds_are_registered() -> None:
    from bookbuilder.check import privacy

    kinds = set(re.findall(r"``(privacy\.[a-z-]+)``", privacy.__doc__ or ""))
    assert kinds and kinds <= set(SILENCEABLE)


def test_every_code_has_a_meaning_and_a_kind() -> None:
    for code in Code:
        assert code.meaning and code.meaning[0].islower(), code
        assert isinstance(code.kind, Kind)
    assert Code("privacy.phone") is Code.PRIVACY_PHONE and Code.PRIVACY_PHONE == "privacy.phone"


def book_with_a_phone_number(root: Path, silence: str) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "experiences").mkdir()
    (root / "conf.py").write_text(
        'book = {\n    "title": "T",\n    "year": 2022,\n    "language": "en",\n'
        f"    {silence}\n}}\n",
        "utf-8",
    )
    (root / "chapters" / "all.md").write_text(
        "---\ntitle: All\norder: 1\ncollect: rest\n---\n\nAll.\n", "utf-8"
    )
    (root / "experiences" / "a-report.md").write_text(
        report_front() + "Call the ward on +39 035 123 4567 any time.\n", "utf-8"
    )
    return root


def test_a_silenced_warning_is_counted_not_shown(tmp_path: Path) -> None:
    shown = run_book(book_with_a_phone_number(tmp_path / "a", ""), "check")
    assert shown.returncode == 0, shown.stdout
    assert "[privacy.phone]" in shown.stdout

    silenced = run_book(
        book_with_a_phone_number(tmp_path / "b", '"silence": ["privacy.phone"],'), "check"
    )
    assert silenced.returncode == 0, silenced.stdout
    assert "[privacy.phone]" not in silenced.stdout
    assert "1 warning silenced by conf.py (silence: privacy.phone)." in silenced.stdout


@pytest.mark.parametrize(
    ("silence", "expected"),
    [
        (
            '"silence": ["body.link"],',
            "conf.py:5: silence[1]: found 'body.link', the code of an error: errors cannot be "
            "silenced; allowed: warning codes: ",
        ),
        (
            '"silence": "privacy.phon",',
            "conf.py:5: silence: found 'privacy.phon'; allowed: warning codes: ",
        ),
    ],
)
def test_errors_cannot_be_silenced_and_typos_are_named(
    tmp_path: Path, silence: str, expected: str
) -> None:
    result = run_book(book_with_a_phone_number(tmp_path, silence), "check")
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(expected), first
    assert first.endswith("[book.silence]"), first
    if "phon'" in silence:
        assert "did you mean 'privacy.phone'?" in first


# -- Codes by type: every code a check can produce is a registered, documented member ----------

# Values of every shape a front-matter field can be given wrongly (and a few nearly right), so
# that each check reaches its refusals: wrong types, empty, too long, bad words, bad paths.
WRONG_VALUES: tuple[object, ...] = (
    42,
    True,
    "",
    "   ",
    "!!! not a word",
    "x" * 5000,
    "line\nbreak",
    "10.1/x",
    "#ffff00",
    "#zzzzzz",
    "logo.svg",
    "../outside.png",
    "missing.png",
    "9999-99-99",
    "2999-01-01",
    "0000-0002-1825-0098",
    "body.link",
    "privacy.phon",
    "rest ",
    ["!!!", 3],
    [{"name": "Dr Ada Lovelace", "role": "nobody", "family": "Smith", "orcid": "1"}],
    [{"name": "Ada", "role": "organisation", "family": "Ada"}],
    [{"name": "Ada Lovelace"}],
    {"region": "Atlantis", "countries": ["XX"], "languages": ["!"], "topics": ["!"]},
    {},
    # keys misspelt inside a mapping: a name's (authors, translators, editors), collect's,
    # confirmed-images' (a file name to a fingerprint, not a mapping), words', topic_labels'
    [{"nmae": "Ada Lovelace", "rol": "nurse", "affiliaton": "X", "orcdi": "1"}],
    [{"name": "Ada Lovelace", "role": "nurse", "familly": "Lovelace", "latn": "Ada"}],
    {"regoin": "Europe", "contries": ["FR"], "role": ["nurse"], "modalities": "ct"},
    {"scan.png": {"fingerprint": "3f2a9c1b0d4e"}, "a/b.png": "3f2a9c1b0d4e", "c.png": "zz"},
    {"Contributers": "Mitwirkende", "Contributors": "Mitwirkende {n}", "ct-score": {"lable": "x"}},
)


def located(value: object, line: int = 2) -> object:
    """A front-matter value as load.py gives it: every nested value ``Located`` too."""
    from bookbuilder.model import Located

    if isinstance(value, dict):
        return Located({k: located(v, line) for k, v in value.items()}, line)
    if isinstance(value, list):
        return Located([located(v, line) for v in value], line)
    return Located(value, line)


def test_every_code_a_front_matter_check_can_produce_is_registered(tmp_path: Path) -> None:
    """Each field of each front matter, given wrong values of every shape: every problem it
    reports carries a registered code of its own scope (a rule a scope's check breaks but the
    registry lacks raises here, as ``book.accent`` and ``book.logo`` once went unregistered)."""
    from datetime import date

    from bookbuilder.check import schema
    from bookbuilder.codes import Scope

    fields = {
        Scope.REPORT: schema.REPORT_FIELDS,
        Scope.TRANSLATION: schema.TRANSLATION_FIELDS,
        Scope.CHAPTER: schema.CHAPTER_FIELDS,
        Scope.BOOK: schema.BOOK_FIELDS,
    }
    (tmp_path / "logo.svg").write_text("<svg/>", "utf-8")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    produced: set[Code] = set()
    for scope, scope_fields in fields.items():
        for value in (*WRONG_VALUES, "broken.png"):
            ck = schema.Checker("x.md", scope, today=date(2024, 1, 1), root=tmp_path)
            mapping = {f.key: located(value) for f in scope_fields}
            mapping["no-such-key"] = located("x")
            schema.check_mapping(mapping, scope_fields, "", 1, ck)
            schema.check_mapping({}, scope_fields, "", 1, ck)  # every required key missing
            for problem in ck.problems:
                assert isinstance(problem.code, Code), problem
                assert problem.code.value.startswith(scope.value + "."), problem
                produced.add(problem.code)
    # the checks above reach the codes named in the issue, and the shared rules in every scope
    assert {Code.BOOK_ACCENT, Code.BOOK_LOGO, Code.BOOK_COVER, Code.BOOK_SILENCE} <= produced
    assert Code.BOOK_WORDS in produced
    for scope in fields:
        assert {c for c in produced if c.value == f"{scope.value}.type"}, scope
        assert {c for c in produced if c.value == f"{scope.value}.unknown-key"}, scope
    assert not [c.value for c in produced if not documented(c)]


def documented(code: Code) -> bool:
    """Whether docs/report-format.md's table of codes has ``code``, with its kind."""
    return f"| `{code.value}` | {code.kind.value} |" in DOCUMENTED


DOCUMENTED = (ROOT / "docs" / "report-format.md").read_text("utf-8")
# "experiences/x.md:5: authors[1].rol: found an unknown key; … [report.unknown-key]"
PRINTED_CODE = re.compile(r"^\S+:\d+: (?:warning: )?(?P<key>\S+):.* \[(?P<code>[^\]]+)\]$")


def _printed(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str]]:
    """(key, code) of every problem `make check` printed; each code registered and documented."""
    found = set()
    for line in result.stdout.splitlines():
        if match := PRINTED_CODE.match(line):
            code = Code(match["code"])  # ValueError: printed but not registered
            assert documented(code), line
            found.add((match["key"], code.value))
    assert found, result.stdout + result.stderr
    return found


def test_misspelt_keys_inside_mappings_are_named_with_registered_documented_codes(
    tmp_path: Path,
) -> None:
    """A key misspelt one level down, as an editor writes it: in conf.py's book settings (an
    editor's name, a replaced word) and, in a second run (conf.py's errors stop a check first),
    in a report's author and confirmed images, a translation's translator, a chapter's
    collect. Every problem printed carries a registered, documented code and names the key."""
    root = small_book_with(
        tmp_path / "conf",
        {  # small_book_with writes each value as JSON
            "editors": [{"nmae": "Ada Lovelace"}, {"name": "Grace Hopper", "orcdi": "x"}],
            "words": {"Contributers": "Mitwirkende"},
            "topic_labels": {"ct-score": {"lable": "CT score"}},
        },
    )
    said = _printed(run_book(root, "check"))
    assert {
        ("editors[1].nmae", "book.unknown-key"),
        ("editors[2].orcdi", "book.unknown-key"),
        ("words['Contributers']", "book.words"),
        ("topic_labels['ct-score']", "book.type"),
    } <= said, said
    root = small_book_with(tmp_path / "fronts")
    author = '  - name: "Ann Example"\n    role: radiographer\n'
    assert author in report_front()
    report = report_front(
        "confirmed-image:\n  scan.png: 3f2a9c1b0d4e\n"
        "confirmed-images:\n  scan.png:\n    fingerprint: 3f2a9c1b0d4e\n"
    ).replace(author, author + "    affiliaton: St Mary's\n")
    (root / "experiences" / "nested-keys.md").write_text(report + "Text.\n", "utf-8")
    (root / "experiences" / "nested-keys.it.md").write_text(
        '---\ntitle: "Notti"\ntranslators:\n  - nmae: Marco Rossi\n---\n\nTesto.\n', "utf-8"
    )
    (root / "chapters" / "nested.md").write_text(
        "---\ntitle: N\norder: 9\ncollect:\n  regoin: Europe\n---\n\nN.\n", "utf-8"
    )
    said = _printed(run_book(root, "check"))
    assert {
        ("authors[1].affiliaton", "report.unknown-key"),
        ("confirmed-image", "report.unknown-key"),
        ("confirmed-images.scan.png", "report.value"),
        ("translators[1].nmae", "translation.unknown-key"),
        ("collect.regoin", "chapter.unknown-key"),
    } <= said, said


def test_every_code_is_documented() -> None:
    missing = [c.value for c in Code if not documented(c)]
    assert not missing, f"{missing}: run `make docs`"


def test_checks_name_codes_by_member_never_by_text() -> None:
    """A code handed to a problem is a member (``Code.BODY_LINK``, ``Rule.TYPE``), never a
    string or an f-string put together: a code that is not registered cannot be written."""
    written = []
    for path in (ROOT / "scripts" / "bookbuilder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = [k.value for k in node.keywords if k.arg == "code"]
            if name == "Problem" and len(node.args) >= 6:
                args.append(node.args[5])
            for arg in args:
                if isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp):
                    written.append(f"{path.name}:{node.lineno}")
    assert not written, written
