"""Exports of every shape the contract allows, drawn by hypothesis.

An ``ExportShape`` is a company's export written as our contract says, varied in what it holds
rather than how it is written (tests/io/test_formats.py varies that): each optional table and
each optional column there or not; one customer or a dozen; customers with no invoice; credit
notes; amounts from a cent to a billion; every invoice paid on the day it was issued, or none
paid; one customer with all the revenue; a review period with no invoices in it, or no time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from helpers.io.contract import (
    CHECKLIST_FROM_ASSESSMENT,
    CHECKLIST_FROM_DATA,
    CONTRACT,
    DECISIONS,
)
from helpers.io.periods import parse_period

FIRST_DAY = date(2024, 10, 1)  # two years of history, as the sample holds
LAST_DAY = date(2026, 9, 30)
QUARTERS = ("2026-Q3", "2026-Q2", "2025-Q4")
MONTHS = ("2026-09", "2026-07", "2025-12")
YEARS = ("2026", "2025")
SIZE_BANDS = ("micro", "small", "medium", "large", "")
# Names as exports hold them: markup, ampersands, quotes, letters beyond ASCII, a formula.
NAMES = (
    "Alpha Ltd",
    "Beta & Sons",
    '<script>alert("x")</script>',
    "Õunaaed OÜ",
    "杭州安澜机械有限公司",
    "=HYPERLINK(1)",
    'Kask "Pärn" AS',
)
AMOUNTS = st.one_of(
    st.decimals(min_value="0.01", max_value="1000000000", places=2).map(float),
    st.sampled_from([0.01, 1e9, 250.0, 1234.5]),
)
OPTIONAL_CUSTOMER_COLUMNS = [
    spec.name for spec in CONTRACT["customers"].fields if not spec.required
]


@dataclass(frozen=True)
class ExportShape:
    """One drawn export: its tables as written to CSV (our contract, text), and the period to
    review it for."""

    tables: dict[str, pd.DataFrame]
    period: str

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables.items():
            frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
        return folder

    def describe(self) -> str:
        """What a failing example holds, for the reader of the failure."""
        lines = [f"period {self.period}"]
        for name, frame in self.tables.items():
            lines.append(f"{name}.csv ({len(frame)} rows):\n{frame.to_csv(index=False)}")
        return "\n".join(lines)


def _day(draw, start: date = FIRST_DAY, end: date = LAST_DAY) -> date:
    return draw(st.dates(min_value=start, max_value=end))


def _outside(draw, window: tuple[date, date]) -> date:
    """A day of the export's two years outside ``window`` (the review period)."""
    before = window[0] - timedelta(days=1)
    after = window[1] + timedelta(days=1)
    choices = []
    if before >= FIRST_DAY:
        choices.append((FIRST_DAY, before))
    if after <= LAST_DAY:
        choices.append((after, LAST_DAY))
    start, end = draw(st.sampled_from(choices))
    return _day(draw, start, end)


