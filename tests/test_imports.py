"""The package's modules import one another in the order of the stages, and never in a cycle.

Read from the source with ``ast``, every import counts, a function's own included: an import
put inside a function to dodge a cycle at load time is still a cycle in the design. A stage
may use what is below it (the shared modules, the stages before it), never a later stage.
Only the names under ``if TYPE_CHECKING:`` are left out: they are never imported, they name the
types of fields (``sphinx/state.py``'s ``BuildState`` holds what the modules that use it make).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "bookbuilder"

# The stages, in the order a build runs them; a module is in the first layer whose prefix it
# starts with. Shared facts (the model, the paths, the editions, the codes, the MyST syntax…)
# are below every stage; the orchestration and the commands above them all.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "shared",
        (
            "bookbuilder",
            "bookbuilder.model",
            "bookbuilder.layout",
            "bookbuilder.editions",
            "bookbuilder.vocabulary",
            "bookbuilder.codes",
            "bookbuilder.syntax",
            "bookbuilder.names",
            "bookbuilder.linebreak",
            "bookbuilder.diskspace",
            "bookbuilder.bug",
            "bookbuilder.spreadsheet",
        ),
    ),
    ("load and validate", ("bookbuilder.check",)),
    ("curate", ("bookbuilder.curate",)),
    ("render", ("bookbuilder.render",)),
    ("build", ("bookbuilder.sphinx",)),
    ("run the stages", ("bookbuilder.pipeline", "bookbuilder.summary")),
    (
        "the commands",
        (
            "bookbuilder.cli",
            "bookbuilder.__main__",
            "bookbuilder.editor",
            "bookbuilder.overview",
            "bookbuilder.docs",
        ),
    ),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    """The layer of the longest prefix naming ``module``: "bookbuilder" is the package's own
    ``__init__`` and what no later layer claims, never the stages below it."""
    matches = [
        (len(p), rank)
        for rank, (_name, prefixes) in enumerate(LAYERS)
        for p in prefixes
        if module == p or module.startswith(p + ".")
    ]
    if not matches:
        raise AssertionError(f"{module} is in no layer of LAYERS: add it where it belongs")
    return max(matches)[1]


def imported(module: str) -> set[str]:
    """The package's modules that ``module`` imports, anywhere in it (functions included)."""
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_without_type_checking(tree)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1]])
                base = f"{base}.{node.module}" if node.module else base
            # `from bookbuilder.sphinx import build`: a module; `from x import name`: x itself
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        else:
            continue
        found |= {n for n in names if n in MODULES and n != module}
    # a package's __init__ runs on the way to its modules, but imports none of them here
    return found


def _without_type_checking(tree: ast.Module) -> ast.Module:
    """``tree`` without its ``if TYPE_CHECKING:`` blocks."""

    class Drop(ast.NodeTransformer):
        def visit_If(self, node: ast.If) -> ast.AST | None:
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            return None if name == "TYPE_CHECKING" else self.generic_visit(node)

    return Drop().visit(tree)


GRAPH = {module: imported(module) for module in MODULES}


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_stage_imports_a_later_stage() -> None:
    later = [
        f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert not later, "\n".join(later)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_even_inside_functions() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, " -> ".join(cycle or ())


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected) -> None:
    assert find_cycle(graph) == expected


def test_the_reader_sees_function_level_and_package_imports() -> None:
    """The module that builds imports Sphinx's side inside its functions: still counted."""
    assert "bookbuilder.sphinx.build" in GRAPH["bookbuilder.pipeline"]
    assert "bookbuilder.layout" in GRAPH["bookbuilder.sphinx.a11y"]
