"""Reports are untrusted input: every attack is refused twice, and neither refusal can be skipped.

Layer 1 (validation): ``check`` refuses the report with its file and line, and no traceback.
Layer 2 (the locked-down build): the same attacks, with validation bypassed (the hostile body is put
straight into the model and the render and Sphinx stages run on it), still do nothing. No script
from a report, no ``javascript:`` link and no ``on…`` handler reach any edition; no byte of a file
outside the report (a canary file with a unique token) reaches any output; nothing is executed;
nothing is written outside ``_build/``.

Also here: report text with Markdown/LaTeX/HTML characters printed literally in all three editions,
the editors' originals untouched and published images without EXIF/XMP/GPS, and property tests
that no input makes ``check`` trace back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from bookbuilder import cli, pdfengine
from bookbuilder.layout import BUILD_DIR, SOURCE_DIR
from bookbuilder.model import Book, ImageRef
from bookbuilder.pdfengine.limits import MAX_NESTING
from bookbuilder.pipeline import prepare, render_sources
from bookbuilder.sphinx import build
from conftest import FIXTURES, copy_book, report_front, require_pdf, run_book, run_book_apart

CANARY = "CANARY-5e1f0c2b9d7a"  # only ever in the secret files outside the book
MARK = "PWNED"  # in every payload that would run if it got through
SLUG = "chaleur-et-irm-lyon"  # the small book's report that the attacks replace
BASENAME = "heatwave-2021"  # the small book's file name


# ------------------------------------------------------------------------------------------
# helpers


def file_digests(root: Path, skip: str | None = None) -> dict[str, str]:
    """Every file under ``root`` (symbolic links as their target's name), except ``skip``."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if skip and (rel == skip or rel.startswith(skip + "/")):
            continue
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def secret_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", CANARY)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def make_outside(base: Path) -> Path:
    """A folder next to the book holding what no report may reach."""
    outside = base / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text(f"{CANARY}\nroot:x:0:0\n", "utf-8")
    (outside / "secret.png").write_bytes(secret_png())
    return outside


def hostile_book(base: Path) -> tuple[Path, Path]:
    root = copy_book(FIXTURES / "book-small", base / "book")
    outside = make_outside(base)
    (root / "experiences" / "images" / SLUG).mkdir(parents=True, exist_ok=True)
    (root / "experiences" / "images" / SLUG / "link.png").symlink_to(outside / "secret.png")
    return root, outside


def write_report(root: Path, body: str, extra: str = "", name: str = SLUG) -> Path:
    path = root / "experiences" / f"{name}.md"
    path.write_text(report_front(extra) + body, "utf-8")
    return path


def with_body(book: Book, slug: str, body: str, images: tuple[ImageRef, ...] = ()) -> Book:
    """The curated book with one report's body replaced: validation never saw it."""
    chapters = []
    for chapter in book.chapters:
        reports = tuple(
            dataclasses.replace(r, body=body, images=images) if r.slug == slug else r
            for r in chapter.reports
        )
        chapters.append(dataclasses.replace(chapter, reports=reports))
    return dataclasses.replace(book, chapters=tuple(chapters))


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def epub_page(members: dict[str, bytes], slug: str) -> str:
    name = next(n for n in members if n.endswith(f"experiences/{slug}.xhtml"))
    return members[name].decode("utf-8")


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


class Markup(HTMLParser):
    """What a browser or an e-book reader would act on in an HTML/XHTML page."""

    URL_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction", "data", "poster"})
    BAD_SCHEMES = ("javascript:", "vbscript:", "data:text", "file:", "data:application")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "frame", "base"):
            self.found.append(f"<{tag}>")
        if tag == "script":
            # A JSON-LD block is data a browser never runs (our scholarly metadata carries the
            # report's title in it); a title that broke out of it would open a script of its
            # own, which is caught here like any other.
            self.in_script = dict(attrs).get("type") != "application/ld+json"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if tag == "script" and MARK in value:
                self.found.append(f"<script {name}={value}>")
            flat = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
            if name in self.URL_ATTRS and flat.startswith(self.BAD_SCHEMES):
                self.found.append(f"{name}={value[:40]!r} on <{tag}>")
            if tag == "meta" and "url=" in flat and "javascript:" in flat:
                self.found.append("meta refresh to javascript:")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and (MARK in data or CANARY in data):
            self.found.append(f"script content {data.strip()[:60]!r}")


def active_markup(text: str) -> list[str]:
    parser = Markup()
    parser.feed(text)
    parser.close()
    return parser.found


def output_files(builddir: Path) -> Iterator[tuple[str, bytes]]:
    """Every output file, EPUB members unzipped, as (name, bytes)."""
    for path in sorted(builddir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(builddir).as_posix()
        data = path.read_bytes()
        yield rel, data
        if path.suffix == ".epub":
            for name, member in unzip(path).items():
                yield f"{rel}!{name}", member


def assert_nothing_got_through(builddir: Path) -> None:
    pages = 0
    for name, data in output_files(builddir):
        assert CANARY.encode() not in data, f"the secret file's content is in {name}"
        assert "secret" not in name.rsplit("/", 1)[-1], f"a secret file was copied: {name}"
        if name.endswith((".html", ".xhtml")):
            pages += 1
            found = active_markup(data.decode("utf-8", "replace"))
            assert not found, f"{name}: {found}"
    assert pages, "no pages were checked"


# ------------------------------------------------------------------------------------------
# Layer 1: validation refuses, naming file and line


def image_case(root: Path, name: str, data: bytes) -> str:
    folder = root / "experiences" / "images" / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return f"images/{SLUG}/{name}"


def png_bomb_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert('PWNED')</script><rect width='10' height='10'/></svg>"
)
ONLOAD_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'

