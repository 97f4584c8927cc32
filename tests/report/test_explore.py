"""The table of every customer: what it holds, in what order, escaped, with its library inlined
once. Its search and sorting in a browser are tested in tests/test_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.report import explore
from tests.support import TINY_EXPORT, outside_addresses, tiny_review, write_export

STRING = r'"{}": "((?:[^"\\]|\\.)*)"'  # a key's JSON string in the table's arguments


def rows_of(table: explore.SearchableTable) -> tuple[list[str], list[list[object]]]:
    """The columns and rows the table hands DataTables."""
    header = re.search(STRING.format("table_html"), table.html_table).group(1)
    columns = re.findall(r"<th>(.*?)</th>", json.loads(f'"{header}"'))
    data = re.search(STRING.format("data_json"), table.html_table).group(1)
    return columns, json.loads(json.loads(f'"{data}"'))


@pytest.fixture
def review(tmp_path: Path):
    files = dict(TINY_EXPORT)
    files["customers.csv"] = files["customers.csv"].replace("Beta & Sons", "<b>Beta</b> & Sons")
    return tiny_review(write_export(tmp_path / "tiny", files))


def test_every_customer_is_listed_with_its_figures_as_numbers_and_as_written(review):
    table = explore.all_customers_table(review)
    columns, rows = rows_of(table)
    by_id = {row[columns.index("Id")]: dict(zip(columns, row, strict=True)) for row in rows}
    assert sorted(by_id) == sorted(review.customers.index)
    # A, over the quarter (the tiny export's window): invoices A1, A2 and A3, 1,000 + 3,000 +
    # 2,000 = 6,000, for 10 + 10 = 20 hours: 300 an hour. It owes A3's 2,000, not yet due.
    a = by_id["A"]
    assert a["Revenue, 3 months"] == 6000 and a["Revenue, 3 months (as written)"] == "€6,000"
    assert a["Hours, 3 months"] == 20 and a["Hours, 3 months (as written)"] == "20.0"
    assert a["Revenue per hour"] == 300 and a["Revenue per hour (as written)"] == "€300"
    assert a["Owes"] == 2000
    # B: only B2 (400) in the quarter, for 5 x 8 = 40 hours: 10 an hour; it owes B1 and B2,
    # 500 + 400 = 900.
    b = by_id["B"]
    assert (b["Revenue, 3 months"], b["Revenue per hour"], b["Owes"]) == (400, 10, 900)
    # C logged no time in the quarter (its 3 hours were in June): C1's 250 less the credit
    # note C2's 50 is 200 of revenue, with no revenue per hour, shown as a blank (and NaN to
    # sort by, as itables writes it). C1 was paid on 5 October: 250 still owed on 30 September.
    c = by_id["C"]
    assert (c["Revenue, 3 months"], c["Owes"]) == (200, 250)
    assert c["Revenue per hour"] == "___NaN___" and c["Revenue per hour (as written)"] == ""


def test_those_that_need_action_come_first(review):
    columns, rows = rows_of(explore.all_customers_table(review))
    bands = review.customers["band"]
    order = [explore.BAND_ORDER.index(bands[row[columns.index("Id")]]) for row in rows]
    assert order == sorted(order)


def test_names_are_escaped_and_the_library_is_inlined_once(review):
    page = explore.all_customers_table(review)._repr_html_()
    assert "<b>Beta</b>" not in page
    assert "&lt;b&gt;Beta&lt;/b&gt; &amp; Sons" in page
    assert page.count("window._itables_") >= 1 and page.count("injectModule(") == 2
    assert "<script src" not in page and "<link" not in page
    assert outside_addresses(page) == []


def test_a_large_company_gets_the_first_rows_and_is_told_where_the_rest_are(review, monkeypatch):
    monkeypatch.setattr(explore, "MAX_ROWS", 2)
    table = explore.all_customers_table(review)
    _, rows = rows_of(table)
    assert len(rows) == 2
    total = len(review.customers)
    assert table.note == (
        f"The first 2 of {total} customers, those that need action first; all of them are in "
        "customer_scores.csv."
    )


def test_a_larger_company_gets_fewer_rows_and_the_largest_none(review, monkeypatch):
    # With as many customers as make the charts a density, the page keeps MAX_ROWS_LARGE
    # rows; with more than SEARCHABLE_UP_TO it leaves the table and its library out, saying
    # where every customer is.
    total = len(review.customers)
    monkeypatch.setattr(explore, "DENSITY_FROM", total)
    monkeypatch.setattr(explore, "MAX_ROWS_LARGE", 3)
    _, rows = rows_of(explore.all_customers_table(review))
    assert len(rows) == 3
    monkeypatch.setattr(explore, "SEARCHABLE_UP_TO", total - 1)
    left_out = explore.all_customers_table(review)._repr_html_()
    assert "customer_scores.csv" in left_out and "<table" not in left_out
    assert f"With {total:,} customers" in left_out
