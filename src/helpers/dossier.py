"""One customer's dossier for the review meeting: where it stands, and the evidence behind it.

``build_dossier`` takes a finished ``Review`` and one customer id. The review keeps only the
period, so the dossier also keeps that customer's own rows of the export over the two years to
the as-of date: its invoices with days late, its time entries and its assessments. Every table,
sentence and chart of ``notebooks/customer_dossier.ipynb`` is a function of that ``Dossier``.

Text from the export reaches the page escaped: tables through ``tables.table``, sentences
through ``narrative.paragraphs``, and the HTML built here through ``html.escape``.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from helpers import measures
from helpers.decisions import PAYMENT_ADVICE, TACTICS, exit_impact
from helpers.export import UNKNOWN_SIZE, Export
from helpers.history import previous_period_label, query_history
from helpers.money import CurrencyDisplay
from helpers.narrative import count, money, per_hour, share, verb
from helpers.periods import parse_period
from helpers.plots import (
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
from helpers.review import (
    ParameterError,
    Review,
    ReviewSettings,
    build_review,
    export_from_parameters,
)
from helpers.scoring import CHECKLIST_ITEMS
from helpers.tables import ANSWER_CELLS, STAGE_LABELS, table

HISTORY_MONTHS = 24  # how far back the invoices and time entries of the dossier reach
CLOSE_MATCHES = 3  # near matches named for an unknown id, by id and by name each
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

PAID = "paid"
PAST_DUE = "unpaid, past due"
NOT_YET_DUE = "unpaid, not yet due"
CREDIT_NOTE = "credit note"
NOT_RECORDED = "payment not recorded"

QUESTIONS = {
    "repeat_business": "Do they come back and buy regularly?",
    "influencer": "Do they recommend us?",
    "spend": "Do they spend most of their budget with us?",
    "service": "Is the time they take reasonable?",
    "upsell": "Is there room to grow?",
    "right_reasons": "Do they buy for the right reasons?",
    "values_aligned": "Do we share core values?",
}
ANSWER_STYLES = {"yes": ANSWER_CELLS[True][1], "no": ANSWER_CELLS[False][1]}
ANSWER_STYLES["unanswered"] = ANSWER_CELLS["unanswered"][1]
STAGE_MEANING = {
    "none": "no strike",
    "watch": "on watch",
    "repair_plan": (
        "a repair plan is due: fix the contract, change our own practice, say the problem out loud"
    ),
    "exit_decision": "in final review, where the exit is decided",
}
AGING_LABELS = {
    "current": "not yet due",
    "1-30": "1-30 days",
    "31-60": "31-60 days",
    "61-90": "61-90 days",
    "90+": "over 90 days",
}


def _date(day) -> str:
    """``30 September 2026``."""
    return f"{pd.Timestamp(day):%-d %B %Y}"


def _ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _days(value: float) -> str:
    """``1 day``, ``5 days``, rounded to whole days."""
    return f"{value:.0f} {'day' if round(value) in (1, -1) else 'days'}"


def _hours(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:,.1f}"


def _id_key(text: str) -> str:
    """``text`` for comparing ids: case folded, numbers without leading zeros."""
    return re.sub(r"\d+", lambda digits: str(int(digits[0])), text.casefold())


def _closest(key: str, options: dict[str, str]) -> list[str]:
    """The values of the ``CLOSE_MATCHES`` keys of ``options`` most like ``key`` (difflib's
    ratio, at least 0.6), ties in the values' order rather than difflib's reverse order."""
    close = difflib.get_close_matches(key, options, n=len(options), cutoff=0.6)
    ratio = {o: difflib.SequenceMatcher(None, key, o).ratio() for o in close}
    ranked = sorted(close, key=lambda o: (-ratio[o], options[o]))
    return [options[o] for o in ranked[:CLOSE_MATCHES]]


def find_customer(customers: pd.DataFrame, customer_id: object) -> str:
    """The export's id for ``customer_id``, or ``ParameterError`` naming the near matches.

    ``customers`` is the export's customers table (``customer_id`` and ``name`` columns). The
    near matches are looked for, case-insensitively, among the ids (zeros leading a number
    ignored first, then by difflib) and among the names (containing what was typed, then by
    difflib), and named by id, e.g. ``customer_id 'C037' is not in the export; close: C0037
    (Hollis Dental), C0137 (Northam Foods)``.
    """
    wanted = str(customer_id).strip()
    ids = customers["customer_id"].astype(str).tolist()
    if wanted in ids:
        return wanted
    names = customers["name"].astype(str).tolist()
    if not wanted:
        raise ParameterError(
            f"customer_id is empty: give the id of one customer in the export, such as {ids[0]}"
        )
    key = _id_key(wanted)
    # An id typed with a zero too few or too many (C037 for C0037) is the closest of all.
    close = [i for i in ids if _id_key(i) == key]
    close += _closest(key, {_id_key(i): i for i in ids})
    by_name = {name.casefold(): i for i, name in zip(ids, names, strict=True)}
    # A few letters of a name ("beta" for "Beta & Sons") are too short for difflib's ratio.
    close += [i for name, i in by_name.items() if wanted.casefold() in name][:CLOSE_MATCHES]
    close += _closest(wanted.casefold(), by_name)
    name_of = dict(zip(ids, names, strict=True))
    hints = ", ".join(f"{i} ({name_of[i]})" for i in dict.fromkeys(close)) or "none"
    raise ParameterError(f"customer_id {wanted!r} is not in the export; close: {hints}")


@dataclass(frozen=True)
class Dossier:
    """One reviewed customer, with its own history from the export.

    ``invoices``: the customer's invoices issued in the ``HISTORY_MONTHS`` months to the as-of
    date, oldest first, with ``days_late`` (``measures.days_late``; missing while not yet due)
    and ``status`` (paid, unpaid past due, unpaid not yet due, credit note, or payment not
    recorded). ``since`` is the later of that first day and the export's first invoice.
    ``time_entries``: its time entries from ``since`` to the period's end, with
    ``activity`` filled ("unspecified"); ``None`` when the export holds none. ``assessments``:
    its assessments made on or before the as-of date, oldest first (may be empty).
    ``product_lines_sold``: lines the company sold to anyone in the year to the period's end.
    """

    review: Review
    customer_id: str
    invoices: pd.DataFrame
    time_entries: pd.DataFrame | None
    assessments: pd.DataFrame
    product_lines_sold: int
    since: pd.Timestamp  # first day of the history shown

    @property
    def customer(self) -> pd.Series:
        """The customer's row of ``review.customers``."""
        return self.review.customers.loc[self.customer_id]

    @property
    def name(self) -> str:
        return str(self.customer["name"])

    @property
    def currency(self) -> CurrencyDisplay:
        return self.review.settings.currency_display

    @property
    def has_hours(self) -> bool:
        """Whether time was logged for the customer in the period (it can be placed on the
        revenue-against-time chart)."""
        return bool(self.review.has_time and self.customer["hours"] > 0)

    @property
    def open_invoices(self) -> pd.DataFrame:
        """The customer's invoices open on the as-of date, aged (``review.open_invoices``)."""
        open_ = self.review.open_invoices
        if open_.empty:
            return open_
        return open_[open_["customer_id"] == self.customer_id].sort_values("due_on")

    @property
    def needs_exit(self) -> bool:
        """Whether the customer is a fire candidate or on the headache list, so the ways out
        are priced for it."""
        c = self.customer
        return bool(c["band"] == "fire_candidate" or c["on_headache_list"])


