"""The assembled review of the tiny export (tests/conftest.py), band by band."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import ExportError, ParameterError
from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.io.settings import ReviewSettings
from helpers.review.model import build_review
from tests.support import tiny_settings


@pytest.fixture
def review(tiny_export: Path):
    return build_review(load_export(tiny_export), parse_period("2026-Q3"), tiny_settings())


def test_customers_without_activity_or_debt_are_left_out(review):
    # D bought nothing in Q3, logged no time and owes nothing.
    assert review.customers.index.tolist() == ["A", "B", "C", "E"]
    assert review.not_reviewed == 1


def test_bands_of_the_tiny_company(review):
    c = review.customers
    # A: repeat (3 quarters), spend (90% of wallet), service (300/h >= median 10/h), no
    #    up-sell (1000 headroom, no unbought line), three yes from the June assessment
    #    (October's "values: no" came after the as-of date) -> 6 of 7: keep.
    # B: repeat overridden to yes by its assessment, spend no (10%), service yes (10/h is the
    #    median of 300, 10 and 0), no up-sell (8100 headroom, one unbought line), three no
    #    -> 2 of 7: fire candidate.
    # C: no repeat (1 quarter), spend yes (100%), service unknown (no time logged), no
    #    up-sell, never assessed -> 1 yes of 3 answered, could reach 5: needs assessment.
    # E: repeat unknown (a customer since its first hour on 1 September: one quarter is too
    #    few to tell), spend unknown, service no (0/h), up-sell yes (both lines unbought),
    #    never assessed -> 1 yes of 2 answered, could reach 6: needs assessment.
    assert c["checklist_score"].tolist() == [6, 2, 1, 1]
    assert c["checklist_answered"].tolist() == [7, 7, 3, 2]
    assert c["band"].tolist() == ["keep", "fire_candidate", "needs_assessment", "needs_assessment"]


def test_headache_list_and_payment_advice(review):
    c = review.customers
    # Ranked by revenue per hour: E 0 (1/3), B 10 (2/3), A 300 (3/3); bottom 40% is E.
    assert c["on_headache_list"].tolist() == [False, False, False, True]
    # A large, 11.25 days on average: on time. B owes 500 for 122 days: non-payer.
    # C micro, 16 days late: invoice earlier. E: nothing was due.
    assert c["payment_advice"].tolist() == ["on_time", "non_payer", "late_small", "no_invoices_due"]


def test_invoices_due_carry_days_late_and_size(review):
    due = review.invoices_due.set_index("invoice_id")
    # Due in Q3: A1, A2, B2, C1, C2 (A3 is due in October, B1 was due in May).
    assert sorted(due.index) == ["A1", "A2", "B2", "C1", "C2"]
    assert due.loc["A1", "days_late"] == 45 and due.loc["A1", "size_band"] == "large"
    assert review.open_invoices["amount"].sum() == 2000 + 500 + 400 + 250


def test_without_payment_dates_or_time_the_review_still_builds(tiny_export: Path):
    invoices = pd.read_csv(tiny_export / "invoices.csv").drop(columns=["paid_on"])
    invoices.to_csv(tiny_export / "invoices.csv", index=False)
    (tiny_export / "time_entries.csv").unlink()
    review = build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings())
    assert not review.has_payments and not review.has_time
    assert "payment_advice" not in review.customers
    # Only customers invoiced in the twelve months to 30 September remain: A, B, C, and D
    # (D1, November 2025).
    assert review.customers.index.tolist() == ["A", "B", "C", "D"]
    assert review.customers["service"].isna().all()


def test_repeat_business_counts_only_the_quarters_the_export_covers(tiny_export: Path):
    export = load_export(tiny_export)
    # The export starts on 1 June 2025 (D0), in 2025-Q2. As of 30 September 2025 two of the
    # four quarters counted (2024-Q4 to 2025-Q3) are covered: D needs ceil(3 x 2 / 4) = 2 of
    # them and bought in one (June).
    review = build_review(export, parse_period("2025-Q3"), tiny_settings(judgement_months=12))
    assert review.customers.index.tolist() == ["D"]
    assert review.customers.loc["D", ["quarters_bought", "quarters_needed"]].tolist() == [1, 2]
    assert not review.customers.loc["D", "repeat_business"]
    # As of 30 June 2025 only 2025-Q2 is covered: too few quarters to tell.
    review = build_review(export, parse_period("2025-Q2"), tiny_settings(judgement_months=12))
    assert review.customers["repeat_business"].isna().all()


def test_contribution_of_the_tiny_company(review):
    c = review.customers
    # At 60 an hour: A 6000 - 1200, B 400 - 2400, C 200 (no time), E 0 - 300.
    assert c["contribution"].tolist() == [4800, -2000, 200, -300]
    assert not c["in_bottom_5pct"].any()  # E, the lowest, is at the 33rd percentile
    assert review.median_revenue_per_hour == 10  # of 300, 10 and 0


def test_exit_scenarios_of_the_tiny_company(tiny_export: Path):
    settings = tiny_settings(exit_ids=("A",))
    review = build_review(load_export(tiny_export), parse_period("2026-Q3"), settings)
    scenarios = review.exit_scenarios()
    # Fire candidates: B (400 revenue of 6600, 6.1%, with none of its 40 h sold again: more
    # than the 2% affordable). Headache list: E (no revenue, 5 h: nothing lost). Named: A,
    # 6000 of 6600 revenue, more than the 10% that never is.
    assert scenarios["customers"].tolist() == [1, 1, 1]
    assert scenarios["revenue_lost"].tolist() == [400, 0, 6000]
    assert scenarios["contribution_change"].tolist() == [2000, 300, -4800]
    assert scenarios["verdict"].tolist() == [
        "needs_replacement_plan",
        "affordable",
        "not_affordable",
    ]
    tactics = review.exit_tactics()
    # B is at the median (10/h): no rise needed; E brought no revenue.
    assert tactics.index.tolist() == ["B", "E"]
    assert tactics["rise_to_median"].tolist()[0] == 0
    assert tactics["tactic"].tolist() == ["notice", "headache_tax"]  # B does not pay
    # E took 5 h in the 30 days from its first hour on 1 September; at that pace the
    # three-month window's 92 days hold 5 x 92 / 30 h, and a year four windows: 61.3 h a
    # year, all beyond what no revenue pays for, at the median 10/h: 613.33.
    assert tactics.loc["E", "headache_tax_amount"] == pytest.approx(5 * 92 / 30 * 4 * 10)


def test_unknown_exit_ids_are_named_with_near_matches(tiny_export: Path):
    settings = ReviewSettings.from_parameters(exit_ids="Ax, B")
    with pytest.raises(ParameterError, match=r"'Ax' \(close: A\)"):
        build_review(load_export(tiny_export), parse_period("2026-Q3"), settings)


def test_moving_on_needs_recorded_decisions(tiny_export: Path):
    review = build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings())
    assert review.moving_on is None  # the tiny export records no decisions
    (tiny_export / "decisions.csv").write_text(
        "customer_id,decided_on,decision\nD,2026-01-01,Let_Go\n", encoding="utf-8"
    )
    review = build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings())
    # D's year before 1 Jan 2026 holds D0 (800, June 2025) and D1 (1200, November 2025).
    # Nothing since and no hours: 2000 x 273/365 given up, nothing freed.
    d = review.moving_on.loc["D"]
    assert d["name"] == "Delta GmbH"
    assert d["revenue_given_up"] == pytest.approx(2000 * 273 / 365)
    assert d["hours_freed"] == 0


def test_decisions_must_use_the_known_words(tiny_export: Path):
    (tiny_export / "decisions.csv").write_text(
        "customer_id,decided_on,decision\nD,2026-01-01,fired\n", encoding="utf-8"
    )
    with pytest.raises(
        ExportError, match=r"decisions.csv, row 2, column decision: 'fired' is not one of let_go"
    ):
        load_export(tiny_export)


def test_shares_of_hours_and_revenue(review):
    c = review.customers
    # Q3 hours: A 20, B 40, E 5 (C's 3 h were in June): 65. Revenue: A 1,000 + 3,000 + 2,000,
    # B 400, C 250 - 50, E 0: 6,600. A alone: 20/65 of the hours, 6,000/6,600 of revenue.
    hours, revenue = review.shares_of(c.loc[["A"]])
    assert hours == pytest.approx(20 / 65)
    assert revenue == pytest.approx(6000 / 6600)
    nobody_hours, nobody_revenue = review.shares_of(c.iloc[0:0])
    assert (nobody_hours, nobody_revenue) == (0.0, 0.0)


def test_shares_of_hours_are_unknown_without_time_entries(tiny_export: Path):
    (tiny_export / "time_entries.csv").unlink()
    review = build_review(load_export(tiny_export), parse_period("2026-Q3"), tiny_settings())
    hours, revenue = review.shares_of(review.customers.loc[["A"]])
    assert pd.isna(hours)
    assert revenue == pytest.approx(6000 / 6600)  # as above: revenue does not need time


def test_the_plan_counts_from_the_day_the_review_is_made(tiny_export: Path):
    export, settings = load_export(tiny_export), tiny_settings()
    # Made on its as-of date, 30 September: the next quarterly review looks again on 31
    # December.
    q3 = build_review(export, parse_period("2026-Q3"), settings)
    assert (q3.plan_from, q3.next_review) == (date(2026, 9, 30), date(2026, 12, 31))
    # Made on 1 December, after the quarter: the plan starts then, and the next review is
    # still the fourth quarter's.
    late = build_review(export, parse_period("2026-Q3"), settings, made_on=date(2026, 12, 1))
    assert (late.plan_from, late.next_review) == (date(2026, 12, 1), date(2026, 12, 31))
    assert late.exit_tactics()["notice_ends"].iloc[0] == pd.Timestamp("2027-03-01")
    # 2026-Q1 made on 1 December: Q2 and Q3 have passed, so the next review is Q4's.
    q1 = build_review(export, parse_period("2026-Q1"), settings, made_on=date(2026, 12, 1))
    assert q1.next_review == date(2026, 12, 31)
