"""The report's words: numbers formatted for people, computed sentences, and reasons.

Sentences are built from the review's numbers, never typed by hand. What reaches the page goes
through ``html.escape``, so a customer named ``<script>`` is shown as text, never run.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from IPython.display import HTML

from helpers.checks import CHECKLIST_FROM_DATA
from helpers.history import previous_period_label
from helpers.money import CurrencyDisplay, currency_display
from helpers.scoring import BANDS, CHECKLIST_ITEMS

if TYPE_CHECKING:
    from helpers.review import Review

SIZE_ORDER = ("micro", "small", "medium", "large", "unknown")
NO_TIME = (
    "The export holds no time entries (time_entries.csv), so the time each customer takes and "
    "revenue per hour cannot be shown. Add the time-tracking export to see the headache list."
)
NO_PAYMENTS = (
    "The export's invoices have no payment dates (column paid_on), so payment delays cannot be "
    "judged. Add the date each invoice was paid, blank while unpaid."
)


def money(amount: float, currency: CurrencyDisplay | str = "EUR", *, decimals: int = 0) -> str:
    """``€12,345`` in English, ``12 345 kr`` in Swedish: see ``helpers.money``. ``currency``
    is a display or an ISO code; a missing amount is a dash."""
    return currency_display(currency)(amount, decimals)


def per_hour(amount: float, currency: CurrencyDisplay | str = "EUR") -> str:
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


def title(company: str, review: Review) -> HTML:
    period = review.period
    return HTML(
        f"<h1>{html.escape(company)}: customer review {html.escape(period.label)}</h1>"
        f'<p class="review-subtitle">{period.start:%-d %B %Y} to {period.end:%-d %B %Y}, '
        f"payments judged as of {period.as_of:%-d %B %Y}.</p>"
    )


def summary_sentences(review: Review) -> list[str]:
    """The portfolio in a few computed sentences."""
    currency = review.settings.currency_display
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
        name = review.settings.band_labels[band].lower()
        return f"{name}: {count(number, 'customer')} ({share(part)} of revenue)"

    sentences.append(
        "By the seven-item checklist: "
        + "; ".join(band_part(band) for band in BANDS)
        + ". Customers who need an assessment cannot be placed until someone answers the missing "
        "checklist items."
    )
    if review.has_time:
        sentences.append(headache_sentence(review))
    if review.has_payments:
        sentences.append(payment_sentence(review))
    return sentences


def headache_cutoff(review: Review) -> float:
    """The highest revenue per hour on the headache list (missing when the list is empty)."""
    listed = review.customers[review.customers["on_headache_list"]]
    return listed["revenue_per_hour"].max() if len(listed) else float("nan")


def headache_sentence(review: Review) -> str:
    """The headache list's share of the team's hours against its share of revenue, for the
    list and for its bottom 5%."""
    currency = review.settings.currency_display
    c = review.customers
    listed = c[c["on_headache_list"]]
    if listed.empty:
        return "No customer is on the headache list: too few customers have time logged."
    hours, revenue = review.shares_of(listed)
    core = listed[listed["in_bottom_5pct"]]
    sentence = (
        f"The headache list, the bottom {share(review.settings.headache_share)} of customers by "
        f"revenue per hour ({count(len(listed), 'customer')} at or below "
        f"{per_hour(headache_cutoff(review), currency)}), takes "
        f"{share(hours)} of the team's hours and brings {share(revenue)} of the revenue."
    )
    if len(core) and len(core) < len(listed):
        core_hours, core_revenue = review.shares_of(core)
        sentence += (
            f" The bottom 5% alone ({count(len(core), 'customer')}) "
            f"{verb(len(core), 'takes', 'take')} {share(core_hours)} of the "
            f"hours for {share(core_revenue)} of the revenue."
        )
    return sentence


def payment_sentence(review: Review) -> str:
    currency = review.settings.currency_display
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


# What an item answered "no" by an account owner says against the customer.
ASSESSED_NO = {
    "repeat_business": "no repeat business",
    "spend": "spends most of its budget elsewhere",
    "service": "takes too much of the team's time",
    "upsell": "no room to grow",
    "influencer": "does not recommend us",
    "right_reasons": "buys for the wrong reasons",
    "values_aligned": "does not share our values",
}
# What ``_reason`` reads of a customer's row; the payment columns are absent without payments.
_REASON_COLUMNS = (
    "checklist_score",
    "non_payer",
    "open_balance",
    "oldest_unpaid_days",
    "payment_advice",
    "avg_days_late",
    "revenue_per_hour",
    "in_bottom_5pct",
    "on_headache_list",
    "quarters_bought",
    "share_of_wallet",
)


def _reason(row: dict, review: Review, median: float, currency: CurrencyDisplay) -> str:
    """One customer's checklist result in words: the score, then what counts against it:
    payment, the items the data answered no (``row["<item> by data"]``), the items an account
    owner answered no and those unanswered (``row["by_owner"]``, ``row["unanswered"]``, in
    words already)."""
    parts = []
    if row.get("non_payer", False):
        parts.append(
            f"owes {money(row['open_balance'], currency)} with an invoice "
            f"{row['oldest_unpaid_days']} days past due"
        )
    elif str(row.get("payment_advice", "")).startswith("late"):
        parts.append(f"pays {row['avg_days_late']:.0f} days late on average")
    if row["service by data"]:
        rate = per_hour(row["revenue_per_hour"], currency)
        if row["in_bottom_5pct"]:
            parts.append(f"revenue per hour in the bottom 5% ({rate})")
        elif row["on_headache_list"]:
            parts.append(
                f"revenue per hour in the bottom {share(review.settings.headache_share)} ({rate})"
            )
        else:
            parts.append(f"revenue per hour {rate}, below the median {per_hour(median, currency)}")
    if row["repeat_business by data"]:
        window = review.settings.checklist.repeat_quarters_window
        parts.append(f"bought in {row['quarters_bought']} of the last {window} quarters")
    if row["spend by data"]:
        parts.append(f"{share(row['share_of_wallet'])} share of wallet")
    if row["upsell by data"]:
        parts.append("little room to grow")
    if row["by_owner"]:
        parts.append(row["by_owner"])
    if row["unanswered"]:
        parts.append("unanswered: " + row["unanswered"])
    return f"{row['checklist_score']} of 7: " + (", ".join(parts) or "no item answered no")


def _listed(flags: pd.DataFrame, words: dict[str, str]) -> pd.Series:
    """Per row, the ``words`` of the columns of ``flags`` that are true, joined by commas in
    the columns' order; empty where none is."""
    text = pd.Series("", index=flags.index, dtype=object)
    for column, flagged in flags.items():
        text += np.where(flagged.to_numpy(bool), f"{words[column]}, ", "")
    return text.str.removesuffix(", ")


