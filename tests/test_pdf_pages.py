"""The PDF as a publisher prints it: pages numbered as printed, type set with care, PDF/UA.

One small book (the small fixture book, with a long subtitle and a report made to test the page
breaks: eight authors with ORCID iDs, a tall photograph that cannot fit where it is referred
to, a long table and many sections) is built once; the tests read its PDF with pikepdf, pdftotext
(``-bbox-layout`` for the position of every word) and pdftoppm; one compiles its Typst source
again as PDF/UA-1.
"""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from bookbuilder.check.schema import orcid_check_digit
from bookbuilder.sphinx import pdffinish as pdf_module
from bookbuilder.sphinx import typst as markup
from conftest import require_module, require_pdf, run_book, small_book_with


def orcid(number: int) -> str:
    base = f"00000002182500{number}"
    digits = base + orcid_check_digit(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


#: Eight authors whose affiliations grow by a word each: one ORCID iD or another reaches
#: the end of a line wherever the line breaks.
AUTHORS = {
    f"Author {name} Haaland": (f"Department of Radiology, {'North ' * n}Wing, Oslo", orcid(n))
    for n, name in enumerate(("Kari", "Ingrid", "Ola", "Nora", "Emma", "Jonas", "Sara", "Lars"))
}
SUBTITLE = (
    "An International Collection of Reports from Radiology Departments around the World "
    "during the First Year of the Pandemic"
)
SLUG = "typeset-with-care-oslo"
OPENER = (
    "Reports from every other place, from the contributors who wrote about their departments "
    "during the extraordinary summer, with their photographs and their tables. "
) * 3
SECTIONS = [f"Section number {n} of the long report" for n in range(1, 13)]
SENTENCE = (
    "The corridor to the scanner became a one-way street, with tape on the floor and a "
    "colleague at each end who kept the patients apart and the doors open. "
)


def long_report() -> str:
    rows = "\n".join(f"| Week {w} | {w * 17 % 300} | {w * 7 % 90} | CT |" for w in range(1, 46))
    table = f"| Week | Examinations | Positive | Modality |\n|---|---|---|---|\n{rows}\n"
    body = [SENTENCE * 8 for _ in range(5)]
    body.append(
        "```{figure} images/" + SLUG + "/tall.png\n:alt: A tall photograph of the corridor.\n\n"
        "The corridor, photographed from the scanner room.\n```"
    )
    body.append("This paragraph follows the photograph in the report. " + SENTENCE * 3)
    for n, section in enumerate(SECTIONS):  # sections ending a line further down each time
        body += [f"## {section}", SENTENCE * (1 + n % 4), *["A short line."] * (n % 5)]
        if n == 3:
            body.append(table)
    authors = "".join(
        f'  - name: "{name}"\n    role: radiologist\n'
        f'    affiliation: "{affiliation}"\n    orcid: "{orcid}"\n'
        for name, (affiliation, orcid) in AUTHORS.items()
    )
    return (
        f'---\ntitle: "Typeset with care in Oslo"\nauthors:\n{authors}country: NO\ncity: Oslo\n'
        "submitted: 2021-08-01\nconsent: true\nmodalities: [CT]\ntopics: [workflow]\n---\n\n"
        + "\n\n".join(body)
        + "\n"
    )


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_pdf("pdftotext", "pdftoppm")
    book = {"subtitle": SUBTITLE, "cover": "art/cover.png"}
    root = small_book_with(tmp_path_factory.mktemp("pages"), book)
    (root / "art").mkdir()
    Image.new("RGB", (600, 900), (40, 90, 60)).save(root / "art" / "cover.png")
    conf = root / "conf.py"
    conf.write_text(conf.read_text("utf-8").replace('"subtitle": "A fictional test book",', ""))
    (root / "experiences" / f"{SLUG}.md").write_text(long_report(), "utf-8")
    chapter = root / "chapters" / "elsewhere.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n" + OPENER + "\n", "utf-8")
    images = root / "experiences" / "images" / SLUG
    images.mkdir(parents=True)
    Image.new("RGB", (1200, 1500), (60, 90, 120)).save(images / "tall.png")
    result = run_book(root, "build", "pdf", env={"SOURCE_DATE_EPOCH": "1609459200"})
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build" / "pdf" / "heatwave-2021.pdf"


# -- reading the PDF -----------------------------------------------------------------------


