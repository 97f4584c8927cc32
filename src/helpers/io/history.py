"""The company's history: each reviewed period's outcome per customer, kept across periods.

Every rendered period is recorded in a SQLite file, one per company (for example
``reports/<company>/history.sqlite``; the caller gives the path), so that a later period can
count a customer's strikes and say what changed since the period before. This module only
stores and reads the rows; what they mean (a strike, the window, the stages) is the review's
(``helpers.review.strikes``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.errors import HistoryError

SCHEMA_VERSION = 2  # kept in PRAGMA user_version
# Another process recording its period holds the write lock for a moment: wait, do not fail.
BUSY_TIMEOUT_SECONDS = 30.0

# The columns of one outcome row, in the table's order.
OUTCOME_COLUMNS = [
    "period_label",
    "period_kind",
    "period_start",
    "period_end",
    "customer_id",
    "name",
    "band",
    "on_headache_list",
    "strike",
]

# The statements that bring a file from each version to the next: _MIGRATIONS[v] takes a file
# of version v to v + 1 (version 0 is a new, empty file).
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
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
    ),
    (
        # A period recorded whose files are still to replace the earlier ones: the folder
        # they were rendered into, beside the period's own (helpers.app.publish).
        """
        CREATE TABLE pending_publication (
            period_label TEXT NOT NULL PRIMARY KEY,
            staging      TEXT NOT NULL
        )
        """,
    ),
)
assert len(_MIGRATIONS) == SCHEMA_VERSION


@dataclass(frozen=True)
class Recorded:
    """The outcomes recorded for some earlier periods (``OUTCOME_COLUMNS``; ``on_headache_list``
    and ``strike`` as booleans), and where they were read: ``path`` is the history file given
    (empty: none), ``exists`` whether anything was ever recorded there."""

    outcomes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OUTCOME_COLUMNS))
    path: str = ""
    exists: bool = False


def read_outcomes(
    db_path: str | Path, kinds: str | Sequence[str], start_from: str, before: str
) -> Recorded:
    """The outcomes recorded in the history file at ``db_path`` for the periods of ``kinds``
    (one or more of ``quarter``, ``month``, ``year``) that start on or after ``start_from`` and
    before ``before`` (ISO dates), oldest first. No rows when there is no such file, or an
    empty path; raises ``HistoryError`` for a file a newer version wrote."""
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    marks = ", ".join("?" * len(kinds))
    outcomes = _query(
        db_path,
        f"SELECT {', '.join(OUTCOME_COLUMNS)} FROM period_outcome "
        f"WHERE period_kind IN ({marks}) AND period_start >= ? AND period_start < ? "
        "ORDER BY period_start, customer_id",
        (*kinds, start_from, before),
        OUTCOME_COLUMNS,
    )
    for flag in ("on_headache_list", "strike"):
        outcomes[flag] = outcomes[flag].astype(bool)
    return Recorded(outcomes, str(db_path), bool(str(db_path)) and Path(db_path).is_file())


def record_outcomes(
    db_path: str | Path,
    period_label: str,
    rows: list[Sequence[Any]],
    *,
    publishing: str | None = None,
) -> int:
    """Record one period's outcome rows (``OUTCOME_COLUMNS``, as
    ``helpers.review.strikes.outcome_rows`` makes them) in the history file at ``db_path``.

    Writes one row per reviewed customer (see the ``period_outcome`` table above), replacing any
    rows recorded earlier for the same period, in one transaction: re-rendering a period never
    double-counts, and a failure part-way leaves the file as it was. ``publishing``, when
    given, is noted in the same transaction as the folder whose files are to replace the
    period's (``pending_publications``). Creates the file, its folder and the schema when
    missing. Returns the number of rows written.
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
            if publishing is not None:
                connection.execute(
                    "INSERT OR REPLACE INTO pending_publication VALUES (?, ?)",
                    (period_label, publishing),
                )
    return len(rows)


def pending_publications(db_path: str | Path) -> dict[str, str]:
    """The periods recorded in the history at ``db_path`` whose files are still to be put in
    place, and the folder each was rendered into: ``{"2026-Q3": ".staging-2026-Q3-..."}``."""
    table = _query(
        db_path,
        "SELECT period_label, staging FROM pending_publication ORDER BY period_label",
        (),
        ["period_label", "staging"],
        since_version=2,
    )
    return dict(zip(table["period_label"], table["staging"], strict=True))


def published(db_path: str | Path, period_label: str) -> None:
    """Note in the history at ``db_path`` that ``period_label``'s files are in place."""
    with _connect(db_path) as connection, connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "DELETE FROM pending_publication WHERE period_label = ?", (period_label,)
        )


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
    """Create the tables in a new file and bring an older file up to this version; refuse a
    file written by a newer schema."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"history schema version {version} is newer than this workbook's ({SCHEMA_VERSION})"
        )
    if version < SCHEMA_VERSION:
        for statements in _MIGRATIONS[version:]:
            for statement in statements:
                connection.execute(statement)
        # PRAGMA takes no parameters; the value is this module's integer constant.
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")


def _query(
    db_path: str | Path,
    sql: str,
    params: tuple[object, ...],
    columns: list[str],
    *,
    since_version: int = 1,
) -> pd.DataFrame:
    """Rows of ``sql`` (which selects ``columns``); no rows when nothing was recorded yet, when
    there is no history file at all (an empty path), or when the file is older than the
    ``since_version`` that made the table read."""
    if not str(db_path) or not Path(db_path).is_file():
        return pd.DataFrame(columns=columns)
    with _connect(db_path) as connection:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version < since_version:  # an empty file, or one from before the table
            return pd.DataFrame(columns=columns)
        if version > SCHEMA_VERSION:
            _ensure_schema(connection)  # raises HistoryError
        return pd.read_sql_query(sql, connection, params=params)
