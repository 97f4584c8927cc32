"""One customer's dossier for the review meeting: where it stands, and the evidence behind it.

``build_dossier`` takes a finished ``Review`` and one customer id. The review keeps only the
period, so the dossier also keeps that customer's own rows of the export over the two years to
the as-of date: its invoices with days late, its time entries and its assessments. The figures
here are what the dossier's page (``helpers.report.dossier_*``) shows in words, tables and
charts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.errors import ParameterError
from helpers.io.export import Export
from helpers.review import queries
from helpers.review.exits import exit_impact
from helpers.review.model import Review
from helpers.review.recorded import recorded_days
from helpers.review.strikes import customer_quarters, quarter_label, quarters_counted

HISTORY_MONTHS = 24  # how far back the invoices and time entries of the dossier reach
CLOSE_MATCHES = 3  # near matches named for an unknown id, by id and by name each

PAID = "paid"
PAST_DUE = "unpaid, past due"
NOT_YET_DUE = "unpaid, not yet due"
CREDIT_NOTE = "credit note"
NOT_RECORDED = "payment not recorded"
UNSPECIFIED_ACTIVITY = "unspecified"


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
            f"customer_id is empty: give the id of one customer in the export, such as {ids[0]}",
            parameter="customer_id",
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
    raise ParameterError(
        f"customer_id {wanted!r} is not in the export; close: {hints}", parameter="customer_id"
    )


@dataclass(frozen=True)
class Dossier:
    """One reviewed customer, with its own history from the export.

    ``invoices``: the customer's invoices issued in the ``HISTORY_MONTHS`` months to the as-of
    date, oldest first, with ``days_late`` (``queries.customer_invoices``; missing while not
    yet due) and ``status`` (paid, unpaid past due, unpaid not yet due, credit note, or payment not
    recorded). ``since`` is the later of that first day and the export's first invoice.
    ``time_entries``: its time entries from ``since`` to the period's end, with
    ``activity`` filled ("unspecified"); ``None`` when the export holds none. ``assessments``:
    its assessments made on or before the as-of date, oldest first (may be empty).
    ``product_lines_sold``: lines the company sold to anyone in the year to the as-of date.
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
            f"in {period.label}, so it is not in that period's review: choose another period",
            parameter="customer_id",
        )
    as_of = pd.Timestamp(period.as_of)
    since = as_of - pd.DateOffset(months=HISTORY_MONTHS) + pd.Timedelta(days=1)
    # No earlier than the export reaches: quarters before it are unknown, not empty.
    since = max(since, recorded_days(export)["first_issued"])
    tables = export.tables
    invoices = tables.run_over(
        "dossier_invoices",
        _asked(customer_id, since, as_of, "as_of"),
        lambda asked: queries.customer_invoices(tables, asked),
    )
    if review.has_payments:
        status = np.select(
            [invoices["amount"] <= 0, invoices.pop("paid"), invoices["days_late"].notna()],
            [CREDIT_NOTE, PAID, PAST_DUE],
            default=NOT_YET_DUE,
        )
    else:
        invoices["days_late"] = np.nan
        status = np.where(invoices["amount"] <= 0, CREDIT_NOTE, NOT_RECORDED)
    invoices["status"] = pd.Series(status, index=invoices.index, dtype="string")

    time_entries = None
    if tables.time_entries is not None:
        time_entries = tables.run_over(
            "dossier_time",
            _asked(customer_id, since, period.end, "end"),
            lambda asked: queries.customer_time(tables, asked),
        )
        activity = time_entries.get("activity", pd.Series(pd.NA, time_entries.index))
        time_entries["activity"] = activity.fillna(UNSPECIFIED_ACTIVITY).astype("string")

    assessments = pd.DataFrame(columns=["assessed_on", "notes"])
    if export.assessments is not None:
        made = export.assessments[export.assessments["customer_id"] == customer_id]
        assessments = made[made["assessed_on"] <= as_of].sort_values("assessed_on", kind="stable")

    return Dossier(
        review=review,
        customer_id=customer_id,
        invoices=invoices,
        time_entries=time_entries,
        assessments=assessments,
        product_lines_sold=review.product_lines_sold,
        since=since,
    )


