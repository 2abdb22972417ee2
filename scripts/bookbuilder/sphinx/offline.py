"""Reading offline: the website installs as a progressive web app.

For the web edition only (the EPUB is offline by nature), when the HTML build finishes:

- ``manifest.webmanifest`` and two square icons: the book can be installed on a phone's home
  screen, with its title, language and colours;
- ``sw.js``, the service worker (``templates/offline/sw.js``): every page a reader opens is kept
  with what it needs, and shown again without a network;
- ``offline-files.json``: what "Save the whole book" (a panel on the landing page) keeps, with
  sizes; the EPUB and PDF downloads are listed apart and kept only when the reader asks.

Every page links the manifest and loads ``_static/offline.js``, which registers the worker. The
worker's version is a digest of the site's files, so a new build replaces what readers kept, and
the same sources give the same files (no dates, no random state).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
from functools import partial
from pathlib import Path
from typing import Any, TypedDict

from docutils import nodes
from PIL import Image
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.writers.html5 import HTML5Translator

from bookbuilder.layout import DOWNLOADS_DIR
from bookbuilder.render.cover import BACKGROUND, cover_png
from bookbuilder.render.drawn import drawn
from bookbuilder.sphinx.outputs import write_if_changed
from bookbuilder.words import _

MANIFEST = "manifest.webmanifest"
WORKER = "sw.js"
LISTING = "offline-files.json"
ICON_SIZES = (192, 512)
WORKER_TEMPLATE = Path(__file__).parents[1] / "templates" / "offline" / WORKER
# Not worth keeping for a reader: Sphinx's sources and inventory, our own offline files.
_NOT_KEPT_DIRS = ("_sources/", ".doctrees/")
_NOT_KEPT_FILES = frozenset({".buildinfo", "objects.inv", WORKER, LISTING})
DIGESTS = "offline-digests.json"  # beside the doctrees: each listed file's digest and state
# Files whose bytes make the version (small, and they change when the book does); others by size.
_DIGESTED = frozenset({".html", ".js", ".css", ".json", ".svg", ".webmanifest", ".txt"})


class ListedFile(TypedDict):
    path: str  # relative to the website's folder
    size: int  # bytes


class OfflineListing(TypedDict):
    """``offline-files.json``: what the worker saves, and the version it saves them under."""

    version: str
    files: list[ListedFile]
    downloads: list[ListedFile]


class offline_panel(nodes.General, nodes.Element):
    """The landing page's "Save the whole book for offline reading" (hidden without the worker)."""


def visit_offline_panel(self: HTML5Translator, node: offline_panel) -> None:
    if self.builder.format != "html" or self.builder.name.startswith("epub"):
        raise nodes.SkipNode
    esc = html.escape
    # the words offline.js shows while it saves, in the book's language (data-*)
    said = {
        "progress": _("Saving… {done} of {total} files."),
        "saved": _("The whole book is saved: you can read it without a connection."),
        "saved-downloads": _(
            "The whole book and its downloads are saved: you can read it without a connection."
        ),
        "failed": _("Saving stopped ({reason}). Try again when you are online."),
        "saving": _("Saving the book for offline reading…"),
    }
    data = "".join(f' data-{key}="{esc(words)}"' for key, words in said.items())
    heading = esc(_("Read without a connection"))
    save = esc(_("Save the whole book for offline reading"))
    also = esc(_("Also save the downloads (EPUB, PDF)"))
    self.body.append(
        '<section class="book-offline" id="book-offline" hidden '
        f'aria-labelledby="book-offline-title"{data}>'
        f'<h2 id="book-offline-title">{heading}</h2>'
        "<p>"
        + esc(
            _(
                "Every page you open stays readable offline. To take the whole book with you, "
                "save it in this browser:"
            )
        )
        + "</p>"
        '<p><button type="button" class="book-button book-offline-save">'
        f"{save} "
        '<span class="book-offline-size"></span></button></p>'
        '<p><label><input type="checkbox" name="downloads"> '
        f"{also} "
        '<span class="book-offline-downloads-size"></span></label></p>'
        '<p class="book-offline-status" role="status" aria-live="polite"></p>'
        "</section>\n"
    )
    raise nodes.SkipNode


def _is_web(app: Sphinx) -> bool:
    return app.builder.format == "html" and not app.builder.name.startswith("epub")


def add_offline_script(app: Sphinx) -> None:
    """builder-inited: every page of the website registers the worker (the EPUB has no script)."""
    if _is_web(app):
        app.add_js_file("offline.js", loading_method="defer")


