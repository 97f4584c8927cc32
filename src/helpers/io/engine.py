"""The query engine an export's rows are aggregated on: DuckDB in-process, through Ibis.

``helpers.review.queries`` writes the judgement's per-customer aggregates as Ibis expressions
over an export's tables (``ExportTables``); they run here on an embedded DuckDB database, with
nothing to install or start, and only their per-customer results reach pandas. The same
expressions compile unchanged for the other backends Ibis supports.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from helpers.io.contract import CONTRACT

# DuckDB's default is 80% of the machine's memory; a review needs far less, and beyond it
# DuckDB spills to its temporary directory rather than failing.
MEMORY_LIMIT = "1GB"
# The engine's database that keeps an export's tables.
HELD = "held"
# The folder, under the system's temporary one, where the engine spills what exceeds its memory
# (DuckDB names each process's files apart, so runs at once share it).
SPILL = "customer-review-spill"
# Amounts and hours are added up exactly, as decimals with six places (the export writes them
# in decimal, and no currency or time sheet needs more): the totals are the same, to the last
# digit, on every engine and in whatever order it adds.
EXACT = dt.Decimal(38, 6)
T = TypeVar("T")
INVOICE_COLUMNS = ("invoice_id", "customer_id", "issued_on", "due_on", "paid_on", "amount")
TIME_ENTRY_COLUMNS = ("customer_id", "date", "hours", "activity")
# The invoices' columns the review's queries read.
INVOICES_READ = (*INVOICE_COLUMNS, "product_line")
# The pandas type of each kind of contract column in a frame of an export (``HeldTables.frame``).
FRAME_TYPES = {"date": "datetime64[s]", "number": "float64", "integer": "Int64"}


@dataclass(frozen=True)
class ExportTables:
    """An export's tables as Ibis tables, and the backend that runs queries over them.
    ``time_entries`` is ``None`` when the export holds none; ``invoices`` has ``paid_on`` only
    when the export does, ``product_line`` and the entries' ``activity`` always (missing where
    not given)."""

    customers: ir.Table
    invoices: ir.Table
    time_entries: ir.Table | None
    backend: ibis.BaseBackend
    # Each query run over a table of rows (``run_over``), compiled once: its SQL by the name.
    compiled: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Figures of the whole export asked of the engine once (``once``), by name.
    found: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()``, a figure of the whole export, asked of the engine the first time
        ``name`` is asked for and kept in ``found``."""
        if name not in self.found:
            self.found[name] = compute()
        return self.found[name]

    def run(self, expression: ir.Table) -> pd.DataFrame:
        """``expression``'s rows, as a pandas frame."""
        return self.backend.execute(expression)

    def run_over(
        self,
        name: str,
        rows: pd.DataFrame,
        query: Callable[[ir.Table], ir.Table],
        key: str | None = None,
    ) -> pd.DataFrame:
        """The rows of ``query`` over the table ``name`` holding ``rows``. On DuckDB the query
        is built and compiled to SQL the first time it is asked for by its ``key`` (``name``
        when ``None``); later calls replace the rows, which DuckDB reads in place, and run that
        SQL, so a query asked for many days costs its compilation once. Any other engine gets
        ``rows`` as a temporary table of its own, and the query built over it."""
        if self.backend.name == "pyspark":  # Spark keeps a session's own rows as views
            self.backend.create_view(name, ibis.memtable(rows), overwrite=True)
            return self.backend.execute(query(self.backend.table(name)))
        if self.backend.name != "duckdb":
            self.backend.create_table(name, rows, temp=True, overwrite=True)
            return self.backend.execute(query(self.backend.table(name)))
        self.backend.con.register(name, rows)
        key = key or name
        sql = self.compiled.get(key)
        if sql is None:
            sql = self.compiled[key] = str(self.backend.compile(query(self.backend.table(name))))
        return self.backend.raw_sql(sql).df()


def engine(memory_limit: str = MEMORY_LIMIT, temp_directory: str | None = None):
    """An in-process DuckDB connection that keeps within ``memory_limit`` and spills to
    ``temp_directory`` beyond it: by default ``SPILL`` under the system's temporary folder,
    not DuckDB's own ``.tmp`` in whatever folder the run started from."""
    # Every query that lists rows orders them itself; DuckDB keeps less in memory without
    # having to keep the order they were read in.
    config = {
        "memory_limit": memory_limit,
        "preserve_insertion_order": False,
        "temp_directory": temp_directory or str(Path(tempfile.gettempdir()) / SPILL),
    }
    backend = ibis.duckdb.connect(**config)
    # An export's tables are kept in memory, compressed (``compress``): a fifth of their size.
    backend.con.execute(f"ATTACH ':memory:' AS {HELD} (COMPRESS); USE {HELD}").fetchall()
    return backend


