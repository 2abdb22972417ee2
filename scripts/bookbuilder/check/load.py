"""Load: read report and chapter files into :class:`~bookbuilder.model.SourceFile` objects.

Nothing here knows the contract's keys; this stage only makes sure a file can be read safely and
turns its front matter into plain values that remember their line. A file is refused, with a
:class:`~bookbuilder.model.Problem` that names it and the line, when it is:

- larger than 1 MiB (``file.too-large``), holds a NUL byte (``file.nul-byte``) or is not UTF-8
  (``file.encoding``, with the line and column of the first bad byte); a UTF-8 byte order mark
  is allowed and dropped;
- holding a character that some reader of the file takes for a line break and another does not
  (``file.line-break``: :data:`OTHER_LINE_BREAKS`, with the line and column of each). Python's
  ``str.splitlines`` (MyST's directive content, docutils) and YAML break lines there, markdown-it
  does not: a line the check read as text inside a note could become a directive in the build.
  Only ``\n``, ``\r\n`` and ``\r`` end a line; the last two become ``\n`` here, so every later
  stage reads one kind of line;
- a symbolic link to a file outside its folder (``file.symlink``);
- without front matter: the first line must be ``---`` and a later line ``---`` closes it
  (``file.front-matter``); the front matter may be at most 64 KiB.

The front matter is YAML read with a safe loader and the YAML 1.2 core scalars only: ``true``
and ``false`` (any case style: ``True``, ``TRUE``) are the only booleans, so ``NO``, ``no``,
``yes``, ``on``, ``off`` are text (``country: NO`` is Norway); integers are plain decimal numbers
(``012`` and ``0000-0002-1825-0097`` stay text); ``YYYY-MM-DD`` is a date; ``null``, ``~`` and
nothing are empty. Refused (``yaml.*``): anchors and aliases (checked on the parser's events,
before anything is built, so an "alias bomb" costs nothing), nesting deeper than
:data:`MAX_DEPTH`, duplicate keys (naming both lines), keys that are not text, YAML tags, and
syntax errors (at their real line in the file). Line numbers are lines of the whole file, the
opening ``---`` being line 1.

Files are read in name order. Names starting with a dot (editor back-up and lock files) are
skipped; any other ``*.md`` file in the folder must have a valid slug as its stem, or, in
``experiences/``, be a translation: ``<slug>.<language>.md`` with the original's slug and a BCP 47
tag in lower case (:func:`translation_parts`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeAlias

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bookbuilder.check import yaml_mistakes
from bookbuilder.check.cache import FrontMatterMemory, FrontMatterResult
from bookbuilder.check.schema import SLUG, SLUG_MAX, language_tag, slugify
from bookbuilder.codes import Code
from bookbuilder.jobs import Shares
from bookbuilder.layout import CHAPTERS_DIR, REPORTS_DIR, translation_parts
from bookbuilder.model import Located, Problem, Severity, SourceFile

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 10
MAX_FRONT_MATTER = 64 * 1024  # a report's is under 2 KiB; this bounds the YAML parser's time
BOM = b"\xef\xbb\xbf"
DELIMITER = "---"


_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
SEQ, MAP = _TAG + "seq", _TAG + "map"

_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

#: Characters that ``str.splitlines`` (docutils, MyST's directive content) or YAML treat as a line
#: break and markdown-it does not: refused in every file, with how to write them instead.
OTHER_LINE_BREAKS = {
    "\v": "a vertical tab (U+000B)",
    "\f": "a form feed (U+000C, a page break)",
    "\x1c": "a file separator (U+001C)",
    "\x1d": "a group separator (U+001D)",
    "\x1e": "a record separator (U+001E)",
    "\x85": "a next-line character (U+0085)",
    "\u2028": "a line separator (U+2028)",
    "\u2029": "a paragraph separator (U+2029)",
}
_OTHER_LINE_BREAK = re.compile("[" + "".join(OTHER_LINE_BREAKS) + "]")
#: Characters XML 1.0 cannot hold (the EPUB's XHTML would not be well-formed) and that are no
#: text anywhere: the control characters other than tab and line breaks, U+FFFE and U+FFFF.
_NOT_TEXT_IN_FILE = re.compile("[\x01-\x08\x0e-\x1b\x1f\x7f\ufffe\uffff]")
MAX_LINE_BREAK_PROBLEMS = 20  # then one line says how many more

# YAML (1.1, as PyYAML reads it) counts these as line breaks too; the file's lines are '\n' only.
_YAML_BREAKS = "\n\x85\u2028\u2029"


class FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core scalars only (no ``yes``/``no``/``on``/``off``
    booleans, no octal or sexagesimal numbers), plus plain ``YYYY-MM-DD`` dates.

    The pure-Python parser gives every message (messages read the same on every machine);
    :class:`FastFrontMatterLoader` reads the front matter that has none. Values are never built by
    the constructor: :func:`parse_yaml` walks the composed nodes itself.
    """

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012


