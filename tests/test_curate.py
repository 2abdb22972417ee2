"""Curation: the contract's chapter rules, on hand-made reports (no files, no Sphinx)."""

from __future__ import annotations

from datetime import date

import pytest

from bookbuilder.curate import curate, text_key
from bookbuilder.model import (
    Author,
    BookMeta,
    ChapterSpec,
    CollectRule,
    Report,
    Severity,
    Status,
)

META = BookMeta(title="Test", language="en", year=2020)
REGIONS = {"IT": "Europe", "NO": "Europe", "JP": "Asia", "TR": "Asia", "BR": "Americas"}
NAMES = {"IT": "Italy", "NO": "Norway", "JP": "Japan", "TR": "Türkiye", "BR": "Brazil"}


def report(slug: str, country: str = "IT", **fields) -> Report:
    defaults = {
        "title": slug.replace("-", " ").title(),
        "authors": (Author("Ann Author", "radiographer"),),
        "submitted": date(2020, 11, 19),
        "body": "Text.\n",
        "body_line": 10,
    }
    defaults.update(fields)
    return Report(slug=slug, relpath=f"experiences/{slug}.md", country=country, **defaults)


def chapter(cid: str, order: int, collect=None, rest=False, sort=("submitted", "title")):
    return ChapterSpec(
        id=cid,
        relpath=f"chapters/{cid}.md",
        title=cid.title(),
        order=order,
        body="",
        body_line=5,
        collect=collect,
        collects_rest=rest,
        sort=sort,
    )


def run(reports, chapters):
    return curate(reports, chapters, META, REGIONS.get, NAMES.__getitem__)


def placement(book) -> dict[str, list[str]]:
    return {c.spec.id: [r.slug for r in c.reports] for c in book.chapters}


def test_first_matching_chapter_in_order_wins() -> None:
    book = run(
        [report("a", "IT"), report("b", "JP")],
        [
            chapter("rest", 90, rest=True),
            chapter("europe", 20, CollectRule(region=frozenset({"Europe"}))),
            chapter("everyone", 30, CollectRule(roles=frozenset({"radiographer"}))),
        ],
    )
    assert placement(book) == {"europe": ["a"], "everyone": ["b"]}
    assert any(p.code == "curate.empty-chapter" for p in book.problems)


def test_collect_keys_combine_with_and_values_with_or() -> None:
    rule = CollectRule(countries=frozenset({"IT", "JP"}), roles=frozenset({"nurse", "radiologist"}))
    reports = [
        report("it-nurse", "IT", authors=(Author("N", "nurse"),)),
        report("it-radiographer", "IT"),
        report("br-nurse", "BR", authors=(Author("N", "nurse"),)),
        report("jp-two", "JP", authors=(Author("A", "radiographer"), Author("B", "radiologist"))),
    ]
    book = run(reports, [chapter("pick", 10, rule), chapter("rest", 20, rest=True)])
    assert placement(book) == {
        "pick": ["it-nurse", "jp-two"],
        "rest": ["br-nurse", "it-radiographer"],
    }


def test_languages_default_to_the_books_and_match_subtags() -> None:
    rule = CollectRule(languages=frozenset({"pt"}))
    reports = [report("pt", language="pt-BR"), report("en-default")]
    book = run(
        reports,
        [chapter("pt", 10, rule), chapter("en", 20, CollectRule(languages=frozenset({"en"})))],
    )
    assert placement(book) == {"pt": ["pt"], "en": ["en-default"]}


def test_chapter_override_wins_over_rules() -> None:
    reports = [report("a", "IT", chapter="later", lines={"chapter": 9})]
    book = run(
        reports,
        [
            chapter("europe", 10, CollectRule(region=frozenset({"Europe"}))),
            chapter("later", 20, rest=True),
        ],
    )
    assert placement(book) == {"later": ["a"]}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "europ",
            "found 'europ', no chapter; allowed: the id of a collecting chapter (europe); "
            "did you mean 'europe'?",
        ),
        (
            "preface",
            "found 'preface', a chapter that collects no reports; allowed: the id of a "
            "collecting chapter (europe)",
        ),
    ],
)
def test_override_must_name_a_collecting_chapter(target: str, expected: str) -> None:
    reports = [report("a", chapter=target, lines={"chapter": 9})]
    book = run(
        reports,
        [chapter("preface", 1), chapter("europe", 10, CollectRule(region=frozenset({"Europe"})))],
    )
    [problem] = [p for p in book.problems if p.is_error]
    assert str(problem) == f"experiences/a.md:9: chapter: {expected} [curate.chapter]"
    assert [item.relpath for item in book.left_out] == ["experiences/a.md"]


def test_a_report_that_lands_nowhere_is_an_error_naming_it() -> None:
    book = run(
        [report("lost", "BR")], [chapter("europe", 10, CollectRule(region=frozenset({"Europe"})))]
    )
    [problem] = [p for p in book.problems if p.is_error]
    assert problem.path == "experiences/lost.md"
    assert "matches no chapter" in problem.message


def test_drafts_and_withdrawn_are_left_out_with_their_reason() -> None:
    reports = [
        report("ok"),
        report("draft", status=Status.DRAFT),
        report("gone", status=Status.WITHDRAWN),
    ]
    book = run(reports, [chapter("all", 10, rest=True)])
    assert placement(book) == {"all": ["ok"]}
    assert {(i.relpath, i.reason) for i in book.left_out} == {
        ("experiences/draft.md", "status: draft"),
        ("experiences/gone.md", "status: withdrawn"),
    }


def test_empty_collecting_chapter_is_dropped_with_a_warning_but_pages_stay() -> None:
    book = run(
        [report("a")],
        [
            chapter("preface", 1),
            chapter("asia", 10, CollectRule(region=frozenset({"Asia"}))),
            chapter("rest", 20, rest=True),
        ],
    )
    assert [c.spec.id for c in book.chapters] == ["preface", "rest"]
    [warning] = book.problems
    assert warning.severity is Severity.WARNING and warning.path == "chapters/asia.md"


def test_sort_keys_compare_without_case_or_accents() -> None:
    reports = [
        report("b", "NO", title="Ørsted's night", submitted=date(2020, 11, 1)),
        report("a", "TR", title="élan", submitted=date(2020, 11, 2)),
        report(
            "c", "IT", title="Zebra", submitted=date(2020, 11, 3), authors=(Author("Åsa", "nurse"),)
        ),
    ]
    by_title = run(reports, [chapter("x", 1, rest=True, sort=("title",))])
    assert placement(by_title) == {"x": ["a", "b", "c"]}
    by_country = run(reports, [chapter("x", 1, rest=True, sort=("country", "title"))])
    assert placement(by_country) == {"x": ["c", "b", "a"]}  # Italy, Norway, Türkiye
    by_default = run(reports, [chapter("x", 1, rest=True)])
    assert placement(by_default) == {"x": ["b", "a", "c"]}
    by_author = run(reports, [chapter("x", 1, rest=True, sort=("author",))])
    # filed by the family name: Åsa, then Author (Ann Author twice: by slug)
    assert placement(by_author) == {"x": ["c", "a", "b"]}


def test_text_key_folds_case_and_accents() -> None:
    assert text_key("Çağla Yılmaz") == text_key("cagla yılmaz")
    assert text_key("ÉLAN") == "elan"
