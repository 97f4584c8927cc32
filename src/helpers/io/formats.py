"""How an export writes its dates and amounts, found from the export itself when the config
does not say, and read as written.

Accounting systems write ``31.12.2026`` or ``12/31/2026``, ``1.234,50`` or ``$1,234.50``. Each
is detected here from the data: dates by which of the usual formats every date fits, the
decimal separator by the numbers that can only be read one way (``12,5``, ``1.234,50``,
``1,234,567``). Where the data cannot tell (every date fits both DD/MM and MM/DD, amounts
written two ways) the answer is a ``DetectionError`` asking for the setting in the config: a
guess that could be wrong is never made silently. ``Dialect`` holds the settings, found or
given, and reads a column with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.io.columns import by_distinct

# The date formats exports are written in, in the order they are reported.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d-%m-%Y")
ISO_DATE = "%Y-%m-%d"
_FORMAT_WORDS = {"%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%b": "Mon", "%B": "Month"}

# Characters that group thousands and can never be a decimal separator.
GROUPING_SPACES = " \u00a0\u202f\u2009'’"
_SPACES_CLASS = re.escape(GROUPING_SPACES)
# Every currency sign Unicode knows (€ $ £ ¥ ₹ ₽ ...), and ISO codes (EUR, USD).
_CURRENCY_SIGNS = "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Sc")
_CURRENCY = rf"(?:[{re.escape(_CURRENCY_SIGNS)}]|[A-Z]{{3}})"
_MINUS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (spreadsheets write all three)
# An amount as people write it: an optional sign, currency and parentheses around the digits.
AMOUNT = re.compile(
    rf"""^\s*
    (?P<open>\()?\s*
    (?P<sign>[{_MINUS}+])?\s*
    (?:{_CURRENCY}\s*)?
    (?P<sign2>[{_MINUS}+])?\s*
    (?P<digits>\d[\d.,{_SPACES_CLASS}]*|[.,]\d+)
    \s*(?:{_CURRENCY})?\s*
    (?P<trailing>[{_MINUS}])?\s*
    (?P<close>\))?\s*$""",
    re.VERBOSE,
)


class DetectionError(ValueError):
    """The export's way of writing cannot be told from its data; the message asks for the
    config setting that says it. ``row`` is the row of the file it is about, when one is."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.examples: tuple[str, ...] = ()  # the values written each way, to find them by


def date_pattern(date_format: str) -> str:
    """A strftime format as people write it: ``%d.%m.%Y`` is ``DD.MM.YYYY``."""
    for code, words in _FORMAT_WORDS.items():
        date_format = date_format.replace(code, words)
    return date_format


def detect_date_format(columns: Mapping[str, pd.Series]) -> str:
    """The one format of the usual ones that the dates in ``columns`` (by the name shown in
    messages, such as ``invoices.csv, column issued_on``) are written in; see
    ``detect_date_formats``, which reads the files of an export."""
    return detect_date_formats({"": columns})[""]


def _date_texts(values: pd.Series) -> pd.Series:
    """How often each date of ``values`` is written, by its first ten characters trimmed:
    counted before they are trimmed, since a column of millions of dates holds a few hundred
    distinct ones."""
    counts = values.dropna().value_counts()
    written = pd.Series(counts.index.astype(str), index=counts.index).str.strip().str.slice(0, 10)
    return counts.groupby(written.to_numpy()).sum()


def detect_date_formats(
    tables: Mapping[str, Mapping[str, pd.Series]], known: Iterable[str] = ()
) -> dict[str, str]:
    """The date format of each table, from its date columns (``tables``: table name to the
    columns by the name shown in messages, such as ``invoices.csv, column issued_on``).

    One format that every date of every table fits is the export's: one system wrote it all.
    When none does (time from a tracker writing ISO, invoices from accounting writing
    DD.MM.YYYY), each table is read on its own and gets the format most of its dates fit;
    the check of each date then names the ones that do not fit.

    When dates fit several formats (no day above 12 tells DD/MM from MM/DD), the one that
    another table or ``known`` (formats the config gives for other tables) settles is taken;
    with none, the answer would be a guess, so ``DetectionError`` asks for the format. A table
    without dates gets ISO."""
    # Each date written differently, with how often: an export of millions of rows holds a
    # few thousand days, and each is tried once per format.
    texts = {
        table: {where: _date_texts(values) for where, values in columns.items()}
        for table, columns in tables.items()
    }
    fits = {
        table: {
            fmt: sum(
                int(counts[pd.to_datetime(counts.index, format=fmt, errors="coerce").notna()].sum())
                for counts in columns.values()
            )
            for fmt in DATE_FORMATS
        }
        for table, columns in texts.items()
    }
    sizes = {
        table: sum(int(counts.sum()) for counts in columns.values())
        for table, columns in texts.items()
    }
    dated = [table for table in tables if sizes[table]]
    formats = {table: ISO_DATE for table in tables if not sizes[table]}
    if not dated:
        return formats
    where = {table: [w for w, values in texts[table].items() if len(values)] for table in dated}
    known = set(known)
    together = [fmt for fmt in DATE_FORMATS if all(fits[t][fmt] == sizes[t] for t in dated)]
    if together:
        everywhere = [w for table in dated for w in where[table]]
        fmt = _settled(together, known, everywhere, None)
        return formats | dict.fromkeys(dated, fmt)
    alone = {}
    for table in dated:
        best = max(fits[table].values())
        alone[table] = [fmt for fmt in DATE_FORMATS if best and fits[table][fmt] == best]
    known |= {candidates[0] for candidates in alone.values() if len(candidates) == 1}
    for table in dated:
        formats[table] = _settled(alone[table] or [ISO_DATE], known, where[table], table)
    return formats


