"""The validate stage's cache: a second run says exactly what the first said, and any change
to what a report's result depends on (its text, its images, the date) checks it again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bookbuilder.check import load, validate
from bookbuilder.check.cache import CACHE_FILE, FRONT_MATTER_FILE
from bookbuilder.check.validate import validate_all
from conftest import SMALL, copy_book, run_book

TODAY = date(2024, 6, 1)
EDITED = "experiences/wildfire-smoke-vancouver.md"  # a report of the small fixture book
WITH_IMAGE = "experiences/shade-for-the-scanner-sevilla.md"  # and the one with an image


def _without_progress(stderr: str) -> str:
    return "".join(
        line for line in stderr.splitlines(True) if not line.startswith("reading the text in")
    )


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(SMALL, tmp_path / "book")


def test_second_check_says_the_same_from_the_cache(book: Path) -> None:
    first = run_book(book, "check")
    cache = book / "_build" / "cache" / CACHE_FILE
    written = cache.stat().st_mtime_ns
    second = run_book(book, "check")
    assert (second.returncode, second.stdout, second.stderr) == (
        first.returncode,
        first.stdout,
        _without_progress(first.stderr),  # the images' text was read the first time only
    )
    # every report was answered from the cache: a report checked again rewrites it
    assert cache.stat().st_mtime_ns == written


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The reports each validation actually checked (not answered from the cache)."""
    calls: list[list[str]] = []
    real = validate._check_all

    def recording(sources, *args):
        calls.append([src.relpath for src in sources])
        return real(sources, *args)

    monkeypatch.setattr(validate, "_check_all", recording)
    return calls


def test_cached_and_fresh_validation_are_equal(
    book: Path, tmp_path: Path, checked: list[list[str]]
) -> None:
    fresh = validate_all(book, "en", TODAY)
    cache = tmp_path / "cache"
    assert validate_all(book, "en", TODAY, cache) == fresh  # filling the cache
    assert validate_all(book, "en", TODAY, cache) == fresh  # answered from it
    reports = len(list((book / "experiences").glob("*.md")))
    assert [len(c) for c in checked] == [reports, reports, 0]


def test_only_the_edited_report_is_checked_again(
    book: Path, tmp_path: Path, checked: list[list[str]]
) -> None:
    cache = tmp_path / "cache"
    validate_all(book, "en", TODAY, cache)
    report = book / EDITED
    report.write_text(report.read_text("utf-8") + "\n<b>bold</b>\n", "utf-8")
    again = validate_all(book, "en", TODAY, cache)
    assert checked[-1] == [EDITED]
    assert [item.relpath for item in again.invalid] == [EDITED]


def test_a_removed_image_is_seen_on_the_next_run(book: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert validate_all(book, "en", TODAY, cache).invalid == ()
    images = book / "experiences" / "images" / Path(WITH_IMAGE).stem
    next(images.glob("*.png")).unlink()
    again = validate_all(book, "en", TODAY, cache)
    assert [item.relpath for item in again.invalid] == [WITH_IMAGE]
    assert any("was not found" in p.message for p in again.problems)


def test_the_date_is_part_of_the_key(book: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert validate_all(book, "en", TODAY, cache).invalid == ()
    # before the small book's reports were submitted: they are in the future
    early = validate_all(book, "en", date(2020, 1, 1), cache)
    assert early.invalid


@pytest.mark.parametrize("name", [CACHE_FILE, FRONT_MATTER_FILE])
@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_cache_is_ignored_and_rewritten(
    book: Path, tmp_path: Path, damage: bytes, name: str
) -> None:
    cache = tmp_path / "cache"
    fresh = validate_all(book, "en", TODAY, cache)
    (cache / name).write_bytes(damage)
    assert validate_all(book, "en", TODAY, cache) == fresh
    assert (cache / name).stat().st_size > 1000


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reports' front matters each run actually parsed (not answered from the memory)."""
    calls: list[str] = []
    real = load.parse_yaml

    def recording(text: str, relpath: str, first_line: int = 1):
        if relpath.startswith("experiences/"):  # the reports (a book has a few chapters)
            calls.append(relpath)
        return real(text, relpath, first_line)

    monkeypatch.setattr(load, "parse_yaml", recording)
    return calls


def test_a_front_matter_is_parsed_again_only_when_its_text_changes(
    book: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = tmp_path / "cache"
    fresh = validate_all(book, "en", TODAY)
    reports = len(list((book / "experiences").glob("*.md")))
    assert validate_all(book, "en", TODAY, cache) == fresh
    assert len(parsed) == 2 * reports  # once without a cache, once filling it
    assert validate_all(book, "en", TODAY, cache) == fresh
    assert len(parsed) == 2 * reports  # nothing parsed again
    report = book / EDITED
    # a YAML mistake: what the memory gives back is what the parser said, problems and all
    report.write_text(report.read_text("utf-8").replace("title:", "title: [", 1), "utf-8")
    broken = validate_all(book, "en", TODAY, cache)
    assert parsed[2 * reports :] == [EDITED]
    assert validate_all(book, "en", TODAY, cache) == broken
    assert parsed[2 * reports :] == [EDITED]
    assert validate_all(book, "en", TODAY) == broken  # as the parser itself says
    assert any(p.path == EDITED and p.is_error for p in broken.problems)
