"""The history store: rows written whole or not at all, read back by kind and window, shared by
processes writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helpers.errors import HistoryError
from helpers.io.history import (
    OUTCOME_COLUMNS,
    SCHEMA_VERSION,
    pending_publications,
    published,
    read_outcomes,
    record_outcomes,
)
from tests.support import recorded_rows


def outcome(label: str, kind: str, start: str, end: str, customer: str, band: str, strike: int):
    listed = 0
    return (label, kind, start, end, customer, f"Customer {customer}", band, listed, strike)


Q2 = [
    outcome("2026-Q2", "quarter", "2026-04-01", "2026-06-30", "X", "keep", 0),
    outcome("2026-Q2", "quarter", "2026-04-01", "2026-06-30", "Y", "fire_candidate", 1),
]
Q3 = [outcome("2026-Q3", "quarter", "2026-07-01", "2026-09-30", "X", "fire_candidate", 1)]
AUGUST = [outcome("2026-08", "month", "2026-08-01", "2026-08-31", "X", "keep", 0)]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "tiny" / "history.sqlite"


def test_rows_are_read_back_by_kind_and_start(db_path):
    for label, rows in (("2026-Q2", Q2), ("2026-Q3", Q3), ("2026-08", AUGUST)):
        assert record_outcomes(db_path, label, rows) == len(rows)
    # Quarters starting from 1 April, before 1 July: Q2 only; August is a month.
    recorded = read_outcomes(db_path, "quarter", "2026-04-01", "2026-07-01")
    assert recorded.exists and recorded.path == str(db_path)
    assert list(recorded.outcomes.columns) == OUTCOME_COLUMNS
    assert recorded.outcomes["customer_id"].tolist() == ["X", "Y"]
    assert recorded.outcomes["strike"].tolist() == [False, True]
    months = read_outcomes(db_path, "month", "2026-01-01", "2026-12-01")
    assert months.outcomes["period_label"].tolist() == ["2026-08"]
    # A monthly review reads its quarters' strikes and its previous month at once.
    both = read_outcomes(db_path, ["month", "quarter"], "2026-07-01", "2026-09-30")
    assert both.outcomes["period_label"].tolist() == ["2026-Q3", "2026-08"]


def test_no_file_reads_as_nothing_recorded_and_is_not_created(db_path):
    recorded = read_outcomes(db_path, "quarter", "2026-01-01", "2026-07-01")
    assert recorded.outcomes.empty and not recorded.exists
    assert not db_path.exists()
    assert read_outcomes("", "quarter", "2026-01-01", "2026-07-01").path == ""


def test_a_file_of_a_newer_schema_is_refused(db_path):
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(HistoryError, match="newer than this workbook"):
        read_outcomes(db_path, "quarter", "2026-01-01", "2026-07-01")


def test_re_recording_a_period_replaces_its_rows(db_path):
    record_outcomes(db_path, "2026-Q2", Q2)
    kept = [outcome("2026-Q2", "quarter", "2026-04-01", "2026-06-30", "Y", "keep", 0)]
    record_outcomes(db_path, "2026-Q2", kept)
    assert recorded_rows(db_path) == [kept[0]]


def test_a_failed_write_leaves_the_earlier_rows(db_path):
    record_outcomes(db_path, "2026-Q2", Q2)
    before = recorded_rows(db_path)
    # X twice: the old rows are deleted and the first X inserted before the second X breaks
    # the primary key; the transaction rolls all of it back.
    with pytest.raises(sqlite3.IntegrityError):
        record_outcomes(db_path, "2026-Q2", [Q2[0], Q2[0]])
    assert recorded_rows(db_path) == before


def test_a_failed_first_write_leaves_a_usable_empty_history(db_path):
    # A missing band breaks the NOT NULL rule on the second row, schema creation included.
    broken = [Q3[0], (*Q3[0][:4], "Y", "Customer Y", None, 0, 0)]
    with pytest.raises(sqlite3.IntegrityError):
        record_outcomes(db_path, "2026-Q3", broken)
    assert read_outcomes(db_path, "quarter", "2026-01-01", "2027-01-01").outcomes.empty
    record_outcomes(db_path, "2026-Q3", Q3)  # the file is still usable
    assert len(recorded_rows(db_path)) == 1


def test_rows_of_another_period_are_refused(db_path):
    with pytest.raises(ValueError, match="2026-Q3"):
        record_outcomes(db_path, "2026-Q3", Q2)


def _record_repeatedly(db_path: str, label: str, start: Any, times: int) -> None:
    rows = {"2026-Q2": Q2, "2026-Q3": Q3}[label]
    start.wait()
    for _ in range(times):
        record_outcomes(db_path, label, rows)


def test_two_processes_recording_different_periods_at_once(db_path):
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(2)
    writers = [
        spawn.Process(target=_record_repeatedly, args=(str(db_path), label, start, 25))
        for label in ("2026-Q2", "2026-Q3")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0, 0]
    rows = recorded_rows(db_path)
    assert [row[0] for row in rows] == ["2026-Q2"] * 2 + ["2026-Q3"]
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_a_file_of_the_first_version_is_brought_up_to_date_keeping_its_rows(db_path):
    # The first version had the outcome table alone, and no note of periods to put in place.
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "CREATE TABLE period_outcome (period_label TEXT NOT NULL, period_kind TEXT NOT NULL,"
            " period_start TEXT NOT NULL, period_end TEXT NOT NULL, customer_id TEXT NOT NULL,"
            " name TEXT, band TEXT NOT NULL, on_headache_list INTEGER NOT NULL,"
            " strike INTEGER NOT NULL, PRIMARY KEY (period_label, customer_id))"
        )
        connection.executemany("INSERT INTO period_outcome VALUES (?,?,?,?,?,?,?,?,?)", Q2)
        connection.execute("PRAGMA user_version = 1")
    connection.close()
    assert pending_publications(db_path) == {}  # read as it is, nothing noted
    record_outcomes(db_path, "2026-Q3", Q3, publishing=".staging-2026-Q3-1")
    assert recorded_rows(db_path) == Q2 + Q3
    assert pending_publications(db_path) == {"2026-Q3": ".staging-2026-Q3-1"}
    published(db_path, "2026-Q3")
    assert pending_publications(db_path) == {}
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    connection.close()


def test_the_note_of_a_period_to_put_in_place_is_written_with_its_rows_or_not_at_all(db_path):
    with pytest.raises(sqlite3.IntegrityError):
        record_outcomes(db_path, "2026-Q2", [Q2[0], Q2[0]], publishing=".staging-2026-Q2-1")
    assert pending_publications(db_path) == {}
    assert read_outcomes(db_path, "quarter", "2026-01-01", "2027-01-01").outcomes.empty
