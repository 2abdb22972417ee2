"""Checks of a report's body: the MyST Markdown below the front matter.

A report comes from outside the editorial team, so its body is untrusted input. It is parsed
with MyST's own markdown-it parser (the same syntax tree the build uses, with HTML recognised so
that it can be refused) and every element is checked against allow-lists. Every problem names
the file and the exact line, says what was found and what is allowed.

What a body may contain:

- paragraphs, emphasis, lists, block quotes, tables, footnotes, code (shown, never run),
  MyST comments (``%`` lines) and block breaks (``+++``);
- headings from level 2 (``##``) down: the title comes from the front matter, so a level-1
  heading (``#`` or a line underlined with ``===``) is an error;
- links to web and e-mail addresses only: the target must start with ``http://``, ``https://``
  or ``mailto:`` (in lower case, as MyST only treats lower-case schemes as web links).
  Everything else is refused: ``javascript:``, ``data:``, ``file:`` and other schemes, relative
  paths (``other.md``), anchors (``#x``), MyST cross-references (``<project:…>``, ``inv:``,
  ``path:``) — a report must not reach into another report or the book's structure. The
  target is checked as markdown-it normalises it (entities such as ``&#x61;`` decoded, spaces
  skipped) and as it was written before that normalisation; both must pass. Link reference
  definitions (``[label]: target``) are checked the same way, used or not;
- the directives in :data:`ALLOWED_DIRECTIVES`, with the options listed there; any other
  directive (``raw``, ``include``, ``literalinclude``, ``eval-rst``, ``toctree``, ``math``, …)
  is refused, with a "did you mean" for near misses. The ``:name:`` option is refused on every
  directive (it creates a label other pages could refer to), and ``csv-table`` may not read a
  ``:file:`` or ``:url:``. Directive content (admonitions, figure captions, tables) is checked
  with the same rules, however deep the nesting;
- the roles in :data:`ALLOWED_ROLES`;
- images of the report's own folder, ``images/<slug>/…``, written as a relative path (file and
  folder names of letters, digits, ``.``, ``_`` and ``-``), with alt text that describes the
  image (at least 3 characters, not the file name, not a generic word such as "image"). For
  ``{figure}`` and ``{image}`` the alt text is the ``:alt:`` option; a figure's body is its
  caption. The file itself is checked by :func:`bookbuilder.check.images.check_image_file`.

Refused outright: raw HTML blocks and inline HTML, HTML comments included (a MyST comment,
a line starting with ``%``, is the way to leave a note that is never published); MyST targets
``(label)=``.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from bookbuilder.check.images import check_image_file
from bookbuilder.codes import Code
from bookbuilder.model import ImageRef, Problem, Report, Severity
from bookbuilder.syntax import (
    IMAGES_DIR,
    LINK_SCHEMES,
    MYST_DISABLED_SYNTAX,
    MYST_EXTENSIONS,
    alt_is_file_name,
    directive_options,
    image_folder,
    in_image_folder,
    plain_names,
)

# Words of running text: letters and digits, joined by apostrophes or hyphens; each Chinese or
# Japanese character counts as one word (those scripts put no spaces between words).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+(?:['’\-][^\W_{_CJK}]+)*")
_NOT_TEXT = re.compile(r"^\s*(%|```|~~~|:::|:[\w-]+:(\s|$)|\[\^[^\]]+\]:\s*$)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def count_words(body: str, up_to: int | None = None) -> int:
    """Words of a report's text: MyST comments (``%`` lines), fences, directive options and
    link targets are not text. ``up_to``: counted no further (whether a report has enough
    words, asked of every report on every build: the whole count was most of it)."""
    lines = [line for line in body.split("\n") if not _NOT_TEXT.match(line)]
    text = _LINK_TARGET.sub("]", "\n".join(lines))
    text = re.sub(r"^\s*\{[\w-]+\}.*$", "", text, flags=re.MULTILINE)
    if up_to is None:
        return len(_WORD.findall(text))
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), up_to))


# The sentence `make new` leaves where a report's text goes (editor/new.py writes it from here):
# an accepted report that still holds it is not finished.
PLACEHOLDER = "Replace this paragraph with the report's text."


def unfinished_body(report: Report, min_words: int) -> list[Problem]:
    """Warnings for an accepted report whose text is still the template's, or too short."""
    problems = []
    lines = report.body.split("\n") if PLACEHOLDER in report.body else []
    for offset, line in enumerate(lines):
        if PLACEHOLDER in line:
            problems.append(
                Problem(
                    report.relpath,
                    report.body_line + offset,
                    f"still holds the template sentence of `make new` ({PLACEHOLDER!r}); "
                    "replace it with the report's text, or set `status: draft` until then",
                    "body",
                    Severity.WARNING,
                    code=Code.BODY_PLACEHOLDER,
                )
            )
    words = count_words(report.body, up_to=min_words)
    if words < min_words:
        lines = report.body.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)  # where text starts
        problems.append(
            Problem(
                report.relpath,
                report.body_line + first,
                f"the text has {words} word{'' if words == 1 else 's'}; an accepted report has at "
                f'least {min_words} (`"min_words"` in conf.py\'s `book` settings; 0 turns this '
                "warning off)",
                "body",
                Severity.WARNING,
                code=Code.BODY_SHORT,
            )
        )
    return problems