def build_dossier(export: Export, review: Review, customer_id: object) -> Dossier:
    """The dossier of ``customer_id`` from ``review`` (built from ``export``).

    Raises ``ParameterError`` when the id is not in the export (naming near matches) or when
    the customer is not in the period's review (it bought nothing, took no time and owed
    nothing in it).
    """
    customer_id = find_customer(export.customers, customer_id)
    period = review.period
    if customer_id not in review.customers.index:
        name = export.customers.set_index("customer_id").loc[customer_id, "name"]
        raise ParameterError(
            f"customer_id {customer_id!r} ({name}) bought nothing, took no time and owed nothing "
            f"in {period.label}, so it is not in that period's review: choose another period"
        )
    as_of = pd.Timestamp(period.as_of)
    since = as_of - pd.DateOffset(months=HISTORY_MONTHS) + pd.Timedelta(days=1)
    # No earlier than the export reaches: quarters before it are unknown, not empty.
    since = max(since, export.invoices["issued_on"].min())
    invoices = export.invoices[export.invoices["customer_id"] == customer_id]
    invoices = invoices[(invoices["issued_on"] >= since) & (invoices["issued_on"] <= as_of)]
    invoices = invoices.sort_values(["issued_on", "invoice_id"]).reset_index(drop=True)
    if review.has_payments:
        invoices["days_late"] = measures.days_late(invoices, as_of)
        paid = invoices["paid_on"].notna() & (invoices["paid_on"] <= as_of)
        status = np.select(
            [invoices["amount"] <= 0, paid, invoices["days_late"].notna()],
            [CREDIT_NOTE, PAID, PAST_DUE],
            default=NOT_YET_DUE,
        )
    else:
        invoices["days_late"] = np.nan
        status = np.where(invoices["amount"] <= 0, CREDIT_NOTE, NOT_RECORDED)
    invoices["status"] = pd.Series(status, index=invoices.index, dtype="string")

    time_entries = None
    if export.time_entries is not None:
        entries = export.time_entries
        time_entries = entries[
            (entries["customer_id"] == customer_id)
            & (entries["date"] >= since)
            & (entries["date"] <= pd.Timestamp(period.end))
        ].copy()
        activity = time_entries.get("activity", pd.Series(pd.NA, time_entries.index))
        time_entries["activity"] = activity.fillna("unspecified").astype("string")

    assessments = pd.DataFrame(columns=["assessed_on", "notes"])
    if export.assessments is not None:
        made = export.assessments[export.assessments["customer_id"] == customer_id]
        assessments = made[made["assessed_on"] <= as_of].sort_values("assessed_on", kind="stable")

    _, lines_sold = measures.product_lines_bought(export.invoices, pd.Index([customer_id]), period)
    return Dossier(
        review=review,
        customer_id=customer_id,
        invoices=invoices,
        time_entries=time_entries,
        assessments=assessments,
        product_lines_sold=int(lines_sold),
        since=since,
    )


