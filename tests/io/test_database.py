"""An export kept in a company's database (``helpers.io.database``), on a throwaway PostgreSQL
server (``tests.postgres``) holding the sample company's tables, typed as an ERP types them.

The review of the database must be the review of ``data/sample``, file for file; the
password must reach no file the run writes; and what breaks the contract, or a connection that
fails, is refused naming the connection, the table, the row's key and the column.

Skipped without PostgreSQL's server binaries, unless ``REVIEW_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from helpers.app.cli import main
from helpers.app.run import BAD_INPUT
from helpers.errors import ExportError
from helpers.io.database import load_database
from helpers.io.export import load_export
from helpers.io.reading import DatabaseReading, Reading
from tests.postgres import READER, Server, load_export_files, throwaway_server
from tests.support import ROOT, review_cell_notebook, sample_config
from tests.support import run_in_process as run

SAMPLE = ROOT / "data" / "sample"
PASSWORD_VARIABLE = "REVIEW_TEST_ERP_PASSWORD"


@pytest.fixture(scope="module")
def server():
    """A server whose database ``erp`` holds the sample's five tables."""
    with throwaway_server() as running:
        load_export_files(running, SAMPLE)
        yield running


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    return review_cell_notebook(tmp_path_factory.mktemp("notebook") / "customer_review.ipynb")


def database_like_sample(server: Server, name: str, tables: dict[str, str] | None = None) -> str:
    """A new database ``name`` on ``server`` holding the sample, its tables renamed as
    ``tables`` says; its owner's connection."""
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    made = replace(server, database=name)
    load_export_files(made, SAMPLE, tables)
    return made.url


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.mark.parametrize("aggregated", ["here", "there"])
def test_the_review_of_the_database_is_the_review_of_the_files(
    server, notebook, tmp_path, monkeypatch, aggregated
):
    # Copied into the embedded engine ("here"), or aggregated in the database ("there").
    monkeypatch.setenv(PASSWORD_VARIABLE, server.reader_password)
    config = sample_config(
        tmp_path / "companies",
        f'connection = "{server.url_as(READER)}"\npassword_env = "{PASSWORD_VARIABLE}"\n'
        f"aggregate_there = {str(aggregated == 'there').lower()}",
    )
    period = ["--period", "2026-Q3", "--as-of", "2026-11-30"]
    from_files = run(
        notebook, "--config", str(ROOT / "companies" / "fernhill.toml"), *period,
        "--reports", str(tmp_path / "files"),
    )  # fmt: skip
    from_database = run(
        notebook, "--config", str(config), *period, "--reports", str(tmp_path / "database")
    )
    assert from_files.exit_code == 0, from_files.output
    assert from_database.exit_code == 0, from_database.output
    written = tmp_path / "database" / "fernhill-software-ltd" / "2026-Q3"
    for name in ("customer_scores.csv", "actions.csv"):
        files = tmp_path / "files" / "fernhill-software-ltd" / "2026-Q3" / name
        assert (written / name).read_bytes() == files.read_bytes(), name
    # The password reaches no file of the run: not the notebook's parameters, its log, the
    # history or the index. The connection the run records is the one the config gives.
    everything = [path for path in (tmp_path / "database").rglob("*") if path.is_file()]
    assert len(everything) >= 5
    for path in everything:
        assert server.reader_password.encode() not in path.read_bytes(), path
    assert server.url_as(READER) in (written / "review.ipynb").read_text(encoding="utf-8")


def test_aggregated_there_the_reviews_queries_run_in_the_database(server):
    there = Reading(database=DatabaseReading(aggregate_there=True))
    export = load_database(server.url, there)
    assert export.tables.backend.name == "postgres"
    assert export.files[1].read_as == "postgres table, aggregated there"
    # Its joins on mapped columns are never nested loops over both tables (database.connect).
    [(nested,)] = export.tables.backend.raw_sql("SHOW enable_nestloop").fetchall()
    assert nested == "off"
    # The customers come back in the order of their ids, as the file lists them.
    assert export.customers.equals(load_export(SAMPLE).customers)
    export.tables.backend.disconnect()


