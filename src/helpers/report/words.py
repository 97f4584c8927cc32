"""The report's words: how numbers are written for people, what each code of the review is
called, and the few HTML pieces sentences are shown in.

The review names everything by code (``fire_candidate``, ``late_small``, ``does_not_pay``);
here each code gets its name, and a company's ``[labels]`` may rename bands and checklist items.
What reaches the page goes through ``html.escape``, so a customer named ``<script>`` is shown
as text, never run.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
from IPython.display import HTML

from helpers.io.settings import ReviewSettings
from helpers.report.money import CurrencyDisplay, currency_display

BAND_LABELS = {
    "keep": "Keep",
    "review": "Review",
    "fire_candidate": "Fire candidate",
    "needs_assessment": "Needs assessment",
    "too_new": "Too new to judge",
}
ITEM_LABELS = {
    "repeat_business": "Repeat business",
    "influencer": "Influencer",
    "spend": "Spend",
    "service": "Service",
    "upsell": "Up-sell",
    "right_reasons": "Right reasons",
    "values_aligned": "Values",
}
STAGE_LABELS = {
    "exit_decision": "Exit decision",
    "repair_plan": "Repair plan",
    "watch": "Watch",
    "none": "",
}
STAGE_MEANING = {
    "none": "no strike",
    "watch": "on watch",
    "repair_plan": (
        "a repair plan is due: fix the contract, change our own practice, say the problem out loud"
    ),
    "exit_decision": "in final review, where the exit is decided",
}
HEADACHE_LIST_LABEL = "Headache list"
PAYMENT_ADVICE = {
    "non_payer": "Stop work and collect what is owed",
    "late_large": "Late by policy, as large companies are: negotiate terms or accept",
    "late_small": "Invoice earlier and more often",
    "late_medium": "Ask why payment is late, then agree terms",
    "late_unknown_size": "Find out the company's size: large pay late by policy, small need "
    "earlier invoices",
    "on_time": "No action",
    "no_invoices_due": "Nothing fell due to judge by",
}
TACTICS = {
    "notice": "Three months' notice",
    "price_increase": "Price increase with 30 days' notice",
    "quarterly_increase": "10% price increase every quarter",
    "headache_tax": "Headache tax",
}
VERDICTS = {
    "affordable": "affordable",
    "needs_replacement_plan": "needs a replacement plan",
    "not_affordable": "not affordable",
}
AGING_LABELS = {
    "current": "not yet due",
    "1-30": "1-30 days",
    "31-60": "31-60 days",
    "61-90": "61-90 days",
    "90+": "over 90 days",
}
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


@lru_cache(maxsize=16)
def _display(code: str, locale: str, symbol: str, position: str) -> CurrencyDisplay:
    return CurrencyDisplay(code, locale, symbol, position)


def display(settings: ReviewSettings) -> CurrencyDisplay:
    """How the review's amounts are written (``helpers.report.money``)."""
    return _display(
        settings.currency,
        settings.number_locale,
        settings.currency_symbol,
        settings.currency_position,
    )


def band_labels(settings: ReviewSettings) -> dict[str, str]:
    """The name shown for each band: the config's where it gives one."""
    return {band: settings.labels.get(band, name) for band, name in BAND_LABELS.items()}


def item_labels(settings: ReviewSettings) -> dict[str, str]:
    """The name shown for each checklist item: the config's where it gives one."""
    return {item: settings.labels.get(item, name) for item, name in ITEM_LABELS.items()}


def money(amount: float, currency: CurrencyDisplay | str = "EUR", *, decimals: int = 0) -> str:
    """``€12,345`` in English, ``12 345 kr`` in Swedish: see ``helpers.report.money``.
    ``currency`` is a display or an ISO code; a missing amount is a dash."""
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


def date(day) -> str:
    """``30 September 2026``."""
    return f"{pd.Timestamp(day):%-d %B %Y}"


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def days(value: float) -> str:
    """``1 day``, ``5 days``, rounded to whole days."""
    return f"{value:.0f} {'day' if round(value) in (1, -1) else 'days'}"


def hours(value: float) -> str:
    """Hours with one decimal: ``1,234.5``; a dash when missing."""
    return "–" if pd.isna(value) else f"{value:,.1f}"


NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    6: "six",
    12: "twelve",
    18: "eighteen",
    24: "twenty-four",
}


def months(number: int) -> str:
    """``twelve months``, ``one month``, ``15 months``."""
    return f"{NUMBER_WORDS.get(number, str(number))} {'month' if number == 1 else 'months'}"


def judgement_window(review) -> str:
    """The window the review judges customers over, in words: ``the twelve months to 30
    September 2026``."""
    return f"the {months(review.window.months)} to {date(review.window.end)}"


def window_heading(review) -> str:
    """The judgement window for a column's heading: ``12 months``."""
    return f"{review.window.months} months"


def months_without_data(review) -> str:
    """The days of the period after the last day the export records, in words: ``October to
    December 2026``, ``December 2026``, ``16 September to 31 December 2026``; empty when the
    export reaches the period's end."""
    if not review.reaches_past_the_data:
        return ""
    first = pd.Timestamp(review.data_end) + pd.Timedelta(days=1)
    last = pd.Timestamp(review.period.end)
    if first.day != 1:
        return f"{date(first)} to {date(last)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{last:%B %Y}"
    if first.year == last.year:
        return f"{first:%B} to {last:%B %Y}"
    return f"{first:%B %Y} to {last:%B %Y}"


def no_data_yet(review) -> str:
    """That the period reaches past the export, in a sentence (empty when it does not):
    ``October to December 2026 have no data yet: the export ends on 30 September 2026, and
    the review is judged as of then.``"""
    missing = months_without_data(review)
    if not missing:
        return ""
    return (
        f"{missing} {'have' if ' to ' in missing else 'has'} no data yet: the export ends on "
        f"{date(review.data_end)}, and the review is judged as of then."
    )


def paragraphs(sentences: Iterable[str]) -> HTML:
    """Sentences as HTML paragraphs, escaped."""
    return HTML("".join(f"<p>{html.escape(s)}</p>" for s in sentences if s))


def heading(text: str, level: int = 1) -> HTML:
    return HTML(f"<h{level}>{html.escape(text)}</h{level}>")


def note(text: str) -> HTML:
    """A highlighted remark, used where a section cannot be shown and says why."""
    return HTML(f'<p class="review-note">{html.escape(text)}</p>')
