"""Exports in every dialect their systems write: encodings, delimiters, numbers and dates found
from the data, and the same tables read from each."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.errors import ExportError
from helpers.io.encodings import legacy_encoding
from helpers.io.export import load_export
from helpers.io.formats import (
    DetectionError,
    Dialect,
    detect_date_format,
    detect_date_formats,
    detect_number_format,
    parse_amounts,
)
from helpers.io.reading import Reading

NB = "\u00a0"


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "value"),
    [
        ("€1 234,50", ",", ".", 1234.5),
        (f"€1{NB}234,50", ",", ".", 1234.5),
        ("1.234,50", ",", ".", 1234.5),
        ("$1,234.50", ".", ",", 1234.5),
        ("¥3,000", ".", ",", 3000.0),
        ("EUR 12", ".", ",", 12.0),
        ("12 EUR", ".", ",", 12.0),
        ("-12", ".", ",", -12.0),
        ("(12)", ".", ",", -12.0),  # a credit note, as accountants write it
        ("(€1.234,50)", ",", ".", -1234.5),
        ("12-", ".", ",", -12.0),  # SAP's trailing minus
        ("−€50", ".", ",", -50.0),  # the minus sign U+2212
        ("1'234.50", ".", ",", 1234.5),  # Swiss grouping
        ("1.5E+3", ".", ",", 1500.0),  # a spreadsheet's large number
        (",5", ",", ".", 0.5),
        # Not amounts: groups of other than three digits, two signs, unbalanced parentheses.
        ("1.2.3", ",", ".", math.nan),
        ("12 34", ".", ",", math.nan),
        ("--12", ".", ",", math.nan),
        ("(12", ".", ",", math.nan),
        ("twelve", ".", ",", math.nan),
        ("inf", ".", ",", math.nan),
    ],
)
def test_amounts_are_read_as_people_write_them(text, decimal, thousands, value):
    parsed = parse_amounts(pd.Series([text], dtype=object), decimal, thousands).iloc[0]
    assert (math.isnan(parsed) and math.isnan(value)) or parsed == value


@pytest.mark.parametrize(
    ("amounts", "separators"),
    [
        (["1.234,50", "12"], (",", ".")),  # both marks: the last one is the decimal
        (["1,234.50"], (".", ",")),
        (["1,234,567"], (".", ",")),  # repeated: it groups
        (["12,5", "7"], (",", ".")),  # not followed by three digits: a decimal
        (["€1 234,50"], (",", ".")),
        (["¥3,000", "¥12,000"], (".", ",")),  # whole amounts grouped: the usual reading
        (["12", "7"], (".", ",")),  # nothing to tell: the contract's own
    ],
)
def test_the_decimal_separator_is_found_from_amounts_that_tell(amounts, separators):
    assert detect_number_format(amounts) == separators


def test_amounts_written_two_ways_ask_for_the_setting():
    with pytest.raises(DetectionError, match="set decimal"):
        detect_number_format(["1,5", "2.25"])


def test_dates_that_fit_both_day_orders_ask_for_the_format():
    dates = {"invoices.csv, column issued_on": pd.Series(["01/07/2026", "11/07/2026"])}
    with pytest.raises(DetectionError, match="DD/MM/YYYY or MM/DD/YYYY"):
        detect_date_format(dates)
    dates["invoices.csv, column due_on"] = pd.Series(["31/07/2026"])  # a day above 12 tells
    assert detect_date_format(dates) == "%d/%m/%Y"


NAMES = ["Männiku OÜ", "Õunapuu AS", "Šokolaadi Tööstus OÜ", "Bäcker & Söhne GmbH"]
CHINESE = ["杭州安澜机械有限公司", "北京华信科技有限公司"]


@pytest.mark.parametrize(
    ("encoding", "names"),
    [
        ("utf-8", NAMES + CHINESE),
        ("utf-8-sig", NAMES + CHINESE),  # Excel's "CSV UTF-8"
        ("utf-16", NAMES + CHINESE),  # Excel's "Unicode text", with its byte-order mark
        ("cp1252", NAMES),  # Windows in Western Europe; it cannot write Chinese
        ("gb18030", NAMES + CHINESE),
        ("gb18030", CHINESE),
    ],
)
def test_chinese_and_estonian_names_round_trip_in_every_encoding(tmp_path, encoding, names):
    ids = [f"C{i}" for i in range(len(names))]
    customers = pd.DataFrame({"customer_id": ids, "name": names, "employees": 12})
    invoices = pd.DataFrame(
        {
            "invoice_id": [f"I{i}" for i in range(len(names))],
            "customer_id": ids,
            "issued_on": "2026-07-15",
            "due_on": "2026-08-14",
            "amount": "1250.50",
        }
    )
    delimiter = "\t" if encoding == "utf-16" else ";"
    for name, frame in (("customers", customers), ("invoices", invoices)):
        frame.to_csv(tmp_path / f"{name}.csv", sep=delimiter, index=False, encoding=encoding)
    export = load_export(tmp_path)
    assert export.customers["name"].tolist() == names
    assert export.invoices["amount"].tolist() == [1250.5] * len(names)


def test_text_that_reads_as_both_legacy_encodings_is_refused_not_garbled():
    # "1.234,50 €" in GB18030 is "1.234,50 ¢ã" in cp1252: nothing in it tells which is meant.
    with pytest.raises(DetectionError, match="reads as both cp1252"):
        legacy_encoding("1.234,50 €".encode("gb18030"))


def test_a_file_from_another_system_is_named_not_garbled(tmp_path: Path):
    # Customers from a Chinese system (GB18030), invoices from a German one (cp1252): judged
    # together as one, the invoices would read as GB18030 ("Beratung f黵 Gr鲞e"). Each file
    # holds enough letters outside ASCII (8 bytes or more) to tell on its own.
    ids = ["C1", "C2", "C3", "C4"]
    names = ["杭州安澜机械有限公司", "上海嘉木机械有限公司", "深圳前海科技有限公司", "广州白云贸易"]
    lines = [
        "Beratung für Größe",
        "Prüfung der Änderungen",
        "Schulung für Übersetzer",
        "Bürogrößen",
    ]
    pd.DataFrame({"customer_id": ids, "name": names}).to_csv(
        tmp_path / "customers.csv", index=False, encoding="gb18030"
    )
    pd.DataFrame(
        {
            "invoice_id": ["I1", "I2", "I3", "I4"],
            "customer_id": ids,
            "issued_on": "2026-07-15",
            "due_on": "2026-08-14",
            "amount": "100",
            "product_line": lines,
        }
    ).to_csv(tmp_path / "invoices.csv", index=False, encoding="cp1252")
    with pytest.raises(ExportError) as raised:
        load_export(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "invoices.csv: reads as cp1252 on its own, the export's other files as gb18030: the "
        "files may come from two systems. Save them all as UTF-8, or set encoding under "
        '[export] in the config, e.g. encoding = "gb18030"'
    ]


def test_a_file_in_an_encoding_nobody_writes_is_refused_not_garbled():
    with pytest.raises(DetectionError, match="not UTF-8, UTF-16, cp1252 or GB18030"):
        legacy_encoding(bytes(range(0x80, 0x100)) * 4)


# -- Any dialect, the same tables ---------------------------------------------------------

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d"]
# How a system writes 1234.5 (decimal, thousands, currency before, currency after).
NUMBER_STYLES = [
    (".", "", "", ""),
    (".", ",", "$", ""),
    (",", ".", "", " €"),
    (",", " ", "€", ""),
    (",", NB, "", " EUR"),
    (".", ",", "EUR ", ""),
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "gb18030"]


def written(amount: float, style: tuple[str, str, str, str]) -> str:
    decimal, thousands, before, after = style
    whole, cents = f"{abs(amount):,.2f}".split(".")
    number = whole.replace(",", thousands) + decimal + cents
    return f"({before}{number}{after})" if amount < 0 else f"{before}{number}{after}"


invoice_rows = st.lists(
    st.tuples(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
        st.integers(min_value=-500_000, max_value=50_000_000).map(lambda cents: cents / 100),
        st.integers(min_value=0, max_value=90),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=invoice_rows,
    names=st.lists(st.sampled_from(NAMES + CHINESE), min_size=1, max_size=6),
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    date_format=st.sampled_from(DATE_FORMATS),
    style=st.sampled_from(NUMBER_STYLES),
)
def test_any_dialect_reads_back_the_same_tables(
    tmp_path_factory, rows, names, encoding, delimiter, date_format, style
):
    if encoding == "cp1252":
        names = [n for n in names if n not in CHINESE] or NAMES[:1]
    ids = [f"K{i:03d}" for i in range(len(names))]
    # The 31st of December tells day from month in every format, as real exports do.
    rows = [(date(2025, 12, 31), 1234.5, 30), *rows]
    issued = [day for day, _, _ in rows]
    due = [day + pd.Timedelta(days=terms) for day, _, terms in rows]
    amounts = [amount for _, amount, _ in rows]
    customer = [ids[i % len(ids)] for i in range(len(rows))]
    folder = tmp_path_factory.mktemp("dialect")
    pd.DataFrame({"customer_id": ids, "name": names}).to_csv(
        folder / "customers.csv", sep=delimiter, index=False, encoding=encoding
    )
    pd.DataFrame(
        {
            "invoice_id": [f"R{i}" for i in range(len(rows))],
            "customer_id": customer,
            "issued_on": [d.strftime(date_format) for d in issued],
            "due_on": [d.strftime(date_format) for d in due],
            "amount": [written(a, style) for a in amounts],
        }
    ).to_csv(folder / "invoices.csv", sep=delimiter, index=False, encoding=encoding)

    try:
        export = load_export(folder)
    except ExportError as error:
        # Short text may read as well in cp1252 as in GB18030: then, and only then, the
        # export is refused with a request for the encoding, and reads once it is given.
        assert encoding in ("cp1252", "gb18030"), str(error)
        assert 'set encoding under [export] in the config, e.g. encoding = "gb18030"' in str(error)
        export = load_export(folder, Reading(dialect=Dialect(encoding=encoding)))

    assert export.customers["name"].tolist() == names
    invoices = export.invoices
    assert invoices["customer_id"].tolist() == customer
    assert invoices["issued_on"].dt.date.tolist() == issued
    assert invoices["due_on"].dt.date.tolist() == [pd.Timestamp(d).date() for d in due]
    assert invoices["amount"].tolist() == pytest.approx(amounts, abs=1e-9)


def test_a_date_column_in_a_workbook_may_hold_excel_serial_numbers(tmp_path: Path):
    # 46022 days after Excel's day 0 (30 December 1899) is 31 December 2025.
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as workbook:
        pd.DataFrame({"customer_id": ["A"], "name": ["Alpha Ltd"]}).to_excel(
            workbook, sheet_name="customers", index=False
        )
        pd.DataFrame(
            {
                "invoice_id": ["I1"],
                "customer_id": ["A"],
                "issued_on": [46022],
                "due_on": [46052],
                "amount": [1250.5],
            }
        ).to_excel(workbook, sheet_name="invoices", index=False)
    invoices = load_export(path).invoices
    assert invoices["issued_on"].iloc[0] == pd.Timestamp("2025-12-31")
    assert invoices["due_on"].iloc[0] == pd.Timestamp("2026-01-30")
    assert invoices["amount"].iloc[0] == 1250.5


def test_the_report_says_how_each_file_was_read(tmp_path: Path):
    frame = pd.DataFrame({"customer_id": ["A"], "name": ["Männiku OÜ"]})
    frame.to_csv(tmp_path / "customers.csv", sep=";", index=False, encoding="cp1252")
    pd.DataFrame(
        {"invoice_id": ["I"], "customer_id": ["A"], "issued_on": ["31.12.2025"],
         "due_on": ["30.01.2026"], "amount": ["1.250,50"]}
    ).to_csv(tmp_path / "invoices.csv", sep=";", index=False, encoding="cp1252")  # fmt: skip
    read_as = {f.name: f.read_as for f in load_export(tmp_path).files}
    assert read_as["customers.csv"] == "cp1252 (detected), semicolon"  # it holds no dates
    # ASCII only, so UTF-8 reads it.
    assert read_as["invoices.csv"] == "UTF-8 (detected), semicolon, dates DD.MM.YYYY"


def test_each_file_is_read_in_its_own_date_format(tmp_path: Path):
    # The accounting system writes DD.MM.YYYY, the time tracker MM/DD/YYYY: no one format
    # fits both files, so each is read on its own (31.12 and 12/31 tell the order of each).
    pd.DataFrame({"customer_id": ["A"], "name": ["Alpha"]}).to_csv(
        tmp_path / "customers.csv", index=False
    )
    pd.DataFrame(
        {"invoice_id": ["I", "J"], "customer_id": ["A", "A"],
         "issued_on": ["31.12.2025", "05.01.2026"], "due_on": ["30.01.2026", "04.02.2026"],
         "amount": ["10", "20"]}
    ).to_csv(tmp_path / "invoices.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"customer_id": ["A", "A"], "date": ["12/31/2025", "01/05/2026"], "hours": ["2", "3"]}
    ).to_csv(tmp_path / "time_entries.csv", index=False)
    export = load_export(tmp_path)
    days = ["2025-12-31", "2026-01-05"]
    assert export.invoices["issued_on"].dt.strftime("%Y-%m-%d").tolist() == days
    assert export.time_entries["date"].dt.strftime("%Y-%m-%d").tolist() == days


def test_a_file_whose_dates_fit_two_formats_takes_the_one_another_file_settles():
    # Time entries alone could be DD/MM or MM/DD; invoices' 31/12 settles DD/MM/YYYY, while
    # customers' ISO dates settle nothing about the time entries.
    formats = detect_date_formats(
        {
            "customers": {"customers.csv, column customer_since": pd.Series(["2024-01-31"])},
            "invoices": {"invoices.csv, column issued_on": pd.Series(["31/12/2025"])},
            "time_entries": {"time_entries.csv, column date": pd.Series(["01/02/2026"])},
        }
    )
    assert formats == {"customers": "%Y-%m-%d", "invoices": "%d/%m/%Y", "time_entries": "%d/%m/%Y"}
    # A format the config gives for another table settles it the same way.
    alone = {"time_entries": {"time_entries.csv, column date": pd.Series(["01/02/2026"])}}
    assert detect_date_formats(alone, known=["%m/%d/%Y"]) == {"time_entries": "%m/%d/%Y"}
    # Other files' ISO dates settle nothing: the file's own format is asked for.
    iso = {"customers.csv, column customer_since": pd.Series(["2024-01-31"])}
    with pytest.raises(DetectionError, match=r'date_format = \{ time_entries = "%d/%m/%Y" \}'):
        detect_date_formats({**alone, "customers": iso})


def test_an_export_that_cannot_tell_its_dates_is_refused(tmp_path: Path):
    pd.DataFrame({"customer_id": ["A"], "name": ["Alpha"]}).to_csv(
        tmp_path / "customers.csv", index=False
    )
    pd.DataFrame(
        {"invoice_id": ["I"], "customer_id": ["A"], "issued_on": ["01/02/2026"],
         "due_on": ["03/02/2026"], "amount": ["10"]}
    ).to_csv(tmp_path / "invoices.csv", index=False)  # fmt: skip
    with pytest.raises(ExportError, match="no day above 12 tells the order of day and month"):
        load_export(tmp_path)
