"""Each table of an export read from its file as text: a CSV file, a sheet of an Excel
workbook, or a Parquet file.

Every format ends as the same thing, a table of text with the file's headers, so that one set
of checks serves all of them: CSV is text already; a workbook's and a Parquet file's cells are
written as a CSV would hold them, except that whole columns of numbers or of dates stay typed.
Each file read is listed with its fingerprint for the report's appendix.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.errors import ExportError, Problem
from helpers.io.contract import CONTRACT
from helpers.io.encodings import DELIMITER_NAMES, TextLayout, read_heads, text_layouts
from helpers.io.formats import is_date_column, is_number_column, is_text_column
from helpers.io.reading import Reading

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_COLUMNS = 1_000  # more columns than an export's file may have


@dataclass(frozen=True)
class InputFile:
    """One file read for the review, with its fingerprint for the report's appendix."""

    name: str
    rows: int
    sha256: str
    read_as: str = ""  # how its text was read: "cp1252 (detected), semicolon"


def read_folder(folder: Path, reading: Reading, suffix: str, read):
    """Each table's file in ``folder`` (``<table><suffix>`` unless ``reading`` names another),
    read by ``read(path)`` as text; tables without a file are left out."""
    tables, names, files = {}, {}, []
    for name in CONTRACT:
        path = folder / reading.file_for(name, suffix)
        names[name] = path.name
        if not path.exists():
            continue
        tables[name], read_as = read(path)
        files.append(InputFile(path.name, len(tables[name]), sha256(path), read_as))
    return tables, names, files


def csv_layouts(folder: Path, reading: Reading) -> dict[str, TextLayout]:
    """How each CSV file of the export is read (``encodings.text_layouts``), by file name.
    Raises ``ExportError`` naming each file whose encoding cannot be told."""
    paths = [folder / reading.file_for(name, ".csv") for name in CONTRACT]
    heads = read_heads(path for path in paths if path.exists())
    layouts, problems = text_layouts(heads, reading.dialect.encoding, reading.dialect.delimiter)
    if problems:
        raise ExportError(
            str(folder),
            [
                Problem(name, str(why), row=getattr(why, "row", None))
                for name, why in problems.items()
            ],
        )
    return layouts


def read_csv(path: Path, layouts: Mapping[str, TextLayout]) -> tuple[pd.DataFrame, str]:
    """One CSV file as text, read as ``layouts`` found for its export, and how it was read;
    a file that is not readable CSV is an ``ExportError``."""
    layout = layouts[path.name]
    delimiter = DELIMITER_NAMES.get(layout.delimiter, repr(layout.delimiter))
    options = {"dtype": str, "keep_default_na": False, "encoding": layout.encoding}
    check_header(path.parent, path.name, _csv_header(path, layout), delimited=True)
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
    except UnicodeDecodeError:
        found_or_given = "as detected" if layout.encoding_detected else "as the config says"
        row, byte = _undecodable(path, layout.encoding)
        problem = Problem(
            path.name,
            f"byte 0x{byte:02X} is not {_encoding_name(layout.encoding)} text, {found_or_given}: "
            "correct that row, save the file as UTF-8, or set the export's encoding in the "
            "config",
            row=row,
        )
    raise ExportError(str(path.parent), [problem])


def _csv_header(path: Path, layout: TextLayout) -> list[str]:
    """The names in a CSV file's first row, as written (pandas renames a repeated one)."""
    try:
        with path.open(encoding=layout.encoding, newline="") as file:
            return next(csv.reader(file, delimiter=layout.delimiter), [])
    except (UnicodeDecodeError, csv.Error):
        return []  # the reader below names what is wrong with the file


def check_header(folder: Path, where: str, names: list[str], delimited: bool = False) -> None:
    """Refuse the header ``names`` of ``where`` (a ``delimited`` text file, or not) when it has
    more columns than ``MAX_COLUMNS`` (every check would take its time over each) or names a
    column twice."""
    if len(names) > MAX_COLUMNS:
        delimiter = ", and is its delimiter the one detected" if delimited else ""
        problem = Problem(
            where,
            f"the header has {len(names):,} columns, more than the {MAX_COLUMNS:,} a file of "
            f"the export may have: is it the right file{delimiter}?",
        )
        raise ExportError(str(folder), [problem])
    _refuse_repeated_headers(folder, where, names)


