"""No export shape crashes the review.

Exports that keep the contract but vary in shape (``tests.shapes``) are reviewed as the review
notebook does it, cell by cell: the export is read and checked, the review built, every
sentence, table and chart of every section made, ``customer_scores.csv`` and the outcome
written. Then the review's own reconciliation must hold, and the scores must have a row per
customer reviewed. A few shapes go further, end to end: rendered through the command line to
the offline page, charts and all.

The examples are drawn deterministically (the ``ci`` profile in tests/conftest.py), so a fresh
clone and CI try the same ones; ``HYPOTHESIS_PROFILE=explore`` draws new ones every run.
"""

from __future__ import annotations

import html
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, note, settings
from matplotlib.figure import Figure

from helpers.app.cli import main
from helpers.app.run import BAD_INPUT
from helpers.errors import PeriodError
from helpers.io.periods import parse_period
from helpers.report.engines import cell_outputs
from helpers.review import portfolio
from tests.shapes import MONTHS, QUARTERS, YEARS, ExportShape, export_shapes
from tests.support import ROOT, TINY_EXPORT, write_export

NOTEBOOK = ROOT / "notebooks" / "customer_review.ipynb"
SHAPES_PER_KIND = 67  # of a quarter's, a month's and a year's review: 201 in all
RENDERED_SHAPES = 4


def notebook_cells() -> list[str]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


CELLS = notebook_cells()


def built(figure: Figure) -> str:
    """Stands for ``chart_style.show``: the chart was built, and says its finding. Drawing
    each to a PNG would take a second an example; the shapes rendered end to end do it."""
    assert isinstance(figure, Figure)
    title = figure.axes[0].get_title(loc="left")
    assert title and "nan" not in title.lower(), title
    return title


def review_as_the_notebook_does(shape: ExportShape, folder: Path) -> dict[str, object]:
    """Run the review notebook's cells on ``shape`` in this process, and return the names they
    left (``review`` among them). Each cell's output is made as a kernel would show it: every
    table is formatted into HTML, every sentence escaped."""
    export = shape.write(folder / "export")
    namespace: dict[str, object] = {}
    cell_outputs(CELLS[0], namespace, 0)  # the parameters' defaults
    namespace.update(
        export_path=str(export),
        period=shape.period,
        scores_path=str(folder / "customer_scores.csv"),
        outcome_path=str(folder / "outcome.json"),
    )
    cell_outputs(CELLS[1], namespace, 1)  # reads, reviews, writes the scores and outcome
    namespace["show"] = built
    # A warning would be printed on the page under the section: none may be raised.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for number, source in enumerate(CELLS[2:], start=2):
            for output in cell_outputs(source, namespace, number):
                assert output.output_type != "stream" or output.name != "stderr", output.text
    return namespace


def check_the_review_adds_up(namespace: dict[str, object], folder: Path) -> None:
    review = namespace["review"]
    checks = portfolio.reconciliation(review)
    assert checks["holds"].all(), checks.to_string()
    scores = pd.read_csv(folder / "customer_scores.csv", encoding="utf-8-sig", dtype=str)
    assert scores["customer_id"].tolist() == review.customers.index.tolist()
    assert (folder / "outcome.json").stat().st_size > 0


# The columns that record something done on a day; a due date or customer_since does not.
RECORDED_ON = {
    "invoices": ("issued_on", "paid_on"),
    "time_entries": ("date",),
    "assessments": ("assessed_on",),
    "decisions": ("decided_on",),
}


def outside_the_data(shape: ExportShape) -> bool:
    """Whether the shape's period lies wholly before its first record (of an invoice or of
    time) or after its last: nothing to review."""
    days = [
        day
        for table, columns in RECORDED_ON.items()
        if table in shape.tables
        for column in columns
        if column in shape.tables[table]
        for day in shape.tables[table][column]
        if isinstance(day, str) and day
    ]
    first = min(
        day
        for table, column in (("invoices", "issued_on"), ("time_entries", "date"))
        if table in shape.tables
        for day in shape.tables[table][column]
    )
    period = parse_period(shape.period)
    return max(days) < period.start.isoformat() or first > period.end.isoformat()