def _settled(candidates: list[str], known: set[str], where: list[str], table: str | None) -> str:
    """The one of ``candidates`` (formats the dates at ``where`` fit equally well), or the one
    of them in ``known``; ``DetectionError`` asking for the format otherwise."""
    if len(candidates) == 1:
        return candidates[0]
    chosen = [fmt for fmt in candidates if fmt in known]
    if len(chosen) == 1:
        return chosen[0]
    written = " or ".join(date_pattern(fmt) for fmt in candidates)
    setting = (
        f'date_format = "{candidates[0]}"'
        if not table
        else f'date_format = {{ {table} = "{candidates[0]}" }}'
    )
    raise DetectionError(
        f"the dates in {', '.join(where)} read as {written} equally well: no day above 12 "
        "tells the order of day and month. Set date_format under [export] in the "
        f"config, e.g. {setting} for {date_pattern(candidates[0])}"
    )


def split_amounts(values: pd.Series) -> pd.DataFrame:
    """Each text amount split into ``digits`` (separators and spaces still in) and
    ``negative``; rows that are not an amount at all have ``digits`` missing. ``(12)``,
    ``-12``, ``12-``, ``−€1 234,50``, ``EUR 12`` and ``$1,234.50`` are all amounts."""
    parts = values.astype("string").str.extract(AMOUNT)
    balanced = parts["open"].notna() == parts["close"].notna()
    signs = parts[["sign", "sign2", "trailing"]]
    minus = signs.isin(list(_MINUS)).any(axis=1)
    several = signs.notna().sum(axis=1) > 1
    negative = minus | parts["open"].notna()
    digits = parts["digits"].where(balanced & ~several).str.rstrip(GROUPING_SPACES)
    return pd.DataFrame({"digits": digits, "negative": negative.fillna(False)})


def detect_number_format(values: Iterable[str]) -> tuple[str, str]:
    """(decimal, thousands) separators of the amounts ``values``, from those that can only be
    read one way: both separators (``1.234,50``), one repeated (``1,234,567``), or one not
    followed by three digits (``12,5``). Amounts that give no sign (``1,234``) read the
    separator as thousands, as whole amounts are written far more often than amounts with
    three decimals. Raises ``DetectionError`` when the amounts are written both ways."""
    written = pd.Series(list(values), dtype="string")
    # Only the separators and how many digits follow them count, so one amount of each shape
    # (each digit read as 9) votes for all: a dozen shapes, however many amounts.
    shapes = written.str.replace(r"\d", "9", regex=True)
    examples = written.groupby(shapes, sort=False).first()
    digits = split_amounts(examples.reset_index(drop=True))["digits"].dropna()
    votes = {".": [], ",": []}
    for text in digits.str.replace(f"[{_SPACES_CLASS}]", "", regex=True).unique():
        marks = re.sub(r"\d", "", text)
        if not marks:
            continue
        # Only an amount that reads one way votes: "1.2.34" groups no thousands and is no
        # decimal either, and is named as not a number rather than taken for a dialect.
        if "." in marks and "," in marks:
            group, point = marks[0], marks[-1]
            if group != point and re.fullmatch(rf"\d{{1,3}}(?:\{group}\d{{3}})+\{point}\d+", text):
                votes[point].append(text)
        elif len(marks) > 1:
            if re.fullmatch(rf"\d{{1,3}}(?:\{marks[0]}\d{{3}})+", text):
                votes["," if marks[0] == "." else "."].append(text)  # repeated: it groups
        elif not re.search(r"[.,]\d{3}$", text):
            votes[marks].append(text)
    if votes["."] and votes[","]:
        error = DetectionError(
            f"amounts are written with both a decimal point ({votes['.'][0]!r}) and a decimal "
            f"comma ({votes[','][0]!r}): set decimal (and thousands) under [export] in the config"
        )
        error.examples = (votes["."][0], votes[","][0])
        raise error
    decimal = "," if votes[","] else "."
    return decimal, other_separator(decimal)


