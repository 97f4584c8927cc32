"""One customer's dossier in tables: its measures against the portfolio, its open invoices,
its time by activity, its checklist item by item, its strikes and its ways out.

Every table goes through ``tables.table``, which escapes every cell.
"""

from __future__ import annotations

import pandas as pd

from helpers.report.dossier_words import checklist_answers, rank_standing
from helpers.report.reasons import priced_ways
from helpers.report.tables import ANSWER_CELLS, table
from helpers.report.words import (
    AGING_LABELS,
    TACTICS,
    band_labels,
    days,
    display,
    hours,
    item_labels,
    money,
    ordinal,
    per_hour,
    share,
    window_heading,
)
from helpers.review import dossier as model
from helpers.review.dossier import Dossier

QUESTIONS = {
    "repeat_business": "Do they come back and buy regularly?",
    "influencer": "Do they recommend us?",
    "spend": "Do they spend most of their budget with us?",
    "service": "Is the time they take reasonable?",
    "upsell": "Is there room to grow?",
    "right_reasons": "Do they buy for the right reasons?",
    "values_aligned": "Do we share core values?",
}
ANSWER_STYLES = {"yes": ANSWER_CELLS[True][1], "no": ANSWER_CELLS[False][1]}
ANSWER_STYLES["unanswered"] = ANSWER_CELLS["unanswered"][1]
MEASURE_LABELS = {
    "revenue": "Revenue",
    "hours": "Hours",
    "revenue_per_hour": "Revenue per hour",
    "contribution": "Contribution",
    "avg_days_late": "Average days beyond terms",
    "open_balance": "Open balance",
    "share_of_wallet": "Share of wallet",
    "headroom": "Headroom",
}


# Measured over the judgement window (the rest are as of the as-of date, or yearly).
OVER_THE_WINDOW = ("revenue", "hours", "revenue_per_hour", "contribution", "avg_days_late")


def where_it_stands(dossier: Dossier, measures: pd.DataFrame) -> dict[str, str]:
    """Where the customer stands on each of ``measures`` (``dossier.portfolio_measures``), in
    words: its share of the total, its rank, or what the measure's threshold makes of it."""
    review, c = dossier.review, dossier.customer
    rules, currency = review.settings, display(review.settings)

    def largest(key: str) -> str:
        return (
            f"{ordinal(int(measures.loc[key, 'rank']))} largest of {measures.loc[key, 'ranked']:,}"
        )

    where = {
        "revenue": f"{share(measures.loc['revenue', 'share'])} of the total; {largest('revenue')}",
        "contribution": "costs more to serve than it brings"
        if c["contribution"] < 0
        else largest("contribution"),
    }
    if "hours" in measures.index:
        where["hours"] = f"{share(measures.loc['hours', 'share'])} of the team's hours"
        where["revenue_per_hour"] = rank_standing(dossier)
    if "avg_days_late" in measures.index:
        late_from, late = rules.late_payer_days, c["avg_days_late"]
        where["avg_days_late"] = (
            "nothing fell due in the judgement window"
            if pd.isna(late)
            else f"{'a late payer' if late > late_from else 'on time'}: late from "
            f"{late_from:g} days"
        )
        owed = measures.loc["open_balance", "share"]
        where["open_balance"] = f"{share(owed)} of all that is owed"
    if "share_of_wallet" in measures.index:
        needed = rules.checklist.spend_share_needed
        wallet = c["share_of_wallet"]
        where["share_of_wallet"] = (
            "no estimate of its budget"
            if pd.isna(wallet)
            else f"{'at least' if wallet >= needed else 'less than'} {share(needed)} of its "
            "budget with us"
        )
        room = rules.checklist.upsell_min_headroom
        where["headroom"] = (
            "–"
            if pd.isna(c["headroom"])
            else f"{'room' if c['headroom'] >= room else 'little room'} to grow "
            f"(room from {money(room, currency)} a year)"
        )
    return where


def measures_table(dossier: Dossier):
    """``dossier.portfolio_measures`` as a table: each measure beside the portfolio median and
    all customers together, formatted for people, and where the customer stands."""
    currency = display(dossier.review.settings)
    frame = model.portfolio_measures(dossier)
    where = where_it_stands(dossier, frame)
    window = window_heading(dossier.review)
    formats = {
        "revenue": lambda v: money(v, currency),
        "hours": hours,
        "revenue_per_hour": lambda v: per_hour(v, currency),
        "contribution": lambda v: money(v, currency),
        "avg_days_late": lambda v: "–" if pd.isna(v) else days(v),
        "open_balance": lambda v: money(v, currency),
        "share_of_wallet": share,
        "headroom": lambda v: money(v, currency),
    }
    shown = pd.DataFrame(
        {
            "Measure": [
                f"{MEASURE_LABELS[k]}, {window}" if k in OVER_THE_WINDOW else MEASURE_LABELS[k]
                for k in frame.index
            ],
            "This customer": [formats[k](v) for k, v in frame["customer"].items()],
            "Portfolio median": [formats[k](v) for k, v in frame["median"].items()],
            "All customers together": [formats[k](v) for k, v in frame["total"].items()],
            "Where it stands": [where[k] for k in frame.index],
        }
    )
    # A customer younger than the window is measured over the days it has been one.
    judged_days = int(dossier.customer["judged_days"])
    mine = (
        "This customer"
        if judged_days >= dossier.review.window.days
        else f"This customer ({judged_days:,} days)"
    )
    shown = shown.rename(columns={"This customer": mine})
    numbers = (mine, "Portfolio median", "All customers together")
    return table(shown, rows=len(shown), numbers=numbers)


