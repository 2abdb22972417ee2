"""The editors' commands: ``check``, ``plan``, ``overview``, ``build EDITION…``, ``clean``, ``new``,
``import``, ``serve``.

Run through the Makefile (``make check``, ``make epub``…). Every failure is a message naming the
file and line, and a non-zero exit status; an exception no stage expected is a bug of the
builder, said as one by :func:`main` (``bookbuilder/bug.py``), never as Python's traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from bookbuilder import bug, diskspace, docs, editions, overview, pdfengine
from bookbuilder.check.conf import read_book_settings
from bookbuilder.check.schema import STATUSES
from bookbuilder.editor import new as new_report
from bookbuilder.jobs import JobsError, jobs
from bookbuilder.layout import (
    BUILD_DIR,
    CACHE_DIR,
    CROSSREF_DIR,
    OVERVIEW_CSV,
    SOURCE_DIR,
    SOURCES,
    report_source,
)
from bookbuilder.model import Book
from bookbuilder.pipeline import (
    Prepared,
    build_editions,
    prepare,
    render_sources,
    unbuildable,
)
from bookbuilder.render.images import ImageError
from bookbuilder.summary import (
    format_problems,
    plan_lines,
    summary_lines,
    translation_lines,
)


def _prepare(root: Path) -> Prepared:
    # Unchanged reports' results are remembered in _build/cache (bookbuilder.check.cache).
    return prepare(root, cache_dir=root / CACHE_DIR)


def _say(*lines: str) -> None:
    print(*lines, sep="\n", flush=True)


def _blocked(prepared: Prepared) -> int:
    _say(*format_problems(prepared.problems))
    errors = prepared.errors
    files = sorted({p.path for p in errors})
    _say(
        "",
        f"{len(errors)} error(s) in {len(files)} file(s): {', '.join(files)}",
        "Nothing was built. Fix these, or set a report's `status: draft` to leave it out for now.",
    )
    return 1


def cmd_check(root: Path) -> int:
    prepared = _prepare(root)
    if not prepared.ok:
        return _blocked(prepared)
    assert prepared.book is not None
    _say(
        *summary_lines(prepared.book, prepared.problems, silenced=prepared.silenced),
        "",
        "All reports are valid.",
    )
    return 0


def cmd_redact(root: Path) -> int:
    from bookbuilder.editor.redact import redact_book

    _say(*redact_book(root, root / CACHE_DIR))
    return 0


def cmd_plan(root: Path) -> int:
    prepared = _prepare(root)
    if prepared.book is None:
        return _blocked(prepared)
    for chapter in prepared.book.chapters:
        _say(*plan_lines(prepared.book.__class__(prepared.book.meta, (chapter,))))
        for report in chapter.reports:
            _say(f"    {report.relpath}: {report.title}")
            for line in translation_lines(report, prepared.book.meta.language):
                _say(line)
    return 0 if prepared.ok else _blocked(prepared)


def cmd_overview(root: Path, sort: str, statuses: Sequence[str]) -> int:
    meta, problems = read_book_settings(root)
    if meta is None:
        _say(*format_problems(problems), "The overview needs the book's settings in conf.py.")
        return 1
    target = root / BUILD_DIR / OVERVIEW_CSV
    return overview.run(root, meta, sort, statuses, target, _say, root / CACHE_DIR)


def cmd_build(root: Path, editions_to_build: Sequence[str], verbose: bool) -> int:
    prepared = _prepare(root)
    if not prepared.ok:
        return _blocked(prepared)
    book = prepared.book
    assert book is not None
    if reason := unbuildable(editions_to_build):
        _say(reason)
        return 1
    try:
        built = build_editions(root, book, editions_to_build, verbose, _say)
    except ImageError as error:
        _say(*_image_failure_lines(book, root, error), "Nothing was built.")
        return 1
    warnings = sorted(set(built.warnings))
    _say("", *summary_lines(book, prepared.problems, warnings, prepared.silenced))
    if any(editions.edition(name).website for name in editions_to_build):
        _say(*_downloads_left_out(root / BUILD_DIR, book.meta.basename, set(built.failed)))
    for edition, reasons in built.failed.items():
        _say(f"The {edition} edition failed in this build:", *(f"  {r}" for r in reasons))
    if built.outputs:
        _say("Wrote:", *(f"  {o.relative_to(root)}" for o in built.outputs))
    return 1 if built.failed else 0


def _image_failure_lines(book: Book, root: Path, error: ImageError) -> list[str]:
    """An image the build could not copy, named with the pages that show it: `make check`
    refuses such files, so this is a file changed since, or damage Pillow only sees late."""
    path = error.path
    if path.is_relative_to(root / SOURCE_DIR):  # a master: named as the original
        path = root / path.relative_to(root / SOURCE_DIR)
    pages = [(r.relpath, r.images) for r in book.reports]
    pages += [(t.relpath, t.images) for t in book.translations]
    pages += [(c.spec.relpath, c.spec.images) for c in book.chapters]
    shown_by = [relpath for relpath, images in pages if any(_same(i.path, path) for i in images)]
    where = f" (shown by {', '.join(shown_by)})" if shown_by else ""
    name = path.relative_to(root) if path.is_relative_to(root) else path
    return [
        f"{name}{where}: {error.why}",
        "The image cannot be made into the editions' copies: save it again from an image "
        "program, then run `make check`.",
    ]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _downloads_left_out(builddir: Path, basename: str, failed: Collection[str] = ()) -> list[str]:
    """The editions that exist but that the website does not offer: built from older sources,
    or ``failed`` in this build."""
    from bookbuilder.sphinx import current

    lines = []
    for edition in editions.downloadable():
        output = edition.output_path(builddir, basename)
        if edition.name in failed:
            lines.append(
                f"Not offered for download: the {edition.name} edition, which failed in this "
                "build (below)."
            )
        elif output.is_file() and not current.is_current(builddir, edition.name):
            lines.append(
                f"Not offered for download: {output.relative_to(builddir.parent)} was built from "
                f"older sources (`make {edition.name}` or `make all` builds it again)."
            )
    return lines


def cmd_render(root: Path) -> int:
    prepared = _prepare(root)
    if not prepared.ok:
        return _blocked(prepared)
    assert prepared.book is not None
    try:
        rendered = render_sources(prepared.book, root / SOURCE_DIR)
    except ImageError as error:
        _say(*_image_failure_lines(prepared.book, root, error))
        return 1
    _say(f"{len(rendered.written) + len(rendered.removed)} file(s) changed in _build/src.")
    return 0


def cmd_clean(root: Path) -> int:
    builddir = (root / BUILD_DIR).resolve()
    # Never delete a folder that holds the editors' sources.
    if builddir in {
        root.resolve(),
        *((root / folder).resolve() for folder in SOURCES),
    }:
        _say(f"Refusing to delete {builddir}: it holds sources.")
        return 1
    if builddir.exists():
        shutil.rmtree(builddir)
    _say(f"Removed {BUILD_DIR}/.")
    return 0


def cmd_crossref(root: Path, depositor_name: str | None, email: str | None) -> int:
    """Write the Crossref deposit of the book as it stands; nothing is sent anywhere."""
    from datetime import UTC, datetime

    from bookbuilder.render.crossref import Depositor, deposit
    from bookbuilder.sphinx.settings import base_url

    prepared = _prepare(root)
    if not prepared.ok:
        return _blocked(prepared)
    assert prepared.book is not None and prepared.meta is not None
    missing = []
    if not prepared.meta.doi:
        missing.append('the book\'s DOI: add `"doi": "10.xxxx/…"` to the book in conf.py')
    if not base_url():
        missing.append("the site's address: BOOK_BASE_URL=https://… make crossref")
    depositor = Depositor(depositor_name, email) if depositor_name and email else None
    if depositor is None:
        missing.append(
            "who sends it: make crossref ARGS=\"--depositor 'Name' --email name@example.org\""
        )
    if missing or depositor is None:
        _say("A Crossref deposit needs:", *(f"  - {m}" for m in missing))
        return 1
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    result = deposit(prepared.book, depositor, base_url(), when)
    target = root / BUILD_DIR / CROSSREF_DIR / f"{prepared.meta.basename}.xml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(result.xml)
    _say(
        f"Wrote {target.relative_to(root)}: the book and {len(result.registered)} report(s) with "
        "a DOI. Nothing was sent: upload it to Crossref yourself.",
    )
    if result.without_doi:
        _say(
            f"Left out, without a `doi:` in their front matter ({len(result.without_doi)}):",
            *(f"  {report_source(slug)}" for slug in result.without_doi),
        )
    return 0


def _verbose_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=os.environ.get("V", "") not in ("", "0")
    )


def make_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per editors' command (the Makefile's targets)."""
    parser = argparse.ArgumentParser(prog="bookbuilder", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's folder")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate every report and chapter; build nothing")
    sub.add_parser("plan", help="show which chapter each report lands in")
    overview_parser = sub.add_parser(
        "overview", help="one row per report file: status, chapter, words, images, problems"
    )
    overview_parser.add_argument(
        "--sort", default="slug", choices=overview.COLUMNS, help="the column to order by"
    )
    overview_parser.add_argument(
        "--status",
        action="append",
        default=[],
        choices=[*STATUSES, overview.UNREADABLE],
        help="only reports with this status (repeat for several)",
    )
    build_parser = sub.add_parser(
        "build", help=f"build editions: {', '.join(editions.EDITIONS)}, all"
    )
    build_parser.add_argument("editions", nargs="+", choices=[*editions.EDITIONS, "all"])
    _verbose_flag(build_parser)
    sub.add_parser("clean", help="remove _build/")
    sub.add_parser("redact", help="copies of the images with burned-in text blacked out")
    crossref_parser = sub.add_parser(
        "crossref", help="write a Crossref deposit XML for the book and its reports (not sent)"
    )
    crossref_parser.add_argument("--depositor", default=os.environ.get("CROSSREF_DEPOSITOR"))
    crossref_parser.add_argument("--email", default=os.environ.get("CROSSREF_EMAIL"))
    fields_parser = sub.add_parser("fields", help="print a front-matter reference table")
    fields_parser.add_argument("kind", choices=sorted(docs.TABLES))
    sub.add_parser("docs", help="refresh the generated tables in docs/report-format.md")
    sub.add_parser("pdf-packages", help="the Debian packages the PDF edition needs")
    new_parser = sub.add_parser("new", help="write a new report (asks, or takes flags)")
    new_report.add_arguments(new_parser)
    import_parser = sub.add_parser("import", help="turn Word files (.docx) into draft reports")
    import_parser.add_argument("files", nargs="+", type=Path, help=".docx files or folders")
    import_parser.add_argument("--slug", help="the report's file name (one Word file only)")
    import_parser.add_argument(
        "--same-title",
        action="store_true",
        help="import files whose title a report already has (other reports, not copies)",
    )
    serve_parser = sub.add_parser("serve", help="a live preview of the web edition")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    _verbose_flag(serve_parser)
    render_parser = sub.add_parser("render", help="write the MyST sources into _build/src")
    render_parser.add_argument(
        "--preview", action="store_true", help="on errors, keep the last good sources"
    )
    return parser


def _fields(args: argparse.Namespace, root: Path) -> int:
    _say(docs.table(args.kind))
    return 0


def _docs(args: argparse.Namespace, root: Path) -> int:
    changed = docs.refresh(root)
    _say(f"{docs.DOC} {'updated' if changed else 'is up to date'}.")
    return 0


def _pdf_packages(args: argparse.Namespace, root: Path) -> int:
    _say(" ".join(pdfengine.PACKAGES))
    return 0


def _new_or_import(args: argparse.Namespace, root: Path) -> int:
    meta, problems = read_book_settings(root)
    if meta is None:
        _say(*format_problems(problems), f"{root} does not look like a book's folder.")
        return 1
    if args.command == "new":
        return new_report.run(args, root, meta.language)
    from bookbuilder.editor import (
        importer,  # mammoth and lxml: loaded by the command that needs them
    )

    ask = input if sys.stdin.isatty() else None  # a title that exists: asked, or refused
    return importer.run(args.files, root, meta.language, args.slug, args.same_title, ask)


def _serve_or_render(args: argparse.Namespace, root: Path) -> int:
    from bookbuilder.editor import serve  # sphinx-autobuild: loaded by the commands that need it

    if args.command == "serve":
        return serve.serve(root, args.host, args.port, args.verbose)
    return serve.render_for_preview(root) if args.preview else cmd_render(root)


def _build(args: argparse.Namespace, root: Path) -> int:
    chosen = editions.EDITIONS if "all" in args.editions else args.editions
    # in the registry's order: the website last, offering the editions this build just made
    return cmd_build(root, [e.name for e in editions.in_build_order(chosen)], args.verbose)


Command = Callable[[argparse.Namespace, Path], int]
COMMANDS: dict[str, Command] = {
    "check": lambda args, root: cmd_check(root),
    "plan": lambda args, root: cmd_plan(root),
    "overview": lambda args, root: cmd_overview(root, args.sort, args.status),
    "build": _build,
    "clean": lambda args, root: cmd_clean(root),
    "redact": lambda args, root: cmd_redact(root),
    "crossref": lambda args, root: cmd_crossref(root, args.depositor, args.email),
    "fields": _fields,
    "docs": _docs,
    "pdf-packages": _pdf_packages,
    "new": _new_or_import,
    "import": _new_or_import,
    "serve": _serve_or_render,
    "render": _serve_or_render,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` asks for (the process's arguments by default): its exit status.

    0: done; 1: a problem in the book (or a full disk), said as messages; 2: a wrong ``JOBS``;
    70: a bug of the builder (``bug.EX_SOFTWARE``), said as one, its trace in ``_build/bug.log``;
    130: Ctrl-C; 141: what read the output went away (``make check | head``). An unexpected
    exception never reaches the editor as Python's traceback, unless the developers' switch
    ``BOOKBUILDER_TRACEBACK=1`` (set by the tests) asks for it."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = make_parser().parse_args(argv)
    root = args.root.resolve()
    command = " ".join([args.command, *getattr(args, "editions", ())])
    try:
        return _run(args, root)
    except BrokenPipeError:  # what reads the output went away (``make check | head``)
        return _output_gone()
    except (KeyboardInterrupt, Exception) as error:  # SystemExit passes (argparse's usage)
        if bug.after_ctrl_c(error):  # Ctrl-C, or what stopping for it raised on the way out
            _say(bug.stopped(command))
            return bug.EX_INTERRUPTED
        if bug.raised():
            raise
        _say(*bug.reported(command, error, argv, root))
        return bug.EX_SOFTWARE


# The status of a command that wrote to a pipe nothing reads any more (128 + SIGPIPE)
EX_OUTPUT_GONE = 141


def _output_gone() -> int:
    """Nothing more to say, and nowhere to say it: the rest of the output, and Python's flush
    of it at exit, go nowhere instead of failing again (Python's documentation, "Note on
    SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EX_OUTPUT_GONE


def _run(args: argparse.Namespace, root: Path) -> int:
    try:
        jobs()  # a wrong JOBS is said before any work starts
    except JobsError as error:
        _say(str(error))
        return 2
    try:
        return COMMANDS[args.command](args, root)
    except OSError as error:  # a full disk, met by any writer: said as such, never traced back
        if not diskspace.is_disk_full(error):
            raise
        _say(diskspace.message(error, root, root / BUILD_DIR))
        return 1


if __name__ == "__main__":
    sys.exit(main())
