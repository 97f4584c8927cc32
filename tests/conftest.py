"""Fixtures shared by the tests; the tiny export they build is described in ``tests.support``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers.app.notebooks import review_from_parameters
from tests.support import ROOT, TINY_EXPORT, write_export


@pytest.fixture
def tiny_export(tmp_path: Path) -> Path:
    """The tiny export described in ``tests.support``, as a folder of CSV files."""
    return write_export(tmp_path / "tiny", TINY_EXPORT)


@pytest.fixture(scope="session")
def sample_review():
    """The sample company's 2026-Q3 review, built once for the tests that only read it."""
    return review_from_parameters(str(ROOT / "data" / "sample"), "2026-Q3")


@pytest.fixture(scope="session")
def sample_page(tmp_path_factory) -> Path:
    """The sample review for 2026-Q3, rendered once per test session as a user renders it:
    ``customer-review run`` in a process of its own, the notebook in a Jupyter kernel. The
    tests of the page and the browser's read it; none may change it."""
    reports = tmp_path_factory.mktemp("sample") / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "helpers.app.cli", "run", "--export", "data/sample"]
        + ["--period", "2026-Q3", "--reports", str(reports)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())
