"""The review's charts. Each function takes the review and returns a matplotlib ``Figure`` in
the house style (``helpers.report.chart_style``); a figure whose title states a finding that a
table or sentence also shows reads it from ``helpers.review.portfolio``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import seaborn as sns
import textalloc
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from helpers.io.contract import BANDS
from helpers.report.chart_style import (
    BAND_COLORS,
    DENSITY_FROM,
    INK,
    band_legend,
    cutoff_line,
    density_layer,
    finding_title,
    flagged,
    label_for,
    median_line,
    money_axis,
    new_figure,
    rate_span,
)
from helpers.report.words import (
    band_labels,
    count,
    display,
    judgement_window,
    money,
    verb,
    window_heading,
)
from helpers.review import portfolio
from helpers.review.model import Review

LABELLED_WORST = 10


AVOIDED_DOTS = 300  # the dots nearest the named ones, which the names are kept off


POINTS_UP_TO = 3_000  # invoices drawn one by one in the days-late chart


def _label_worst(ax, customers: pd.DataFrame, how_many: int) -> None:
    """Name the ``how_many`` customers with the lowest revenue per hour, each name placed
    (textalloc) where it overlaps no other name and no dot near it, with a line to its dot."""
    worst = customers.nsmallest(how_many, "revenue_per_hour")
    if worst.empty:
        return
    avoided = _nearest(customers, worst, AVOIDED_DOTS)
    textalloc.allocate(
        ax,
        worst["hours"].to_numpy(dtype=float),
        worst["revenue"].to_numpy(dtype=float),
        [label_for(str(name), str(i)) for i, name in worst["name"].items()],
        x_scatter=avoided["hours"].to_numpy(dtype=float),
        y_scatter=avoided["revenue"].to_numpy(dtype=float),
        textsize=8,
        textcolor=INK,
        linecolor="#777777",
        linewidth=0.6,
        # Close to its dot, with a little room around each name.
        margin=0.005,
        min_distance=0.01,
        max_distance=0.15,
        parse_math=False,  # a "$" in a name is text, not mathematics
    )


def _nearest(customers: pd.DataFrame, labelled: pd.DataFrame, how_many: int) -> pd.DataFrame:
    """The ``how_many`` customers whose dots lie nearest a labelled one, on the chart's log
    scales, each axis measured in its own range.

    The labels must keep off these dots. A label lies a short way from its own dot, so far
    dots never meet it, and a large company's hundred thousand dots would cost every
    candidate place a comparison each.
    """
    if len(customers) <= how_many:
        return customers
    logs = np.log10(customers[["hours", "revenue"]].to_numpy(dtype=float))
    spans = np.ptp(logs, axis=0)
    spans[spans == 0] = 1.0
    scaled = logs / spans
    targets = np.log10(labelled[["hours", "revenue"]].to_numpy(dtype=float)) / spans
    distance = np.min(
        np.hypot(
            scaled[:, None, 0] - targets[None, :, 0], scaled[:, None, 1] - targets[None, :, 1]
        ),
        axis=1,
    )
    return customers.iloc[np.argsort(distance, kind="stable")[:how_many]]


def revenue_vs_time(review: Review) -> Figure:
    """Revenue against hours over the judgement window, both on log scales, one dot per
    customer ranked, coloured by band: the revenue and hours its revenue per hour is judged on
    (without revenue overdue past ``non_payer_days`` and work not invoiced yet).

    Diagonal lines are constant revenue per hour: the portfolio median and the headache-list
    cutoff. The ten paying customers with the lowest revenue per hour are named. Customers
    with hours but no revenue sit on the bottom edge as triangles. Above ``DENSITY_FROM``
    customers the dots become a grey density layer, with the headache list and the fire
    candidates drawn on top.
    """
    return revenue_chart(review).figure


@dataclass(frozen=True)
class RevenueChart:
    """The revenue chart's figure, with the artists that show the judgement (``judged``:
    ``revenue_judged``'s). The rest, the customers' names with it, depends on the judgement
    window alone, so a what-if can draw the chart again for another headache share or other
    band lines by replacing ``judged``, without placing the names again."""

    figure: Figure
    judged: list[Artist]


def revenue_chart(review: Review) -> RevenueChart:
    """``revenue_vs_time``'s chart with its parts named (``RevenueChart``)."""
    currency = display(review.settings)
    timed, paying, _ = _ranked_points(review)
    figure, ax = new_figure()
    ax.set_xscale("log")
    ax.set_yscale("log")
    if len(paying) >= DENSITY_FROM:
        density_layer(ax, paying)
    judged = revenue_judged(ax, review)
    median_line(ax, review, rate_span(timed["hours"]))
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(f"Hours spent on the customer in {judgement_window(review)} (log scale)")
    ax.set_ylabel(f"Revenue in {window_heading(review)}, {currency.code} (log scale)")
    _label_worst(ax, paying, LABELLED_WORST)
    unpaid = len(timed) - len(paying)
    if unpaid:
        ax.text(
            0.99,
            0.01,
            f"▼ {count(unpaid, 'customer')} with hours but no revenue",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
        )
    return RevenueChart(figure, judged)


