"""Checking a raw export against its contract (``helpers.io.contract``).

``check_tables`` turns the contract into pandera schemas, validates the raw text tables lazily
(every problem, not just the first), and raises ``ExportError`` whose message names the file,
the row and the column of each problem. Only after a clean check are the text columns converted
to their types, so conversion never fails half-way.

Row numbers are the ones a person sees in a spreadsheet: the header is row 1, so the first data
row is row 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from helpers.errors import ExportError, Problem
from helpers.io.columns import distinct, is_in, may_hold
from helpers.io.contract import (
    ANSWERS,
    CONTRACT,
    DATE_FORMAT,
    DECISIONS,
    MAX_HOURS_PER_ENTRY,
    SIZE_BANDS,
    Field,
    Table,
)
from helpers.io.formats import (
    DetectionError,
    Dialect,
    detect_date_formats,
    detect_number_format,
    is_date_column,
    is_number_column,
)

# Longer than any name, id or note a system writes: a value this long is a broken file.
MAX_CELL_CHARACTERS = 10_000
# Characters no text of an export may hold: C0 controls but tab and line breaks (a quoted
# value may hold those), DEL and the C1 controls. They would reach a page, a CSV or a chart.
CONTROL_CODE_POINTS = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))
# Any of them, as a group, to extract.
CONTROL_CHARACTER = "([" + "".join(f"\\x{point:02x}" for point in CONTROL_CODE_POINTS) + "])"


def parsed_columns(table: Table, frame: pd.DataFrame, dialect: Dialect) -> dict[str, pd.Series]:
    """Each date and number column of ``frame`` read once as ``dialect`` writes them: dates as
    datetimes, numbers as floats, NaN or NaT where blank or not readable. The checks, the row
    rules and the typed table all start from these."""
    parsed = {}
    for spec in table.fields:
        if spec.name not in frame:
            continue
        if spec.kind == "date":
            parsed[spec.name] = dialect.dates(frame[spec.name])
        elif spec.kind in ("number", "integer"):
            parsed[spec.name] = dialect.numbers(frame[spec.name])
    return parsed


def _aligned(parsed: pd.Series, values: pd.Series) -> pd.Series:
    """``parsed`` for the rows of ``values`` (the whole column, unless a caller passes fewer)."""
    return parsed if parsed.index.equals(values.index) else parsed.reindex(values.index)


def _is_read(parsed: pd.Series) -> Callable[[pd.Series], pd.Series]:
    """A check that a value is blank or was read (``parsed_columns``) as a date or number."""
    return lambda values: values.isna() | _aligned(parsed, values).notna()


def _is_integer(parsed: pd.Series) -> Callable[[pd.Series], pd.Series]:
    # Text that is not a number at all is reported by the number check, not twice.
    def check(values: pd.Series) -> pd.Series:
        numbers = _aligned(parsed, values)
        return numbers.isna() | (numbers % 1 == 0)

    return check


def _within(
    minimum: float | None, maximum: float | None, parsed: pd.Series
) -> Callable[[pd.Series], pd.Series]:
    def check(values: pd.Series) -> pd.Series:
        numbers = _aligned(parsed, values)
        ok = numbers.isna()
        if minimum is not None:
            ok |= numbers >= minimum
        if maximum is not None:
            ok &= numbers.isna() | (numbers <= maximum)
        return ok

    return check


def _checks_for(
    spec: Field,
    parsed: pd.Series | None,
    customer_ids: pd.Index | None,
    customers_file: str,
    dialect: Dialect,
) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if spec.kind in ("number", "integer"):
        checks.append(_check(_is_read(parsed), "a number"))
    if spec.kind == "integer":
        checks.append(_check(_is_integer(parsed), "a whole number"))
    if spec.kind == "date":
        checks.append(_check(_is_read(parsed), f"a date written {dialect.date_pattern}"))
    if spec.kind == "size_band":
        checks.append(_one_of(SIZE_BANDS, "one of " + ", ".join(SIZE_BANDS)))
    if spec.kind == "answer":
        checks.append(_one_of(ANSWERS, "yes, no or blank"))
    if spec.kind == "decision":
        checks.append(_one_of(DECISIONS, "one of " + ", ".join(DECISIONS)))
    if spec.minimum is not None or spec.maximum is not None:
        bounds = _bounds_text(spec.minimum, spec.maximum)
        checks.append(_check(_within(spec.minimum, spec.maximum, parsed), bounds))
    if spec.references_customers and customer_ids is not None:
        checks.append(_one_of(customer_ids, f"a customer_id listed in {customers_file}"))
    return checks


def _check(test: Callable[[pd.Series], pd.Series], description: str) -> pa.Check:
    # Every test passes blanks itself (whether a blank is allowed is the column's own rule),
    # so pandera need not copy the column without them first.
    return pa.Check(test, name=description, ignore_na=False)


def _one_of(allowed: Iterable[str] | pd.Index, description: str) -> pa.Check:
    allowed = pd.Index(allowed)
    return _check(lambda values: values.isna() | is_in(values, allowed), description)


def _bounds_text(minimum: float | None, maximum: float | None) -> str:
    if maximum is None:
        return f"at least {minimum:g}"
    if minimum is None:
        return f"at most {maximum:g}"
    return f"between {minimum:g} and {maximum:g}"


def schema_for(
    table: Table,
    parsed: Mapping[str, pd.Series],
    customer_ids: pd.Index | None = None,
    customers_file: str = "customers.csv",
    dialect: Dialect = Dialect(),
) -> pa.DataFrameSchema:
    """The pandera schema that checks ``table``'s raw text (blanks already read as missing),
    its dates and numbers as ``parsed_columns`` read them."""
    columns = {
        # No dtype: raw text comes as Arrow strings from CSV, as objects from workbooks, and
        # its type is decided by the value checks.
        spec.name: pa.Column(
            None,
            checks=_checks_for(spec, parsed.get(spec.name), customer_ids, customers_file, dialect),
            nullable=not spec.filled,
            unique=spec.unique,
            required=spec.required,
            coerce=False,
        )
        for spec in table.fields
    }
    return pa.DataFrameSchema(columns, strict=False)


def _describe(check: str, value: object) -> str:
    shown = repr(value) if isinstance(value, str) else str(value)
    if check == "not_nullable":
        return "is blank, but a value is required"
    if check == "field_uniqueness":
        return f"{shown} appears more than once; each value must be unique"
    return f"{shown} is not {check}"


def problems_from(errors: SchemaErrors, file: str, header: list[str]) -> list[Problem]:
    """Translate pandera's failure cases into ``Problem``s with spreadsheet row numbers."""
    found: list[Problem] = []
    cases = errors.failure_cases
    for case in cases.itertuples(index=False):
        if case.check == "column_in_dataframe":
            found.append(
                Problem(
                    file,
                    f"required column {case.failure_case!r} is missing "
                    f"(columns found: {', '.join(header) or 'none'})",
                    row=1,
                    column=str(case.failure_case),
                )
            )
            continue
        row = None if pd.isna(case.index) else spreadsheet_row(case.index)
        found.append(Problem(file, _describe(case.check, case.failure_case), row, case.column))
    found.sort(key=lambda p: (p.row or 0, p.column or ""))
    return found


