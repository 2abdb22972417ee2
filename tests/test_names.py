"""Names from many traditions, read back from every output as a reference manager, a library
catalogue or a reader would read them (issue 26): family and given names where the person put
them, organisations whole, the printed name as written.

One fixture book (the small book, plus three reports and a translation whose people come from
Korean, Chinese, Japanese, Vietnamese, Hungarian, Spanish, Dutch, German, Māori, Arabic,
Icelandic and Indonesian traditions, an organisation, and a board of editors) is built once;
each test reads one output: RIS (with rispy), CSL-JSON (rendered by citeproc-py in a citation
style), BibTeX (with pybtex), Highwire and Dublin Core tags, JSON-LD, the Crossref deposit, the
Contributors CSV, the EPUB's package document, the index and ``make overview``.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree, html

from bookbuilder.check.schema import Checker, check_authors, check_editor, one_or_many
from bookbuilder.model import Located
from bookbuilder.names import PersonName, doubts, likely_family
from bookbuilder.sphinx import bookindex
from conftest import require_module, require_pdf, run_book, small_book_with
from test_crossref import crossref_schema  # noqa: F401 (a fixture: Crossref's own schema)

BASE = "https://example.org/heatwave/"

# (name, family, latin, role) as the reports write them; family None: the guess is right.
EAST = [
    ("Kim Min-jun", "Kim", None, "radiologist"),
    ("李晓燕", "李", "Li Xiaoyan", "radiographer"),
    ("山田花子", "山田", "Yamada Hanako", "nurse"),
    ("Nguyễn Thị Lan", "Nguyễn", None, "nurse"),
    ("Nagy Imre", "Nagy", None, "medical-physicist"),
]
WEST = [
    ("Alejandro Ruiz Carrillo", "Ruiz Carrillo", None, "radiologist"),
    ("Vincent van Gogh", "van Gogh", None, "radiographer"),
    ("Ursula von der Leyen", "von der Leyen", None, "other"),
    ("Aroha Te Rangi", "Te Rangi", None, "nurse"),
    ("Guðrún Jónsdóttir", "Guðrún Jónsdóttir", None, "radiographer"),  # no family name
]
OTHERS = [
    ("Fatima al-Zahra", "al-Zahra", None, "radiologist"),
    ("Sukarno", None, None, "radiographer"),  # one name
    ("Jonas Weber", None, None, "nurse"),
    ("Department of Radiology, Hospital Esempio", None, None, "organisation"),
]
REPORTS = {"names-east": EAST, "names-west": WEST, "names-others": OTHERS}
TRANSLATOR = ("Trần Văn An", "Trần")
EDITORS = [
    "Test Editor",
    {"name": "Kim Min-jun", "family": "Kim"},
    {"name": "The IDoR 2020 Editorial Board", "organisation": True},
]

# Each person as citations give them: (family, given); None: an organisation, whole.
CITED = {
    "Kim Min-jun": ("Kim", "Min-jun"),
    "李晓燕": ("Li", "Xiaoyan"),
    "山田花子": ("Yamada", "Hanako"),
    "Nguyễn Thị Lan": ("Nguyễn", "Thị Lan"),
    "Nagy Imre": ("Nagy", "Imre"),
    "Alejandro Ruiz Carrillo": ("Ruiz Carrillo", "Alejandro"),
    "Vincent van Gogh": ("van Gogh", "Vincent"),
    "Ursula von der Leyen": ("von der Leyen", "Ursula"),
    "Aroha Te Rangi": ("Te Rangi", "Aroha"),
    "Guðrún Jónsdóttir": ("Guðrún Jónsdóttir", None),
    "Fatima al-Zahra": ("al-Zahra", "Fatima"),
    "Sukarno": ("Sukarno", None),
    "Jonas Weber": ("Weber", "Jonas"),
    "Department of Radiology, Hospital Esempio": None,
    "Trần Văn An": ("Trần", "Văn An"),
    "Test Editor": ("Editor", "Test"),
    "The IDoR 2020 Editorial Board": None,
}


def inverted(name: str) -> str:
    """``Family, Given`` as RIS, Highwire and file-as give it; an organisation whole."""
    cited = CITED[name]
    if cited is None:
        return name
    family, given = cited
    return f"{family}, {given}" if given else family


def printed(name: str, latin: str | None) -> str:
    return f"{name} ({latin})" if latin else name


def _author_yaml(name: str, family: str | None, latin: str | None, role: str) -> str:
    lines = [f"  - name: {json.dumps(name, ensure_ascii=False)}"]
    if family:
        lines.append(f"    family: {json.dumps(family, ensure_ascii=False)}")
    if latin:
        lines.append(f"    latin: {json.dumps(latin, ensure_ascii=False)}")
    lines.append(f"    role: {role}")
    return "\n".join(lines)


def _report(slug: str, people: list) -> str:
    authors = "\n".join(_author_yaml(*person) for person in people)
    return (
        f'---\ntitle: "Names {slug}"\nauthors:\n{authors}\ncountry: NZ\n'
        f"submitted: 2021-08-02\nconsent: true\ndoi: 10.5555/heatwave.{slug}\n---\n\n"
        "Fictional text about a night of work, long enough to read as a report.\n"
    )


@pytest.fixture(scope="module")
def names_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_book_with(tmp_path_factory.mktemp("names"), {"doi": "10.5555/heatwave"})
    conf = root / "conf.py"
    editors = json.dumps(EDITORS, ensure_ascii=False).replace("true", "True")
    conf.write_text(
        conf.read_text("utf-8").replace('"editors": ["Test Editor"],', f'"editors": {editors},'),
        "utf-8",
    )
    for slug, people in REPORTS.items():
        (root / "experiences" / f"{slug}.md").write_text(_report(slug, people), "utf-8")
    name, family = TRANSLATOR
    (root / "experiences" / "names-others.it.md").write_text(
        f'---\ntitle: "Nomi"\ntranslators:\n  - name: "{name}"\n    family: "{family}"\n---\n\n'
        "Testo inventato.\n",
        "utf-8",
    )
    return root


@pytest.fixture(scope="module")
def built(names_book: Path) -> Path:
    result = run_book(names_book, "build", "html", "epub", env={"BOOK_BASE_URL": BASE})
    assert result.returncode == 0, result.stdout + result.stderr
    return names_book


def test_stated_family_names_pass_the_check_without_a_warning(names_book: Path) -> None:
    result = run_book(names_book, "check")
    assert result.returncode == 0, result.stdout
    said = [line for line in result.stdout.splitlines() if "names-" in line or "conf.py" in line]
    assert not [line for line in said if "name-" in line or "family" in line], said


def _people(slug: str) -> list[tuple[str, str | None]]:
    return [(name, latin) for name, _family, latin, _role in REPORTS[slug]]


def test_ris_read_by_rispy(built: Path) -> None:
    rispy = pytest.importorskip("rispy")
    for slug in REPORTS:
        text = (built / "_build" / "html" / "cite" / f"{slug}.ris").read_text("utf-8")
        (entry,) = rispy.loads(text)
        assert entry["authors"] == [inverted(name) for name, _latin in _people(slug)]
        assert entry["secondary_authors"] == [
            "Editor, Test",
            "Kim, Min-jun",
            "The IDoR 2020 Editorial Board",
        ]
    translation = (built / "_build" / "html" / "cite" / "names-others.it.ris").read_text("utf-8")
    (entry,) = rispy.loads(translation)
    assert entry["subsidiary_authors"] == ["Trần, Văn An"]


# A citation style that lists every author, family name first ("Te Rangi, Aroha"), as the
# bibliographies of author-date styles do (the bundled Harvard style stops at three: et al.).
ALL_AUTHORS_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>Every author</title><id>every-author</id><updated>2026-01-01T00:00:00+00:00</updated>
  </info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <layout>
      <names variable="author">
        <name name-as-sort-order="all" sort-separator=", " delimiter="; "/>
      </names>
    </layout>
  </bibliography>
</style>
"""


