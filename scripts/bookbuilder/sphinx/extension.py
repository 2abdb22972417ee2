"""The Sphinx side of the book in one place: everything the builder adds to Sphinx.

Sphinx loads this one extension (``settings.sphinx_settings``); :func:`setup` lists every
setting, node, directive, transform, builder and event handler, the handlers in the order of a
build. The code is in the modules it names:

- ``report``: a report's page (byline, language, other versions);
- ``lockdown``: the second layer behind validation (no raw HTML, no file of the machine);
- ``online``, ``offline``, ``scholarly``, ``a11y``: the web edition (landing page, browse,
  charts, downloads, offline reading, citation tags, the accessibility statement);
- ``images``: each edition's own copy of every image;
- ``epub``, ``pdf`` (with ``typst``): the EPUB and PDF builders;
- ``outputs``, ``incremental``, ``remembered``, ``navigation``, ``toctree``: every build is a
  clean build's, fast: nothing stale, the pages next to a change written again, every warning
  every build, the sidebar and the toctree in time linear in the book's size.

What a build learns while it runs is kept in one :class:`BuildState`, made here for each build
(Sphinx makes one application per build) and handed to the handlers that need it.
"""

from __future__ import annotations

import importlib
from functools import partial
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder

from bookbuilder import editions, words
from bookbuilder.model import BookMeta
from bookbuilder.sphinx import (
    a11y,
    bookindex,
    branding,
    chapters,
    contributors,
    glance,
    images,
    incremental,
    language,
    lockdown,
    navigation,
    offline,
    online,
    outputs,
    parallel,
    remembered,
    report,
    scholarly,
    toctree,
)
from bookbuilder.sphinx.build import before_reading, give_back_to_collector
from bookbuilder.sphinx.epub import EPUB_WRITTEN, BookEpubTranslator
from bookbuilder.sphinx.state import BuildState

# 5: a report's citation downloads are a node of its page (online.cite_downloads); 4: one
# extension (was bookbuilder.sphinx.extension and .online); 3: image names from their paths
# (outputs.PathNames). An older environment is read afresh.
ENV_VERSION = 5