def dossier_from_parameters(
    export_path: str,
    period: str | int,
    customer_id: object,
    *,
    as_of: str = "",
    history_path: str = "",
    config_path: str = "",
    **settings: object,
) -> Dossier:
    """The dossier a notebook's parameters ask for: the parameters checked first, then the
    export, then the customer id (before the review is built), then the review.

    ``settings`` are ``ReviewSettings`` fields and ``config_path`` the company config, as for
    ``review.review_from_parameters``.
    Raises ``PeriodError``, ``ParameterError`` (naming the parameter; an unknown customer id
    with its near matches), ``ExportError`` or ``FileNotFoundError``. The history file is read,
    never written.
    """
    review_period = parse_period(period, as_of)
    review_settings = ReviewSettings.from_parameters(**settings)
    export = export_from_parameters(export_path, config_path)
    customer_id = find_customer(export.customers, customer_id)
    review = build_review(export, review_period, review_settings, history_path)
    return build_dossier(export, review, customer_id)


# 1. Who the customer is, and where it stands.


def page_title(company: str, dossier: Dossier) -> str:
    """The browser tab's title: ``Fernhill Software Ltd: Beta & Sons, dossier 2026-Q3``."""
    return f"{company}: {dossier.name}, customer dossier {dossier.review.period.label}"


def title(company: str, dossier: Dossier) -> HTML:
    """The customer's name, the company and period, the band with the checklist score and
    the stage on the three-strikes road map, and the reason in words."""
    c = dossier.customer
    period = dossier.review.period
    band = str(c["band"])
    name = dossier.review.settings.band_labels[band]
    badge = (
        f'<span style="background: {BAND_COLORS[band]}; color: #000000; padding: 0.15em 0.6em; '
        f'border-radius: 0.3em; font-weight: bold">{html.escape(name)}</span>'
    )
    stage = str(c["stage"])
    strikes = (
        f"{html.escape(STAGE_LABELS[stage])}: {count(int(c['strikes_last_3']), 'strike')}"
        if STAGE_LABELS[stage]
        else "No strike"
    )
    standing = (
        f"{badge}&ensp;checklist score {c['checklist_score']} of 7 "
        f"({c['checklist_answered']} answered)&ensp;·&ensp;{strikes} in the last three periods"
    )
    if c["on_headache_list"]:
        standing += "&ensp;·&ensp;on the headache list"
    return HTML(
        f"<h1>{html.escape(dossier.name)}</h1>"
        f'<p class="review-subtitle">Customer dossier for {html.escape(company)}, '
        f"{html.escape(period.label)}: {_date(period.start)} to {_date(period.end)}, "
        f"payments judged as of {_date(period.as_of)}. Customer id "
        f"{html.escape(dossier.customer_id)}.</p>"
        f"<p>{standing}</p>"
        f"<p><strong>Why:</strong> {html.escape(str(c['reason']))}</p>"
    )


def profile_sentences(dossier: Dossier) -> list[str]:
    """Who the customer is: size, industry, since when, and whose account it is."""
    c = dossier.customer
    size = str(c["size_band"])
    employees = c.get("employees")
    company = "A company of unknown size" if size == UNKNOWN_SIZE else f"A {size} company"
    if pd.notna(employees):
        company += f" ({count(int(employees), 'employee')})"
    parts = [company + (f" in {c['industry']}" if pd.notna(c.get("industry")) else "")]
    if pd.notna(c.get("customer_since")):
        parts.append(f"a customer since {pd.Timestamp(c['customer_since']):%B %Y}")
    if pd.notna(c.get("account_owner")):
        parts.append(f"account owner {c['account_owner']}")
    return [", ".join(parts) + "."]


# 2. Its measures against the portfolio.


