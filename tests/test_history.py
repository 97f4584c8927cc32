"""The three-strikes history, on tiny hand-made reviews whose answers are worked out below.

A fake review is only what history.py reads: ``period`` and ``customers`` (indexed by
customer_id, with name, band and on_headache_list).

The four quarters (F = fire candidate, H = on the headache list, S = a strike):

    customer  2025-Q4   2026-Q1   2026-Q2   2026-Q3
    X         fire  S   fire  S   keep      fire  S
    Y         review    review    review    review+H S
    Z         keep      keep      keep      keep
    W         fire  S   fire  S   fire  S   fire  S
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from helpers.history import (
    CHANGE_COLUMNS,
    STAGE_EXIT_DECISION,
    STAGE_FOR_STRIKES,
    STAGE_NONE,
    STAGE_REPAIR_PLAN,
    STAGE_WATCH,
    changes_since_previous,
    previous_period_label,
    record_period,
    stage_for,
    strike_history,
)
from helpers.periods import parse_period

KEEP, REVIEW, FIRE = "keep", "review", "fire_candidate"

QUARTERS = {
    "2025-Q4": {"X": (FIRE, False), "Y": (REVIEW, False), "Z": (KEEP, False), "W": (FIRE, False)},
    "2026-Q1": {"X": (FIRE, False), "Y": (REVIEW, False), "Z": (KEEP, False), "W": (FIRE, False)},
    "2026-Q2": {"X": (KEEP, False), "Y": (REVIEW, False), "Z": (KEEP, False), "W": (FIRE, False)},
    "2026-Q3": {"X": (FIRE, False), "Y": (REVIEW, True), "Z": (KEEP, False), "W": (FIRE, False)},
}
EVERYONE_KEEP = {"X": (KEEP, False), "Y": (KEEP, False), "Z": (KEEP, False), "W": (KEEP, False)}


def fake_review(label: str, outcomes: dict[str, tuple[str, bool]]) -> SimpleNamespace:
    """A stand-in for a Review: ``outcomes`` maps customer_id to (band, on_headache_list)."""
    customers = pd.DataFrame(
        [
            (customer_id, f"Customer {customer_id}", band, listed)
            for customer_id, (band, listed) in outcomes.items()
        ],
        columns=["customer_id", "name", "band", "on_headache_list"],
    ).set_index("customer_id")
    return SimpleNamespace(period=parse_period(label), customers=customers)


def record_quarters(db_path: Path, *labels: str) -> None:
    for label in labels:
        assert record_period(db_path, fake_review(label, QUARTERS[label])) == 4


def recorded_rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(
            "SELECT * FROM period_outcome ORDER BY period_start, period_label, customer_id"
        ).fetchall()
    connection.close()
    return rows


def as_tuples(frame: pd.DataFrame) -> list[tuple]:
    """Rows of ``frame`` as plain tuples, missing values as None."""
    return [
        tuple(None if pd.isna(value) else value for value in row)
        for row in frame.itertuples(index=False)
    ]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "tiny" / "history.sqlite"


def test_stages_for_strike_counts():
    assert [stage_for(n) for n in range(6)] == [
        STAGE_NONE,
        STAGE_WATCH,
        STAGE_REPAIR_PLAN,
        STAGE_EXIT_DECISION,
        STAGE_EXIT_DECISION,  # more than three (a longer window) is still the exit decision
        STAGE_EXIT_DECISION,
    ]
    assert STAGE_FOR_STRIKES[3] == "exit_decision"


def test_strikes_in_the_last_three_quarters(db_path):
    # The last three quarters at 2026-Q3 are 2026-Q1, Q2, Q3; 2025-Q4 falls outside.
    # X: Q1 and Q3 -> 2, repair plan.   Y: Q3 (headache list) -> 1, watch.
    # Z: none -> 0.                     W: Q1, Q2, Q3 -> 3, exit decision.
    expected = pd.DataFrame(
        {
            "strikes_last_3": [2, 1, 0, 3],
            "strike_periods": ["2026-Q1, 2026-Q3", "2026-Q3", "", "2026-Q1, 2026-Q2, 2026-Q3"],
            "stage": ["repair_plan", "watch", "none", "exit_decision"],
        },
        index=pd.Index(["X", "Y", "Z", "W"], name="customer_id"),
    )
    q3 = fake_review("2026-Q3", QUARTERS["2026-Q3"])
    record_quarters(db_path, "2025-Q4", "2026-Q1", "2026-Q2")
    # Q3 not recorded yet: it counts from the review in memory.
    pd.testing.assert_frame_equal(strike_history(db_path, q3), expected, check_dtype=False)
    # Recorded: the same answer, Q3 is not counted twice.
    record_period(db_path, q3)
    pd.testing.assert_frame_equal(strike_history(db_path, q3), expected, check_dtype=False)
    assert strike_history(db_path, q3)["strikes_last_3"].tolist() == [2, 1, 0, 3]


def test_longer_window_reaches_further_back(db_path):
    # Four quarters, 2025-Q4 to 2026-Q3: X 3 (Q4, Q1, Q3), W 4, still an exit decision.
    record_quarters(db_path, "2025-Q4", "2026-Q1", "2026-Q2")
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]), window=4)
    assert history.loc["X", "strike_periods"] == "2025-Q4, 2026-Q1, 2026-Q3"
    assert history["strikes_last_3"].tolist() == [3, 1, 0, 4]
    assert history["stage"].tolist() == ["exit_decision", "watch", "none", "exit_decision"]


def test_a_quarter_never_rendered_has_no_strike(db_path):
    # Only 2026-Q1 recorded; at Q3 the window is Q1, Q2 (never rendered), Q3.
    # W: Q1 and Q3 -> 2.  X: Q1 and Q3 -> 2.
    record_quarters(db_path, "2026-Q1")
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]))
    assert history["strikes_last_3"].tolist() == [2, 1, 0, 2]
    assert history.loc["W", "strike_periods"] == "2026-Q1, 2026-Q3"


def test_without_a_history_file_only_this_period_counts(db_path):
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]))
    assert history["strikes_last_3"].tolist() == [1, 1, 0, 1]
    assert history["stage"].tolist() == ["watch", "watch", "none", "watch"]
    assert not db_path.exists()  # reading does not create the file


def test_re_recording_a_quarter_replaces_it(db_path):
    record_quarters(db_path, *QUARTERS)
    before = recorded_rows(db_path)
    assert len(before) == 16  # 4 quarters x 4 customers

    # The same quarter again changes nothing.
    assert record_period(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"])) == 4
    assert recorded_rows(db_path) == before

    # Q3 re-rendered with X now kept: still 16 rows, X's Q3 row is no strike.
    changed = {**QUARTERS["2026-Q3"], "X": (KEEP, False)}
    assert record_period(db_path, fake_review("2026-Q3", changed)) == 4
    after = recorded_rows(db_path)
    assert len(after) == 16
    x_in_q3 = [row for row in after if row[0] == "2026-Q3" and row[4] == "X"]
    assert x_in_q3 == [
        ("2026-Q3", "quarter", "2026-07-01", "2026-09-30", "X", "Customer X", "keep", 0, 0)
    ]
    # At 2026-Q4 (everyone kept) the window is Q2, Q3, Q4, read from the file:
    # X 0 (Q3 is now keep; it was 1 before), Y 1 (Q3), Z 0, W 2 (Q2, Q3).
    history = strike_history(db_path, fake_review("2026-Q4", EVERYONE_KEEP))
    assert history["strikes_last_3"].tolist() == [0, 1, 0, 2]
    assert history.loc["W", "strike_periods"] == "2026-Q2, 2026-Q3"


def test_an_older_quarter_rendered_after_newer_ones_counts_only_up_to_itself(db_path):
    record_quarters(db_path, *QUARTERS)
    # At 2026-Q1 the window is 2025-Q3 (never rendered), 2025-Q4, 2026-Q1; Q2 and Q3 are later.
    # X: Q4, Q1 -> 2.  Y: 0 (its strike is in Q3).  Z: 0.  W: Q4, Q1 -> 2.
    history = strike_history(db_path, fake_review("2026-Q1", QUARTERS["2026-Q1"]))
    assert history["strikes_last_3"].tolist() == [2, 0, 0, 2]
    assert history.loc["X", "strike_periods"] == "2025-Q4, 2026-Q1"
    assert history["stage"].tolist() == ["repair_plan", "none", "none", "repair_plan"]


def test_a_month_ignores_quarters_and_a_year_ignores_both(db_path):
    record_quarters(db_path, *QUARTERS)
    august = {**EVERYONE_KEEP, "W": (FIRE, False)}
    record_period(db_path, fake_review("2026-08", august))
    # At 2026-09 the window is 2026-07 (never rendered), 08, 09: X 1 (09, from memory),
    # W 1 (08); the quarter rows, Q3 included, do not count.
    september = {**EVERYONE_KEEP, "X": (FIRE, False)}
    history = strike_history(db_path, fake_review("2026-09", september))
    assert history["strikes_last_3"].tolist() == [1, 0, 0, 1]
    assert history["strike_periods"].tolist() == ["2026-09", "", "", "2026-08"]
    # The year 2026 starts on the same day as 2026-Q1 and 2026-01 but counts only years.
    year = strike_history(db_path, fake_review("2026", EVERYONE_KEEP))
    assert year["strikes_last_3"].tolist() == [0, 0, 0, 0]


def test_a_failed_write_leaves_the_earlier_rows(db_path):
    record_quarters(db_path, *QUARTERS)
    before = recorded_rows(db_path)
    # X twice: the old Q3 rows are deleted and the first X inserted before the second X
    # breaks the primary key; the transaction rolls all of it back.
    broken = fake_review("2026-Q3", {"X": (KEEP, False), "Y": (KEEP, False)})
    broken.customers = pd.concat([broken.customers, broken.customers.loc[["X"]]])
    with pytest.raises(sqlite3.IntegrityError):
        record_period(db_path, broken)
    assert recorded_rows(db_path) == before


def test_a_failed_first_write_leaves_an_empty_history(db_path):
    # A missing band breaks the NOT NULL rule on the second row, schema creation included.
    broken = fake_review("2026-Q3", {"X": (FIRE, False), "Y": (None, False)})
    with pytest.raises(sqlite3.IntegrityError):
        record_period(db_path, broken)
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]))
    assert history["strikes_last_3"].tolist() == [1, 1, 0, 1]
    assert changes_since_previous(db_path, fake_review("2026-Q4", EVERYONE_KEEP)).empty
    record_quarters(db_path, "2026-Q3")  # the file is still usable
    assert len(recorded_rows(db_path)) == 4


def test_changes_since_the_previous_quarter(db_path):
    q2 = {
        "A": (KEEP, False),
        "B": (FIRE, False),
        "C": (REVIEW, True),
        "D": (KEEP, False),
        "G": (KEEP, False),
        "H": (REVIEW, False),
    }
    q3 = {
        "A": (FIRE, False),
        "B": (KEEP, False),
        "C": (REVIEW, False),
        "E": (FIRE, True),
        "F": (KEEP, False),
        "G": (KEEP, True),
        "H": (KEEP, False),
    }
    record_period(db_path, fake_review("2026-Q2", q2))
    changes = changes_since_previous(db_path, fake_review("2026-Q3", q3))
    assert list(changes.columns) == CHANGE_COLUMNS
    assert as_tuples(changes) == [
        ("A", "Customer A", "entered", "fire_candidate", "keep", "fire_candidate"),
        ("B", "Customer B", "left", "fire_candidate", "fire_candidate", "keep"),
        ("C", "Customer C", "left", "headache list", "review", "review"),
        ("D", "Customer D", "left", "keep", "keep", None),  # gone from the review
        ("E", "Customer E", "entered", "fire_candidate", None, "fire_candidate"),  # new
        ("E", "Customer E", "entered", "headache list", None, "fire_candidate"),
        # F is new but kept: not a change worth listing.
        ("G", "Customer G", "entered", "headache list", "keep", "keep"),
        ("H", "Customer H", "entered", "keep", "review", "keep"),
    ]


def test_no_changes_without_the_previous_quarter(db_path):
    q3 = fake_review("2026-Q3", QUARTERS["2026-Q3"])
    assert changes_since_previous(db_path, q3).empty  # no file at all
    # Q1 and Q3 recorded, Q2 never: the calendar-previous quarter is missing.
    record_quarters(db_path, "2026-Q1", "2026-Q3")
    changes = changes_since_previous(db_path, q3)
    assert changes.empty
    assert list(changes.columns) == CHANGE_COLUMNS


def test_no_changes_when_nothing_changed(db_path):
    record_quarters(db_path, "2026-Q2")
    assert changes_since_previous(db_path, fake_review("2026-Q3", QUARTERS["2026-Q2"])).empty


@pytest.mark.parametrize(
    ("label", "previous"),
    [("2026-Q1", "2025-Q4"), ("2026-Q3", "2026-Q2"), ("2026-01", "2025-12"), ("2026", "2025")],
)
def test_previous_period_label(label, previous):
    assert previous_period_label(parse_period(label)) == previous


def _record_repeatedly(db_path: str, label: str, start: Any, times: int) -> None:
    start.wait()
    for _ in range(times):
        record_period(db_path, fake_review(label, QUARTERS[label]))


def test_two_processes_recording_different_quarters_at_once(db_path):
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
    assert [row[0] for row in rows] == ["2026-Q2"] * 4 + ["2026-Q3"] * 4
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
