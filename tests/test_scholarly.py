"""Scholarly metadata: what Google Scholar, reference managers and search engines read.

A fixture book is built with the site's address set; each report page's tags, JSON-LD and
citation downloads are compared with the report's own front matter, read here with plain PyYAML
(not the builder's loader), so the test does not agree with the builder by construction.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bookbuilder.names import PersonName
from conftest import run_book, small_book_with

BASE = "https://example.org/heatwave/"
HOSTILE_TITLE = 'Night </script><script>alert(1)</script> & "quotes"'


class HeadReader(HTMLParser):
    """The page's <meta name=…> tags (in order) and its JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name"):
            self.meta.append((found["name"] or "", found.get("content") or ""))
        if tag == "script" and found.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def read_head(path: Path) -> HeadReader:
    reader = HeadReader()
    reader.feed(path.read_text("utf-8"))
    return reader


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---", 2)[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_book_with(
        tmp_path_factory.mktemp("scholarly"),
        {"isbn": "978-0-306-40615-7"},
        {"hitze-im-ct-koeln": "10.5555/heatwave.koeln"},
    )
    (root / "experiences" / "hostile-metadata.md").write_text(
        "---\n"
        f"title: {json.dumps(HOSTILE_TITLE)}\n"
        "authors:\n"
        '  - name: "Ann Example"\n'
        "    role: radiographer\n"
        '    affiliation: "Hôpital <Exemple>"\n'
        '    orcid: "0000-0002-1825-0097"\n'
        '  - name: "Radiology Society <b>"\n'
        "    role: organisation\n"
        "country: FR\n"
        "submitted: 2021-08-01\n"
        "consent: true\n"
        "---\n\n"
        "A report whose metadata tries to break out of the page's head.\n",
        "utf-8",
    )
    result = run_book(root, "build", "epub", "html", env={"BOOK_BASE_URL": BASE})
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_highwire_tags_match_the_report(site: Path) -> None:
    source = front_matter(site / "experiences" / "hitze-im-ct-koeln.md")
    head = read_head(site / "_build" / "html" / "experiences" / "hitze-im-ct-koeln.html")
    tags = head.meta
    values = {name: [v for n, v in tags if n == name] for name, _ in tags}
    assert values["citation_title"] == [source["title"]]
    # Google Scholar's form: "Family, Given" (bookbuilder.names)
    filed = [PersonName.of(a["name"], a.get("family")).file_as for a in source["authors"]]
    assert values["citation_author"] == filed == ["Weiß, Jürgen"]
    assert values["citation_inbook_title"] == ["Imaging in the 2021 Heatwave"]
    assert values["citation_publication_date"] == ["2021"]
    assert values["citation_language"] == [source.get("language", "en")]
    assert values["citation_doi"] == ["10.5555/heatwave.koeln"]
    assert values["citation_isbn"] == ["9780306406157"]
    assert values["citation_fulltext_html_url"] == [BASE + "experiences/hitze-im-ct-koeln.html"]
    assert "citation_pdf_url" not in values  # no per-report PDF exists
    assert values["DC.title"] == [source["title"]]
    assert values["DC.identifier"] == ["doi:10.5555/heatwave.koeln"]
    # Each author's institution and ORCID follow that author.
    first = [n for n, _ in tags].index("citation_author")
    if source["authors"][0].get("affiliation"):
        assert tags[first + 1] == (
            "citation_author_institution",
            source["authors"][0]["affiliation"],
        )


def test_author_details_and_hostile_text(site: Path) -> None:
    page = site / "_build" / "html" / "experiences" / "hostile-metadata.html"
    head = read_head(page)
    tags = head.meta
    assert ("citation_title", HOSTILE_TITLE) in tags
    people = [(n, v) for n, v in tags if n.startswith("citation_author")]
    assert people == [
        ("citation_author", "Example, Ann"),
        ("citation_author_institution", "Hôpital <Exemple>"),
        ("citation_author_orcid", "https://orcid.org/0000-0002-1825-0097"),
        ("citation_author", "Radiology Society <b>"),
    ]
    assert len(head.json_ld) == 1  # the title's </script> closed nothing
    data = json.loads(head.json_ld[0])
    assert data["name"] == HOSTILE_TITLE
    assert "<script>alert(1)" not in page.read_text("utf-8")  # nowhere, head or body


