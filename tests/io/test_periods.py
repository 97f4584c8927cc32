from datetime import date

import pandas as pd
import pytest

from helpers.io.periods import PeriodError, expand_periods, last_complete_period, parse_period


@pytest.mark.parametrize(
    ("text", "label", "start", "end", "months"),
    [
        ("2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30), 3),
        ("2026q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31), 3),
        ("2026-09", "2026-09", date(2026, 9, 1), date(2026, 9, 30), 1),
        ("2024-2", "2024-02", date(2024, 2, 1), date(2024, 2, 29), 1),  # leap year
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31), 12),
        (2026, "2026", date(2026, 1, 1), date(2026, 12, 31), 12),  # papermill's -p gives an int
    ],
)
def test_parse_period_reads_quarters_months_and_years(text, label, start, end, months):
    period = parse_period(text)
    assert (period.label, period.start, period.end, period.months) == (label, start, end, months)
    assert period.as_of == end


def test_as_of_defaults_to_the_last_day_and_can_be_set():
    assert parse_period("2026-Q3", "").as_of == date(2026, 9, 30)
    assert parse_period("2026-Q3", "2026-10-15").as_of == date(2026, 10, 15)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "Q3", "26-09", "", "last quarter"])
def test_unreadable_periods_say_which_forms_are_accepted(text):
    with pytest.raises(PeriodError, match=r"2026-Q3.*2026-09.*2026"):
        parse_period(text)


def test_unreadable_as_of_names_the_format():
    with pytest.raises(PeriodError, match="YYYY-MM-DD"):
        parse_period("2026-Q3", "30/09/2026")


def test_contains_includes_both_ends():
    period = parse_period("2026-Q3")
    dates = pd.Series(pd.to_datetime(["2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01"]))
    assert period.contains(dates).tolist() == [False, True, True, False]


def test_trailing_quarters_end_with_the_period():
    # 2026-02 lies in 2026Q1; the four quarters ending there start with 2025Q2.
    assert [str(q) for q in parse_period("2026-02").trailing_quarters(4)] == [
        "2025Q2",
        "2025Q3",
        "2025Q4",
        "2026Q1",
    ]


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        # 23 November 2026: October is the last whole month, Q3 the last whole quarter.
        ("last-month", date(2026, 11, 23), "2026-10"),
        ("last-quarter", date(2026, 11, 23), "2026-Q3"),
        ("last-year", date(2026, 11, 23), "2025"),
        # On the first day of a quarter the quarter just ended is complete.
        ("last-quarter", date(2026, 10, 1), "2026-Q3"),
        # In January the last month and quarter are in the year before.
        ("last-month", date(2026, 1, 5), "2025-12"),
        ("last-quarter", date(2026, 1, 5), "2025-Q4"),
    ],
)
def test_last_complete_period(kind, today, expected):
    assert last_complete_period(kind, today) == expected


def test_expand_periods_reads_ranges_and_relative_periods_in_order():
    today = date(2026, 11, 23)
    assert expand_periods(["2025-11..2026-02"], today) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert expand_periods(["2025-Q4..2026-Q2"], today) == ["2025-Q4", "2026-Q1", "2026-Q2"]
    # Given order is kept; a period asked twice renders once.
    assert expand_periods(["last-quarter", "2026-q1", "2026-Q3"], today) == ["2026-Q3", "2026-Q1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-01..2026-Q1", "mixes kinds of period"),
        ("2026-05..2026-01", "ends before it starts"),
        ("next-quarter", "is not a review period"),
    ],
)
def test_expand_periods_names_what_it_cannot_read(text, message):
    with pytest.raises(PeriodError, match=message):
        expand_periods([text], date(2026, 11, 23))


@pytest.mark.parametrize("text", ["0000", "1066-Q4", "1899-12", "2201"])
def test_a_year_outside_the_calendar_the_export_is_read_in_is_refused(text):
    # pandas' calendar ends in 1677 and 2262: years a review could mean are far inside.
    with pytest.raises(PeriodError, match="its year must be from 1900 to 2200") as refused:
        parse_period(text)
    assert refused.value.parameter == "period"
