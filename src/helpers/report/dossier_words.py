"""One customer's dossier in words: who it is, where it stands, and what its history says.

Each function takes the ``Dossier`` (``helpers.review.dossier``) and returns sentences (shown
through ``words.paragraphs``, escaped) or, for the title, escaped HTML.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from helpers.io.contract import CHECKLIST_ITEMS, UNKNOWN_SIZE
from helpers.report.chart_style import BAND_COLORS
from helpers.report.reasons import reasons, tactic_reason
from helpers.report.words import (
    PAYMENT_ADVICE,
    STAGE_LABELS,
    STAGE_MEANING,
    TACTICS,
    VERDICTS,
    band_labels,
    count,
    date,
    days,
    display,
    hours,
    judgement_window,
    money,
    months,
    no_data_yet,
    ordinal,
    per_hour,
    share,
    verb,
)
from helpers.review import dossier as model
from helpers.review.dossier import CREDIT_NOTE, PAID, Dossier
from helpers.review.judgement import TOO_NEW
from helpers.review.strikes import FROM_THE_EXPORT


def page_title(company: str, dossier: Dossier) -> str:
    """The browser tab's title: ``Fernhill Software Ltd: Beta & Sons, dossier 2026-Q3``."""
    return f"{company}: {dossier.name}, customer dossier {dossier.review.period.label}"


def title(company: str, dossier: Dossier) -> HTML:
    """The customer's name, the company and period, the band with the checklist score and
    the stage on the three-strikes road map, and the reason in words."""
    c = dossier.customer
    period = dossier.review.period
    reason = reasons(dossier.review, pd.Index([dossier.customer_id])).iloc[0]
    band = str(c["band"])
    name = band_labels(dossier.review.settings)[band]
    badge = (
        f'<span style="background: {BAND_COLORS[band]}; color: #000000; padding: 0.15em 0.6em; '
        f'border-radius: 0.3em; font-weight: bold">{html.escape(name)}</span>'
    )
    stage = str(c["stage"])
    strikes = (
        f"{html.escape(STAGE_LABELS[stage])}: {count(int(c['strikes_last_3']), 'strike')}"
        if STAGE_LABELS[stage]
        else "No strike"
    )
    standing = (
        f"{badge}&ensp;checklist score {c['checklist_score']} of 7 "
        f"({c['checklist_answered']} answered)&ensp;·&ensp;{strikes} in the last three quarters"
    )
    if c["on_headache_list"]:
        standing += "&ensp;·&ensp;on the headache list"
    missing = no_data_yet(dossier.review)
    return HTML(
        f"<h1>{html.escape(dossier.name)}</h1>"
        f'<p class="review-subtitle">Customer dossier for {html.escape(company)}, '
        f"{html.escape(period.label)}: {date(period.start)} to {date(period.end)}. Judged over "
        f"{html.escape(judged_span(dossier))}; payments as of {date(period.as_of)}. Customer id "
        f"{html.escape(dossier.customer_id)}.</p>"
        + (f'<p class="review-note">{html.escape(missing)}</p>' if missing else "")
        + f"<p>{standing}</p>"
        f"<p><strong>Why:</strong> {html.escape(str(reason))}</p>"
    )


def judged_span(dossier: Dossier) -> str:
    """The days the customer is judged over, in words: the review's judgement window, or from
    the day it became a customer when later (``the 53 days from 9 August 2026 to 30 September
    2026``)."""
    review, c = dossier.review, dossier.customer
    if pd.Timestamp(c["judged_from"]) > pd.Timestamp(review.window.start):
        return (
            f"the {c['judged_days']:,} days from {date(c['judged_from'])} to "
            f"{date(review.window.end)}"
        )
    return judgement_window(review)


def profile_sentences(dossier: Dossier) -> list[str]:
    """Who the customer is: size, industry, since when, and whose account it is."""
    c = dossier.customer
    size = str(c["size_band"])
    employees = c.get("employees")
    company = "A company of unknown size" if size == UNKNOWN_SIZE else f"A {size} company"
    if pd.notna(employees):
        company += f" ({count(int(employees), 'employee')})"
    parts = [company + (f" in {c['industry']}" if pd.notna(c.get("industry")) else "")]
    if pd.notna(c.get("customer_since")):
        parts.append(f"a customer since {pd.Timestamp(c['customer_since']):%B %Y}")
    if pd.notna(c.get("account_owner")):
        parts.append(f"account owner {c['account_owner']}")
    return [", ".join(parts) + "."]


