"""What to do about a customer: advice that follows from the measures and the domain's rules.

Each piece of advice is a code (``payment_advice``'s keys, the ways out of ``exit_tactics`` and
the reason for the one suggested) with the numbers behind it; the report puts them into words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.io.columns import records
from helpers.io.contract import EXIT_DECISIONS
from helpers.io.engine import ExportTables
from helpers.io.settings import ExitRules
from helpers.review import queries

# Payment advice, by company size (DOMAIN.md, question 3): who needs action first.
PAYMENT_ADVICE = (
    "non_payer",
    "late_small",
    "late_medium",
    "late_unknown_size",
    "late_large",
    "on_time",
    "no_invoices_due",
)
# The ways out of the practice, softest last; sales compensation goes with any of them.
TACTICS = ("notice", "price_increase", "quarterly_increase", "headache_tax")


def payment_advice(
    payment: pd.DataFrame, size_band: pd.Series, late_payer_days: float
) -> pd.Series:
    """The payment advice (one of ``PAYMENT_ADVICE``) for each customer, read by company size.

    A non-payer comes first, whatever its size. A late payer pays on average more than
    ``late_payer_days`` days beyond terms; large companies do so by policy, small and micro
    ones usually because they are invoiced too late or too rarely.
    """
    late = payment["avg_days_late"] > late_payer_days
    size = size_band.reindex(payment.index)
    key = np.select(
        [
            payment["non_payer"],
            late & (size == "large"),
            late & size.isin(["small", "micro"]),
            late & (size == "medium"),
            late,
            payment["avg_days_late"].notna(),
        ],
        ["non_payer", "late_large", "late_small", "late_medium", "late_unknown_size", "on_time"],
        default="no_invoices_due",
    )
    return pd.Series(key, index=payment.index, dtype="string")


VERDICTS = ("affordable", "needs_replacement_plan", "not_affordable")


def top_share(revenue: pd.Series, top: int) -> float:
    """Share of total revenue brought by the ``top`` largest customers."""
    total = revenue.sum()
    return float(revenue.nlargest(top).sum() / total) if total else float("nan")


def exit_impact(
    customers: pd.DataFrame, leaving: pd.Index, median_rph: float, rules: ExitRules
) -> dict[str, object]:
    """What letting the customers in ``leaving`` go would do, over the judgement window.

    ``customers`` needs revenue, hours and contribution. The freed hours earn revenue again
    only if the company can sell them again: ``resold_share`` of them (0 by default: none, the
    conservative reading) at the portfolio's median revenue per hour. ``earn_back`` and
    ``net_loss`` are at that share, ``earn_back_all`` and ``net_loss_all_resold`` with every
    freed hour sold again, the other end of the range. The verdict (one of ``VERDICTS``) is on
    the conservative end: ``not_affordable`` when the revenue lost exceeds ``max_loss_share``
    of the total, whatever the hours; ``affordable`` when the net loss is at most
    ``affordable_loss_share``; else ``needs_replacement_plan``. Concentration is the top
    customers' revenue share before and after.
    """
    leaving = customers.index.intersection(leaving)
    gone, staying = customers.loc[leaving], customers.drop(index=leaving)
    revenue, hours = customers["revenue"].sum(), customers["hours"].fillna(0).sum()
    lost, freed = gone["revenue"].sum(), gone["hours"].fillna(0).sum()
    earn_back_all = freed * median_rph if pd.notna(median_rph) else 0.0
    earn_back = earn_back_all * rules.resold_share
    net_loss = max(lost - earn_back, 0.0)
    lost_share = lost / revenue if revenue else float("nan")
    net_share = net_loss / revenue if revenue else float("nan")
    if lost_share > rules.max_loss_share:
        verdict = "not_affordable"
    elif net_share <= rules.affordable_loss_share:
        verdict = "affordable"
    else:
        verdict = "needs_replacement_plan"
    return {
        "customers": len(leaving),
        "revenue_lost": lost,
        "revenue_share": lost_share,
        "hours_freed": freed,
        "hours_share": freed / hours if hours else float("nan"),
        "contribution_change": -gone["contribution"].sum(),
        "earn_back": earn_back,
        "net_loss": net_loss,
        "net_loss_share": net_share,
        "earn_back_all": earn_back_all,
        "net_loss_all_resold": max(lost - earn_back_all, 0.0),
        "top_share_before": top_share(customers["revenue"], rules.concentration_top),
        "top_share_after": top_share(staying["revenue"], rules.concentration_top),
        "verdict": verdict,
    }


def way_out_dates(plan_from, rules: ExitRules) -> tuple[pd.Timestamp, pd.Timestamp]:
    """When the ways out take effect, counted from ``plan_from`` (the day the plan starts):
    the day notice given then ends service (``notice_months`` later), and the day a price rise
    announced then takes effect (``price_notice_days`` later; quarterly rises start then)."""
    plan_from = pd.Timestamp(plan_from)
    return (
        plan_from + pd.DateOffset(months=rules.notice_months),
        plan_from + pd.Timedelta(days=rules.price_notice_days),
    )


def rise_to_median(revenue_per_hour: pd.Series, median_rph: float) -> pd.Series:
    """The price increase (a fraction) that brings each customer's revenue per hour up to the
    portfolio median: median / rate - 1, and 0 at or above it. Missing where the rate is 0
    or unknown: no price rise turns no revenue, or untracked time, into the median."""
    rate = revenue_per_hour.where(revenue_per_hour > 0)
    return (median_rph / rate - 1).clip(lower=0)


def quarterly_steps(increase: pd.Series, step: float) -> pd.Series:
    """How many rises of ``step`` (0.10 for 10%), compounded, reach each ``increase``."""
    steps = np.ceil(np.log1p(increase) / np.log1p(step) - 1e-9)
    return steps.where(increase.notna()).astype("Int64")


def steps_within(cap: float, step: float) -> int:
    """How many rises of ``step``, compounded, stay within a rise of ``cap`` in all."""
    return int(np.floor(np.log1p(cap) / np.log1p(step) + 1e-9))


def climb(revenue_a_year: pd.Series, steps: pd.Series, step: float) -> tuple[pd.Series, pd.Series]:
    """What ``steps`` quarterly rises of ``step`` bring on ``revenue_a_year``: the extra revenue
    a year once the last has taken effect, (1 + step)^n - 1 of it, and the extra collected on
    the way, over the n quarters of the climb (quarter k is billed k rises up)."""
    n = steps.astype("float64")
    after = revenue_a_year * ((1 + step) ** n - 1)
    # Sum over k = 1..n of (1 + step)^k - 1 = (1 + step)((1 + step)^n - 1) / step - n.
    collected = revenue_a_year / 4 * ((1 + step) * ((1 + step) ** n - 1) / step - n)
    return after.where(n > 0, 0.0), collected.where(n > 0, 0.0)


def exit_tactics(
    candidates: pd.DataFrame, median_rph: float, plan_from, rules: ExitRules
) -> pd.DataFrame:
    """Every way out, priced in money a year, for each customer in ``candidates``; the one
    suggested (``tactic``) and why (``why``, a code); and whether sales compensation needs
    adjusting.

    ``candidates`` needs revenue_per_hour, band, non_payer, checklist_score,
    checklist_answered and values_aligned, and a year's worth at the pace of the judgement
    window: ``revenue_a_year`` (all it was invoiced), ``judged_revenue_a_year`` (what its
    revenue per hour is judged on) and ``hours_a_year``. The prices:

    - ``price_increase_amount``: the rise to the median rate at once (``rise_to_median``, a
      fraction) on the revenue judged, a year;
    - ``quarterly_increase_amount`` a year once ``quarterly_steps`` rises of ``quarterly_increase``
      have reached the median rate (the last one on ``quarterly_until``), and
      ``quarterly_collected`` on the way;
    - ``headache_tax_amount``: the hours a year beyond what the revenue pays for at the median
      rate, times that rate;
    - ``notice_amount``: the revenue a year that notice gives up.

    Dates count from ``plan_from``: notice ends ``notice_months`` later; a price rise takes
    effect ``price_notice_days`` later; quarterly rises start then and follow every three
    months. A customer to keep is never given notice, nor a rise above ``keep_rise_cap``: its
    quarterly rises stop there.
    """
    notice_ends, first = way_out_dates(plan_from, rules)
    result = pd.DataFrame(index=candidates.index)
    result["notice_ends"] = notice_ends
    tax = rise_to_median(candidates["revenue_per_hour"], median_rph)
    result["rise_to_median"] = tax
    result["price_increase_from"] = first
    paid = candidates["judged_revenue_a_year"]
    steps = quarterly_steps(tax, rules.quarterly_increase)
    keep = candidates["band"].eq("keep")
    capped = steps_within(rules.keep_rise_cap, rules.quarterly_increase)
    steps = steps.where((~keep | (steps <= capped)).fillna(False), capped).astype("Int64")
    result["quarterly_steps"] = steps
    result["quarterly_until"] = [
        first + pd.DateOffset(months=3 * (int(n) - 1)) if pd.notna(n) and n > 0 else pd.NaT
        for n in steps
    ]
    result["price_increase_amount"] = tax * paid
    after, collected = climb(paid, steps.fillna(0), rules.quarterly_increase)
    result["quarterly_increase_amount"] = after.where(steps.notna())
    result["quarterly_collected"] = collected.where(steps.notna())
    worth = candidates["hours_a_year"] * median_rph if pd.notna(median_rph) else np.nan
    result["headache_tax_amount"] = (worth - paid).clip(lower=0)
    result["notice_amount"] = candidates["revenue_a_year"]
    rows = records(candidates.assign(tax=tax, steps=steps))
    suggested = [_suggest(row, rules) for row in rows]
    result["tactic"] = [key for key, _ in suggested]
    result["why"] = [why for _, why in suggested]
    result["amount"] = np.nan
    for key in result["tactic"].unique():
        chosen = result["tactic"] == key
        result.loc[chosen, "amount"] = result.loc[chosen, f"{key}_amount"]
    # Serving a customer who does not share our values wears the team down, whatever the way
    # out: sales compensation is adjusted for it.
    values = candidates.get("values_aligned", pd.Series(pd.NA, candidates.index)).astype("boolean")
    result["adjust_compensation"] = values.eq(False).fillna(False).astype(bool)
    return result


def offered(band: str, tactic: str, rise: float, rules: ExitRules) -> bool:
    """Whether the way out ``tactic`` may be put to a customer of ``band`` who needs ``rise``
    (a fraction) to reach the median rate: a customer to keep is never given notice, nor asked
    at once for more than ``keep_rise_cap`` (its quarterly rises stop there)."""
    if band != "keep" or tactic == "quarterly_increase":
        return True
    return tactic != "notice" and bool(rise <= rules.keep_rise_cap)


def _suggest(row: dict, rules: ExitRules) -> tuple[str, str]:
    """The way out that fits the customer's band and numbers, and why (a code the report
    words, naming the ways it was chosen over).

    A non-payer (unless kept by an assessment) and a fire candidate whose time already pays,
    or could not pay at a fair price, get notice; a fire candidate within a fair rise gets the
    rise with 30 days' notice. Every other customer is kept and made to pay for its time:
    time without revenue by a headache tax; a customer to keep by quarterly rises up to
    ``keep_rise_cap``, its time repaired first; a small gap by a headache tax at once; a gap
    that quarterly rises close within ``quarterly_steps_up_to`` by those; a larger one by a
    headache tax when more of its checklist answers are yes than no (worth keeping), else by a
    price rise it pays or leaves over."""
    tax, band = row["tax"], row["band"]
    if row.get("non_payer", False) and band != "keep":
        return "notice", "does_not_pay"
    if band == "fire_candidate":
        if tax == 0:
            return "notice", "time_already_pays"
        if pd.notna(tax) and tax <= rules.price_rise_up_to:
            return "price_increase", "fair_price_within_reach"
        return "notice", "no_fair_price"
    if band == "keep" and not tax <= rules.keep_rise_cap:
        return "quarterly_increase", "keep_and_repair"
    if pd.isna(tax):
        return "headache_tax", "time_without_revenue"
    if tax <= rules.headache_tax_up_to:
        return "headache_tax", "too_much_time"
    if row["steps"] <= rules.quarterly_steps_up_to:
        return "quarterly_increase", "rise_step_by_step"
    if 2 * row["checklist_score"] > row["checklist_answered"]:
        return "headache_tax", "worth_keeping"
    return "price_increase", "too_much_to_rise_step_by_step"


def moving_on(
    decisions: pd.DataFrame, tables: ExportTables, as_of, median_rph: float
) -> pd.DataFrame:
    """For each customer let go (``EXIT_DECISIONS``, decided on or before ``as_of``): the
    revenue given up and the hours freed since the decision, against what the year before it
    would have brought in that time. ``tables``: the export's, whose invoices and time entries
    are added up (``queries.before_and_since``).

    The year before the decision sets the pace: at that pace, the days since the decision
    would have brought ``revenue_per_year_before`` x days / 365; what the customer still paid
    since (during its notice, say) is subtracted, and likewise for hours. The freed hours are
    valued at the portfolio's median revenue per hour. One row per customer, latest decision.
    Without time entries no hours are counted.
    """
    as_of = pd.Timestamp(as_of)
    exits = decisions[
        decisions["decision"].isin(EXIT_DECISIONS) & (decisions["decided_on"] <= as_of)
    ]
    exits = exits.sort_values("decided_on").drop_duplicates("customer_id", keep="last")
    exits = exits.set_index("customer_id")
    exits["decided_on"] = exits["decided_on"].astype("datetime64[s]")
    weighed = pd.DataFrame(
        {
            "customer_id": exits.index.astype(str),
            "decided_on": exits["decided_on"].to_numpy(),
            "year_before": (exits["decided_on"] - pd.DateOffset(years=1)).to_numpy(),
            "as_of": as_of,
        }
    ).astype(dict.fromkeys(("decided_on", "year_before", "as_of"), "datetime64[us]"))
    sums = tables.run_over(
        queries.EXITS, weighed, lambda weighed: queries.before_and_since(tables, weighed)
    ).set_index("customer_id")
    sums = sums.reindex(exits.index.astype(str)).set_axis(exits.index).fillna(0.0)
    revenue_before, revenue_since = sums["revenue_before"], sums["revenue_since"]
    hours_before = sums.get("hours_before", pd.Series(0.0, exits.index))
    hours_since = sums.get("hours_since", pd.Series(0.0, exits.index))
    days_since = (as_of - exits["decided_on"]).dt.days + 1
    pace = days_since / 365
    freed = (hours_before * pace - hours_since).clip(lower=0.0)
    return pd.DataFrame(
        {
            "decided_on": exits["decided_on"],
            "decision": exits["decision"],
            "days_since": days_since.astype("int64"),
            "revenue_per_year_before": revenue_before.astype("float64"),
            "hours_per_year_before": hours_before.astype("float64"),
            "revenue_since": revenue_since.astype("float64"),
            "hours_since": hours_since.astype("float64"),
            "revenue_given_up": (revenue_before * pace - revenue_since).clip(lower=0.0),
            "hours_freed": freed,
            "freed_hours_worth": freed * median_rph if pd.notna(median_rph) else np.nan,
        },
        index=exits.index,
    )