def portfolio_measures(dossier: Dossier) -> pd.DataFrame:
    """The customer's measures beside the portfolio's, one row per measure.

    Columns: ``label``; ``customer`` (this customer's value); ``median`` (the median over the
    reviewed customers for whom the measure is known; for revenue per hour, the review's
    median over customers with time logged); ``total`` (all reviewed customers together: a
    sum, or for revenue per hour and share of wallet the overall rate); ``where``, where the
    customer stands in words. Rows the export cannot support (time, payments, wallets) are
    left out.
    """
    review, currency = dossier.review, dossier.currency
    everyone, c = review.customers, dossier.customer
    rows = []

    def add(key: str, label: str, total: float, where: str) -> None:
        rows.append(
            {
                "measure": key,
                "label": label,
                "customer": float(c[key]) if pd.notna(c[key]) else np.nan,
                "median": float(everyone[key].median()),
                "total": total,
                "where": where,
            }
        )

    def rank_of(key: str) -> str:
        known = everyone[key].dropna()
        rank = int((known > c[key]).sum()) + 1
        return f"{_ordinal(rank)} largest of {len(known):,}"

    revenue = everyone["revenue"].sum()
    add(
        "revenue",
        "Revenue",
        revenue,
        f"{share(c['revenue'] / revenue) if revenue else '–'} of the total; {rank_of('revenue')}",
    )
    if review.has_time:
        hours = everyone["hours"].sum()
        add(
            "hours",
            "Hours",
            hours,
            f"{share(c['hours'] / hours) if hours else '–'} of the team's hours",
        )
        ranked = int(everyone["revenue_per_hour"].notna().sum())
        if pd.isna(c["revenue_per_hour"]):
            where = "not ranked: no time logged"
        else:
            where = (
                f"{_ordinal(int(c['rph_rank']))} lowest of {ranked:,} "
                f"(percentile {share(c['rph_percentile'])})"
            )
            if c["in_bottom_5pct"]:
                where += "; in the bottom 5%"
            elif c["on_headache_list"]:
                where += "; on the headache list"
        add("revenue_per_hour", "Revenue per hour", revenue / hours if hours else np.nan, where)
        rows[-1]["median"] = review.median_revenue_per_hour
    contribution = everyone["contribution"].sum()
    add(
        "contribution",
        "Contribution",
        contribution,
        (
            "costs more to serve than it brings"
            if c["contribution"] < 0
            else f"{rank_of('contribution')}"
        ),
    )
    if review.has_payments:
        late_from = review.settings.late_payer_days
        days = c["avg_days_late"]
        add(
            "avg_days_late",
            "Average days beyond terms",
            np.nan,
            "nothing fell due in the period"
            if pd.isna(days)
            else f"{'a late payer' if days > late_from else 'on time'}: late from "
            f"{late_from:g} days",
        )
        owed = everyone["open_balance"].sum()
        add(
            "open_balance",
            "Open balance",
            owed,
            f"{share(c['open_balance'] / owed) if owed else '–'} of all that is owed",
        )
    if review.has_wallet:
        known = everyone.dropna(subset=["share_of_wallet"])
        needed = review.settings.checklist.spend_share_needed
        add(
            "share_of_wallet",
            "Share of wallet",
            known["annual_revenue"].sum() / known["potential_annual_spend"].sum(),
            "no estimate of its budget"
            if pd.isna(c["share_of_wallet"])
            else f"{'at least' if c['share_of_wallet'] >= needed else 'less than'} "
            f"{share(needed)} of its budget with us",
        )
        room = review.settings.checklist.upsell_min_headroom
        add(
            "headroom",
            "Headroom",
            known["headroom"].sum(),
            "–"
            if pd.isna(c["headroom"])
            else f"{'room' if c['headroom'] >= room else 'little room'} to grow "
            f"(room from {money(room, currency)} a year)",
        )
    return pd.DataFrame(rows).set_index("measure")


def measures_table(dossier: Dossier):
    """``portfolio_measures`` as a table: each measure beside the portfolio median and all
    customers together, formatted for people."""
    currency = dossier.currency
    frame = portfolio_measures(dossier)
    formats = {
        "revenue": lambda v: money(v, currency),
        "hours": _hours,
        "revenue_per_hour": lambda v: per_hour(v, currency),
        "contribution": lambda v: money(v, currency),
        "avg_days_late": lambda v: "–" if pd.isna(v) else _days(v),
        "open_balance": lambda v: money(v, currency),
        "share_of_wallet": share,
        "headroom": lambda v: money(v, currency),
    }
    shown = pd.DataFrame(
        {
            "Measure": frame["label"],
            "This customer": [formats[k](v) for k, v in frame["customer"].items()],
            "Portfolio median": [formats[k](v) for k, v in frame["median"].items()],
            "All customers together": [formats[k](v) for k, v in frame["total"].items()],
            "Where it stands": frame["where"],
        }
    )
    numbers = ("This customer", "Portfolio median", "All customers together")
    return table(shown, rows=len(shown), numbers=numbers)


def standing_sentences(dossier: Dossier) -> list[str]:
    """The customer's period in two sentences: revenue for time, and what is left after it."""
    review, currency, c = dossier.review, dossier.currency, dossier.customer
    label = review.period.label
    if not review.has_time:
        return [
            f"In {label}, {dossier.name} brought {money(c['revenue'], currency)} of revenue. The "
            "export holds no time entries, so the time it takes cannot be judged."
        ]
    median = per_hour(review.median_revenue_per_hour, currency)
    if not dossier.has_hours:
        return [
            f"In {label}, {dossier.name} brought {money(c['revenue'], currency)} of revenue and "
            "no time was logged for it, so its revenue per hour is unknown and it cannot be "
            "placed on the chart."
        ]
    return [
        f"In {label}, {dossier.name} brought {money(c['revenue'], currency)} of revenue for "
        f"{_hours(c['hours'])} hours of the team's time: "
        f"{per_hour(c['revenue_per_hour'], currency)}, against {median} for the median customer.",
        f"After the cost of that time at {money(review.settings.hourly_cost, currency)} an hour, "
        f"it contributed {money(c['contribution'], currency)}.",
    ]


def position_chart(dossier: Dossier) -> Figure:
    """Revenue against hours on log scales: every other customer with time logged in grey,
    this one highlighted in its band's colour and named, with the median and headache-cutoff
    lines of the review's chart. Needs time logged for the customer (``Dossier.has_hours``).

    Customers with hours but no revenue sit on the bottom edge as triangles; above
    ``DENSITY_FROM`` customers the grey dots become a grey density layer.
    """
    if not dossier.has_hours:
        raise ValueError(f"no time was logged for {dossier.customer_id} in the period")
    review, currency, me = dossier.review, dossier.currency, dossier.customer
    c = review.customers
    timed = c[c["hours"] > 0]
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
    ax.set_xlabel(f"Hours spent on the customer in {review.period.label} (log scale)")
    ax.set_ylabel(f"Revenue in {review.period.label}, {currency.code} (log scale)")
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
            f"the other {count(len(timed) - 1, 'customer')} with time logged",
            f"{label_for(dossier.name, dossier.customer_id)} "
            f"({dossier.review.settings.band_labels[band].lower()})",
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
    ranked = int(c["revenue_per_hour"].notna().sum())
    finding_title(
        ax,
        f"{label_for(dossier.name, dossier.customer_id)} earns {per_hour(rate, currency)}, "
        f"{side} the median {per_hour(median, currency)}: {_ordinal(int(me['rph_rank']))} "
        f"lowest of {ranked:,}",
    )
    return figure


