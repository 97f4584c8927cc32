"""Column operations done by Arrow: the same answers as pandas gives."""

from __future__ import annotations

import pandas as pd

from helpers.io.checks import CONTROL_CODE_POINTS
from helpers.io.columns import by_distinct, distinct, is_in, may_hold, records


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


def test_distinct_lists_each_text_once_in_order_without_blanks():
    values = pd.Series(["b", "a", None, "b", "c", "a"], dtype="str")
    assert distinct(values).tolist() == ["b", "a", "c"]
    assert distinct(pd.Series([2.0, None, 2.0, 1.5])).tolist() == [2.0, 1.5]


def test_by_distinct_converts_each_text_once_and_spreads_it_over_the_rows():
    values = pd.Series(["2026-07-01", None, "2026-07-01", "soon", "2026-08-15"], dtype="str")
    seen = []

    def convert(days: pd.Series) -> pd.Series:
        seen.append(days.tolist())
        return pd.to_datetime(days, format="%Y-%m-%d", errors="coerce")

    dates = by_distinct(values, convert)
    # Three distinct texts are converted; the blank and "soon" are missing dates.
    assert seen == [["2026-07-01", "soon", "2026-08-15"]]
    assert dates.tolist()[0] == dates.tolist()[2] == pd.Timestamp("2026-07-01")
    assert dates.isna().tolist() == [False, True, False, True, False]
    assert dates.iloc[4] == pd.Timestamp("2026-08-15")
    hours = by_distinct(pd.Series(["1.5", "", "1.5"], dtype="str").replace("", None), pd.to_numeric)
    assert hours.tolist()[0] == hours.tolist()[2] == 1.5 and pd.isna(hours.iloc[1])


def test_may_hold_looks_for_control_characters_in_the_texts_bytes():
    def text(*values):
        return pd.Series(list(values), dtype="str")

    def may_hold_control(values):
        return may_hold(values, CONTROL_CODE_POINTS)

    # Names with accents, signs and spaces hold none: © is 0xC2 0xA9 and Õ is 0xC3 0x95, whose
    # second bytes would be C1 controls after 0xC2 alone.
    assert not may_hold_control(text("Õunaaed OÜ", "© Alpha Ltd", None, "a\tb", "two\nlines"))
    assert may_hold_control(text("Alpha", "Be\x07ta"))  # BEL, a C0 control
    assert may_hold_control(text("Alpha", "Del\x7f"))
    assert may_hold_control(text("Alpha", "C1 \x85 here"))  # NEL, written 0xC2 0x85
    # Only the rows of the column count: a slice leaves its neighbours' bytes out.
    assert not may_hold_control(text("Be\x07ta", "Alpha", "Gamma").iloc[1:])
    # Text that Arrow does not hold is always worth searching.
    assert may_hold_control(pd.Series(["Alpha", 1.5], dtype=object))


def test_records_are_the_rows_as_python_values_as_to_dict_gives_them():
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["A", None], dtype="str"),
            "score": pd.Series([5, pd.NA], dtype="Int64"),
            "revenue": [1200.5, float("nan")],
            "ranked": [True, False],
            "since": pd.to_datetime(["2026-01-31", None]),
        }
    )
    first, second = records(frame)
    assert first == {
        "customer_id": "A",
        "score": 5,
        "revenue": 1200.5,
        "ranked": True,
        "since": pd.Timestamp("2026-01-31"),
    }
    assert pd.isna(second["customer_id"]) and second["score"] is pd.NA
    assert pd.isna(second["revenue"]) and second["ranked"] is False and pd.isna(second["since"])