def test_json_ld_is_a_chapter_of_the_book(site: Path) -> None:
    head = read_head(site / "_build" / "html" / "experiences" / "hostile-metadata.html")
    data = json.loads(head.json_ld[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "Chapter"
    assert data["url"] == BASE + "experiences/hostile-metadata.html"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ann Example",
            "familyName": "Example",
            "givenName": "Ann",
            "affiliation": {"@type": "Organization", "name": "Hôpital <Exemple>"},
            "sameAs": "https://orcid.org/0000-0002-1825-0097",
        },
        {"@type": "Organization", "name": "Radiology Society <b>"},
    ]
    book = data["isPartOf"]
    assert book["@type"] == "Book" and book["name"] == "Imaging in the 2021 Heatwave"
    assert book["isbn"] == "9780306406157" and book["url"] == BASE
    editor = {"@type": "Person", "name": "Test Editor", "familyName": "Editor", "givenName": "Test"}
    assert book["editor"] == [editor]
    koeln = read_head(site / "_build" / "html" / "experiences" / "hitze-im-ct-koeln.html")
    assert json.loads(koeln.json_ld[0])["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "DOI",
        "value": "10.5555/heatwave.koeln",
    }


def test_csl_json_and_ris_downloads(site: Path) -> None:
    html_dir = site / "_build" / "html"
    page = (html_dir / "experiences" / "hitze-im-ct-koeln.html").read_text("utf-8")
    assert 'href="../cite/hitze-im-ct-koeln.json"' in page
    assert 'href="../cite/hitze-im-ct-koeln.ris"' in page
    source = front_matter(site / "experiences" / "hitze-im-ct-koeln.md")
    [item] = json.loads((html_dir / "cite" / "hitze-im-ct-koeln.json").read_text("utf-8"))
    assert item["type"] == "chapter" and item["title"] == source["title"]
    assert item["container-title"] == "Imaging in the 2021 Heatwave"
    assert item["DOI"] == "10.5555/heatwave.koeln"
    assert item["issued"] == {"date-parts": [[2021]]}
    name = source["authors"][0]["name"]
    assert item["author"][0] == {"family": name.split()[-1], "given": " ".join(name.split()[:-1])}
    ris = (html_dir / "cite" / "hitze-im-ct-koeln.ris").read_text("utf-8").splitlines()
    assert ris[0] == "TY  - CHAP" and ris[-1].rstrip() == "ER  -"
    assert f"TI  - {source['title']}" in ris
    assert "DO  - 10.5555/heatwave.koeln" in ris
    hostile = (html_dir / "cite" / "hostile-metadata.ris").read_text("utf-8").splitlines()
    assert "AU  - Radiology Society <b>" in hostile  # an organisation stays one name


def test_the_plain_and_bibtex_citations_give_the_doi(site: Path) -> None:
    page = (site / "_build" / "html" / "experiences" / "hitze-im-ct-koeln.html").read_text("utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # the BibTeX is syntax-highlighted
    assert "https://doi.org/10.5555/heatwave.koeln https://example.org/" in text
    assert "doi = {10.5555/heatwave.koeln}" in text


def test_the_epub_carries_none_of_it(site: Path) -> None:
    with zipfile.ZipFile(site / "_build" / "epub" / "heatwave-2021.epub") as epub:
        names = epub.namelist()
        pages = "".join(epub.read(n).decode("utf-8") for n in names if n.endswith(".xhtml"))
    assert not [n for n in names if n.startswith("cite/")]
    assert "citation_title" not in pages and "application/ld+json" not in pages
