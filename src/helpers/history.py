"""The three-strikes history: each period's outcome per customer, kept across periods.

A strike is one review period in which a customer was a fire candidate or on the headache list
(DOMAIN.md, "The process", step 4: three strikes and the customer is in final review). Every
rendered period is recorded in a SQLite file, one per company (for example
``reports/<company>/history.sqlite``; the caller gives the path), so a later period can count a
customer's strikes and say what changed since the period before.

Only ``review.period`` (a ``ReviewPeriod``) and ``review.customers`` (indexed by
``customer_id``, with ``name``, ``band`` and ``on_headache_list``) are read.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.periods import ReviewPeriod, parse_period

SCHEMA_VERSION = 1  # kept in PRAGMA user_version
# Another process recording its period holds the write lock for a moment: wait, do not fail.
BUSY_TIMEOUT_SECONDS = 30.0

STRIKE_BAND = "fire_candidate"
HEADACHE_LIST = "headache list"

STAGE_NONE = "none"
STAGE_WATCH = "watch"
STAGE_REPAIR_PLAN = "repair_plan"
STAGE_EXIT_DECISION = "exit_decision"
STAGES = (STAGE_NONE, STAGE_WATCH, STAGE_REPAIR_PLAN, STAGE_EXIT_DECISION)
# Strikes in the last three periods -> the customer's place on the road map; more than three
# (possible with a longer window) is still the exit decision.
STAGE_FOR_STRIKES = {0: STAGE_NONE, 1: STAGE_WATCH, 2: STAGE_REPAIR_PLAN, 3: STAGE_EXIT_DECISION}

CHANGE_COLUMNS = ["customer_id", "name", "change", "what", "previous_band", "band"]

_KIND_FOR_MONTHS = {1: "month", 3: "quarter", 12: "year"}
_FREQ_FOR_KIND = {"month": "M", "quarter": "Q", "year": "Y"}

_SCHEMA = (
    """
    CREATE TABLE period_outcome (
        period_label     TEXT    NOT NULL,  -- 2026-Q3, 2026-09 or 2026
        period_kind      TEXT    NOT NULL CHECK (period_kind IN ('quarter', 'month', 'year')),
        period_start     TEXT    NOT NULL,  -- ISO date, first day of the period
        period_end       TEXT    NOT NULL,  -- ISO date, last day of the period
        customer_id      TEXT    NOT NULL,
        name             TEXT,
        band             TEXT    NOT NULL,
        on_headache_list INTEGER NOT NULL CHECK (on_headache_list IN (0, 1)),
        strike           INTEGER NOT NULL CHECK (strike IN (0, 1)),
        PRIMARY KEY (period_label, customer_id)
    )
    """,
    "CREATE INDEX period_outcome_by_kind ON period_outcome (period_kind, period_start)",
)


class HistoryError(RuntimeError):
    """A history file this version cannot read (written by a newer schema)."""


def period_kind(period: ReviewPeriod) -> str:
    """``quarter``, ``month`` or ``year``: what kind of period ``period`` is."""
    return _KIND_FOR_MONTHS[period.months]


def previous_period_label(period: ReviewPeriod) -> str:
    """The label of the calendar-previous period of the same kind.

    ``2026-Q1`` -> ``2025-Q4``, ``2026-01`` -> ``2025-12``, ``2026`` -> ``2025``.
    """
    return parse_period(str(_calendar_period(period) - 1)).label


def strikes(customers: pd.DataFrame) -> pd.Series:
    """Boolean per customer: a strike this period (a fire candidate or on the headache list)."""
    listed = customers["on_headache_list"].fillna(False).astype(bool)
    return (customers["band"] == STRIKE_BAND).fillna(False).astype(bool) | listed


def stage_for(strike_count: int) -> str:
    """The stage for a number of strikes: none, watch, repair_plan, exit_decision (3 or more)."""
    return STAGE_FOR_STRIKES[min(strike_count, max(STAGE_FOR_STRIKES))]


def period_outcomes(review: Any) -> list[tuple[Any, ...]]:
    """``review``'s outcome per customer, as the rows of the ``period_outcome`` table."""
    period, customers = review.period, review.customers
    kind, start, end = period_kind(period), period.start.isoformat(), period.end.isoformat()
    return [
        (period.label, kind, start, end, str(customer_id), _text(name), _text(band))
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


def record_period(db_path: str | Path, review: Any) -> int:
    """Record ``review``'s outcome per customer in the history file at ``db_path``
    (``record_outcomes``). Returns the number of rows written."""
    return record_outcomes(db_path, review.period.label, period_outcomes(review))


def record_outcomes(db_path: str | Path, period_label: str, rows: list[Sequence[Any]]) -> int:
    """Record one period's outcome rows (``period_outcomes``) in the history file at
    ``db_path``.

    Writes one row per reviewed customer (see the ``period_outcome`` table above), replacing any
    rows recorded earlier for the same period, in one transaction: re-rendering a period never
    double-counts, and a failure part-way leaves the file as it was. Creates the file, its
    folder and the schema when missing. Returns the number of rows written.
    """
    if any(row[0] != period_label for row in rows):
        raise ValueError(f"every outcome row must be of period {period_label}")
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with _connect(db_path) as connection:
        _use_wal(connection)
        with connection:
            # Take the write lock up front: a read lock upgraded later fails at once when another
            # process has written in between, instead of waiting for the busy timeout.
            connection.execute("BEGIN IMMEDIATE")
            _ensure_schema(connection)
            connection.execute("DELETE FROM period_outcome WHERE period_label = ?", (period_label,))
            connection.executemany(
                "INSERT INTO period_outcome VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [tuple(row) for row in rows],
            )
    return len(rows)


def strike_history(db_path: str | Path, review: Any, window: int = 3) -> pd.DataFrame:
    """Each reviewed customer's strikes in the last ``window`` periods of the review's kind.

    The window is calendar periods ending with this one (for 2026-Q3: 2026-Q1, Q2 and Q3); a
    period never recorded has no strikes, and periods of another kind are ignored. This period's
    strikes come from ``review`` itself, not the file, so the answer is the same before and after
    it is recorded, and only periods starting before it are read from the file.

    Returns a frame indexed like ``review.customers`` with ``strikes_last_3`` (the count, named
    for the default window), ``strike_periods`` (their labels, oldest first, comma-separated;
    empty text when none) and ``stage`` (``stage_for`` the count).
    """
    if window < 1:
        raise ValueError(f"window must be 1 period or more (got {window!r})")
    period, customers = review.period, review.customers
    first = _calendar_period(period) - (window - 1)
    earlier = query_history(
        db_path,
        """
        SELECT customer_id, period_label, period_start FROM period_outcome
        WHERE period_kind = ? AND strike = 1 AND period_start >= ? AND period_start < ?
        """,
        (period_kind(period), first.start_time.date().isoformat(), period.start.isoformat()),
        ["customer_id", "period_label", "period_start"],
    )
    struck_now = customers.index[strikes(customers).to_numpy()]
    strike_rows = [
        *earlier.itertuples(index=False, name=None),
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


def changes_since_previous(db_path: str | Path, review: Any) -> pd.DataFrame:
    """What changed between the calendar-previous period (as recorded) and ``review``.

    One row per change, with ``CHANGE_COLUMNS``: ``change`` is ``entered`` or ``left`` and
    ``what`` a band name or ``headache list``. A band change is one row: ``left fire_candidate``
    when the customer was a fire candidate, otherwise ``entered`` the new band; entering or
    leaving the headache list is a row of its own. Customers new this period appear only when
    they enter ``fire_candidate`` or the headache list; customers gone from the review ``left``
    their previous band. Empty (with the columns) when the previous period was never recorded.
    """
    previous = query_history(
        db_path,
        "SELECT customer_id, name, band, on_headache_list FROM period_outcome "
        "WHERE period_label = ?",
        (previous_period_label(review.period),),
        ["customer_id", "name", "band", "on_headache_list"],
    )
    if previous.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    customers = review.customers
    current = pd.DataFrame(
        {
            "customer_id": customers.index.astype(str),
            "name": customers["name"].to_numpy(),
            "band": customers["band"].to_numpy(),
            "on_headache_list": customers["on_headache_list"].fillna(False).to_numpy(bool),
        }
    )
    previous["on_headache_list"] = previous["on_headache_list"].astype(bool)
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


def _calendar_period(period: ReviewPeriod) -> pd.Period:
    return pd.Period(period.start, freq=_FREQ_FOR_KIND[period_kind(period)])


def _text(value: object) -> str | None:
    """``value`` as text for SQLite, ``None`` when missing (sqlite3 cannot bind pandas' NA)."""
    return None if pd.isna(value) else str(value)


@contextmanager
def _connect(db_path: str | Path) -> Iterator[sqlite3.Connection]:
    """An open connection that is closed afterwards (``with connection`` alone does not close).

    ``isolation_level=None``: transactions are begun explicitly (``BEGIN IMMEDIATE``), and
    ``with connection`` commits them or rolls them back.
    """
    with closing(
        sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    ) as connection:
        yield connection


def _use_wal(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode, so readers carry on while a writer records (the mode stays).

    SQLite does not wait out the busy timeout when two processes switch a new file to WAL at the
    same moment ("database is locked" at once), so that one statement is tried again until then.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _ensure_schema(connection: sqlite3.Connection) -> None:
    """Create the table in a new file; refuse a file written by a newer schema."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"history schema version {version} is newer than this workbook's ({SCHEMA_VERSION})"
        )
    if version < SCHEMA_VERSION:
        for statement in _SCHEMA:
            connection.execute(statement)
        # PRAGMA takes no parameters; the value is this module's integer constant.
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")


def query_history(
    db_path: str | Path, sql: str, params: tuple[object, ...], columns: list[str]
) -> pd.DataFrame:
    """Rows of ``sql`` (which selects ``columns``); no rows when nothing was recorded yet, or
    when there is no history file at all (an empty path)."""
    if not str(db_path) or not Path(db_path).is_file():
        return pd.DataFrame(columns=columns)
    with _connect(db_path) as connection:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:  # an empty file: nothing recorded yet
            return pd.DataFrame(columns=columns)
        if version > SCHEMA_VERSION:
            _ensure_schema(connection)  # raises HistoryError
        return pd.read_sql_query(sql, connection, params=params)
