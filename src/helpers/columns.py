"""Column operations that pandas does slowly on Arrow-backed text, done by Arrow itself.

Text read from an export stays in pandas' Arrow-backed string dtype. For a membership test
pandas turns every allowed value into an Arrow scalar one at a time, which costs seconds when the
allowed values are the 200,000 customer ids of a large export and the column holds millions of
invoices; Arrow's own ``is_in`` kernel takes the whole set at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def is_in(values: pd.Series, allowed: Iterable[str] | pd.Index | pd.Series) -> pd.Series:
    """Whether each of ``values`` is one of the texts ``allowed``; a blank never is."""
    if not _arrow_text(values):
        return values.isin(allowed) & values.notna()
    allowed = pd.Index(allowed, dtype="str").dropna()
    text = pa.array(values.array)
    found = pc.is_in(text, value_set=pa.array(allowed.array).cast(text.type), skip_nulls=True)
    return pd.Series(
        np.asarray(found.fill_null(False), dtype=bool), index=values.index, name=values.name
    )


def _arrow_text(values: pd.Series) -> bool:
    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
