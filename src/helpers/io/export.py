"""Reading a company's export: a folder of CSV or Parquet files, or one Excel workbook.

``load_export`` is the only way in: it reads every table as text (``helpers.io.files``), maps
it to our terms (``helpers.io.mapping``), hands it to the query engine (``helpers.io.engine``),
which checks it against the contract (``helpers.io.checks``, raising ``ExportError`` with file,
row and column on any problem) and keeps it typed, and derives each customer's size band.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow as pa

from helpers.errors import ExportError, ExportNotFoundError, Problem
from helpers.io import columns
from helpers.io.checks import check_tables, settle_dialects, spreadsheet_row
from helpers.io.contract import CONTRACT, DATE_FORMAT, SIZE_BAND_FLOORS, UNKNOWN_SIZE
from helpers.io.engine import ExportTables, HeldTables, held_tables
from helpers.io.files import (
    WORKBOOK_SUFFIXES,
    InputFile,
    check_workbook,
    csv_layouts,
    read_csv,
    read_folder,
    read_parquet,
    read_workbook,
)
from helpers.io.formats import Dialect, date_pattern, is_date_column
from helpers.io.mapping import mapped
from helpers.io.reading import Reading

# The tables kept in the engine alone, never read whole into pandas by the review.
_HELD = ("invoices", "time_entries")


@dataclass(frozen=True)
class DroppedRows:
    """Rows the review left out because the config allows it, for the data quality section:
    what they were, their file and spreadsheet rows, and what leaving them out means."""

    what: str
    file: str
    rows: tuple[int, ...]
    meaning: str


@dataclass(frozen=True)
class Export:
    """A checked, typed export.

    ``customers`` has one row per customer and a ``size_band`` filled for every customer
    (``unknown`` when neither the band nor the headcount was given). The invoices and time
    entries stay in the query engine (``held``), where the review aggregates them
    (``tables``); ``invoices`` and ``time_entries`` read them whole into pandas, for a look at
    a small export. ``time_entries``, ``assessments`` and ``decisions`` are ``None`` when the
    export does not hold them. ``missing_columns`` lists optional columns absent from the
    export, per table, so sections can say what they lack.
    """

    source: Path | str  # a folder or workbook, or a database's connection (no password)
    customers: pd.DataFrame
    held: HeldTables
    assessments: pd.DataFrame | None
    files: list[InputFile]
    decisions: pd.DataFrame | None = None
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[DroppedRows] = field(default_factory=list)

    @property
    def invoices(self) -> pd.DataFrame:
        """Every invoice, read from the engine into pandas."""
        return self.held.frame("invoices")

    @property
    def time_entries(self) -> pd.DataFrame | None:
        """Every time entry, read from the engine into pandas; ``None`` when there are none."""
        return self.held.frame("time_entries") if "time_entries" in self.held else None

    @functools.cached_property
    def tables(self) -> ExportTables:
        """The export's tables for the review's queries (``helpers.io.engine``)."""
        return held_tables(self.held)

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the export holds ``table`` (and ``column`` in it)."""
        there = table in self.held if table in _HELD else getattr(self, table) is not None
        return there and (column is None or column not in self.missing_columns[table])


def locate(path: str | Path) -> Path:
    """Resolve a relative path against the working directory or, failing that, its parents.

    Notebooks run with their own folder as working directory in JupyterLab and nbval, but
    from the project root under ``make`` and papermill; a default like ``data/sample`` should
    mean the same folder in all of them. An absolute or not-found path is returned unchanged.
    """
    path = Path(path).expanduser()
    if path.is_absolute() or path.exists():
        return path
    for parent in Path.cwd().parents:
        if (parent / path).exists():
            return parent / path
    return path