def other_separator(decimal: str) -> str:
    """The thousands separator that goes with ``decimal``: the other of point and comma."""
    return "." if decimal == "," else ","


def is_number_column(values: pd.Series) -> bool:
    """Whether ``values`` is a column of numbers (blanks as NaN), as Parquet files and
    workbooks type them, rather than of text or mixed cells."""
    return pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
        values.dtype
    )


def is_text_column(values: pd.Series) -> bool:
    """Whether ``values`` can hold nothing but text and blanks (a CSV file's columns)."""
    return pd.api.types.is_string_dtype(values.dtype) and values.dtype != object


def is_date_column(values: pd.Series | None) -> bool:
    """Whether ``values`` is a column of dates (blanks as NaT), as Parquet files type them."""
    return values is not None and pd.api.types.is_datetime64_any_dtype(values.dtype)


def parse_amounts(values: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """``values`` (text, or numbers already) as floats; NaN where blank or not an amount
    written with these separators (``1.2.3``, ``12 34``, ``twelve``)."""
    if values.empty:
        return pd.Series(dtype="float64", index=values.index)
    if is_number_column(values):
        # A column of numbers, from Parquet or a workbook: inf and -inf are no amount.
        numbers = values.astype("float64")
        return numbers.where(np.isfinite(numbers))
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        is_text = values.notna()  # text and blanks only, as read from CSV: no need to look
    else:
        is_text = values.map(lambda v: isinstance(v, str))
    numbers = pd.to_numeric(values.where(~is_text), errors="coerce").astype("float64")
    if not is_text.any():
        return numbers
    text = values[is_text]
    if decimal == ".":
        # Most amounts are plain numbers (1234.50, -12, 1.5E+3, as spreadsheets write large
        # ones): read at C speed, leaving only the others to the pattern below.
        plain = pd.to_numeric(text, errors="coerce").astype("float64")
        plain = plain.where(np.isfinite(plain))
        numbers[plain.index[plain.notna()]] = plain.dropna()
        text = text[plain.isna()]
        if text.empty:
            return numbers
    parts = split_amounts(text)
    # Groups of three digits after the first, set off by the thousands separator or a space.
    group = f"[{re.escape(thousands)}{_SPACES_CLASS}]"
    point = re.escape(decimal)
    grouped = rf"\d{{1,3}}(?:{group}\d{{3}})+"
    well_formed = parts["digits"].str.fullmatch(rf"(?:\d+|{grouped})(?:{point}\d+)?|{point}\d+")
    digits = parts["digits"].where(well_formed.fillna(False).astype(bool))
    digits = digits.str.replace(group, "", regex=True).str.replace(decimal, ".", regex=False)
    parsed = pd.to_numeric(digits, errors="coerce").astype("float64")
    parsed = parsed.where(~parts["negative"].astype(bool), -parsed)
    numbers[text.index] = parsed
    return numbers


@dataclass(frozen=True)
class Dialect:
    """How an export writes its files and values; each setting left ``None`` is found from the
    export itself (``helpers.io.encodings`` for the text, the functions above for the values).

    ``encoding`` and ``delimiter`` are the CSV files'; ``date_format`` is a ``strftime`` pattern
    (``%d.%m.%Y`` for 31.12.2026); ``decimal`` and ``thousands`` are the separators in numbers
    (``1.234,50`` is decimal ``,`` and thousands ``.``; ``thousands`` empty: none, ``None``: the
    other of comma and point). Spaces and apostrophes always group thousands, currency signs
    and codes around an amount are read past, and ``(12)`` or ``12-`` is a negative amount.
    """

    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    thousands: str | None = None

    @property
    def date_pattern(self) -> str:
        """The date format as people write it: ``DD.MM.YYYY``."""
        return date_pattern(self.date_format or ISO_DATE)

    def numbers(self, values: pd.Series) -> pd.Series:
        """``values`` (text, or numbers from a workbook) as floats; NaN where blank or not a
        number written this way."""
        decimal = self.decimal or "."
        thousands = other_separator(decimal) if self.thousands is None else self.thousands
        return by_distinct(values, lambda amounts: parse_amounts(amounts, decimal, thousands))

    def dates(self, values: pd.Series) -> pd.Series:
        """``values`` (text, or dates already) as datetimes; NaT where blank or not a date in
        ``date_format``."""
        if is_date_column(values):
            return values  # a column of dates, from Parquet
        date_format = self.date_format or ISO_DATE
        return by_distinct(
            values, lambda days: pd.to_datetime(days, format=date_format, errors="coerce")
        )
