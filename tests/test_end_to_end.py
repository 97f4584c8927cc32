"""The sample review as a user renders it, in a Jupyter kernel, and the page leadership receives.

These are the tests that start kernels: the sample rendered once per session (the
``sample_page`` fixture, shared with the browser's tests), a refusal raised inside the kernel,
and plain papermill. What the run pipeline does around a render is tested in-process in
tests/app/test_run.py.
"""

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner

from helpers.app.cli import main
from helpers.report import narrative as say
from helpers.report.reasons import reasons
from tests.support import ROOT, outside_addresses

pytestmark = pytest.mark.slow

SECTIONS = (
    "Summary",
    "Revenue against time spent",
    "Payment delays by company size",
    "Checklist score",
    "Appendix: data and parameters",
)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``customer-review run ARGS`` from the project root, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", "helpers.app.cli", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_page_has_every_section_and_no_code(sample_page: Path):
    assert sample_page.parts[-3:] == ("fernhill-software-ltd", "2026-Q3", "review.html")
    page = sample_page.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f">{section}<" in page, section
    assert "<title>Fernhill Software Ltd: customer review 2026-Q3</title>" in page
    assert "review_from_parameters" not in page  # code cells are hidden
    assert "say.summary_sentences" not in page
    assert "In&nbsp;[" not in page and "In [" not in page
    assert "Traceback" not in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page  # no warnings shown


def test_the_page_loads_nothing_from_outside(sample_page: Path):
    page = sample_page.read_text(encoding="utf-8")
    assert "<script src" not in page
    assert "<link" not in page
    assert outside_addresses(page) == []
    images = re.findall(r'<img[^>]*src="([^"]{0,30})', page)
    assert len(images) == 6  # time, days late, aging, scores, whale curve, wallet
    assert all(src.startswith("data:image/png;base64,") for src in images)


def test_the_page_is_small_enough_to_mail(sample_page: Path):
    # Charts, tables and the inlined table library together: under 3 MB.
    assert sample_page.stat().st_size < 3_000_000


def test_the_numbers_on_the_page_are_the_helpers_numbers(sample_page: Path, sample_review):
    page = html.unescape(sample_page.read_text(encoding="utf-8"))
    for sentence in say.summary_sentences(sample_review):
        assert sentence in page
    band_counts = sample_review.customers["band"].value_counts()
    # Each band's count appears in the band table's row.
    for band, label in (("keep", "Keep"), ("fire_candidate", "Fire candidate")):
        row = re.search(rf">{label}</td>\s*<td[^>]*>(\d+)</td>", page)
        assert row and int(row[1]) == band_counts[band]


def test_customer_scores_sit_beside_the_page_and_match_it(sample_page: Path, sample_review):
    scores = pd.read_csv(sample_page.parent / "customer_scores.csv", encoding="utf-8-sig")
    assert len(scores) == len(sample_review.customers)
    page = html.unescape(sample_page.read_text(encoding="utf-8"))
    counts = scores["band"].value_counts()
    row = re.search(r">Fire candidate</td>\s*<td[^>]*>(\d+)</td>", page)
    assert int(row[1]) == counts["fire_candidate"]
    fire = scores[scores["band"] == "fire_candidate"]
    assert fire["reason"].tolist() == reasons(sample_review, pd.Index(fire["customer_id"])).tolist()
    for reason in fire["reason"]:
        assert reason in page  # the fire candidates table shows the same words


