"""One reading of a report's body: the docutils tree the build renders, checked by the contract.

``body.py`` reads the body with markdown-it and gives precise messages about what an editor
wrote. That alone would not be enough: whatever markdown-it and docutils read differently (a
line break only one of them sees, a CSV cell parsed after the check, an option value only the
directive converts) would pass the check and act in the build. So the check also renders the
very tokens ``body.py`` checked (:class:`~bookbuilder.check.body.Reading`, one parse of the
body) into the tree the build makes:

- the same MyST configuration (``body.report_config``; the check's parser also recognises
  HTML and every link target, which it then renders as the build's text and ``body.py``
  refuses), the same directive and role classes (Sphinx's own, registered for the parse
  only), docutils with raw output and file insertion off;
- the same renderer rules (:class:`ReportRules`, mixed into MyST's docutils renderer here and
  into its Sphinx renderer by :mod:`bookbuilder.sphinx.lockdown`): only the allowed directives,
  options and roles run, each directive's options are converted by its own converters first
  (a value a converter cannot use is a ``file:line`` message, never a traceback), links other
  than web and e-mail addresses stay text;
- the same allow-list of the tree's nodes (:func:`refused_nodes`), which the build's node
  guard applies too: only node types the contract's constructs make, images of the report's
  own folder only, no raw node, no reference outside the report.

What the build's docutils reports (a footnote nobody refers to, a reference to a missing
footnote, a duplicate target) is reported here too, at the report's own line; and the limits
a PDF engine needs (:data:`MAX_COLUMNS`), and those measured on Typst (``pdfengine/limits.py``:
nesting, table cells, header repeats, footnotes, size: :func:`typesetting_limits`) are checked
on the same tree, with a warning for text the PDF can only break at an arbitrary character
(:mod:`bookbuilder.linebreak`).
"""

from __future__ import annotations

import copy
import functools
import io
import optparse
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import directives, roles
from docutils.transforms import references
from docutils.utils import new_document
from markdown_it.common.normalize_url import validateLink
from markdown_it.tree import SyntaxTreeNode
from myst_parser.mdit_to_docutils import base as myst_base
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.directives import MarkupError, parse_directive_text
from myst_parser.parsers.docutils_ import Parser as MystDocutilsParser

from bookbuilder.check.body import (
    ALLOWED_DIRECTIVES,
    ALLOWED_LINK_PREFIXES,
    ALLOWED_ROLES,
    Reading,
    read,
    shared_parser,
)
from bookbuilder.codes import Code
from bookbuilder.linebreak import too_wide
from bookbuilder.model import Problem, Severity
from bookbuilder.pdfengine.limits import (
    LINK_WEIGHT,
    MAX_ELEMENTS,
    MAX_HEADER_REPEAT,
    MAX_INLINE_NESTING,
    MAX_MARKS_PER_PARAGRAPH,
    MAX_NESTING,
    MAX_NOTES_PER_MARK,
    MAX_TABLE_CELLS,
)
from bookbuilder.syntax import (
    image_folder,
    in_image_folder,
    plain_names,
)

#: A table wider than this does not fit a PDF page.
MAX_COLUMNS = 12
#: What counts towards the PDF's nesting limits (``limits.py``): blocks, and inline formatting.
_NESTING_NODES = (
    nodes.bullet_list,
    nodes.enumerated_list,
    nodes.definition_list,
    nodes.block_quote,
    nodes.Admonition,
    nodes.container,
    nodes.table,
)
_INLINE_NESTING_NODES = (
    nodes.emphasis,
    nodes.strong,
    nodes.reference,
    nodes.subscript,
    nodes.superscript,
    nodes.title_reference,
)
_INLINE_NESTING_SPHINX_NODES = frozenset({"literal_emphasis", "literal_strong"})

