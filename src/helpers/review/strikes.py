"""The three strikes: which periods count, what is a strike, and where a customer stands.

A strike is one review period in which a customer was a fire candidate or on the headache list
(DOMAIN.md, "The process", step 4: three strikes and the customer is in final review). A
customer's strikes are counted over the last ``WINDOW`` periods of the review's kind, this one
included; the earlier ones come from the company's history (``helpers.io.history``), which the
caller reads for ``history_window`` and passes in, and this period's from the review itself, so
the count is the same before and after the period is recorded.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.io.periods import ReviewPeriod

WINDOW = 3  # periods a strike counts for, this one included
STRIKE_BAND = "fire_candidate"
HEADACHE_LIST = "headache_list"  # what a change enters or leaves, besides the bands

STAGE_NONE = "none"
STAGE_WATCH = "watch"
STAGE_REPAIR_PLAN = "repair_plan"
STAGE_EXIT_DECISION = "exit_decision"
STAGES = (STAGE_NONE, STAGE_WATCH, STAGE_REPAIR_PLAN, STAGE_EXIT_DECISION)
# Strikes in the last three periods -> the customer's place on the road map; more than three
# (possible with a longer window) is still the exit decision.
STAGE_FOR_STRIKES = {0: STAGE_NONE, 1: STAGE_WATCH, 2: STAGE_REPAIR_PLAN, 3: STAGE_EXIT_DECISION}

CHANGE_COLUMNS = ["customer_id", "name", "change", "what", "previous_band", "band"]


def history_window(period: ReviewPeriod, window: int = WINDOW) -> tuple[str, str, str]:
    """What the history must hold for ``period``'s strikes: the periods of its kind starting
    from the first of the ``window`` periods ending with it, up to (not including) it. Returns
    (kind, first start, this start), the dates in ISO form, as ``helpers.io.history.
    read_outcomes`` takes them."""
    if window < 1:
        raise ValueError(f"window must be 1 period or more (got {window!r})")
    first = period.calendar_period() - (window - 1)
    return period.kind, first.start_time.date().isoformat(), period.start.isoformat()


def window_labels(period: ReviewPeriod, window: int = WINDOW) -> list[str]:
    """The labels of the ``window`` periods a strike counts in, oldest first, ``period`` last."""
    return [period.previous(steps).label for steps in range(window - 1, 0, -1)] + [period.label]


def strikes(customers: pd.DataFrame) -> pd.Series:
    """Boolean per customer: a strike this period (a fire candidate or on the headache list)."""
    listed = customers["on_headache_list"].fillna(False).astype(bool)
    return (customers["band"] == STRIKE_BAND).fillna(False).astype(bool) | listed


def stage_for(strike_count: int) -> str:
    """The stage for a number of strikes: none, watch, repair_plan, exit_decision (3 or more)."""
    return STAGE_FOR_STRIKES[min(strike_count, max(STAGE_FOR_STRIKES))]


def outcome_rows(period: ReviewPeriod, customers: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The period's outcome per customer of ``customers`` (indexed by ``customer_id``, with
    ``name``, ``band`` and ``on_headache_list``), as the history records it
    (``helpers.io.history.OUTCOME_COLUMNS``)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    return [
        (period.label, period.kind, start, end, str(customer_id), _text(name), _text(band))
        + (int(listed), int(struck))
        for customer_id, name, band, listed, struck in zip(
            customers.index,
            customers["name"],
            customers["band"],
            customers["on_headache_list"].fillna(False).astype(bool),
            strikes(customers),
            strict=True,
        )
    ]


def strike_history(
    earlier: pd.DataFrame, period: ReviewPeriod, customers: pd.DataFrame, window: int = WINDOW
) -> pd.DataFrame:
    """Each customer's strikes in the last ``window`` periods of ``period``'s kind.

    ``earlier`` holds the outcomes recorded before ``period`` (``history_window``'s periods;
    rows of other periods are ignored); ``customers`` is this period's review (indexed by
    ``customer_id``, with ``band`` and ``on_headache_list``). A period never recorded has no
    strikes. Returns a frame indexed like ``customers`` with ``strikes_last_3`` (the count,
    named for the default window), ``strike_periods`` (their labels, oldest first,
    comma-separated; empty text when none) and ``stage`` (``stage_for`` the count).
    """
    earlier = _in_window(earlier, period, window)
    earlier = earlier[earlier["strike"].astype(bool)]
    struck_now = customers.index[strikes(customers).to_numpy()]
    strike_rows = [
        *earlier[["customer_id", "period_label", "period_start"]].itertuples(index=False),
        *((str(customer_id), period.label, period.start.isoformat()) for customer_id in struck_now),
    ]
    struck = pd.DataFrame(strike_rows, columns=["customer_id", "period_label", "period_start"])
    by_customer = struck.sort_values("period_start", kind="stable").groupby("customer_id")
    ids = customers.index.astype(str)
    count = by_customer.size().reindex(ids, fill_value=0).astype(int)
    labels = by_customer["period_label"].agg(", ".join).reindex(ids, fill_value="")
    history = pd.DataFrame(
        {"strikes_last_3": count.to_numpy(), "strike_periods": labels.to_numpy()},
        index=customers.index,
    )
    history["stage"] = history["strikes_last_3"].map(stage_for)
    return history


def customer_periods(
    earlier: pd.DataFrame, period: ReviewPeriod, customer: pd.Series, window: int = WINDOW
) -> pd.DataFrame:
    """One customer's place in each of the ``window`` periods its strikes count, oldest first,
    indexed by period label: ``band`` and ``on_headache_list`` as reviewed (this period from
    ``customer``, its row of the review; earlier ones from ``earlier``, missing when never
    recorded), and ``strike``."""
    mine = _in_window(earlier, period, window)
    mine = mine[mine["customer_id"] == str(customer.name)].set_index("period_label")
    rows = []
    for label in window_labels(period, window):
        if label == period.label:
            band, listed = customer["band"], bool(customer["on_headache_list"])
        elif label in mine.index:
            band, listed = mine.loc[label, "band"], bool(mine.loc[label, "on_headache_list"])
        else:
            band, listed = None, None
        struck = bool(band == STRIKE_BAND or listed) if band is not None else False
        rows.append((label, band, listed, struck))
    frame = pd.DataFrame(rows, columns=["period", "band", "on_headache_list", "strike"])
    return frame.set_index("period")


def changes_since_previous(
    earlier: pd.DataFrame, period: ReviewPeriod, customers: pd.DataFrame
) -> pd.DataFrame:
    """What changed between the calendar-previous period (as recorded in ``earlier``) and this
    period's review of ``customers``.

    One row per change, with ``CHANGE_COLUMNS``: ``change`` is ``entered`` or ``left`` and
    ``what`` a band or ``HEADACHE_LIST``. A band change is one row: ``left fire_candidate``
    when the customer was a fire candidate, otherwise ``entered`` the new band; entering or
    leaving the headache list is a row of its own. Customers new this period appear only when
    they enter ``fire_candidate`` or the headache list; customers gone from the review ``left``
    their previous band. Empty (with the columns) when the previous period was never recorded.
    """
    previous = earlier[earlier["period_label"] == period.previous().label]
    if previous.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    previous = previous[["customer_id", "name", "band", "on_headache_list"]].assign(
        on_headache_list=lambda frame: frame["on_headache_list"].astype(bool)
    )
    current = pd.DataFrame(
        {
            "customer_id": customers.index.astype(str),
            "name": customers["name"].to_numpy(),
            "band": customers["band"].to_numpy(),
            "on_headache_list": customers["on_headache_list"].fillna(False).to_numpy(bool),
        }
    )
    both = previous.merge(
        current, on="customer_id", how="outer", suffixes=("_previous", ""), indicator="seen"
    ).sort_values("customer_id", kind="stable")
    changes = [
        change for customer in both.to_dict("records") for change in _customer_changes(customer)
    ]
    return pd.DataFrame(changes, columns=CHANGE_COLUMNS)


def _customer_changes(customer: dict[str, Any]) -> list[dict[str, Any]]:
    """The change rows of one customer of the previous/current comparison."""
    seen = customer["seen"]
    previous_band = customer["band_previous"] if seen != "right_only" else None
    band = customer["band"] if seen != "left_only" else None
    name = customer["name"] if seen != "left_only" else customer["name_previous"]

    def row(change: str, what: str) -> dict[str, Any]:
        return {
            "customer_id": customer["customer_id"],
            "name": name,
            "change": change,
            "what": what,
            "previous_band": previous_band,
            "band": band,
        }

    if seen == "left_only":
        return [row("left", previous_band)]
    listed = bool(customer["on_headache_list"])
    if seen == "right_only":
        return ([row("entered", band)] if band == STRIKE_BAND else []) + (
            [row("entered", HEADACHE_LIST)] if listed else []
        )
    rows = []
    if band != previous_band:
        left_strike_band = previous_band == STRIKE_BAND
        rows.append(row("left", previous_band) if left_strike_band else row("entered", band))
    was_listed = bool(customer["on_headache_list_previous"])
    if listed != was_listed:
        rows.append(row("entered" if listed else "left", HEADACHE_LIST))
    return rows


def _in_window(earlier: pd.DataFrame, period: ReviewPeriod, window: int) -> pd.DataFrame:
    """The rows of ``earlier`` for the periods before ``period`` that its strikes count."""
    kind, first, before = history_window(period, window)
    starts = earlier["period_start"].astype(str)
    return earlier[(earlier["period_kind"] == kind) & (starts >= first) & (starts < before)]


def _text(value: object) -> str | None:
    """``value`` as text for the history, ``None`` when missing."""
    return None if pd.isna(value) else str(value)
