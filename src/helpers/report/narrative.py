"""The review's sentences: what each section of the page says, computed from the review.

Sentences are built from the review's numbers, never typed by hand; a figure a sentence shares
with a table or a chart comes from ``helpers.review.portfolio``. They reach the page through
``words.paragraphs``, escaped.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from helpers.io.contract import BANDS
from helpers.report.words import band_labels, count, display, money, per_hour, share, verb
from helpers.review import portfolio
from helpers.review.exits import top_share, way_out_dates
from helpers.review.model import Review

NO_TIME = (
    "The export holds no time entries (time_entries.csv), so the time each customer takes and "
    "revenue per hour cannot be shown. Add the time-tracking export to see the headache list."
)
NO_PAYMENTS = (
    "The export's invoices have no payment dates (column paid_on), so payment delays cannot be "
    "judged. Add the date each invoice was paid, blank while unpaid."
)


def title(company: str, review: Review) -> HTML:
    period = review.period
    return HTML(
        f"<h1>{html.escape(company)}: customer review {html.escape(period.label)}</h1>"
        f'<p class="review-subtitle">{period.start:%-d %B %Y} to {period.end:%-d %B %Y}, '
        f"payments judged as of {period.as_of:%-d %B %Y}.</p>"
    )


def summary_sentences(review: Review) -> list[str]:
    """The portfolio in a few computed sentences."""
    currency = display(review.settings)
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
    by_band = portfolio.bands(review)
    names = band_labels(review.settings)

    def band_part(band: str) -> str:
        number, part = int(by_band.loc[band, "customers"]), by_band.loc[band, "share_of_revenue"]
        return f"{names[band].lower()}: {count(number, 'customer')} ({share(part)} of revenue)"

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


def headache_sentence(review: Review) -> str:
    """The headache list's share of the team's hours against its share of revenue, for the
    list and for its bottom 5%."""
    currency = display(review.settings)
    listed = portfolio.headache_shares(review)
    if not listed.customers:
        return "No customer is on the headache list: too few customers have time logged."
    sentence = (
        f"The headache list, the bottom {share(review.settings.headache_share)} of customers by "
        f"revenue per hour ({count(listed.customers, 'customer')} at or below "
        f"{per_hour(listed.cutoff, currency)}), takes "
        f"{share(listed.hours_share)} of the team's hours and brings "
        f"{share(listed.revenue_share)} of the revenue."
    )
    core = listed.core_customers
    if core and core < listed.customers:
        sentence += (
            f" The bottom 5% alone ({count(core, 'customer')}) "
            f"{verb(core, 'takes', 'take')} {share(listed.core_hours_share)} of the "
            f"hours for {share(listed.core_revenue_share)} of the revenue."
        )
    return sentence


def payment_sentence(review: Review) -> str:
    currency = display(review.settings)
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


def whale_sentences(review: Review) -> list[str]:
    """Contribution after the cost of service time: how concentrated, and who loses money
    (``portfolio.contribution``)."""
    currency = display(review.settings)
    whale = portfolio.contribution(review)
    if not review.has_time:
        return [
            "The export holds no time entries, so the cost of serving each customer is unknown "
            f"and contribution equals revenue: {money(whale.total, currency)}."
        ]
    sentences = [
        f"After the cost of the team's time at {money(review.settings.hourly_cost, currency)} an "
        f"hour, the {count(whale.customers, 'customer')} contribute "
        f"{money(whale.total, currency)}. The top 20% ({count(whale.top_customers, 'customer')}) "
        f"bring {share(whale.top_share)} of it."
    ]
    losing = whale.losing_customers
    if losing:
        sentences.append(
            f"{count(losing, 'customer')} {verb(losing, 'costs', 'cost')} more to "
            f"serve than {verb(losing, 'it brings', 'they bring')}: together "
            f"{money(whale.losing_contribution, currency)}. Without them the rest would "
            f"contribute {share(whale.peak_share)} of today's total."
        )
    return sentences


def wallet_sentences(review: Review) -> list[str]:
    """Future potential: how much of their budgets the customers spend with us."""
    currency = display(review.settings)
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
    currency = display(review.settings)
    rules = review.settings.exit
    top = top_share(review.customers["revenue"], rules.concentration_top)
    return [
        "Letting a customer go loses its revenue but frees the hours it takes, which could earn "
        f"revenue elsewhere at the median {per_hour(review.median_revenue_per_hour, currency)}. "
        f"A scenario is affordable when the revenue lost, less that, is at most "
        f"{share(rules.affordable_loss_share)} of revenue (affordable_loss_share); not "
        f"affordable when it would lose more than {share(rules.max_loss_share)} of revenue "
        "(max_loss_share), whatever the hours could earn; otherwise it needs a plan to replace "
        "the revenue first.",
        f"The {rules.concentration_top} largest customers bring "
        f"{share(top)} of revenue: the more the business "
        "depends on a few, the more each exit weighs.",
    ]


def tactics_sentence(review: Review) -> str:
    """The dates every way out shares, counted from the as-of date."""
    rules = review.settings.exit
    as_of = pd.Timestamp(review.period.as_of)
    notice_ends, rise = way_out_dates(as_of, rules)
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
    if not review.history.path:
        sentences.append(
            "No history of earlier periods was given, so only this period's strikes count; the "
            "customer-review command keeps that history for each company."
        )
    return sentences


def changes_sentence(review: Review, changes: pd.DataFrame) -> str:
    """What the changes table compares, or why there is none."""
    previous = review.period.previous().label
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
    currency = display(review.settings)
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