# 3. Its invoices and days late over time.


def invoice_sentences(dossier: Dossier) -> list[str]:
    """The two years of invoices in a few sentences: how many, how late, what is open."""
    review, currency, c = dossier.review, dossier.currency, dossier.customer
    invoices = dossier.invoices
    as_of = _date(review.period.as_of)
    credit = invoices[invoices["status"] == CREDIT_NOTE]
    first = (
        f"From {_date(dossier.since)} to {as_of}, {dossier.name} was sent "
        f"{count(len(invoices) - len(credit), 'invoice')}"
    )
    if len(credit):
        first += f" and {count(len(credit), 'credit note')}"
    sentences = [first + f", {money(invoices['amount'].sum(), currency)} in all."]
    if not review.has_payments:
        sentences.append(
            "The export's invoices have no payment dates (column paid_on), so payment delays "
            "cannot be judged."
        )
        return sentences
    paid = invoices[invoices["status"] == PAID]
    if len(paid):
        late = paid[paid["days_late"] > 0]
        sentence = (
            f"{len(late):,} of its {count(len(paid), 'paid invoice')} "
            f"{verb(len(late), 'was', 'were')} paid after the due date"
        )
        if len(late):
            sentence += (
                f", a median {_days(late['days_late'].median())} late and at worst "
                f"{_days(late['days_late'].max())}"
            )
        sentences.append(sentence + ".")
    advice = PAYMENT_ADVICE.get(str(c["payment_advice"]), "")
    if pd.notna(c["avg_days_late"]):
        sentences.append(
            f"Of the invoices due in {review.period.label}, it paid "
            f"{_days(c['avg_days_late'])} beyond terms on average, weighted by amount "
            f"(a late payer from {review.settings.late_payer_days:g} days): {advice.lower()}."
        )
    open_ = dossier.open_invoices
    if open_.empty:
        sentences.append(f"Nothing was open on {as_of}.")
    else:
        past_due = open_[open_["days_past_due"] > 0]
        sentences.append(
            f"Open on {as_of}: {money(open_['amount'].sum(), currency)} in "
            f"{count(len(open_), 'invoice')}, {money(past_due['amount'].sum(), currency)} of it "
            "past due."
        )
    return sentences


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
        label=_legend(
            f"unpaid on {_date(as_of)}: days past due so far ({len(overdue):,})", overdue
        ),
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
            f"{count(len(overdue), 'invoice')} unpaid past due on {_date(as_of)}, the oldest "
            f"{_days(overdue['days_late'].max())}"
        )
    else:
        title = f"Nothing unpaid past due on {_date(as_of)}"
    late = paid[paid["days_late"] > 0]
    if len(paid):
        title += f"; {len(late):,} of {count(len(paid), 'paid invoice')} paid late" + (
            f", a median {_days(late['days_late'].median())}" if len(late) else ""
        )
    finding_title(ax, title)
    return figure


def open_invoices_table(dossier: Dossier):
    """The customer's invoices open on the as-of date, oldest due first, with days past due
    and aging bucket."""
    currency = dossier.currency
    open_ = dossier.open_invoices
    frame = pd.DataFrame(
        {
            "Invoice": open_["invoice_id"],
            "Issued": open_["issued_on"].dt.strftime("%-d %b %Y"),
            "Due": open_["due_on"].dt.strftime("%-d %b %Y"),
            "Amount": open_["amount"],
            "Days past due": open_["days_past_due"].where(open_["days_past_due"] > 0),
            "Aging": open_["aging_bucket"].astype(str).map(AGING_LABELS),
        }
    )
    if "product_line" in open_:
        frame.insert(3, "Product line", open_["product_line"])
    formats = {"Amount": lambda v: money(v, currency, decimals=2), "Days past due": "{:.0f}"}
    return table(frame, formats, what="invoices", numbers=("Issued", "Due"))


# 4. Its time by activity.


def hours_by_quarter(dossier: Dossier) -> pd.DataFrame:
    """Hours per calendar quarter of the two years (rows, oldest first, every quarter
    present) and activity (columns, most hours first). Empty without time entries."""
    entries = dossier.time_entries
    if entries is None:
        return pd.DataFrame()
    quarters = pd.period_range(dossier.since, dossier.review.period.end, freq="Q")
    grid = entries.pivot_table(
        index=entries["date"].dt.to_period("Q"),
        columns="activity",
        values="hours",
        aggfunc="sum",
        fill_value=0.0,
    )
    order = grid.sum().sort_values(ascending=False, kind="stable").index
    grid = grid.reindex(index=quarters, columns=order, fill_value=0.0).astype("float64")
    grid.index = [f"{q.year}-Q{q.quarter}" for q in grid.index]
    grid.index.name = "quarter"
    grid.columns.name = None
    return grid


