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
from helpers.report.words import (
    band_labels,
    count,
    date,
    display,
    judgement_window,
    money,
    months,
    no_data_yet,
    per_hour,
    share,
    verb,
)
from helpers.review import portfolio
from helpers.review.exits import top_share, way_out_dates
from helpers.review.judgement import TOO_NEW
from helpers.review.model import Review
from helpers.review.strikes import (
    FROM_THE_EXPORT,
    RECORDED,
    quarter_label,
    quarters_counted,
)

NO_TIME = (
    "The export holds no time entries (time_entries.csv), so the time each customer takes and "
    "revenue per hour cannot be shown. Add the time-tracking export to see the headache list."
)
NO_PAYMENTS = (
    "The export's invoices have no payment dates (column paid_on), so payment delays cannot be "
    "judged. Add the date each invoice was paid, blank while unpaid."
)


def title(company: str, review: Review, what_if: str = "") -> HTML:
    """The page's title, the period and the day it is judged as of; when it is a what-if
    (``what_if`` says what changed), that it is not the official review; and, when the period
    reaches past the export, that its last days have no data yet."""
    period = review.period
    window = judgement_window(review)
    missing = no_data_yet(review)
    warning = f'<p class="review-note">{html.escape(missing)}</p>' if missing else ""
    if what_if:
        warning = (
            f'<p class="review-note">What-if, not the official review: '
            f"{html.escape(what_if)}.</p>{warning}"
        )
    return HTML(
        f"<h1>{html.escape(company)}: customer review {html.escape(period.label)}</h1>"
        f'<p class="review-subtitle">{date(period.start)} to {date(period.end)}. Customers are '
        f"judged over {html.escape(window)}; payments as of {date(period.as_of)}.</p>"
        f"{warning}"
    )


def summary_sentences(review: Review) -> list[str]:
    """The portfolio in a few computed sentences: the period's figures, then the judgement's
    over the window."""
    currency = display(review.settings)
    c = review.customers
    label, window = review.period.label, judgement_window(review)
    in_period = c[(c["period_revenue"] != 0) | (c["period_hours"].fillna(0) > 0)]
    revenue = in_period["period_revenue"].sum()
    sentences = []
    if review.has_time:
        sentences.append(
            f"In {label}, {count(len(in_period), 'customer')} brought "
            f"{money(revenue, currency)} of revenue and took "
            f"{in_period['period_hours'].sum():,.0f} hours of the team's time."
        )
        ranked = c[c["ranked"]]
        rate = ranked["revenue"].sum() / ranked["hours"].sum() if len(ranked) else float("nan")
        sentences.append(
            f"Customers are judged over {window}, in which the {count(len(c), 'customer')} "
            f"reviewed brought {money(c['revenue'].sum(), currency)} for "
            f"{c['hours'].sum():,.0f} hours. Ranked by revenue per hour, "
            f"{count(len(ranked), 'customer')} earn {per_hour(rate, currency)} together, "
            f"{per_hour(review.median_revenue_per_hour, currency)} for the median one."
            + _not_ranked(review)
        )
    else:
        sentences.append(
            f"In {label}, {count(len(in_period), 'customer')} brought "
            f"{money(revenue, currency)} of revenue. Customers are judged over {window}, in "
            f"which the {count(len(c), 'customer')} reviewed brought "
            f"{money(c['revenue'].sum(), currency)}. The export holds no time entries, so time "
            "spent and revenue per hour cannot be judged."
        )
    if review.not_reviewed:
        sentences.append(
            f"{count(review.not_reviewed, 'other customer')} in the export bought nothing, "
            f"took no time and owed nothing in {window}, and "
            f"{verb(review.not_reviewed, 'is', 'are')} left out."
        )
    by_band = portfolio.bands(review)
    names = band_labels(review.settings)

    def band_part(band: str) -> str:
        number, part = int(by_band.loc[band, "customers"]), by_band.loc[band, "share_of_revenue"]
        return f"{names[band].lower()}: {count(number, 'customer')} ({share(part)} of revenue)"

    sentences.append(
        f"By the seven-item checklist, over {window}: "
        + "; ".join(band_part(band) for band in BANDS if band != TOO_NEW)
        + ". Customers who need an assessment cannot be placed until someone answers the missing "
        "checklist items"
        + _likely_fire_candidates(review)
        + (
            f" {count(int(by_band.loc[TOO_NEW, 'customers']), 'customer')} "
            f"{verb(int(by_band.loc[TOO_NEW, 'customers']), 'is', 'are')} too new to judge "
            f"(a customer for less than {months(review.settings.min_tenure_months)})."
            if by_band.loc[TOO_NEW, "customers"]
            else ""
        )
    )
    if review.has_time:
        sentences.append(headache_sentence(review))
    if review.has_payments:
        sentences.append(payment_sentence(review))
    return sentences


