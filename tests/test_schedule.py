"""Scheduled runs going at once, as cron jobs do: real processes, real kernels, one history and
one index written by several of them.

Each process renders the review notebook cut to its first cell in a kernel of its own. Aalto Oy
exports in our own contract and reviews two months in two processes side by side
(one history, written by two processes); next to them Bäcker & Söhne GmbH, whose German system
drops a new export into a folder per month (``exports/baecker/{period}``), reviews March and
April, whose export is broken (one index, written by all three). A year of months, the strikes
they count and a month fixed later are tested in-process in tests/app/test_run.py.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from helpers.app.run import BAD_INPUT
from tests.support import review_cell_notebook, two_companies

pytestmark = pytest.mark.slow

AALTO = {"2026-02": ["2026-02"], "2026-03": ["2026-03"]}
BAECKER = ["2026-03", "2026-04"]
BROKEN = "2026-04"


def customer_review(*args: str, reports: Path, notebook: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "helpers.app.cli", "run", *args, "--reports", str(reports)]
        + ["--notebook", str(notebook)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("schedule")
    aalto, baecker = two_companies(root, BAECKER, BROKEN)
    # The review notebook cut to what a run keeps: the kernels are real, the charts not needed.
    notebook = review_cell_notebook(root / "customer_review.ipynb")
    where = {"reports": root / "reports", "notebook": notebook}
    processes = [
        *(customer_review("--config", str(aalto), "--period", p, **where) for p in AALTO),
        customer_review(
            "--config", str(baecker), "--period", "2026-03..2026-04", "--quiet", **where
        ),
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append((process.returncode, out, err))
    return {"reports": where["reports"], "results": results}


def history(reports: Path, company: str) -> pd.DataFrame:
    with closing(sqlite3.connect(reports / company / "history.sqlite")) as connection:
        return pd.read_sql_query("SELECT * FROM period_outcome", connection)


def test_exit_codes_and_messages(runs):
    (first, _, _), (second, out, _), (baecker, quiet_out, err) = runs["results"]
    assert (first, second) == (0, 0)
    assert out.splitlines()[-1].endswith("aalto-oy/2026-03/review.html")
    assert baecker == BAD_INPUT
    assert quiet_out == ""  # --quiet: nothing on stdout, only the errors on stderr
    assert "Rechnungen.csv, row 2, column issued_on: '31.04.2026' is not a date written " in err
    assert err.strip().splitlines()[-1] == f"1 of 2 periods rendered; failed: {BROKEN} (bad input)"


def test_one_index_lists_what_every_process_rendered(runs):
    reports = runs["reports"]
    page = (reports / "index.html").read_text(encoding="utf-8")
    aalto = [month for months in AALTO.values() for month in months]
    for company, months in (("aalto-oy", aalto), ("backer-sohne-gmbh", BAECKER)):
        for month in months:
            link = f'href="{company}/{month}/review.html"'
            broken = company.startswith("backer") and month == BROKEN
            assert (link in page) != broken, (company, month)
            assert (reports / company / month / "review.html").exists() != broken
    assert not list(reports.rglob(".*.tmp*"))


def test_two_processes_writing_one_history_leave_every_month_whole(runs):
    reports = runs["reports"]
    recorded = history(reports, "aalto-oy")
    months = sorted(month for months in AALTO.values() for month in months)
    assert sorted(recorded["period_label"].unique()) == months
    for month in months:
        rows = recorded[recorded["period_label"] == month].set_index("customer_id").sort_index()
        table = pd.read_csv(reports / "aalto-oy" / month / "customer_scores.csv")
        table = table.set_index("customer_id").sort_index()
        assert rows.index.tolist() == table.index.tolist(), month
        assert rows["band"].tolist() == table["band"].tolist(), month
    assert sorted(history(reports, "backer-sohne-gmbh")["period_label"].unique()) == [
        month for month in BAECKER if month != BROKEN
    ]
