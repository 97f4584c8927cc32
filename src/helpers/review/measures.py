"""Per-customer measures: the period's revenue, time and revenue per hour, the headache
ranking, days late and aging of single invoices, future potential, contribution and the whale
curve. What the judgement aggregates over invoices and time entries is in
``helpers.review.queries``.

Every function takes typed frames and returns a new frame or series; none of them reads or
writes files. Money is in the export's currency, time in hours, delays in days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.io.periods import ReviewPeriod

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
NO_TIME_LOGGED = "no time logged"
NO_REVENUE = "hours but no revenue"
TIME_AND_REVENUE = "time and revenue"


def _by_customer(values: pd.Series, keys: pd.Series, customers: pd.Index) -> pd.Series:
    return values.groupby(keys).sum().reindex(customers, fill_value=0).astype("float64")


def activity(
    customers: pd.DataFrame,
    invoices: pd.DataFrame,
    time_entries: pd.DataFrame | None,
    period: ReviewPeriod,
) -> pd.DataFrame:
    """Revenue, invoice count, hours and revenue per hour of each customer in ``period``.

    Revenue is the sum of invoices *issued* in the period (credit notes, negative, reduce it).
    Hours are time entries dated in the period. ``revenue_per_hour`` is revenue / hours where
    hours > 0; where none were logged it is missing and ``time_status`` says "no time logged"
    (such a customer is not infinitely good, it is unmeasured). Hours with no revenue give a
    revenue per hour of 0: the worst case, not an error. ``time_status`` is missing when the
    export holds no time entries at all.
    """
    index = pd.Index(customers["customer_id"], name="customer_id")
    issued = invoices[period.contains(invoices["issued_on"])]
    result = pd.DataFrame(index=index)
    result["revenue"] = _by_customer(issued["amount"], issued["customer_id"], index)
    result["invoices"] = issued.groupby("customer_id").size().reindex(index, fill_value=0)
    if time_entries is None:
        result["hours"] = np.nan
        result["revenue_per_hour"] = np.nan
        result["time_status"] = pd.Series(pd.NA, index, dtype="string")
        return result
    logged = time_entries[period.contains(time_entries["date"])]
    result["hours"] = _by_customer(logged["hours"], logged["customer_id"], index)
    with_hours = result["hours"] > 0
    result["revenue_per_hour"] = (result["revenue"] / result["hours"]).where(with_hours)
    status = np.select(
        [with_hours & (result["revenue"] > 0), with_hours, result["revenue"] != 0],
        [TIME_AND_REVENUE, NO_REVENUE, NO_TIME_LOGGED],
        default=None,
    )
    result["time_status"] = pd.Series(status, index, dtype="string")
    return result


def headache_ranking(revenue_per_hour: pd.Series, share: float) -> pd.DataFrame:
    """Rank customers with time logged by revenue per hour, worst first, and flag the bottom share.

    ``rph_rank`` is 1 for the lowest revenue per hour; ties share the lower rank, so customers
    with the same value are all in or all out. ``rph_percentile`` is rank / number ranked (0..1].
    ``on_headache_list`` is true when the percentile is at most ``share``. Customers without a
    revenue per hour (no time logged) are not ranked and are not on the list.
    """
    if not 0 < share < 1:
        raise ValueError(f"headache share must be between 0 and 1, got {share}")
    ranked = revenue_per_hour.dropna()
    rank = ranked.rank(method="min", ascending=True)
    percentile = rank / len(ranked) if len(ranked) else rank
    result = pd.DataFrame(index=revenue_per_hour.index)
    result["rph_rank"] = rank.reindex(result.index).astype("Int64")
    result["rph_percentile"] = percentile.reindex(result.index)
    result["on_headache_list"] = (result["rph_percentile"] <= share).fillna(False).astype(bool)
    return result


def days_late(invoices: pd.DataFrame, as_of) -> pd.Series:
    """Days beyond the due date for each invoice, judged on ``as_of``.

    Paid (on or before ``as_of``): paid_on - due_on, negative when paid early. Unpaid and past
    due: as_of - due_on. Unpaid and not yet due: missing (it cannot be late yet). A payment
    dated after ``as_of`` was not known on ``as_of``, so the invoice counts as unpaid.
    """
    as_of = pd.Timestamp(as_of)
    paid = invoices["paid_on"].notna() & (invoices["paid_on"] <= as_of)
    overdue = ~paid & (invoices["due_on"] < as_of)
    late = pd.Series(np.nan, index=invoices.index)
    late[paid] = (invoices.loc[paid, "paid_on"] - invoices.loc[paid, "due_on"]).dt.days
    late[overdue] = (as_of - invoices.loc[overdue, "due_on"]).dt.days
    return late


def open_invoices(invoices: pd.DataFrame, as_of) -> pd.DataFrame:
    """Invoices issued on or before ``as_of`` and not paid by then, with ``days_past_due``.

    ``days_past_due`` is as_of - due_on (0 or negative while not yet due) and ``aging_bucket``
    one of ``AGING_BUCKETS``: current (not past due), 1-30, 31-60, 61-90, 90+ days past due.
    """
    as_of = pd.Timestamp(as_of)
    unpaid = invoices["paid_on"].isna() | (invoices["paid_on"] > as_of)
    open_ = invoices[unpaid & (invoices["issued_on"] <= as_of)].copy()
    open_["days_past_due"] = (as_of - open_["due_on"]).dt.days
    open_["aging_bucket"] = pd.cut(
        open_["days_past_due"],
        bins=[-np.inf, 0, 30, 60, 90, np.inf],
        labels=list(AGING_BUCKETS),
    )
    return open_


def aged_receivables(open_: pd.DataFrame, customers: pd.Index) -> pd.DataFrame:
    """Open balance per customer split into the aging buckets; the buckets add up to the total."""
    table = open_.pivot_table(
        index="customer_id",
        columns="aging_bucket",
        values="amount",
        aggfunc="sum",
        observed=False,
        fill_value=0.0,
    )
    table = table.reindex(index=customers, columns=list(AGING_BUCKETS), fill_value=0.0)
    table.columns = [str(c) for c in table.columns]
    table.columns.name = None
    return table.astype("float64")


def future_potential(annual: pd.Series, potential_annual_spend: pd.Series) -> pd.DataFrame:
    """Share of wallet (annual revenue / potential annual spend) and headroom (the gap).

    Missing where there is no positive estimate of the customer's potential spend. Headroom
    is never negative: a customer buying more than the estimate has none left.
    """
    estimate = potential_annual_spend.where(potential_annual_spend > 0)
    result = pd.DataFrame(index=annual.index)
    result["annual_revenue"] = annual
    result["share_of_wallet"] = annual / estimate
    result["headroom"] = (estimate - annual).clip(lower=0)
    return result


def contribution(revenue: pd.Series, hours: pd.Series, hourly_cost: float) -> pd.DataFrame:
    """Cost to serve (hours x hourly cost) and contribution (revenue - cost to serve).

    Missing hours (no time entries in the export) count as no cost: the contribution is then the
    revenue, and the report says that time could not be costed.
    """
    result = pd.DataFrame(index=revenue.index)
    result["cost_to_serve"] = hours.fillna(0) * hourly_cost
    result["contribution"] = revenue - result["cost_to_serve"]
    return result


def whale_curve(contribution: pd.Series) -> pd.DataFrame:
    """Customers ranked by contribution, most first, with the cumulative contribution.

    ``cumulative_share`` is the running total as a share of the total contribution: it rises
    above 1 while the profitable customers are added and falls back to exactly 1 as the
    loss-making ones take their share away, so the curve ends at the total. ``customer_share`` is
    the share of customers counted so far. Returns an empty frame for no customers.
    """
    ranked = contribution.sort_values(ascending=False, kind="stable")
    total = ranked.sum()
    curve = pd.DataFrame({"contribution": ranked})
    curve["rank"] = np.arange(1, len(ranked) + 1)
    curve["customer_share"] = curve["rank"] / len(ranked) if len(ranked) else curve["rank"]
    curve["cumulative_contribution"] = ranked.cumsum()
    curve["cumulative_share"] = curve["cumulative_contribution"] / total if total else np.nan
    return curve
