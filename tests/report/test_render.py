"""Rendering: offline HTML, hidden code, atomic writes, failures kept aside.

The fixture notebook is rendered once in a Jupyter kernel, where its figure is drawn inline;
the failure paths run it in this process (``engine="inprocess"``), which fails alike."""

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from papermill.exceptions import PapermillExecutionError

from helpers.app.cli import main
from helpers.errors import RenderError
from helpers.report.render import (
    NBCONVERT_CONFIG,
    Section,
    notebook_to_html,
    numbered_sections,
    papermill_parameters,
    remove_stale_temporaries,
    render_notebook,
)
from tests.support import outside_addresses

FIGURE_SOURCE = "fig, ax = plt.subplots(figsize=(2, 1.5))"
PRINT_SOURCE = 'print(f"x times 3 is {x * 3}")'


def write_fixture_notebook(path: Path) -> Path:
    """A four-step notebook: parameters, prose, a printed value, a figure, a cell that can fail."""
    notebook = new_notebook(
        cells=[
            new_code_cell("x = 1  # value under test", metadata={"tags": ["parameters"]}),
            new_markdown_cell("## What the chart shows\n\nA line from the origin."),
            new_code_cell(PRINT_SOURCE),
            new_code_cell(
                "import matplotlib.pyplot as plt\n\n"
                f"{FIGURE_SOURCE}\n"
                "ax.plot([0, 1], [0, x])\n"
                "plt.show()"
            ),
            new_code_cell('if x == 0:\n    raise ValueError("x must not be zero")'),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """Render the fixture notebook once with x=7 into a folder holding a stale failed notebook."""
    root = tmp_path_factory.mktemp("render")
    notebook = write_fixture_notebook(root / "fixture.ipynb")
    out_dir = root / "out"
    out_dir.mkdir()
    (out_dir / "review.failed.ipynb").write_text("{}", encoding="utf-8")
    return render_notebook(notebook, out_dir, {"x": 7})


@pytest.mark.slow
def test_render_writes_html_and_executed_notebook(rendered):
    out_dir = rendered.parent
    assert rendered == out_dir / "review.html"
    assert sorted(p.name for p in out_dir.iterdir()) == ["review.html", "review.ipynb"]
    executed = nbformat.read(out_dir / "review.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)


@pytest.mark.slow
def test_html_loads_nothing_from_outside(rendered):
    html = rendered.read_text(encoding="utf-8")
    assert "<script src" not in html
    assert "<link" not in html
    assert outside_addresses(html) == []


@pytest.mark.slow
def test_html_hides_code_and_prompts(rendered):
    html = rendered.read_text(encoding="utf-8")
    assert FIGURE_SOURCE not in html
    assert "x * 3" not in html
    assert "raise ValueError" not in html
    assert "value under test" not in html  # the parameters cell
    assert "In [" not in html
    assert "In&nbsp;[" not in html
    assert "Out[" not in html


@pytest.mark.slow
def test_html_shows_prose_figure_and_injected_value(rendered):
    html = rendered.read_text(encoding="utf-8")
    assert "What the chart shows" in html
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)
    assert "x times 3 is 21" in html  # 7 * 3: the injected x reached the notebook


def test_failed_render_keeps_last_report_and_the_failed_notebook(tmp_path):
    notebook = write_fixture_notebook(tmp_path / "fixture.ipynb")
    out_dir = tmp_path / "out"
    render_notebook(notebook, out_dir, {"x": 7}, engine="inprocess")  # the earlier report
    html_before = (out_dir / "review.html").read_bytes()
    notebook_before = (out_dir / "review.ipynb").read_bytes()

    with pytest.raises(RenderError, match="ValueError: x must not be zero") as caught:
        render_notebook(notebook, out_dir, {"x": 0}, engine="inprocess")

    failed = out_dir / "review.failed.ipynb"
    assert str(failed) in str(caught.value)
    assert caught.value.failed_notebook == failed
    assert (out_dir / "review.html").read_bytes() == html_before
    assert (out_dir / "review.ipynb").read_bytes() == notebook_before
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "review.failed.ipynb",
        "review.html",
        "review.ipynb",
    ]
    errors = [
        output
        for cell in nbformat.read(failed, as_version=4).cells
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert [e.ename for e in errors] == ["ValueError"]


def test_tagged_cells_and_outputs_are_removed():
    notebook = new_notebook(
        cells=[
            new_code_cell(
                "secret = 1",
                metadata={"tags": ["remove-cell"]},
                outputs=[new_output("stream", name="stdout", text="removed whole cell\n")],
            ),
            new_code_cell(
                "noisy()",
                metadata={"tags": ["remove-output"]},
                outputs=[new_output("stream", name="stdout", text="removed output\n")],
            ),
            new_code_cell(
                "shown()",
                outputs=[new_output("stream", name="stdout", text="kept output\n")],
            ),
        ]
    )
    html = notebook_to_html(notebook, name="review", source_dir=Path.cwd())
    assert "removed whole cell" not in html
    assert "removed output" not in html
    assert "kept output" in html


def test_the_saved_state_of_widgets_is_not_on_the_page():
    # A kernel's run of the review saves its what-if sliders' state in the notebook; their
    # cell is removed, and the page carries no state of widgets it does not show.
    state = "application/vnd.jupyter.widget-state+json"
    notebook = new_notebook(
        cells=[new_code_cell("WhatIf(review)", metadata={"tags": ["remove-cell"]})],
        metadata={"widgets": {state: {"state": {"slider": {"model_name": "FloatSliderModel"}}}}},
    )
    page = notebook_to_html(notebook, name="review", source_dir=Path.cwd())
    assert state not in page and "FloatSliderModel" not in page
    assert page.rstrip().endswith("</html>")


def contents_of(page: str) -> list[tuple[str, str, str]]:
    """The contents list of the HTML ``page``: (number, link target, title) of each entry."""
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", page, re.S)[1]
    entries = re.findall(
        r'<a href="#([^"]*)"><span class="section-number">([^<]*)</span>([^<]*)</a>', nav
    )
    return [
        (number, html.unescape(target), html.unescape(title).strip())
        for target, number, title in entries
    ]


def test_the_contents_list_the_sections_numbered_and_linked_to_their_headings():
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Review of the quarter"),
            new_markdown_cell("## Summary\n\nThe quarter in a few lines."),
            new_markdown_cell("### Größe & Preis\n\n```\n## code, not a heading\n```"),
            new_markdown_cell("## Left out", metadata={"tags": ["remove-cell"]}),
            new_markdown_cell("#### Too deep to list\n\n## Appendix: data and parameters"),
            new_markdown_cell("### Data quality"),
            new_markdown_cell("### Input files"),
        ]
    )
    page = notebook_to_html(notebook, name="review", source_dir=Path.cwd())
    # nbconvert's ids: spaces become hyphens, then what a URL fragment cannot hold is
    # percent-encoded as UTF-8 (ö is C3 B6, ß is C3 9F); & and : stay.
    assert contents_of(page) == [
        ("1", "Summary", "Summary"),
        ("1.1", "Gr%C3%B6%C3%9Fe-&-Preis", "Größe & Preis"),
        ("2", "Appendix:-data-and-parameters", "Appendix: data and parameters"),
        ("2.1", "Data-quality", "Data quality"),
        ("2.2", "Input-files", "Input files"),
    ]
    ids = {html.unescape(found) for found in re.findall(r' id="([^"]*)"', page)}
    assert {target for _, target, _ in contents_of(page)} <= ids
    # After the title, before the first section.
    assert page.index("Review of the quarter") < page.index("<nav") < page.index('id="Summary"')


