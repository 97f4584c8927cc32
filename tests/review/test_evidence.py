"""How much evidence there is: the judgement window, the as-of date, tenure and the invoicing
cycle, on frames small enough to work out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

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


def test_the_as_of_date_is_the_earliest_of_end_today_and_the_data(tiny_export: Path):
    # The tiny export's last record is A's assessment of 15 October 2026 (tests/support.py);
    # due dates do not count: A3 falls due on 15 October too, B's on none later.
    export = load_export(tiny_export)
    assert evidence.last_recorded_day(export) == pd.Timestamp("2026-10-15")
    assert evidence.first_recorded_day(export) == pd.Timestamp("2025-06-01")  # D0
    end, today = date(2026, 12, 31), date(2026, 12, 1)
    assert evidence.effective_as_of(end, today, export) == date(2026, 10, 15)
    assert evidence.effective_as_of(date(2026, 9, 30), today, export) == date(2026, 9, 30)
    assert evidence.effective_as_of(end, date(2026, 10, 2), export) == date(2026, 10, 2)


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


def invoices_on(*days: str, customer: str = "X") -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": customer, "issued_on": pd.to_datetime(list(days)), "amount": 100.0}
    )


@pytest.mark.parametrize(
    ("days", "as_of", "cycle", "regular"),
    [
        # Quarterly: gaps 91, 92, 92 -> 92 days; 91 days since the last, within 1.5 cycles.
        (("2026-01-01", "2026-04-02", "2026-07-03", "2026-10-03"), "2027-01-02", 92, True),
        # The same, a cycle and a half and a day late: the next invoice is overdue.
        (("2026-01-01", "2026-04-02", "2026-07-03", "2026-10-03"), "2027-03-04", 92, False),
        # Two invoices tell no cycle.
        (("2026-01-01", "2026-04-01"), "2026-05-01", None, False),
        # Ad hoc: gaps of 150 days are no cycle to wait for.
        (("2025-01-01", "2025-05-31", "2025-10-28"), "2025-11-30", 150, False),
    ],
)
def test_the_invoicing_cycle(days, as_of, cycle, regular):
    found = evidence.invoicing_cycle(invoices_on(*days), pd.Index(["X"]), date.fromisoformat(as_of))
    assert found.loc["X", "last_invoice"] == pd.Timestamp(days[-1])
    assert (
        (found.loc["X", "cycle_days"] == cycle) if cycle else pd.isna(found.loc["X", "cycle_days"])
    )
    assert found.loc["X", "regular"] == regular


def test_credit_notes_and_invoices_after_the_as_of_date_are_no_part_of_the_cycle():
    invoices = invoices_on("2026-01-01", "2026-02-01", "2026-03-01", "2026-03-15", "2026-04-01")
    invoices.loc[3, "amount"] = -100.0  # a credit note of 15 March
    found = evidence.invoicing_cycle(invoices, pd.Index(["X"]), date(2026, 3, 20))
    # 1 January, 1 February, 1 March: gaps 31 and 28 -> 29.5 days; April is after the as-of.
    assert found.loc["X", "cycle_days"] == 29.5
    assert found.loc["X", "last_invoice"] == pd.Timestamp("2026-03-01")


def test_hours_after_the_last_invoice_of_a_regular_customer_are_not_invoiced_yet():
    cycles = pd.DataFrame(
        {
            "last_invoice": pd.to_datetime(["2026-09-01", "2026-09-01"]),
            "cycle_days": [30.0, 30.0],
            "regular": [True, False],
        },
        index=pd.Index(["X", "Y"], name="customer_id"),
    )
    entries = pd.DataFrame(
        {
            "customer_id": ["X", "X", "X", "X", "Y"],
            "date": pd.to_datetime(
                ["2026-08-20", "2026-09-01", "2026-09-10", "2026-10-05", "2026-09-10"]
            ),
            "hours": [5.0, 3.0, 7.0, 11.0, 13.0],
        }
    )
    # X: 7 hours on 10 September, after its invoice of 1 September (the day of the invoice
    # itself is invoiced) and up to the as-of date. Y is not on a regular cycle: none.
    found = evidence.hours_not_invoiced(entries, cycles, date(2026, 9, 30))
    assert found.to_dict() == {"X": 7.0, "Y": 0.0}