def open_invoices_table(dossier: Dossier):
    """The customer's invoices open on the as-of date, oldest due first, with days past due
    and aging bucket."""
    currency = display(dossier.review.settings)
    open_ = dossier.open_invoices
    frame = pd.DataFrame(
        {
            "Invoice": open_["invoice_id"],
            "Issued": open_["issued_on"].dt.strftime("%-d %b %Y"),
            "Due": open_["due_on"].dt.strftime("%-d %b %Y"),
            "Amount": open_["amount"],
            "Days past due": open_["days_past_due"].where(open_["days_past_due"] > 0),
            "Aging": open_["aging_bucket"].astype(str).map(AGING_LABELS),
        }
    )
    if "product_line" in open_:
        frame.insert(3, "Product line", open_["product_line"])
    formats = {"Amount": lambda v: money(v, currency, decimals=2), "Days past due": "{:.0f}"}
    return table(frame, formats, what="invoices", numbers=("Issued", "Due"))


def time_table(dossier: Dossier):
    """Hours by activity in the period and over the two years, most first, with a total row;
    ``None`` when no time was logged for the customer."""
    entries = dossier.time_entries
    if entries is None or entries.empty:
        return None
    period = dossier.review.period
    two_years = entries.groupby("activity")["hours"].sum()
    since = f"Hours since {dossier.since:%b %Y}"
    in_period = entries[period.contains(entries["date"])].groupby("activity")["hours"].sum()
    frame = pd.DataFrame(
        {
            "Activity": two_years.index.astype(str),
            f"Hours in {period.label}": in_period.reindex(two_years.index, fill_value=0.0),
            since: two_years,
        }
    ).sort_values(since, ascending=False, kind="stable")
    frame["Share"] = frame[since] / two_years.sum()
    total = pd.DataFrame(
        [["all activities", frame.iloc[:, 1].sum(), two_years.sum(), 1.0]], columns=frame.columns
    )
    frame = pd.concat([frame, total], ignore_index=True)
    formats = {
        f"Hours in {period.label}": "{:,.1f}",
        since: "{:,.1f}",
        "Share": share,
    }
    return table(frame, formats, rows=len(frame))


def checklist_table(dossier: Dossier):
    """The seven items with the question, the answer in words and colour, where the answer
    came from, and the evidence."""
    answers = checklist_answers(dossier)
    frame = pd.DataFrame(
        {
            "Item": [item_labels(dossier.review.settings)[i] for i in answers.index],
            "Question": [QUESTIONS[i] for i in answers.index],
            "Answer": answers["answer"].to_numpy(),
            "Source": answers["source"].fillna("–").to_numpy(),
            "Evidence": answers["evidence"].to_numpy(),
        }
    )
    styler = table(frame, rows=len(frame))
    return styler.map(lambda v: ANSWER_STYLES[v], subset=["Answer"]).set_properties(
        subset=["Answer"], **{"text-align": "center"}
    )


def strikes_table(dossier: Dossier):
    """``dossier.strike_history`` for people: a period not in the history says so."""
    history = model.strike_history(dossier)
    recorded = history["band"].notna()
    frame = pd.DataFrame(
        {
            "Period": history.index,
            "Band": history["band"]
            .map(band_labels(dossier.review.settings))
            .where(recorded, "not in the history"),
            "On the headache list": history["on_headache_list"]
            .map({True: "yes", False: "no"})
            .where(recorded, "–"),
            "Strike": history["strike"].map({True: "strike", False: "–"}),
        }
    )
    return table(frame, rows=len(frame))


def tactics_table(dossier: Dossier):
    """The five ways out priced for this customer, the suggested one marked; ``None`` when
    no way out is needed."""
    row = model.tactics(dossier)
    if row is None:
        return None
    currency = display(dossier.review.settings)
    rules = dossier.review.settings.exit
    priced = priced_ways(row.to_dict(), rules, currency, dossier.review.median_revenue_per_hour)
    values = dossier.customer["values_aligned"]
    compensation = (
        "adjust it: the customer does not share our values"
        if pd.notna(values) and not values
        else "not needed: values are not in question"
        if pd.notna(values)
        else "values unanswered: ask the account owner"
    )
    ways = [(key, TACTICS[key], priced[key]) for key in priced]
    ways.append(("sales_compensation", "Sales compensation", compensation))
    frame = pd.DataFrame(
        {
            "Way out": [label for _, label, _ in ways],
            "For this customer": [what for _, _, what in ways],
            "Suggested": ["suggested" if key == row["tactic"] else "" for key, _, _ in ways],
        }
    )
    styler = table(frame, rows=len(frame))
    return styler.map(
        lambda v: "font-weight: bold; color: #00573F" if v == "suggested" else "",
        subset=["Suggested"],
    )
