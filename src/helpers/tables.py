"""The report's tables: pandas Stylers, escaped, with numbers formatted for people.

Every table goes through ``table``, which escapes every cell (a customer named ``<script>`` is
shown as text), aligns words left and numbers right, and caps long tables with a line saying
how many rows were left out (the full data is in ``customer_scores.csv``).
"""

from __future__ import annotations

import html

import pandas as pd

from helpers.decisions import PAYMENT_ADVICE, TACTICS
from helpers.narrative import SIZE_ORDER, money, per_hour, share
from helpers.quality import reconciliation
from helpers.review import Review
from helpers.scoring import BAND_LABELS, BANDS, CHECKLIST_ITEMS

TABLE_ROWS_SHOWN = 25


def table(
    frame: pd.DataFrame,
    formats: dict[str, object] | None = None,
    *,
    rows: int = TABLE_ROWS_SHOWN,
    what: str = "rows",
    numbers: tuple[str, ...] = (),
):
    """A styled, escaped table without the index; at most ``rows`` rows, with a line saying how
    many more there are (the full data is in the CSV beside the report).

    Text columns are aligned left, numbers right; ``numbers`` names text columns that hold
    figures already formatted, to be aligned as numbers."""
    shown = frame.head(rows)
    styler = shown.style.hide(axis="index").format(formats or {}, escape="html", na_rep="–")
    # Words read from the left, numbers line up on the right.
    text = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    text = [c for c in text if c not in (formats or {}) and c not in numbers]
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


def band_table(review: Review):
    """Customers, revenue and hours per band, with each band's share of the totals.

    Without time entries the hour columns are left out rather than shown as zeros.
    """
    currency = review.settings.currency_display
    c = review.customers
    grouped = c.groupby("band").agg(
        customers=("band", "size"), revenue=("revenue", "sum"), hours=("hours", "sum")
    )
    grouped = grouped.reindex(list(BANDS), fill_value=0)
    frame = pd.DataFrame(
        {
            "Band": [review.settings.band_labels[b] for b in grouped.index],
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


def payment_by_size(review: Review):
    """Per size band: invoices due, share paid late, median and weighted days late, open debt."""
    currency = review.settings.currency_display
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


def payment_actions(review: Review):
    """Customers whose payment needs action, worst first, with the advice for their size."""
    currency = review.settings.currency_display
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


def headache_table(review: Review):
    """The headache list, worst revenue per hour first, with rank and percentile."""
    currency = review.settings.currency_display
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
            "Bottom 5%": listed["in_bottom_5pct"].map({True: "yes", False: ""}),
            "Band": listed["band"].map(review.settings.band_labels),
        }
    )
    formats = {
        "Revenue": lambda v: money(v, currency),
        "Hours": "{:,.1f}",
        "Revenue per hour": lambda v: per_hour(v, currency),
        "Percentile": share,
    }
    return table(frame, formats, what="customers")


def fire_candidates_table(review: Review):
    """Fire candidates, lowest score first, with the reason in words."""
    currency = review.settings.currency_display
    c = review.customers
    fire = c[c["band"] == "fire_candidate"].sort_values(["checklist_score", "revenue"])
    frame = pd.DataFrame(
        {
            "Customer": fire["name"],
            "Size": fire["size_band"],
            "Revenue": fire["revenue"],
            "Revenue per hour": fire["revenue_per_hour"],
            "Reason": fire["reason"],
        }
    )
    formats = {
        "Revenue": lambda v: money(v, currency),
        "Revenue per hour": lambda v: per_hour(v, currency),
    }
    return table(frame, formats, what="customers")


ANSWER_CELLS = {
    True: ("yes", "background-color: #D4EFE4; color: #00573F"),
    False: ("no", "background-color: #F8D9C6; color: #8A3100; font-weight: bold"),
    "unanswered": ("?", "background-color: #EEEEEE; color: #666666; font-style: italic"),
}
MATRIX_ROWS_SHOWN = 40


def checklist_matrix(review: Review):
    """The seven answers of the fire candidates and the review band, lowest score first.

    Each cell says yes, no or ? (unanswered) in words and in colour, so the matrix reads the
    same in black and white. At most ``MATRIX_ROWS_SHOWN`` rows; the rest are counted.
    """
    c = review.customers
    shown = c[c["band"].isin(["fire_candidate", "review"])]
    shown = shown.assign(order=shown["band"].map({"fire_candidate": 0, "review": 1}))
    shown = shown.sort_values(["order", "checklist_score", "revenue"])
    items = shown[list(CHECKLIST_ITEMS)]
    answers = items.astype(object).where(items.notna(), "unanswered")
    frame = pd.DataFrame(
        {
            "Customer": shown["name"],
            "Band": shown["band"].map(review.settings.band_labels),
            "Score": shown["checklist_score"],
            **{review.settings.item_labels[i]: answers[i] for i in CHECKLIST_ITEMS},
        }
    )
    labels = [review.settings.item_labels[i] for i in CHECKLIST_ITEMS]
    styler = table(
        frame,
        dict.fromkeys(labels, lambda v: ANSWER_CELLS[v][0]),
        rows=MATRIX_ROWS_SHOWN,
        what="customers",
    )
    return styler.map(lambda v: ANSWER_CELLS[v][1], subset=labels).set_properties(
        subset=labels, **{"text-align": "center"}
    )