def time_sentences(dossier: Dossier) -> list[str]:
    """The hours of the period and of the two years, by activity, in words."""
    review = dossier.review
    if dossier.time_entries is None:
        return [
            "The export holds no time entries (time_entries.csv), so the time this customer "
            "takes cannot be shown."
        ]
    entries = dossier.time_entries
    if entries.empty:
        return [f"No time was logged for {dossier.name} since {_date(dossier.since)}."]
    in_period = entries[review.period.contains(entries["date"])]
    sentences = []
    if in_period.empty:
        sentences.append(f"No time was logged for {dossier.name} in {review.period.label}.")
    else:
        top = in_period.groupby("activity")["hours"].sum().sort_values(ascending=False)
        sentences.append(
            f"In {review.period.label}, {_hours(top.sum())} hours were logged for "
            f"{dossier.name}, {_hours(top.iloc[0])} of them {top.index[0]} "
            f"({share(top.iloc[0] / top.sum())})."
        )
    grid = hours_by_quarter(dossier)
    per_quarter = grid.sum(axis=1)
    total = per_quarter.sum()
    by_activity = grid.sum()
    sentences.append(
        f"Since {_date(dossier.since)}: {_hours(total)} hours, "
        f"{share(by_activity.iloc[0] / total)} of them {by_activity.index[0]}; the busiest "
        f"quarter was {per_quarter.idxmax()} with {_hours(per_quarter.max())} hours."
    )
    return sentences


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


def time_table(dossier: Dossier):
    """Hours by activity in the period and over the two years, most first, with a total row;
    ``None`` when no time was logged for the customer."""
    entries = dossier.time_entries
    if entries is None or entries.empty:
        return None
    period = dossier.review.period
    two_years = entries.groupby("activity")["hours"].sum()
    since = f"Hours since {dossier.since:%b %Y}"
    in_period = entries[period.contains(entries["date"])].groupby("activity")["hours"].sum()
    frame = pd.DataFrame(
        {
            "Activity": two_years.index.astype(str),
            f"Hours in {period.label}": in_period.reindex(two_years.index, fill_value=0.0),
            since: two_years,
        }
    ).sort_values(since, ascending=False, kind="stable")
    frame["Share"] = frame[since] / two_years.sum()
    total = pd.DataFrame(
        [["all activities", frame.iloc[:, 1].sum(), two_years.sum(), 1.0]], columns=frame.columns
    )
    frame = pd.concat([frame, total], ignore_index=True)
    formats = {
        f"Hours in {period.label}": "{:,.1f}",
        since: "{:,.1f}",
        "Share": share,
    }
    return table(frame, formats, rows=len(frame))


# 5. Its checklist.


def latest_assessment(dossier: Dossier) -> pd.Series | None:
    """The assessment the checklist used: the latest on or before the as-of date."""
    return None if dossier.assessments.empty else dossier.assessments.iloc[-1]


def checklist_answers(dossier: Dossier) -> pd.DataFrame:
    """The seven items, one row each (indexed by item): ``answer`` (yes, no or unanswered),
    ``source`` (data, assessment, or missing when unanswered) and ``evidence``: what the
    data says for the four items it can answer, and which assessment answered the others."""
    review, currency, c = dossier.review, dossier.currency, dossier.customer
    rules = review.settings.checklist
    assessed = latest_assessment(dossier)
    assessed_on = None if assessed is None else _date(assessed["assessed_on"])
    median = per_hour(review.median_revenue_per_hour, currency)
    data_says = {}
    if pd.notna(c["quarters_bought"]):
        data_says["repeat_business"] = (
            f"bought in {c['quarters_bought']} of the last {rules.repeat_quarters_window} "
            f"quarters ({rules.repeat_quarters_needed} needed)"
        )
    if pd.notna(c["share_of_wallet"]):
        data_says["spend"] = (
            f"{share(c['share_of_wallet'])} share of wallet ({share(rules.spend_share_needed)} "
            "needed)"
        )
    if pd.notna(c["revenue_per_hour"]):
        data_says["service"] = (
            f"{per_hour(c['revenue_per_hour'], currency)} against the median {median}"
        )
    room = []
    if pd.notna(c["headroom"]):
        room.append(
            f"headroom {money(c['headroom'], currency)} a year "
            f"({money(rules.upsell_min_headroom, currency)} needed)"
        )
    if pd.notna(c["product_lines_bought"]) and dossier.product_lines_sold:
        room.append(
            f"buys {c['product_lines_bought']} of the {dossier.product_lines_sold} product "
            f"lines sold ({rules.upsell_min_unbought_lines} not bought needed)"
        )
    if room:
        data_says["upsell"] = "; ".join(room)
    data_cannot = {
        "repeat_business": "the export does not reach back four quarters",
        "spend": "no estimate of its budget",
        "service": "no time logged in the period",
        "upsell": "neither headroom nor product lines known",
    }
    rows = []
    for item in CHECKLIST_ITEMS:
        answer = c[item]
        source = None if pd.isna(c[f"{item}_source"]) else str(c[f"{item}_source"])
        evidence = []
        if source == "assessment":
            evidence.append(f"assessment of {assessed_on}")
        if item in data_says:
            evidence.append(("data: " if source == "assessment" else "") + data_says[item])
        if pd.isna(answer):
            if item in data_cannot:
                evidence.append(data_cannot[item])
            evidence.append(
                "never assessed"
                if assessed_on is None
                else f"not answered in the assessment of {assessed_on}"
            )
        rows.append(
            {
                "item": item,
                "answer": "unanswered" if pd.isna(answer) else ("yes" if answer else "no"),
                "source": source,
                "evidence": "; ".join(evidence),
            }
        )
    return pd.DataFrame(rows).set_index("item")


