"""The portfolio's figures that the report shows in more than one place, each computed once.

A sentence and the table beside it, or a chart's title and the table under it, read the same
figure from here, so they cannot disagree: the customers, revenue and hours of each band; the
headache list's shares; payment by company size; what is owed by size and days past due; and
the reconciliation of the review's totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.io.contract import BANDS, SIZE_BANDS, UNKNOWN_SIZE
from helpers.review.cache import once_per_review
from helpers.review.measures import AGING_BUCKETS
from helpers.review.model import Review

SIZE_ORDER = (*SIZE_BANDS, UNKNOWN_SIZE)
# Sums of money are compared to the cent; float addition in a different order may differ below.
TOLERANCE = 0.005
RECONCILIATION_CHECKS = (
    "band_counts",
    "revenue_by_band",
    "whale_curve_end",
    "aging_buckets",
    "open_invoices",
)


@once_per_review
def bands(review: Review) -> pd.DataFrame:
    """Per band (``BANDS``, every band present): ``customers``, of them ``ranked`` by revenue
    per hour (as the revenue chart draws them), ``revenue``, ``hours`` and the band's
    ``share_of_revenue`` and ``share_of_hours`` of the reviewed customers' totals (NaN where
    the total is zero; hours are zero without time entries)."""
    c = review.customers
    grouped = c.groupby("band", observed=True)[["revenue", "hours"]].sum()
    grouped.insert(0, "customers", c["band"].value_counts())
    ranked = c.loc[c["ranked"].astype(bool), "band"].value_counts()
    grouped.insert(1, "ranked", ranked.reindex(grouped.index, fill_value=0))
    grouped = grouped.reindex(list(BANDS), fill_value=0)
    revenue, hours = c["revenue"].sum(), c["hours"].sum()
    grouped["share_of_revenue"] = grouped["revenue"] / revenue if revenue else float("nan")
    grouped["share_of_hours"] = grouped["hours"] / hours if hours else float("nan")
    return grouped


@once_per_review
def likely_fire_candidates(review: Review) -> pd.Index:
    """The customers awaiting an assessment whose yes answers so far are below the fire
    line (``review_from``): unless the missing answers are yes, they are fire candidates."""
    c = review.customers
    awaiting = c["band"].eq("needs_assessment")
    return c.index[awaiting & (c["checklist_score"] < review.settings.checklist.review_from)]


@dataclass(frozen=True)
class HeadacheShares:
    """The headache list against the team's time and the revenue: how many customers, the
    highest revenue per hour on it (``cutoff``), its share of the hours and of the revenue, and
    the same shares for its bottom 5% (``core``). Shares are NaN where a total is zero."""

    customers: int
    cutoff: float
    hours_share: float
    revenue_share: float
    core_customers: int
    core_hours_share: float
    core_revenue_share: float


@once_per_review
def headache_shares(review: Review) -> HeadacheShares:
    """The headache list's ``HeadacheShares``."""
    c = review.customers
    listed = c[c["on_headache_list"]]
    core = listed[listed["in_bottom_5pct"]]
    hours, revenue = review.shares_of(listed)
    core_hours, core_revenue = review.shares_of(core)
    return HeadacheShares(
        customers=len(listed),
        cutoff=float(listed["revenue_per_hour"].max()) if len(listed) else float("nan"),
        hours_share=hours,
        revenue_share=revenue,
        core_customers=len(core),
        core_hours_share=core_hours,
        core_revenue_share=core_revenue,
    )


@dataclass(frozen=True)
class Contribution:
    """The whale curve's story: the customers' ``total`` contribution after the cost of their
    time; the ``top_customers`` (the top 20%, at least one) and the share of the total they
    bring; the customers who cost more than they bring, and their (negative) contribution; and
    the curve's peak, the share of today's total the others contribute without them."""

    customers: int
    total: float
    top_customers: int
    top_share: float
    losing_customers: int
    losing_contribution: float
    peak_share: float


TOP_CUSTOMERS_SHARE = 0.2  # the top 20% of customers, whose share of the total is told


