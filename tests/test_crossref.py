"""`make crossref`: the deposit XML, validated against Crossref's own schema.

Crossref's XSD files are not on Debian or in a package of their own; `commonmeta-py` (PyPI, MIT,
maintained by Front Matter) ships them for its own validation. Its wheel is downloaded once, by
pinned version and hash, into pytest's cache folder, and only the XSD files are read from it: the
package itself (with its heavy dependencies) is never installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from bookbuilder.names import PersonName
from conftest import (
    FIXTURES,
    copy_book,
    one_process_at_a_time,
    require,
    run_book,
    small_book_with,
)

SCHEMA_WHEEL = "commonmeta_py-0.312-py3-none-any.whl"
SCHEMA_REQUIREMENT = (
    "commonmeta-py==0.312 "
    "--hash=sha256:a62cc3010bdc69aca87d325a5bf6f51b3f7fa59fce8913dab5afafcff061d99e\n"
)
PIP_DOWNLOAD = (sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", "-q")
XSD = "commonmeta/resources/crossref/crossref5.5.0.xsd"
CR = {"cr": "http://www.crossref.org/schema/5.5.0"}
ENV = {
    "BOOK_BASE_URL": "https://example.org/heatwave/",
    "CROSSREF_DEPOSITOR": "Test Editor",
    "CROSSREF_EMAIL": "editor@example.org",
    "SOURCE_DATE_EPOCH": "1700000000",
}


def fetch_crossref_schema(folder: Path) -> None:
    """Crossref's XSD files from its pinned wheel on PyPI, unpacked into ``folder``."""
    requirements = folder / "requirements.txt"
    requirements.write_text(SCHEMA_REQUIREMENT)
    fetched = subprocess.run(
        [*PIP_DOWNLOAD, "-r", str(requirements), "-d", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    wheel = folder / SCHEMA_WHEEL
    require(wheel.is_file(), f"needs Crossref's XSD from PyPI: {fetched.stderr[-300:]}")
    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.startswith(XSD.rsplit("/", 1)[0])]
        archive.extractall(folder, members)


@pytest.fixture(scope="module")
def crossref_schema(request: pytest.FixtureRequest) -> xmlschema.XMLSchema11:
    """Crossref's schema is XSD 1.1 (it has assertions), which libxml2 does not read."""
    folder = Path(request.config.cache.mkdir("crossref-xsd"))
    schema = folder / XSD
    # test_names.py uses this fixture too, maybe at the same time in another of `make test-fast`'s
    # processes: one fetches the schema while the other waits for it.
    with one_process_at_a_time(folder / ".lock"):
        if not schema.is_file():
            fetch_crossref_schema(folder)
    return xmlschema.XMLSchema11(str(schema), allow="sandbox")  # no schema from the network


@pytest.fixture(scope="module")
def doi_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small test book with a DOI, an ISBN, and DOIs on two of its five reports."""
    return small_book_with(
        tmp_path_factory.mktemp("doi-book"),
        {"doi": "10.5555/heatwave", "isbn": "978-0-306-40615-7"},
        {
            "chaleur-et-irm-lyon": "https://doi.org/10.5555/heatwave.lyon",
            "hitze-im-ct-koeln": "10.5555/heatwave.koeln",
        },
    )


def test_the_deposit_is_valid_crossref(
    doi_book: Path, crossref_schema: xmlschema.XMLSchema11
) -> None:
    result = run_book(doi_book, "crossref", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nothing was sent" in result.stdout
    path = doi_book / "_build" / "crossref" / "heatwave-2021.xml"
    crossref_schema.validate(str(path))
    xml = etree.parse(str(path))

    book = xml.find(".//cr:book", CR)
    assert book.get("book_type") == "edited_book"
    assert book.findtext("cr:book_metadata/cr:titles/cr:title", namespaces=CR) == (
        "Imaging in the 2021 Heatwave"
    )
    assert book.findtext("cr:book_metadata/cr:doi_data/cr:doi", namespaces=CR) == (
        "10.5555/heatwave"
    )
    assert book.findtext("cr:book_metadata/cr:isbn", namespaces=CR) == "9780306406157"
    items = {
        item.findtext("cr:doi_data/cr:doi", namespaces=CR): item
        for item in book.findall("cr:content_item", CR)
    }
    assert set(items) == {"10.5555/heatwave.lyon", "10.5555/heatwave.koeln"}
    lyon = items["10.5555/heatwave.lyon"]
    assert lyon.get("language") == "fr"
    assert lyon.findtext("cr:titles/cr:title", namespaces=CR) == "L'IRM et la canicule"
    author = lyon.find("cr:contributors/cr:person_name", CR)
    assert author.get("contributor_role") == "author" and author.get("sequence") == "first"
    assert author.findtext("cr:given_name", namespaces=CR) == "Amélie"
    assert author.findtext("cr:surname", namespaces=CR) == "Rousseau-Lefèvre"
    assert "Hôpital Exemple" in author.findtext(
        "cr:affiliations/cr:institution/cr:institution_name", namespaces=CR
    )
    assert lyon.findtext("cr:doi_data/cr:resource", namespaces=CR) == (
        "https://example.org/heatwave/experiences/chaleur-et-irm-lyon.html"
    )
    # The published reports without a DOI are named, not silently dropped (the draft is not
    # published, so it is not in the deposit's list either).
    assert re.findall(r"^  experiences/(.*)\.md$", result.stdout, re.M) == [
        "shade-for-the-scanner-sevilla",
        "wildfire-smoke-vancouver",
    ]


def test_the_schema_check_can_fail(
    doi_book: Path, crossref_schema: xmlschema.XMLSchema11, tmp_path: Path
) -> None:
    """A person without a surname is not Crossref: the check above would say so."""
    assert run_book(doi_book, "crossref", env=ENV).returncode == 0
    text = (doi_book / "_build" / "crossref" / "heatwave-2021.xml").read_text("utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(re.sub(r"<surname>[^<]*</surname>", "", text, count=1), "utf-8")
    assert not crossref_schema.is_valid(str(broken))


def test_the_epub_names_the_book_doi(doi_book: Path) -> None:
    result = run_book(doi_book, "build", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(doi_book / "_build" / "epub" / "heatwave-2021.epub") as epub:
        package = etree.fromstring(epub.read("content.opf"))
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    identifiers = [e.text for e in package.iterfind(".//dc:identifier", dc)]
    assert identifiers == ["urn:isbn:9780306406157", "doi:10.5555/heatwave"]


def test_same_sources_same_deposit(doi_book: Path) -> None:
    target = doi_book / "_build" / "crossref" / "heatwave-2021.xml"
    assert run_book(doi_book, "crossref", env=ENV).returncode == 0
    first = target.read_bytes()
    assert run_book(doi_book, "crossref", env=ENV).returncode == 0
    assert target.read_bytes() == first


def test_what_a_deposit_needs_is_said(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    result = run_book(root, "crossref", env={"BOOK_BASE_URL": "", "CROSSREF_EMAIL": ""})
    assert result.returncode == 1
    assert "the book's DOI" in result.stdout
    assert "BOOK_BASE_URL" in result.stdout
    assert "--email" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (root / "_build" / "crossref").exists()


@pytest.mark.parametrize(
    ("name", "family", "expected"),
    [
        ("Giulia Bianchi", None, ("Bianchi", "Giulia")),
        ("Nguyễn Thị Minh Khai", "Nguyễn", ("Nguyễn", "Thị Minh Khai")),
        ("Plato", None, ("Plato", None)),
        ("王芳", "王", ("王", "芳")),
    ],
)
def test_names_split_at_the_family_name(name: str, family: str | None, expected: tuple) -> None:
    """The last word unless `family` says which part it is (bookbuilder.names)."""
    assert PersonName.of(name, family).parts == expected
