"""A period's report set is replaced whole or not at all: its files, its history rows and its
row in the index, whatever moment a run is killed at, and the next run cleans up after it.

Each killed run is ``customer-review run`` in a process of its own that sends SIGKILL to its
own process group at one moment of its work; the moments are reached by wrapping the
functions it calls (the program itself has no hook for it). The notebook is the review cut to
its first cell, run in that process (``--engine inprocess``), on the tiny export.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.app.cli import main
from helpers.app.publish import Staging, recover
from helpers.io.history import pending_publications
from helpers.report.index import index_html, read_summaries
from tests.support import recorded_rows, review_cell_notebook

COMPANY = "tiny"  # the folder of --company Tiny
# B becomes a fire candidate: every file changes; made the official review of the period.
NEW = ("-p", "min_tenure_months", "1", "--replace")

# The killed run: MOMENT names where it dies, right after the step named.
KILLED_RUN = """
import os, signal, sys
from helpers.app import publish
from helpers.app.cli import main
from helpers.report import render

moment, args = sys.argv[1], sys.argv[2:]
real_replace, real_record, real_index = os.replace, publish.record_outcomes, publish.write_index


def die():
    os.killpg(os.getpgid(0), signal.SIGKILL)


def after(step, when):
    def wrapped(*a, **k):
        done = step(*a, **k)
        if when(*a):
            die()
        return done
    return wrapped


name = lambda path: os.path.basename(os.fspath(path))
if moment == "rendered":  # the notebook has written its files, the page is not made yet
    render.notebook_to_html = lambda *a, **k: die()
elif moment == "recorded":  # the history holds the new rows, no file has moved
    publish.record_outcomes = after(real_record, lambda *a: True)
elif moment == "carried":  # the first file of the earlier folder is moved into the new one
    os.replace = after(real_replace, lambda src, dst: name(dst).startswith("dossier"))
elif moment == "aside":  # the earlier folder is renamed aside, the new one not in place
    os.replace = after(real_replace, lambda src, dst: name(dst).startswith(".previous-"))
elif moment == "swapped":  # the new folder is in place, the earlier one still aside
    os.replace = after(real_replace, lambda src, dst: name(src).startswith(".staging-"))
elif moment == "indexed":  # the index is rebuilt, the history still says "to put in place"
    publish.write_index = after(real_index, lambda *a: True)
main(["run", *args])
"""


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    return review_cell_notebook(tmp_path_factory.mktemp("notebook") / "customer_review.ipynb")


def arguments(notebook: Path, export: Path, reports: Path, period: str, *more: str) -> list[str]:
    return [
        "--export", str(export), "--company", "Tiny", "--period", period,
        "--reports", str(reports), "--notebook", str(notebook), "--engine", "inprocess", *more,
    ]  # fmt: skip


def run(*args: str) -> None:
    result = CliRunner().invoke(main, ["run", *args])
    assert result.exit_code == 0, result.output


def the_set(reports: Path, period: str) -> dict[str, object]:
    """What must change together: the period's files (but for the time each was rendered),
    its history rows and its row in the index, which must be the one its summary makes."""
    folder = reports / COMPANY / period
    files = {
        path.name: path.read_bytes()
        for path in folder.iterdir()
        if path.name not in {"summary.json", "review.html", "review.ipynb"}
    }
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary.pop("rendered_at")
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index == index_html(read_summaries(reports))
    rows = [row for row in recorded_rows(reports / COMPANY / "history.sqlite") if row[0] == period]
    return {"files": files, "summary": summary, "history": rows, "page": folder / "review.html"}


def leftovers(reports: Path) -> list[str]:
    """What a run leaves in the company's folder besides its periods, history and lock."""
    kept = {"history.sqlite", "history.sqlite-wal", "history.sqlite-shm", ".publish.lock"}
    return sorted(
        path.name
        for path in (reports / COMPANY).iterdir()
        if path.name not in kept and not (path.is_dir() and path.name[0].isdigit())
    )


@pytest.mark.parametrize(
    ("moment", "finished"),
    [
        ("rendered", False),
        ("recorded", True),
        ("carried", True),
        ("aside", True),
        ("swapped", True),
        ("indexed", True),
    ],
)
def test_a_run_killed_at_any_moment_changes_the_whole_set_or_nothing(
    moment, finished, notebook, tiny_export, tmp_path
):
    # What the new set is, rendered where nothing can go wrong.
    expected = tmp_path / "expected"
    run(*arguments(notebook, tiny_export, expected, "2026-Q3", *NEW))
    new = the_set(expected, "2026-Q3")

    # The earlier set, with a dossier rendered beside it that the new set must carry over.
    reports = tmp_path / "reports"
    run(*arguments(notebook, tiny_export, reports, "2026-Q3"))
    (reports / COMPANY / "2026-Q3" / "dossier-a.html").write_text("A's dossier", encoding="utf-8")
    old = the_set(reports, "2026-Q3")
    assert old["history"] != new["history"] and old["summary"] != new["summary"]
    assert old["files"]["customer_scores.csv"] != new["files"]["customer_scores.csv"]

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, moment,
         *arguments(notebook, tiny_export, reports, "2026-Q3", *NEW)],
        start_new_session=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # The next run for the company, of another period, finishes or undoes what was left.
    run(*arguments(notebook, tiny_export, reports, "2026-Q2"))
    after = the_set(reports, "2026-Q3")
    assert after["files"].pop("dossier-a.html") == b"A's dossier"
    want = new if finished else old
    want["files"].pop("dossier-a.html", None)
    assert after["files"] == want["files"]
    assert after["summary"] == want["summary"]
    assert after["history"] == want["history"]
    assert leftovers(reports) == []
    assert pending_publications(reports / COMPANY / "history.sqlite") == {}


def test_a_live_runs_staging_folder_is_left_alone_and_a_dead_ones_removed(tmp_path):
    company = tmp_path / "reports" / COMPANY
    company.mkdir(parents=True)
    dead = company / ".staging-2026-Q2-0badc0de"  # a run killed while it rendered
    (dead / "customer_scores.csv").parent.mkdir()
    (dead / "customer_scores.csv").write_text("half", encoding="utf-8")
    with Staging(company, "2026-Q3") as live:
        (live.folder / "review.html").write_text("being rendered", encoding="utf-8")
        assert recover(company, "") == []
        assert live.folder.is_dir() and not dead.exists()
    assert not live.folder.exists()


def test_an_earlier_folder_left_aside_without_a_history_is_put_back(tmp_path):
    # Without a history no note says a new folder was to take its place: a run killed
    # between the two renames leaves the earlier folder aside, and it is put back.
    company = tmp_path / COMPANY
    aside = company / ".previous-2026-Q3-0badc0de"
    aside.mkdir(parents=True)
    (aside / "review.html").write_text("the earlier page", encoding="utf-8")
    recover(company, "")
    assert (company / "2026-Q3" / "review.html").read_text(encoding="utf-8") == "the earlier page"
    assert not aside.exists()
