"""One reading of a report's body: ``make check`` renders it as the build does (issue 11).

``check/doctree.py`` parses each body with the build's MyST settings, directive and role classes
and renderer rules, and holds the tree to the node allow-list that the build's node guard uses.
Here: its messages (file:line, never a traceback), that its classes are the build's, and a
differential property test: whatever the check accepts, the build's own reader renders without a
single refusal, to a tree of allowed nodes only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from docutils import nodes
from docutils.parsers.rst import directives, roles
from docutils.parsers.rst.languages import en
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bookbuilder.check.body import ALLOWED_DIRECTIVES, ALLOWED_ROLES
from bookbuilder.check.doctree import MAX_COLUMNS, _registry, check_tree, refused_nodes
from bookbuilder.check.load import load_source
from bookbuilder.check.validate import validate_report
from bookbuilder.model import Problem
from conftest import report_front

SLUG = "a-report"
RELPATH = f"experiences/{SLUG}.md"


def problems(body: str, tmp_path: Path) -> list[str]:
    return [str(p) for p in check_tree(body, 11, RELPATH, SLUG, tmp_path / "images" / SLUG)]


def test_options_are_converted_by_the_directives_own_converters(tmp_path: Path) -> None:
    # Both crashed the build with a Python traceback, and passed the old check.
    found = problems(
        "```{csv-table}\n:delim: |\n\na|b\n```\n\n```{figure} images/a-report/x.png\n"
        ":figwidth:\n:alt: a view of the room\n```\n\n```{list-table}\n:header-rows: two\n\n"
        "* - a\n```\n",
        tmp_path,
    )
    assert found[0].startswith(f"{RELPATH}:11: option ':delim:' of '{{csv-table}}' has no value")
    assert 'put such a character in quotes, :delim: "|"' in found[0]
    assert found[1].startswith(f"{RELPATH}:17: option ':figwidth:' of '{{figure}}' has no value")
    assert any(
        p.startswith(
            f"{RELPATH}:22: option ':header-rows:' of '{{list-table}}' has the value "
            "'two', which it cannot use"
        )
        for p in found
    )
    assert problems('```{csv-table}\n:delim: "|"\n\na|b\n```\n', tmp_path) == []


def test_cells_are_checked_after_their_own_parsing(tmp_path: Path) -> None:
    quoted = problems('```{csv-table}\n"{download}`x </etc/passwd>`",b\n```\n', tmp_path)
    escaped = problems(
        '```{csv-table}\n:escape: !\n\n"{down!load}`x </etc/passwd>`",b\n```\n', tmp_path
    )
    listed = problems("```{list-table}\n* - {download}`x </etc/passwd>`\n  - b\n```\n", tmp_path)
    for found, line in ((quoted, 12), (escaped, 14), (listed, 12)):
        assert [p.split(" (")[0] for p in found] == [
            f"{RELPATH}:{line}: role '{{download}}' is not allowed in a report"
        ]


def test_what_docutils_finds_is_found_at_the_reports_line(tmp_path: Path) -> None:
    # issue 12: problems only the build noticed, now in `make check`, at the report's own line
    found = problems("Text[^1] and [^2].\n\n[^1]: one\n[^3]: three\n", tmp_path)
    assert found == [
        f"{RELPATH}:11: warning: footnote [^2] is referred to but not written; add a line "
        "'[^2]: the note's text' below, or remove the reference [body.markup]",
        f"{RELPATH}:14: warning: footnote [3] is not referred to anywhere in the text; refer to "
        "it with [^name] or delete it [body.footnote]",
    ]


def test_a_figure_without_caption_is_a_warning(tmp_path: Path) -> None:
    found = problems("```{figure} images/a-report/x.png\n:alt: a view of the room\n```\n", tmp_path)
    assert [p for p in found if "[body.figure]" in p] == [
        f"{RELPATH}:11: warning: a figure without a caption; write the caption below the "
        "figure's options (after a blank line), or use '{image}' for a picture that needs none "
        "[body.figure]"
    ]


def test_pdf_limits_are_checked_before_any_build(tmp_path: Path) -> None:
    """A table wider than a page is refused; text with no place to break a line over a line's
    width is only a warning (the PDF breaks it anywhere: test_linebreak.py), in code too."""
    long = "x" * 60  # 42 em: more than a line holds
    body = (
        f"Fine: {'y' * 50} https://example.org/a/b/c/d `{long}`\n\n{long}\n\n"
        "```{csv-table}\n" + ",".join(["c"] * (MAX_COLUMNS + 1)) + "\n```\n\n"
        "```{csv-table}\n" + ",".join(["c"] * MAX_COLUMNS) + "\n```\n"
    )
    found = problems(body, tmp_path)
    assert [p.split(" with no place")[0].split(";")[0] for p in found] == [
        f"{RELPATH}:11: warning: a run of 60 characters",
        f"{RELPATH}:13: warning: a run of 60 characters",
        f"{RELPATH}:16: a table of {MAX_COLUMNS + 1} columns found",
    ]


def test_the_checks_classes_are_the_builds(tmp_path: Path) -> None:
    """One source of truth: the check runs the classes a real Sphinx build of the book uses."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    def as_the_check_resolves() -> tuple[dict, dict]:
        known_directives, known_roles = _registry()
        with docutils_namespace():
            directives._directives.update(known_directives)
            roles._roles.update(known_roles)
            return (
                {n: directives.directive(n, en, None)[0] for n in ALLOWED_DIRECTIVES},
                {n: roles.role(n, en, 0, None)[0] for n in ALLOWED_ROLES},
            )

    checked_directives, checked_roles = as_the_check_resolves()
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "bookbuilder.sphinx.extension"]\n'
    )
    (tmp_path / "index.md").write_text("# Index\n")
    with docutils_namespace():
        Sphinx(
            tmp_path,
            tmp_path,
            tmp_path / "out",
            tmp_path / "dt",
            "html",
            status=None,
            warning=io.StringIO(),
        )
        for name in ALLOWED_DIRECTIVES:
            built, _ = directives.directive(name, en, None)
            checked = checked_directives[name]
            # the check's class is the build's, or the build's with the check's environment
            assert built is checked or checked.__bases__ == (built,), name
        for name in ALLOWED_ROLES:
            built, _ = roles.role(name, en, 0, None)
            assert built is checked_roles[name] or type(built) is type(checked_roles[name]), name