@once_per_review
def contribution(review: Review) -> Contribution:
    """The ``Contribution`` figures of the review's whale curve (``Review.whale_curve``)."""
    curve = review.whale_curve
    top = max(1, round(len(curve) * TOP_CUSTOMERS_SHARE))
    losing = curve[curve["contribution"] < 0]
    known = len(curve) > 0
    return Contribution(
        customers=len(curve),
        total=float(curve["contribution"].sum()),
        top_customers=top,
        top_share=float(curve["cumulative_share"].iloc[top - 1]) if known else float("nan"),
        losing_customers=len(losing),
        losing_contribution=float(losing["contribution"].sum()),
        peak_share=float(curve["cumulative_share"].max()) if known else 1.0,
    )


@once_per_review
def payment_by_size(review: Review) -> pd.DataFrame:
    """Per company size (``SIZE_ORDER``, the sizes with customers or invoices due): customers,
    invoices due in the period (credit notes left out), the share of those paid late or unpaid
    past due (``share_late``), their median days late, the amount-weighted average days beyond
    terms, the open balance, and how many customers are late payers and non-payers. Needs
    payment dates (``Review.has_payments``)."""
    due = review.invoices_due[review.invoices_due["amount"] > 0]
    c = review.customers
    rows = {}
    for size in SIZE_ORDER:
        invoices = due[due["size_band"] == size]
        customers = c[c["size_band"] == size]
        if invoices.empty and customers.empty:
            continue
        beyond = invoices["days_late"].clip(lower=0).fillna(0)
        rows[size] = {
            "customers": len(customers),
            "invoices_due": len(invoices),
            "share_late": (invoices["days_late"] > 0).mean() if len(invoices) else float("nan"),
            "median_days_late": invoices["days_late"].median(),
            "avg_days_beyond_terms": (beyond * invoices["amount"]).sum() / invoices["amount"].sum()
            if len(invoices)
            else float("nan"),
            "open_balance": customers["open_balance"].sum(),
            "late_payers": int(customers["payment_advice"].str.startswith("late").sum()),
            "non_payers": int(customers["non_payer"].sum()),
        }
    columns = [
        "customers",
        "invoices_due",
        "share_late",
        "median_days_late",
        "avg_days_beyond_terms",
        "open_balance",
        "late_payers",
        "non_payers",
    ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("size_band")


def most_often_late(review: Review) -> pd.Series | None:
    """The known company size whose invoices due were most often late (and, of those equally
    often late, the latest): its row of ``payment_by_size``; ``None`` when no invoice of a
    known size fell due."""
    by_size = payment_by_size(review).drop(index=UNKNOWN_SIZE, errors="ignore")
    by_size = by_size[by_size["invoices_due"] > 0]
    if by_size.empty:
        return None
    return by_size.sort_values(["share_late", "median_days_late"], ascending=False).iloc[0]


@once_per_review
def aging_by_size(review: Review) -> pd.DataFrame:
    """The open balance on the as-of date per company size (rows in ``SIZE_ORDER``, the sizes
    of the reviewed customers) and aging bucket (columns, ``AGING_BUCKETS``)."""
    aging = review.aging.join(review.customers["size_band"]).groupby("size_band").sum()
    aging = aging.reindex([s for s in SIZE_ORDER if s in aging.index])
    return aging[list(AGING_BUCKETS)]


def reconciliation(review: Review) -> pd.DataFrame:
    """Totals that must agree, each found two ways: check (one of ``RECONCILIATION_CHECKS``),
    unit ("customers" or "money"), expected, found, holds."""
    c = review.customers
    rows = [
        ("band_counts", "customers", len(c), int(c["band"].value_counts().sum())),
        (
            "revenue_by_band",
            "money",
            c["revenue"].sum(),
            c.groupby("band")["revenue"].sum().sum(),
        ),
        (
            "whale_curve_end",
            "money",
            c["contribution"].sum(),
            review.whale_curve["cumulative_contribution"].iloc[-1] if len(c) else 0.0,
        ),
    ]
    if review.has_payments:
        rows.append(
            ("aging_buckets", "money", c["open_balance"].sum(), review.aging.to_numpy().sum())
        )
        rows.append(
            (
                "open_invoices",
                "money",
                c["open_balance"].sum(),
                review.open_invoices["amount"].sum(),
            )
        )
    frame = pd.DataFrame(rows, columns=["check", "unit", "expected", "found"])
    frame["holds"] = (frame["expected"] - frame["found"]).abs() <= TOLERANCE
    return frame