#: name → (body, the line of the file the error must name, a word the message must hold).
#: The front matter is 9 lines and a blank line, so the body's first line is line 11.
BODY_ATTACKS: dict[str, tuple[str, int, str]] = {
    "raw-html-block": ("Text.\n\n<div onclick=\"alert('PWNED')\">x</div>\n", 13, "HTML"),
    "raw-html-inline": ("Text <script>alert('PWNED')</script> here.\n", 11, "HTML"),
    "img-onerror": ('Text <img src=x onerror="alert(1)">.\n', 11, "HTML"),
    "html-comment": ("<!-- hidden -->\n", 11, "HTML comment"),
    "javascript-link": ("[a](javascript:alert('PWNED'))\n", 11, "javascript"),
    "javascript-mixed-case": ("[a](JaVaScRiPt:alert('PWNED'))\n", 11, "JaVaScRiPt"),
    "javascript-entity": ("[a](&#x6A;avascript:alert('PWNED'))\n", 11, "javascript"),
    "javascript-tab": ("[a](java&#9;script:alert('PWNED'))\n", 11, "link"),
    "javascript-autolink": ("<javascript:alert('PWNED')>\n", 11, "javascript"),
    "javascript-reference": ("[a][r]\n\n[r]: javascript:alert('PWNED')\n", 13, "javascript"),
    "data-link": ("[a](data:text/html;base64,PHNjcmlwdD4=)\n", 11, "data"),
    "vbscript-link": ('[a](vbscript:msgbox("PWNED"))\n', 11, "vbscript"),
    "file-link": ("[a](file:///etc/passwd)\n", 11, "file"),
    "relative-link": ("[a](../chapters/preface.md)\n", 11, "relative"),
    "http-upper-case": ("[a](HTTP://example.org)\n", 11, "lower case"),
    "include": ("```{include} /etc/passwd\n```\n", 11, "include"),
    "literalinclude": ("```{literalinclude} /etc/passwd\n```\n", 11, "literalinclude"),
    "raw": ("```{raw} html\n<script>alert('PWNED')</script>\n```\n", 11, "raw"),
    "csv-table-file": ("```{csv-table}\n:file: /etc/passwd\n```\n", 12, ":file:"),
    "csv-table-url": ("```{csv-table}\n:url: file:///etc/passwd\n```\n", 12, ":url:"),
    "eval-rst": (
        "Text.\n\n````{eval-rst}\n.. raw:: html\n\n   <script>alert('PWNED')</script>\n\n"
        ".. include:: /etc/passwd\n````\n",
        13,
        "eval-rst",
    ),
    "toctree": ("```{toctree}\n/chapters/preface\n```\n", 11, "toctree"),
    "nested-in-note": ("```{note}\nText.\n\n~~~{include} /etc/passwd\n~~~\n```\n", 14, "include"),
    "download-role": ("{download}`x </etc/passwd>`\n", 11, "download"),
    "raw-role": ("{raw-html}`<b>x</b>`\n", 11, "raw-html"),
    "name-option": ("```{note}\n:name: preface\nText.\n```\n", 12, ":name:"),
    "myst-target": ("(preface)=\n## A heading\n", 11, "target"),
    "h1-heading": ("# A second title\n", 11, "level-1"),
    "image-up": ("![a view](../../outside/secret.png)\n", 11, "'..'"),
    "image-absolute": ("![a view](/etc/passwd)\n", 11, "absolute"),
    "image-url": ("![a view](https://example.org/x.png)\n", 11, "URL"),
    "image-other-report": ("![a view](images/hitze-im-ct-koeln/x.png)\n", 11, "outside"),
    "figure-up": ("```{figure} ../../outside/secret.png\n:alt: a view\n```\n", 11, "'..'"),
}
# Issue 11: each of these passed the old check, which read the body differently from the build.
BODY_ATTACKS |= {
    "note-line-separator": (
        "```{note}\nA note.\u2028```{figure} /etc/passwd\u2028:target: javascript:alert(1)\n```\n",
        12,
        "line separator",
    ),
    "note-next-line-math": (
        "```{note}\nA note.\x85```{math}\x85\\input{/etc/passwd}\n```\n",
        12,
        "next-line",
    ),
    "vertical-tab-toctree": ("Text.\v```{toctree}\n", 11, "vertical tab"),
    "csv-quoted-role": ('```{csv-table}\n"{download}`x </etc/passwd>`",b\n```\n', 12, "download"),
    "csv-escape-role": (
        '```{csv-table}\n:escape: !\n\n"{down!load}`x </etc/passwd>`",b\n```\n',
        14,
        "download",
    ),
    "csv-delim-pipe": ("```{csv-table}\n:delim: |\n\na|b\n```\n", 11, ":delim:"),
    "figure-empty-figwidth": (
        f"```{{figure}} images/{SLUG}/x.png\n:figwidth:\n:alt: a view of the room\n```\n",
        11,
        ":figwidth:",
    ),
    "wide-table": ("```{csv-table}\n" + ",".join(["c"] * 5000) + "\n```\n", 12, "5000 columns"),
}
DEEP = "".join("`" * (40 - i) + "{note}\n" for i in range(25))
BODY_ATTACKS["deep-nesting"] = (DEEP + "x\n", 32, "nested")

#: name → (file name, bytes, a word the message must hold); referenced from line 11.
IMAGE_ATTACKS: dict[str, tuple[str, bytes, str]] = {
    "text-as-png": ("notes.png", b"just some text, not an image\n" * 10, "not an image"),
    "gif-as-png": ("anim.png", b"GIF89a" + b"\0" * 64, "GIF"),
    "scripted-svg": ("chart.svg", SCRIPTED_SVG, "script"),
    "onload-svg": ("chart2.svg", ONLOAD_SVG, "onload"),
    "pixel-bomb": ("bomb.png", png_bomb_header(30000, 30000), "megapixel"),
    "dicom": ("scan.png", b"\0" * 128 + b"DICM" + b"\0" * 200, "DICOM"),
}


