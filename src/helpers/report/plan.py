"""The action plan in words: "What to do now", first on the page, and ``actions.csv`` beside it.

Both are made from one list (``action_list``), so the page and the file hold the same rows:
who, the account owner, what to do, the money at stake and the day it is due, and why.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from helpers.io.columns import records
from helpers.report.results import write_spreadsheet_csv
from helpers.report.tables import table
from helpers.report.words import (
    TACTICS,
    count,
    date,
    days,
    display,
    hours,
    money,
    note,
    per_hour,
    share,
)
from helpers.review import portfolio
from helpers.review.actions import action_plan, group_totals
from helpers.review.cache import once_per_review
from helpers.review.model import Review

ACTION_LABELS = {
    "collect": "Collect from a non-payer",
    "invoice_earlier": "Invoice earlier",
    "invoice_work": "Invoice work not invoiced yet",
    "get_assessment": "Get the missing assessment",
    "repair_plan": "Start a repair plan",
    "exit_decision": "Take the exit decision",
    "raise_price": "Raise the price",
    "headache_tax": "Add a headache tax",
}
# What the money at stake is, by action.
AT_STAKE = {
    "collect": "owed, past due",
    "invoice_earlier": "owed",
    "invoice_work": "to invoice",
    "get_assessment": "revenue a year at risk",
    "repair_plan": "revenue a year at risk",
    "exit_decision": "revenue a year notice gives up",
    "raise_price": "extra revenue a year",
    "headache_tax": "extra revenue a year",
}
UNASSIGNED = "no account owner"
GROUP_ROWS_SHOWN = 5  # the largest of each kind of action; the rest behind "Show all"
NO_ACTIONS = (
    "This review calls for no action: no customer owes, waits for an assessment or a "
    "decision, or needs a price change."
)
CSV_COLUMNS = ["customer_id", "name", "action", "owner", "amount", "due_on", "reason"]


@once_per_review
def action_list(review: Review) -> pd.DataFrame:
    """The plan (``actions.action_plan``) with its actions and reasons in words:
    ``CSV_COLUMNS``, amounts in the export's currency to the cent, ``due_on`` as a date."""
    plan = action_plan(review)
    words = pd.DataFrame(
        {
            "customer_id": plan["customer_id"].astype("string"),
            "name": plan["name"].astype("string"),
            "action": plan["action"].map(ACTION_LABELS),
            "owner": plan["owner"].astype("string").fillna(UNASSIGNED),
            "amount": plan["amount"].round(2),
            "due_on": pd.to_datetime(plan["due_on"]).dt.date,
            "reason": [_reason(row, review) for row in records(plan)],
        }
    )
    return words[CSV_COLUMNS]


def write_actions(review: Review, path: str | Path) -> Path | None:
    """Write ``actions.csv`` (``action_list``) to ``path``; nothing when ``path`` is empty.
    UTF-8 with a byte-order mark for Excel, and text that a spreadsheet would run as a formula
    neutralised, as ``customer_scores.csv``."""
    return write_spreadsheet_csv(action_list(review), path)


def plan_sentences(review: Review) -> list[str]:
    """What the plan asks for, in a few sentences: how many actions for how many customers,
    counted from when, and the next review."""
    plan = action_plan(review)
    if plan.empty:
        return [NO_ACTIONS]
    return [
        f"This review calls for {count(len(plan), 'action')} for "
        f"{count(plan['customer_id'].nunique(), 'customer')}, counted from "
        f"{date(review.plan_from)}, the day the plan starts. Each names the account owner, the "
        "money at stake and the day it is due; the next review looks again on "
        f"{date(review.next_review)}. The same list is in actions.csv beside this page.",
    ]


def plan_summary_table(review: Review):
    """One row per kind of action: how many customers, the money at stake in all, and the
    first day one is due; ``None`` without actions."""
    plan = action_plan(review)
    if plan.empty:
        return None
    currency = display(review.settings)
    totals = group_totals(plan)
    frame = pd.DataFrame(
        {
            "Action": totals.index.map(ACTION_LABELS),
            "Customers": totals["customers"].to_numpy(),
            "At stake": [money(v, currency) for v in totals["amount"]],
            "What the sum is": totals.index.map(AT_STAKE),
            "First due": [date(d) for d in totals["first_due"]],
        }
    )
    return table(frame, rows=len(frame), numbers=("At stake",))


