"""The dossiers beside a review, rendered from the review already built.

The review notebook's kernel (``run``) has the review and its export in memory; each
customer's dossier is that review seen from one customer (``review.dossier.build_dossier``),
so its page is made there, in the same process: the dossier notebook's cells are run in a
namespace of their own (``report.engines.cell_outputs``), with its ``customer`` built from the
review rather than from its parameters, and the result turned into the same offline page as
the ``dossier`` command's. Nothing is read again and no kernel is started per customer.

Each page opens with a link back to the review beside it (``links.REVIEW_PAGE``), and each is
written whole (``report.files.write_text_whole``), into the run's own staging folder.
"""

from __future__ import annotations

import ast
import copy
import time
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from helpers.app.notebooks import DOSSIER_NOTEBOOK
from helpers.report import links
from helpers.report.dossier_words import page_title
from helpers.report.engines import cell_outputs
from helpers.report.files import write_text_whole
from helpers.report.render import notebook_to_html
from helpers.review.dossier import build_dossier
from helpers.review.model import Review

SETUP_CELL = 1  # the dossier notebook's cells: parameters, set-up, then the page's own


class DossierFailed(Exception):
    """A customer's dossier could not be rendered: the review's run fails with it."""


def back_link(review: Review) -> str:
    """The line that opens each dossier: a link back to the review beside it."""
    return (
        f'<p class="back-link"><a href="{links.REVIEW_PAGE}">&larr; The customer review of '
        f"{review.period.label}</a></p>"
    )


def _imports(setup: str) -> ast.Module:
    """The import statements of the dossier notebook's set-up cell: what its cells use."""
    tree = ast.parse(setup)
    return ast.Module(
        body=[s for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom)],
        type_ignores=[],
    )


def write_dossiers(
    review: Review,
    customer_ids: Iterable[str],
    folder: str | Path,
    *,
    company: str,
    notebook: Path = DOSSIER_NOTEBOOK,
) -> dict[str, float]:
    """Write, in ``folder``, the dossier page of each customer of ``customer_ids``, under its
    file name (``links.dossier_files``); returns the seconds each took. Raises
    ``DossierFailed`` naming the customer when one cannot be rendered; nothing is written
    when ``folder`` is empty (a notebook run without dossiers)."""
    ids = list(customer_ids)
    if not folder or not ids:
        return {}
    if review.export is None:
        raise ValueError("the review was built without its export: build it with build_review")
    folder = Path(folder)
    template = nbformat.read(notebook, as_version=4)
    code = compile(_imports(template.cells[SETUP_CELL].source), str(notebook), "exec")
    files = links.dossier_files(review.customers.index)
    seconds = {}
    for customer_id in ids:
        started = time.perf_counter()
        dossier = build_dossier(review.export, review, customer_id)
        namespace: dict[str, object] = {"__name__": "__main__"}
        exec(code, namespace)  # noqa: S102 - the dossier notebook's own imports
        namespace.update(customer=dossier, company=company)
        page = copy.deepcopy(template)
        opening = new_markdown_cell(back_link(review), id="back-link")
        page.cells = [opening, *page.cells[SETUP_CELL + 1 :]]
        count = 0
        for cell in page.cells:
            if cell.cell_type != "code":
                continue
            count += 1
            try:
                cell.outputs = cell_outputs(cell.source, namespace, count)
            except Exception as error:
                raise DossierFailed(
                    f"the dossier of {customer_id} ({dossier.name}) could not be rendered: "
                    f"{type(error).__name__}: {error}"
                ) from error
            cell.execution_count = count
        html = notebook_to_html(
            page, name=page_title(company, dossier), source_dir=Path(notebook).parent
        )
        write_text_whole(folder / files[str(customer_id)], html)
        seconds[str(customer_id)] = time.perf_counter() - started
    return seconds
