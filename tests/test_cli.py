"""The editors' commands on whole books: another book, bad reports, what the build says."""

from __future__ import annotations

import argparse
import re
import zipfile
from pathlib import Path

import pytest

from bookbuilder.handover import PageSource
from bookbuilder.summary import remap_warning
from conftest import FIXTURES, copy_book, report_front, require_pdf, run_book

GOOD_FRONT = report_front(title="A good report") + "Fictional text.\n"


def toctree_slugs(page: Path) -> list[str]:
    html = page.read_text("utf-8")
    article = html[html.index('<article class="bd-article">') : html.index("</article>")]
    return re.findall(r'href="(?:\.\./)?experiences/([a-z0-9-]+)\.html"', article)


def test_another_book_builds_with_no_code_change(small_build: Path) -> None:
    html = small_build / "_build" / "html"
    landing = (html / "index.html").read_text("utf-8")
    assert "Imaging in the 2021 Heatwave" in landing
    chapter_links = re.findall(r'href="chapters/([a-z0-9-]+)\.html"', landing)
    assert list(dict.fromkeys(chapter_links)) == [
        "preface",
        "france-and-germany",
        "ultrasound",
        "elsewhere",
    ]
    assert (small_build / "_build" / "epub" / "heatwave-2021.epub").is_file()


@pytest.mark.parametrize(
    ("chapter", "slugs"),
    [
        # sort: [country, title] — France before Germany, whatever the dates
        ("france-and-germany", ["chaleur-et-irm-lyon", "hitze-im-ct-koeln"]),
        ("ultrasound", ["shade-for-the-scanner-sevilla"]),
        ("elsewhere", ["wildfire-smoke-vancouver"]),
    ],
)
def test_each_report_is_in_its_chapter_in_order(small_build: Path, chapter, slugs) -> None:
    page = small_build / "_build" / "html" / "chapters" / f"{chapter}.html"
    assert list(dict.fromkeys(toctree_slugs(page))) == slugs


def test_epub_navigation_follows_the_book_order(small_build: Path) -> None:
    epub_file = small_build / "_build" / "epub" / "heatwave-2021.epub"
    with zipfile.ZipFile(epub_file) as archive:
        nav_name = next(n for n in archive.namelist() if n.endswith("nav.xhtml"))
        nav = archive.read(nav_name).decode("utf-8")
    hrefs = re.findall(r'href="([^"#]+)"', nav)
    reports = [h for h in dict.fromkeys(hrefs) if h.startswith("experiences/")]
    assert reports == [
        "experiences/chaleur-et-irm-lyon.xhtml",
        "experiences/hitze-im-ct-koeln.xhtml",
        "experiences/shade-for-the-scanner-sevilla.xhtml",
        "experiences/wildfire-smoke-vancouver.xhtml",
    ]
    assert "air-conditioning-failure-athens" not in nav


def test_a_report_in_another_language_carries_it(small_build: Path) -> None:
    html = (small_build / "_build/html/experiences/chaleur-et-irm-lyon.html").read_text("utf-8")
    assert re.search(r'<div class="report-body"[^>]* lang="fr"', html)
    with zipfile.ZipFile(small_build / "_build/epub/heatwave-2021.epub") as archive:
        page = archive.read("experiences/chaleur-et-irm-lyon.xhtml").decode("utf-8")
    assert re.search(r'lang="fr"[^>]* xml:lang="fr"', page)


@pytest.fixture
def broken_book(tmp_path: Path) -> Path:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    experiences = root / "experiences"
    (experiences / "typo-in-key.md").write_text(
        GOOD_FRONT.replace("country: FR", "contry: FR"), "utf-8"
    )
    (experiences / "bad-role.md").write_text(
        GOOD_FRONT.replace("role: radiographer", "role: radiografer"), "utf-8"
    )
    (experiences / "bad-draft.md").write_text(
        GOOD_FRONT.replace("consent: true", "consent: true\nstatus: draft\ntopics: [a b]"),
        "utf-8",
    )
    return root


def test_check_lists_every_problem_of_every_report(broken_book: Path) -> None:
    result = run_book(broken_book, "check")
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in out
    assert re.search(
        r"^experiences/typo-in-key\.md:6: contry: .*did you mean 'country'\?", out, re.M
    ), out
    assert re.search(r"^experiences/typo-in-key\.md:\d+: .*country", out, re.M)  # missing key
    assert re.search(
        r"^experiences/bad-role\.md:5: authors\[1\]\.role: found 'radiografer'.*"
        r"did you mean 'radiographer'\?",
        out,
        re.M,
    ), out
    # a draft's problems are warnings: they are shown, but do not block
    assert re.search(r"^experiences/bad-draft\.md:\d+: warning: ", out, re.M), out
    assert re.search(
        r"^3 error\(s\) in 2 file\(s\): experiences/bad-role.md, "
        r"experiences/typo-in-key.md$",
        out,
        re.M,
    ), out


def test_a_build_with_errors_builds_nothing(broken_book: Path) -> None:
    result = run_book(broken_book, "build", "html")
    assert result.returncode == 1
    assert "Nothing was built" in result.stdout
    assert not (broken_book / "_build" / "html").exists()


