import pandas as pd
import pytest

from helpers.io.settings import ExitRules
from helpers.review.exits import (
    PAYMENT_ADVICE,
    exit_impact,
    exit_tactics,
    moving_on,
    offered,
    payment_advice,
    quarterly_steps,
    rise_to_median,
    steps_within,
)
from tests.support import tables_of, tactic_candidates


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


def test_letting_the_fire_candidate_go_needs_its_hours_sold_again():
    impact = exit_impact(customers_frame(), pd.Index(["B"]), 10.0, ExitRules(concentration_top=1))
    # B brings 400 of 6600 (6.1%) and takes 40 of 65 hours (61.5%); without it contribution
    # rises by 2000.
    assert impact["revenue_lost"] == 400
    assert impact["revenue_share"] == pytest.approx(400 / 6600)
    assert impact["hours_freed"] == 40 and impact["hours_share"] == pytest.approx(40 / 65)
    assert impact["contribution_change"] == 2000
    # By default none of its 40 freed hours is sold again: the whole 400 is lost, 6.1% of
    # revenue, more than the 2% that is affordable and less than the 10% that never is.
    assert impact["earn_back"] == 0 and impact["net_loss"] == 400
    assert impact["verdict"] == "needs_replacement_plan"
    # Sold again at the median 10/h, the 40 hours would earn the 400 back: no net loss.
    assert impact["earn_back_all"] == 400 and impact["net_loss_all_resold"] == 0
    # The largest customer, A, holds 6000 of 6600 before and 6000 of 6200 after.
    assert impact["top_share_before"] == pytest.approx(6000 / 6600)
    assert impact["top_share_after"] == pytest.approx(6000 / 6200)


def test_the_verdict_counts_the_share_of_hours_sold_again():
    # Half the 40 hours sold again at 10/h earn 200: a net loss of 200, 3.0% of 6600.
    half = exit_impact(customers_frame(), pd.Index(["B"]), 10.0, ExitRules(resold_share=0.5))
    assert half["earn_back"] == 200 and half["net_loss"] == 200
    assert half["net_loss_share"] == pytest.approx(200 / 6600)
    assert half["verdict"] == "needs_replacement_plan"
    every = exit_impact(customers_frame(), pd.Index(["B"]), 10.0, ExitRules(resold_share=1.0))
    assert every["net_loss"] == 0 and every["verdict"] == "affordable"


def test_verdict_lines():
    frame = customers_frame()
    # A is 91% of revenue: more than the 10% that is ever affordable, whatever the hours.
    rules = ExitRules(resold_share=1.0)
    assert exit_impact(frame, pd.Index(["A"]), 10.0, rules)["verdict"] == "not_affordable"
    # C: 200 lost (3.0%), no hours to free: net loss 3.0% > 2% but < 10%.
    assert exit_impact(frame, pd.Index(["C"]), 10.0, rules)["verdict"] == ("needs_replacement_plan")
    # E: nothing lost, 5 hours freed: affordable even with none sold again.
    assert exit_impact(frame, pd.Index(["E"]), 10.0, ExitRules())["verdict"] == "affordable"
    # An id not reviewed is ignored rather than an error.
    assert exit_impact(frame, pd.Index(["Z"]), 10.0, ExitRules())["customers"] == 0


def test_rise_to_median_and_quarterly_steps():
    rates = pd.Series({"a": 40.0, "b": 80.0, "c": 100.0, "d": 120.0, "e": 0.0, "f": None})
    tax = rise_to_median(rates, median_rph=100.0)
    # 100/40 - 1 = 150%; 100/80 - 1 = 25%; at or above the median nothing; 0 or unknown rate:
    # no price makes it pay.
    assert tax[["a", "b", "c", "d"]].tolist() == [1.5, 0.25, 0, 0]
    assert tax[["e", "f"]].isna().all()
    steps = quarterly_steps(tax, 0.10)
    # 1.1^9 = 2.36 < 2.5 <= 1.1^10 = 2.59: 10 steps. 1.1^2 = 1.21 < 1.25 <= 1.331: 3 steps.
    assert steps.tolist() == [10, 3, 0, 0, pd.NA, pd.NA]
    # 1.1^2 = 1.21 <= 1.30 < 1.331: two rises stay within 30%; 1.1^1 within 10% exactly.
    assert steps_within(0.30, 0.10) == 2 and steps_within(0.10, 0.10) == 1