def page_labels(pdf: Path) -> list[str]:
    """The label a viewer shows for each page, from ``/PageLabels`` (decimal and roman)."""
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
        numbers = document.Root.PageLabels.Nums
        ranges = [(int(numbers[i]), numbers[i + 1]) for i in range(0, len(numbers), 2)]
    labels = []
    for page in range(count):
        start, spec = max((r for r in ranges if r[0] <= page), key=lambda r: r[0])
        value = int(spec.get("/St", 1)) + page - start
        style = str(spec.get("/S", ""))
        shown = {"/D": str(value), "/r": roman(value), "/R": roman(value).upper()}.get(style, "")
        labels.append(str(spec.get("/P", "")) + shown)
    return labels


def roman(value: int) -> str:
    digits = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
    digits += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for number, letters in digits:
        while value >= number:
            out, value = out + letters, value - number
    return out


def page_texts(pdf: Path, *options: str) -> list[str]:
    command = ["pdftotext", *options, str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True).stdout.split("\f")[:-1]


def printed_number(page: str) -> str | None:
    """The page number printed in the footer: the page's last line (in ``-layout`` text,
    where lines keep their places), when it is one."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[-1] if lines and re.fullmatch(r"\d+|[ivxlcdm]+", lines[-1]) else None


#: What ends a hyphenated line in pdftotext's words: the soft hyphen Typst breaks at, or a hyphen.
HYPHENS = ("\u00ad", "-", "\u2010")
Word = tuple[float, float, float, float, str]  # xMin, yMin, xMax, yMax, text


def page_lines(pdf: Path) -> list[list[list[Word]]]:
    """Every page's lines, each a list of its words with their boxes (pdftotext -bbox-layout)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    tree = ET.fromstring(xml)
    namespace = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in tree.iterfind(".//h:page", namespace):
        lines = []
        for line in page.iterfind(".//h:line", namespace):
            words = [
                (*(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), w.text or "")
                for w in line.iterfind("h:word", namespace)
            ]
            lines.append(words)
        pages.append(lines)
    return pages


def spaces_vary(lines: list[list[Word]], term_first: bool = False) -> float:
    """How much the space between words varies, in points, among lines of one type size: none
    when lines are set ragged or centred (every space its natural width), points when they
    are justified (each line's spaces stretched to fill it). ``term_first``: a line that
    starts at the left edge begins with a term (a contributor's name), whose gap to its
    description is not a space; it is left out."""
    gaps: dict[float, list[float]] = defaultdict(list)
    left_edge = min((line[0][0] for line in lines), default=0.0)
    for words in lines:
        spaces = [right[0] - left[2] for left, right in pairwise(words)]
        if term_first and spaces and words[0][0] - left_edge < 1:
            spaces.remove(max(spaces))
        for space in spaces:
            gaps[round(words[0][3] - words[0][1], 1)].append(space)
    return max((max(g) - min(g) for g in gaps.values() if len(g) > 1), default=0.0)


def page_of(pages: list[str], needle: str, after: int = 0) -> int:
    return next(i for i, page in enumerate(pages) if i >= after and needle in page)


# -- pages numbered as printed ---------------------------------------------------------------


def test_every_printed_page_number_is_the_viewers_page_label(pdf: Path) -> None:
    labels, pages = page_labels(pdf), page_texts(pdf, "-layout")
    assert len(labels) == len(pages)
    printed = [(i, printed_number(page)) for i, page in enumerate(pages)]
    assert sum(1 for _i, number in printed if number) > len(pages) // 2
    for i, number in printed:
        if number:
            assert number == labels[i], (i, number, labels[i])
    assert labels[0] == ""  # the cover: not counted, nothing printed
    assert labels[1:3] == ["i", "ii"]  # the title page and its back: counted, not printed
    body = labels.index("1")
    assert "Preface" in pages[body]
    assert all(re.fullmatch("[ivxlc]+", label) for label in labels[1:body]), labels[:body]
    assert labels[-1] == str(len(labels) - body)


def test_the_contents_give_the_label_of_the_page_each_title_is_on(pdf: Path) -> None:
    labels, pages = page_labels(pdf), page_texts(pdf)
    contents = page_of(pages, "Contents")
    entries = re.findall(r"^(.+?)\s*(?:\. ?)+\s*\u2060?(\d+)$", pages[contents], re.MULTILINE)
    assert len(entries) >= 8, pages[contents]
    for title, number in entries:
        page = labels.index(number)
        assert " ".join(title.split()) in " ".join(pages[page].split()), (title, number)


