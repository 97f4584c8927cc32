"""The action plan of the tiny company's 2026-Q3 review (tests/support.py), worked out by hand.

As of 30 September 2026, made that day: actions that need no notice are due 14 days later (14
October), a price rise takes effect 30 days later (30 October), and the next quarterly review
looks again on 31 December.
"""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers.app.notebooks import review_from_parameters
from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.review.actions import ACTIONS, action_plan, group_totals
from helpers.review.model import build_review
from tests.support import tiny_review, tiny_settings


def test_the_tiny_company_s_plan(tiny_export: Path):
    plan = action_plan(tiny_review(tiny_export))
    rows = [
        (r.customer_id, r.action, round(r.amount, 2), pd.Timestamp(r.due_on).date())
        for r in plan.itertuples()
    ]
    assert rows == [
        # B owes B1 (500, 122 days past due) and B2 (400, 68 days): a non-payer, collect 900.
        ("B", "collect", 900.0, date(2026, 10, 14)),
        # C, a micro company, pays 16 days beyond terms on average (more than 15): invoice
        # earlier; it owes C1's 250 (paid only after the as-of date).
        ("C", "invoice_earlier", 250.0, date(2026, 12, 31)),
        # C and E have unanswered items that could change their band. C's 200 over the
        # quarter is 800 a year at risk, E's nothing.
        ("C", "get_assessment", 800.0, date(2026, 12, 31)),
        ("E", "get_assessment", 0.0, date(2026, 12, 31)),
        # E, on the headache list with 5 hours and no revenue, 61.3 hours a year at the median
        # 10/h (tests/review/test_model.py): a headache tax of 613.33 a year from 30 October.
        ("E", "headache_tax", 613.33, date(2026, 10, 30)),
    ]
    # B, a fire candidate with two strikes, is a non-payer: collecting comes first, and its way
    # out is notice, not a repair plan.
    assert "repair_plan" not in set(plan["action"])


def test_a_paying_fire_candidate_with_two_strikes_gets_a_repair_plan(tiny_export: Path):
    # B pays in full: it is no longer a non-payer, but still a fire candidate (2 of 7) with
    # strikes in 2026-Q2 and Q3: a repair plan, its 1,600 a year at risk, by the next review.
    invoices = tiny_export / "invoices.csv"
    text = invoices.read_text(encoding="utf-8")
    text = text.replace(
        "B1,B,2026-05-01,2026-05-31,,500", "B1,B,2026-05-01,2026-05-31,2026-05-31,500"
    )
    text = text.replace(
        "B2,B,2026-07-10,2026-07-24,,400", "B2,B,2026-07-10,2026-07-24,2026-07-24,400"
    )
    invoices.write_text(text, encoding="utf-8")
    plan = action_plan(tiny_review(tiny_export)).set_index(["customer_id", "action"])
    assert plan.loc[("B", "repair_plan"), "amount"] == pytest.approx(1600)
    assert plan.loc[("B", "repair_plan"), "strike_periods"] == "2026-Q2, 2026-Q3"
    assert ("B", "collect") not in plan.index


def test_the_plan_counts_from_the_day_the_review_is_made(tiny_export: Path):
    review = build_review(
        load_export(tiny_export),
        parse_period("2026-Q3"),
        tiny_settings(),
        made_on=date(2026, 12, 1),
    )
    due = action_plan(review).set_index(["customer_id", "action"])["due_on"]
    # 1 December + 14 days; + 30 days for a price; the fourth quarter's end for the rest.
    assert pd.Timestamp(due[("B", "collect")]).date() == date(2026, 12, 15)
    assert pd.Timestamp(due[("E", "headache_tax")]).date() == date(2026, 12, 31)
    assert pd.Timestamp(due[("C", "get_assessment")]).date() == date(2026, 12, 31)


def test_group_totals(tiny_export: Path):
    totals = group_totals(action_plan(tiny_review(tiny_export)))
    assert totals.index.tolist() == [
        a for a in ACTIONS if a in ("collect", "invoice_earlier", "get_assessment", "headache_tax")
    ]
    # Two assessments: 800 + 0, both due on 31 December.
    assert totals.loc["get_assessment", "customers"] == 2
    assert totals.loc["get_assessment", "amount"] == 800
    assert pd.Timestamp(totals.loc["get_assessment", "first_due"]).date() == date(2026, 12, 31)


def test_on_the_sample_the_plan_keeps_its_promises():
    # The sample company's 2026-Q3 review, made on 1 December 2026.
    review = review_from_parameters("data/sample", "2026-Q3", today=date(2026, 12, 1))
    tactics = review.exit_tactics()
    keep = tactics[tactics["band"] == "keep"]
    cap = review.settings.exit.keep_rise_cap
    # No customer to keep is told to leave, nor asked for more than the cap.
    assert len(keep) and (keep["tactic"] != "notice").all()
    assert (
        (1 + review.settings.exit.quarterly_increase) ** keep["quarterly_steps"].astype(float) - 1
        <= cap
    ).all()
    # Every way out suggested comes with its amount.
    assert tactics["amount"].notna().all()
    # With none of the freed hours sure to be sold again, an exit can need a plan first.
    assert set(review.exit_scenarios()["verdict"]) - {"affordable"}
    # Every action names its money and its day, none before the plan starts.
    plan = action_plan(review)
    assert plan["amount"].notna().all()
    assert (pd.to_datetime(plan["due_on"]) >= pd.Timestamp(review.plan_from)).all()
