"""A year of monthly reviews for two companies, as a scheduler would run them.

Aalto Oy exports in our own contract; Bäcker & Söhne GmbH's German system drops a new export
into a folder per month (``exports/baecker/{period}``), and April's is broken. The runs go at
once, as cron jobs do: Aalto's year in two halves side by side (one history, written by two
processes) next to Bäcker's whole year (one index, written by all three).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.cli import BAD_INPUT
from helpers.sample import generate_export, write_export
from tests.conftest import GERMAN_CONFIG, write_german_export

MONTHS = [f"2025-{m}" for m in ("10", "11", "12")] + [f"2026-{m:02d}" for m in range(1, 10)]
BROKEN = "2026-04"


def customer_review(*args: str, reports: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "helpers.cli", "run", *args, "--reports", str(reports)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=1200)
    return process.returncode, out, err


def rerun_april(config: Path, reports: Path) -> subprocess.Popen:
    return customer_review("--config", str(config), "--period", BROKEN, reports=reports)


def break_april(folder: Path) -> None:
    """Write an impossible issue date into the first invoice: row 2 of the file."""
    path = folder / "Rechnungen.csv"
    header, first, *rest = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    cells = first.split(";")
    cells[2] = "31.04.2026"  # issued_on: April has 30 days
    path.write_text("".join([header, ";".join(cells), *rest]), encoding="utf-8")


def history(reports: Path, company: str) -> pd.DataFrame:
    with sqlite3.connect(reports / company / "history.sqlite") as connection:
        return pd.read_sql_query("SELECT * FROM period_outcome", connection)


def scores(reports: Path, company: str, month: str) -> pd.DataFrame:
    return pd.read_csv(reports / company / month / "customer_scores.csv", dtype={"band": str})


def expected_strikes(reports: Path, company: str, month: str) -> pd.Series:
    """Strikes in the last three months, counted from the three months' own score files: a
    month in which the customer was a fire candidate or on the headache list."""
    window = pd.period_range(end=pd.Period(month, "M"), periods=3, freq="M")
    current = scores(reports, company, month).set_index("customer_id")
    count = pd.Series(0, index=current.index)
    for period in window:
        path = reports / company / str(period) / "customer_scores.csv"
        if not path.exists():
            continue
        table = pd.read_csv(path).set_index("customer_id")
        struck = table.index[(table["band"] == "fire_candidate") | table["on_headache_list"]]
        count[count.index.isin(struck)] += 1
    return count


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("schedule")
    write_export(generate_export(40, seed=11), root / "exports" / "aalto")
    plain = root / "plain-baecker"
    write_export(generate_export(40, seed=12), plain)
    for month in MONTHS:
        write_german_export(plain, root / "exports" / "baecker" / month)
    break_april(root / "exports" / "baecker" / BROKEN)
    companies = root / "companies"
    companies.mkdir()
    aalto = companies / "aalto.toml"
    aalto.write_text('company = "Aalto Oy"\n[export]\npath = "../exports/aalto"\n', "utf-8")
    baecker = companies / "baecker.toml"
    baecker.write_text(GERMAN_CONFIG.format(path="../exports/baecker/{period}"), "utf-8")

    reports = root / "reports"
    runs = [
        customer_review("--config", str(aalto), "--period", "2025-10..2026-03", reports=reports),
        customer_review("--config", str(aalto), "--period", "2026-04..2026-09", reports=reports),
        customer_review(
            "--config", str(baecker), "--period", "2025-10..2026-09", "--quiet", reports=reports
        ),
    ]
    results = [finished(run) for run in runs]
    return {"root": root, "reports": reports, "baecker": baecker, "results": results}


def test_exit_codes_and_messages_of_the_year(year):
    (first_half, _, _), (second_half, out, _), (baecker, quiet_out, err) = year["results"]
    assert (first_half, second_half) == (0, 0)
    assert out.splitlines()[-1].endswith("aalto-oy/2026-09/review.html")
    assert baecker == BAD_INPUT
    assert quiet_out == ""  # --quiet: nothing on stdout, only the errors on stderr
    assert f"{BROKEN}: The export" in err
    assert "Rechnungen.csv, row 2, column issued_on: '31.04.2026' is not a date written " in err
    assert err.strip().splitlines()[-1] == (
        f"11 of 12 periods rendered; failed: {BROKEN} (bad input)"
    )


def test_the_index_lists_every_period_rendered(year):
    reports = year["reports"]
    page = (reports / "index.html").read_text(encoding="utf-8")
    for company, months in (("aalto-oy", MONTHS), ("backer-sohne-gmbh", MONTHS)):
        for month in months:
            link = f'href="{company}/{month}/review.html"'
            if company.startswith("backer") and month == BROKEN:
                assert link not in page
                assert not (reports / company / month).exists()
            else:
                assert link in page, (company, month)
                assert (reports / company / month / "review.html").exists()
    assert "Bäcker &amp; Söhne GmbH" in page
    assert not list(reports.rglob(".*.tmp*"))


def test_two_processes_writing_one_history_leave_every_month_whole(year):
    reports = year["reports"]
    recorded = history(reports, "aalto-oy")
    assert sorted(recorded["period_label"].unique()) == MONTHS
    for month in MONTHS:
        rows = recorded[recorded["period_label"] == month].set_index("customer_id").sort_index()
        table = scores(reports, "aalto-oy", month).set_index("customer_id").sort_index()
        assert rows.index.tolist() == table.index.tolist(), month
        assert rows["band"].tolist() == table["band"].tolist(), month
        assert rows["on_headache_list"].astype(bool).tolist() == table["on_headache_list"].tolist()
    assert sorted(history(reports, "backer-sohne-gmbh")["period_label"].unique()) == [
        m for m in MONTHS if m != BROKEN
    ]


def test_strikes_of_months_rendered_in_order_count_the_months_before(year):
    reports = year["reports"]
    for month in MONTHS[2:6]:  # December to March: their two months before were recorded
        table = scores(reports, "backer-sohne-gmbh", month).set_index("customer_id")
        expected = expected_strikes(reports, "backer-sohne-gmbh", month)
        assert table["strikes_last_3"].tolist() == expected.tolist(), month


def test_a_fixed_month_renders_later_and_a_failing_rerun_changes_nothing(year):
    reports, baecker = year["reports"], year["baecker"]
    april = year["root"] / "exports" / "baecker" / BROKEN
    write_german_export(year["root"] / "plain-baecker", april)  # the export, sent again
    code, out, err = finished(
        customer_review("--config", str(baecker), "--period", BROKEN, reports=reports)
    )
    assert code == 0, err
    assert out.strip().endswith(f"backer-sohne-gmbh/{BROKEN}/review.html")
    # Rendered after May to September, April still counts February, March and itself.
    table = scores(reports, "backer-sohne-gmbh", BROKEN).set_index("customer_id")
    expected = expected_strikes(reports, "backer-sohne-gmbh", BROKEN)
    assert table["strikes_last_3"].tolist() == expected.tolist()
    assert f'href="backer-sohne-gmbh/{BROKEN}/review.html"' in (reports / "index.html").read_text()

    folder = reports / "backer-sohne-gmbh" / BROKEN
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    recorded = history(reports, "backer-sohne-gmbh")
    index = (reports / "index.html").read_bytes()
    break_april(april)
    code, out, err = finished(
        customer_review("--config", str(baecker), "--period", BROKEN, reports=reports)
    )
    assert code == BAD_INPUT and out == ""
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    pd.testing.assert_frame_equal(history(reports, "backer-sohne-gmbh"), recorded)
    assert (reports / "index.html").read_bytes() == index
