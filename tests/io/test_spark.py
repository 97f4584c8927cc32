"""An export of Parquet files reviewed on Apache Spark (``helpers.io.spark``): in local mode,
through a Spark Connect server, and refused when Spark cannot be reached or the files break
the contract.

The review on Spark must be the review of ``data/sample`` file for file: the sample's checked
tables are written as the Parquet files a warehouse writes (dates as timestamps, amounts as
numbers), and the config that reads them with ``engine = "spark"`` must give the same
``customer_scores.csv`` and ``actions.csv``, byte for byte, as the config that reads the CSV
files on the embedded engine.

The tests that start Spark are marked ``spark`` and skipped without Java and pyspark (failed
instead with ``REVIEW_REQUIRE_SPARK=1``); those of a master that cannot be reached start
nothing, and run everywhere pyspark is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.app.notebooks import review_from_parameters
from helpers.app.run import BAD_INPUT
from helpers.errors import ExportError
from helpers.io import spark as on_spark
from helpers.io.export import load_export
from helpers.io.files import sha256
from helpers.io.reading import Reading, SparkReading
from helpers.io.sample import generate_export
from helpers.io.spark import load_on_spark
from helpers.report import plan
from helpers.report.results import write_scores
from tests.spark import connect_server, free_port, local_spark, require_spark, write_parquet
from tests.support import ROOT, review_cell_notebook, sample_config
from tests.support import run_in_process as run

SAMPLE = ROOT / "data" / "sample"
WRITTEN = ("customer_scores.csv", "actions.csv")
PERIOD = ("--period", "2026-Q3", "--as-of", "2026-11-30")
TOKEN_VARIABLE = "SPARK_CONNECT_AUTHENTICATE_TOKEN"


@pytest.fixture(scope="module")
def spark():
    with local_spark() as session:
        yield session


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    return review_cell_notebook(tmp_path_factory.mktemp("notebook") / "customer_review.ipynb")


@pytest.fixture(scope="module")
def sample_parquet(tmp_path_factory) -> Path:
    """The sample's five tables as Parquet files."""
    return write_parquet(load_export(SAMPLE), tmp_path_factory.mktemp("sample_parquet"))


@pytest.fixture(scope="module")
def from_files(notebook, tmp_path_factory) -> Path:
    """The sample's review as the embedded engine makes it from the CSV files."""
    reports = tmp_path_factory.mktemp("from_files")
    done = run(notebook, "--config", str(ROOT / "companies" / "fernhill.toml"), *PERIOD,
               "--reports", str(reports))  # fmt: skip
    assert done.exit_code == 0, done.output
    return reports / "fernhill-software-ltd" / "2026-Q3"


def spark_config(folder: Path, export: Path | str, master: str) -> Path:
    return sample_config(folder, f'path = "{export}"\nengine = "spark"\nspark.master = "{master}"')


def assert_same_review(written: Path, from_files: Path) -> None:
    for name in WRITTEN:
        assert (written / name).read_bytes() == (from_files / name).read_bytes(), name


@pytest.mark.spark
def test_the_review_on_spark_is_the_review_of_the_files(
    spark, notebook, sample_parquet, from_files, tmp_path
):
    config = spark_config(tmp_path / "companies", sample_parquet, "local[2]")
    done = run(notebook, "--config", str(config), *PERIOD, "--reports", str(tmp_path))
    assert done.exit_code == 0, done.output
    written = tmp_path / "fernhill-software-ltd" / "2026-Q3"
    assert_same_review(written, from_files)


