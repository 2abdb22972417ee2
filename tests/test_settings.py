"""conf.py's ``book`` → every edition's settings, through validation only.

What ``make check`` accepts is what the editions publish: the Sphinx settings are derived from the
validated ``BookMeta``, never from the raw mapping, and a value validation cannot use is an error
naming conf.py, its line and the key, whether ``make`` or Sphinx itself reads conf.py.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from bookbuilder.check.conf import BookSettingsError
from bookbuilder.sphinx.settings import sphinx_settings
from conftest import report_front, require_pdf, run_book

CONF = """from bookbuilder.sphinx.settings import sphinx_settings

book = {{
    "title": "Quirks of a New Editor",
    "year": 2022,
    "language": "en",
{extra}
}}

globals().update(sphinx_settings(book, __file__))
"""
QUIRKS = """    "editors": "Jane Doe",
    "isbn": "ISBN 978-3-16-148410-0",
    "publisher": "Tests & Co","""
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def write_book(root: Path, extra: str = QUIRKS) -> Path:
    """The smallest whole book: conf.py (``extra`` lines in its ``book``), a chapter, a report."""
    (root / "chapters").mkdir(parents=True)
    (root / "experiences").mkdir()
    (root / "conf.py").write_text(CONF.format(extra=extra), "utf-8")
    (root / "chapters" / "reports.md").write_text(
        "---\ntitle: Reports\norder: 10\ncollect: rest\n---\n\nThe reports.\n", "utf-8"
    )
    (root / "experiences" / "one-report.md").write_text(
        report_front() + "What happened, in a few words.\n", "utf-8"
    )
    return root


def test_a_single_editor_as_text_is_one_editor() -> None:
    book = {"title": "T", "year": 2022, "language": "en", "editors": "Jane Doe"}
    settings = sphinx_settings(book)
    assert settings["author"] == settings["epub_author"] == "Jane Doe"
    assert settings["bookbuilder_meta"].editor_names == ("Jane Doe",)  # the PDF's title page


@pytest.mark.parametrize(
    "isbn", ["ISBN 978-3-16-148410-0", "978 3 16 148410 0", "isbn: 9783161484100"]
)
def test_the_isbn_is_published_as_validated(isbn: str) -> None:
    settings = sphinx_settings({"title": "T", "year": 2022, "language": "en", "isbn": isbn})
    assert settings["epub_identifier"] == "urn:isbn:9783161484100"
    assert settings["epub_scheme"] == "ISBN"
    assert settings["bookbuilder_meta"].isbn == "9783161484100"  # the PDF's colophon


def test_without_basename_the_files_are_named_after_the_title() -> None:
    settings = sphinx_settings({"title": "Ça va? Notes, 2022", "year": 2022, "language": "fr"})
    assert settings["epub_basename"] == "ca-va-notes-2022"
    assert settings["bookbuilder_meta"].basename == "ca-va-notes-2022"  # the PDF's name


def test_a_value_validation_refuses_names_conf_py_line_and_key(tmp_path: Path) -> None:
    conf = write_book(tmp_path, '    "isbn": "ISBN 978-3-16-148410-1",\n    "editors": 7,')
    book = {"title": "T", "year": 2022, "language": "en", "isbn": "ISBN 978-3-16-148410-1"}
    book["editors"] = 7
    with pytest.raises(BookSettingsError) as raised:
        sphinx_settings(book, conf / "conf.py")
    messages = [str(p) for p in raised.value.problems]
    assert messages[0].startswith("conf.py:7: isbn: found 'ISBN 978-3-16-148410-1', whose check")
    assert messages[1].startswith("conf.py:8: editors: found the number 7; allowed: text")
    # `make check` says the same, and nothing else (no "cannot be run", no traceback)
    result = run_book(tmp_path, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == messages, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_sphinx_alone_stops_on_the_same_problem(tmp_path: Path) -> None:
    """Running sphinx-build on conf.py (not through make) gives the located message too."""
    write_book(tmp_path, '    "editors": 7,')
    (tmp_path / "index.md").write_text("# Index\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(tmp_path), str(tmp_path / "_out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "conf.py:7: editors: found the number 7" in result.stderr, result.stderr


def test_a_new_editors_book_builds_as_validated(tmp_path: Path) -> None:
    """``editors`` as one name, an ISBN with its prefix, no ``basename``: the EPUB and the PDF
    say what validation accepted, and the build finds its own files."""
    require_pdf("pdftotext", "pdfinfo")
    root = write_book(tmp_path / "book")
    result = run_book(root, "build", "epub", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    name = "quirks-of-a-new-editor"
    assert f"_build/epub/{name}.epub" in result.stdout
    assert f"_build/pdf/{name}.pdf" in result.stdout

    with zipfile.ZipFile(root / "_build" / "epub" / f"{name}.epub") as epub:
        opf = ET.fromstring(epub.read("content.opf"))
    creators = [e.text for e in opf.iterfind(".//dc:creator", OPF)]
    assert creators == ["Jane Doe"]
    identifier = opf.find(".//dc:identifier", OPF)
    assert identifier is not None and identifier.text == "urn:isbn:9783161484100"
    assert [e.text for e in opf.iterfind(".//dc:publisher", OPF)] == ["Tests & Co"]

    pdf = root / "_build" / "pdf" / f"{name}.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Edited by Jane Doe" in text
    assert "ISBN 9783161484100" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Author:          Jane Doe" in info
    assert "Title:           Quirks of a New Editor" in info
