"""Reading a company's export: a folder of CSV files, or one Excel workbook with the same sheets.

``load_export`` is the only way in: it reads every table as text, checks it against the
contract in ``helpers.checks`` (raising ``ExportError`` with file, row and column on any
problem), converts the columns to their types and derives each customer's size band.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.checks import (
    CONTRACT,
    DATE_FORMAT,
    MAX_HOURS_PER_ENTRY,
    Dialect,
    ExportError,
    Problem,
    check_tables,
    settle_dialects,
    spreadsheet_row,
)
from helpers.dialects import (
    DELIMITER_NAMES,
    TextLayout,
    date_pattern,
    is_date_column,
    is_number_column,
    read_heads,
    text_layouts,
)

# EU SME definition (Commission Recommendation 2003/361/EC), by headcount only: exports rarely
# carry turnover or balance sheet totals. Lower bounds of each band.
SIZE_BAND_FLOORS = {"micro": 0, "small": 10, "medium": 50, "large": 250}
UNKNOWN_SIZE = "unknown"
_LOWERCASE_KINDS = ("size_band", "answer", "decision")
_NUMBER_KINDS = ("number", "integer")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class InputFile:
    """One file read for the review, with its fingerprint for the report's appendix."""

    name: str
    rows: int
    sha256: str
    read_as: str = ""  # how its text was read: "cp1252 (detected), semicolon"


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
    (``unknown`` when neither the band nor the headcount was given). ``time_entries``,
    ``assessments`` and ``decisions`` are ``None`` when the export does not hold them.
    ``missing_columns`` lists optional columns absent from the export, per table, so sections
    can say what they lack.
    """

    source: Path
    customers: pd.DataFrame
    invoices: pd.DataFrame
    time_entries: pd.DataFrame | None
    assessments: pd.DataFrame | None
    files: list[InputFile]
    decisions: pd.DataFrame | None = None
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[DroppedRows] = field(default_factory=list)

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the export holds ``table`` (and ``column`` in it)."""
        frame = getattr(self, table)
        return frame is not None and (column is None or column not in self.missing_columns[table])


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
    """The export at ``path`` (``locate``); ``FileNotFoundError`` saying where it was looked
    for when it is not there."""
    source = locate(path)
    if not source.exists():
        raise FileNotFoundError(f"export not found: {path} (looked in {Path.cwd()} and above)")
    return source


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
    or internal work often is logged so.
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

    def file_for(self, table: str, suffix: str) -> str:
        """The file name (or sheet name, with ``suffix`` empty) that holds ``table``."""
        return self.files.get(table, f"{table}{suffix}")

    def date_format_for(self, table: str) -> str:
        """The format ``table``'s dates are written in when it is given; ISO otherwise."""
        return self.date_formats.get(table) or self.dialect.date_format or DATE_FORMAT


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
        read = partial(_read_parquet, reading=reading)
        tables, names, files = _read_folder(source, reading, ".parquet", read)
    elif source.is_dir():
        read = partial(_read_csv, layouts=_csv_layouts(source, reading))
        tables, names, files = _read_folder(source, reading, ".csv", read)
    elif workbook:
        tables, names, files = _read_workbook(source, reading)
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
        raw[name], found = _mapped(name, tables.pop(name), names[name], reading, workbook)
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
    typed = check_tables(raw, names, str(source), dialects, problems, reading.max_hours_per_entry)
    dropped = []
    if orphans is not None and len(orphans):
        dropped.append(_dropped_time(orphans, names, dialects["time_entries"]))
    if source.is_dir() and not parquet:
        files = [_with_dates(file, names, raw, dialects) for file in files]
    customers = typed["customers"]
    # A given size band wins over the headcount: the export's owner knows the company.
    band = customers.get("size_band", pd.Series(pd.NA, customers.index, dtype="string"))
    if "employees" in customers:
        band = band.fillna(
            size_band_from_employees(customers["employees"], reading.size_band_floors)
        )
    customers["size_band"] = band.fillna(UNKNOWN_SIZE).astype("string")
    missing = {
        name: [spec.name for spec in table.fields if spec.name not in raw.get(name, {})]
        for name, table in CONTRACT.items()
    }
    return Export(
        source=source,
        customers=customers,
        invoices=typed["invoices"],
        time_entries=typed.get("time_entries"),
        assessments=typed.get("assessments"),
        decisions=typed.get("decisions"),
        files=files,
        missing_columns=missing,
        dropped=dropped,
    )


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
    orphan = time["customer_id"].notna() & ~time["customer_id"].isin(customers["customer_id"])
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