def checklist_table(dossier: Dossier):
    """The seven items with the question, the answer in words and colour, where the answer
    came from, and the evidence."""
    answers = checklist_answers(dossier)
    frame = pd.DataFrame(
        {
            "Item": [dossier.review.settings.item_labels[i] for i in answers.index],
            "Question": [QUESTIONS[i] for i in answers.index],
            "Answer": answers["answer"].to_numpy(),
            "Source": answers["source"].fillna("–").to_numpy(),
            "Evidence": answers["evidence"].to_numpy(),
        }
    )
    styler = table(frame, rows=len(frame))
    return styler.map(lambda v: ANSWER_STYLES[v], subset=["Answer"]).set_properties(
        subset=["Answer"], **{"text-align": "center"}
    )


def checklist_sentences(dossier: Dossier) -> list[str]:
    """The score, what it makes the customer, and who could answer what is missing."""
    c = dossier.customer
    rules = dossier.review.settings.checklist
    score, answered = int(c["checklist_score"]), int(c["checklist_answered"])
    band = str(c["band"])
    lines = f"(keep from {rules.keep_from}, fire candidate at {rules.review_from - 1} or less)"
    if band == "needs_assessment":
        missing = 7 - answered
        sentence = (
            f"Score {score} of the {answered} items answered: the {count(missing, 'item')} "
            f"unanswered could lift it to {score + missing}, across a band line {lines}, so it "
            "needs an assessment"
        )
        owner = c.get("account_owner")
        sentence += f" by its account owner, {owner}." if pd.notna(owner) else "."
        return [sentence]
    unanswered = 7 - answered
    sentence = f"Score {score} of 7"
    sentence += f", {unanswered} unanswered" if unanswered else ", every item answered"
    return [f"{sentence}: {dossier.review.settings.band_labels[band].lower()} {lines}."]


def assessment_sentences(dossier: Dossier) -> list[str]:
    """What the latest assessment said in its notes, or that there is none."""
    assessed = latest_assessment(dossier)
    if assessed is None:
        return [
            f"No account owner has assessed {dossier.name} by "
            f"{_date(dossier.review.period.as_of)}: whether it recommends us, buys for the "
            "right reasons and shares our values is not known."
        ]
    notes = assessed.get("notes")
    when = _date(assessed["assessed_on"])
    if pd.isna(notes) or not str(notes).strip():
        return [f"The latest assessment, of {when}, has no notes."]
    return [f"Notes of the latest assessment, {when}: “{str(notes).strip()}”"]


# 6. Its strike history.


def strike_window(dossier: Dossier) -> list[str]:
    """The labels of the three periods the strikes count, oldest first."""
    labels = [dossier.review.period.label]
    for _ in range(2):
        labels.insert(0, previous_period_label(parse_period(labels[0])))
    return labels


def strike_history_table(dossier: Dossier) -> pd.DataFrame:
    """The three periods the strikes count, one row each: ``band`` and ``on_headache_list``
    as reviewed (this period from the review, earlier ones from the history file, missing
    when never recorded there), and ``strike``."""
    review = dossier.review
    labels = strike_window(dossier)
    recorded = query_history(
        review.history_path,
        "SELECT period_label, band, on_headache_list FROM period_outcome "
        f"WHERE customer_id = ? AND period_label IN ({', '.join('?' * len(labels))})",
        (dossier.customer_id, *labels),
        ["period_label", "band", "on_headache_list"],
    ).set_index("period_label")
    rows = []
    for label in labels:
        if label == review.period.label:
            band, listed = dossier.customer["band"], dossier.customer["on_headache_list"]
        elif label in recorded.index:
            band, listed = recorded.loc[label, "band"], recorded.loc[label, "on_headache_list"]
        else:
            band, listed = None, None
        rows.append(
            {
                "period": label,
                "band": band,
                "on_headache_list": None if listed is None else bool(listed),
                "strike": bool(band == "fire_candidate" or listed) if band else False,
            }
        )
    return pd.DataFrame(rows).set_index("period")


def strikes_table(dossier: Dossier):
    """``strike_history_table`` for people: a period not in the history says so."""
    history = strike_history_table(dossier)
    recorded = history["band"].notna()
    frame = pd.DataFrame(
        {
            "Period": history.index,
            "Band": history["band"]
            .map(dossier.review.settings.band_labels)
            .where(recorded, "not in the history"),
            "On the headache list": history["on_headache_list"]
            .map({True: "yes", False: "no"})
            .where(recorded, "–"),
            "Strike": history["strike"].map({True: "strike", False: "–"}),
        }
    )
    return table(frame, rows=len(frame))


