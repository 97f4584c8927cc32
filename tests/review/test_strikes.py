"""The three strikes, counted per quarter over outcomes recorded in a real history file or
judged from the export, on tiny hand-made outcomes whose answers are worked out below.

A fake review is only what the strikes read: ``period`` and ``customers`` (indexed by
customer_id, with name, band and on_headache_list). ``record_period`` goes through the history
store (``helpers.io.history``) as the run pipeline does; ``judged_from`` stands in for judging
the export as of a quarter's end (``helpers.review.judgement.judge``, as the model calls it).

The four quarters (F = fire candidate, H = on the headache list, S = a strike):

    customer  2025-Q4   2026-Q1   2026-Q2   2026-Q3
    X         fire  S   fire  S   keep      fire  S
    Y         review    review    review    review+H S
    Z         keep      keep      keep      keep
    W         fire  S   fire  S   fire  S   fire  S
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.io.history import read_outcomes, record_outcomes
from helpers.io.periods import parse_period
from helpers.review import strikes
from helpers.review.strikes import (
    CHANGE_COLUMNS,
    FROM_THE_EXPORT,
    RECORDED,
    STAGE_EXIT_DECISION,
    STAGE_FOR_STRIKES,
    STAGE_NONE,
    STAGE_REPAIR_PLAN,
    STAGE_WATCH,
    WINDOW,
    history_needed,
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


def customers_of(outcomes: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """``outcomes`` (customer_id -> (band, on_headache_list)) as a review's customers."""
    return pd.DataFrame(
        [
            (customer_id, f"Customer {customer_id}", band, listed)
            for customer_id, (band, listed) in outcomes.items()
        ],
        columns=["customer_id", "name", "band", "on_headache_list"],
    ).set_index("customer_id")


def fake_review(label: str, outcomes: dict[str, tuple[str, bool]], as_of: str = ""):
    """A stand-in for a Review of the period ``label``, as of its end unless ``as_of``."""
    return SimpleNamespace(period=parse_period(label, as_of), customers=customers_of(outcomes))


def judged_from(export: dict[str, dict[str, tuple[str, bool]]]):
    """A judge (``strikes.Judge``) that finds ``export[label]`` as of the end of the quarter
    ``label``, and nothing (``None``: before the export begins) for any other day."""
    by_end = {parse_period(label).end: outcomes for label, outcomes in export.items()}

    def judge(day: date) -> pd.DataFrame | None:
        return customers_of(by_end[day]) if day in by_end else None

    return judge


def nothing_in_the_export(day: date) -> None:
    return None


def record_period(db_path: Path | str, review: SimpleNamespace) -> int:
    """Record the fake review's outcome, as the run pipeline does."""
    rows = strikes.outcome_rows(review.period, review.customers)
    return record_outcomes(db_path, review.period.label, rows)


def recorded(db_path: Path, review: SimpleNamespace, window: int = WINDOW) -> pd.DataFrame:
    """The outcomes the notebooks read from the history for the review's strikes."""
    return read_outcomes(db_path, *history_needed(review.period, window)).outcomes


def quarter_outcomes(db_path, review, judge=nothing_in_the_export, window=WINDOW):
    return strikes.quarter_outcomes(
        recorded(db_path, review, window), review.period.as_of, review.customers, judge, window
    )


def strike_history(db_path, review, judge=nothing_in_the_export, window=WINDOW):
    quarters = quarter_outcomes(db_path, review, judge, window)
    return strikes.strike_history(quarters, review.customers)


def changes_since_previous(db_path, review, judge=nothing_in_the_export):
    previous = review.period.previous()
    outcome = strikes.period_outcome(
        recorded(db_path, review), previous.kind, previous.label, previous.end, judge
    )
    return strikes.changes_since_previous(outcome, review.customers)


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
            "strikes_from_export": ["", "", "", ""],
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
    sources = quarter_outcomes(db_path, q3).drop_duplicates("quarter")
    assert sources[["quarter", "source"]].to_numpy().tolist() == [
        ["2026-Q1", RECORDED],
        ["2026-Q2", RECORDED],
        ["2026-Q3", strikes.THIS_REVIEW],
    ]


def test_longer_window_reaches_further_back(db_path):
    # Four quarters, 2025-Q4 to 2026-Q3: X 3 (Q4, Q1, Q3), W 4, still an exit decision.
    record_quarters(db_path, "2025-Q4", "2026-Q1", "2026-Q2")
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]), window=4)
    assert history.loc["X", "strike_periods"] == "2025-Q4, 2026-Q1, 2026-Q3"
    assert history["strikes_last_3"].tolist() == [3, 1, 0, 4]
    assert history["stage"].tolist() == ["exit_decision", "watch", "none", "exit_decision"]


def test_a_quarter_never_recorded_is_judged_from_the_export(db_path):
    # Only 2026-Q1 recorded; 2026-Q2 is judged from the export as of 30 June, where W is a
    # fire candidate (and X kept). At Q3: W Q1, Q2, Q3 -> 3, one of them from the export;
    # X Q1 and Q3 -> 2.
    record_quarters(db_path, "2026-Q1")
    judge = judged_from({"2026-Q2": QUARTERS["2026-Q2"]})
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]), judge)
    assert history["strikes_last_3"].tolist() == [2, 1, 0, 3]
    assert history.loc["W", "strike_periods"] == "2026-Q1, 2026-Q2, 2026-Q3"
    assert history["strikes_from_export"].tolist() == ["", "", "", "2026-Q2"]


