"""``make new``: a new report file, asked for question by question or given as flags.

Every answer is checked as soon as it is given, by the very checks ``make check`` runs (the
:class:`~bookbuilder.check.schema.Field` checks of
:data:`~bookbuilder.check.schema.REPORT_FIELDS` and
:data:`~bookbuilder.check.schema.AUTHOR_FIELDS`), so the messages are the same too. The command
writes ``experiences/<slug>.md`` (front matter and a body template) and the report's image folder
``experiences/images/<slug>/``. It never overwrites a file.

The new report's status is ``draft``: its body is a template, not a report yet, and a draft is
checked but never published. The editor sets ``status: accepted`` (or removes the line) when the
text is in. ``--status accepted`` is there for a report whose text is pasted in at once.

``--translation-of SLUG --language TAG`` writes a translation instead,
``experiences/<slug>.<tag>.md`` (:data:`~bookbuilder.check.schema.TRANSLATION_FIELDS`): its title
and translators, and the original's text as the body to translate over; a draft too.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bookbuilder import names
from bookbuilder.check.body import PLACEHOLDER
from bookbuilder.check.load import load_reports, load_source
from bookbuilder.check.schema import (
    AUTHOR_FIELDS,
    INVALID,
    MODALITIES,
    REPORT_FIELDS,
    ROLES,
    SLUG,
    SLUG_MAX,
    STATUSES,
    TRANSLATION_FIELDS,
    TRANSLATOR_FIELDS,
    Checker,
    Field,
    check_slug,
    slugify,
)
from bookbuilder.check.validate import (
    raw_first_author,
    raw_status,
    raw_text,
    validate_report,
    validate_translation,
)
from bookbuilder.curate import text_key
from bookbuilder.layout import REPORTS_DIR, report_images, report_source, translation_parts
from bookbuilder.model import ORGANISATION_ROLE, Located, Problem

FIELDS = {f.key: f for f in REPORT_FIELDS}
AUTHOR = {f.key: f for f in AUTHOR_FIELDS}
TRANSLATION = {f.key: f for f in TRANSLATION_FIELDS}
TRANSLATOR = {f.key: f for f in TRANSLATOR_FIELDS}
DEFAULT_STATUS = "draft"


class Cancelled(Exception):
    """The editor stopped the questions (Ctrl-C, Ctrl-D) or gave up on an answer."""


# -- Checking one answer with the schema's own checks ----------------------------------------------


def check_value(f: Field, value: Any, key: str | None = None, language: str = "en") -> Any:
    """Run a field's check on one answer; the normalised value, or a list of messages."""
    ck = Checker("answer", today=date.today(), language=language)
    result = f.check(Located(value, 1), key or f.key, ck)
    if result is INVALID or ck.problems:
        return [_message(p) for p in ck.problems] or [f"{key or f.key}: not allowed"]
    return result


def _message(problem: Problem) -> str:
    return f"{problem.key}: {problem.message}" if problem.key else problem.message


def as_list(text: str) -> list[Located]:
    """``CT, X-ray`` → a YAML-like list of located items (commas or semicolons between)."""
    items = [part.strip() for part in text.replace(";", ",").split(",")]
    return [Located(item, 1) for item in items if item]


