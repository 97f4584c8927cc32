"""JupyterLab leaves the tracked notebooks clean: the server the environment configures saves
a notebook under notebooks/ without outputs, as nbstripout would, and any other with them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from jupyter_server.services.contents.filemanager import FileContentsManager
from nbformat.v4 import new_output

from helpers.app import lab
from tests.support import ROOT


def run_notebook(path: Path) -> dict:
    """The review notebook as JupyterLab holds it after a run: outputs, counts, run metadata."""
    notebook = nbformat.read(ROOT / "notebooks" / "customer_review.ipynb", as_version=4)
    for count, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [new_output("stream", name="stdout", text="506 KB of tables\n")]
        cell.metadata["execution"] = {"iopub.status.idle": "2026-12-01T10:00:00Z"}
    return {"type": "notebook", "format": "json", "content": notebook}


@pytest.fixture
def contents(tmp_path: Path, monkeypatch) -> FileContentsManager:
    """A contents manager with the environment's settings, serving tmp_path, whose notebooks/
    stands for the project's."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setattr(lab, "TRACKED", tmp_path / "notebooks")
    manager = FileContentsManager(root_dir=str(tmp_path))
    lab._load_jupyter_server_extension(SimpleNamespace(contents_manager=manager))
    return manager


def test_every_jupyter_server_of_the_environment_loads_the_extension():
    # As the server finds its extensions: the settings in its config folders' .d directories.
    manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
    assert manager.get_jpserver_extensions().get("helpers.app.lab") is True
    assert lab._jupyter_server_extension_points() == [{"module": "helpers.app.lab"}]


def test_a_tracked_notebook_is_saved_as_nbstripout_leaves_it(contents, tmp_path):
    contents.save(run_notebook(tmp_path), "notebooks/customer_review.ipynb")
    saved = tmp_path / "notebooks" / "customer_review.ipynb"
    cells = [c for c in json.loads(saved.read_text())["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in cells)
    assert not any("execution" in c["metadata"] for c in cells)
    verified = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", str(saved)], capture_output=True
    )
    assert verified.returncode == 0, verified.stdout
    # Saved again untouched, it is the tracked file as it is: nothing for git to see.
    shutil.copy(ROOT / "notebooks" / "customer_review.ipynb", saved)
    contents.save(
        contents.get("notebooks/customer_review.ipynb"), "notebooks/customer_review.ipynb"
    )
    tracked = nbformat.read(ROOT / "notebooks" / "customer_review.ipynb", as_version=4)
    assert nbformat.read(saved, as_version=4) == tracked


def test_a_notebook_saved_elsewhere_keeps_its_outputs(contents, tmp_path):
    contents.save(run_notebook(tmp_path), "elsewhere/my_analysis.ipynb")
    saved = json.loads((tmp_path / "elsewhere" / "my_analysis.ipynb").read_text())
    assert any(c.get("outputs") for c in saved["cells"])