def standing_sentences(dossier: Dossier) -> list[str]:
    """Where the customer stands in a few sentences: its revenue for its time over the days it
    is judged over, what is left out of its revenue per hour and why, what is left after the
    cost of its time, and the period's own figures."""
    review, currency, c = dossier.review, display(dossier.review.settings), dossier.customer
    settings, label = review.settings, review.period.label
    span = judged_span(dossier)
    in_period = f"In {label} itself: {money(c['period_revenue'], currency)} of revenue"
    sentences = []
    if c["too_new"]:
        sentences.append(
            f"{dossier.name} has been a customer since {date(c['tenure_start'])}, less than "
            f"the {months(settings.min_tenure_months)} it takes to judge one (min_tenure_months)"
            ": too new to judge. It earns no strike and cannot be a fire candidate yet; what "
            "is known so far follows."
        )
    if not review.has_time:
        sentences.append(
            f"Over {span}, {dossier.name} brought {money(c['revenue'], currency)} of revenue. "
            "The export holds no time entries, so the time it takes cannot be judged."
        )
        return [*sentences, in_period + "."]
    median = per_hour(review.median_revenue_per_hour, currency)
    if not dossier.has_hours:
        sentences.append(
            f"Over {span}, {dossier.name} brought {money(c['revenue'], currency)} of revenue "
            "and no time was logged for it, so its revenue per hour is unknown and it cannot "
            "be placed on the chart."
        )
        return [*sentences, in_period + "."]
    sentences.append(
        f"Over {span}, {dossier.name} brought {money(c['revenue'], currency)} of revenue for "
        f"{hours(c['hours'])} hours of the team's time."
    )
    left_out = []
    if c["overdue_revenue"] > 0:
        left_out.append(
            f"{money(c['overdue_revenue'], currency)} unpaid more than "
            f"{settings.non_payer_days} days past due"
        )
    if c["hours_not_invoiced"] > 0:
        left_out.append(
            f"{hours(c['hours_not_invoiced'])} hours logged since its last invoice on "
            f"{date(c['last_invoice'])}: it is invoiced every {c['cycle_days']:.0f} days or so, "
            "so that is work not invoiced yet"
        )
    if left_out:
        sentences.append("Left out of its revenue per hour: " + "; and ".join(left_out) + ".")
    if pd.notna(c["revenue_per_hour"]) and c["ranked"]:
        sentences.append(
            f"Revenue per hour: {per_hour(c['revenue_per_hour'], currency)}, against {median} "
            "for the median customer ranked."
        )
    elif not c["too_new"]:
        sentences.append(
            f"{hours(c['ranked_hours'])} hours are too little time to rank its revenue per hour "
            f"against the others (min_hours is {settings.min_hours:g})."
        )
    sentences.append(
        f"After the cost of that time at {money(settings.hourly_cost, currency)} an hour, it "
        f"contributed {money(c['contribution'], currency)}."
    )
    return [*sentences, f"{in_period} for {hours(c['period_hours'])} hours."]


