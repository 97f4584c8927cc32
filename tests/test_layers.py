"""The package's layers: imports only go down, no module imports itself round a circle, and the
review model reads, writes and draws nothing.

Every import counts, at the top of a module or inside a function, typing-only ones too. The
layers, bottom up: ``helpers.errors``; ``helpers.io`` (what comes in); ``helpers.review`` (the
model); ``helpers.report`` (what goes out); ``helpers.app`` (notebooks, run, command line).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "helpers"
LAYERS = ("errors", "io", "review", "report", "app")
# What the model may not import: files, databases, the notebook's display, charts, locales.
NOT_IN_THE_MODEL = {
    "os",
    "io",
    "pathlib",
    "shutil",
    "sqlite3",
    "tempfile",
    "IPython",
    "matplotlib",
    "seaborn",
    "babel",
    "nbformat",
    "papermill",
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, modules: set[str]) -> set[str]:
    """Every module ``source`` imports: helpers' modules as the module imported (``from
    helpers.review import portfolio`` is ``helpers.review.portfolio``), others by top name."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return {name if name.startswith("helpers") else name.split(".")[0] for name in found}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package to the modules it imports (within or outside it)."""
    paths = {module_name(path, package): path for path in package.rglob("*.py")}
    modules = set(paths)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), modules) for name, path in paths.items()
    }


def layer(module: str) -> int | None:
    """The layer of a helpers module, or None for the package itself and outside modules."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if parts[0] == "helpers" and len(parts) > 1 else None


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted(
        (module, imported)
        for module, imported_modules in graph.items()
        for imported in imported_modules
        if layer(module) is not None
        and layer(imported) is not None
        and layer(imported) > layer(module)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles among the package's modules, each from its smallest module."""
    found = []
    inside = {module: {m for m in imported if m in graph} for module, imported in graph.items()}

    def walk(path: list[str]) -> None:
        for following in sorted(inside[path[-1]]):
            if following == path[0]:
                found.append(path)
            elif following not in path and following > path[0]:
                walk([*path, following])

    for start in sorted(inside):
        walk([start])
    return found


def test_every_module_is_in_a_layer():
    graph = import_graph()
    assert sorted(m for m in graph if layer(m) is None) == ["helpers"]
    assert {m.split(".")[1] for m in graph if m != "helpers"} == set(LAYERS)


def test_imports_only_go_down():
    assert upward_imports(import_graph()) == []


def test_no_module_imports_itself_round_a_circle():
    assert cycles(import_graph()) == []


def test_the_model_reads_writes_and_draws_nothing():
    graph = import_graph()
    used = {
        module: sorted(imported & NOT_IN_THE_MODEL)
        for module, imported in graph.items()
        if module.startswith("helpers.review")
    }
    assert {module: names for module, names in used.items() if names} == {}


@pytest.mark.parametrize(
    ("files", "upward", "circles"),
    [
        (  # the review model importing the report's words: upward
            {"review/model.py": "from helpers.report.words import money\n"},
            [("helpers.review.model", "helpers.report.words")],
            [],
        ),
        (  # two modules of one layer importing each other, one of them inside a function
            {
                "io/config.py": "from helpers.io.settings import ReviewSettings\n",
                "io/settings.py": "def load():\n    from helpers.io import config\n",
            },
            [],
            [["helpers.io.config", "helpers.io.settings"]],
        ),
    ],
)
def test_the_checks_find_an_upward_import_and_a_circle(tmp_path, files, upward, circles):
    package = tmp_path / "helpers"
    for folder in ("", *LAYERS[1:]):
        (package / folder).mkdir(parents=True, exist_ok=True)
        (package / folder / "__init__.py").touch()
    for name in ("report/words.py", "io/config.py", "io/settings.py", "review/model.py"):
        (package / name).write_text(files.get(name, ""), encoding="utf-8")
    graph = import_graph(package)
    assert upward_imports(graph) == upward
    assert cycles(graph) == circles