FrontMatterLoader.add_implicit_resolver(BOOL, _BOOL, list("tTfF"))
FrontMatterLoader.add_implicit_resolver(INT, _INT, list("-+0123456789"))
FrontMatterLoader.add_implicit_resolver(FLOAT, _FLOAT, list("-+.0123456789"))
FrontMatterLoader.add_implicit_resolver(NULL, _NULL, ["~", "n", "N", ""])
FrontMatterLoader.add_implicit_resolver(TIMESTAMP, _DATE, list("0123456789"))


if getattr(yaml, "__with_libyaml__", False):

    class FastFrontMatterLoader(
        yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """The same resolvers on libyaml's parser: about 20 times faster than the pure-Python
        one (profiled: YAML was two thirds of ``make check``). Used only to accept front matter;
        anything it or the walk finds wrong is read again by :class:`FrontMatterLoader`, so the
        messages are the pure-Python parser's on every machine."""

        yaml_implicit_resolvers = FrontMatterLoader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _FAST_LOADER: type[FastFrontMatterLoader] | None = FastFrontMatterLoader
else:  # PyYAML built without libyaml: the pure-Python parser alone
    _FAST_LOADER = None

# The parser that reads a front matter: the fast one, or the one that says every message.
_LoaderClass: TypeAlias = "type[FrontMatterLoader] | type[FastFrontMatterLoader]"

# What the pure-Python reader refuses, or reads as a line break that is no '\n': those texts go
# to the pure-Python parser directly.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")
# What YAML's escapes ("\uD800", "\uFFFE") can make but is not text: a surrogate cannot be
# written as UTF-8 (printing the problem itself would fail), U+FFFE/U+FFFF are not allowed in XML.
_NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")


class _Refused(Exception):
    """A front-matter problem found while walking the YAML: stops the walk."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# -- Files ----------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """A file refused before its front matter is parsed: its problems, each located."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].message)
        self.problems = list(problems)


def _refusal(relpath: str, line: int, found: str, allowed: str, code: Code) -> Problem:
    return Problem(relpath, line, f"{found}; allowed: {allowed}", None, code=code)


def load_source(path: Path, root: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read one Markdown file: check its bytes, split front matter and body, parse the YAML
    (many files at once, with the last run's memory: ``load_reports``).

    Returns the file (None when it cannot be read at all) and its problems. Never raises for
    bad content.
    """
    read = _read(path, root)
    if isinstance(read, list):
        return None, read
    return read.source(parse_yaml(*read.front_matter))


@dataclass(frozen=True)
class _Read:
    """A file read and split, its front matter not parsed yet."""

    path: Path
    relpath: str
    lines: list[str]
    closing: int  # the index of the front matter's closing line

    @property
    def front_matter(self) -> tuple[str, str, int]:
        """What :func:`parse_yaml` is given: the YAML's text, the file, its first line."""
        return "\n".join(self.lines[1 : self.closing]), self.relpath, 2

    def source(self, parsed: FrontMatterResult) -> tuple[SourceFile | None, list[Problem]]:
        front_matter, problems = parsed
        if front_matter is None:
            return None, problems
        source = SourceFile(
            path=self.path,
            relpath=self.relpath,
            stem=self.path.stem,
            front_matter=front_matter,
            front_matter_line=1,
            body="\n".join(self.lines[self.closing + 1 :]),
            body_line=self.closing + 2,
        )
        return source, problems


def _read(path: Path, root: Path) -> _Read | list[Problem]:
    """The file read and split at its front matter, or why it cannot be."""
    relpath = _relpath(path, root)
    try:
        lines = _decoded(_file_bytes(path, root, relpath), relpath).split("\n")
        return _Read(path, relpath, lines, _closing_line(lines, relpath))
    except _Unreadable as unreadable:
        return unreadable.problems


def _parse_front_matter(item: tuple[str, str, int]) -> FrontMatterResult:
    """:func:`parse_yaml` on one :attr:`_Read.front_matter`: a task for another process."""
    return parse_yaml(*item)


def _file_bytes(path: Path, root: Path, relpath: str) -> bytes:
    """The file's bytes (without a byte-order mark): a file inside its folder, at most 1 MiB."""
    try:
        # Only a symbolic link can lead out of the folder: a file's own path resolves to its
        # resolved folder and its name (resolving both for every file was 7% of loading the
        # reports, serial in the main process, profiled).
        if path.is_symlink():
            folder = path.parent.resolve()
            if not path.resolve().is_relative_to(folder):
                found = (
                    f"found a symbolic link to {path.resolve()}, outside {_relpath(folder, root)}/"
                )
                allowed = "files inside the folder"
                raise _Unreadable(_refusal(relpath, 1, found, allowed, Code.FILE_SYMLINK))
        if not path.is_file():
            found, allowed = "found something that is not a file", "a Markdown file"
            raise _Unreadable(_refusal(relpath, 1, found, allowed, Code.FILE_READ))
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        reason = error.strerror if isinstance(error, OSError) else None
        found = f"cannot be read ({reason or error})"
        raise _Unreadable(_refusal(relpath, 1, found, "a readable file", Code.FILE_READ)) from error
    if len(data) > MAX_BYTES:
        found = f"found a file of {path.stat().st_size / MAX_BYTES:.1f} MiB"
        raise _Unreadable(_refusal(relpath, 1, found, "at most 1 MiB", Code.FILE_TOO_LARGE))
    return data[len(BOM) :] if data.startswith(BOM) else data


def _decoded(data: bytes, relpath: str) -> str:
    """The file as text with \\n line ends: no NUL byte, UTF-8, no other line break (all said
    together when several are wrong)."""
    problems = []
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        found = f"found a NUL byte at line {line}, column {column}"
        allowed = "text without NUL bytes (is this a binary file?)"
        problems.append(_refusal(relpath, line, found, allowed, Code.FILE_NUL_BYTE))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        bad = data[error.start : error.end].hex(" ").upper()
        found = f"found bytes that are not UTF-8 (0x{bad}) at line {line}, column {column}"
        allowed = "UTF-8 text (save the file as UTF-8)"
        problems.append(_refusal(relpath, line, found, allowed, Code.FILE_ENCODING))
        raise _Unreadable(*problems) from error
    if problems:
        raise _Unreadable(*problems)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    breaks = _other_line_breaks(text, relpath)
    if breaks:
        raise _Unreadable(*breaks)
    if invisible := _NOT_TEXT_IN_FILE.search(text):
        line = text.count("\n", 0, invisible.start()) + 1
        column = invisible.start() - (text.rfind("\n", 0, invisible.start()) + 1) + 1
        code_point = f"U+{ord(invisible.group()):04X}"
        found = f"found the invisible character {code_point} at line {line}, column {column}"
        allowed = "text without control characters: delete it, or retype the line"
        raise _Unreadable(_refusal(relpath, line, found, allowed, Code.FILE_CHARACTER))
    return text


def _closing_line(lines: list[str], relpath: str) -> int:
    """The index of the line that closes the front matter opened on line 1, whose text is
    at most MAX_FRONT_MATTER."""
    allowed = "a file that starts with a '---' line, the front matter, and a closing '---'"
    if lines[0].rstrip() != DELIMITER:
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and lines[first].rstrip() == DELIMITER:
            found = "found the front matter's '---' after blank lines"
            raise _Unreadable(_refusal(relpath, first + 1, found, allowed, Code.FILE_FRONT_MATTER))
        found = "found no front matter (line 1 is not '---')"
        raise _Unreadable(_refusal(relpath, 1, found, allowed, Code.FILE_FRONT_MATTER))
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == DELIMITER), None)
    if closing is None:
        found = "found no closing '---' line for the front matter opened on line 1"
        allowed = "front matter between a '---' line and a closing '---' line"
        raise _Unreadable(_refusal(relpath, 1, found, allowed, Code.FILE_FRONT_MATTER))
    size = len("\n".join(lines[1:closing]).encode("utf-8"))
    if size > MAX_FRONT_MATTER:
        found = f"found a front matter of {size // 1024} KiB"
        allowed = f"at most {MAX_FRONT_MATTER // 1024} KiB between the '---' lines"
        raise _Unreadable(_refusal(relpath, 1, found, allowed, Code.FILE_FRONT_MATTER))
    return closing


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.name


def _other_line_breaks(text: str, relpath: str) -> list[Problem]:
    """A problem for each character that another reader would take for a line break."""
    problems = []
    found = list(_OTHER_LINE_BREAK.finditer(text))
    for match in found[:MAX_LINE_BREAK_PROBLEMS]:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        what = OTHER_LINE_BREAKS[match.group()]
        message = (
            f"found {what} at line {line}, column {column}, an invisible character that some "
            "programs read as a line break and others do not; allowed: ordinary line breaks "
            "(press Enter) and spaces: delete the character, or retype the line in a plain "
            "text editor"
        )
        problems.append(Problem(relpath, line, message, None, code=Code.FILE_LINE_BREAK))
    if len(found) > MAX_LINE_BREAK_PROBLEMS:
        more = len(found) - MAX_LINE_BREAK_PROBLEMS
        line = problems[-1].line
        message = f"found {more} more such characters after this one; allowed: none"
        problems.append(Problem(relpath, line, message, None, code=Code.FILE_LINE_BREAK))
    return problems


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, from 1) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


