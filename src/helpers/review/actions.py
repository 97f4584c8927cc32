"""The action plan: what the review asks someone to do, for whom, how much is at stake, and by
when (DOMAIN.md, "the process" and "before firing").

Each action is a row: the customer, its account owner, a code (``ACTIONS``, in the order the
page lists them), the money at stake (owed, revenue at risk, or extra revenue a year) and the
day it is due, with the figures its reason is worded from. The report words the codes
(``helpers.report.plan``); this module only decides.
"""

from __future__ import annotations

import pandas as pd

from helpers.review.cache import once_per_review
from helpers.review.model import Review
from helpers.review.strikes import STAGE_EXIT_DECISION, STAGE_REPAIR_PLAN

# What the review can ask for, in the order of the plan: money owed first, then the work to
# invoice, the answers missing, the customers in the three-strikes road map, and the prices.
ACTIONS = (
    "collect",
    "invoice_earlier",
    "invoice_work",
    "get_assessment",
    "repair_plan",
    "exit_decision",
    "raise_price",
    "headache_tax",
)
PRICE_TACTICS = {
    "price_increase": "raise_price",
    "quarterly_increase": "raise_price",
    "headache_tax": "headache_tax",
}
COLUMNS = ["customer_id", "name", "owner", "action", "amount", "due_on"]


