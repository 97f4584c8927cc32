"""The report's words: numbers formatted for people, computed sentences, and escaped tables.

Everything here returns text or a pandas ``Styler``; every string that came from the export
goes through ``html.escape`` (sentences) or ``Styler.format(escape="html")`` (tables), so a
customer named ``<script>`` is shown as text, never run.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML

from helpers.decisions import PAYMENT_ADVICE
from helpers.review import Review
from helpers.scoring import BAND_LABELS, BANDS, CHECKLIST_ITEMS, ITEM_LABELS

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CNY": "¥"}
SIZE_ORDER = ("micro", "small", "medium", "large", "unknown")
TABLE_ROWS_SHOWN = 25
NO_TIME = (
    "The export holds no time entries (time_entries.csv), so the time each customer takes and "
    "revenue per hour cannot be shown. Add the time-tracking export to see the headache list."
)
NO_PAYMENTS = (
    "The export's invoices have no payment dates (column paid_on), so payment delays cannot be "
    "judged. Add the date each invoice was paid, blank while unpaid."
)


def money(amount: float, currency: str = "EUR", *, decimals: int = 0) -> str:
    """``€12,345`` for known symbols, ``CHF 12,345`` otherwise; a minus sign leads."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    number = f"{abs(amount):,.{decimals}f}"
    text = f"{symbol}{number}" if symbol else f"{currency.upper()} {number}"
    return f"-{text}" if amount < 0 else text


def per_hour(amount: float, currency: str = "EUR") -> str:
    """Revenue per hour: ``€140/h``."""
    return "–" if pd.isna(amount) else f"{money(amount, currency)}/h"


def share(fraction: float) -> str:
    """A share as a whole percentage (``12%``), or ``<1%`` for small non-zero shares."""
    if pd.isna(fraction):
        return "–"
    if 0 < fraction < 0.005:
        return "<1%"
    return f"{fraction:.0%}"


def count(number: int, thing: str, plural: str | None = None) -> str:
    """``1 customer``, ``3 customers``."""
    return f"{number:,} {thing if number == 1 else plural or thing + 's'}"


def verb(number: int, singular: str, plural: str) -> str:
    """The verb form that agrees with ``number``: ``verb(1, "pays", "pay")`` is ``pays``."""
    return singular if number == 1 else plural


def paragraphs(sentences: Iterable[str]) -> HTML:
    """Sentences as HTML paragraphs, escaped."""
    return HTML("".join(f"<p>{html.escape(s)}</p>" for s in sentences if s))


def heading(text: str, level: int = 1) -> HTML:
    return HTML(f"<h{level}>{html.escape(text)}</h{level}>")


def note(text: str) -> HTML:
    """A highlighted remark, used where a section cannot be shown and says why."""
    return HTML(f'<p class="review-note">{html.escape(text)}</p>')


def table(
    frame: pd.DataFrame,
    formats: dict[str, object] | None = None,
    *,
    rows: int = TABLE_ROWS_SHOWN,
    what: str = "rows",
):
    """A styled, escaped table without the index; at most ``rows`` rows, with a line saying how
    many more there are (the full data is in the CSV beside the report)."""
    shown = frame.head(rows)
    styler = shown.style.hide(axis="index").format(formats or {}, escape="html", na_rep="–")
    # Words read from the left, numbers line up on the right.
    text = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    text = [c for c in text if c not in (formats or {})]
    styler = styler.set_properties(subset=text, **{"text-align": "left"})
    styler = styler.set_table_styles(
        [
            {"selector": f"th.col{shown.columns.get_loc(c)}", "props": "text-align: left"}
            for c in text
        ]
    )
    left_out = len(frame) - len(shown)
    if left_out:
        styler = styler.set_caption(
            html.escape(f"{len(shown)} of {len(frame):,} {what} shown; {left_out:,} more.")
        )
    return styler


def title(company: str, review: Review) -> HTML:
    period = review.period
    return HTML(
        f"<h1>{html.escape(company)}: customer review {html.escape(period.label)}</h1>"
        f'<p class="review-subtitle">{period.start:%-d %B %Y} to {period.end:%-d %B %Y}, '
        f"payments judged as of {period.as_of:%-d %B %Y}.</p>"
    )


def band_table(review: Review, currency: str):
    """Customers, revenue and hours per band, with each band's share of the totals.

    Without time entries the hour columns are left out rather than shown as zeros.
    """
    c = review.customers
    grouped = c.groupby("band").agg(
        customers=("band", "size"), revenue=("revenue", "sum"), hours=("hours", "sum")
    )
    grouped = grouped.reindex(list(BANDS), fill_value=0)
    frame = pd.DataFrame(
        {
            "Band": [BAND_LABELS[b] for b in grouped.index],
            "Customers": grouped["customers"].to_numpy(),
            "Revenue": grouped["revenue"].to_numpy(),
            "Share of revenue": (grouped["revenue"] / c["revenue"].sum()).to_numpy(),
            "Hours": grouped["hours"].to_numpy(),
            "Share of hours": (grouped["hours"] / c["hours"].sum()).to_numpy(),
        }
    )
    if not review.has_time:
        frame = frame.drop(columns=["Hours", "Share of hours"])
    formats = {
        "Revenue": lambda v: money(v, currency),
        "Hours": "{:,.0f}",
        "Share of revenue": share,
        "Share of hours": share,
    }
    return table(frame, {k: v for k, v in formats.items() if k in frame})