def _python_values(frame: pd.DataFrame) -> list[list]:
    """Each column of ``frame`` as a list of Python values, missing ones as ``pd.NA`` or NaN."""
    return [
        values.tolist() if values.dtype.kind in "fb" else values.astype(object).tolist()
        for _, values in frame.items()
    ]


def reasons(review: Review) -> pd.Series:
    """A one-line reason per reviewed customer, e.g. "3 of 7: pays 74 days late on average,
    revenue per hour in the bottom 5% (€23/h), bought in 1 of the last 4 quarters"."""
    c = review.customers
    median = review.median_revenue_per_hour
    currency, names = review.settings.currency_display, review.settings.item_labels
    items = list(CHECKLIST_ITEMS)
    said_no = c[items].eq(False).fillna(False).astype(bool)
    by_data = pd.DataFrame(
        {i: said_no[i] & c[f"{i}_source"].eq("data").fillna(False) for i in items}
    )
    table = c[[column for column in _REASON_COLUMNS if column in c]].assign(
        by_owner=_listed(said_no & ~by_data, ASSESSED_NO),
        unanswered=_listed(c[items].isna(), {i: names[i].lower() for i in items}),
        **{f"{i} by data": by_data[i] for i in CHECKLIST_FROM_DATA},
    )
    # Rows as dicts of Python values, built column by column (``to_dict`` boxes cell by cell).
    values = _python_values(table)
    rows = (dict(zip(table.columns, row, strict=True)) for row in zip(*values, strict=True))
    return pd.Series(
        [_reason(row, review, median, currency) for row in rows],
        index=c.index,
        dtype="string",
    )


def whale_sentences(review: Review) -> list[str]:
    """Contribution after the cost of service time: how concentrated, and who loses money."""
    currency = review.settings.currency_display
    c = review.customers
    curve = review.whale_curve
    total = c["contribution"].sum()
    cost = review.settings.hourly_cost
    if not review.has_time:
        return [
            "The export holds no time entries, so the cost of serving each customer is unknown "
            f"and contribution equals revenue: {money(total, currency)}."
        ]
    top = max(1, round(len(curve) * 0.2))
    losing = curve[curve["contribution"] < 0]
    sentences = [
        f"After the cost of the team's time at {money(cost, currency)} an hour, the "
        f"{count(len(c), 'customer')} contribute {money(total, currency)}. The top 20% "
        f"({count(top, 'customer')}) bring {share(curve['cumulative_share'].iloc[top - 1])} "
        "of it."
    ]
    if len(losing):
        sentences.append(
            f"{count(len(losing), 'customer')} {verb(len(losing), 'costs', 'cost')} more to "
            f"serve than {verb(len(losing), 'it brings', 'they bring')}: together "
            f"{money(losing['contribution'].sum(), currency)}. Without them the rest would "
            f"contribute {share(curve['cumulative_share'].max())} of today's total."
        )
    return sentences


