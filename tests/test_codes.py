"""Problem codes: one registry, every code in it, and warnings silenced only on purpose."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bookbuilder.codes import SILENCEABLE, Code, Kind
from conftest import FIXTURES, ROOT, report_front, run_book

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
