"""Each chart is a Figure whose title states the finding, computed from the tiny review."""

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from helpers.report import chart_style
from helpers.report import charts as plots
from tests.support import tiny_review


@pytest.fixture
def review(tiny_export: Path):
    return tiny_review(tiny_export)


def test_revenue_vs_time(review):
    figure = plots.revenue_vs_time(review)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    # E alone is on the list: 5 of 65 hours, no revenue.
    assert ax.get_title(loc="left") == (
        "Headache list: 1 customer takes 8% of the hours and brings 0% of revenue"
    )
    dots = sum(len(c.get_offsets()) for c in ax.collections)
    assert dots == 3  # A and B as dots, E (no revenue) as a triangle on the bottom edge
    labels = [t.get_text() for t in ax.texts]
    assert "median €10/h" in labels
    assert "▼ 1 customer with hours but no revenue" in labels


def test_days_late_by_size(review):
    figure = plots.days_late_by_size(review)
    ax = figure.axes[0]
    # Due in Q3: large A1 45 and A2 -10 (1 of 2 late), small B2 68 and micro C1 16 (each 1 of
    # 1 late): small and micro tie on share, and small is later.
    assert ax.get_title(loc="left") == (
        "Small companies pay late most often: 100% of invoices, median 68 days late"
    )
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["micro\n(1 invoices)", "small\n(1 invoices)", "large\n(2 invoices)"]


def test_days_late_by_size_draws_the_same_points_every_time_and_leaves_numpy_alone(review):
    # The points are jittered sideways at random; drawn twice, they fall in the same places,
    # and numpy's random numbers go on as if the chart had not been drawn.
    np.random.seed(7)  # noqa: NPY002 - the global state the chart must leave alone
    expected_next = np.random.random()  # noqa: NPY002
    np.random.seed(7)  # noqa: NPY002
    drawn = [
        [c.get_offsets().tolist() for c in plots.days_late_by_size(review).axes[0].collections]
        for _ in range(2)
    ]
    assert drawn[0] == drawn[1]
    assert sum(len(points) for points in drawn[0]) == 4  # A1, A2, B2 and C1
    assert np.random.random() == expected_next  # noqa: NPY002


@pytest.mark.parametrize("days_late", [0.0, float("nan")], ids=["on time", "not due yet"])
def test_days_late_by_size_when_no_invoice_is_late(review, days_late):
    # Every invoice due in the period paid on its due date, or all of them falling due on
    # the as-of date, when none can be late yet: no size pays late, and no median is told.
    due = review.invoices_due.assign(days_late=days_late)
    ax = plots.days_late_by_size(replace(review, invoices_due=due)).axes[0]
    assert ax.get_title(loc="left") == "No invoice that fell due in the period is late"


def test_score_distribution(review):
    figure = plots.score_distribution(review)
    ax = figure.axes[0]
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == 4  # one bar segment per reviewed customer
    assert ax.get_title(loc="left") == "1 customer to keep, 1 fire candidate"


def test_whale_curve(review):
    ax = plots.whale_curve(review).axes[0]
    # The running total peaks at 5000 of 2700 (185%): the two losers give back 85%.
    assert ax.get_title(loc="left") == (
        "2 customers cost more to serve than they bring, giving back 85% of the profit\n"
        "the others make"
    )
    x, y = ax.lines[0].get_data()
    assert y[-1] == pytest.approx(100)  # the curve ends at the total


def test_wallet_vs_revenue(review):
    ax = plots.wallet_vs_revenue(review).axes[0]
    # Below 50%: B alone, 400 in the quarter judged is 1,600 a year of its 9,000 (18%):
    # 7,400 of headroom.
    assert ax.get_title(loc="left") == (
        "1 customer spends less than 50% of its budget with us: €7,400 a year of headroom"
    )


def test_aged_receivables_by_size(review):
    ax = plots.aged_receivables_by_size(review).axes[0]
    # B1, 500, is the only invoice over 90 days past due of 3150 open.
    assert ax.get_title(loc="left") == "€500 of €3,150 owed is more than 90 days past due"


def test_named_customers_do_not_overlap_on_the_sample(sample_review):
    figure = plots.revenue_vs_time(sample_review)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    # A name is drawn as written, or as the customer's id where the machine has no font for it.
    c = sample_review.customers
    shown = {
        chart_style.label_for(str(name), str(customer_id))
        for customer_id, name in zip(c.index, c["name"], strict=True)
    }
    names = [t for t in ax.texts if t.get_text() in shown]
    assert len(names) == plots.LABELLED_WORST
    boxes = [t.get_window_extent(renderer) for t in names]
    overlapping = [
        (a.get_text(), b.get_text())
        for (a, box_a), (b, box_b) in itertools.combinations(zip(names, boxes, strict=True), 2)
        if box_a.overlaps(box_b)
    ]
    assert overlapping == []


def test_many_customers_turn_into_a_density_layer(review, monkeypatch):
    monkeypatch.setattr(plots, "DENSITY_FROM", 2)  # the tiny review has 2 paying customers
    ax = plots.revenue_vs_time(review).axes[0]
    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # the hexbin
    assert ax.get_legend().get_title().get_text().startswith("Over the grey density of all 2")


def test_many_wallet_estimates_turn_into_a_density_layer(review, monkeypatch):
    # Reviewed in 2026-Q3 are A, B, C and E (D bought nothing and logged no time). A, B and C
    # have an estimate and revenue in the twelve months to September 2026 (A 9,000, B 900,
    # C 250 - 50 = 200); E has no estimate.
    monkeypatch.setattr(plots, "DENSITY_FROM", 3)
    ax = plots.wallet_vs_revenue(review).axes[0]
    assert any(isinstance(c, PolyCollection) for c in ax.collections)
    assert ax.get_legend().get_title().get_text().startswith("Over the grey density of all\n3:")
    monkeypatch.setattr(plots, "DENSITY_FROM", 4)  # one more than there are: dots only
    ax = plots.wallet_vs_revenue(review).axes[0]
    assert not any(isinstance(c, PolyCollection) for c in ax.collections)
