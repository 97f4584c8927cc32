"""The action plan in words, on the page and in actions.csv (tests/review/test_actions.py
works out the tiny company's plan)."""

import csv
from pathlib import Path
from unittest import mock

import pandas as pd

from helpers.report import plan
from helpers.report.words import money
from helpers.review import model
from tests.support import cells, tiny_review


def test_actions_csv_and_the_page_hold_the_same_rows(tiny_export: Path, tmp_path: Path):
    review = tiny_review(tiny_export)
    path = plan.write_actions(review, tmp_path / "actions.csv")
    with path.open(encoding="utf-8-sig", newline="") as file:
        written = list(csv.DictReader(file))
    assert list(written[0]) == [
        "customer_id",
        "name",
        "action",
        "owner",
        "amount",
        "due_on",
        "reason",
    ]
    # The page's tables, one per kind of action, each under the line naming it.
    page = [
        [heading.split(":")[0], *row]
        for heading, shown in plan.group_tables(review)
        for row in cells(shown)
    ]
    assert len(page) == len(written) == 5
    for shown, row in zip(page, written, strict=True):
        assert shown == [
            row["action"],
            row["name"],
            row["owner"],
            money(float(row["amount"])),
            f"{pd.Timestamp(row['due_on']):%-d %b %Y}",
            row["reason"],
        ]
    assert written[0] == {
        "customer_id": "B",
        "name": "Beta & Sons",
        "action": "Collect from a non-payer",
        "owner": "no account owner",
        "amount": "900.0",
        "due_on": "2026-10-14",
        "reason": "€900 unpaid past due, the oldest 122 days: stop work and collect what is owed",
    }


def test_the_plan_in_words(tiny_export: Path):
    review = tiny_review(tiny_export)
    reasons = dict(
        ((r["customer_id"], r["action"]), r["reason"])
        for r in plan.action_list(review).to_dict("records")
    )
    assert reasons[("C", "Invoice earlier")] == (
        "a micro company paying 16 days beyond terms on average: invoice earlier and more often"
    )
    # C has 1 yes and 4 unanswered: below review_from (3) so far.
    assert reasons[("C", "Get the missing assessment")] == (
        "4 items unanswered, 1 yes so far: likely a fire candidate"
    )
    assert reasons[("E", "Add a headache tax")] == (
        "61.3 hours a year and no revenue: amend the contract so the time is paid for, at the "
        "median €10/h"
    )
    # Five actions for three customers; the totals by kind: 900 to collect, 250 owed, 800 at
    # risk, 613 a year from the headache tax.
    assert plan.plan_sentences(review)[0].startswith(
        "This review calls for 5 actions for 3 customers, counted from 30 September 2026"
    )
    assert cells(plan.plan_summary_table(review)) == [
        ["Collect from a non-payer", "1", "€900", "owed, past due", "14 October 2026"],
        ["Invoice earlier", "1", "€250", "owed", "31 December 2026"],
        ["Get the missing assessment", "2", "€800", "revenue a year at risk", "31 December 2026"],
        ["Add a headache tax", "1", "€613", "extra revenue a year", "30 October 2026"],
    ]
    assert [heading for heading, _ in plan.group_tables(review)][2] == (
        "Get the missing assessment: 2 customers, €800 revenue a year at risk, the first due "
        "on 31 December 2026"
    )


def test_the_export_s_text_is_escaped_and_neutralised(tiny_export: Path, tmp_path: Path):
    customers = tiny_export / "customers.csv"
    customers.write_text(
        customers.read_text(encoding="utf-8").replace("Beta & Sons", '=HYPERLINK("x")<b>'),
        encoding="utf-8",
    )
    review = tiny_review(tiny_export)
    assert "<b>" not in plan.plan_tables(review).data
    written = (plan.write_actions(review, tmp_path / "a.csv")).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in written


def test_the_portfolio_median_is_worked_out_once_for_the_whole_plan(tiny_export: Path):
    # Every action's reason compares the customer with the portfolio's median revenue per
    # hour. Worked out again for each action, the plan grew with the square of the customers
    # (133 s for 50,000); the review works it out once.
    review = tiny_review(tiny_export)
    with mock.patch(
        "helpers.review.model.median_revenue_per_hour", wraps=model.median_revenue_per_hour
    ) as median:
        actions = plan.action_list(review)
        plan.action_list(review)
    assert len(actions) > 1
    assert median.call_count == 1
