"""Column operations done by Arrow: the same answers as pandas gives."""

from __future__ import annotations

import pandas as pd

from helpers.columns import is_in


def test_is_in_matches_arrow_text_and_never_a_blank():
    values = pd.Series(["C1", None, "C3", "c1", "C2"], dtype="str")
    # C1 and C2 are listed; "c1" differs in case and the blank is not a value.
    assert is_in(values, ["C1", "C2"]).tolist() == [True, False, False, False, True]
    assert is_in(values, pd.Index(["C3"])).tolist() == [False, False, True, False, False]
    assert is_in(values, []).tolist() == [False] * 5
    assert is_in(values.iloc[:0], ["C1"]).tolist() == []


def test_is_in_keeps_the_rows_labels_and_serves_other_dtypes():
    values = pd.Series(["x", "y"], index=[7, 3], dtype="str")
    assert is_in(values, ["y"]).to_dict() == {7: False, 3: True}
    mixed = pd.Series(["x", None, 5], dtype=object)
    assert is_in(mixed, ["x"]).tolist() == [True, False, False]