def test_sections_are_numbered_as_the_stylesheet_numbers_the_headings():
    # A level-3 heading before any level-2 one is 0.1, as CSS counters starting at 0 give.
    headings = [(3, "a", "A"), (2, "b", "B"), (3, "c", "C"), (3, "d", "D"), (2, "e", "E")]
    assert numbered_sections(headings) == [
        Section("0.1", "a", "A"),
        Section("1", "b", "B", [Section("1.1", "c", "C"), Section("1.2", "d", "D")]),
        Section("2", "e", "E"),
    ]


def test_a_page_without_sections_has_no_contents():
    notebook = new_notebook(cells=[new_markdown_cell("# Title\n\nOnly prose.")])
    assert "<nav" not in notebook_to_html(notebook, name="review", source_dir=Path.cwd())


def test_path_parameters_become_strings():
    assert papermill_parameters({"export_path": Path("data/sample"), "year": 2026}) == {
        "export_path": "data/sample",
        "year": 2026,
    }


def write_output_notebook(path: Path, fail: bool) -> Path:
    """A notebook that writes a file to the path papermill gives it in `out_path`."""
    cells = [
        new_code_cell('out_path = ""', metadata={"tags": ["parameters"]}),
        new_code_cell('open(out_path, "w").write("fresh")'),
    ]
    if fail:
        cells.append(new_code_cell("raise RuntimeError('late failure')"))
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, path)
    return path


