"""The PDF's fonts: the system packages that install them, the order they are tried in, and
the faces the typesetter finds.

``PACKAGES`` is the one list of system packages the PDF needs: ``make setup-pdf`` and CI
install it (``make print-pdf-packages``), and ``tests/test_pdfengine.py`` checks that
``.readthedocs.yaml``, which cannot run a command to get it, copies it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

# Debian/Ubuntu packages for the PDF (typeset by Typst, from PyPI): the fonts of every script
# the contributors write (Noto: Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic,
# Devanagari, Bengali, Tamil, Thai, Lao, Khmer, Burmese, Tibetan, Ethiopic… and CJK), colour
# emoji, DejaVu Sans Mono for code, and poppler-utils, whose pdftotext and pdffonts the tests
# read the PDF with. ``make check`` checks every character against the fonts installed
# (check/glyphs.py).
PACKAGES = (
    "fonts-noto-core",
    "fonts-noto-cjk",
    "fonts-noto-color-emoji",
    "fonts-dejavu-core",
    "poppler-utils",
)
#: Without these the PDF cannot print its main text (the other scripts' fonts are checked
#: character by character by ``make check``: check/glyphs.py).
MAIN_FONTS = ("Noto Serif", "Noto Serif CJK SC")
SETUP_HINT = (
    "run `make setup-pdf` (Debian/Ubuntu), which installs these packages with apt: "
    + " ".join(PACKAGES)
)
#: The fonts, in the order Typst tries them for each character: Noto for Latin, Greek and
#: Cyrillic first, then one font per script (Debian's fonts-noto-core and fonts-noto-cjk), and
#: emoji last, in colour (fonts-noto-color-emoji: Typst embeds its bitmaps). A character none
#: of them has falls back to any installed font that has it; one that no installed font has is
#: an error of ``make check`` (``check/glyphs.py``).
FONTS = [
    "Noto Serif",
    "Noto Serif Armenian",
    "Noto Serif Georgian",
    "Noto Serif Hebrew",
    "Noto Naskh Arabic",
    "Noto Serif Devanagari",
    "Noto Serif Bengali",
    "Noto Serif Tamil",
    "Noto Serif Thai",
    "Noto Serif Lao",
    "Noto Serif Khmer",
    "Noto Serif Myanmar",
    "Noto Serif Tibetan",
    "Noto Serif Ethiopic",
    "Noto Serif CJK SC",
    "Noto Serif CJK TC",
    "Noto Serif CJK JP",
    "Noto Serif CJK KR",
    "Noto Color Emoji",
]
#: For text in these languages, this font comes before the other scripts' fonts: Han
#: characters are drawn differently in Japan, Korea, Taiwan and Hong Kong. (Urdu stays in Naskh:
#: Typst 0.15 gives Nastaliq's many glyphs per cluster wrong text for copying and screen
#: readers, typst/typst#7610; docs/pdf-engine.md.)
PREFERRED_FONTS = {
    "ja": "Noto Serif CJK JP",
    "ko": "Noto Serif CJK KR",
    "zh-Hant": "Noto Serif CJK TC",
    "zh-TW": "Noto Serif CJK TC",
    "zh-HK": "Noto Serif CJK TC",
    "zh-MO": "Noto Serif CJK TC",
    "zh": "Noto Serif CJK SC",
}
MONO_FONTS = ["DejaVu Sans Mono", *FONTS]


@dataclass(frozen=True)
class FontFace:
    """One face of an installed font file (a collection holds several, by ``index``)."""

    path: str
    index: int
    family: str


def installed_faces() -> list[FontFace]:
    """Every face of the system's fonts that the typesetter can set text with."""
    import typst

    found = typst.Fonts(include_embedded_fonts=False).fonts()
    return [FontFace(str(f.path), f.index, f.family) for f in found if f.path]


def missing_fonts() -> list[str]:
    """The main fonts (``MAIN_FONTS``) the typesetter does not find: the PDF needs them all."""
    import typst

    families = set(typst.Fonts(include_embedded_fonts=False).families())
    return [font for font in MAIN_FONTS if font not in families]
