"""Every build leaves exactly what a build from an empty ``_build/`` leaves: nothing stale.

Sphinx writes the pages it has to and copies images, but never deletes anything: the page and
the photographs of a withdrawn, drafted, deleted or renamed report stayed in the website, and
the EPUB builder, which packs whatever its folder holds, put them in the e-book too. Here, for
the web edition and the EPUB (the PDF is one file, made anew by every build):

- ``_static/`` is emptied just before Sphinx copies this build's static files into it (every
  build copies all of them), so what a theme, a language or a setting no longer brings goes;
- when the pages are written (the EPUB: before it is packed), every page that is neither a
  current document's nor one written by this build (index, search), every image under
  ``_images/`` that no current document shows, every file under ``_downloads/`` no current
  document offers, every file a page wrote beside itself (``cite/<slug>.ris``) for a page that is
  gone, and Sphinx's ``.buildinfo.bak``, are deleted, and the search index is
  repaired (``repair_search_index``);
- an image's name in ``_images/`` comes from its whole path (``PathNames``), not from the order
  in which documents were read: Sphinx numbers same-named images (``photo.jpg``,
  ``photo1.jpg``…) in reading order, so after a withdrawal another report's photograph could
  have a name that a clean build would give differently.

``tests/test_stale.py`` holds an incremental build to a clean one after random edits.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search import js_index
from sphinx.util._files import FilenameUniqDict

from bookbuilder.layout import CITE_DIR, REPORT_PAGES
from bookbuilder.sphinx.state import BuildState

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder


def write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path`` unless it is there already: an unchanged file keeps its time,
    so a rebuild copies or uploads nothing it need not."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


STATIC = "_static"
IMAGES = "_images"
DOWNLOADS = "_downloads"
# Sphinx's record of an older configuration, left when the configuration changed.
STALE_RECORDS = (".buildinfo.bak",)


class PathNames(FilenameUniqDict):
    """Sphinx's table of images: the same, but each one's name in ``_images/`` is its path
    (``experiences/images/a/photo.jpg`` → ``experiences-images-a-photo.jpg``), so a name never
    depends on which other documents were read before. A path outside the sources (an SVG
    converted for the PDF, under the doctrees) is taken from the folder in ``roots`` that
    holds it, so that no name carries the build machine's folders."""

    roots: tuple[Path, ...] = ()  # set for each build (not pickled with the environment)

    def name_of(self, path: str) -> str:
        relative = Path(path)
        if relative.is_absolute():
            root = next((r for r in self.roots if relative.is_relative_to(r)), None)
            relative = relative.relative_to(root) if root else Path(relative.name)
        return relative.as_posix().strip("/").replace("/", "-")

    def add_file(self, docname: str, newfile: str | os.PathLike[str]) -> str:
        newfile = str(newfile)
        if newfile in self:
            docnames, unique_name = self[newfile]
            docnames.add(docname)
            return unique_name
        name = self.name_of(newfile)
        unique_name, number = name, 0
        stem, dot, suffix = name.rpartition(".")
        while unique_name in self._existing:  # `a-b/c` against `a/b-c`: numbered, as Sphinx
            number += 1
            unique_name = f"{stem}{number}{dot}{suffix}" if dot else f"{name}{number}"
        self[newfile] = ({docname}, unique_name)
        self._existing.add(unique_name)
        return unique_name


def name_images_by_path(app: Sphinx) -> None:
    """builder-inited: the environment's table of images is a :class:`PathNames`."""
    images = app.env.images
    folders = (Path(app.srcdir), Path(app.doctreedir) / "images")  # as given, and resolved
    roots = tuple(dict.fromkeys([*folders, *(f.resolve() for f in folders)]))
    if isinstance(images, PathNames):
        images.roots = roots
        return
    table = PathNames()  # a new environment (old ones: see env_version)
    table.roots = roots
    for path, (docnames, _name) in images.items():
        for docname in sorted(docnames):
            table.add_file(docname, path)
    app.env.images = table


def _prunes(builder: Builder) -> TypeGuard[StandaloneHTMLBuilder]:
    """The builders whose folder holds one file per page: the web edition and the EPUB (Sphinx's
    builders of HTML all are ``StandaloneHTMLBuilder``'s)."""
    return builder.format == "html"


def empty_static(app: Sphinx, builder: Builder) -> None:
    """write-started: ``_static/`` holds only what this build copies into it."""
    if _prunes(builder):
        shutil.rmtree(Path(builder.outdir) / STATIC, ignore_errors=True)