def parse_author(text: str, language: str = "en") -> dict[str, Any] | list[str]:
    """``Name;role;affiliation;orcid`` (the last two optional) → the checked author."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) > 4:
        return [
            f"author: found {len(parts)} parts separated by ';'; allowed: "
            "'name;role;affiliation;orcid' (affiliation and orcid optional)"
        ]
    keys = ("name", "role", "affiliation", "orcid")
    author: dict[str, Any] = {}
    messages: list[str] = []
    for key, value in zip(keys, parts, strict=False):
        if not value and not AUTHOR[key].required:
            continue
        if not value:
            messages.append(f"author.{key}: missing (required); allowed: {AUTHOR[key].allowed}")
            continue
        result = check_value(AUTHOR[key], value, f"author.{key}", language)
        if isinstance(result, list):
            messages += result
        else:
            author[key] = result
    if "role" not in author and len(parts) < 2:
        messages.append(f"author.role: missing (required); allowed: {AUTHOR['role'].allowed}")
    return messages or author


# -- The answers -----------------------------------------------------------------------------------


@dataclass
class Answers:
    title: str | None = None
    authors: list[dict[str, Any]] = field(default_factory=list)
    country: str | None = None
    city: str | None = None
    submitted: date | None = None
    language: str | None = None
    summary: str | None = None
    modalities: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    consent: bool = False
    status: str = DEFAULT_STATUS
    slug: str | None = None
    same_title: bool = False  # the editor said a report with this title is another report


def front_matter(a: Answers, book_language: str) -> str:
    """The YAML front matter; free text in double quotes (JSON strings are YAML strings)."""

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = ["---", f"title: {q(a.title or '')}", "authors:"]
    for author in a.authors:
        lines.append(f"  - name: {q(author['name'])}")
        if author.get("family"):
            lines.append(f"    family: {q(author['family'])}")
        lines.append(f"    role: {author['role']}")
        if author.get("affiliation"):
            lines.append(f"    affiliation: {q(author['affiliation'])}")
        if author.get("orcid"):
            lines.append(f'    orcid: "{author["orcid"]}"')
    lines.append(f"country: {a.country}")
    if a.city:
        lines.append(f"city: {q(a.city)}")
    lines.append(f"submitted: {(a.submitted or date.today()).isoformat()}")
    if a.consent:
        lines.append("consent: true")
    else:
        lines.append("consent: false  # set to true once the authors agreed to publication")
    if a.language and a.language.lower() != book_language.lower():
        lines.append(f"language: {a.language}")
    if a.summary:
        lines.append(f"summary: {q(a.summary)}")
    if a.modalities:
        lines.append(f"modalities: [{', '.join(a.modalities)}]")
    if a.topics:
        lines.append(f"topics: [{', '.join(a.topics)}]")
    note = "  # set to accepted when the text is final" if a.status == "draft" else ""
    lines.append(f"status: {a.status}{note}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def body_template(slug: str) -> str:
    return f"""
% Write the report below. Lines starting with % are notes: they are never published.
% The title comes from the front matter: headings in the text start at ## (level 2).
% Images go into {report_images(slug)}/ and are shown like this:
%
% :::{{figure}} images/{slug}/photo.jpg
% :alt: What the image shows, for readers who cannot see it.
%
% The caption.
% :::

## What happened

