"""The run pipeline through the command line, period after period: strikes kept across
periods, the index, exit codes, and nothing lost when a period fails.

The notebook runs in this process (``--engine inprocess``) and is the review notebook cut to
its first cell (``tests.support.review_cell_notebook``), which builds the review and writes
all that the pipeline keeps: these tests are about the pipeline, not the page. The page, and
a real kernel, are tested in tests/test_end_to_end.py; processes running at once in
tests/test_schedule.py.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from helpers.app.run import BAD_INPUT, RENDER_FAILED
from tests.support import (
    ROOT,
    break_april,
    failing_notebook,
    review_cell_notebook,
    two_companies,
    write_german_export,
)
from tests.support import run_in_process as run

SAMPLE = str(ROOT / "data" / "sample")


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    return review_cell_notebook(tmp_path_factory.mktemp("notebook") / "customer_review.ipynb")


def scores(folder: Path) -> pd.DataFrame:
    return pd.read_csv(
        folder / "customer_scores.csv", encoding="utf-8-sig", dtype={"customer_id": str}
    ).set_index("customer_id")


def strikes_by_customer(folder: Path) -> pd.Series:
    """1 where the customer was a fire candidate or on the headache list in that period."""
    table = scores(folder)
    return ((table["band"] == "fire_candidate") | table["on_headache_list"]).astype(int)


def history(reports: Path, company: str) -> pd.DataFrame:
    with closing(sqlite3.connect(reports / company / "history.sqlite")) as connection:
        return pd.read_sql_query("SELECT * FROM period_outcome", connection)


def test_strikes_come_from_the_export_first_and_from_the_history_once_recorded(
    notebook: Path, tmp_path: Path
):
    reports = tmp_path / "reports"
    company = reports / "fernhill-software-ltd"
    sample = ["--export", SAMPLE, "--reports", str(reports)]
    assert run(notebook, *sample, "--period", "2026-Q3").exit_code == 0
    # The first run: 2026-Q1 and Q2 were never reviewed, so they are judged from the export.
    first = scores(company / "2026-Q3")
    from_export = first["strikes_from_export"].fillna("")
    assert from_export.str.contains("2026-Q1").any() and from_export.str.contains("2026-Q2").any()
    assert (first["stage"] == "exit_decision").any()  # the export already holds third strikes

    # The earlier quarters rendered later count what came before them: a later quarter is no
    # strike yet. Each is recorded as it is judged.
    own = {}
    for label in ("2026-Q2", "2026-Q1", "2025-Q4"):
        assert run(notebook, *sample, "--period", label).exit_code == 0
        own[label] = strikes_by_customer(company / label)

    # 2026-Q3 again: the last three quarters are Q1, Q2 and Q3 (2025-Q4 is out of the window),
    # now as recorded, and the stage follows the count. The count is the one the first run
    # found from the export: the same rules as of the same quarter's end. Twice: re-rendering
    # a quarter changes nothing.
    for _ in range(2):
        assert run(notebook, *sample, "--period", "2026-Q3").exit_code == 0
        q3 = scores(company / "2026-Q3")
        expected = strikes_by_customer(company / "2026-Q3")
        expected = expected.add(own["2026-Q2"], fill_value=0).add(own["2026-Q1"], fill_value=0)
        expected = expected.reindex(q3.index).astype(int)
        assert (q3["strikes_last_3"] == expected).all()
        stages = {0: "none", 1: "watch", 2: "repair_plan", 3: "exit_decision"}
        assert (q3["stage"] == expected.map(stages)).all()
        assert q3["strikes_from_export"].isna().all()
        pd.testing.assert_series_equal(q3["strikes_last_3"], first["strikes_last_3"])
    recorded = history(reports, "fernhill-software-ltd").groupby("period_label").size()
    assert recorded.to_dict() == {
        "2025-Q4": len(own["2025-Q4"]),
        "2026-Q1": len(own["2026-Q1"]),
        "2026-Q2": len(own["2026-Q2"]),
        "2026-Q3": len(q3),
    }


def files_of(period: Path) -> dict[str, bytes]:
    """Every file of a period's folder, by name: what a run must leave as it was."""
    return {path.name: path.read_bytes() for path in period.iterdir()}


