"""The PDF engine behind one door (``bookbuilder/pdfengine/``), and its one package list.

Only the engine's package talks to Typst: another typesetter replaces it, the writer
(``sphinx/typst.py``) and the layout (``templates/pdf/book.typ``), and nothing else. The system
packages the PDF needs are listed once (``pdfengine.PACKAGES``); every configuration file that
installs them asks for that list, or, where it cannot run a command, copies it exactly.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from bookbuilder import cli, pdfengine
from conftest import ROOT

PACKAGE = Path(pdfengine.__file__).parents[1]  # scripts/bookbuilder
ENGINE = Path(pdfengine.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """The top-level modules ``path`` imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_engine_imports_typst() -> None:
    outside = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted([*PACKAGE.rglob("*.py"), ROOT / "scripts" / "benchmark.py"])
        if ENGINE not in path.parents and "typst" in imported_modules(path)
    ]
    assert outside == [], (
        f"these modules call Typst themselves; ask bookbuilder.pdfengine: {outside}"
    )
    # and the check is not empty: the engine itself does import it
    assert any("typst" in imported_modules(p) for p in ENGINE.glob("*.py"))


def test_read_the_docs_installs_the_one_package_list() -> None:
    """Read the Docs cannot run `make print-pdf-packages`: its copy must stay the same."""
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text("utf-8"))
    assert tuple(config["build"]["apt_packages"]) == pdfengine.PACKAGES
    assert "fonts-noto-color-emoji" in pdfengine.PACKAGES


def test_the_command_prints_the_one_package_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pdf-packages"]) == 0
    assert capsys.readouterr().out.split() == list(pdfengine.PACKAGES)


@pytest.mark.parametrize(
    ("path", "asks"),
    [
        # make setup-pdf and make print-pdf-packages: the command above
        ("Makefile", r"apt-get install -y --no-install-recommends \$\$\(\$\(BOOK\) pdf-packages\)"),
        ("Makefile", r"print-pdf-packages: .*\n\t@\$\(BOOK\) pdf-packages"),
        # CI: the Makefile's target, not a list of its own
        (".ci/run", r"apt-get install .*\$\(make -s print-pdf-packages\)"),
    ],
)
def test_the_configuration_files_ask_for_the_list(path: str, asks: str) -> None:
    text = (ROOT / path).read_text("utf-8")
    assert re.search(asks, text), f"{path} no longer installs the PDF's packages from the one list"
    for package in pdfengine.PACKAGES:  # and names none of them by hand
        assert package not in text, f"{path} names {package} itself: ask `make print-pdf-packages`"


def test_the_engine_says_which_main_fonts_are_missing() -> None:
    missing = pdfengine.missing_fonts()
    assert set(missing) <= set(pdfengine.MAIN_FONTS)
    faces = {face.family for face in pdfengine.fonts.installed_faces()}
    assert [f for f in pdfengine.MAIN_FONTS if f not in faces] == missing


def test_the_engine_says_why_it_cannot_draw_an_svg() -> None:
    assert (
        pdfengine.svg_error(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
        is None
    )
    assert pdfengine.svg_error(b"<svg") is not None  # not even XML