def _skip(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


SKIP = (_skip, None)
# Sphinx's writers that are no edition of the book and skip every node of ours but the report's.
OTHER_WRITERS = ("text", "man", "texinfo")


def not_web() -> tuple[str, ...]:
    """Writers that never show the web edition's nodes: the editions whose pages are not HTML
    (the PDF's: sphinx/typst.py), and Sphinx's other writers."""
    return tuple(dict.fromkeys((*editions.without_html(), *OTHER_WRITERS)))


def _load(path: str) -> type[Builder]:
    """An edition's builder class, named ``module:Class`` in the registry (editions.py)."""
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def setup(app: Sphinx) -> dict[str, Any]:
    build = BuildState()

    # -- settings: the book's metadata, typed (settings.py); the builder's words (words.py)
    app.add_config_value("bookbuilder_meta", None, "env", types=[BookMeta])
    # the builder's catalogue, read as Sphinx reads its own and its theme's; its words' digest a
    # setting, so pages read with other words are read again (a changed catalogue or word)
    app.add_message_catalog(words.DOMAIN, str(words.compiled_locale_dir()))
    app.add_config_value("bookbuilder_words", "", "env", types=[str])

    _add_nodes(app)
    _add_directives_and_transforms(app)

    # -- builders
    # each edition's own (editions.py): the EPUB accessible and reproducible, the PDF tagged
    # and typeset by Typst
    for edition in editions.EDITIONS.values():
        if edition.builder_class:
            app.add_builder(_load(edition.builder_class), override=True)
    app.set_translator("epub", BookEpubTranslator, override=True)
    app.add_event(EPUB_WRITTEN)  # the EPUB's pages are written; its folder is not packed yet
    if toctree.disable_builtin_collector(app):  # reading in time linear in the book's size
        app.add_env_collector(toctree.LinearTocTreeCollector)

    # -- the book's styles, in this order (the accent's comes last: branding.py)
    for stylesheet in ("book.css", "online.css", "icons.css"):
        app.add_css_file(stylesheet)

    # -- events, in the order of a build (at one priority, in the order connected)
    app.connect("config-inited", language.use_book_words, priority=100)  # before any word
    app.connect("config-inited", branding.add_book_static)
    app.connect("config-inited", branding.add_accent_stylesheet)
    app.connect("config-inited", lockdown.enforce_safe_myst)
    app.connect("config-inited", online.add_templates)

    app.connect("builder-inited", before_reading)  # the render stage's charts
    app.connect("builder-inited", incremental.cache_compiled_templates)
    app.connect("builder-inited", lockdown.lock_down)
    app.connect("builder-inited", outputs.name_images_by_path)
    app.connect("builder-inited", partial(remembered.listen, build))
    app.connect("builder-inited", partial(online.sync_downloads, build))
    app.connect("builder-inited", offline.add_offline_script)
    app.connect("builder-inited", partial(online.draw_social_card_aside, build))

    app.connect("env-purge-doc", remembered.forget_document)
    app.connect("env-merge-info", remembered.merge_warnings)  # JOBS > 1: see _parallel_safety
    app.connect("env-before-read-docs", partial(parallel.read_few_in_one_process, build))
    app.connect("env-get-outdated", partial(online.landing_outdated, build))
    app.connect("env-get-outdated", a11y.statement_outdated)
    app.connect("env-get-updated", incremental.pages_whose_structure_changed)
    app.connect("env-updated", partial(parallel.write_in_all_processes, build))
    app.connect("env-updated", images.register_derivatives)
    app.connect("env-check-consistency", partial(remembered.note_checked, build))

    app.connect("write-started", outputs.empty_static)
    app.connect("write-started", partial(bookindex.prepare, build))
    app.connect("write-started", partial(remembered.note_writing, build))
    app.connect("doctree-resolved", partial(remembered.note_written, build))
    app.connect("doctree-resolved", images.list_pictures_to_copy)
    app.add_event(parallel.WRITTEN_ELSEWHERE)  # JOBS > 1: pages a worker wrote (parallel.py)
    app.connect(parallel.WRITTEN_ELSEWHERE, partial(remembered.note_written_elsewhere, build))
    app.connect(parallel.WRITTEN_ELSEWHERE, partial(outputs.note_pages_elsewhere, build))

    # before the theme's handlers (500), which render the sidebar from the context
    app.connect("html-page-context", partial(navigation.use_one_level_sidebar, build), 400)
    app.connect("html-page-context", report.page_language)
    app.connect("html-page-context", language.page_direction)
    app.connect("html-page-context", scholarly.page_metadata)
    app.connect("html-page-context", partial(outputs.note_page, build))
    app.connect("html-page-context", images.add_zoom_script)
    app.connect("html-page-context", partial(bookindex.index_page, build))
    app.connect("html-page-context", online.link_previews)
    app.connect("html-page-context", offline.link_manifest)
    app.connect("html-page-context", glance.add_glance_css)
    # after the theme's, which sets the page's author to the book's editors
    app.connect("html-page-context", online.report_footer, priority=600)
    # after the theme's, which sets the titles as plain text
    app.connect("html-page-context", lockdown.escape_page_title, priority=900)

    app.connect(EPUB_WRITTEN, partial(outputs.prune_epub, build))
    # before anything that lists the folder (the offline edition's file list)
    app.connect("build-finished", partial(outputs.prune_web_edition, build), priority=100)
    app.connect("build-finished", incremental.save_structure)
    app.connect("build-finished", partial(online.social_card, build))
    app.connect("build-finished", partial(remembered.remember, build), priority=900)
    # after every other handler: the listing covers the files they write
    app.connect("build-finished", offline.write_offline_files, priority=900)
    app.connect("build-finished", give_back_to_collector, priority=1000)  # last

    return {"version": "1", "env_version": ENV_VERSION, **_parallel_safety()}


def _parallel_safety() -> dict[str, bool]:
    """Sphinx reads and writes pages in ``JOBS`` processes (bookbuilder.jobs) only if every
    extension says it may. True here, because what the extension keeps is merged or made in the
    main process: the read warnings in the environment (``remembered.merge_warnings``);
    ``BuildState`` and the files beside the doctrees only in handlers Sphinx runs in the main
    process (builder-inited, env-*, write-started, build-finished, and the first page's
    doctree-resolved and html-page-context, written before the others are shared out), or from
    what a worker sends back (``parallel.WRITTEN_ELSEWHERE``: the pages it wrote); the images a
    page shows, listed for copying where the page is resolved (``images.list_pictures_to_copy``)
    and sent back with the pages (``parallel.PagesInWorkers``). ``tests/test_parallel.py`` holds
    a parallel build to a serial one, file for file."""
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _add_nodes(app: Sphinx) -> None:
    """Our nodes, each with its writers; a writer not named raises an error, on purpose.
    ``override=False`` (Sphinx's default) is said where writers are unpacked from a dict, which
    the type checker would otherwise take to hold ``override`` too."""
    language = (report.visit_in_language_html, report.depart_in_language_html)
    for node in (report.in_language, report.report_body):
        app.add_node(node, html=language, epub=language)
    # The PDF's writer (sphinx/typst.py) sets languages itself and prints the switch's child, a
    # paragraph of cross-references, and starts each report on a new page.
    switch = (report.visit_language_switch_html, None)
    app.add_node(report.language_switch, html=switch, epub=switch)
    app.add_node(report.report_language)  # replaced by report_body before writing
    app.add_node(report.report_start, html=SKIP, epub=SKIP)
    # The web edition's nodes: written in HTML and the EPUB (where visitors may still skip
    # them), never in the other formats.
    for node, visitors in (
        (online.web_only, (online.visit_web_only, online.depart_div)),
        (online.book_downloads, (online.visit_book_downloads, None)),
        (online.browse_filters, (online.visit_browse_filters, None)),
        (online.report_trailer, (online.visit_report_trailer, online.depart_report_trailer)),
        (online.report_cite, (online.visit_report_cite, online.depart_report_cite)),
        (online.cite_downloads, (online.visit_cite_downloads, None)),
        (online.browse_cards, (online.visit_browse_cards, None)),
        (chapters.chapter_reports, (chapters.visit_chapter_reports, None)),
        (offline.offline_panel, (offline.visit_offline_panel, None)),
        (glance.world_map, (glance.visit_world_map, None)),
        (glance.chart_bars, (glance.visit_chart_bars, None)),
    ):
        app.add_node(
            node, override=False, html=visitors, epub=visitors, **dict.fromkeys(not_web(), SKIP)
        )
    statement = {
        "html": (a11y.visit_statement_html, None),
        "epub": (a11y.visit_statement_epub, None),
    }
    app.add_node(
        a11y.accessibility_statement, override=False, **statement, **dict.fromkeys(not_web(), SKIP)
    )
    # written at once by HTML's writers; the others get it as nodes (ContributorsAsNodes)
    listing = (contributors.visit_contributors_html, None)
    app.add_node(contributors.contributors_list, html=listing, epub=listing)
    # A picture with its sizes, in the web edition only (sphinx/images.py).
    app.add_node(
        images.web_picture,
        override=False,
        html=(images.visit_web_picture, None),
        epub=SKIP,
        latex=SKIP,
        **dict.fromkeys(OTHER_WRITERS, SKIP),
    )


def _add_directives_and_transforms(app: Sphinx) -> None:
    """What the render stage writes into pages, and what is done to every page's tree."""
    for name in lockdown.REFUSED_DIRECTIVES:  # the report format's refusals, again
        app.add_directive(name, lockdown.RefusedDirective, override=True)
    app.add_source_parser(lockdown.LockedMystParser, override=True)
    app.add_directive("book-contributors", contributors.BookContributors)
    app.add_directive("book-landing", online.BookLanding)
    app.add_directive("report-browse", online.ReportBrowse)
    app.add_directive("chapter-reports", chapters.ChapterReports)
    app.add_directive("book-chart", glance.BookChart)
    app.add_directive("book-map", glance.BookMap)
    app.add_directive("accessibility-statement", a11y.AccessibilityStatement)
    # transforms, by their priorities: the guard, then the byline (report), then the trailer
    app.add_transform(lockdown.GuardReportNodes)
    app.add_transform(report.ReportFrame)
    app.add_transform(online.ReportTrailer)
    # post-transforms (when a page is written, for its edition)
    app.add_post_transform(contributors.ContributorsAsNodes)  # before references resolve
    app.add_post_transform(report.WrapReportLanguage)
    app.add_post_transform(online.TrailerLast)
    app.add_post_transform(online.UnbrokenBookTitle)
    app.add_post_transform(online.WebOnlyOut)
    app.add_post_transform(glance.PrintOnlyOut)
    app.add_post_transform(images.EditionImages)
