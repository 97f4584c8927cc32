"""The review's machine-readable results: ``customer_scores.csv``, one row per customer, and
the outcome a scheduled run records once the page is written.

The scores' columns hold the same values the report shows (before display rounding), so the
page and the spreadsheet never disagree. Text that a spreadsheet would read as a formula is
neutralised.

The outcome (``write_outcome``) carries what ``customer-review run`` keeps after a render: the
rows of the three-strikes history and the headline numbers of the index. The notebook writes
it, so the export is read and reviewed once, in the kernel, and nothing is recorded for a
render that fails.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.io.contract import CHECKLIST_ITEMS
from helpers.report.index import Headline
from helpers.report.reasons import reasons
from helpers.review.model import Review
from helpers.review.strikes import outcome_rows

SCORE_COLUMNS = [
    "customer_id",
    "name",
    "size_band",
    "tenure_start",
    "too_new",
    "period_revenue",
    "period_invoices",
    "period_hours",
    "revenue",
    "invoices",
    "hours",
    "hours_not_invoiced",
    "overdue_revenue",
    "revenue_per_hour",
    "time_status",
    "ranked",
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
    "strikes_from_export",
    "stage",
]
# Decimals kept in the file: cents for money and hours, four for shares, one for days.
DECIMALS = {
    **dict.fromkeys(["revenue", "hours", "revenue_per_hour", "cost_to_serve", "contribution"], 2),
    **dict.fromkeys(["period_revenue", "period_hours", "hours_not_invoiced", "overdue_revenue"], 2),
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
    table = review.customers.assign(reason=reasons(review)).reset_index()
    for item in CHECKLIST_ITEMS:
        table[item] = table[item].map({True: "yes", False: "no"}).astype("string")
    table = table.reindex(columns=SCORE_COLUMNS)
    for column, decimals in DECIMALS.items():
        table[column] = rounded(table[column], decimals)
    return table


def rounded(values: pd.Series, decimals: int) -> pd.Series:
    """``values`` rounded to ``decimals`` places, half to even, as their decimal values would
    be: a half that floating point holds a hair above or below (931.66 / 4 is 232.915, held as
    232.91499999999999) still counts as a half. Engines that add in another order differ in
    that hair, and a file rounded this way is the same whichever engine summed the figures."""
    scale = 10.0**decimals
    # The scaled value, to a millionth of the last place kept: far coarser than floating
    # point's error, far finer than any figure's own.
    scaled = (values.astype("float64") * scale).round(6)
    return scaled.round() / scale


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
    return write_spreadsheet_csv(customer_scores(review), path)


def write_spreadsheet_csv(frame: pd.DataFrame, path: str | Path) -> Path | None:
    """Write ``frame`` to ``path`` as CSV for spreadsheets (``spreadsheet_safe``, UTF-8 with a
    byte-order mark); nothing when ``path`` is empty."""
    if not str(path):
        return None
    path = Path(path)
    spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


@dataclass(frozen=True)
class Outcome:
    """What a render leaves for the history and the index: the period's label, its outcome
    rows (``strikes.outcome_rows``) and its headline numbers."""

    period: str
    rows: list[list[Any]]
    headline: Headline


def write_outcome(review: Review, company: str, path: str | Path) -> Path | None:
    """Write ``review``'s outcome for ``company`` to ``path`` as JSON; nothing when ``path`` is
    empty."""
    if not str(path):
        return None
    path = Path(path)
    outcome = {
        "period": review.period.label,
        "rows": outcome_rows(review.period, review.customers),
        "headline": asdict(Headline.of(company, review)),
    }
    path.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return path


def read_outcome(path: str | Path) -> Outcome:
    """The outcome ``write_outcome`` wrote at ``path``."""
    outcome = json.loads(Path(path).read_text(encoding="utf-8"))
    return Outcome(outcome["period"], outcome["rows"], Headline(**outcome["headline"]))
