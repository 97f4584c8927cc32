"""Fixtures shared by the tests; the tiny export they build is described in ``tests.support``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, settings

from helpers.app.notebooks import review_from_parameters
from tests.support import ROOT, TINY_EXPORT, write_export

# Hypothesis draws the same examples on every machine unless told otherwise: a fresh clone and
# CI try the same ones, and a failure found once is found again. HYPOTHESIS_PROFILE=explore
# draws new ones every run.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("explore", settings.get_profile("ci"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def tiny_export(tmp_path: Path) -> Path:
    """The tiny export described in ``tests.support``, as a folder of CSV files."""
    return write_export(tmp_path / "tiny", TINY_EXPORT)


@pytest.fixture(scope="session")
def sample_review():
    """The sample company's 2026-Q3 review, built once for the tests that only read it."""
    return review_from_parameters(str(ROOT / "data" / "sample"), "2026-Q3")


@pytest.fixture(scope="session")
def sample_page(tmp_path_factory, worker_id) -> Path:
    """The sample review for 2026-Q3, rendered once per test session as a user renders it:
    ``customer-review run`` in a process of its own, the notebook in a Jupyter kernel. The
    tests of the page and the browser's read it; none may change it.

    Under pytest-xdist every worker asks for it: the first renders it into the folder the
    workers share, under a lock, and the others wait and read it."""
    if worker_id == "master":  # not distributed
        return _render_sample(tmp_path_factory.mktemp("sample") / "reports")
    shared = tmp_path_factory.getbasetemp().parent  # this run's, one for all its workers
    with FileLock(shared / "sample-page.lock"):
        page = shared / "sample-page.txt"
        if not page.exists():
            page.write_text(str(_render_sample(shared / "sample" / "reports")), "utf-8")
        return Path(page.read_text("utf-8"))


def _render_sample(reports: Path) -> Path:
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files (and classes) that hold slow tests first, each in the order written: under
    pytest-xdist (``--dist loadscope --no-loadscope-reorder``) the workers take the longest work
    first, and the quick tests fill in around it rather than leave one worker idle at the end."""
    scope = {item: item.nodeid.rsplit("::", 1)[0] for item in items}
    slow = {scope[item] for item in items if item.get_closest_marker("slow")}
    order = {item: index for index, item in enumerate(items)}
    items.sort(key=lambda item: (scope[item] not in slow, order[item]))
