"""What the report tells about its own inputs and sums: data quality and reconciliation.

``data_quality`` lists what the export held and what the review could not use or had to
assume, so a reader knows how far to trust each section. ``reconciliation`` re-adds the
report's totals in independent ways; a check that does not hold is shown, not hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from helpers.export import UNKNOWN_SIZE, Export
from helpers.periods import ReviewPeriod

if TYPE_CHECKING:
    from helpers.review import Review

# Sums of money are compared to the cent; float addition in a different order may differ below.
TOLERANCE = 0.005


def data_quality(export: Export, period: ReviewPeriod, reviewed: pd.DataFrame) -> pd.DataFrame:
    """Facts about the export's completeness for this period, one row each: what, how many, and
    what it means for the review. ``reviewed`` is the review's customer table."""
    as_of = pd.Timestamp(period.as_of)
    rows: list[tuple[str, int, str]] = []
    for file in export.files:
        left_out = sum(len(dropped.rows) for dropped in export.dropped if dropped.file == file.name)
        meaning = (
            f"{left_out:,} left out as listed below; the others passed the export's checks"
            if left_out
            else "all passed the export's checks"
        )
        rows.append((f"Rows read from {file.name}", file.rows, meaning))
    rows.append(
        (
            "Rows rejected",
            0,
            "an export with any row breaking the contract is refused whole, before anything is "
            "computed",
        )
    )
    for dropped in export.dropped:
        rows.append((dropped.what, len(dropped.rows), f"{dropped.file}: {dropped.meaning}"))
    rows.append(
        (
            "Customers left out of this period",
            len(export.customers) - len(reviewed),
            "no invoice, no time and nothing owed in the period",
        )
    )
    rows.append(
        (
            "Customers of unknown size",
            int((reviewed["size_band"] == UNKNOWN_SIZE).sum()),
            "neither employees nor size_band given: payment advice cannot use company size",
        )
    )
    rows.append(
        (
            "Customers without a wallet estimate",
            int(reviewed["potential_annual_spend"].isna().sum()),
            "share of wallet unknown: the spend item is unanswered unless assessed",
        )
    )
    if export.time_entries is not None:
        rows.append(
            (
                "Customers with revenue but no time logged",
                int((reviewed["time_status"] == "no time logged").sum()),
                "not ranked by revenue per hour; the service item is unanswered",
            )
        )
    issued = export.invoices[period.contains(export.invoices["issued_on"])]
    rows.append(
        (
            "Credit notes issued in the period",
            int((issued["amount"] < 0).sum()),
            "reduce revenue; not judged as payments",
        )
    )
    if export.has("invoices", "paid_on"):
        rows.append(
            (
                "Invoices paid after the as-of date",
                int((export.invoices["paid_on"] > as_of).sum()),
                "counted as unpaid on the as-of date",
            )
        )
    if export.assessments is not None:
        rows.append(
            (
                "Assessments dated after the as-of date",
                int((export.assessments["assessed_on"] > as_of).sum()),
                "ignored: not known on the as-of date",
            )
        )
    return pd.DataFrame(rows, columns=["check", "count", "meaning"])


def reconciliation(review: Review) -> pd.DataFrame:
    """Totals that must agree, each found two ways: check, unit ("customers" or "money"),
    expected, found, holds."""
    c = review.customers
    rows = [
        (
            "Band counts add up to the customers reviewed",
            "customers",
            len(c),
            int(c["band"].value_counts().sum()),
        ),
        (
            "Revenue by band adds up to total revenue",
            "money",
            c["revenue"].sum(),
            c.groupby("band")["revenue"].sum().sum(),
        ),
        (
            "Whale curve ends at total contribution",
            "money",
            c["contribution"].sum(),
            review.whale_curve["cumulative_contribution"].iloc[-1] if len(c) else 0.0,
        ),
    ]
    if review.has_payments:
        rows.append(
            (
                "Aged receivables add up to the open balance",
                "money",
                c["open_balance"].sum(),
                review.aging.to_numpy().sum(),
            )
        )
        rows.append(
            (
                "Open invoices add up to the open balance",
                "money",
                c["open_balance"].sum(),
                review.open_invoices["amount"].sum(),
            )
        )
    frame = pd.DataFrame(rows, columns=["check", "unit", "expected", "found"])
    frame["holds"] = (frame["expected"] - frame["found"]).abs() <= TOLERANCE
    return frame
