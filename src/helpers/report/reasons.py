"""The reasons in words: why each customer has its score, and why a way out is suggested.

``reasons`` gives every reviewed customer one line built from what counts against it (the
score, then payment, the items the data answered no, the items an account owner answered no
and those unanswered); ``tactic_reason`` says why the way out the review suggests fits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.io.contract import CHECKLIST_FROM_DATA, CHECKLIST_ITEMS
from helpers.io.settings import ExitRules
from helpers.report.money import CurrencyDisplay
from helpers.report.words import (
    ASSESSED_NO,
    date,
    display,
    hours,
    item_labels,
    judgement_window,
    money,
    per_hour,
    share,
)
from helpers.review.model import Review

# What ``_reason`` reads of a customer's row; the payment columns are absent without payments.
_REASON_COLUMNS = (
    "checklist_score",
    "too_new",
    "tenure_start",
    "non_payer",
    "pays_by_assessment",
    "open_balance",
    "oldest_unpaid_days",
    "payment_advice",
    "avg_days_late",
    "revenue",
    "hours",
    "hours_not_invoiced",
    "last_invoice",
    "enough_time",
    "revenue_per_hour",
    "in_bottom_5pct",
    "on_headache_list",
    "quarters_bought",
    "quarters_available",
    "quarters_needed",
    "share_of_wallet",
)


def _reason(row: dict, review: Review, median: float, currency: CurrencyDisplay) -> str:
    """One customer's checklist result in words: the score, then what counts against it:
    payment, time, the items the data answered no (``row["<item> by data"]``), the items an
    account owner answered no and those unanswered (``row["by_owner"]``, ``row["unanswered"]``,
    in words already); first of all, when the customer is too new to judge, that."""
    parts = []
    if row.get("non_payer", False):
        owed = (
            f"{money(row['open_balance'], currency)} unpaid {row['oldest_unpaid_days']} days "
            "past due"
        )
        parts.append(
            f"owes {owed}, but its account owner says it pays"
            if row.get("pays_by_assessment", False)
            else f"does not pay: {owed}"
        )
    elif str(row.get("payment_advice", "")).startswith("late"):
        parts.append(f"pays {row['avg_days_late']:.0f} days late on average")
    # Work not invoiced yet is worth a word once it is as much as it takes to be ranked.
    if row.get("hours_not_invoiced", 0) >= max(review.settings.min_hours, 0.1):
        parts.append(
            f"{hours(row['hours_not_invoiced'])} hours not invoiced yet since the last invoice "
            f"on {date(row['last_invoice'])}"
        )
    took_time = row.get("hours", 0) > 0
    if took_time and not row.get("enough_time", True) and not row.get("too_new", False):
        parts.append(
            f"too little time logged to rank ({hours(row['hours'])} hours in "
            f"{judgement_window(review)})"
        )
    if row["service by data"]:
        rate = per_hour(row["revenue_per_hour"], currency)
        if row["revenue"] <= 0:
            parts.append(
                f"took {hours(row['hours'])} hours and bought nothing in {judgement_window(review)}"
            )
        elif row["in_bottom_5pct"]:
            parts.append(f"revenue per hour in the bottom 5% ({rate})")
        elif row["on_headache_list"]:
            parts.append(
                f"revenue per hour in the bottom {share(review.settings.headache_share)} ({rate})"
            )
        else:
            parts.append(f"revenue per hour {rate}, below the median {per_hour(median, currency)}")
    if row["repeat_business by data"]:
        window = review.settings.checklist.repeat_quarters_window
        if row["quarters_available"] < window:
            parts.append(
                f"bought in {row['quarters_bought']} of the {row['quarters_available']} quarters "
                f"since it became a customer ({row['quarters_needed']} needed)"
            )
        else:
            parts.append(f"bought in {row['quarters_bought']} of the last {window} quarters")
    if row["spend by data"]:
        parts.append(f"{share(row['share_of_wallet'])} share of wallet")
    if row["upsell by data"]:
        parts.append("little room to grow")
    if row["by_owner"]:
        parts.append(row["by_owner"])
    if row["unanswered"]:
        parts.append("unanswered: " + row["unanswered"])
    score = f"{row['checklist_score']} of 7: " + (", ".join(parts) or "no item answered no")
    if row.get("too_new", False):
        return f"too new to judge (customer since {date(row['tenure_start'])}); so far {score}"
    return score


def _listed(flags: pd.DataFrame, words: dict[str, str]) -> pd.Series:
    """Per row, the ``words`` of the columns of ``flags`` that are true, joined by commas in
    the columns' order; empty where none is."""
    text = pd.Series("", index=flags.index, dtype=object)
    for column, flagged in flags.items():
        text += np.where(flagged.to_numpy(bool), f"{words[column]}, ", "")
    return text.str.removesuffix(", ")