def compress(backend) -> None:
    """Compress the tables ``backend`` (an ``engine()``) keeps. DuckDB compresses an in-memory
    database's tables when it checkpoints it: the 12 million invoices and time entries of
    200,000 customers then take 140 MB rather than 900 MB of its memory limit, which leaves
    the rest to the queries."""
    backend.con.execute(f"CHECKPOINT {HELD}").fetchall()


def frame_tables(
    customers: pd.DataFrame,
    invoices: pd.DataFrame,
    time_entries: pd.DataFrame | None,
    backend: ibis.BaseBackend | None = None,
) -> ExportTables:
    """Typed frames already in memory as ``ExportTables`` run on ``backend``, a DuckDB
    connection (a new ``engine()`` when ``None``), which reads the frames in place."""
    backend = backend or engine()

    def table(name: str, frame: pd.DataFrame) -> ir.Table:
        backend.con.register(name, frame)  # a view of the frame, read in place through Arrow
        return backend.table(name)

    logged = None
    if time_entries is not None:
        logged = table("time_entries", time_entries[_read(TIME_ENTRY_COLUMNS, time_entries)])
    return _export_tables(
        table("customers", customers[["customer_id", "customer_since"]]),
        table("invoices", invoices[_read(INVOICES_READ, invoices)]),
        logged,
        backend,
    )


def _read(wanted: tuple[str, ...], columns) -> list[str]:
    """The columns of ``wanted`` that ``columns`` holds, in ``wanted``'s order."""
    return [column for column in wanted if column in columns]


def _export_tables(
    customers: ir.Table,
    invoices: ir.Table,
    time_entries: ir.Table | None,
    backend: ibis.BaseBackend,
) -> ExportTables:
    """The columns of an export's tables that the review's queries read, amounts and hours
    exact (``EXACT``), as ``ExportTables`` on ``backend``."""
    billed = invoices.select(_read(INVOICES_READ, invoices.columns))
    entries = None
    if time_entries is not None:
        logged = time_entries.select(_read(TIME_ENTRY_COLUMNS, time_entries.columns))
        entries = logged.mutate(hours=logged.hours.cast(EXACT))
    return ExportTables(
        customers=customers.select("customer_id", "customer_since"),
        invoices=billed.mutate(amount=billed.amount.cast(EXACT)),
        time_entries=entries,
        backend=backend,
    )


@dataclass(frozen=True)
class HeldTables:
    """An export's checked, typed tables, kept by the engine (``backend``) as ``names`` says:
    contract table name to the engine's table (or a query of the backend's own tables: a
    company's database whose rows are aggregated where they are), whose ``_row`` is each
    row's label in its file (``spreadsheet_row``)."""

    backend: ibis.BaseBackend
    names: dict[str, str | ir.Table]

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def _held(self, name: str) -> ir.Table:
        kept = self.names[name]
        return kept if isinstance(kept, ir.Table) else self.backend.table(kept)

    def table(self, name: str) -> ir.Table:
        """The engine's table ``name``, without the rows' labels."""
        return self._held(name).drop("_row")

    def frame(self, name: str) -> pd.DataFrame:
        """The table ``name`` as a pandas frame in file order, labelled by its rows' labels,
        each contract column in its pandas type (text as strings); extra columns as text."""
        frame = self._held(name).order_by("_row").execute()
        frame = frame.set_index("_row").rename_axis(None)
        kinds = {spec.name: spec.kind for spec in CONTRACT[name].fields}
        types = {
            column: FRAME_TYPES.get(kinds.get(column), "string")
            for column in frame.columns
            if column in kinds or frame[column].dtype == object
        }
        return frame.astype(types)


def held_tables(held: HeldTables) -> ExportTables:
    """The columns of an export's ``held`` tables that the review's queries read, as
    ``ExportTables`` on the engine that holds them."""
    entries = held.table("time_entries") if "time_entries" in held else None
    return _export_tables(held.table("customers"), held.table("invoices"), entries, held.backend)