def link_manifest(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """html-page-context: the manifest, the theme colour and the icon in every page's head
    (without an icon, browsers ask for /favicon.ico, a 404 on every first visit)."""
    if not _is_web(app):
        return
    href = html.escape(context["pathto"](MANIFEST, 1))
    icon = html.escape(context["pathto"](f"_static/icon-{ICON_SIZES[0]}.png", 1))
    tags = (
        f'<link rel="manifest" href="{href}" />\n'
        f'<link rel="icon" type="image/png" sizes="{ICON_SIZES[0]}x{ICON_SIZES[0]}" '
        f'href="{icon}" />\n'
        f'<link rel="apple-touch-icon" href="{icon}" />\n'
        f'<meta name="theme-color" content="{_hex(BACKGROUND)}" />\n'
    )
    context["metatags"] = context.get("metatags", "") + tags


def write_offline_files(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: icons, manifest, the file listing and the worker, in that order (the
    worker's version covers the other three)."""
    if exception is not None or not _is_web(app):
        return
    outdir = Path(app.outdir)
    config = app.config
    write_if_changed(outdir / MANIFEST, json.dumps(_manifest(config), indent=1).encode())
    for size in ICON_SIZES:
        name = f"icon-{size}.png"
        icon = drawn(
            Path(app.doctreedir) / "drawn",
            name,
            (config.project, size),
            partial(_icon, config.project, size),
        )
        write_if_changed(outdir / "_static" / name, icon)
    downloads_dir = DOWNLOADS_DIR
    listing = _listing(app, downloads_dir)
    write_if_changed(outdir / LISTING, json.dumps(listing, indent=1).encode())
    worker = WORKER_TEMPLATE.read_text("utf-8")
    worker = worker.replace("@VERSION@", listing["version"]).replace(
        "@DOWNLOADS_DIR@", downloads_dir
    )
    write_if_changed(outdir / WORKER, worker.encode())


def _manifest(config: Config) -> dict[str, Any]:
    colour = _hex(BACKGROUND)
    return {
        "name": config.project,
        "short_name": config.project if len(config.project) <= 30 else config.project[:29] + "…",
        "description": config.epub_description or config.project,
        "lang": config.language or "en",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": colour,
        "theme_color": colour,
        "icons": [
            {"src": f"_static/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
            for size in ICON_SIZES
        ],
    }


def offline_listing(
    outdir: Path, downloads_dir: str, known: dict[str, list[Any]] | None = None
) -> OfflineListing:
    """What "Save the whole book" keeps (``files``), the downloads apart, and a version that
    changes when any of them does. ``known``: each file's digest from the last build, with the
    state of the file it was made from (reading every page again took 0.1 s of every build of
    1,000 reports); it is brought up to date."""
    known = {} if known is None else known
    files: list[ListedFile] = []
    downloads: list[ListedFile] = []
    seen: set[str] = set()
    digest = hashlib.sha256()
    for relpath, found in _files(outdir):
        if relpath in _NOT_KEPT_FILES or relpath.startswith(_NOT_KEPT_DIRS):
            continue
        info = found.stat()
        entry = ListedFile(path=relpath, size=info.st_size)
        (downloads if relpath.startswith(downloads_dir + "/") else files).append(entry)
        state = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        if known.get(relpath, [None])[:-1] != state:
            digested = os.path.splitext(relpath)[1] in _DIGESTED
            content = Path(found.path).read_bytes() if digested else str(info.st_size).encode()
            known[relpath] = [*state, hashlib.sha256(content).hexdigest()]
        seen.add(relpath)
        digest.update(relpath.encode() + b"\0" + bytes.fromhex(known[relpath][-1]))
    for gone in known.keys() - seen:
        del known[gone]
    return OfflineListing(version=digest.hexdigest()[:16], files=files, downloads=downloads)


def _files(folder: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """Every file under ``folder`` (relative path, entry), in the order of ``sorted(Path.rglob)``
    and as it finds them (symbolic links to folders not followed); with ``os.scandir``, which
    walked the website's 3,600 files of 1,000 reports in 5 ms where ``rglob`` and ``Path``'s
    sorting took 76 ms of the serial finish."""
    found: list[tuple[str, os.DirEntry[str]]] = []
    folders = [(str(folder), "")]
    while folders:
        path, prefix = folders.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir() and not entry.is_symlink():
                    folders.append((entry.path, prefix + entry.name + "/"))
                elif entry.is_file():
                    found.append((prefix + entry.name, entry))
    return sorted(found, key=lambda file: file[0].split("/"))


def _listing(app: Sphinx, downloads_dir: str) -> OfflineListing:
    """The listing, with the digests of the last build kept beside the doctrees."""
    memory = Path(app.doctreedir) / DIGESTS
    try:
        known = json.loads(memory.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    listing = offline_listing(Path(app.outdir), downloads_dir, known)
    write_if_changed(memory, json.dumps(known, sort_keys=True).encode())
    return listing


def _icon(title: str, size: int) -> bytes:
    """A square icon: the typographic cover (its title alone), centred on the cover's colour."""
    with Image.open(io.BytesIO(cover_png(title, width=size))) as drawn_cover:
        cover = drawn_cover.convert("RGB")
        cover.thumbnail((size, size))
        icon = Image.new("RGB", (size, size), BACKGROUND)
        icon.paste(cover, ((size - cover.width) // 2, (size - cover.height) // 2))
    out = io.BytesIO()
    icon.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _hex(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)
