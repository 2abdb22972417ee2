"""Whether the typesetter can draw an SVG file: one it cannot would stop the whole book's PDF,
so ``make check`` (check/images.py) asks first."""

from __future__ import annotations

import tempfile
from pathlib import Path


def svg_error(data: bytes) -> str | None:
    """Why Typst (through usvg) cannot draw the SVG ``data``, in its own words; None when it can.
    Drawn alone, in an empty folder, with no system fonts: nothing of the machine is read."""
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "image.svg").write_bytes(data)
        (Path(tmp) / "main.typ").write_text('#image("image.svg")\n', "utf-8")
        try:
            typst.compile(str(Path(tmp) / "main.typ"), format="svg", ignore_system_fonts=True)
        except typst.TypstError as error:
            return str(error.message)
    return None