# -- YAML -----------------------------------------------------------------------------------------


def parse_yaml(
    text: str, relpath: str, first_line: int = 1
) -> tuple[dict[str, Located] | None, list[Problem]]:
    """Parse front-matter YAML into ``Located`` values; ``first_line``: the file line of its
    first line. Returns None (and the problems) when the YAML cannot be used; an empty front
    matter is an empty mapping."""
    if (
        _FAST_LOADER is not None
        and not _NON_PRINTABLE.search(text)
        and not _OTHER_BREAKS.search(text)
    ):
        value, problems = _parse_yaml(text, relpath, first_line, _FAST_LOADER)
        if value is not None and not problems:
            return value, problems
    return _parse_yaml(text, relpath, first_line, FrontMatterLoader)


def _parse_yaml(
    text: str, relpath: str, first_line: int, loader_class: _LoaderClass
) -> tuple[dict[str, Located] | None, list[Problem]]:
    line_of = _line_map(text, first_line)
    try:
        # libyaml, which only accepts (anything it refuses is read again, below, for the
        # message): without '&' or '*' before a name, the text has no anchor or alias to refuse
        # before composing, so its events are read once, and the nodes checked instead
        accept_only = loader_class is not FrontMatterLoader and not _MAY_REFER.search(text)
        if not accept_only:
            _prescan(text, relpath, line_of, loader_class)
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return {}, []
        if accept_only and not _plain_nodes(node):
            return None, []  # read again by the pure-Python parser, which says why
        walker = _Walker(relpath, line_of, text.split("\n"))
        if isinstance(node, MappingNode) and node.tag != MAP:
            walker._tagged(node, "")
            return None, walker.problems
        if not isinstance(node, MappingNode):
            found = f"found {_kind(node)} as the front matter"
            problem = Problem(
                relpath,
                line_of(node.start_mark.line),
                f"{found}; allowed: a mapping of `key: value` lines",
                None,
                code=Code.YAML_STRUCTURE,
            )
            return None, [problem]
        value = walker.mapping(node, "", 1)
        return value, walker.problems
    except _Refused as refused:
        return None, [refused.problem]
    except yaml.MarkedYAMLError as error:
        return None, [_editors_mistake(error, text, relpath, line_of)]
    except yaml.reader.ReaderError as error:
        line = line_of(sum(1 for ch in text[: error.position] if ch in _YAML_BREAKS))
        found = f"found the character {chr(error.character)!a}, which YAML does not allow"
        problem = Problem(
            relpath, line, f"{found}; allowed: printable text", None, code=Code.YAML_CHARACTER
        )
        return None, [problem]
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        problem = Problem(
            relpath,
            first_line,
            f"found YAML that cannot be read ({error}); allowed: `key: value` lines",
            None,
            code=Code.YAML_SYNTAX,
        )
        return None, [problem]