def assert_refused(root: Path, relpath: str, line: int, word: str) -> str:
    result = run_book(root, "check")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out, out
    lines = [x for x in out.splitlines() if x.startswith(f"{relpath}:{line}:")]
    assert lines, f"no error at {relpath}:{line}:\n{out}"
    assert any(word.lower() in x.lower() for x in lines), f"{word!r} not in {lines}"
    return out


@pytest.mark.parametrize("attack", sorted(BODY_ATTACKS))
def test_layer1_refuses_hostile_body(tmp_path: Path, attack: str) -> None:
    body, line, word = BODY_ATTACKS[attack]
    root, _ = hostile_book(tmp_path)
    write_report(root, body)
    assert_refused(root, f"experiences/{SLUG}.md", line, word)


@pytest.mark.parametrize("attack", sorted(IMAGE_ATTACKS))
def test_layer1_refuses_hostile_image(tmp_path: Path, attack: str) -> None:
    name, data, word = IMAGE_ATTACKS[attack]
    root, _ = hostile_book(tmp_path)
    target = image_case(root, name, data)
    write_report(root, f"![A view of the department]({target})\n")
    assert_refused(root, f"experiences/{SLUG}.md", 11, word)


def test_layer1_refuses_symlink_leading_out(tmp_path: Path) -> None:
    root, _ = hostile_book(tmp_path)  # images/<slug>/link.png → ../outside/secret.png
    write_report(root, f"![A view of the department](images/{SLUG}/link.png)\n")
    assert_refused(root, f"experiences/{SLUG}.md", 11, "symbolic link")


def test_layer1_refuses_symlinked_image_folder(tmp_path: Path) -> None:
    root, outside = hostile_book(tmp_path)
    folder = root / "experiences" / "images" / "hitze-im-ct-koeln"
    folder.symlink_to(outside, target_is_directory=True)
    body = "![A view of the secret](images/hitze-im-ct-koeln/secret.png)\n"
    write_report(root, body, name="hitze-im-ct-koeln")
    assert_refused(root, "experiences/hitze-im-ct-koeln.md", 11, "symbolic link")


FRONT_ATTACKS: dict[str, tuple[str, int, str]] = {
    "alias-bomb": (
        "topics: &a [x, x, x, x, x, x, x, x, x]\nx1: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        "x2: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        9,
        "alias",
    ),
    "deep-nesting": ("topics: " + "[" * 5000 + "]" * 5000 + "\n", 9, "nested"),
    "chapter-path": ("chapter: ../../etc/passwd\n", 9, "chapter"),
    "chapter-plain-page": ("chapter: preface\n", 9, "chapter"),
    "unknown-key": ("layout: ../../conf.py\n", 9, "layout"),
}


@pytest.mark.parametrize("attack", sorted(FRONT_ATTACKS))
def test_layer1_refuses_hostile_front_matter(tmp_path: Path, attack: str) -> None:
    extra, line, word = FRONT_ATTACKS[attack]
    root, _ = hostile_book(tmp_path)
    write_report(root, "Text.\n", extra=extra)
    assert_refused(root, f"experiences/{SLUG}.md", line, word)


COLLECTION_TAGS = (
    '!!python/object/apply:os.system ["touch MARKER"]',
    "!!python/object/new:os.system [touch MARKER]",
    "!!set {a: null}",
    "!!omap [a: 1]",
)


@pytest.mark.parametrize("tagged", COLLECTION_TAGS)
def test_layer1_refuses_yaml_tag_on_a_collection(tmp_path: Path, tagged: str) -> None:
    root, outside = hostile_book(tmp_path)
    marker = outside / "executed"
    write_report(root, "Text.\n", extra=f"summary: {tagged.replace('MARKER', str(marker))}\n")
    try:
        assert_refused(root, f"experiences/{SLUG}.md", 9, "tag")
    finally:
        assert not marker.exists(), "the YAML tag ran a command"


@pytest.mark.parametrize("tagged", ["!!python/name:os.system", "!!binary aGk=", "!custom x"])
def test_layer1_refuses_yaml_tag_on_a_value(tmp_path: Path, tagged: str) -> None:
    root, _ = hostile_book(tmp_path)
    write_report(root, "Text.\n", extra=f"summary: {tagged}\n")
    assert_refused(root, f"experiences/{SLUG}.md", 9, "tag")


def test_yaml_python_tag_runs_nothing(tmp_path: Path) -> None:
    root, outside = hostile_book(tmp_path)
    marker = outside / "executed"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system"):
        write_report(root, "Text.\n", extra=f'summary: {tag} ["touch {marker}"]\n')
        assert run_book(root, "check").returncode == 1
        assert not marker.exists(), f"{tag} ran a command"


@pytest.mark.parametrize(
    ("attack", "data", "line", "word"),
    [
        ("too-large", report_front().encode() + b"x" * (1024 * 1024), 1, "MiB"),
        ("nul-byte", report_front().encode() + b"Te\0xt\n", 11, "NUL"),
        ("bad-utf-8", report_front().encode() + b"Te\xff\xfext\n", 11, "UTF-8"),
    ],
)
def test_layer1_refuses_hostile_file(tmp_path: Path, attack: str, data: bytes, line, word) -> None:
    root, _ = hostile_book(tmp_path)
    (root / "experiences" / f"{SLUG}.md").write_bytes(data)
    assert_refused(root, f"experiences/{SLUG}.md", line, word)


@pytest.mark.parametrize(
    "name",
    ["Upper-Case.md", "two words.md", "a..b.md", "dots.in.name.md", "ünï.md", "x" * 81 + ".md"],
)
def test_layer1_refuses_slug_tricks(tmp_path: Path, name: str) -> None:
    root, _ = hostile_book(tmp_path)
    (root / "experiences" / name).write_text(report_front() + "Text.\n", "utf-8")
    assert_refused(root, f"experiences/{name}", 1, "file name")


