"""Pictures the builder draws itself (the typographic cover, the web edition's icons, the link
preview), drawn again only when what they show changes.

Each drawing is a pure function of its inputs, yet drawing the cover and the icons took 0.15 s
of every build of a book of 1,000 reports, changed or not, and the link preview (matplotlib)
more than half a second (profiled). :func:`drawn` keeps each picture in a folder of the build
with the key it was drawn from: the inputs and the builder's own code, so a new version of the
drawing is drawn anew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from bookbuilder.check.cache import code_fingerprint


def drawn(folder: Path, name: str, inputs: object, draw: Callable[[], bytes]) -> bytes:
    """What ``draw()`` makes of ``inputs`` (their ``repr`` is the key), from ``folder`` when it
    was drawn from the same inputs by the same code, else drawn and kept there as ``name``."""
    key = hashlib.sha256(repr((code_fingerprint(), inputs)).encode("utf-8", "replace")).hexdigest()
    picture, stamp = folder / name, folder / f"{name}.key"
    try:
        if picture.is_file() and stamp.read_text("utf-8") == key:
            return picture.read_bytes()
    except OSError:
        pass  # drawn again
    data = draw()
    folder.mkdir(parents=True, exist_ok=True)
    picture.write_bytes(data)
    stamp.write_text(key, "utf-8")
    return data
