"""The report format's reading rules that the check and the build both apply, defined once.

``make check`` (``check/body.py``) parses a body with these and the build (``sphinx/settings.py``
and, whatever conf.py says, ``sphinx/lockdown.py``) renders it with the same ones: what the
check accepts is what the editions print. The render stage (``render/pages.py``) copies images
by the same folder rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from docutils.parsers.rst import Directive
from myst_parser.parsers.directives import _parse_directive_options

from bookbuilder.layout import IMAGES_DIR

# MyST's optional syntax the format allows: ::: fences (directives written with colons).
MYST_EXTENSIONS = ("colon_fence",)
# Raw HTML is never passed through, as a block or inline.
MYST_DISABLED_SYNTAX = ("html_block", "html_inline")
# Links: web and e-mail addresses only.
LINK_SCHEMES = ("http", "https", "mailto")

# A report's images: experiences/images/<slug>/…, written in the body as images/<slug>/<file>.
# One file or folder name inside it: letters, digits, '.', '_', '-', not starting with '.'.
IMAGE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._\-]*\Z")


def image_folder(slug: str) -> str:
    """The report's image folder as a body writes it: ``images/<slug>/``."""
    return f"{IMAGES_DIR}/{slug}/"


def in_image_folder(target: str, slug: str) -> bool:
    """Whether ``target`` (as written in the body) names something inside the report's own
    image folder: ``images/<slug>/`` and at least one name after it."""
    parts = target.split("/")
    return parts[:2] == [IMAGES_DIR, slug] and len(parts) >= 3


def plain_names(target: str) -> bool:
    """Whether every name after ``images/<slug>/`` is a plain file or folder name."""
    return all(IMAGE_NAME.match(p) for p in target.split("/")[2:])


def alt_is_file_name(alt: str, file_name: str) -> bool:
    """True when alt text is only the image's file name (``shifts.svg``, ``shifts``, or
    ``ct_room`` read as ``ct room``): it describes nothing. Compared with the file's own name,
    never its folders: ``diagram-shifts`` for ``diagram/shifts.svg`` is words, not its name."""
    low = " ".join(alt.split()).lower()
    name = file_name.lower()
    stem = name.rsplit(".", 1)[0]
    return low in (name, stem, re.sub(r"[-_]+", " ", stem))


# -- A directive's options, as MyST reads them -------------------------------------------------


@dataclass(frozen=True)
class DirectiveOptions:
    """A directive's options block and body, as MyST splits them (``:name: value`` lines, or
    ``name: value`` lines between ``---`` lines), before any directive converts a value.

    ``values``: each option's text as MyST read it, with the file line of its key; ``unreadable``:
    (file line, MyST's words) when the block cannot be read (then ``values`` is empty)."""

    values: dict[str, tuple[str, int]]
    body: str
    body_line: int
    unreadable: tuple[int, str] | None = None


class _AsWritten(dict[str, Callable[[str | None], str]]):
    """An option_spec that takes every option, keeping its text (the check judges the names)."""

    def __missing__(self, name: str) -> Callable[[str | None], str]:
        return _as_written


def _as_written(value: str | None) -> str:
    return value or ""


class _EveryOption(Directive):
    option_spec = _AsWritten()
    has_content = True


def directive_options(content: str, line: int) -> DirectiveOptions:
    """MyST's own reading of a directive's options (``content``: all after the opening line,
    which stands on file line ``line``): the build reads the same text the same way."""
    read = _parse_directive_options(content, _EveryOption, as_yaml=False, line=line)
    body_line = line + 1 + read.option_line_count
    for warning in read.warnings:
        if warning.msg.startswith("Invalid options format"):
            where = warning.lineno if warning.lineno is not None else line + 1
            return DirectiveOptions({}, read.content, body_line, (where, warning.msg))
    # Where each key stands: MyST keeps one option per line of its block, so its key's line
    # is the first line of the block that starts with it.
    block = content.split("\n")[: read.option_line_count]
    values = {}
    for name, value in read.options.items():
        key = re.compile(rf"\s*:?{re.escape(name)}\s*:")
        at = next((i for i, text in enumerate(block) if key.match(text)), 0)
        values[name] = (value, line + 1 + at)
    return DirectiveOptions(values, read.content, body_line)
