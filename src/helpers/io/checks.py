"""Checking a raw export against its contract (``helpers.io.contract``), in the engine.

``check_tables`` hands each raw text table to the query engine (``helpers.io.engine``) with its
dates and numbers read beside it, turns the contract into rules (``rules_for``: Ibis
expressions, each true where a value breaks it), asks the engine for the rows that break any of
them in one query per table, and raises ``ExportError`` whose message names the file, the row
and the column of every problem (not just the first). Only after a clean check are the columns
converted to their types, and kept by the engine, so conversion never fails half-way.

Row numbers are the ones a person sees in a spreadsheet: the header is row 1, so the first data
row is row 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

import ibis
import ibis.expr.types as ir
import pandas as pd

from helpers.errors import ExportError, Problem
from helpers.io.columns import distinct, records
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
from helpers.io.engine import HeldTables, compress, engine
from helpers.io.formats import (
    DetectionError,
    Dialect,
    detect_date_formats,
    detect_number_format,
    is_date_column,
    is_number_column,
    is_text_column,
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


@dataclass(frozen=True)
class Staged:
    """One raw table in the engine (``stage``): each column under a name of the engine's, and
    beside it each date and number column as ``parsed_columns`` read it. ``frame`` is the table
    as read, whose cells of mixed kinds (a workbook's) messages quote as they are."""

    name: str
    file: str
    frame: pd.DataFrame
    table: ir.Table
    raw: dict[str, str]
    parsed: dict[str, str]
    text: frozenset[str]
    mixed: frozenset[str]
    # The columns that name a row in messages, where its place means nothing (a database's
    # table); empty: rows are named by their place in the file.
    keys: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple:
        """What of this table enters a query's SQL: its name, its columns' and parsed columns'
        engine names, and which columns are text and which of mixed cells."""
        return (
            self.name,
            tuple(self.raw.items()),
            tuple(self.parsed.items()),
            self.text,
            self.mixed,
        )


def stage(
    backend: ibis.BaseBackend,
    name: str,
    file: str,
    frame: pd.DataFrame,
    parsed: Mapping[str, pd.Series],
) -> Staged:
    """``frame`` (raw text in our columns, blanks missing) and its ``parsed`` columns handed to
    the engine in place: a view of them, with each row's label as ``_row``. A column of mixed
    cells (a workbook's numbers among text) is handed over as the text of each cell."""
    columns: dict[str, object] = {"_row": frame.index.to_numpy()}
    raw, shown, text, mixed = {}, {}, set(), set()
    for place, column in enumerate(frame.columns):
        values = frame[column]
        raw[column] = f"c{place}"
        if is_text_column(values):
            text.add(column)
        elif not (is_number_column(values) or is_date_column(values)):
            mixed.add(column)
            text.add(column)
            values = values.map(lambda value: None if value is None else str(value))
            values = values.astype("string")
        columns[raw[column]] = values.array
    for place, (column, values) in enumerate(parsed.items()):
        shown[column] = f"p{place}"
        columns[shown[column]] = values.array
    view = f"staged_{name}"
    backend.con.register(view, pd.DataFrame(columns, copy=False))
    return Staged(
        name, file, frame, backend.table(view), raw, shown, frozenset(text), frozenset(mixed)
    )


def listed_ids(customers: Staged) -> ir.Column:
    """The customer ids the staged customers table lists (blanks left out), which every other
    table's ``customer_id`` must be among."""
    ids = customers.table[customers.raw["customer_id"]]
    return customers.table.filter(ids.notnull()).select(ids)[0]


@dataclass(frozen=True)
class Rule:
    """One thing a value of ``column`` may be wrong about: ``broken``, when it is, and the
    message, from the values of ``shown`` (by name) for the row."""

    column: str
    broken: ir.BooleanValue
    shown: dict[str, ir.Value]
    message: Callable[[dict[str, object]], str]


def rules_for(
    staged: Staged,
    dialect: Dialect,
    customer_ids: ir.Column | None,
    customers_file: str,
    max_hours_per_entry: float,
    today: date | None = None,
) -> list[Rule]:
    """Every rule the rows of ``staged`` are held to, in the order its problems are told for
    one value: first what a value can only be wrong about beside others or the calendar
    (``row_rules``), then the contract's checks of each column (``column_rules``)."""
    return [
        *row_rules(staged, max_hours_per_entry, today),
        *(
            rule
            for spec in CONTRACT[staged.name].fields
            if spec.name in staged.raw
            for rule in column_rules(spec, staged, dialect, customer_ids, customers_file)
        ),
    ]


def row_rules(staged: Staged, max_hours_per_entry: float, today: date | None) -> list[Rule]:
    """What a value can only be wrong about beside other values or the calendar: a text longer
    than any name or note (a file whose quotes went astray reads as one enormous value) or
    holding a control character, a date more than a year after ``today`` (``9999-12-31`` as
    "no date"), an invoice paid or due before it was issued, and a time entry of more hours
    than ``max_hours_per_entry``."""
    table, rules = staged.table, []
    for column in staged.frame.columns:
        if column not in staged.text:
            continue
        values = table[staged.raw[column]]
        rules.append(
            Rule(
                column,
                values.length() > MAX_CELL_CHARACTERS,
                {"length": values.length()},
                lambda row: (
                    f"a value of {int(row['length']):,} characters (at most "
                    f"{MAX_CELL_CHARACTERS:,} are read): is a quote missing its pair?"
                ),
            )
        )
        rules.append(
            Rule(
                column,
                values.re_search(CONTROL_CHARACTER),
                {"character": values.re_extract(CONTROL_CHARACTER, 1)},
                lambda row: (
                    "the text holds the control character "
                    f"U+{ord(row['character']):04X}, which no name, line or note may: remove it"
                ),
            )
        )
    dates = [
        spec.name
        for spec in CONTRACT[staged.name].fields
        if spec.kind == "date" and spec.name in staged.parsed
    ]
    latest = pd.Timestamp(today or date.today()) + pd.DateOffset(years=1)
    for column in dates:
        rules.append(
            Rule(
                column,
                table[staged.parsed[column]] > ibis.timestamp(latest),
                {"value": table[staged.raw[column]]},
                lambda row: f"{_written(row['value'])} is more than a year in the future",
            )
        )
    for column, what in (("paid_on", "paid"), ("due_on", "due")):
        if "issued_on" not in dates or column not in dates:
            continue
        rules.append(
            Rule(
                column,
                table[staged.parsed[column]] < table[staged.parsed["issued_on"]],
                {"value": table[staged.raw[column]], "issued": table[staged.raw["issued_on"]]},
                lambda row, what=what: (
                    f"{what} on {_written(row['value'])}, before the invoice "
                    f"was issued on {_written(row['issued'])}"
                ),
            )
        )
    if staged.name == "time_entries" and "hours" in staged.parsed:
        # Entries of one day are not added up: several people may work for one customer a day.
        limit = max_hours_per_entry
        rules.append(
            Rule(
                "hours",
                table[staged.parsed["hours"]] > limit,
                {"value": table[staged.raw["hours"]]},
                lambda row: (
                    f"{_quoted(row['value'])} hours in one entry, more than the {limit:g} an "
                    "entry may hold (max_hours_per_entry under [export] in the config)"
                ),
            )
        )
    return rules


def column_rules(
    spec: Field,
    staged: Staged,
    dialect: Dialect,
    customer_ids: ir.Column | None,
    customers_file: str,
) -> list[Rule]:
    """The contract's checks of one column, in the order their problems are told: blank where
    a value is required, repeated where each must be unique, then what its kind asks (a
    number, a whole number, a date, one of the words), its bounds, and a customer listed."""
    table = staged.table
    values = table[staged.raw[spec.name]]
    parsed = table[staged.parsed[spec.name]] if spec.name in staged.parsed else None
    shown = {"value": values}
    checks: list[tuple[ir.BooleanValue, str]] = []
    if spec.filled:
        checks.append((values.isnull(), "not_nullable"))
    if spec.unique:
        given = table.filter(values.notnull())
        repeated = given.group_by(key=given[staged.raw[spec.name]]).aggregate(n=ibis._.count())
        checks.append((values.isin(repeated.filter(repeated.n > 1).key), "field_uniqueness"))
    unread = values.notnull() & parsed.isnull() if parsed is not None else None
    if spec.kind in ("number", "integer"):
        checks.append((unread, "a number"))
    if spec.kind == "integer":
        checks.append((parsed.notnull() & (parsed % 1 != 0), "a whole number"))
    if spec.kind == "date":
        checks.append((unread, f"a date written {dialect.date_pattern}"))
    words = {"size_band": SIZE_BANDS, "answer": ANSWERS, "decision": DECISIONS}.get(spec.kind)
    if words is not None:
        description = "yes, no or blank" if spec.kind == "answer" else "one of " + ", ".join(words)
        checks.append((values.notnull() & values.notin(words), description))
    if spec.minimum is not None or spec.maximum is not None:
        outside = [
            parsed < spec.minimum if spec.minimum is not None else None,
            parsed > spec.maximum if spec.maximum is not None else None,
        ]
        checks.append(
            (
                ibis.or_(*(o for o in outside if o is not None)),
                _bounds_text(spec.minimum, spec.maximum),
            )
        )
    if spec.references_customers and customer_ids is not None:
        checks.append(
            (
                values.notnull() & ~_among(values, customer_ids),
                f"a customer_id listed in {customers_file}",
            )
        )
    return [
        Rule(spec.name, broken, shown, lambda row, check=check: _describe(check, row["value"]))
        for broken, check in checks
    ]


def _among(values: ir.Column, listed: ir.Column) -> ir.BooleanValue:
    """Whether each of ``values`` is one of ``listed`` (a column of another table, without
    blanks). Spark keeps SQL's rule for blanks in ``IN`` among other checks by a nested loop
    over both tables, unless neither side can be blank: 20,000 customers' invoices took
    minutes to check, against seconds with the blanks (which the rules name on their own)
    filled."""
    if ibis.get_backend(values).name != "pyspark":
        return values.isin(listed)
    blank = ibis.literal("" if values.type().is_string() else 0, values.type())
    return values.fill_null(blank).isin(listed.fill_null(blank))


# Each checks query, compiled once per process for the shape of its table (``problems_in``):
# building and compiling it costs more than running it on a small export.
_COMPILED: dict[tuple, str] = {}


def problems_in(
    backend: ibis.BaseBackend, staged: Staged, rules: list[Rule], shape: tuple | None = None
) -> list[Problem]:
    """The problems of the rows of ``staged`` that break ``rules``, found by one query that
    returns those rows alone, each named by file, spreadsheet row and column. ``shape`` holds
    everything that enters the query's SQL besides the rules' contract (``check_tables``);
    the query is compiled the first time a shape is asked for."""
    if not rules:
        return []

    def query() -> ir.Table:
        table = staged.table
        flags = {f"broken{place}": rule.broken.fill_null(False) for place, rule in enumerate(rules)}
        shown = {
            f"shown{place}_{key}": value
            for place, rule in enumerate(rules)
            for key, value in rule.shown.items()
        }
        found = table.filter(ibis.or_(*flags.values()))
        if staged.keys:  # named by their keys, the rows need no number: none is computed
            keys = {f"key_{key}": table[staged.raw[key]] for key in staged.keys}
            return found.select(**keys, **flags, **shown).order_by(*keys)
        return found.select(table._row, **flags, **shown).order_by("_row")

    if backend.name == "duckdb":
        sql = _COMPILED.get(shape) if shape is not None else None
        if sql is None:
            sql = str(backend.compile(query()))
            if shape is not None:
                _COMPILED[shape] = sql
        found = backend.con.sql(sql).df()
    else:
        found = backend.execute(query())
    problems = []
    for row in records(found):
        for place, rule in enumerate(rules):
            if not row[f"broken{place}"]:
                continue
            values = {key: row[f"shown{place}_{key}"] for key in rule.shown}
            if rule.column in staged.mixed and "value" in values:
                values["value"] = staged.frame.at[row["_row"], rule.column]
            where = (
                {"key": _key_text({key: row[f"key_{key}"] for key in staged.keys})}
                if staged.keys
                else {"row": spreadsheet_row(row["_row"])}
            )
            problems.append(Problem(staged.file, rule.message(values), column=rule.column, **where))
    return problems


def _key_text(values: Mapping[str, object]) -> str:
    """A row's key as a message names it: ``invoice_id 'INV-7'``, ``customer_id 'C1' and date
    2026-01-05``; a blank key as blank."""
    return " and ".join(
        f"{column} {'blank' if pd.isna(value) else _written(value)}"
        for column, value in values.items()
    )


def missing_columns(staged: Staged) -> list[Problem]:
    """A problem for each required column ``staged`` lacks, named in its header row."""
    header = list(staged.frame.columns)
    return [
        Problem(
            staged.file,
            f"required column {column!r} is missing (columns found: {', '.join(header) or 'none'})",
            row=1,
            column=column,
        )
        for column in CONTRACT[staged.name].required_columns
        if column not in staged.raw
    ]


def _bounds_text(minimum: float | None, maximum: float | None) -> str:
    if maximum is None:
        return f"at least {minimum:g}"
    if minimum is None:
        return f"at most {maximum:g}"
    return f"between {minimum:g} and {maximum:g}"


def _quoted(value: object) -> str:
    """A value as a message quotes it: text in quotes, as written; a number as it is (a
    database's decimal as it writes it, ``30.00``)."""
    return repr(value) if isinstance(value, str) else str(value)


def _describe(check: str, value: object) -> str:
    shown = _quoted(value)
    if check == "not_nullable":
        return "is blank, but a value is required"
    if check == "field_uniqueness":
        return f"{shown} appears more than once; each value must be unique"
    return f"{shown} is not {check}"


def _written(value: object) -> str:
    """A cell as a message quotes it: text as written, a typed date (Parquet) in ISO form."""
    if isinstance(value, datetime):
        value = value.strftime(DATE_FORMAT)
    return repr(value)


def spreadsheet_row(label: object) -> int:
    """The spreadsheet row of the table row labelled ``label``: tables are read with their
    row's position as label (a row dropped on purpose keeps the others' numbers), and the
    header is row 1."""
    return int(label) + 2


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
    backend: ibis.BaseBackend | None = None,
) -> HeldTables:
    """Check every raw table against the contract, in the engine, and keep them there typed.

    ``raw`` maps table name to a frame of text (blanks as missing); ``file_names`` maps table
    name to the name shown in messages (``invoices.csv`` or ``export.xlsx, sheet invoices``);
    dates and numbers are read as ``dialects`` (one for all tables, or one per table) writes
    them. ``problems`` already found while reading are reported with the others. Raises
    ``ExportError`` listing all problems of all tables. Otherwise returns the typed tables,
    kept by ``backend`` (a new ``engine()`` when ``None``), and takes each frame out of
    ``raw`` once its table is kept.
    """
    backend = backend or engine()
    if isinstance(dialects, Dialect):
        dialects = dict.fromkeys(raw, dialects)
    problems = list(problems or [])
    for name, table in CONTRACT.items():
        if name not in raw and table.required:
            problems.append(Problem(file_names[name], "the file is missing from the export"))
    staged: dict[str, Staged] = {}
    customer_ids = None
    today = date.today()
    for name, frame in raw.items():
        table, dialect = CONTRACT[name], dialects[name]
        if frame.empty and table.required:
            problems.append(Problem(file_names[name], "the file holds no rows"))
        parsed = parsed_columns(table, frame, dialect)
        staged[name] = stage(backend, name, file_names[name], frame, parsed)
        if name == "customers" and "customer_id" in frame:
            customer_ids = listed_ids(staged[name])
        rules = rules_for(
            staged[name],
            dialect,
            customer_ids,
            file_names["customers"],
            max_hours_per_entry,
            today,
        )
        # Everything the query's SQL holds besides the contract: the table's columns and how
        # they were handed over, the customers' id column, the hours limit and today.
        listed = staged["customers"].raw.get("customer_id") if customer_ids is not None else None
        shape = (staged[name].shape, listed, max_hours_per_entry, today)
        found = missing_columns(staged[name]) + problems_in(backend, staged[name], rules, shape)
        problems += sorted(found, key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        raise ExportError(source, problems)
    kept = {}
    for name in list(staged):
        # Each table is let go once the engine keeps it typed and compressed: a large export
        # is never held twice.
        kept[name] = typed(backend, staged.pop(name))
        del raw[name]
        compress(backend)
    return HeldTables(backend, kept)


# How each kind of column is kept by the engine once checked (``HeldTables.frame`` gives the
# pandas types).
_ENGINE_TYPES = {"date": "timestamp(0)", "number": "float64", "integer": "int64"}


def typed(backend: ibis.BaseBackend, staged: Staged) -> str:
    """``staged``'s columns converted to their types, kept by the engine as a table of the
    contract's table name: dates, numbers and whole numbers as ``parsed_columns`` read them,
    the rest as text. Optional columns the export lacks are added, empty, so that later
    stages need no special case for them (``Export.missing_columns`` keeps the record of what
    was absent); extra columns are kept as they were read."""
    table = staged.table
    backend.create_table(staged.name, table.select(**typed_columns(staged)))
    backend.con.unregister(table.get_name())
    return staged.name


def typed_columns(staged: Staged) -> dict[str, ir.Value]:
    """``staged``'s columns as ``typed`` keeps them, by name, ``_row`` first."""
    table = staged.table
    kinds = {spec.name: spec.kind for spec in CONTRACT[staged.name].fields}
    columns = {"_row": table._row}
    for column in staged.frame.columns:
        kind = kinds.get(column)
        if kind in _ENGINE_TYPES:
            columns[column] = table[staged.parsed[column]].cast(_ENGINE_TYPES[kind])
        else:
            value = table[staged.raw[column]]
            columns[column] = value.cast("string") if kind is not None else value
    for column, kind in kinds.items():
        if column not in columns:
            columns[column] = ibis.null().cast(_ENGINE_TYPES.get(kind, "string"))
    return columns


def columns_of(tables: Iterable[str]) -> dict[str, list[str]]:
    """The contract's column names per table, in contract order."""
    return {name: [spec.name for spec in CONTRACT[name].fields] for name in tables}
