"""The book's accessibility, as facts and as a statement readers can read.

One set of facts (:class:`AccessibilityFacts`) is made from what the EPUB builder's checks of the
written pages found; the EPUB's package metadata (schema.org ``accessMode``, features, hazards,
summary, ``dcterms:conformsTo``) and the statement that readers see are both made from it, so the
statement can never claim what a check did not show.

The statement follows W3C's *Accessibility Metadata Display Guide for Digital Publications 2.0*:
its sections (ways of reading, conformance, navigation, rich content, hazards, accessibility
summary, legal considerations, additional information) and, where the guide has one, its wording.
The EPUB's Accessibility page carries it (filled in when the EPUB's pages have been checked);
the website's landing and Accessibility pages carry the same statement, read from the facts the
EPUB build saved, together with the results of EPUBCheck and DAISY Ace when they were run on that
very file (``make epubcheck``, ``make ace``).
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from bookbuilder.layout import DOWNLOADS_DIR
from bookbuilder.words import N_, _

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
CERTIFIER_NOTE = N_("self-declared from the builder's checks of every page of this edition")
SUMMARY_CHECKED = N_(
    "This publication meets the requirements of EPUB Accessibility 1.1 and WCAG 2.2 level AA. "
    "All content is text that can be resized and read aloud; the language of every page, and of "
    "every report written in another language, is declared. Every image has a text alternative "
    "written by the report's authors. The table of contents lists every chapter and every report, "
    "the reading order follows it{index}, and headings structure each page. There are no "
    "flashing, motion or sound hazards."
)
# In the summary only when the index has entries (bookindex.py; the EPUB checks it)
SUMMARY_INDEX = N_(", an index lists its authors, countries, roles, modalities and topics")
SUMMARY_UNCHECKED = N_(
    "All content is text that can be resized and read aloud. The table of contents lists every "
    "chapter and every report, and the reading order follows it. This edition did not pass the "
    "builder's accessibility checks, so it makes no conformance claim."
)
# schema.org accessibilityFeature values, as the Display Guide's "additional information" says them
FEATURE_WORDS = {
    "alternativeText": N_("Images have text alternatives"),
    "index": N_("Index"),
    "readingOrder": N_("Reading order is defined"),
    "structuralNavigation": N_("Headings and other structure for navigation"),
    "tableOfContents": N_("Table of contents"),
    "longDescription": N_("Charts have their numbers in a data table"),
}
NO_EXEMPTION = "No exemption from accessibility requirements is claimed"
FACTS_FILE = "epub-accessibility.json"  # beside the editions, in _build/


@dataclass(frozen=True)
class CheckerResult:
    """A checker's run on one EPUB file: which file (its digest), and what it found."""

    checker: str  # "EPUBCheck", "DAISY Ace"
    passed: bool
    summary: str
    epub_sha256: str


@dataclass(frozen=True)
class AccessibilityFacts:
    access_modes: tuple[str, ...]
    access_mode_sufficient: tuple[str, ...]
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str | None
    certified_by: str
    reflowable: bool = True
    charts: bool = False
    checks: tuple[CheckerResult, ...] = field(default_factory=tuple)

    @property
    def nonvisual_reading(self) -> bool:
        """Readable with a screen reader or braille: text suffices and images have text."""
        text_suffices = "textual" in self.access_mode_sufficient
        images_described = "visual" not in self.access_modes or ("alternativeText" in self.features)
        return text_suffices and images_described


def facts_from_checks(
    *, images: int, charts: int, checks_passed: bool, has_index: bool, publisher: str
) -> AccessibilityFacts:
    """The facts of one EPUB edition, from the builder's checks of its written pages."""
    modes = ("textual", "visual") if images else ("textual",)
    features = {"structuralNavigation", "tableOfContents", "readingOrder"}
    if images and checks_passed:
        features.add("alternativeText")
    if has_index:
        features.add("index")
    if charts:
        features.add("longDescription")
    return AccessibilityFacts(
        access_modes=modes,
        access_mode_sufficient=("textual",),
        features=tuple(sorted(features)),
        hazards=("none",),
        summary=_(SUMMARY_CHECKED).format(index=_(SUMMARY_INDEX) if has_index else "")
        if checks_passed
        else _(SUMMARY_UNCHECKED),
        conforms_to=CONFORMANCE if checks_passed else None,
        certified_by=f"{publisher} ({_(CERTIFIER_NOTE)})",
        charts=bool(charts),
    )