def test_byte_order_mark_is_fine(tmp_path: Path) -> None:
    root, _ = hostile_book(tmp_path)
    path = write_report(root, "Text.\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_book(root, "check")
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------------------------------
# Layer 2: the same attacks with validation bypassed


HOSTILE_BODY = r"""
Inline <script>alert('PWNED1')</script> and <img src=x onerror="alert('PWNED2')"> here.

<div onclick="alert('PWNED3')"><script>alert('PWNED4')</script></div>

<svg onload="alert('PWNED5')"></svg> <iframe src="javascript:alert('PWNED6')"></iframe>

[a](javascript:alert('PWNED7')) [b](JaVaScRiPt:alert('PWNED8')) [c](&#x6A;avascript:alert(9))
[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgnUFdORUQnKTwvc2NyaXB0Pg==) [e](vbscript:msgbox(1))
[f](file://SECRET_TXT) [g](java&#9;script:alert('PWNED10')) <ms-settings:PWNED11>
[h](SECRET_TXT) [i](path:SECRET_TXT) [j](../../../../outside/secret.txt) [k](<project:/index>)
{download}`k <SECRET_TXT>` {raw-html}`<script>alert('PWNED12')</script>` {doc}`/index`

[l][ref]

[ref]: javascript:alert('PWNED13')

```{raw} html
<script>alert('PWNED14')</script>
```

```{raw} latex
\input{SECRET_TXT}
```

```{include} SECRET_TXT
```

```{literalinclude} SECRET_TXT
```

```{csv-table}
:file: SECRET_TXT
```

```{csv-table}
:url: file://SECRET_TXT
```

````{eval-rst}
.. raw:: html

   <script>alert('PWNED15')</script>

.. include:: SECRET_TXT

.. literalinclude:: SECRET_TXT

.. image:: SECRET_PNG

`x <javascript:alert('PWNED16')>`_

.. role:: rawhtml(raw)
   :format: html

:rawhtml:`<script>alert('PWNED17')</script>`
````

```{toctree}
/chapters/preface
```

````{note}
Nested: {download}`n <SECRET_TXT>`

```{include} SECRET_TXT
```

```{image} SECRET_PNG
:alt: nested secret
```
````

![outside, absolute](SECRET_PNG)

![outside, relative](../../../../outside/secret.png)

![through the symbolic link](images/SLUG/link.png)

```{figure} images/SLUG/../../../../../outside/secret.png
:alt: a figure that climbs out
:target: javascript:alert('PWNED18')
```

```{image} https://example.org/tracker.png
:alt: a remote image
```

LaTeX: \input{SECRET_TXT} \write18{touch MARKER} $\input{SECRET_TXT}$ `\input{SECRET_TXT}`

```
\end{sphinxVerbatim}\input{SECRET_TXT}\begin{sphinxVerbatim}
```

```{report-byline}
{"not": "ours"
```
"""


#: Issue 11's attacks, with the characters only some readers take for line breaks, CSV cells
#: parsed after the check, options that crashed the build; last, a fence left open (it once
#: swallowed the generated trailer, whose place it took).
HOSTILE_BODY += (
    "````{note}\nA note.\u2028```{figure} SECRET_PNG\u2028:target: javascript:alert('PWNED20')"
    "\u2028:alt: x\u2028\u2028caption\u2028```\n````\n\n"
    "````{note}\nA note.\x85```{math}\x85\\input{SECRET_TXT}\x85```\n````\n\n"
    "````{note}\nA note.\v```{toctree}\v/chapters/preface\v```\n````\n\n"
    '```{csv-table}\n"{download}`c <SECRET_TXT>`",b\n```\n\n'
    '```{csv-table}\n:escape: !\n\n"{down!load}`e <SECRET_TXT>`",b\n```\n\n'
    "```{csv-table}\n:delim: |\n\na|b\n```\n\n"
    f"```{{figure}} images/{SLUG}/none.png\n:figwidth:\n:alt: a figure\n```\n\n"
    "```{csv-table}\n:header: PWNED21\n\n"
)


def hostile_body(outside: Path) -> str:
    return (
        HOSTILE_BODY.replace("SECRET_TXT", str(outside / "secret.txt"))
        .replace("SECRET_PNG", str(outside / "secret.png"))
        .replace("MARKER", str(outside / "executed"))
        .replace("SLUG", SLUG)
    )


@dataclasses.dataclass
class Layer2:
    root: Path
    outside: Path
    builddir: Path
    results: dict[str, build.EditionResult]
    before: dict[str, str]
    before_outside: dict[str, str]


@pytest.fixture(scope="module")
def layer2(tmp_path_factory: pytest.TempPathFactory) -> Layer2:
    root, outside = hostile_book(tmp_path_factory.mktemp("layer2"))
    prepared = prepare(root)
    assert prepared.ok, [str(p) for p in prepared.problems]
    assert prepared.book is not None
    book = with_body(prepared.book, SLUG, hostile_body(outside))
    before = file_digests(root, skip="_build")
    before_outside = file_digests(outside)
    builddir = root / BUILD_DIR
    rendered = render_sources(book, root / SOURCE_DIR)
    editions = ["html", "epub"]
    if not pdfengine.missing_fonts():
        editions.append("pdf")
    results = {
        e: build.run_sphinx(e, rendered.srcdir, builddir, root, verbose=False) for e in editions
    }
    return Layer2(root, outside, builddir, results, before, before_outside)


def test_layer2_hostile_page_is_built(layer2: Layer2) -> None:
    # The attacks are in the sources Sphinx read: validation really was bypassed.
    source = (layer2.builddir / "src" / "experiences" / f"{SLUG}.md").read_text("utf-8")
    assert "{eval-rst}" in source and "javascript:" in source
    for edition, result in layer2.results.items():
        assert result.ok, f"{edition}: {result.message}"
    page = layer2.builddir / "html" / "experiences" / f"{SLUG}.html"
    assert "PWNED1" in page.read_text("utf-8"), "the report's text is printed, as text"


def test_layer2_no_script_no_secret_in_html_and_epub(layer2: Layer2) -> None:
    assert_nothing_got_through(layer2.builddir)
    epub = next((layer2.builddir / "epub").glob("*.epub"))
    members = unzip(epub)
    page = epub_page(members, SLUG)
    assert "PWNED1" in page and not active_markup(page)
    assert not [n for n in members if "secret" in n]


def test_layer2_refusals_are_reported_with_their_line(layer2: Layer2) -> None:
    warnings = "\n".join(layer2.results["html"].warnings)
    page = f"experiences/{SLUG}.md"
    for what in (
        "directive '{eval-rst}'",
        "directive '{raw}'",
        "directive '{include}'",
        "directive '{toctree}'",
        "directive '{report-byline}'",
        "role '{download}'",
        "role '{doc}'",
        "link to 'javascript:",
        "link to 'ms-settings:",
        "is not a file of images/",
        "directive '{math}'",
        "option ':delim:'",
        "option ':figwidth:'",
    ):
        assert re.search(rf"{re.escape(page)}:\d+: WARNING: [^\n]*{re.escape(what)}", warnings), (
            what
        )


def test_layer2_the_builders_own_parts_cannot_be_swallowed_or_imitated(layer2: Layer2) -> None:
    # The byline and the trailer are not in the page's source: an unclosed fence at the end of
    # the body, or a {report-byline} of the report's own, changes nothing about them.
    source = (layer2.builddir / "src" / "experiences" / f"{SLUG}.md").read_text("utf-8")
    assert "report-trailer" not in source and source.rstrip().endswith(":header: PWNED21")
    page = (layer2.builddir / "html" / "experiences" / f"{SLUG}.html").read_text("utf-8")
    assert page.count('class="report-byline') == 1 and "Cite this report" in page
    assert "ours" not in page  # the report's {report-byline} did not run


def test_layer2_no_download_or_image_copied_from_outside(layer2: Layer2) -> None:
    html = layer2.builddir / "html"
    assert not (html / "_downloads").exists() or not any((html / "_downloads").rglob("*.*"))
    secret = (layer2.outside / "secret.png").read_bytes()
    for path in html.rglob("*"):
        assert not (path.is_file() and path.read_bytes() == secret), path


def test_layer2_nothing_written_outside_build(layer2: Layer2) -> None:
    assert file_digests(layer2.root, skip="_build") == layer2.before
    assert file_digests(layer2.outside) == layer2.before_outside
    assert not (layer2.outside / "executed").exists()


def test_layer2_pdf_has_no_secret(layer2: Layer2) -> None:
    require_pdf("pdftotext")
    folder = layer2.builddir / "pdf"
    typ = (folder / f"{BASENAME}.typ").read_text("utf-8")
    # Report text is only ever inside Typst string literals: what is left without them is ours.
    markup = re.sub(r'"(?:[^"\\]|\\.)*"', '""', typ)
    for word in ("secret", "PWNED", "outside", "read(", "include", "json(", "plugin("):
        assert word not in markup, word
    assert markup.count("#import") == 1, "only the book's own layout is imported"
    assert set(re.findall(r'image\("([^"]*)"', typ)) <= {
        p.relative_to(folder).as_posix() for p in (folder / "_images").iterdir()
    }
    text = pdf_text(folder / f"{BASENAME}.pdf")
    assert CANARY not in text
    assert "\\input" in text, "the LaTeX in the text is printed, as text"


def test_layer2_render_refuses_slug_that_leaves_the_source_folder(tmp_path: Path) -> None:
    root, outside = hostile_book(tmp_path)
    prepared = prepare(root)
    assert prepared.book is not None
    book = prepared.book
    bad = dataclasses.replace(book.chapters[1].reports[0], slug="../../../outside/escaped")
    chapter = dataclasses.replace(book.chapters[1], reports=(bad,))
    book = dataclasses.replace(book, chapters=(book.chapters[0], chapter))
    before = file_digests(outside)
    with pytest.raises(ValueError, match="outside"):
        render_sources(book, root / "_build" / "src")
    assert file_digests(outside) == before
    assert not list(tmp_path.rglob("escaped*"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("link.png", None),  # the symbolic link to ../outside/secret.png
        ("chart.svg", SCRIPTED_SVG),
        ("scan.png", b"\0" * 128 + b"DICM" + b"\0" * 200),
        ("bomb.png", png_bomb_header(30000, 30000)),
        ("notes.png", b"plain text\n" * 20),
    ],
)
def test_layer2_render_refuses_images_validation_would_refuse(
    tmp_path: Path, name: str, data: bytes | None
) -> None:
    root, _ = hostile_book(tmp_path)
    target = f"images/{SLUG}/{name}" if data is None else image_case(root, name, data)
    prepared = prepare(root)
    assert prepared.book is not None
    image = ImageRef(target, root / "experiences" / target, 11, "A view of something")
    book = with_body(prepared.book, SLUG, f"![A view of something]({target})\n", (image,))
    with pytest.raises(ValueError):
        render_sources(book, root / "_build" / "src")
    copies = list((root / "_build" / "src").rglob(name))
    assert not copies, copies


# ------------------------------------------------------------------------------------------
# Text that looks like markup is printed as it is, in all three editions

SPECIALS = r"""< > & " ' \ % $ # _ ^ ~ { } *x* `c` </title><script>alert('PWNED')</script>"""


def plain(text: str) -> str:
    """As a reader compares: typographic quotes as straight ones, white space squeezed."""
    text = text.translate(str.maketrans("‘’“”", "''\"\"", "\u00ad\u200b"))
    return " ".join(text.split())


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclasses.dataclass
class Dressed:
    root: Path
    originals_before: dict[str, str]
    originals_after: dict[str, str]
    fields: dict[str, str]


def gps_jpeg(path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "Model-PWNED"
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (45.0, 30.0, 0.0), 3: "E", 4: (9.0, 10.0, 0.0)}
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="45,30N" '
        b'xmlns:exif="http://ns.adobe.com/exif/1.0/"/></rdf:RDF></x:xmpmeta>'
    )
    Image.new("RGB", (64, 48), (10, 120, 200)).save(
        path, format="JPEG", exif=exif.tobytes(), xmp=xmp, comment=b"patient 4711"
    )


