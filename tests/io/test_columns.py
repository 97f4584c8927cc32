"""Column operations done by Arrow: the same answers as pandas gives."""

from __future__ import annotations

import pandas as pd

from helpers.io.columns import by_distinct, distinct, is_among, records


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


def test_is_among_says_which_values_are_in_the_index_as_isin_does():
    # "B" and "D" are listed; "X" is not, and a blank is no customer.
    among = pd.Index(["D", "B", "Q"], dtype="string[pyarrow]")
    for dtype in ("string[pyarrow]", "string[python]", object):
        values = pd.Series(["B", "X", None, "D", "B"], index=[5, 6, 7, 8, 9], dtype=dtype)
        found = is_among(values, among)
        assert found.tolist() == [True, False, False, True, True]
        assert found.index.tolist() == [5, 6, 7, 8, 9]
        assert found.tolist() == values.isin(among).tolist()
