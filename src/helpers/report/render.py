"""Rendering: run a parameterised notebook with papermill and turn it into one offline HTML page.

The page carries no code, no prompts and nothing fetched from outside it (figures are inline
PNG), so it can be mailed to people who open it without network access. Writing is atomic: a
failed run never replaces the last good report.
"""

from __future__ import annotations

import functools
import html
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill
from markupsafe import Markup
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from helpers.errors import RenderError, refusal_named  # noqa: E402
from helpers.report.engines import ENGINES  # noqa: E402
from helpers.report.files import (  # noqa: E402
    missing_folders,
    remove_if_empty,
    write_text_whole,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"
# For `jupyter nbconvert --config`: the same page from any notebook papermill executed.
NBCONVERT_CONFIG = TEMPLATES_DIR / "nbconvert_offline.py"
TEMPLATE_NAME = "offline"
KERNEL_NAME = "python3"

# Cells whose tag says they are plumbing, not part of the story. papermill tags the cell it
# injects `injected-parameters`; the parameters cell holds only defaults.
REMOVED_CELL_TAGS = {"remove-cell", "parameters", "injected-parameters"}
REMOVED_OUTPUT_TAGS = {"remove-output"}

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def strip_css_comments(css: str) -> Markup:
    """Return `css` (markup holding <style> blocks) without /* ... */ comments.

    The stock stylesheets credit their sources with https:// links inside comments; they load
    nothing, but a page that mentions no outside address is easier to check.
    """
    return Markup(_CSS_COMMENT.sub("", str(css)))


# nbconvert's `add_anchor` filter gives each markdown heading it can parse an id made from its
# text and an anchor link: <h2 id="...">text<a class="anchor-link" href="#...">¶</a></h2>.
_SECTION_HEADING = re.compile(r'<h([23]) id="([^"]*)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Section:
    """An entry of a page's contents: its number ("2", or "2.1" under a level-2 heading), the
    id of its heading, its title as text, and the level-3 sections under a level-2 one."""

    number: str
    anchor: str
    title: str
    subsections: list[Section] = field(default_factory=list)


def section_headings(markdown_html: str) -> list[tuple[int, str, str]]:
    """The level-2 and level-3 headings in ``markdown_html`` (a markdown cell as nbconvert's
    `markdown2html` filter renders it) that carry an id, in order: (level, id, title as text).
    """
    return [
        (int(level), html.unescape(anchor), " ".join(html.unescape(_TAG.sub("", title)).split()))
        for level, anchor, title in _SECTION_HEADING.findall(markdown_html)
    ]


def numbered_sections(headings: Iterable[tuple[int, str, str]]) -> list[Section]:
    """``headings`` (as `section_headings` gives them) numbered as the offline template's
    stylesheet numbers the headings: level 2 counts 1, 2, ...; level 3 counts within its
    section, 2.1, 2.2, ... and is listed under it (before any level-2 heading: 0.1, 0.2, ...,
    at the top)."""
    sections: list[Section] = []
    parent: Section | None = None
    section = subsection = 0
    for level, anchor, title in headings:
        if level == 2:
            section, subsection = section + 1, 0
            parent = Section(str(section), anchor, title)
            sections.append(parent)
        else:
            subsection += 1
            entry = Section(f"{section}.{subsection}", anchor, title)
            (parent.subsections if parent else sections).append(entry)
    return sections


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters ``notebook``'s parameters cell declares, as papermill reads them: name
    to ``{"default": <source text>, "inferred_type_name": ..., "help": ...}``."""
    return papermill.inspect_notebook(str(notebook))


def papermill_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Return `parameters` as papermill can inject them: `Path` values become `str`."""
    return {
        name: str(value) if isinstance(value, os.PathLike) else value
        for name, value in parameters.items()
    }


@contextmanager
def _inline_figures() -> Iterator[None]:
    """Unset MPLBACKEND while the kernel starts, restoring it afterwards.

    ipykernel picks its inline backend only when MPLBACKEND is unset; with MPLBACKEND=Agg, as CI
    machines often set, every figure would silently vanish from the report. The kernel copies
    the environment when it starts, so the change lasts only for this call (not thread-safe).
    """
    backend = os.environ.pop("MPLBACKEND", None)
    try:
        yield
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend


# The template's own filters, by import name: the config then works from `jupyter nbconvert`.
OFFLINE_FILTERS = {
    name: f"{__name__}.{name}"
    for name in ("strip_css_comments", "section_headings", "numbered_sections")
}


def offline_config() -> Config:
    """The nbconvert settings of the offline page: the offline template and its filters, no
    code, no prompts, the plumbing cells removed and images inline. The command line's
    exporter and ``jupyter nbconvert --config`` (``templates/nbconvert_offline.py``) both use
    it."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = REMOVED_CELL_TAGS
    config.TagRemovePreprocessor.remove_all_outputs_tags = REMOVED_OUTPUT_TAGS
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.filters = dict(OFFLINE_FILTERS)
    return config


@functools.cache
def html_exporter() -> HTMLExporter:
    """Return the HTMLExporter for the offline template: no code, no prompts, images inline.
    Made once per process: it compiles its templates when first used, a quarter of a second
    that a run of several periods would otherwise pay for each."""
    return HTMLExporter(config=offline_config())


def notebook_to_html(notebook: nbformat.NotebookNode, *, name: str, source_dir: Path) -> str:
    """Return the offline HTML page for an executed notebook.

    `name` is the page title unless the notebook's metadata has a `title`; `source_dir` is where
    relative image paths in markdown cells are looked up.
    """
    resources = {"metadata": {"name": name, "path": str(source_dir)}}
    html, _ = html_exporter().from_notebook_node(notebook, resources=resources)
    return html


def page_from_executed(
    executed: nbformat.NotebookNode, executed_path: Path, html_path: Path, *, title: str
) -> Path:
    """Write at ``html_path``, atomically, the offline page of ``executed``, the notebook at
    ``executed_path`` as papermill (or JupyterLab) executed it; returns ``html_path``.

    Raises ``RenderError`` when a cell of it failed, carrying the refusal's name and message
    when the notebook refused its input: a failed run gets no page. Raises ``ValueError``
    when its code cells have not all been run.
    """
    executed_path = Path(executed_path)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    for cell in code:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise _failed_in_cell(
                    executed_path.name,
                    cell.execution_count,
                    output.ename,
                    output.evalue,
                    executed_path,
                    "No page is made from a failed run.",
                )
    if not code or any(cell.execution_count is None for cell in code):
        raise ValueError(
            f"{executed_path} has cells that were not run: run it with papermill first"
        )
    page = notebook_to_html(executed, name=title, source_dir=executed_path.parent)
    write_text_whole(html_path, page)
    return Path(html_path)


def _failed_in_cell(
    notebook_name: str, count: int | None, ename: str, evalue: str, kept: Path, then: str
) -> RenderError:
    """The error of a notebook whose cell number ``count`` raised ``ename: evalue``; ``kept``
    is the executed notebook with the traceback, and ``then`` says what follows."""
    cell = f"cell {count}" if count else "a cell"
    return RenderError(
        f"{notebook_name} failed in {cell}: {ename}: {evalue}\n{then}",
        failed_notebook=kept,
        ename=ename,
        evalue=evalue,
    )


def render_notebook(
    notebook: Path,
    out_dir: Path,
    parameters: dict,
    *,
    stem: str = "review",
    cwd: Path | None = None,
    title: str | None = None,
    outputs: Mapping[str, str] | None = None,
    progress: bool = False,
    engine: str = "kernel",
    failed_path: Path | None = None,
) -> Path:
    """Execute `notebook` with `parameters` and write `out_dir/<stem>.ipynb` and `<stem>.html`.

    Relative paths inside the notebook resolve against `cwd` (default: the caller's working
    directory). Both files are replaced only once execution and conversion have succeeded, and a
    stale `<stem>.failed.ipynb` is then removed. If a cell raises, the earlier report stays as
    it was, the executed notebook with the traceback is kept as `<stem>.failed.ipynb` and
    RenderError is raised (``failed_path`` puts it elsewhere, its folder made when needed).
    `title` becomes the page's title (default: `stem`).

    `outputs` maps a notebook parameter to a file name: the notebook receives a temporary path
    in that parameter, writes its file there, and the file is moved to `out_dir/<name>` only
    once the whole run has succeeded, just before the page. ``progress`` shows papermill's bar
    of cells executed on stderr. ``engine`` is where the cells run: ``kernel`` (a Jupyter
    kernel) or ``inprocess`` (this process, ``helpers.report.engines``). Returns the path of
    the HTML page.

    A cell that raises a ``Refusal`` (``helpers.errors``) refuses the notebook's input rather
    than fails: the RenderError then carries its name and message (``RenderError.refusal``), no
    failed notebook is kept and the folders this call created are removed again, so that bad
    input leaves no trace.
    """
    notebook = Path(notebook)
    out_dir = Path(out_dir)
    created = missing_folders(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    html_path = out_dir / f"{stem}.html"
    executed_path = out_dir / f"{stem}.ipynb"
    failed_path = Path(failed_path or out_dir / f"{stem}.failed.ipynb")

    # Temporary names in out_dir itself, so os.replace stays on one filesystem (atomic). Hidden
    # and suffixed .ipynb/.html: papermill picks its writer from the extension.
    token = secrets.token_hex(4)
    tmp_executed = out_dir / f".{stem}.{token}.tmp.ipynb"
    tmp_html = out_dir / f".{stem}.{token}.tmp.html"
    extra = {
        parameter: (out_dir / f".{name}.{token}.tmp", out_dir / name)
        for parameter, name in (outputs or {}).items()
    }
    parameters = {**parameters, **{p: str(tmp) for p, (tmp, _) in extra.items()}}
    refused = False
    try:
        try:
            with _inline_figures():
                papermill.execute_notebook(
                    str(notebook),
                    str(tmp_executed),
                    parameters=papermill_parameters(parameters),
                    engine_name=ENGINES[engine],
                    kernel_name=KERNEL_NAME,
                    progress_bar=progress,
                    # Saving the whole notebook, figures and all, before and after each cell
                    # costs seconds per report; it is still saved every 30 s of a long cell,
                    # and at the end, failed or not.
                    request_save_on_cell_execute=False,
                    # ipykernel warns at every start that its loopback TCP channel is not
                    # encrypted; in a cron mail that line reads like a failure. Errors still
                    # reach the notebook through the kernel protocol.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                    cwd=str(cwd) if cwd is not None else None,
                )
        except PapermillExecutionError as error:
            if refusal_named(error.ename) is not None:
                refused = True
                raise RenderError(error.evalue, ename=error.ename, evalue=error.evalue) from error
            failed_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_executed, failed_path)
            raise _failed_in_cell(
                notebook.name,
                error.exec_count,
                error.ename,
                error.evalue,
                failed_path,
                f"The executed notebook with the traceback is at {failed_path}",
            ) from error

        executed = nbformat.read(tmp_executed, as_version=4)
        html = notebook_to_html(executed, name=title or stem, source_dir=notebook.parent)
        with open(tmp_html, "x", encoding="utf-8") as page:
            page.write(html)

        for parameter, (tmp, _) in extra.items():
            if not tmp.exists():
                raise RenderError(f"{notebook.name} did not write the file given in {parameter}")
        for tmp, final in extra.values():
            os.replace(tmp, final)
        os.replace(tmp_executed, executed_path)
        os.replace(tmp_html, html_path)
        failed_path.unlink(missing_ok=True)
    finally:
        tmp_executed.unlink(missing_ok=True)
        tmp_html.unlink(missing_ok=True)
        for tmp, _ in extra.values():
            tmp.unlink(missing_ok=True)
        if refused:
            remove_if_empty(created)
    return html_path


STALE_AFTER_SECONDS = 3600  # a temporary file this old was left by a run that was killed


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files (``.<name>.<token>.tmp...``) that runs killed before they
    could clean up left in ``folder``; those younger than ``STALE_AFTER_SECONDS`` may belong
    to a run still going, and stay. Returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    for path in folder.glob(".*.tmp*"):
        try:
            if path.is_file() and now - path.stat().st_mtime > STALE_AFTER_SECONDS:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue  # another run removed it first
    return removed