@once_per_review
def action_plan(review: Review) -> pd.DataFrame:
    """Every action the review calls for, one row each, grouped in ``ACTIONS`` order and the
    largest sums first within a group.

    - ``collect``: a non-payer's unpaid past due, within ``action_days``;
    - ``invoice_earlier``: a small or micro late payer, its open balance, by the next review;
    - ``invoice_work``: hours logged since a regularly invoiced customer's last invoice, once
      its next invoice by its own cycle was due before the as-of date, at its own revenue per
      hour (or the median where it has none), within ``action_days``;
    - ``get_assessment``: a customer whose missing answers could change its band, its revenue
      a year at risk, by the next review;
    - ``repair_plan``: a customer with two strikes, a fire candidate to be given notice
      before its third, or a customer to keep whose time runs over what it pays for: its
      revenue a year at risk, by the next review;
    - ``exit_decision``: three strikes and not a customer to keep: what notice gives up a
      year, decided within ``action_days``;
    - ``raise_price`` / ``headache_tax``: the way out suggested, the extra revenue a year it
      brings, due when it takes effect.

    Columns: ``COLUMNS``, and ``stage``, ``strike_periods``, ``tactic``, ``why`` and the
    figures the reasons need (``past_due``, ``oldest``, ``avg_days_late``,
    ``hours_not_invoiced``, ``last_invoice``, ``next_invoice``, ``checklist_score``,
    ``checklist_unanswered``, ``rise_to_median``, ``quarterly_steps``, ``quarterly_until``,
    ``notice_ends``, ``hours_beyond``).
    """
    c = review.customers
    rules = review.settings.exit
    soon = pd.Timestamp(review.plan_from) + pd.Timedelta(days=rules.action_days)
    next_review = pd.Timestamp(review.next_review)
    median = review.median_revenue_per_hour
    tactics = review.exit_tactics()
    past_due = _past_due(review)
    # Without payment dates nobody can be judged a non-payer.
    non_payer = c.get("non_payer", pd.Series(False, c.index)).fillna(False).astype(bool)
    groups = []

    def add(action: str, who: pd.Index, amount: pd.Series, due_on, **details: object) -> None:
        rows = c.loc[who]
        groups.append(
            pd.DataFrame(
                {
                    "customer_id": who,
                    "name": rows["name"].to_numpy(),
                    "owner": rows["account_owner"].to_numpy(),
                    "action": action,
                    "amount": amount.reindex(who).astype("float64").to_numpy(),
                    "due_on": due_on.reindex(who).to_numpy()
                    if isinstance(due_on, pd.Series)
                    else due_on,
                    **{
                        k: v.reindex(who).to_numpy() if isinstance(v, pd.Series) else v
                        for k, v in details.items()
                    },
                }
            )
        )

    if review.has_payments:
        owing = c.index[non_payer]
        add("collect", owing, past_due, soon, past_due=past_due, oldest=c["oldest_unpaid_days"])
        small_late = c.index[c["payment_advice"].eq("late_small").fillna(False)]
        add(
            "invoice_earlier",
            small_late,
            c["open_balance"],
            next_review,
            avg_days_late=c["avg_days_late"],
            size_band=c["size_band"],
        )
    next_invoice = c["last_invoice"] + pd.to_timedelta(c["cycle_days"].round(), unit="D")
    overdue = (c["hours_not_invoiced"].fillna(0) > 0) & (
        next_invoice < pd.Timestamp(review.period.as_of)
    )
    rate = c["revenue_per_hour"].where(c["revenue_per_hour"] > 0, median)
    add(
        "invoice_work",
        c.index[overdue],
        c["hours_not_invoiced"] * rate,
        soon,
        hours_not_invoiced=c["hours_not_invoiced"],
        last_invoice=c["last_invoice"],
        next_invoice=next_invoice,
    )
    unplaced = c.index[c["band"].eq("needs_assessment")]
    add(
        "get_assessment",
        unplaced,
        c["annual_revenue"],
        next_review,
        checklist_score=c["checklist_score"],
        checklist_unanswered=c["checklist_unanswered"],
    )
    why = tactics["why"].reindex(c.index)
    tactic = tactics["tactic"].reindex(c.index)
    to_repair = (
        c["stage"].eq(STAGE_REPAIR_PLAN)
        | (
            c["band"].eq("fire_candidate")
            & tactic.eq("notice")
            & ~c["stage"].eq(STAGE_EXIT_DECISION)
        )
        | why.eq("keep_and_repair")
    ) & ~non_payer
    add(
        "repair_plan",
        c.index[to_repair],
        c["annual_revenue"],
        next_review,
        stage=c["stage"],
        strike_periods=c["strike_periods"],
        why=why,
        rise_to_median=tactics["rise_to_median"],
    )
    deciding = c.index[c["stage"].eq(STAGE_EXIT_DECISION) & ~c["band"].eq("keep")]
    add(
        "exit_decision",
        deciding,
        c["annual_revenue"],
        soon,
        strike_periods=c["strike_periods"],
        tactic=tactic,
        notice_ends=tactics["notice_ends"],
    )
    for action in ("raise_price", "headache_tax"):
        chosen = tactics.index[tactics["tactic"].map(PRICE_TACTICS).eq(action)]
        add(
            action,
            chosen,
            tactics["amount"],
            tactics["price_increase_from"],
            tactic=tactics["tactic"],
            why=tactics["why"],
            rise_to_median=tactics["rise_to_median"],
            quarterly_steps=tactics["quarterly_steps"],
            quarterly_until=tactics["quarterly_until"],
            hours_beyond=tactics["headache_tax_amount"] / median if median > 0 else float("nan"),
        )
    plan = pd.concat([g for g in groups if len(g)] or [pd.DataFrame(columns=COLUMNS)])
    plan["order"] = plan["action"].map({a: i for i, a in enumerate(ACTIONS)})
    plan = plan.sort_values(["order", "amount", "name"], ascending=[True, False, True])
    return plan.drop(columns="order").reset_index(drop=True)


def _past_due(review: Review) -> pd.Series:
    """Each reviewed customer's open invoices past due on the as-of date, summed."""
    open_ = review.open_invoices
    if open_.empty:
        return pd.Series(0.0, review.customers.index)
    overdue = open_[open_["days_past_due"] > 0]
    return (
        overdue.groupby("customer_id")["amount"]
        .sum()
        .reindex(review.customers.index, fill_value=0.0)
    )


def group_totals(plan: pd.DataFrame) -> pd.DataFrame:
    """Per action of ``plan`` (in ``ACTIONS`` order): how many customers, the money at stake in
    all, and the first day one is due."""
    grouped = plan.groupby("action", sort=False)
    totals = pd.DataFrame(
        {
            "customers": grouped["customer_id"].nunique(),
            "amount": grouped["amount"].sum(),
            "first_due": grouped["due_on"].min(),
        }
    )
    return totals.reindex([a for a in ACTIONS if a in totals.index])
