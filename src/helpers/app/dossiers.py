"""The dossiers beside a review, rendered from the review already built.

The review notebook's kernel (``run``) has the review and its export in memory; each
customer's dossier is that review seen from one customer (``review.dossier.build_dossier``),
so its page is made there: the dossier notebook's cells are run in a namespace of their own
(``report.engines.cell_outputs``), with its ``customer`` built from the review rather than from
its parameters, and the result turned into the same offline page as the ``dossier`` command's.
Nothing is read again and no kernel is started per customer; the pages are drawn by processes
forked from the kernel, one per processor.

A process forked from one that holds the export's engine must never free what it inherited:
closing a DuckDB connection there, whose threads stayed behind in the parent, crashes it. So
the garbage is collected before the fork and the rest frozen (``gc.freeze``) until the pages
are drawn, and a process that dies all the same fails the run, naming the pages it leaves
undrawn, rather than leaving it waiting for them.

Each page opens with a link back to the review beside it (``links.REVIEW_PAGE``), and each is
written whole (``report.files.write_text_whole``), into the run's own staging folder.
"""

from __future__ import annotations

import ast
import copy
import gc
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from helpers.app.notebooks import DOSSIER_NOTEBOOK
from helpers.report import links
from helpers.report.dossier_words import page_title
from helpers.report.engines import cell_outputs
from helpers.report.files import write_text_whole
from helpers.report.render import notebook_to_html
from helpers.review.dossier import Dossier, build_dossier
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
    workers: int | None = None,
) -> dict[str, float]:
    """Write, in ``folder``, the dossier page of each customer of ``customer_ids``, under its
    file name (``links.dossier_files``); returns the seconds each took. Raises
    ``DossierFailed`` naming the customer when one cannot be rendered; nothing is written
    when ``folder`` is empty (a notebook run without dossiers).

    Each dossier's rows are asked of the export's engine here; its page, mostly charts, is
    drawn by ``workers`` processes forked from this one (``dossier_workers()`` when ``None``),
    which share the review without copying it. The first page is drawn here, before them, so
    that the figures a review computes once are computed once for all of them."""
    ids = list(customer_ids)
    if not folder or not ids:
        return {}
    if review.export is None:
        raise ValueError("the review was built without its export: build it with build_review")
    global _PAGES
    _PAGES = _Pages(review, Path(folder), company, notebook)
    try:
        started = time.perf_counter()
        dossiers = [build_dossier(review.export, review, customer_id) for customer_id in ids]
        share = (time.perf_counter() - started) / len(ids)  # each one's part of the queries
        _PAGES.dossiers = dossiers
        seconds = dict([_page(0)])
        rest = range(1, len(ids))
        workers = min(dossier_workers() if workers is None else workers, len(rest))
        if workers > 1:
            seconds |= _forked(rest, workers)
        else:
            seconds |= dict(map(_page, rest))
    finally:
        _PAGES = None
    return {customer_id: taken + share for customer_id, taken in seconds.items()}


def _forked(indexes: range, workers: int) -> dict[str, float]:
    """The pages of ``_PAGES.dossiers[i]`` for each ``i`` of ``indexes``, drawn by ``workers``
    forked processes; the seconds each took, by customer id."""
    assert _PAGES is not None
    try:
        with _frozen(), ProcessPoolExecutor(workers, multiprocessing.get_context("fork")) as pool:
            return dict(pool.map(_page, indexes))
    except BrokenProcessPool as error:
        undrawn = [
            str(dossier.customer_id)
            for dossier in (_PAGES.dossiers[index] for index in indexes)
            if not (_PAGES.folder / _PAGES.files[str(dossier.customer_id)]).exists()
        ]
        raise DossierFailed(
            f"a process drawing dossier pages ended abruptly, leaving the dossiers of "
            f"{', '.join(undrawn) or 'none'} undrawn"
        ) from error


@contextmanager
def _frozen() -> Iterator[None]:
    """While open, nothing this process holds now is freed by the garbage collector, here or
    in the processes forked from it: what is garbage already is collected first, here."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def dossier_workers() -> int:
    """How many processes draw the dossiers: one per processor this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class _Pages:
    """What each process drawing dossier pages needs, set before the processes are forked."""

    review: Review
    folder: Path
    company: str
    notebook: Path
    dossiers: list[Dossier] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.template = nbformat.read(self.notebook, as_version=4)
        setup = _imports(self.template.cells[SETUP_CELL].source)
        self.code = compile(setup, str(self.notebook), "exec")
        self.files = links.dossier_files(self.review.customers.index)


_PAGES: _Pages | None = None


def _page(index: int) -> tuple[str, float]:
    """Draw and write the page of the ``index``-th dossier of ``_PAGES``; its customer's id
    and the seconds it took."""
    assert _PAGES is not None
    started = time.perf_counter()
    pages, dossier = _PAGES, _PAGES.dossiers[index]
    customer_id = dossier.customer_id
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(pages.code, namespace)  # noqa: S102 - the dossier notebook's own imports
    namespace.update(customer=dossier, company=pages.company)
    page = copy.deepcopy(pages.template)
    opening = new_markdown_cell(back_link(pages.review), id="back-link")
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
        page, name=page_title(pages.company, dossier), source_dir=Path(pages.notebook).parent
    )
    write_text_whole(pages.folder / pages.files[str(customer_id)], html)
    return str(customer_id), time.perf_counter() - started
