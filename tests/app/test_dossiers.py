"""The dossiers written beside the review from the review already built: the same page as the
``dossier`` command's, with a link back, for each customer asked for and no other; and the
``run`` command writing them beside the review with its names linked. A reader's clicks are
tested in tests/test_browser.py."""

from __future__ import annotations

import gc
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.app.cli import main
from helpers.app.dossiers import DossierFailed, write_dossiers
from helpers.app.notebooks import review_from_parameters
from helpers.io.engine import engine
from helpers.report import links
from tests.support import TINY_EXPORT, TINY_SETTINGS, tiny_review, write_export


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_export(tmp_path / "tiny", TINY_EXPORT)


# The tiny review's settings (tests.support.TINY_SETTINGS) as -p parameters.
TINY = [part for name, value in TINY_SETTINGS.items() for part in ("-p", name, str(value))]


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--engine", "inprocess"])


def test_a_dossier_from_the_review_is_the_dossier_commands_page_with_a_link_back(
    folder: Path, tmp_path: Path
):
    # The dossier command reads the export again and runs the dossier notebook; the review's
    # run builds B's dossier from the review it has. Same settings (the command's defaults
    # and the tiny review's, as -p, and no history), same page.
    settings = [*TINY, "-p", "history_path", ""]
    command = run(
        "dossier", "--export", str(folder), "--company", "Tiny", "--period", "2026-Q3",
        "--customer", "B", "--reports", str(tmp_path / "reports"), *settings,
    )  # fmt: skip
    assert command.exit_code == 0, command.output
    expected = Path(command.stdout.strip()).read_text(encoding="utf-8")

    beside = tmp_path / "beside"
    beside.mkdir()
    # The review as the review notebook's kernel builds it, made today as the command's.
    review = review_from_parameters(str(folder), "2026-Q3", history_path="", **TINY_SETTINGS)
    seconds = write_dossiers(review, ["B"], beside, company="Tiny")
    assert list(seconds) == ["B"]
    assert [p.name for p in beside.iterdir()] == ["dossier-b.html"]
    page = (beside / "dossier-b.html").read_text(encoding="utf-8")
    assert '<p class="back-link"><a href="review.html">' in page
    # The same head, then the back link's cell, then the same cells (each table's id, drawn
    # at random by pandas, aside).
    page, expected = (re.sub(r"\b([TL])_[0-9a-f]{5}", r"\1_", p) for p in (page, expected))
    first_cell = '<div class="jp-Cell jp-CodeCell'
    assert page[: page.index("<main>")] == expected[: expected.index("<main>")]
    assert page[page.index(first_cell) :] == expected[expected.index(first_cell) :]
    between = page[page.index("<main>") : page.index(first_cell)]
    assert re.sub(r"<[^>]+>", "", between).strip() == "← The customer review of 2026-Q3"


def test_only_the_customers_asked_for_are_written_and_nothing_without_a_folder(
    folder: Path, tmp_path: Path
):
    review = tiny_review(folder)
    assert write_dossiers(review, ["B", "E"], "", company="Tiny") == {}
    write_dossiers(review, ["B", "E"], tmp_path, company="Tiny")
    assert sorted(p.name for p in tmp_path.glob("dossier-*")) == [
        "dossier-b.html",
        "dossier-e.html",
    ]