# -- Differential fuzzing: what the check accepts, the build renders without a refusal ----------

PIECES = [
    "Plain text with *emphasis*, **strong** and {sub}`2`.",
    "## A heading",
    "- one\n- two",
    "1. first\n2. second",
    "> A quotation.",
    "Text with a note[^n].\n\n[^n]: The note.",
    "[a link](https://example.org/x) and <mailto:a@example.org>",
    "```{note}\nInside a note, {abbr}`CT (computed tomography)`.\n```",
    ":::{tip}\nA colon fence.\n:::",
    "```{csv-table}\n:header: a,b\n\n1,2\n```",
    "```{list-table}\n:header-rows: 1\n\n* - a\n  - b\n* - 1\n  - 2\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```{code-block} python\nx = 1\n```",
    "```{figure} images/a-report/room.png\n:alt: An empty room.\n\nA caption.\n```",
    # what must never pass, in every disguise
    '```{csv-table}\n"{download}`x </etc/passwd>`",b\n```',
    '```{csv-table}\n:escape: !\n\n"{down!load}`x </etc/passwd>`",b\n```',
    "```{csv-table}\n:delim: |\n\na|b\n```",
    "```{figure} /etc/passwd\n:alt: a secret\n:target: javascript:alert(1)\n```",
    "{download}`x </etc/passwd>`",
    "```{toctree}\nindex\n```",
    "```{math}\n\\input{/etc/passwd}\n```",
    "[x](javascript:alert(1))",
    "![a picture](../../outside/secret.png)",
    "```{note}",
    "````",
    "~~~",
    "```{csv-table}",
    '"',
]
BREAKS = ["\n", "\n\n", "\u2028", "\u2029", "\x85", "\v", "\f", "\x1c", "\x1d", "\x1e", "\r", " "]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    root = tmp_path_factory.mktemp("fuzz")
    images = root / "experiences" / "images" / SLUG
    images.mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(images / "room.png")
    return root