def _line_map(text: str, first_line: int):
    """File line of a YAML mark's line (PyYAML also breaks lines at NEL, LS and PS)."""
    file_lines = [first_line]
    for ch in text:
        if ch in _YAML_BREAKS:
            file_lines.append(file_lines[-1] + (ch == "\n"))

    def line_of(yaml_line: int) -> int:
        return file_lines[min(max(yaml_line, 0), len(file_lines) - 1)]

    return line_of


def _line(event: yaml.Event, line_of: Callable[[int], int]) -> int:
    """An event's file line: worked out for a refused event only (a front matter of the
    1,000-report book has 80 events: 15% of its reading, when every one was placed)."""
    return line_of(event.start_mark.line) if event.start_mark else 1


def _prescan(
    text: str,
    relpath: str,
    line_of: Callable[[int], int],
    loader_class: _LoaderClass = FrontMatterLoader,
) -> None:
    """Refuse anchors, aliases and deep nesting from the parser's events, before composing.

    A syntax error at the end of the front matter inside an unclosed ``[`` or ``{`` is pointed
    at the bracket that was never closed.
    """
    open_flows: list[Any] = []  # start marks of the open collections (None: block style)
    try:
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
                alias = isinstance(event, AliasEvent)
                found = f"found the YAML {'alias' if alias else 'anchor'} "
                found += f"'{'*' if alias else '&'}{event.anchor}'"
                allowed = (
                    "plain values (anchors and aliases are not supported: write the value out)"
                )
                message = f"{found}; allowed: {allowed}"
                raise _Refused(
                    Problem(relpath, _line(event, line_of), message, None, code=Code.YAML_ALIAS)
                )
            if isinstance(event, ScalarEvent) and (bad := _NOT_TEXT.search(event.value)):
                found = f"found the escape of U+{ord(bad.group()):04X}, which is not a character"
                message = f"{found}; allowed: printable text"
                raise _Refused(
                    Problem(relpath, _line(event, line_of), message, None, code=Code.YAML_CHARACTER)
                )
            if isinstance(event, CollectionStartEvent):
                open_flows.append(event.start_mark if event.flow_style else None)
                if len(open_flows) > MAX_DEPTH:
                    found = f"found lists or mappings nested more than {MAX_DEPTH} levels deep"
                    message = f"{found}; allowed: at most {MAX_DEPTH}"
                    raise _Refused(
                        Problem(relpath, _line(event, line_of), message, None, code=Code.YAML_DEPTH)
                    )
            elif isinstance(event, CollectionEndEvent):
                open_flows.pop()
    except yaml.MarkedYAMLError as error:
        unclosed = [mark for mark in open_flows if mark is not None]
        if unclosed and "stream end" in (error.problem or "") + (error.context or ""):
            error.context = "while reading the list or mapping opened by this bracket"
            error.context_mark = unclosed[-1]
        raise


