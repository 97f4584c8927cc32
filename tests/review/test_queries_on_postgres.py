"""The review's queries give the same rows on PostgreSQL as on the embedded DuckDB.

``helpers.review.queries`` writes every sum over invoices and time entries as Ibis expressions,
so that a company whose invoices live in a database can have them run there. Here the sample
company's checked tables are put into a throwaway PostgreSQL server (``tests.postgres``) and
every query the review and the dossier run is asked of both engines. The DuckDB results are
the ones ``tests/review/test_queries.py`` works out by hand; PostgreSQL must give the same
customers, days and values, to the last digit: amounts are added as exact decimals on both.

Skipped without PostgreSQL's server binaries, unless ``REVIEW_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pytest

from helpers.io.engine import _export_tables
from helpers.io.export import load_export
from helpers.io.settings import ReviewSettings
from helpers.review import queries
from tests.postgres import throwaway_server
from tests.support import ROOT

# The days a 2026-Q3 review judges: its own as-of date, a quarter end its strikes count, and
# a day in the middle of a quarter.
DAYS = [date(2026, 9, 30), date(2026, 6, 30), date(2026, 2, 14)]


@pytest.fixture(scope="module")
def engines():
    """The sample's tables on DuckDB (as loaded) and on PostgreSQL (copied there)."""
    export = load_export(ROOT / "data" / "sample")
    with throwaway_server() as server:
        backend = ibis.connect(server.url)
        for name in ("customers", "invoices", "time_entries"):
            backend.create_table(name, export.held.frame(name))
        on_postgres = _export_tables(
            backend.table("customers"),
            backend.table("invoices"),
            backend.table("time_entries"),
            backend,
        )
        yield export.tables, on_postgres
        backend.disconnect()


def comparable(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` in the order of ``keys``, each column in one type whichever engine made it:
    numbers and flags as floats, days as datetimes, text as text, blanks as missing. The
    engines' drivers type some columns apart (a count as a nullable or a plain integer)."""
    frame = frame.sort_values(keys).reset_index(drop=True)
    kept = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            kept[column] = values.astype("datetime64[us]")
        elif pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            kept[column] = values.astype("Float64").astype("float64")
        elif values.map(lambda v: isinstance(v, bool), na_action="ignore").any():
            kept[column] = values.astype("boolean").astype("Float64").astype("float64")
        else:
            kept[column] = values.astype("string")
    return pd.DataFrame(kept)


def assert_same(on_duckdb: pd.DataFrame, on_postgres: pd.DataFrame, keys: list[str]) -> None:
    assert len(on_duckdb) > 0
    assert sorted(on_postgres.columns) == sorted(on_duckdb.columns)
    pd.testing.assert_frame_equal(
        comparable(on_postgres[on_duckdb.columns], keys),
        comparable(on_duckdb, keys),
        check_exact=True,
    )


def both(engines, name: str, rows: pd.DataFrame, query) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``query`` over the table ``name`` holding ``rows``, on each engine (DuckDB keeps each
    query's SQL by its key)."""
    found = [
        tables.run_over(name, rows, lambda table, t=tables: query(t, table), key=query.__name__)
        for tables in engines
    ]
    return found[0], found[1]


def test_the_judgement_of_every_customer_and_day_is_the_same(engines):
    days = queries.judgement_days(DAYS, ReviewSettings())
    duck, postgres = (queries.judged_rows(tables, days) for tables in engines)
    # 300 customers, each judged as of three days.
    assert len(duck) == 300 * 3
    assert_same(duck, postgres, list(queries.KEYS))


@pytest.mark.parametrize(
    "query, keys",
    [
        (queries.period_activity, ["customer_id"]),
        (queries.invoices_due, ["invoice_id"]),
        (queries.invoices_open, ["invoice_id"]),
        (queries.paid_after, ["paid_after"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_period_records_are_the_same(engines, query, keys):
    period = queries.record_period(date(2026, 7, 1), date(2026, 9, 30), date(2026, 11, 30))
    duck, postgres = both(engines, queries.PERIOD, period, query)
    assert_same(duck, postgres, keys)


def test_the_recorded_days_are_the_same(engines):
    duck, postgres = (tables.run(queries.recorded_days(tables)) for tables in engines)
    assert_same(duck, postgres, list(duck.columns))


def test_a_customer_let_go_weighs_the_same(engines):
    weighed = pd.DataFrame(
        {
            "customer_id": ["C0001", "C0002"],
            "decided_on": [pd.Timestamp("2026-03-31"), pd.Timestamp("2025-12-31")],
            "year_before": [pd.Timestamp("2025-03-31"), pd.Timestamp("2024-12-31")],
            "as_of": [pd.Timestamp("2026-09-30")] * 2,
        }
    ).astype({"decided_on": "datetime64[us]", "year_before": "datetime64[us]"})
    weighed["as_of"] = weighed["as_of"].astype("datetime64[us]")
    duck, postgres = both(engines, queries.EXITS, weighed, queries.before_and_since)
    assert_same(duck, postgres, ["customer_id"])


def test_a_dossiers_invoices_and_time_are_the_same(engines):
    asked = pd.DataFrame(
        {
            "customer_id": ["C0001"],
            "start": [pd.Timestamp("2025-10-01")],
            "as_of": [pd.Timestamp("2026-09-30")],
            "end": [pd.Timestamp("2026-09-30")],
        }
    ).astype(dict.fromkeys(("start", "as_of", "end"), "datetime64[us]"))
    duck, postgres = both(engines, "dossier_invoices", asked, queries.customer_invoices)
    assert_same(duck, postgres, ["invoice_id"])
    duck, postgres = both(engines, "dossier_time", asked, queries.customer_time)
    assert_same(duck, postgres, ["date", "hours", "activity"])
