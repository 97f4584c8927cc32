"""The three strikes: which quarters count, what is a strike, and where a customer stands.

A strike is one quarter in which a customer was a fire candidate or on the headache list
(DOMAIN.md, "The process", step 4: three strikes and the customer is in final review), whatever
the review's cadence: twelve monthly reviews make four quarters, not twelve chances of a strike.
A customer's strikes are counted over the last ``WINDOW`` quarters up to the as-of date, the
as-of date's own quarter included, which is this review's judgement. An earlier quarter's
outcome is the one recorded when that quarter was reviewed (``helpers.io.history``), which
stays authoritative; where none was recorded it is judged from the export itself, with the same
rules, as of the quarter's end: the first review of a company with two years of history already
knows its strikes. "What changed" compares with the previous period of the review's own kind,
recorded or judged alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from helpers.io.columns import records
from helpers.io.periods import ReviewPeriod

WINDOW = 3  # quarters a strike counts for, the as-of date's own included
PERIOD_KINDS = ("month", "quarter", "year")
STRIKE_BAND = "fire_candidate"
HEADACHE_LIST = "headache_list"  # what a change enters or leaves, besides the bands

STAGE_NONE = "none"
STAGE_WATCH = "watch"
STAGE_REPAIR_PLAN = "repair_plan"
STAGE_EXIT_DECISION = "exit_decision"
STAGES = (STAGE_NONE, STAGE_WATCH, STAGE_REPAIR_PLAN, STAGE_EXIT_DECISION)
# Strikes in the last three quarters -> the customer's place on the road map; more than three
# (possible with a longer window) is still the exit decision.
STAGE_FOR_STRIKES = {0: STAGE_NONE, 1: STAGE_WATCH, 2: STAGE_REPAIR_PLAN, 3: STAGE_EXIT_DECISION}

# Where a period's outcome comes from.
THIS_REVIEW = "this review"
RECORDED = "recorded"
FROM_THE_EXPORT = "from the export"

OUTCOME_COLUMNS = ["customer_id", "name", "band", "on_headache_list", "strike", "source"]
CHANGE_COLUMNS = ["customer_id", "name", "change", "what", "previous_band", "band", "source"]

# Judges every customer as of a day: band and on_headache_list per customer, for the
# customers reviewed then (``helpers.review.judgement.judge``, as the model calls it).
Judge = Callable[[date], pd.DataFrame]


def quarters_counted(as_of: date, window: int = WINDOW) -> list[pd.Period]:
    """The ``window`` quarters a strike counts in, oldest first, ``as_of``'s own last."""
    last = pd.Period(pd.Timestamp(as_of), freq="Q")
    return [last - step for step in range(window - 1, -1, -1)]


def quarter_label(quarter: pd.Period) -> str:
    return f"{quarter.year}-Q{quarter.quarter}"


def history_needed(period: ReviewPeriod, window: int = WINDOW) -> tuple[list[str], str, str]:
    """What the company's history must be read for: the kinds of period and the starts, up to
    (not including) the as-of date, from early enough to hold every period that ends with one
    of the quarters counted (a year ending with the first of them starts nine months before
    it) and the previous period of the review's kind. As ``helpers.io.history.read_outcomes``
    takes them."""
    first = quarters_counted(period.as_of, window)[0].start_time - pd.DateOffset(months=9)
    start = min(first.date(), period.previous().start)
    return list(PERIOD_KINDS), start.isoformat(), period.as_of.isoformat()


def strikes(customers: pd.DataFrame) -> pd.Series:
    """Boolean per customer: a strike (a fire candidate or on the headache list)."""
    listed = customers["on_headache_list"].fillna(False).astype(bool)
    return (customers["band"] == STRIKE_BAND).fillna(False).astype(bool) | listed


def stage_for(strike_count: int) -> str:
    """The stage for a number of strikes: none, watch, repair_plan, exit_decision (3 or more)."""
    return STAGE_FOR_STRIKES[min(strike_count, max(STAGE_FOR_STRIKES))]


def outcome(customers: pd.DataFrame, source: str) -> pd.DataFrame:
    """``customers`` (indexed by ``customer_id``, with ``name``, ``band`` and
    ``on_headache_list``) as one period's outcome: ``OUTCOME_COLUMNS``."""
    return pd.DataFrame(
        {
            "customer_id": customers.index.astype(str),
            "name": customers["name"].to_numpy(),
            "band": customers["band"].to_numpy(),
            "on_headache_list": customers["on_headache_list"].fillna(False).to_numpy(bool),
            "strike": strikes(customers).to_numpy(),
            "source": source,
        }
    )


