"""The command line's checks and exit codes. A render, where one happens, runs in this process
(``--engine inprocess``); the pipeline around it is tests/app/test_run.py's."""

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from helpers.app.cli import main
from helpers.app.run import (
    BAD_INPUT,
    RENDER_FAILED,
    REVIEW_NOTEBOOK,
    Failure,
    Source,
    notebook_defaults,
)
from helpers.io.config import load_config, slug
from tests.support import (
    ROOT,
    TINY_EXPORT,
    failing_notebook,
    review_cell_notebook,
    write_export,
)


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
    return CliRunner().invoke(main, ["run", *args, "--engine", "inprocess"])


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
        (["--period", "2026-Q3", "--as-of", "2026-06-30"], "as_of 2026-06-30 is before 2026-Q3"),
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


def test_export_or_config_but_not_both(tiny_export: Path, tmp_path: Path):
    neither = run("--period", "2026-Q3")
    assert neither.exit_code == 2 and "give either --config FILE or --export PATH" in neither.output
    config = tmp_path / "t.toml"
    config.write_text(f'company = "T"\n[export]\npath = "{tiny_export}"\n', encoding="utf-8")
    both = run("--config", str(config), "--export", str(tiny_export), "--period", "2026-Q3")
    assert both.exit_code == 2


def test_a_bad_config_exits_2_naming_the_key_before_anything_is_written(tmp_path: Path):
    config = tmp_path / "t.toml"
    config.write_text('company = "T"\n[export]\npath = "x"\n[review]\nhourly_cots = 60\n')
    result = run("--config", str(config), "--period", "2026-Q3", "--reports", str(tmp_path / "r"))
    assert result.exit_code == BAD_INPUT
    assert "review.hourly_cots: unknown key; did you mean 'hourly_cost'?" in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-01..2026-Q2"], "mixes kinds of period"),
        (["--period", "last-quarter", "--as-of", "23.11.2026"], "--as-of '23.11.2026' is not"),
        (["--period", "2026-01..2026-03", "-p", "colour", "red"], "unknown parameter 'colour'"),
    ],
)
def test_bad_periods_and_parameters_fail_once_before_any_period(
    tiny_export, tmp_path, args, message
):
    result = run("--export", str(tiny_export), "--reports", str(tmp_path / "r"), *args)
    assert result.exit_code == BAD_INPUT
    assert result.output.count(message) == 1
    assert not (tmp_path / "r").exists()


def test_every_period_failing_on_bad_input_exits_2_and_says_which(tmp_path: Path):
    files = dict(TINY_EXPORT)
    files["invoices.csv"] = files["invoices.csv"].replace("A2,A,2026-08-01", "A2,A,2026-08-41")
    export = write_export(tmp_path / "bad", files)
    result = run(
        "--export", str(export), "--period", "2026-Q2..2026-Q3", "--reports", str(tmp_path / "r")
    )
    assert result.exit_code == BAD_INPUT
    assert "2026-Q2: The export" in result.output and "2026-Q3: The export" in result.output
    assert "0 of 2 periods rendered; failed: 2026-Q2 (bad input), 2026-Q3 (bad input)" in (
        result.output
    )
    assert not (tmp_path / "r").exists()


def test_validate_prints_every_problem_and_exits_2(tmp_path: Path):
    files = dict(TINY_EXPORT)
    # 30 time entries with 25 hours each: more problems than an error message shows (25).
    files["time_entries.csv"] = "customer_id,date,hours\n" + "A,2026-07-05,25\n" * 30
    export = write_export(tmp_path / "bad", files)
    result = CliRunner().invoke(main, ["validate", "--export", str(export)])
    assert result.exit_code == BAD_INPUT
    assert "30 problem(s) found" in result.output
    # Rows 2 to 31 of the file, each named.
    assert result.output.count("'25' hours in one entry, more than the 24") == 30
    assert "time_entries.csv, row 31, column hours: '25' hours in one entry" in result.output
    assert "more of the same kinds" not in result.output


