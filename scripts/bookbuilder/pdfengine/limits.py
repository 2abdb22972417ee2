"""What the PDF engine allows: the box it prints an image in, and what one report may hold for
it to set it: the limits ``make check`` applies (``check/doctree.py``), the codes' meanings
(``codes.py``) and the docs name. Below the stages: the check, the render and the build stages
all read them.

Measured with Typst 0.15 on the markup the PDF's writer makes (``docs/security.md`` has the
figures), and set well below where Typst stops the whole book or needs more than 1 GB for one
report.
"""

from __future__ import annotations

# The widest and tallest the PDF prints an image: its text width, and the tallest image it
# allows (sphinx/typst.py lays images out in this box; templates/pdf/book.typ has the page).
PRINT_BOX_MM = (150.0, 150.0)

#: Lists, quotes, admonitions and tables inside each other: Typst stops the whole book with
#: "maximum show rule depth exceeded" at 11 titled tables, 16 quotes or tables, 31 lists.
MAX_NESTING = 6
#: Emphasis, bold, links, sub- and superscripts inside each other (they count towards the same
#: depth: 12 of them fail inside 8 titled tables).
MAX_INLINE_NESTING = 6
#: Cells of one table (rows × columns): Typst needs about 22 KB a cell (15,000 cells 376 MB,
#: 60,000 cells 1.4 GB and 42 s; 88,000 rows aborted the process).
MAX_TABLE_CELLS = 3000
#: Characters of a table's header × its body rows: Typst repeats the header on every page, and
#: a page-long header (600 characters) over 3,000 rows took 770 MB and 17 s.
MAX_HEADER_REPEAT = 150_000
#: Notes printed for one mark: a note whose text refers to other notes brings them onto the
#: same page, and Typst silently drops those that do not fit (of a chain of 150 notes, each
#: referring to the next, 43 were printed).
MAX_NOTES_PER_MARK = 5
#: Footnote marks in one paragraph (or cell, or item): a line's notes must fit one page.
MAX_MARKS_PER_PARAGRAPH = 30
#: Elements (paragraphs, list items, cells, emphasis, links, notes…) in one report, a link
#: counting ``LINK_WEIGHT``: Typst needs about 10 to 30 KB an element (20,000 paragraphs 249 MB;
#: 20,000 emphasised words 598 MB and 21 s), and 80 KB a link, whose address it prints in a note
#: (10,000 links 808 MB and 32 s).
MAX_ELEMENTS = 10_000
LINK_WEIGHT = 3
