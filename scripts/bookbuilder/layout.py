"""The book's layout, on disk and on the web: every folder and page name the stages share.

The editors' sources (``experiences/``, ``chapters/``, ``conf.py``), what a build writes under
``_build/`` (render's sources, the caches, each edition's folder), the folders the website
offers files from (``downloads/``, ``cite/``), and the document names of the pages. Defined once
here, below every stage: a stage that needs a path reads it from this module, never from another
stage (which is how ``sphinx/a11y`` once came to import ``online`` → ``offline`` → ``outputs``
for the name of a folder).
"""

from __future__ import annotations

from pathlib import Path

# -- the editors' sources, in the book's folder
CONF_FILE = "conf.py"  # the book's settings (``book = {...}``) and Sphinx's configuration
REPORTS_DIR = "experiences"  # the reports: <slug>.md, translations <slug>.<language>.md
CHAPTERS_DIR = "chapters"  # the chapters' pages and their `collect` rules
IMAGES_DIR = "images"  # a report's images: experiences/images/<slug>/
SOURCES = (REPORTS_DIR, CHAPTERS_DIR)  # the folders an editor writes in
# the start of the document names of their pages
REPORT_PAGES = REPORTS_DIR + "/"
CHAPTER_PAGES = CHAPTERS_DIR + "/"

# -- what a build writes, under the book's folder (`make clean` removes it)
BUILD_DIR = Path("_build")
SOURCE_DIR = BUILD_DIR / "src"  # the MyST sources Sphinx reads (render)
CACHE_DIR = BUILD_DIR / "cache"  # the validate stage's memory (bookbuilder.check.cache)
PREVIEW_DIR = BUILD_DIR / "preview"  # `make serve`'s Sphinx -M folder: html/, doctrees/
DOCTREES = "doctrees"  # Sphinx's -M folder of doctrees, shared by the editions
DERIVATIVES = "images"  # each edition's copy of every image, beside the sources (render/images.py)
CONTRIBUTORS_CSV = "contributors.csv"  # beside the sources, for the editors' letters
OVERVIEW_CSV = "overview.csv"  # `make overview`
CROSSREF_DIR = "crossref"  # `make crossref`: <basename>.xml

# -- the web edition's folders of files, beside its pages
DOWNLOADS_DIR = "downloads"  # the editions the landing page offers (editions.py: download)
CITE_DIR = "cite"  # a report's citation files: cite/<slug>.json and cite/<slug>.ris


def report_source(slug: str) -> str:
    """A report's file, relative to the book's folder: ``experiences/<slug>.md``."""
    return f"{REPORTS_DIR}/{slug}.md"


def report_images(slug: str) -> str:
    """A report's folder of images, relative to the book's folder."""
    return f"{REPORTS_DIR}/{IMAGES_DIR}/{slug}"


def translation_parts(stem: str) -> tuple[str, str] | None:
    """``notti-in-tc.en`` → (``notti-in-tc``, ``en``): the original's slug and the translation's
    language as the file name writes it; None for a report's own file (a stem without a dot)."""
    slug, dot, language = stem.partition(".")
    return (slug, language) if dot else None


def report_docname(slug: str) -> str:
    """A report's page in every edition: ``experiences/<slug>``."""
    return f"{REPORTS_DIR}/{slug}"


def translation_docname(slug: str, language: str) -> str:
    """A translation's page: ``experiences/<slug>.<language>`` (the language in lower case)."""
    return f"{REPORTS_DIR}/{slug}.{language.lower()}"


def chapter_docname(chapter_id: str) -> str:
    """A chapter's page in every edition: ``chapters/<id>``."""
    return f"{CHAPTERS_DIR}/{chapter_id}"


def is_report_page(docname: str) -> bool:
    """A report's page, original or translation (its text came from a contributor)."""
    return docname.startswith(REPORT_PAGES)


def is_chapter_page(docname: str) -> bool:
    return docname.startswith(CHAPTER_PAGES)


def page_slug(docname: str) -> str:
    """What follows ``experiences/`` in a report page's name: ``<slug>`` or ``<slug>.<lang>``."""
    return docname.removeprefix(REPORT_PAGES)