def test_validate_names_exit_ids_that_are_no_customer(tiny_export: Path, tmp_path: Path):
    # From -p, and from the config: "Ax" is no customer of the tiny export; A is close.
    given = CliRunner().invoke(
        main, ["validate", "--export", str(tiny_export), "-p", "exit_ids", "Ax, B"]
    )
    assert given.exit_code == BAD_INPUT
    assert "exit_ids names customers not in the export: 'Ax' (close: A)" in given.output
    config = tmp_path / "tiny.toml"
    config.write_text(
        f'company = "Tiny"\n[export]\npath = "{tiny_export.as_posix()}"\n'
        '[review]\nexit_ids = ["Z"]\n',
        encoding="utf-8",
    )
    configured = CliRunner().invoke(main, ["validate", "--config", str(config)])
    assert configured.exit_code == BAD_INPUT
    assert "'Z' (close: none)" in configured.output


def test_validate_a_good_export_lists_what_it_read(tiny_export: Path):
    result = CliRunner().invoke(main, ["validate", "--export", str(tiny_export)])
    assert result.exit_code == 0
    assert "can be reviewed" in result.output
    assert "  - invoices.csv: 11 rows" in result.output
    assert "decisions" not in result.output  # an absent optional table is not a problem


def test_validate_asks_for_the_period_when_the_path_holds_one(tmp_path: Path):
    config = tmp_path / "t.toml"
    config.write_text('company = "T"\n[export]\npath = "exports/{period}"\n')
    result = CliRunner().invoke(main, ["validate", "--config", str(config)])
    assert result.exit_code == BAD_INPUT and "give --period" in result.output


def test_parameters_prints_what_the_notebook_gets_from_the_config(tmp_path: Path):
    config = tmp_path / "t.toml"
    config.write_text(
        'company = "Acme"\n[export]\npath = "exports/{period}"\n[review]\nhourly_cost = 75\n'
    )
    result = CliRunner().invoke(
        main,
        ["parameters", "--config", str(config), "--period", "2026-10", "--reports", "r"],
    )
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    assert values["export_path"] == str((tmp_path / "exports" / "2026-10").resolve())
    assert values["hourly_cost"] == 75.0 and values["period"] == "2026-10"
    assert values["history_path"] == str(Path("r") / "acme" / "history.sqlite")
    assert set(values) == set(notebook_defaults(Path("notebooks/customer_review.ipynb")))


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ('{"fire_candidate": "Exit candidate"}', {"fire_candidate": "Exit candidate"}),
        ("fire_candidate=Exit", "parameter labels must be a dict"),
        ('["keep"]', "parameter labels must be a dict"),
    ],
)
def test_a_dict_parameter_is_given_as_json(tmp_path: Path, text: str, outcome):
    config = tmp_path / "t.toml"
    config.write_text('company = "Acme"\n[export]\npath = "exports/{period}"\n')
    source = Source(load_config(config), None, None, tmp_path, given=(("labels", text),))
    if isinstance(outcome, dict):
        values, _ = source.parameters(REVIEW_NOTEBOOK, "2026-10")
        assert values["labels"] == outcome
    else:
        with pytest.raises(Failure, match=outcome) as failure:
            source.parameters(REVIEW_NOTEBOOK, "2026-10")
        assert failure.value.code == BAD_INPUT


