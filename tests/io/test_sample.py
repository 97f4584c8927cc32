"""Tests for helpers.sample: the fictional export is deterministic, valid and tells its story.

The story checks read the written CSV files back with plain pandas, as a reader of the export
would, and do not use the generator's internals.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.io.sample import TABLE_COLUMNS, generate_export, main, write_export

SAMPLE_FOLDER = Path(__file__).resolve().parents[2] / "data" / "sample"
FIRST_DAY = pd.Timestamp("2024-10-01")
AS_OF = pd.Timestamp("2026-09-30")
LAST_QUARTER_START = pd.Timestamp("2026-07-01")
TABLES = list(TABLE_COLUMNS)


def read_export(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table as text, blanks as "" (what is in the files, nothing inferred)."""
    return {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in TABLES
    }


def day(values: pd.Series) -> pd.Series:
    """ISO date text -> Timestamp; blank -> NaT."""
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The default sample, written to CSV and read back as text."""
    folder = tmp_path_factory.mktemp("sample")
    write_export(generate_export(), folder)
    return read_export(folder)


@pytest.fixture(scope="module")
def size_band(export: dict[str, pd.DataFrame]) -> pd.Series:
    """EU SME size band per customer_id: from employees, else the given band ("" if neither)."""
    customers = export["customers"]
    employees = pd.to_numeric(customers["employees"].replace("", None))
    derived = pd.cut(
        employees,
        bins=[0, 10, 50, 250, np.inf],
        right=False,
        labels=["micro", "small", "medium", "large"],
    ).astype(object)
    band = derived.where(employees.notna(), customers["size_band"])
    return pd.Series(band.to_numpy(), index=customers["customer_id"])


@pytest.fixture(scope="module")
def invoices(export: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """invoices with dates and amounts parsed."""
    table = export["invoices"].copy()
    for column in ["issued_on", "due_on", "paid_on"]:
        table[column] = day(table[column])
    table["amount"] = table["amount"].astype(float)
    return table


# --- Determinism --------------------------------------------------------------------------------


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    paths = write_export(generate_export(), tmp_path)
    assert [p.name for p in paths] == [f"{name}.csv" for name in TABLES]
    for path in paths:
        committed = SAMPLE_FOLDER / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run `python -m helpers.sample`"
        )


def test_same_seed_gives_the_same_tables_and_another_seed_others() -> None:
    first, again, other = generate_export(60), generate_export(60), generate_export(60, seed=7)
    for name in TABLES:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["invoices"]["amount"].equals(other["invoices"]["amount"])
    assert not first["customers"]["name"].equals(other["customers"]["name"])


def test_written_files_are_utf8_with_unix_line_ends(tmp_path: Path) -> None:
    write_export(generate_export(40), tmp_path)
    for name in TABLES:
        raw = (tmp_path / f"{name}.csv").read_bytes()
        raw.decode("utf-8")
        assert b"\r" not in raw
        assert raw.endswith(b"\n")


# --- Invariants ---------------------------------------------------------------------------------


def test_columns_follow_the_export_contract(export: dict[str, pd.DataFrame]) -> None:
    for name, columns in TABLE_COLUMNS.items():
        assert list(export[name].columns) == columns


def test_ids_are_unique_and_references_known(export: dict[str, pd.DataFrame]) -> None:
    customer_ids = export["customers"]["customer_id"]
    assert customer_ids.is_unique
    assert export["customers"]["name"].is_unique
    assert export["invoices"]["invoice_id"].is_unique
    assert export["invoices"]["invoice_id"].str.fullmatch(r"INV-\d{6}").all()
    for name in ["invoices", "time_entries", "assessments"]:
        assert export[name]["customer_id"].isin(customer_ids).all(), name


def test_invoice_dates_and_amounts_are_consistent(
    export: dict[str, pd.DataFrame], invoices: pd.DataFrame
) -> None:
    assert (invoices["due_on"] >= invoices["issued_on"]).all()
    paid = invoices.dropna(subset=["paid_on"])
    assert (paid["paid_on"] >= paid["issued_on"]).all()
    # amounts: dot decimal separator, exactly 2 decimals, no thousands separator
    assert export["invoices"]["amount"].str.fullmatch(r"\d+\.\d{2}").all()
    assert (invoices["amount"] > 0).all()


def test_hours_are_positive_quarter_hours_of_at_most_12(export: dict[str, pd.DataFrame]) -> None:
    hours = export["time_entries"]["hours"].astype(float)
    assert (hours > 0).all()
    assert (hours <= 12).all()
    assert ((hours * 4) % 1 == 0).all()


def test_dates_are_iso_and_within_the_two_years(
    export: dict[str, pd.DataFrame], invoices: pd.DataFrame
) -> None:
    # due_on may fall after the as-of date (invoices issued in the last weeks), customer_since
    # before the window (long-standing customers); every other date is inside the window.
    dated = [
        invoices["issued_on"],
        invoices["paid_on"].dropna(),
        day(export["time_entries"]["date"]),
        day(export["assessments"]["assessed_on"]),
    ]
    for dates in dated:
        assert dates.notna().all()
        assert dates.between(FIRST_DAY, AS_OF).all()
    assert day(export["customers"]["customer_since"]).le(AS_OF).all()


def test_assessment_answers_are_yes_no_or_blank(export: dict[str, pd.DataFrame]) -> None:
    answers = export["assessments"][TABLE_COLUMNS["assessments"][2:9]]
    assert answers.isin(["yes", "no", ""]).all().all()
    # one assessment per customer and date, so "the latest" is well defined
    assert not export["assessments"].duplicated(["customer_id", "assessed_on"]).any()


def test_customer_fields_have_the_expected_shapes(export: dict[str, pd.DataFrame]) -> None:
    customers = export["customers"]
    assert customers["employees"].str.fullmatch(r"\d*").all()
    assert customers["potential_annual_spend"].str.fullmatch(r"\d*").all()
    assert customers["size_band"].isin(["micro", "small", "medium", "large", ""]).all()
    # the size band is given only where employees is blank; a few customers have neither
    assert (customers.loc[customers["size_band"] != "", "employees"] == "").all()
    both_blank = (customers["employees"] == "") & (customers["size_band"] == "")
    assert 2 <= both_blank.sum() <= 3
    assert 0.08 <= (customers["potential_annual_spend"] == "").mean() <= 0.25


# --- The story ----------------------------------------------------------------------------------


def test_large_customers_pay_late_but_pay(invoices: pd.DataFrame, size_band: pd.Series) -> None:
    weighted = days_late_by_customer(invoices)
    large_and_late = weighted[(size_band.reindex(weighted.index) == "large") & (weighted > 25)]
    assert len(large_and_late) >= 3


def test_some_small_customers_pay_late(invoices: pd.DataFrame, size_band: pd.Series) -> None:
    weighted = days_late_by_customer(invoices)
    small = size_band.reindex(weighted.index).isin(["micro", "small"])
    assert (weighted[small] > 10).sum() >= 5


def days_late_by_customer(invoices: pd.DataFrame) -> pd.Series:
    """Amount-weighted average days late (paid_on - due_on) of paid invoices, per customer_id."""
    paid = invoices.dropna(subset=["paid_on"])
    days_late = (paid["paid_on"] - paid["due_on"]).dt.days
    weighted = (days_late * paid["amount"]).groupby(paid["customer_id"]).sum()
    return weighted / paid.groupby("customer_id")["amount"].sum()


def test_two_or_three_customers_do_not_pay(invoices: pd.DataFrame) -> None:
    unpaid = invoices[invoices["paid_on"].isna()]
    long_overdue = unpaid[(AS_OF - unpaid["due_on"]).dt.days > 90]
    assert long_overdue["customer_id"].nunique() in (2, 3)
    # and the last weeks' invoices are open but not yet due
    assert (unpaid["due_on"] > AS_OF).sum() > 0


def test_revenue_is_heavy_tailed(invoices: pd.DataFrame) -> None:
    revenue = invoices.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top_tenth = revenue.head(int(np.ceil(len(revenue) / 10)))
    assert top_tenth.sum() / revenue.sum() > 0.4


def test_some_customers_bring_little_per_hour(
    export: dict[str, pd.DataFrame], invoices: pd.DataFrame
) -> None:
    entries = export["time_entries"].assign(
        date=lambda t: day(t["date"]), hours=lambda t: t["hours"].astype(float)
    )
    hours = entries[entries["date"] >= LAST_QUARTER_START].groupby("customer_id")["hours"].sum()
    quarter = invoices[invoices["issued_on"] >= LAST_QUARTER_START]
    revenue = quarter.groupby("customer_id")["amount"].sum().reindex(hours.index, fill_value=0)
    revenue_per_hour = revenue / hours
    assert (revenue_per_hour < revenue_per_hour.median() / 5).sum() >= 5


def test_many_customers_were_never_assessed(export: dict[str, pd.DataFrame]) -> None:
    assessed = export["assessments"]["customer_id"].unique()
    never = ~export["customers"]["customer_id"].isin(assessed)
    assert never.sum() >= 20
    assert 0.75 <= 1 - never.mean() <= 0.95


def test_some_assessments_override_with_a_reason(export: dict[str, pd.DataFrame]) -> None:
    assessments = export["assessments"]
    overrides = assessments[["repeat_business", "spend", "service", "upsell"]] != ""
    overridden = assessments[overrides.any(axis=1)]
    assert 0 < len(overridden) < len(assessments) / 4
    assert (overridden["notes"] != "").all()
    poor = (assessments["values_aligned"] == "no") & (assessments["right_reasons"] == "no")
    assert poor.sum() >= 3


def test_names_include_ampersands_and_non_ascii(export: dict[str, pd.DataFrame]) -> None:
    names = export["customers"]["name"]
    assert names.str.contains("&", regex=False).any()
    assert names.str.contains("OÜ|AS$").any()
    assert names.str.contains("有限公司", regex=False).any()


# --- Scale and command line ---------------------------------------------------------------------


def test_a_larger_company_scales_linearly() -> None:
    tables = generate_export(2000, seed=1)
    assert len(tables["customers"]) == 2000
    assert 35_000 <= len(tables["invoices"]) <= 65_000
    assert 25 * 2000 <= len(tables["time_entries"]) <= 45 * 2000
    assert tables["customers"]["name"].is_unique
    assert tables["invoices"]["invoice_id"].is_unique


def test_command_line_writes_the_four_files(tmp_path: Path) -> None:
    main(["--customers", "30", "--seed", "3", "--out", str(tmp_path / "out")])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{name}.csv" for name in TABLES
    )


def test_the_customers_let_go_had_churned(export) -> None:
    decisions = export["decisions"].assign(decided_on=lambda f: pd.to_datetime(f["decided_on"]))
    assert len(decisions) == 3  # 1% of 300 customers, at least three
    assert (decisions["decision"] == "let_go").all()
    invoices = export["invoices"].assign(issued_on=lambda f: pd.to_datetime(f["issued_on"]))
    last_invoice = invoices.groupby("customer_id")["issued_on"].max()
    for row in decisions.itertuples():
        # Their business ended within the three months' notice that followed the decision.
        assert row.decided_on <= last_invoice[row.customer_id] + pd.Timedelta(days=91)
        assert last_invoice[row.customer_id] <= row.decided_on + pd.Timedelta(days=91)
        assert last_invoice[row.customer_id] < AS_OF - pd.Timedelta(days=90)
