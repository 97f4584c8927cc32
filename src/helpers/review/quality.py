"""What the review can tell about its own inputs: the data quality of the export for a period.

``data_quality`` lists what the export held and what the review could not use or had to
assume, so a reader knows how far to trust each section. Its facts are named by code; the
report says what each means. (The review's sums are re-added in ``portfolio.reconciliation``.)
"""

from __future__ import annotations

import pandas as pd

from helpers.io.contract import UNKNOWN_SIZE
from helpers.io.export import Export
from helpers.io.periods import ReviewPeriod
from helpers.review import queries
from helpers.review.figures import records
from helpers.review.measures import NO_TIME_LOGGED

QUALITY_CHECKS = (
    "rows_read",
    "rows_rejected",
    "rows_left_out",
    "customers_not_reviewed",
    "too_new",
    "too_little_time",
    "hours_not_invoiced",
    "unknown_size",
    "no_wallet",
    "revenue_without_time",
    "credit_notes",
    "paid_after_as_of",
    "assessed_after_as_of",
)


def data_quality(export: Export, period: ReviewPeriod, reviewed: pd.DataFrame) -> pd.DataFrame:
    """Facts about the export's completeness for this period, one row each: ``check`` (one of
    ``QUALITY_CHECKS``), ``count``, and for the checks of one file its ``file`` and the rows
    of it ``left_out`` (``export.dropped``). ``reviewed`` is the review's customer table."""
    as_of = pd.Timestamp(period.as_of)
    rows: list[tuple[str, int, str, int]] = []
    for file in export.files:
        left_out = sum(len(dropped.rows) for dropped in export.dropped if dropped.file == file.name)
        rows.append(("rows_read", file.rows, file.name, left_out))
    rows.append(("rows_rejected", 0, "", 0))
    for dropped in export.dropped:
        rows.append(("rows_left_out", len(dropped.rows), dropped.file, len(dropped.rows)))
    rows.append(("customers_not_reviewed", len(export.customers) - len(reviewed), "", 0))
    rows.append(("too_new", int(reviewed["too_new"].sum()), "", 0))
    if export.has("time_entries"):
        little = ~reviewed["enough_time"] & ~reviewed["too_new"] & (reviewed["hours"] > 0)
        rows.append(("too_little_time", int(little.sum()), "", 0))
        rows.append(("hours_not_invoiced", int((reviewed["hours_not_invoiced"] > 0).sum()), "", 0))
    rows.append(("unknown_size", int((reviewed["size_band"] == UNKNOWN_SIZE).sum()), "", 0))
    rows.append(("no_wallet", int(reviewed["potential_annual_spend"].isna().sum()), "", 0))
    if export.has("time_entries"):
        no_time = int((reviewed["time_status"] == NO_TIME_LOGGED).sum())
        rows.append(("revenue_without_time", no_time, "", 0))
    rows.append(("credit_notes", int(reviewed["credit_notes"].sum()), "", 0))
    if export.has("invoices", "paid_on"):
        paid_later = int(records(export, queries.paid_after, as_of, as_of, as_of).iloc[0, 0])
        rows.append(("paid_after_as_of", paid_later, "", 0))
    if export.assessments is not None:
        assessed_later = int((export.assessments["assessed_on"] > as_of).sum())
        rows.append(("assessed_after_as_of", assessed_later, "", 0))
    return pd.DataFrame(rows, columns=["check", "count", "file", "left_out"])