def settle_dialects(
    dialect: Dialect,
    raw: dict[str, pd.DataFrame],
    file_names: dict[str, str],
    source: str,
    date_formats: Mapping[str, str] | None = None,
) -> dict[str, Dialect]:
    """Each table's dialect: ``dialect`` with what it leaves open found from the date and
    number columns of ``raw`` (text tables in our columns). Dates are read per table, since an
    export gathered from two systems writes them two ways; ``date_formats`` gives the format of
    some tables (the config's), which also settles tables whose dates fit several. Number
    separators are one setting for the whole export. Raises ``ExportError`` when the data
    cannot tell (see ``helpers.io.formats``)."""
    date_formats = dict(date_formats or {})
    if dialect.date_format is not None:
        date_formats = {name: date_formats.get(name, dialect.date_format) for name in raw}
    columns = {
        kind: {
            name: {
                f"{file_names[name]}, column {spec.name}": frame[spec.name]
                for spec in CONTRACT[name].fields
                # Columns typed already (Parquet's numbers and dates) say nothing of writing.
                if spec.kind in kinds and spec.name in frame and not typed(frame[spec.name])
            }
            for name, frame in raw.items()
        }
        for kind, kinds, typed in (
            ("date", ("date",), is_date_column),
            ("number", ("number", "integer"), is_number_column),
        )
    }
    found = {}
    try:
        open_dates = {
            name: dates for name, dates in columns["date"].items() if name not in date_formats
        }
        date_formats |= detect_date_formats(open_dates, known=date_formats.values())
        if dialect.decimal is None:
            numbers = [values for table in columns["number"].values() for values in table.values()]
            # Each amount written differently counts once: far fewer than the rows.
            written = pd.concat([distinct(values) for values in numbers] or [pd.Series()])
            written = written.unique()
            texts = [value for value in written if isinstance(value, str)]
            found["decimal"], thousands = detect_number_format(texts)
            if dialect.thousands is None:
                found["thousands"] = thousands
    except DetectionError as error:
        raise ExportError(source, _where_written(error, columns["number"], source)) from None
    return {name: replace(dialect, date_format=date_formats.get(name), **found) for name in raw}


