"""Checking an export against the contract: every problem named by file, row and column."""

from pathlib import Path

import pytest

from helpers.errors import ExportError
from helpers.io.export import load_export
from helpers.io.reading import Reading
from tests.support import TINY_EXPORT, write_export


def problems_of(tmp_path: Path, reading: Reading | None = None, **changed: str) -> list[str]:
    """The problems reported for the tiny export with some files replaced (name=CSV text),
    read as ``reading`` says."""
    files = dict(TINY_EXPORT)
    for name, text in changed.items():
        files[f"{name}.csv"] = text
    folder = write_export(tmp_path / "bad", files)
    with pytest.raises(ExportError) as raised:
        load_export(folder, reading or Reading())
    return [str(problem) for problem in raised.value.problems]


def test_the_tiny_export_passes(tiny_export: Path):
    load_export(tiny_export)


def test_missing_required_column_names_the_file_and_the_columns_found(tmp_path: Path):
    problems = problems_of(
        tmp_path,
        invoices="""\
        invoice_id,customer_id,issued_on,due_on,total
        A1,A,2026-07-01,2026-07-31,1000
        """,
    )
    assert problems == [
        "invoices.csv, row 1, column amount: required column 'amount' is missing "
        "(columns found: invoice_id, customer_id, issued_on, due_on, total)"
    ]


def test_duplicate_id_names_both_rows(tmp_path: Path):
    # Rows count as in a spreadsheet: the header is row 1, C002 is on rows 3 and 4.
    problems = problems_of(
        tmp_path,
        customers="""\
        customer_id,name
        A,Alpha
        B,Beta
        B,Beta again
        C,Gamma
        D,Delta
        E,Epsilon
        """,
    )
    assert problems == [
        "customers.csv, row 3, column customer_id: 'B' appears more than once; "
        "each value must be unique",
        "customers.csv, row 4, column customer_id: 'B' appears more than once; "
        "each value must be unique",
    ]


def test_unparseable_date_and_amount_and_unknown_customer(tmp_path: Path):
    problems = problems_of(
        tmp_path,
        invoices="""\
        invoice_id,customer_id,issued_on,due_on,paid_on,amount
        A1,A,2026-07-01,2026-07-31,,1000
        A2,A,2026-13-01,2026-07-31,,1000
        A3,A,2026-07-01,2026-07-31,,1.000.50
        A4,Z,2026-07-01,31.07.2026,,1000
        """,
    )
    assert problems == [
        "invoices.csv, row 3, column issued_on: '2026-13-01' is not a date written YYYY-MM-DD",
        "invoices.csv, row 4, column amount: '1.000.50' is not a number",
        "invoices.csv, row 5, column customer_id: 'Z' is not a customer_id listed in customers.csv",
        "invoices.csv, row 5, column due_on: '31.07.2026' is not a date written YYYY-MM-DD",
    ]


def test_time_entry_for_unknown_customer_and_impossible_hours(tmp_path: Path):
    problems = problems_of(
        tmp_path,
        time_entries="""\
        customer_id,date,hours
        A,2026-07-05,10
        Q,2026-07-05,2
        A,2026-07-06,30
        A,2026-07-07,-1
        A,2026-07-08,
        """,
    )
    assert problems == [
        "time_entries.csv, row 3, column customer_id: 'Q' is not a customer_id listed in "
        "customers.csv",
        "time_entries.csv, row 4, column hours: '30' hours in one entry, more than the 24 an "
        "entry may hold (max_hours_per_entry under [export] in the config)",
        "time_entries.csv, row 5, column hours: '-1' is not at least 0",
        "time_entries.csv, row 6, column hours: is blank, but a value is required",
    ]


def test_the_hours_one_entry_may_hold_are_the_configs(tmp_path: Path):
    # A limit of 10: row 4's 10.5 breaks it; row 5's 10 is exactly the limit. Rows 2 and 3,
    # 9 + 2 hours for A on one day, are not added up: two people may have worked them.
    time = """\
        customer_id,date,hours
        A,2026-07-05,9
        A,2026-07-05,2
        A,2026-07-06,10.5
        B,2026-07-05,10
        """
    assert problems_of(tmp_path, Reading(max_hours_per_entry=10), time_entries=time) == [
        "time_entries.csv, row 4, column hours: '10.5' hours in one entry, more than the 10 an "
        "entry may hold (max_hours_per_entry under [export] in the config)"
    ]


def test_time_for_unknown_customers_can_be_left_out_when_the_config_allows(tmp_path: Path):
    # Rows 3 and 5 are for Q and Z, who are not customers: 2 + 1.5 = 3.5 hours left out.
    # Row 6 is still wrong and must still be named by its own row, not shifted up by two.
    files = dict(TINY_EXPORT)
    files["time_entries.csv"] = """\
        customer_id,date,hours
        A,2026-07-05,10
        Q,2026-07-05,2
        A,2026-07-06,4
        Z,2026-07-07,1.5
        A,2026-07-08,-3
        """
    folder = write_export(tmp_path / "orphans", files)
    allow = Reading(drop_time_for_unknown_customers=True)
    with pytest.raises(ExportError) as raised:
        load_export(folder, allow)
    assert [str(p) for p in raised.value.problems] == [
        "time_entries.csv, row 6, column hours: '-3' is not at least 0"
    ]
    (folder / "time_entries.csv").write_text(
        (folder / "time_entries.csv").read_text().replace("-3", "3"), encoding="utf-8"
    )
    export = load_export(folder, allow)
    assert export.time_entries["hours"].tolist() == [10, 4, 3]
    [dropped] = export.dropped
    assert dropped.file == "time_entries.csv"
    assert dropped.rows == (3, 5)
    assert dropped.meaning.startswith(
        "3.5 hours logged for customer ids not in customers.csv (Q, Z)"
    )
    # Without the setting, the same rows are refused.
    with pytest.raises(ExportError, match="row 3, column customer_id: 'Q' is not a customer_id"):
        load_export(folder)


