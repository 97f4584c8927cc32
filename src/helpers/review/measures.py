"""Per-customer measures: the period's revenue per hour, the headache ranking, the aging of
open invoices, future potential, contribution and the whale curve. What is added up over
invoices and time entries, row by row, is in ``helpers.review.queries``.

Every function takes typed frames and returns a new frame or series; none of them reads or
writes files. Money is in the export's currency, time in hours, delays in days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
NO_TIME_LOGGED = "no time logged"
NO_REVENUE = "hours but no revenue"
TIME_AND_REVENUE = "time and revenue"


def activity(totals: pd.DataFrame, has_time: bool) -> pd.DataFrame:
    """Each customer's ``revenue``, ``invoices`` and ``hours`` in a period (``totals``, as
    ``queries.period_activity`` counts them), with revenue per hour and what time was logged.

    ``revenue_per_hour`` is revenue / hours where hours > 0; where none were logged it is
    missing and ``time_status`` says "no time logged" (such a customer is not infinitely good,
    it is unmeasured). Hours with no revenue give a revenue per hour of 0: the worst case, not
    an error. Without time entries in the export (``has_time`` false) hours, revenue per hour
    and ``time_status`` are missing.
    """
    result = pd.DataFrame(index=totals.index)
    result["revenue"] = totals["revenue"].astype("float64")
    result["invoices"] = totals["invoices"].astype("int64")
    if not has_time:
        result["hours"] = np.nan
        result["revenue_per_hour"] = np.nan
        result["time_status"] = pd.Series(pd.NA, totals.index, dtype="string")
        return result
    result["hours"] = totals["hours"].astype("float64")
    with_hours = result["hours"] > 0
    result["revenue_per_hour"] = (result["revenue"] / result["hours"]).where(with_hours)
    status = np.select(
        [with_hours & (result["revenue"] > 0), with_hours, result["revenue"] != 0],
        [TIME_AND_REVENUE, NO_REVENUE, NO_TIME_LOGGED],
        default=None,
    )
    result["time_status"] = pd.Series(status, totals.index, dtype="string")
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


def aging_bucket(days_past_due: pd.Series) -> pd.Series:
    """The aging bucket of each open invoice's ``days_past_due``, one of ``AGING_BUCKETS``:
    current (not past due), 1-30, 31-60, 61-90, 90+ days past due."""
    return pd.cut(days_past_due, bins=[-np.inf, 0, 30, 60, 90, np.inf], labels=list(AGING_BUCKETS))


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