def _refuse_repeated_headers(folder: Path, where: str, names: list[str]) -> None:
    """Raise ``ExportError`` naming each header that ``names`` (the header of ``where``, in
    the export at ``folder``) holds more than once: which of two columns called ``amount`` is
    the amount cannot be told."""
    places: dict[str, list[int]] = {}
    for place, name in enumerate(names, start=1):
        places.setdefault(name.strip(), []).append(place)
    problems = [
        Problem(
            where,
            f"the header names {name!r} {_times(len(columns))} (columns "
            f"{', '.join(map(str, columns[:-1]))} and {columns[-1]}): each column needs a "
            "name of its own",
        )
        for name, columns in places.items()
        if len(columns) > 1 and name
    ]
    if problems:
        raise ExportError(str(folder), problems)


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times"


def _undecodable(path: Path, encoding: str) -> tuple[int | None, int]:
    """The row (the line: the header is row 1) and the value of the first byte of ``path``
    that ``encoding`` cannot read; read a block at a time, so a large file is never held."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                # The decoder's error counts from the bytes it held back plus this block.
                held = len(error.object) - len(block)
                at = max(error.start - held, 0)
                return lines + block.count(b"\n", 0, at), block[at]
            lines += block.count(b"\n")
    return None, 0


def _encoding_name(encoding: str) -> str:
    return (
        "UTF-8"
        if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "utf8")
        else encoding
    )


NOT_A_WORKBOOK = "not a readable Excel workbook"


def check_workbook(path: Path) -> None:
    """Refuse, naming the file, a workbook that is not a whole .xlsx file: cut short, damaged,
    or another kind of file under that name. Cheap enough to run before anything is read (it
    checks the archive's parts, not the cells)."""
    try:
        with zipfile.ZipFile(path) as book:
            damaged = book.testzip()
            parts = set(book.namelist())
    except zlib.error:
        why = "its contents are damaged (a part cannot be unpacked)"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        why = "it is not a whole .xlsx file (cut short, or another kind of file so named)"
    else:
        if damaged is not None:
            why = f"its part {damaged} is damaged"
        elif "xl/workbook.xml" not in parts:
            why = "it is a ZIP archive without a workbook in it"
        else:
            return
    raise ExportError(str(path.parent), [Problem(path.name, f"{NOT_A_WORKBOOK}: {why}")])


def read_workbook(path: Path, reading: Reading):
    """Each table's sheet of the workbook at ``path`` (already found whole by
    ``check_workbook``), as text; a part openpyxl cannot read is an ``ExportError``."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except (
        KeyError,
        TypeError,
        ValueError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
    ) as error:
        problem = Problem(path.name, f"{NOT_A_WORKBOOK}: {type(error).__name__}: {error}")
        raise ExportError(str(path.parent), [problem]) from error
    tables, names = {}, {}
    for name in CONTRACT:
        sheet = reading.file_for(name, "")
        names[name] = f"{path.name}, sheet {sheet}"
        if sheet in sheets:
            columns = _unmangled(list(sheets[sheet].columns))
            check_header(path.parent, names[name], columns)
            tables[name] = _as_text(sheets[sheet], reading.date_format_for(name))
    rows = sum(len(frame) for frame in tables.values())
    return tables, names, [InputFile(path.name, rows, sha256(path), "Excel workbook")]


def _unmangled(columns: list[object]) -> list[str]:
    """The header pandas read as ``columns``, its repeats as written: pandas renames the
    second ``amount`` of a sheet ``amount.1``."""
    names = [str(column) for column in columns]
    written = set(names)
    return [
        found[1] if (found := re.fullmatch(r"(.+)\.\d+", name)) and found[1] in written else name
        for name in names
    ]


def read_parquet(path: Path, reading: Reading) -> pd.DataFrame:
    """One Parquet file as the text a CSV would hold, its numbers and dates kept typed; an
    unreadable one is an ``ExportError``. Rows are labelled by their place in the file (an
    index stored by pandas is read as a column), as the checks' row numbers need."""
    try:
        names = pq.read_schema(path).names
        whole = len(names) <= MAX_COLUMNS and len(set(names)) == len(names)
        table = pq.read_table(path) if whole else None
    except (OSError, ValueError) as error:
        problem = Problem(path.name, f"not readable as Parquet: {error}")
        raise ExportError(str(path.parent), [problem]) from error
    if table is None:
        check_header(path.parent, path.name, names)
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
    if is_text_column(values):
        return values.fillna("")
    if is_date_column(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    if is_number_column(values):
        return values
    return values.astype(object).map(lambda value: _cell_text(value, date_format)).astype(object)


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


def sha256(path: Path) -> str:
    """The file's SHA-256, in hex: its fingerprint in the report's appendix."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
