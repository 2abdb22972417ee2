"""The PDF edition's writer: the book's doctree as Typst markup.

Report text is untrusted. Every piece of text becomes a Typst *string literal* followed by a
semicolon (``#"…";``), never markup: no character a report contains can open a function call, a
label, a reference, a comment, a link or maths, whatever follows it. Attribute values (link
addresses, alt text, image paths) are string literals too. Labels are made here from document
names and ids, never taken from a report.

Only the node types that a report or our own directives produce are written; the lockdown
(``lockdown.py``) keeps every other kind out of report pages. A node this writer does not know
is written as its text, with a warning, so a new kind of node is never silently lost.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import admonitionlabels
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator

from bookbuilder.layout import CHAPTER_PAGES
from bookbuilder.linebreak import breakable, column_em
from bookbuilder.pdfengine.limits import PRINT_BOX_MM
from bookbuilder.sphinx.report import report_body, report_start

if TYPE_CHECKING:  # pdf.py, which builds with this translator, imports this module
    from bookbuilder.sphinx.pdf import PDFBuilder

logger = logging.getLogger(__name__)

_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TO_ESCAPE = re.compile(r'[\\"\n\r\t]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


def string(text: str) -> str:
    """``text`` as a Typst string literal: only ``\\``, ``"`` and control characters escaped."""

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        return _STRING_ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"

    return '"' + _TO_ESCAPE.sub(escape, text) + '"'


def text(value: str) -> str:
    """Plain text in markup: a string literal, closed with ``;`` so nothing after it continues
    the expression (``#"a";[b]`` is the text "a" followed by "[b]", not a function call)."""
    return f"#{string(value)};" if value else ""


_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
#: The section levels of the book: chapters, reports (and the other pages), their sections.
BOOKMARKED_LEVELS = 2
#: Text width and the tallest image, in millimetres: A4 less the margins (``book.typ``), and
#: the box the print derivatives are made for (``render/images.py``).
TEXT_WIDTH_MM, MAX_IMAGE_HEIGHT_MM = PRINT_BOX_MM
#: Pixels per inch an image is printed at when it is small enough not to fill the width.
NATURAL_PPI = 150.0


def label(*parts: str) -> str:
    """A Typst label name from a document name and an id (letters, digits, ``_ . - :``)."""
    return ":".join(_LABEL_UNSAFE.sub("-", p).strip("-") or "x" for p in parts)


@dataclass
class Language:
    """A BCP 47 tag as Typst's ``text(lang:, region:)`` and the CJK or Arabic-script font that
    comes first for it (Japanese, Korean and traditional Chinese shapes differ; Urdu is set in
    Nastaliq)."""

    lang: str
    region: str | None = None
    font: str | None = None