@pytest.fixture(scope="module")
def build_reader(book: Path) -> Iterator[Callable[[str], tuple[nodes.document, str]]]:
    """Read one report page with the build's own Sphinx reader (parser, renderer, transforms,
    node guard), without writing any edition: the doctree and the warnings."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    (book / "conf.py").write_text(
        'extensions = ["myst_parser", "bookbuilder.sphinx.extension"]\n'
        'suppress_warnings = ["myst.header"]\nmyst_enable_extensions = ["colon_fence"]\n'
        'source_suffix = {".md": "markdown"}\n'
    )
    (book / "index.md").write_text("# Index\n")
    (book / "experiences" / f"{SLUG}.md").write_text("# A report\n")
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(
            book,
            book,
            book / "_out",
            book / "_dt",
            "html",
            status=None,
            warning=warnings,
            freshenv=True,
        )
        docname = f"experiences/{SLUG}"

        def read(body: str) -> tuple[nodes.document, str]:
            (book / f"{docname}.md").write_text(f"# A report\n\n{body}", "utf-8")
            warnings.seek(0)
            warnings.truncate()
            app.env.found_docs.add(docname)
            app.builder.read_doc(docname)
            return app.env.get_doctree(docname), warnings.getvalue()

        yield read


def accepted(book: Path, body: str) -> bool:
    """What `make check` says: the file loads, and validation finds no error."""
    path = book / "experiences" / f"{SLUG}.md"
    path.write_text(report_front() + body, "utf-8")
    source, load_problems = load_source(path, book)
    if source is None or any(p.is_error for p in load_problems):
        return False
    report, found = validate_report(source, book, "en", date(2024, 1, 1))
    return report is not None and not any(p.is_error for p in found)


@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_N", "60")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    st.lists(
        # the allowed pieces and plain breaks more often, so that many bodies pass the check
        st.tuples(
            st.sampled_from(PIECES[:14] * 3 + PIECES[14:]),
            st.sampled_from(["\n\n"] * 30 + BREAKS),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_what_the_check_accepts_the_build_renders_without_refusal(
    book: Path, build_reader, parts: list[tuple[str, str]]
) -> None:
    body = "".join(piece + brk for piece, brk in parts) + "\n"
    if not accepted(book, body):
        event("refused by the check")
        return
    event("accepted by the check")
    doctree, warnings = build_reader(body)
    assert "refused by the build" not in warnings, (body, warnings)
    assert not list(doctree.findall(nodes.raw))
    # every node of the report's text is one the contract allows (the guard removed nothing,
    # and the frame is absent without the render stage's data)
    assert list(refused_nodes(doctree, SLUG, book / "experiences" / "images" / SLUG)) == []
    for image in doctree.findall(nodes.image):
        assert image["uri"].startswith(f"images/{SLUG}/"), image["uri"]
    for reference in doctree.findall(nodes.reference):
        assert reference["refuri"].startswith(("https://", "http://", "mailto:"))


def test_the_fuzzer_accepts_what_it_should(book: Path) -> None:
    """The property above is not vacuous: the allowed pieces, together, are accepted."""
    body = "\n\n".join(PIECES[:14]) + "\n"
    path = book / "experiences" / f"{SLUG}.md"
    path.write_text(report_front() + body, "utf-8")
    source, _ = load_source(path, book)
    assert source is not None
    _report, found = validate_report(source, book, "en", date(2024, 1, 1))
    assert [str(p) for p in found if isinstance(p, Problem) and p.is_error] == []


def test_a_body_opening_with_a_dashed_block_is_read_as_the_build_reads_it(
    build_reader, tmp_path: Path
) -> None:
    # The build's page starts with the report's title, so a '---' block opening the body is no
    # front matter there; the check read it as one (a field list, refused) until it read the
    # body with the one parser (body.make_parser), which does not look for front matter.
    body = "---\nplace: Ward 3\n---\n\nThe night was long.\n"
    doctree, _warnings = build_reader(body)
    assert not list(doctree.findall(nodes.field_list))
    assert problems(body, tmp_path) == []