def strike_sentences(dossier: Dossier) -> list[str]:
    """The customer's strikes, its stage on the road map, and where the history comes from."""
    review, c = dossier.review, dossier.customer
    labels = strike_window(dossier)
    strikes = int(c["strikes_last_3"])
    window = f"{labels[0]} to {labels[-1]}"
    if strikes:
        first = (
            f"{dossier.name} has {count(strikes, 'strike')} in the three periods {window} "
            f"(in {c['strike_periods']}): {STAGE_MEANING[str(c['stage'])]}."
        )
    else:
        first = f"{dossier.name} has no strike in the three periods {window}."
    sentences = [first]
    if review.history_path:
        where = Path(review.history_path)
        shown = f"{where.parent.name}/{where.name}"
        kept = (
            f"Earlier periods come from the history file {shown} (history_path), which "
            "customer-review run keeps for the company"
            if where.is_file()
            else f"The history file {shown} (history_path) does not exist yet: no period was "
            "reviewed with customer-review run for the company"
        )
        sentences.append(
            f"{kept}; a period not in the history counts as no strike. This dossier reads the "
            "history and records nothing in it."
        )
    else:
        sentences.append(
            "No history of earlier periods was given (history_path is empty), so only this "
            "period's strike counts."
        )
    return sentences


# 7. The priced ways out.


def tactics(dossier: Dossier) -> pd.Series | None:
    """The customer's row of ``review.exit_tactics()``; ``None`` when it needs no way out
    (neither a fire candidate nor on the headache list)."""
    if not dossier.needs_exit:
        return None
    return dossier.review.exit_tactics().loc[dossier.customer_id]


def tactics_sentences(dossier: Dossier) -> list[str]:
    """The suggested way out and why, and what losing the customer would cost; or that none
    is needed."""
    review, currency = dossier.review, dossier.currency
    row = tactics(dossier)
    if row is None:
        sentence = (
            f"{dossier.name} is neither a fire candidate nor on the headache list in "
            f"{review.period.label}: no way out is needed."
        )
        if dossier.customer.get("non_payer", False):
            sentence += (
                f" It does not pay, though: "
                f"{PAYMENT_ADVICE['non_payer'].lower()} (see its invoices above)."
            )
        return [sentence]
    impact = exit_impact(
        review.customers,
        pd.Index([dossier.customer_id]),
        review.median_revenue_per_hour,
        review.settings.exit,
    )
    revenue = review.customers["revenue"].sum()
    change = impact["contribution_change"]
    hours = (
        f", free {_hours(impact['hours_freed'])} hours, which could earn "
        f"{money(impact['earn_back'], currency)} at the median rate,"
        if review.has_time
        else ""
    )
    return [
        f"Suggested: {TACTICS[row['tactic']].lower()}. Why: {row['why']}.",
        f"Letting {dossier.name} go would lose {money(impact['revenue_lost'], currency)} of "
        f"revenue in {review.period.label} ({share(impact['revenue_lost'] / revenue)})"
        f"{hours} and {'raise' if change >= 0 else 'lower'} the contribution by "
        f"{money(abs(change), currency)}. Verdict: {impact['verdict']} (a net loss, after "
        "what the freed hours could earn, of at most "
        f"{share(review.settings.exit.affordable_loss_share)} of revenue is affordable; losing "
        f"more than {share(review.settings.exit.max_loss_share)} of revenue never is).",
        f"The dates below count from {_date(review.period.as_of)}, the as-of date.",
    ]


def tactics_table(dossier: Dossier):
    """The five ways out priced for this customer, the suggested one marked; ``None`` when
    no way out is needed."""
    row = tactics(dossier)
    if row is None:
        return None
    currency = dossier.currency
    rules = dossier.review.settings.exit
    median = per_hour(dossier.review.median_revenue_per_hour, currency)
    tax, steps = row["headache_tax"], row["quarterly_steps"]
    schedule = [d for d in str(row["quarterly_schedule"]).split(", ") if d]
    if pd.isna(tax):
        rise = "no price rise turns no revenue into the median rate"
        quarterly = rise
        headache = "charge for the time in the contract, by the hour"
    elif tax == 0:
        rise = f"none needed: its time already pays the median {median}"
        quarterly = headache = "none needed"
    else:
        rise = (
            f"{share(tax)} more, to the median {median}, from {_date(row['price_increase_from'])}"
        )
        quarterly = (
            f"{count(int(steps), 'rise')} of {share(rules.quarterly_increase)}, from "
            f"{_date(schedule[0])} to {_date(schedule[-1])}"
        )
        headache = f"{share(tax)} more written into the contract for the extra time"
    values = dossier.customer["values_aligned"]
    compensation = (
        "adjust it: the customer does not share our values"
        if pd.notna(values) and not values
        else "not needed: values are not in question"
        if pd.notna(values)
        else "values unanswered: ask the account owner"
    )
    ways = [
        ("notice", TACTICS["notice"], f"service ends on {_date(row['notice_ends'])}"),
        ("price_increase", TACTICS["price_increase"], rise),
        ("quarterly_increase", TACTICS["quarterly_increase"], quarterly),
        ("headache_tax", TACTICS["headache_tax"], headache),
        ("sales_compensation", "Sales compensation", compensation),
    ]
    frame = pd.DataFrame(
        {
            "Way out": [label for _, label, _ in ways],
            "For this customer": [what for _, _, what in ways],
            "Suggested": ["suggested" if key == row["tactic"] else "" for key, _, _ in ways],
        }
    )
    styler = table(frame, rows=len(frame))
    return styler.map(
        lambda v: "font-weight: bold; color: #00573F" if v == "suggested" else "",
        subset=["Suggested"],
    )
