"""Review periods: the window one report covers, and the quarters around it.

A period is written as a quarter (``2026-Q3``), a month (``2026-09``) or a year (``2026``).
papermill turns ``-p period 2026`` into an int, so integers are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from helpers.errors import PeriodError

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
# The years a review period may fall in: the calendar the dates of an export are read in.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_KIND_FOR_MONTHS = {1: "month", 3: "quarter", 12: "year"}
_FREQ_FOR_KIND = {"month": "M", "quarter": "Q", "year": "Y"}


@dataclass(frozen=True)
class ReviewPeriod:
    """One review window, inclusive of both ends, judged as of ``as_of``.

    ``label`` is the canonical text (``2026-Q3``, ``2026-09``, ``2026``) used in paths and titles.
    """

    label: str
    start: date
    end: date
    as_of: date

    @property
    def months(self) -> int:
        """Length of the period in calendar months (1, 3 or 12)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def contains(self, dates: pd.Series) -> pd.Series:
        """Boolean mask: which of ``dates`` (datetime64) fall inside the period."""
        return (dates >= pd.Timestamp(self.start)) & (dates <= pd.Timestamp(self.end))

    @property
    def kind(self) -> str:
        """``quarter``, ``month`` or ``year``: what kind of period this is."""
        return _KIND_FOR_MONTHS[self.months]

    def calendar_period(self) -> pd.Period:
        """The period as pandas counts calendar periods (``2026Q3``), to step back from."""
        return pd.Period(self.start, freq=_FREQ_FOR_KIND[self.kind])

    def previous(self, steps: int = 1) -> ReviewPeriod:
        """The period of the same kind ``steps`` before this one, as of its own last day:
        ``2026-Q1`` -> ``2025-Q4``, ``2026-01`` -> ``2025-12``, ``2026`` -> ``2025``."""
        return parse_period(_label(self.calendar_period() - steps))

    def trailing_quarters(self, count: int) -> list[pd.Period]:
        """The ``count`` calendar quarters ending with the one that holds the period's end."""
        last = pd.Period(self.end, freq="Q")
        return [last - offset for offset in range(count - 1, -1, -1)]


def parse_period(period: str | int, as_of: str | date | None = None) -> ReviewPeriod:
    """Read a period such as ``2026-Q3``, ``2026-09`` or ``2026`` (and an optional as-of date).

    ``as_of`` defaults to the period's last day; it may be a ``date`` or ``YYYY-MM-DD`` text, and
    empty text means the default. Raises ``PeriodError`` with the accepted forms when unreadable,
    and when ``as_of`` falls before the period begins.
    """
    text = str(period).strip()
    year = next((int(m[1]) for m in (r.match(text) for r in (_QUARTER, _MONTH, _YEAR)) if m), None)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            f"period {period!r} is not a review period: its year must be from {FIRST_YEAR} to "
            f"{LAST_YEAR}",
            parameter="period",
        )
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        window = pd.Period(year=year, quarter=quarter, freq="Q")
        label = f"{year}-Q{quarter}"
    elif (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        window = pd.Period(year=year, month=month, freq="M")
        label = f"{year}-{month:02d}"
    elif match := _YEAR.match(text):
        window = pd.Period(year=int(match[1]), freq="Y")
        label = text
    else:
        raise PeriodError(
            f"period {period!r} is not a review period: write a quarter (2026-Q3), "
            "a month (2026-09) or a year (2026)",
            parameter="period",
        )
    start, end = window.start_time.date(), window.end_time.date()
    day = _parse_as_of(as_of, end)
    if day < start:
        raise PeriodError(
            f"as_of {day.isoformat()} is before {label} begins ({start.isoformat()}): a review "
            "is judged as of a day within its period, or after it",
            parameter="as_of",
        )
    return ReviewPeriod(label=label, start=start, end=end, as_of=day)


def _parse_as_of(as_of: str | date | None, default: date) -> date:
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return default
    if isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(as_of.strip())
    except ValueError:
        raise PeriodError(
            f"as_of {as_of!r} is not a date: write it as YYYY-MM-DD", parameter="as_of"
        ) from None


RELATIVE_PERIODS = {"last-month": "M", "last-quarter": "Q", "last-year": "Y"}
_RANGE_SEPARATOR = ".."


def last_complete_period(kind: str, today: date) -> str:
    """The label of the last month, quarter or year that ended before ``today``.

    ``kind`` is ``last-month``, ``last-quarter`` or ``last-year``: on 2026-11-23 they are
    ``2026-10``, ``2026-Q3`` and ``2025``.
    """
    return _label(pd.Period(today, freq=RELATIVE_PERIODS[kind]) - 1)


def expand_periods(texts: list[str] | tuple[str, ...], today: date) -> list[str]:
    """The period labels that ``--period`` values ask for, in the order given, each once.

    A value is a period (``2026-Q3``, ``2026-09``, ``2026``), a relative one (``last-month``,
    ``last-quarter``, ``last-year``, judged against ``today``), or a range of two periods of the
    same kind, both included (``2026-01..2026-12``, ``2025-Q3..2026-Q2``). Raises
    ``PeriodError`` naming the value that cannot be read.
    """
    labels: list[str] = []
    for text in texts:
        text = str(text).strip()
        if text.lower() in RELATIVE_PERIODS:
            found = [last_complete_period(text.lower(), today)]
        elif _RANGE_SEPARATOR in text:
            found = _range(text)
        else:
            found = [parse_period(text).label]
        labels += [label for label in found if label not in labels]
    return labels


def _range(text: str) -> list[str]:
    first_text, _, last_text = text.partition(_RANGE_SEPARATOR)
    first, last = parse_period(first_text), parse_period(last_text)
    if first.months != last.months:
        raise PeriodError(
            f"period range {text!r} mixes kinds of period: write both ends as months "
            "(2026-01..2026-12), quarters (2026-Q1..2026-Q4) or years",
            parameter="period",
        )
    if first.start > last.start:
        raise PeriodError(f"period range {text!r} ends before it starts", parameter="period")
    freq = {1: "M", 3: "Q", 12: "Y"}[first.months]
    window = pd.period_range(pd.Period(first.start, freq), pd.Period(last.start, freq), freq=freq)
    return [_label(p) for p in window]


def _label(period: pd.Period) -> str:
    if period.freqstr.startswith("Q"):
        return f"{period.year}-Q{period.quarter}"
    if period.freqstr.startswith("M"):
        return f"{period.year}-{period.month:02d}"
    return str(period.year)
