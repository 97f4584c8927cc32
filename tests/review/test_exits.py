import pandas as pd
import pytest

from helpers.io.settings import ExitRules
from helpers.review.exits import (
    PAYMENT_ADVICE,
    exit_impact,
    exit_tactics,
    headache_tax,
    moving_on,
    payment_advice,
    quarterly_steps,
)


def test_payment_advice_reads_lateness_by_company_size():
    payment = pd.DataFrame(
        {
            "avg_days_late": [40.0, 40.0, 40.0, 40.0, 40.0, 15.0, 200.0, None],
            "non_payer": [False, False, False, False, False, False, True, False],
        },
        index=list("abcdefgh"),
    )
    size = pd.Series(
        ["large", "small", "micro", "medium", "unknown", "large", "large", "small"],
        index=list("abcdefgh"),
    )
    advice = payment_advice(payment, size, late_payer_days=15)
    # 15 days on average is not more than 15: on time. A large non-payer is still a non-payer.
    assert advice.tolist() == [
        "late_large",
        "late_small",
        "late_small",
        "late_medium",
        "late_unknown_size",
        "on_time",
        "non_payer",
        "no_invoices_due",
    ]
    assert set(advice) <= set(PAYMENT_ADVICE)


def customers_frame() -> pd.DataFrame:
    """The tiny review's customers (tests/conftest.py) at 60 an hour."""
    return pd.DataFrame(
        {
            "revenue": [6000.0, 400.0, 200.0, 0.0],
            "hours": [20.0, 40.0, None, 5.0],
            "contribution": [4800.0, -2000.0, 200.0, -300.0],
        },
        index=pd.Index(list("ABCE"), name="customer_id"),
    )


def test_letting_the_fire_candidate_go_is_affordable():
    impact = exit_impact(customers_frame(), pd.Index(["B"]), 10.0, ExitRules(concentration_top=1))
    # B brings 400 of 6600 (6.1%) and takes 40 of 65 hours (61.5%); without it contribution
    # rises by 2000. Its 40 hours at the median 10/h earn the 400 back: no net loss.
    assert impact["revenue_lost"] == 400
    assert impact["revenue_share"] == pytest.approx(400 / 6600)
    assert impact["hours_freed"] == 40 and impact["hours_share"] == pytest.approx(40 / 65)
    assert impact["contribution_change"] == 2000
    assert impact["earn_back"] == 400 and impact["net_loss"] == 0
    # The largest customer, A, holds 6000 of 6600 before and 6000 of 6200 after.
    assert impact["top_share_before"] == pytest.approx(6000 / 6600)
    assert impact["top_share_after"] == pytest.approx(6000 / 6200)
    assert impact["verdict"] == "affordable"


def test_verdict_lines():
    frame = customers_frame()
    # A is 91% of revenue: more than the 10% that is ever affordable.
    assert exit_impact(frame, pd.Index(["A"]), 10.0, ExitRules())["verdict"] == "not_affordable"
    # C: 200 lost (3.0%), no hours to free: net loss 3.0% > 2% but < 10%.
    assert exit_impact(frame, pd.Index(["C"]), 10.0, ExitRules())["verdict"] == (
        "needs_replacement_plan"
    )
    # An id not reviewed is ignored rather than an error.
    assert exit_impact(frame, pd.Index(["Z"]), 10.0, ExitRules())["customers"] == 0


def test_headache_tax_and_quarterly_steps():
    rates = pd.Series({"a": 40.0, "b": 80.0, "c": 100.0, "d": 120.0, "e": 0.0, "f": None})
    tax = headache_tax(rates, median_rph=100.0)
    # 100/40 - 1 = 150%; 100/80 - 1 = 25%; at or above the median nothing; 0 or unknown rate:
    # no price makes it pay.
    assert tax[["a", "b", "c", "d"]].tolist() == [1.5, 0.25, 0, 0]
    assert tax[["e", "f"]].isna().all()
    steps = quarterly_steps(tax, 0.10)
    # 1.1^9 = 2.36 < 2.5 <= 1.1^10 = 2.59: 10 steps. 1.1^2 = 1.21 < 1.25 <= 1.331: 3 steps.
    assert steps.tolist() == [10, 3, 0, 0, pd.NA, pd.NA]