def period_outcome(
    recorded: pd.DataFrame, kind: str, label: str, end: date, judged: Judge
) -> pd.DataFrame | None:
    """The outcome of the period ``label`` of ``kind`` ending on ``end``: as recorded in
    ``recorded`` (the history's rows), or else judged from the export as of ``end``; ``None``
    when the export holds nothing up to then.

    A quarter never reviewed as a quarter takes the outcome recorded for the month, or else
    the year, that ends on the same day: a company reviewed monthly has its March recorded,
    judged as of the first quarter's end as the quarter would have been."""
    rows = recorded[(recorded["period_kind"] == kind) & (recorded["period_label"] == label)]
    if rows.empty and kind == "quarter":
        same_end = recorded[recorded["period_end"] == end.isoformat()]
        for other in ("month", "year"):
            rows = same_end[same_end["period_kind"] == other]
            if len(rows):
                break
    if len(rows):
        rows = rows.assign(
            on_headache_list=rows["on_headache_list"].astype(bool),
            strike=rows["strike"].astype(bool),
            source=RECORDED,
        )
        return rows[OUTCOME_COLUMNS].reset_index(drop=True)
    customers = judged(end)
    if customers is None:
        return None
    return outcome(customers, FROM_THE_EXPORT)


def quarter_outcomes(
    recorded: pd.DataFrame,
    as_of: date,
    current: pd.DataFrame,
    judged: Judge,
    window: int = WINDOW,
) -> pd.DataFrame:
    """Every customer's outcome in each quarter its strikes count: ``OUTCOME_COLUMNS`` and
    ``quarter`` (its label). The as-of date's quarter is ``current``, this review's customers;
    earlier ones are recorded or judged from the export (``period_outcome``)."""
    frames = []
    quarters = quarters_counted(as_of, window)
    for quarter in quarters[:-1]:
        end = quarter.end_time.date()
        found = period_outcome(recorded, "quarter", quarter_label(quarter), end, judged)
        if found is not None:
            frames.append(found.assign(quarter=quarter_label(quarter)))
    frames.append(outcome(current, THIS_REVIEW).assign(quarter=quarter_label(quarters[-1])))
    return pd.concat(frames, ignore_index=True)


def strike_history(quarters: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Each customer's strikes in the quarters of ``quarters`` (``quarter_outcomes``).

    Returns a frame indexed like ``customers`` with ``strikes_last_3`` (the count, named for
    the default window), ``strike_periods`` (the quarters, oldest first, comma-separated; empty
    text when none), ``strikes_from_export`` (those of them judged from the export rather than
    recorded or reviewed now) and ``stage`` (``stage_for`` the count).
    """
    struck = quarters[quarters["strike"]]
    by_customer = struck.sort_values("quarter", kind="stable").groupby("customer_id")
    ids = customers.index.astype(str)
    count = by_customer.size().reindex(ids, fill_value=0).astype(int)
    labels = by_customer["quarter"].agg(", ".join).reindex(ids, fill_value="")
    exported = struck[struck["source"] == FROM_THE_EXPORT].groupby("customer_id")["quarter"]
    from_export = exported.agg(", ".join).reindex(ids, fill_value="")
    history = pd.DataFrame(
        {
            "strikes_last_3": count.to_numpy(),
            "strike_periods": labels.to_numpy(),
            "strikes_from_export": from_export.to_numpy(),
        },
        index=customers.index,
    )
    history["stage"] = history["strikes_last_3"].map(stage_for)
    return history


def customer_quarters(
    quarters: pd.DataFrame, customer_id: str, as_of: date, window: int = WINDOW
) -> pd.DataFrame:
    """One customer's place in each quarter its strikes count, oldest first, indexed by the
    quarter's label: ``band`` and ``on_headache_list`` (missing when it was not reviewed then:
    not recorded and not yet a customer the export knows), ``strike`` and ``source``."""
    mine = quarters[quarters["customer_id"] == str(customer_id)].set_index("quarter")
    rows = []
    for quarter in map(quarter_label, quarters_counted(as_of, window)):
        if quarter in mine.index:
            row = mine.loc[quarter]
            rows.append((quarter, row["band"], bool(row["on_headache_list"]), bool(row["strike"])))
            rows[-1] += (row["source"],)
        else:
            rows.append((quarter, None, None, False, None))
    frame = pd.DataFrame(rows, columns=["period", "band", "on_headache_list", "strike", "source"])
    return frame.set_index("period")


def changes_since_previous(previous: pd.DataFrame | None, customers: pd.DataFrame) -> pd.DataFrame:
    """What changed between the previous period's outcome (``period_outcome``; ``None`` when
    unknown) and this period's review of ``customers``.

    One row per change, with ``CHANGE_COLUMNS``: ``change`` is ``entered`` or ``left`` and
    ``what`` a band or ``HEADACHE_LIST``; ``source`` says where the previous period's outcome
    comes from. A band change is one row: ``left fire_candidate`` when the customer was a fire
    candidate, otherwise ``entered`` the new band; entering or leaving the headache list is a
    row of its own. Customers new this period appear only when they enter ``fire_candidate``
    or the headache list; customers gone from the review ``left`` their previous band.
    """
    if previous is None or previous.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    source = previous["source"].iloc[0]
    current = outcome(customers, THIS_REVIEW)
    both = (
        previous.drop(columns=["strike", "source"])
        .merge(
            current.drop(columns=["strike", "source"]),
            on="customer_id",
            how="outer",
            suffixes=("_previous", ""),
            indicator="seen",
        )
        .sort_values("customer_id", kind="stable")
    )
    changes = [
        {**change, "source": source}
        for customer in records(both)
        for change in _customer_changes(customer)
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


def _text(value: object) -> str | None:
    """``value`` as text for the history, ``None`` when missing."""
    return None if pd.isna(value) else str(value)
