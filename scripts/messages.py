"""``make messages``: the builder's words extracted into the catalogue template, and every
shipped catalogue updated from it (Babel).

The template (``scripts/bookbuilder/locale/bookbuilder.pot``) holds every word marked with
``_()``, ``N_()`` or ``ngettext()`` in the package, the vocabularies readers see (roles and
modalities: schema.py's names; regions come from CLDR), and each paragraph of the pages the
builder ships as Markdown (templates/accessibility.md). Each ``<language>.po`` gains the new
words (untranslated: tests/test_words.py fails until someone translates them) and loses the
ones no longer used. A file is written only when more than its POT-Creation-Date would change
(:func:`write_if_changed`). ``make messages NEW=xx`` starts a new catalogue.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

import sphinx
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bookbuilder import words
from bookbuilder.render.pages import ACCESSIBILITY_PAGE
from bookbuilder.vocabulary import MODALITY_NAMES, ROLE_NAMES

PACKAGE = Path(words.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def template() -> Catalog:
    """Every word of the builder, with where it is used."""
    catalogue = Catalog(project="bookbuilder", domain=words.DOMAIN, fuzzy=False)
    found = extract_from_dir(str(PACKAGE), [("**.py", "python")], keywords=KEYWORDS)
    sphinx_words = _sphinx_messages()
    for filename, line, message, comments, _context in found:
        if message in sphinx_words and _uses_sphinx_words(PACKAGE / filename):
            continue  # Sphinx's own word ("Index"), translated by Sphinx's catalogue
        catalogue.add(
            message, locations=[(f"bookbuilder/{filename}", line)], auto_comments=comments
        )
    for vocabulary, where in ((ROLE_NAMES, "ROLE_NAMES"), (MODALITY_NAMES, "MODALITY_NAMES")):
        for name in vocabulary.values():
            catalogue.add(name, locations=[(f"bookbuilder/check/schema.py:{where}", 0)])
    page = ACCESSIBILITY_PAGE.read_text("utf-8")
    for number, message in enumerate(words.markdown_messages(page), start=1):
        catalogue.add(
            message, locations=[(f"bookbuilder/templates/{ACCESSIBILITY_PAGE.name}", number)]
        )
    return catalogue


def _sphinx_messages() -> frozenset[str]:
    with (Path(sphinx.__file__).parent / "locale" / "sphinx.pot").open("rb") as file:
        return frozenset(str(m.id) for m in read_po(file) if isinstance(m.id, str))


def _uses_sphinx_words(path: Path) -> bool:
    return "from sphinx.locale import _\n" in path.read_text("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", metavar="LANG", help="start a catalogue for this language")
    parser.add_argument(
        "--locale-dir",
        type=Path,
        default=words.LOCALE_DIR,
        help="the catalogues' folder (default: the package's; a copy for a test)",
    )
    args = parser.parse_args(argv)
    locale_dir: Path = args.locale_dir
    pot = template()
    pot_file = locale_dir / words.TEMPLATE.name
    if not write_if_changed(pot_file, pot, omit_header=False):
        # no word changed: the catalogues keep the template's date (Catalog.update copies it)
        with pot_file.open("rb") as file:
            pot.creation_date = read_po(file).creation_date
    targets = sorted(locale_dir.glob(f"*/LC_MESSAGES/{words.DOMAIN}.po"))
    if args.new:
        new = locale_dir / args.new / "LC_MESSAGES" / f"{words.DOMAIN}.po"
        new.parent.mkdir(parents=True, exist_ok=True)
        if not new.exists():
            with new.open("wb") as file:
                write_po(file, Catalog(locale=args.new, domain=words.DOMAIN), width=100)
        targets.append(new)
    for po in dict.fromkeys(targets):
        with po.open("rb") as file:
            catalogue = read_po(file, locale=po.parent.parent.name)
        catalogue.update(pot, no_fuzzy_matching=True)
        write_if_changed(po, catalogue, ignore_obsolete=True)
        missing = sum(
            1
            for m in catalogue
            if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
        )
        print(f"{po.relative_to(locale_dir.parent)}: {missing} untranslated", file=sys.stderr)
    print(f"{pot_file.relative_to(locale_dir.parent)}: {len(pot)} words", file=sys.stderr)
    return 0


# Babel stamps every catalogue it writes with the time it extracted the template: a run that
# changed no word would otherwise rewrite all 44 files with a new date and nothing else.
_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: [^"]*\\n"\n', re.MULTILINE)


def write_if_changed(path: Path, catalogue: Catalog, **options: bool) -> bool:
    """Writes ``catalogue`` to ``path`` unless the file says the same but for its
    POT-Creation-Date (then the file, its date and its mtime stay); whether it wrote."""
    out = io.BytesIO()
    # Locations name the file, not the line: a word's line moves with every edit above it, and
    # would make every change to the code a change to 44 catalogues.
    write_po(out, catalogue, width=100, sort_by_file=True, include_lineno=False, **options)
    data = out.getvalue()
    if path.is_file() and _CREATION_DATE.sub(b"", path.read_bytes()) == _CREATION_DATE.sub(
        b"", data
    ):
        return False
    path.write_bytes(data)
    return True


if __name__ == "__main__":
    sys.exit(main())