def test_tables_views_and_queries_of_other_names_with_their_own_columns(server):
    # An ERP whose invoices are billing.rechnungen with a column Rechnungsnr, whose customers
    # are a view and whose time entries a query.
    url = database_like_sample(
        server, "erp_renamed", {"invoices": "billing.rechnungen", "time_entries": "zeiten"}
    )
    execute(
        url,
        'ALTER TABLE billing.rechnungen RENAME COLUMN invoice_id TO "Rechnungsnr"',
        "CREATE VIEW kunden AS SELECT * FROM customers",
    )
    reading = Reading(
        columns={"invoices": {"Rechnungsnr": "invoice_id"}},
        database=DatabaseReading(
            tables={
                "invoices": "billing.rechnungen",
                "customers": "kunden",
                "time_entries": "SELECT customer_id, date, hours, activity FROM zeiten",
            }
        ),
    )
    found = load_database(url, reading)
    files = load_export(SAMPLE)
    for name in ("customers", "invoices", "assessments", "decisions"):
        assert found.held.frame(name).equals(files.held.frame(name)), name
    # Time entries have no key of their own: ordered by customer and day, not as in the file.
    entries = found.held.frame("time_entries")
    expected = files.held.frame("time_entries")
    key = ["customer_id", "date", "hours", "activity"]
    assert (
        entries.sort_values(key)
        .reset_index(drop=True)
        .equals(expected.sort_values(key).reset_index(drop=True))
    )
    assert [(f.name, f.rows) for f in found.files] == [
        ("table kunden", 300),
        ("table billing.rechnungen", 7119),
        ("the query for time_entries", 9647),
        ("table assessments", 412),
        ("table decisions", 3),
    ]


def test_what_breaks_the_contract_is_named_by_table_key_and_column(server):
    url = database_like_sample(server, "erp_broken")
    execute(
        url,
        # INV-000001 twice; INV-000002 for a customer nobody knows; C0003's first entry of
        # 30 hours; C0002's potential spend below zero.
        "INSERT INTO invoices SELECT * FROM invoices WHERE invoice_id = 'INV-000001'",
        "UPDATE invoices SET customer_id = 'C9999' WHERE invoice_id = 'INV-000002'",
        "UPDATE time_entries SET hours = 30 WHERE customer_id = 'C0003' AND date = '2024-10-01'",
        "UPDATE customers SET potential_annual_spend = -5 WHERE customer_id = 'C0002'",
    )
    with pytest.raises(ExportError) as refused:
        load_database(url)
    lines = refused.value.report(limit=None).splitlines()
    assert lines[0] == f"The export {url} cannot be reviewed: 5 problem(s) found."
    assert lines[1:] == [
        "  - table customers, the row of customer_id 'C0002', column potential_annual_spend: "
        "-5.00 is not at least 0",
        "  - table invoices, the row of invoice_id 'INV-000001', column invoice_id: "
        "'INV-000001' appears more than once; each value must be unique",
        "  - table invoices, the row of invoice_id 'INV-000001', column invoice_id: "
        "'INV-000001' appears more than once; each value must be unique",
        "  - table invoices, the row of invoice_id 'INV-000002', column customer_id: "
        "'C9999' is not a customer_id listed in table customers",
        "  - table time_entries, the row of customer_id 'C0003' and date '2024-10-01', "
        "column hours: 30.00 hours in one entry, more than the 24 an entry may hold "
        "(max_hours_per_entry under [export] in the config)",
    ]