def test_exit_tactics_priced_and_suggested():
    candidates = pd.DataFrame(
        {
            "revenue_per_hour": [80.0, 40.0, 40.0, 0.0, 90.0, 30.0, 60.0],
            "band": [
                "review",
                "review",
                "fire_candidate",
                "keep",
                "fire_candidate",
                "fire_candidate",
                "needs_assessment",
            ],
            "non_payer": [False, False, False, False, True, False, False],
            "on_headache_list": [True, True, False, True, False, False, True],
            "checklist_score": [5, 4, 2, 6, 2, 1, 4],
            "values_aligned": pd.array(
                [True, None, False, True, True, True, True], dtype="boolean"
            ),
        },
        index=list("uvwxyzq"),
    )
    tactics = exit_tactics(candidates, 100.0, "2026-09-30", ExitRules())
    # Notice from 30 Sep 2026: three months to 30 Dec; price rises from 30 Oct.
    assert (tactics["notice_ends"] == pd.Timestamp("2026-12-30")).all()
    assert (tactics["price_increase_from"] == pd.Timestamp("2026-10-30")).all()
    # u: 25% -> three 10% steps: 30 Oct, 30 Jan, 30 Apr.
    assert tactics.loc["u", "quarterly_schedule"] == "2026-10-30, 2027-01-30, 2027-04-30"
    assert tactics["tactic"].tolist() == [
        "headache_tax",  # u: good score, 25% short of the median: charge for the time
        "price_increase",  # v: 150% short: 10 quarterly steps, more than the 8 allowed
        "notice",  # w: fire candidate 150% short: more than a fair rise
        "headache_tax",  # x: time but no revenue
        "notice",  # y: does not pay
        "notice",  # z: fire candidate, 233% short
        "quarterly_increase",  # q: 67% short: 1.1^5 = 1.61 < 1.67 <= 1.1^6, 6 steps
    ]
    assert tactics["why"].tolist() == [
        "too_much_time",  # u
        "too_much_to_rise_step_by_step",  # v
        "no_fair_price",  # w
        "time_without_revenue",  # x
        "does_not_pay",  # y
        "no_fair_price",  # z
        "rise_step_by_step",  # q
    ]
    # w alone answered no to shared values.
    assert tactics["adjust_compensation"].tolist() == [False] * 2 + [True] + [False] * 4
    fire = exit_tactics(candidates.assign(revenue_per_hour=60.0), 100.0, "2026-09-30", ExitRules())
    # 100/60 - 1 = 67%: within the 100% a fire candidate may be asked to pay.
    assert fire.loc["z", ["tactic", "why"]].tolist() == [
        "price_increase",
        "fair_price_within_reach",
    ]
    # A fire candidate already at the median rate has other problems than price.
    paying = exit_tactics(
        candidates.assign(revenue_per_hour=120.0), 100.0, "2026-09-30", ExitRules()
    )
    assert paying.loc["z", ["tactic", "why"]].tolist() == ["notice", "time_already_pays"]


def test_moving_on_weighs_revenue_given_up_against_hours_freed():
    decisions = pd.DataFrame(
        {
            "customer_id": ["D", "K", "L"],
            "decided_on": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-10-15"]),
            "decision": ["let_go", "headache_tax", "notice"],
        }
    )
    invoices = pd.DataFrame(
        {
            "customer_id": ["D", "D", "D", "D"],
            "issued_on": pd.to_datetime(["2024-12-01", "2025-03-01", "2025-09-01", "2026-02-01"]),
            "amount": [999.0, 1200.0, 1200.0, 300.0],
        }
    )
    time_entries = pd.DataFrame(
        {
            "customer_id": ["D", "D"],
            "date": pd.to_datetime(["2025-06-01", "2026-01-15"]),
            "hours": [20.0, 2.0],
        }
    )
    result = moving_on(decisions, invoices, time_entries, "2026-09-30", median_rph=100.0)
    # Only D: K's decision keeps the customer, L's comes after the as-of date.
    assert result.index.tolist() == ["D"]
    d = result.loc["D"]
    # 1 Jan to 30 Sep 2026 inclusive: 31+28+31+30+31+30+31+31+30 = 273 days. The year before
    # the decision brought 1200 + 1200 (Dec 2024 is outside it) and 20 hours.
    assert d["days_since"] == 273
    assert d["revenue_per_year_before"] == 2400 and d["hours_per_year_before"] == 20
    # At that pace: 2400 x 273/365 = 1795.07 expected, 300 still paid since: 1495.07 given up.
    assert d["revenue_given_up"] == pytest.approx(2400 * 273 / 365 - 300)
    # 20 x 273/365 = 14.96 hours expected, 2 still spent: 12.96 freed, worth 1296 at 100/h.
    assert d["hours_freed"] == pytest.approx(20 * 273 / 365 - 2)
    assert d["freed_hours_worth"] == pytest.approx((20 * 273 / 365 - 2) * 100)


def test_moving_on_before_any_customer_is_let_go_is_empty():
    # Text ids, as the export reads them; the only exit is decided after the as-of date.
    decisions = pd.DataFrame(
        {
            "customer_id": pd.Series(["D"], dtype="str"),
            "decided_on": pd.to_datetime(["2026-01-24"]).astype("datetime64[s]"),
            "decision": ["let_go"],
        }
    )
    invoices = pd.DataFrame(
        {
            "customer_id": pd.Series(["D"], dtype="str"),
            "issued_on": pd.to_datetime(["2025-09-01"]).astype("datetime64[s]"),
            "amount": [1200.0],
        }
    )
    result = moving_on(decisions, invoices, None, "2025-10-31", median_rph=100.0)
    assert result.empty
    assert "revenue_given_up" in result.columns and "hours_freed" in result.columns