def test_assessment_answers_are_yes_no_or_blank(tmp_path: Path):
    problems = problems_of(
        tmp_path,
        assessments="""\
        customer_id,assessed_on,influencer,right_reasons,values_aligned
        A,2026-06-01,yes,maybe,
        """,
    )
    assert problems == [
        "assessments.csv, row 2, column right_reasons: 'maybe' is not yes, no or blank"
    ]


def test_missing_required_file_and_empty_file(tmp_path: Path):
    folder = write_export(tmp_path / "bad", {"customers.csv": "customer_id,name\n"})
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    assert [str(p) for p in raised.value.problems] == [
        "invoices.csv: the file is missing from the export",
        "customers.csv: the file holds no rows",
    ]


def test_message_lists_every_problem_with_a_count(tmp_path: Path):
    lines = "\n".join(f"C{n},Name {n},many" for n in range(30))
    folder = write_export(
        tmp_path / "bad",
        {
            "customers.csv": "customer_id,name,employees\n" + lines + "\n",
            "invoices.csv": "invoice_id,customer_id,issued_on,due_on,amount\n",
        },
    )
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    message = str(raised.value)
    # 30 bad headcounts, and an invoices file with no rows.
    assert message.startswith(f"The export {folder} cannot be reviewed: 31 problem(s) found.")
    assert "customers.csv, row 2, column employees: 'many' is not a number" in message
    assert message.endswith("... and 6 more of the same kinds.")


def test_a_row_with_too_many_values_names_the_row(tmp_path: Path):
    # An unquoted decimal comma splits "1.000,50" into two values on line 4 of the file.
    problems = problems_of(
        tmp_path,
        invoices="""\
        invoice_id,customer_id,issued_on,due_on,paid_on,amount
        A1,A,2026-07-01,2026-07-31,,1000
        A2,A,2026-07-01,2026-07-31,,1000
        A3,A,2026-07-01,2026-07-31,,1.000,50
        """,
    )
    assert problems == [
        "invoices.csv, row 4: the row has 7 values but the header has 6 "
        "(a comma inside a value that is not in quotes?)"
    ]


def test_empty_file_and_file_that_is_not_text(tmp_path: Path):
    assert problems_of(tmp_path / "empty", invoices="") == [
        "invoices.csv: the file is empty: not even a header row"
    ]
    folder = write_export(tmp_path / "binary", TINY_EXPORT)
    (folder / "invoices.csv").write_bytes(b"invoice_id,amount\n\xff\xfe\x00garbage\n")
    with pytest.raises(ExportError, match=r"invoices.csv: the file is not text \(it holds NUL"):
        load_export(folder)


def test_a_control_character_is_named_wherever_it_is_in_a_text(tmp_path: Path):
    # One customer per code point from U+0000 to U+01FF, its name "a<character>b", quoted so
    # that line breaks stay in the name. The characters no text may hold: the C0 controls
    # U+0000 to U+001F but tab (U+0009), line feed (U+000A) and carriage return (U+000D),
    # then DEL (U+007F) and the C1 controls U+0080 to U+009F: 32 - 3 + 1 + 32 = 62 names.
    control = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]
    assert len(control) == 62
    rows = [f'"{code:04X}","a{chr(code)}b"' for code in range(0x200) if chr(code) != '"']
    customers = "customer_id,name\n" + "\n".join([*(f"{c},{c}" for c in "ABCDE"), *rows]) + "\n"
    folder = write_export(tmp_path / "export", TINY_EXPORT)
    (folder / "customers.csv").write_text(customers, encoding="utf-8", newline="")
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    named = [(problem.row, problem.message) for problem in raised.value.problems]
    codes = [code for code in range(0x200) if chr(code) != '"']
    # Rows 2 to 6 are the tiny export's A to E; the customer of codes[i] is on row 7 + i.
    assert named == [
        (
            7 + codes.index(code),
            f"the text holds the control character U+{code:04X}, which no name, line or "
            "note may: remove it",
        )
        for code in control
    ]


def test_each_load_is_checked_on_its_own_rows_and_limits(tmp_path: Path):
    # The checks query of a table is compiled once for its shape and kept: loads of the same
    # shape with other rows and another hours limit must still be told their own problems.
    def time(hours: str) -> str:
        return f"customer_id,date,hours\nA,2026-07-05,{hours}\nB,2026-07-06,3\n"

    # 12 hours are within the contract's 24, beyond a limit of 10; -1 is below 0.
    passing = write_export(tmp_path / "a", {**TINY_EXPORT, "time_entries.csv": time("12")})
    assert load_export(passing).time_entries["hours"].tolist() == [12, 3]
    ten = Reading(max_hours_per_entry=10)
    assert problems_of(tmp_path / "b", ten, time_entries=time("12")) == [
        "time_entries.csv, row 2, column hours: '12' hours in one entry, more than the 10 an "
        "entry may hold (max_hours_per_entry under [export] in the config)"
    ]
    assert problems_of(tmp_path / "c", time_entries=time("-1")) == [
        "time_entries.csv, row 2, column hours: '-1' is not at least 0"
    ]
