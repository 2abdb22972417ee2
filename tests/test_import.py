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
    errors = [line for line in check.stdout.splitlines() if ": warning: " not in line]
    assert not [e for e in errors if "night-shifts-in-a-converted-ct-suite.md:" in e], check.stdout
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


# -- An import an editor can trust ----------------------------------------------------------------


def photo_with_private_metadata() -> io.BytesIO:
    """A JPEG as a phone writes it: GPS position, camera make and model, time."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"
    exif[0x0132] = "2020:11:19 02:14:00"
    exif[0x8825] = {1: "N", 2: (45.0, 41.0, 51.0), 3: "E", 4: (9.0, 40.0, 12.0)}
    data = io.BytesIO()
    Image.new("RGB", (60, 40), "navy").save(data, "JPEG", exif=exif)
    data.seek(0)
    return data


def make_trusting_docx(path: Path) -> Path:
    """Authors under the title, a tool as the document's author, a phone photo with a
    "Figure 1:" caption, and a note typed as a superscript number with its text at the end."""
    doc = Document()
    doc.core_properties.author = "python-docx"
    doc.add_paragraph("Heat and light in the reading room", style="Title")
    doc.add_paragraph("Giulia Bianchi, radiographer, Ospedale Esempio, Bergamo")
    doc.add_paragraph("Marco Rossi (Radiologist), ASST Bergamo Est")
    doc.add_paragraph("Head of the night team, Bergamo")
    doc.add_heading("What happened", level=1)
    p = doc.add_paragraph("We doubled the night staff")
    p.add_run("1").font.superscript = True
    p.add_run(" in March.")
    picture = doc.add_paragraph().add_run().add_picture(photo_with_private_metadata())
    picture._inline.docPr.set("descr", "The reading room at night, lit by one lamp.")
    doc.add_paragraph("Figure 1: The reading room at night.", style="Caption")
    doc.add_heading("Notes", level=1)
    doc.add_paragraph("1 Source: the rota of March 2020.")
    doc.save(path)
    return path


def test_an_import_an_editor_can_trust(book: Path, tmp_path: Path) -> None:
    source = make_trusting_docx(tmp_path / "submission.docx")
    original = source.read_bytes()
    result = run_book(book, "import", str(source))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    slug = "heat-and-light-in-the-reading-room"
    text = imported(book, slug)
    front, body = text.split("\n---\n", 1)
    # Authors, roles and affiliations from the lines under the title, not "python-docx".
    assert (
        '  - name: "Giulia Bianchi"\n    role: radiographer\n'
        '    affiliation: "Ospedale Esempio, Bergamo"\n'
        '  - name: "Marco Rossi"\n    role: radiologist\n    affiliation: "ASST Bergamo Est"'
    ) in front
    assert "python-docx" not in text
    assert "Giulia Bianchi, radiographer" not in body  # taken out of the text
    assert "Head of the night team, Bergamo" in body  # not read: kept, and said
    assert "'Head of the night team, Bergamo' under the title could not be read" in out
    assert "the document's author 'python-docx': a program's name, not a person" in out
    # The photo: in experiences/images/, without where, with what and when; the .docx intact.
    photo = book / "experiences" / "images" / slug / "image-1.jpg"
    with Image.open(photo) as written:
        exif = written.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0132 not in exif
    assert "image-1.jpg: metadata removed (location (GPS), device, time)" in out
    assert source.read_bytes() == original
    # The caption without Word's "Figure 1:", which the book's own numbering would double.
    assert f":::{{figure}} images/{slug}/image-1.jpg" in body
    assert ":alt: The reading room at night, lit by one lamp.\n\nThe reading room at night." in body
    assert "Figure 1:" not in body
    assert "caption prefix 'Figure 1:' removed" in out
    # The typed superscript note: a real footnote, its "Notes" heading gone.
    assert "We doubled the night staff[^1] in March." in body
    assert "[^1]: Source: the rota of March 2020." in body
    assert "{sup}" not in body and "## Notes" not in body
    assert "superscript numbers 1 and their typed notes → footnotes" in out
    # The report of the import: kept, changed, dropped.
    for label in ("  kept: ", "  changed: ", "  dropped: "):
        assert label in out
    check = run_book(book, "check")
    lines = [line for line in check.stdout.splitlines() if f"experiences/{slug}.md:" in line]
    assert not any("body." in line or "authors[" in line for line in lines), lines


def test_numbered_affiliations_and_a_by_line() -> None:
    from bookbuilder.editor.byline import is_tool_name, read_byline

    marked = read_byline(
        ["Ana Souza¹, Lena Berg², Bo Ek¹", "¹ Hospital Exemplo, Recife", "² Umeå University", "x"]
    )
    assert marked.authors == [
        {"name": "Ana Souza", "affiliation": "Hospital Exemplo, Recife"},
        {"name": "Lena Berg", "affiliation": "Umeå University"},
        {"name": "Bo Ek", "affiliation": "Hospital Exemplo, Recife"},
    ]
    assert marked.used == 3
    by = read_byline(["By Ana Souza and Jean de la Fontaine", "It was a long winter."])
    assert [a["name"] for a in by.authors] == ["Ana Souza", "Jean de la Fontaine"]
    assert read_byline(["The winter was long and the nights longer."]).authors == []
    assert [is_tool_name(n) for n in ("Microsoft Office User", "python-docx", "Ana Souza")] == [
        True,
        True,
        False,
    ]


# -- Bounded work: the XML is counted as a stream before mammoth reads it ---------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def crafted_docx(path: Path, body: list[bytes], repeat: int = 1, extra: dict | None = None) -> Path:
    """A .docx whose word/document.xml body is ``body`` written ``repeat`` times, streamed
    into the ZIP (a few hundred MiB unpack from a file under 1 MB); ``extra``: more members."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(
                f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
            )
            for _ in range(repeat):
                for part in body:
                    out.write(part)
            out.write(b"</w:body></w:document>")
    return path