def invoice_sentences(dossier: Dossier) -> list[str]:
    """The two years of invoices in a few sentences: how many, how late, what is open."""
    review, currency, c = dossier.review, display(dossier.review.settings), dossier.customer
    invoices = dossier.invoices
    as_of = date(review.period.as_of)
    credit = invoices[invoices["status"] == CREDIT_NOTE]
    first = (
        f"From {date(dossier.since)} to {as_of}, {dossier.name} was sent "
        f"{count(len(invoices) - len(credit), 'invoice')}"
    )
    if len(credit):
        first += f" and {count(len(credit), 'credit note')}"
    sentences = [first + f", {money(invoices['amount'].sum(), currency)} in all."]
    if not review.has_payments:
        sentences.append(
            "The export's invoices have no payment dates (column paid_on), so payment delays "
            "cannot be judged."
        )
        return sentences
    paid = invoices[invoices["status"] == PAID]
    if len(paid):
        late = paid[paid["days_late"] > 0]
        sentence = (
            f"{len(late):,} of its {count(len(paid), 'paid invoice')} "
            f"{verb(len(late), 'was', 'were')} paid after the due date"
        )
        if len(late):
            sentence += (
                f", a median {days(late['days_late'].median())} late and at worst "
                f"{days(late['days_late'].max())}"
            )
        sentences.append(sentence + ".")
    advice = PAYMENT_ADVICE.get(str(c["payment_advice"]), "")
    if pd.notna(c["avg_days_late"]):
        sentences.append(
            f"Of the invoices due over {judged_span(dossier)}, it paid "
            f"{days(c['avg_days_late'])} beyond terms on average, weighted by amount "
            f"(a late payer from {review.settings.late_payer_days:g} days): {advice.lower()}."
        )
    open_ = dossier.open_invoices
    if open_.empty:
        sentences.append(f"Nothing was open on {as_of}.")
    else:
        past_due = open_[open_["days_past_due"] > 0]
        sentences.append(
            f"Open on {as_of}: {money(open_['amount'].sum(), currency)} in "
            f"{count(len(open_), 'invoice')}, {money(past_due['amount'].sum(), currency)} of it "
            "past due."
        )
    return sentences


def time_sentences(dossier: Dossier) -> list[str]:
    """The hours of the period and of the two years, by activity, in words."""
    review = dossier.review
    if dossier.time_entries is None:
        return [
            "The export holds no time entries (time_entries.csv), so the time this customer "
            "takes cannot be shown."
        ]
    entries = dossier.time_entries
    if entries.empty:
        return [f"No time was logged for {dossier.name} since {date(dossier.since)}."]
    in_period = entries[review.period.contains(entries["date"])]
    sentences = []
    if in_period.empty:
        sentences.append(f"No time was logged for {dossier.name} in {review.period.label}.")
    else:
        top = in_period.groupby("activity")["hours"].sum().sort_values(ascending=False)
        sentences.append(
            f"In {review.period.label}, {hours(top.sum())} hours were logged for "
            f"{dossier.name}, {hours(top.iloc[0])} of them {top.index[0]} "
            f"({share(top.iloc[0] / top.sum())})."
        )
    grid = model.hours_by_quarter(dossier)
    per_quarter = grid.sum(axis=1)
    total = per_quarter.sum()
    by_activity = grid.sum()
    sentences.append(
        f"Since {date(dossier.since)}: {hours(total)} hours, "
        f"{share(by_activity.iloc[0] / total)} of them {by_activity.index[0]}; the busiest "
        f"quarter was {per_quarter.idxmax()} with {hours(per_quarter.max())} hours."
    )
    return sentences


def rank_standing(dossier: Dossier, percentile: bool = True) -> str:
    """Where the customer's revenue per hour stands among the customers ranked (with its
    percentile, unless not ``percentile``), or why it is not ranked: the same words in the
    portfolio table and the position chart's title."""
    review, c = dossier.review, dossier.customer
    if c["too_new"]:
        return "not ranked: too new to judge"
    if pd.isna(c["revenue_per_hour"]) and not c["hours"] > 0:
        return "not ranked: no time logged"
    if not c["ranked"]:
        return (
            f"not ranked: too little time logged (fewer than {review.settings.min_hours:g} hours)"
        )
    standing = f"{ordinal(int(c['rph_rank']))} lowest of {int(review.customers['ranked'].sum()):,}"
    if percentile:
        standing += f" (percentile {share(c['rph_percentile'])})"
    if c["in_bottom_5pct"]:
        return standing + "; in the bottom 5%"
    if c["on_headache_list"]:
        return standing + "; on the headache list"
    return standing


