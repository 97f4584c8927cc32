"""What the export records, in time, and the day a review is judged as of: on the tiny export
(tests/support.py), worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from helpers.io.export import load_export
from helpers.review import recorded


def test_the_first_and_last_days_of_invoices_payments_and_time(tiny_export: Path):
    # Invoices issued from D0 (1 June 2025) to A3 (15 September 2026); the last payment C1's
    # (5 October 2026); time logged from C's entry of 20 June 2026 to E's of 1 September.
    days = recorded.recorded_days(load_export(tiny_export))
    assert days == {
        "first_issued": pd.Timestamp("2025-06-01"),
        "last_issued": pd.Timestamp("2026-09-15"),
        "last_paid": pd.Timestamp("2026-10-05"),
        "first_logged": pd.Timestamp("2026-06-20"),
        "last_logged": pd.Timestamp("2026-09-01"),
    }


def test_the_as_of_date_is_the_earliest_of_end_today_and_the_data(tiny_export: Path):
    # The tiny export's last record is A's assessment of 15 October 2026; due dates do not
    # count: A3 falls due on 15 October too, B's on none later.
    export = load_export(tiny_export)
    assert recorded.last_recorded_day(export) == pd.Timestamp("2026-10-15")
    assert recorded.first_recorded_day(export) == pd.Timestamp("2025-06-01")  # D0
    end, today = date(2026, 12, 31), date(2026, 12, 1)
    assert recorded.effective_as_of(end, today, export) == date(2026, 10, 15)
    assert recorded.effective_as_of(date(2026, 9, 30), today, export) == date(2026, 9, 30)
    assert recorded.effective_as_of(end, date(2026, 10, 2), export) == date(2026, 10, 2)