def _mapped(
    name: str, frame: pd.DataFrame, file: str, reading: Reading, workbook: bool
) -> tuple[pd.DataFrame, list[Problem]]:
    """One table as text in our contract's terms: headers and values mapped, text trimmed,
    blanks as missing, yes/no answers, size bands and decisions in lower case; in a
    ``workbook``, numbers in date columns read as Excel's serial day numbers.

    Returns the problems of the mapping itself: a header mapped to a required column that the
    file lacks, or two headers that end up as the same column."""
    frame = frame.rename(columns=lambda column: str(column).strip())
    headers = reading.columns.get(name, {})
    # An optional column may be absent (the data quality section says so); a required one
    # is named with the mapping that was meant to find it.
    required = CONTRACT[name].required_columns
    problems = [
        Problem(
            file,
            f"the config maps column {theirs!r} to {ours!r}, but the file has no column "
            f"{theirs!r} (columns found: {', '.join(frame.columns) or 'none'})",
            row=1,
            column=theirs,
        )
        for theirs, ours in headers.items()
        if theirs not in frame.columns and ours not in frame.columns and ours in required
    ]
    frame = frame.rename(columns=dict(headers))
    for column in frame.columns[frame.columns.duplicated()].unique():
        problems.append(
            Problem(file, "two columns are read as this one: map only one of them", 1, column)
        )
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for column in frame.columns:
        values = frame[column]
        # Text read from CSV is all strings: trimmed at once; a workbook's mixed cells one by one.
        # Blanks become missing column by column, not in a copy of the whole table.
        if _all_text(values):
            frame[column] = values.str.strip().replace("", None)
        elif values.dtype == object:
            frame[column] = values.map(
                lambda value: value.strip() if isinstance(value, str) else value
            ).replace("", None)
    kinds = {spec.name: spec.kind for spec in CONTRACT[name].fields}
    for column in frame.columns:
        kind = kinds.get(column)
        # Parquet files keep dates as dates for date columns; elsewhere they are text.
        if is_date_column(frame[column]):
            if kind != "date":
                frame[column] = _dates_as_text(frame[column], reading.date_format_for(name))
            continue
        # Workbooks and Parquet files keep numbers as numbers, for amounts and hours; an id
        # typed as a number is the text it shows (1001, not 1001.0), and a number in a date
        # column of a workbook is Excel's serial day number.
        if kind == "date" and workbook:
            serial_date = partial(_excel_serial_date, date_format=reading.date_format_for(name))
            frame[column] = frame[column].map(serial_date)
        if kind not in _NUMBER_KINDS and not _all_text(frame[column]):
            frame[column] = _numbers_as_text(frame[column])
        if kind in _LOWERCASE_KINDS:
            words = {k.lower(): v for k, v in reading.value_words.get(kind, {}).items()}
            frame[column] = frame[column].str.lower().replace(words)
    # Text stays in pandas' Arrow-backed strings, a quarter of the memory of Python objects,
    # and whole columns of numbers or dates stay typed; only mixed cells are held as objects.
    for column in frame.columns:
        values = frame[column]
        if not (_all_text(values) or is_number_column(values) or is_date_column(values)):
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame, problems


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


def _read_folder(folder: Path, reading: Reading, suffix: str, read):
    """Each table's file in ``folder`` (``<table><suffix>`` unless ``reading`` names another),
    read by ``read(path)`` as text; tables without a file are left out."""
    tables, names, files = {}, {}, []
    for name in CONTRACT:
        path = folder / reading.file_for(name, suffix)
        names[name] = path.name
        if not path.exists():
            continue
        tables[name], read_as = read(path)
        files.append(InputFile(path.name, len(tables[name]), _sha256(path), read_as))
    return tables, names, files


def _csv_layouts(folder: Path, reading: Reading) -> dict[str, TextLayout]:
    """How each CSV file of the export is read (``dialects.text_layouts``), by file name.
    Raises ``ExportError`` naming each file whose encoding cannot be told."""
    paths = [folder / reading.file_for(name, ".csv") for name in CONTRACT]
    heads = read_heads(path for path in paths if path.exists())
    layouts, problems = text_layouts(heads, reading.dialect.encoding, reading.dialect.delimiter)
    if problems:
        raise ExportError(str(folder), [Problem(name, why) for name, why in problems.items()])
    return layouts


def _read_csv(path: Path, layouts: Mapping[str, TextLayout]) -> tuple[pd.DataFrame, str]:
    """One CSV file as text, read as ``layouts`` found for its export, and how it was read;
    a file that is not readable CSV is an ``ExportError``."""
    layout = layouts[path.name]
    delimiter = DELIMITER_NAMES.get(layout.delimiter, repr(layout.delimiter))
    options = {"dtype": str, "keep_default_na": False, "encoding": layout.encoding}
    try:
        # Arrow's reader takes a second where pandas' own takes twelve (5 million invoices),
        # in half the memory. It refuses more than pandas' does (a short row, bytes that are
        # not the encoding, a value larger than its blocks): such a file is read again by
        # pandas' reader, which reads what it can and names the line of what it cannot.
        frame = pd.read_csv(path, sep=layout.delimiter, engine="pyarrow", **options)
        return frame, layout.describe()
    except (ValueError, pa.ArrowException):
        pass
    try:
        frame = pd.read_csv(path, sep=layout.delimiter, **options)
        return frame, layout.describe()
    except pd.errors.EmptyDataError:
        problem = Problem(path.name, "the file is empty: not even a header row")
    except pd.errors.ParserError as error:
        # pandas says "Expected 6 fields in line 4, saw 7": line 4 of the file is row 4.
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        problem = (
            Problem(
                path.name,
                f"the row has {found[3]} values but the header has {found[1]} "
                f"(a {delimiter} inside a value that is not in quotes?)",
                row=int(found[2]),
            )
            if found
            else Problem(path.name, f"not readable as CSV: {error}")
        )
    except UnicodeDecodeError as error:
        found_or_given = "as detected" if layout.encoding_detected else "as the config says"
        problem = Problem(
            path.name,
            f"not {_encoding_name(layout.encoding)} text {found_or_given} (byte {error.start} "
            "cannot be read): save it as UTF-8, or set the export's encoding in the config",
        )
    raise ExportError(str(path.parent), [problem])