def test_recorded_quarters_stay_authoritative_over_the_export(db_path):
    # The export, judged again today, would make everyone a fire candidate in Q1 and Q2; the
    # recorded Q1 and Q2 say otherwise and win: the same counts as when all is recorded.
    record_quarters(db_path, "2026-Q1", "2026-Q2")
    everyone_fired = {customer: (FIRE, False) for customer in "XYZW"}
    judge = judged_from({"2026-Q1": everyone_fired, "2026-Q2": everyone_fired})
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]), judge)
    assert history["strikes_last_3"].tolist() == [2, 1, 0, 3]
    assert history["strikes_from_export"].tolist() == ["", "", "", ""]


def test_the_first_run_counts_every_quarter_from_the_export(db_path):
    # No history file at all: Q1 and Q2 both come from the export.
    # X: Q1, Q3 -> 2; Y: Q3 -> 1; Z: 0; W: Q1, Q2, Q3 -> 3.
    judge = judged_from({label: QUARTERS[label] for label in ("2026-Q1", "2026-Q2")})
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]), judge)
    assert history["strikes_last_3"].tolist() == [2, 1, 0, 3]
    assert history["strikes_from_export"].tolist() == ["2026-Q1", "", "", "2026-Q1, 2026-Q2"]
    assert not db_path.exists()  # reading does not create the file


def test_before_the_export_begins_only_this_quarter_counts(db_path):
    history = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]))
    assert history["strikes_last_3"].tolist() == [1, 1, 0, 1]
    assert history["stage"].tolist() == ["watch", "watch", "none", "watch"]


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
    # At 2026-Q1 the window is 2025-Q3 (before the export), 2025-Q4, 2026-Q1; Q2 and Q3 are
    # later. X: Q4, Q1 -> 2.  Y: 0 (its strike is in Q3).  Z: 0.  W: Q4, Q1 -> 2.
    history = strike_history(db_path, fake_review("2026-Q1", QUARTERS["2026-Q1"]))
    assert history["strikes_last_3"].tolist() == [2, 0, 0, 2]
    assert history.loc["X", "strike_periods"] == "2025-Q4, 2026-Q1"
    assert history["stage"].tolist() == ["repair_plan", "none", "none", "repair_plan"]


def test_months_and_years_count_quarters_too(db_path):
    record_quarters(db_path, "2026-Q1", "2026-Q2")
    # A monthly review recorded as a month is no quarter: it does not add a strike.
    record_period(db_path, fake_review("2026-08", {**EVERYONE_KEEP, "Z": (FIRE, False)}))
    quarter = strike_history(db_path, fake_review("2026-Q3", QUARTERS["2026-Q3"]))
    # September, as of its end, and the year 2026 as of 30 September (the data's end) judge
    # the same day as the quarter: the same three quarters, the same strikes.
    september = strike_history(db_path, fake_review("2026-09", QUARTERS["2026-Q3"]))
    year = strike_history(db_path, fake_review("2026", QUARTERS["2026-Q3"], "2026-09-30"))
    assert quarter["strikes_last_3"].tolist() == [2, 1, 0, 3]
    pd.testing.assert_frame_equal(september, quarter)
    pd.testing.assert_frame_equal(year, quarter)
    # August, as of 31 August: Q3 so far is this review, the same quarters before it.
    august = strike_history(db_path, fake_review("2026-08", QUARTERS["2026-Q3"]))
    pd.testing.assert_frame_equal(august, quarter)


def test_a_month_recorded_at_a_quarter_s_end_stands_for_the_quarter(db_path):
    # A company reviewed monthly: March (to 31 March) and June (to 30 June) recorded, with W a
    # fire candidate in March and nobody in June; the export, judged again, would say
    # otherwise (everyone a fire candidate). The recorded months stand for Q1 and Q2: W has
    # Q1 and Q3 (this review), X Q3 only.
    record_period(db_path, fake_review("2026-03", {**EVERYONE_KEEP, "W": (FIRE, False)}))
    record_period(db_path, fake_review("2026-06", EVERYONE_KEEP))
    everyone_fired = {customer: (FIRE, False) for customer in "XYZW"}
    judge = judged_from({"2026-Q1": everyone_fired, "2026-Q2": everyone_fired})
    september = fake_review("2026-09", QUARTERS["2026-Q3"])
    history = strike_history(db_path, september, judge)
    assert history["strikes_last_3"].tolist() == [1, 1, 0, 2]
    assert history.loc["W", "strike_periods"] == "2026-Q1, 2026-Q3"
    assert history["strikes_from_export"].tolist() == ["", "", "", ""]


@pytest.mark.parametrize(
    ("label", "as_of", "start"),
    [
        # From nine months before 2026-Q1, the first quarter counted: a year ending with it.
        ("2026-Q3", "", "2025-04-01"),
        ("2026-09", "", "2025-04-01"),
        # A year reads back to the previous year, which starts earlier still.
        ("2026", "2026-09-30", "2025-01-01"),
    ],
)
def test_history_needed(label, as_of, start):
    kinds = ["month", "quarter", "year"]
    assert history_needed(parse_period(label, as_of)) == (kinds, start, "2026-09-30")


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
    expected = [
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
    assert as_tuples(changes) == [(*row, RECORDED) for row in expected]
    # Never recorded, Q2 is judged from the export as of 30 June: the same changes, so marked.
    judge = judged_from({"2026-Q2": q2})
    db_path.unlink()
    from_export = changes_since_previous(db_path, fake_review("2026-Q3", q3), judge)
    assert as_tuples(from_export) == [(*row, FROM_THE_EXPORT) for row in expected]


def test_no_changes_before_the_export_begins(db_path):
    q3 = fake_review("2026-Q3", QUARTERS["2026-Q3"])
    assert changes_since_previous(db_path, q3).empty  # no file, nothing in the export
    # Q1 and Q3 recorded, Q2 neither recorded nor in the export.
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
