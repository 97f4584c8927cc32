"""The portfolio's figures, each computed once for every place that shows it, on the tiny
review of tests/support.py (2026-Q3, a 40% headache list), worked out by hand below.

Reviewed: A large, 6000 revenue (A1 1000, A2 3000, A3 2000), 20 h, 300/h, keep; B small, 400
(B2), 40 h, 10/h, fire candidate; C micro, 200 (C1 250, credit note C2 -50), no time in the
quarter, needs assessment; E medium, no revenue, 5 h, 0/h, needs assessment. D did nothing.
Totals: revenue 6600, hours 65.
"""

from pathlib import Path

import pandas as pd
import pytest

from helpers.review import portfolio
from tests.support import tiny_review


@pytest.fixture
def review(tiny_export: Path):
    return tiny_review(tiny_export)


def test_bands(review):
    bands = portfolio.bands(review)
    assert bands.index.tolist() == [
        "keep",
        "review",
        "fire_candidate",
        "needs_assessment",
        "too_new",
    ]
    # Every band is listed, empty ones too: the tiny review takes no one as too new.
    assert bands["customers"].tolist() == [1, 0, 1, 2, 0]
    # Ranked by revenue per hour, as the revenue chart draws them: A, B and E; C logged no time.
    assert bands["ranked"].tolist() == [1, 0, 1, 1, 0]
    assert bands["revenue"].tolist() == [6000, 0, 400, 200, 0]  # C 200 + E 0
    assert bands["hours"].tolist() == [20, 0, 40, 5, 0]  # C 0 + E 5
    assert bands["share_of_revenue"].tolist() == pytest.approx(
        [6000 / 6600, 0, 400 / 6600, 200 / 6600, 0]
    )
    assert bands["share_of_hours"].tolist() == pytest.approx([20 / 65, 0, 40 / 65, 5 / 65, 0])


def test_headache_shares(review):
    # Ranked by revenue per hour: E 0 (1st of 3, percentile 33%), B 10, A 300; the bottom
    # 40% holds E alone, and no one is in the bottom 5%.
    shares = portfolio.headache_shares(review)
    assert (shares.customers, shares.cutoff) == (1, 0)
    assert shares.hours_share == pytest.approx(5 / 65)
    assert shares.revenue_share == 0
    assert (shares.core_customers, shares.core_hours_share, shares.core_revenue_share) == (0, 0, 0)


def test_payment_by_size(review):
    # Invoices due in the quarter, credit notes left out: A1 45 days late, A2 10 early (A3 is
    # due in October); B2 unpaid 68 days; C1 paid on 5 October, after the as-of date, so
    # unpaid 16 days. E has nothing due.
    by_size = portfolio.payment_by_size(review)
    assert by_size.index.tolist() == ["micro", "small", "medium", "large"]
    assert by_size["customers"].tolist() == [1, 1, 1, 1]
    assert by_size["invoices_due"].tolist() == [1, 1, 0, 2]
    assert by_size["share_late"].tolist()[:2] == [1, 1]
    assert pd.isna(by_size.loc["medium", "share_late"])
    assert by_size.loc["large", "share_late"] == 0.5
    assert by_size.loc["large", "median_days_late"] == 17.5  # of 45 and -10
    # Weighted by amount, early counts as 0: (45 x 1000 + 0 x 3000) / 4000.
    assert by_size.loc["large", "avg_days_beyond_terms"] == 11.25
    assert by_size["open_balance"].tolist() == [250, 900, 0, 2000]
    # C pays 16 days late on average (more than 15): a late payer; B owes B1, 122 days past
    # due: a non-payer.
    assert by_size["late_payers"].tolist() == [1, 0, 0, 0]
    assert by_size["non_payers"].tolist() == [0, 1, 0, 0]
    # Late most often: micro and small (every invoice); small the later, 68 days.
    worst = portfolio.most_often_late(review)
    assert worst.name == "small" and worst["median_days_late"] == 68


def test_aging_by_size(review):
    # Open on 30 September: A3 not yet due 2000; B1 122 days 500; B2 68 days 400; C1 16 days
    # 250.
    aging = portfolio.aging_by_size(review)
    assert aging.index.tolist() == ["micro", "small", "medium", "large"]
    assert aging.loc["micro"].tolist() == [0, 250, 0, 0, 0]
    assert aging.loc["small"].tolist() == [0, 0, 0, 400, 500]
    assert aging.loc["medium"].sum() == 0
    assert aging.loc["large"].tolist() == [2000, 0, 0, 0, 0]


def test_every_reconciliation_check_holds_on_the_tiny_review(review):
    checks = portfolio.reconciliation(review).set_index("check")
    assert checks.index.tolist() == list(portfolio.RECONCILIATION_CHECKS)
    assert checks["holds"].all()
    # 4 customers; revenue 6600; contribution 4800 - 2000 + 200 - 300 = 2700;
    # open 2000 (A3) + 900 (B1, B2) + 250 (C1) = 3150.
    assert checks["expected"].tolist() == [4, 6600, 2700, 3150, 3150]


def test_a_total_that_does_not_add_up_is_reported(review):
    review.open_invoices.loc[review.open_invoices.index[0], "amount"] += 100
    checks = portfolio.reconciliation(review).set_index("check")["holds"]
    assert not checks["open_invoices"]
    assert not checks["aging_buckets"]
    assert checks["whale_curve_end"]


def test_contribution(review):
    # After 60 an hour: A 6000 - 1200 = 4800, C 200, E -300, B 400 - 2400 = -2000; 2700 in
    # all. Ranked, the running total is 4800, 5000, 4700, 2700. The top 20% of four is one
    # customer, A: 4800 / 2700 of the total; B and E lose 2300; without them 5000 / 2700.
    whale = portfolio.contribution(review)
    assert (whale.customers, whale.total, whale.top_customers) == (4, 2700, 1)
    assert whale.top_share == pytest.approx(4800 / 2700)
    assert (whale.losing_customers, whale.losing_contribution) == (2, -2300)
    assert whale.peak_share == pytest.approx(5000 / 2700)