def _likely_fire_candidates(review: Review) -> str:
    """How many customers awaiting an assessment are likely fire candidates, ending the
    sentence."""
    likely = len(portfolio.likely_fire_candidates(review))
    if not likely:
        return "."
    fewest = review.settings.checklist.review_from - 1
    return (
        f"; {likely:,} of them {verb(likely, 'has', 'have')} {fewest} or fewer yes answers so "
        f"far: likely fire candidates."
    )


def _not_ranked(review: Review) -> str:
    """Who is not ranked by revenue per hour, and why, as the end of a sentence."""
    c = review.customers
    too_little = int((~c["enough_time"] & ~c["too_new"] & (c["hours"] > 0)).sum())
    not_invoiced = c["hours_not_invoiced"].sum()
    parts = []
    if too_little:
        parts.append(
            f" {count(too_little, 'customer')} with time logged "
            f"{verb(too_little, 'has', 'have')} less than "
            f"{review.settings.min_hours:g} hours in it: too little to rank."
        )
    if not_invoiced:
        parts.append(
            f" {not_invoiced:,.0f} hours logged since the last invoice of customers invoiced "
            "on a regular cycle are work not invoiced yet, not time without revenue."
        )
    return "".join(parts)


def headache_sentence(review: Review) -> str:
    """The headache list's share of the team's hours against its share of revenue, for the
    list and for its bottom 5%."""
    currency = display(review.settings)
    listed = portfolio.headache_shares(review)
    if not listed.customers:
        return (
            "No customer is on the headache list: too few customers have enough time logged "
            "to rank."
        )
    sentence = (
        f"Over {judgement_window(review)}, the headache list, the bottom "
        f"{share(review.settings.headache_share)} of the customers ranked by "
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
        # The same 90+ figure as the aging chart's title, and the non-payers' part of it.
        over_90 = portfolio.aging_by_size(review)["90+"].sum()
        theirs = review.aging["90+"].reindex(non_payers.index, fill_value=0).sum()
        everyone = (
            "all that is owed that long"
            if abs(over_90 - theirs) < portfolio.TOLERANCE
            else f"of {money(over_90, currency)} owed that long by all customers"
        )
        parts.append(
            f"{count(len(non_payers), 'non-payer')} (an invoice unpaid more than "
            f"{review.settings.non_payer_days} days past due) "
            f"{verb(len(non_payers), 'owes', 'owe')} {owed} in all, "
            f"{money(theirs, currency)} of it more than 90 days past due ({everyone})"
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
        return f"Every customer paid its invoices due in {judgement_window(review)} on time."
    return f"Payment, over {judgement_window(review)}: " + "; ".join(parts) + "."


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
        f"Over {judgement_window(review)}, after the cost of the team's time at "
        f"{money(review.settings.hourly_cost, currency)} an "
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
        f"for what we sell. At the pace of {judgement_window(review)} (or of the time since "
        f"they became customers, when shorter) they spend {money(spent, currency)} a year "
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
    median = per_hour(review.median_revenue_per_hour, currency)
    return [
        f"Over {judgement_window(review)}, letting a customer go would have lost its revenue "
        "and freed the hours it took. Those hours earn again only if they can be sold to "
        "someone else: the table gives the net loss with none of them sold again and with all "
        f"of them sold at the median {median}. The verdict counts "
        f"{share(rules.resold_share)} of them sold again (resold_share): a scenario is "
        f"affordable when its net loss is at most {share(rules.affordable_loss_share)} of "
        f"revenue (affordable_loss_share); not affordable when it would lose more than "
        f"{share(rules.max_loss_share)} of revenue (max_loss_share), whatever the hours; "
        "otherwise it needs a plan to replace the revenue first.",
        f"The {rules.concentration_top} largest customers bring "
        f"{share(top)} of revenue: the more the business "
        "depends on a few, the more each exit weighs.",
    ]


def tactics_sentence(review: Review) -> str:
    """The dates every way out shares, counted from the day the plan starts."""
    rules = review.settings.exit
    plan_from = pd.Timestamp(review.plan_from)
    notice_ends, rise = way_out_dates(plan_from, rules)
    return (
        f"Counted from {plan_from:%-d %B %Y}, the day the plan starts: "
        f"{rules.notice_months} months' notice ends service on {notice_ends:%-d %B %Y}; a "
        f"price rise announced with {rules.price_notice_days} days' notice takes effect on "
        f"{rise:%-d %B %Y}, and quarterly rises of {share(rules.quarterly_increase)} follow "
        "every three months from then, until the customer's revenue per hour reaches the "
        "portfolio median. Every way out is priced a year, at the pace of the judgement "
        "window: what notice gives up, what a rise to the median at once, the quarterly rises "
        "(once the last has taken effect) and the headache tax (the hours beyond what the "
        "revenue pays for at the median rate, charged at that rate) would bring. A customer to "
        f"keep is never given notice nor asked for more than {share(rules.keep_rise_cap)} "
        "(keep_rise_cap)."
    )


def strikes_sentences(review: Review) -> list[str]:
    """Where customers stand on the three-strikes road map, and what history it rests on."""
    c = review.customers
    stages = c["stage"].value_counts()
    struck = int((c["strikes_last_3"] > 0).sum())
    quarters = strike_quarters(review)
    if not struck:
        return [f"No customer was a fire candidate or on the headache list in {quarters}."]
    sentences = [
        f"{count(struck, 'customer')} {verb(struck, 'has', 'have')} at least one strike in "
        f"{quarters}: {int(stages.get('exit_decision', 0)):,} at the exit decision "
        f"(three strikes), {int(stages.get('repair_plan', 0)):,} with a repair plan due (two) "
        f"and {int(stages.get('watch', 0)):,} to watch (one)."
    ]
    sources = review.quarters.groupby("quarter")["source"].first()
    exported = [quarter for quarter, source in sources.items() if source == FROM_THE_EXPORT]
    recorded = [quarter for quarter, source in sources.items() if source == RECORDED]
    if exported:
        sentences.append(
            f"{' and '.join(exported)} {verb(len(exported), 'was', 'were')} never reviewed "
            "through the customer-review command, which keeps each company's history: "
            f"{verb(len(exported), 'its', 'their')} outcome is judged from the export, with "
            f"the same rules, as of {verb(len(exported), 'its', 'each')} quarter's end."
        )
    if recorded:
        sentences.append(
            f"{' and '.join(recorded)} {verb(len(recorded), 'counts', 'count')} as "
            f"{verb(len(recorded), 'it was', 'they were')} reviewed then."
        )
    return sentences


def strike_quarters(review: Review) -> str:
    """The quarters the strikes count, in words: ``the three quarters 2026-Q1 to 2026-Q3``."""
    quarters = [quarter_label(q) for q in quarters_counted(review.period.as_of)]
    return f"the {len(quarters)} quarters {quarters[0]} to {quarters[-1]}"


def changes_sentence(review: Review, changes: pd.DataFrame) -> str:
    """What the changes table compares, or why there is none."""
    previous = review.period.previous().label
    if review.previous is None:
        return f"The export begins after {previous} ended: there is nothing to compare."
    # A recorded period has rows; one judged from the export may have reviewed no one.
    recorded = len(review.previous) and review.previous["source"].iloc[0] == RECORDED
    judged = (
        ""
        if recorded
        else " (never reviewed through the customer-review command: judged from the export "
        "as of its end)"
    )
    if changes.empty:
        return f"Nothing changed since {previous}{judged}."
    return f"Compared with {previous}{judged}: {count(len(changes), 'change')}."


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


def comparison_sentence(review: Review) -> str:
    """Where the previous period's figures come from, or why there are none."""
    before = review.previous_figures
    if before is None:
        return (
            f"The export begins after the period before {review.period.label} ended: there is "
            "nothing to compare with."
        )
    where = (
        "its fire candidates and headache list as an earlier run recorded them"
        if before.source == RECORDED
        else "no run of it was recorded, so it is judged from the export with the same rules"
    )
    return (
        f"{review.figures.label} against {before.label}, as of {date(before.as_of)}: {where}; "
        "its money and hours are read from the export."
        + (
            " The headache list's shares are of the judgement window to each period's end."
            if review.has_time
            else ""
        )
    )