#: The node types that the contract's constructs make (paragraphs, emphasis, links, lists, block
#: quotes, tables, footnotes, admonitions, figures and images, code, comments): nothing else
#: may stand in a report's tree.
ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.document,
    nodes.section,
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.paragraph,
    nodes.Text,
    nodes.emphasis,
    nodes.strong,
    nodes.literal,
    nodes.inline,
    nodes.subscript,
    nodes.superscript,
    nodes.abbreviation,
    nodes.title_reference,
    nodes.reference,
    nodes.bullet_list,
    nodes.enumerated_list,
    nodes.list_item,
    nodes.definition_list,
    nodes.definition_list_item,
    nodes.term,
    nodes.definition,
    nodes.block_quote,
    nodes.attribution,
    nodes.line_block,
    nodes.line,
    nodes.transition,
    nodes.table,
    nodes.tgroup,
    nodes.colspec,
    nodes.thead,
    nodes.tbody,
    nodes.row,
    nodes.entry,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.label,
    nodes.Admonition,
    nodes.figure,
    nodes.image,
    nodes.caption,
    nodes.legend,
    nodes.literal_block,
    nodes.container,
    nodes.comment,
    nodes.substitution_definition,  # MyST's word count, never shown
    nodes.system_message,
    nodes.problematic,
)
#: Sphinx's own nodes that allowed constructs make (``{seealso}``, ``{kbd}``…), by class name,
#: so the check does not import Sphinx's node module for a name test.
ALLOWED_SPHINX_NODES = frozenset({"seealso", "literal_emphasis", "literal_strong"})


def allowed_link(uri: str) -> bool:
    return uri.startswith(ALLOWED_LINK_PREFIXES) and not re.search(r"[\x00-\x20\x7f]", uri)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(token: SyntaxTreeNode) -> int | None:
    return token.map[0] if token.map else None


# -- The renderer's rules ------------------------------------------------------------------------


class ReportRules(DocutilsRenderer):
    """The report format's allow-lists, applied while MyST renders a body into a docutils tree.

    Mixed into MyST's docutils renderer (the check) and into its Sphinx renderer (the build,
    ``lockdown.ReportRenderer``), so both run exactly the same directives with the same options.
    A subclass says what a refusal does (:meth:`refuse`).
    """

    def refuse(self, line: int | None, code: Code, message: str) -> None:
        raise NotImplementedError

    def setup_render(self, options: dict[str, Any], env: MutableMapping[str, Any]) -> None:
        """MyST's, without the document it makes and throws away when given one (its
        ``options.get("document", make_document())`` builds docutils' default settings, 72
        command-line options, for every body: 17% of a cold ``make check``, profiled)."""
        document = options.get("document")
        if document is None:
            super().setup_render(options, env)
            return
        made = myst_base.make_document
        myst_base.make_document = lambda *args, **kwargs: document
        try:
            super().setup_render(options, env)
        finally:
            myst_base.make_document = made

    def run_directive(
        self,
        name: str,
        first_line: str,
        content: str,
        position: int,
        additional_options: dict[str, str] | None = None,
        *,
        block_text: str | None = None,
    ) -> list[nodes.Element]:
        key = name.lower()
        allowed = ALLOWED_DIRECTIVES.get(key)
        if allowed is None:
            self.refuse(
                position, Code.BODY_DIRECTIVE, f"directive '{{{name}}}' is not allowed in a report"
            )
            return []
        directive_class, _messages = directives.directive(
            name, self.language_module_rst, self.document
        )
        if directive_class is None:
            self.refuse(position, Code.BODY_DIRECTIVE, f"directive '{{{name}}}' is not known")
            return []
        problems = option_problems(name, directive_class, allowed, first_line, content, position)
        for line, message in problems:
            # an options block MyST cannot read is the body check's option-syntax problem, read
            # the same way (syntax.directive_options): said once, under its own code
            unreadable = "Invalid options format" in message
            self.refuse(
                line, Code.BODY_OPTION_SYNTAX if unreadable else Code.BODY_DIRECTIVE, message
            )
        if problems:
            return []
        return super().run_directive(
            name, first_line, content, position, additional_options, block_text=block_text
        )

    def render_restructuredtext(self, token: SyntaxTreeNode) -> None:
        self.refuse(
            _line(token), Code.BODY_DIRECTIVE, "directive '{eval-rst}' is not allowed in a report"
        )

    def render_myst_role(self, token: SyntaxTreeNode) -> None:
        name = str(token.meta.get("name", ""))
        if name.lower() not in ALLOWED_ROLES:
            self.refuse(
                _line(token), Code.BODY_ROLE, f"role '{{{name}}}' is not allowed in a report"
            )
            self.current_node.append(nodes.Text(token.content))
            return
        super().render_myst_role(token)

    def render_myst_target(self, token: SyntaxTreeNode) -> None:
        self.refuse(
            _line(token),
            Code.BODY_TARGET,
            f"target '({_short(token.content)})=' is not allowed in a report",
        )

    def render_link(self, token: SyntaxTreeNode) -> None:
        href = str(token.attrGet("href") or "")
        if not allowed_link(href):
            self.refuse(
                _line(token), Code.BODY_LINK, f"link to '{_short(href)}' is not allowed in a report"
            )
            self.render_children(token)
            return
        super().render_link(token)

    def render_html_block(self, token: SyntaxTreeNode) -> None:
        self.refuse(_line(token), Code.BODY_RAW_HTML, "raw HTML is not allowed in a report")
        self.current_node.append(nodes.Text(token.content))

    render_html_inline = render_html_block