@pytest.fixture(scope="module")
def dressed(tmp_path_factory: pytest.TempPathFactory) -> Dressed:
    """The small book plus a report whose every text field is full of markup characters, and a
    photo with GPS position, serial number and XMP; built as `make all` builds it."""
    require_pdf("pdftotext")
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("dressed"))
    fields = {
        "title": "Title " + SPECIALS,
        "name": "Name " + SPECIALS,
        "affiliation": "Affiliation " + SPECIALS,
        "city": "City " + SPECIALS,
        "summary": "Summary " + SPECIALS,
    }
    folder = root / "experiences" / "images" / SLUG
    folder.mkdir(parents=True)
    gps_jpeg(folder / "photo.jpg")
    front = (
        "---\n"
        f"title: {yaml_quote(fields['title'])}\n"
        "authors:\n"
        f"  - name: {yaml_quote(fields['name'])}\n"
        "    role: radiographer\n"
        f"    affiliation: {yaml_quote(fields['affiliation'])}\n"
        "country: FR\n"
        f"city: {yaml_quote(fields['city'])}\n"
        "submitted: 2021-08-01\n"
        "consent: true\n"
        f"summary: {yaml_quote(fields['summary'])}\n"
        "---\n\n"
        "Body text.\n\n"
        f"```{{figure}} images/{SLUG}/photo.jpg\n:alt: A blue rectangle standing for a photo.\n\n"
        "A photo taken with a phone that knew where it was.\n```\n"
    )
    (root / "experiences" / f"{SLUG}.md").write_text(front, "utf-8")
    check = run_book(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    before = file_digests(root / "experiences") | file_digests(root / "chapters")
    result = run_book(root, "build", "html", "epub", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    after = file_digests(root / "experiences") | file_digests(root / "chapters")
    return Dressed(root, before, after, fields)


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(markup: str) -> str:
    parser = Text()
    parser.feed(markup)
    return plain(" ".join(parser.parts))


@pytest.mark.slow  # a book built in all three editions (layer 1 and 2 stay in the fast tier)
def test_markup_characters_are_literal_in_html(dressed: Dressed) -> None:
    markup = (dressed.root / "_build" / "html" / "experiences" / f"{SLUG}.html").read_text()
    text = page_text(markup)
    for key, value in dressed.fields.items():
        assert plain(value) in text, key
    assert not active_markup(markup)
    title = re.search(r"<title>(.*?)</title>", markup, re.S)
    assert title and "&lt;/title&gt;&lt;script&gt;" in title.group(1)


@pytest.mark.slow  # a book built in all three editions (layer 1 and 2 stay in the fast tier)
def test_every_page_the_builder_makes_prints_hostile_values_as_text(dressed: Dressed) -> None:
    # Every node the builder makes from report data (browse cards and filters with their counts,
    # the contributors, the chapter's list, the byline, the trailer's citation, the landing page)
    # escapes what it prints: no page of the site holds active markup, and the browse page and
    # the contributors page show the hostile title and name as typed.
    html = dressed.root / "_build" / "html"
    pages = sorted(html.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        assert not active_markup(page.read_text("utf-8")), page
    browse = page_text((html / "browse.html").read_text("utf-8"))
    assert plain(dressed.fields["title"]) in browse and plain(dressed.fields["name"]) in browse
    contributors = [p for p in pages if "contributor" in p.name]
    for page in contributors:
        assert plain(dressed.fields["name"]) in page_text(page.read_text("utf-8")), page


@pytest.mark.slow  # a book built in all three editions (layer 1 and 2 stay in the fast tier)
def test_markup_characters_are_literal_in_epub(dressed: Dressed) -> None:
    epub = next((dressed.root / "_build" / "epub").glob("*.epub"))
    members = unzip(epub)
    page = epub_page(members, SLUG)
    text = page_text(page)
    for key, value in dressed.fields.items():
        assert plain(value) in text, key
    for name, data in members.items():
        if name.endswith((".xhtml", ".opf", ".ncx")):
            assert not active_markup(data.decode("utf-8")), name


@pytest.mark.slow  # a book built in all three editions (layer 1 and 2 stay in the fast tier)
def test_markup_characters_are_literal_in_pdf(dressed: Dressed) -> None:
    pdf = dressed.root / "_build" / "pdf" / f"{BASENAME}.pdf"
    text = plain(pdf_text(pdf))
    for key, value in dressed.fields.items():
        assert plain(value) in text, key


@pytest.mark.slow  # a book built in all three editions (layer 1 and 2 stay in the fast tier)
def test_build_leaves_editors_originals_untouched(dressed: Dressed) -> None:
    assert dressed.originals_after == dressed.originals_before
    original = dressed.root / "experiences" / "images" / SLUG / "photo.jpg"
    with Image.open(original) as image:
        assert image.getexif().get(0x8825), "the original keeps its GPS data"


def assert_no_private_metadata(data: bytes, name: str) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), f"{name} has EXIF"
        assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info, name
        assert "comment" not in image.info, name
    for needle in (b"Exif\0\0", b"GPS", b"SERIAL-123456", b"Model-PWNED", b"adobe:ns:meta"):
        assert needle not in data, f"{name} holds {needle!r}"


@pytest.mark.slow  # a book built in all three editions (layer 1 and 2 stay in the fast tier)
def test_published_images_have_no_private_metadata(dressed: Dressed) -> None:
    html_images = list((dressed.root / "_build" / "html" / "_images").glob("*.jpg"))
    assert html_images, "the photo is in the web edition"
    for path in html_images:
        assert_no_private_metadata(path.read_bytes(), str(path))
    epub = next((dressed.root / "_build" / "epub").glob("*.epub"))
    jpegs = {n: d for n, d in unzip(epub).items() if n.endswith(".jpg")}
    assert jpegs, "the photo is in the EPUB"
    for name, data in jpegs.items():
        assert_no_private_metadata(data, name)
    pdf = (dressed.root / "_build" / "pdf" / f"{BASENAME}.pdf").read_bytes()
    assert b"SERIAL-123456" not in pdf and b"Model-PWNED" not in pdf


def test_dicom_is_refused_end_to_end(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    dicom = b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\x14\x001.2.840.10008.1.2.1\0"
    target = image_case(root, "scan.jpg", dicom)
    write_report(root, f"Text.\n\n```{{figure}} {target}\n:alt: A chest CT slice.\n```\n")
    out = assert_refused(root, f"experiences/{SLUG}.md", 13, "DICOM")
    assert "DICOM" in out
    result = run_book(root, "build", "html")
    assert result.returncode == 1 and "Nothing was built" in result.stdout, result.stdout
    assert not (root / "_build" / "html").exists()


# ------------------------------------------------------------------------------------------
# Robustness: no input makes `check` trace back; one hostile report does not hide the others


@pytest.fixture(scope="module")
def fuzz_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("fuzz"))


def check_in_process(root: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> str:
    (root / "experiences" / "fuzzed.md").write_bytes(data)
    capsys.readouterr()
    status = cli.main(["--root", str(root), "check"])
    out = capsys.readouterr()
    assert status in (0, 1), out
    assert "Traceback" not in out.out + out.err
    return out.out


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
markdownish = st.lists(
    st.sampled_from(
        [
            "# ",
            "## ",
            "```",
            "````",
            ":::",
            "{note}",
            "{raw}",
            "{eval-rst}",
            "{figure}",
            ":alt:",
            ":name:",
            "\n",
            "\n\n",
            "[",
            "](",
            ")",
            "<",
            ">",
            "<script>",
            "javascript:",
            "&#x6A;",
            "![",
            "images/fuzzed/",
            "../",
            "/etc/passwd",
            "%",
            "---",
            "*",
            "_",
            "`",
            "{",
            "}",
            "|",
            "-",
            "1.",
            "> ",
            "[^1]",
            "[^1]: ",
            "(x)=",
            "http://",
            "mailto:",
            " ",
            "é",
            "\t",
        ]
    )
    | st.text(max_size=8),
    max_size=60,
).map("".join)


@FUZZ
@pytest.mark.slow  # a property test: make check on a hundred generated files
@given(data=st.binary(max_size=2000))
def test_check_never_traces_back_on_any_bytes(fuzz_book: Path, capsys, data: bytes) -> None:
    check_in_process(fuzz_book, data, capsys)


@FUZZ
@pytest.mark.slow  # a property test: make check on a hundred generated files
@given(front=st.text(max_size=400), body=markdownish)
def test_check_never_traces_back_on_any_front_matter(fuzz_book: Path, capsys, front, body) -> None:
    check_in_process(fuzz_book, f"---\n{front}\n---\n{body}".encode(), capsys)


# Tags on lists and mappings are left out here: test_layer1_refuses_yaml_tag_on_a_collection.
yaml_scalars = st.one_of(
    st.text(max_size=30).map(yaml_quote),
    st.sampled_from(
        [
            "~",
            "null",
            "yes",
            "NO",
            "1e9",
            "0x1F",
            "2020-13-45",
            "[]",
            "{}",
            "*a",
            "&a x",
            "!!python/name:os.system",
            "!!binary aGk=",
            "|\n  x",
            ">-\n  y",
            "'",
            '"',
        ]
    ),
)


@FUZZ
@pytest.mark.slow  # a property test: make check on a hundred generated files
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "title",
                "authors",
                "country",
                "submitted",
                "consent",
                "language",
                "summary",
                "modalities",
                "topics",
                "status",
                "chapter",
                "city",
                "x",
            ]
        ),
        yaml_scalars,
        max_size=8,
    ),
    body=markdownish,
)
def test_check_never_traces_back_on_any_yaml(fuzz_book: Path, capsys, values, body) -> None:
    front = "\n".join(f"{k}: {v}" for k, v in values.items())
    check_in_process(fuzz_book, f"---\n{front}\n---\n\n{body}".encode(), capsys)


