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
from helpers.review import evidence, measures, queries
from tests.support import ROOT, TINY_EXPORT, write_export

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
    settings' defaults but ``settings``, one row per customer."""
    days = ibis.memtable(queries.judgement_days([as_of], ReviewSettings(**settings)))
    rows = tables.run(part(tables, days)).set_index("customer_id").sort_index()
    return rows.drop(columns="as_of")


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
    activity = run(tiny, queries.judged, date(2026, 9, 30), judgement_months=3, min_tenure_months=0)
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
    found = run(tiny, queries.judged, as_of, judgement_months=3, min_tenure_months=0)
    assert found.loc["A", "cycle_days"] == 62
    assert found.loc["A", "regular"] and not found.loc["B", "regular"]
    assert pd.isna(found.loc["B", "cycle_days"])
    np.testing.assert_allclose(found["hours_not_invoiced"], [10, 0, 0, 0, 0])


AS_OF = [date(2026, 9, 30), date(2026, 6, 30), date(2025, 12, 31)]


@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_the_queries_give_the_sample_the_pandas_figures(sample, as_of):
    # Every customer of the sample, as of three quarter ends the strikes look back on: the
    # payment and the invoicing cycle as the pandas definitions give them.
    export, tables = sample
    settings = ReviewSettings()
    window = evidence.judgement_window(as_of, settings.judgement_months)
    ids = pd.Index(export.customers["customer_id"], name="customer_id")
    expected = measures.payment(export.invoices, ids, window.start, as_of, settings.non_payer_days)
    got = run(tables, queries.payment, as_of).reindex(ids)
    for column in [c for c in expected.columns if c != "oldest_unpaid_invoice"]:
        np.testing.assert_allclose(
            got[column].astype(float), expected[column].astype(float), err_msg=column
        )
    pd.testing.assert_series_equal(
        got["oldest_unpaid_invoice"].astype("string"),
        expected["oldest_unpaid_invoice"],
        check_names=False,
    )
    cycles = run(tables, queries.invoicing, as_of).reindex(ids)
    expected = evidence.invoicing_cycle(export.invoices, ids, as_of)
    np.testing.assert_allclose(cycles["cycle_days"].astype(float), expected["cycle_days"])
    assert (cycles["regular"].fillna(False).astype(bool) == expected["regular"]).all()
