"""The editions' registry (``editions.py``): an edition added there is built, offered for
download and pruned like the EPUB and the PDF, with no other module changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docutils import nodes
from sphinx.builders import Builder
from sphinx.builders.text import TextBuilder
from sphinx.writers.text import TextTranslator

from bookbuilder import cli, editions
from bookbuilder.editions import IMAGE_RECIPES, Edition
from bookbuilder.layout import DOWNLOADS_DIR
from conftest import small_book_with

ROOT = Path(__file__).resolve().parents[1]


class PlainTranslator(TextTranslator):
    """Sphinx's text writer, writing the text of the book's own nodes (a DOCX or JATS writer
    would give each its markup)."""

    def unknown_visit(self, node: nodes.Node) -> None:
        pass

    def unknown_departure(self, node: nodes.Node) -> None:
        pass


class PlainTextBuilder(TextBuilder):
    """A throwaway fourth edition: the book as plain text, one file a page."""

    default_translator_class = PlainTranslator


PLAIN = Edition(
    "plain",
    builder="text",
    output="index.txt",
    images="print",
    order=25,  # after the PDF, before the website
    download="plain text",
    builder_class=f"{__name__}:PlainTextBuilder",
)


@pytest.fixture
def plain_edition(monkeypatch: pytest.MonkeyPatch) -> Edition:
    monkeypatch.setitem(editions.EDITIONS, PLAIN.name, PLAIN)
    return PLAIN


def build(root: Path, capsys: pytest.CaptureFixture[str], *chosen: str) -> tuple[int, str]:
    status = cli.main(["--root", str(root), "build", *chosen])
    return status, capsys.readouterr().out


def test_a_registered_edition_is_built_offered_and_pruned(
    plain_edition: Edition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = small_book_with(tmp_path)
    # the command line takes it, and builds it before the website, which offers it
    status, out = build(root, capsys, "html", "plain")
    assert status == 0, out
    assert out.index("Building the plain edition") < out.index("Building the html edition")
    built = root / "_build" / "text" / "index.txt"
    assert built.is_file() and "Wrote:" in out and "_build/text/index.txt" in out
    offered = root / "_build" / "html" / DOWNLOADS_DIR / "index.txt"
    assert offered.read_bytes() == built.read_bytes()
    landing = (root / "_build" / "html" / "index.html").read_text("utf-8")
    assert re.search(r'href="downloads/index.txt" download>.*Download the plain text', landing)

    # the sources change: the website stops offering the text built from the old ones
    report = next((root / "experiences").glob("*.md"))
    report.write_text(report.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    status, out = build(root, capsys, "html")
    assert status == 0, out
    assert not offered.exists()
    assert "Download the plain text" not in (root / "_build/html/index.html").read_text("utf-8")
    assert (
        "Not offered for download: _build/text/index.txt was built from older sources "
        "(`make plain` or `make all` builds it again)."
    ) in out


def test_all_builds_every_registered_edition(
    plain_edition: Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[list[str]] = []
    monkeypatch.setattr(cli, "cmd_build", lambda root, names, verbose: chosen.append(names) or 0)
    assert cli.main(["build", "all"]) == 0
    assert chosen == [["epub", "pdf", "plain", "html"]]


def test_the_pdf_is_the_only_edition_without_the_landing_page(tmp_path: Path) -> None:
    """The landing page's cover and downloads are in the editions whose pages are HTML."""
    root = small_book_with(tmp_path / "book")
    assert cli.main(["--root", str(root), "render"]) == 0
    index = (root / "_build" / "src" / "index.md").read_text("utf-8")
    assert ":::{only} not pdf\n" in index
    assert editions.without_html() == ("pdf",)


def test_every_edition_has_its_make_target() -> None:
    """The Makefile's targets for the editions are the registry's names (`make docx`…)."""
    makefile = (ROOT / "Makefile").read_text("utf-8")
    (rule,) = re.findall(r"^([a-z ]+): \$\(STAMP\)\n\t@\$\(BOOK\) build \$@$", makefile, re.M)
    assert sorted(rule.split()) == sorted(editions.names())


@pytest.mark.parametrize("edition", list(editions.EDITIONS.values()), ids=str)
def test_every_edition_is_complete(edition: Edition) -> None:
    assert edition.images in IMAGE_RECIPES
    assert "{basename}" in edition.output or edition.website
    if edition.builder_class:
        from bookbuilder.sphinx.extension import _load

        builder: Any = _load(edition.builder_class)
        assert issubclass(builder, Builder) and builder.name == edition.builder


def test_the_website_is_one_edition_that_writes_html() -> None:
    (website,) = [e for e in editions.EDITIONS.values() if e.website]
    assert website.writes_html and not website.download and website == editions.website()
    assert editions.names()[-1] == website.name  # built last: it offers the others
