"""The PDF's writer in-process: the Typst markup of the small book as a golden file, and the
names that tie the markup to its look.

The writer (``sphinx/typst.py``) says what a piece of the book is (``#report-author[…]``); the
layout (``templates/pdf/book.typ``) says how it looks, as Sphinx's LaTeX writer emits
``\\sphinxstyle…`` and ``sphinx.sty`` styles it. Three files share the names: the Sphinx side sets
a class (``report.py``, ``contributors.py``), the writer turns the class into a call
(``typst.SEMANTIC_CLASSES``), the layout defines the call. A rename in any one of them fails
here, by name, instead of silently dropping the PDF's styling.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bookbuilder.pipeline import BUILD_DIR, SOURCE_DIR, prepare, render_sources
from bookbuilder.sphinx import build, contributors, report
from bookbuilder.sphinx import typst as markup
from bookbuilder.sphinx.pdf import TEMPLATE
from conftest import SMALL, copy_book

BASENAME = "heatwave-2021"
#: The modules whose nodes carry classes into the PDF.
CLASS_SETTERS = (report, contributors)


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture book's PDF edition, built in this process; its output folder."""
    root = copy_book(SMALL, tmp_path_factory.mktemp("small-pdf"))
    prepared = prepare(root)
    assert prepared.ok and prepared.book is not None, [str(p) for p in prepared.problems]
    rendered = render_sources(prepared.book, root / SOURCE_DIR)
    result = build.run_sphinx("pdf", rendered.srcdir, root / BUILD_DIR, root, verbose=False)
    assert result.ok, result.message
    return root / BUILD_DIR / "pdf"


def test_the_typst_markup(small_pdf: Path, golden) -> None:
    """The whole book as the writer marks it up (the Typst source that is compiled)."""
    source = (small_pdf / f"{BASENAME}.typ").read_text("utf-8")
    assert str(small_pdf.parents[1]) not in source  # nothing of the machine's folders
    golden(f"book-small/pdf/{BASENAME}.typ", source.rstrip() + "\n")


def classes_set_in(module: object) -> set[str]:
    """Every class name ``module``'s source sets on a node (``classes=["…"]``)."""
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))  # type: ignore[attr-defined]
    found: set[str] = set()
    for call in ast.walk(tree):
        for keyword in getattr(call, "keywords", []):
            if keyword.arg == "classes" and isinstance(keyword.value, ast.List | ast.Tuple):
                found.update(
                    e.value
                    for e in keyword.value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    return found


def layout_calls() -> set[str]:
    """The functions the layout defines (``#let name(body) = …``)."""
    return set(re.findall(r"^#let ([a-z][\w-]*)\(", TEMPLATE.read_text("utf-8"), re.MULTILINE))


def test_every_class_the_sphinx_side_sets_is_a_call_of_the_writer() -> None:
    set_here = set().union(*(classes_set_in(m) for m in CLASS_SETTERS))
    assert "report-byline" in set_here  # the scan finds them
    unknown = set_here - set(markup.SEMANTIC_CLASSES) - set(markup.PLAIN_CLASSES)
    assert not unknown, (
        f"classes {sorted(unknown)} are set on nodes the PDF prints, but typst.SEMANTIC_CLASSES "
        "does not list them: the PDF would print them unstyled (add them there and to book.typ)"
    )
    stale = set(markup.SEMANTIC_CLASSES) | set(markup.PLAIN_CLASSES)
    stale -= set_here
    assert not stale, f"typst.SEMANTIC_CLASSES lists {sorted(stale)}, which no module sets"


def test_every_call_of_the_writer_is_defined_in_the_layout() -> None:
    missing = set(markup.SEMANTIC_CALLS) - layout_calls()
    assert not missing, f"templates/pdf/book.typ defines no {sorted(missing)}"


def test_the_markup_calls_only_typst_and_the_layout(small_pdf: Path) -> None:
    """Each call in the markup is one of the layout's, imported by name, or Typst's own: the
    markup compiled (the fixture built the PDF), so Typst knew every name."""
    source = (small_pdf / f"{BASENAME}.typ").read_text("utf-8")
    assert source.startswith(markup.layout_import())
    called = set(re.findall(r"#([a-z][\w-]*)[\[(]", source))
    from_layout = called & layout_calls()
    assert from_layout <= {*markup.SEMANTIC_CALLS, "book"}
    # the small book's byline, chapter openers and Contributors page use all but two
    assert set(markup.SEMANTIC_CALLS) - called == {"report-languages", "report-translators"}
    assert (small_pdf / f"{BASENAME}.pdf").is_file()


def test_a_call_the_layout_lacks_stops_the_pdf(small_pdf: Path, tmp_path: Path) -> None:
    """The tie is loud: markup that calls a name the layout no longer defines does not
    compile (Typst's error names it), rather than printing the text unstyled."""
    from bookbuilder.pdfengine import typeset

    (tmp_path / "book.typ").write_text(
        TEMPLATE.read_text("utf-8").replace("#let report-author(", "#let byline-author("), "utf-8"
    )
    (tmp_path / "book.json").write_bytes((small_pdf / "book.json").read_bytes())
    main = tmp_path / "main.typ"
    main.write_text(markup.layout_import() + '#report-author[#"Ann";]\n', "utf-8")
    outcome = typeset.typeset(main, tmp_path / "main.pdf", None, typeset.memory_limit())
    assert not outcome.ok
    assert outcome.message == "unresolved import"
    assert "report-author" in outcome.diagnostic  # Typst points at the name