def test_draft_with_errors_does_not_block(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    (root / "experiences" / "rough-draft.md").write_text(
        GOOD_FRONT.replace("consent: true", "consent: false\nstatus: draft"), "utf-8"
    )
    result = run_book(root, "check")
    assert result.returncode == 0, result.stdout
    assert "experiences/rough-draft.md" in result.stdout


def test_sphinx_warnings_point_at_the_editors_file() -> None:
    sources = {"experiences/x": PageSource("experiences/x.md", body_line=12, generated_line=9)}
    line = "/tmp/b/_build/src/experiences/x.md:10: WARNING: something"
    assert remap_warning(line, sources) == "experiences/x.md:13: WARNING: something"


def test_the_format_doc_quotes_the_current_field_tables() -> None:
    from bookbuilder import docs

    text = (Path(__file__).resolve().parents[1] / docs.DOC).read_text("utf-8")
    assert docs.BLOCK.search(text), "the doc has generated blocks"
    assert docs.refreshed(text) == text, "run `make docs` to refresh docs/report-format.md"


def test_a_chapter_may_show_its_own_images(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    images = root / "chapters" / "images" / "preface"
    images.mkdir(parents=True)
    original = next((root / "experiences" / "images").rglob("*.png"))
    (images / "banner.png").write_bytes(original.read_bytes())
    with (root / "chapters" / "preface.md").open("a", encoding="utf-8") as page:
        page.write(
            "\n```{figure} images/preface/banner.png\n:alt: A banner for the book.\n\n"
            "The banner.\n```\n"
        )
    result = run_book(root, "build", "html")
    assert result.returncode == 0, result.stdout
    html = (root / "_build/html/chapters/preface.html").read_text("utf-8")
    assert 'alt="A banner for the book."' in html
    assert (root / "_build/html/_images/chapters-images-preface-banner.png").is_file()


def test_pdf_without_its_fonts_names_what_to_install(
    small_book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bookbuilder import cli, pdfengine

    # A machine without the Noto fonts (Typst reads the system's font folders itself).
    monkeypatch.setattr(pdfengine, "missing_fonts", lambda: ["Noto Serif"])
    assert cli.main(["--root", str(small_book), "build", "pdf"]) == 1
    out = capsys.readouterr().out
    assert "The PDF needs the fonts Noto Serif" in out
    assert "make setup-pdf" in out and "fonts-noto-core" in out


def test_a_bad_chapter_override_is_said_even_beside_other_errors(tmp_path: Path) -> None:
    """One run names every problem: the curate stage also looks at the `chapter:` of reports
    that validation refused (an error) and of drafts (a warning)."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    broken = GOOD_FRONT.replace("consent: true\n", "consent: yes\nchapter: elswhere\n")
    (root / "experiences" / "broken-override.md").write_text(broken, "utf-8")
    draft = GOOD_FRONT.replace("true\n", "true\nstatus: draft\nchapter: nowhere\n")
    (root / "experiences" / "draft-override.md").write_text(draft, "utf-8")
    result = run_book(root, "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("experiences/broken-override.md:8: consent:") for line in lines), (
        result.stdout
    )
    assert any(
        line.startswith("experiences/broken-override.md:9: chapter: found 'elswhere', no chapter")
        and "did you mean 'elsewhere'?" in line
        for line in lines
    ), result.stdout
    assert any(
        line.startswith("experiences/draft-override.md:10: warning: chapter: found 'nowhere'")
        for line in lines
    ), result.stdout


def test_book_title_with_latex_characters_prints_in_the_pdf(tmp_path: Path) -> None:
    """The book's metadata goes into the PDF's title page and properties as text."""
    require_pdf("pdftotext", "pdfinfo")
    import subprocess

    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    conf = root / "conf.py"
    title = "Heat & cold: 50% of #1_x {a} ~ $5"
    conf.write_text(
        conf.read_text("utf-8").replace('"Imaging in the 2021 Heatwave"', repr(title)), "utf-8"
    )
    result = run_book(root, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = root / "_build" / "pdf" / "heatwave-2021.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert title in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert f"Title:           {title}" in info


def test_a_conf_py_that_is_not_utf8_is_a_message(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    conf = root / "conf.py"
    conf.write_bytes(conf.read_bytes().replace(b"Test Editor", b"Test \xe9ditor"))  # Latin-1
    result = run_book(root, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("conf.py:1: cannot be read:"), result.stdout


def test_every_command_has_its_handler() -> None:
    from bookbuilder import cli

    parser = cli.make_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == set(cli.COMMANDS)


def test_a_failed_edition_is_not_blamed_on_older_sources(tmp_path: Path) -> None:
    """The website stops offering a PDF whose build failed; the summary says that, not that
    the PDF was "built from older sources" (issue 22: an emoji stopped the PDF so)."""
    from bookbuilder import cli

    builddir = tmp_path / "_build"
    (builddir / "pdf").mkdir(parents=True)
    (builddir / "pdf" / "book.pdf").write_bytes(b"%PDF-1.7 from an earlier build")
    lines = cli._downloads_left_out(builddir, "book", {"pdf"})
    assert lines == [
        "Not offered for download: the pdf edition, which failed in this build (below)."
    ]
    assert "older sources" in cli._downloads_left_out(builddir, "book")[0]
