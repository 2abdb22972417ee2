"""Every character the PDF prints has a font: checked by `make check`, before any build, in
reports, translations, chapters and the book's settings; emoji print from Noto Color Emoji."""

from __future__ import annotations

from pathlib import Path

from bookbuilder.check.glyphs import character_name, check_glyphs, drawn, installed_coverage
from bookbuilder.model import BookMeta, Report
from conftest import FIXTURES, copy_book, report_front, require_pdf, run_book

NO_FONT = "\U0010fffd"  # a private-use character no font has
TRANSLATION = """---
title: "Un rapport traduit"
translators:
  - name: "Claire Martin"
---

Une phrase avec {char} dedans.
"""


def test_joiners_selectors_and_tags_need_no_glyph_of_their_own() -> None:
    assert drawn("🧑🏽‍⚕️ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣\u00ad\u200b") == {
        "🧑",
        "🏽",
        "⚕",
        "🏴",
        "1",
        "\u20e3",
    }


def test_characters_are_named_as_unicode_names_them() -> None:
    assert character_name("😷") == "U+1F637 FACE WITH MEDICAL MASK"
    assert character_name("\U0001fae9") == "U+1FAE9 FACE WITH BAGS UNDER EYES"  # Unicode 16


def test_installed_fonts_cover_every_script_and_emoji() -> None:
    require_pdf()
    covered = installed_coverage()
    assert covered is not None
    text = "ễŁŞÞȚΑЖԱაאعیۓअবதกກកမཀአ中國日本한" + "😷👍🏽🧑🏽‍⚕️🇳🇿🏳️‍🌈❤️1️⃣💪🏿"
    assert {c for c in drawn(text) if ord(c) not in covered} == set()
    assert ord(NO_FONT) not in covered
    assert installed_coverage() == covered  # the second time, from the cache


def test_an_emoji_newer_than_the_font_is_named_as_an_emoji() -> None:
    meta = BookMeta(title="A book", language="en", year=2021)
    report = Report(
        slug="r",
        relpath="experiences/r.md",
        title="Tired 🫩",
        authors=(),
        country="FR",
        submitted=__import__("datetime").date(2021, 1, 1),
        body="Line one.\nLine two 🫩.\n",
        body_line=12,
        lines={"title": 2},
    )
    covered = frozenset(ord(c) for c in "A book Tired Line one two.")
    (found,) = check_glyphs(meta, [], [report], {report.relpath}, lambda: covered)
    assert (found.path, found.line, found.key, found.is_error) == (
        "experiences/r.md",
        2,
        "title",
        True,
    )
    assert "U+1FAE9 FACE WITH BAGS UNDER EYES) is an emoji that no installed font has" in (
        found.message
    )
    (draft,) = check_glyphs(meta, [], [report], set(), lambda: covered)
    assert not draft.is_error


def test_without_the_pdf_fonts_the_check_says_it_could_not_look() -> None:
    meta = BookMeta(title="A book", language="en", year=2021)
    (found,) = check_glyphs(meta, [], [], set(), lambda: None)
    assert (found.code, found.is_error) == ("pdf.fonts-missing", False)


def test_make_check_names_report_translation_and_line_before_any_build(tmp_path: Path) -> None:
    require_pdf()
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    body = "Masks 😷 and thumbs 👍🏽 print in colour.\n\nBut this one: " + NO_FONT + ".\n"
    (root / "experiences" / "with-emoji.md").write_text(
        report_front(title="Masks 😷") + body, "utf-8"
    )
    (root / "experiences" / "with-emoji.fr.md").write_text(
        TRANSLATION.format(char=NO_FONT), "utf-8"
    )
    (root / "experiences" / "a-draft.md").write_text(
        report_front("status: draft\n") + f"A draft with {NO_FONT}.\n", "utf-8"
    )
    result = run_book(root, "build", "pdf")
    assert result.returncode == 1
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    message = f"character '{NO_FONT}' (U+10FFFD) has no glyph in any installed font"
    assert f"experiences/with-emoji.md:13: body: {message}" in out, out
    assert f"experiences/with-emoji.fr.md:7: body: {message}" in out, out
    assert f"experiences/a-draft.md:12: warning: body: {message}" in out, out
    assert "😷" not in "".join(line for line in out.splitlines() if "pdf.missing" in line)
    assert "Nothing was built" in out
    assert not (root / "_build" / "pdf").exists()
