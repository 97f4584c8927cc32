"""The reasons in words: why each customer has its score, and why a way out is suggested,
worded from the review's codes."""

from pathlib import Path

import pandas as pd

from helpers.io.settings import ExitRules, ReviewSettings
from helpers.report.reasons import reasons, tactic_reason
from helpers.report.words import display
from helpers.review.exits import exit_tactics
from tests.support import tactic_candidates, tiny_review

EUR = display(ReviewSettings())


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


def reasons_for(frame: pd.DataFrame, median: float = 100.0) -> pd.Series:
    tactics = frame[["band", "checklist_score", "checklist_answered", "hours_a_year"]].join(
        exit_tactics(frame, median, "2026-09-30", ExitRules())
    )
    return pd.Series(
        [tactic_reason(row, ExitRules(), EUR) for row in tactics.to_dict("records")],
        tactics.index,
    )


def test_each_way_out_says_why_over_the_others_with_its_numbers():
    # The candidates of tests/review/test_exits.py, whose ways out are worked out there.
    why = reasons_for(tactic_candidates())
    # u: 100/80 - 1 = 25%, within the 30% a headache tax may ask at once.
    assert why["u"] == (
        "5 of 7 yes and 25% short of the median rate: small enough (up to 30%) to charge the "
        "extra time as a headache tax at once, where rises would take quarters"
    )
    # q: 100/60 - 1 = 67%: 1.1^5 = 1.61 < 1.67 <= 1.1^6, six rises.
    assert why["q"] == (
        "needs 67% more: too much for a headache tax at once (over 30%), so 6 quarterly rises "
        "of 10% keep the customer while the margin climbs"
    )
    # p and v: 150% short, ten rises, beyond the eight; p has 4 yes of 7, v 3.
    assert why["p"] == (
        "needs 150% more, beyond 8 quarterly rises; 4 of its 7 answers are yes, worth keeping: "
        "make the contract pay for the extra time rather than raise a price it would leave over"
    )
    assert why["v"] == (
        "needs 150% more, beyond 8 quarterly rises, and only 3 of its 7 answers are yes: raise "
        "the price with 30 days' notice; it pays for the extra effort or leaves"
    )
    # k, to keep, 150% short: two rises of 10% (21%) stay within the 30% cap.
    assert why["k"] == (
        "a customer to keep (6 of 7 yes): find out why its time runs 150% over what its "
        "revenue pays for at the median rate and repair that first; rises stop at 30% "
        "(keep_rise_cap): 2 quarterly rises of 10%"
    )
    # x: 20 hours a year and no revenue.
    assert why["x"] == (
        "took 20.0 hours a year and bought nothing in the judgement window: no price rise "
        "applies to nothing, so charge the time as a headache tax"
    )
    # w: a fire candidate 150% short, who does not share our values.
    assert why["w"] == (
        "fire candidate that would need 150% more: no fair price makes its time pay, so notice "
        "rather than a rise; adjust sales compensation for serving a customer who does not "
        "share our values"
    )


def test_a_fire_candidate_is_offered_a_fair_price_or_an_honest_end():
    # z: 10 hours a year at 60/h, 600; 100/60 - 1 = 67% more brings 400 a year.
    fair = reasons_for(tactic_candidates(rate=60.0))
    assert fair["z"] == (
        "fire candidate: a 67% rise with 30 days' notice makes its time pay (€400 a year) or it "
        "leaves; step-by-step rises would keep a customer the checklist says to let go"
    )
    paying = reasons_for(tactic_candidates(rate=120.0))
    assert paying["z"].startswith("fire candidate whose time already pays")
