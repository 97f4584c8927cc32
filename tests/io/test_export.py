"""Reading an export: folders and workbooks, size bands, and what optional parts are missing."""

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers.errors import ExportError
from helpers.io.export import (
    UNKNOWN_SIZE,
    load_export,
    locate,
    located_export,
    size_band_from_employees,
)


def test_tiny_export_is_read_and_typed(tiny_export: Path):
    export = load_export(tiny_export)
    assert list(export.customers["customer_id"]) == ["A", "B", "C", "D", "E"]
    assert export.invoices["amount"].sum() == pytest.approx(
        1500 + 1500 + 1000 + 3000 + 2000 + 500 + 400 + 250 - 50 + 800 + 1200
    )
    assert export.invoices["issued_on"].dtype.kind == "M"
    assert export.invoices["paid_on"].isna().sum() == 3  # A3, B1, B2
    assert export.time_entries["hours"].sum() == pytest.approx(68)  # 10 + 10 + 40 + 3 + 5
    assert [f.name for f in export.files] == [
        "customers.csv",
        "invoices.csv",
        "time_entries.csv",
        "assessments.csv",
    ]
    assert all(len(f.sha256) == 64 for f in export.files)
    # The second assessment's "No" is read as "no": answers are case-insensitive.
    assert export.assessments["right_reasons"].tolist() == ["yes", pd.NA, "no"]


