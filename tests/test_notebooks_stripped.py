"""Stored notebooks carry no outputs, but keep what papermill needs: tags and the kernelspec."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    path for path in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts
)


def notebook_id(path: Path) -> str:
    return str(path.relative_to(ROOT / "notebooks"))


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    notebook = nbformat.read(path, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_notebook_has_no_outputs_or_execution_counts(path):
    dirty = [
        index
        for index, cell in enumerate(code_cells(path))
        if cell.outputs or cell.execution_count is not None
    ]
    assert dirty == [], f"code cells {dirty} hold outputs or execution counts: run nbstripout"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_notebook_keeps_its_kernelspec(path):
    kernelspec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {})
    assert kernelspec.get("name"), "papermill needs metadata.kernelspec.name"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_notebook_was_not_stored_from_a_papermill_run(path):
    # An executed copy carries papermill's run record: absolute paths and timestamps.
    notebook = nbformat.read(path, as_version=4)
    assert "papermill" not in notebook.metadata
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in notebook.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_first_code_cell_is_tagged_parameters(path):
    cells = code_cells(path)
    assert cells, "the notebook has no code cell"
    assert "parameters" in cells[0].metadata.get("tags", [])


def test_nbstripout_finds_nothing_to_strip():
    # The pre-commit hook's own check, on every notebook at once.
    verify = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", *map(str, NOTEBOOKS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