def summary_sentences(review: Review, currency: str) -> list[str]:
    """The portfolio in a few computed sentences."""
    c = review.customers
    revenue = c["revenue"].sum()
    sentences = []
    if review.has_time:
        hours = c["hours"].sum()
        sentences.append(
            f"In {review.period.label}, {count(len(c), 'customer')} brought "
            f"{money(revenue, currency)} of revenue and took {hours:,.0f} hours of the team's "
            f"time: {per_hour(revenue / hours if hours else float('nan'), currency)} overall, "
            f"{per_hour(review.median_revenue_per_hour, currency)} for the median customer."
        )
    else:
        sentences.append(
            f"In {review.period.label}, {count(len(c), 'customer')} brought "
            f"{money(revenue, currency)} of revenue. The export holds no time entries, so time "
            "spent and revenue per hour cannot be judged."
        )
    if review.not_reviewed:
        sentences.append(
            f"{count(review.not_reviewed, 'other customer')} in the export bought nothing, "
            "took no time and owed nothing in the period, and "
            f"{verb(review.not_reviewed, 'is', 'are')} left out."
        )
    bands = c["band"].value_counts()
    revenue_by_band = c.groupby("band")["revenue"].sum()

    def band_part(band: str) -> str:
        number = int(bands.get(band, 0))
        part = revenue_by_band.get(band, 0) / revenue if revenue else float("nan")
        return (
            f"{BAND_LABELS[band].lower()}: {count(number, 'customer')} ({share(part)} of revenue)"
        )

    sentences.append(
        "By the seven-item checklist: "
        + "; ".join(band_part(band) for band in BANDS)
        + ". Customers who need an assessment cannot be placed until someone answers the missing "
        "checklist items."
    )
    if review.has_time:
        sentences.append(headache_sentence(review, currency))
    if review.has_payments:
        sentences.append(payment_sentence(review, currency))
    return sentences


def headache_cutoff(review: Review) -> float:
    """The highest revenue per hour on the headache list (missing when the list is empty)."""
    listed = review.customers[review.customers["on_headache_list"]]
    return listed["revenue_per_hour"].max() if len(listed) else float("nan")


def headache_sentence(review: Review, currency: str) -> str:
    c = review.customers
    listed = c[c["on_headache_list"]]
    if listed.empty:
        return "No customer is on the headache list: too few customers have time logged."
    hours_share = listed["hours"].sum() / c["hours"].sum()
    revenue_share = listed["revenue"].sum() / c["revenue"].sum()
    return (
        f"The headache list, the bottom {share(review.settings.headache_share)} of customers by "
        f"revenue per hour ({count(len(listed), 'customer')} at or below "
        f"{per_hour(headache_cutoff(review), currency)}), takes {share(hours_share)} of the "
        f"team's hours and brings {share(revenue_share)} of the revenue."
    )


def payment_sentence(review: Review, currency: str) -> str:
    c = review.customers
    advice = c["payment_advice"].value_counts()
    non_payers = c[c["non_payer"]]
    parts = []
    if len(non_payers):
        owed = money(non_payers["open_balance"].sum(), currency)
        parts.append(
            f"{count(len(non_payers), 'non-payer')} {verb(len(non_payers), 'owes', 'owe')} "
            f"{owed} with invoices more than "
            f"{review.settings.non_payer_days} days past due"
        )
    if advice.get("late_large", 0):
        large = int(advice["late_large"])
        parts.append(
            f"{count(large, 'large company', 'large companies')} {verb(large, 'pays', 'pay')} "
            "late by policy"
        )
    small = int(advice.get("late_small", 0))
    if small:
        parts.append(
            f"{count(small, 'small or micro customer')} {verb(small, 'pays', 'pay')} late and "
            "should be invoiced earlier "
            "and more often"
        )
    if not parts:
        return "Every customer paid its invoices due in the period on time."
    return "Payment: " + "; ".join(parts) + "."


def payment_by_size(review: Review, currency: str):
    """Per size band: invoices due, share paid late, median and weighted days late, open debt."""
    due = review.invoices_due[review.invoices_due["amount"] > 0]
    c = review.customers
    rows = []
    for band in SIZE_ORDER:
        invoices = due[due["size_band"] == band]
        customers = c[c["size_band"] == band]
        if invoices.empty and customers.empty:
            continue
        beyond = invoices["days_late"].clip(lower=0).fillna(0)
        rows.append(
            {
                "Company size": band,
                "Customers": len(customers),
                "Invoices due": len(invoices),
                "Share late": (invoices["days_late"] > 0).mean() if len(invoices) else None,
                "Median days late": invoices["days_late"].median(),
                "Average days beyond terms": (beyond * invoices["amount"]).sum()
                / invoices["amount"].sum()
                if len(invoices)
                else None,
                "Open balance": customers["open_balance"].sum(),
                "Late payers": int(customers["payment_advice"].str.startswith("late").sum()),
                "Non-payers": int(customers["non_payer"].sum()),
            }
        )
    formats = {
        "Share late": share,
        "Median days late": "{:.0f}",
        "Average days beyond terms": "{:.0f}",
        "Open balance": lambda v: money(v, currency),
    }
    return table(pd.DataFrame(rows), formats)


