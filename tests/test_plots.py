"""Each chart is a Figure whose title states the finding, computed from the tiny review."""

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from helpers import plots
from helpers.export import load_export
from helpers.periods import parse_period
from helpers.review import ReviewSettings, build_review


@pytest.fixture
def review(tiny_export: Path):
    return build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings(0.4))


def test_revenue_vs_time(review):
    figure = plots.revenue_vs_time(review, "EUR")
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
    # Due in Q3: large A1 45 and A2 -10 (median 17.5), small B2 68, micro C1 16.
    assert ax.get_title(loc="left") == "Small companies pay slowest: median 68 days late"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["micro\n(1 invoices)", "small\n(1 invoices)", "large\n(2 invoices)"]


def test_score_distribution(review):
    figure = plots.score_distribution(review)
    ax = figure.axes[0]
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == 4  # one bar segment per reviewed customer
    assert ax.get_title(loc="left") == "1 customer to keep, 1 fire candidate"