def checklist_answers(dossier: Dossier) -> pd.DataFrame:
    """The seven items, one row each (indexed by item): ``answer`` (yes, no or unanswered),
    ``source`` (data, assessment, or missing when unanswered) and ``evidence``: what the
    data says for the four items it can answer, and which assessment answered the others."""
    review, currency, c = dossier.review, display(dossier.review.settings), dossier.customer
    rules = review.settings.checklist
    assessed = model.latest_assessment(dossier)
    assessed_on = None if assessed is None else date(assessed["assessed_on"])
    median = per_hour(review.median_revenue_per_hour, currency)
    data_says = {}
    if pd.notna(c["quarters_bought"]):
        counted = (
            f"the {c['quarters_available']} quarters since it became a customer"
            if c["quarters_available"] < rules.repeat_quarters_window
            else f"the last {rules.repeat_quarters_window} quarters"
        )
        data_says["repeat_business"] = (
            f"bought in {c['quarters_bought']} of {counted} ({c['quarters_needed']} needed)"
        )
    if pd.notna(c["share_of_wallet"]):
        data_says["spend"] = (
            f"{share(c['share_of_wallet'])} share of wallet ({share(rules.spend_share_needed)} "
            "needed)"
        )
    if pd.notna(c["revenue_per_hour"]):
        data_says["service"] = (
            f"{per_hour(c['revenue_per_hour'], currency)} against the median {median}"
        )
    room = []
    if pd.notna(c["headroom"]):
        room.append(
            f"headroom {money(c['headroom'], currency)} a year "
            f"({money(rules.upsell_min_headroom, currency)} needed)"
        )
    if pd.notna(c["product_lines_bought"]) and dossier.product_lines_sold:
        room.append(
            f"buys {c['product_lines_bought']} of the {dossier.product_lines_sold} product "
            f"lines sold ({rules.upsell_min_unbought_lines} not bought needed)"
        )
    if room:
        data_says["upsell"] = "; ".join(room)
    data_cannot = {
        "repeat_business": "fewer than two quarters since it became a customer or since the "
        "export begins",
        "spend": "too new to judge" if c["too_new"] else "no estimate of its budget",
        "service": "too new to judge"
        if c["too_new"]
        else f"too little time logged to rank (fewer than {review.settings.min_hours:g} hours)"
        if c["hours"] > 0
        else "no time logged",
        "upsell": "neither headroom nor product lines known",
    }
    rows = []
    for item in CHECKLIST_ITEMS:
        answer = c[item]
        source = None if pd.isna(c[f"{item}_source"]) else str(c[f"{item}_source"])
        evidence = []
        if source == "assessment":
            evidence.append(f"assessment of {assessed_on}")
        if item in data_says:
            evidence.append(("data: " if source == "assessment" else "") + data_says[item])
        if pd.isna(answer):
            if item in data_cannot:
                evidence.append(data_cannot[item])
            evidence.append(
                "never assessed"
                if assessed_on is None
                else f"not answered in the assessment of {assessed_on}"
            )
        rows.append(
            {
                "item": item,
                "answer": "unanswered" if pd.isna(answer) else ("yes" if answer else "no"),
                "source": source,
                "evidence": "; ".join(evidence),
            }
        )
    return pd.DataFrame(rows).set_index("item")


def checklist_sentences(dossier: Dossier) -> list[str]:
    """The score, what it makes the customer, and who could answer what is missing."""
    c = dossier.customer
    rules = dossier.review.settings.checklist
    score, answered = int(c["checklist_score"]), int(c["checklist_answered"])
    band = str(c["band"])
    lines = f"(keep from {rules.keep_from}, fire candidate at {rules.review_from - 1} or less)"
    if band == "needs_assessment":
        missing = 7 - answered
        sentence = (
            f"Score {score} of the {answered} items answered: the {count(missing, 'item')} "
            f"unanswered could lift it to {score + missing}, across a band line {lines}, so it "
            "needs an assessment"
        )
        owner = c.get("account_owner")
        sentence += f" by its account owner, {owner}." if pd.notna(owner) else "."
        return [sentence]
    unanswered = 7 - answered
    if band == TOO_NEW:
        return [
            f"Score {score} of the {answered} items answered so far; too new to judge by it "
            f"{lines}."
        ]
    sentence = f"Score {score} of 7"
    sentence += f", {unanswered} unanswered" if unanswered else ", every item answered"
    return [f"{sentence}: {band_labels(dossier.review.settings)[band].lower()} {lines}."]


def assessment_sentences(dossier: Dossier) -> list[str]:
    """What the latest assessment said in its notes, or that there is none."""
    assessed = model.latest_assessment(dossier)
    if assessed is None:
        return [
            f"No account owner has assessed {dossier.name} by "
            f"{date(dossier.review.period.as_of)}: whether it recommends us, buys for the "
            "right reasons and shares our values is not known."
        ]
    notes = assessed.get("notes")
    when = date(assessed["assessed_on"])
    if pd.isna(notes) or not str(notes).strip():
        return [f"The latest assessment, of {when}, has no notes."]
    return [f"Notes of the latest assessment, {when}: “{str(notes).strip()}”"]