# What an anchor (``&name``) or an alias (``*name``) starts with: a text without it has neither.
_MAY_REFER = re.compile(r"[&*]\S")


def _plain_nodes(root: Node) -> bool:
    """What :func:`_prescan` refuses on the events, looked for on the composed nodes instead:
    no list or mapping nested deeper than :data:`MAX_DEPTH`, no escape of a non-character.
    (Composing a text with no anchor or alias makes a tree: nothing is visited twice.)"""
    todo: list[tuple[Node, int]] = [(root, 1)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, ScalarNode):
            if _NOT_TEXT.search(node.value):
                return False
        elif depth > MAX_DEPTH:
            return False
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                todo += ((key, depth + 1), (value, depth + 1))
        else:
            todo += ((item, depth + 1) for item in node.value)
    return True


def _editors_mistake(error: yaml.MarkedYAMLError, text: str, relpath: str, line_of) -> Problem:
    """The usual mistake behind a syntax error in an editor's words (tab, unclosed quote, ``-``
    without a space, unquoted ``: ``), else the parser's own (:mod:`.yaml_mistakes`)."""
    mark = error.problem_mark or error.context_mark
    if mark is not None and not _OTHER_BREAKS.search(text):
        reading_quote = "quoted scalar" in (error.context or "") and error.context_mark
        explained = yaml_mistakes.explain(
            error.problem or "",
            mark.line,
            error.context_mark.line if reading_quote else None,
            text,
            relpath,
            line_of,
        )
        if explained is not None:
            return explained
    return _syntax_problem(error, relpath, line_of)


