"""The book's look: its stylesheets, logo and accent colour (``book["logo"]``, ``book["accent"]``).

The book's own stylesheets (``static/``: ``book.css``, ``online.css``…) ship with the builder,
so a book's conf.py needs no path to them (``add_book_static``).

Editors brand a book in conf.py, without code; validation has checked both (the logo exists and
is an image; the colour is ``#rrggbb`` with at least 4.5:1 against white). Here:

- website: the logo at the top of the sidebar (``html_logo``, set by ``settings``); the accent as
  the theme's primary colour (links, buttons, the landing page's banner, the browse cards);
- EPUB: headings and links in the accent (``book-accent.css``, the same file), and the drawn
  cover in the accent with the logo (``render/cover.py``);
- PDF: headings, links and the title page's rule in the accent, the logo on the title page
  (``templates/pdf/book.typ``, from the data ``sphinx/pdf.py`` writes).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

ACCENT_CSS = "book-accent.css"
STATIC_DIR = Path(__file__).parents[1] / "static"


def add_book_static(app: Sphinx, config: Config) -> None:
    """config-inited: the builder's stylesheets and scripts are the book's static files."""
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def accent_css(accent: str) -> str:
    """The stylesheet that gives a book its colour, on the website and in the EPUB."""
    red, green, blue = (int(accent[i : i + 2], 16) for i in (1, 3, 5))
    dark = "#" + "".join(f"{round(c * 0.72):02x}" for c in (red, green, blue))
    return f"""/* Made from conf.py's book["accent"] by bookbuilder.sphinx.branding. */
:root {{
  --book-accent: {accent};
  --book-accent-dark: {dark};
}}
html[data-theme="light"] {{
  --pst-color-primary: {accent};
  --pst-color-link: {accent};
  --pst-color-link-hover: {dark};
}}
/* The EPUB (no theme switch): headings and links in the book's colour. */
html:not([data-theme]) h1,
html:not([data-theme]) h2,
html:not([data-theme]) a:link,
html:not([data-theme]) a:visited {{
  color: {accent};
}}
"""


def add_accent_stylesheet(app: Sphinx, config: Config) -> None:
    """config-inited: write the accent's stylesheet beside the doctrees and serve it with the
    book's styles."""
    meta = config.bookbuilder_meta
    if meta is None or not meta.accent:
        return
    folder = Path(app.doctreedir) / "bookbuilder-branding"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ACCENT_CSS
    css = accent_css(meta.accent)
    if not target.is_file() or target.read_text("utf-8") != css:
        target.write_text(css, "utf-8")
    config.html_static_path = [*config.html_static_path, str(folder)]
    app.add_css_file(ACCENT_CSS, priority=900)  # after the theme's and the book's own styles
