"""Render the sample review as a user would, and check the page leadership receives."""

import html
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import narrative as say
from helpers.review import review_from_parameters

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "helpers.cli", "run"]
SECTIONS = (
    "Summary",
    "Revenue against time spent",
    "Payment delays by company size",
    "Checklist score",
    "Appendix: data and parameters",
)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``customer-review run ARGS`` from the project root, as a user would type it."""
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def sample_html(reports: Path) -> Path:
    """The sample review for 2026-Q3, rendered through the command line."""
    done = run_cli("--export", "data/sample", "--period", "2026-Q3", "--reports", str(reports))
    assert done.returncode == 0, done.stderr
    page = Path(done.stdout.strip())
    assert page == reports / "fernhill-software-ltd" / "2026-Q3" / "review.html"
    return page


def test_the_page_has_every_section_and_no_code(sample_html: Path):
    page = sample_html.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f">{section}<" in page, section
    assert "<title>Fernhill Software Ltd: customer review 2026-Q3</title>" in page
    assert "review_from_parameters" not in page  # code cells are hidden
    assert "say.summary_sentences" not in page
    assert "In&nbsp;[" not in page and "In [" not in page
    assert "Traceback" not in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page  # no warnings shown


def test_the_page_loads_nothing_from_outside(sample_html: Path):
    page = sample_html.read_text(encoding="utf-8")
    assert "<script src" not in page
    assert "<link" not in page
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", page)
    assert re.findall(r"https?://", without_namespaces) == []
    images = re.findall(r'<img[^>]*src="([^"]{0,30})', page)
    assert len(images) == 6  # time, days late, aging, scores, whale curve, wallet
    assert all(src.startswith("data:image/png;base64,") for src in images)


def test_the_numbers_on_the_page_are_the_helpers_numbers(sample_html: Path):
    page = sample_html.read_text(encoding="utf-8")
    review = review_from_parameters(str(ROOT / "data/sample"), "2026-Q3")
    for sentence in say.summary_sentences(review):
        assert sentence in html.unescape(page)
    band_counts = review.customers["band"].value_counts()
    assert band_counts.sum() == len(review.customers)
    # Each band's count appears in the band table's row.
    for band, label in (("keep", "Keep"), ("fire_candidate", "Fire candidate")):
        row = re.search(rf">{label}</td>\s*<td[^>]*>(\d+)</td>", page)
        assert row and int(row[1]) == band_counts[band]


def test_the_executed_notebook_is_kept_as_the_runs_log(sample_html: Path):
    executed = nbformat.read(sample_html.with_suffix(".ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'period = "2026-Q3"' in injected[0].source
    assert not any(
        o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", [])
    )


def test_a_bad_export_leaves_the_earlier_report_untouched(sample_html: Path, reports, tmp_path):
    before = sample_html.read_bytes()
    bad = tmp_path / "export"
    shutil.copytree(ROOT / "data/sample", bad)
    lines = (bad / "invoices.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[9].split(",")
    fields[5] = "twelve"  # amount of the ninth invoice: file row 10
    lines[9] = ",".join(fields)
    (bad / "invoices.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("--export", str(bad), "--period", "2026-Q3", "--reports", str(reports))
    assert done.returncode == 2
    assert "invoices.csv, row 10, column amount: 'twelve' is not a number" in done.stderr
    assert sample_html.read_bytes() == before
    assert sorted(p.name for p in sample_html.parent.iterdir()) == [
        "customer_scores.csv",
        "review.html",
        "review.ipynb",
        "summary.json",
    ]


def test_a_failing_render_exits_1_and_keeps_the_failed_notebook(sample_html, reports, tmp_path):
    before = sample_html.read_bytes()
    notebook = nbformat.read(ROOT / "notebooks/customer_review.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('chart broke')"))
    broken = tmp_path / "customer_review.ipynb"
    nbformat.write(notebook, broken)
    done = run_cli(
        "--export",
        "data/sample",
        "--period",
        "2026-Q3",
        "--reports",
        str(reports),
        "--notebook",
        str(broken),
    )
    assert done.returncode == 1
    assert "RuntimeError: chart broke" in done.stderr
    assert sample_html.read_bytes() == before
    failed = sample_html.parent / "review.failed.ipynb"
    assert failed.exists()
    failed.unlink()


def test_plain_papermill_renders_another_period(tmp_path: Path):
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            "notebooks/customer_review.ipynb",
            str(out),
            "-p",
            "period",
            "2026-Q2",
            "--no-progress-bar",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    executed = nbformat.read(out, as_version=4)
    title = next(c for c in executed.cells if "say.title" in c.source)
    assert "customer review 2026-Q2" in title.outputs[0]["data"]["text/html"]


def test_a_partial_export_renders_and_says_what_is_missing(reports: Path, tmp_path: Path):
    partial = tmp_path / "partial"
    shutil.copytree(ROOT / "data/sample", partial)
    (partial / "time_entries.csv").unlink()
    invoices = (partial / "invoices.csv").read_text(encoding="utf-8").splitlines()
    # Drop paid_on, the fifth column, from every line.
    dropped = [",".join(v for i, v in enumerate(line.split(",")) if i != 4) for line in invoices]
    (partial / "invoices.csv").write_text("\n".join(dropped) + "\n", encoding="utf-8")
    done = run_cli(
        "--export",
        str(partial),
        "--period",
        "2026-Q3",
        "--reports",
        str(reports),
        "--company",
        "Partial Ltd",
    )
    assert done.returncode == 0, done.stderr
    page = html.unescape(Path(done.stdout.strip()).read_text(encoding="utf-8"))
    assert say.NO_TIME in page and say.NO_PAYMENTS in page
    for section in SECTIONS:
        assert f">{section}<" in page, section
    assert ">Share of hours<" not in page
    # The checklist chart, and the whale and wallet charts, which need no time or payments.
    assert len(re.findall(r'<img[^>]*src="data:image/png', page)) == 3


def test_customer_scores_sit_beside_the_page_and_match_it(sample_html: Path):
    scores = pd.read_csv(sample_html.parent / "customer_scores.csv", encoding="utf-8-sig")
    review = review_from_parameters(str(ROOT / "data/sample"), "2026-Q3")
    assert len(scores) == len(review.customers)
    page = html.unescape(sample_html.read_text(encoding="utf-8"))
    counts = scores["band"].value_counts()
    row = re.search(r">Fire candidate</td>\s*<td[^>]*>(\d+)</td>", page)
    assert int(row[1]) == counts["fire_candidate"]
    for reason in scores.loc[scores["band"] == "fire_candidate", "reason"]:
        assert reason in page  # the fire candidates table shows the same words


def strikes_by_customer(scores_csv: Path) -> pd.Series:
    """1 where the customer was a fire candidate or on the headache list in that period."""
    scores = pd.read_csv(scores_csv, encoding="utf-8-sig", dtype={"customer_id": str})
    struck = (scores["band"] == "fire_candidate") | scores["on_headache_list"]
    return struck.astype(int).set_axis(scores["customer_id"])


def history_rows(reports: Path) -> dict[str, int]:
    with closing(sqlite3.connect(reports / "fernhill-software-ltd" / "history.sqlite")) as db:
        rows = db.execute("SELECT period_label, COUNT(*) FROM period_outcome GROUP BY 1")
        return dict(rows.fetchall())


def test_strikes_are_kept_across_quarters(sample_html: Path, reports: Path):
    company = reports / "fernhill-software-ltd"
    q3_first = strikes_by_customer(company / "2026-Q3" / "customer_scores.csv")
    # Rendered alone, 2026-Q3's strikes are its own.
    first = pd.read_csv(company / "2026-Q3" / "customer_scores.csv", dtype={"customer_id": str})
    assert (first.set_index("customer_id")["strikes_last_3"] == q3_first).all()

    # 2026-Q2 rendered after 2026-Q3 counts only itself: a later quarter is no strike yet.
    assert (
        run_cli(
            "--export", "data/sample", "--period", "2026-Q2", "--reports", str(reports)
        ).returncode
        == 0
    )
    q2 = strikes_by_customer(company / "2026-Q2" / "customer_scores.csv")
    q2_scores = pd.read_csv(company / "2026-Q2" / "customer_scores.csv", dtype={"customer_id": str})
    assert (q2_scores.set_index("customer_id")["strikes_last_3"] == q2).all()

    # Two older quarters rendered later still count only themselves and what came before.
    own = {}
    for label in ("2026-Q1", "2025-Q4"):
        done = run_cli("--export", "data/sample", "--period", label, "--reports", str(reports))
        assert done.returncode == 0
        own[label] = strikes_by_customer(company / label / "customer_scores.csv")
    q1_scores = pd.read_csv(company / "2026-Q1" / "customer_scores.csv", dtype={"customer_id": str})
    assert (q1_scores.set_index("customer_id")["strikes_last_3"] == own["2026-Q1"]).all()

    # 2026-Q3 again: the last three quarters are Q1, Q2 and Q3 (2025-Q4 is out of the window),
    # and the stage follows the count.
    for _ in range(2):  # twice: re-rendering a quarter changes nothing
        done = run_cli("--export", "data/sample", "--period", "2026-Q3", "--reports", str(reports))
        assert done.returncode == 0
        q3 = pd.read_csv(company / "2026-Q3" / "customer_scores.csv", dtype={"customer_id": str})
        q3 = q3.set_index("customer_id")
        expected = q3_first.add(q2, fill_value=0).add(own["2026-Q1"], fill_value=0)
        expected = expected.reindex(q3.index).astype(int)
        assert (q3["strikes_last_3"] == expected).all()
        stages = {0: "none", 1: "watch", 2: "repair_plan", 3: "exit_decision"}
        assert (q3["stage"] == expected.map(stages)).all()
    assert (q3["stage"] == "exit_decision").any()  # the sample has customers on a third strike
    assert history_rows(reports) == {
        "2025-Q4": len(own["2025-Q4"]),
        "2026-Q1": len(own["2026-Q1"]),
        "2026-Q2": len(q2),
        "2026-Q3": len(q3),
    }


def test_a_failed_render_records_no_strikes(reports: Path, tmp_path: Path):
    notebook = nbformat.read(ROOT / "notebooks/customer_review.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('late failure')"))
    broken = tmp_path / "customer_review.ipynb"
    nbformat.write(notebook, broken)
    args = ["--export", "data/sample", "--period", "2025-Q3", "--reports", str(reports)]
    assert run_cli(*args, "--notebook", str(broken)).returncode == 1
    assert "2025-Q3" not in history_rows(reports)