def option_problems(
    name: str,
    directive_class: type,
    allowed: frozenset[str],
    first_line: str,
    content: str,
    position: int,
) -> list[tuple[int, str]]:
    """What is wrong with a directive's options, read by MyST and converted by the directive's
    own converters (any exception of a converter is a problem, not a crash): (line, message)."""
    failures: list[tuple[str, str, str]] = []
    spec = getattr(directive_class, "option_spec", None) or {}

    def guarded(option: str, convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(value: Any) -> Any:
            try:
                return convert(value)
            except Exception as error:
                failures.append((option, "" if value is None else str(value), str(error)))
                raise ValueError(str(error)) from None

        return run

    checked = type(
        directive_class.__name__,
        (directive_class,),
        {"option_spec": {k: guarded(k, v) for k, v in spec.items() if k in allowed}},
    )
    try:
        parsed = parse_directive_text(checked, first_line, content, line=position)
    except MarkupError as error:
        return [(position, f"'{{{name}}}' cannot be read: {error}")]
    except Exception as error:
        return [(position, f"'{{{name}}}' cannot be read ({type(error).__name__}: {error})")]
    problems = []
    reported = {option for option, _value, _error in failures}
    for option, value, reason in failures:
        if value:
            found = f"has the value '{_short(value)}', which it cannot use ({reason})"
        else:  # MyST reads '|' or '>' alone as the start of a block of text, so no value
            found = (
                f"has no value ('|' or '>' alone starts a block of text: put such a character in "
                f'quotes, :{option}: "|")'
            )
        problems.append(
            (
                position,
                f"option ':{option}:' of '{{{name}}}' {found}; write a valid value or leave the "
                "option out",
            )
        )
    for warning in parsed.warnings:
        line = warning.lineno if warning.lineno is not None else position
        match = re.search(r"Unknown option key: '([^']*)'", warning.msg)
        if match:
            problems.append(
                (
                    line,
                    f"option ':{match.group(1)}:' on '{{{name}}}' is not allowed; allowed "
                    "options: " + ", ".join(f":{o}:" for o in sorted(allowed & set(spec))),
                )
            )
        elif not any(f"'{option}'" in warning.msg for option in reported):
            problems.append((line, f"'{{{name}}}': {warning.msg}"))
    return problems


# -- The node allow-list, shared with the build's node guard -------------------------------------


def refused_nodes(
    document: nodes.Node, slug: str, own_images: Path
) -> Iterator[tuple[nodes.Element, Code, str]]:
    """Every node of a report's tree that the contract does not allow, with a problem code and
    why.

    ``own_images`` is the report's image folder (``…/images/<slug>``); an image must name a
    file in it. A refused node's children are not looked at (the node goes as a whole).
    """
    stack: list[nodes.Node] = list(document.children)
    while stack:
        node = stack.pop()
        refusal = _refusal(node, slug, own_images)
        if refusal is not None:
            yield node, *refusal
            continue
        if isinstance(node, nodes.Element):
            stack.extend(reversed(node.children))


def _refusal(node: nodes.Node, slug: str, own: Path) -> tuple[Code, str] | None:
    if not isinstance(node, ALLOWED_NODES) and type(node).__name__ not in ALLOWED_SPHINX_NODES:
        return Code.BODY_ELEMENT, f"a '{type(node).__name__}' element is not allowed in a report"
    if isinstance(node, nodes.image):
        uri = str(node.get("uri", ""))
        if not own_image(uri, slug, own):
            return Code.BODY_IMAGE, f"image '{_short(uri)}' is not a file of {image_folder(slug)}"
    elif isinstance(node, nodes.reference) and "refuri" not in node:
        return Code.BODY_LINK, "a reference inside the book is not allowed in a report"
    elif isinstance(node, nodes.Element) and "refuri" in node:
        uri = str(node["refuri"])
        if not allowed_link(uri):
            return Code.BODY_LINK, f"link to '{_short(uri)}' is not allowed in a report"
    return None


def own_image(uri: str, slug: str, own: Path) -> bool:
    """``uri`` names an existing file of the report's image folder, with no way out of it."""
    if not in_image_folder(uri, slug) or not plain_names(uri):
        return False
    path = (own / "/".join(uri.split("/")[2:])).resolve()
    return path.is_relative_to(own.resolve()) and path.is_file()


# -- The check: parse as the build does, walk the tree -------------------------------------------


def _sphinx_registry() -> tuple[dict[str, Any], dict[str, Any]]:
    """The directive and role classes Sphinx's build gives docutils, collected by running the
    same set-up functions Sphinx runs, inside a namespace that is restored afterwards."""
    from sphinx.directives import admonitions, code, patches
    from sphinx.roles import setup as roles_setup
    from sphinx.util.docutils import SphinxDirective, docutils_namespace

    with docutils_namespace():
        app = SimpleNamespace(
            add_directive=lambda name, cls, override=False: directives.register_directive(name, cls)
        )
        admonitions.setup(app)  # type: ignore[arg-type]
        code.setup(app)  # type: ignore[arg-type]
        patches.setup(app)  # type: ignore[arg-type]
        roles_setup(app)  # type: ignore[arg-type]
        found = dict(directives._directives)
        found_roles = dict(roles._roles)
    # Sphinx's directives read a few settings from the build environment (the default language
    # of code blocks): they get the defaults the book's build has, and nothing else of Sphinx.
    env = _check_env()
    return {
        name: type(cls.__name__, (cls,), {"env": env}) if issubclass(cls, SphinxDirective) else cls
        for name, cls in found.items()
    }, found_roles


_REGISTRY: list[tuple[dict[str, Any], dict[str, Any]]] = []


def _registry() -> tuple[dict[str, Any], dict[str, Any]]:
    if not _REGISTRY:
        _REGISTRY.append(_sphinx_registry())
    return _REGISTRY[0]


class _CheckRenderer(ReportRules):
    """MyST's docutils renderer with the report rules; refusals become the check's problems.

    It renders the tokens ``body.py`` has checked (:class:`bookbuilder.check.body.Reading`),
    read with HTML recognised and every link target accepted. What the build's parser leaves
    as text (HTML, a link or image whose target markdown-it would not make one of) is text
    here too, and refused by ``body.py`` alone, at the line it was written on.
    """

    def refuse(self, line: int | None, code: Code, message: str) -> None:
        self.document["bookbuilder_refused"].append((line, code, message))

    def render_html_block(self, token: SyntaxTreeNode) -> None:
        self.current_node.append(nodes.Text(token.content))

    render_html_inline = render_html_block

    def render_link(self, token: SyntaxTreeNode) -> None:
        if not validateLink(str(token.attrGet("href") or "")):
            self.render_children(token)
            return
        super().render_link(token)

    def render_image(self, token: SyntaxTreeNode) -> None:
        if not validateLink(str(token.attrGet("src") or "")):
            self.render_children(token)
            return
        super().render_image(token)


def _check_env() -> SimpleNamespace:
    return SimpleNamespace(
        docname="report",
        current_document=SimpleNamespace(highlight_language="", docname="report"),
        temp_data={},
        metadata=defaultdict(dict),
        config=SimpleNamespace(highlight_language="default"),
        app=None,
    )


@functools.cache
def _settings() -> optparse.Values:
    """docutils' settings for the check, made once (an OptionParser costs more than a parse)."""
    settings = get_default_settings(MystDocutilsParser)
    settings.raw_enabled = False
    settings.file_insertion_enabled = False
    settings.report_level = 5  # nothing printed: the observer below collects every message
    settings.halt_level = 5
    settings.line_length_limit = 10**9  # the file's size is bounded at load
    settings.myst_suppress_warnings = ["myst.header"]  # the title above the body is level 1
    return settings


@functools.cache
def _renderer() -> _CheckRenderer:
    """The check's renderer around the one parser of reports' bodies (``body.py``'s), made
    once; each render gives it its document."""
    return _CheckRenderer(shared_parser()[0])


def parse_body(
    text: str, source: str, reading: Reading | None = None
) -> tuple[nodes.document, list[tuple[int | None, Code, str]], list[nodes.Node]]:
    """Render a body into a docutils tree as the build does; the tree, the renderer's refusals
    and docutils' own messages (as (line, code, message), lines of ``text`` from 1), and every
    node of the tree in its order (one walk, for every check of :func:`check_tree`).
    ``reading``: the body's tokens, already checked by ``body.py`` (they are used up: the
    renderer changes their lines); without it the body is read here."""
    from sphinx.util.docutils import docutils_namespace

    settings = copy.copy(_settings())
    settings.warning_stream = io.StringIO()
    document = new_document(source, settings)
    document["bookbuilder_refused"] = []
    messages: list[tuple[int | None, Code, str]] = []

    def observe(message: nodes.system_message) -> None:
        if message["level"] >= 2:
            text = message.children[0].astext() if message.children else message.astext()
            # warnings, as in the build, which reports them and publishes the page all the same
            if not text.startswith("Too many autonumbered footnote references"):
                messages.append((message.get("line"), Code.BODY_MARKUP, text))  # said by the next

    document.reporter.attach_observer(observe)
    known_directives, known_roles = _registry()
    with docutils_namespace():
        directives._directives.update(known_directives)
        roles._roles.update(known_roles)
        if reading is None:
            reading = read(text)
        renderer = _renderer()
        renderer.render(reading.tokens, {**renderer.md.options, "document": document}, reading.env)
        every = list(document.findall())
        if any(_transformed(node) for node in every):
            document.transformer.add_transforms(_REFERENCE_TRANSFORMS)
            document.transformer.apply_transforms()
            every = list(document.findall())
    refused = document["bookbuilder_refused"]
    del document["bookbuilder_refused"]
    return document, refused + messages, every


#: docutils' reference transforms, as the build runs them: footnotes numbered, targets and
#: references resolved, what stays unresolved reported.
_REFERENCE_TRANSFORMS = [
    references.Substitutions,
    references.PropagateTargets,
    references.AnonymousHyperlinks,
    references.IndirectHyperlinks,
    references.Footnotes,
    references.ExternalTargets,
    references.InternalTargets,
    references.DanglingReferences,
]
#: The nodes those transforms act on (with references by name, or anonymous): a tree without
#: any is left as it is by every one of them, which then only walk it (a tenth of checking a
#: body, profiled), so they are not run.
_TRANSFORMED_NODES = (
    nodes.target,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.citation,
    nodes.citation_reference,
    nodes.substitution_definition,
    nodes.substitution_reference,
    nodes.pending,
)


def _transformed(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Text):  # most of a tree's nodes: asked first
        return False
    if isinstance(node, _TRANSFORMED_NODES):
        return True
    attributes = getattr(node, "attributes", {})
    return "refname" in attributes or bool(attributes.get("anonymous"))


def check_tree(
    body: str,
    body_line: int,
    relpath: str,
    slug: str,
    own_images: Path,
    reading: Reading | None = None,
) -> list[Problem]:
    """The problems of a body's tree, as the build would render it: refusals, docutils'
    messages, nodes outside the allow-list, footnotes never referred to, PDF limits.
    ``reading``: the body's tokens, once ``body.py`` has checked them (:func:`parse_body`)."""
    document, found, every = parse_body(body, relpath, reading)

    def at(line: int | None) -> int:
        return body_line + max((line or 1) - 1, 0)

    problems = [
        Problem(
            relpath,
            at(line),
            _message(code, message),
            None,
            Severity.WARNING if code is Code.BODY_MARKUP else Severity.ERROR,
            code=code,
        )
        for line, code, message in found
    ]
    for node, code, why in refused_nodes(document, slug, own_images):
        problems.append(
            Problem(relpath, at(_node_line(node)), _message(code, why), None, code=code)
        )
    problems += _unreferenced_footnotes(every, relpath, at)
    problems += [
        Problem(
            relpath,
            at(_node_line(figure)),
            "a figure without a caption; write the caption below the figure's options (after a "
            "blank line), or use '{image}' for a picture that needs none",
            None,
            Severity.WARNING,
            code=Code.BODY_FIGURE,
        )
        for figure in every
        if isinstance(figure, nodes.figure)
        and not any(isinstance(child, nodes.caption) for child in figure.children)
    ]
    problems += _pdf_limits(every, relpath, at)
    problems += typesetting_limits(document, relpath, at, every)
    return problems


_UNKNOWN_TARGET = re.compile(r'Unknown target name: "(.*)"')


def _message(code: Code, message: str) -> str:
    if code is Code.BODY_MARKUP:
        unknown = _UNKNOWN_TARGET.search(message)
        if unknown:
            name = unknown.group(1)
            return (
                f"footnote [^{name}] is referred to but not written; add a line '[^{name}]: "
                "the note's text' below, or remove the reference"
            )
        return f"{_short(message, 200)} (found when the body is read as the build reads it)"
    return f"{message} (found when the body is read as the build reads it)"


def _unreferenced_footnotes(
    every: list[nodes.Node], relpath: str, at: Callable[[int | None], int]
) -> list[Problem]:
    referred = {ref.get("refid") for ref in every if isinstance(ref, nodes.footnote_reference)}
    return [
        Problem(
            relpath,
            at(footnote.line),
            f"footnote [{(footnote.get('names') or ['?'])[0]}] is not referred to anywhere in "
            "the text; refer to it with [^name] or delete it",
            None,
            Severity.WARNING,
            code=Code.BODY_FOOTNOTE,
        )
        for footnote in every
        if isinstance(footnote, nodes.footnote) and not set(footnote["ids"]) & referred
    ]


def _pdf_limits(
    every: list[nodes.Node], relpath: str, at: Callable[[int | None], int]
) -> list[Problem]:
    """What a PDF engine cannot set: tables wider than a page, nesting deeper than Typst goes
    (errors: the PDF would fail or lose text); text with no place to break a line over a
    line's width (a warning: the PDF breaks it at an arbitrary character, ``linebreak.py``)."""
    problems = []
    for text in every:
        if not isinstance(text, nodes.Text):
            continue
        parent = text.parent
        for run in too_wide(str(text)):
            word = str(text)[run.start : run.end]
            problems.append(
                Problem(
                    relpath,
                    at(_node_line(parent)),
                    f"a run of {len(word)} characters with no place to break a line "
                    f"('{word[:20]}…') found, wider than a line of the PDF, which breaks it at "
                    "an arbitrary character; add spaces or hyphens where it may break",
                    None,
                    Severity.WARNING,
                    code=Code.BODY_LONG_RUN,
                )
            )
    problems += [
        Problem(
            relpath,
            at(_node_line(group)),
            f"a table of {group['cols']} columns found; at most {MAX_COLUMNS} fit a "
            "page of the PDF: split the table, or turn it around (rows for columns)",
            None,
            code=Code.BODY_PDF,
        )
        for group in every
        if isinstance(group, nodes.tgroup) and int(group.get("cols", 0)) > MAX_COLUMNS
    ]
    return problems


def _node_line(node: nodes.Node | None) -> int | None:
    while node is not None:
        if node.line:
            return node.line
        node = node.parent
    return None


# -- What Typst can typeset (the constants above) --------------------------------------------------


def typesetting_limits(
    document: nodes.document,
    relpath: str,
    at: Callable[[int | None], int],
    every: list[nodes.Node],
) -> list[Problem]:
    """Errors for what would stop the PDF engine, make it drop notes or need more than a few
    hundred megabytes for one report: nesting, tables, footnotes, size. ``every``: the tree's
    nodes in order (``document.findall()``), walked once for all the checks."""
    found: list[tuple[nodes.Node, Code, str]] = []
    found += _too_deep(document)
    for group in every:
        if isinstance(group, nodes.tgroup):
            found += _table_limits(group)
    found += _footnote_limits(every)
    elements = sum(
        LINK_WEIGHT if isinstance(node, nodes.reference) else 1
        for node in every
        if isinstance(node, nodes.Element)
    )
    if elements - 1 > MAX_ELEMENTS:  # not the document itself
        found.append(
            (
                document.children[0] if document.children else document,
                Code.BODY_PDF_SIZE,
                f"{elements - 1:,} elements (paragraphs, list items, table cells, emphasis, "
                f"notes…; a link counts {LINK_WEIGHT}, as the PDF prints its address in a note) "
                f"found; a report has at most {MAX_ELEMENTS:,} for the PDF to set it: split the "
                "report, or shorten its tables and lists",
            )
        )
    return [
        Problem(relpath, at(_first_line(node)), message, None, code=code)
        for node, code, message in found
    ]


def _first_line(node: nodes.Node) -> int | None:
    """The first line of ``node``'s text: the least line of it and its descendants (a
    directive's table carries the line its fence closes on, its rows their own)."""
    lines = [n.line for n in node.findall() if n.line]
    return min(lines) if lines else _node_line(node)


def _too_deep(document: nodes.document) -> list[tuple[nodes.Node, Code, str]]:
    """Blocks and inline formatting nested too deeply, said once per way in (at the first
    level too deep)."""
    found = []
    stack: list[tuple[nodes.Node, int, int]] = [(child, 0, 0) for child in document.children]
    while stack:
        node, blocks, inlines = stack.pop()
        if isinstance(node, _NESTING_NODES):
            blocks += 1
            if blocks == MAX_NESTING + 1:
                found.append(
                    (
                        node,
                        Code.BODY_PDF_NESTING,
                        f"lists, quotes, admonitions and tables nested {blocks} levels deep "
                        f"found; at most {MAX_NESTING} levels print in the PDF: nest them less "
                        "deeply",
                    )
                )
        if isinstance(node, _INLINE_NESTING_NODES) or (
            type(node).__name__ in _INLINE_NESTING_SPHINX_NODES
        ):
            inlines += 1
            if inlines == MAX_INLINE_NESTING + 1:
                found.append(
                    (
                        node,
                        Code.BODY_PDF_NESTING,
                        f"emphasis, bold, links, sub- and superscripts nested {inlines} deep "
                        f"found; at most {MAX_INLINE_NESTING} print in the PDF: nest them less "
                        "deeply",
                    )
                )
        if isinstance(node, nodes.Element):
            stack.extend((child, blocks, inlines) for child in node.children)
    return found


def _table_limits(group: nodes.tgroup) -> list[tuple[nodes.Node, Code, str]]:
    columns = max(int(group.get("cols", 1) or 1), 1)
    head = [row for part in group.children if isinstance(part, nodes.thead) for row in part]
    body = [row for part in group.children if isinstance(part, nodes.tbody) for row in part]
    found = []
    cells = (len(head) + len(body)) * columns
    if cells > MAX_TABLE_CELLS:
        found.append(
            (
                group,
                Code.BODY_PDF_TABLE,
                f"a table of {len(head) + len(body):,} rows and {columns} column(s) ({cells:,} "
                f"cells) found; the PDF sets at most {MAX_TABLE_CELLS:,} cells in one table: "
                "split it, or put the data in a file beside the report",
            )
        )
    header = sum(len(row.astext()) for row in head)
    if header * len(body) > MAX_HEADER_REPEAT:
        found.append(
            (
                group,
                Code.BODY_PDF_HEADER,
                f"a table header of {header:,} characters over {len(body):,} rows found; the PDF "
                "repeats the header on every page, and at most "
                f"{MAX_HEADER_REPEAT:,} characters × rows can be set: shorten the header, or "
                "split the table",
            )
        )
    return found


def _footnote_limits(every: list[nodes.Node]) -> list[tuple[nodes.Node, Code, str]]:
    """Notes that would not fit the page of their mark: a note bringing too many others with
    it, a paragraph with too many marks (``every``: the tree's nodes in order)."""
    notes = {id_: note for note in every if isinstance(note, nodes.footnote) for id_ in note["ids"]}
    refers: dict[str, list[str]] = {
        id_: [str(r.get("refid", "")) for r in note.findall(nodes.footnote_reference)]
        for id_, note in notes.items()
    }
    found = []
    for id_, note in notes.items():
        brought = _reachable(id_, refers, MAX_NOTES_PER_MARK + 1)
        if len(brought) > MAX_NOTES_PER_MARK:
            name = (note.get("names") or ["?"])[0]
            found.append(
                (
                    note,
                    Code.BODY_PDF_FOOTNOTES,
                    f"footnote [^{name}] refers to other notes that refer to others: more than "
                    f"{MAX_NOTES_PER_MARK} notes would print for one mark, more than the PDF "
                    "can hold on its page; refer to those notes from the text instead",
                )
            )
            break  # one is enough to say: every note of such a chain is part of it
    marks: dict[int, int] = {}
    holders: dict[int, nodes.Node] = {}
    for reference in every:
        if not isinstance(reference, nodes.footnote_reference):
            continue
        holder = reference.parent
        while holder is not None and not isinstance(holder, nodes.TextElement):
            holder = holder.parent
        key = id(holder)
        marks[key] = marks.get(key, 0) + 1
        holders[key] = holder if holder is not None else reference
    for key, count in marks.items():
        if count > MAX_MARKS_PER_PARAGRAPH:
            found.append(
                (
                    holders[key],
                    Code.BODY_PDF_FOOTNOTES,
                    f"{count} footnote marks in one paragraph found; at most "
                    f"{MAX_MARKS_PER_PARAGRAPH} fit, with their notes, on the paragraph's page "
                    "of the PDF: split the paragraph, or merge notes",
                )
            )
    return found


def _reachable(start: str, refers: dict[str, list[str]], enough: int) -> set[str]:
    """The notes ``start`` prints with it (itself included), counted up to ``enough``."""
    seen = {start}
    queue = [start]
    while queue and len(seen) < enough:
        for target in refers.get(queue.pop(0), ()):
            if target in refers and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
