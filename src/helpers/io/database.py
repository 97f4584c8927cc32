"""An export kept in a company's database, read where it lies.

A company large enough to outgrow files keeps its invoices and time entries in a database. Its
config names a connection rather than a folder (``[export] connection =
"postgresql://reviewer@erp-db/erp"``) and, where they are not the contract's names, the table,
view or query that holds each table (``[export.tables]``), with the same column and word
mappings as for files.

The password is never in the config nor in the connection: it comes from the environment
variable or the file the config names (``password_env``, ``password_file``), or from the
driver's own ways (libpq's ``PGPASSWORD`` and ``~/.pgpass``). It is handed to the driver alone;
what the review shows and writes of the source is the connection as written, without it.

Each table is mapped to the contract's columns and words in the database, and the contract's
checks (``helpers.io.checks``) run there as queries that return only the rows that break it.
Its rows have no order, so a problem names the table, the row's key and the column. Only a
clean export's rows are copied, typed, into the review's engine (``helpers.io.engine``), a
batch at a time through Arrow, where the review aggregates them exactly as it does a folder's;
or, with ``aggregate_there``, they stay where they are and the review's queries
(``helpers.review.queries``) run in the database, whose per-customer results alone come back.

Spark (``helpers.io.spark``) holds an export's Parquet files as such an engine holds its
tables: it maps, checks and keeps them with the same functions (``mapped_there``,
``checked_there``, ``kept_there``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import ibis
import ibis.expr.types as ir
import pandas as pd

from helpers.errors import ExportError, Problem
from helpers.io.checks import Staged, listed_ids, problems_in, rules_for, typed_columns
from helpers.io.contract import CONTRACT
from helpers.io.engine import HeldTables, compress, engine
from helpers.io.export import Export, absent_columns, held_export
from helpers.io.files import InputFile
from helpers.io.formats import Dialect
from helpers.io.reading import DatabaseReading, Reading

# What names a row of each table in messages, its rows having no order in a database.
ROW_KEYS = {
    "customers": ("customer_id",),
    "invoices": ("invoice_id",),
    "time_entries": ("customer_id", "date"),
    "assessments": ("customer_id", "assessed_on"),
    "decisions": ("customer_id", "decided_on"),
}
_WORD_KINDS = ("size_band", "answer", "decision")
# The database types each kind of contract column may have.
_FITS = {
    "date": lambda type_: type_.is_date() or type_.is_timestamp(),
    "number": lambda type_: type_.is_numeric() and not type_.is_boolean(),
    "integer": lambda type_: type_.is_integer() or type_.is_decimal(),
}
_TYPE_WORDS = {"date": "a date", "number": "a number", "integer": "a whole number"}
# Where a column of the wrong type is typed so, and how it is given the type the contract asks.
CAST = ("the database", "select it as one (CAST in a view or in the query for the table)")


def is_connection(source: str | Path) -> bool:
    """Whether ``source`` names a database (``postgresql://...``) rather than a path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", str(source)) is not None


def without_password(url: str) -> str:
    """``url`` as it may be shown and written: any password in it left out."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def refuse_password_in(url: str) -> None:
    """Refuse a connection that holds its password: it would be written into the notebook's
    parameters and the report's log."""
    if urlsplit(url).password is not None:
        raise _refused(
            "the connection holds a password: take it out, and put it in an environment "
            "variable or a file that the config names (password_env, password_file under "
            "[export])",
            without_password(url),
        )


def password(database: DatabaseReading) -> str | None:
    """The password ``database`` names, from the environment or the first line of a file;
    ``None`` when it names none. Raises ``ExportError`` when the variable is not set or the
    file cannot be read, naming them (never the password)."""
    if database.password_env:
        value = os.environ.get(database.password_env)
        if value is None:
            raise _refused(
                f"the environment variable {database.password_env} (password_env) is not set"
            )
        return value
    if database.password_file:
        path = Path(database.password_file).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise _refused(
                f"the password file {path} (password_file) cannot be read: "
                f"{error.strerror or error}"
            ) from None
        return lines[0] if lines else ""
    return None


def _refused(why: str, source: str = "the database") -> ExportError:
    return ExportError(source, [Problem(source, why)])


def connect(url: str, database: DatabaseReading):
    """An Ibis connection to the database at ``url``, with the password ``database`` names.
    A database that cannot be reached, or that refuses the user, is an ``ExportError`` naming
    the connection and what the driver said."""
    refuse_password_in(url)
    shown = without_password(url)
    options = {}
    secret = password(database)
    if secret is not None:
        options["password"] = secret
    if urlsplit(url).scheme.startswith("postgres"):
        options["connect_timeout"] = 10
        settings = f"-c statement_timeout={database.timeout_seconds * 1000}"
        if database.aggregate_there:
            # The review's joins are on mapped columns (trimmed text) PostgreSQL has no
            # statistics for: once its tables are analyzed, it guesses 200 customers and joins
            # 20,000 by a nested loop, and a query of 20,000 customers' review ran past four
            # minutes. Without nested loops (where another join can be had) the review took 36 s,
            # analyzed or not.
            settings += " -c enable_nestloop=off"
        options["options"] = settings
    try:
        return ibis.connect(url, **options)
    except Exception as error:  # each driver raises its own; all mean "not connected"
        raise _refused(f"cannot connect: {_said(error)}", shown) from None


def _said(error: Exception) -> str:
    """What a driver's error says, on one line."""
    return " ".join(str(error).split()) or type(error).__name__


def load_database(url: str, reading: Reading = Reading()) -> Export:
    """Read, check and type the export that the database at ``url`` keeps, as ``reading``
    says. Raises ``ExportError`` naming the connection, the table, the row's key and the
    column of every problem found, and for a database that cannot be reached."""
    shown = without_password(url)
    backend = connect(url, reading.database)
    kept_open = False
    try:
        tables, names, problems = _source_tables(backend, reading, shown)
        staged = checked_there(backend, tables, names, problems, reading, shown)
        if reading.database.aggregate_there:
            held, files = kept_there(
                backend,
                staged,
                shown,
                {name: f"{backend.name} {_what(names[name])}, aggregated there" for name in staged},
            )
        else:
            held, files = _copied(backend, staged, shown)
        missing = absent_columns({name: s.raw for name, s in staged.items()})
        export = held_export(shown, held, files, missing, reading)
        # Aggregated there, the review's queries go on using the connection.
        kept_open = reading.database.aggregate_there
        return export
    finally:
        if not kept_open:
            backend.disconnect()


def checked_there(
    backend,
    tables: dict[str, ir.Table],
    names: dict[str, str],
    problems: list[Problem],
    reading: Reading,
    shown: str,
    retype: tuple[str, str] = CAST,
) -> dict[str, Staged]:
    """The contract tables ``tables`` (mapped, ``mapped_there``) of an engine that keeps them
    (``backend``: a database, Spark), staged for the review once the contract's checks have
    run there. ``names``: how messages name each table; ``problems``: those found already.
    ``retype``: where a date or number column is typed otherwise, and how to give it its
    type. Raises ``ExportError`` naming ``shown``, each table, the row's key and the
    column."""
    problems = list(problems)
    staged: dict[str, Staged] = {}
    customer_ids = None
    for name, table in tables.items():
        staged[name], found = _staged(name, names[name], table, reading, retype)
        problems += found
        if name == "customers" and "customer_id" in staged[name].raw:
            customer_ids = listed_ids(staged[name])
        rules = rules_for(
            staged[name], Dialect(), customer_ids, names["customers"], reading.max_hours_per_entry
        )
        found = _run(
            lambda s=staged[name], r=rules: problems_in(backend, s, r),
            names[name],
            shown,
            _engine_name(backend),
        )
        problems += sorted(found, key=lambda p: (p.key or "", p.column or ""))
    if problems:
        raise ExportError(shown, problems)
    return staged


def _source_tables(backend, reading: Reading, shown: str):
    """Each contract table the database holds, as an Ibis table in our columns and words; the
    name messages give it; and the problems of finding and mapping them."""
    tables, names, problems = {}, {}, []
    for name, spec in CONTRACT.items():
        where = reading.database.table_for(name)
        query = re.match(r"\s*(select|with)\b", where, re.IGNORECASE) is not None
        names[name] = f"the query for {name}" if query else f"table {where}"
        try:
            if query:
                table = backend.sql(where)
            else:
                schema, _, bare = where.rpartition(".")
                table = backend.table(bare, database=schema or None)
        except ibis.common.exceptions.TableNotFound:
            if spec.required or name in reading.database.tables:
                problems.append(Problem(names[name], f"there is no such table or view in {shown}"))
            continue
        except Exception as error:  # the database refused the query or the table
            problems.append(Problem(names[name], f"cannot be read: {_said(error)}"))
            continue
        table, found = mapped_there(name, table, names[name], reading)
        tables[name] = table
        problems += found
    return tables, names, problems


def mapped_there(name: str, table: ir.Table, shown: str, reading: Reading):
    """``table`` in the contract's columns and words: their columns renamed to ours, text
    trimmed with blanks as missing, words in lower case and mapped to ours, and invoices
    without a due date due after the payment terms (when the config gives them)."""
    headers = reading.columns.get(name, {})
    renamed: dict[str, str] = {}
    problems = []
    for column in table.columns:
        ours = headers.get(column, column)
        if ours in renamed.values():
            problems.append(
                Problem(shown, "two columns are read as this one: map only one", column=ours)
            )
            continue
        renamed[column] = ours
    for theirs, ours in headers.items():
        absent = theirs not in table.columns and ours not in renamed.values()
        if absent and ours in CONTRACT[name].required_columns:
            problems.append(
                Problem(
                    shown,
                    f"the config maps column {theirs!r} to {ours!r}, but there is no column "
                    f"{theirs!r} (columns found: {', '.join(table.columns) or 'none'})",
                    column=theirs,
                )
            )
    kinds = {spec.name: spec.kind for spec in CONTRACT[name].fields}
    columns = {}
    for theirs, ours in renamed.items():
        value = table[theirs]
        if value.type().is_string():
            value = value.strip().nullif("")
            if kinds.get(ours) in _WORD_KINDS:
                words = reading.value_words.get(kinds[ours], {})
                value = value.lower()
                if words:
                    value = value.substitute({k.lower(): v for k, v in words.items()})
        columns[ours] = value
    table = table.select(**columns)
    terms = reading.payment_terms_days
    if name == "invoices" and terms is not None and "issued_on" in table.columns:
        due = table.issued_on + ibis.interval(days=terms)
        filled = table.due_on.fill_null(due) if "due_on" in table.columns else due
        table = table.mutate(due_on=filled.cast(table.issued_on.type()))
    return table, problems


def _staged(name: str, shown: str, table: ir.Table, reading: Reading, retype: tuple[str, str]):
    """``table`` ready for the contract's checks (``checks.rules_for``): each row numbered in
    the order of its key, its dates and numbers as the engine types them. A date or number
    column of another type (a date kept as text) is a problem of its own, and not checked
    further; ``retype`` says how to give it its type."""
    kinds = {spec.name: spec.kind for spec in CONTRACT[name].fields}
    problems = [
        Problem(
            shown,
            f"required column {column!r} is missing (columns found: "
            f"{', '.join(table.columns) or 'none'})",
            column=column,
        )
        for column in CONTRACT[name].required_columns
        if column not in table.columns
    ]
    parsed = {}
    for column in table.columns:
        kind = kinds.get(column)
        if kind not in _FITS:
            continue
        type_ = table[column].type()
        if _FITS[kind](type_):
            parsed[column] = column
        else:
            problems.append(
                Problem(
                    shown,
                    f"is {type_} in {retype[0]}, not {_TYPE_WORDS[kind]}: {retype[1]}",
                    column=column,
                )
            )
    table = table.drop(*[c for c in table.columns if kinds.get(c) in _FITS and c not in parsed])
    keys = tuple(key for key in ROW_KEYS[name] if key in table.columns)
    order = [table[key] for key in keys] or [table[c] for c in table.columns]
    table = table.mutate(_row=ibis.row_number().over(order_by=order))
    text = {c for c in table.columns if c != "_row" and table[c].type().is_string()}
    return (
        Staged(
            name=name,
            file=shown,
            frame=pd.DataFrame(columns=[c for c in table.columns if c != "_row"]),
            table=table,
            raw={c: c for c in table.columns if c != "_row"},
            parsed=parsed,
            text=frozenset(text),
            mixed=frozenset(),
            keys=keys,
        ),
        problems,
    )


def _run(check, table: str, source: str, engine: str = "the database"):
    """``check()``, whose query the ``engine`` may refuse or stop (a database's statement
    timeout): such a failure is an ``ExportError`` naming the table."""
    try:
        return check()
    except ExportError:
        raise
    except Exception as error:  # the driver's own errors
        raise _refused(f"{table}: {engine} stopped the check: {_said(error)}", source) from None


def _engine_name(backend) -> str:
    return "Spark" if backend.name == "pyspark" else "the database"


def _copied(backend, staged: dict[str, Staged], shown: str):
    """Every checked table copied, typed, into a new engine a batch at a time, compressed
    there; and each listed as read, for the report's appendix."""
    held = engine()
    files = []
    for name, table in staged.items():
        typed = table.table.select(**typed_columns(table))
        reader = _run(typed.to_pyarrow_batches, table.file, shown)
        held.con.register("incoming", reader)
        held.con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming").fetchall()
        held.con.unregister("incoming")
        compress(held)
        rows = held.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
        files.append(InputFile(table.file, rows, "", f"{backend.name} {_what(table.file)}"))
    return HeldTables(held, {name: name for name in staged}), files


def kept_there(
    backend,
    staged: dict[str, Staged],
    shown: str,
    read_as: Mapping[str, str],
    fingerprints: Mapping[str, str] | None = None,
):
    """Every checked table left where it is, as the query that types it: the review's queries
    run there. Each is listed as read (``read_as``, with its ``fingerprints`` where known),
    its rows counted there."""
    kept = {name: table.table.select(**typed_columns(table)) for name, table in staged.items()}
    files = [
        InputFile(
            staged[name].file,
            int(_run(table.count().execute, staged[name].file, shown, _engine_name(backend))),
            (fingerprints or {}).get(name, ""),
            read_as[name],
        )
        for name, table in kept.items()
    ]
    return HeldTables(backend, kept), files


def _what(shown: str) -> str:
    return "query" if shown.startswith("the query") else "table"
