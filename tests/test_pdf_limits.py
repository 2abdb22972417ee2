"""What ``make check`` accepts, the PDF engine sets; what it cannot, ``make check`` refuses.

Each of the PDF's limits (``pdfengine/limits.py``, measured on Typst) is refused one past it,
with its own code, naming the file and line, and accepted at it. The attacks that stopped the
PDF (or the whole ``make all``) are refused by ``make check``; a report at every limit at once
is typeset under a memory cap; and should Typst still fail, even by aborting its process, the
other editions are built and the summary says why the PDF was not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuilder.check.doctree import check_tree
from bookbuilder.pdfengine import limits
from conftest import SMALL, copy_book, report_front, require_pdf, run_book

SLUG = "a-report"
RELPATH = f"experiences/{SLUG}.md"
FILLER = " ".join(["words"] * 90) + "\n\n"  # above the book's minimum word count


def codes(body: str, tmp_path: Path) -> list[tuple[int, str]]:
    """(line, code) of every problem of ``body`` (its first line is line 11)."""
    return [
        (p.line, p.code) for p in check_tree(body, 11, RELPATH, SLUG, tmp_path / "images" / SLUG)
    ]


def titled_tables(depth: int) -> str:
    """List-tables with a title, each in the last cell of the one around it."""
    body = "innermost"
    for level in range(depth):  # from the innermost out: each fence longer than the one inside
        fence = "`" * (3 + level)
        inner = body.replace("\n", "\n    ")
        body = f"{fence}{{list-table}} Table {level}\n\n* - {inner}\n{fence}"
    return body + "\n"


def chain(length: int) -> str:
    return "Starts[^c0].\n\n" + "".join(
        f"[^c{i}]: Link {i}" + (f" then[^c{i + 1}].\n\n" if i + 1 < length else ".\n\n")
        for i in range(length)
    )


def table(rows: int, columns: int, header: str = "") -> str:
    head = f":header-rows: 1\n\n* - {header}\n" + "".join("  - h\n" for _ in range(columns - 1))
    return (
        "```{list-table}\n"
        + (head if header else "\n")
        + "".join("* - c\n" + "  - c\n" * (columns - 1) for _ in range(rows))
        + "```\n"
    )


@pytest.mark.parametrize(
    "over,at,code",
    [
        (
            "> " * (limits.MAX_NESTING + 1) + "deep\n",
            "> " * limits.MAX_NESTING + "deep\n",
            "body.pdf-nesting",
        ),
        (
            titled_tables(limits.MAX_NESTING + 1),
            titled_tables(limits.MAX_NESTING),
            "body.pdf-nesting",
        ),
        (
            "".join("  " * i + "- item\n" for i in range(limits.MAX_NESTING + 1)),
            "".join("  " * i + "- item\n" for i in range(limits.MAX_NESTING)),
            "body.pdf-nesting",
        ),
        (
            "{sup}`x` *a **b *c **d *e **f *g***x***y***z** text*\n",
            "*a **b *c **d *e **f***x***y***z**\n",
            "body.pdf-nesting",
        ),
        (
            table(limits.MAX_TABLE_CELLS // 3 + 1, 3),
            table(limits.MAX_TABLE_CELLS // 3 - 1, 3),
            "body.pdf-table",
        ),
        (
            table(301, 2, "x " * (limits.MAX_HEADER_REPEAT // 600)),
            table(299, 2, "x " * 200),
            "body.pdf-header",
        ),
        (
            chain(limits.MAX_NOTES_PER_MARK + 1),
            chain(limits.MAX_NOTES_PER_MARK),
            "body.pdf-footnotes",
        ),
        (
            "Marks"
            + "".join(f" x[^{i}]" for i in range(limits.MAX_MARKS_PER_PARAGRAPH + 1))
            + ".\n\n"
            + "".join(f"[^{i}]: Note {i}.\n\n" for i in range(limits.MAX_MARKS_PER_PARAGRAPH + 1)),
            "Marks"
            + "".join(f" x[^{i}]" for i in range(limits.MAX_MARKS_PER_PARAGRAPH))
            + ".\n\n"
            + "".join(f"[^{i}]: Note {i}.\n\n" for i in range(limits.MAX_MARKS_PER_PARAGRAPH)),
            "body.pdf-footnotes",
        ),
        ("p\n\n" * (limits.MAX_ELEMENTS + 1), "p\n\n" * limits.MAX_ELEMENTS, "body.pdf-size"),
        (
            "[a](https://e.org) " * (limits.MAX_ELEMENTS // limits.LINK_WEIGHT + 1) + "\n",
            "[a](https://e.org) " * (limits.MAX_ELEMENTS // limits.LINK_WEIGHT - 1) + "\n",
            "body.pdf-size",
        ),
    ],
    ids=[
        "quotes",
        "titled-tables",
        "lists",
        "inline",
        "cells",
        "header",
        "footnote-chain",
        "marks",
        "elements",
        "links",
    ],
)
def test_each_limit_is_refused_past_it_and_accepted_at_it(
    over: str, at: str, code: str, tmp_path: Path
) -> None:
    found = codes(over, tmp_path)
    assert code in {c for _line, c in found}, found
    assert all(line >= 11 for line, _c in found), found
    assert codes(at, tmp_path) == []


def test_nesting_of_inline_formatting_is_counted(tmp_path: Path) -> None:
    deep = "*a **b *c **d *e **f *g* f** e* d** c* b** a*\n"
    assert ("body.pdf-nesting") in {c for _line, c in codes(deep, tmp_path)}
    assert limits.MAX_INLINE_NESTING == 6  # the line above nests 7


# -- the attacks, through make check --------------------------------------------------------

ATTACKS = {
    # 12 nested titled list-tables: "maximum show rule depth exceeded"
    "nested-tables": ("body.pdf-nesting", titled_tables(12)),
    # a table of 88,000 rows (0.9 MB) aborted Typst's process, and make all with it (10,000
    # here: make check takes about a minute over 88,000)
    "rows": ("body.pdf-table", "|a|\n|-|\n" + "|1|\n" * 10_000),
    # a page-long header repeated for 2,000 rows: the same
    "header": ("body.pdf-header", table(2000, 1, " ".join(["head"] * 120))),
    # 130 notes each referring to the next: "maximum parsing depth exceeded"
    "notes": ("body.pdf-footnotes", chain(130)),
}


def test_the_attacks_that_stopped_the_pdf_are_refused_by_make_check(tmp_path: Path) -> None:
    root = copy_book(SMALL, tmp_path / "book")
    for slug, (_code, body) in ATTACKS.items():
        text = report_front(title=f"Attack {slug}") + FILLER + body
        (root / "experiences" / f"{slug}.md").write_text(text, "utf-8")
    result = run_book(root, "check")
    assert result.returncode == 1
    for slug, (code, _body) in ATTACKS.items():
        said = [line for line in result.stdout.splitlines() if f"[{code}]" in line]
        assert any(line.startswith(f"experiences/{slug}.md:") for line in said), (slug, said)
    assert "Traceback" not in result.stdout + result.stderr


# -- the PDF: built at the limits, and a failure never stops the book -----------------------


def at_every_limit() -> str:
    """A report at every limit at once (within the element limit)."""
    return (
        FILLER
        + titled_tables(limits.MAX_NESTING)
        + "\n*a **b *c **d *e **f***x***y***z**\n\n"
        + chain(limits.MAX_NOTES_PER_MARK)
        + table(limits.MAX_HEADER_REPEAT // 410, 2, "x " * 200)
        + "\n"
        + table(limits.MAX_TABLE_CELLS // 3 - 1, 3)
    )


@pytest.mark.slow  # a report at every limit at once: the largest report the PDF takes
def test_a_report_at_every_limit_is_typeset_in_under_a_gigabyte(tmp_path: Path) -> None:
    require_pdf("pdftotext")
    root = copy_book(SMALL, tmp_path / "book")
    (root / "experiences" / "at-the-limits.md").write_text(
        report_front(title="At every limit") + at_every_limit(), "utf-8"
    )
    assert run_book(root, "check").returncode == 0
    result = run_book(root, "build", "pdf", env={"BOOK_PDF_MEMORY_MB": "1024"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "_build" / "pdf" / "heatwave-2021.pdf").is_file()


@pytest.mark.slow  # Typst made to run out of memory
def test_typst_running_out_of_memory_stops_the_pdf_only(tmp_path: Path) -> None:
    """Typst aborts its process when it cannot get memory (exit 134): in its own process, with
    a memory limit of its own, that is a clear error naming the likeliest report, and the EPUB
    and the website are built all the same."""
    require_pdf()
    root = copy_book(SMALL, tmp_path / "book")
    (root / "experiences" / "large-table.md").write_text(
        report_front(title="A large table") + FILLER + table(limits.MAX_TABLE_CELLS // 3 - 1, 3),
        "utf-8",
    )
    # enough to load Typst and its fonts, not to set the table
    result = run_book(root, "build", "all", env={"BOOK_PDF_MEMORY_MB": "160"})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert (root / "_build" / "epub" / "heatwave-2021.epub").is_file()
    assert (root / "_build" / "html" / "index.html").is_file()
    assert not (root / "_build" / "pdf" / "heatwave-2021.pdf").exists()
    failed = output[output.index("The pdf edition failed in this build:") :]
    assert "Typst ran out of memory" in failed and "BOOK_PDF_MEMORY_MB" in failed, failed
    assert "experiences/large-table.md" in failed, failed
    assert "Not offered for download: the pdf edition, which failed in this build" in output
    landing = (root / "_build" / "html" / "index.html").read_text("utf-8")
    assert "heatwave-2021.pdf" not in landing


def test_typst_is_stopped_when_it_runs_out_of_time_or_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typst's own process: killed past its time limit, and an abort for want of memory (or
    Python's MemoryError while loading it) said as such; the build's process lives on."""
    from bookbuilder.pdfengine import typeset

    main = tmp_path / "main.typ"
    main.write_text("#let x = 0\n#for i in range(2000000000) { x += 1 }\n#x\n", "utf-8")
    monkeypatch.setenv(typeset.SECONDS_VARIABLE, "2")
    slow = typeset.typeset(main, tmp_path / "main.pdf", None, typeset.memory_limit())
    assert not slow.ok and "did not finish within 2 s" in slow.stopped, slow
    monkeypatch.delenv(typeset.SECONDS_VARIABLE)
    main.write_text("#let a = range(200000000).map(i => str(i))\n#a.len()\n", "utf-8")
    big = typeset.typeset(main, tmp_path / "main.pdf", None, 300 * typeset.MIB)
    assert not big.ok and "Typst ran out of memory" in big.stopped, big
    assert "300 MB" in big.stopped and typeset.MEMORY_VARIABLE in big.stopped
    assert not (tmp_path / "main.pdf").exists()


def test_the_memory_limit_is_the_setting_and_never_above_the_builds_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import resource

    from bookbuilder.pdfengine import typeset

    monkeypatch.setenv(typeset.MEMORY_VARIABLE, "1024")
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    expected = 1024 * typeset.MIB
    unlimited = hard == resource.RLIM_INFINITY
    assert typeset.memory_limit() == (expected if unlimited else min(expected, hard))
    monkeypatch.setenv(typeset.MEMORY_VARIABLE, "not a number")
    assert typeset.memory_limit() > 0
