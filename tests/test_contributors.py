"""The Contributors page and _build/contributors.csv: published reports' authors, once each,
sorted the way the book's language sorts, in all three editions."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookbuilder.model import Author, Book, BookMeta, Chapter, ChapterSpec, Report
from bookbuilder.render.contributors import contributors
from conftest import FIXTURES, copy_book, report_front, require_pdf, run_book

ORCID = "0000-0002-1825-0097"


def book_of(language: str, *authors_per_report: tuple[Author, ...]) -> Book:
    reports = tuple(
        Report(
            slug=f"report-{i}",
            relpath=f"experiences/report-{i}.md",
            title=f"Report {i}",
            authors=authors,
            country="SE",
            submitted=date(2021, 1, 1),
            body="Text.\n",
            body_line=10,
        )
        for i, authors in enumerate(authors_per_report, 1)
    )
    spec = ChapterSpec("all", "chapters/all.md", "All", 1, "", 5)
    return Book(BookMeta("Test", language, 2021), (Chapter(spec, reports),))


def test_names_sort_the_way_the_books_language_sorts() -> None:
    """By family name, with the collation of the book's language; printed as written."""
    names = ["Anna Åberg", "Zara Lind", "Olle Ek", "Örjan Öhman", "Per Olsson"]
    authors = [(Author(n, "nurse"),) for n in names]
    swedish = [p.name for p in contributors(book_of("sv", *authors))]
    assert swedish == ["Olle Ek", "Zara Lind", "Per Olsson", "Anna Åberg", "Örjan Öhman"]
    english = [p.name for p in contributors(book_of("en", *authors))]
    assert english == ["Anna Åberg", "Olle Ek", "Zara Lind", "Örjan Öhman", "Per Olsson"]


def test_one_person_is_one_entry() -> None:
    people = contributors(
        book_of(
            "en",
            (Author("Jürgen Weiß", "radiologist", "Köln"), Author("Ann Lee", "nurse")),
            (Author("JÜRGEN WEISS", "researcher", "Bonn", ORCID),),
            (Author("Ann Lee", "nurse", None, "0000-0001-5109-3700"),),
            (Author("Ann Lee", "trainee", None, ORCID.replace("0097", "0000")),),
        )
    )
    jurgen = next(p for p in people if p.name == "Jürgen Weiß")
    assert jurgen.roles == ("radiologist", "researcher")
    assert jurgen.affiliations == ("Köln", "Bonn")
    assert jurgen.orcid == ORCID
    assert [c.slug for c in jurgen.contributions] == ["report-1", "report-2"]
    # Two different ORCID iDs are two people, even with one name.
    lees = [p for p in people if p.name == "Ann Lee"]
    assert len(lees) == 2
    assert [c.slug for c in lees[0].contributions] == ["report-1", "report-3"]


@pytest.fixture(scope="module")
def contributors_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book, plus a second report by one of its authors (now with an ORCID iD) and a
    draft whose author must not be listed."""
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("contributors"))
    (root / "experiences" / "second-heatwave-koeln.md").write_text(
        f"""---
title: "A second hot week & *no* rest"
authors:
  - name: "Jürgen Weiß"
    role: researcher
    affiliation: "Universität Beispiel"
    orcid: "{ORCID}"
  - name: "Zoë Ørsted"
    role: organisation
    affiliation: 'St John''s "Heat" Unit'
country: DE
submitted: 2021-08-21
consent: true
---