def revenue_judged(ax, review: Review) -> list[Artist]:
    """What the revenue chart shows of the judgement, drawn on ``ax``: the dots coloured by
    band (over a density layer, only the headache list and the fire candidates), the
    triangles of customers with hours but no revenue, the headache cutoff, the title stating
    the headache list's shares, and the legend of bands. Returns the artists drawn."""
    timed, paying, unpaid = _ranked_points(review)
    floor = paying["revenue"].min() / 3 if len(paying) else 1.0
    dense = len(paying) >= DENSITY_FROM
    drawn = flagged(paying) if dense else paying
    dot = 8 if dense else 28
    artists: list[Artist] = []
    for band in BANDS:
        group = drawn[drawn["band"] == band]
        if len(group):
            artists.append(
                ax.scatter(
                    group["hours"],
                    group["revenue"],
                    s=dot,
                    color=BAND_COLORS[band],
                    alpha=0.8,
                    edgecolor="white",
                    linewidth=0.4 if dot > 10 else 0,
                    rasterized=True,
                )
            )
        lost = unpaid[unpaid["band"] == band]
        if len(lost):
            artists.append(
                ax.scatter(
                    lost["hours"],
                    np.full(len(lost), floor),
                    marker="v",
                    s=40,
                    color=BAND_COLORS[band],
                    edgecolor=INK,
                    linewidth=0.5,
                    clip_on=False,
                )
            )
    artists += cutoff_line(ax, review, rate_span(timed["hours"]))
    listed = portfolio.headache_shares(review)
    hours_share = 0.0 if pd.isna(listed.hours_share) else listed.hours_share
    revenue_share = 0.0 if pd.isna(listed.revenue_share) else listed.revenue_share
    title = finding_title(
        ax,
        f"Headache list: {count(listed.customers, 'customer')} "
        f"{verb(listed.customers, 'takes', 'take')} {hours_share:.0%} of the hours "
        f"and {verb(listed.customers, 'brings', 'bring')} {revenue_share:.0%} of revenue",
    )
    legend = band_legend(
        ax,
        drawn["band"] if dense else timed["band"],
        band_labels(review.settings),
        loc="upper left",
        title=(
            f"Over the grey density of all {len(paying):,}: the\nheadache list and fire candidates"
            if dense
            else "Band (customers ranked)"
        ),
    )
    return [*artists, title, legend]


