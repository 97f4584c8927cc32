"""Where a notebook's cells run: a Jupyter kernel, or this very process.

papermill runs notebooks through named engines behind one small interface; its default starts
a Jupyter kernel per notebook, which costs seconds. ``InProcessEngine``, registered here as
``inprocess``, runs the cells in the calling process instead: each notebook in a namespace of
its own, each cell's last expression shown through IPython's display formatter (HTML, PNG and
text, as a kernel would send them), its prints kept as stream output, and an exception recorded
as the cell's error output, after which papermill raises ``PapermillExecutionError`` as it does
for a kernel. The run pipeline's own tests render through it; every page a user gets comes from
a kernel.

It runs what the project's notebooks hold (statements and a last expression); IPython's magics
and ``display()`` calls are a kernel's, not its.
"""

from __future__ import annotations

import ast
import base64
import functools
import io
import traceback
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

from IPython.core.formatters import DisplayFormatter
from nbformat import NotebookNode
from nbformat.v4 import new_output
from papermill.engines import Engine, papermill_engines

ENGINES = {"kernel": None, "inprocess": "inprocess"}  # our name -> papermill's (None: default)


@functools.cache
def _formatter() -> DisplayFormatter:
    """IPython's display formatter, made once: each is a dozen configurable formatters."""
    return DisplayFormatter()


def cell_outputs(source: str, namespace: dict[str, Any], count: int) -> list[NotebookNode]:
    """Run one cell's ``source`` in ``namespace`` and return its outputs as a kernel would
    record them: what it printed, then its last expression's display. An exception propagates,
    with what was printed before it in its ``outputs`` attribute."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    stdout, stderr = io.StringIO(), io.StringIO()
    value = None
    try:
        with redirect_stdout(stdout), redirect_stderr(stderr):
            exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the notebook's code
            if last is not None:
                expression = ast.Expression(last.value)
                value = eval(compile(expression, "<cell>", "eval"), namespace)  # noqa: S307
    except BaseException as error:
        error.outputs = _streams(stdout, stderr)  # type: ignore[attr-defined]
        raise
    outputs = _streams(stdout, stderr)
    if value is not None:
        data, metadata = _formatter().format(value)
        outputs.append(
            new_output(
                "execute_result",
                data={mime: _json_value(content) for mime, content in data.items()},
                metadata=metadata,
                execution_count=count,
            )
        )
    return outputs


def _streams(stdout: io.StringIO, stderr: io.StringIO) -> list[NotebookNode]:
    return [
        new_output("stream", name=name, text=stream.getvalue())
        for name, stream in (("stdout", stdout), ("stderr", stderr))
        if stream.getvalue()
    ]


def _json_value(content: object) -> object:
    """A display value as a notebook stores it: images as base64 text, as a kernel sends them."""
    return base64.b64encode(content).decode("ascii") if isinstance(content, bytes) else content


def _traceback(error: BaseException) -> list[str]:
    """The traceback of ``error`` as a kernel shows it: what its ``_render_traceback_`` gives,
    when it has one (IPython's hook), else the whole traceback."""
    render = getattr(error, "_render_traceback_", None)
    return render() if callable(render) else traceback.format_exception(error)


class InProcessEngine(Engine):
    """papermill's engine interface, executing the cells in this process."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs) -> None:
        # ``In``: every cell's source as it runs, as IPython records it (``In[0]`` is empty).
        namespace: dict[str, Any] = {"__name__": "__main__", "In": [""]}
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            nb_man.cell_start(cell, index)
            cell.execution_count = count
            namespace["In"].append(cell.source)
            try:
                cell.outputs = cell_outputs(cell.source, namespace, count)
            except Exception as error:
                cell.outputs = [
                    *getattr(error, "outputs", []),
                    new_output(
                        "error",
                        ename=type(error).__name__,
                        evalue=str(error),
                        traceback=_traceback(error),
                    ),
                ]
                nb_man.cell_exception(cell, index)
                nb_man.cell_complete(cell, index)
                return
            nb_man.cell_complete(cell, index)


papermill_engines.register("inprocess", InProcessEngine)