def payment_actions(review: Review, currency: str):
    """Customers whose payment needs action, worst first, with the advice for their size."""
    c = review.customers
    needs = c[
        c["payment_advice"].isin(
            ["non_payer", "late_large", "late_small", "late_medium", "late_unknown_size"]
        )
    ]
    order = {
        "non_payer": 0,
        "late_small": 1,
        "late_medium": 2,
        "late_unknown_size": 3,
        "late_large": 4,
    }
    needs = needs.assign(order=needs["payment_advice"].map(order)).sort_values(
        ["order", "open_balance"], ascending=[True, False]
    )
    frame = pd.DataFrame(
        {
            "Customer": needs["name"],
            "Size": needs["size_band"],
            "Average days beyond terms": needs["avg_days_late"],
            "Open balance": needs["open_balance"],
            "Oldest unpaid (days past due)": needs["oldest_unpaid_days"],
            "Advice": needs["payment_advice"].map(PAYMENT_ADVICE),
        }
    )
    formats = {
        "Average days beyond terms": "{:.0f}",
        "Open balance": lambda v: money(v, currency),
        "Oldest unpaid (days past due)": lambda v: "–" if pd.isna(v) or v <= 0 else f"{v:.0f}",
    }
    return table(frame, formats, what="customers")


def checklist_sentences(review: Review) -> list[str]:
    c = review.customers
    never = int(
        c[[f"{i}_source" for i in ("influencer", "right_reasons", "values_aligned")]]
        .isna()
        .all(axis=1)
        .sum()
    )
    full = int((c["checklist_answered"] == 7).sum())
    sentences = [
        f"{count(full, 'customer')} of {len(c):,} have all seven checklist items answered; "
        f"{count(never, 'customer')} have no assessment by an account owner, so influence, "
        "reasons for buying and shared values are unknown for them.",
    ]
    if not review.has_assessments:
        sentences.append(
            "The export holds no assessments: only the four items that data can answer are "
            "scored, and most customers need an assessment before they can be placed in a band."
        )
    return sentences


def headache_table(review: Review, currency: str):
    """The headache list, worst revenue per hour first, with rank and percentile."""
    c = review.customers
    listed = c[c["on_headache_list"]].sort_values(["rph_rank", "revenue"])
    frame = pd.DataFrame(
        {
            "Rank": listed["rph_rank"],
            "Customer": listed["name"],
            "Size": listed["size_band"],
            "Revenue": listed["revenue"],
            "Hours": listed["hours"],
            "Revenue per hour": listed["revenue_per_hour"],
            "Percentile": listed["rph_percentile"],
            "Band": listed["band"].map(BAND_LABELS),
        }
    )
    formats = {
        "Revenue": lambda v: money(v, currency),
        "Hours": "{:,.1f}",
        "Revenue per hour": lambda v: per_hour(v, currency),
        "Percentile": share,
    }
    return table(frame, formats, what="customers")


def fire_candidates_table(review: Review, currency: str):
    """Fire candidates with their score and the items they failed."""
    c = review.customers
    fire = c[c["band"] == "fire_candidate"].sort_values(["checklist_score", "revenue"])
    answered_no = fire[list(CHECKLIST_ITEMS)].eq(False).fillna(False).astype(bool)
    failed = pd.Series(
        [
            ", ".join(ITEM_LABELS[i].lower() for i in row.index[row])
            for _, row in answered_no.iterrows()
        ],
        index=fire.index,
        dtype="string",
    )
    frame = pd.DataFrame(
        {
            "Customer": fire["name"],
            "Score": fire["checklist_score"].astype(str)
            + " of "
            + fire["checklist_answered"].astype(str),
            "Revenue": fire["revenue"],
            "Revenue per hour": fire["revenue_per_hour"],
            "Answered no": failed,
        }
    )
    formats = {
        "Revenue": lambda v: money(v, currency),
        "Revenue per hour": lambda v: per_hour(v, currency),
    }
    return table(frame, formats, what="customers")


def input_files_table(review: Review):
    """The files the review read, with their rows and sha256, to tell which export it was."""
    frame = pd.DataFrame(
        [(f.name, f.rows, f.sha256) for f in review.files], columns=["File", "Rows", "SHA-256"]
    )
    return table(frame, {"Rows": "{:,}"}, rows=len(frame) or 1)


def parameters_table(review: Review, **parameters: object):
    """The parameters of this run (as given) and the review's thresholds."""
    given = [(name, value) for name, value in parameters.items()]
    rows = given + [row for row in review.settings.as_rows() if row[0] not in parameters]
    frame = pd.DataFrame(
        [(name, str(value)) for name, value in rows], columns=["Parameter", "Value"]
    )
    return table(frame, rows=len(frame))
