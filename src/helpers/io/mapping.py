"""An export's tables in our terms: their headers and words mapped to the contract's.

A company's systems name the columns their own way (``Rechnungsnr``), answer in their own
words (``ja``) and write dates and ids as their file format types them. ``mapped`` turns one
table read as text (``helpers.io.files``) into the contract's columns and words, trimmed, with
blanks as missing, before anything is checked.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd

from helpers.errors import Problem
from helpers.io.contract import CONTRACT
from helpers.io.formats import is_date_column, is_number_column, is_text_column
from helpers.io.reading import Reading

_LOWERCASE_KINDS = ("size_band", "answer", "decision")
_NUMBER_KINDS = ("number", "integer")
# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def mapped(
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
        if is_text_column(values):
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
        if kind not in _NUMBER_KINDS and not is_text_column(frame[column]):
            frame[column] = _numbers_as_text(frame[column])
        if kind in _LOWERCASE_KINDS:
            words = {k.lower(): v for k, v in reading.value_words.get(kind, {}).items()}
            frame[column] = frame[column].str.lower().replace(words)
    # Text stays in pandas' Arrow-backed strings, a quarter of the memory of Python objects,
    # and whole columns of numbers or dates stay typed; only mixed cells are held as objects.
    for column in frame.columns:
        values = frame[column]
        if not (is_text_column(values) or is_number_column(values) or is_date_column(values)):
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame, problems


def _dates_as_text(values: pd.Series, date_format: str) -> pd.Series:
    """A column of dates written in ``date_format``, once per distinct day; blanks as empty."""
    codes, days = pd.factorize(values)
    written = np.append(np.asarray(days.strftime(date_format), dtype=object), "")
    return pd.Series(written[codes], index=values.index, dtype="string")  # code -1 is ""


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
