"""What an export records, in time: the first and last days of its invoices, payments, time
entries, assessments and decisions, and so the day a review is judged as of. Nothing is
judged as of a day the export does not reach: the as-of date is the earliest of the period's
end, the day the review is made and the last day the export records.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from helpers.io.export import Export
from helpers.review import queries


def recorded_days(export: Export) -> dict[str, pd.Timestamp]:
    """The first and last days the export's invoices and time entries record
    (``queries.recorded_days``), missing ones left out; asked of the engine once per export."""
    tables = export.tables

    def found() -> dict[str, pd.Timestamp]:
        row = tables.run(queries.recorded_days(tables)).iloc[0]
        return {name: pd.Timestamp(day) for name, day in row.items() if pd.notna(day)}

    return tables.once("recorded_days", found)


def last_recorded_day(export: Export) -> pd.Timestamp | None:
    """The last day the export records anything on: an invoice issued or paid, time logged,
    an assessment or a decision made. Due dates are not records of the past: an invoice issued
    today may fall due next month."""
    recorded = recorded_days(export)
    days = [recorded.get(name) for name in ("last_issued", "last_paid", "last_logged")]
    for table, column in (("assessments", "assessed_on"), ("decisions", "decided_on")):
        frame = getattr(export, table)
        if frame is not None and len(frame):
            days.append(frame[column].max())
    known = [pd.Timestamp(day) for day in days if day is not None and pd.notna(day)]
    return max(known) if known else None


def first_recorded_day(export: Export) -> pd.Timestamp:
    """The first day the export records an invoice or time on: before it, nothing is known."""
    recorded = recorded_days(export)
    return min(recorded[name] for name in ("first_issued", "first_logged") if name in recorded)


def effective_as_of(period_end: date, asked: date, export: Export) -> date:
    """The day a review is judged as of: the earliest of the period's end, the day asked (the
    day the review is made, or the analyst's as-of date) and the last day the export records."""
    days = [pd.Timestamp(period_end), pd.Timestamp(asked)]
    last = last_recorded_day(export)
    if last is not None:
        days.append(last)
    return min(days).date()