def test_csl_json_has_family_and_given_and_renders_in_a_style(built: Path, tmp_path: Path) -> None:
    require_module("citeproc")
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    style_file = tmp_path / "every-author.csl"
    style_file.write_text(ALL_AUTHORS_STYLE, "utf-8")
    for slug in REPORTS:
        items = json.loads((built / "_build" / "html" / "cite" / f"{slug}.json").read_text())
        expected = []
        for name, latin in _people(slug):
            cited = CITED[name]
            if cited is None:
                expected.append({"literal": printed(name, latin)})
            else:
                family, given = cited
                expected.append({"family": family, "given": given} if given else {"family": family})
        assert items[0]["author"] == expected
        assert items[0]["editor"][2] == {"literal": "The IDoR 2020 Editorial Board"}
        style = CitationStylesStyle(str(style_file), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        text = str(bibliography.bibliography()[0])
        assert text.split("; ") == [inverted(name) for name, _latin in _people(slug)], text


def _bibtex_entries(page: Path) -> list[str]:
    tree = html.fromstring(page.read_text("utf-8"))
    return [pre.text_content() for pre in tree.xpath("//*[contains(@class,'report-cite-bibtex')]")]


def test_bibtex_names_read_by_pybtex(built: Path) -> None:
    require_module("pybtex")
    from pybtex.database import parse_string

    for slug in REPORTS:
        (text,) = _bibtex_entries(built / "_build" / "html" / "experiences" / f"{slug}.html")
        entries = parse_string(text, "bibtex").entries
        assert list(entries) == [slug]
        people = entries[slug].persons["author"]
        found = [
            (" ".join(p.last_names).strip("{}"), " ".join(p.first_names + p.middle_names) or None)
            for p in people
        ]
        expected = []
        for name, latin in _people(slug):
            cited = CITED[name]
            expected.append((printed(name, latin), None) if cited is None else cited)
        assert found == expected


def _head(page: Path) -> tuple[list[tuple[str, str]], dict]:
    tree = html.fromstring(page.read_text("utf-8"))
    tags = [(m.get("name"), m.get("content")) for m in tree.xpath("//head/meta[@name]")]
    (ld,) = tree.xpath("//script[@type='application/ld+json']/text()")
    return tags, json.loads(ld)


def test_highwire_dublin_core_and_json_ld(built: Path) -> None:
    for slug in REPORTS:
        tags, ld = _head(built / "_build" / "html" / "experiences" / f"{slug}.html")
        expected = [inverted(name) for name, _latin in _people(slug)]
        assert [v for n, v in tags if n == "citation_author"] == expected
        assert [v for n, v in tags if n == "DC.creator"] == expected
        for agent, (name, latin) in zip(ld["author"], _people(slug), strict=True):
            cited = CITED[name]
            if cited is None:
                assert agent == {"@type": "Organization", "name": name}
                continue
            assert agent["@type"] == "Person" and agent["name"] == name
            assert (agent["familyName"], agent.get("givenName")) == cited
            assert agent.get("alternateName") == latin
    assert ld["isPartOf"]["editor"][2] == {
        "@type": "Organization",
        "name": "The IDoR 2020 Editorial Board",
    }


def test_crossref_deposit_has_surnames_and_organisations(
    built: Path,
    crossref_schema: xmlschema.XMLSchema11,  # noqa: F811 (the fixture imported above)
) -> None:
    result = run_book(
        built,
        "crossref",
        env={
            "BOOK_BASE_URL": BASE,
            "CROSSREF_DEPOSITOR": "Test Editor",
            "CROSSREF_EMAIL": "editor@example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    path = built / "_build" / "crossref" / "heatwave-2021.xml"
    crossref_schema.validate(str(path))
    xml = etree.parse(str(path))
    ns = {"cr": xml.getroot().nsmap[None]}

    def people(parent: etree._Element) -> list:
        found = []
        for node in parent.find("cr:contributors", ns):
            if node.tag.endswith("organization"):
                found.append(node.text)
            else:
                given = node.findtext("cr:given_name", namespaces=ns)
                found.append((node.findtext("cr:surname", namespaces=ns), given))
        return found

    editors = people(xml.find(".//cr:book_metadata", ns))
    assert editors == [("Editor", "Test"), ("Kim", "Min-jun"), "The IDoR 2020 Editorial Board"]
    items = {
        item.findtext("cr:doi_data/cr:doi", namespaces=ns): item
        for item in xml.iterfind(".//cr:content_item", ns)
    }
    for slug in REPORTS:
        expected = [CITED[name] or name for name, _latin in _people(slug)]
        assert people(items[f"10.5555/heatwave.{slug}"]) == expected
    # A name with a Latin form: deposited by it, its own script as Crossref's alt-name.
    east = items["10.5555/heatwave.names-east"].find("cr:contributors", ns)
    alt = [
        (
            n.get("name-style"),
            n.findtext("cr:surname", namespaces=ns),
            n.findtext("cr:given_name", namespaces=ns),
        )
        for n in east.iterfind("cr:person_name/cr:alt-name/cr:name", ns)
    ]
    assert alt == [("eastern", "李", "晓燕"), ("eastern", "山田", "花子")]


def test_contributors_sorted_by_family_name_printed_as_written(built: Path) -> None:
    with (built / "_build" / "contributors.csv").open(encoding="utf-8") as stream:
        names = [row["name"] for row in csv.DictReader(stream)]
    ours = {printed(n, lat) for people in REPORTS.values() for n, _f, lat, _r in people}
    assert [n for n in names if n in ours] == [
        "Fatima al-Zahra",  # al-Zahra, Fatima
        "Department of Radiology, Hospital Esempio",  # an organisation: whole
        "Guðrún Jónsdóttir",  # no family name: whole
        "Kim Min-jun",  # Kim, Min-jun
        "李晓燕 (Li Xiaoyan)",  # Li, Xiaoyan
        "Nagy Imre",
        "Nguyễn Thị Lan",
        "Alejandro Ruiz Carrillo",  # Ruiz Carrillo, Alejandro
        "Sukarno",
        "Aroha Te Rangi",  # Te Rangi, Aroha
        "Vincent van Gogh",  # van Gogh, Vincent (family: "Gogh" would file it under G)
        "Ursula von der Leyen",
        "Jonas Weber",
        "山田花子 (Yamada Hanako)",  # Yamada, Hanako
    ]


def test_epub_files_editors_and_authors_by_family_name(built: Path) -> None:
    epub = next((built / "_build" / "epub").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("content.opf"))
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    file_as = {
        m.get("refines")[1:]: m.text for m in opf.iterfind(".//opf:meta[@property='file-as']", ns)
    }
    creators = [(c.text, file_as[c.get("id")]) for c in opf.iterfind(".//dc:creator", ns)]
    assert creators == [
        ("Test Editor", "Editor, Test"),
        ("Kim Min-jun", "Kim, Min-jun"),
        ("The IDoR 2020 Editorial Board", "The IDoR 2020 Editorial Board"),
    ]
    contributors = {c.text: file_as[c.get("id")] for c in opf.iterfind(".//dc:contributor", ns)}
    assert contributors["Aroha Te Rangi"] == "Te Rangi, Aroha"
    assert contributors["李晓燕 (Li Xiaoyan)"] == "Li, Xiaoyan"
    assert contributors["Trần Văn An"] == "Trần, Văn An"


def test_index_entries_are_printed_as_written_and_filed_by_family_name() -> None:
    """The one place the index files people (sphinx/bookindex.py): printed as written, sorted
    under the form it is filed as, in every edition's index."""
    people = [
        PersonName.of("Aroha Te Rangi", "Te Rangi"),
        PersonName.of("李晓燕", "李", "Li Xiaoyan"),
        PersonName.of("Fatima al-Zahra", "al-Zahra"),
        PersonName.of("Radiology Board", organisation=True),
    ]
    domain = {
        f"p{i}": [("single", p.printed, "t", "", f"author:{p.file_as}")]
        for i, p in enumerate(people)
    }
    [authors] = bookindex.book_index(domain, list(domain), "en")
    assert [e.term for e in authors.entries] == [
        "Fatima al-Zahra",
        "李晓燕 (Li Xiaoyan)",
        "Radiology Board",
        "Aroha Te Rangi",
    ]
    assert [e.letter for e in authors.entries] == ["A", "L", "R", "T"]


def test_pdf_index_files_people_under_their_family_name(names_book: Path) -> None:
    require_pdf("pdftotext")
    result = run_book(names_book, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = next((names_book / "_build" / "pdf").glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    index = text[text.rindex("Index") :]
    order = ["Fatima al-Zahra", "Kim Min-jun", "Alejandro Ruiz Carrillo", "Aroha Te Rangi"]
    positions = [index.index(name) for name in order]
    assert positions == sorted(positions), index[:2000]


def test_overview_shows_the_first_author_as_filed(names_book: Path) -> None:
    result = run_book(names_book, "overview")
    assert result.returncode == 0, result.stdout
    with (names_book / "_build" / "overview.csv").open(encoding="utf-8") as stream:
        rows = {row["slug"]: row for row in csv.DictReader(stream)}
    assert rows["names-east"]["first_author"] == "Kim, Min-jun"
    assert rows["names-west"]["first_author"] == "Ruiz Carrillo, Alejandro"


# -- make check ----------------------------------------------------------------------------------


def _located(value: object, line: int = 5) -> Located:
    if isinstance(value, dict):
        return Located({k: _located(v, line) for k, v in value.items()}, line)
    if isinstance(value, list):
        return Located([_located(v, line + i) for i, v in enumerate(value)], line)
    return Located(value, line)


def _authors_problems(*authors: dict) -> list[str]:
    ck = Checker("experiences/x.md")
    check_authors(_located([{"role": "nurse", **a} for a in authors]), "authors", ck)
    return [str(p) for p in ck.problems]


@pytest.mark.parametrize(
    ("name", "why", "fix"),
    [
        ("Aroha Te Rangi", "'Te' may belong to the family name", 'family: "Te Rangi"'),
        ("Vincent van Gogh", "'van' may belong", 'family: "van Gogh"'),
        ("Fatima al-Zahra", "'al-Zahra' may belong", 'family: "al-Zahra"'),
        ("Ahmad bin Ismail", "'bin' may belong", 'family: "bin Ismail"'),
        ("Kim Min-jun", "'Kim' is often a family name written first", 'family: "Kim"'),
        ("Nguyễn Thị Lan", "'Nguyễn' is often a family name", 'family: "Nguyễn"'),
        ("김민준", "Hangul names are written family name first", 'family: "김"'),
        ("山田 花子", "Han names are written family name first", 'family: "山田"'),
        ("María de los Ángeles García", "it has 5 words", ""),
        ("Guðrún Jónsdóttir", "a patronymic", 'family: "Guðrún Jónsdóttir"'),
        ("Bianchi, Giulia", "it has a comma", ""),
        ("Radiology Department Esempio", "looks like an organisation", "role: organisation for"),
    ],
)
def test_doubtful_guesses_are_warned_with_the_fix(name: str, why: str, fix: str) -> None:
    (problem,) = _authors_problems({"name": name})
    assert problem.startswith("experiences/x.md:5: warning: authors[1].name: ")
    assert f"its family name is guessed as '{PersonName.of(name).family}'" in problem
    assert why in problem and fix in problem
    assert problem.endswith("[report.name-guess]")


def test_plain_names_are_not_warned() -> None:
    for name in ("Giulia Bianchi", "Jonas Weber", "Sukarno", "Emily Tremblay", "Do Thanh"):
        assert _authors_problems({"name": name}) == [], name
        assert doubts(name) == [], name


def test_a_name_in_two_scripts_written_as_one() -> None:
    (problem,) = _authors_problems({"name": "李晓燕 (Li Xiaoyan)"})
    assert 'name: "李晓燕", latin: "Li Xiaoyan", family: "李"' in problem
    # Never split by the guess: the parentheses stay out of the parts.
    assert PersonName.of("李晓燕 (Li Xiaoyan)").parts == ("李晓燕", None)


@pytest.mark.parametrize(
    ("name", "titles", "bare"),
    [
        ("Dr. Jonas Weber", "'Dr.'", "Jonas Weber"),
        ("Daniel Okafor, MD", "'MD'", "Daniel Okafor"),
        ("Prof Rhiannon Pugh PhD FRCR", "'Prof', 'PhD', 'FRCR'", "Rhiannon Pugh"),
    ],
)
def test_titles_and_degrees_are_warned(name: str, titles: str, bare: str) -> None:
    (problem,) = _authors_problems({"name": name})
    assert f"found {titles} in the name" in problem
    assert f'name: "{bare}"' in problem and problem.endswith("[report.name-title]")
    # Meanwhile the citation leaves them out of the parts.
    family, given = PersonName.of(name).parts
    assert f"{family}, {given}" == PersonName.of(bare).file_as


def test_a_family_that_is_not_part_of_the_name_is_an_error_with_did_you_mean() -> None:
    (problem,) = _authors_problems({"name": "Kim Min-jun", "family": "kim"})
    assert problem == (
        "experiences/x.md:5: authors[1].family: found 'kim', which is not a part of the name "
        "'Kim Min-jun'; allowed: whole words of the name: 'Kim', 'Kim Min-jun', 'Min-jun'; "
        "did you mean 'Kim'? [report.family]"
    )
    (problem,) = _authors_problems({"name": "Board", "role": "organisation", "family": "Board"})
    assert "an organisation's name is never split" in problem


def test_latin_and_family_in_a_script_without_spaces() -> None:
    assert _authors_problems({"name": "李晓燕", "family": "李", "latin": "Li Xiaoyan"}) == []
    person = PersonName.of("李晓燕", "李", "Li Xiaoyan")
    assert (person.printed, person.parts, person.file_as) == (
        "李晓燕 (Li Xiaoyan)",
        ("Li", "Xiaoyan"),
        "Li, Xiaoyan",
    )
    (problem,) = _authors_problems({"name": "李晓燕", "latin": "(Li Xiaoyan)", "family": "李"})
    assert "authors[1].latin" in problem


def test_editors_as_text_or_mappings() -> None:
    ck = Checker("conf.py", "book")
    located = _located([*EDITORS, "Vincent van Gogh"])
    editors = one_or_many(check_editor, "")(located, "editors", ck)
    assert [e.file_as for e in editors] == [
        "Editor, Test",
        "Kim, Min-jun",
        "The IDoR 2020 Editorial Board",
        "Gogh, Vincent van",  # the guess, as Chicago files a Dutch name; warned
    ]
    (problem,) = [str(p) for p in ck.problems]
    assert problem.startswith("conf.py:8: warning: editors[4]: ")
    assert 'family: "van Gogh"' in problem and problem.endswith("[book.name-guess]")
    ck = Checker("conf.py", "book")
    check_editor(_located("The IDoR 2020 Editorial Board"), "editors[1]", ck)
    (problem,) = [str(p) for p in ck.problems]
    assert '{"name": "The IDoR 2020 Editorial Board", "organisation": True}' in problem


def test_likely_family_offers_what_follows_a_particle() -> None:
    assert likely_family("Ludwig van der Rohe") == "van der Rohe"
    assert likely_family("Kim Min-jun") == "Kim"


def test_translator_family_is_checked_like_an_author(names_book: Path) -> None:
    page = names_book / "experiences" / "names-others.it.md"
    text = page.read_text("utf-8")
    page.write_text(text.replace('family: "Trần"', 'family: "Tran"'), "utf-8")
    try:
        result = run_book(names_book, "check")
    finally:
        page.write_text(text, "utf-8")
    assert result.returncode == 1
    assert re.search(
        r"experiences/names-others\.it\.md:5: translators\[1\]\.family: found 'Tran'.*"
        r"did you mean 'Trần'\? \[translation\.family\]",
        result.stdout,
    ), result.stdout