def located_export(path: str | Path) -> Path:
    """The export at ``path`` (``locate``); ``ExportNotFoundError`` (a ``FileNotFoundError``)
    saying where it was looked for when it is not there, and ``ExportError`` when it is a
    workbook that is not a whole .xlsx file (``files.check_workbook``): both before anything
    is read or rendered."""
    source = locate(path)
    if not source.exists():
        raise ExportNotFoundError(
            f"export not found: {path} (looked in {Path.cwd()} and above)", file=str(path)
        )
    if source.is_file() and source.suffix.lower() in WORKBOOK_SUFFIXES:
        check_workbook(source)
    return source


def files_stamp(source: Path) -> tuple[tuple[str, int, int, int], ...]:
    """What tells whether the export at ``source`` (a folder or a workbook) changed on disk:
    each of its files' name, size, modification time and inode."""
    paths = [source] if source.is_file() else sorted(p for p in source.iterdir() if p.is_file())
    return tuple(
        (path.name, status.st_size, status.st_mtime_ns, status.st_ino)
        for path in paths
        for status in [path.stat()]
    )


def size_band_from_employees(
    employees: pd.Series, floors: Mapping[str, int] = SIZE_BAND_FLOORS
) -> pd.Series:
    """Size band for each headcount, by the lower bound of each band in ``floors`` (default
    the EU SME definition: micro <10, small 10-49, medium 50-249, large 250+).

    Missing headcounts give missing bands.
    """
    bins = [*floors.values(), float("inf")]
    bands = pd.cut(employees.astype("float64"), bins=bins, right=False, labels=list(floors))
    return bands.astype("string")


def load_export(path: str | Path, reading: Reading = Reading()) -> Export:
    """Read, check and type the export at ``path``: a folder of CSV files, a folder of Parquet
    files, or an .xlsx workbook, read as ``reading`` says (by default: our own contract).

    Raises ``ExportError`` naming file, row and column for every problem found, and
    ``FileNotFoundError`` when ``path`` does not exist.
    """
    source = located_export(path)
    workbook = source.is_file() and source.suffix.lower() in WORKBOOK_SUFFIXES
    parquet = source.is_dir() and any(source.glob("*.parquet"))
    if parquet:
        read = partial(read_parquet, reading=reading)
        tables, names, files = read_folder(source, reading, ".parquet", read)
    elif source.is_dir():
        read = partial(read_csv, layouts=csv_layouts(source, reading))
        tables, names, files = read_folder(source, reading, ".csv", read)
    elif workbook:
        tables, names, files = read_workbook(source, reading)
    else:
        raise ExportError(
            str(source),
            [
                Problem(
                    source.name,
                    "an export is a folder of CSV files, a folder of Parquet files "
                    "or an .xlsx workbook",
                )
            ],
        )
    raw: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    # Each table as read is let go once mapped, so that two copies of the text never coexist.
    for name in list(tables):
        raw[name], found = mapped(name, tables.pop(name), names[name], reading, workbook)
        problems += found
    orphans = None
    if reading.drop_time_for_unknown_customers:
        raw, orphans = _without_orphan_time(raw)
    dialects = settle_dialects(
        reading.dialect, raw, names, str(source), date_formats=reading.date_formats
    )
    if reading.payment_terms_days is not None and "invoices" in raw:
        raw["invoices"] = _with_due_dates(
            raw["invoices"], reading.payment_terms_days, dialects["invoices"]
        )
    if source.is_dir() and not parquet:
        files = [_with_dates(file, names, raw, dialects) for file in files]
    missing = absent_columns({name: frame.columns for name, frame in raw.items()})
    # The check takes each table out of raw once the engine keeps it.
    held = check_tables(raw, names, str(source), dialects, problems, reading.max_hours_per_entry)
    # The text read is let go: the memory Arrow kept for it goes back to the system.
    pa.default_memory_pool().release_unused()
    dropped = []
    if orphans is not None and len(orphans):
        dropped.append(_dropped_time(orphans, names, dialects["time_entries"]))
    return held_export(source, held, files, missing, reading, dropped)


