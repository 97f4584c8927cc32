"""One customer's dossier in charts: its place among the customers on revenue against time,
its invoices' days late over two years, and its hours by activity per quarter.

Each function takes the ``Dossier`` and returns a matplotlib ``Figure`` in the house style
(``helpers.report.chart_style``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from helpers.report.chart_style import (
    BAND_COLORS,
    DENSITY_FROM,
    INK,
    density_layer,
    finding_title,
    label_for,
    money_axis,
    new_figure,
    rate_lines,
)
from helpers.report.dossier_words import rank_standing
from helpers.report.words import (
    band_labels,
    count,
    date,
    days,
    display,
    judgement_window,
    per_hour,
    share,
    window_heading,
)
from helpers.review.dossier import NOT_YET_DUE, PAID, PAST_DUE, Dossier, hours_by_quarter

TIME_CHART_FROM_QUARTERS = 3  # fewer quarters with time logged: a table says it better


OTHER_ACTIVITIES = "other"


ACTIVITY_COLORS = (  # Okabe-Ito, most hours first; the rest are grouped as "other", grey
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
)


OTHER_COLOR = "#999999"


OTHERS_COLOR = "#C8C8C8"  # the rest of the portfolio, behind the customer in the chart


def position_chart(dossier: Dossier) -> Figure:
    """Revenue against hours over the judgement window on log scales, as the review's chart
    judges them: every other customer ranked in grey, this one highlighted in its band's
    colour and named, with the median and headache-cutoff lines of the review's chart. Needs
    time logged for the customer (``Dossier.has_hours``).

    Customers with hours but no revenue sit on the bottom edge as triangles; above
    ``DENSITY_FROM`` customers the grey dots become a grey density layer.
    """
    if not dossier.has_hours:
        raise ValueError(f"no time was logged for {dossier.customer_id} in the judgement window")
    review, currency, me = dossier.review, display(dossier.review.settings), dossier.customer
    c = review.customers
    # What revenue per hour is judged on: without work not invoiced yet, nor revenue overdue.
    judged_on = c.assign(hours=c["ranked_hours"], revenue=c["ranked_revenue"])
    timed = judged_on[c["ranked"] | (c.index == dossier.customer_id)]
    if me["ranked_hours"] > 0:
        me = judged_on.loc[dossier.customer_id]
    paying = timed[timed["revenue"] > 0]
    floor = paying["revenue"].min() / 3 if len(paying) else 1.0
    others = paying.drop(index=dossier.customer_id, errors="ignore")
    unpaid = timed[timed["revenue"] <= 0].drop(index=dossier.customer_id, errors="ignore")
    figure, ax = new_figure()
    ax.set_xscale("log")
    ax.set_yscale("log")
    if len(others) >= DENSITY_FROM:
        density_layer(ax, others)
    else:
        ax.scatter(
            others["hours"], others["revenue"], s=22, color=OTHERS_COLOR, linewidth=0, zorder=2
        )
    ax.scatter(
        unpaid["hours"],
        np.full(len(unpaid), floor),
        marker="v",
        s=30,
        color=OTHERS_COLOR,
        clip_on=False,
        zorder=2,
    )
    hours_range = rate_lines(ax, review, timed["hours"])
    median = review.median_revenue_per_hour
    band = str(me["band"])
    has_revenue = me["revenue"] > 0
    y = me["revenue"] if has_revenue else floor
    ax.scatter(
        [me["hours"]],
        [y],
        marker="o" if has_revenue else "v",
        s=160,
        color=BAND_COLORS[band],
        edgecolor=INK,
        linewidth=1.5,
        zorder=5,
        clip_on=False,
    )
    # The name goes towards the middle of the chart, so it stays inside the axes.
    low, high = np.log(hours_range[0]), np.log(hours_range[-1])
    right = np.log(me["hours"]) < (low + high) / 2
    ax.annotate(
        label_for(dossier.name, dossier.customer_id),
        (me["hours"], y),
        xytext=(18 if right else -18, 18 if has_revenue else 24),
        textcoords="offset points",
        ha="left" if right else "right",
        fontsize=11,
        fontweight="bold",
        color=INK,
        parse_math=False,  # a "$" in a name is text, not mathematics
        arrowprops={"arrowstyle": "-", "color": INK, "linewidth": 1},
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
        zorder=6,
    )
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(f"Hours spent on the customer in {judgement_window(review)} (log scale)")
    ax.set_ylabel(f"Revenue in {window_heading(review)}, {currency.code} (log scale)")
    ax.legend(
        [
            Line2D([], [], marker="o", linestyle="", color=OTHERS_COLOR, markersize=6),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=BAND_COLORS[band],
                markeredgecolor=INK,
                markersize=10,
            ),
        ],
        [
            f"the other {count(len(timed) - 1, 'customer')} ranked",
            f"{label_for(dossier.name, dossier.customer_id)} "
            f"({band_labels(dossier.review.settings)[band].lower()})",
        ],
        loc="upper left",
        frameon=False,
    )
    if len(unpaid):
        ax.text(
            0.99,
            0.01,
            f"▼ {count(len(unpaid), 'other customer')} with hours but no revenue",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
        )
    rate = me["revenue_per_hour"]
    side = "above" if rate > median else "below" if rate < median else "at"
    finding_title(
        ax,
        f"{label_for(dossier.name, dossier.customer_id)} earns {per_hour(rate, currency)}, "
        f"{side} the median {per_hour(median, currency)}"
        f"{': ' if dossier.customer['ranked'] else '; '}{rank_standing(dossier, percentile=False)}",
    )
    return figure


def _legend(label: str, shown: pd.DataFrame) -> str:
    """``label`` for the legend, or matplotlib's mark for no entry when nothing is drawn."""
    return label if len(shown) else "_nolegend_"


