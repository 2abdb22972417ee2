"""What an incremental build writes again besides the pages Sphinx re-read.

Sphinx writes the pages whose sources changed and their toctree parents. A page also shows
the book's structure (the sidebar, its previous and next pages, their titles), which changes
when another report is added, withdrawn, moved or retitled: those pages are written again
(``pages_whose_structure_changed``), so an incremental build's website is a clean build's
(``tests/test_stale.py``). So are the pages whose document another edition's build read again
since this edition last wrote them: all editions share one environment (``sphinx/build.py``).
And the theme's compiled templates are kept between builds.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx

from bookbuilder.sphinx.chapters import ChapterReportLists


def structure_seen_by_pages(env: Any, root_doc: str) -> dict[str, Any]:
    """What the web pages show of the book's structure: ``sidebar``, the part every page shows
    (the root document's toctree entries and their titles), and ``pages``, each page's own part
    (its parents up to the root, its previous and next pages, and on a report's page the
    chapter's reports its sidebar lists, with their titles)."""

    @functools.cache  # each title taken from its node once: a report's sidebar lists 21 reports
    def title_of(doc: str | None) -> str | None:
        node = env.titles.get(doc) if doc is not None else None
        return node.astext() if node is not None else None

    sidebar = []
    if root_doc in env.all_docs:
        for toctree in env.get_doctree(root_doc).findall(addnodes.toctree):
            sidebar += [
                [title, ref, title_of(ref), bool(toctree.get("hidden"))]
                for title, ref in toctree["entries"]
            ]
    relations = env.collect_relations()
    chapters = ChapterReportLists(env)  # a report page's sidebar lists its chapter's reports
    pages: dict[str, Any] = {}
    for doc in sorted(env.found_docs):
        parent, previous, following = relations.get(doc, (None, None, None))
        chain: list[str] = []
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = relations.get(parent, (None, None, None))[0]
        around = chapters.around(doc)
        listed = [[d, title_of(d)] for d in around[1]] + [around[2]] if around else []
        pages[doc] = [
            len(chain),
            [[d, title_of(d)] for d in (*chain, previous, following)],
            listed,
        ]
    return {"sidebar": sidebar, "pages": pages}


def _structure_file(app: Sphinx, pending: bool = False) -> Path:
    # One per builder (the EPUB and the website share an environment, not their pages).
    name = f"bookbuilder-structure-{app.builder.name}.json" + (".pending" if pending else "")
    return Path(app.doctreedir) / name


def pages_whose_structure_changed(app: Sphinx, env: Any) -> list[str]:
    """env-get-updated: Sphinx rewrites the pages it re-read and their toctree parents; the pages
    next to a new, moved or retitled report would keep stale previous/next links. Those are written
    again (not re-read). When the sidebar changes (a chapter added, removed, moved or retitled),
    every page is. An edit inside one report's text changes nothing here: that page alone is
    rewritten.

    And the pages whose document was read again since this edition's last build: Sphinx writes
    those it reads itself, but all editions share one environment, and a document another
    edition read is not read again here. An image replaced under the same name changes no
    Markdown: the EPUB's build (first) read the report again, the website's (last) found the
    source older than its page and kept it, showing the old image's copies, which it pruned
    as no page's (tests/test_stale.py, "an image replaced").

    The structure of the last finished build is kept beside the doctrees (``save_structure``):
    a build that fails compares the next one with the last good one."""
    current = structure_seen_by_pages(env, app.config.root_doc)
    current["read"] = {doc: env.all_docs.get(doc) for doc in sorted(env.found_docs)}
    # This build's structure waits beside the doctrees until the build finishes (no state kept
    # on the builder): a build that fails leaves the last good one in place.
    _structure_file(app, pending=True).write_text(json.dumps(current, ensure_ascii=False), "utf-8")
    try:
        previous = json.loads(_structure_file(app).read_text("utf-8"))
    except (OSError, ValueError):
        return []  # the first build of this edition: every page is written anyway
    if previous.get("sidebar") != current["sidebar"]:
        return sorted(env.found_docs)
    before, read_before = previous.get("pages", {}), previous.get("read", {})
    return sorted(
        doc
        for doc, seen in current["pages"].items()
        if before.get(doc) != seen or read_before.get(doc) != current["read"][doc]
    )


def save_structure(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: this build's structure is the last good one."""
    pending = _structure_file(app, pending=True)
    if exception is None and pending.is_file():
        pending.replace(_structure_file(app))


def cache_compiled_templates(app: Sphinx) -> None:
    """builder-inited: keep the theme's compiled templates beside the doctrees: compiling them again
    was half of a one-line edit's rebuild (profiled, make serve). Keyed by each template's text, so
    an updated theme is compiled anew."""
    from jinja2 import FileSystemBytecodeCache

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        folder = Path(app.doctreedir) / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
