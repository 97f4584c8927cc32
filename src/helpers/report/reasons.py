"""The reasons in words: why each customer has its score, and why a way out is suggested.

``reasons`` gives every reviewed customer one line built from what counts against it (the
score, then payment, the items the data answered no, the items an account owner answered no
and those unanswered); ``tactic_reason`` says why the way out the review suggests fits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.io.columns import records
from helpers.io.contract import CHECKLIST_FROM_DATA, CHECKLIST_ITEMS
from helpers.io.settings import ExitRules
from helpers.report.money import CurrencyDisplay
from helpers.report.words import (
    ASSESSED_NO,
    count,
    date,
    display,
    hours,
    item_labels,
    judgement_window,
    money,
    per_hour,
    share,
)
from helpers.review.exits import offered
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
    return pd.Series(
        [_reason(row, review, median, currency) for row in records(table)],
        index=c.index,
        dtype="string",
    )


def tactic_reason(row: dict, rules: ExitRules, currency: CurrencyDisplay) -> str:
    """Why the way out suggested for a customer fits, and why over the others, in words:
    ``row`` is its row of ``Review.exit_tactics()``."""
    tax, steps, score = row["rise_to_median"], row["quarterly_steps"], row["checklist_score"]
    rise = rules.quarterly_increase
    why = {
        "does_not_pay": lambda: (
            "does not pay: no price rise fixes unpaid invoices; collect what is owed "
            "and give notice"
        ),
        "time_already_pays": lambda: (
            "fire candidate whose time already pays the median rate: price is "
            "not the problem and no rise would help; end it honestly and help it find another "
            "supplier"
        ),
        "fair_price_within_reach": lambda: (
            f"fire candidate: a {share(tax)} rise with 30 days' notice "
            f"makes its time pay ({money(row['price_increase_amount'], currency)} a year) or it "
            "leaves; step-by-step rises would keep a customer the checklist says to let go"
        ),
        "no_fair_price": lambda: (
            f"fire candidate that would need {share(tax)} more: no fair price makes "
            "its time pay, so notice rather than a rise"
        ),
        "time_without_revenue": lambda: (
            f"took {hours(row['hours_a_year'])} hours a year and bought nothing in the "
            "judgement window: no price rise applies to nothing, so charge the time as a "
            "headache tax"
        ),
        "keep_and_repair": lambda: (
            f"a customer to keep ({score} of 7 yes): find out why its time runs "
            f"{share(tax)} over what its revenue pays for at the median rate and repair that "
            f"first; rises stop at {share(rules.keep_rise_cap)} (keep_rise_cap): "
            f"{count(int(steps), 'quarterly rise')} of {share(rise)}"
        ),
        "too_much_time": lambda: (
            f"{score} of 7 yes and {share(tax)} short of the median rate: small "
            f"enough (up to {share(rules.headache_tax_up_to)}) to charge the extra time as a "
            "headache tax at once, where rises would take quarters"
        ),
        "rise_step_by_step": lambda: (
            f"needs {share(tax)} more: too much for a headache tax at once (over "
            f"{share(rules.headache_tax_up_to)}), so {count(int(steps), 'quarterly rise')} of "
            f"{share(rise)} keep the customer while the margin climbs"
        ),
        "worth_keeping": lambda: (
            f"needs {share(tax)} more, beyond {rules.quarterly_steps_up_to} "
            f"quarterly rises; {score} of its {row['checklist_answered']} answers are yes, worth "
            "keeping: make the contract pay for the extra time rather than raise a price it would "
            "leave over"
        ),
        "too_much_to_rise_step_by_step": lambda: (
            f"needs {share(tax)} more, beyond "
            f"{rules.quarterly_steps_up_to} quarterly rises, and only {score} of its "
            f"{row['checklist_answered']} answers are yes: raise the price with 30 days' "
            "notice; it pays for the extra effort or leaves"
        ),
    }[row["why"]]()
    if row.get("adjust_compensation", False):
        why += "; adjust sales compensation for serving a customer who does not share our values"
    return why


NOT_OFFERED = "not for a customer to keep"


def priced_ways(row: dict, rules: ExitRules, currency: CurrencyDisplay, median: float) -> dict:
    """Each way out for a customer in money, in words, by tactic: what notice gives up, what a
    rise at once, the quarterly rises and the headache tax bring a year. ``row`` is its row of
    ``Review.exit_tactics()``; ``median`` the portfolio's median revenue per hour."""
    tax = row["rise_to_median"]
    notice = (
        f"gives up {money(row['notice_amount'], currency)} a year; service ends on "
        f"{date(row['notice_ends'])}"
    )
    if pd.isna(tax):
        rise = quarterly = "no price rise turns no revenue into the median rate"
    elif tax == 0:
        rise = quarterly = (
            f"none needed: its time already pays the median {per_hour(median, currency)}"
        )
    else:
        rise = (
            f"+{money(row['price_increase_amount'], currency)} a year: {share(tax)} more from "
            f"{date(row['price_increase_from'])}"
        )
        steps = int(row["quarterly_steps"])
        quarterly = (
            f"+{money(row['quarterly_increase_amount'], currency)} a year after "
            f"{count(steps, 'rise')} of {share(rules.quarterly_increase)}, the last on "
            f"{date(row['quarterly_until'])} ({money(row['quarterly_collected'], currency)} "
            "on the way)"
        )
        if row["band"] == "keep" and tax > rules.keep_rise_cap:
            quarterly += f", capped at {share(rules.keep_rise_cap)} for a customer to keep"
    extra = row["headache_tax_amount"]
    headache = (
        f"+{money(extra, currency)} a year: {hours(extra / median)} hours beyond what its "
        f"revenue pays for at the median {per_hour(median, currency)}"
        if extra > 0 and median > 0
        else "none needed"
    )
    ways = {
        "notice": notice,
        "price_increase": rise,
        "quarterly_increase": quarterly,
        "headache_tax": headache,
    }
    return {
        key: text if offered(row["band"], key, tax, rules) else NOT_OFFERED
        for key, text in ways.items()
    }