{PLACEHOLDER}
"""


# -- Writing ---------------------------------------------------------------------------------------


def report_path(root: Path, slug: str) -> Path:
    return root / report_source(slug)


SLUG_FIELD = Field("slug", True, "", "", check_slug("a file name"))


def slug_problem(root: Path, slug: str) -> str | None:
    """Why ``slug`` cannot be the new report's file name, or None. The file name is ``slug``
    exactly: callers strip what the editor typed first."""
    result = check_value(SLUG_FIELD, slug)
    if isinstance(result, list):
        return "; ".join(result)
    if result != slug:  # the format's check forgives spaces around a value; a file name cannot
        return f"slug: found {slug!r}; allowed: {result!r}, without the spaces"
    if report_path(root, slug).exists():
        return f"{report_source(slug)} already exists; choose another file name"
    return None


@dataclass(frozen=True)
class SameTitle:
    """A report file that already has the title being written."""

    relpath: str
    title: str  # as that file writes it
    status: str
    first_author: str | None

    def describe(self) -> str:
        by = f", first author {self.first_author}" if self.first_author else ""
        return f"{self.relpath} already has the title '{self.title}' (status: {self.status}{by})"


def same_title(root: Path, title: str) -> SameTitle | None:
    """The report file whose title is ``title`` (case- and accent-insensitive), if any: a new
    report or an import with that title is most often the same submission a second time."""
    wanted = " ".join(text_key(title).split())
    sources, _problems = load_reports(root)
    for src in sources:
        if translation_parts(src.stem) is not None:
            continue  # a translation's title is its report's, translated
        existing = raw_text(src, "title")
        if existing is not None and " ".join(text_key(existing).split()) == wanted:
            return SameTitle(src.relpath, existing, raw_status(src).value, raw_first_author(src))
    return None


def confirm(ask: Ask, prompt: str) -> bool:
    """A yes/no question whose default is no; Ctrl-C or Ctrl-D is no."""
    return _safe_ask(ask, f"{prompt} (yes/no) [no]: ").lower() in ("y", "yes")


def free_slug(root: Path, title: str) -> str:
    base = slugify(title)[: SLUG_MAX - 3].strip("-") or "report"
    slug, n = base, 2
    while report_path(root, slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def write_report(root: Path, slug: str, text: str) -> Path:
    """Write ``experiences/<slug>.md`` and make its image folder; never overwrite."""
    path = report_path(root, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # 'x': fails if the file exists
        out.write(text)
    (root / report_images(slug)).mkdir(parents=True, exist_ok=True)
    return path


def check_written(root: Path, path: Path, book_language: str) -> list[Problem]:
    """The problems ``make check`` finds in one report file (as if it were accepted)."""
    source, problems = load_source(path, root)
    if source is None:
        return problems
    _, found = validate_report(source, root, book_language, date.today())
    return problems + found


# -- The questions ---------------------------------------------------------------------------------


Ask = Callable[[str], str]


def _ask(ask: Ask, prompt: str, default: str | None = None) -> str:
    shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
    try:
        answer = ask(shown).strip()
    except (EOFError, KeyboardInterrupt) as stop:
        raise Cancelled from stop
    return answer or (default or "")


def _until_valid(ask: Ask, prompt: str, check: Callable[[str], Any], optional: bool = False):
    """Ask until ``check`` accepts the answer (returns a value, not a list of messages)."""
    for _ in range(20):
        answer = _ask(ask, prompt)
        if not answer and optional:
            return None
        if not answer:
            print("  This one is required.")
            continue
        result = check(answer)
        if not isinstance(result, list):
            return result
        for message in result:
            print(f"  {message}")
    raise Cancelled


def interview(ask: Ask, a: Answers, root: Path, book_language: str) -> Answers:
    """Ask for every answer not given as a flag; each is checked when given."""
    if a.title is None:
        _ask_title(ask, a, root, book_language)
    if not a.authors:
        a.authors = _ask_authors(ask, book_language)
    _ask_place_and_date(ask, a, book_language)
    _ask_tags(ask, a, book_language)
    if not a.consent:
        answer = _ask(ask, "Have all authors given permission to publish? (yes/no)", "no")
        a.consent = answer.lower() in ("y", "yes", "true")
    if a.slug is None:
        a.slug = _ask_slug(ask, root, a.title or "")
    return a


def _single(key: str, language: str) -> Callable[[str], Any]:
    return lambda text: check_value(FIELDS[key], text, language=language)


def _author_part(key: str, language: str) -> Callable[[str], Any]:
    return lambda text: check_value(AUTHOR[key], text, key, language)


def _ask_title(ask: Ask, a: Answers, root: Path, language: str) -> None:
    """A valid title; one that a report already has only when the editor says it is another."""
    while a.title is None:
        a.title = _until_valid(ask, "Title", _single("title", language))
        existing = None if a.same_title else same_title(root, a.title)
        if existing is not None:
            print(f"  {existing.describe()}.")
            if confirm(ask, "  Is this a different report, to be written all the same?"):
                a.same_title = True
            else:
                print("  Then give it another title (Ctrl-C stops without writing anything).")
                a.title = None


def _ask_authors(ask: Ask, language: str) -> list[dict[str, Any]]:
    """The authors in printed order, until an empty name (there is always a first one)."""
    print("Authors, in the order they are printed (an empty name ends the list).")
    authors: list[dict[str, Any]] = []
    while True:
        n = len(authors) + 1
        name = _until_valid(
            ask,
            f"  Author {n}: name" + (" (Enter if there are no more authors)" if n > 1 else ""),
            lambda t: check_value(AUTHOR["name"], t, "name", language),
            optional=n > 1,
        )
        if name is None:
            return authors
        author: dict[str, Any] = {"name": name}
        author["role"] = _until_valid(
            ask,
            f"  Author {n}: role ({', '.join(ROLES)})",
            _author_part("role", language),
        )
        if author["role"] != ORGANISATION_ROLE:
            family = _ask_family(ask, n, name)
            if family:
                author["family"] = family
        for key, prompt in (("affiliation", "affiliation"), ("orcid", "ORCID iD")):
            value = _until_valid(
                ask,
                f"  Author {n}: {prompt} (optional)",
                _author_part(key, language),
                optional=True,
            )
            if value:
                author[key] = value
        authors.append(author)


def _ask_family(ask: Ask, n: int, name: str) -> str | None:
    """The family name, asked only where the last-word guess is doubtful (as ``make check``
    would warn: names.doubts); Enter takes the likeliest part. None: the guess is sure."""
    for title in names.titles_in(name):
        print(f"  Note: {title!r} is a title or degree, not part of a name: leave it out.")
    doubts = names.doubts(names.without_titles(name))
    if not doubts:
        return None
    likely = names.likely_family(name)
    print(f"  Which part of {name!r} is the family name? ({'; '.join(doubts)})")
    for _ in range(20):
        answer = _ask(ask, f"  Author {n}: family name, as written in the name", likely)
        if names.is_part_of(answer, name):
            return answer
        choices = ", ".join(repr(c) for c in names.family_choices(name)[:8])
        print(f"  {answer!r} is not a part of the name; one of: {choices}")
    raise Cancelled


def _ask_place_and_date(ask: Ask, a: Answers, language: str) -> None:
    if a.country is None:
        a.country = _until_valid(
            ask, "Country (ISO code such as IT, NO, BR)", _single("country", language)
        )
    if a.city is None:
        a.city = _until_valid(ask, "City (optional)", _single("city", language), optional=True)
    if a.submitted is None:
        today = date.today().isoformat()
        a.submitted = (
            _until_valid(
                ask, f"Date submitted [{today}]", _single("submitted", language), optional=True
            )
            or date.today()
        )
    if a.language is None:
        a.language = _until_valid(
            ask, f"Language of the text [{language}]", _single("language", language), optional=True
        )


def _ask_tags(ask: Ask, a: Answers, language: str) -> None:
    if not a.modalities:
        a.modalities = (
            _until_valid(
                ask,
                f"Modalities, separated by commas (optional; {', '.join(MODALITIES)})",
                lambda t: check_list("modalities", t, language),
                optional=True,
            )
            or ()
        )
    if not a.topics:
        a.topics = (
            _until_valid(
                ask,
                "Topics, separated by commas (optional; e.g. workflow, ppe, wellbeing)",
                lambda t: check_list("topics", t, language),
                optional=True,
            )
            or ()
        )


def _ask_slug(ask: Ask, root: Path, title: str) -> str:
    """A file name no report has, suggested from the title."""
    suggested = free_slug(root, title)
    while True:
        slug = _ask(ask, f"File name ({report_source('<name>')})", suggested).strip()
        problem = slug_problem(root, slug)
        if problem is None:
            return slug
        print(f"  {problem}")


def check_list(key: str, text: str, language: str = "en") -> Any:
    result = check_value(FIELDS[key], as_list(text), language=language)
    return result


# -- The command -----------------------------------------------------------------------------------


def apply_flags(args: argparse.Namespace, book_language: str) -> tuple[Answers, list[str]]:
    """The answers given as flags, each checked; and the messages of those that failed."""
    a = Answers(
        status=args.status or DEFAULT_STATUS,
        consent=bool(args.consent),
        same_title=bool(getattr(args, "same_title", False)),
    )
    messages: list[str] = []

    def take(key: str, value: Any) -> Any:
        if value is None:
            return None
        result = check_value(FIELDS[key], value, language=book_language)
        if isinstance(result, list):
            messages.extend(result)
            return None
        return result

    a.title = take("title", args.title)
    for text in args.author or ():
        author = parse_author(text, book_language)
        if isinstance(author, list):
            messages.extend(f"--author {text!r}: {m}" for m in author)
        else:
            a.authors.append(author)
    a.country = take("country", args.country)
    a.city = take("city", args.city)
    a.submitted = take("submitted", args.submitted)
    a.language = take("language", args.language)
    a.summary = take("summary", args.summary)
    if args.modalities:
        a.modalities = take("modalities", as_list(",".join(args.modalities))) or ()
    if args.topics:
        a.topics = take("topics", as_list(",".join(args.topics))) or ()
    if args.slug is not None:
        a.slug = args.slug.strip()
    return a, messages


def missing(a: Answers) -> list[str]:
    need = []
    if a.title is None:
        need.append("--title TEXT")
    if not a.authors:
        need.append('--author "Name;role;affiliation;orcid"')
    if a.country is None:
        need.append("--country CODE")
    return need


def run(args: argparse.Namespace, root: Path, book_language: str, ask: Ask | None = None) -> int:
    if getattr(args, "translation_of", None):
        return run_translation(args, root, book_language, ask)
    a, messages = apply_flags(args, book_language)
    if messages:
        print(*messages, sep="\n")
        print("Nothing was written.")
        return 1
    if a.title is not None and not a.same_title and (existing := same_title(root, a.title)):
        # Before any question: most often this is the same submission a second time.
        print(f"{existing.describe()}.")
        question = "Is this a different report, to be written all the same?"
        if args.yes or not confirm(ask or input, question):
            print(
                "Nothing was written. If it is the same report, edit that file; if it is another "
                "one, give it another title, or add --same-title to write it all the same."
            )
            return 1
        a.same_title = True
    if args.yes:
        need = missing(a)
        if need:
            print("Missing with --yes: " + ", ".join(need) + ". Nothing was written.")
            return 1
        if a.slug is None:
            a.slug = free_slug(root, a.title or "")
    else:
        try:
            interview(ask or input, a, root, book_language)
        except Cancelled:
            print("\nCancelled; nothing was written.")
            return 1
    assert a.slug is not None
    problem = slug_problem(root, a.slug)
    if problem is not None:
        print(f"{problem}. Nothing was written.")
        return 1
    text = front_matter(a, book_language) + body_template(a.slug)
    if not args.yes:
        print("", text.split("\n---\n", 1)[0] + "\n---", sep="\n")
        answer = _safe_ask(ask or input, f"Write {report_source(a.slug)}? (yes/no) [yes]: ")
        if answer.lower() not in ("", "y", "yes"):
            print("Nothing was written.")
            return 1
    try:
        path = write_report(root, a.slug, text)
    except FileExistsError:
        print(f"{report_source(a.slug)} already exists; nothing was written.")
        return 1
    except OSError as error:
        print(f"Cannot write {report_source(a.slug)}: {error.strerror or error}")
        return 1
    rel = path.relative_to(root).as_posix()
    print(f"Wrote {rel} (status: {a.status}) and the folder {report_images(a.slug)}/.")
    left = check_written(root, path, book_language)
    if left:
        print("Still to do before it can be published (as `make check` says):")
        print(*(f"  {p}" for p in left), sep="\n")
    if a.status == "draft":
        print("Write the text, then set `status: accepted`; `make check` checks it.")
    return 0


# -- A translation ---------------------------------------------------------------------------------


def parse_translator(text: str) -> dict[str, Any] | list[str]:
    """``Name;affiliation;orcid`` (the last two optional) → the checked translator."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) > 3 or not parts[0]:
        return [
            f"translator: found {text!r}; allowed: 'name;affiliation;orcid' (affiliation and "
            "orcid optional)"
        ]
    person: dict[str, Any] = {}
    messages: list[str] = []
    for key, value in zip(("name", "affiliation", "orcid"), parts, strict=False):
        if value:
            result = check_value(TRANSLATOR[key], value, f"translator.{key}")
            if isinstance(result, list):
                messages += result
            else:
                person[key] = result
    return messages or person