def _ranked_points(review: Review) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The customers ranked, with the ``hours`` and ``revenue`` their revenue per hour is
    judged on; those of them with revenue, and those without."""
    c = review.customers
    shown = ["name", "band", "on_headache_list", "revenue_per_hour"]
    ranked = c.loc[c["ranked"], ["ranked_hours", "ranked_revenue", *shown]]
    timed = ranked.rename(columns={"ranked_hours": "hours", "ranked_revenue": "revenue"})
    return timed, timed[timed["revenue"] > 0], timed[timed["revenue"] <= 0]


@contextmanager
def _same_jitter(seed: int = 0) -> Iterator[None]:
    """While open, numpy's global random numbers, which seaborn draws its jitter from, are the
    same on every run: the same export gives the same chart, run after run. The global state
    is given back as it was."""
    # seaborn 0.13 takes no generator for its jitter: only the legacy global state steers it.
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def days_late_by_size(review: Review) -> Figure:
    """Days late of each invoice due in the period, by company size.

    A box per size with every invoice as a point; above ``POINTS_UP_TO`` invoices the points
    would bury the boxes, so violins show the distribution instead.
    """
    due = review.invoices_due[review.invoices_due["amount"] > 0]
    due = due.assign(
        size_band=due["size_band"].astype(str), days_late=due["days_late"].astype(float)
    )
    data = due.dropna(subset=["days_late"])  # an invoice due on the as-of date cannot be late yet
    order = [s for s in portfolio.SIZE_ORDER if (data["size_band"] == s).any()]
    figure, ax = new_figure(height=5)
    with warnings.catch_warnings():
        # seaborn 0.13.2 passes matplotlib 3.11 the deprecated `vert` argument; harmless.
        warnings.filterwarnings("ignore", message="vert: bool was deprecated")
        common = {"data": data, "x": "size_band", "y": "days_late", "order": order, "ax": ax}
        if len(data) > POINTS_UP_TO:
            sns.violinplot(**common, color="#9ECAE1", cut=0, inner="quart", linewidth=1)
        else:
            sns.boxplot(**common, color="#DDDDDD", showfliers=False, width=0.55, linewidth=1)
            with _same_jitter():
                sns.stripplot(**common, color="#0072B2", size=3, alpha=0.45, jitter=0.25)
    ax.axhline(0, color=INK, linewidth=1)
    ax.text(len(order) - 0.5, 0, " due date", va="bottom", ha="right", fontsize=9)
    ax.set_xticks(
        range(len(order)), [f"{s}\n({(due['size_band'] == s).sum():,} invoices)" for s in order]
    )
    ax.set_xlabel("Company size (EU definition by headcount)")
    ax.set_ylabel("Days late (negative: paid early)")
    # The same shares as the table beside the chart; sizes only where known.
    worst = portfolio.most_often_late(review)
    if worst is None:
        title = "No invoices fell due in the period"
    elif not worst["share_late"] > 0:  # those due fell due on the as-of date, or were paid
        title = "No invoice that fell due in the period is late"
    else:
        median = worst["median_days_late"]
        days = "day" if round(median) in (1, -1) else "days"
        title = (
            f"{str(worst.name).capitalize()} companies pay late most often: "
            f"{worst['share_late']:.0%} of invoices, median {median:.0f} {days} late"
        )
    finding_title(ax, title)
    return figure


def score_distribution(review: Review) -> Figure:
    """How many customers have each checklist score, stacked by band."""
    c = review.customers
    table = pd.crosstab(c["checklist_score"], c["band"]).reindex(
        index=range(8), columns=list(BANDS), fill_value=0
    )
    figure, ax = new_figure(height=4.5)
    bottom = np.zeros(len(table))
    for band in BANDS:
        ax.bar(
            table.index,
            table[band],
            bottom=bottom,
            color=BAND_COLORS[band],
            width=0.7,
            label=f"{band_labels(review.settings)[band]} ({table[band].sum():,})",
        )
        bottom += table[band].to_numpy()
    ax.axvline(2.5, color=INK, linewidth=1, linestyle=":")
    ax.axvline(5.5, color=INK, linewidth=1, linestyle=":")
    ax.set_xticks(range(8))
    ax.set_xlabel("Checklist score (yes answers out of 7)")
    ax.set_ylabel("Customers")
    ax.legend(title="Band", frameon=False)
    by_band = portfolio.bands(review)["customers"]
    keep, fire = int(by_band["keep"]), int(by_band["fire_candidate"])
    finding_title(ax, f"{count(keep, 'customer')} to keep, {count(fire, 'fire candidate')}")
    return figure


AGING_COLORS = {
    "current": "#BBBBBB",
    "1-30": "#F0E442",
    "31-60": "#E69F00",
    "61-90": "#D55E00",
    "90+": "#882255",
}


def aged_receivables_by_size(review: Review) -> Figure:
    """What is owed on the as-of date per company size, split by days past due."""
    currency = display(review.settings)
    by_size = portfolio.aging_by_size(review).iloc[::-1]  # largest at the top
    figure, ax = new_figure(height=3.8)
    left = np.zeros(len(by_size))
    for bucket, color in AGING_COLORS.items():
        label = "not yet due" if bucket == "current" else f"{bucket} days past due"
        ax.barh(by_size.index, by_size[bucket], left=left, color=color, label=label, height=0.6)
        left += by_size[bucket].to_numpy()
    ax.xaxis.set_major_formatter(money_axis(currency))
    ax.set_xlabel(f"Open balance on {review.period.as_of:%-d %B %Y}, {currency.code}")
    ax.set_ylabel("Company size")
    ax.legend(frameon=False, ncols=5, loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=9)
    overdue, total = by_size["90+"].sum(), by_size.to_numpy().sum()
    finding_title(
        ax,
        f"{money(overdue, currency)} of {money(total, currency)} owed is more than 90 days "
        "past due",
    )
    return figure


def whale_curve(review: Review) -> Figure:
    """Cumulative contribution after the cost of service time, customers ranked most first."""
    currency = display(review.settings)
    curve = review.whale_curve
    figure, ax = new_figure(height=4.8)
    x = np.concatenate([[0.0], curve["customer_share"].to_numpy()])
    y = np.concatenate([[0.0], curve["cumulative_share"].to_numpy()])
    ax.plot(x * 100, y * 100, color="#0072B2", linewidth=2)
    ax.axhline(100, color=INK, linewidth=1, linestyle=":")
    whale = portfolio.contribution(review)
    losing = curve[curve["contribution"] < 0]
    if len(losing):
        ax.axvspan(
            losing["customer_share"].min() * 100 - 100 / len(curve),
            100,
            color="#D55E00",
            alpha=0.08,
            linewidth=0,
        )
    ax.set_xlabel("Customers, most contribution first (% of customers reviewed)")
    ax.set_ylabel("Cumulative contribution (% of total)")
    ax.set_xlim(0, 100)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
    if whale.losing_customers:
        losing_count = whale.losing_customers
        title = (
            f"{count(losing_count, 'customer')} {verb(losing_count, 'costs', 'cost')} more to "
            f"serve than {verb(losing_count, 'it brings', 'they bring')}, giving back "
            f"{whale.peak_share - 1:.0%} of the profit the others make"
        )
    else:
        title = f"Every customer contributes; {money(whale.total, currency)} in all"
    finding_title(ax, title)
    return figure


def wallet_vs_revenue(review: Review) -> Figure:
    """Share of wallet against annual revenue, one dot per customer with a wallet estimate."""
    currency = display(review.settings)
    c = review.customers.dropna(subset=["share_of_wallet"])
    c = c[c["annual_revenue"] > 0]
    c = c.assign(wallet_percent=c["share_of_wallet"].clip(upper=1.2) * 100)
    figure, ax = new_figure(height=5)
    ax.set_xscale("log")
    dense = len(c) >= DENSITY_FROM
    if dense:
        density_layer(ax, c, "annual_revenue", "wallet_percent")
    drawn = flagged(c) if dense else c
    for band in BANDS:
        group = drawn[drawn["band"] == band]
        ax.scatter(
            group["annual_revenue"],
            group["wallet_percent"],
            s=8 if dense else 28,
            color=BAND_COLORS[band],
            alpha=0.8,
            edgecolor="white",
            linewidth=0 if dense else 0.4,
            rasterized=True,
        )
    needed = review.settings.checklist.spend_share_needed
    ax.axhline(needed * 100, color=INK, linewidth=1, linestyle="--")
    ax.annotate(
        f"{needed:.0%}: most of their budget",
        (1, needed * 100),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
    )
    ax.xaxis.set_major_formatter(money_axis(currency))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
    ax.set_xlabel(
        f"Yearly revenue at the pace of {judgement_window(review)}, {currency.code} (log)"
    )
    ax.set_ylabel("Share of wallet (above 120% drawn at 120%)")
    band_legend(
        ax,
        drawn["band"],
        band_labels(review.settings),
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        title=(
            f"Over the grey density of all\n{len(c):,}: the headache list\nand fire candidates"
            if dense
            else "Band (with an estimate)"
        ),
    )
    below = c[c["share_of_wallet"] < needed]
    finding_title(
        ax,
        f"{count(len(below), 'customer')} {verb(len(below), 'spends', 'spend')} less than "
        f"{needed:.0%} of {verb(len(below), 'its', 'their')} budget with us: "
        f"{money(below['headroom'].sum(), currency)} a year of headroom",
    )
    return figure
