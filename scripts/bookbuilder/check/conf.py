"""The book's settings: conf.py's ``book`` mapping, run and validated.

Read by every command that needs the book's settings (``make check``, the builds, ``make new``,
``make epubcheck``); ``settings.sphinx_settings`` in conf.py runs the same validation and, on a
problem, raises :class:`BookSettingsError`, which this reading turns back into the problems.
"""

from __future__ import annotations

import runpy
from collections.abc import Sequence
from pathlib import Path

from sphinx.errors import ConfigError

from bookbuilder.check.validate import validate_book_meta
from bookbuilder.codes import Code
from bookbuilder.layout import CONF_FILE
from bookbuilder.model import BookMeta, Problem


class BookSettingsError(ConfigError):
    """conf.py's ``book`` mapping has values validation cannot use: every problem, located."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_book_settings(root: Path) -> tuple[BookMeta | None, list[Problem]]:
    """The ``book`` mapping of conf.py, validated."""
    conf = root / CONF_FILE
    if not conf.is_file():
        return None, [
            Problem(CONF_FILE, 1, "not found; the book's settings live there", code=Code.CONF_ERROR)
        ]
    try:
        text = conf.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(CONF_FILE, 1, f"cannot be read: {error}", code=Code.CONF_ERROR)]
    try:
        namespace = runpy.run_path(str(conf))
    except BookSettingsError as error:  # sphinx_settings(book) found what validation finds
        return None, list(error.problems)
    except Exception as error:  # conf.py is the editors' Python: report, never trace back
        line = getattr(error, "lineno", None) or 1
        return None, [Problem(CONF_FILE, line, f"cannot be run: {error}", code=Code.CONF_ERROR)]
    book = namespace.get("book")
    if not isinstance(book, dict):
        return None, [Problem(CONF_FILE, 1, "has no `book = {...}` mapping", code=Code.CONF_BOOK)]
    return validate_book_meta(book, CONF_FILE, text, root)
