"""Column operations that pandas does slowly on Arrow-backed text, done by Arrow itself.

Text read from an export stays in pandas' Arrow-backed string dtype. For a membership test
pandas turns every allowed value into an Arrow scalar one at a time, which costs seconds when the
allowed values are the 200,000 customer ids of a large export and the column holds millions of
invoices; Arrow's own ``is_in`` kernel takes the whole set at once. Finding the distinct values
of such a column, pandas first makes a Python string of every cell; Arrow does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import take


def is_in(values: pd.Series, allowed: Iterable[str] | pd.Index | pd.Series) -> pd.Series:
    """Whether each of ``values`` is one of the texts ``allowed``; a blank never is."""
    if not _arrow_text(values):
        return values.isin(allowed) & values.notna()
    allowed = pd.Index(allowed, dtype="str").dropna()
    text = _arrow(values)
    found = pc.is_in(text, value_set=pa.array(allowed.array).cast(text.type), skip_nulls=True)
    return pd.Series(
        np.asarray(found.fill_null(False), dtype=bool), index=values.index, name=values.name
    )


def _arrow_text(values: pd.Series) -> bool:
    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def distinct(values: pd.Series) -> pd.Series:
    """The distinct values of ``values`` without blanks, in the order they first appear."""
    if not _arrow_text(values):
        return values.dropna().drop_duplicates().reset_index(drop=True)
    unique = pc.unique(_arrow(values)).drop_null()
    return pd.Series(unique.to_pandas(), dtype=values.dtype, name=values.name)


def by_distinct(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert(values)``, computed once per distinct text and spread over the rows: a column
    of millions of dates holds a few hundred days, of hours a few dozen values. Blanks stay
    blank (NaN or NaT). Other columns are converted as they are."""
    if not _arrow_text(values):
        return convert(values)
    encoded = pc.dictionary_encode(_arrow(values))
    converted = convert(pd.Series(encoded.dictionary.to_pandas(), dtype=values.dtype))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    spread = take(converted.to_numpy(), codes, allow_fill=True)  # code -1: missing
    return pd.Series(spread, index=values.index, name=values.name)


def records(frame: pd.DataFrame) -> list[dict]:
    """Each row of ``frame`` as a dict of Python values, missing ones as ``pd.NA``, NaN or
    NaT: built column by column, where ``to_dict("records")`` boxes cell by cell and reads
    Arrow text one element at a time (a second for the 50,000 rows of a large plan)."""
    names = list(frame.columns)
    values = [
        column.tolist() if column.dtype.kind in "fb" else column.astype(object).tolist()
        for _, column in frame.items()
    ]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


# The bytes UTF-8 writes a control character with: C0 controls but tab and line breaks, DEL,
# and the C1 controls (U+0080 to U+009F, written 0xC2 0x80 to 0xC2 0x9F).
_C0_CONTROL = np.zeros(256, dtype=bool)
_C0_CONTROL[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True


def may_hold_control(values: pd.Series) -> bool:
    """Whether any text of ``values`` may hold a control character (``_C0_CONTROL``'s, or a
    C1 control): looked for at once in the bytes Arrow keeps the column's text in. Only a
    column that may is worth a pattern search cell by cell; one not held by Arrow always may."""
    if not _arrow_text(values):
        return True
    text = pa.array(values.array)
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        _, offsets, data = chunk.buffers()
        if data is None or len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        bounds = np.frombuffer(offsets, dtype=width)[[chunk.offset, chunk.offset + len(chunk)]]
        held = np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[1]]
        if _C0_CONTROL[held].any():
            return True
        lead = np.flatnonzero(held[:-1] == 0xC2)  # a C1 control's first byte
        if ((held[lead + 1] >= 0x80) & (held[lead + 1] <= 0x9F)).any():
            return True
    return False


def _arrow(values: pd.Series) -> pa.Array:
    text = pa.array(values.array)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
