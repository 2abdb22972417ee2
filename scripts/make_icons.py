"""Write ``static/icons.css``: the few Font Awesome icons the theme's pages use, as CSS masks.

pydata-sphinx-theme draws its icons (menu, search, light/dark switch, page arrows) with Font
Awesome's script, 1.5 MB (538 kB compressed) on every page. The book does not load that script
(``templates/html/static/webpack-macros.html``); these icons are drawn from the same SVG paths,
taken from the installed theme's copy of Font Awesome Free (icons: CC BY 4.0), by CSS alone.

Run from the repository root when the theme is upgraded or a page gains an icon
(``tests/test_edition_images.py`` fails naming the icon)::

    .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pydata_sphinx_theme

ICONS = (
    "angle-left",
    "angle-right",
    "arrow-up",
    "bars",
    "circle-half-stroke",
    "list",
    "magnifying-glass",
    "moon",
    "outdent",
    "sun",
)
# Admonition titles: the icon pydata-sphinx-theme gives each kind (its --pst-icon-admonition-*).
ADMONITIONS = {
    "": "bell",
    "attention": "circle-exclamation",
    "caution": "triangle-exclamation",
    "danger": "triangle-exclamation",
    "error": "circle-xmark",
    "hint": "lightbulb",
    "important": "circle-exclamation",
    "note": "circle-info",
    "seealso": "share",
    "tip": "lightbulb",
    "todo": "pencil",
    "warning": "triangle-exclamation",
}
OUT = Path(__file__).resolve().parent / "bookbuilder" / "static" / "icons.css"
SCRIPT = (
    Path(pydata_sphinx_theme.__file__).parent
    / "theme/pydata_sphinx_theme/static/scripts/fontawesome.js"
)
HEADER = """\
/* Font Awesome Free {version} icons used by the theme, drawn as CSS masks (scripts/make_icons.py
 * writes this file; do not edit). Icons: CC BY 4.0, https://fontawesome.com/license/free
 * (c) Fonticons, Inc. */
.fa-solid, .fa-regular, .fa-brands {{
  display: inline-block;
  width: 1em;
  height: 1em;
  vertical-align: -0.125em;
  background-color: currentColor;
  -webkit-mask: var(--book-icon) center / contain no-repeat;
  mask: var(--book-icon) center / contain no-repeat;
}}
.fa-solid::before, .fa-regular::before, .fa-brands::before {{ content: none !important; }}
.fa-lg {{ font-size: 1.25em; vertical-align: -0.2em; }}
.fa-fw {{ width: 1.25em; }}
.admonition > .admonition-title::after, div.admonition > .admonition-title::after {{
  content: "";
  font: inherit;
  background-color: currentColor;
  -webkit-mask: var(--book-icon) center / contain no-repeat;
  mask: var(--book-icon) center / contain no-repeat;
}}
"""


def solid_pack(script: str) -> str:
    """The part of the script that registers the solid icons (``p("fas", b)``)."""
    end = script.index('p("fas",b)')
    start = script.rindex("var b={", 0, end)
    return script[start:end]


def icon_url(pack: str, name: str) -> str:
    key = re.escape(name)
    found = re.search(rf'[{{,]"?{key}"?:\[(\d+),(\d+),\[[^\]]*\],"[^"]*","([^"]+)"\]', pack)
    if found is None:
        raise SystemExit(f"{name}: not among the theme's Font Awesome solid icons")
    width, height, path = found.groups()
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
        f"<path d='{path}'/></svg>"
    )
    data = urllib.parse.quote(svg, safe="=:/'")  # a valid URL: EPUBCheck and browsers agree
    return f'url("data:image/svg+xml,{data}")'


def main() -> None:
    script = SCRIPT.read_text("utf-8")
    licence = (SCRIPT.parent / "fontawesome.js.LICENSE.txt").read_text("utf-8")
    version = re.search(r"Font Awesome Free ([\d.]+)", licence)
    pack = solid_pack(script)
    css = HEADER.format(version=version.group(1) if version else "")
    css += "".join(f".fa-{name} {{ --book-icon: {icon_url(pack, name)}; }}\n" for name in ICONS)
    for kind, name in ADMONITIONS.items():
        selector = f".admonition{'.' + kind if kind else ''} > .admonition-title::after"
        css += f"{selector} {{ --book-icon: {icon_url(pack, name)}; }}\n"
    OUT.write_text(css, "utf-8")
    print(f"{OUT}: {len(ICONS)} icons, {len(css)} bytes")


if __name__ == "__main__":
    main()