def test_the_executed_notebook_is_kept_as_the_runs_log(sample_page: Path):
    executed = nbformat.read(sample_page.with_suffix(".ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'period = "2026-Q3"' in injected[0].source
    assert not any(
        o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", [])
    )


def test_a_refusal_in_the_kernel_exits_2_and_leaves_the_earlier_report(sample_page, tmp_path):
    # The export is read in the kernel, so its refusal comes back from there, by name.
    reports = tmp_path / "reports"
    shutil.copytree(sample_page.parent.parent.parent, reports)
    earlier = reports / "fernhill-software-ltd" / "2026-Q3"
    before = {path.name: path.read_bytes() for path in earlier.iterdir()}
    bad = tmp_path / "export"
    shutil.copytree(ROOT / "data/sample", bad)
    lines = (bad / "invoices.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[9].split(",")
    fields[5] = "twelve"  # amount of the ninth invoice: file row 10
    lines[9] = ",".join(fields)
    (bad / "invoices.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli(
        "--export", str(bad), "--company", "Fernhill Software Ltd", "--period", "2026-Q3",
        "--reports", str(reports),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "invoices.csv, row 10, column amount: 'twelve' is not a number" in done.stderr
    assert "Traceback" not in done.stderr
    assert {path.name: path.read_bytes() for path in earlier.iterdir()} == before

    # The same refusal from plain papermill: the notebook shows the refusal's message alone,
    # the one the command line printed, with no traceback. The exit code is papermill's own
    # for any failed cell (1).
    out = tmp_path / "out.ipynb"
    plain = subprocess.run(
        [sys.executable, "-m", "papermill", "notebooks/customer_review.ipynb", str(out),
         "-p", "export_path", str(bad), "--no-progress-bar"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert plain.returncode == 1
    errors = [
        output
        for cell in nbformat.read(out, as_version=4).cells
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]
    assert len(errors) == 1 and errors[0]["ename"] == "ExportError"
    assert errors[0]["traceback"] == [f"ExportError: {errors[0]['evalue']}"]
    assert f"2026-Q3: {errors[0]['evalue']}" in done.stderr


def rendered_in_process(export: Path, company: str, reports: Path) -> str:
    """``customer-review run`` of 2026-Q3 in this process, the notebook too; the page's text."""
    result = CliRunner().invoke(
        main,
        ["run", "--export", str(export), "--period", "2026-Q3", "--company", company,
         "--reports", str(reports), "--engine", "inprocess"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return html.unescape(Path(result.stdout.strip()).read_text(encoding="utf-8"))


def test_plain_papermill_renders_another_period_from_the_notebooks_folder(tmp_path: Path):
    # As JupyterLab runs it, in its own folder: the default export_path, data/sample, is found
    # above it.
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "papermill", "notebooks/customer_review.ipynb", str(out)]
        + ["-p", "period", "2026-Q2", "--cwd", "notebooks", "--no-progress-bar"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    executed = nbformat.read(out, as_version=4)
    title = next(c for c in executed.cells if "say.title" in c.source)
    assert "customer review 2026-Q2" in title.outputs[0]["data"]["text/html"]


def test_plain_papermill_stops_on_a_parameter_the_notebook_does_not_take(tmp_path: Path):
    # The kernel is what is tested: the declared types and papermill's injected cell are read
    # from its namespace.
    done = subprocess.run(
        [sys.executable, "-m", "papermill", "notebooks/customer_review.ipynb",
         str(tmp_path / "out.ipynb"), "-p", "headache_shar", "0.05", "--no-progress-bar"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "unknown parameter 'headache_shar' (did you mean headache_share?)" in done.stderr


def test_a_partial_export_renders_and_says_what_is_missing(tmp_path: Path):
    # The whole review notebook, run in this process: every section must render or say why.
    partial = tmp_path / "partial"
    shutil.copytree(ROOT / "data/sample", partial)
    (partial / "time_entries.csv").unlink()
    invoices = (partial / "invoices.csv").read_text(encoding="utf-8").splitlines()
    # Drop paid_on, the fifth column, from every line.
    dropped = [",".join(v for i, v in enumerate(line.split(",")) if i != 4) for line in invoices]
    (partial / "invoices.csv").write_text("\n".join(dropped) + "\n", encoding="utf-8")
    page = rendered_in_process(partial, "Partial Ltd", tmp_path / "reports")
    assert say.NO_TIME in page and say.NO_PAYMENTS in page
    for section in SECTIONS:
        assert f">{section}<" in page, section
    assert ">Share of hours<" not in page
    # The checklist chart, and the whale and wallet charts, which need no time or payments.
    assert len(re.findall(r'<img[^>]*src="data:image/png', page)) == 3


def test_an_export_of_transactions_only_renders(tmp_path: Path):
    # The shape of a public data set of transactions: customers and invoices, each invoice
    # paid on the day it was issued; no time, no assessments. With no headache list and no
    # fire candidate, the ways out have no one to price, and say so rather than crash.
    export = tmp_path / "transactions"
    export.mkdir()
    shutil.copy(ROOT / "data/sample/customers.csv", export)
    invoices = pd.read_csv(ROOT / "data/sample/invoices.csv", dtype=str, keep_default_na=False)
    invoices.assign(paid_on=invoices["issued_on"]).to_csv(export / "invoices.csv", index=False)
    page = rendered_in_process(export, "Shop Ltd", tmp_path / "reports")
    assert say.NO_TIME in page
    assert (
        "Every customer paid its invoices due in the twelve months to 30 September 2026 on time."
        in page
    )
    assert "No customer is a fire candidate or on the headache list: there is no way out" in page