def translation_text(title: str, translators: list[dict[str, Any]], original: Any) -> str:
    """The translation's front matter, and the original's text to translate over."""

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = ["---", f"title: {q(title)}", "translators:"]
    for person in translators:
        lines.append(f"  - name: {q(person['name'])}")
        if person.get("affiliation"):
            lines.append(f"    affiliation: {q(person['affiliation'])}")
        if person.get("orcid"):
            lines.append(f'    orcid: "{person["orcid"]}"')
    lines += ["status: draft  # set to accepted when the translation is final", "---", ""]
    notes = (
        f"% A translation of {original.relpath}. Translate the text below over the original's.\n"
        "% Lines starting with % are notes: they are never published. Its images are the\n"
        f"% original's (images/{original.stem}/...): translate their alt text and captions.\n"
    )
    return "\n".join(lines) + notes + original.body.lstrip("\n")


def run_translation(
    args: argparse.Namespace, root: Path, book_language: str, ask: Ask | None = None
) -> int:
    """``make new --translation-of SLUG --language TAG``: write a translation of a report."""
    slug = args.translation_of.strip()
    original_path = report_path(root, slug)

    def refuse(message: str) -> int:
        print(f"{message}. Nothing was written.")
        return 1

    if not SLUG.match(slug) or not original_path.is_file():
        return refuse(f"--translation-of: found no report {report_source(slug)}")
    original, problems = load_source(original_path, root)
    if original is None:
        return refuse("; ".join(str(p) for p in problems))
    if args.language is None and args.yes:
        return refuse("Missing with --yes: --language TAG")
    tag = args.language or _until_valid_or_none(ask, "Language of the translation (BCP 47)")
    if tag is None:
        return refuse("Cancelled")
    language = check_value(FIELDS["language"], tag, "language", book_language)
    if isinstance(language, list):
        return refuse("; ".join(language))
    loc = original.front_matter.get("language")
    written = check_value(FIELDS["language"], loc.value) if loc is not None else book_language
    original_language = written if isinstance(written, str) else book_language
    if original_language.lower() == language.lower():
        return refuse(
            f"--language: found '{tag}', the language of its original {original.relpath}; "
            "allowed: a language other than the original's"
        )
    name = f"{slug}.{language.lower()}.md"
    target = root / REPORTS_DIR / name
    if target.exists():
        return refuse(f"{REPORTS_DIR}/{name} already exists")
    try:
        title = args.title or _until_valid_or_none(ask, "Translated title")
        people = args.translator or []
        while not people and not args.yes:
            answer = _until_valid_or_none(ask, "Translator: name;affiliation;orcid")
            people = [answer] if answer else []
    except Cancelled:
        return refuse("\nCancelled")
    if not title or not people:
        return refuse("Missing with --yes: " + ("--title TEXT" if not title else "--translator"))
    checked_title = check_value(TRANSLATION["title"], title)
    parsed = [parse_translator(text) for text in people]
    translators = [t for t in parsed if isinstance(t, dict)]
    messages = [m for t in parsed if isinstance(t, list) for m in t]
    if isinstance(checked_title, list):
        messages = checked_title + messages
    if messages:
        print(*messages, sep="\n")
        return refuse("The translation")
    text = translation_text(checked_title, translators, original)
    try:
        with target.open("x", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        return refuse(f"Cannot write {REPORTS_DIR}/{name}: {error.strerror or error}")
    print(f"Wrote {REPORTS_DIR}/{name} (status: draft), a translation of {original.relpath}.")
    if raw_status(original).value != "accepted":
        print(f"It is published only with its original, which is a {raw_status(original).value}.")
    source, load_problems = load_source(target, root)
    left = load_problems
    if source is not None:
        left += validate_translation(source, root, date.today())[1]
    if left:
        print("Still to do before it can be published (as `make check` says):")
        print(*(f"  {p}" for p in left), sep="\n")
    print("Translate the text, then set `status: accepted`; `make check` checks it.")
    return 0


def _until_valid_or_none(ask: Ask | None, prompt: str) -> str | None:
    try:
        return _ask(ask or input, prompt) or None
    except Cancelled:
        return None


def _safe_ask(ask: Ask, prompt: str) -> str:
    try:
        return ask(prompt).strip()
    except (EOFError, KeyboardInterrupt):
        return "no"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title")
    parser.add_argument(
        "--author",
        action="append",
        metavar='"NAME;ROLE;AFFILIATION;ORCID"',
        help="repeat for each author; affiliation and ORCID may be left out",
    )
    parser.add_argument("--country", metavar="CODE")
    parser.add_argument("--city")
    parser.add_argument("--submitted", metavar="YYYY-MM-DD", help="default: today")
    parser.add_argument(
        "--language", help="default: the book's language; a translation's language (required)"
    )
    parser.add_argument("--summary")
    parser.add_argument("--modalities", action="append", metavar="LIST", help="comma-separated")
    parser.add_argument("--topics", action="append", metavar="LIST", help="comma-separated")
    parser.add_argument(
        "--consent", action="store_true", help="the authors gave permission to publish"
    )
    parser.add_argument(
        "--status", choices=STATUSES, help=f"default: {DEFAULT_STATUS} (the body is a template)"
    )
    parser.add_argument("--slug", help="the file name without .md; default: made from the title")
    parser.add_argument("--yes", action="store_true", help="ask nothing; fail if something lacks")
    parser.add_argument(
        "--same-title",
        action="store_true",
        help="write it even though a report has this title (a different report, not a copy)",
    )
    parser.add_argument(
        "--translation-of",
        metavar="SLUG",
        help=(
            f"write a translation of {report_source('SLUG')} "
            "(with --language, --title, --translator)"
        ),
    )
    parser.add_argument(
        "--translator",
        action="append",
        metavar='"NAME;AFFILIATION;ORCID"',
        help="a translation's translator; repeat for each",
    )
