"""`make import`: Word files (made here with python-docx) become draft reports that pass the checks.

python-docx has no footnote API: the footnotes part is added to the package as XML, as Word
writes it.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Inches
from PIL import Image

from bookbuilder.editor.importer import escape_line_starts, escape_text
from conftest import FIXTURES, copy_book, run_book

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def png(color: str = "red", size: tuple[int, int] = (40, 30)) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", size, color).save(data, "PNG")
    data.seek(0)
    return data


def add_footnotes(document, texts: list[str]) -> None:
    """A footnotes part with one footnote per text, related to the main document."""
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>'
        "</w:footnote>"
        for i, t in enumerate(texts, start=1)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f"</w:footnote>{notes}</w:footnotes>"
    )
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_reference(paragraph, number: int) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W}" w:id="{number}"/>'))


def make_docx(path: Path, *, alt: str | None = "A red square on a white wall.") -> Path:
    doc = Document()
    doc.core_properties.title = "Properties title (not used: the Title paragraph wins)"
    doc.core_properties.author = "Giulia Bianchi"
    doc.add_paragraph("Night shifts in a converted CT suite", style="Title")
    doc.add_heading("How it started", level=1)
    p = doc.add_paragraph("We worked ")
    p.add_run("very").bold = True
    p.add_run(" long ")
    p.add_run("nights").italic = True
    p.add_run(". Costs rose by 5% & *stars* stayed <b>literal</b>.")
    footnote_reference(p, 1)
    doc.add_paragraph("# not a heading, 1. not a list")
    doc.add_heading("Details", level=2)
    doc.add_paragraph("First point", style="List Bullet")
    doc.add_paragraph("Second point", style="List Bullet")
    doc.add_paragraph("Step one", style="List Number")
    table = doc.add_table(rows=3, cols=2)
    cells = [("Shift", "Staff"), ("Night", "2"), ("Day | late", "4")]
    for row, (a, b) in zip(table.rows, cells, strict=True):
        row.cells[0].text, row.cells[1].text = a, b
    picture = doc.add_paragraph().add_run().add_picture(png(), width=Inches(1))
    if alt is not None:
        picture._inline.docPr.set("descr", alt)
    doc.add_paragraph("The CT room at night.", style="Caption")
    q = doc.add_paragraph("The last paragraph, with a second note.")
    footnote_reference(q, 2)
    add_footnotes(doc, ["Source: our own rota.", "Another note."])
    doc.save(path)
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(FIXTURES / "book-small", tmp_path / "book")


def imported(book: Path, slug: str) -> str:
    return (book / "experiences" / f"{slug}.md").read_text("utf-8")


def test_docx_becomes_a_draft_that_make_check_accepts(book: Path, tmp_path: Path) -> None:
    source = make_docx(tmp_path / "Submission.docx")
    result = run_book(book, "import", str(source))
    assert result.returncode == 0, result.stdout + result.stderr
    slug = "night-shifts-in-a-converted-ct-suite"
    assert f"experiences/{slug}.md" in result.stdout
    text = imported(book, slug)
    front, body = text.split("\n---\n", 1)
    # Front matter: what the Word file tells, and a draft.
    assert 'title: "Night shifts in a converted CT suite"' in front
    assert '- name: "Giulia Bianchi"' in front
    assert "status: draft" in front
    assert "consent: false" in front
    # Body: headings start at ##, emphasis, escaped text, lists, table, figure, footnotes.
    assert "## How it started" in body and "### Details" in body
    assert not re.search(r"^# ", body, re.M)
    assert "We worked **very** long *nights*." in body
    assert r"5% & \*stars\* stayed \<b\>literal\</b\>." in body
    assert r"\# not a heading, 1. not a list" in body
    assert "- First point\n- Second point" in body
    assert "1. Step one" in body
    assert "| Shift | Staff |\n|---|---|\n| Night | 2 |\n| Day \\| late | 4 |" in body
    assert f":::{{figure}} images/{slug}/image-1.png\n:alt: A red square on a white wall." in body
    assert "The CT room at night.\n:::" in body
    assert "[^1]" in body and "[^1]: Source: our own rota." in body
    assert "[^2]: Another note." in body
    assert (book / "experiences" / "images" / slug / "image-1.png").is_file()
    assert "1 image(s), 2 footnote(s), 1 table(s)" in result.stdout
    # `make check` on the book: the draft has no error, and what is missing is named.
    check = run_book(book, "check")
    assert check.returncode == 0, check.stdout
    problems = [line for line in check.stdout.splitlines() if f"experiences/{slug}.md:" in line]
    assert any("role: found an empty value (required)" in p for p in problems), problems
    assert any("country: found an empty value (required)" in p for p in problems), problems
    assert any("consent: found false" in p for p in problems), problems
    assert not any("body." in p for p in problems), problems  # the body passes every body check


def test_completed_import_is_published(book: Path, tmp_path: Path) -> None:
    imported = run_book(book, "import", str(make_docx(tmp_path / "s.docx")))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    path = book / "experiences" / "night-shifts-in-a-converted-ct-suite.md"
    text = path.read_text("utf-8")
    text = re.sub(r"    role:.*", "    role: radiographer", text)
    text = re.sub(r"country:.*", "country: IT", text)
    text = text.replace("consent: false", "consent: true")
    text = text.replace("status: draft", "status: accepted")
    path.write_text(text, "utf-8")
    check = run_book(book, "check")
    assert check.returncode == 0, check.stdout
    assert "night-shifts-in-a-converted-ct-suite.md:" not in check.stdout
    plan = run_book(book, "plan")  # published: it lands in a chapter
    assert "experiences/night-shifts-in-a-converted-ct-suite.md:" in plan.stdout, plan.stdout


def test_missing_alt_text_is_flagged(book: Path, tmp_path: Path) -> None:
    result = run_book(book, "import", str(make_docx(tmp_path / "s.docx", alt=None)))
    assert result.returncode == 0
    assert "image-1.png has no alt text" in result.stdout
    check = run_book(book, "check")
    assert "has no alt text" in check.stdout


def test_folder_import_never_overwrites(book: Path, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    make_docx(folder / "a.docx")
    make_docx(folder / "b.docx")
    (folder / "~$a.docx").write_bytes(b"lock file")
    (folder / "notes.txt").write_text("not Word")
    result = run_book(book, "import", str(folder))
    # The second file has the first one's title: refused (no terminal to ask), not "…-2.md".
    assert result.returncode == 1, result.stdout
    assert "1 report(s) imported, 1 file(s) not imported." in result.stdout
    first = book / "experiences" / "night-shifts-in-a-converted-ct-suite.md"
    second = book / "experiences" / "night-shifts-in-a-converted-ct-suite-2.md"
    assert (
        "b.docx: experiences/night-shifts-in-a-converted-ct-suite.md already has the title "
        "'Night shifts in a converted CT suite' (status: draft, first author Giulia Bianchi): "
        "already imported?"
    ) in result.stdout
    assert first.is_file() and not second.exists()
    assert not (book / "experiences" / "images" / second.stem).exists()
    # Told it is another report, the import writes it beside the first.
    result = run_book(book, "import", "--same-title", str(folder / "b.docx"))
    assert result.returncode == 0, result.stdout
    assert "images/night-shifts-in-a-converted-ct-suite-2/image-1.png" in second.read_text()
    check = run_book(book, "check")  # and make check warns of a likely double submission
    assert f"{second.relative_to(book)}:2: warning: title: found the same title" in check.stdout
    before = first.read_bytes()
    again = run_book(book, "import", "--slug", first.stem, str(folder / "a.docx"))
    assert again.returncode == 1
    assert "already exists" in again.stdout
    assert first.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip file at all", "is not a Word .docx file"),
        (None, "is not a Word document (.docx): it has no word/document.xml"),
        ("encrypted", "is damaged or password-protected"),
    ],
)
def test_bad_files_are_refused_clearly(
    book: Path, tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / "bad.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    elif content == "encrypted":
        # a real .docx whose members say they are encrypted (flag bit 0 in the central
        # directory): zipfile refuses to read them with a RuntimeError
        data = bytearray(make_docx(tmp_path / "real.docx").read_bytes())
        start = 0
        while (start := data.find(b"PK\x01\x02", start)) != -1:
            data[start + 8] |= 1
            start += 4
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(content)
    result = run_book(book, "import", str(path))
    assert result.returncode == 1
    assert message in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not list((book / "experiences").glob("bad*.md"))


def test_not_a_docx(book: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run_book(book, "import", str(path))
    assert result.returncode == 1
    assert "save it as .docx" in result.stdout


def test_escaping_keeps_text_literal() -> None:
    assert escape_text("a*b_c[d]<e>{f}|`g`") == r"a\*b\_c\[d\]\<e\>\{f\}\|\`g\`"
    assert escape_text("AT&T &amp;") == r"AT&T \&amp;"
    assert escape_line_starts("- x\n+ y\n% z\n12. w\n:::") == "\\- x\n\\+ y\n\\% z\n12\\. w\n\\:::"