def rendered_sample(notebook: Path, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """The sample's 2026-Q3 rendered into ``tmp_path/reports``: the reports folder, the
    company's folder, and the run's arguments to render it again."""
    reports = tmp_path / "reports"
    sample = ["--export", SAMPLE, "--period", "2026-Q3", "--reports", str(reports)]
    assert run(notebook, *sample).exit_code == 0
    return reports, reports / "fernhill-software-ltd", sample


def test_a_failed_render_keeps_the_earlier_report_and_records_nothing(notebook, tmp_path):
    reports, company, sample = rendered_sample(notebook, tmp_path)
    before = files_of(company / "2026-Q3")
    recorded = history(reports, "fernhill-software-ltd")
    index = (reports / "index.html").read_bytes()

    broken = failing_notebook(tmp_path / "broken.ipynb", notebook)
    failed = run(broken, *sample)
    assert failed.exit_code == RENDER_FAILED
    assert "RuntimeError: chart broke" in failed.stderr
    after = files_of(company / "2026-Q3")
    kept = after.pop("review.failed.ipynb")
    assert b"chart broke" in kept  # the traceback, for whoever looks into it
    assert after == before
    pd.testing.assert_frame_equal(history(reports, "fernhill-software-ltd"), recorded)
    assert (reports / "index.html").read_bytes() == index

    # A period that failed from the start records nothing and leaves no folder behind but the
    # failed notebook.
    other = run(broken, *sample[:2], "--period", "2025-Q3", "--reports", str(reports))
    assert other.exit_code == RENDER_FAILED
    assert "2025-Q3" not in set(history(reports, "fernhill-software-ltd")["period_label"])


def test_a_history_that_cannot_be_written_leaves_the_earlier_report(notebook, tmp_path):
    _, company, sample = rendered_sample(notebook, tmp_path)
    before = files_of(company / "2026-Q3")
    # A folder where the history file is: it can be read by no one and written by no one,
    # root included, as CI runs.
    (company / "history.sqlite").rename(company / "history.old")
    (company / "history.sqlite").mkdir()
    failed = run(notebook, *sample, "-p", "hourly_cost", "70", "--replace")
    assert failed.exit_code == BAD_INPUT, failed.output
    assert "cannot be written" in failed.output and "Traceback" not in failed.output
    assert files_of(company / "2026-Q3") == before  # page, notebook, scores, actions, summary
    assert not list(company.glob(".staging-*"))  # the set rendered for nothing is removed


def test_a_run_with_other_parameters_is_a_what_if_beside_the_official_review(notebook, tmp_path):
    reports, company, sample = rendered_sample(notebook, tmp_path)
    official = files_of(company / "2026-Q3")
    recorded = history(reports, "fernhill-software-ltd")

    assert run(notebook, *sample, "-p", "hourly_cost", "80").exit_code == 0
    assert files_of(company / "2026-Q3") == official
    pd.testing.assert_frame_equal(history(reports, "fernhill-software-ltd"), recorded)
    what_if = company / "2026-Q3-what-if-hourly-cost-80"
    summary = json.loads((what_if / "summary.json").read_text(encoding="utf-8"))
    assert summary["what_if"] == {"hourly_cost": 80.0} and summary["period"] == "2026-Q3"
    # Contribution is revenue less the hours at the hour's cost: 80 instead of 60.
    changed = scores(what_if)
    expected = changed["revenue"] - 80 * changed["hours"].fillna(0)
    assert (changed["contribution"] - expected).abs().max() < 0.01
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "What-if, not the official review: hourly_cost 80" in index
    assert 'href="fernhill-software-ltd/2026-Q3-what-if-hourly-cost-80/review.html"' in index
    # The official review of the period is listed first, the what-if after it.
    official_row = index.index('href="fernhill-software-ltd/2026-Q3/review.html"')
    assert official_row < index.index("2026-Q3-what-if-hourly-cost-80/review.html")

    # The value the config (here the notebook) already gives is no what-if; --replace makes
    # a changed one the official review, recorded in the history.
    assert run(notebook, *sample, "-p", "hourly_cost", "60").exit_code == 0
    assert not (company / "2026-Q3-what-if-hourly-cost-60").exists()
    assert run(notebook, *sample, "-p", "hourly_cost", "80", "--replace").exit_code == 0
    assert scores(company / "2026-Q3")["contribution"].equals(scores(what_if)["contribution"])


def test_a_bad_export_refused_in_the_notebook_writes_nothing(notebook, tiny_export, tmp_path):
    invoices = tiny_export / "invoices.csv"
    invoices.write_text(
        invoices.read_text(encoding="utf-8").replace("A2,A,2026-08-01", "A2,A,2026-08-41"),
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    result = run(
        notebook, "--export", str(tiny_export), "--period", "2026-Q3", "--reports", str(reports)
    )
    assert result.exit_code == BAD_INPUT
    assert "invoices.csv, row 5, column issued_on: '2026-08-41' is not a date" in result.stderr
    assert "Traceback" not in result.output
    assert not reports.exists()  # nothing written, not even the company's folder


# Seven months of monthly reviews for two companies, as a scheduler would run them. Aalto Oy exports
# in our own contract; Bäcker & Söhne GmbH's German system drops a new export into a folder per
# month (exports/baecker/{period}), and April's is broken.
MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 7)]
BROKEN = "2026-04"


@pytest.fixture(scope="module")
def year(tmp_path_factory, notebook) -> dict[str, object]:
    root = tmp_path_factory.mktemp("schedule")
    aalto, baecker = two_companies(root, MONTHS, BROKEN)
    reports = root / "reports"
    where = ("--reports", str(reports))
    results = [
        run(notebook, "--config", str(aalto), "--period", "2025-12..2026-06", *where),
        run(notebook, "--config", str(baecker), "--period", "2025-12..2026-06", "--quiet", *where),
    ]
    return {"root": root, "reports": reports, "baecker": baecker, "results": results}


