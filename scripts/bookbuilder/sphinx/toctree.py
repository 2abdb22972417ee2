"""Sphinx's toctree collector, forgetting a document in time independent of the book's size.

Before a document is read, Sphinx's ``TocTreeCollector.clear_doc`` walks every entry of
``env.files_to_rebuild`` (one per page of the book) to drop the document from it, so reading a
book costs time in the square of its pages: at 5,000 reports, 15 of the EPUB's 100 seconds
(profiled; docs/performance.md). The entries that can hold the document are those of the pages
its own toctrees include (``env.toctree_includes[docname]``: Sphinx's ``note_toctree`` fills
both from the same list), so this collector visits only those. Everything else is Sphinx's.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector


class LinearTocTreeCollector(TocTreeCollector):
    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        for included in env.toctree_includes.get(docname, ()):
            parents = env.files_to_rebuild.get(included)
            if parents is None:
                continue
            parents.discard(docname)
            if not parents:
                del env.files_to_rebuild[included]
        env.tocs.pop(docname, None)
        env.toc_secnumbers.pop(docname, None)
        env.toc_fignumbers.pop(docname, None)
        env.toc_num_entries.pop(docname, None)
        env.toctree_includes.pop(docname, None)
        env.glob_toctrees.discard(docname)
        env.numbered_toctrees.discard(docname)


def _builtin_collector(app: Sphinx) -> TocTreeCollector | None:
    """The collector Sphinx registered for itself (it keeps no other reference to it)."""
    for listener in app.events.listeners.get("env-purge-doc", []):
        owner = getattr(listener.handler, "__self__", None)
        if type(owner) is TocTreeCollector:
            return owner
    return None


def disable_builtin_collector(app: Sphinx) -> bool:
    """Sphinx's own toctree collector out, for :class:`LinearTocTreeCollector` to take its
    place (setup() adds it); False when it was not found (another Sphinx may have changed its
    collector: then it is kept, and ours is not added)."""
    builtin = _builtin_collector(app)
    if builtin is None:
        return False
    builtin.disable(app)
    return True