Fictional text.
""",
        "utf-8",
    )
    (root / "experiences" / "unfinished-draft.md").write_text(
        report_front("status: draft\n").replace("Ann Example", "Drafty Person") + "Text.\n",
        "utf-8",
    )
    result = run_book(root, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


# By family name (Gil, Peña Ibáñez, Rousseau-Lefèvre, Tremblay, Weiß); an organisation whole.
EXPECTED_ORDER = [
    "Tomás Gil",
    "Nuria Peña Ibáñez",
    "Amélie Rousseau-Lefèvre",
    "Emily Tremblay",
    "Jürgen Weiß",
    "Zoë Ørsted",
]


def test_csv_lists_every_published_author_once(contributors_book: Path) -> None:
    with (contributors_book / "_build" / "contributors.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["name"] for r in rows] == EXPECTED_ORDER
    jurgen = rows[4]  # in book order: the chapter sorts by title, "A second…" first
    assert jurgen["roles"] == "Researcher; Radiologist"
    assert jurgen["affiliations"] == (
        "Universität Beispiel; Institut für Radiologie, Beispielklinikum Köln"
    )
    assert jurgen["orcid"] == ORCID
    assert jurgen["slugs"] == "second-heatwave-koeln hitze-im-ct-koeln"
    assert rows[-1]["roles"] == ""  # "organisation" says nothing the name does not


def test_web_page_links_reports_and_orcid(contributors_book: Path) -> None:
    page = (contributors_book / "_build" / "html" / "contributors.html").read_text("utf-8")
    article = page[page.index('<article class="bd-article">') : page.index("</article>")]
    assert [article.index(f"<dt>{name}</dt>") for name in EXPECTED_ORDER] == sorted(
        article.index(f"<dt>{name}</dt>") for name in EXPECTED_ORDER
    )
    assert "Drafty Person" not in article
    assert (
        "Researcher, Radiologist · Universität Beispiel; Institut für Radiologie, "
        "Beispielklinikum Köln · <a" in article
    )
    assert f'href="https://orcid.org/{ORCID}"' in article
    assert "Reports: " in article
    assert 'href="experiences/second-heatwave-koeln.html"' in article
    # Titles are text: their Markdown characters are printed, never read.
    assert "A second hot week &amp; *no* rest" in article
    landing = (contributors_book / "_build" / "html" / "index.html").read_text("utf-8")
    assert 'href="contributors.html"' in landing


def test_epub_has_the_page_in_its_reading_order(contributors_book: Path) -> None:
    from ebooklib import epub as ebook

    path = next((contributors_book / "_build" / "epub").glob("*.epub"))
    book = ebook.read_epub(str(path), {"ignore_ncx": True})
    spine = [book.get_item_with_id(item_id).file_name for item_id, _linear in book.spine]
    assert "contributors.xhtml" in spine
    assert spine.index("contributors.xhtml") > spine.index("experiences/hitze-im-ct-koeln.xhtml")
    page = book.get_item_with_href("contributors.xhtml").get_content().decode("utf-8")
    assert "<dt>Zoë Ørsted</dt>" in page
    assert 'href="experiences/hitze-im-ct-koeln.xhtml"' in page


def test_pdf_prints_the_list(contributors_book: Path) -> None:
    require_pdf("pdftotext")
    result = run_book(contributors_book, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = contributors_book / "_build" / "pdf" / "heatwave-2021.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    start = text.index("Everyone who wrote a report in this book")
    listed = text[start:]
    positions = [listed.index(name) for name in EXPECTED_ORDER]
    assert positions == sorted(positions)
    assert f"https://orcid.org/{ORCID}" in listed
    assert "Reports: A second hot week & *no* rest; Thirty-nine degrees" in " ".join(listed.split())


# Sphinx's smart quotes give page text curly quotes; the list is written without nodes on the
# web, and must read the same there, in the EPUB and in the PDF.
EDUCATED = "St John’s “Heat” Unit"


def test_every_edition_prints_the_same_typography(contributors_book: Path) -> None:
    from ebooklib import epub as ebook

    page = (contributors_book / "_build" / "html" / "contributors.html").read_text("utf-8")
    assert EDUCATED in page
    path = next((contributors_book / "_build" / "epub").glob("*.epub"))
    book = ebook.read_epub(str(path), {"ignore_ncx": True})
    assert EDUCATED in book.get_item_with_href("contributors.xhtml").get_content().decode()
    require_pdf("pdftotext")
    result = run_book(contributors_book, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = contributors_book / "_build" / "pdf" / "heatwave-2021.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert EDUCATED in " ".join(text.split())


def test_the_search_finds_a_contributor_on_the_page(contributors_book: Path) -> None:
    index = (contributors_book / "_build" / "html" / "searchindex.js").read_text("utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    page = data["docnames"].index("contributors")
    pages = data["terms"]["ørsted"]
    assert page in (pages if isinstance(pages, list) else [pages])


@pytest.mark.parametrize(
    ("language", "printed"),
    [
        ("en", "St John’s “Heat” Unit – x"),
        ("ja", 'St John\'s "Heat" Unit -- x'),  # Sphinx leaves Japanese alone by default
        ("tlh", 'St John\'s "Heat" Unit -- x'),  # a language docutils has no quotes for
    ],
)
def test_text_added_after_smart_quotes_gets_their_typography(language: str, printed: str) -> None:
    from types import SimpleNamespace

    from sphinx.config import Config

    from bookbuilder.sphinx.report import educate

    defaults = Config()
    config = SimpleNamespace(
        language=language,
        smartquotes=True,
        smartquotes_action=defaults.smartquotes_action,
        smartquotes_excludes=defaults.smartquotes_excludes,
    )
    assert educate('St John\'s "Heat" Unit -- x', config) == printed


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["ab", " ", "'", '"', "`", "\\", "&#34;", "&#96;", "&quot;", "-", ".", "<b>", "“"]
        ),
        max_size=12,
    ).map("".join),
    language=st.sampled_from(["en", "fr", "de", "ja"]),
    action=st.sampled_from(["qDe", "qde", "1", "2", "3", "-1", "qBw"]),
)
def test_text_with_nothing_to_educate_is_given_back_as_smartquotes_would(
    text: str, language: str, action: str
) -> None:
    """educate's shortcut (text smartquotes would leave alone) says what smartquotes says, for
    every action and quotes of other languages: only the shortcut's speed differs."""
    from docutils.utils import smartquotes

    from bookbuilder.sphinx.report import STUPEFY, nothing_to_educate

    if action != STUPEFY and nothing_to_educate(text):
        assert smartquotes.smartyPants(text, attr=action, language=language) == text


