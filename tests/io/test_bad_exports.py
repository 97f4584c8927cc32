"""The corpus of bad exports: each folder under tests/exports/bad is one way an export goes
wrong, and ``expected.txt`` in it lists, one per line, exactly the problems the user is told.

A case is the tiny export of ``tests/conftest.py`` with the case's files laid over it (a file
ending in ``.gz`` is stored compressed; ``remove.txt`` names files of the tiny export the case
leaves out). Every case must stop ``customer-review validate`` and ``run`` with exit code 2,
name each problem, and leave an earlier report as it was.

Each folder under tests/exports/handled is an export that looks wrong but is read, as the
contract or the case's ``config.toml`` (its export path ``.``) allows; ``expected.txt`` lists
lines ``validate`` must print about it.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.app.cli import BAD_INPUT, main
from tests.support import TINY_EXPORT, review_cell_notebook, write_export

CORPUS = Path(__file__).parents[1] / "exports" / "bad"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
HANDLED = Path(__file__).parents[1] / "exports" / "handled"
HANDLED_CASES = sorted(path.name for path in HANDLED.iterdir() if path.is_dir())


def case_export(case: str, folder: Path, corpus: Path = CORPUS) -> Path:
    """The tiny export with ``case``'s files laid over it, in ``folder``."""
    write_export(folder, TINY_EXPORT)
    for path in (corpus / case).iterdir():
        if path.name == "expected.txt":
            continue
        if path.name == "remove.txt":
            for name in path.read_text().split():
                (folder / name).unlink()
        elif path.suffix == ".gz":
            (folder / path.stem).write_bytes(gzip.decompress(path.read_bytes()))
        else:
            shutil.copy(path, folder / path.name)
    return folder


def expected(case: str, corpus: Path = CORPUS) -> list[str]:
    return (corpus / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_the_corpus_has_every_case_the_contract_promises():
    assert len(CASES) >= 19
    for case in CASES:
        assert expected(case), f"{case} has no expected problems"


@pytest.mark.parametrize("case", CASES)
def test_a_bad_export_is_refused_naming_every_problem(case: str, tmp_path: Path):
    export = case_export(case, tmp_path / case)
    result = CliRunner().invoke(main, ["validate", "--export", str(export)])
    assert result.exit_code == BAD_INPUT, result.output
    problems = expected(case)
    assert f"{len(problems)} problem(s) found" in result.output, result.output
    for problem in problems:
        assert problem in result.output


@pytest.mark.parametrize("case", CASES)
def test_run_refuses_a_bad_export_as_validate_does(case: str, tmp_path: Path):
    export = case_export(case, tmp_path / case)
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        main,
        ["run", "--export", str(export), "--company", "Tiny", "--period", "2026-Q3",
         "--reports", str(reports), "--engine", "inprocess"],
    )  # fmt: skip
    assert result.exit_code == BAD_INPUT, result.output
    for problem in expected(case):
        assert problem in result.output
    assert not (reports / "tiny" / "2026-Q3").exists()


def test_a_bad_export_leaves_the_earlier_report_as_it_was(tmp_path: Path):
    # A report from an earlier month stands in for a good run; the bad run must not touch it.
    reports = tmp_path / "reports"
    earlier = reports / "tiny" / "2026-Q2"
    earlier.mkdir(parents=True)
    (earlier / "review.html").write_text("the earlier review", encoding="utf-8")
    export = case_export("paid_before_issued", tmp_path / "bad")
    result = CliRunner().invoke(
        main,
        ["run", "--export", str(export), "--company", "Tiny", "--period", "2026-Q3",
         "--reports", str(reports), "--quiet", "--engine", "inprocess"],
    )  # fmt: skip
    assert result.exit_code == BAD_INPUT, result.output
    assert (earlier / "review.html").read_text(encoding="utf-8") == "the earlier review"
    assert not (reports / "tiny" / "2026-Q3").exists()


@pytest.mark.parametrize("case", HANDLED_CASES)
def test_an_export_that_only_looks_wrong_is_read_saying_how(case: str, tmp_path: Path):
    export = case_export(case, tmp_path / case, HANDLED)
    config = export / "config.toml"
    source = ["--config", str(config)] if config.exists() else ["--export", str(export)]
    result = CliRunner().invoke(main, ["validate", *source])
    assert result.exit_code == 0, result.output
    assert "can be reviewed" in result.output
    for line in expected(case, HANDLED):
        assert f"  - {line}\n" in result.output, result.output
    # run agrees: it renders the review (its first cell, which reads the export and judges).
    notebook = review_cell_notebook(tmp_path / "review.ipynb")
    rendered = CliRunner().invoke(
        main,
        ["run", *source, "--company", "Tiny", "--period", "2026-Q3", "--reports",
         str(tmp_path / "reports"), "--engine", "inprocess", "--notebook", str(notebook)],
    )  # fmt: skip
    assert rendered.exit_code == 0, rendered.output
