"""`make overview`: one row per report file, drafts, withdrawn and broken ones included."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bookbuilder.overview import count_words, display_width, table_lines
from conftest import FIXTURES, copy_book, report_front, run_book


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book, plus a draft whose image lacks alt text, an accepted report with an
    error, and a file that cannot be read."""
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("desk"))
    experiences = root / "experiences"
    image_dir = experiences / "images" / "draft-with-a-photo"
    image_dir.mkdir(parents=True)
    awning = experiences / "images" / "shade-for-the-scanner-sevilla" / "awning.png"
    (image_dir / "photo.png").write_bytes(awning.read_bytes())
    (experiences / "draft-with-a-photo.md").write_text(
        report_front("status: draft\n", title="A draft with a photo")
        + "One two three four five.\n\n![](images/draft-with-a-photo/photo.png)\n\n"
        "% an editor's note: not words of the report\n",
        "utf-8",
    )
    (experiences / "broken-accepted.md").write_text(
        report_front("language: de\n", title="Kaputt").replace("country: FR\n", "")
        + "Sechs Wörter stehen in diesem Satz.\n",
        "utf-8",
    )
    (experiences / "binary.md").write_bytes(b"---\ntitle: x\n---\n\x00\x01")
    return root


def rows_of(root: Path) -> list[dict[str, str]]:
    with (root / "_build" / "overview.csv").open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_every_report_file_has_a_row(desk: Path) -> None:
    result = run_book(desk, "overview")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {row["slug"]: row for row in rows_of(desk)}
    assert sorted(rows) == [
        "air-conditioning-failure-athens",
        "binary",
        "broken-accepted",
        "chaleur-et-irm-lyon",
        "draft-with-a-photo",
        "hitze-im-ct-koeln",
        "shade-for-the-scanner-sevilla",
        "wildfire-smoke-vancouver",
    ]
    # A published report: its chapter, its language, its one image with alt text.
    sevilla = rows["shade-for-the-scanner-sevilla"]
    assert sevilla["status"] == "accepted"
    assert sevilla["chapter"] == "ultrasound"
    assert sevilla["first_author"] == "Peña Ibáñez, Nuria"  # filed by the family name
    assert (sevilla["country"], sevilla["language"]) == ("ES", "en")
    assert (sevilla["images"], sevilla["images_without_alt"]) == ("1", "0")
    assert rows["chaleur-et-irm-lyon"]["language"] == "fr"
    # A valid draft: the chapter it would land in once accepted.
    assert rows["air-conditioning-failure-athens"]["status"] == "draft"
    assert rows["air-conditioning-failure-athens"]["chapter"] == "elsewhere"
    # A draft whose image has no alt text (a warning, since it is a draft): no chapter yet.
    draft = rows["draft-with-a-photo"]
    assert (draft["status"], draft["chapter"]) == ("draft", "—")
    assert (draft["words"], draft["images"], draft["images_without_alt"]) == ("5", "1", "1")
    assert (draft["errors"], draft["warnings"]) == ("0", "1")
    # An accepted report with an error: what could be read of it.
    broken = rows["broken-accepted"]
    assert (broken["status"], broken["title"], broken["first_author"]) == (
        "accepted",
        "Kaputt",
        "Example, Ann",
    )
    assert (broken["country"], broken["language"], broken["words"]) == ("—", "de", "6")
    assert int(broken["errors"]) >= 1
    assert rows["binary"]["status"] == "unreadable"
    assert int(rows["binary"]["errors"]) == 1
    # The terminal shows the same rows, and the totals.
    assert "draft-with-a-photo" in result.stdout
    assert "8 report file(s)" in result.stdout
    assert "_build/overview.csv" in result.stdout


def test_filter_by_status_and_sort(desk: Path) -> None:
    result = run_book(desk, "overview", "--status", "draft", "--sort", "words")
    assert result.returncode == 0, result.stdout + result.stderr
    slugs = [row["slug"] for row in rows_of(desk)]
    assert slugs == ["air-conditioning-failure-athens", "draft-with-a-photo"]  # most words first
    assert "shade-for-the-scanner-sevilla" not in result.stdout
    result = run_book(desk, "overview", "--sort", "first_author")
    names = [row["first_author"] for row in rows_of(desk)]
    assert names[:2] == ["Example, Ann", "Example, Ann"]  # by family name
    assert names[-1] == "—"  # what could not be read comes last
    result = run_book(desk, "overview", "--status", "finished")
    assert result.returncode == 2
    assert "invalid choice: 'finished'" in result.stderr


def test_words_and_widths() -> None:
    body = "## A heading\n\n:::{figure} images/x/y.png\n:alt: not counted\n\nA caption.\n:::\n"
    assert count_words(body + "[a link](https://example.org/many/words/here) l'esame") == 7
    assert count_words("放射線科の夜") == 6
    # a report's words counted up to what the book asks (unfinished_body): no further
    long = body + "[a link](https://example.org/many/words/here) l'esame"
    assert [count_words(long, up_to=n) for n in (0, 3, 7, 8)] == [0, 3, 7, 7]
    assert display_width("山田 花子") == 9
    from bookbuilder.overview import Row

    row = Row("s", "accepted", "c", "t", "山田 花子", "JP", "ja", 1, 0, 0, 0, 0, "f")
    header, _rule, line = table_lines([row, row])[:3]
    # The country column starts at the same terminal column as its heading, after wide names.
    assert display_width(line[: line.index("JP")]) == header.index("ctry")
