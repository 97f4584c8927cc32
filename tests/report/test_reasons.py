"""The reasons in words: why each customer has its score, and why a way out is suggested,
worded from the review's codes."""

from pathlib import Path

import pandas as pd

from helpers.io.settings import ExitRules
from helpers.report.reasons import reasons, tactic_reason
from helpers.review.exits import exit_tactics
from tests.support import tiny_review


def test_each_customer_s_reason_says_what_counts_against_it(tiny_export: Path):
    # The tiny review's four customers, A, B, C and E (tests/review/test_model.py).
    # B owes B1's 500 (122 days past due) and B2's 400: it does not pay, said first; its
    # 400 over the quarter is 1,600 a year, 18% of its 9,000 wallet.
    # C, a customer since its first hour on 20 June, could buy in 2026-Q2 and Q3: it needs
    # ceil(3 x 2 / 4) = 2 of them and bought in 1. E took 5 hours and bought nothing.
    assert reasons(tiny_review(tiny_export)).tolist() == [
        "6 of 7: little room to grow",
        "2 of 7: does not pay: €900 unpaid 122 days past due, 18% share of wallet, little room "
        "to grow, does not recommend us, buys for the wrong reasons, does not share our values",
        "1 of 7: pays 16 days late on average, bought in 1 of the 2 quarters since it became a "
        "customer (2 needed), little room to grow, unanswered: influencer, service, right "
        "reasons, values",
        "1 of 7: took 5.0 hours and bought nothing in the three months to 30 September 2026, "
        "unanswered: repeat business, influencer, spend, right reasons, values",
    ]


def candidates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "revenue_per_hour": [80.0, 40.0, 30.0, 60.0],
            "band": ["review", "fire_candidate", "fire_candidate", "needs_assessment"],
            "non_payer": [False, False, False, False],
            "on_headache_list": [True, False, False, True],
            "checklist_score": [5, 2, 1, 4],
            "values_aligned": pd.array([True, False, True, True], dtype="boolean"),
        },
        index=list("uwzq"),
    )


def reasons_for(frame: pd.DataFrame, median: float = 100.0) -> pd.Series:
    tactics = frame[["band", "checklist_score"]].join(
        exit_tactics(frame, median, "2026-09-30", ExitRules())
    )
    return pd.Series(
        [tactic_reason(row, ExitRules()) for row in tactics.to_dict("records")], tactics.index
    )


def test_each_way_out_says_why_with_its_numbers():
    why = reasons_for(candidates())
    # u: 100/80 - 1 = 25%, within the 30% a headache tax may ask.
    assert why["u"] == "checklist 5 of 7 but too much time: make the contract pay for it (25% more)"
    # q: 100/60 - 1 = 67%: 1.1^5 = 1.61 < 1.67 <= 1.1^6, six rises.
    assert why["q"] == (
        "needs 67% more to reach the median rate: 6 quarterly rises keep the customer while "
        "the margin climbs"
    )
    # w: a fire candidate 150% short, who does not share our values.
    assert why["w"] == (
        "fire candidate, and no fair price would make its time pay: end it honestly; adjust "
        "sales compensation for serving a customer who does not share our values"
    )


def test_a_fire_candidate_is_offered_a_fair_price_or_an_honest_end():
    fair = reasons_for(candidates().assign(revenue_per_hour=60.0))
    assert fair["z"] == "fire candidate: a 67% rise makes its time pay, or it leaves"
    paying = reasons_for(candidates().assign(revenue_per_hour=120.0))
    assert paying["z"].startswith("fire candidate whose time already pays")
