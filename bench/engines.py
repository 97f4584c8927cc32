"""The review's time on each engine: ``.venv/bin/python bench/engines.py``.

For the sample (300 customers) and the sample company's generator at 20,000 customers (written
once into ``bench/data/20k/csv``), in this one process:

- the review built from the export's files (DuckDB), its load included, nothing kept from an
  earlier load;
- the review built from the same tables in a PostgreSQL database (``helpers.io.database``: the
  checks in the database, then the rows copied into DuckDB, or aggregated there), on a
  throwaway server on this machine (``tests.postgres``), loaded by COPY beforehand;
- the review built from the same tables written as Parquet files, by DuckDB and on Spark in
  local mode on two processors (``engine = "spark"``, ``helpers.io.spark``: the checks and
  every query on Spark), the session already started;
- the judgement's queries for three days, on typed tables already in each engine: DuckDB,
  PostgreSQL and Spark in local mode on two processors (``tests.spark``). Each engine's rows
  are checked equal to DuckDB's.

It needs Debian's ``postgresql`` and Java, as the tests do. The figures are printed, one line
per export.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import ibis
import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import load_export_files, throwaway_server  # noqa: E402
from tests.review.test_queries_on_other_engines import assert_same, on_spark  # noqa: E402
from tests.spark import local_spark, write_parquet  # noqa: E402

from helpers.app import notebooks  # noqa: E402
from helpers.io.engine import _export_tables  # noqa: E402
from helpers.io.export import load_export  # noqa: E402
from helpers.io.settings import ReviewSettings  # noqa: E402
from helpers.review import queries  # noqa: E402

DAYS = [date(2026, 9, 30), date(2026, 6, 30), date(2026, 3, 31)]
PERIOD, AS_OF = "2026-Q3", "2026-11-30"


def exports() -> dict[str, Path]:
    folder = HERE / "data" / "20k" / "csv"
    if not (folder / ".complete").exists():
        generator = [sys.executable, str(HERE / "generate.py"), "20000", "csv", str(folder)]
        subprocess.run(generator, check=True)
        (folder / ".complete").touch()
    return {"sample": ROOT / "data" / "sample", "20k": folder}


def seconds(work) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def review(source: str, there: bool = False, spark: bool = False) -> float:
    """Seconds to build the review of ``source``, its load counted as in a new kernel;
    ``there``: a database's rows aggregated in it (``aggregate_there``); ``spark``: a folder
    of Parquet files read and aggregated on Spark."""
    notebooks._LAST_READ = None
    config = ""
    if there or spark:
        config = str(HERE / "data" / "engines" / ("there.toml" if there else "spark.toml"))
        export = (
            f'connection = "{source}"\naggregate_there = true'
            if there
            else f'path = "{source}"\nengine = "spark"\nspark.master = "local[2]"'
        )
        Path(config).write_text(f'company = "Bench"\n[export]\n{export}\n')
    build = notebooks.review_from_parameters
    return seconds(lambda: build(source, PERIOD, as_of=AS_OF, config_path=config))[1]


def main() -> None:
    days = queries.judgement_days(DAYS, ReviewSettings())
    work = HERE / "data" / "engines"
    work.mkdir(parents=True, exist_ok=True)
    with throwaway_server() as server, local_spark() as spark:
        for label, folder in exports().items():
            with psycopg.connect(server.url, autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE review_{label}")
            database = replace(server, database=f"review_{label}")
            _, copied = seconds(lambda d=database, f=folder: load_export_files(d, f))
            review(str(folder))  # imports and compiled checks, as a kernel has them
            from_files, from_database = review(str(folder)), review(database.url)
            aggregated_there = review(database.url, there=True)
            export = load_export(folder)
            parquet = write_parquet(export, work / f"parquet_{label}")
            from_parquet, on_spark_whole = review(str(parquet)), review(str(parquet), spark=True)
            duckdb_rows, on_duckdb = seconds(lambda e=export: queries.judged_rows(e.tables, days))
            backend = ibis.connect(database.url)
            typed = {}
            for name in ("customers", "invoices", "time_entries"):
                backend.create_table(f"typed_{name}", export.held.frame(name))
                typed[name] = backend.table(f"typed_{name}")
            tables = _export_tables(
                typed["customers"], typed["invoices"], typed["time_entries"], backend
            )
            postgres_rows, on_postgres = seconds(lambda t=tables: queries.judged_rows(t, days))
            parquet = work / f"spark_{label}"
            parquet.mkdir(exist_ok=True)
            with on_spark(export, parquet, spark) as tables:
                spark_rows, on_spark_ = seconds(lambda t=tables: queries.judged_rows(t, days))
            for rows in (postgres_rows, spark_rows):
                assert_same(duckdb_rows, rows, list(queries.KEYS))
            print(
                f"{label}: review from files {from_files:.1f} s, from PostgreSQL "
                f"{from_database:.1f} s, aggregated there {aggregated_there:.1f} s (COPY into "
                f"it beforehand {copied:.1f} s), from Parquet files {from_parquet:.1f} s, on "
                f"Spark local[2] {on_spark_whole:.1f} s; judgement of "
                f"three days: DuckDB {on_duckdb:.1f} s, PostgreSQL {on_postgres:.1f} s, "
                f"Spark local[2] {on_spark_:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