def _syntax_problem(error: yaml.MarkedYAMLError, relpath: str, line_of) -> Problem:
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or "").strip() or "unreadable YAML"
    if ("end of stream" in problem or "<stream end>" in problem) and error.context_mark:
        mark = error.context_mark  # an unclosed quote or bracket: point at where it opened
        problem = problem.replace("end of stream", "end of the front matter")
        problem = problem.replace("'<stream end>'", "the end of the front matter")
    line = line_of(mark.line) if mark else line_of(0)
    if error.context:
        context_line = line_of(error.context_mark.line) if error.context_mark else line
        where = f" on line {context_line}" if context_line != line else ""
        problem += f", {error.context.strip()}{where}"
    allowed = (
        "`key: value` lines indented with spaces; text in quotes when it contains ': ' or ' #' "
        "or starts with a special character (- ? [ { & * ! | > ' \" % @ `)"
    )
    return Problem(
        relpath,
        line,
        f"found invalid YAML ({problem}); allowed: {allowed}",
        None,
        code=Code.YAML_SYNTAX,
    )


def _kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    return f"the single value '{node.value}'"


class _Walker:
    """Turns composed YAML nodes into ``Located`` values, collecting structural problems."""

    def __init__(self, relpath: str, line_of, lines: list[str] | None = None) -> None:
        self.relpath = relpath
        self.line_of = line_of
        self.lines = lines or []  # the YAML's lines, for what the parser accepts but means else
        self.problems: list[Problem] = []

    def add(self, line: int, key: str | None, found: str, allowed: str, code: Code) -> None:
        self.problems.append(
            Problem(self.relpath, line, f"{found}; allowed: {allowed}", key or None, code=code)
        )

    def line(self, node: Node) -> int:
        return self.line_of(node.start_mark.line)

    def node(self, node: Node, key: str, depth: int) -> Located | None:
        if isinstance(node, MappingNode):
            if node.tag != MAP:
                self._tagged(node, key)
                return None
            return Located(self.mapping(node, key + ".", depth + 1), self.line(node))
        if isinstance(node, SequenceNode):
            if node.tag != SEQ:
                self._tagged(node, key)
                return None
            items = [
                self.node(item, f"{key}[{i}]", depth + 1) for i, item in enumerate(node.value, 1)
            ]
            return Located([item for item in items if item is not None], self.line(node))
        assert isinstance(node, ScalarNode)
        if not node.style and self._dash_without_space(node, key):  # plain: None, or '' (libyaml)
            return None
        value = self.scalar(node, key)
        return None if value is _BAD else Located(value, self.line(node))

    def _dash_without_space(self, node: ScalarNode, key: str) -> bool:
        """``-CT`` under ``modalities:`` is, to YAML, the text "-CT": a list item without its
        space. Said as such, at the item's line."""
        for index in range(node.start_mark.line, node.end_mark.line + 1):
            if index < len(self.lines):
                message = yaml_mistakes.dash_without_space(self.lines[index])
                if message is not None:
                    self.problems.append(
                        Problem(
                            self.relpath, self.line_of(index), message, key, code=Code.YAML_DASH
                        )
                    )
                    return True
        return False

    def mapping(self, node: MappingNode, prefix: str, depth: int) -> dict[str, Located]:
        result: dict[str, Located] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = self.line(key_node)
            if not (isinstance(key_node, ScalarNode) and key_node.tag == STR):
                shown = key_node.value if isinstance(key_node, ScalarNode) else _kind(key_node)
                self.add(
                    key_line,
                    prefix.rstrip(".") or None,
                    f"found the key {shown!r}, which is not text",
                    "text keys (put the key in quotes)",
                    Code.YAML_KEY,
                )
                continue
            key = key_node.value
            if key in first_line:
                self.add(
                    key_line,
                    prefix + key,
                    f"found the key twice (lines {first_line[key]} and {key_line})",
                    "each key once",
                    Code.YAML_DUPLICATE_KEY,
                )
                continue
            first_line[key] = key_line
            located = self.node(value_node, prefix + key, depth)
            if located is None:
                continue
            # A list or mapping, or an empty value, stands where its key does.
            if not isinstance(value_node, ScalarNode) or located.value is None:
                located = Located(located.value, key_line)
            result[key] = located
        return result

    def scalar(self, node: ScalarNode, key: str) -> Any:
        value, tag = node.value, node.tag
        if tag == STR:
            return value
        if tag == NULL and _NULL.match(value):
            return None
        if tag == BOOL and _BOOL.match(value):
            return value.lower() == "true"
        if tag == INT and _INT.match(value):
            return int(value)
        if tag == FLOAT and _FLOAT.match(value):
            return float(value)
        if tag == TIMESTAMP:
            if _DATE.match(value):
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    return value  # not a date of the calendar: validation says so
            return value
        return self._tagged(node, key)

    def _tagged(self, node: Node, key: str) -> Any:
        tag = node.tag.replace(_TAG, "!!", 1) if node.tag.startswith(_TAG) else node.tag
        self.add(
            self.line(node),
            key or None,
            f"found the YAML tag '{tag}'",
            "plain values without tags",
            Code.YAML_TAG,
        )
        return _BAD


