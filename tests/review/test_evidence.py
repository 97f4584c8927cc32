"""How much evidence there is: the judgement window, the as-of date, tenure and the invoicing
cycle, on frames small enough to work out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from helpers.io.export import load_export
from helpers.io.settings import ReviewSettings
from helpers.review import evidence, judgement


def test_the_judgement_window_ends_on_the_as_of_date():
    window = evidence.judgement_window(date(2026, 9, 30), 12)
    assert (window.start, window.end) == (pd.Timestamp("2025-10-01"), pd.Timestamp("2026-09-30"))
    assert window.days == 365
    # A leap year's February: 1 March 2024 to 28 February 2025 is 365 days; 29 February 2024
    # falls just before.
    window = evidence.judgement_window(date(2025, 2, 28), 12)
    assert window.start == pd.Timestamp("2024-03-01") and window.days == 365
    assert evidence.judgement_window(date(2026, 9, 30), 3).start == pd.Timestamp("2026-07-01")


def test_tenure_starts_with_customer_since_else_the_first_record(tiny_export: Path):
    customers = (tiny_export / "customers.csv").read_text(encoding="utf-8")
    lines = customers.splitlines()
    lines[0] += ",customer_since"
    lines[1:] = [line + (",2020-05-01" if line.startswith("A,") else ",") for line in lines[1:]]
    (tiny_export / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    export = load_export(tiny_export)
    found = judgement.aggregates(export, [date(2026, 9, 30)], ReviewSettings())
    since = found["tenure_start"].droplevel("as_of")
    # A as given; B its first invoice (1 May 2026); C its first hour (20 June, before its first
    # invoice of 15 August); D its first invoice; E its first hour.
    assert since.dt.strftime("%Y-%m-%d").to_dict() == {
        "A": "2020-05-01",
        "B": "2026-05-01",
        "C": "2026-06-20",
        "D": "2025-06-01",
        "E": "2026-09-01",
    }
