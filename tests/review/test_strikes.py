"""The three strikes, counted over periods recorded in a real history file, on tiny
hand-made reviews whose answers are worked out below.

A fake review is only what the strikes read: ``period`` and ``customers`` (indexed by
customer_id, with name, band and on_headache_list). ``record_period``, ``strike_history`` and
``changes_since_previous`` below go through the history store (``helpers.io.history``) as the
run pipeline and the notebooks do.

The four quarters (F = fire candidate, H = on the headache list, S = a strike):

    customer  2025-Q4   2026-Q1   2026-Q2   2026-Q3
    X         fire  S   fire  S   keep      fire  S
    Y         review    review    review    review+H S
    Z         keep      keep      keep      keep
    W         fire  S   fire  S   fire  S   fire  S
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.io.history import read_outcomes, record_outcomes
from helpers.io.periods import parse_period
from helpers.review import strikes
from helpers.review.strikes import (
    CHANGE_COLUMNS,
    STAGE_EXIT_DECISION,
    STAGE_FOR_STRIKES,
    STAGE_NONE,
    STAGE_REPAIR_PLAN,
    STAGE_WATCH,
    WINDOW,
    history_window,
    stage_for,
)
from tests.support import recorded_rows

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


def record_period(db_path: Path | str, review: SimpleNamespace) -> int:
    """Record the fake review's outcome, as the run pipeline does."""
    rows = strikes.outcome_rows(review.period, review.customers)
    return record_outcomes(db_path, review.period.label, rows)


def earlier(db_path: Path, review: SimpleNamespace, window: int = WINDOW) -> pd.DataFrame:
    """The outcomes the notebooks read for the review's strikes."""
    return read_outcomes(db_path, *history_window(review.period, window)).outcomes


def strike_history(db_path: Path, review: SimpleNamespace, window: int = WINDOW) -> pd.DataFrame:
    outcomes = earlier(db_path, review, window)
    return strikes.strike_history(outcomes, review.period, review.customers, window)


def changes_since_previous(db_path: Path, review: SimpleNamespace) -> pd.DataFrame:
    return strikes.changes_since_previous(earlier(db_path, review), review.period, review.customers)


def record_quarters(db_path: Path, *labels: str) -> None:
    for label in labels:
        assert record_period(db_path, fake_review(label, QUARTERS[label])) == 4


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
        ("C", "Customer C", "left", "headache_list", "review", "review"),
        ("D", "Customer D", "left", "keep", "keep", None),  # gone from the review
        ("E", "Customer E", "entered", "fire_candidate", None, "fire_candidate"),  # new
        ("E", "Customer E", "entered", "headache_list", None, "fire_candidate"),
        # F is new but kept: not a change worth listing.
        ("G", "Customer G", "entered", "headache_list", "keep", "keep"),
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
def test_previous_period(label, previous):
    assert parse_period(label).previous().label == previous
