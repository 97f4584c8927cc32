"""The review's queries give the same rows on PostgreSQL and on Spark as on the embedded DuckDB.

``helpers.review.queries`` writes every sum over invoices and time entries as Ibis expressions,
so that a company whose invoices live in a database, or outgrow one machine, can have them run
there. Here the sample company's checked tables are put into a throwaway PostgreSQL server
(``tests.postgres``), and written as Parquet files for Spark in local mode (``tests.spark``),
and every query the review and the dossier run is asked of each engine and of DuckDB. The
DuckDB results are the ones ``tests/review/test_queries.py`` works out by hand; the other
engines must give the same customers, days and values, to the last digit: amounts are added
as exact decimals everywhere, and divided as doubles only at the end. The whole review on
Spark, of the sample and of 20,000 customers, is ``tests/io/test_spark.py``'s.

Skipped without PostgreSQL's server binaries, or without Java and pyspark for Spark (marked
``spark``), unless ``REVIEW_REQUIRE_POSTGRES=1`` or ``REVIEW_REQUIRE_SPARK=1``.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pytest

from helpers.io.engine import ExportTables, _export_tables
from helpers.io.export import Export, load_export
from helpers.io.settings import ReviewSettings
from helpers.review import queries
from tests.postgres import throwaway_server
from tests.spark import local_spark, write_parquet
from tests.support import ROOT

# The days a 2026-Q3 review judges: its own as-of date, a quarter end its strikes count, and
# a day in the middle of a quarter.
DAYS = [date(2026, 9, 30), date(2026, 6, 30), date(2026, 2, 14)]
HELD = ("customers", "invoices", "time_entries")


@pytest.fixture(scope="module")
def spark():
    with local_spark() as session:
        yield session


@contextmanager
def on_postgres(export: Export, folder: Path):
    """``export``'s tables in a throwaway PostgreSQL server."""
    with throwaway_server() as server:
        backend = ibis.connect(server.url)
        for name in HELD:
            backend.create_table(name, export.held.frame(name))
        yield tables_of(backend, {name: backend.table(name) for name in HELD})
        backend.disconnect()


@contextmanager
def on_spark(export: Export, folder: Path, session):
    """``export``'s tables written as Parquet files into ``folder``, read by Spark."""
    backend = ibis.pyspark.connect(session)
    write_parquet(export, folder, HELD)
    read = {
        name: backend.read_parquet(
            str(folder / f"{name}.parquet"), table_name=f"{folder.name}_{name}"
        )
        for name in HELD
    }
    yield tables_of(backend, read)


def tables_of(backend, tables: dict[str, ibis.Table]) -> ExportTables:
    return _export_tables(tables["customers"], tables["invoices"], tables["time_entries"], backend)


@pytest.fixture(scope="module", params=["postgres", pytest.param("spark", marks=pytest.mark.spark)])
def engines(request, tmp_path_factory):
    """The sample's tables on DuckDB (as loaded) and on the other engine."""
    export = load_export(ROOT / "data" / "sample")
    folder = tmp_path_factory.mktemp(f"sample_{request.param}")
    other = (
        on_postgres(export, folder)
        if request.param == "postgres"
        else on_spark(export, folder, request.getfixturevalue("spark"))
    )
    with other as tables:
        yield export.tables, tables


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


def assert_same(on_duckdb: pd.DataFrame, on_other: pd.DataFrame, keys: list[str]) -> None:
    assert len(on_duckdb) > 0
    assert sorted(on_other.columns) == sorted(on_duckdb.columns)
    pd.testing.assert_frame_equal(
        comparable(on_other[on_duckdb.columns], keys),
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
    duck, other = (queries.judged_rows(tables, days) for tables in engines)
    # 300 customers, each judged as of three days.
    assert len(duck) == 300 * 3
    assert_same(duck, other, list(queries.KEYS))


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
    duck, other = both(engines, queries.PERIOD, period, query)
    assert_same(duck, other, keys)


def test_the_recorded_days_are_the_same(engines):
    duck, other = (tables.run(queries.recorded_days(tables)) for tables in engines)
    assert_same(duck, other, list(duck.columns))


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
    duck, other = both(engines, queries.EXITS, weighed, queries.before_and_since)
    assert_same(duck, other, ["customer_id"])


def test_a_dossiers_invoices_and_time_are_the_same(engines):
    asked = pd.DataFrame(
        {
            "customer_id": ["C0001"],
            "start": [pd.Timestamp("2025-10-01")],
            "as_of": [pd.Timestamp("2026-09-30")],
            "end": [pd.Timestamp("2026-09-30")],
        }
    ).astype(dict.fromkeys(("start", "as_of", "end"), "datetime64[us]"))
    duck, other = both(engines, "dossier_invoices", asked, queries.customer_invoices)
    assert_same(duck, other, ["invoice_id"])
    duck, other = both(engines, "dossier_time", asked, queries.customer_time)
    assert_same(duck, other, ["date", "hours", "activity"])
