"""Which built editions are the book as it stands: the website offers no stale download.

``make html`` on its own used to offer whatever EPUB and PDF lay in ``_build/``: after a report
was withdrawn, the landing page's download was still the e-book with that report in it. Now
every build writes ``_build/editions.json``: the fingerprint of the current sources (the rendered
MyST sources and images, conf.py, the builder's own files), and, for each edition built (the
registry: ``bookbuilder/editions.py``), the fingerprint of the sources it was last built from.
The website offers an edition only when the two agree (``sphinx.online.sync_downloads``); the
build's summary names those it left out.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from bookbuilder.check.cache import code_fingerprint
from bookbuilder.layout import CONF_FILE

RECORD = "editions.json"  # under _build/


def sources_fingerprint(rendered: str, root: Path) -> str:
    """The book as it stands: its rendered sources, its settings and the builder's version."""
    conf = root / CONF_FILE
    parts = [rendered, hashlib.sha256(conf.read_bytes()).hexdigest(), code_fingerprint()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read_record(builddir: Path) -> dict[str, Any]:
    try:
        data = json.loads((builddir / RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        return {"sources": "", "built": {}}
    if not isinstance(data, dict) or not isinstance(data.get("built"), dict):
        return {"sources": "", "built": {}}
    return data


def _write_record(builddir: Path, record: dict[str, Any]) -> None:
    builddir.mkdir(parents=True, exist_ok=True)
    partial = builddir / (RECORD + ".partial")
    partial.write_text(json.dumps(record, indent=1, sort_keys=True), "utf-8")
    os.replace(partial, builddir / RECORD)


def start(builddir: Path, sources: str, building: tuple[str, ...]) -> None:
    """Before the editions are built: the sources as they are now; an edition about to be
    built is not current until it has been built (a build that fails leaves no claim)."""
    record = read_record(builddir)
    record["sources"] = sources
    record["built"] = {k: v for k, v in record["built"].items() if k not in building}
    _write_record(builddir, record)


def built(builddir: Path, edition: str) -> None:
    """``edition`` was built, without error, from the sources ``start`` recorded."""
    record = read_record(builddir)
    record["built"][edition] = record["sources"]
    _write_record(builddir, record)


def is_current(builddir: Path, edition: str) -> bool:
    record = read_record(builddir)
    return bool(record["sources"]) and record["built"].get(edition) == record["sources"]
