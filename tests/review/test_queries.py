"""The judgement's aggregates as queries (``helpers.review.queries``): worked out by hand on the
tiny export, and the same, customer by customer, as the pandas definitions on the sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from helpers.io.engine import ExportTables
from helpers.io.export import load_export
from helpers.io.settings import ReviewSettings
from helpers.review import queries
from tests.support import ROOT, TINY_EXPORT, tables_of, write_export

CUSTOMERS = ["A", "B", "C", "D", "E"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> ExportTables:
    folder = write_export(Path(tmp_path_factory.mktemp("tiny")) / "tiny", TINY_EXPORT)
    return load_export(folder).tables


@pytest.fixture(scope="module")
def sample():
    export = load_export(ROOT / "data" / "sample")
    return export, export.tables


def run(tables: ExportTables, part, as_of: date, **settings) -> pd.DataFrame:
    """``part`` (a function of the tables and the days table) as of ``as_of`` alone, with the
    settings' defaults but ``settings``, one row per customer; every part together for
    ``JUDGED``."""
    days = queries.judgement_days([as_of], ReviewSettings(**settings))
    if part is JUDGED:
        rows = queries.judged_rows(tables, days)
    else:
        rows = tables.run(part(tables, ibis.memtable(days)))
    return rows.set_index("customer_id").sort_index().drop(columns="as_of")


JUDGED = object()  # for ``run``: everything the judgement aggregates (``queries.judged_rows``)


def test_payment_as_of_the_end_of_september(tiny):
    # Due 1 July to 30 September, credit notes left out:
    # A: A1 (due 31 Jul, paid 14 Sep: 45 days late, 1,000) and A2 (paid 10 days early: 0,
    #    3,000): (45 x 1,000 + 0) / 4,000 = 11.25 days, one of two late. Open: A3, 2,000, due
    #    15 October: -15 days.
    # B: B2 (due 24 Jul, unpaid: 68 days); B1 fell due before July. Open: B1 (122 days past
    #    due) and B2: 900, the oldest B1, over 90 days: a non-payer.
    # C: C1 (due 14 Sep, paid 5 Oct, after the as-of date: unpaid then, 16 days). Open: C1,
    #    250. D: nothing due, nothing open. E: no invoices.
    paid = run(tiny, queries.payment, date(2026, 9, 30), judgement_months=3, min_tenure_months=0)
    assert list(paid.index) == CUSTOMERS
    assert list(paid["invoices_due"]) == [2, 1, 1, 0, 0]
    np.testing.assert_allclose(paid["avg_days_late"], [11.25, 68, 16, np.nan, np.nan])
    np.testing.assert_allclose(paid["share_invoices_late"], [0.5, 1, 1, np.nan, np.nan])
    np.testing.assert_allclose(paid["open_balance"], [2000, 900, 250, 0, 0])
    assert list(paid["oldest_unpaid_invoice"].fillna("-")) == ["A3", "B1", "C1", "-", "-"]
    assert list(paid["oldest_unpaid_days"].fillna(0)) == [-15, 122, 16, 0, 0]
    assert list(paid["non_payer"]) == [False, True, False, False, False]


def test_window_activity_counts_each_customers_own_judged_days(tiny):
    # Judged over the three months to 30 September from 1 July (the export began in 2025),
    # each from its tenure's start where later:
    # A: A1 1,000, A2 3,000 and A3 2,000: 6,000 in three invoices; 20 hours. B: B2 400 (B1 of
    #    1 May is before July); 5 x 8 = 40 hours. C: C1 250 and the credit note C2 -50: 200 in
    #    two, one a credit note; its 3 hours of 20 June fall before July. D: nothing. E: 5
    #    hours, no revenue, and judged from 1 September, its first record. Nothing is unpaid
    #    beyond 90 days (B2, unpaid, is 68 days past due).
    activity = run(tiny, JUDGED, date(2026, 9, 30), judgement_months=3, min_tenure_months=0)
    assert list(activity.index) == CUSTOMERS
    assert list(activity["judged_from"].dt.strftime("%m-%d")) == ["07-01"] * 4 + ["09-01"]
    np.testing.assert_allclose(activity["revenue"], [6000, 400, 200, 0, 0])
    assert list(activity["invoices"]) == [3, 1, 2, 0, 0]
    assert list(activity["credit_notes"]) == [0, 0, 1, 0, 0]
    np.testing.assert_allclose(activity["overdue_revenue"], 0)
    np.testing.assert_allclose(activity["hours"], [20, 40, 0, 0, 5])


def test_hours_since_the_last_invoice_of_a_regular_customer_are_not_invoiced_yet(tiny):
    # As of 10 September, A's invoicing days are 10 Dec, 10 Feb, 1 Jul and 1 Aug: gaps of 62,
    # 141 and 31 days, a median of 62 (a cycle of at most 100 days), and 40 days since the
    # last, within 1.5 cycles: regular. Its 10 hours of 5 August came after the invoice of 1
    # August: not invoiced yet. B (two invoicing days) has no cycle.
    as_of = date(2026, 9, 10)
    found = run(tiny, JUDGED, as_of, judgement_months=3, min_tenure_months=0)
    assert found.loc["A", "cycle_days"] == 62
    assert found.loc["A", "regular"] and not found.loc["B", "regular"]
    assert pd.isna(found.loc["B", "cycle_days"])
    np.testing.assert_allclose(found["hours_not_invoiced"], [10, 0, 0, 0, 0])


def test_a_laxer_non_payer_rule_finds_no_non_payer(tiny):
    # B's oldest unpaid invoice, B1, is 122 days past due: over 90, not over 130.
    paid = run(tiny, queries.payment, date(2026, 9, 30), non_payer_days=130)
    assert not paid["non_payer"].any()


def test_quarters_bought_and_product_lines_in_the_year(tiny):
    # The four quarters to 2026-Q3: A bought in 2025-Q4 (10 Dec), 2026-Q1 (10 Feb) and Q3 ->
    # 3; B in May and July -> 2; C in Q3 (the credit note is no purchase) -> 1; D in November
    # 2025 -> 1 (June 2025 is before); E none. In the year to 30 September: audit and
    # training sold; A bought both, B, C and D audit, E none.
    found = run(tiny, JUDGED, date(2026, 9, 30))  # the default window: four quarters
    assert list(found["quarters_bought"].fillna(0)) == [3, 2, 1, 1, 0]
    assert list(found["lines_bought"].fillna(0)) == [2, 1, 1, 1, 0]
    assert set(found["lines_sold"].dropna()) == {2}


def over_period(tables: ExportTables, query, start: str, end: str, as_of: str) -> pd.DataFrame:
    """``query`` (one of the period's) over the period from ``start`` to ``end``, as of
    ``as_of``."""
    days = [date.fromisoformat(day) for day in (start, end, as_of)]
    return tables.run(query(tables, ibis.memtable(queries.record_period(*days))))


def test_period_activity_in_the_third_quarter(tiny):
    # Revenue issued in Q3: A 1,000 + 3,000 + 2,000 = 6,000 in three invoices; B 400 (B1 was
    # issued in May); C 250 - 50 credit note = 200 in two; D and E nothing.
    # Hours in Q3: A 10 + 10; B 5 x 8; C's 3 h were in June; E 5 h.
    totals = over_period(tiny, queries.period_activity, "2026-07-01", "2026-09-30", "2026-09-30")
    totals = totals.set_index("customer_id").sort_index()
    assert list(totals.index) == CUSTOMERS
    assert list(totals["revenue"]) == [6000, 400, 200, 0, 0]
    assert list(totals["invoices"]) == [3, 1, 2, 0, 0]
    assert list(totals["hours"]) == [20, 40, 0, 0, 5]


def test_invoices_due_in_the_third_quarter_and_how_late(tiny):
    # Due from 1 July to 30 September, by due date: B2 (24 Jul, unpaid: 7 days of July + 31 +
    # 30 = 68), A1 (31 Jul, paid 14 Sep: 31 + 14 = 45), A2 (31 Aug, paid 21 Aug: 10 days
    # early), C2 (1 Sep, paid that day: 0), C1 (14 Sep, paid 5 Oct, after the as-of date, so
    # unpaid then: 16). A3 falls due in October, B1 in May.
    due = over_period(tiny, queries.invoices_due, "2026-07-01", "2026-09-30", "2026-09-30")
    assert list(due["invoice_id"]) == ["B2", "A1", "A2", "C2", "C1"]
    assert list(due["days_late"]) == [68, 45, -10, 0, 16]
    assert list(due["amount"]) == [400, 1000, 3000, -50, 250]
    # As of 31 August, C2 and C1 are not yet due, and A1 is 31 days late, unpaid then.
    due = over_period(tiny, queries.invoices_due, "2026-07-01", "2026-09-30", "2026-08-31")
    assert list(due["invoice_id"]) == ["B2", "A1", "A2"]
    assert list(due["days_late"]) == [38, 31, -10]


def test_invoices_open_on_the_as_of_date(tiny):
    # Issued by 30 September and unpaid then, by due date: B1 (due 31 May: 30 days of June +
    # 31 + 31 + 30 = 122 past due), B2 (68), C1 (paid only in October: 16) and A3 (due 15
    # October: -15, not yet due).
    open_ = over_period(tiny, queries.invoices_open, "2026-07-01", "2026-09-30", "2026-09-30")
    assert list(open_["invoice_id"]) == ["B1", "B2", "C1", "A3"]
    assert list(open_["days_past_due"]) == [122, 68, 16, -15]
    assert list(open_["amount"]) == [500, 400, 250, 2000]


def test_a_customers_invoices_with_their_days_late(tiny):
    # A's invoices issued from 1 March to 30 September, by issue date: A1 paid 45 days late,
    # A2 10 days early, A3 not yet due (due 15 October); A0b (10 February) is before March.
    asked = pd.DataFrame(
        {
            "customer_id": ["A"],
            "start": [pd.Timestamp("2026-03-01")],
            "as_of": [pd.Timestamp("2026-09-30")],
        }
    )
    rows = tiny.run(queries.customer_invoices(tiny, ibis.memtable(asked)))
    assert list(rows["invoice_id"]) == ["A1", "A2", "A3"]
    assert list(rows["paid"]) == [True, True, False]
    np.testing.assert_array_equal(rows["days_late"], [45, -10, np.nan])


def invoices_on(*days: str, customer: str = "X") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "invoice_id": [f"{customer}{n}" for n in range(len(days))],
            "customer_id": customer,
            "issued_on": pd.to_datetime(list(days)).astype("datetime64[s]"),
            "due_on": pd.to_datetime(list(days)).astype("datetime64[s]"),
            "amount": 100.0,
            "product_line": pd.Series(pd.NA, range(len(days)), dtype="string"),
        }
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
    found = run(tables_of(invoices_on(*days)), queries.invoicing, date.fromisoformat(as_of))
    assert found.loc["X", "last_invoice"] == pd.Timestamp(days[-1])
    assert (
        (found.loc["X", "cycle_days"] == cycle) if cycle else pd.isna(found.loc["X", "cycle_days"])
    )
    assert found.loc["X", "regular"] == regular


def test_credit_notes_and_invoices_after_the_as_of_date_are_no_part_of_the_cycle():
    invoices = invoices_on("2026-01-01", "2026-02-01", "2026-03-01", "2026-03-15", "2026-04-01")
    invoices.loc[3, "amount"] = -100.0  # a credit note of 15 March
    found = run(tables_of(invoices), queries.invoicing, date(2026, 3, 20))
    # 1 January, 1 February, 1 March: gaps 31 and 28 -> 29.5 days; April is after the as-of.
    assert found.loc["X", "cycle_days"] == 29.5
    assert found.loc["X", "last_invoice"] == pd.Timestamp("2026-03-01")


def test_hours_after_the_last_invoice_of_a_regular_customer_are_not_invoiced_yet():
    # X is invoiced every 30 days (3 July, 2 August, 1 September: within 1.5 cycles of 30
    # September); Y once, on 1 September: no cycle.
    invoices = pd.concat(
        [
            invoices_on("2026-07-03", "2026-08-02", "2026-09-01"),
            invoices_on("2026-09-01", customer="Y"),
        ],
        ignore_index=True,
    )
    entries = pd.DataFrame(
        {
            "customer_id": ["X", "X", "X", "X", "Y"],
            "date": pd.to_datetime(
                ["2026-08-20", "2026-09-01", "2026-09-10", "2026-10-05", "2026-09-10"]
            ).astype("datetime64[s]"),
            "hours": [5.0, 3.0, 7.0, 11.0, 13.0],
        }
    )
    # X: 7 hours on 10 September, after its invoice of 1 September (the day of the invoice
    # itself is invoiced) and up to the as-of date; 5 October is after it. Y: none.
    found = run(tables_of(invoices, entries), JUDGED, date(2026, 9, 30))
    assert found["hours_not_invoiced"].to_dict() == {"X": 7.0, "Y": 0.0}
    assert found["hours"].to_dict() == {"X": 15.0, "Y": 13.0}


def test_each_part_one_day_at_a_time_gives_what_all_together_give(sample, monkeypatch):
    # A large export's judgement runs each part on its own, one day at a time; the sample's
    # runs them together. Both ways, the same rows for the sample's three days.
    _, tables = sample
    days = queries.judgement_days(
        [date(2026, 9, 30), date(2026, 6, 30), date(2025, 12, 31)], ReviewSettings()
    )
    key = list(queries.KEYS)
    together = queries.judged_rows(tables, days).sort_values(key, ignore_index=True)
    monkeypatch.setattr(queries, "ROWS_AT_ONCE", 0)
    apart = queries.judged_rows(tables, days).sort_values(key, ignore_index=True)
    assert len(together) == 3 * 300

    def values(rows: pd.DataFrame) -> pd.DataFrame:  # missing as None, whatever its dtype's
        return rows.astype(object).where(rows.notna(), None)

    pd.testing.assert_frame_equal(values(apart[together.columns]), values(together))


def test_invoices_paid_after_the_as_of_date(tiny):
    # Of the tiny export's invoices, C1 alone was paid after 30 September (on 5 October); as
    # of 31 August, A1 (paid 14 Sep), C1 and C2 (1 Sep) were. Invoices none of which was paid
    # count none, not a missing number.
    assert (
        over_period(tiny, queries.paid_after, "2026-07-01", "2026-09-30", "2026-09-30").iloc[0, 0]
        == 1
    )
    assert (
        over_period(tiny, queries.paid_after, "2026-06-01", "2026-08-31", "2026-08-31").iloc[0, 0]
        == 3
    )
    unpaid = invoices_on("2026-09-01").assign(paid_on=pd.NaT).astype({"paid_on": "datetime64[s]"})
    later = over_period(
        tables_of(unpaid), queries.paid_after, "2026-07-01", "2026-09-30", "2026-09-30"
    )
    assert later.iloc[0, 0] == 0
