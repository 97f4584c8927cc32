"""The in-process engine records what a kernel would: prints, displays and errors."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from helpers.errors import RenderError
from helpers.report.engines import cell_outputs
from helpers.report.render import render_notebook


def test_a_cell_s_prints_and_last_expression_become_outputs():
    namespace: dict = {}
    outputs = cell_outputs("x = 6\nprint('x is', x)\nx * 7", namespace, count=3)
    assert [o.output_type for o in outputs] == ["stream", "execute_result"]
    assert outputs[0].text == "x is 6\n"
    assert outputs[1].data["text/plain"] == "42" and outputs[1].execution_count == 3
    assert namespace["x"] == 6  # the next cell sees it
    assert cell_outputs("y = 1", namespace, count=4) == []  # no last expression: nothing shown


def test_rich_displays_are_stored_as_a_kernel_stores_them():
    namespace: dict = {}
    html = cell_outputs("from IPython.display import HTML\nHTML('<b>bold</b>')", namespace, 1)
    assert html[0].data["text/html"] == "<b>bold</b>"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    namespace["png"] = png
    image = cell_outputs(
        "from IPython.display import Image\nImage(data=png, format='png')", namespace, 2
    )
    assert base64.b64decode(image[0].data["image/png"]) == png  # base64 text, not bytes


def test_an_error_keeps_what_was_printed_before_it():
    with pytest.raises(ZeroDivisionError) as raised:
        cell_outputs("print('before')\n1 / 0", {}, 1)
    assert [o.text for o in raised.value.outputs] == ["before\n"]


def test_a_failing_cell_fails_the_render_with_its_name_and_message(tmp_path: Path):
    notebook = new_notebook(
        cells=[
            new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            new_code_cell("from helpers.errors import ParameterError"),
            new_code_cell("raise ParameterError('x must be 2')"),
            new_code_cell("never = True"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = tmp_path / "refusing.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(RenderError) as failed:
        render_notebook(path, tmp_path / "out", {"x": 3}, engine="inprocess")
    assert failed.value.ename == "ParameterError" and failed.value.evalue == "x must be 2"
    assert failed.value.refusal is not None  # a refusal: bad input, not a broken render
    assert isinstance(failed.value.__cause__, PapermillExecutionError)
    assert not (tmp_path / "out").exists()  # refused: the folders it made are gone again