def _python_values(frame: pd.DataFrame) -> list[list]:
    """Each column of ``frame`` as a list of Python values, missing ones as ``pd.NA`` or NaN."""
    return [
        values.tolist() if values.dtype.kind in "fb" else values.astype(object).tolist()
        for _, values in frame.items()
    ]


def reasons(review: Review, ids: pd.Index | None = None) -> pd.Series:
    """A one-line reason per reviewed customer (or per customer of ``ids``), e.g. "3 of 7: pays
    74 days late on average, revenue per hour in the bottom 5% (€23/h), bought in 1 of the
    last 4 quarters"."""
    c = review.customers if ids is None else review.customers.loc[ids]
    median = review.median_revenue_per_hour
    currency, names = display(review.settings), item_labels(review.settings)
    items = list(CHECKLIST_ITEMS)
    said_no = c[items].eq(False).fillna(False).astype(bool)
    by_data = pd.DataFrame(
        {i: said_no[i] & c[f"{i}_source"].eq("data").fillna(False) for i in items}
    )
    table = c[[column for column in _REASON_COLUMNS if column in c]].assign(
        by_owner=_listed(said_no & ~by_data, ASSESSED_NO),
        unanswered=_listed(c[items].isna(), {i: names[i].lower() for i in items}),
        **{f"{i} by data": by_data[i] for i in CHECKLIST_FROM_DATA},
    )
    # Rows as dicts of Python values, built column by column (``to_dict`` boxes cell by cell).
    values = _python_values(table)
    rows = (dict(zip(table.columns, row, strict=True)) for row in zip(*values, strict=True))
    return pd.Series(
        [_reason(row, review, median, currency) for row in rows],
        index=c.index,
        dtype="string",
    )


def tactic_reason(row: dict, rules: ExitRules) -> str:
    """Why the way out suggested for a customer fits, in words: ``row`` is its row of
    ``Review.exit_tactics()`` with ``band`` and ``checklist_score``."""
    tax, steps = row["headache_tax"], row["quarterly_steps"]
    why = {
        "does_not_pay": "does not pay: stop work, collect what is owed and give notice",
        "time_already_pays": (
            "fire candidate whose time already pays: price is not the problem; end it "
            "honestly and help it find another supplier"
        ),
        "fair_price_within_reach": "fire candidate: a {tax:.0%} rise makes its time pay, or it "
        "leaves",
        "no_fair_price": "fire candidate, and no fair price would make its time pay: end it "
        "honestly",
        "time_without_revenue": "took the team's time and bought nothing in the judgement "
        "window: charge for the time",
        "too_much_time": "checklist {score} of 7 but too much time: make the contract pay for "
        "it ({tax:.0%} more)",
        "rise_step_by_step": "needs {tax:.0%} more to reach the median rate: {steps} quarterly "
        "rises keep the customer while the margin climbs",
        "too_much_to_rise_step_by_step": "needs {tax:.0%} more, too much to reach step by step: "
        "they pay for the extra effort or leave",
    }[row["why"]]
    text = why.format(tax=tax, steps=steps, score=row.get("checklist_score"))
    if row.get("adjust_compensation", False):
        text += "; adjust sales compensation for serving a customer who does not share our values"
    return text