def _where_written(
    error: DetectionError, numbers: Mapping[str, Mapping[str, pd.Series]], source: str
) -> list[Problem]:
    """The problem ``error`` tells of, named at the first place each of its examples is
    written (the file, row and column), or at the export when it names none."""
    places = [
        Problem(file, str(error), spreadsheet_row(rows[0]), column)
        for example in error.examples
        for file, column, rows in _first_place(example, numbers)
    ]
    return sorted(places, key=lambda p: (p.file, p.row)) or [Problem(source, str(error))]


def _first_place(value: str, numbers: Mapping[str, Mapping[str, pd.Series]]):
    """The file, column and rows of the first column of ``numbers`` that holds ``value``."""
    for table in numbers.values():
        for where, values in table.items():
            rows = values.index[values == value]
            if len(rows):
                file, column = where.rsplit(", column ", 1)
                return [(file, column, rows)]
    return []


def check_tables(
    raw: dict[str, pd.DataFrame],
    file_names: dict[str, str],
    source: str,
    dialects: Dialect | Mapping[str, Dialect] = Dialect(),
    problems: list[Problem] | None = None,
    max_hours_per_entry: float = MAX_HOURS_PER_ENTRY,
) -> dict[str, pd.DataFrame]:
    """Check every raw table against the contract and return them typed.

    ``raw`` maps table name to a frame of text (blanks as missing); ``file_names`` maps table
    name to the name shown in messages (``invoices.csv`` or ``export.xlsx, sheet invoices``);
    dates and numbers are read as ``dialects`` (one for all tables, or one per table) writes
    them. ``problems`` already found while reading are reported with the others. Raises
    ``ExportError`` listing all problems of all tables; returns typed copies otherwise.
    """
    if isinstance(dialects, Dialect):
        dialects = dict.fromkeys(raw, dialects)
    problems = list(problems or [])
    for name, table in CONTRACT.items():
        if name not in raw and table.required:
            problems.append(Problem(file_names[name], "the file is missing from the export"))
    customers = raw.get("customers")
    customer_ids = None
    parsed: dict[str, dict[str, pd.Series]] = {}
    if customers is not None and "customer_id" in customers:
        customer_ids = pd.Index(customers["customer_id"].dropna().unique())
    for name, frame in raw.items():
        table, dialect = CONTRACT[name], dialects[name]
        if frame.empty and table.required:
            problems.append(Problem(file_names[name], "the file holds no rows"))
        parsed[name] = parsed_columns(table, frame, dialect)
        found = row_rules(
            name, frame, file_names[name], parsed[name], max_hours_per_entry=max_hours_per_entry
        )
        try:
            schema = schema_for(table, parsed[name], customer_ids, file_names["customers"], dialect)
            schema.validate(frame, lazy=True)
        except SchemaErrors as errors:
            found += problems_from(errors, file_names[name], list(frame.columns))
        problems += sorted(found, key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        raise ExportError(source, problems)
    return {name: _typed(CONTRACT[name], frame, parsed[name]) for name, frame in raw.items()}


def row_rules(
    name: str,
    frame: pd.DataFrame,
    file: str,
    parsed: Mapping[str, pd.Series],
    max_hours_per_entry: float = MAX_HOURS_PER_ENTRY,
    today: date | None = None,
) -> list[Problem]:
    """What a value can only be wrong about beside other values or the calendar: an invoice
    paid or due before it was issued, a date more than a year after ``today`` (``9999-12-31``
    as "no date"), a text longer than any name or note (a file whose quotes went astray reads
    as one enormous value), and a time entry of more hours than ``max_hours_per_entry``."""
    found: list[Problem] = []
    for column in frame.columns:
        try:
            lengths = frame[column].str.len()  # NaN for blanks and numbers
        except AttributeError:  # no text in the column at all
            continue
        for index in lengths.index[lengths > MAX_CELL_CHARACTERS]:
            found.append(
                Problem(
                    file,
                    f"a value of {lengths[index]:,} characters (at most "
                    f"{MAX_CELL_CHARACTERS:,} are read): is a quote missing its pair?",
                    spreadsheet_row(index),
                    column,
                )
            )
        if not may_hold(frame[column], CONTROL_CODE_POINTS):
            continue
        # Arrow finds the few cells holding one; Python's re then reads only those.
        holding = frame[column].str.contains(CONTROL_CHARACTER[1:-1], regex=True, na=False)
        controls = frame.loc[holding, column].str.extract(CONTROL_CHARACTER, expand=False)
        controls = controls.dropna()
        for index, character in controls.items():
            found.append(
                Problem(
                    file,
                    f"the text holds the control character U+{ord(character):04X}, which no "
                    "name, line or note may: remove it",
                    spreadsheet_row(index),
                    column,
                )
            )
    dates = {
        spec.name: parsed[spec.name]
        for spec in CONTRACT[name].fields
        if spec.kind == "date" and spec.name in parsed
    }
    latest = pd.Timestamp(today or date.today()) + pd.DateOffset(years=1)
    for column, values in dates.items():
        for index in values.index[values > latest]:
            found.append(
                Problem(
                    file,
                    f"{_written(frame.loc[index, column])} is more than a year in the future",
                    spreadsheet_row(index),
                    column,
                )
            )
    issued = dates.get("issued_on")
    for column, what in (("paid_on", "paid"), ("due_on", "due")):
        if issued is None or column not in dates:
            continue
        for index in dates[column].index[dates[column] < issued]:
            found.append(
                Problem(
                    file,
                    f"{what} on {_written(frame.loc[index, column])}, before the invoice was "
                    f"issued on {_written(frame.loc[index, 'issued_on'])}",
                    spreadsheet_row(index),
                    column,
                )
            )
    if name == "time_entries":
        found += _hours_rule(frame, file, parsed, max_hours_per_entry)
    return found


def _written(value: object) -> str:
    """A cell as a message quotes it: text as written, a typed date (Parquet) in ISO form."""
    if isinstance(value, pd.Timestamp):
        value = value.strftime(DATE_FORMAT)
    return repr(value)


def _hours_rule(
    frame: pd.DataFrame, file: str, parsed: Mapping[str, pd.Series], limit: float
) -> list[Problem]:
    """An entry of more hours than ``limit``: more than a day holds. Entries of one day are not
    added up, since several people may work for one customer on the same day."""
    if "hours" not in parsed:
        return []
    hours = parsed["hours"]
    return [
        Problem(
            file,
            f"{frame.loc[index, 'hours']!r} hours in one entry, more than the {limit:g} an "
            "entry may hold (max_hours_per_entry under [export] in the config)",
            spreadsheet_row(index),
            "hours",
        )
        for index in hours.index[hours > limit]
    ]


def spreadsheet_row(label: object) -> int:
    """The spreadsheet row of the table row labelled ``label``: tables are read with their
    row's position as label (a row dropped on purpose keeps the others' numbers), and the
    header is row 1."""
    return int(label) + 2


def _typed(table: Table, frame: pd.DataFrame, parsed: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Convert checked text columns to their types.

    Optional columns the export lacks are added, empty, so that later stages need no special
    case for them; ``Export.missing_columns`` keeps the record of what was absent. Extra columns
    are kept as text.
    """
    typed = frame.copy(deep=False)  # the text columns are shared, the others replaced
    for spec in table.fields:
        values = typed[spec.name] if spec.name in typed else pd.Series(None, typed.index, object)
        if spec.kind == "date":
            typed[spec.name] = parsed.get(spec.name, values).astype("datetime64[s]")
        elif spec.kind == "number":
            typed[spec.name] = parsed.get(spec.name, values).astype("float64")
        elif spec.kind == "integer":
            typed[spec.name] = parsed.get(spec.name, values).astype("float64").astype("Int64")
        else:
            typed[spec.name] = values.astype("string")
    return typed


def columns_of(tables: Iterable[str]) -> dict[str, list[str]]:
    """The contract's column names per table, in contract order."""
    return {name: [spec.name for spec in CONTRACT[name].fields] for name in tables}
