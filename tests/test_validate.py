"""The validate stage: every front-matter rule of the contract, chapters, book metadata.

Fixtures live in ``tests/fixtures/validate/{reports,chapters}/{good,bad}/``. Each bad fixture
``<case>.md`` (``<case>.bin`` for bytes that are not UTF-8 text) has ``<case>.expected`` beside
it: the exact problem lines, one per line, as the build prints them (lines starting with ``#``
are comments). A good fixture must give no problem at all. Fixtures are copied into
``experiences/`` (or ``chapters/``) of a temporary book, so the expected lines read exactly as an
editor sees them.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bookbuilder.check import countries, schema
from bookbuilder.check.load import load_source
from bookbuilder.check.validate import (
    MAX_PROBLEMS_PER_FILE,
    Validated,
    validate_all,
    validate_book_meta,
    validate_chapter,
    validate_report,
)
from bookbuilder.model import Located, Problem, Report, Severity, Status

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
TODAY = date(2024, 6, 1)


def fixtures(kind: str, sub: str) -> list[Path]:
    """``*.md`` fixtures, and ``*.bin`` ones: files that are not UTF-8 text (tools that read
    Markdown choke on them), checked under the same name with ``.md``."""
    folder = FIXTURES / kind / sub
    return sorted([*folder.glob("*.md"), *folder.glob("*.bin")])


def check_fixture(kind: str, fixture: Path, root: Path) -> tuple[object, list[Problem]]:
    folder = root / ("experiences" if kind == "reports" else "chapters")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{fixture.stem}.md"
    shutil.copyfile(fixture, target)
    src, problems = load_source(target, root)
    if src is None:
        return None, problems
    if kind == "reports":
        result, more = validate_report(src, root, "en", TODAY)
    else:
        result, more = validate_chapter(src)
    return result, problems + more


def expected_lines(fixture: Path) -> list[str]:
    text = fixture.with_suffix(".expected").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("kind", ["reports", "chapters"])
def test_every_bad_fixture_has_its_expected_file(kind: str) -> None:
    bad = fixtures(kind, "bad")
    assert bad
    missing = [f.name for f in bad if not f.with_suffix(".expected").is_file()]
    assert missing == []


@pytest.mark.parametrize(
    ("kind", "fixture"),
    [("reports", f) for f in fixtures("reports", "bad")]
    + [("chapters", f) for f in fixtures("chapters", "bad")],
    ids=lambda v: v if isinstance(v, str) else v.stem,
)
def test_bad_fixture(kind: str, fixture: Path, tmp_path: Path) -> None:
    result, problems = check_fixture(kind, fixture, tmp_path)
    assert [str(p) for p in problems] == expected_lines(fixture)
    assert any(p.is_error for p in problems)
    if not any(p.code.startswith(("file.", "yaml.")) for p in problems):
        assert result is None  # load problems are merged with the report's by validate_all


@pytest.mark.parametrize(
    ("kind", "fixture"),
    [("reports", f) for f in fixtures("reports", "good")]
    + [("chapters", f) for f in fixtures("chapters", "good")],
    ids=lambda v: v if isinstance(v, str) else v.stem,
)
def test_good_fixture(kind: str, fixture: Path, tmp_path: Path) -> None:
    result, problems = check_fixture(kind, fixture, tmp_path)
    assert [str(p) for p in problems] == []
    assert result is not None


def good_report(name: str, tmp_path: Path) -> Report:
    report, problems = check_fixture(
        "reports", FIXTURES / "reports" / "good" / f"{name}.md", tmp_path
    )
    assert problems == []
    assert isinstance(report, Report)
    return report


# -- What a valid report holds --------------------------------------------------------------------


def test_full_report(tmp_path: Path) -> None:
    report = good_report("full", tmp_path)
    assert report.slug == "full"
    assert report.relpath == "experiences/full.md"
    assert report.title == "Night shifts in a converted CT suite"
    assert report.first_author.name == "Giulia Bianchi"
    assert report.first_author.role == "radiographer"
    assert report.first_author.orcid == "0000-0002-1825-0097"
    assert report.country == "IT"
    assert report.submitted == date(2020, 11, 19)
    assert report.language == "it"
    assert report.summary == (
        "How a radiography team reorganised night shifts when one CT scanner became a "
        "dedicated COVID-19 scanner."
    )
    assert report.modalities == ("CT", "radiography")
    assert report.topics == ("workflow", "ppe", "wellbeing")
    assert report.status is Status.ACCEPTED
    assert report.chapter == "frontline-stories"
    assert report.body_line == 21
    assert report.lines["chapter"] == 19
    assert report.lines["authors"] == 3


@pytest.mark.parametrize("name", ["norway-no", "norway-quoted"])
def test_no_is_norway_and_norwegian(name: str, tmp_path: Path) -> None:
    report = good_report(name, tmp_path)
    assert report.country == "NO"
    assert report.language == "no"
    assert countries.country_name(report.country, "en") == "Norway"


def test_minimal_report_defaults(tmp_path: Path) -> None:
    report = good_report("minimal", tmp_path)
    assert report.country == "BR"
    assert report.submitted == date(2021, 3, 1)  # quoted dates are fine
    assert report.first_author.role == "radiologist"
    assert (report.city, report.language, report.summary, report.chapter) == (None,) * 4
    assert report.modalities == report.topics == ()
    assert report.status is Status.ACCEPTED


def test_normalisations(tmp_path: Path) -> None:
    assert good_report("orcid-url", tmp_path).first_author.orcid == "0000-0002-1825-0097"
    assert good_report("orcid-x", tmp_path).first_author.orcid == "0000-0002-1694-233X"
    single = good_report("single-values", tmp_path)
    assert (single.modalities, single.topics) == (("radiography",), ("infection-control",))
    aliases = good_report("aliases", tmp_path)
    assert aliases.modalities == (
        "ultrasound", "MRI", "PET", "radiography", "CT", "nuclear-medicine", "interventional"
    )  # fmt: skip
    assert good_report("language-region", tmp_path).language == "pt-BR"
    assert good_report("language-script", tmp_path).language == "zh-Hant"
    assert good_report("unicode-topics", tmp_path).topics == ("lavoro-di-notte", "café", "ppe")
    assert good_report("draft-status", tmp_path).status is Status.DRAFT
    assert good_report("organisation", tmp_path).first_author.role == "organisation"
    empty = good_report("empty-optional", tmp_path)
    assert (empty.city, empty.first_author.affiliation) == (None, None)
    flow = good_report("flow-author", tmp_path)
    assert [a.role for a in flow.authors] == ["radiographer", "radiologist"]


def test_markup_in_titles_is_kept_as_written(tmp_path: Path) -> None:
    assert (
        good_report("markup-in-title", tmp_path).title
        == "*Not* emphasis: 100% & $5 {x} <b> #1 \\\\ _y_"
    )


def test_bom_and_crlf_reports_read_like_the_others(tmp_path: Path) -> None:
    full = good_report("full", tmp_path / "a")
    for name in ("bom", "crlf"):
        other = good_report(name, tmp_path / name)
        assert (other.title, other.lines, other.body_line) == (
            full.title,
            full.lines,
            full.body_line,
        )


def test_submitted_today_is_fine(tmp_path: Path) -> None:
    ck = schema.Checker("x.md", today=TODAY)
    assert schema.check_submitted(Located(TODAY, 3), "submitted", ck) == TODAY
    assert ck.problems == []


# -- Schema helpers -------------------------------------------------------------------------------


def test_suggest() -> None:
    assert schema.suggest("contry", [f.key for f in schema.REPORT_FIELDS]) == "country"
    assert schema.suggest("Radiografer", schema.ROLES) == "radiographer"
    assert schema.suggest("zzz", schema.ROLES) is None
    assert schema.suggest(12, schema.ROLES) is None


@pytest.mark.parametrize(
    ("orcid", "ok"),
    [
        ("0000-0002-1825-0097", True),
        ("0000-0001-5109-3700", True),
        ("0000-0002-1694-233X", True),
        ("0000-0002-1694-233x", True),
        ("0000000218250097", True),
        ("https://orcid.org/0000-0002-1825-0097", True),
        ("0000-0002-1825-0098", False),
        ("0000-0002-1825-009", False),
        ("orcid 0000-0002-1825-0097", False),
    ],
)
def test_orcid(orcid: str, ok: bool) -> None:
    ck = schema.Checker("x.md")
    value = schema.check_orcid(Located(orcid, 5), "authors[1].orcid", ck)
    assert (value is not schema.INVALID) is ok
    assert (ck.problems == []) is ok


@pytest.mark.parametrize(
    ("written", "expected"),
    [("X-ray", "radiography"), ("xray", "radiography"), ("Plain-Film", "radiography"),
     ("US", "ultrasound"), ("sonography", "ultrasound"), ("MR", "MRI"), ("mri", "MRI"),
     ("computed-tomography", "CT"), ("NM", "nuclear-medicine"), ("PET-CT", "PET"),
     ("PET/CT", "PET"), ("IR", "interventional"), ("Teleradiology", "teleradiology")],
)  # fmt: skip
def test_modality_aliases(written: str, expected: str) -> None:
    ck = schema.Checker("x.md")
    assert (
        schema.vocabulary(schema.MODALITIES, schema.MODALITY_ALIASES)(
            Located(written, 1), "modalities", ck
        )
        == expected
    )


def test_fields_table_markdown() -> None:
    table = schema.fields_table_markdown()
    lines = table.splitlines()
    assert lines[0] == "| key | required | allowed | help |"
    keys = [line.split("|")[1].strip() for line in lines[2:]]
    assert keys[:2] == ["`title`", "`authors`"]
    assert "`authors[].role`" in keys
    assert "`country`" in keys
    assert len(keys) == len(schema.REPORT_FIELDS) + len(schema.AUTHOR_FIELDS)
    assert all(line.count("|") - line.count("\\|") == 5 for line in lines)


# -- Countries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "region"),
    [("TR", "Asia"), ("LB", "Asia"), ("RU", "Europe"), ("EG", "Africa"), ("US", "Americas"),
     ("BR", "Americas"), ("AU", "Oceania"), ("NO", "Europe"), ("it", "Europe"), ("AQ", None),
     ("XX", None)],
)  # fmt: skip
def test_regions(code: str, region: str | None) -> None:
    assert countries.region_of(code) == region


def test_every_region_is_one_of_the_five() -> None:
    table = countries.table()
    assert len(table) == 249
    assert {a.region for a in table.values()} == {*schema.REGIONS, ""}
    assert [code for code, a in table.items() if not a.region] == ["AQ"]


def test_country_names_follow_the_book_language() -> None:
    assert countries.country_name("NO", "de") == "Norwegen"
    assert countries.country_name("IT", "pt-BR") == "Itália"
    assert countries.country_name("IT", "xx") == "Italy"  # unknown language: English


@pytest.mark.parametrize(
    ("text", "code"),
    [("Italy", "IT"), ("ITA", "IT"), ("uk", "GB"), ("it", "IT"), ("Norway", "NO"),
     ("Italia", "IT"), ("Türkiye", "TR"), ("nowhere at all", None)],
)  # fmt: skip
def test_suggest_country(text: str, code: str | None) -> None:
    assert countries.suggest_country(text, "it") == code


# -- Book metadata --------------------------------------------------------------------------------

CONF = '''"""conf"""
import sys

book = {
    "title": "Radiology Against COVID-19",
    "editors": [{"name": "The Board", "organisation": True}],
    "year": 2020,
    "language": "en",
    "isbn": "978-3-16-148410-0",
    "cover": None,
    "publisher": "IDoR",
}
'''


def conf_book() -> dict:
    namespace: dict = {}
    exec(CONF, namespace)  # the test's own constant, like conf.py's `book`
    return namespace["book"]


def test_book_meta_good(tmp_path: Path) -> None:
    meta, problems = validate_book_meta(conf_book(), "conf.py", CONF, tmp_path)
    assert problems == []
    assert meta is not None
    assert meta.isbn == "9783161484100"
    assert meta.editor_names == ("The Board",)
    assert meta.basename == "radiology-against-covid-19"
    assert meta.cover is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"isbn": "978-3-16-148410-1"},
            "conf.py:9: isbn: found '978-3-16-148410-1', whose check digit is wrong; allowed: an "
            "ISBN-10 or ISBN-13 with a valid check digit (hyphens and spaces allowed) [book.isbn]",
        ),
        (
            {"isbn": "12345"},
            "conf.py:9: isbn: found '12345'; allowed: an ISBN-10 or ISBN-13 with a valid check "
            "digit (hyphens and spaces allowed) [book.isbn]",
        ),
        (
            {"publsher": "x"},
            "conf.py:4: publsher: found an unknown key; allowed: keys title, subtitle, editors, "
            "publisher, year, edition, language, licence, isbn, doi, cover, logo, accent, "
            "description, basename, topic_labels, words, min_words, silence; "
            "did you mean 'publisher'? "
            "[book.unknown-key]",
        ),
        (
            {"title": None},
            "conf.py:5: title: found an empty value (required); allowed: text of 1 to 200 "
            "characters on one line [book.missing]",
        ),
        (
            {"language": "english"},
            "conf.py:8: language: found 'english'; allowed: a BCP 47 language tag that Babel "
            "knows, such as en, it, no, pt-BR, zh-Hant; did you mean 'en'? [book.language]",
        ),
        (
            {"cover": "cover.png"},
            "conf.py:10: cover: found 'cover.png', which does not exist; allowed: the path of a "
            "PNG, JPEG, SVG or WebP image inside the book's folder [book.cover]",
        ),
        (
            {"year": "2020"},
            "conf.py:7: year: found '2020'; allowed: a year such as 2020 [book.type]",
        ),
        (
            {"basename": "My Book"},
            "conf.py:4: basename: found 'My Book'; allowed: a file name: lowercase letters a-z, "
            "digits and hyphens, at most 80 characters; did you mean 'my-book'? [book.slug]",
        ),
    ],
)
def test_book_meta_bad(tmp_path: Path, change: dict, expected: str) -> None:
    book = conf_book() | change
    meta, problems = validate_book_meta(book, "conf.py", CONF, tmp_path)
    assert meta is None
    assert [str(p) for p in problems] == [expected]


@pytest.mark.parametrize("isbn", ["0-306-40615-2", "0 306 40615 2", "ISBN 978-0-306-40615-7"])
def test_isbn_forms(isbn: str) -> None:
    meta, problems = validate_book_meta(conf_book() | {"isbn": isbn})
    assert problems == []
    assert meta is not None
    assert meta.isbn in ("0306406152", "9780306406157")


def test_book_meta_without_conf_text_points_at_line_1() -> None:
    _, problems = validate_book_meta({"language": "en", "year": 2020})
    assert [(p.line, p.key) for p in problems] == [(1, "title")]


def test_cover_that_exists(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (60, 90), "teal").save(tmp_path / "cover.png")  # judged by its contents
    meta, problems = validate_book_meta(conf_book() | {"cover": "cover.png"}, root=tmp_path)
    assert problems == []
    assert meta is not None
    assert meta.cover == "cover.png"


# -- The whole book -------------------------------------------------------------------------------

GOOD = (FIXTURES / "reports" / "good" / "full.md").read_text("utf-8")


def book(tmp_path: Path, files: dict[str, str]) -> Validated:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return validate_all(tmp_path, "en", TODAY)


def test_validate_all(tmp_path: Path) -> None:
    result = book(
        tmp_path,
        {
            "experiences/a-good.md": GOOD,
            "experiences/b-draft-broken.md": GOOD.replace("accepted", "draft").replace(
                "role: radiographer", "role: radiografer"
            ),
            "experiences/c-accepted-broken.md": GOOD.replace("country: IT", "country: Italy"),
            "experiences/d-double.md": GOOD.replace("Giulia Bianchi", "GIULIA BIANCHÍ"),
            "experiences/e-withdrawn.md": GOOD.replace("accepted", "withdrawn").replace(
                'title: "Night shifts', 'title: "Other shifts'
            ),
            "experiences/f-unreadable.md": "no front matter\n",
            "experiences/Bad Name.md": GOOD.replace("accepted", "draft"),
            "experiences/g-bad-status.md": GOOD.replace("accepted", "publish").replace(
                "Night shifts", "Status"
            ),
            "chapters/europe.md": "---\ntitle: Europe\norder: 30\ncollect: {region: Europe}\n---\n",
            "chapters/rest.md": "---\ntitle: Others\norder: 30\ncollect: rest\n---\n",
            "chapters/broken.md": "---\ntitle: Broken\norder: x\n---\n",
        },
    )
    assert [r.slug for r in result.reports] == ["a-good", "d-double", "e-withdrawn"]
    assert [c.id for c in result.chapters] == ["europe", "rest"]
    assert [(left.relpath, left.title, left.reason) for left in result.invalid] == [
        ("experiences/Bad Name.md", "Night shifts in a converted CT suite",
         "status: draft; 1 error (shown as warnings)"),
        ("experiences/b-draft-broken.md", "Night shifts in a converted CT suite",
         "status: draft; 1 error (shown as warnings)"),
        ("experiences/c-accepted-broken.md", "Night shifts in a converted CT suite", "1 error"),
        ("experiences/g-bad-status.md", "Status in a converted CT suite", "1 error"),
        ("experiences/f-unreadable.md", "f-unreadable.md", "1 error"),
    ]  # fmt: skip
    summary = [(p.path, p.line, p.severity, p.code) for p in result.problems]
    assert summary == [
        ("chapters/broken.md", 3, Severity.ERROR, "chapter.type"),
        ("chapters/rest.md", 3, Severity.WARNING, "chapter.duplicate-order"),
        ("experiences/Bad Name.md", 1, Severity.WARNING, "file.slug"),
        # The same title and first author: drafts and broken files count too ("Bad Name.md"
        # sorts first), the withdrawn one does not.
        ("experiences/a-good.md", 2, Severity.WARNING, "report.duplicate"),
        ("experiences/b-draft-broken.md", 2, Severity.WARNING, "report.duplicate"),
        ("experiences/b-draft-broken.md", 5, Severity.WARNING, "report.vocabulary"),
        ("experiences/c-accepted-broken.md", 2, Severity.WARNING, "report.duplicate"),
        ("experiences/c-accepted-broken.md", 8, Severity.ERROR, "report.country"),
        ("experiences/d-double.md", 2, Severity.WARNING, "report.duplicate"),
        ("experiences/f-unreadable.md", 1, Severity.ERROR, "file.front-matter"),
        ("experiences/g-bad-status.md", 18, Severity.ERROR, "report.vocabulary"),
    ]
    double = next(p for p in result.problems if p.path == "experiences/d-double.md")
    assert "experiences/Bad Name.md (status: draft)" in double.message


def test_empty_book(tmp_path: Path) -> None:
    assert validate_all(tmp_path, "en", TODAY) == Validated((), (), (), ())


@pytest.mark.parametrize(
    "doi", ["10.5555/idor2020", "doi:10.5555/idor2020", "https://doi.org/10.5555/idor2020"]
)
def test_book_doi_is_stored_bare(doi: str) -> None:
    meta, problems = validate_book_meta(conf_book() | {"doi": doi})
    assert problems == []
    assert meta is not None and meta.doi == "10.5555/idor2020"


@pytest.mark.parametrize("doi", ["10.55/x", "11.5555/x", "10.5555/", "10.5555/a b", 1055])
def test_book_doi_that_is_not_one(doi: object) -> None:
    meta, problems = validate_book_meta(conf_book() | {"doi": doi})
    assert meta is None
    assert [(p.key, p.code) for p in problems] in ([("doi", "book.doi")], [("doi", "book.type")])


def test_report_doi_is_kept(tmp_path: Path) -> None:
    fixture = FIXTURES / "reports" / "good" / "doi-resolver-address.md"
    report, problems = check_fixture("reports", fixture, tmp_path)
    assert problems == []
    assert isinstance(report, Report) and report.doi == "10.5555/idor2020.017"


def test_problems_per_file_are_capped_and_counted(tmp_path: Path) -> None:
    # 2,000 level-1 headings (within the PDF's element limit): one mistake repeated; the
    # check stays linear and lists 100.
    good = (FIXTURES / "reports" / "good").glob("*.md")
    text = next(iter(sorted(good))).read_text("utf-8")
    target = tmp_path / "experiences" / "many.md"
    target.parent.mkdir(parents=True)
    target.write_text(text + "\n" + "# h\n\n" * 2000, "utf-8")
    src, _ = load_source(target, tmp_path)
    assert src is not None
    report, problems = validate_report(src, tmp_path, "en", TODAY)
    assert report is None
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1
    assert problems[-1].is_error and problems[-1].code == "file.more-problems"
    assert problems[-1].message.startswith("1900 more problems in this file")


def test_every_fields_allowed_text_is_its_checks_own() -> None:
    """What the docs' tables say is allowed is what the messages say: written once, at the check."""
    from bookbuilder.check import schema

    tables = ("REPORT_FIELDS", "AUTHOR_FIELDS", "CHAPTER_FIELDS", "COLLECT_FIELDS", "BOOK_FIELDS")
    for name in tables:
        for f in getattr(schema, name):
            assert f.allowed == f.check.allowed, f"{name}: {f.key}"