def language(tag: str, preferred_fonts: dict[str, str]) -> Language | None:
    """Typst's language settings for a BCP 47 tag, or None for a tag Typst cannot take."""
    parts = tag.replace("_", "-").split("-")
    lang = parts[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        return None
    region = next((p.upper() for p in parts[1:] if re.fullmatch(r"[A-Za-z]{2}", p)), None)
    script = next((p.title() for p in parts[1:] if re.fullmatch(r"[A-Za-z]{4}", p)), None)
    keys = [f"{lang}-{script}" if script else "", f"{lang}-{region}" if region else "", lang]
    font = next((preferred_fonts[k] for k in keys if k in preferred_fonts), None)
    return Language(lang, region, font)


#: Languages whose paragraphs are broken into lines one line at a time, not optimised over the
#: paragraph: Typst's optimiser takes 0.6 ms a character in Tibetan and 0.25 ms in Burmese
#: (0.02 ms in Thai or Japanese), minutes for a long report (``docs/pdf-engine.md``).
GREEDY_LINE_BREAKING = frozenset({"bo", "dz", "my"})
#: Languages whose scripts stack marks far above and below the line (Burmese, Khmer, Tibetan):
#: their lines are spaced by the fonts' ascender and descender, not by the Latin cap height
#: and baseline, or the marks of one line touch the next.
TALL_LINES = frozenset({"bo", "dz", "km", "my"})


def text_settings(tag: str, fonts: list[str], preferred_fonts: dict[str, str]) -> str:
    """``#set text(...)`` for text in the language ``tag`` (empty if Typst cannot take it)."""
    found = language(tag, preferred_fonts)
    if found is None:
        return ""
    args = [f"lang: {string(found.lang)}"]
    if found.region:
        args.append(f"region: {string(found.region)}")
    if found.font:
        # The Latin font stays first: the font of the script comes before the other scripts'.
        order = [fonts[0], found.font, *(f for f in fonts[1:] if f != found.font)]
        args.append("font: (" + ", ".join(string(f) for f in order) + ",)")
    if found.lang in TALL_LINES:
        args += ['top-edge: "bounds"', 'bottom-edge: "bounds"']
    settings = f"#set text({', '.join(args)})\n"
    if found.lang in GREEDY_LINE_BREAKING:
        settings += '#set par(linebreaks: "simple")\n'
    return settings


@dataclass
class _PendingNotes:
    """Notes referred to while a note is written, each to be defined before the note that
    refers to it: (variable, footnote, unlabelled); and the header notes already queued."""

    queue: list[tuple[str, nodes.footnote, bool]] = field(default_factory=list)
    unlabelled: set[tuple[str, str]] = field(default_factory=set)


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


class TypstTranslator(SphinxTranslator):
    """Writes the assembled book (root document with every page inlined) as Typst markup.

    The builder gives it ``labels`` (document → label of its first heading, and
    ``(document, id)`` → label of a section) and a function that places an image in the
    output folder and says how wide it prints.
    """

    builder: PDFBuilder

    def __init__(self, document: nodes.document, builder: PDFBuilder) -> None:
        super().__init__(document, builder)
        self.body: list[str] = []
        self.section_level = 0
        self.docnames: list[str] = [builder.config.root_doc]
        self.labels: dict[Any, str] = builder.labels
        self.fonts: list[str] = builder.fonts
        self.preferred_fonts: dict[str, str] = builder.preferred_fonts
        self.report_languages: dict[str, str] = builder.report_languages
        self.running: dict[str, str] = {}
        # (page, footnote id) → its label: a page's notes are its own, whatever their ids
        self.footnotes_done: dict[tuple[str, str], str] = {}
        self.notes_pending: _PendingNotes | None = None
        self.notes_written = 0
        self.in_unlabelled_note = False
        self.list_stack: list[str] = []
        # Where each page's markup begins (and where its parent's resumes): an index into
        # ``body`` and the page, so that a line Typst cannot read names its page (page_at_line).
        self.page_starts: list[tuple[int, str]] = [(0, self.docname)]
        # For a book compiled in parts (``pdfparts.py``): where a part may begin (a report's
        # page, at the top level of the markup) and the outlined headings' markup and labels.
        self.part_starts: list[tuple[int, str]] = []
        self.outlined: list[tuple[str, str | None]] = []

    def astext(self) -> str:
        return "".join(self.body)

    def page_at_line(self, line: int) -> str:
        """The page whose markup holds ``line`` (1 for the first) of :meth:`astext`."""
        newlines, index = 0, len(self.body)
        for position, chunk in enumerate(self.body):
            newlines += chunk.count("\n")
            if newlines >= line:
                index = position
                break
        page = self.page_starts[0][1]
        for start, docname in self.page_starts:
            if start > index:
                break
            page = docname
        return page

    def largest_pages(self) -> list[str]:
        """The pages, those with the most markup first (their own, not their subpages')."""
        sizes: dict[str, int] = {}
        bounds = [*self.page_starts, (len(self.body), "")]
        for (start, page), (end, _next) in itertools.pairwise(bounds):
            sizes[page] = sizes.get(page, 0) + sum(len(c) for c in self.body[start:end])
        return sorted(sizes, key=lambda page: -sizes[page])

    # -- helpers ---------------------------------------------------------------------------

    @property
    def docname(self) -> str:
        return self.docnames[-1]

    def out(self, *parts: str) -> None:
        self.body.extend(parts)

    def block_end(self) -> None:
        self.out("\n\n")

    def unknown_visit(self, node: nodes.Node) -> None:
        logger.warning(
            "the PDF has no layout for %s; its text is printed as plain text",
            node.__class__.__name__,
            location=node,
            type="bookbuilder",
            subtype="pdf",
        )
        self.out(text(" ".join(node.astext().split())))
        raise nodes.SkipNode

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    def _ignore(self, node: nodes.Node) -> None:
        pass

    def _skip(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    # -- structure -------------------------------------------------------------------------

    def visit_document(self, node: nodes.document) -> None:
        pass

    depart_document = _ignore

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        if _begins_a_part(node, self.docnames, self.report_languages):
            self.part_starts.append((len(self.body), node["docname"]))
        self.docnames.append(node["docname"])
        self.page_starts.append((len(self.body), self.docname))

    def depart_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docnames.pop()
        self.page_starts.append((len(self.body), self.docname))

    def visit_report_start(self, node: nodes.Element) -> None:
        self.out("#pagebreak(weak: true)\n")
        raise nodes.SkipNode

    def visit_section(self, node: nodes.section) -> None:
        self.section_level += 1

    def depart_section(self, node: nodes.section) -> None:
        self.section_level -= 1

    def visit_title(self, node: nodes.title) -> None:
        parent = node.parent
        if isinstance(parent, nodes.section):
            self._heading(node, parent)
        elif isinstance(parent, nodes.table):
            raise nodes.SkipNode  # written as the table's caption
        elif isinstance(parent, nodes.Admonition):
            raise nodes.SkipNode  # written by the admonition
        else:
            self.out("#strong[")
            self._closers(node, "]\n\n")

    def _closers(self, node: nodes.Node, closing: str) -> None:
        node["typst_close"] = closing

    def depart_title(self, node: nodes.title) -> None:
        self.out(node.get("typst_close", ""))
        if "typst_outlined" in node:
            start, where = node["typst_outlined"]
            self.outlined.append(("".join(self.body[start:]), where))

    def _heading(self, node: nodes.title, section: nodes.section) -> None:
        level = self.section_level - 1  # the root document's own title is the title page's
        if level < 1:
            raise nodes.SkipNode
        level = min(level, 6)
        where = self.labels.get((self.docname, section["ids"][0])) if section["ids"] else None
        first = where is not None and where == self.labels.get(self.docname)  # the page's title
        lang = self.report_languages.get(self.docname) if first else None
        settings = text_settings(lang, self.fonts, self.preferred_fonts) if lang else ""
        args = f"level: {level}" + ("" if level <= BOOKMARKED_LEVELS else ", outlined: false")
        if level <= BOOKMARKED_LEVELS:
            node["typst_outlined"] = (len(self.body), where)
        # A report's title is in the report's language (a right-to-left one sets it right).
        self.out("#[" + settings if settings else "", f"#heading({args})[")
        if first and where is not None and level <= BOOKMARKED_LEVELS:
            self.running[where] = running_title(node.astext())
        closing = "]" + (f" <{where}>" if where else "") + ("]" if settings else "")
        self._closers(node, closing + "\n\n")

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        if name := semantic_call(node):  # a part of a byline or the Contributors: its look
            self._wrap(node, f"#{name}[", "]\n\n")
        elif self.docname.startswith(CHAPTER_PAGES) and isinstance(node.parent, nodes.section):
            self._wrap(node, f"#{CHAPTER_OPENER}[", "]\n\n")  # before the chapter's reports
        else:
            self._closers(node, "\n\n")

    def depart_paragraph(self, node: nodes.paragraph) -> None:
        self.out(node.get("typst_close", "\n\n"))

    def visit_Text(self, node: nodes.Text) -> None:
        value = node.astext()
        if not self._in_literal(node):
            value = re.sub(r"\s+", " ", value)
        # a run wider than a line (or a code wider than its table column) breaks where it ends
        self.out(text(breakable(value, column_em(node))))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    @staticmethod
    def _in_literal(node: nodes.Node) -> bool:
        return isinstance(node.parent, nodes.FixedTextElement)

    def visit_container(self, node: nodes.container) -> None:
        if name := semantic_call(node):
            self._wrap(node, f"#{name}[\n", "]\n\n")

    def depart_container(self, node: nodes.container) -> None:
        self.out(node.get("typst_close", ""))

    visit_compound = visit_container
    depart_compound = depart_container

    def visit_language_switch(self, node: nodes.Element) -> None:
        pass  # its child, a paragraph of links to the report's other versions, prints

    depart_language_switch = _ignore

    def visit_report_body(self, node: report_body) -> None:
        settings = text_settings(node["lang"], self.fonts, self.preferred_fonts)
        if settings:  # a block of its own: the language ends with the report
            self.out("#[", settings, "\n")
        self._closers(node, "]\n\n" if settings else "")

    def depart_report_body(self, node: report_body) -> None:
        self.out(node.get("typst_close", ""))

    # A report page's byline in the book's language, on a page in another language.
    visit_in_language = visit_report_body
    depart_in_language = depart_report_body

    # -- inline ----------------------------------------------------------------------------

    def _wrap(self, node: nodes.Node, opening: str, closing: str = "]") -> None:
        self.out(opening)
        self._closers(node, closing)

    def _close(self, node: nodes.Node) -> None:
        self.out(node.get("typst_close", ""))

    def visit_emphasis(self, node: nodes.Node) -> None:
        self._wrap(node, "#emph[")

    visit_title_reference = visit_emphasis

    def visit_strong(self, node: nodes.Node) -> None:
        self._wrap(node, "#strong[")

    def visit_subscript(self, node: nodes.Node) -> None:
        self._wrap(node, "#sub[")

    def visit_superscript(self, node: nodes.Node) -> None:
        self._wrap(node, "#super[")

    def visit_inline(self, node: nodes.Node) -> None:
        self._closers(node, "")

    visit_abbreviation = visit_inline
    visit_literal_emphasis = visit_emphasis
    visit_literal_strong = visit_strong

    depart_emphasis = depart_title_reference = depart_strong = _close
    depart_subscript = depart_superscript = depart_inline = depart_abbreviation = _close
    depart_literal_emphasis = depart_literal_strong = _close

    def visit_literal(self, node: nodes.literal) -> None:
        self.out(f"#raw({string(breakable(node.astext(), column_em(node)))});")
        raise nodes.SkipNode

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        shown = breakable(node.astext(), column_em(node))
        self.out(f"#raw(block: true, {string(shown)});\n\n")
        raise nodes.SkipNode

    visit_doctest_block = visit_literal_block

    def visit_reference(self, node: nodes.reference) -> None:
        uri = str(node.get("refuri", ""))
        if uri.startswith("%"):  # a page of this book (``get_target_uri``)
            doc, _hash, anchor = uri[1:].partition("#")
            target = self.labels.get((doc, anchor)) if anchor else self.labels.get(doc)
            self._wrap(node, f"#link(<{target}>)[" if target else "#[")
            return
        if "refid" in node:
            target = self.labels.get((self.docname, node["refid"]))
            self._wrap(node, f"#link(<{target}>)[" if target else "#[")
            return
        if not uri.startswith(("http://", "https://", "mailto:")):
            self._wrap(node, "#[")
            return
        if (image := _linked_image(node)) is not None:  # an image with :target:
            # in a box, the image is inline: the footnote's mark goes beside it, not below
            linked = f"#link({string(uri)})[#box({self._image(image)})]"
            self.out(f"#block[{linked}{address_note(uri)}]\n\n")
            raise nodes.SkipNode
        shown = node.astext()
        # On paper the address must be readable: a link whose text is not its address gets
        # the address in a footnote (as the LaTeX edition did with latex_show_urls).
        note = "" if shown in (uri, uri.removeprefix("mailto:")) else address_note(uri)
        self._wrap(node, f"#link({string(uri)})[", "]" + note)

    depart_reference = _close

    def visit_target(self, node: nodes.target) -> None:
        raise nodes.SkipNode

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        key = (self.docname, str(node.get("refid", "")))
        unlabelled = self.in_unlabelled_note or any(
            isinstance(a, nodes.thead) for a in _ancestors(node)
        )
        self.out(self._footnote(key, unlabelled))
        raise nodes.SkipNode

    def _footnote(self, key: tuple[str, str], unlabelled: bool) -> str:
        """The markup of a reference to the footnote ``key`` (page, id): the note itself where
        it is first referred to, a reference to it (``#footnote(<label>)``) after that.

        A note's text is never written inside another note's: a note referred to in a note's
        text is defined first (``#let note_2 = […];``) and the outer note refers to it, so a
        chain of notes each referring to the next stays flat for Typst's parser. In a table's
        header (``unlabelled``), which Typst repeats on every page the table spans, a label
        would occur once per page: notes there have none, and are written again when referred
        to again."""
        done = self.footnotes_done.get(key)
        if done and not unlabelled:
            return f"#footnote(<{done}>)"
        footnote = self.builder.footnotes.get(key)
        if not isinstance(footnote, nodes.footnote):
            return ""
        if self.notes_pending is not None:  # inside a note: defined before it, not in it
            if unlabelled and key in self.notes_pending.unlabelled:
                return ""  # a header's note that refers back to itself: already there
            return self._queue_note(key, footnote, unlabelled)
        self.notes_pending = _PendingNotes()
        call = self._queue_note(key, footnote, unlabelled)
        definitions = []
        while self.notes_pending.queue:
            name, queued, queued_unlabelled = self.notes_pending.queue.pop(0)
            self.in_unlabelled_note = queued_unlabelled  # and so are the notes it refers to
            definitions.append(f"#let {name} = [{self._note_text(queued)}];")
        self.in_unlabelled_note = False
        self.notes_pending = None
        # each note refers only to notes queued after it: those are defined before it
        return "".join(reversed(definitions)) + call

    def _queue_note(self, key: tuple[str, str], footnote: nodes.footnote, unlabelled: bool) -> str:
        pending = self.notes_pending
        assert pending is not None
        self.notes_written += 1
        name = f"note_{self.notes_written}"
        pending.queue.append((name, footnote, unlabelled))
        if unlabelled:
            pending.unlabelled.add(key)
            return f"#footnote({name})"
        where = label("fn", *key)
        self.footnotes_done[key] = where
        # no space before the label, nor after it: the text's own punctuation follows the mark
        return f"#footnote({name})<{where}>"

    def _note_text(self, footnote: nodes.footnote) -> str:
        saved, self.body = self.body, []
        for child in footnote.children:
            if not isinstance(child, nodes.label):
                child.walkabout(self)
        while self.body and self.body[-1] in ("\n\n", "\n"):
            self.body.pop()
        written, self.body = "".join(self.body), saved
        return written

    def visit_footnote(self, node: nodes.footnote) -> None:
        raise nodes.SkipNode  # written where it is referred to

    def visit_index(self, node: addnodes.index) -> None:
        raise nodes.SkipNode  # the index is the book's (bookindex.py, pdf.py), not the page's

    # -- blocks ----------------------------------------------------------------------------

    def visit_bullet_list(self, node: nodes.bullet_list) -> None:
        self.out("#list(\n")
        self._closers(node, ")\n\n")

    def visit_enumerated_list(self, node: nodes.enumerated_list) -> None:
        numbering = {
            "loweralpha": "a.",
            "upperalpha": "A.",
            "lowerroman": "i.",
            "upperroman": "I.",
        }.get(node.get("enumtype", ""), "1.")
        start = int(node.get("start", 1))
        self.out(f"#enum(numbering: {string(numbering)}, start: {start},\n")
        self._closers(node, ")\n\n")

    depart_bullet_list = depart_enumerated_list = _close

    def visit_list_item(self, node: nodes.list_item) -> None:
        self._wrap(node, "[", "],\n")

    depart_list_item = _close

    def visit_definition_list(self, node: nodes.Node) -> None:
        name = semantic_call(node)
        opening, closing = (f"#{name}[#terms(\n", ")]\n\n") if name else ("#terms(\n", ")\n\n")
        self._wrap(node, opening, closing)

    def visit_definition_list_item(self, node: nodes.Node) -> None:
        self._wrap(node, "terms.item(", "),\n")

    def visit_term(self, node: nodes.Node) -> None:
        self._wrap(node, "[", "], ")

    def visit_definition(self, node: nodes.Node) -> None:
        self._wrap(node, "[", "]")

    depart_definition_list = depart_definition_list_item = depart_term = _close
    depart_definition = _close

    def visit_classifier(self, node: nodes.Node) -> None:
        self._wrap(node, " #emph[", "]")

    depart_classifier = _close

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        attribution = next(iter(node.findall(nodes.attribution)), None)
        args = "block: true"
        if attribution is not None:
            args += ", attribution: [" + text(" ".join(attribution.astext().split())) + "]"
        self._wrap(node, f"#quote({args})[\n", "]\n\n")

    depart_block_quote = _close

    def visit_attribution(self, node: nodes.Node) -> None:
        raise nodes.SkipNode  # in the quote's attribution

    def visit_line_block(self, node: nodes.Node) -> None:
        self._closers(node, "\n")

    def visit_line(self, node: nodes.Node) -> None:
        self._closers(node, "#linebreak()\n")

    depart_line_block = depart_line = _close

    def visit_transition(self, node: nodes.Node) -> None:
        if "footnotes" in node.get("classes", []):
            raise nodes.SkipNode  # MyST's rule above the footnotes: the PDF has them per page
        self.out("#align(center)[#line(length: 30%, stroke: 0.5pt)]\n\n")
        raise nodes.SkipNode

    def visit_rubric(self, node: nodes.Node) -> None:
        self._wrap(node, "#block(above: 1.2em)[#strong[", "]]\n\n")

    depart_rubric = _close

    def visit_admonition(self, node: nodes.Element) -> None:
        title = next((c for c in node.children if isinstance(c, nodes.title)), None)
        name = node.tagname if node.tagname != "admonition" else ""
        heading = title.astext() if title is not None else str(admonitionlabels.get(name, name))
        self.out(
            "#block(width: 100%, inset: (left: 1em, y: 0.6em), "
            "stroke: (left: 1.5pt + luma(120)), breakable: true)[",
            f"#strong[{text(heading)}]\n\n",
        )
        self._closers(node, "]\n\n")

    depart_admonition = _close

    # -- tables ----------------------------------------------------------------------------

    def visit_table(self, node: nodes.table) -> None:
        title = next((c for c in node.children if isinstance(c, nodes.title)), None)
        if title is not None:
            caption = text(" ".join(title.astext().split()))
            self.out(f"#figure(kind: table, caption: [{caption}])[")
            self._closers(node, "]\n\n")
        else:
            self.out("#[")
            self._closers(node, "]\n\n")

    def depart_table(self, node: nodes.table) -> None:
        self._close(node)

    def visit_tgroup(self, node: nodes.tgroup) -> None:
        cols = int(node.get("cols", 1))
        # A first column of no width holds the cells that keep rows together (``_glue``).
        columns = "(0pt, " + "auto, " * cols + ")"
        self.out(f"#table(columns: {columns}, align: left, stroke: 0.4pt + luma(160),\n")

    def depart_tgroup(self, node: nodes.tgroup) -> None:
        self.out(")")

    def visit_colspec(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    def visit_thead(self, node: nodes.Node) -> None:
        self.out("table.header(\n", _glue(len(node.children)))

    def depart_thead(self, node: nodes.Node) -> None:
        self.out("),\n")

    def visit_tbody(self, node: nodes.Node) -> None:
        pass

    depart_tbody = _ignore

    def visit_row(self, node: nodes.Node) -> None:
        if isinstance(node.parent, nodes.tbody):
            self.out(_row_glue(node.parent.index(node), len(node.parent.children)))

    depart_row = _ignore

    def visit_entry(self, node: nodes.entry) -> None:
        args = []
        if node.get("morecols"):
            args.append(f"colspan: {int(node['morecols']) + 1}")
        if node.get("morerows"):
            args.append(f"rowspan: {int(node['morerows']) + 1}")
        is_head = isinstance(node.parent.parent, nodes.thead)
        opening = f"table.cell({', '.join(args)})[" if args else "["
        if is_head:
            opening += "#strong["
        self.out(opening)
        self._closers(node, ("]" if is_head else "") + "],\n")

    def depart_entry(self, node: nodes.entry) -> None:
        while self.body and self.body[-1] == "\n\n":
            self.body.pop()
        self._close(node)

    # -- figures and images ----------------------------------------------------------------

    def visit_figure(self, node: nodes.figure) -> None:
        image = next(iter(node.findall(nodes.image)), None)
        caption = next(iter(node.findall(nodes.caption)), None)
        legend = next(iter(node.findall(nodes.legend)), None)
        if image is None:
            raise nodes.SkipNode
        parts = [self._image(image)]
        caption_text: list[str] = []
        if caption is not None:
            saved, self.body = self.body, caption_text
            for child in caption.children:
                child.walkabout(self)
            self.body = saved
        # A figure with :target: is a link, its address in a footnote to the caption (or to
        # the image, without one): readable on paper, as every link's.
        around = image.parent
        uri = _external_uri(around) if _linked_image(around) is image else None
        if uri:
            note = address_note(uri)
            parts[0] = f"link({string(uri)}, {parts[0]})"
            if caption is None:
                parts[0] = f"[#{parts[0]}{note}]"
            else:
                caption_text.append(note)
        if caption is not None:
            parts.append(f"caption: [{''.join(caption_text)}]")
        if "book-chart" in node["classes"]:  # the map and charts stay under their headings
            parts.append("placement: none")
        self.out(f"#figure({', '.join(parts)})\n\n")
        if legend is not None:
            for child in legend.children:
                child.walkabout(self)
        raise nodes.SkipNode

    def visit_image(self, node: nodes.image) -> None:
        self.out(f"#block({self._image(node)})\n\n")
        raise nodes.SkipNode

    def _image(self, node: nodes.image) -> str:
        placed = self.builder.place_image(node)
        alt = str(node.get("alt", "")).strip()
        return f"image({string(placed.path)}, alt: {string(alt)}, width: {placed.width_mm:.1f}mm)"

    # -- what the PDF leaves out -----------------------------------------------------------

    visit_comment = visit_substitution_definition = visit_raw = _skip
    visit_system_message = visit_problematic = visit_meta = _skip
    visit_toctree = visit_only = _skip
    visit_docinfo = visit_field_list = _skip

    def visit_label(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    def visit_caption(self, node: nodes.Node) -> None:
        raise nodes.SkipNode  # written by the figure

    def visit_legend(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    def visit_compact_paragraph(self, node: nodes.Node) -> None:
        pass

    depart_compact_paragraph = _ignore

    def visit_pending_xref(self, node: nodes.Node) -> None:
        pass

    depart_pending_xref = _ignore


def address_note(uri: str) -> str:
    """A footnote with a link's address, for paper (as the LaTeX edition's latex_show_urls)."""
    return f"#footnote[#link({string(uri)})[{text(uri.removeprefix('mailto:'))}]]"


def _external_uri(node: nodes.Node) -> str | None:
    uri = str(node.get("refuri", "")) if isinstance(node, nodes.reference) else ""
    return uri if uri.startswith(("http://", "https://", "mailto:")) else None


def _linked_image(node: nodes.Node) -> nodes.image | None:
    """The image that a reference is made of alone (an image or figure with ``:target:``)."""
    if isinstance(node, nodes.reference) and len(node) == 1 and isinstance(node[0], nodes.image):
        return node[0]
    return None


def _begins_a_part(
    page: addnodes.start_of_file, enclosing: list[str], reports: Container[str]
) -> bool:
    """Whether a part of the book (``pdfparts.py``) can begin with ``page``: a report (it
    begins a new page) inside no other report (a translation is inside its original's body);
    ``enclosing``: the pages it is inside; ``reports``: the report pages. (Its ``parent``
    can be stale once Sphinx has inlined the pages: the pages around it say where it is.)"""
    first = next((c for c in page.children if not isinstance(c, nodes.comment)), None)
    return isinstance(first, report_start) and not any(p in reports for p in enclosing)


def _glue(rows: int, keep: bool = False) -> str:
    """A cell of the zero-width first column spanning ``rows`` rows; ``keep``: they stay on one
    page. Typst has no widow or orphan control for table rows (typst/typst#4841); unbreakable
    cells spanning the first two and the last two body rows give it. The builder takes the
    column out of the PDF's structure tree again (``pdffinish.untag_glue_column``)."""
    spans = f"rowspan: {rows}, " if rows > 1 else ""
    unbreakable = "breakable: false, " if keep else ""
    return f"table.cell({spans}{unbreakable}inset: 0pt, stroke: none)[],\n"


def _row_glue(row: int, rows: int) -> str:
    """The glue cell that body row ``row`` of ``rows`` begins with, if any: the first two rows
    and the last two are kept together (a table of three rows or fewer, all of them)."""
    if rows <= 3:
        return _glue(rows, keep=True) if row == 0 else ""
    if row in (0, rows - 2):
        return _glue(2, keep=True)
    return "" if row in (1, rows - 1) else _glue(1)


#: The classes that the byline (``report.py``) and the Contributors page (``contributors.py``)
#: set on their nodes. The writer says what a node is, not how it looks: a node with one of
#: these classes becomes a call of the same name (``#report-author[…]``), and the layout
#: (``templates/pdf/book.typ``) defines each call, as Sphinx's LaTeX writer emits
#: ``\sphinxstyle…`` commands that ``sphinx.sty`` styles. The markup imports every name from
#: the layout (:func:`layout_import`), so a name the layout lacks stops the PDF at once, and
#: ``tests/test_pdf_writer.py`` fails when a class is set that is not listed here.
SEMANTIC_CLASSES = (
    "report-byline",
    "report-languages",
    "report-author",
    "report-place",
    "report-summary",
    "report-tags",
    "report-translators",
    "book-contributors",
    "contributor-details",
    "contributor-reports",
)
#: Classes set on nodes the writer writes as Typst's own elements, styled with their parent's
#: call: a Contributors entry is an item (``terms.item``) of its list.
PLAIN_CLASSES = ("book-contributor",)
#: A chapter's own text, before its reports (no class: the writer knows it by its page).
CHAPTER_OPENER = "chapter-opener"
#: Every call the writer makes that the layout defines.
SEMANTIC_CALLS = (*SEMANTIC_CLASSES, CHAPTER_OPENER)
#: The pages of the chapters, whose own text (before their reports) is a chapter's opener.


def semantic_call(node: nodes.Node) -> str | None:
    """The layout's call for ``node`` (its first class in ``SEMANTIC_CLASSES``), or None."""
    return next((c for c in node.get("classes", []) if c in SEMANTIC_CLASSES), None)


def layout_import() -> str:
    """The markup's first line: the layout's ``book`` and every semantic call, by name."""
    return f'#import "book.typ": book, {", ".join(SEMANTIC_CALLS)}\n'


def running_title(title: str, limit: float = 60.0) -> str:
    """A report's title for the running header: at most ``limit`` widths of a Latin letter
    (a CJK character counts two), cut at a word where one is near, with an ellipsis."""
    title = " ".join(title.split())
    width = 0.0
    for i, char in enumerate(title):
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if width > limit:
            cut = title[:i]
            space = cut.rfind(" ")
            if space > len(cut) * 0.6:
                cut = cut[:space]
            return cut.rstrip(" ,;:.-–—") + "…"
    return title


# Sphinx's admonitions (note, tip, warning, …) are one layout with its own heading.
for _name in admonitionlabels:
    setattr(TypstTranslator, f"visit_{_name}", TypstTranslator.visit_admonition)
    setattr(TypstTranslator, f"depart_{_name}", TypstTranslator.depart_admonition)