# -- the statement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


def statement(facts: AccessibilityFacts) -> tuple[Section, ...]:
    """The Display Guide's sections, in its order, in its words where it has them."""
    reading = [
        _("Appearance can be modified") if facts.reflowable else _("Appearance cannot be modified"),
        _("Readable in read aloud or dynamic braille")
        if facts.nonvisual_reading
        else _("May not be fully readable in read aloud or dynamic braille"),
        _("No prerecorded audio: the book is text and images"),
    ]
    if facts.conforms_to:
        conformance = [
            _("This publication meets accepted accessibility standards"),
            _("Conforms to {standard}").format(standard=facts.conforms_to),
            _("Certified by {certifier}").format(certifier=facts.certified_by),
        ]
    else:
        conformance = [_("This publication does not claim to meet an accessibility standard")]
    conformance += [_check_line(check) for check in facts.checks]
    navigation = [_(FEATURE_WORDS[f]) for f in ("tableOfContents", "index") if f in facts.features]
    if "structuralNavigation" in facts.features:
        navigation.append(_("Elements such as headings and tables for structured navigation"))
    rich = (
        [_("Charts and graphs have a text alternative and their numbers in a data table")]
        if facts.charts
        else [_("No charts, diagrams, mathematics or chemical formulas")]
    )
    hazards = [_("No hazards")] if facts.hazards == ("none",) else list(facts.hazards)
    extra = [_(FEATURE_WORDS[f]) if f in FEATURE_WORDS else f for f in facts.features]
    return (
        Section(_("Ways of reading"), tuple(reading)),
        Section(_("Conformance"), tuple(conformance)),
        Section(_("Navigation"), tuple(navigation)),
        Section(_("Rich content"), tuple(rich)),
        Section(_("Hazards"), tuple(hazards)),
        Section(_("Accessibility summary"), (facts.summary,)),
        Section(
            _("Legal considerations"),
            (_("No exemption from accessibility requirements is claimed"),),
        ),
        Section(_("Additional accessibility information"), tuple(extra)),
    )


def _check_line(check: CheckerResult) -> str:
    if check.passed:
        said = _("{checker} passed on this very file: {summary}")
    else:
        said = _("{checker} found problems on this very file: {summary}")
    return said.format(checker=check.checker, summary=check.summary)


def statement_html(facts: AccessibilityFacts, level: int = 2) -> str:
    """The statement as (X)HTML: a heading and a list per section, every word escaped."""
    out = ['<div class="accessibility-statement">']
    for section in statement(facts):
        out.append(f"<h{level}>{html.escape(section.heading)}</h{level}>")
        items = "".join(f"<li>{html.escape(line)}</li>" for line in section.lines)
        out.append(f"<ul>{items}</ul>")
    out.append("</div>")
    return "\n".join(out)


# -- saved between the EPUB's build and the website's ----------------------------------------


def save_facts(path: Path, facts: AccessibilityFacts, epub_sha256: str) -> None:
    data = asdict(facts) | {"epub_sha256": epub_sha256}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")


def load_facts(path: Path, epub_sha256: str | None) -> AccessibilityFacts | None:
    """The facts saved for the EPUB whose digest is ``epub_sha256``; None for any other EPUB
    (or none), so a statement never describes a file that is not the one offered."""
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if epub_sha256 is None or data.pop("epub_sha256", None) != epub_sha256:
        return None
    checks = tuple(CheckerResult(**c) for c in data.pop("checks", ()))
    for key in ("access_modes", "access_mode_sufficient", "features", "hazards"):
        data[key] = tuple(data[key])
    return AccessibilityFacts(**data, checks=checks)


