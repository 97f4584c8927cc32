"""The report's charts. Each function takes the review and returns a matplotlib ``Figure``.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so nothing is kept in a
global figure list and a notebook shows each chart once. Colours are the Okabe-Ito palette,
which stays distinguishable with the common colour-vision deficiencies, and each band has the
same colour in every chart.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from helpers.narrative import SIZE_ORDER, count, headache_cutoff, money, per_hour, verb
from helpers.review import Review
from helpers.scoring import BAND_LABELS, BANDS

BAND_COLORS = {
    "keep": "#009E73",  # bluish green
    "review": "#E69F00",  # orange
    "fire_candidate": "#D55E00",  # vermilion
    "needs_assessment": "#56B4E9",  # sky blue
}
INK = "#333333"
STYLE = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "font.size": 10,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}
# Above this many customers a scatter of dots turns into a blot: draw density instead.
DENSITY_FROM = 5_000


def _figure(width: float = 9.5, height: float = 5.5) -> tuple[Figure, object]:
    sns.set_theme(style="whitegrid", rc=STYLE)
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _money_axis(currency: str):
    return FuncFormatter(lambda value, _: money(value, currency))


def _band_legend(ax, bands: pd.Series, **kwargs) -> None:
    counts = bands.value_counts()
    handles = [
        Line2D([], [], marker="o", linestyle="", color=BAND_COLORS[b], markersize=8)
        for b in BANDS
        if counts.get(b, 0)
    ]
    labels = [f"{BAND_LABELS[b]} ({counts[b]:,})" for b in BANDS if counts.get(b, 0)]
    ax.legend(handles, labels, frameon=False, **{"title": "Band", **kwargs})


def revenue_vs_time(review: Review, currency: str = "EUR") -> Figure:
    """Revenue against hours, both on log scales, one dot per customer coloured by band.

    Diagonal lines are constant revenue per hour: the portfolio median and the headache-list
    cutoff. Customers with hours but no revenue sit on the bottom edge as triangles.
    """
    c = review.customers
    timed = c[c["hours"] > 0]
    paying = timed[timed["revenue"] > 0]
    unpaid = timed[timed["revenue"] <= 0]
    figure, ax = _figure()
    ax.set_xscale("log")
    ax.set_yscale("log")
    floor = paying["revenue"].min() / 3 if len(paying) else 1.0
    if len(paying) >= DENSITY_FROM:
        ax.hexbin(
            paying["hours"],
            paying["revenue"],
            xscale="log",
            yscale="log",
            gridsize=60,
            cmap="Greys",
            mincnt=1,
            bins="log",
            linewidths=0,
        )
        flagged = paying[paying["on_headache_list"] | (paying["band"] == "fire_candidate")]
    else:
        flagged = paying
    for band in BANDS:
        group = flagged[flagged["band"] == band]
        ax.scatter(
            group["hours"],
            group["revenue"],
            s=28,
            color=BAND_COLORS[band],
            alpha=0.8,
            edgecolor="white",
            linewidth=0.4,
            rasterized=True,
        )
        lost = unpaid[unpaid["band"] == band]
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
    hours_range = np.geomspace(timed["hours"].min() * 0.8, timed["hours"].max() * 1.25, 50)
    median = review.median_revenue_per_hour
    cutoff = headache_cutoff(review)
    for rate, style, label in (
        (median, "--", f"median {per_hour(median, currency)}"),
        (cutoff, ":", f"headache cutoff {per_hour(cutoff, currency)}"),
    ):
        if rate and rate > 0:
            ax.plot(hours_range, rate * hours_range, style, color=INK, linewidth=1.2)
            ax.annotate(
                label,
                (hours_range[-1], rate * hours_range[-1]),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=INK,
                annotation_clip=False,
            )
    ax.yaxis.set_major_formatter(_money_axis(currency))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(f"Hours spent on the customer in {review.period.label} (log scale)")
    ax.set_ylabel(f"Revenue in {review.period.label}, {currency} (log scale)")
    listed = timed[timed["on_headache_list"]]
    hours_share = listed["hours"].sum() / timed["hours"].sum() if len(timed) else 0
    revenue_share = listed["revenue"].sum() / c["revenue"].sum() if c["revenue"].sum() else 0
    ax.set_title(
        f"Headache list: {count(len(listed), 'customer')} "
        f"{verb(len(listed), 'takes', 'take')} {hours_share:.0%} of the hours "
        f"and {verb(len(listed), 'brings', 'bring')} {revenue_share:.0%} of revenue",
        loc="left",
    )
    _band_legend(ax, timed["band"], loc="upper left", title="Band (customers with time logged)")
    if len(unpaid):
        ax.text(
            0.99,
            0.01,
            f"▼ {count(len(unpaid), 'customer')} with hours but no revenue",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
        )
    return figure


def days_late_by_size(review: Review) -> Figure:
    """Days late of each invoice due in the period, by company size: box and points."""
    due = review.invoices_due[review.invoices_due["amount"] > 0].dropna(subset=["days_late"])
    order = [s for s in SIZE_ORDER if (due["size_band"] == s).any()]
    figure, ax = _figure(height=5)
    data = due.assign(
        size_band=due["size_band"].astype(str), days_late=due["days_late"].astype(float)
    )
    with warnings.catch_warnings():
        # seaborn 0.13.2 passes matplotlib 3.11 the deprecated `vert` argument; harmless.
        warnings.filterwarnings("ignore", message="vert: bool was deprecated")
        sns.boxplot(
            data=data,
            x="size_band",
            y="days_late",
            order=order,
            ax=ax,
            color="#DDDDDD",
            showfliers=False,
            width=0.55,
            linewidth=1,
        )
    sns.stripplot(
        data=data,
        x="size_band",
        y="days_late",
        order=order,
        ax=ax,
        color="#0072B2",
        size=3,
        alpha=0.45,
        jitter=0.25,
    )
    ax.axhline(0, color=INK, linewidth=1)
    ax.text(len(order) - 0.5, 0, " due date", va="bottom", ha="right", fontsize=9)
    medians = data.groupby("size_band")["days_late"].median()
    ax.set_xticks(
        range(len(order)), [f"{s}\n({(data['size_band'] == s).sum():,} invoices)" for s in order]
    )
    ax.set_xlabel("Company size (EU definition by headcount)")
    ax.set_ylabel("Days late (negative: paid early)")
    slowest = medians.idxmax() if len(medians) else None
    title = (
        f"{slowest.capitalize()} companies pay slowest: median {medians[slowest]:.0f} days late"
        if slowest is not None
        else "No invoices fell due in the period"
    )
    ax.set_title(title, loc="left")
    return figure


def score_distribution(review: Review) -> Figure:
    """How many customers have each checklist score, stacked by band."""
    c = review.customers
    table = pd.crosstab(c["checklist_score"], c["band"]).reindex(
        index=range(8), columns=list(BANDS), fill_value=0
    )
    figure, ax = _figure(height=4.5)
    bottom = np.zeros(len(table))
    for band in BANDS:
        ax.bar(
            table.index,
            table[band],
            bottom=bottom,
            color=BAND_COLORS[band],
            width=0.7,
            label=f"{BAND_LABELS[band]} ({table[band].sum():,})",
        )
        bottom += table[band].to_numpy()
    ax.axvline(2.5, color=INK, linewidth=1, linestyle=":")
    ax.axvline(5.5, color=INK, linewidth=1, linestyle=":")
    ax.set_xticks(range(8))
    ax.set_xlabel("Checklist score (yes answers out of 7)")
    ax.set_ylabel("Customers")
    ax.legend(title="Band", frameon=False)
    fire = int((c["band"] == "fire_candidate").sum())
    keep = int((c["band"] == "keep").sum())
    ax.set_title(f"{count(keep, 'customer')} to keep, {count(fire, 'fire candidate')}", loc="left")
    return figure