def held_export(
    source: Path | str,
    held: HeldTables,
    files: list[InputFile],
    missing: dict[str, list[str]],
    reading: Reading,
    dropped: list[DroppedRows] | None = None,
) -> Export:
    """The ``Export`` of the checked tables the engine keeps (``held``): its customers, with
    each one's size band, and its assessments and decisions read into pandas."""
    customers = held.frame("customers")
    # A given size band wins over the headcount: the export's owner knows the company.
    band = customers.get("size_band", pd.Series(pd.NA, customers.index, dtype="string"))
    if "employees" in customers:
        band = band.fillna(
            size_band_from_employees(customers["employees"], reading.size_band_floors)
        )
    customers["size_band"] = band.fillna(UNKNOWN_SIZE).astype("string")
    return Export(
        source=source,
        customers=customers,
        held=held,
        assessments=held.frame("assessments") if "assessments" in held else None,
        decisions=held.frame("decisions") if "decisions" in held else None,
        files=files,
        missing_columns=missing,
        dropped=list(dropped or []),
    )


def absent_columns(present: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Per contract table, its columns that ``present`` (table to the columns it has) lacks."""
    return {
        name: [spec.name for spec in table.fields if spec.name not in present.get(name, ())]
        for name, table in CONTRACT.items()
    }


def _without_orphan_time(
    raw: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """``raw`` without the time entries whose customer is not in the customers table, and
    those entries (``None`` when either table or column is absent). The entries kept keep
    their row labels, so a problem in them is still named by its row in the file."""
    customers, time = raw.get("customers"), raw.get("time_entries")
    if customers is None or time is None:
        return raw, None
    if "customer_id" not in customers or "customer_id" not in time:
        return raw, None
    ids = time["customer_id"]
    orphan = ids.notna() & ~columns.is_among(ids, pd.Index(customers["customer_id"]))
    return {**raw, "time_entries": time[~orphan]}, time[orphan]


def _dropped_time(orphans: pd.DataFrame, names: dict[str, str], dialect: Dialect) -> DroppedRows:
    hours = dialect.numbers(orphans["hours"]).sum() if "hours" in orphans else 0.0
    ids = orphans["customer_id"].unique()
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return DroppedRows(
        what="Time entries for unknown customers, left out",
        file=names["time_entries"],
        rows=tuple(spreadsheet_row(index) for index in orphans.index),
        meaning=f"{hours:,.1f} hours logged for customer ids not in {names['customers']} "
        f"({shown}); left out as the config allows (drop_time_for_unknown_customers)",
    )


def _with_dates(
    file: InputFile,
    names: dict[str, str],
    raw: dict[str, pd.DataFrame],
    dialects: dict[str, Dialect],
) -> InputFile:
    """``file`` with the format its dates were read in added to how it was read, when it has
    dates."""
    table = next((name for name, shown in names.items() if shown == file.name), None)
    dated = table in raw and any(
        spec.kind == "date" and spec.name in raw[table] for spec in CONTRACT[table].fields
    )
    if not dated:
        return file
    pattern = date_pattern(dialects[table].date_format or DATE_FORMAT)
    return replace(file, read_as=f"{file.read_as}, dates {pattern}")


def _with_due_dates(invoices: pd.DataFrame, terms_days: int, dialect: Dialect) -> pd.DataFrame:
    """Invoices whose blank (or absent) due date is filled as issued plus the payment terms."""
    due = invoices["due_on"] if "due_on" in invoices else pd.Series(None, invoices.index, object)
    issued = dialect.dates(invoices.get("issued_on", pd.Series(None, invoices.index, object)))
    if is_date_column(due) or (due.isna().all() and is_date_column(invoices.get("issued_on"))):
        # Typed dates (Parquet) are filled as dates.
        return invoices.assign(
            due_on=due.astype(issued.dtype).fillna(issued + pd.Timedelta(days=terms_days))
        )
    derived = (issued + pd.Timedelta(days=terms_days)).dt.strftime(
        dialect.date_format or DATE_FORMAT
    )
    filled = due.where(due.notna(), derived.astype(object).where(derived.notna(), None))
    return invoices.assign(due_on=filled)