def with_checker_results(
    facts: AccessibilityFacts, results: list[CheckerResult], epub_sha256: str
) -> AccessibilityFacts:
    """The facts with the checkers' runs on this EPUB; a failed checker withdraws the claim."""
    own = tuple(r for r in results if r.epub_sha256 == epub_sha256)
    if not own:
        return facts
    failed = any(not r.passed for r in own)
    return AccessibilityFacts(
        **{
            **asdict(facts),
            "access_modes": facts.access_modes,
            "access_mode_sufficient": facts.access_mode_sufficient,
            "features": facts.features,
            "hazards": facts.hazards,
            "conforms_to": None if failed else facts.conforms_to,
            "summary": _(SUMMARY_UNCHECKED) if failed else facts.summary,
            "checks": own,
        }
    )


# -- the Sphinx side: the statement's node, filled per edition --------------------------------

PLACEHOLDER = '<div class="accessibility-statement" data-bookbuilder="statement"></div>'
STATEMENT_FLAG = "bookbuilder_statement"  # page metadata: the page shows the statement
CHECKS_DIR = "checks"  # _build/checks/<checker>.json: what `make epubcheck` / `make ace` found


class accessibility_statement(nodes.General, nodes.Element):
    """Where the statement stands; ``collapsed``: inside a disclosure (the landing page)."""


class AccessibilityStatement(SphinxDirective):
    option_spec: ClassVar[dict[str, Any]] = {"collapsed": directives.flag}

    def run(self) -> list[nodes.Node]:
        self.env.metadata[self.env.docname][STATEMENT_FLAG] = "yes"
        return [accessibility_statement(collapsed="collapsed" in self.options)]


def visit_statement_epub(self: HTML5Translator, node: accessibility_statement) -> None:
    # The pages are checked after they are written; the EPUB builder fills this in then.
    self.body.append(PLACEHOLDER)
    raise nodes.SkipNode


def visit_statement_html(self: HTML5Translator, node: accessibility_statement) -> None:
    builddir = Path(self.builder.outdir).parent
    facts = facts_for_web(builddir, Path(self.builder.outdir), self.builder.config.epub_basename)
    if facts is None:
        text = (
            "The accessibility statement describes the EPUB of this build; this build made no "
            "EPUB (build all three editions with make all)."
        )
        body = f"<p>{html.escape(text)}</p>"
    else:
        body = statement_html(facts, level=3)
    if node["collapsed"]:
        body = (
            '<details class="accessibility-details"><summary>Accessibility of the e-book'
            f"</summary>{body}</details>"
        )
    self.body.append(body)
    raise nodes.SkipNode


def offered_epub(html_outdir: Path, basename: str) -> Path | None:
    path = html_outdir / DOWNLOADS_DIR / f"{basename}.epub"
    return path if path.is_file() else None


def facts_for_web(builddir: Path, html_outdir: Path, basename: str) -> AccessibilityFacts | None:
    """The facts of the EPUB the website offers, with the checkers' runs on that very file."""
    epub = offered_epub(html_outdir, basename)
    digest = file_sha256(epub) if epub else None
    facts = load_facts(builddir / FACTS_FILE, digest)
    if facts is None or digest is None:
        return None
    return with_checker_results(facts, load_checker_results(builddir / CHECKS_DIR), digest)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_checker_result(builddir: Path, result: CheckerResult) -> None:
    folder = builddir / CHECKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = result.checker.lower().replace(" ", "-")
    (folder / f"{name}.json").write_text(json.dumps(asdict(result), indent=1), "utf-8")


def load_checker_results(folder: Path) -> list[CheckerResult]:
    results = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            results.append(CheckerResult(**json.loads(path.read_text("utf-8"))))
        except (OSError, ValueError, TypeError):
            continue
    return results


def statement_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: the pages with the statement are written again when what it says
    changes (another EPUB, a checker's new run), though no source of theirs did."""
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return []
    facts = facts_for_web(Path(app.outdir).parent, Path(app.outdir), app.config.epub_basename)
    key = json.dumps(asdict(facts), sort_keys=True) if facts else ""
    kept = vars(env)  # the last build's key, an attribute of the environment's own, pickled
    if kept.get("bookbuilder_statement") == key:
        return []
    kept["bookbuilder_statement"] = key
    return [d for d in env.found_docs if env.metadata.get(d, {}).get(STATEMENT_FLAG)]
