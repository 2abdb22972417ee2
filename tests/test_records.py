"""One typed record per published report, resolved once and read by every edition."""

from __future__ import annotations

import json
from pathlib import Path

from bookbuilder.check import countries
from bookbuilder.model import ReportRecord
from bookbuilder.pipeline import prepare
from bookbuilder.render.browse import records
from conftest import report_front

CONF = """book = {"title": "Ein Buch", "year": 2022, "language": "de", "editors": "Eva Muster"}
"""


def german_book(root: Path) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "experiences").mkdir()
    (root / "conf.py").write_text(CONF, "utf-8")
    (root / "chapters" / "alle.md").write_text(
        "---\ntitle: Alle\norder: 1\ncollect: rest\n---\n\nAlle Berichte.\n", "utf-8"
    )
    extra = "city: Lyon\nlanguage: fr\nsummary: Court.\nmodalities: [MR, ct]\ntopics: [Heat]\n"
    (root / "experiences" / "un-rapport.md").write_text(
        report_front(extra) + "Le texte.\n", "utf-8"
    )
    return root


def test_a_record_is_resolved_once_in_the_book_language(tmp_path: Path) -> None:
    prepared = prepare(german_book(tmp_path))
    assert prepared.ok and prepared.book is not None, [str(p) for p in prepared.problems]
    language = prepared.book.meta.language
    (record,) = records(prepared.book, lambda code, city: countries.place(code, language, city))
    assert (record.place.country, record.place.name, record.place.region) == (
        "FR",
        "Frankreich",
        "Europe",
    )
    assert record.place.label == "Lyon, Frankreich"
    assert record.submitted_display == "1. August 2021"
    assert (record.language, record.own_language) == ("fr", "fr")
    assert record.roles == ("radiographer",)
    assert (record.modalities, record.topics) == (("MRI", "CT"), ("heat",))
    assert (record.chapter, record.chapter_title) == ("alle", "Alle")


def test_the_record_crosses_into_sphinx_unchanged(tmp_path: Path) -> None:
    prepared = prepare(german_book(tmp_path))
    assert prepared.book is not None
    (record,) = records(prepared.book, lambda code, city: countries.place(code, "de", city))
    data = json.loads(json.dumps(record.to_data()))  # as the directive carries it
    assert ReportRecord.from_data(data) == record