PARAGRAPH = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"


def nested(levels: int, opening: bytes, closing: bytes) -> list[bytes]:
    return [opening * levels, PARAGRAPH, closing * levels]


def test_the_issues_bomb_is_refused_in_seconds(book: Path, tmp_path: Path) -> None:
    """Issue 22: 0.9 MB whose XML unpacks to 290 MiB, under the 300 MiB limit on unpacked size;
    mammoth took 90-130 s and ended in a MemoryError."""
    chunk = PARAGRAPH * 30_000
    path = crafted_docx(tmp_path / "bomb.docx", [chunk], repeat=290 * 2**20 // len(chunk))
    assert path.stat().st_size < 2**20
    with zipfile.ZipFile(path) as archive:
        assert 280 * 2**20 < sum(i.file_size for i in archive.infolist()) < 300 * 2**20
    result = run_book(book, "import", str(path))
    assert result.returncode == 1
    assert f"{path}: is refused before converting: its XML holds more than 300,000 elements" in (
        result.stdout
    )
    assert "passed in word/document.xml" in result.stdout
    assert "nothing was written for it" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not list((book / "experiences").glob("bomb*.md"))


ATTRIBUTES = b"<w:p " + b" ".join(b'w:a%d="x"' % i for i in range(1000)) + b"/>"
OVER_LIMITS = {
    "elements": ([PARAGRAPH], 100_001, "more than 300,000 elements"),
    "attributes": ([ATTRIBUTES], 601, "more than 600,000 attributes"),
    "text": ([PARAGRAPH.replace(b"x", b"heat wave " * 100)], 1100, "text is longer than 1 MiB"),
    "bytes": ([b"<w:p/>" + b" " * 1_000_000], 34, "would unpack to more than 32 MiB"),
    "long-run": ([b"<w:p/>", b" " * 1_100_000, b"<w:p/>"], 1, "a run of text or spaces longer"),
    "long-value": ([b'<w:p w:x="' + b"v" * 1_100_000 + b'"/>'], 1, "an attribute value longer"),
    "depth": (nested(40, b"<w:tbl><w:tr><w:tc>", b"<w:p/></w:tc></w:tr></w:tbl>"), 1, "100 deep"),
    "doctype": ([], 1, "declares a DOCTYPE"),
    "members": ([], 1, "it holds 10,004 parts; at most 10,000 allowed"),
}


@pytest.mark.parametrize("kind", sorted(OVER_LIMITS))
def test_xml_over_a_limit_is_refused(book: Path, tmp_path: Path, kind: str) -> None:
    body, repeat, message = OVER_LIMITS[kind]
    extra = {f"word/media/{i}.bin": b"" for i in range(10_001)} if kind == "members" else None
    path = crafted_docx(tmp_path / f"{kind}.docx", body, repeat, extra)
    if kind == "doctype":  # a DOCTYPE could declare entities that expand a thousandfold
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
            archive.writestr("_rels/.rels", PACKAGE_RELS)
            archive.writestr(
                "word/document.xml",
                f'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]><w:document xmlns:w="{W}">'
                "<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>",
            )
    result = run_book(book, "import", str(path))
    assert result.returncode == 1, result.stdout
    assert f"{path}: is refused before converting: " in result.stdout
    assert message in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not list((book / "experiences").glob(f"{kind}*.md"))


def test_every_xml_part_counts(book: Path, tmp_path: Path) -> None:
    """The footnotes (or any part mammoth reads) count with the document."""
    notes = b'<w:footnotes xmlns:w="' + W.encode() + b'">' + PARAGRAPH * 100_001 + b"</w:footnotes>"
    path = crafted_docx(tmp_path / "notes.docx", [PARAGRAPH], extra={"word/footnotes.xml": notes})
    result = run_book(book, "import", str(path))
    assert result.returncode == 1
    assert "more than 300,000 elements (passed in word/footnotes.xml)" in result.stdout


def test_a_document_inside_the_limits_imports(book: Path, tmp_path: Path) -> None:
    """Tables nested 31 deep (XML nesting 99) and 20,000 paragraphs: converted, no traceback."""
    body = nested(31, b"<w:tbl><w:tr><w:tc>", b"<w:p/></w:tc></w:tr></w:tbl>")
    path = crafted_docx(tmp_path / "deep-but-fine.docx", [*body, PARAGRAPH * 1000], 20)
    result = run_book(book, "import", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Imported deep-but-fine.docx" in result.stdout
    text = (book / "experiences" / "deep-but-fine.md").read_text("utf-8")
    assert text.count("\nx\n") >= 20_000
