"""Where the PDF can break a line: Unicode's line-breaking rules, shared by the check and the PDF.

Japanese, Chinese, Thai, Lao, Khmer, Burmese and Tibetan are written without spaces between
words, so "a run without spaces" says nothing about what a line can hold. The places where a
line may break are Unicode's (UAX #14, with dictionaries for Thai, Lao, Khmer and Burmese), and
ICU's line BreakIterator finds them as Typst's own segmenter does. Between two of them lies a
run that the PDF must set on one line; only a run wider than a line is a problem.

What Typst does with such a run (measured, ``docs/pdf-engine.md``): it neither fails nor slows
down; it sets the run on one line, past the margin and, beyond 180 mm, off the paper, where the
text is lost. So the PDF writer (``sphinx/typst.py``) lets Typst break such a run anywhere
(:func:`breakable`): a word of a script that hyphenates (Latin, Greek, Cyrillic, Armenian,
Georgian) with a soft hyphen between its letters, so that a broken word shows its hyphen; any
other run (a code, a number, an address, Thai letters that form no word) with a zero-width
space, so that nothing is added to it. ``make check`` warns about such a run
(``check/doctree.py``): a typographic blemish, never a reason to refuse a report.

Widths are estimated per grapheme cluster in em of the body text: wide characters (CJK, emoji)
1 em, every other cluster :data:`NARROW_EM` (the fonts' mean advance for Latin, Greek, Cyrillic,
Thai, Lao, Tibetan letters is 0.6–0.7 em: measured with fontTools on the Noto fonts).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import icu
from docutils import nodes

from bookbuilder.pdfengine.limits import PRINT_BOX_MM

#: The body text's size and the text block's width (``templates/pdf/book.typ``: A4, 30 mm
#: margins, 10.5 pt), and so how many em a line holds.
BODY_PT = 10.5
LINE_EM = PRINT_BOX_MM[0] / 25.4 * 72 / BODY_PT
#: A run wider than this (90 % of a line: block quotes and lists are indented) is warned of
#: and made breakable.
MAX_RUN_EM = 0.9 * LINE_EM
#: The estimated width of a cluster that is not wide (East Asian Width W or F).
NARROW_EM = 0.7
#: What the PDF writer puts between the clusters of a run too wide for a line: a break
#: opportunity that prints nothing (ZERO WIDTH SPACE, UAX #14 class ZW), or in a word of a
#: script that hyphenates, one that prints a hyphen where the line breaks (SOFT HYPHEN).
BREAK = "\u200b"
HYPHEN = "\u00ad"
HYPHENATED_SCRIPTS = frozenset({"Latn", "Grek", "Cyrl", "Armn", "Geor"})
#: A word is at most this wide (two lines: about 115 Latin letters); a longer run of letters is
#: no word a reader hyphenates, and soft hyphens cost Typst 13 times what zero-width spaces do
#: (70 against 5 µs a character, measured): it gets zero-width spaces.
MAX_WORD_EM = 2 * LINE_EM
#: What a table cell's inset (5 pt each side, Typst's default) takes from its column, in em.
CELL_INSET_EM = 1.0
#: The narrowest room a table column is given here: a run narrower than this is left to Typst.
MIN_CELL_EM = 2.0


@functools.cache
def _maybe_too_wide(max_em: float) -> re.Pattern[str]:
    """A text with no run of more than ``max_em`` code points has no run wider than ``max_em``
    (no cluster is wider than 1 em): the fast path."""
    return re.compile(rf"[^\s\u200b\u00ad]{{{int(max_em) + 1},}}")


@dataclass(frozen=True)
class Run:
    """Text between two line-break opportunities: ``text[start:end]``, ``width`` em wide."""

    start: int
    end: int
    width: float


@functools.cache
def _iterators() -> tuple[icu.BreakIterator, icu.BreakIterator]:
    """ICU's line and grapheme-cluster iterators (root locale: the dictionaries for Thai, Lao,
    Khmer and Burmese are chosen by the script, not by the locale)."""
    root = icu.Locale.getRoot()
    return icu.BreakIterator.createLineInstance(root), icu.BreakIterator.createCharacterInstance(
        root
    )


def _boundaries(iterator: icu.BreakIterator, text: str) -> list[int]:
    """The iterator's boundaries in ``text`` as Python string indexes (ICU counts UTF-16 units)."""
    iterator.setText(text)
    units = [0]
    for char in text:
        units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
    index = {unit: i for i, unit in enumerate(units)}
    return [0, *(index[b] for b in iterator)]


