"""The Sphinx side is one extension whose one setup() lists everything it adds to Sphinx.

A reader who wants to know what runs when (which handlers, at which priority, in what order)
reads ``bookbuilder/sphinx/extension.py`` alone: no other module registers anything, and no
handler keeps what a build learns on the builder or the application (``state.BuildState``).
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

import bookbuilder.sphinx
from bookbuilder.sphinx import extension, navigation, online, outputs, remembered
from bookbuilder.sphinx.settings import sphinx_settings

SPHINX_SIDE = Path(bookbuilder.sphinx.__file__).parent
# What registers with Sphinx for good (add_js_file and add_css_file per page or per build are
# ways of writing a page, not registrations).
REGISTERING = {
    "connect",
    "add_node",
    "add_directive",
    "add_role",
    "add_transform",
    "add_post_transform",
    "add_builder",
    "set_translator",
    "add_event",
    "add_config_value",
    "add_source_parser",
    "setup_extension",
}


# Sphinx's other add_* calls register too (add_env_collector, add_html_theme, add_domain…).
PER_PAGE = {"add_js_file", "add_css_file"}


def _registers(name: str) -> bool:
    return name in REGISTERING or (name.startswith("add_") and name not in PER_PAGE)


def _app_calls(path: Path) -> list[tuple[int, str]]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _registers(node.func.attr)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "app"
        ):
            calls.append((node.lineno, node.func.attr))
    return calls


def test_only_extension_py_registers_with_sphinx() -> None:
    elsewhere = {
        f"{path.name}:{line} app.{name}"
        for path in SPHINX_SIDE.glob("*.py")
        if path.name != "extension.py"
        for line, name in _app_calls(path)
    }
    assert elsewhere == set()
    assert _app_calls(SPHINX_SIDE / "extension.py")  # and it does


def test_no_other_module_has_a_setup() -> None:
    with_setup = [
        path.name
        for path in SPHINX_SIDE.glob("*.py")
        if path.name != "extension.py"
        and any(
            isinstance(node, ast.FunctionDef) and node.name.startswith("setup")
            for node in ast.parse(path.read_text("utf-8")).body
        )
    ]
    assert with_setup == []


def test_no_state_on_the_builder_or_the_application() -> None:
    for path in SPHINX_SIDE.glob("*.py"):
        text = path.read_text("utf-8")
        assert "builder.__dict__" not in text, path.name
        assert "app._bookbuilder" not in text, path.name
        assert "builder._bookbuilder" not in text, path.name


def test_the_book_loads_one_extension_of_ours() -> None:
    settings = sphinx_settings({"title": "T", "year": 2022, "language": "en"})
    ours = [name for name in settings["extensions"] if name.startswith("bookbuilder")]
    assert ours == ["bookbuilder.sphinx.extension"]


def _app(tmp_path: Path) -> Sphinx:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "bookbuilder.sphinx.extension"]\n'
    )
    (tmp_path / "index.md").write_text("# Index\n")
    return Sphinx(
        tmp_path, tmp_path, tmp_path / "out", tmp_path / "dt", "html", status=None,
        warning=io.StringIO(),
    )  # fmt: skip


def _handlers(app: Sphinx, event: str) -> list[tuple[int, object]]:
    listeners = sorted(app.events.listeners[event], key=lambda listener: listener.priority)
    return [
        (listener.priority, getattr(listener.handler, "func", listener.handler))
        for listener in listeners
    ]


def test_handlers_run_in_the_order_setup_lists_them(tmp_path: Path) -> None:
    with docutils_namespace():
        app = _app(tmp_path)
        page = [handler for _priority, handler in _handlers(app, "html-page-context")]
        finished = [handler for _priority, handler in _handlers(app, "build-finished")]
    # the sidebar is made before the theme's handlers; titles are escaped after them
    assert page.index(navigation.use_one_level_sidebar) < page.index(online.link_previews)
    assert page[-1].__name__ == "escape_page_title"
    # the folder is pruned before the offline listing is made of it
    assert finished.index(outputs.prune_web_edition) < finished.index(remembered.remember)
    assert finished[-2].__name__ == "write_offline_files"
    # and, last, the garbage collector gets back what the run held out of its sight
    assert finished[-1].__name__ == "give_back_to_collector"


def test_each_build_has_its_own_state(tmp_path: Path) -> None:
    states = []
    for run in ("first", "second"):
        with docutils_namespace():
            app = _app(tmp_path / run)
            note_page = next(
                listener.handler
                for listener in app.events.listeners["html-page-context"]
                if getattr(listener.handler, "func", None) is outputs.note_page
            )
            states.append(note_page.args[0])
    assert states[0] is not states[1]
    assert type(states[0]).__name__ == "BuildState"
    assert extension.ENV_VERSION >= 4
