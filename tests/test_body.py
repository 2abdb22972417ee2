"""Checks of a report's body: every rule, good and bad, with the expected message beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bookbuilder.check.body import ALLOWED_DIRECTIVES, ALLOWED_ROLES, check_body
from bookbuilder.model import ImageRef, Problem, Severity

FIXTURES = Path(__file__).parent / "fixtures" / "body"
SLUG = "giulia-bianchi-night-shifts"
RELPATH = f"experiences/{SLUG}.md"
IMG = f"images/{SLUG}"
BODY_LINE = 12  # the body starts on line 12 of the file in these tests

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" '
    b'height="4"/></svg>'
)


@pytest.fixture
def experiences(tmp_path: Path) -> Path:
    """An ``experiences/`` folder with the report's own images (and a secret outside it)."""
    root = tmp_path / "book"
    folder = root / "experiences" / "images" / SLUG
    folder.mkdir(parents=True)
    Image.new("RGB", (8, 6), "gray").save(folder / "ct-room.jpg", "JPEG")
    Image.new("RGB", (8, 6), "gray").save(folder / "scanner.png", "PNG")
    Image.new("RGB", (8, 6), "gray").save(folder / "ward.webp", "WEBP")
    (folder / "plan.svg").write_bytes(SVG)
    Image.new("RGB", (8, 6)).save(folder / "renamed.jpg", "PNG")
    (folder / "notes.png").write_text("just text")
    (folder / "dicom.png").write_bytes(b"\0" * 128 + b"DICM" + b"\0" * 64)
    (folder / "script.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (folder / "sub").mkdir()
    Image.new("RGB", (8, 6)).save(folder / "sub" / "detail.png", "PNG")
    Image.new("RGB", (8, 6)).save(root / "secret.png", "PNG")
    other = root / "experiences" / "images" / "other-report"
    other.mkdir()
    Image.new("RGB", (8, 6)).save(other / "x.png", "PNG")
    if hasattr(os, "symlink"):
        (folder / "escape.png").symlink_to(root / "secret.png")
        (folder / "inside.png").symlink_to(folder / "scanner.png")
    return root / "experiences"


def check(body: str, experiences: Path) -> tuple[tuple[ImageRef, ...], list[Problem]]:
    return check_body(body, BODY_LINE, RELPATH, SLUG, experiences)


def problems_of(body: str, experiences: Path) -> list[Problem]:
    return check(body, experiences)[1]


# ---------------------------------------------------------------------------------------------
# Whole fixture files


def test_good_fixture_has_no_problems(experiences: Path) -> None:
    body = (FIXTURES / "good" / "full-report.md").read_text()
    images, problems = check(body, experiences)
    assert problems == []
    assert [(i.target.rsplit("/", 1)[1], i.line, i.alt[:12]) for i in images] == [
        ("ct-room.jpg", 20, "An empty CT "),
        ("plan.svg", 27, "A floor plan"),
        ("scanner.png", 29, "The scanner "),
    ]
    assert images[0].path == experiences / IMG / "ct-room.jpg"


@pytest.mark.parametrize("name", ["attacks"])
def test_bad_fixture_matches_expected(experiences: Path, name: str) -> None:
    body = (FIXTURES / "bad" / f"{name}.md").read_text()
    expected = (FIXTURES / "bad" / f"{name}.expected").read_text().splitlines()
    got = [str(p) for p in problems_of(body, experiences)]
    assert got == expected


# ---------------------------------------------------------------------------------------------
# One rule at a time: (body, code, line in the body (1 = first), part of the message)

BAD = [
    # raw HTML
    ("<script>alert(1)</script>", "body.raw-html", 1, "raw HTML block '<script>alert(1)</script>'"),
    ("<img src=x onerror=alert(1)>", "body.raw-html", 1, "raw HTML block '<img src=x onerror"),
    ("a <span onclick=steal()>b</span>", "body.raw-html", 1, "inline HTML '<span onclick"),
    ("one\ntwo <b>bold</b>", "body.raw-html", 2, "inline HTML '<b>'"),
    ("<!-- a note -->", "body.raw-html", 1, "start a line with '%'"),
    ("- item\n\n  > <iframe src=x>", "body.raw-html", 3, "'<iframe src=x>'"),
    # headings
    ("# Title again", "body.heading", 1, "level-1 heading 'Title again' found; headings"),
    ("Title\n=====", "body.heading", 1, "level-1 heading 'Title' found"),
    # directives
    ("```{raw} html\n<b>x</b>\n```", "body.directive", 1, "'{raw}' found (it puts raw output"),
    ("```{include} ../../conf.py\n```", "body.directive", 1, "'{include}' found (it reads"),
    ("~~~{include} ../../conf.py\n~~~", "body.directive", 1, "'{include}' found"),
    (":::{include} ../../conf.py\n:::", "body.directive", 1, "'{include}' found"),
    ("```{literalinclude} /etc/passwd\n```", "body.directive", 1, "'{literalinclude}'"),
    ("```{eval-rst}\n.. raw:: html\n\n   <script>x</script>\n```", "body.directive", 1, "eval-rst"),
    ("```{EVAL-RST}\n.. include:: x\n```", "body.directive", 1, "'{EVAL-RST}' found (it runs"),
    ("```{toctree}\nother\n```", "body.directive", 1, "changes the book's structure"),
    ("```{math}\nx^2\n```", "body.directive", 1, "'{math}' found"),
    ("```{download}\nx\n```", "body.directive", 1, "'{download}'"),
    ("```{only} html\nx\n```", "body.directive", 1, "'{only}'"),
    ("```{notes}\nx\n```", "body.directive", 1, "'{notes}' found (did you mean '{note}'?)"),
    ("```{figur} x\n```", "body.directive", 1, "(did you mean '{figure}'?)"),
    ("```{csv-table}\n:file: /etc/passwd\n```", "body.option", 2, "':file:' on '{csv-table}'"),
    ("```{csv-table}\n:url: https://x/y.csv\n```", "body.option", 2, "':url:'"),
    ("```{note}\n:name: my-label\nx\n```", "body.target", 2, "option ':name:' on '{note}'"),
    ("```{note}\n:clas: x\n```", "body.option", 2, "(did you mean ':class:'?)"),
    ("```{note}\n---\nname: lbl\n---\nx\n```", "body.target", 3, "option ':name:'"),
    ("```{note}\n---\n[bad\n---\n```", "body.option-syntax", 3, "not valid YAML"),
    # nested directives and Markdown inside allowed directives
    ("````{note}\nok\n\n```{include} x\n```\n````", "body.directive", 4, "'{include}'"),
    (
        "::::{tip}\n:::{note}\n```{raw} html\nx\n```\n:::\n::::",
        "body.directive",
        3,
        "'{raw}' found",
    ),
    ("```{note}\nsome <b>html</b>\n```", "body.raw-html", 2, "inline HTML '<b>'"),
    ("```{note}\n:class: x\n\n# Big\n```", "body.heading", 4, "level-1 heading 'Big'"),
    ("```{note} <script>x</script>\n```", "body.raw-html", 1, "'<script>x</script>'"),
    ("```{admonition} A [t](javascript:x)\nbody\n```", "body.link", 1, "'javascript:x'"),
    (":::\n<div>container</div>\n:::", "body.raw-html", 2, "'<div>container</div>'"),
    ("```{code-block} py\n:caption: <b>x</b>\nx\n```", "body.raw-html", 2, "inline HTML"),
    # roles
    ("{raw-html}`<b>x</b>`", "body.role", 1, "role '{raw-html}' found; allowed roles: abbr"),
    ("{download}`x.zip`", "body.role", 1, "role '{download}'"),
    ("{doc}`other`", "body.role", 1, "role '{doc}'"),
    ("{ref}`label`", "body.role", 1, "role '{ref}'"),
    ("{eval-rst}`:raw:`", "body.role", 1, "role '{eval-rst}'"),
    ("{index}`covid`", "body.role", 1, "role '{index}'"),
    ("{math}`x^2`", "body.role", 1, "role '{math}'"),
    ("{py:func}`x`", "body.role", 1, "role '{py:func}'"),
    ("{supp}`2`", "body.role", 1, "(did you mean '{sup}'?)"),
    # targets and links
    ("(secret-label)=\n## Hi", "body.target", 1, "target '(secret-label)=' found"),
    ("[x](JaVaScRiPt:alert(1))", "body.link", 1, "'JaVaScRiPt:alert(1)' found (the 'JaVaScRiPt:'"),
    ("[x]( javascript:alert(1))", "body.link", 1, "'javascript:alert(1)' found"),
    ("[x](jav&#x61;script:alert(1))", "body.link", 1, "'javascript:alert(1)' found"),
    ("[x](java\\script:alert(1))", "body.link", 1, "found"),
    ("[x](<\x01javascript:alert(1)>)", "body.link", 1, "found"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "body.link", 1, "(the 'data:' scheme)"),
    ("[x](vbscript:msgbox)", "body.link", 1, "(the 'vbscript:' scheme)"),
    ("[x](file:///etc/passwd)", "body.link", 1, "(the 'file:' scheme)"),
    ("[x](ftp://example.org)", "body.link", 1, "(the 'ftp:' scheme)"),
    ("[x](other.md)", "body.link", 1, "(a relative path, which points at another file"),
    ("[x](../chapters/europe.md)", "body.link", 1, "a relative path"),
    ("[](#x)", "body.link", 1, "(an anchor, a cross-reference inside the book)"),
    ("<project:other.md>", "body.link", 1, "(a MyST cross-reference ('project:'))"),
    ("[x](inv:sphinx#index)", "body.link", 1, "a MyST cross-reference ('inv:')"),
    ("[x](path:secret.txt)", "body.link", 1, "('path:')"),
    ("[x](HTTPS://example.org)", "body.link", 1, "'HTTPS:' must be written in lower case"),
    ("[x](https://)", "body.link", 1, "without a host"),
    ("[x](mailto:)", "body.link", 1, "an incomplete 'mailto:' address"),
    ("<javascript:alert(1)>", "body.link", 1, "'javascript:alert(1)'"),
    # a label defined twice: the build's parser refuses the first target and can take the other
    (
        'Text.\n\n[a]: https://example.org\n[a]: javascript:x "t"\n',
        "body.link",
        4,
        "'javascript:x'",
    ),
    ("[a]: javascript:x\n[a]: https://example.org\n", "body.link", 1, "'javascript:x'"),
    ("a\n\n[x][evil]\n\n[evil]: javascript:alert(1)", "body.link", 5, "link reference definition"),
    ("[unused]: data:x", "body.link", 1, "link reference definition to 'data:x'"),
    ("| a |\n|---|\n| [x](#t) |", "body.link", 3, "an anchor"),
    ("text[^1]\n\n[^1]: see [x](file:///x)", "body.link", 3, "'file:'"),
    (
        "```{image} images/" + SLUG + '/scanner.png\n:alt: A scanner.\n:target: "#x"\n```',
        "body.link",
        3,
        "':target:' of '{image}' to '#x'",
    ),
    # unquoted, '#x' is a comment to MyST, as the build reads it: the target is empty
    (
        "```{image} images/" + SLUG + "/scanner.png\n:alt: A scanner.\n:target: #x\n```",
        "body.link",
        3,
        "':target:' of '{image}' to '' found (an empty target)",
    ),
    # images: where
    ("![x](../../secret.png)", "body.image", 1, "image '../../secret.png' goes up a folder"),
    ("![A secret file](/etc/passwd)", "body.image", 1, "image '/etc/passwd' is an absolute path"),
    ("![A secret](C:\\\\x.png)", "body.image", 1, "is an absolute path"),
    ("![A tracker](https://x.example/p.png)", "body.image", 1, "is a URL; images must be files"),
    ("![A tracker](//x.example/p.png)", "body.image", 1, "is a URL"),
    ("![A pixel](data:image/png;base64,AAAA)", "body.image", 1, "is a URL"),
    ("![Another's image](images/other-report/x.png)", "body.image", 1, "outside this report's"),
    ("![A scan](images/" + SLUG + "/../other-report/x.png)", "body.image", 1, "goes up a folder"),
    ("![A scan](scanner.png)", "body.image", 1, "outside this report's image folder"),
    ("![A scan](images/" + SLUG + "/.hidden.png)", "body.image", 1, "starting with '.'"),
    ("![A scan](<images/" + SLUG + "/a b.png>)", "body.image", 1, "other than letters"),
    ("![A scan](images/" + SLUG + "/missing.png)", "body.image", 1, "was not found"),
    ("![A scan](images/" + SLUG + "/sub)", "body.image", 1, "is not a file"),
    ("![A scan](images/" + SLUG + "/escape.png)", "body.image", 1, "symbolic link that leads"),
    ("```{figure} ../../conf.py\n:alt: Config\n```", "body.image", 1, "goes up a folder"),
    ("```{figure}\n:alt: Nothing\n```", "body.image", 1, "'{figure}' without an image path"),
    # images: what
    ("![A scan](images/" + SLUG + "/renamed.jpg)", "body.image", 1, "contents are PNG but"),
    ("![A scan](images/" + SLUG + "/notes.png)", "body.image", 1, "not an image this book"),
    ("![A scan](images/" + SLUG + "/dicom.png)", "body.image", 1, "export an anonymised PNG"),
    ("![A plan](images/" + SLUG + "/script.svg)", "body.image", 1, "a <script> element"),
    # images: alt text
    ("![](images/" + SLUG + "/scanner.png)", "body.image", 1, "has no alt text; write a"),
    ("![image](images/" + SLUG + "/scanner.png)", "body.image", 1, "alt text 'image', which"),
    ("![scanner.png](images/" + SLUG + "/scanner.png)", "body.image", 1, "does not describe"),
    ("![Scanner](images/" + SLUG + "/scanner.png)", "body.image", 1, "does not describe"),
    ("![x](images/" + SLUG + "/scanner.png)", "body.image", 1, "does not describe"),
    (
        "```{figure} images/" + SLUG + "/scanner.png\nA caption.\n```",
        "body.image",
        1,
        "add an option ':alt: What the image shows' to the '{figure}' directive",
    ),
    ("```{image} images/" + SLUG + "/scanner.png\n:alt: photo\n```", "body.image", 1, "'photo'"),
]


@pytest.mark.parametrize(("body", "code", "line", "message"), BAD)
def test_bad(experiences: Path, body: str, code: str, line: int, message: str) -> None:
    images, problems = check(body, experiences)
    matching = [p for p in problems if p.code == code and message in p.message]
    assert matching, f"expected {code} containing {message!r}, got {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.line == BODY_LINE + line - 1
    assert problem.path == RELPATH
    assert problem.severity is Severity.ERROR
    assert "; " in problem.message  # "<what was found>; <what is allowed>"
    assert not any(i.line == problem.line for i in images if code == "body.image")


GOOD = [
    "## A heading\n\nText with **bold**, *emphasis*, `code` and a footnote.[^1]\n\n[^1]: Yes.",
    "[WHO](https://www.who.int) <https://example.org> <a@b.org> [mail](mailto:a@b.org)",
    "[x](http://example.org/a?b=c#d)",
    "```python\n<script>alert(1)</script>\n```",  # a code block is shown, never run
    "```{code-block} html\n<script>alert(1)</script>\n```",
    "```{code} html\n:number-lines:\n<b>x</b>\n```",
    "    <b>indented code</b>",
    "`<b>inline code</b>`",
    "&lt;script&gt; is text",
    "% a MyST comment <b>\n\nText",
    "+++\n\nAfter a block break",
    "H{sub}`2`O, x{sup}`2`, {abbr}`CT (computed tomography)`, {kbd}`Ctrl`, {code}`x`",
    "{SUB}`2` {emphasis}`e` {strong}`s` {literal}`l` {title-reference}`t`",
    "```{note}\nA note.\n```\n\n```{tip}\n:class: compact\n\nA tip.\n```",
    "```{note} First line of the body\nsecond line\n```",
    "```{note}\n---\nclass: x\n---\nYAML options\n```",
    ":::{seealso}\nSee [this](https://example.org).\n:::",
    "::::{important}\n:::{caution}\nNested colon fences.\n:::\n::::",
    "```{epigraph}\nA line.\n\n-- Someone\n```\n\n```{pull-quote}\nQuoted.\n```",
    "```{table} Title\n:align: center\n\n| a | b |\n|---|---|\n| 1 | 2 |\n```",
    "```{csv-table} Title\n:header: a, b\n:widths: 1, 1\n\n1, 2\n```",
    "Setext\n------",
    "### Deep\n\n#### Deeper",
    "> quote\n\n1. one\n2. two\n\n- a\n- b",
    "Text with a trailing % and a # in the middle",
    "![A grey CT room](images/" + SLUG + "/ct-room.jpg)",
    "![A grey ward seen from the door](images/" + SLUG + "/ward.webp)",
    "![A detail of the scanner](images/" + SLUG + "/sub/detail.png)",
    "![A scanner, via a link inside the folder](images/" + SLUG + "/inside.png)",
    "[![A floor plan](images/" + SLUG + "/plan.svg)](https://example.org)",
    "![A grey CT room][room]\n\n[room]: images/" + SLUG + "/ct-room.jpg",
    "```{figure} images/" + SLUG + "/plan.svg\n---\nalt: A floor plan.\n---\nCaption.\n```",
]


@pytest.mark.parametrize("body", GOOD)
def test_good(experiences: Path, body: str) -> None:
    assert [str(p) for p in problems_of(body, experiences)] == []


def test_image_refs(experiences: Path) -> None:
    body = (
        "Intro\n\n![A grey CT room](images/" + SLUG + "/ct-room.jpg)\n\n"
        "```{figure} images/" + SLUG + "/scanner.png\n:alt: The scanner.\n\nIts caption.\n```\n"
    )
    images, problems = check(body, experiences)
    assert problems == []
    assert images == (
        ImageRef(
            f"{IMG}/ct-room.jpg", experiences / IMG / "ct-room.jpg", BODY_LINE + 2, "A grey CT room"
        ),
        ImageRef(
            f"{IMG}/scanner.png", experiences / IMG / "scanner.png", BODY_LINE + 4, "The scanner."
        ),
    )


def test_refused_images_are_not_returned(experiences: Path) -> None:
    images, problems = check("![image](images/" + SLUG + "/scanner.png)", experiences)
    assert images == ()
    assert len(problems) == 1


def test_exact_messages(experiences: Path) -> None:
    problems = problems_of("# Title\n\n```{toctree}\nx\n```\n\n[x](#a)", experiences)
    allowed = ", ".join(sorted(ALLOWED_DIRECTIVES))
    assert [str(p) for p in problems] == [
        f"{RELPATH}:12: level-1 heading 'Title' found; headings in the body start at level 2 "
        "(##); the title comes from the front matter [body.heading]",
        f"{RELPATH}:14: directive '{{toctree}}' found (it changes the book's structure); "
        f"allowed directives: {allowed} [body.directive]",
        f"{RELPATH}:18: link to '#a' found (an anchor, a cross-reference inside the book); "
        "links may only go to web or e-mail addresses starting with http://, https:// or "
        "mailto: (a report must not reach into another report or the book's structure) "
        "[body.link]",
    ]


def test_allow_lists() -> None:
    assert set(ALLOWED_DIRECTIVES) == {
        "admonition", "attention", "caution", "danger", "error", "hint", "important", "note",
        "seealso", "tip", "warning", "figure", "image", "table", "list-table", "csv-table",
        "epigraph", "pull-quote", "code-block", "code",
    }  # fmt: skip
    assert {
        "sub", "sup", "abbr", "emphasis", "strong", "literal", "code", "kbd", "title-reference"
    } == ALLOWED_ROLES  # fmt: skip


def test_deep_nesting_is_a_problem_not_a_crash(experiences: Path) -> None:
    depth = 30
    body = "".join(":" * (3 + depth - i) + "{note}\n" for i in range(depth))
    body += "x\n" + "".join(":" * (3 + i + 1) + "\n" for i in range(depth))
    problems = problems_of(body, experiences)
    assert any("nested more than" in p.message for p in problems)


# ---------------------------------------------------------------------------------------------
# Property: any text is checked without raising

markdownish = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "\n",
                "\n\n",
                "```",
                "```{note}",
                "```{figure}",
                ":::",
                ":::{note}",
                "~~~",
                "{raw}`x`",
                "<b>",
                "<!--",
                "# ",
                "(x)=",
                "[x](",
                ")",
                "![",
                "](",
                "images/",
                f"images/{SLUG}/",
                "ct-room.jpg",
                ":alt:",
                ":name:",
                "---",
                "[^1]",
                "[a]: ",
                "javascript:",
                "&#x61;",
                "\\",
                "|",
                "> ",
                "- ",
                "%",
                "\0",
                "\x01",
                "\ud800",
            ]
        ),
    ),
    max_size=30,
).map("".join)


@settings(
    max_examples=int(os.environ.get("BODY_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=markdownish)
def test_any_text_gives_problems_not_exceptions(experiences: Path, body: str) -> None:
    images, problems = check(body, experiences)
    assert all(isinstance(p, Problem) and p.line >= BODY_LINE for p in problems)
    assert all(isinstance(i, ImageRef) for i in images)