def test_a_dossier_that_fails_names_its_customer(folder: Path, tmp_path: Path):
    notebook = tmp_path / "broken.ipynb"
    source = Path(__file__).resolve().parents[2] / "notebooks" / "customer_dossier.ipynb"
    notebook.write_text(
        source.read_text(encoding="utf-8").replace(
            '"paragraphs(say.profile_sentences(customer))"', '"1 / 0"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(DossierFailed, match=r"the dossier of E \(Epsilon AS\) could not be"):
        write_dossiers(tiny_review(folder), ["E"], tmp_path, company="Tiny", notebook=notebook)
    assert not list(tmp_path.glob("dossier-*"))


def test_dossiers_drawn_by_forked_processes_are_the_pages_drawn_here(folder: Path, tmp_path: Path):
    review = tiny_review(folder)
    here, forked = tmp_path / "here", tmp_path / "forked"
    for beside, workers in ((here, 1), (forked, 2)):
        beside.mkdir()
        seconds = write_dossiers(review, ["A", "B", "E"], beside, company="Tiny", workers=workers)
        assert sorted(seconds) == ["A", "B", "E"]
    for name in ("dossier-a.html", "dossier-b.html", "dossier-e.html"):
        mine, theirs = (
            re.sub(r"\b([TL])_[0-9a-f]{5}", r"\1_", (beside / name).read_text(encoding="utf-8"))
            for beside in (here, forked)
        )
        assert mine == theirs


PROFILE_CELL = '"paragraphs(say.profile_sentences(customer))"'


def dossier_notebook(tmp_path: Path, profile_cell: str) -> Path:
    """The dossier notebook with its profile cell's code replaced by ``profile_cell``."""
    notebook = tmp_path / "changed.ipynb"
    source = Path(__file__).resolve().parents[2] / "notebooks" / "customer_dossier.ipynb"
    text = source.read_text(encoding="utf-8")
    assert PROFILE_CELL in text
    notebook.write_text(text.replace(PROFILE_CELL, json.dumps(profile_cell)), encoding="utf-8")
    return notebook


def draw_in_two_processes(folder: Path, tmp_path: Path, notebook: Path) -> dict[str, float]:
    # A's page is drawn here; B's and E's by two forked processes.
    pages = tmp_path / "pages"
    pages.mkdir()
    review = tiny_review(folder)
    return write_dossiers(
        review, ["A", "B", "E"], pages, company="Tiny", notebook=notebook, workers=2
    )


def test_a_dossier_that_fails_in_a_forked_process_names_its_customer(folder: Path, tmp_path: Path):
    notebook = dossier_notebook(tmp_path, '1 / 0 if customer.customer_id == "E" else None')
    with pytest.raises(DossierFailed, match=r"the dossier of E \(Epsilon AS\) could not be"):
        draw_in_two_processes(folder, tmp_path, notebook)


def test_a_forked_process_that_dies_fails_the_run_rather_than_leave_it_waiting(
    folder: Path, tmp_path: Path
):
    # E's process ends without a word, as one killed by the system would.
    notebook = dossier_notebook(
        tmp_path, '__import__("os")._exit(1) if customer.customer_id == "E" else None'
    )
    with pytest.raises(
        DossierFailed, match=r"ended abruptly, leaving the dossiers of (B, )?E undrawn"
    ):
        draw_in_two_processes(folder, tmp_path, notebook)


def test_what_the_forked_processes_inherit_is_never_freed_there(folder: Path, tmp_path: Path):
    # An engine no longer used, left for the garbage collector in a reference cycle, as a
    # review built earlier in the same kernel leaves it. Freed in a forked process, whose
    # engine threads stayed behind, it crashes that process; the processes drawing B's and
    # E's pages collect their garbage at once to find out whether they inherited it.
    collecting = gc.isenabled()
    gc.disable()  # nothing is collected here before the pages are asked for
    try:
        left = [engine()]
        left[0].con.execute("CREATE TABLE t AS SELECT range AS r FROM range(1000)")
        left.append(left)
        del left
        notebook = dossier_notebook(
            tmp_path, '__import__("gc").collect() if customer.customer_id != "A" else None'
        )
        seconds = draw_in_two_processes(folder, tmp_path, notebook)
    finally:
        if collecting:
            gc.enable()
    assert sorted(seconds) == ["A", "B", "E"]


@pytest.mark.slow
def test_run_writes_the_flagged_dossiers_beside_the_review_and_links_them(
    folder: Path, tmp_path: Path
):
    reports = tmp_path / "reports"
    done = run(
        "run", "--export", str(folder), "--company", "Tiny", "--period", "2026-Q3",
        "--reports", str(reports), *TINY,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    period = Path(done.stdout.strip()).parent
    # B (fire candidate and non-payer) and E (headache list): test_links works them out.
    written = sorted(p.name for p in period.glob("dossier-*"))
    assert written == ["dossier-b.html", "dossier-e.html"]
    page = (period / "review.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'<a href="(dossier-[^"]+)"', page))
    assert linked == set(written)  # every link leads to a page, every page is linked
    for name in written:
        assert 'href="review.html"' in (period / name).read_text(encoding="utf-8")

    # Zipped and opened elsewhere, every link still leads to a file in the folder.
    archive = tmp_path / "review.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in period.iterdir():
            packed.write(path, path.name)
    opened = tmp_path / "opened"
    zipfile.ZipFile(archive).extractall(opened)
    for target in linked | {"review.html"}:
        assert (opened / target).is_file()


@pytest.mark.slow
def test_run_writes_all_dossiers_or_none_when_asked(folder: Path, tmp_path: Path):
    common = ["--export", str(folder), "--company", "Tiny", "--period", "2026-Q3", *TINY]
    done = run("run", *common, "--reports", str(tmp_path / "all"), "--dossiers", "all")
    assert done.exit_code == 0, done.output
    period = Path(done.stdout.strip()).parent
    # Every customer reviewed: A, B, C and E (D bought nothing in the window and owes nothing).
    assert sorted(p.name for p in period.glob("dossier-*")) == [f"dossier-{c}.html" for c in "abce"]

    done = run("run", *common, "--reports", str(tmp_path / "none"), "--dossiers", "none")
    assert done.exit_code == 0, done.output
    period = Path(done.stdout.strip()).parent
    assert not list(period.glob("dossier-*"))
    assert 'href="dossier-' not in (period / "review.html").read_text(encoding="utf-8")
    assert not links.any_linked()  # the in-process run leaves no links behind