def test_the_index_gives_the_label_of_the_page_each_report_begins_on(pdf: Path) -> None:
    labels, pages = page_labels(pdf), page_texts(pdf)
    text = "\n".join(pages)
    index_start = text.rindex("\nIndex\n")
    # "Author Kari Haaland, 12" or, filed under the family name, "Haaland, Author Kari, 12"
    entry = re.search(r"^(?=.*Kari)(?=.*Haaland).*?, ([\d, ]+)$", text[index_start:], re.MULTILINE)
    assert entry is not None, text[index_start:]
    numbers = [n.strip() for n in entry.group(1).split(",")]
    report = page_of(pages, "Typeset with care in Oslo", after=labels.index("1"))
    assert numbers == [labels[report]]


# -- type set with care ----------------------------------------------------------------------


def test_the_title_pages_subtitle_is_centred_and_not_hyphenated(pdf: Path) -> None:
    lines = page_lines(pdf)[1]  # after the cover
    subtitle = [line for line in lines if {w[4] for w in line} & {"Collection", "Pandemic"}]
    assert len(subtitle) >= 2, lines  # long enough to break
    assert spaces_vary(subtitle) < 0.3
    assert not any(line[-1][4].endswith(HYPHENS) for line in subtitle)
    centres = [(line[0][0] + line[-1][2]) / 2 for line in subtitle]
    assert max(centres) - min(centres) < 1.0


def test_a_chapters_opening_text_is_set_ragged(pdf: Path) -> None:
    lines, pages = page_lines(pdf), page_texts(pdf)
    chapter = page_of(pages, "extraordinary", after=page_labels(pdf).index("1"))
    opener = [line for line in lines[chapter] if line[0][1] > 200 and line[0][1] < 700]
    assert len(opener) >= 4, opener  # below the title, above the page number: four lines
    assert spaces_vary(opener[:-1]) < 0.3
    assert not any(line[-1][4].endswith(HYPHENS) for line in opener)


def test_body_text_is_justified_so_the_spacing_measure_can_fail(pdf: Path) -> None:
    lines, pages = page_lines(pdf), page_texts(pdf)
    report = page_of(pages, "Typeset with care in Oslo", after=page_labels(pdf).index("1"))
    body = [line for line in lines[report] if any(w[4] == "one-way" for w in line)]
    assert spaces_vary(body[:-1]) > 0.3


def test_contributors_entries_and_bylines_are_set_ragged(pdf: Path) -> None:
    lines, pages = page_lines(pdf), page_texts(pdf)
    contributors = [i for i, page in enumerate(pages) if "North North Wing" in page]
    assert len(contributors) >= 2  # the report's byline and the Contributors page
    for i in contributors:
        block = [line for line in lines[i] if any(w[4] in ("North", "Wing,") for w in line)]
        assert spaces_vary(block, term_first=True) < 0.3, i
        assert not any(line[-1][4].endswith(HYPHENS) for line in block), i


def test_orcid_ids_are_never_broken(pdf: Path) -> None:
    found = [line for page in page_texts(pdf) for line in page.splitlines() if "orcid" in line]
    assert len(found) >= 2 * len(AUTHORS)  # in the byline and on the Contributors page
    for line in found:
        assert any(f"https://orcid.org/{id_}" in line for _a, id_ in AUTHORS.values()), line