def needs_assessment_table(review: Review):
    """Customers whose band depends on unanswered items: who to ask, about what, most revenue
    first (where a wrong band would cost most)."""
    currency = review.settings.currency_display
    c = review.customers
    pending = c[c["band"] == "needs_assessment"].sort_values("revenue", ascending=False)
    unanswered = pending[list(CHECKLIST_ITEMS)].isna().to_numpy()
    labels = [review.settings.item_labels[item].lower() for item in CHECKLIST_ITEMS]
    frame = pd.DataFrame(
        {
            "Customer": pending["name"],
            "Account owner": pending["account_owner"],
            "Revenue": pending["revenue"],
            "Score so far": pending["checklist_score"].astype(str)
            + " of "
            + pending["checklist_answered"].astype(str)
            + " answered",
            "Unanswered": [
                ", ".join(label for label, open_ in zip(labels, row, strict=True) if open_)
                for row in unanswered
            ],
        }
    )
    return table(frame, {"Revenue": lambda v: money(v, currency)}, what="customers")


def aging_table(review: Review):
    """Open balance by company size and days past due, with totals."""
    currency = review.settings.currency_display
    aging = review.aging.join(review.customers["size_band"]).groupby("size_band").sum()
    aging = aging.reindex([s for s in SIZE_ORDER if s in aging.index])
    aging.loc["all sizes"] = aging.sum()
    aging["total"] = aging.sum(axis=1)
    frame = aging.rename_axis("Company size").reset_index()
    frame.columns = [
        "Company size",
        "Not yet due",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "Over 90 days",
        "Total",
    ]
    money_columns = frame.columns[1:]
    return table(frame, dict.fromkeys(money_columns, lambda v: money(v, currency)))


def data_quality_table(review: Review):
    """What the export held and what the review could not use (``quality.data_quality``)."""
    frame = review.data_quality.rename(columns=str.capitalize)
    return table(frame, {"Count": "{:,}"}, rows=len(frame))


def reconciliation_table(review: Review):
    """Totals found two ways, and whether they agree."""
    currency = review.settings.currency_display
    checks = reconciliation(review)

    def shown(value: float, unit: str) -> str:
        return money(value, currency, decimals=2) if unit == "money" else f"{value:,.0f}"

    frame = pd.DataFrame(
        {
            "Check": checks["check"],
            "Expected": [
                shown(v, u) for v, u in zip(checks["expected"], checks["unit"], strict=True)
            ],
            "Found": [shown(v, u) for v, u in zip(checks["found"], checks["unit"], strict=True)],
            "Holds": checks["holds"].map({True: "yes", False: "NO"}),
        }
    )
    return table(frame, rows=len(frame), numbers=("Expected", "Found"))


