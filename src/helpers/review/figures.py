"""A period's headline figures, worked out the same way for the period reviewed and for the one
before it, so the two can stand side by side.

The figures are the period's own (revenue, hours and revenue per hour in it; invoices due in
it, and how late they were paid) and the judgement's as of its last day (the headache list's
share of the hours and revenue of the judgement window, the fire candidates, what is owed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from helpers.io import columns
from helpers.io.export import Export
from helpers.io.periods import ReviewPeriod
from helpers.review import measures, queries

FIGURES = (
    "revenue",
    "hours",
    "revenue_per_hour",
    "headache_share_of_hours",
    "headache_share_of_revenue",
    "fire_candidates",
    "open_balance",
    "avg_days_late",
)


@dataclass(frozen=True)
class PeriodFigures:
    """One period's headline figures (``FIGURES``), as of ``as_of``; ``source`` says whether
    its fire candidates and headache list were reviewed now, recorded by an earlier run, or
    judged from the export. NaN where the export cannot say (no time, no payment dates)."""

    label: str
    as_of: date
    source: str
    revenue: float
    hours: float
    revenue_per_hour: float
    headache_share_of_hours: float
    headache_share_of_revenue: float
    fire_candidates: int
    open_balance: float
    avg_days_late: float


@dataclass(frozen=True)
class PeriodRecords:
    """What the export recorded of one period, as of ``as_of``: each customer's ``activity``
    in it (``measures.activity``), the invoices ``due`` in it by then with ``days_late``, and
    the invoices ``open`` then among the customers reviewed (both ``None`` without payment
    dates). The review shows the period's own; the previous period's are compared with it."""

    activity: pd.DataFrame
    due: pd.DataFrame | None
    open: pd.DataFrame | None


def period_records(
    export: Export, period: ReviewPeriod, as_of: date, reviewed: pd.Index
) -> PeriodRecords:
    """The ``PeriodRecords`` of ``period`` as of ``as_of``, for the customers ``reviewed``."""
    activity = period_activity(export, period.start, period.end)
    if not export.has("invoices", "paid_on"):
        return PeriodRecords(activity, None, None)
    due = records(export, queries.invoices_due, period.start, period.end, as_of)
    open_ = records(export, queries.invoices_open, period.start, period.end, as_of)
    open_ = open_[columns.is_among(open_["customer_id"], reviewed)].reset_index(drop=True)
    open_["aging_bucket"] = measures.aging_bucket(open_["days_past_due"])
    return PeriodRecords(activity, due, open_)


def period_activity(export: Export, start: date, end: date) -> pd.DataFrame:
    """Every customer's revenue, invoices and hours from ``start`` to ``end``, with revenue per
    hour and time status (``measures.activity``), by customer in the export's order."""
    totals = records(export, queries.period_activity, start, end, end).set_index("customer_id")
    ids = pd.Index(export.customers["customer_id"], name="customer_id")
    return measures.activity(totals.reindex(ids), export.has("time_entries"))


def records(export: Export, query, start: date, end: date, as_of: date) -> pd.DataFrame:
    """The rows of ``query`` (one of ``queries``' over a ``record_period`` table) for the
    period from ``start`` to ``end``, as of ``as_of``."""
    tables = export.tables
    return tables.run_over(
        queries.PERIOD,
        queries.record_period(start, end, as_of),
        lambda period: query(tables, period),
        key=query.__name__,
    )


def period_figures(
    label: str,
    as_of: date,
    source: str,
    records: PeriodRecords,
    judged: pd.DataFrame,
    outcome: pd.DataFrame,
    has_time: bool,
) -> PeriodFigures:
    """The headline figures of the period ``label`` as of ``as_of`` from its ``records``:
    ``judged`` is the customers reviewed then (with the judgement window's ``revenue`` and
    ``hours``), ``outcome`` who was a fire candidate or on the headache list (``customer_id``,
    ``band``, ``on_headache_list``: the review's own, recorded, or judged from the export)."""
    activity = records.activity
    revenue = float(activity["revenue"].sum())
    hours = float(activity["hours"].sum()) if has_time else float("nan")
    listed = judged.index.intersection(
        pd.Index(outcome.loc[outcome["on_headache_list"].astype(bool), "customer_id"])
    )
    window_hours, window_revenue = judged["hours"].sum(), judged["revenue"].sum()
    open_balance = avg_days_late = float("nan")
    if records.due is not None:
        open_balance = float(records.open["amount"].sum())
        due = records.due[records.due["amount"] > 0]
        beyond = due["days_late"].clip(lower=0).fillna(0)
        if len(due):
            avg_days_late = float((beyond * due["amount"]).sum() / due["amount"].sum())
    return PeriodFigures(
        label=label,
        as_of=as_of,
        source=source,
        revenue=revenue,
        hours=hours,
        revenue_per_hour=revenue / hours if hours else float("nan"),
        headache_share_of_hours=float(judged.loc[listed, "hours"].sum() / window_hours)
        if window_hours
        else float("nan"),
        headache_share_of_revenue=float(judged.loc[listed, "revenue"].sum() / window_revenue)
        if window_revenue
        else float("nan"),
        fire_candidates=int(outcome["band"].eq("fire_candidate").sum()),
        open_balance=open_balance,
        avg_days_late=avg_days_late,
    )