def days_late_chart(dossier: Dossier) -> Figure:
    """One point per invoice of the two years: issue date across, days late up.

    Paid invoices are blue dots (below zero: paid early); invoices unpaid past due on the
    as-of date are vermilion crosses at their days past due so far; invoices not yet due are
    hollow grey circles at minus the days left until due. Credit notes are left out. The
    review period is shaded. Needs payment dates (``Review.has_payments``).
    """
    review, period = dossier.review, dossier.review.period
    invoices = dossier.invoices[dossier.invoices["amount"] > 0]
    as_of = pd.Timestamp(period.as_of)
    figure, ax = new_figure(height=4.6)
    ax.axvspan(
        pd.Timestamp(period.start),
        pd.Timestamp(period.end),
        color="#EEEEEE",
        zorder=0,
        label=f"{period.label}, the review period",
    )
    ax.axhline(0, color=INK, linewidth=1, zorder=1)
    paid = invoices[invoices["status"] == PAID]
    overdue = invoices[invoices["status"] == PAST_DUE]
    pending = invoices[invoices["status"] == NOT_YET_DUE]
    ax.scatter(
        paid["issued_on"],
        paid["days_late"],
        s=30,
        color="#0072B2",
        alpha=0.85,
        zorder=3,
        label=_legend(f"paid: days after the due date ({len(paid):,})", paid),
    )
    ax.scatter(
        overdue["issued_on"],
        overdue["days_late"],
        marker="X",
        s=90,
        color="#D55E00",
        edgecolor=INK,
        linewidth=0.6,
        zorder=4,
        label=_legend(f"unpaid on {date(as_of)}: days past due so far ({len(overdue):,})", overdue),
    )
    ax.scatter(
        pending["issued_on"],
        (as_of - pending["due_on"]).dt.days,
        s=40,
        facecolors="none",
        edgecolors="#777777",
        linewidth=1.2,
        zorder=3,
        label=_legend(f"unpaid, not yet due: minus the days until due ({len(pending):,})", pending),
    )
    worst = invoices["days_late"].max()
    non_payer = review.settings.non_payer_days
    if pd.notna(worst) and worst >= non_payer * 0.6:
        ax.axhline(non_payer, color="#882255", linewidth=1, linestyle=":", zorder=1)
        ax.annotate(
            f"{non_payer} days: non-payer",
            (0, non_payer),
            xycoords=("axes fraction", "data"),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=9,
            color="#882255",
        )
    ax.set_xlim(dossier.since, as_of + pd.Timedelta(days=10))
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_xlabel("Invoice issued")
    ax.set_ylabel("Days late (negative: paid early)")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.16), ncols=2, frameon=False, fontsize=9)
    if len(overdue):
        title = (
            f"{count(len(overdue), 'invoice')} unpaid past due on {date(as_of)}, the oldest "
            f"{days(overdue['days_late'].max())}"
        )
    else:
        title = f"Nothing unpaid past due on {date(as_of)}"
    late = paid[paid["days_late"] > 0]
    if len(paid):
        title += f"; {len(late):,} of {count(len(paid), 'paid invoice')} paid late" + (
            f", a median {days(late['days_late'].median())}" if len(late) else ""
        )
    finding_title(ax, title)
    return figure


def time_chart(dossier: Dossier) -> Figure | None:
    """Hours per quarter stacked by activity over the two years, the review period's quarters
    shaded; ``None`` when time was logged in fewer than ``TIME_CHART_FROM_QUARTERS`` quarters
    (``time_table`` shows that better)."""
    grid = hours_by_quarter(dossier)
    if grid.empty or int((grid.sum(axis=1) > 0).sum()) < TIME_CHART_FROM_QUARTERS:
        return None
    if len(grid.columns) > len(ACTIVITY_COLORS):
        kept = grid.columns[: len(ACTIVITY_COLORS)]
        grid = grid[kept].assign(**{OTHER_ACTIVITIES: grid.drop(columns=kept).sum(axis=1)})
    colors = dict(zip(grid.columns, ACTIVITY_COLORS, strict=False))
    period = dossier.review.period
    in_period = [
        i
        for i, q in enumerate(grid.index)
        if pd.Period(q.replace("-", ""), freq="Q").end_time.date() >= period.start
        and pd.Period(q.replace("-", ""), freq="Q").start_time.date() <= period.end
    ]
    figure, ax = new_figure(height=4.4)
    ax.axvspan(min(in_period) - 0.45, max(in_period) + 0.45, color="#EEEEEE", zorder=0, linewidth=0)
    bottom = np.zeros(len(grid))
    positions = np.arange(len(grid))
    for activity in grid.columns:
        ax.bar(
            positions,
            grid[activity],
            bottom=bottom,
            width=0.7,
            color=colors.get(activity, OTHER_COLOR),
            label=activity,
            zorder=2,
        )
        bottom += grid[activity].to_numpy()
    ax.set_xticks(positions, [q.replace("-", "\n") for q in grid.index])
    ax.set_ylim(0, bottom.max() * 1.08)
    ax.set_ylabel("Hours")
    ax.set_xlabel(f"Quarter ({period.label}, the review period, shaded)")
    ax.legend(title="Activity", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    total = grid.to_numpy().sum()
    top = grid.sum().idxmax()
    finding_title(
        ax,
        f"{total:,.0f} hours since {dossier.since:%B %Y}, {share(grid[top].sum() / total)} of "
        f"them {top}; "
        f"the most in {grid.sum(axis=1).idxmax()}",
    )
    return figure