ADMONITIONS = (
    "admonition",
    "attention",
    "caution",
    "danger",
    "error",
    "hint",
    "important",
    "note",
    "seealso",
    "tip",
    "warning",
)
_ADMONITION_OPTIONS = frozenset({"class", "collapsible"})
_IMAGE_OPTIONS = frozenset(
    {"alt", "width", "height", "scale", "align", "class", "target", "loading"}
)
_CODE_OPTIONS = frozenset(
    {
        "class",
        "linenos",
        "lineno-start",
        "number-lines",
        "emphasize-lines",
        "caption",
        "dedent",
        "force",
    }
)

#: Directive name → the options it may have.
ALLOWED_DIRECTIVES: dict[str, frozenset[str]] = {
    **dict.fromkeys(ADMONITIONS, _ADMONITION_OPTIONS),
    "figure": _IMAGE_OPTIONS | {"figwidth", "figclass"},
    "image": _IMAGE_OPTIONS,
    "table": frozenset({"class", "align", "width", "widths"}),
    "list-table": frozenset({"class", "align", "width", "widths", "header-rows", "stub-columns"}),
    "csv-table": frozenset(
        {
            "class",
            "align",
            "width",
            "widths",
            "header",
            "header-rows",
            "stub-columns",
            "delim",
            "quote",
            "keepspace",
            "escape",
        }
    ),
    "epigraph": frozenset({"class"}),
    "pull-quote": frozenset({"class"}),
    "code-block": _CODE_OPTIONS,
    "code": _CODE_OPTIONS,
}

#: Roles (``{name}`text```) a report may use.
ALLOWED_ROLES = frozenset(
    {"sub", "sup", "abbr", "emphasis", "strong", "literal", "code", "kbd", "title-reference"}
)

#: Link targets must start with one of these (lower case).
ALLOWED_LINK_PREFIXES = ("http://", "https://", "mailto:")

# Directives whose argument is not Markdown (a path or a language name).
_PATH_ARGUMENT = frozenset({"figure", "image"})
_CODE_DIRECTIVES = frozenset({"code-block", "code"})
# Directives without arguments: text on the first line is the first line of the body.
_NO_ARGUMENT = frozenset(ADMONITIONS) - {"admonition"} | {"epigraph", "pull-quote"}

_WHY_REFUSED = {
    "include": "it reads other files",
    "literalinclude": "it reads other files",
    "raw": "it puts raw output into the book",
    "eval-rst": "it runs reStructuredText, which can read files and put raw output in the book",
    "eval-md": "it runs Markdown from outside the report",
    "toctree": "it changes the book's structure",
    "download": "it links to files outside the report",
    "only": "it changes what each edition contains",
    "ifconfig": "it runs configuration code",
    "automodule": "it runs code",
    "program-output": "it runs a program",
    "math": "mathematics is not enabled in this book",
}
_MAX_DEPTH = 20
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_GENERIC_ALT = frozenset(
    {
        "image",
        "img",
        "picture",
        "pic",
        "photo",
        "figure",
        "fig",
        "graphic",
        "screenshot",
        "alt",
        "alt text",
        "untitled",
        "foto",
        "bild",
        "immagine",
        "imagen",
        "afbeelding",
    }
)