def test_a_photograph_that_does_not_fit_floats_and_the_text_runs_on(pdf: Path) -> None:
    pages = page_texts(pdf)
    caption = page_of(pages, "The corridor, photographed from the scanner room.")
    follows = page_of(pages, "This paragraph follows the photograph")
    assert follows < caption  # the text went on where the photograph did not fit
    # …and filled the page before the photograph's down to a few lines from its foot
    image = subprocess.run(
        ["pdftoppm", "-gray", "-r", "72", "-f", str(caption), "-l", str(caption), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    page = Image.open(io.BytesIO(image))
    width, height = page.size
    foot = height - 30 * height / 297  # the text block's foot: 30 mm margin
    inked = [y for y in range(int(foot)) if any(page.getpixel((x, y)) < 200 for x in range(width))]
    assert foot - max(inked) < 3 * 14, foot - max(inked)  # three lines of 10.5 pt text


def test_no_heading_is_the_last_line_of_a_page(pdf: Path) -> None:
    """The book's own layout (its template and book.json): a heading of each level a report
    has, placed a little lower on each of 40 pages, over the whole foot of the page."""
    import typst

    folder = pdf.parent
    sweep = "".join(
        f"#pagebreak(weak: true)\n#block(height: {160 + 2.5 * n}mm)\n"
        f"#heading(level: {3 + n % 2})[Heading at the foot]\n\n{SENTENCE * 3}\n\n"
        for n in range(40)
    )
    # the places the book's index points at, so that its pages can be found
    places = set(re.findall(r'"(doc:[^"]+)"', (folder / "book.json").read_text("utf-8")))
    targets = "".join(f"#metadata(none) <{place}>\n" for place in sorted(places))
    source = folder / "headings.typ"
    source.write_text('#import "book.typ": book\n#show: book\n\n' + sweep + targets, "utf-8")
    typst.Compiler(root=str(folder)).compile(
        input=str(source), output=str(source.with_suffix(".pdf"))
    )
    pages = page_texts(source.with_suffix(".pdf"), "-layout")
    headings = 0
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and printed_number(page):
            lines.pop()
        headings += lines.count("Heading at the foot")
        assert not lines or lines[-1] != "Heading at the foot", lines[-3:]
    assert headings == 40


# -- PDF/UA ------------------------------------------------------------------------------------


def test_the_machine_checkable_part_of_pdf_ua_passes(pdf: Path) -> None:
    """pdfua (PyPI) checks 16 of PDF/UA-1's 106 machine-checkable rules with pikepdf. The PDF
    makes no PDF/UA claim (docs/pdf-engine.md): that warning is the only finding allowed."""
    require_module("pdfua")
    import pdfua

    report = pdfua.validate(str(pdf))
    problems = [f for f in report.findings if f.rule_id != "UA-28-004"]
    assert not problems, [(f.rule_id, f.message) for f in problems]


def test_typst_accepts_the_book_as_pdf_ua_1(pdf: Path) -> None:
    """Typst checks what it can of PDF/UA-1 when asked to write it (alt text on every figure,
    a title, heading levels in order, …) and refuses the PDF otherwise. The book is not
    written so (no validator confirms the claim, docs/pdf-engine.md), but it passes."""
    import typst

    folder = pdf.parent
    typst.Compiler(root=str(folder)).compile(
        input=str(folder / "heatwave-2021.typ"),
        output=str(folder / "ua-1.pdf"),
        pdf_standards=["ua-1"],
    )
    with pikepdf.open(folder / "ua-1.pdf") as document:
        assert b"pdfuaid:part" in document.Root.Metadata.read_bytes()


# -- tables ----------------------------------------------------------------------------------


def table_pieces(tmp_path: Path, glued: bool) -> list[int]:
    """How many body rows of an 8-row table each page holds, the table starting a little
    lower on each of 12 pages: the rows go over every possible page break."""
    import typst

    rows = 8
    cells = []
    for row in range(rows):
        if glued:
            cells.append(markup._row_glue(row, rows))
        cells.append(f"[Week {row + 1}], [{row * 7}],\n")
    header = markup._glue(1) if glued else ""
    table = (
        f"#table(columns: ({'0pt, ' if glued else ''}auto, auto),\n"
        f"table.header({header}[Week], [N]),\n{''.join(cells)})\n"
    )
    pages = "".join(f"#v({20 + 5 * n}mm)\n{table}#pagebreak()\n" for n in range(12))
    source = tmp_path / f"rows-{glued}.typ"
    source.write_text("#set page(height: 10cm)\n" + pages, "utf-8")
    typst.compile(str(source), output=str(source.with_suffix(".pdf")))
    text = page_texts(source.with_suffix(".pdf"))
    return [len(re.findall(r"Week \d", page)) for page in text if "Week" in page]


def test_a_broken_table_keeps_its_rows_two_together(tmp_path: Path) -> None:
    require_pdf("pdftotext")
    assert 1 in table_pieces(tmp_path, glued=False)  # Typst alone leaves a row alone
    pieces = table_pieces(tmp_path, glued=True)
    assert sum(pieces) == 12 * 8 and min(pieces) >= 2, pieces


def test_the_rows_glue_is_not_in_the_tagged_table(pdf: Path) -> None:
    """The zero-width column that keeps rows together is layout only: in the structure tree
    every row of every table has as many cells as the table has columns, and the report's
    table (a header and 45 weeks) four cells a row, none of them empty."""
    with pikepdf.open(pdf) as document:
        tables = []
        for table in pdf_module._structure_elements(document.Root.StructTreeRoot, "/Table"):
            parts = pdf_module._kids(table)
            rows = [row for part in parts for row in pdf_module._kids(part)]
            tables.append([pdf_module._kids(row) for row in rows if row.get("/S") == "/TR"])
        assert len(tables) >= 3  # the report's, and the book's overview tables
        for rows in tables:
            assert len({len(cells) for cells in rows}) == 1, [len(cells) for cells in rows]
        weeks = next(rows for rows in tables if len(rows) == 46)
        assert all(len(cells) == 4 for cells in weeks)
        assert all(cell.get("/K") is not None for cells in weeks for cell in cells)
