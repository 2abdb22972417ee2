"""The render stage's typed hand-over to Sphinx, and the one pair of functions, made from the
dataclasses' fields, that writes and reads it (and every record inside a directive)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from bookbuilder.handover import (
    HANDOVER_FILE,
    Handover,
    PageSource,
    handover_text,
    read_handover,
)
from bookbuilder.jsondata import fields_of, from_data, made, to_data
from bookbuilder.model import Author, Report, ReportRecord, Status, TranslationOf, Translator
from conftest import a_record


def a_handover() -> Handover:
    original = a_record((Author("Ada Lovelace", "radiographer", orcid="0000-0002-1825-0097"),))
    translated = dataclasses.replace(
        original,
        language="it",
        translation=TranslationOf((Translator("Bruno Rossi"),), "en", "English", "X"),
    )
    return Handover(
        sources={"experiences/x": PageSource("experiences/x.md", 8, 5)},
        records={"x": original, "x.it": translated},
        translations={"experiences/x": ("experiences/x.it",)},
        contributors=(("Ada Lovelace", "Lovelace, Ada"),),
        translators=(("Bruno Rossi", "Rossi, Bruno"),),
    )


def test_what_render_writes_sphinx_reads_back_whole(tmp_path: Path) -> None:
    handover = a_handover()
    (tmp_path / HANDOVER_FILE).write_text(handover_text(handover), "utf-8")
    read = read_handover(tmp_path)
    assert read == handover
    assert read.record("experiences/x.it") == handover.records["x.it"]
    assert read.record("chapters/c") is None and read.record(None) is None
    assert read.original_of() == {"experiences/x.it": "experiences/x"}
    source = read.source("experiences/x")
    assert source is not None and source.editors_line(9) == 12


def test_no_hand_over_reads_as_an_empty_one(tmp_path: Path) -> None:
    assert read_handover(tmp_path) == Handover()


def test_the_data_is_plain_json_and_a_wrong_shape_is_refused() -> None:
    data = json.loads(handover_text(a_handover()))
    assert data["records"]["x"]["submitted"] == "2020-11-19"
    assert data["records"]["x"]["authors"][0]["person"]["family"] == "Lovelace"
    with pytest.raises(TypeError, match="no field"):
        from_data(Handover, {**data, "surprise": 1})
    data["records"]["x"]["authors"] = "Ada"
    with pytest.raises(TypeError):
        from_data(Handover, data)


def test_a_record_round_trips_with_every_field() -> None:
    record = a_handover().records["x.it"]
    assert ReportRecord.from_data(json.loads(json.dumps(record.to_data()))) == record
    assert set(record.to_data()) == {f.name for f in dataclasses.fields(ReportRecord)}


def test_made_takes_every_field_of_the_same_name() -> None:
    """How a report becomes its record (and checked values a report): a field the two share
    by name flows through with no keyword list to extend."""
    report = Report(
        slug="x",
        relpath="experiences/x.md",
        title="Night shifts",
        authors=(Author("Ada Lovelace", "radiographer"),),
        country="IT",
        submitted=date(2021, 3, 4),
        body="Text.",
        body_line=9,
        summary="A summary.",
        topics=("heat",),
        status=Status.ACCEPTED,
    )
    template = a_record(())
    record = made(
        ReportRecord,
        fields_of(report),
        place=template.place,
        submitted_display="4 March 2021",
        language="en",
        book_language="en",
        chapter="c",
        chapter_title="C",
    )
    assert (record.title, record.summary, record.topics) == (
        "Night shifts",
        "A summary.",
        ("heat",),
    )
    assert record.authors == report.authors and record.submitted == report.submitted
    with pytest.raises(TypeError, match="no field"):
        made(ReportRecord, {}, colour="red")


def test_to_data_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError):
        to_data(object())