def report_config(base: MdParserConfig | None = None) -> MdParserConfig:
    """The MyST settings a report's body is read with, by the check and by the build alike:
    only the report format's syntax, HTML not recognised (it stays text), links to web and
    e-mail addresses only; ``base`` (the book's settings) gives everything else."""
    return dataclasses.replace(
        base or MdParserConfig(),
        enable_extensions=set(MYST_EXTENSIONS),
        disable_syntax=list(MYST_DISABLED_SYNTAX),
        url_schemes={scheme: None for scheme in LINK_SCHEMES},
        all_links_external=False,
        commonmark_only=False,
        gfm_only=False,
    )


@dataclass
class Reading:
    """A body read once: markdown-it's tokens and environment (link reference definitions).
    ``body.py`` checks them, then ``doctree.py`` renders the same tokens into the docutils tree
    the build makes (MyST's renderer shifts their lines as it goes: it comes last)."""

    tokens: list[Token]
    env: dict[str, Any]


def read(body: str) -> Reading:
    """The one reading of a body (:func:`make_parser`), with the record of link targets as
    written emptied for it."""
    md, written = shared_parser()
    written.clear()
    env: dict[str, Any] = {}
    return Reading(md.parse(body, env), env)


def check_body(
    body: str,
    body_line: int,
    relpath: str,
    slug: str,
    experiences_dir: Path,
    reading: Reading | None = None,
) -> tuple[tuple[ImageRef, ...], list[Problem]]:
    """Check a report's body; return its valid images and every problem found.

    ``body_line`` is the file line of the body's first line; ``experiences_dir`` is the folder
    holding ``<slug>.md`` and ``images/<slug>/``; ``reading``: the body already read
    (:func:`read`). Never raises for any text: everything wrong with the body is a
    :class:`Problem` (an error, ``code`` ``body.*``).
    """
    checker = _Checker(relpath=relpath, slug=slug, experiences_dir=experiences_dir)
    checker.check_markdown(body, body_line, depth=0, reading=reading or read(body))
    return tuple(checker.images), checker.problems


def image_references(
    body: str, body_line: int, relpath: str, slug: str, experiences_dir: Path
) -> list[tuple[str, str]]:
    """Every image the body shows, valid or not, as (target as written, alt text or "")."""
    checker = _Checker(relpath=relpath, slug=slug, experiences_dir=experiences_dir)
    checker.check_markdown(body, body_line, depth=0, reading=read(body))
    return checker.seen


def make_parser() -> tuple[MarkdownIt, dict[str, str]]:
    """MyST's markdown-it parser with the build's settings (:func:`report_config`), set up so
    that nothing it would leave as text hides from the check.

    HTML is recognised (so it can be refused; the build leaves it as text), every link target
    is accepted by the parser (so that a ``javascript:`` link becomes a link token we can refuse
    rather than plain text), and YAML front matter is not looked for (the body has none). A body
    that passes the check has neither HTML nor such a link, and then these tokens are the
    build's, token for token. The returned dict maps each normalised link target to the target
    as written (entities decoded), filled while parsing.
    """
    config = dataclasses.replace(report_config(), disable_syntax=[])
    md = create_md_parser(config, RendererHTML)
    md.disable("front_matter")
    # MyST's word count only fills ``env["wordcount"]``, which the build's renderer reads and
    # these checks never do: no token changes without it (7% of checking a body, profiled)
    md.disable("wordcount")
    md.options["html"] = True
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    written: dict[str, str] = {}
    normalize = md.normalizeLink

    def recording_normalize(url: str) -> str:
        result = normalize(url)
        written[result] = url
        return result

    md.normalizeLink = recording_normalize  # type: ignore[method-assign]
    return md, written


@functools.cache
def shared_parser() -> tuple[MarkdownIt, dict[str, str]]:
    """One parser for every report (setting one up cost as much as parsing a report), and for
    the renderer of the report's tree (``doctree.py``)."""
    return make_parser()


