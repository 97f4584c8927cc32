"""The starter config ``customer-review init`` writes: guessed from an export's own files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from helpers.app.cli import main
from helpers.io.starter import starter_config
from tests.support import GERMAN_HEADERS, write_german_export


def test_starter_config_guesses_a_german_export(tiny_export: Path, tmp_path: Path):
    export = write_german_export(tiny_export, tmp_path / "german")
    output = tmp_path / "companies" / "baecker.toml"
    text, notes = starter_config(export, "Bäcker GmbH", output)
    config = tomllib.loads(text)
    assert config["company"] == "Bäcker GmbH"
    assert config["export"]["path"] == "../german"  # relative to the config's folder
    # The tiny export's German files: semicolons, 01.07.2026, 1.500,00.
    assert config["export"]["delimiter"] == ";"
    assert config["export"]["date_format"] == "%d.%m.%Y"
    assert (config["export"]["decimal"], config["export"]["thousands"]) == (",", ".")
    assert config["export"]["files"]["invoices"] == "Rechnungen.csv"
    # Every German header present in the files is mapped to the column it came from.
    for table in ("customers", "invoices", "time_entries", "assessments"):
        present = pd.read_csv(export / config["export"]["files"][table], sep=";", nrows=0)
        expected = {
            theirs: ours
            for ours, theirs in GERMAN_HEADERS[table].items()
            if theirs in present.columns
        }
        mapped = config["columns"].get(table, {})
        assert {k: v for k, v in mapped.items() if k in expected} == expected, table
    assert config["values"]["answer"] == {"ja": "yes", "nein": "no"}  # JA and Nein fold
    assert notes == []


def test_starter_config_gives_each_file_its_date_format_when_they_differ(
    tiny_export: Path, tmp_path: Path
):
    # The time tracker writes 05.07.2026 where the rest writes ISO: each table gets its own
    # format (customers.csv holds no dates), and the config the starter writes reads the
    # export as it is.
    time = tiny_export / "time_entries.csv"
    frame = pd.read_csv(time, dtype=str)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%d.%m.%Y")
    frame.to_csv(time, index=False)
    output = tmp_path / "tiny.toml"
    text, notes = starter_config(tiny_export, "Tiny", output)
    assert tomllib.loads(text)["export"]["date_format"] == {
        "invoices": "%Y-%m-%d",
        "time_entries": "%d.%m.%Y",
        "assessments": "%Y-%m-%d",
    }
    output.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--config", str(output)])
    assert result.exit_code == 0, result.output
    assert "time_entries.csv: 9 rows, read as UTF-8, comma, dates DD.MM.YYYY" in result.output


def test_init_then_edit_the_guess_then_render(tiny_export: Path, tmp_path: Path):
    export = write_german_export(tiny_export, tmp_path / "german")
    invoices = export / "Rechnungen.csv"
    invoices.write_text(
        invoices.read_text(encoding="utf-8-sig").replace("Kundennr", "KdNr"), "utf-8"
    )
    config_path = tmp_path / "companies" / "baecker.toml"
    runner = CliRunner()
    result = runner.invoke(
        main, ["init", str(export), "--company", "Bäcker GmbH", "--output", str(config_path)]
    )
    assert result.exit_code == 0, result.output
    assert "invoices: no header found for the required column customer_id" in result.output

    result = runner.invoke(main, ["validate", "--config", str(config_path)])
    assert result.exit_code == 2
    assert "Rechnungen.csv, row 1, column customer_id: required column" in result.output

    # The user confirms the guesses and names the one header that was not recognised, and
    # has amounts written the German way and the fire candidates named in German.
    text = config_path.read_text(encoding="utf-8")
    text = text.replace("[columns.invoices]\n", '[columns.invoices]\nKdNr = "customer_id"\n')
    text = text.replace('number_locale = "en"', 'number_locale = "de_DE"')
    text = text.replace("[labels]\n", '[labels]\ntoo_new = "Zu neu zum Urteilen"\n')
    config_path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", "--config", str(config_path)])
    assert result.exit_code == 0, result.output
    assert "Rechnungen.csv: 11 rows" in result.output

    again = runner.invoke(main, ["init", str(export), "--output", str(config_path)])
    assert again.exit_code == 2 and "pass --force" in again.output  # nothing overwritten

    reports = tmp_path / "reports"
    result = runner.invoke(
        main,
        ["run", "--config", str(config_path), "--period", "2026-Q3", "--reports", str(reports)]
        + ["--engine", "inprocess"],
    )
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(reports / "backer-gmbh" / "2026-Q3" / "customer_scores.csv")
    # The same numbers as the export in our own contract: A's 1,000 + 3,000 + 2,000 in Q3
    # over 20 hours, 9,000 in the twelve months to 30 September (1,500 in December and in
    # February too). B's 400 + 500 over 40 hours, less B1's 500 unpaid 122 days: 10 an hour.
    by_id = scores.set_index("customer_id")
    assert by_id.loc["A", "period_revenue"] == 6000 and by_id.loc["A", "period_hours"] == 20
    assert by_id.loc["A", "revenue"] == 9000
    assert by_id.loc["B", "revenue_per_hour"] == 10
    # Q3 revenue: A 1,000 + 3,000 + 2,000, B 400, C 250 - 50 credit = 6,600, in German
    # "6.600 €" with a no-break space. B, a customer since its first invoice on 1 May, is
    # younger than the six months' minimum tenure: too new to judge, named as the config says
    # in the review and by its language-neutral code in the scores.
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "6.600\u00a0€" in index
    review = (reports / "backer-gmbh" / "2026-Q3" / "review.html").read_text(encoding="utf-8")
    assert "6.600\u00a0€" in review and "Zu neu zum Urteilen" in review
    assert by_id.loc["B", "band"] == "too_new"


def test_init_names_a_file_that_is_not_csv(tiny_export: Path, tmp_path: Path):
    # The same reading as validate and run: a workbook saved under a .csv name is named.
    (tiny_export / "invoices.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00")
    result = CliRunner().invoke(
        main, ["init", str(tiny_export), "--output", str(tmp_path / "t.toml")]
    )
    assert result.exit_code == 2, result.output
    assert "invoices.csv: the file is a ZIP archive or an Excel workbook" in result.output
    assert not (tmp_path / "t.toml").exists()
