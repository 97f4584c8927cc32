"""How much evidence there is to judge each customer by.

A customer is judged over the judgement window, by default the twelve months up to the as-of
date, whatever the period the report covers; over its tenure instead when it has been a
customer for less time than that; and not at all when it is younger than the minimum tenure
("too new to judge"). Its revenue per hour is ranked only when enough time was logged for it.
Hours logged since the last invoice of a customer invoiced on a regular cycle are work not
invoiced yet, not time without revenue. The as-of date itself is ``helpers.review.recorded``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

# A cycle of invoices no longer than this is regular (monthly, quarterly); longer is ad hoc.
MAX_CYCLE_DAYS = 100
# Invoiced on a cycle and late by less than half a cycle: the next invoice is on its way.
CYCLE_GRACE = 1.5
MIN_INVOICES_FOR_A_CYCLE = 3


@dataclass(frozen=True)
class Window:
    """The judgement window: the days from ``start`` to ``end`` (the as-of date), both in."""

    start: pd.Timestamp
    end: pd.Timestamp
    months: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def per_year(window: Window, judged_days: pd.Series) -> pd.Series:
    """What turns each customer's figures over its ``judged_days`` into a year's: the
    window's months to twelve, and the window's days to the customer's judged days."""
    return 12 / window.months * window.days / judged_days.clip(lower=1)


def judgement_window(as_of: date, months: int) -> Window:
    """The ``months`` months ending with ``as_of``: for 30 September 2026 and twelve months,
    1 October 2025 to 30 September 2026."""
    end = pd.Timestamp(as_of)
    # From the day after, back: the twelve months to 28 February 2025 begin on 1 March 2024.
    return Window(end + pd.Timedelta(days=1) - pd.DateOffset(months=months), end, months)