def note_page(
    build: BuildState,
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """html-page-context: the pages this build writes."""
    if not build.pages_written:  # the first page: the last build's search index is still there
        build.search_index_before = _read_search_index(app.builder)
    build.pages_written.add(pagename)


def note_pages_elsewhere(build: BuildState, app: Sphinx, docnames: list[str]) -> None:
    """bookbuilder-written-elsewhere: each document's page, written in another process."""
    build.pages_written.update(docnames)


def expected_pages(builder: StandaloneHTMLBuilder, written: set[str]) -> set[str]:
    """The pages a clean build writes (paths in the builder's folder): one per document, and
    those ``written`` by this build (index, search)."""
    names = set(builder.env.found_docs) | written
    return {name + builder.out_suffix for name in names}


def files_beside_pages() -> dict[str, str]:
    """Folders of files that a page writes beside itself, named after it (``cite/<slug>.ris``),
    and the document name each file's stem completes."""
    return {CITE_DIR: REPORT_PAGES}


def stale_outputs(builder: StandaloneHTMLBuilder, written: set[str]) -> list[Path]:
    """The files of the builder's folder that a clean build of the book as it stands lacks.

    Plain strings and one walk of the folder (not into ``_static/``): a book of 5,000 reports
    has as many pages, looked at after every build."""
    outdir = Path(builder.outdir)
    env = builder.env
    current = set(env.found_docs)
    pages = expected_pages(builder, written)
    images = {name for docnames, name in env.images.values() if docnames & current}
    downloads = {name for docnames, name in env.dlfiles.values() if docnames & current}
    beside = files_beside_pages()
    suffix = builder.out_suffix
    stale = []
    for folder, subfolders, files in os.walk(outdir):
        here = Path(folder).relative_to(outdir).as_posix()
        if here == ".":
            subfolders[:] = [f for f in subfolders if f != STATIC]  # emptied before each copy
            here = ""
        top = here.split("/", 1)[0]
        for name in files:
            relative = f"{here}/{name}" if here else name
            if top == IMAGES:
                gone = relative[len(IMAGES) + 1 :] not in images
            elif top == DOWNLOADS:
                gone = relative[len(DOWNLOADS) + 1 :] not in downloads
            elif top in beside and here == top:
                gone = beside[top] + name.rsplit(".", 1)[0] not in current
            elif relative in STALE_RECORDS:
                gone = True
            else:
                gone = name.endswith(suffix) and relative not in pages
            if gone:
                stale.append(outdir / relative)
    return sorted(stale)


def prune(builder: StandaloneHTMLBuilder, written: set[str]) -> list[Path]:
    """Delete what a clean build would not have written, and the folders that leaves empty;
    ``written``: the pages this build wrote."""
    outdir = Path(builder.outdir)
    removed = stale_outputs(builder, written)
    for path in removed:
        path.unlink()
        for folder in path.parents:
            if folder == outdir or not folder.is_relative_to(outdir) or any(folder.iterdir()):
                break
            folder.rmdir()
    return removed


def _search_index_path(builder: Builder) -> Path:
    return Path(builder.outdir) / getattr(builder, "searchindex_filename", "searchindex.js")


def _read_search_index(builder: Builder) -> dict[str, Any] | None:
    path = _search_index_path(builder)
    if getattr(builder, "indexer", None) is None or path.suffix != ".js":
        return None
    try:
        return js_index.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _index_entries_by_page(index: dict[str, Any]) -> dict[str, list[tuple[str, str, bool]]]:
    docnames = index["docnames"]
    pages: dict[str, list[tuple[str, str, bool]]] = {}
    for entry, places in index.get("indexentries", {}).items():
        for number, target, main in places:
            pages.setdefault(docnames[number], []).append((entry, target, main))
    return pages


def repair_search_index(builder: Builder, build: BuildState) -> None:
    """Sphinx's search index, updated rather than made anew, differs from a clean build's:

    - it keeps every word of a removed page as a term no page has (``"carer": []``): a
      withdrawn report's words, names included, stayed in ``searchindex.js``;
    - it loses the index entries (authors, countries, topics) of every page it did not write
      again, so searching for an author found their report only after a full build.

    Terms without pages are dropped; the entries of pages not written by this build are taken
    from the last build's index, and every entry lists its pages in the order a clean build
    does."""
    new = _read_search_index(builder)
    if new is None:
        return
    docnames = new["docnames"]
    written = build.pages_written
    old = build.search_index_before
    entries = _index_entries_by_page(new)
    if old is not None:
        for page, kept in _index_entries_by_page(old).items():
            if page not in written and page in docnames:
                entries[page] = kept
    number = {page: i for i, page in enumerate(docnames)}
    index_entries: dict[str, list[tuple[int, str, bool]]] = {}
    for page in sorted(entries, key=number.__getitem__):
        for entry, target, main in entries[page]:
            index_entries.setdefault(entry, []).append((number[page], target, main))
    new["indexentries"] = index_entries
    for key in ("terms", "titleterms"):
        new[key] = {term: pages for term, pages in new.get(key, {}).items() if pages != []}
    text = js_index.dumps(new)
    path = _search_index_path(builder)
    if path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def prune_web_edition(build: BuildState, app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the web edition's folder holds what a clean build's would."""
    if exception is None and _prunes(app.builder) and not app.builder.name.startswith("epub"):
        prune(app.builder, build.pages_written)
        repair_search_index(app.builder, build)


def prune_epub(build: BuildState, app: Sphinx, builder: StandaloneHTMLBuilder) -> None:
    """bookbuilder-epub-written (BookEpubBuilder, before it packs its folder): the same."""
    prune(builder, build.pages_written)