def test_a_quoted_line_break_and_a_bad_row_after_it_are_read_as_written(tiny_export: Path):
    customers = (tiny_export / "customers.csv").read_text(encoding="utf-8").splitlines()
    header, first, *rest = customers
    # A's name holds a line break inside quotes: one row over two lines of the file.
    name = first.split(",")[1]
    first = first.replace(f",{name},", f',"{name}\nHead office",', 1)
    (tiny_export / "customers.csv").write_text("\n".join([header, first, *rest]) + "\n")
    export = load_export(tiny_export)
    assert export.customers["name"].iloc[0] == f"{name}\nHead office"
    assert list(export.customers["customer_id"]) == ["A", "B", "C", "D", "E"]
    # A bad headcount for B, the second customer, is on spreadsheet row 3 (a row is a record).
    text = (tiny_export / "customers.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    b = next(i for i, line in enumerate(lines) if line.startswith("B,"))
    fields = lines[b].split(",")
    fields[header.split(",").index("employees")] = "many"
    lines[b] = ",".join(fields)
    (tiny_export / "customers.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ExportError, match=r"customers.csv, row 3, column employees: 'many'"):
        load_export(tiny_export)


def test_size_band_comes_from_the_export_else_from_headcount(tiny_export: Path):
    bands = load_export(tiny_export).customers.set_index("customer_id")["size_band"]
    # A 300 employees, B 20, C 5, D nothing, E "Medium" written in the export.
    assert bands.to_dict() == {
        "A": "large",
        "B": "small",
        "C": "micro",
        "D": UNKNOWN_SIZE,
        "E": "medium",
    }


def test_eu_sme_band_edges():
    employees = pd.Series([0, 9, 10, 49, 50, 249, 250, None], dtype="Int64")
    expected = ["micro", "micro", "small", "small", "medium", "medium", "large", pd.NA]
    assert size_band_from_employees(employees).tolist() == expected


def test_optional_tables_and_columns_may_be_absent(tiny_export: Path):
    (tiny_export / "time_entries.csv").unlink()
    (tiny_export / "assessments.csv").unlink()
    invoices = pd.read_csv(tiny_export / "invoices.csv").drop(columns=["paid_on"])
    invoices.to_csv(tiny_export / "invoices.csv", index=False)
    export = load_export(tiny_export)
    assert export.time_entries is None and export.assessments is None
    assert not export.has("time_entries")
    assert not export.has("invoices", "paid_on")
    assert export.has("invoices", "amount")
    assert "paid_on" in export.invoices  # added empty so later stages need no special case


def test_workbook_with_the_same_sheets_reads_like_the_folder(tiny_export: Path, tmp_path: Path):
    workbook = tmp_path / "export.xlsx"
    folder = load_export(tiny_export)
    with pd.ExcelWriter(workbook) as writer:
        for name in ("customers", "invoices", "time_entries", "assessments"):
            frame = pd.read_csv(tiny_export / f"{name}.csv", dtype=str, keep_default_na=False)
            for column in [c for c in frame if c.endswith("_on") or c == "date"]:
                # Real workbooks hold dates as date cells, not text.
                frame[column] = pd.to_datetime(frame[column].replace("", None))
            for column in ("amount", "hours", "employees"):
                if column in frame:
                    frame[column] = pd.to_numeric(frame[column])
            frame.to_excel(writer, sheet_name=name, index=False)
    book = load_export(workbook)
    pd.testing.assert_frame_equal(book.invoices, folder.invoices)
    pd.testing.assert_frame_equal(book.customers, folder.customers)
    pd.testing.assert_frame_equal(book.time_entries, folder.time_entries)


def test_locate_finds_a_relative_path_from_a_subfolder(tiny_export: Path, monkeypatch):
    nested = tiny_export.parent / "notebooks"
    nested.mkdir()
    monkeypatch.chdir(nested)
    assert locate("tiny") == tiny_export
    assert locate("no-such-export") == Path("no-such-export")


def test_missing_export_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="export not found: .*nowhere"):
        load_export(tmp_path / "nowhere")


def test_a_header_repeated_in_a_sheet_or_a_parquet_file_is_named(tiny_export: Path, tmp_path):
    # The second "amount" a hundred times the first: which one is the amount cannot be told.
    invoices = pd.read_csv(tiny_export / "invoices.csv", dtype=str, keep_default_na=False)
    doubled = invoices.assign(extra=invoices["amount"] + "00")
    doubled.columns = [*invoices.columns, "amount"]
    workbook = tmp_path / "export.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        for name in ("customers", "time_entries"):
            pd.read_csv(tiny_export / f"{name}.csv", dtype=str).to_excel(
                writer, sheet_name=name, index=False
            )
        doubled.to_excel(writer, sheet_name="invoices", index=False)
    with pytest.raises(ExportError) as raised:
        load_export(workbook)
    assert [str(p) for p in raised.value.problems] == [
        "export.xlsx, sheet invoices: the header names 'amount' twice (columns 6 and 8): each "
        "column needs a name of its own"
    ]
    folder = tmp_path / "parquet"
    folder.mkdir()
    for name in ("customers", "time_entries"):
        pd.read_csv(tiny_export / f"{name}.csv", dtype=str).to_parquet(folder / f"{name}.parquet")
    pa_table = pa.Table.from_pandas(doubled.set_axis(range(8), axis=1), preserve_index=False)
    pq.write_table(pa_table.rename_columns(list(doubled.columns)), folder / "invoices.parquet")
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    assert [str(p) for p in raised.value.problems] == [
        "invoices.parquet: the header names 'amount' twice (columns 6 and 8): each column needs "
        "a name of its own"
    ]


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        # The first half of a workbook, as a mail client that gave up leaves it.
        (
            lambda book: book[: len(book) // 2],
            "it is not a whole .xlsx file (cut short, or another kind of file so named)",
        ),
        # Bytes scrambled in the middle of a packed part.
        (
            lambda book: (
                book[: len(book) // 2]
                + bytes((b * 7 + 13) % 256 for b in book[len(book) // 2 : len(book) // 2 + 200])
                + book[len(book) // 2 + 200 :]
            ),
            "its contents are damaged (a part cannot be unpacked)",
        ),
        # CSV text saved under a workbook's name.
        (
            lambda book: b"customer_id,name\nA,Alpha Ltd\n",
            "it is not a whole .xlsx file (cut short, or another kind of file so named)",
        ),
    ],
)
def test_a_workbook_that_cannot_be_read_is_refused_before_anything_is_read(
    tiny_export: Path, tmp_path: Path, spoil, why
):
    book = tmp_path / "good.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name in ("customers", "invoices", "time_entries"):
            pd.read_csv(tiny_export / f"{name}.csv", dtype=str).to_excel(
                writer, sheet_name=name, index=False
            )
    spoilt = tmp_path / "export.xlsx"
    spoilt.write_bytes(spoil(book.read_bytes()))
    with pytest.raises(ExportError) as raised:
        located_export(spoilt)  # what run checks before a kernel starts
    assert [str(p) for p in raised.value.problems] == [
        f"export.xlsx: not a readable Excel workbook: {why}"
    ]


def test_a_parquet_file_with_more_columns_than_a_file_may_have_is_refused(tmp_path: Path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    pd.DataFrame({f"c{i}": [1] for i in range(1_001)}).to_parquet(folder / "customers.parquet")
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    assert [str(p) for p in raised.value.problems] == [
        "customers.parquet: the header has 1,001 columns, more than the 1,000 a file of the "
        "export may have: is it the right file?"
    ]