def wallet_sentences(review: Review) -> list[str]:
    """Future potential: how much of their budgets the customers spend with us."""
    currency = review.settings.currency_display
    c = review.customers
    known = c.dropna(subset=["share_of_wallet"])
    if known.empty:
        return [
            "No customer has an estimate of its yearly budget for what we sell "
            "(potential_annual_spend), so share of wallet and headroom cannot be shown."
        ]
    needed = review.settings.checklist.spend_share_needed
    most = int((known["share_of_wallet"] >= needed).sum())
    spent = known["annual_revenue"].sum()
    wallet = known["potential_annual_spend"].sum()
    return [
        f"{count(len(known), 'customer')} of {len(c):,} have an estimate of their yearly budget "
        f"for what we sell. Over the last twelve months they spent {money(spent, currency)} "
        f"with us, {share(spent / wallet)} of their {money(wallet, currency)} budgets, leaving "
        f"{money(known['headroom'].sum(), currency)} a year of headroom. "
        f"{count(most, 'customer')} {verb(most, 'spends', 'spend')} at least {share(needed)} "
        "of their budget with us."
    ]


def impact_sentences(review: Review) -> list[str]:
    """How the verdicts are reached, with the thresholds used, and the concentration."""
    currency = review.settings.currency_display
    rules = review.settings.exit
    c = review.customers
    top = c["revenue"].nlargest(rules.concentration_top).sum()
    total = c["revenue"].sum()
    return [
        "Letting a customer go loses its revenue but frees the hours it takes, which could earn "
        f"revenue elsewhere at the median {per_hour(review.median_revenue_per_hour, currency)}. "
        f"A scenario is affordable when the revenue lost, less that, is at most "
        f"{share(rules.affordable_loss_share)} of revenue (affordable_loss_share); not "
        f"affordable when it would lose more than {share(rules.max_loss_share)} of revenue "
        "(max_loss_share), whatever the hours could earn; otherwise it needs a plan to replace "
        "the revenue first.",
        f"The {rules.concentration_top} largest customers bring "
        f"{share(top / total if total else float('nan'))} of revenue: the more the business "
        "depends on a few, the more each exit weighs.",
    ]


def tactics_sentence(review: Review) -> str:
    """The dates every way out shares, counted from the as-of date."""
    rules = review.settings.exit
    as_of = pd.Timestamp(review.period.as_of)
    notice_ends = as_of + pd.DateOffset(months=rules.notice_months)
    rise = as_of + pd.Timedelta(days=rules.price_notice_days)
    return (
        f"Counted from {as_of:%-d %B %Y}: {rules.notice_months} months' notice ends service on "
        f"{notice_ends:%-d %B %Y}; a price rise announced with {rules.price_notice_days} days' "
        f"notice takes effect on {rise:%-d %B %Y}, and quarterly rises of "
        f"{share(rules.quarterly_increase)} follow every three months from then. The rise to "
        "the median rate is the headache tax: what it would take for the customer's revenue "
        "per hour to reach the portfolio median."
    )


def strikes_sentences(review: Review) -> list[str]:
    """Where customers stand on the three-strikes road map, and what history it rests on."""
    c = review.customers
    stages = c["stage"].value_counts()
    struck = int((c["strikes_last_3"] > 0).sum())
    if not struck:
        return [
            "No customer was a fire candidate or on the headache list in the last three periods."
        ]
    sentences = [
        f"{count(struck, 'customer')} {verb(struck, 'has', 'have')} at least one strike in the "
        f"last three periods: {int(stages.get('exit_decision', 0)):,} at the exit decision "
        f"(three strikes), {int(stages.get('repair_plan', 0)):,} with a repair plan due (two) "
        f"and {int(stages.get('watch', 0)):,} to watch (one)."
    ]
    if not review.history_path:
        sentences.append(
            "No history of earlier periods was given, so only this period's strikes count; the "
            "customer-review command keeps that history for each company."
        )
    return sentences


def changes_sentence(review: Review, changes: pd.DataFrame) -> str:
    """What the changes table compares, or why there is none."""
    previous = previous_period_label(review.period)
    if changes.empty:
        return (
            f"Nothing changed since {previous}, or {previous} was not reviewed through the "
            "customer-review command, which keeps the history."
        )
    return f"Compared with the review of {previous}: {count(len(changes), 'change')}."


NO_DECISIONS = (
    "No decisions are recorded (decisions.csv in the export), so there is no one let go to "
    "follow. Record each customer let go, with the date of the decision, to see what the "
    "company gave up and what it gained."
)


def moving_on_sentence(review: Review) -> str:
    """Revenue given up by letting customers go, against what the freed hours are worth."""
    currency = review.settings.currency_display
    let_go = review.moving_on
    if let_go is None or let_go.empty:
        return (
            f"No customer was let go on or before {review.period.as_of:%-d %B %Y}."
            if let_go is not None
            else NO_DECISIONS
        )
    given_up = let_go["revenue_given_up"].sum()
    worth = let_go["freed_hours_worth"].sum()
    verdict = "more than" if worth > given_up else "less than"
    return (
        f"Since letting {count(len(let_go), 'customer')} go, the company has given up about "
        f"{money(given_up, currency)} of revenue and freed {let_go['hours_freed'].sum():,.0f} "
        f"hours, worth {money(worth, currency)} at the median "
        f"{per_hour(review.median_revenue_per_hour, currency)}: {verdict} what was given up, "
        "if the hours were put to use."
    )