@FUZZ
@pytest.mark.slow  # a property test: make check on a hundred generated files
@given(body=markdownish)
def test_check_never_traces_back_on_any_markdown(fuzz_book: Path, capsys, body: str) -> None:
    check_in_process(fuzz_book, (report_front() + body).encode(), capsys)


def test_one_hostile_report_does_not_hide_the_others(tmp_path: Path) -> None:
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    (root / "experiences" / "zz-hostile.md").write_bytes(
        report_front().encode() + b"<script>alert(1)</script>\n\0\xff"
    )
    typo = root / "experiences" / "hitze-im-ct-koeln.md"
    typo.write_text(typo.read_text("utf-8").replace("country:", "contry:", 1), "utf-8")
    write_report(root, "[a](javascript:alert(1))\n")
    # in a new Python, as `make check` runs it (the other checks here run in the test's own)
    result = run_book_apart(root, "check")
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out, out
    assert "experiences/zz-hostile.md:" in out
    assert re.search(r"experiences/hitze-im-ct-koeln\.md:\d+: contry: .*country", out), out
    assert f"experiences/{SLUG}.md:11:" in out
    assert "in 3 file(s)" in out
    errors = [line for line in out.splitlines() if ": warning: " not in line]
    for good in ("shade-for-the-scanner-sevilla", "wildfire-smoke-vancouver"):
        assert not [e for e in errors if f"experiences/{good}.md:" in e], out