def test_the_page_written_at_once_is_the_page_written_from_nodes(
    contributors_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web page's one-visit list is the list docutils' HTML writer makes of the nodes the
    PDF gets (names with quotes, '@', '&' and '<' included)."""
    from bookbuilder import cli
    from bookbuilder.sphinx import contributors

    def listing(root: Path) -> str:
        page = (root / "_build" / "html" / "contributors.html").read_text("utf-8")
        return page[page.index('<dl class="book-contributors">') : page.index("</dl>")]

    book = copy_book(contributors_book, tmp_path / "book")
    shutil.rmtree(book / "_build", ignore_errors=True)
    report = book / "experiences" / "second-heatwave-koeln.md"
    name = """'Zoë "Z" Ørsted <b> & co @home'"""  # single-quoted YAML
    text = report.read_text("utf-8").replace('"Zoë Ørsted"', name)
    report.write_text(text, "utf-8")
    assert cli.main(["--root", str(book), "build", "html"]) == 0
    at_once = listing(book)
    assert "&lt;b&gt; &amp; co &#64;home" in at_once
    shutil.rmtree(book / "_build", ignore_errors=True)
    monkeypatch.setattr(contributors.ContributorsAsNodes, "formats", ("html",))
    written: list[str] = []
    visit = contributors.visit_contributors_html
    monkeypatch.setattr(
        contributors, "visit_contributors_html", lambda *a: written.append("!") or visit(*a)
    )
    assert cli.main(["--root", str(book), "build", "html"]) == 0
    assert written == []  # this time, docutils' writer wrote the nodes
    assert listing(book) == at_once
