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
import os
from collections.abc import Callable
from pathlib import Path

import PIL

from bookbuilder.check.cache import code_fingerprint
from bookbuilder.render.cover import cover_fonts


def drawn(folder: Path, name: str, inputs: object, draw: Callable[[], bytes]) -> bytes:
    """What ``draw()`` makes of ``inputs`` (their ``repr`` is the key), from ``folder`` when it
    was drawn from the same inputs by the same code, Pillow and fonts, else drawn and kept there
    as ``name``, under its key: a picture is never found under another picture's key."""
    picture = _kept(folder, name, inputs)
    try:
        return picture.read_bytes()
    except OSError:
        pass  # not drawn yet
    data = draw()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"*-{name}"):  # the same picture from other inputs: stale
        old.unlink(missing_ok=True)
    partial = picture.with_name(picture.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, picture)  # whole or not at all
    return data


def is_drawn(folder: Path, name: str, inputs: object) -> bool:
    """Whether :func:`drawn` finds the picture kept in ``folder``, without drawing it."""
    return _kept(folder, name, inputs).is_file()


def _kept(folder: Path, name: str, inputs: object) -> Path:
    """Where the picture drawn from ``inputs`` is kept: named by its key (module docstring)."""
    machine = (code_fingerprint(), PIL.__version__, cover_fonts())
    key = hashlib.sha256(repr((machine, inputs)).encode("utf-8", "replace")).hexdigest()
    return folder / f"{key}-{name}"