def cluster_width(cluster: str) -> float:
    """The estimated width of a grapheme cluster, in em."""
    first = cluster[0]
    if unicodedata.east_asian_width(first) in "WF" or icu.Char.hasBinaryProperty(
        first, icu.UProperty.EMOJI_PRESENTATION
    ):
        return 1.0
    if unicodedata.category(first) in {"Mn", "Me", "Cf", "Zs"}:
        return 0.0
    return NARROW_EM


def clusters(text: str) -> list[str]:
    """The grapheme clusters of ``text`` (a letter with its marks, an emoji sequence)."""
    return [text[a:b] for a, b in itertools.pairwise(_boundaries(_iterators()[1], text))]


def runs(text: str) -> Iterator[Run]:
    """Every run of ``text`` between two places where a line may break (UAX #14)."""
    line_breaks = _boundaries(_iterators()[0], text)
    for start, end in itertools.pairwise(line_breaks):
        piece = text[start:end].rstrip()
        yield Run(start, start + len(piece), sum(map(cluster_width, clusters(piece))))


def too_wide(text: str, max_em: float = MAX_RUN_EM) -> list[Run]:
    """The runs of ``text`` wider than ``max_em`` (a line of the PDF)."""
    if not _maybe_too_wide(max_em).search(text):
        return []
    return [run for run in runs(text) if run.width > max_em]


def column_em(node: nodes.Node) -> float | None:
    """The room of a table column where ``node`` stands (a line shared between the table's
    columns, less the cell's inset), or None outside a table. Typst's automatic columns share
    a line equally between runs that do not fit it (measured), and set a wider run across the
    next cells."""
    while node is not None:
        if isinstance(node, nodes.tgroup):
            share = MAX_RUN_EM / max(int(node.get("cols", 1)), 1) - CELL_INSET_EM
            return max(share, MIN_CELL_EM)
        node = node.parent
    return None


def is_word(run: str) -> bool:
    """Letters (and their marks) of scripts that hyphenate a broken word, and nothing else."""
    return all(
        unicodedata.category(c)[0] == "M"
        or (
            unicodedata.category(c)[0] == "L"
            and icu.Script.getScript(c).getShortName() in HYPHENATED_SCRIPTS
        )
        for c in run
    )


def breakable(text: str, column: float | None = None) -> str:
    """``text`` with a break opportunity (:data:`HYPHEN` in a word, else :data:`BREAK`) between
    the grapheme clusters of every run too wide for a line, so that the PDF breaks it where the
    line ends instead of setting it past the margin; every other run as it was.

    In a table cell (``column``: its room, :func:`column_em`), a run that is no word is made
    breakable from the column's width on, so that a code does not run over the next cells;
    a word only from a line's width on, as Typst hyphenates words by its dictionaries."""
    wide = too_wide(text, min(column or MAX_RUN_EM, MAX_RUN_EM))
    if column is not None:
        wide = [r for r in wide if r.width > MAX_RUN_EM or not is_word(text[r.start : r.end])]
    if not wide:
        return text
    parts: list[str] = []
    done = 0
    for run in wide:
        piece = text[run.start : run.end]
        parts.append(text[done : run.start])
        hyphenated = run.width <= MAX_WORD_EM and is_word(piece)
        parts.append((HYPHEN if hyphenated else BREAK).join(clusters(piece)))
        done = run.end
    parts.append(text[done:])
    return "".join(parts)