_BAD = object()


# -- Folders --------------------------------------------------------------------------------------


def load_reports(
    root: Path, memory: FrontMatterMemory | None = None, shares: Shares | None = None
) -> tuple[list[SourceFile], list[Problem]]:
    """Every ``experiences/*.md`` file (not ``experiences/images/``), in name order: reports
    and translations (tell them apart with :func:`translation_parts`). ``shares``: processes
    to parse the front matters in (the files are read here, in order)."""
    return _load_folder(root, REPORTS_DIR, translations=True, memory=memory, shares=shares)


def load_chapters(root: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Every ``chapters/*.md`` file, in name order."""
    return _load_folder(root, CHAPTERS_DIR)


def _load_folder(
    root: Path,
    name: str,
    translations: bool = False,
    memory: FrontMatterMemory | None = None,
    shares: Shares | None = None,
) -> tuple[list[SourceFile], list[Problem]]:
    folder = root / name
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return sources, problems
    # every file read (and its name checked) first, in name order, with its problems in place
    found: list[list[Problem] | _Read] = []
    for path in sorted(folder.glob("*.md"), key=lambda p: p.name):
        if path.name.startswith("."):
            # Editors' backup and lock files start with a dot; skipped, but never silently.
            hidden = Problem(
                path.relative_to(root).as_posix(),
                1,
                "found a hidden file (its name starts with '.'), which is not read; "
                "allowed: <slug>.md — rename it if it is a report",
                severity=Severity.WARNING,
                code=Code.FILE_HIDDEN,
            )
            found.append([hidden])
            continue
        slug_problem = check_stem(path, root, translations)
        found.append([slug_problem] if slug_problem is not None else [])
        found.append(_read(path, root))  # the file's problems, when it cannot be read
    # then their front matters parsed (by ``shares``' processes, or the memory's last run)
    reads = [item for item in found if isinstance(item, _Read)]
    texts = [read.front_matter for read in reads]
    share_out = (shares or Shares(1, 0)).map  # Shares(1, …): every item here, one by one
    if memory is None:
        parsed = share_out(_parse_front_matter, texts)
    else:
        parsed = memory.parse_all(functools.partial(share_out, _parse_front_matter), texts)
    made = iter(parsed)
    for item in found:
        if isinstance(item, list):
            problems += item
            continue
        source, file_problems = item.source(next(made))
        problems += file_problems
        if source is not None:
            sources.append(source)
    return sources, problems


def check_stem(path: Path, root: Path, translations: bool = False) -> Problem | None:
    """The file name must be ``<slug>.md``: the slug is the report's or chapter's permanent id.
    With ``translations``, ``<slug>.<language>.md`` too (the language a lower-case BCP 47 tag
    that Babel knows: ``en``, ``pt-br``)."""
    stem = path.stem
    parts = translation_parts(stem) if translations else None
    slug, language = parts if parts else (stem, None)
    valid_slug = bool(SLUG.match(slug)) and len(slug) <= SLUG_MAX
    tag = language_tag(language) if language is not None else None
    if valid_slug and (language is None or (tag is not None and tag.lower() == language)):
        return None
    relpath = _relpath(path, root)
    allowed = (
        f"<slug>.md, the slug made of lowercase letters a-z, digits and hyphens, at most "
        f"{SLUG_MAX} characters"
    )
    if translations:
        allowed += (
            "; or <slug>.<language>.md for a translation, the language a BCP 47 tag in lower "
            "case such as en or pt-br"
        )
    suggestion = slugify(slug)
    if language is not None:
        cleaned = language_tag(language.replace("_", "-"))
        if cleaned is None:  # not a language: a report's name with a dot in it
            suggestion = slugify(stem)
        elif suggestion:
            suggestion = f"{suggestion}.{cleaned.lower()}"
    message = f"found the file name '{path.name}'; allowed: {allowed}"
    if suggestion:
        message += f"; did you mean '{suggestion}.md'?"
    return Problem(relpath, 1, message, None, code=Code.FILE_SLUG)
