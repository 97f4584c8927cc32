"""The review's machine-readable result: ``customer_scores.csv``, one row per customer.

The columns hold the same values the report shows (before display rounding), so the page and
the spreadsheet never disagree. Text that a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.review import Review
from helpers.scoring import CHECKLIST_ITEMS

SCORE_COLUMNS = [
    "customer_id",
    "name",
    "size_band",
    "revenue",
    "invoices",
    "hours",
    "revenue_per_hour",
    "time_status",
    "rph_rank",
    "rph_percentile",
    "on_headache_list",
    "in_bottom_5pct",
    "cost_to_serve",
    "contribution",
    "avg_days_late",
    "share_invoices_late",
    "open_balance",
    "oldest_unpaid_days",
    "non_payer",
    "payment_advice",
    "annual_revenue",
    "share_of_wallet",
    "headroom",
    *CHECKLIST_ITEMS,
    "checklist_score",
    "checklist_answered",
    "band",
    "reason",
    "strikes_last_3",
    "strike_periods",
    "stage",
]
# Decimals kept in the file: cents for money and hours, four for shares, one for days.
DECIMALS = {
    **dict.fromkeys(["revenue", "hours", "revenue_per_hour", "cost_to_serve", "contribution"], 2),
    **dict.fromkeys(["open_balance", "annual_revenue", "headroom"], 2),
    **dict.fromkeys(["rph_percentile", "share_invoices_late", "share_of_wallet"], 4),
    "avg_days_late": 1,
}
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); a leading apostrophe makes them show it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def customer_scores(review: Review) -> pd.DataFrame:
    """One row per reviewed customer with ``SCORE_COLUMNS``; checklist items as yes/no/blank.

    Columns the export could not support (no time entries, no payment dates) are present and
    empty, so the file's shape does not depend on the export.
    """
    table = review.customers.reset_index()
    for item in CHECKLIST_ITEMS:
        table[item] = table[item].map({True: "yes", False: "no"}).astype("string")
    return table.reindex(columns=SCORE_COLUMNS).round(DECIMALS)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that starts like a formula prefixed by an apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            text = safe[column]
            risky = text.astype("string").str.startswith(FORMULA_STARTS).fillna(False)
            safe[column] = text.where(~risky, "'" + text.astype("string"))
    return safe


def write_scores(review: Review, path: str | Path) -> Path | None:
    """Write ``customer_scores.csv`` to ``path``; nothing when ``path`` is empty.

    UTF-8 with a byte-order mark, so that Excel shows names like "Õunaaed" or "上海" as written.
    """
    if not str(path):
        return None
    path = Path(path)
    spreadsheet_safe(customer_scores(review)).to_csv(
        path, index=False, encoding="utf-8-sig", lineterminator="\n"
    )
    return path
