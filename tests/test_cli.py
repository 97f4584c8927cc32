"""The command line's checks and exit codes that need no render (those are in test_end_to_end)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.cli import BAD_INPUT, main, notebook_defaults, slug
from tests.conftest import TINY_EXPORT, write_export


@pytest.mark.parametrize(
    ("company", "folder"),
    [
        ("Fernhill Software Ltd", "fernhill-software-ltd"),
        ("Põhjala Tarkvara OÜ", "pohjala-tarkvara-ou"),
        ("Smith & Co.", "smith-co"),
        ("上海明远", "company"),  # nothing left in ASCII
    ],
)
def test_slug(company, folder):
    assert slug(company) == folder


def test_notebook_defaults_are_read_from_the_parameters_cell():
    defaults = notebook_defaults(Path("notebooks/customer_review.ipynb"))
    assert defaults["period"] == "2026-Q3"
    assert defaults["export_path"] == "data/sample"
    assert defaults["headache_share"] == 0.10


def run(*args: str):
    return CliRunner().invoke(main, ["run", *args])


def test_bad_export_exits_2_naming_file_row_and_column(tmp_path: Path):
    files = dict(TINY_EXPORT)
    files["invoices.csv"] = files["invoices.csv"].replace("A2,A,2026-08-01", "A2,A,2026-08-41")
    export = write_export(tmp_path / "bad", files)
    result = run("--export", str(export), "--period", "2026-Q3", "--reports", str(tmp_path / "r"))
    assert result.exit_code == BAD_INPUT
    assert "invoices.csv, row 5, column issued_on: '2026-08-41' is not a date" in result.output
    assert not (tmp_path / "r").exists()  # nothing written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q5"], "period '2026-Q5' is not a review period"),
        (["--period", "2026-Q3", "-p", "headache_share", "2"], "headache_share must be a share"),
        (
            ["--period", "2026-Q3", "-p", "headache_share", "a lot"],
            "headache_share must be a float",
        ),
        (["--period", "2026-Q3", "-p", "colour", "red"], "unknown parameter 'colour'"),
        (["--period", "2026-Q3", "-p", "as_of", "yesterday"], "as_of 'yesterday' is not a date"),
    ],
)
def test_bad_parameters_exit_2_and_name_the_parameter(tiny_export: Path, tmp_path, args, message):
    result = run("--export", str(tiny_export), "--reports", str(tmp_path / "r"), *args)
    assert result.exit_code == BAD_INPUT
    assert message in result.output
    assert not (tmp_path / "r").exists()


def test_missing_export_exits_2(tmp_path: Path):
    result = run("--export", str(tmp_path / "nowhere"), "--period", "2026-Q3")
    assert result.exit_code == BAD_INPUT
    assert "export not found" in result.output