def group_tables(review: Review) -> list[tuple[str, object]]:
    """Per kind of action (in ``ACTIONS`` order): a line naming it with its count, sum and
    first due day, and its table, the largest sums first, its first ``GROUP_ROWS_SHOWN`` rows
    shown and the rest behind "Show all"."""
    actions = action_list(review)
    currency = display(review.settings)
    totals = group_totals(action_plan(review))
    groups = []
    for code, label in ACTION_LABELS.items():
        mine = actions[actions["action"] == label].set_index("customer_id")
        if mine.empty:
            continue
        total = totals.loc[code]
        heading = (
            f"{label}: {count(int(total['customers']), 'customer')}, "
            f"{money(total['amount'], currency)} {AT_STAKE[code]}, the first due on "
            f"{date(total['first_due'])}"
        )
        frame = pd.DataFrame(
            {
                "Customer": mine["name"],
                "Account owner": mine["owner"],
                "At stake": [money(v, currency) for v in mine["amount"]],
                "Due": [f"{pd.Timestamp(d):%-d %b %Y}" for d in mine["due_on"]],
                "Why": mine["reason"],
            }
        )
        shown = table(
            frame,
            rows=GROUP_ROWS_SHOWN,
            what="actions",
            numbers=("At stake",),
            all_in="actions.csv",
        )
        groups.append((heading, shown))
    return groups


def plan_tables(review: Review) -> HTML:
    """Every action, a table per kind under a line naming it (``group_tables``); a note when
    there is none."""
    groups = group_tables(review)
    if not groups:
        return note(NO_ACTIONS)
    return HTML(
        "".join(
            # One block per kind, so that paper keeps the line naming it with its first rows.
            f'<div class="plan-group-block"><p class="plan-group"><strong>'
            f"{html.escape(heading)}</strong></p>{shown.to_html()}</div>"
            for heading, shown in groups
        )
    )


def _reason(row: dict, review: Review) -> str:
    """Why the action, with its figures, in words."""
    currency = display(review.settings)
    rules = review.settings.exit
    median = per_hour(review.median_revenue_per_hour, currency)
    action = row["action"]
    if action == "collect":
        return (
            f"{money(row['past_due'], currency)} unpaid past due, the oldest "
            f"{days(row['oldest'])}: stop work and collect what is owed"
        )
    if action == "invoice_earlier":
        return (
            f"a {row['size_band']} company paying {days(row['avg_days_late'])} beyond terms on "
            "average: invoice earlier and more often"
        )
    if action == "invoice_work":
        return (
            f"{hours(row['hours_not_invoiced'])} hours logged since its last invoice on "
            f"{date(row['last_invoice'])}; by its own cycle the next was due on "
            f"{date(row['next_invoice'])}"
        )
    if action == "get_assessment":
        score, open_ = int(row["checklist_score"]), int(row["checklist_unanswered"])
        likely = (
            ": likely a fire candidate"
            if row["customer_id"] in portfolio.likely_fire_candidates(review)
            else ""
        )
        return f"{count(open_, 'item')} unanswered, {score} yes so far{likely}"
    if action == "repair_plan":
        if row["why"] == "keep_and_repair":
            return (
                f"a customer to keep whose time runs {share(row['rise_to_median'])} over what "
                f"its revenue pays for at the median {median}: find out why and repair it"
            )
        strikes = row["strike_periods"] or "none yet"
        return (
            f"strikes: {strikes}; say the problem out loud and agree what must change before "
            "a third strike brings the exit decision"
        )
    if action == "exit_decision":
        return (
            f"three strikes ({row['strike_periods']}): decide; notice given now would end "
            f"service on {date(row['notice_ends'])}; suggested way out: "
            f"{TACTICS[row['tactic']].lower()}"
        )
    if action == "raise_price" and row["tactic"] == "quarterly_increase":
        return (
            f"{count(int(row['quarterly_steps']), 'quarterly rise')} of "
            f"{share(rules.quarterly_increase)}, the last on {date(row['quarterly_until'])}"
            + (
                f", capped at {share(rules.keep_rise_cap)} for a customer to keep"
                if row["why"] == "keep_and_repair"
                else f", to reach the median {median}"
            )
        )
    if action == "raise_price":
        return (
            f"{share(row['rise_to_median'])} more, announced with "
            f"{rules.price_notice_days} days' notice, to reach the median {median}"
            + "; it pays for the extra effort or leaves"
        )
    if row["why"] == "time_without_revenue":
        return (
            f"{hours(row['hours_beyond'])} hours a year and no revenue: amend the contract so "
            f"the time is paid for, at the median {median}"
        )
    return (
        f"{hours(row['hours_beyond'])} hours a year beyond what its revenue pays for at the "
        f"median {median}: amend the contract"
    )