def no_shape_crashes_the_review(shape: ExportShape) -> None:
    note(shape.describe())
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        try:
            namespace = review_as_the_notebook_does(shape, folder)
        except PeriodError as refused:
            # A period outside the export's days is refused, and only such a one.
            assert outside_the_data(shape), refused
            assert "there is nothing to review in it" in str(refused)
            return
        check_the_review_adds_up(namespace, folder)


# One class per kind of period: pytest-xdist gives each class to a worker of its own.
@pytest.mark.slow
class TestAQuartersReview:
    @settings(max_examples=SHAPES_PER_KIND)
    @given(shape=export_shapes(QUARTERS))
    def test_no_export_shape_crashes_it(self, shape: ExportShape):
        no_shape_crashes_the_review(shape)


@pytest.mark.slow
class TestAMonthsReview:
    @settings(max_examples=SHAPES_PER_KIND)
    @given(shape=export_shapes(MONTHS))
    def test_no_export_shape_crashes_it(self, shape: ExportShape):
        no_shape_crashes_the_review(shape)


@pytest.mark.slow
class TestAYearsReview:
    @settings(max_examples=SHAPES_PER_KIND)
    @given(shape=export_shapes(YEARS))
    def test_no_export_shape_crashes_it(self, shape: ExportShape):
        no_shape_crashes_the_review(shape)


@pytest.mark.slow
@settings(max_examples=RENDERED_SHAPES)
@given(shape=export_shapes())
def test_a_shape_renders_end_to_end_with_every_section(shape: ExportShape):
    note(shape.describe())
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        export = shape.write(folder / "export")
        result = CliRunner().invoke(
            main,
            ["run", "--export", str(export), "--company", "Shape Ltd", "--period", shape.period,
             "--reports", str(folder / "reports"), "--engine", "inprocess", "--dossiers", "none"],
        )  # fmt: skip
        if outside_the_data(shape):
            assert result.exit_code == BAD_INPUT and "nothing to review" in result.output
            return
        assert result.exit_code == 0, result.output
        page = html.unescape(Path(result.stdout.strip()).read_text(encoding="utf-8"))
        for section in ("Summary", "Checklist score", "Before letting anyone go", "Appendix"):
            assert section in page
        assert "Traceback" not in page
        assert re.findall(r'<img[^>]*src="data:image/png', page)  # the checklist chart at least


def test_every_helper_the_notebook_calls_is_exercised():
    # The shapes run the notebook's own cells, so every section helper it calls is called; a
    # cell that draws a chart must go through ``show``, which the test stands in for.
    charts = [source for source in CELLS if "charts." in source]
    assert charts and all("show(charts." in source for source in charts)


@dataclass(frozen=True)
class FixedExport:
    """An export written as given, reviewed for ``period``: a shape chosen by hand."""

    files: dict[str, str]
    period: str

    def write(self, folder: Path) -> Path:
        return write_export(folder, self.files)


def test_a_period_with_time_but_no_revenue_yet_has_every_section(tmp_path: Path):
    # A's first hours, in January 2025, come five months before the first invoice (D0, June
    # 2025): 2025-Q1 has one customer with time and no revenue. Every cell must still run.
    entries = TINY_EXPORT["time_entries.csv"] + "        A,2025-01-15,4,support\n"
    shape = FixedExport({**TINY_EXPORT, "time_entries.csv": entries}, "2025-Q1")
    namespace = review_as_the_notebook_does(shape, tmp_path)
    review = namespace["review"]
    assert review.customers.index.tolist() == ["A"]
    assert review.customers.loc["A", "revenue"] == 0 and review.customers.loc["A", "hours"] == 4
    check_the_review_adds_up(namespace, tmp_path)