def test_extra_outputs_are_moved_into_place_only_when_the_run_succeeds(tmp_path: Path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "scores.csv").write_text("earlier", encoding="utf-8")
    failing = write_output_notebook(tmp_path / "failing.ipynb", fail=True)
    with pytest.raises(RenderError, match="late failure"):
        render_notebook(
            failing, out_dir, {}, outputs={"out_path": "scores.csv"}, engine="inprocess"
        )
    assert (out_dir / "scores.csv").read_text(encoding="utf-8") == "earlier"
    assert not [p for p in out_dir.iterdir() if ".tmp" in p.name]

    working = write_output_notebook(tmp_path / "working.ipynb", fail=False)
    render_notebook(working, out_dir, {}, outputs={"out_path": "scores.csv"}, engine="inprocess")
    assert (out_dir / "scores.csv").read_text(encoding="utf-8") == "fresh"
    assert not [p for p in out_dir.iterdir() if ".tmp" in p.name]


def test_temporaries_a_killed_run_left_are_removed_by_the_next(tmp_path: Path):
    old = tmp_path / ".review.1a2b3c4d.tmp.html"
    young = tmp_path / ".customer_scores.csv.5e6f7a8b.tmp"
    page = tmp_path / "review.html"
    for path in (old, young, page):
        path.write_text("x", encoding="utf-8")
    now = time.time()
    os.utime(old, (now - 2 * 3600, now - 2 * 3600))  # two hours: its run is long gone
    # A temporary file younger than an hour may belong to a run still going, and stays.
    assert remove_stale_temporaries(tmp_path, now=now) == [old]
    assert young.exists() and page.exists() and not old.exists()


def without_title(page: str) -> str:
    return re.sub(r"<title>.*?</title>", "", page, flags=re.DOTALL)


@pytest.mark.slow
def test_the_executed_notebook_makes_the_same_page_from_the_command_line_and_nbconvert(
    rendered, tmp_path
):
    # The plain papermill path: what papermill wrote (here, the run's own review.ipynb) made
    # into the page by `customer-review html` and by `jupyter nbconvert` with the project's
    # config. Both must be the page the run wrote, but for the title.
    page = rendered.read_text(encoding="utf-8")
    made = CliRunner().invoke(
        main, ["html", str(rendered.with_suffix(".ipynb")), "--output", str(tmp_path / "a.html")]
    )
    assert made.exit_code == 0, made.output
    assert without_title((tmp_path / "a.html").read_text(encoding="utf-8")) == without_title(page)
    converted = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--config", str(NBCONVERT_CONFIG),
         "--to", "html", "--template", "offline", str(rendered.with_suffix(".ipynb")),
         "--output-dir", str(tmp_path), "--output", "b"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    assert without_title((tmp_path / "b.html").read_text(encoding="utf-8")) == without_title(page)


def run_failing(notebook: Path, executed: Path) -> None:
    """Run ``notebook`` with x = 0 in this process, as papermill does, into ``executed``:
    its last cell raises."""
    with pytest.raises(PapermillExecutionError):
        papermill.execute_notebook(
            str(notebook), str(executed), parameters={"x": 0}, engine_name="inprocess",
            progress_bar=False,
        )  # fmt: skip


def test_a_failed_or_unrun_notebook_gets_no_page(tmp_path: Path):
    notebook = write_fixture_notebook(tmp_path / "fixture.ipynb")
    unrun = CliRunner().invoke(main, ["html", str(notebook)])
    assert unrun.exit_code == 2 and "cells that were not run" in unrun.stderr

    failed = tmp_path / "failed.ipynb"
    run_failing(notebook, failed)
    result = CliRunner().invoke(main, ["html", str(failed)])
    assert result.exit_code == 1
    assert "ValueError: x must not be zero" in result.stderr
    assert not failed.with_suffix(".html").exists()


def test_a_notebook_that_refused_its_input_gets_no_page_and_exits_2(tmp_path: Path):
    notebook = write_fixture_notebook(tmp_path / "fixture.ipynb")
    cells = nbformat.read(notebook, as_version=4)
    cells.cells[-1].source = (
        "from helpers.errors import ParameterError\n"
        "if x == 0:\n    raise ParameterError('x must not be zero', parameter='x')"
    )
    nbformat.write(cells, notebook)
    refused = tmp_path / "refused.ipynb"
    run_failing(notebook, refused)
    result = CliRunner().invoke(main, ["html", str(refused)])
    assert result.exit_code == 2 and "ParameterError: x must not be zero" in result.stderr
    assert not refused.with_suffix(".html").exists()