def input_files_table(review: Review):
    """The files the review read, how their text was read (encoding and delimiter, found or
    given), their rows and sha256, to tell which export it was."""
    frame = pd.DataFrame(
        [(f.name, f.read_as, f.rows, f.sha256) for f in review.files],
        columns=["File", "Read as", "Rows", "SHA-256"],
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


def impact_table(review: Review):
    """One row per exit scenario: what would be lost, freed and earned back, and the verdict."""
    currency = review.settings.currency_display
    scenarios = review.exit_scenarios()
    top = review.settings.exit.concentration_top

    def with_share(amount: float, part: float, unit=lambda v: money(v, currency)) -> str:
        return f"{unit(amount)} ({share(part)})"

    frame = pd.DataFrame(
        {
            "Letting go": scenarios.index,
            "Customers": scenarios["customers"].to_numpy(),
            "Revenue lost": [
                with_share(a, s)
                for a, s in zip(scenarios["revenue_lost"], scenarios["revenue_share"], strict=True)
            ],
            "Hours freed": [
                with_share(h, s, lambda v: f"{v:,.0f} h")
                for h, s in zip(scenarios["hours_freed"], scenarios["hours_share"], strict=True)
            ],
            "Contribution change": [money(v, currency) for v in scenarios["contribution_change"]],
            "Freed hours could earn": [money(v, currency) for v in scenarios["earn_back"]],
            "Net loss": [
                with_share(a, s)
                for a, s in zip(scenarios["net_loss"], scenarios["net_loss_share"], strict=True)
            ],
            f"Top {top} share, before → after": [
                f"{share(b)} → {share(a)}"
                for b, a in zip(
                    scenarios["top_share_before"], scenarios["top_share_after"], strict=True
                )
            ],
            "Verdict": scenarios["verdict"].to_numpy(),
        }
    )
    numbers = tuple(c for c in frame.columns if c not in ("Letting go", "Verdict"))
    return table(frame, rows=len(frame), numbers=numbers)


def tactics_table(review: Review):
    """The ways out for each fire candidate and headache-list customer, priced, with the one
    suggested and why; fire candidates first. The dates shared by all are in
    ``narrative.tactics_sentence``; quarterly rises show their span where they are suggested."""
    currency = review.settings.currency_display
    tactics = review.exit_tactics()
    tactics = tactics.assign(order=(tactics["band"] != "fire_candidate").astype(int))
    tactics = tactics.sort_values(["order", "revenue_per_hour"])
    dates = tactics["quarterly_schedule"].str.split(", ")

    def rises(row: dict, schedule: list[str]) -> str:
        if pd.isna(row["quarterly_steps"]) or row["quarterly_steps"] == 0:
            return "–"
        if row["tactic"] != "quarterly_increase":
            return f"{row['quarterly_steps']}"
        return f"{row['quarterly_steps']}: {schedule[0]} to {schedule[-1]}"

    frame = pd.DataFrame(
        {
            "Customer": tactics["name"],
            "Band": tactics["band"].map(review.settings.band_labels),
            "Revenue per hour": tactics["revenue_per_hour"],
            "Rise to the median rate": tactics["headache_tax"],
            "Quarterly 10% rises": [
                rises(row, schedule)
                for row, schedule in zip(tactics.to_dict("records"), dates, strict=True)
            ],
            "Suggested": tactics["tactic"].map(TACTICS),
            "Why": tactics["why"],
        }
    )
    formats = {
        "Revenue per hour": lambda v: per_hour(v, currency),
        "Rise to the median rate": share,
    }
    return table(frame, formats, what="customers", numbers=("Quarterly 10% rises",))


STAGE_LABELS = {
    "exit_decision": "Exit decision",
    "repair_plan": "Repair plan",
    "watch": "Watch",
    "none": "",
}


def strikes_table(review: Review):
    """Customers with a strike in the last three periods, most strikes first."""
    c = review.customers
    struck = c[c["strikes_last_3"] > 0].sort_values(
        ["strikes_last_3", "revenue"], ascending=[False, False]
    )
    frame = pd.DataFrame(
        {
            "Customer": struck["name"],
            "Band now": struck["band"].map(review.settings.band_labels),
            "On the headache list now": struck["on_headache_list"].map({True: "yes", False: ""}),
            "Strikes in the last 3 periods": struck["strikes_last_3"],
            "Periods with a strike": struck["strike_periods"],
            "Stage": struck["stage"].map(STAGE_LABELS),
        }
    )
    return table(frame, what="customers")


def changes_table(changes: pd.DataFrame, band_labels: dict[str, str] = BAND_LABELS):
    """Who entered or left a band or the headache list since the previous period: moves in and
    out of the fire candidates and the headache list first, as they make or clear strikes."""
    striking = changes["what"].isin(["fire_candidate", "headache list"])
    changes = changes.assign(order=(~striking).astype(int)).sort_values("order", kind="stable")
    what = changes["what"].map(lambda w: band_labels.get(w, w))
    frame = pd.DataFrame(
        {
            "Customer": changes["name"],
            "Change": changes["change"] + " " + what.str.lower(),
            "Band before": changes["previous_band"].map(band_labels),
            "Band now": changes["band"].map(band_labels),
        }
    )
    return table(frame, what="changes")


def moving_on_table(review: Review):
    """Each customer let go: when, and what was given up and freed since. ``None`` when nobody
    was let go (``narrative.moving_on_sentence`` says why)."""
    currency = review.settings.currency_display
    if review.moving_on is None or review.moving_on.empty:
        return None
    let_go = review.moving_on.sort_values("decided_on")
    frame = pd.DataFrame(
        {
            "Customer": let_go["name"],
            "Decided on": let_go["decided_on"].dt.strftime("%Y-%m-%d"),
            "Revenue a year before": let_go["revenue_per_year_before"],
            "Revenue given up since": let_go["revenue_given_up"],
            "Hours freed since": let_go["hours_freed"],
            "Freed hours worth": let_go["freed_hours_worth"],
        }
    )
    amount = lambda v: money(v, currency)  # noqa: E731
    formats = {
        "Revenue a year before": amount,
        "Revenue given up since": amount,
        "Hours freed since": "{:,.0f}",
        "Freed hours worth": amount,
    }
    return table(frame, formats, what="customers")
