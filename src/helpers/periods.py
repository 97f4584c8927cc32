"""Review periods: the window one report covers, and the quarters around it.

A period is written as a quarter (``2026-Q3``), a month (``2026-09``) or a year (``2026``).
papermill turns ``-p period 2026`` into an int, so integers are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A review period or as-of date that cannot be read."""


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

    def trailing_quarters(self, count: int) -> list[pd.Period]:
        """The ``count`` calendar quarters ending with the one that holds the period's end."""
        last = pd.Period(self.end, freq="Q")
        return [last - offset for offset in range(count - 1, -1, -1)]


def parse_period(period: str | int, as_of: str | date | None = None) -> ReviewPeriod:
    """Read a period such as ``2026-Q3``, ``2026-09`` or ``2026`` (and an optional as-of date).

    ``as_of`` defaults to the period's last day; it may be a ``date`` or ``YYYY-MM-DD`` text, and
    empty text means the default. Raises ``PeriodError`` with the accepted forms when unreadable.
    """
    text = str(period).strip()
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
            "a month (2026-09) or a year (2026)"
        )
    start, end = window.start_time.date(), window.end_time.date()
    return ReviewPeriod(label=label, start=start, end=end, as_of=_parse_as_of(as_of, end))


def _parse_as_of(as_of: str | date | None, default: date) -> date:
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return default
    if isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(as_of.strip())
    except ValueError:
        raise PeriodError(f"as_of {as_of!r} is not a date: write it as YYYY-MM-DD") from None
