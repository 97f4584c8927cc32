"""Column operations that pandas does slowly on Arrow-backed text, done by Arrow itself.

Text read from an export stays in pandas' Arrow-backed string dtype. For a membership test
pandas turns every allowed value into an Arrow scalar one at a time, which costs seconds when the
allowed values are the 200,000 customer ids of a large export and the column holds millions of
invoices; Arrow's own ``is_in`` kernel takes the whole set at once. Finding the distinct values
of such a column, pandas first makes a Python string of every cell; Arrow does not.
"""

from __future__ import annotations

import functools
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


def may_hold(values: pd.Series, code_points: tuple[int, ...]) -> bool:
    """Whether any text of ``values`` may hold one of the characters ``code_points`` (all
    below U+0800, one or two bytes in UTF-8): looked for at once in the bytes Arrow keeps the
    column's text in. Only a column that may is worth a pattern search cell by cell; one not
    held by Arrow always may."""
    if not _arrow_text(values):
        return True
    single, pair = _utf8_bytes(code_points)
    text = pa.array(values.array)
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        _, offsets, data = chunk.buffers()
        if data is None or len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        bounds = np.frombuffer(offsets, dtype=width)[[chunk.offset, chunk.offset + len(chunk)]]
        held = np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[1]]
        # A lead byte of two (0xC2 to 0xDF) is never the second byte of another character.
        if single[held].any() or pair[held[:-1], held[1:]].any():
            return True
    return False


@functools.cache
def _utf8_bytes(code_points: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The bytes UTF-8 writes ``code_points`` with: which single bytes, and which pairs."""
    single = np.zeros(256, dtype=bool)
    pair = np.zeros((256, 256), dtype=bool)
    for code_point in code_points:
        written = chr(code_point).encode()
        if len(written) == 1:
            single[written[0]] = True
        elif len(written) == 2:
            pair[written[0], written[1]] = True
        else:
            raise ValueError(f"U+{code_point:04X} is written in more than two bytes")
    return single, pair


def _arrow(values: pd.Series) -> pa.Array:
    text = pa.array(values.array)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
