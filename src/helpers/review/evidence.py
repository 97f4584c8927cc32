"""How much evidence there is to judge each customer by.

A customer is judged over the judgement window, by default the twelve months up to the as-of
date, whatever the period the report covers; over its tenure instead when it has been a
customer for less time than that; and not at all when it is younger than the minimum tenure
("too new to judge"). Its revenue per hour is ranked only when enough time was logged for it.
Hours logged since the last invoice of a customer invoiced on a regular cycle are work not
invoiced yet, not time without revenue. And nothing is judged as of a day the export does not
reach: the as-of date is the earliest of the period's end, the day the review is made and the
last day the export records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from helpers.io.export import Export

# A cycle of invoices no longer than this is regular (monthly, quarterly); longer is ad hoc.
MAX_CYCLE_DAYS = 100
# Invoiced on a cycle and late by less than half a cycle: the next invoice is on its way.
CYCLE_GRACE = 1.5
MIN_INVOICES_FOR_A_CYCLE = 3


@dataclass(frozen=True)
class Window:
    """The judgement window: the days from ``start`` to ``end`` (the as-of date), both in."""

    start: pd.Timestamp
    end: pd.Timestamp
    months: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def per_year(window: Window, judged_days: pd.Series) -> pd.Series:
    """What turns each customer's figures over its ``judged_days`` into a year's: the
    window's months to twelve, and the window's days to the customer's judged days."""
    return 12 / window.months * window.days / judged_days.clip(lower=1)


def judgement_window(as_of: date, months: int) -> Window:
    """The ``months`` months ending with ``as_of``: for 30 September 2026 and twelve months,
    1 October 2025 to 30 September 2026."""
    end = pd.Timestamp(as_of)
    # From the day after, back: the twelve months to 28 February 2025 begin on 1 March 2024.
    return Window(end + pd.Timedelta(days=1) - pd.DateOffset(months=months), end, months)


def last_recorded_day(export: Export) -> pd.Timestamp | None:
    """The last day the export records anything on: an invoice issued or paid, time logged,
    an assessment or a decision made. Due dates are not records of the past: an invoice issued
    today may fall due next month."""
    days = [export.invoices["issued_on"].max()]
    if export.has("invoices", "paid_on"):
        days.append(export.invoices["paid_on"].max())
    for table, column in (
        ("time_entries", "date"),
        ("assessments", "assessed_on"),
        ("decisions", "decided_on"),
    ):
        frame = getattr(export, table)
        if frame is not None and len(frame):
            days.append(frame[column].max())
    known = [pd.Timestamp(day) for day in days if pd.notna(day)]
    return max(known) if known else None


def first_recorded_day(export: Export) -> pd.Timestamp:
    """The first day the export records an invoice or time on: before it, nothing is known."""
    days = [export.invoices["issued_on"].min()]
    if export.time_entries is not None and len(export.time_entries):
        days.append(export.time_entries["date"].min())
    return min(pd.Timestamp(day) for day in days if pd.notna(day))


def effective_as_of(period_end: date, asked: date, export: Export) -> date:
    """The day a review is judged as of: the earliest of the period's end, the day asked (the
    day the review is made, or the analyst's as-of date) and the last day the export records."""
    days = [pd.Timestamp(period_end), pd.Timestamp(asked)]
    last = last_recorded_day(export)
    if last is not None:
        days.append(last)
    return min(days).date()
