"""Every warning, every build: Sphinx's warnings about a page are remembered until it changes.

Sphinx warns about a page when it reads it (docutils and MyST: "Footnote [1] is not referenced",
a duplicate target…), when it checks the book's consistency, and when it writes the page (a
reference it cannot resolve). A build that neither re-reads nor rewrites a page says nothing
about it, so the summary of an incremental build lost warnings that a full build lists. Here
every warning that names a document is kept with the document:

- read warnings in the environment (``env.bookbuilder_warnings``), which Sphinx keeps exactly
  as long as the document's doctree: forgotten when the document is read again or removed;
- consistency warnings, replaced whenever Sphinx checks the book's consistency, and each
  builder's write warnings, replaced for every page it writes again (for builders that write
  the whole book every time, such as LaTeX, all at once), beside the doctrees;

and at the end of every build, the warnings of every current document are written to
``LAST_RUN`` in the doctree folder, which ``sphinx.build.run_sphinx`` adds to the warnings the
run printed itself. Warnings that name no document (about conf.py, the EPUB as a whole) are
made by every build and need no memory.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging as sphinx_logging
from sphinx.util.build_phase import BuildPhase

from bookbuilder.sphinx.state import BuildState

STORE = "bookbuilder-warnings.json"  # consistency and write warnings, in the doctree folder
LAST_RUN = "bookbuilder-warnings-last-run.txt"
LOCATION_LINE = re.compile(r":\d*$")


class WarningMemory(sphinx_logging.WarningStreamHandler):
    """Receives Sphinx's warnings after its own handler (a WarningStreamHandler too, so that it
    waits with Sphinx's while documents are read) and files those that name a document."""

    def __init__(self, app: Sphinx) -> None:
        # never written to: emit files the warning instead
        super().__init__(sphinx_logging.SafeEncodingWriter(io.StringIO()))
        self.app = app
        self.setLevel(logging.WARNING)
        self.addFilter(sphinx_logging.WarningSuppressor(app))
        self.writing = False
        self.consistency: dict[str, set[str]] | None = None  # this build's, when checked
        self.written: dict[str, set[str]] = {}  # this build's write warnings per document

    def emit(self, record: logging.LogRecord) -> None:
        if not isinstance(record, sphinx_logging.SphinxWarningLogRecord):
            # not yet shaped by Sphinx's own handler (which comes first): shape a copy alike
            record = copy.copy(record)
            # its filter takes any record and makes it a SphinxWarningLogRecord; Sphinx's own
            # annotation names only the latter (Sphinx 8 silences its override the same way)
            sphinx_logging.WarningLogRecordTranslator(self.app).filter(record)  # type: ignore[arg-type]
        docname = _docname(self.app, getattr(record, "location", None))
        if docname is None:
            return
        line = record.getMessage()
        if self.app.phase == BuildPhase.INITIALIZATION:
            return  # made again by every build
        if self.app.phase == BuildPhase.READING:
            kept = read_warnings(self.app.env).setdefault(docname, [])
            if line not in kept:
                kept.append(line)
        elif not self.writing:
            if self.consistency is None:
                self.consistency = {}
            self.consistency.setdefault(docname, set()).add(line)
        else:
            self.written.setdefault(docname, set()).add(line)


def read_warnings(env: BuildEnvironment) -> dict[str, list[str]]:
    """The read warnings the environment keeps, by document (an attribute of its own, pickled
    with it: made here the first time)."""
    kept: dict[str, list[str]] = vars(env).setdefault("bookbuilder_warnings", {})
    return kept


def _docname(app: Sphinx, location: object) -> str | None:
    if not isinstance(location, str) or not location:
        return None
    path = LOCATION_LINE.sub("", location) if LOCATION_LINE.search(location) else location
    try:
        return app.env.path2doc(path)
    except (ValueError, OSError):
        return None


def _store_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STORE


def _read_store(app: Sphinx) -> dict[str, Any]:
    try:
        data = json.loads(_store_path(app).read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data.setdefault("consistency", {})
    data.setdefault("write", {})
    return data


def listen(build: BuildState, app: Sphinx) -> None:
    """builder-inited: file every warning that names a document from now on."""
    read_warnings(app.env)
    build.warnings = WarningMemory(app)
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(build.warnings)


def forget_document(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """env-purge-doc: a document read again or removed loses its read warnings."""
    read_warnings(env).pop(docname, None)


def merge_warnings(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """env-merge-info: the read warnings of the documents another process read (``JOBS``), in
    the order it filed them. (Sphinx sends that process's warnings back to this one, which files
    them here too as it handles them: a warning is kept once.)"""
    theirs = read_warnings(other)
    ours = read_warnings(env)
    for docname in sorted(set(docnames) & theirs.keys()):
        kept = ours.setdefault(docname, [])
        kept += [line for line in theirs[docname] if line not in kept]


def note_checked(build: BuildState, app: Sphinx, env: BuildEnvironment) -> None:
    """env-check-consistency: this build's consistency warnings replace the last ones."""
    if build.warnings is not None and build.warnings.consistency is None:
        build.warnings.consistency = {}  # checked and nothing found: that is news too


def note_writing(build: BuildState, app: Sphinx, builder: Builder) -> None:
    """write-started: warnings from now on are write warnings."""
    if build.warnings is not None:
        build.warnings.writing = True


def note_written(build: BuildState, app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: this document's write warnings are this build's."""
    build.docs_written.add(docname)


def note_written_elsewhere(build: BuildState, app: Sphinx, docnames: list[str]) -> None:
    """bookbuilder-written-elsewhere: documents written in another process (parallel.py)."""
    build.docs_written.update(docnames)


def _writes_page_by_page(builder: Builder) -> bool:
    return type(builder).write_documents is Builder.write_documents


def remember(build: BuildState, app: Sphinx, exception: Exception | None) -> None:
    """build-finished: keep the warnings, and write every current document's to ``LAST_RUN``."""
    memory = build.warnings
    if memory is None:
        return
    logging.getLogger(sphinx_logging.NAMESPACE).removeHandler(memory)
    if exception is not None:
        return
    current = set(app.env.found_docs)
    store = _read_store(app)
    if memory.consistency is not None:
        store["consistency"] = {d: sorted(w) for d, w in memory.consistency.items()}
    kept = store["write"].get(app.builder.name, {})
    if _writes_page_by_page(app.builder):
        written = build.docs_written
        kept = {d: w for d, w in kept.items() if d not in written and d not in memory.written}
    else:
        kept = {}
    kept.update({d: sorted(w) for d, w in memory.written.items()})
    store["write"][app.builder.name] = {d: w for d, w in kept.items() if d in current}
    store["consistency"] = {d: w for d, w in store["consistency"].items() if d in current}
    _store_path(app).write_text(json.dumps(store, ensure_ascii=False, sort_keys=True), "utf-8")
    lines: set[str] = set()
    for docname in current:
        lines.update(read_warnings(app.env).get(docname, ()))
        lines.update(store["consistency"].get(docname, ()))
        lines.update(store["write"][app.builder.name].get(docname, ()))
    (Path(app.doctreedir) / LAST_RUN).write_text("".join(f"{w}\n" for w in sorted(lines)))