def test_a_column_of_the_wrong_type_and_a_missing_table_are_named(server):
    url = database_like_sample(server, "erp_typed_wrong")
    execute(url, "ALTER TABLE invoices ALTER COLUMN issued_on TYPE text")
    reading = Reading(database=DatabaseReading(tables={"decisions": "entscheidungen"}))
    with pytest.raises(ExportError) as refused:
        load_database(url, reading)
    assert [str(problem) for problem in refused.value.problems] == [
        f"table entscheidungen: there is no such table or view in {url}",
        "table invoices, column issued_on: is string in the database, not a date: select it "
        "as one (CAST in a view or in the query for the table)",
    ]


def test_a_database_that_cannot_be_reached_or_refuses_the_password(server, monkeypatch):
    gone = f"postgresql://{READER}@/erp?host={server.socket_folder / 'nowhere'}"
    with pytest.raises(ExportError) as refused:
        load_database(gone)
    assert str(refused.value.problems[0]).startswith(f"{gone}: cannot connect: connection ")
    monkeypatch.setenv(PASSWORD_VARIABLE, "not the password")
    wrong = Reading(database=DatabaseReading(password_env=PASSWORD_VARIABLE))
    with pytest.raises(ExportError) as refused:
        load_database(server.url_as(READER), wrong)
    said = str(refused.value)
    assert 'password authentication failed for user "reviewer"' in said
    assert "not the password" not in said
    monkeypatch.delenv(PASSWORD_VARIABLE)
    with pytest.raises(ExportError, match=f"the environment variable {PASSWORD_VARIABLE} "):
        load_database(server.url_as(READER), wrong)


def test_a_query_that_runs_too_long_is_stopped_and_named(server):
    slow = "SELECT c.* FROM customers c CROSS JOIN (SELECT pg_sleep(3)) AS pause"
    reading = Reading(database=DatabaseReading(tables={"customers": slow}, timeout_seconds=1))
    with pytest.raises(ExportError) as refused:
        load_database(server.url, reading)
    assert str(refused.value.problems[0]) == (
        f"{server.url}: the query for customers: the database stopped the check: "
        "canceling statement due to statement timeout"
    )


def test_a_failed_database_run_leaves_the_last_good_review_as_it_was(
    server, notebook, tmp_path, monkeypatch
):
    monkeypatch.setenv(PASSWORD_VARIABLE, server.reader_password)
    config = sample_config(
        tmp_path / "companies",
        f'connection = "{server.url_as(READER)}"\npassword_env = "{PASSWORD_VARIABLE}"',
    )
    reports = tmp_path / "reports"
    args = ["--config", str(config), "--period", "2026-Q3", "--reports", str(reports)]
    assert run(notebook, *args).exit_code == 0
    period = reports / "fernhill-software-ltd" / "2026-Q3"
    before = {path: path.read_bytes() for path in period.rglob("*") if path.is_file()}
    monkeypatch.setenv(PASSWORD_VARIABLE, "not the password")
    failed = run(notebook, *args, "--replace")
    assert failed.exit_code == BAD_INPUT, failed.output
    assert "password authentication failed" in failed.stderr
    assert {path: path.read_bytes() for path in period.rglob("*") if path.is_file()} == before


def test_validate_lists_the_tables_of_a_database_as_read(server):
    checked = CliRunner().invoke(main, ["validate", "--export", server.url])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.splitlines()[:6] == [
        f"The export {server.url} can be reviewed:",
        "  - table customers: 300 rows, read as postgres table",
        "  - table invoices: 7,119 rows, read as postgres table",
        "  - table time_entries: 9,647 rows, read as postgres table",
        "  - table assessments: 412 rows, read as postgres table",
        "  - table decisions: 3 rows, read as postgres table",
    ]
    # A connection holding its password is refused before it is tried, and not repeated.
    with_password = server.url.replace("@", ":s3cret@", 1)
    refused = CliRunner().invoke(main, ["validate", "--export", with_password])
    assert refused.exit_code == BAD_INPUT
    assert "the connection holds a password: take it out" in refused.output
    assert "s3cret" not in refused.output
