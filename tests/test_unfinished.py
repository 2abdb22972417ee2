"""An accepted report that still holds `make new`'s template, or is nearly empty, is a warning."""

from __future__ import annotations

from pathlib import Path

from bookbuilder.check.body import PLACEHOLDER
from bookbuilder.editor.new import body_template
from conftest import FIXTURES, copy_book, report_front, run_book

WORDS = " ".join(f"word{i}" for i in range(90))


def _book(tmp_path: Path, reports: dict[str, str], min_words: int | None = None) -> Path:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    for old in (root / "experiences").glob("*.md"):
        old.unlink()
    conf = root / "conf.py"
    if min_words is not None:
        text = conf.read_text("utf-8").replace(
            "book = {\n", f'book = {{\n    "min_words": {min_words},\n'
        )
        conf.write_text(text, "utf-8")
    for slug, text in reports.items():
        (root / "experiences" / f"{slug}.md").write_text(text, "utf-8")
    return root


def _check(root: Path) -> str:
    result = run_book(root, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_template_sentence_of_make_new_is_found(tmp_path: Path) -> None:
    template = body_template("left-as-is")
    assert PLACEHOLDER in template  # the check and `make new` share the one sentence
    text = report_front() + WORDS + "\n" + template
    root = _book(tmp_path, {"left-as-is": text})
    line = text.split("\n").index(PLACEHOLDER) + 1
    assert (
        f"experiences/left-as-is.md:{line}: warning: body: still holds the template sentence of "
        f"`make new` ({PLACEHOLDER!r})"
    ) in _check(root)


def test_a_nearly_empty_report_is_named_with_its_count(tmp_path: Path) -> None:
    text = report_front() + "Only five words are here.\n"
    long_enough = report_front(title="Another report") + WORDS + "\n"
    root = _book(tmp_path, {"short": text, "long-enough": long_enough})
    out = _check(root)
    assert (
        "experiences/short.md:11: warning: body: the text has 5 words; an accepted report has at "
        'least 80 (`"min_words"` in conf.py\'s `book` settings; 0 turns this warning off) '
        "[body.short]"
    ) in out
    assert "long-enough.md" not in out


def test_the_limit_is_a_book_setting_and_drafts_are_not_counted(tmp_path: Path) -> None:
    short = report_front() + "Only five words are here.\n"
    draft = report_front("status: draft\n") + body_template("a-draft")
    root = _book(tmp_path, {"short": short, "a-draft": draft}, min_words=5)
    out = _check(root)
    assert "body.short" not in out and "body.placeholder" not in out
    root = _book(tmp_path / "strict", {"short": short}, min_words=6)
    assert "experiences/short.md:11: warning: body: the text has 5 words" in _check(root)
