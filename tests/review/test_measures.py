"""Per-customer measures on the tiny export (see tests/conftest.py), worked out by hand."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.review import measures

Q3 = parse_period("2026-Q3")


@pytest.fixture
def export(tiny_export: Path):
    return load_export(tiny_export)


@pytest.fixture
def ids(export) -> pd.Index:
    return pd.Index(export.customers["customer_id"], name="customer_id")


def test_activity_revenue_per_hour_and_time_status():
    # A period's totals as queries.period_activity counts them (tests/review/test_queries.py).
    totals = pd.DataFrame(
        {
            "revenue": [6000.0, 400, 200, 0, 0],
            "invoices": [3, 1, 2, 0, 0],
            "hours": [20.0, 40, 0, 0, 5],
        },
        index=list("ABCDE"),
    )
    result = measures.activity(totals, has_time=True)
    # 6000 / 20 = 300; 400 / 40 = 10; C has revenue but no time; E has time but no revenue.
    rph = result["revenue_per_hour"]
    assert rph["A"] == 300 and rph["B"] == 10 and rph["E"] == 0
    assert np.isnan(rph["C"]) and np.isnan(rph["D"])
    assert result["time_status"].tolist() == [
        measures.TIME_AND_REVENUE,
        measures.TIME_AND_REVENUE,
        measures.NO_TIME_LOGGED,
        pd.NA,
        measures.NO_REVENUE,
    ]


def test_activity_without_time_entries_leaves_time_unknown():
    totals = pd.DataFrame({"revenue": [6000.0, 0], "invoices": [3, 0]}, index=list("AD"))
    result = measures.activity(totals, has_time=False)
    assert result["revenue"].tolist() == [6000, 0]
    assert result["hours"].isna().all() and result["revenue_per_hour"].isna().all()
    assert result["time_status"].isna().all()


def test_headache_ranking_flags_the_bottom_share_and_ties_together():
    rph = pd.Series({"a": 300.0, "b": 10.0, "c": np.nan, "d": 0.0, "e": 10.0})
    result = measures.headache_ranking(rph, share=0.25)
    # Four ranked (c has no time): d 0 -> rank 1 (0.25); b and e tie at 10 -> rank 2 (0.5);
    # a -> rank 4 (1.0). Bottom 25%: d only.
    assert result["rph_rank"].tolist() == [4, 2, pd.NA, 1, 2]
    assert result["rph_percentile"].tolist()[:2] == [1.0, 0.5]
    assert result["on_headache_list"].tolist() == [False, False, False, True, False]
    # At 50% the tie at 10 is taken in whole: b and e both.
    wider = measures.headache_ranking(rph, share=0.5)["on_headache_list"]
    assert wider.tolist() == [False, True, False, True, True]


def test_headache_share_must_be_a_share():
    with pytest.raises(ValueError, match="between 0 and 1"):
        measures.headache_ranking(pd.Series([1.0]), share=10)


def test_aged_receivables_add_up_to_the_open_balance(ids):
    # Open on 30 September in the tiny export (tests/review/test_queries.py works them out):
    # A3 2,000 not yet due; B1 500 122 days and B2 400 68 days past due; C1 250 16 days.
    open_ = pd.DataFrame(
        {
            "customer_id": ["B", "B", "C", "A"],
            "amount": [500.0, 400, 250, 2000],
            "days_past_due": [122, 68, 16, -15],
        }
    )
    open_["aging_bucket"] = measures.aging_bucket(open_["days_past_due"])
    aging = measures.aged_receivables(open_, ids)
    assert list(aging.columns) == ["current", "1-30", "31-60", "61-90", "90+"]
    assert aging.loc["A"].tolist() == [2000, 0, 0, 0, 0]
    assert aging.loc["B"].tolist() == [0, 0, 0, 400, 500]
    assert aging.loc["C"].tolist() == [0, 250, 0, 0, 0]
    assert aging.sum(axis=1).tolist() == [2000, 900, 250, 0, 0]


def test_aging_bucket_edges():
    # 0 days past due is current; 1 -> 1-30; 30 -> 1-30; 60 -> 31-60; 90 -> 61-90; 91 -> 90+.
    buckets = measures.aging_bucket(pd.Series([0, 1, 30, 60, 90, 91, -5]))
    assert buckets.astype(str).tolist() == [
        "current",
        "1-30",
        "1-30",
        "31-60",
        "61-90",
        "90+",
        "current",
    ]


def test_future_potential_share_of_wallet_and_headroom(export):
    # Yearly revenue A 9000, B 900, C 200, D 1200, E 0 against wallets 10000, 9000, 200, 5000
    # and none: shares 0.9, 0.1, 1.0, 0.24; headroom 1000, 8100, 0, 3800.
    annual = pd.Series([9000.0, 900.0, 200.0, 1200.0, 0.0], index=list("ABCDE"))
    potential = measures.future_potential(
        annual, export.customers.set_index("customer_id")["potential_annual_spend"]
    )
    assert potential["share_of_wallet"].tolist()[:4] == pytest.approx([0.9, 0.1, 1.0, 0.24])
    assert np.isnan(potential["share_of_wallet"]["E"])
    assert potential["headroom"].tolist()[:4] == [1000, 8100, 0, 3800]


def test_contribution_after_the_cost_of_time():
    revenue = pd.Series({"a": 6000.0, "b": 400.0, "c": 200.0})
    hours = pd.Series({"a": 20.0, "b": 40.0, "c": np.nan})
    result = measures.contribution(revenue, hours, hourly_cost=60)
    # a: 20 h x 60 = 1200 -> 4800; b: 2400 -> -2000; c: no time known, no cost -> 200.
    assert result["cost_to_serve"].tolist() == [1200, 2400, 0]
    assert result["contribution"].tolist() == [4800, -2000, 200]


def test_whale_curve_rises_above_the_total_and_ends_on_it():
    contribution = pd.Series({"a": 4800.0, "b": -2000.0, "c": 200.0, "e": -300.0})
    curve = measures.whale_curve(contribution)
    # Most first: a 4800, c 200, e -300, b -2000; running 4800, 5000, 4700, 2700 of 2700.
    assert curve.index.tolist() == ["a", "c", "e", "b"]
    assert curve["cumulative_contribution"].tolist() == [4800, 5000, 4700, 2700]
    assert curve["cumulative_share"].tolist() == pytest.approx(
        [4800 / 2700, 5000 / 2700, 4700 / 2700, 1]
    )
    assert curve["customer_share"].tolist() == [0.25, 0.5, 0.75, 1.0]
    assert curve["cumulative_contribution"].iloc[-1] == contribution.sum()
    assert measures.whale_curve(pd.Series(dtype=float)).empty