def test_exit_tactics_fit_the_band_and_say_why():
    tactics = exit_tactics(tactic_candidates(), 100.0, "2026-09-30", ExitRules())
    # Notice from 30 Sep 2026: three months to 30 Dec; price rises from 30 Oct.
    assert (tactics["notice_ends"] == pd.Timestamp("2026-12-30")).all()
    assert (tactics["price_increase_from"] == pd.Timestamp("2026-10-30")).all()
    suggested = tactics[["tactic", "why"]].apply(tuple, axis=1).to_dict()
    assert suggested == {
        # 25% short, within the 30% charged at once for the extra time.
        "u": ("headache_tax", "too_much_time"),
        # 150% short: 10 quarterly rises, more than the 8 allowed; 3 of 7 yes: pay or leave.
        "v": ("price_increase", "too_much_to_rise_step_by_step"),
        # The same gap with 4 of 7 yes: worth keeping, so the contract pays for the time.
        "p": ("headache_tax", "worth_keeping"),
        # A fire candidate 150% short: more than the 100% fair rise.
        "w": ("notice", "no_fair_price"),
        # Time but no revenue: no price applies to it.
        "x": ("headache_tax", "time_without_revenue"),
        "y": ("notice", "does_not_pay"),
        # A fire candidate 233% short.
        "z": ("notice", "no_fair_price"),
        # 67% short: 1.1^5 = 1.61 < 1.67 <= 1.1^6, 6 steps, within the 8.
        "q": ("quarterly_increase", "rise_step_by_step"),
        # A customer to keep 150% short: rises stop at 30%, and its time is repaired first.
        "k": ("quarterly_increase", "keep_and_repair"),
    }
    # w alone answered no to shared values.
    assert tactics.index[tactics["adjust_compensation"]].tolist() == ["w"]
    # A fire candidate 67% short is within a fair rise; one at the median rate has other
    # problems than price.
    fire = exit_tactics(tactic_candidates(rate=60.0), 100.0, "2026-09-30", ExitRules())
    assert tuple(fire.loc["z", ["tactic", "why"]]) == ("price_increase", "fair_price_within_reach")
    paying = exit_tactics(tactic_candidates(rate=120.0), 100.0, "2026-09-30", ExitRules())
    assert tuple(paying.loc["z", ["tactic", "why"]]) == ("notice", "time_already_pays")


def test_every_way_out_is_priced_a_year():
    tactics = exit_tactics(tactic_candidates(), 100.0, "2026-09-30", ExitRules())
    u = tactics.loc["u"]
    # u: 100 hours at 80/h = 8000 a year. A 25% rise brings 2000; the headache tax charges the
    # 100 - 8000/100 = 20 hours beyond what 8000 pays for at 100/h: 2000 too.
    assert u["price_increase_amount"] == pytest.approx(2000)
    assert u["headache_tax_amount"] == pytest.approx(2000)
    # Three 10% rises reach it: 8000 x (1.331 - 1) = 2648 a year after the last, on 30 Apr
    # 2027; on the way, quarters billed at 1.1, 1.21 and 1.331: 2000 x (0.1 + 0.21 + 0.331)
    # = 1282.
    assert u["quarterly_steps"] == 3
    assert u["quarterly_until"] == pd.Timestamp("2027-04-30")
    assert u["quarterly_increase_amount"] == pytest.approx(2648)
    assert u["quarterly_collected"] == pytest.approx(1282)
    assert u["notice_amount"] == 8000
    assert u["amount"] == pytest.approx(2000)  # the headache tax, suggested
    # x: 20 hours and no revenue: the tax charges all 20 at 100/h; no rise applies.
    x = tactics.loc["x"]
    assert x["headache_tax_amount"] == 2000 and pd.isna(x["price_increase_amount"])
    # k, to keep: 50 hours at 40/h = 2000 a year; two rises (21%) bring 420 a year, and 500 x
    # (0.1 + 0.21) = 155 on the way; the last on 30 Jan 2027.
    k = tactics.loc["k"]
    assert k["quarterly_steps"] == 2
    assert k["quarterly_increase_amount"] == pytest.approx(420)
    assert k["quarterly_collected"] == pytest.approx(155)
    assert k["quarterly_until"] == pd.Timestamp("2027-01-30")
    assert k["amount"] == pytest.approx(420)


def test_a_customer_to_keep_is_never_given_notice_nor_a_rise_above_the_cap():
    rules = ExitRules()
    assert not offered("keep", "notice", 0.1, rules)
    assert not offered("keep", "price_increase", 1.5, rules)
    assert not offered("keep", "headache_tax", 0.31, rules)
    assert offered("keep", "headache_tax", 0.25, rules)
    assert offered("keep", "quarterly_increase", 1.5, rules)  # its rises stop at the cap
    assert offered("review", "notice", 1.5, rules)
    tactics = exit_tactics(tactic_candidates(), 100.0, "2026-09-30", rules)
    keep = tactics.join(tactic_candidates()["band"]).query("band == 'keep'")
    assert (keep["tactic"] != "notice").all()
    # No rise it is asked for goes beyond 30%: 1.1^steps - 1 <= 0.30.
    assert ((1.1 ** keep["quarterly_steps"].astype(float) - 1) <= 0.30).all()


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
    result = moving_on(decisions, tables_of(invoices, time_entries), "2026-09-30", median_rph=100.0)
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
    result = moving_on(decisions, tables_of(invoices), "2025-10-31", median_rph=100.0)
    assert result.empty
    assert "revenue_given_up" in result.columns and "hours_freed" in result.columns