# -- an image the PDF cannot draw stops the check, not everyone's PDF ----------------------


def test_an_svg_the_pdf_cannot_draw_is_refused_by_the_check() -> None:
    """usvg (Typst) refuses an SVG of zero size: accepted, it stopped the whole book's PDF
    with an error that named no report."""
    from bookbuilder.check.images import check_svg

    zero = b'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"><rect/></svg>'
    problems = check_svg(zero)
    assert len(problems) == 1 and "width='0' is not between 0 and" in problems[0], problems
    tiny = b'<svg xmlns="http://www.w3.org/2000/svg" width="1e-300" height="1e-300"><rect/></svg>'
    problems = check_svg(tiny)  # a size, but none that usvg can draw
    assert len(problems) == 1 and "cannot be drawn" in problems[0], problems
    sized = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    assert check_svg(sized) == []


def test_an_svg_width_that_is_not_a_number_does_not_stop_the_pdf(tmp_path: Path) -> None:
    """``width="1.2.3"`` is drawn by usvg; reading it as a float raised in the PDF builder."""
    from bookbuilder.sphinx import typst as markup
    from bookbuilder.sphinx.pdf import _svg_width_mm

    odd = tmp_path / "odd.svg"
    odd.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1.2.3" height="9"/>', "utf-8")
    assert _svg_width_mm(odd) == markup.TEXT_WIDTH_MM
    plain = tmp_path / "plain.svg"
    plain.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="9"/>', "utf-8")
    assert _svg_width_mm(plain) == pytest.approx(25.4)