def _encoding_name(encoding: str) -> str:
    return (
        "UTF-8"
        if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "utf8")
        else encoding
    )


def _read_workbook(path: Path, reading: Reading):
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    tables, names = {}, {}
    for name in CONTRACT:
        sheet = reading.file_for(name, "")
        names[name] = f"{path.name}, sheet {sheet}"
        if sheet in sheets:
            tables[name] = _as_text(sheets[sheet], reading.date_format_for(name))
    rows = sum(len(frame) for frame in tables.values())
    return tables, names, [InputFile(path.name, rows, _sha256(path), "Excel workbook")]


def _read_parquet(path: Path, reading: Reading) -> pd.DataFrame:
    """One Parquet file as the text a CSV would hold, its numbers and dates kept typed; an
    unreadable one is an ``ExportError``. Rows are labelled by their place in the file (an
    index stored by pandas is read as a column), as the checks' row numbers need."""
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as error:
        problem = Problem(path.name, f"not readable as Parquet: {error}")
        raise ExportError(str(path.parent), [problem]) from error
    # Dictionary-encoded text (pandas writes categoricals so) is decoded by Arrow in one step.
    plain = pa.schema(
        [
            column.with_type(column.type.value_type)
            if pa.types.is_dictionary(column.type)
            else column
            for column in table.schema
        ]
    )
    frame = table.cast(plain).to_pandas(date_as_object=False)
    name = next((name for name in CONTRACT if reading.file_for(name, ".parquet") == path.name), "")
    return _as_text(frame, reading.date_format_for(name)), "Parquet"


def _as_text(frame: pd.DataFrame, date_format: str) -> pd.DataFrame:
    """A typed table (workbook sheet, Parquet file) as the text a CSV would hold, with columns
    of numbers and of dates kept typed, so that one check serves every format; dates in mixed
    cells are written in ``date_format``."""
    return pd.DataFrame(
        {column: _column_as_text(frame[column], date_format) for column in frame.columns},
        index=frame.index,
    )


def _column_as_text(values: pd.Series, date_format: str) -> pd.Series:
    """One typed column as ``_cell_text`` writes each cell, a whole column at a time where its
    type allows (millions of rows in a Parquet file): text as Arrow-backed strings, columns of
    numbers or dates as they are (dates with a time zone at their local time). Mixed columns
    go cell by cell."""
    if _all_text(values):
        return values.fillna("")
    if is_date_column(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    if is_number_column(values):
        return values
    return values.astype(object).map(lambda value: _cell_text(value, date_format)).astype(object)


def _dates_as_text(values: pd.Series, date_format: str) -> pd.Series:
    """A column of dates written in ``date_format``, once per distinct day; blanks as empty."""
    codes, days = pd.factorize(values)
    written = np.append(np.asarray(days.strftime(date_format), dtype=object), "")
    return pd.Series(written[codes], index=values.index, dtype="string")  # code -1 is ""


def _cell_text(value: object, date_format: str) -> object:
    """A typed cell as text: dates in ``date_format``, blanks as empty; numbers stay numbers,
    so no separator has to be guessed for them."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, datetime | date):
        return value.strftime(date_format)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return float(value) if isinstance(value, float) else int(value)
    return str(value)


def _all_text(values: pd.Series) -> bool:
    """Whether ``values`` can hold nothing but text and blanks (a CSV file's columns)."""
    return pd.api.types.is_string_dtype(values.dtype) and values.dtype != object


def _numbers_as_text(values: pd.Series) -> pd.Series:
    """``_number_as_text`` of each value: a column of whole numbers at once."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype("string")
    if is_number_column(values):
        whole = values.dropna()
        if (whole == whole.round()).all():
            return values.astype("Int64").astype("string")
    return values.map(_number_as_text)


def _number_as_text(value: object) -> object:
    """A number in a text column as the text it shows: 1001.0 as ``1001``; blanks stay."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else value


def _excel_serial_date(value: object, date_format: str) -> object:
    """Excel's serial day number (46022 is 31 December 2025) as a date in ``date_format``;
    other values as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2958466:
        day = EXCEL_EPOCH + pd.Timedelta(days=int(value))
        return day.strftime(date_format)
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