@pytest.mark.spark
def test_on_a_spark_connect_server_the_review_is_the_same_and_the_token_is_written_nowhere(
    notebook, sample_parquet, from_files, tmp_path
):
    # The run in a process of its own, as a kernel is: one that holds a Spark of its own
    # cannot also hold a Connect session.
    token = "review-test-token-7f3a9c"
    with connect_server(token) as url:
        config = spark_config(tmp_path / "companies", sample_parquet, url)
        done = subprocess.run(
            [sys.executable, "-m", "helpers.app.cli", "run", "--config", str(config), *PERIOD,
             "--reports", str(tmp_path / "r"), "--notebook", str(notebook),
             "--engine", "inprocess"],
            capture_output=True, text=True, timeout=600,
            env={**os.environ, TOKEN_VARIABLE: token},
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = tmp_path / "r" / "fernhill-software-ltd" / "2026-Q3"
    assert_same_review(written, from_files)
    everything = [path for path in (tmp_path / "r").rglob("*") if path.is_file()]
    assert len(everything) >= 5
    for path in everything:
        assert token.encode() not in path.read_bytes(), path


@pytest.mark.spark
def test_what_breaks_the_contract_is_named_by_file_key_and_column(spark, tmp_path):
    export = load_export(SAMPLE)
    folder = write_parquet(export, tmp_path / "broken", ("customers", "decisions"))
    # INV-000002 for a customer nobody knows; the hours of time entries written as text.
    invoices = export.held.frame("invoices")
    invoices.loc[invoices.invoice_id == "INV-000002", "customer_id"] = "C9999"
    invoices.to_parquet(folder / "invoices.parquet", index=False)
    entries = export.held.frame("time_entries")
    entries.astype({"hours": "string"}).to_parquet(folder / "time_entries.parquet", index=False)
    with pytest.raises(ExportError) as refused:
        load_on_spark(folder, Reading(spark=SparkReading(master="local[2]")))
    lines = refused.value.report(limit=None).splitlines()
    assert lines == [
        f"The export {folder} cannot be reviewed: 2 problem(s) found.",
        "  - invoices.parquet, the row of invoice_id 'INV-000002', column customer_id: "
        "'C9999' is not a customer_id listed in customers.parquet",
        "  - time_entries.parquet, column hours: is string in the file, not a number: write "
        "the Parquet files with dates as dates and amounts as numbers, as Spark, pandas and "
        "the warehouses write them",
    ]


@pytest.mark.spark
def test_a_missing_file_is_named(spark, tmp_path):
    folder = write_parquet(load_export(SAMPLE), tmp_path / "no_invoices", ("customers",))
    with pytest.raises(ExportError) as refused:
        load_on_spark(folder, Reading(spark=SparkReading(master="local[2]")))
    assert [str(problem) for problem in refused.value.problems] == [
        "invoices.parquet: the file is missing from the export"
    ]


@pytest.mark.spark
def test_the_review_of_20_000_customers_on_spark_is_the_review_on_the_embedded_engine(
    spark, tmp_path
):
    # The sample company's generator at 20,000 customers (about 490,000 invoices and 700,000
    # time entries), as Parquet files: each engine reads, checks and reviews them.
    folder = tmp_path / "export"
    folder.mkdir()
    for name, table in generate_export(20_000).items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
    config = spark_config(tmp_path / "companies", folder, "local[2]")
    for engine, config_path in (("duckdb", ""), ("spark", str(config))):
        review = review_from_parameters(
            str(folder), "2026-Q3", as_of="2026-11-30", config_path=config_path
        )
        assert review.export.tables.backend.name == ("pyspark" if engine == "spark" else engine)
        if engine == "spark":
            # The appendix lists each file as Spark read it, with its fingerprint.
            assert [(file.name, file.read_as) for file in review.files] == [
                (f"{name}.parquet", "Parquet, on Spark (local[2])")
                for name in ("customers", "invoices", "time_entries", "assessments", "decisions")
            ]
            assert review.files[1].sha256 == sha256(folder / "invoices.parquet")
        (tmp_path / engine).mkdir()
        write_scores(review, tmp_path / engine / "customer_scores.csv")
        plan.write_actions(review, tmp_path / engine / "actions.csv")
    # A review of thousands of customers, not an empty one.
    assert len((tmp_path / "duckdb" / "customer_scores.csv").read_text().splitlines()) > 10_000
    assert_same_review(tmp_path / "spark", tmp_path / "duckdb")


def test_a_spark_master_that_is_not_there_is_refused_at_once(tmp_path):
    pytest.importorskip("pyspark")
    folder = write_parquet(load_export(SAMPLE), tmp_path / "export", ("customers",))
    port = free_port()
    for master in (f"spark://127.0.0.1:{port}", f"sc://127.0.0.1:{port}"):
        with pytest.raises(ExportError) as refused:
            load_on_spark(folder, Reading(spark=SparkReading(master=master)))
        assert str(refused.value.problems[0]) == (
            f"Spark master {master}: cannot be reached at 127.0.0.1:{port} (Connection "
            "refused): is the cluster up, and are the master's address and port right?"
        )
        assert refused.value.source == str(folder)


def test_a_failed_spark_run_leaves_the_last_good_review_as_it_was(notebook, tmp_path):
    pytest.importorskip("pyspark")
    reports = tmp_path / "reports"
    args = [*PERIOD, "--reports", str(reports)]
    assert (
        run(notebook, "--config", str(ROOT / "companies" / "fernhill.toml"), *args).exit_code == 0
    )
    period = reports / "fernhill-software-ltd" / "2026-Q3"
    before = {path: path.read_bytes() for path in period.rglob("*") if path.is_file()}
    folder = write_parquet(load_export(SAMPLE), tmp_path / "export")
    config = spark_config(tmp_path / "companies", folder, f"spark://127.0.0.1:{free_port()}")
    failed = run(notebook, "--config", str(config), *args, "--replace")
    assert failed.exit_code == BAD_INPUT, failed.output
    assert "cannot be reached at 127.0.0.1" in failed.stderr
    assert {path: path.read_bytes() for path in period.rglob("*") if path.is_file()} == before


def test_csv_files_are_refused_before_spark_starts():
    with pytest.raises(ExportError) as refused:
        load_on_spark(SAMPLE, Reading(spark=SparkReading(master="local[2]")))
    assert str(refused.value.problems[0]).startswith(
        'sample: holds CSV files: engine = "spark" reads a folder of Parquet files'
    )


def test_without_pyspark_or_java_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if it were not installed
    with pytest.raises(ExportError) as refused:
        on_spark.spark_session(SparkReading(master="local[2]"), "exports/acme")
    assert str(refused.value.problems[0]) == (
        'Spark master local[2]: engine = "spark" needs pyspark, which is not installed: '
        "pip install 'customer-review-workbook[spark]'"
    )
    monkeypatch.setattr(on_spark.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    gateway = RuntimeError(
        "[JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number."
    )
    assert on_spark._why_not_started(gateway) == (
        "no Java was found; install a Java runtime (17 or 21; Debian: openjdk-17-jre-headless) "
        "or set JAVA_HOME"
    )


@pytest.mark.spark
def test_the_log_of_a_spark_started_for_the_review_goes_to_its_file_not_the_output(tmp_path):
    # A new process, as a kernel is: the Spark it starts writes its log (its start's notices
    # among them) into the log file, and nothing of it reaches the process's own output,
    # which a notebook would show under the cell.
    require_spark()
    folder = write_parquet(load_export(SAMPLE), tmp_path / "export")
    script = (
        "import sys\n"
        "from helpers.io.reading import Reading, SparkReading\n"
        "from helpers.io.spark import load_on_spark\n"
        "export = load_on_spark(sys.argv[1], Reading(spark=SparkReading(master='local[1]')))\n"
        "print('customers', len(export.customers))\n"
    )
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "customers 300\n"
    assert "log4j" not in done.stderr and "WARN" not in done.stderr, done.stderr
    log = tmp_path / "customer-review-spark" / "spark.log"
    assert "log4j" in log.read_text(errors="replace")
