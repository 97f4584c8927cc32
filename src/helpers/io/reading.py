"""How one company's export is read: where each table is, and how its systems write it.

A ``Reading`` is what a company's config says (``helpers.io.config``) about its export; the
default reads an export written in our own contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from helpers.io.contract import DATE_FORMAT, MAX_HOURS_PER_ENTRY, SIZE_BAND_FLOORS
from helpers.io.formats import Dialect


@dataclass(frozen=True)
class DatabaseReading:
    """Where a company's database keeps the export's tables (``helpers.io.database``).

    ``tables``: table name to the table, view (``billing.invoices``) or query (``SELECT ...``)
    that holds it, when not the table's own name. The password is named, never given:
    ``password_env``, the environment variable that holds it, or ``password_file``, the file
    whose first line it is; with neither, the database driver's own ways are used (libpq's
    ``PGPASSWORD`` and ``~/.pgpass``). ``timeout_seconds``: how long one query may run.
    ``aggregate_there``: the review's queries run in the database, where the rows are, rather
    than on a copy of them in the embedded engine.
    """

    tables: Mapping[str, str] = field(default_factory=dict)
    password_env: str | None = None
    password_file: str | None = None
    timeout_seconds: int = 600
    aggregate_there: bool = False

    def table_for(self, table: str) -> str:
        """The table, view or query that holds ``table``."""
        return self.tables.get(table, table)


@dataclass(frozen=True)
class SparkReading:
    """The Spark cluster an export of Parquet files is aggregated on when it outgrows one
    machine (``helpers.io.spark``).

    ``master``: where the session runs: ``local[4]`` on this machine's processors,
    ``spark://host:7077`` a standalone cluster, ``yarn``, ``k8s://https://host:6443``, or
    ``sc://host:15002`` a Spark Connect server; empty: as ``spark-submit`` (or Spark's own
    defaults) says. ``settings``: Spark properties for the session
    (``{"spark.executor.memory": "8g"}``).
    """

    master: str = ""
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """How one company's export is read when its systems do not write our contract.

    ``dialect``: the CSV layout and how dates and numbers are written. ``files``: table name to
    the file (or sheet) that holds it, when not ``<table>.csv``. ``columns``: per table, their
    header to our column. ``value_words``: per kind of value (``answer``, ``size_band``,
    ``decision``), their word (any case) to ours, e.g. ``{"answer": {"ja": "yes"}}``.
    ``size_band_floors``: the lowest headcount of each band. ``payment_terms_days``: when
    given, an invoice without a due date is due this many days after it was issued.
    ``date_formats``: per table, its date format where it differs from ``dialect``'s (an
    export gathered from two systems). ``max_hours_per_entry``: the most hours one time entry
    may hold (a day's, unless the company logs longer spans in one entry).
    ``drop_time_for_unknown_customers``: time entries whose customer is not in the customers
    table are left out (and listed under data quality) rather than refused; time for prospects
    or internal work often is logged so. ``database``: where a database keeps the tables, when
    the export is a connection rather than files. ``spark``: the Spark cluster the export's
    Parquet files are read, checked and aggregated on; ``None``: the embedded engine.
    """

    dialect: Dialect = Dialect()
    files: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    value_words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    size_band_floors: Mapping[str, int] = field(default_factory=lambda: dict(SIZE_BAND_FLOORS))
    payment_terms_days: int | None = None
    date_formats: Mapping[str, str] = field(default_factory=dict)
    max_hours_per_entry: float = MAX_HOURS_PER_ENTRY
    drop_time_for_unknown_customers: bool = False
    database: DatabaseReading = field(default_factory=DatabaseReading)
    spark: SparkReading | None = None

    def file_for(self, table: str, suffix: str) -> str:
        """The file name (or sheet name, with ``suffix`` empty) that holds ``table``."""
        return self.files.get(table, f"{table}{suffix}")

    def date_format_for(self, table: str) -> str:
        """The format ``table``'s dates are written in when it is given; ISO otherwise."""
        return self.date_formats.get(table) or self.dialect.date_format or DATE_FORMAT
