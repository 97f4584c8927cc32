"""The headline figures of the tiny company's 2026-Q3 review and of the period before it
(tests/support.py), worked out by hand."""

from pathlib import Path

import pytest

from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.review.model import build_review
from helpers.review.strikes import FROM_THE_EXPORT, THIS_REVIEW
from tests.support import tiny_review, tiny_settings


def test_the_quarter_against_the_one_before(tiny_export: Path):
    review = tiny_review(tiny_export)
    now, before = review.figures, review.previous_figures
    assert (now.label, now.source) == ("2026-Q3", THIS_REVIEW)
    # Issued in Q3: A1 1000, A2 3000, A3 2000, B2 400, C1 250, C2 -50 = 6600. Hours: A 20,
    # B 40, E 5 = 65 (C's 3 hours are of 20 June).
    assert now.revenue == 6600 and now.hours == 65
    assert now.revenue_per_hour == pytest.approx(6600 / 65)
    # The headache list is E alone: 5 of the window's 65 hours, none of its revenue.
    assert now.headache_share_of_hours == pytest.approx(5 / 65)
    assert now.headache_share_of_revenue == 0
    assert now.fire_candidates == 1  # B
    # Open on 30 September: A3 2000, B1 500, B2 400, C1 250 (paid on 5 October).
    assert now.open_balance == 3150
    # Due in Q3 by 30 September: A1 45 days late on 1000, A2 early (0) on 3000, B2 68 days
    # unpaid on 400, C1 16 days (paid after the as-of date) on 250; the credit note left out.
    assert now.avg_days_late == pytest.approx((45 * 1000 + 68 * 400 + 16 * 250) / 4650)
    # 2026-Q2, never recorded: judged from the export as of 30 June. Issued: B1 500; hours: C's
    # 3. B is a fire candidate; C, the only customer with time in the window, is not on a
    # 40% headache list of one. Open: B1 500, 30 days past due, the only invoice due.
    assert (before.label, before.source) == ("2026-Q2", FROM_THE_EXPORT)
    assert before.revenue == 500 and before.hours == 3
    assert before.fire_candidates == 1
    assert before.headache_share_of_hours == 0
    assert before.open_balance == 500
    assert before.avg_days_late == 30


def test_a_period_judged_before_its_end_is_compared_with_the_same_days(tiny_export: Path):
    period = parse_period("2026-Q3", "2026-08-31")
    review = build_review(load_export(tiny_export), period, tiny_settings())
    now, before = review.figures, review.previous_figures
    # 1 July to 31 August: A1 1000, A2 3000, B2 400, C1 250; A 20 h and B 40 h.
    assert (now.label, now.revenue, now.hours) == ("2026-Q3 to 31 Aug", 4650, 60)
    # Against 1 April to 31 May: B1 500, no hours.
    assert (before.label, before.revenue, before.hours) == ("2026-Q2 to 31 May", 500, 0)
    assert before.as_of.isoformat() == "2026-05-31"
