"""JupyterLab and the tracked notebooks: a notebook of the project is saved without outputs.

An analyst runs ``notebooks/customer_review.ipynb`` in JupyterLab and sees its outputs there,
but JupyterLab's autosave would write them into the tracked file. ``strip_outputs`` is the
Jupyter server's ``pre_save_hook``: every notebook saved under the project's ``notebooks/``
folder is written as ``nbstripout`` leaves it, with the same keys removed as its command does
(``make lint`` checks the files with ``nbstripout --verify``). Outputs stay in the open tab
until it is closed; the reports the commands write keep theirs, since they are written
elsewhere.

This module is a Jupyter server extension that registers the hook. It is enabled by
``jupyter-config/customer_review.json``, which installing the project puts in
``<environment>/etc/jupyter/jupyter_server_config.d/``: every ``jupyter lab`` of the project's
environment loads it, ``make lab`` or not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbstripout import strip_output

TRACKED = Path(__file__).resolve().parents[3] / "notebooks"
# What `nbstripout` removes besides outputs and execution counts, as its command does.
NBSTRIPOUT_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
]


def strip_outputs(model: dict[str, Any], path: str, contents_manager: Any, **_: Any) -> None:
    """Before the server saves ``model`` at ``path`` (relative to its root): when it is a
    notebook under ``TRACKED``, take its outputs, execution counts and run metadata out."""
    if model.get("type") != "notebook" or model.get("content") is None:
        return
    saved = (Path(contents_manager.root_dir) / path).resolve()
    if not saved.is_relative_to(TRACKED):
        return
    notebook = nbformat.from_dict(model["content"])
    model["content"] = strip_output(
        notebook, keep_output=False, keep_count=False, keep_id=False, extra_keys=NBSTRIPOUT_KEYS
    )


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """This module, as a Jupyter server extension (found by the server by this name)."""
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Called by the server as it starts: saves go through ``strip_outputs``."""
    serverapp.contents_manager.register_pre_save_hook(strip_outputs)