@dataclass
class _Checker:
    relpath: str
    slug: str
    experiences_dir: Path
    images: list[ImageRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)  # every image: (target, alt)

    def __post_init__(self) -> None:
        self.md, self.written = shared_parser()
        self.image_targets: set[str] = set()
        self.found: set[Problem] = set()  # a set: de-duplicating stays linear in the problems
        self.seen_at: set[tuple[int, Code]] = set()

    # ---------------------------------------------------------------------------------------
    def error(self, line: int, code: Code, message: str) -> None:
        problem = Problem(self.relpath, line, message, None, code=code)
        if problem not in self.found:
            self.found.add(problem)
            self.seen_at.add((line, code))
            self.problems.append(problem)

    def reported(self, line: int, code: Code) -> bool:
        return (line, code) in self.seen_at

    def check_markdown(
        self, text: str, first_line: int, depth: int, reading: Reading | None = None
    ) -> None:
        """Check Markdown ``text`` whose first line is file line ``first_line``; ``reading``:
        the text already read (the body itself), else it is parsed here (directive content)."""
        if depth > _MAX_DEPTH:
            self.error(
                first_line,
                Code.BODY_NESTING,
                f"directives nested more than {_MAX_DEPTH} deep; nest them less deeply",
            )
            return
        if reading is None:
            env: dict[str, Any] = {}
            reading = Reading(self.md.parse(text, env), env)
        tokens, env = reading.tokens, reading.env
        line = first_line
        for i, token in enumerate(tokens):
            if token.map:
                line = first_line + token.map[0]
            if token.type == "html_block":
                self.html(token.content, line, block=True)
            elif token.type == "heading_open" and token.tag == "h1":
                title = tokens[i + 1].content if i + 1 < len(tokens) else ""
                self.error(
                    line,
                    Code.BODY_HEADING,
                    f"level-1 heading '{_short(title)}' found; headings in the body start at "
                    "level 2 (##); the title comes from the front matter",
                )
            elif token.type == "myst_target":
                self.error(
                    line,
                    Code.BODY_TARGET,
                    f"target '({_short(token.content)})=' found; reports may not define labels "
                    "for cross-references: a report must not reach into another report or the "
                    "book's structure",
                )
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, line, depth)
            elif token.type == "inline":
                self.inline(token.children or [], line)
        # a label defined again: markdown-it keeps the first and sets the others aside, but the
        # build's parser, which refuses some targets, can take a later one, or read a refused
        # definition as a paragraph: every definition is checked
        definitions = [*env.get("references", {}).values(), *env.get("duplicate_refs", [])]
        for ref in definitions:
            href = ref.get("href", "")
            if href in self.image_targets:
                continue  # used as an image, checked as one
            ref_line = first_line + ref["map"][0] if ref.get("map") else first_line
            self.link(href, ref_line, what="link reference definition")

    def check_inline_text(self, text: str, line: int) -> None:
        """Check a directive argument or option that MyST renders as inline Markdown."""
        for token in self.md.parseInline(text, {}):
            self.inline(token.children or [], line)

    # ---------------------------------------------------------------------------------------
    def html(self, content: str, line: int, block: bool) -> None:
        if content.lstrip().startswith("<!--"):
            self.error(
                line,
                Code.BODY_RAW_HTML,
                f"HTML comment '{_short(content)}' found; HTML is not allowed in a report: "
                "for a note that is never published, start a line with '%' (a MyST comment)",
            )
            return
        kind = "raw HTML block" if block else "inline HTML"
        self.error(
            line,
            Code.BODY_RAW_HTML,
            f"{kind} '{_short(content)}' found; HTML is not allowed in a report: use Markdown "
            "(emphasis, links, lists, tables, admonitions) instead",
        )

    def inline(self, children: Sequence[Token], line: int) -> None:
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                continue
            if child.type == "html_inline":
                # A closing tag after its (already refused) opening tag adds nothing.
                if not (child.content.startswith("</") and self.reported(line, Code.BODY_RAW_HTML)):
                    self.html(child.content, line, block=False)
            elif child.type == "myst_role":
                self.role(str(child.meta.get("name", "")), line)
            elif child.type == "link_open":
                self.link(str(child.attrGet("href") or ""), line, what="link")
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                self.image_targets.add(src)
                alt = _plain_text(child.children or [])
                self.image(self.written.get(src, src), alt, line, "image")
                self.inline(child.children or [], line)
            line += child.content.count("\n")

    def role(self, name: str, line: int) -> None:
        if name.lower() in ALLOWED_ROLES:
            return
        self.error(
            line,
            Code.BODY_ROLE,
            f"role '{{{name}}}' found{_did_you_mean(name, ALLOWED_ROLES)}; allowed roles: "
            + ", ".join(sorted(ALLOWED_ROLES)),
        )

    def link(self, href: str, line: int, what: str) -> None:
        written = self.written.get(href, href)
        found = _link_refusal(href) or _link_refusal(written)
        if found is None:
            return
        self.error(
            line,
            Code.BODY_LINK,
            f"{what} to '{_short(written)}' found ({found}); links may only go to web or e-mail "
            "addresses starting with http://, https:// or mailto: (a report must not reach into "
            "another report or the book's structure)",
        )

    # ---------------------------------------------------------------------------------------
    def fence(self, token: Token, line: int, depth: int) -> None:
        parts = token.info.strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        argument = parts[1] if len(parts) > 1 else ""
        if len(name) >= 2 and name.startswith("{") and name.endswith("}"):
            self.directive(name[1:-1], argument, token.content, line, depth)
        elif token.type == "colon_fence":
            # A plain ::: block is a container whose content is Markdown.
            self.check_markdown(token.content, line + 1, depth + 1)
        # Any other fence is a code block: shown as it is, never run.

    def directive(self, name: str, argument: str, content: str, line: int, depth: int) -> None:
        key = name.lower()
        allowed_options = ALLOWED_DIRECTIVES.get(key)
        if allowed_options is None:
            why = f" ({_WHY_REFUSED[key]})" if key in _WHY_REFUSED else ""
            self.error(
                line,
                Code.BODY_DIRECTIVE,
                f"directive '{{{name}}}' found{why}{_did_you_mean(key, ALLOWED_DIRECTIVES)}; "
                "allowed directives: " + ", ".join(sorted(ALLOWED_DIRECTIVES)),
            )
            return
        options, body, body_line = self.split_options(content, line)
        for option, (value, option_line) in options.items():
            self.option(key, option, value, option_line, allowed_options)

        if key in _PATH_ARGUMENT:
            alt = options["alt"][0] if "alt" in options else None
            if argument.strip():
                self.image(argument.strip(), alt, line, f"{{{key}}}")
            else:
                self.error(
                    line,
                    Code.BODY_IMAGE,
                    f"'{{{key}}}' without an image path; write the path after the directive "
                    f"name: {{{key}}} images/{self.slug}/<file>",
                )
        elif key in _NO_ARGUMENT and argument:
            self.check_markdown(argument, line, depth + 1)
        elif key not in _CODE_DIRECTIVES and argument:
            self.check_inline_text(argument, line)

        if key in _CODE_DIRECTIVES or key == "image":
            return
        self.check_markdown(body, body_line, depth + 1)

    def option(
        self, directive: str, option: str, value: str, line: int, allowed: frozenset[str]
    ) -> None:
        opt = option.lower()
        if opt == "name":
            self.error(
                line,
                Code.BODY_TARGET,
                f"option ':name:' on '{{{directive}}}' found; reports may not define labels "
                "for cross-references: a report must not reach into another report or the "
                "book's structure",
            )
        elif directive == "csv-table" and opt in ("file", "url", "encoding"):
            self.error(
                line,
                Code.BODY_OPTION,
                f"option ':{option}:' on '{{csv-table}}' found (it reads a file or the "
                "network); write the table's rows inside the directive",
            )
        elif opt not in allowed:
            listed = ", ".join(f":{o}:" for o in sorted(allowed))
            self.error(
                line,
                Code.BODY_OPTION,
                f"option ':{option}:' on '{{{directive}}}' found"
                f"{_did_you_mean(opt, allowed, ':', ':')}; allowed options: {listed}",
            )
        elif opt == "target":
            self.link(value.strip(), line, what=f"':target:' of '{{{directive}}}'")
        elif opt in ("caption", "header"):
            self.check_inline_text(value, line)

    def split_options(self, content: str, line: int) -> tuple[dict[str, tuple[str, int]], str, int]:
        """A directive's options (name → (value, file line)), body and the body's first file
        line, as MyST reads them (:func:`bookbuilder.syntax.directive_options`); ``line`` is the
        file line of the directive's opening fence."""
        read = directive_options(content, line)
        if read.unreadable is not None:
            where, why = read.unreadable
            self.error(
                where,
                Code.BODY_OPTION_SYNTAX,
                f"directive options that are not valid YAML as MyST reads them ({why}); write "
                "one ':name: value' per line, or 'name: value' between '---' lines",
            )
        return read.values, read.body, read.body_line

    # ---------------------------------------------------------------------------------------
    def image(self, target: str, alt: str | None, line: int, via: str) -> None:
        self.seen.append((target, " ".join((alt or "").split())))
        errors_before = len(self.problems)
        path = self.image_path(target, line)
        self.alt_text(target, alt, line, via)
        if path is not None and len(self.problems) == errors_before:
            self.images.append(ImageRef(target, path, line, (alt or "").strip()))

    def image_path(self, target: str, line: int) -> Path | None:
        """The image file ``target`` names, if it may be used; else report why not."""
        folder = image_folder(self.slug)
        allowed = f"images must be files in this report's folder, written as {folder}<file>"

        def refuse(found: str) -> None:
            self.error(line, Code.BODY_IMAGE, f"image '{_short(target)}' {found}; {allowed}")

        parts = target.split("/")
        if target.startswith("//") or (
            _SCHEME.match(target) and not re.match(r"[A-Za-z]:[\\/]", target)
        ):
            refuse("is a URL")
        elif re.match(r"[A-Za-z]:[\\/]", target) or target.startswith(("/", "\\")):
            refuse("is an absolute path")
        elif "\\" in target:
            refuse("contains a backslash (use '/' between folder names)")
        elif ".." in parts:
            refuse("goes up a folder with '..'")
        elif not in_image_folder(target, self.slug):
            refuse("is outside this report's image folder")
        elif not plain_names(target):
            refuse(
                "has a file or folder name with characters other than letters, digits, "
                "'.', '_' and '-' (or starting with '.')"
            )
        else:
            return self.image_file(target, line, refuse)
        return None

    def image_file(self, target: str, line: int, refuse: Callable[[str], None]) -> Path | None:
        try:
            base = self.experiences_dir.resolve()
            own = base / IMAGES_DIR / self.slug
            path = (self.experiences_dir / target).resolve()
            if not path.is_relative_to(own):
                refuse("is a symbolic link that leads outside this report's image folder")
                return None
            if not path.exists():
                refuse(f"was not found (looked for {path})")
                return None
            if not path.is_file():
                refuse("is not a file")
                return None
            messages = check_image_file(path)
        except OSError as err:
            refuse(f"cannot be read ({err.strerror or err})")
            return None
        for message in messages:
            self.error(line, Code.BODY_IMAGE, f"image '{_short(target)}': {message}")
        return None if messages else path

    def alt_text(self, target: str, alt: str | None, line: int, via: str) -> None:
        name = target.rsplit("/", 1)[-1]
        if via == "image":
            how = f"write a description between the brackets: ![What the image shows]({target})"
        else:
            how = f"add an option ':alt: What the image shows' to the '{via}' directive"
        text = " ".join((alt or "").split())
        if not text:
            self.error(line, Code.BODY_IMAGE, f"image '{_short(target)}' has no alt text; {how}")
            return
        if text.lower() in _GENERIC_ALT or alt_is_file_name(text, name) or len(text) < 3:
            self.error(
                line,
                Code.BODY_IMAGE,
                f"image '{_short(target)}' has alt text '{_short(text)}', which does not "
                f"describe it; alt text says what the image shows, for readers who cannot see "
                f"it: {how}",
            )


