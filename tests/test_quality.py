"""Reconciliation: the report's totals found two ways agree, and a broken one is caught."""

from pathlib import Path

import pytest

from helpers.export import Reading, load_export
from helpers.periods import parse_period
from helpers.quality import reconciliation
from helpers.review import ReviewSettings, build_review


@pytest.fixture
def review(tiny_export: Path):
    return build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings(0.4))


def test_every_check_holds_on_the_tiny_review(review):
    checks = reconciliation(review).set_index("check")
    assert checks["holds"].all()
    # 4 customers; revenue 6600; contribution 4800 - 2000 + 200 - 300 = 2700;
    # open 2000 (A3) + 900 (B1, B2) + 250 (C1) = 3150.
    assert checks["expected"].tolist() == [4, 6600, 2700, 3150, 3150]


def test_a_total_that_does_not_add_up_is_reported(review):
    review.open_invoices.loc[review.open_invoices.index[0], "amount"] += 100
    checks = reconciliation(review).set_index("check")["holds"]
    assert not checks["Open invoices add up to the open balance"]
    assert not checks["Aged receivables add up to the open balance"]
    assert checks["Whale curve ends at total contribution"]


def test_time_left_out_for_unknown_customers_is_listed_under_data_quality(
    tiny_export: Path,
):
    # Two entries for customer X, who is not in customers.csv: 4 + 2.5 = 6.5 hours, rows 11
    # and 12 of the file (9 entries of the tiny export on rows 2-10).
    time = tiny_export / "time_entries.csv"
    time.write_text(
        time.read_text() + "X,2026-07-01,4,call\nX,2026-07-02,2.5,call\n", encoding="utf-8"
    )
    export = load_export(tiny_export, Reading(drop_time_for_unknown_customers=True))
    review = build_review(export, parse_period("2026-Q3"), ReviewSettings(0.4))
    rows = review.data_quality.set_index("check")
    # 9 entries of the tiny export and the 2 for X read; the 2 left out.
    read = rows.loc["Rows read from time_entries.csv"]
    assert (read["count"], read["meaning"]) == (
        11,
        "2 left out as listed below; the others passed the export's checks",
    )
    left_out = rows.loc["Time entries for unknown customers, left out"]
    assert left_out["count"] == 2
    assert left_out["meaning"].startswith(
        "time_entries.csv: 6.5 hours logged for customer ids not in customers.csv (X)"
    )
    # The time kept is the tiny export's own: 10 + 10 + 5 x 8 + 3 + 5 = 68 hours.
    assert export.time_entries["hours"].sum() == 68