def _asked(customer_id: str, start, end, end_name: str) -> pd.DataFrame:
    """The one-row table a dossier's query reads: the customer, and its days from ``start`` to
    ``end`` (named ``end_name``)."""
    asked = pd.DataFrame({"customer_id": [customer_id], "start": [start], end_name: [end]})
    return asked.astype({"start": "datetime64[us]", end_name: "datetime64[us]"})


def portfolio_measures(dossier: Dossier) -> pd.DataFrame:
    """The customer's measures beside the portfolio's, one row per measure (indexed by the
    measure's column in ``review.customers``), for the measures the export supports (time,
    payments, wallets).

    Columns: ``customer`` (this customer's value); ``median`` (over the reviewed customers for
    whom the measure is known; for revenue per hour, the review's median over the customers
    ranked); ``total`` (all reviewed customers together: a sum, or for revenue per hour
    and share of wallet the overall rate; NaN for days late); ``share`` (the customer's part of
    the total, for sums); ``rank`` and ``ranked`` (its place among the customers for whom the
    measure is known: largest first, for revenue and contribution; for revenue per hour,
    ``ranked`` counts the customers ranked).
    """
    review, c = dossier.review, dossier.customer
    everyone = review.customers
    rows = {}

    def add(key: str, total: float, share: bool = False, rank: bool = False) -> None:
        value = float(c[key]) if pd.notna(c[key]) else np.nan
        known = everyone[key].dropna()
        rows[key] = {
            "customer": value,
            "median": float(everyone[key].median()),
            "total": total,
            "share": value / total if share and total else np.nan,
            "rank": int((known > c[key]).sum()) + 1 if rank else pd.NA,
            "ranked": len(known),
        }

    add("revenue", everyone["revenue"].sum(), share=True, rank=True)
    if review.has_time:
        hours = everyone["hours"].sum()
        add("hours", hours, share=True)
        revenue = everyone["revenue"].sum()
        add("revenue_per_hour", revenue / hours if hours else np.nan)
        rows["revenue_per_hour"]["median"] = review.median_revenue_per_hour
        rows["revenue_per_hour"]["ranked"] = int(everyone["ranked"].sum())
    add("contribution", everyone["contribution"].sum(), rank=True)
    if review.has_payments:
        add("avg_days_late", np.nan)
        add("open_balance", everyone["open_balance"].sum(), share=True)
    if review.has_wallet:
        known = everyone.dropna(subset=["share_of_wallet"])
        add(
            "share_of_wallet",
            known["annual_revenue"].sum() / known["potential_annual_spend"].sum(),
        )
        add("headroom", known["headroom"].sum())
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("measure")


def hours_by_quarter(dossier: Dossier) -> pd.DataFrame:
    """Hours per calendar quarter of the two years (rows, labelled ``2026-Q3``, oldest first,
    every quarter present) and activity (columns, most hours first). Empty without time
    entries."""
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


def latest_assessment(dossier: Dossier) -> pd.Series | None:
    """The assessment the checklist used: the latest on or before the as-of date."""
    return None if dossier.assessments.empty else dossier.assessments.iloc[-1]


def strike_window(dossier: Dossier) -> list[str]:
    """The labels of the quarters the strikes count, oldest first."""
    return [quarter_label(q) for q in quarters_counted(dossier.review.period.as_of)]


def strike_history(dossier: Dossier) -> pd.DataFrame:
    """The quarters the strikes count, one row each (``strikes.customer_quarters``): ``band``
    and ``on_headache_list`` (missing when not reviewed then), ``strike`` and ``source``
    (this review, recorded, or judged from the export)."""
    review = dossier.review
    return customer_quarters(review.quarters, dossier.customer_id, review.period.as_of)


def tactics(dossier: Dossier) -> pd.Series | None:
    """The customer's row of ``review.exit_tactics()``; ``None`` when it needs no way out
    (neither a fire candidate nor on the headache list)."""
    if not dossier.needs_exit:
        return None
    return dossier.review.exit_tactics().loc[dossier.customer_id]


def impact(dossier: Dossier) -> dict[str, object]:
    """What letting this customer go would do (``exits.exit_impact``)."""
    review = dossier.review
    return exit_impact(
        review.customers,
        pd.Index([dossier.customer_id]),
        review.median_revenue_per_hour,
        review.settings.exit,
    )
