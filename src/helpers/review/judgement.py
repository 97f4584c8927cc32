"""The judgement of every customer as of one day: the measures over the judgement window, the
headache list, the checklist and the band.

A judgement depends on the export, the as-of date and the settings alone, not on the period a
report covers, so a month's, a quarter's and a year's review made as of the same day judge
every customer alike; and it can be made again as of an earlier quarter's end, which is how
strikes are counted from the export itself (``helpers.review.strikes``).

Per customer, over its judged days (the judgement window, or its tenure when shorter):
revenue (credit notes included), hours, and the hours not invoiced yet of a customer invoiced on
a regular cycle; revenue per hour from the revenue that is not overdue past ``non_payer_days``
and the hours less those not invoiced yet; the headache list among the customers who can be
ranked (not too new, and with at least ``min_hours`` to rank); contribution; payment as of the
as-of date over the invoices due in the judged days; yearly revenue pro-rated from the judged
days, against the customer's wallet; repeat business over the quarters it could have bought in.
A customer that does not pay is a fire candidate unless its account owner vouches that it pays;
one younger than ``min_tenure_months`` is too new to judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from helpers.io.export import Export
from helpers.io.settings import ReviewSettings
from helpers.review import measures, queries
from helpers.review.evidence import Window, judgement_window, per_year
from helpers.review.exits import payment_advice
from helpers.review.scoring import checklist, data_answers, latest_assessment

# The domain's range for the headache list is the bottom 5% to 10%: the list uses the parameter
# (10% by default) and the report marks the customers in the bottom 5% as well.
HEADACHE_CORE_SHARE = 0.05
TOO_NEW = "too_new"
FEWEST_QUARTERS = 2  # fewer quarters of tenure than this: repeat business cannot be told


def judge(
    export: Export, as_of: date, settings: ReviewSettings, found: Findings | None = None
) -> pd.DataFrame:
    """Every customer of ``export`` judged as of ``as_of``, one row each (indexed by
    ``customer_id``, the export's columns first). ``active`` says whether the customer did
    anything in the judgement window (revenue, time) or owes anything on ``as_of``: the
    customers a review reviews.

    ``found``: the ``findings`` of the same export, day and ``findings_key(settings)``, when
    the caller kept them, as a what-if does between two moves of a slider."""
    if found is None:
        found = findings(export, as_of, settings)
    elif found.key != (as_of, findings_key(settings)):
        raise ValueError("the findings were made as of another day or with other settings")
    table = found.table
    ranking = measures.headache_ranking(
        table["revenue_per_hour"].where(table["ranked"]), settings.headache_share
    )
    table = table.join(ranking)
    table["in_bottom_5pct"] = (table["rph_percentile"] <= HEADACHE_CORE_SHARE).fillna(False)
    table = table.join(
        measures.contribution(table["revenue"], table["hours"], settings.hourly_cost)
    )
    table = table.join(found.facts)

    judged = table[table["active"]]
    answers = data_answers(
        judged.assign(revenue_per_hour=judged["revenue_per_hour"].where(judged["ranked"])),
        found.lines_sold,
        found.median_revenue_per_hour,
        settings.checklist,
    )
    scored = checklist(answers, found.assessment, settings.checklist)
    table = table.join(scored)
    for count in ("checklist_score", "checklist_answered", "checklist_unanswered"):
        table[count] = table[count].astype("Int64")  # missing for those not reviewed
    table["pays_by_assessment"] = _vouched(found.assessment, table.index)
    table["band_by_score"] = table["band"]
    if "non_payer" in table:
        does_not_pay = table["non_payer"] & ~table["pays_by_assessment"]
        table.loc[does_not_pay & table["active"], "band"] = "fire_candidate"
    table.loc[table["too_new"] & table["active"], "band"] = TOO_NEW
    return table


@dataclass(frozen=True)
class Findings:
    """What a judgement finds in the export before it ranks, costs and scores: the part that
    the headache share, the hourly cost and the checklist's lines leave unchanged, so that a
    what-if moving only those finds it once.

    ``table``: the export's customers with their evidence, their activity over the judged days
    and ``ranked``; ``facts``: payment, future potential, repeat business, the product lines
    bought and ``active``; the number of product lines sold, the median revenue per hour of
    the active customers ranked, and the latest assessment of each customer."""

    key: tuple[object, ...]
    table: pd.DataFrame
    facts: pd.DataFrame
    lines_sold: int
    median_revenue_per_hour: float
    assessment: pd.DataFrame


def findings_key(settings: ReviewSettings) -> tuple[object, ...]:
    """The settings that ``findings`` depend on: two settings with the same key find the same."""
    rules = settings.checklist
    return (
        settings.judgement_months,
        settings.min_tenure_months,
        settings.min_hours,
        settings.non_payer_days,
        settings.late_payer_days,
        rules.repeat_quarters_window,
        rules.repeat_quarters_needed,
    )


def findings(
    export: Export,
    as_of: date,
    settings: ReviewSettings,
    aggregated: pd.DataFrame | None = None,
) -> Findings:
    """The ``Findings`` of every customer of ``export`` as of ``as_of``: the per-customer
    aggregates of its invoices and time entries come from one query
    (``helpers.review.queries``), the rest is worked out per customer. ``aggregated``:
    ``aggregates`` already made for several days with the same settings, ``as_of`` among
    them."""
    customers = export.customers.set_index("customer_id")
    ids = customers.index
    window = judgement_window(as_of, settings.judgement_months)
    if aggregated is None:
        aggregated = aggregates(export, [as_of], settings)
    found = aggregated.xs(pd.Timestamp(as_of), level="as_of").reindex(ids)
    table = customers.copy()
    table = table.join(_evidence(found, window, settings))
    table = table.join(_window_activity(export, found, settings))
    table["ranked"] = table["enough_time"] & ~table["too_new"]
    facts = pd.DataFrame(index=ids)
    has_payments = export.has("invoices", "paid_on")
    if has_payments:
        paid = _payment(found)
        facts = facts.join(paid)
        facts["payment_advice"] = payment_advice(
            paid, customers["size_band"], settings.late_payer_days
        )
    facts = facts.join(_future_potential(table, customers["potential_annual_spend"], window))
    facts = facts.join(_repeat_business(table, found, as_of, settings))
    lines_sold = int(found["lines_sold"].max()) if found["lines_sold"].notna().any() else 0
    facts["product_lines_bought"] = (
        found["lines_bought"].fillna(0).astype("Int64")
        if lines_sold
        else pd.Series(pd.NA, ids, dtype="Int64")
    )
    facts["active"] = (table["revenue"] != 0) | (table["hours"].fillna(0) > 0)
    if has_payments:
        facts["active"] |= facts["open_balance"] > 0
    judged = table[facts["active"]]
    return Findings(
        key=(as_of, findings_key(settings)),
        table=table,
        facts=facts,
        lines_sold=lines_sold,
        median_revenue_per_hour=median_revenue_per_hour(judged),
        assessment=latest_assessment(export.assessments, as_of),
    )


def aggregates(export: Export, days: list[date], settings: ReviewSettings) -> pd.DataFrame:
    """``queries.judged``'s rows for ``days``, indexed by customer and day (``as_of``)."""
    rows = queries.judged_rows(export.tables, queries.judgement_days(days, settings))
    return rows.set_index(list(queries.KEYS))


def median_revenue_per_hour(judged: pd.DataFrame) -> float:
    """The portfolio's median revenue per hour: over the customers ranked."""
    return float(judged["revenue_per_hour"].where(judged["ranked"]).median())


def _evidence(found: pd.DataFrame, window: Window, settings: ReviewSettings) -> pd.DataFrame:
    """Per customer: ``tenure_start``, ``judged_from`` (the later of the window's start and the
    tenure's) and ``judged_days``, ``too_new``, and how it is invoiced (``last_invoice``,
    ``cycle_days``, ``regular``). ``found``: the customers' ``aggregates``."""
    result = pd.DataFrame(index=found.index)
    since = found["tenure_start"].astype("datetime64[s]")
    result["tenure_start"] = since
    result["judged_from"] = found["judged_from"].astype("datetime64[s]")
    result["judged_days"] = (window.end - result["judged_from"]).dt.days + 1
    # A customer since 1 April has six whole months on 30 September.
    tenure_ends = since + pd.DateOffset(months=settings.min_tenure_months)
    result["too_new"] = (tenure_ends > window.end + pd.Timedelta(days=1)).fillna(False)
    result["too_new"] = result["too_new"].astype(bool)
    result["last_invoice"] = found["last_invoice"].astype("datetime64[s]")
    result["cycle_days"] = found["cycle_days"].astype("float64")
    result["regular"] = found["regular"].fillna(False).astype(bool)
    return result


def _window_activity(export: Export, found: pd.DataFrame, settings: ReviewSettings):
    """Per customer, over its judged days: ``revenue``, ``invoices``, ``credit_notes``,
    ``overdue_revenue`` (of invoices unpaid more than ``non_payer_days`` past due on the as-of
    date), ``hours``, ``hours_not_invoiced``; what revenue per hour is judged on,
    ``ranked_revenue`` (less the overdue) for ``ranked_hours`` (less those not invoiced yet);
    ``revenue_per_hour``, ``time_status`` and ``enough_time`` (at least ``min_hours`` to rank).
    Hours are missing when the export holds no time entries. ``found``: ``aggregates``."""
    ids = found.index
    result = pd.DataFrame(index=ids)
    result["revenue"] = found["revenue"].astype("float64")
    result["invoices"] = found["invoices"].astype("int64")
    result["credit_notes"] = found["credit_notes"].astype("int64")
    result["overdue_revenue"] = found["overdue_revenue"].astype("float64")
    if not export.has("time_entries"):
        for column in ("hours", "hours_not_invoiced", "ranked_hours", "revenue_per_hour"):
            result[column] = np.nan
        result["ranked_revenue"] = result["revenue"] - result["overdue_revenue"]
        result["time_status"] = pd.Series(pd.NA, ids, dtype="string")
        result["enough_time"] = False
        return result
    result["hours"] = found["hours"].astype("float64")
    result["hours_not_invoiced"] = found["hours_not_invoiced"].astype("float64")
    result["ranked_hours"] = result["hours"] - result["hours_not_invoiced"]
    result["ranked_revenue"] = result["revenue"] - result["overdue_revenue"]
    with_hours = result["ranked_hours"] > 0
    result["revenue_per_hour"] = (result["ranked_revenue"] / result["ranked_hours"]).where(
        with_hours
    )
    status = np.select(
        [with_hours & (result["revenue"] > 0), with_hours, result["revenue"] != 0],
        [measures.TIME_AND_REVENUE, measures.NO_REVENUE, measures.NO_TIME_LOGGED],
        default=None,
    )
    result["time_status"] = pd.Series(status, ids, dtype="string")
    result["enough_time"] = with_hours & (result["ranked_hours"] >= settings.min_hours)
    return result


def _payment(found: pd.DataFrame) -> pd.DataFrame:
    """Payment per customer (``queries.payment``), from its ``aggregates``: typed."""
    result = pd.DataFrame(index=found.index)
    result["invoices_due"] = found["invoices_due"].astype("int64")
    result["avg_days_late"] = found["avg_days_late"].astype("float64")
    result["share_invoices_late"] = found["share_invoices_late"].astype("float64")
    result["open_balance"] = found["open_balance"].astype("float64")
    result["oldest_unpaid_invoice"] = found["oldest_unpaid_invoice"].astype("string")
    result["oldest_unpaid_days"] = found["oldest_unpaid_days"].astype("Int64")
    result["non_payer"] = found["non_payer"].fillna(False).astype(bool)
    return result


def _future_potential(table: pd.DataFrame, potential: pd.Series, window: Window) -> pd.DataFrame:
    """A year's revenue at the pace of the judged days (the window's revenue scaled to twelve
    months, and up again where the customer was judged over fewer days than the window's),
    and its share of the customer's wallet (``measures.future_potential``); unknown for a
    customer too new to judge."""
    yearly = table["revenue"] * per_year(window, table["judged_days"])
    result = measures.future_potential(yearly.astype("float64"), potential)
    for column in ("share_of_wallet", "headroom"):
        result[column] = result[column].where(~table["too_new"])
    return result


def _repeat_business(
    table: pd.DataFrame, found: pd.DataFrame, as_of: date, settings: ReviewSettings
) -> pd.DataFrame:
    """In how many of the last ``repeat_quarters_window`` quarters (ending with the as-of
    date's) each customer bought, and how many it needs: the rule's share of the quarters it
    could have bought in, since its tenure and the export began. Missing with fewer than
    ``FEWEST_QUARTERS`` such quarters. ``found``: the customers' ``aggregates``."""
    rules = settings.checklist
    window = rules.repeat_quarters_window
    first, last = queries.repeat_quarters(as_of, window)
    ids = table.index
    bought = found["quarters_bought"].fillna(0).astype("int64")
    began = max(found["first_invoice"].min(), first.start_time)
    since = table["tenure_start"].fillna(began).where(table["tenure_start"] > began, began)
    # The quarters from the first it could buy in to the last, counted as quarter numbers.
    first_quarter = since.dt.year * 4 + since.dt.quarter
    available = (last.year * 4 + last.quarter - first_quarter + 1).clip(0, window)
    available = available.astype("int64")
    needed = np.ceil(rules.repeat_quarters_needed * available / window - 1e-9)
    enough = available >= min(FEWEST_QUARTERS, window)
    result = pd.DataFrame(index=ids)
    result["quarters_bought"] = bought.astype("Int64").where(enough)
    result["quarters_available"] = available
    result["quarters_needed"] = needed.astype("Int64").where(enough)
    return result


def _vouched(assessment: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """Whether the account owner's latest assessment says the customer pays (``pays``: yes),
    which keeps a customer with an old debt out of the fire band."""
    if "pays" not in assessment:
        return pd.Series(False, ids)
    return assessment["pays"].reindex(ids).eq("yes").fillna(False).astype(bool)


def _sum(values: pd.Series, keys: pd.Series, ids: pd.Index) -> pd.Series:
    return values.groupby(keys).sum().reindex(ids, fill_value=0).astype("float64")