def expected_strikes(reports: Path, company: str, month: str) -> pd.Series:
    """Strikes in the three quarters up to ``month``'s, counted from the score files: an
    earlier quarter's outcome is that of the review of its last month (recorded, and judged
    as of the quarter's end), the month's own quarter is the month's."""
    quarter = pd.Period(month, "M").asfreq("Q")
    months = [str((quarter - back).asfreq("M", "end")) for back in (2, 1)] + [month]
    count = pd.Series(0, index=scores(reports / company / month).index)
    for label in months:
        folder = reports / company / label
        if (folder / "customer_scores.csv").exists():
            struck = strikes_by_customer(folder)
            count[count.index.isin(struck.index[struck == 1])] += 1
    return count


def test_exit_codes_and_messages_of_the_year(year):
    aalto, baecker = year["results"]
    assert aalto.exit_code == 0
    assert aalto.stdout.splitlines()[-1].endswith("aalto-oy/2026-06/review.html")
    assert baecker.exit_code == BAD_INPUT
    assert baecker.stdout == ""  # --quiet: nothing on stdout, only the errors on stderr
    assert f"{BROKEN}: The export" in baecker.stderr
    assert (
        "Rechnungen.csv, row 2, column issued_on: '31.04.2026' is not a date written "
        in baecker.stderr
    )
    assert baecker.stderr.strip().splitlines()[-1] == (
        f"6 of 7 periods rendered; failed: {BROKEN} (bad input)"
    )


def test_the_index_lists_every_period_rendered(year):
    reports = year["reports"]
    page = (reports / "index.html").read_text(encoding="utf-8")
    for company in ("aalto-oy", "backer-sohne-gmbh"):
        for month in MONTHS:
            link = f'href="{company}/{month}/review.html"'
            if company.startswith("backer") and month == BROKEN:
                assert link not in page
                assert not (reports / company / month).exists()
            else:
                assert link in page, (company, month)
    assert "Bäcker &amp; Söhne GmbH" in page


def test_the_history_holds_each_month_as_its_scores_say(year):
    reports = year["reports"]
    recorded = history(reports, "aalto-oy")
    assert sorted(recorded["period_label"].unique()) == MONTHS
    for month in MONTHS:
        rows = recorded[recorded["period_label"] == month].set_index("customer_id").sort_index()
        table = scores(reports / "aalto-oy" / month).sort_index()
        assert rows.index.tolist() == table.index.tolist(), month
        assert rows["band"].tolist() == table["band"].tolist(), month
        assert rows["on_headache_list"].astype(bool).tolist() == table["on_headache_list"].tolist()
    assert sorted(history(reports, "backer-sohne-gmbh")["period_label"].unique()) == [
        m for m in MONTHS if m != BROKEN
    ]


def test_monthly_reviews_count_strikes_per_quarter(year):
    reports = year["reports"]
    # May and June: 2025-Q4 and 2026-Q1 are December's and March's reviews, recorded; the
    # months of 2026-Q2 do not add up to more than one strike between them.
    for month in ("2026-05", "2026-06"):
        table = scores(reports / "aalto-oy" / month)
        expected = expected_strikes(reports, "aalto-oy", month)
        assert table["strikes_last_3"].tolist() == expected.tolist(), month
        assert table["strikes_last_3"].max() <= 3
        assert table["strikes_from_export"].isna().all(), month
    # Struck in April and again in May: the same quarters, the same count in both.
    april, may = (scores(reports / "aalto-oy" / m) for m in ("2026-04", "2026-05"))
    twice = april.index[april["band"].eq("fire_candidate") | april["on_headache_list"]]
    twice = twice.intersection(
        may.index[may["band"].eq("fire_candidate") | may["on_headache_list"]]
    )
    assert len(twice)
    assert april.loc[twice, "strikes_last_3"].tolist() == may.loc[twice, "strikes_last_3"].tolist()


def test_a_fixed_month_renders_later_and_a_failing_rerun_changes_nothing(year, notebook):
    reports, baecker = year["reports"], year["baecker"]
    april = year["root"] / "exports" / "baecker" / BROKEN
    write_german_export(year["root"] / "plain-baecker", april)  # the export, sent again
    where = ("--config", str(baecker), "--period", BROKEN, "--reports", str(reports))
    fixed = run(notebook, *where)
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout.strip().endswith(f"backer-sohne-gmbh/{BROKEN}/review.html")
    # Rendered after May and June, April still counts December, March and itself.
    table = scores(reports / "backer-sohne-gmbh" / BROKEN)
    expected = expected_strikes(reports, "backer-sohne-gmbh", BROKEN)
    assert table["strikes_last_3"].tolist() == expected.tolist()

    folder = reports / "backer-sohne-gmbh" / BROKEN
    before = files_of(folder)
    recorded = history(reports, "backer-sohne-gmbh")
    index = (reports / "index.html").read_bytes()
    break_april(april)
    again = run(notebook, *where)
    assert again.exit_code == BAD_INPUT and again.stdout == ""
    assert files_of(folder) == before
    pd.testing.assert_frame_equal(history(reports, "backer-sohne-gmbh"), recorded)
    assert (reports / "index.html").read_bytes() == index
