"""The report's words on the tiny export (tests/conftest.py), and that export text is escaped."""

from pathlib import Path

import pytest

from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.report import narrative as say
from helpers.review.model import build_review
from tests.support import tiny_settings


def tiny_review(folder: Path):
    return build_review(load_export(folder), parse_period("2026-Q3"), tiny_settings())


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (1234.4, "EUR", "€1,234"),
        (-50, "EUR", "-€50"),
        (1234.5, "CHF", "CHF\u00a01,234"),  # a symbol of letters: a no-break space
        (float("nan"), "EUR", "–"),
    ],
)
def test_money(amount, currency, text):
    assert say.money(amount, currency) == text


def test_shares_counts_and_verbs():
    assert [say.share(x) for x in (0.123, 0.004, 0, 1)] == ["12%", "<1%", "0%", "100%"]
    assert say.count(1, "customer") == "1 customer"
    assert say.count(2, "company", "companies") == "2 companies"
    assert say.verb(1, "pays", "pay") == "pays" and say.verb(0, "pays", "pay") == "pay"


def test_summary_sentences_of_the_tiny_review(tiny_export: Path):
    sentences = say.summary_sentences(tiny_review(tiny_export))
    # In the quarter: A 6000 / 20 h, B 400 / 40 h, C 200 / no time, E 0 / 5 h: 6600 for 65 h.
    assert sentences[0] == (
        "In 2026-Q3, 4 customers brought €6,600 of revenue and took 65 hours of the team's time."
    )
    # The tiny review's window is the quarter itself (tests/support.py). Ranked: A, B and E
    # (C logged no time): 6400 over 65 h = 98.5 per hour; the median of 300, 10 and 0 is 10.
    assert sentences[1] == (
        "Customers are judged over the three months to 30 September 2026, in which the 4 "
        "customers reviewed brought €6,600 for 65 hours. Ranked by revenue per hour, 3 "
        "customers earn €98/h together, €10/h for the median one."
    )
    assert sentences[2] == (
        "1 other customer in the export bought nothing, took no time and owed nothing in the "
        "three months to 30 September 2026, and is left out."
    )
    # Keep A 6000 / 6600 = 91%; fire candidate B 400 / 6600 = 6%; C and E 200 / 6600 = 3%,
    # each with 1 yes so far, below review_from (3): likely fire candidates.
    assert sentences[3] == (
        "By the seven-item checklist, over the three months to 30 September 2026: keep: 1 "
        "customer (91% of revenue); review: 0 customers (0% of revenue); fire candidate: 1 "
        "customer (6% of revenue); needs assessment: 2 customers (3% of revenue). Customers "
        "who need an assessment cannot be placed until someone answers the missing checklist "
        "items; 2 of them have 2 or fewer yes answers so far: likely fire candidates."
    )
    # Bottom 40%: E alone, 5 of 65 hours (8%) and none of the revenue.
    assert sentences[4] == (
        "Over the three months to 30 September 2026, the headache list, the bottom 40% of the "
        "customers ranked by revenue per hour (1 customer at or below €0/h), takes 8% of the "
        "team's hours and brings 0% of the revenue."
    )
    # B owes B1 500 (122 days past due) + B2 400 (68 days); no one else owes anything more
    # than 90 days past due. C (micro, 16 days beyond terms) pays late.
    assert sentences[5] == (
        "Payment, over the three months to 30 September 2026: 1 non-payer (an invoice unpaid "
        "more than 90 days past due) owes €900 in all, €500 of it more than 90 days past due "
        "(all that is owed that long); 1 small or micro customer pays late and should be "
        "invoiced earlier and more often."
    )


def test_summary_without_time_says_so(tiny_export: Path):
    (tiny_export / "time_entries.csv").unlink()
    sentences = say.summary_sentences(tiny_review(tiny_export))
    assert "The export holds no time entries" in sentences[0]
    assert not any("headache list" in s for s in sentences)


def test_whale_and_wallet_sentences(tiny_export: Path):
    review = tiny_review(tiny_export)
    # Contribution at 60/h: A 4800, C 200, E -300, B -2000 = 2700. The top 20% of 4 customers
    # rounds to 1: A alone, 4800 / 2700 = 178%. The running total peaks after C at 5000: 185%.
    assert say.whale_sentences(review) == [
        "Over the three months to 30 September 2026, after the cost of the team's time at €60 "
        "an hour, the 4 customers contribute €2,700. The top 20% (1 customer) bring 178% of it.",
        "2 customers cost more to serve than they bring: together -€2,300. Without them the "
        "rest would contribute 185% of today's total.",
    ]
    # A year at the pace of the quarter judged: A 6000, B 400 and C 200 become 24,000, 1,600
    # and 800, together 26,400 of 19,200 budgets (137.5%); headroom A 0, B 9,000 - 1,600 =
    # 7,400, C 0. A and C spend at least half.
    assert say.wallet_sentences(review) == [
        "3 customers of 4 have an estimate of their yearly budget for what we sell. At the "
        "pace of the three months to 30 September 2026 (or of the time since they became "
        "customers, when shorter) they spend €26,400 a year with us, 138% of their €19,200 "
        "budgets, leaving €7,400 a year of headroom. 2 customers spend at least 50% of their "
        "budget with us."
    ]


def test_tactics_sentence(tiny_export: Path):
    assert say.tactics_sentence(tiny_review(tiny_export)).startswith(
        "Counted from 30 September 2026, the day the plan starts: 3 months' notice ends service "
        "on 30 December 2026; a price rise announced with 30 days' notice takes effect on 30 "
        "October 2026, and quarterly rises of 10% follow every three months from then, until"
    )


def test_strikes_sentences_without_history(tiny_export: Path):
    # No history: 2026-Q1 and Q2 are judged from the export. B is a fire candidate in Q2 (tests/
    # review/test_dossier.py) and in Q3: two strikes, a repair plan. E, a customer since
    # 1 September, is on the headache list in Q3 only: watch.
    assert say.strikes_sentences(tiny_review(tiny_export)) == [
        "2 customers have at least one strike in the 3 quarters 2026-Q1 to 2026-Q3: 0 at the "
        "exit decision (three strikes), 1 with a repair plan due (two) and 1 to watch (one).",
        "2026-Q1 and 2026-Q2 were never reviewed through the customer-review command, which "
        "keeps each company's history: their outcome is judged from the export, with the same "
        "rules, as of each quarter's end.",
    ]