@st.composite
def export_shapes(draw, periods: tuple[str, ...] = QUARTERS + MONTHS + YEARS) -> ExportShape:
    """An export of any shape, and one of ``periods`` to review it for."""
    period = draw(st.sampled_from(periods))
    review_period = parse_period(period)
    window = (review_period.start, min(review_period.end, LAST_DAY))
    # What the period lacks, if anything: its invoices, or its time.
    empty = draw(st.sampled_from([None, None, "invoices", "time"]))

    count = draw(st.integers(min_value=1, max_value=12))
    ids = [f"C{i:02d}" for i in range(count)]
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "name": [draw(st.sampled_from(NAMES)) + f" {i}" for i in range(count)],
        }
    )
    for column in OPTIONAL_CUSTOMER_COLUMNS:
        if not draw(st.booleans()):
            continue
        values = {
            "employees": st.one_of(st.just(""), st.integers(0, 50_000).map(str)),
            "size_band": st.sampled_from(SIZE_BANDS),
            "potential_annual_spend": st.one_of(st.just(""), AMOUNTS.map(str), st.just("0")),
            "industry": st.sampled_from(["", "Retail", "Services"]),
            "account_owner": st.sampled_from(["", "Kadri", "Ming"]),
            "customer_since": st.one_of(
                st.just(""), st.dates(FIRST_DAY, LAST_DAY).map(date.isoformat)
            ),
        }[column]
        customers[column] = [draw(values) for _ in ids]

    # Invoices: some customers have none; one may hold all the revenue.
    buyers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=count, unique=True))
    if draw(st.booleans()):
        buyers = buyers[:1]  # one customer with all the revenue
    paying = draw(st.sampled_from(["mixed", "on_issue", "none"]))
    rows = []
    for number in range(draw(st.integers(min_value=1, max_value=30))):
        issued = _outside(draw, window) if empty == "invoices" else _day(draw)
        due = issued + timedelta(days=draw(st.sampled_from([0, 14, 30, 60])))
        amount = draw(AMOUNTS)
        if draw(st.integers(0, 9)) == 0:
            amount = -amount  # a credit note
        if paying == "on_issue":
            paid = issued.isoformat()
        elif paying == "none" or draw(st.integers(0, 3)) == 0:
            paid = ""
        else:
            paid = (issued + timedelta(days=draw(st.integers(0, 200)))).isoformat()
            paid = "" if paid > LAST_DAY.isoformat() else paid
        rows.append(
            {
                "invoice_id": f"I{number:03d}",
                "customer_id": draw(st.sampled_from(buyers)),
                "issued_on": issued.isoformat(),
                "due_on": due.isoformat(),
                "paid_on": paid,
                "amount": str(amount),
                "product_line": draw(st.sampled_from(["", "licences", "training", "support"])),
            }
        )
    invoices = pd.DataFrame(rows)
    for column in ("paid_on", "product_line"):
        if not draw(st.booleans()):
            invoices = invoices.drop(columns=column)
    tables = {"customers": customers, "invoices": invoices}

    if draw(st.booleans()):
        entries = []
        for _ in range(draw(st.integers(min_value=0, max_value=25))):
            day = _outside(draw, window) if empty == "time" else _day(draw)
            entries.append(
                {
                    "customer_id": draw(st.sampled_from(ids)),
                    "date": day.isoformat(),
                    "hours": str(draw(st.sampled_from([0, 0.25, 1, 7.5, 24]))),
                    "activity": draw(st.sampled_from(["", "support", "sales"])),
                }
            )
        tables["time_entries"] = pd.DataFrame(
            entries, columns=["customer_id", "date", "hours", "activity"]
        )

    if draw(st.booleans()):
        answers = st.sampled_from(["yes", "no", ""])
        assessed = draw(st.lists(st.sampled_from(ids), max_size=count))
        tables["assessments"] = pd.DataFrame(
            [
                {
                    "customer_id": customer,
                    "assessed_on": _day(draw).isoformat(),
                    **{item: draw(answers) for item in CHECKLIST_FROM_ASSESSMENT},
                    **{item: draw(answers) for item in CHECKLIST_FROM_DATA},
                    "notes": draw(st.sampled_from(["", "<b>late</b> & slow"])),
                }
                for customer in assessed
            ],
            columns=[
                "customer_id",
                "assessed_on",
                *CHECKLIST_FROM_ASSESSMENT,
                *CHECKLIST_FROM_DATA,
                "notes",
            ],
        )

    if draw(st.booleans()):
        decided = draw(st.lists(st.sampled_from(ids), max_size=3))
        tables["decisions"] = pd.DataFrame(
            [
                {
                    "customer_id": customer,
                    "decided_on": _day(draw).isoformat(),
                    "decision": draw(st.sampled_from(DECISIONS)),
                }
                for customer in decided
            ],
            columns=["customer_id", "decided_on", "decision"],
        )
    return ExportShape(tables, period)
