"""The book's metadata and Sphinx settings, in one place.

Editors change the `book` mapping for a new book; nothing here names a chapter or a report (those
are data: `chapters/` and `experiences/`). `make check` validates `book`, and all three editions
take their title page, metadata and file names from it. Every Sphinx setting is derived from it
by `bookbuilder.sphinx.settings`; override one below the `globals().update(...)` line if you must.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

from bookbuilder.sphinx.settings import sphinx_settings

book = {
    "title": "Radiology Against COVID-19",
    "subtitle": (
        "Experience reports from imaging professionals, International Day of Radiology 2020"
    ),
    "editors": [{"name": "The IDoR 2020 Editorial Board", "organisation": True}],
    "publisher": "International Day of Radiology",
    "year": 2020,
    "edition": "First edition",
    "language": "en",
    "licence": "CC BY-NC-ND 4.0",
    "isbn": None,
    "cover": None,
    "description": (
        "Radiologists, radiographers and their colleagues across the world describe, in their "
        "own words, how they supported patients through the COVID-19 pandemic."
    ),
    "basename": "idor-2020-radiology-against-covid-19",
    # An accepted report with fewer words in its text gets a warning (0: never).
    "min_words": 80,
}

globals().update(sphinx_settings(book, __file__))
