"""Property: whatever the contract's constructs make, ``make check`` refuses it or every edition
is built, the PDF under a memory cap.

Hypothesis composes reports (and a translation) of nested lists, block quotes, admonitions,
titled and untitled tables with header rows, emphasis and links inside each other, footnotes
referring to footnotes, sizes up to the PDF's limits and a little past them. For each book:
either ``make check`` (as every build runs it first) refuses it, naming a generated report's
file and line, and nothing is built; or ``make all`` builds the website, the EPUB and the PDF,
Typst limited to 1 GB (``BOOK_PDF_MEMORY_MB``). Never a build that fails after the check
passed, never a traceback.

Each example builds a whole book in three editions, so there are few of them: the test is
marked ``slow`` (``pytest -m "not slow"`` leaves it out).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bookbuilder.pdfengine.limits import MAX_INLINE_NESTING, MAX_NESTING, MAX_NOTES_PER_MARK
from conftest import SMALL, report_front, require_pdf, run_book

pytestmark = pytest.mark.slow

#: A report's text of blocks; each block is a tuple (kind, …), rendered by ``render``.
WORDS = st.sampled_from(["heat", "scanner", "night shift", "patients", "the ward", "25 °C"])


def inline(depth: int) -> st.SearchStrategy[str]:
    """Text with emphasis, bold and links inside each other, up to ``depth`` deep."""
    if depth == 0:
        return WORDS
    inner = inline(depth - 1)
    return st.one_of(
        WORDS,
        inner.map(lambda t: f"*so {t} so*"),
        inner.map(lambda t: f"**so {t} so**"),
        inner.map(lambda t: f"[{t}](https://example.org/page)"),
    )


def blocks(depth: int) -> st.SearchStrategy[tuple]:
    paragraph = st.tuples(
        st.just("para"),
        inline(MAX_INLINE_NESTING + 1),
        st.lists(st.integers(0, MAX_NOTES_PER_MARK + 1), max_size=3),  # footnote marks
    )
    if depth == 0:
        return paragraph
    inner = st.lists(blocks(depth - 1), min_size=1, max_size=2)
    return st.one_of(
        paragraph,
        st.tuples(st.just("quote"), inner),
        st.tuples(st.just("note"), inner),
        st.tuples(st.just("list"), st.lists(inner, min_size=1, max_size=2)),
        st.tuples(
            st.just("table"),
            st.booleans(),  # a title
            st.booleans(),  # a header row
            st.sampled_from([1, 2, 3, 12]),  # columns
            st.sampled_from([1, 3, 40, 250, 1001]),  # rows: past the cells' limit at 3 × 1001
            inner,  # the first cell
        ),
    )


def height(block: tuple) -> int:
    """How many fenced directives stand inside ``block``, itself included."""
    kind = block[0]
    if kind == "para":
        return 0
    children = [b for item in block[1] for b in item] if kind == "list" else block[-1]
    inside = max((height(b) for b in children), default=0)
    return inside + (1 if kind in ("note", "table") else 0)


def indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    head = (first if first is not None else prefix) + lines[0]
    return "\n".join([head, *((prefix + line) if line else "" for line in lines[1:])])


def render(block: tuple) -> str:
    kind = block[0]
    if kind == "para":
        _kind, text, marks = block
        return text + "".join(f" and[^n{m}]" for m in marks) + "."
    if kind == "quote":
        inner = "\n\n".join(render(b) for b in block[1])
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    fence = "`" * (3 + height(block))
    if kind == "note":
        return f"{fence}{{note}}\n" + "\n\n".join(render(b) for b in block[1]) + f"\n{fence}"
    if kind == "list":
        items = ["\n\n".join(render(b) for b in item) for item in block[1]]
        return "\n\n".join(indent(item, "  ", "- ") for item in items)
    _kind, titled, header, columns, rows, cell = block
    first = "\n\n".join(render(b) for b in cell)
    lines = [f"{fence}{{list-table}}" + (" Doses by hour" if titled else "")]
    lines += [":header-rows: 1", ""] if header else [""]
    for row in range(rows):
        content = first if row == 0 else f"row {row}"
        lines.append(indent(content, "    ", "* - "))
        lines += [f"  - {row * column}" for column in range(1, columns)]
    return "\n".join([*lines, fence])


def body(parts: list[tuple]) -> str:
    """The blocks, and a note for every mark; note k refers to note k + 1 when that is marked
    too (so consecutive marks make chains, past the limit when there are more than it)."""
    text = "\n\n".join(render(b) for b in parts)
    notes = sorted({m for b in _paragraphs(parts) for m in b[2]})
    written = [
        f"[^n{n}]: Note {n}" + (f" see[^n{n + 1}]" if n + 1 in notes else "") + "." for n in notes
    ]
    return text + "\n\n" + "\n\n".join(written) + "\n"


def _paragraphs(parts: list[tuple]) -> list[tuple]:
    found = []
    for block in parts:
        kind = block[0]
        if kind == "para":
            found.append(block)
        elif kind == "list":
            found += _paragraphs([b for item in block[1] for b in item])
        else:
            found += _paragraphs(block[-1])
    return found


REPORTS = st.lists(
    st.lists(blocks(MAX_NESTING + 1), min_size=1, max_size=3), min_size=1, max_size=2
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(reports=REPORTS)
def test_what_the_check_accepts_every_edition_builds(tmp_path: Path, reports: list) -> None:
    require_pdf()
    root = tmp_path / "book"
    shutil.rmtree(root, ignore_errors=True)
    (root / "chapters").mkdir(parents=True)
    (root / "experiences").mkdir()
    (root / "conf.py").write_text((SMALL / "conf.py").read_text("utf-8"), "utf-8")
    (root / "chapters" / "all.md").write_text(
        '---\ntitle: "All reports"\norder: 10\ncollect: rest\n---\n\nEvery report.\n', "utf-8"
    )
    for number, parts in enumerate(reports):
        text = body(parts)
        slug = f"generated-{number}"
        (root / "experiences" / f"{slug}.md").write_text(
            report_front(title=f"Generated {number}") + text, "utf-8"
        )
        (root / "experiences" / f"{slug}.fr.md").write_text(  # a translation, same labels
            f'---\ntitle: "Traduction {number}"\ntranslators:\n  - name: "T. Translator"\n'
            f"---\n\n{text}",
            "utf-8",
        )
    result = run_book(root, "build", "all", env={"BOOK_PDF_MEMORY_MB": "1024"})
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    if "Nothing was built." in output:  # refused by the check, naming the report
        errors = [line for line in result.stdout.splitlines() if ": error" in line.lower()]
        errors = errors or [line for line in result.stdout.splitlines() if "[body." in line]
        assert errors, output[-3000:]
        assert all(line.startswith("experiences/generated-") for line in errors), errors
        event("refused by make check")
        return
    assert result.returncode == 0, output[-3000:]
    for built in ("html/index.html", "epub/heatwave-2021.epub", "pdf/heatwave-2021.pdf"):
        assert (root / "_build" / built).is_file(), built
    event("built in every edition")