@pytest.mark.parametrize("escape", ["\\uD800", "\\uFFFE"])
def test_a_yaml_escape_of_no_character_is_refused_without_a_traceback(
    tmp_path: Path, escape: str
) -> None:
    """``"\\uD800"`` made a lone surrogate that no UTF-8 output can hold (``check`` itself died
    printing the problem); U+FFFE is not allowed in the EPUB's XML. Keys and values alike."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    report = root / "experiences" / "hitze-im-ct-koeln.md"
    text = report.read_text("utf-8")
    report.write_text(text.replace("---\n", f'---\n"x{escape}": 1\n', 1), "utf-8")
    assert_refused(root, "experiences/hitze-im-ct-koeln.md", 2, "not a character")


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\ufffe"])
def test_a_character_xml_cannot_hold_is_refused_in_the_body(tmp_path: Path, char: str) -> None:
    """U+0001, ESC or U+FFFE in a report's text passed the check and made the EPUB's XHTML
    ill-formed XML (a reading system shows nothing of that report)."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    report = root / "experiences" / "hitze-im-ct-koeln.md"
    lines = report.read_text("utf-8").split("\n")
    lines[-2] = f"Text {char} here."
    report.write_text("\n".join(lines), "utf-8")
    assert_refused(root, "experiences/hitze-im-ct-koeln.md", len(lines) - 1, "invisible character")


# -- nesting and filters that stopped or bloated everyone's PDF -----------------------------

FILLER = " ".join(["words"] * 90)  # above the book's minimum word count


def test_quotes_nested_too_deep_are_refused_by_the_check(tmp_path: Path) -> None:
    """18 nested quotes passed the check and stopped the whole PDF ("maximum show rule depth
    exceeded", naming no report): the check counts quotes and admonitions together."""
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    body = f"{FILLER}\n\n" + "> " * 18 + "deep\n\n" + "> " * 5 + "```{note}\n"
    body += "> " * 5 + "> > > > a note inside quotes, too deep\n" + "> " * 5 + "```\n"
    (root / "experiences" / "deep-quotes.md").write_text(report_front() + body, "utf-8")
    result = run_book(root, "check")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[body.pdf-nesting]" in line]
    too_deep = (
        f"lists, quotes, admonitions and tables nested {MAX_NESTING + 1} levels deep found; at "
        f"most {MAX_NESTING} levels print in the PDF: nest them less deeply [body.pdf-nesting]"
    )
    assert lines == [
        f"experiences/deep-quotes.md:13: {too_deep}",
        f"experiences/deep-quotes.md:16: {too_deep}",
    ], result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_nesting_the_check_allows_prints_in_the_pdf(tmp_path: Path) -> None:
    require_pdf()
    root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    q = "> " * (MAX_NESTING - 1)
    body = (
        f"{FILLER}\n\n{q}deep quote\n{q}\n{q}```{{note}}\n{q}A note as deep as allowed.\n{q}```\n"
    )
    (root / "experiences" / "eight-deep.md").write_text(report_front() + body, "utf-8")
    assert run_book(root, "check").returncode == 0
    result = run_book(root, "build", "pdf")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_svg_filter_is_refused() -> None:
    """A 300-byte SVG with a blur over 20000 × 20000 units added 4.6 MB to the PDF."""
    from bookbuilder.check.images import check_svg

    bomb = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000">'
        b'<filter id="f"><feGaussianBlur stdDeviation="500"/></filter>'
        b'<rect width="20000" height="20000" filter="url(#f)"/></svg>'
    )
    problems = check_svg(bomb)
    assert len(problems) == 1 and "<filter>" in problems[0] and "PNG" in problems[0]