def strike_sentences(dossier: Dossier) -> list[str]:
    """The customer's strikes, its stage on the road map, and where each quarter's outcome
    comes from."""
    review, c = dossier.review, dossier.customer
    labels = model.strike_window(dossier)
    strikes = int(c["strikes_last_3"])
    window = f"{labels[0]} to {labels[-1]}"
    if strikes:
        first = (
            f"{dossier.name} has {count(strikes, 'strike')} in the three quarters {window} "
            f"(in {c['strike_periods']}): {STAGE_MEANING[str(c['stage'])]}."
        )
    else:
        first = f"{dossier.name} has no strike in the three quarters {window}."
    sentences = [first]
    if c["too_new"]:
        sentences.append("Too new to judge, it earns no strike this quarter.")
    history = model.strike_history(dossier)
    judged = history.index[history["source"] == FROM_THE_EXPORT].tolist()
    if review.history.path:
        where = Path(review.history.path)
        shown = f"{where.parent.name}/{where.name}"
        sentences.append(
            f"Quarters reviewed with customer-review run are read from the history file "
            f"{shown} (history_path) and stand as recorded; this dossier records nothing in it."
            if review.history.exists
            else f"The history file {shown} (history_path) does not exist yet: no quarter was "
            "reviewed with customer-review run for the company."
        )
    if judged:
        sentences.append(
            f"{judged[0]} was judged from the export as of its end, with the same rules."
            if len(judged) == 1
            else f"{' and '.join(judged)} were judged from the export as of each quarter's end, "
            "with the same rules."
        )
    return sentences


def tactics_sentences(dossier: Dossier) -> list[str]:
    """The suggested way out and why, and what losing the customer would cost; or that none
    is needed."""
    review, currency = dossier.review, display(dossier.review.settings)
    row = model.tactics(dossier)
    if row is None:
        sentence = (
            f"{dossier.name} is neither a fire candidate nor on the headache list as of "
            f"{date(review.period.as_of)}: no way out is needed."
        )
        if dossier.customer.get("non_payer", False):
            sentence += (
                f" It does not pay, though: "
                f"{PAYMENT_ADVICE['non_payer'].lower()} (see its invoices above)."
            )
        return [sentence]
    impact = model.impact(dossier)
    rules = review.settings.exit
    revenue = review.customers["revenue"].sum()
    change = impact["contribution_change"]
    sentences = [
        f"Suggested: {TACTICS[row['tactic']].lower()}. "
        f"Why: {tactic_reason(row.to_dict(), rules, currency)}.",
        f"Letting {dossier.name} go would lose {money(impact['revenue_lost'], currency)} of "
        f"revenue over {judgement_window(review)} ({share(impact['revenue_lost'] / revenue)})"
        + (f", free {hours(impact['hours_freed'])} hours" if review.has_time else "")
        + f" and {'raise' if change >= 0 else 'lower'} the contribution by "
        f"{money(abs(change), currency)}.",
    ]
    if review.has_time:
        sentences.append(resale_range(impact, review))
    sentences += [
        f"Verdict: {VERDICTS[impact['verdict']]} (a net loss of at most "
        f"{share(rules.affordable_loss_share)} of revenue is affordable; losing more than "
        f"{share(rules.max_loss_share)} of revenue never is).",
        f"The dates below count from {date(review.plan_from)}, the day the plan starts.",
    ]
    return sentences


def resale_range(impact: dict, review) -> str:
    """What an exit's freed hours could earn back, from none sold again to all sold at the
    median rate, and the share the verdict assumes (``resold_share``)."""
    currency, rules = display(review.settings), review.settings.exit
    median = per_hour(review.median_revenue_per_hour, currency)
    return (
        f"The net loss is {money(impact['revenue_lost'], currency)} if none of the freed hours "
        f"is sold again, and {money(impact['net_loss_all_resold'], currency)} if all of them are "
        f"sold at the median {median}; the verdict counts "
        f"{share(rules.resold_share)} of them sold again (resold_share): a net loss of "
        f"{money(impact['net_loss'], currency)}."
    )