def _link_refusal(target: str) -> str | None:
    """None if ``target`` may be linked to, else a short description of what it is."""
    if target.startswith(ALLOWED_LINK_PREFIXES) and len(target) > target.index(":") + 1:
        if target.startswith(("http://", "https://")) and len(target.split("/", 3)[2]) == 0:
            return "a web address without a host"
        return None
    cleaned = _IGNORED_IN_URL.sub("", target)
    if not cleaned:
        return "an empty target"
    if cleaned.startswith("#"):
        return "an anchor, a cross-reference inside the book"
    m = _SCHEME.match(cleaned)
    if m is None:
        return "a relative path, which points at another file of the book"
    scheme = m.group(1)
    low = scheme.lower()
    if low in LINK_SCHEMES:
        if scheme != low or cleaned != target:
            return f"'{scheme}:' must be written in lower case, with nothing before it"
        return f"an incomplete '{scheme}:' address"
    if low in ("project", "path", "inv", "doc", "ref"):
        return f"a MyST cross-reference ('{scheme}:')"
    return f"the '{scheme}:' scheme"


def _plain_text(tokens: Sequence[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "myst_role"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        if token.children:
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _did_you_mean(name: str, allowed: Any, before: str = "{", after: str = "}") -> str:
    matches = difflib.get_close_matches(name.lower(), list(allowed), n=1, cutoff=0.7)
    return f" (did you mean '{before}{matches[0]}{after}'?)" if matches else ""


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