@pytest.mark.slow
def test_the_dossier_renders_through_the_command_line(tmp_path: Path):
    # As a manager's assistant would run it, for a customer of the sample.
    reports = tmp_path / "reports"
    args = ["dossier", "--export", str(ROOT / "data/sample"), "--period", "2026-Q3"]
    args += ["--engine", "inprocess"]
    done = CliRunner().invoke(main, [*args, "--reports", str(reports), "--customer", "C0037"])
    assert done.exit_code == 0, done.output
    path = Path(done.stdout.strip())
    assert path == reports / "fernhill-software-ltd" / "2026-Q3" / "dossier-c0037.html"
    page = path.read_text(encoding="utf-8")
    name = pd.read_csv(ROOT / "data/sample/customers.csv", dtype=str).set_index("customer_id")
    assert f"<h1>{html.escape(name.loc['C0037', 'name'])}</h1>" in page
    for section in ("Against the portfolio", "Invoices and payment", "Checklist", "Ways out"):
        assert f">{section}<" in page
    assert "<script src" not in page and "<link" not in page
    images = re.findall(r'<img[^>]*src="([^"]{0,30})', page)
    assert len(images) >= 3  # the position, days late and time charts
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "dossier_from_parameters" not in page and "Traceback" not in page
    assert not (reports / "fernhill-software-ltd" / "history.sqlite").exists()  # read only

    other = tmp_path / "other"
    unknown = CliRunner().invoke(main, [*args, "--customer", "C037", "--reports", str(other)])
    assert unknown.exit_code == 2
    assert "customer_id 'C037' is not in the export; close: C0037" in unknown.stderr
    assert not other.exists()  # nothing written


def test_as_of_judges_the_review_as_of_that_day(tiny_export: Path, tmp_path: Path):
    # The quarter before 15 September is 2026-Q2, judged as of its end (30 June): the earliest
    # of its end, the day asked and the data's end. 2026-Q3 is judged as of the day asked.
    reports = tmp_path / "r"
    for period, label, judged_on in (
        ("last-quarter", "2026-Q2", "30 June 2026"),
        ("2026-Q3", "2026-Q3", "15 September 2026"),
    ):
        result = run(
            "--export", str(tiny_export), "--reports", str(reports), "--period", period,
            "--as-of", "2026-09-15",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        page = next(reports.glob(f"*/{label}/review.html")).read_text(encoding="utf-8")
        assert f"payments as of {judged_on}" in page


def test_a_reports_place_that_cannot_be_written_exits_2(tiny_export: Path, tmp_path: Path):
    # A file where the reports' folder should be: nothing can be written under it.
    blocked = tmp_path / "reports"
    blocked.write_text("not a folder", encoding="utf-8")
    result = run(
        "--export", str(tiny_export), "--company", "Tiny", "--period", "2026-Q3",
        "--reports", str(blocked / "inside"),
    )  # fmt: skip
    assert result.exit_code == BAD_INPUT, result.output
    assert "cannot be written to" in result.output and "Not a directory" in result.output
    assert "Traceback" not in result.output


def test_an_unexpected_error_is_summed_up_and_its_traceback_shown_only_with_debug(
    tiny_export: Path, tmp_path: Path, monkeypatch
):
    def broken(*args, **kwargs):
        raise KeyError("a fault of the workbook")

    monkeypatch.setattr("helpers.app.cli.run_periods", broken)
    arguments = ["run", "--export", str(tiny_export), "--period", "2026-Q3"]
    arguments += ["--reports", str(tmp_path / "r")]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == RENDER_FAILED
    assert "unexpected error: KeyError: 'a fault of the workbook'" in result.stderr
    assert "--debug" in result.stderr and "Traceback" not in result.output
    debugged = CliRunner().invoke(main, ["--debug", *arguments])
    assert isinstance(debugged.exception, KeyError)  # raised on, for Python to print


def test_a_failed_cell_shows_its_traceback_only_with_debug(tiny_export: Path, tmp_path: Path):
    notebook = failing_notebook(
        tmp_path / "broken.ipynb", review_cell_notebook(tmp_path / "review.ipynb")
    )
    arguments = ["run", "--export", str(tiny_export), "--period", "2026-Q3", "--engine"]
    arguments += ["inprocess", "--reports", str(tmp_path / "r"), "--notebook", str(notebook)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == RENDER_FAILED
    assert "RuntimeError: chart broke" in result.stderr and "Traceback" not in result.stderr
    debugged = CliRunner().invoke(main, ["--debug", *arguments])
    assert debugged.exit_code == RENDER_FAILED
    assert 'Exception encountered at "In [' in debugged.stderr  # the cell's traceback
