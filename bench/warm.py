"""The analyst's warm re-run, timed: the review notebook run in a kernel as JupyterLab runs it
(its parameters pointed at EXPORT), then every cell run again in the same kernel, as "Run All
Cells" does once the kernel is up: once as it is, and once with the headache share changed in
the parameters, as an analyst trying another threshold does. Prints, as JSON, the seconds of
the first run and of each warm re-run."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "customer_review.ipynb"
PERIOD = "2026-Q3"
CHANGED = {"headache_share": 0.12}  # the threshold the analyst tries (the default is 0.10)


def main(export: str) -> None:
    parameters = {"export_path": str(Path(export).resolve()), "period": PERIOD, "history_path": ""}
    # As papermill reads it, every cell has its tags; the parameters go in a cell of their own.
    notebook = parameterize_notebook(load_notebook_node(str(NOTEBOOK)), parameters)
    changed = parameterize_notebook(load_notebook_node(str(NOTEBOOK)), parameters | CHANGED)
    with tempfile.TemporaryDirectory(prefix="review-warm-") as folder:
        client = NotebookClient(
            notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": folder}}
        )
        with client.setup_kernel():
            first = _run_all(client, notebook)
            warm = _run_all(client, notebook)
            threshold = _run_all(client, changed)
    print(json.dumps({"first": first, "warm": warm, "warm_changed": threshold}))


def _run_all(client: NotebookClient, notebook: nbformat.NotebookNode) -> float:
    """Seconds to run every cell of ``notebook`` in ``client``'s kernel, in order."""
    started = time.perf_counter()
    for index, cell in enumerate(notebook.cells):
        client.execute_cell(cell, index)
    return time.perf_counter() - started


if __name__ == "__main__":
    main(sys.argv[1])
