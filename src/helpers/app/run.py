"""The run pipeline: render the review of each period asked for, safely, and keep what a
scheduled run must keep.

For each period: the notebook's parameters are made (its defaults, the company config's
values, then ``-p`` overrides) and checked before anything is rendered; the review notebook is
executed (it reads the export, builds the review, writes ``customer_scores.csv``,
``actions.csv`` and the outcome) into a staging folder and turned into one offline page, its
headline numbers go to ``summary.json``, and the set is published (``helpers.app.publish``):
the period's outcome recorded in the company's history, its folder replaced by the staging
folder, and ``reports/index.html`` rebuilt, together or not at all. Nothing is written for a
period refused as bad input, and a failed render, a history that cannot be written, or a
killed run leaves the earlier report as it was. One period failing does not stop the others.

The notebook runs in a Jupyter kernel (``engine="kernel"``, the default) or, for the tests,
in this process (``engine="inprocess"``, ``helpers.report.engines``).
"""

from __future__ import annotations

import ast
import errno
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from pathlib import Path
from typing import TypeVar

from helpers.app.notebooks import (  # noqa: F401 - the notebooks' paths, for the command line
    DOSSIER_NOTEBOOK,
    PROJECT_ROOT,
    REVIEW_NOTEBOOK,
    checked_parameters,
)
from helpers.app.publish import NotRecorded, Staging, publish, recover
from helpers.errors import Refusal, RenderError
from helpers.io.config import CompanyConfig, slug
from helpers.io.database import is_connection
from helpers.io.export import locate
from helpers.report.index import period_folder, what_if_words, write_summary
from helpers.report.links import DOSSIERS_FLAGGED
from helpers.report.pdf import check_engine, print_pdf
from helpers.report.render import notebook_parameters, render_notebook
from helpers.report.results import read_outcome

# Notebook parameters that are not settings of the review itself; checked_parameters
# checks all the others before anything is rendered.
NOT_REVIEW_SETTINGS = {
    "export_path",
    "period",
    "company",
    "scores_path",
    "actions_path",
    "outcome_path",
    "history_path",
    "what_if",
    "dossiers",
    "dossiers_path",
}
NOT_DOSSIER_SETTINGS = {"export_path", "period", "company", "customer_id"}
# Parameters that change where or as of when a review is made, not what it judges.
NOT_WHAT_IF = {"as_of", "history_path", "company", "what_if", "dossiers", "dossiers_path"}
SCORES_FILE = "customer_scores.csv"
ACTIONS_FILE = "actions.csv"
HISTORY_FILE = "history.sqlite"  # one per company, beside its periods' folders
OUTCOME_FILE = ".outcome.json"  # written by the notebook, read once the page is written
PDF_FILE = "review.pdf"
FAILED_FILE = "review.failed.ipynb"  # a failed render's notebook, with its traceback
BAD_INPUT = Refusal.exit_code
# Errors that say the reports' place cannot be written at all: bad input, not a failed render.
UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR}
RENDER_FAILED = 1
T = TypeVar("T")


class Failure(Exception):
    """One period (or the whole command) could not be done; ``code`` is the exit code and
    ``detail`` what a developer would look at (a failed cell's traceback), shown on demand."""

    def __init__(self, message: str, code: int, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail


def notebook_defaults(notebook: Path) -> dict[str, object]:
    """The notebook's parameters and their default values, read from its parameters cell."""
    return {
        name: ast.literal_eval(spec["default"])  # the parameters cell holds literals only
        for name, spec in notebook_parameters(notebook).items()
    }


@dataclass(frozen=True)
class Source:
    """Where a command's export and settings come from: a company config, or an export path
    that follows our contract, with the options given on the command line."""

    config: CompanyConfig | None
    export: str | None
    company: str | None
    reports_dir: Path
    given: tuple[tuple[str, str], ...] = ()

    def parameters(self, notebook: Path, period: str) -> tuple[dict[str, object], Path]:
        """The parameters to run ``notebook`` with for ``period``, and the company's folder.

        The notebook's defaults, overridden by the config's values (those the notebook
        takes), then by the ``-p NAME VALUE`` pairs (each converted to its default's type),
        and the company's history file as ``history_path`` unless one was given. Raises
        ``Failure`` on a parameter the notebook does not take or a value of the wrong type.
        """
        values = self._base(notebook, period)
        for name, text in self.given:
            if name not in values:
                raise Failure(
                    f"unknown parameter {name!r}: the notebook takes {', '.join(sorted(values))}",
                    BAD_INPUT,
                )
            default = values[name]
            try:
                values[name] = _typed(default, text)
            except ValueError:
                raise Failure(
                    f"parameter {name} must be a {type(default).__name__}, got {text!r}", BAD_INPUT
                ) from None
        if self.company:
            values["company"] = self.company
        company_dir = self.reports_dir / slug(str(values["company"]))
        if "history_path" not in dict(self.given):
            values["history_path"] = str(company_dir / HISTORY_FILE)
        return values, company_dir

    def _base(self, notebook: Path, period: str) -> dict[str, object]:
        """The notebook's defaults, overridden by the config's values (those it takes)."""
        values = notebook_defaults(notebook)
        if self.config is not None:
            from_config = self.config.notebook_parameters(period)
            values.update({k: v for k, v in from_config.items() if k in values})
        else:
            export = str(self.export)
            values["export_path"] = (
                export if is_connection(export) else str(locate(export).resolve())
            )
            values["period"] = period
        return values

    def what_if(self, notebook: Path, period: str, values: dict[str, object]) -> dict[str, object]:
        """The ``-p`` parameters whose values (in ``values``, as ``parameters`` made them)
        differ from what the config (or, without one, the notebook) gives, by name: what makes
        a run a what-if rather than the official review. The day a review is judged as of
        (``as_of``) is not one of them."""
        base = self._base(notebook, period)
        return {
            name: values[name]
            for name, _ in self.given
            if name not in NOT_WHAT_IF and values[name] != base.get(name)
        }


def _typed(default: object, text: str) -> object:
    """``text`` as a value of ``default``'s type: a dict from JSON (``{"keep": "Retain"}``)."""
    if isinstance(default, str):
        return text
    if isinstance(default, dict):
        value = json.loads(text)  # json.JSONDecodeError is a ValueError
        if not isinstance(value, dict):
            raise ValueError(text)
        return value
    return type(default)(text)


def checked(build: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``build(*args, **kwargs)``, raising ``Failure(BAD_INPUT)`` with the message when it
    refuses its input (a ``Refusal``: the config, the parameters or the export are wrong)."""
    try:
        return build(*args, **kwargs)
    except Refusal as refusal:
        raise Failure(str(refusal), BAD_INPUT) from None


@contextmanager
def refused_if_unwritable(what: str) -> Iterator[None]:
    """Raise ``Failure(BAD_INPUT)`` saying so when the reports' place cannot be written at
    all: a wrong ``--reports``, not a failed render."""
    try:
        yield
    except OSError as error:
        if error.errno not in UNWRITABLE:
            raise
        raise Failure(
            f"The {what} cannot be written to {error.filename}: {error.strerror}. Give "
            "--reports a folder this user may write to.",
            BAD_INPUT,
        ) from None


def rendered(what: str, *args: object, **kwargs: object) -> Path:
    """``render_notebook(*args, **kwargs)``, raising ``Failure(BAD_INPUT)`` with the message
    when the notebook refused its input or its place cannot be written,
    ``Failure(RENDER_FAILED)`` when it failed."""
    try:
        with refused_if_unwritable(what):
            return render_notebook(*args, **kwargs)
    except RenderError as error:
        if error.refusal is not None:
            raise Failure(error.evalue, BAD_INPUT) from None
        raise Failure(
            f"The {what} could not be rendered: {error}",
            RENDER_FAILED,
            detail=str(error.__cause__ or ""),
        ) from None


class Progress:
    """What a run tells the person (or the cron mail) while it works; this one says nothing.
    The command line's own prints a line per step and the path of each page."""

    interactive = False  # whether to show the notebook's cells as they run

    def step(self, number: int, label: str, what: str) -> None:
        """Period ``number`` (``label``) has begun ``what``."""

    def done(self, number: int, label: str, html: Path, seconds: float) -> None:
        """Period ``number`` rendered its page at ``html`` in ``seconds``."""

    def failed(self, label: str, failure: Failure) -> None:
        """Period ``label`` failed."""


@dataclass
class RunResult:
    """What a run of several periods did: the page of each period rendered, in order, and the
    failure of each that was not."""

    pages: dict[str, Path] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when every period rendered; else 1 if any render failed, else 2 (bad input)."""
        codes = {failure.code for failure in self.failures.values()}
        return RENDER_FAILED if RENDER_FAILED in codes else BAD_INPUT if codes else 0

    def summary(self) -> str:
        """``11 of 12 periods rendered; failed: 2026-04 (bad input)``."""
        kinds = {BAD_INPUT: "bad input", RENDER_FAILED: "render failed"}
        listed = ", ".join(f"{p} ({kinds[f.code]})" for p, f in self.failures.items())
        total = len(self.pages) + len(self.failures)
        return f"{len(self.pages)} of {total} periods rendered; failed: {listed}"


def run_periods(
    source: Source,
    labels: list[str],
    *,
    notebook: Path = REVIEW_NOTEBOOK,
    progress: Progress | None = None,
    engine: str = "kernel",
    replace: bool = False,
    pdf: bool = False,
    dossiers: str | None = None,
) -> RunResult:
    """Render the review of each period of ``labels`` in order; each one rendered is put in
    place with its row in the index (``run_period``). Raises ``Failure`` before rendering
    anything when a ``-p`` parameter is unknown or mistyped, since every period would fail
    alike."""
    progress = progress or Progress()
    source.parameters(notebook, labels[0])
    pdf = pdf or (source.config is not None and source.config.report.pdf)
    if dossiers is None:
        dossiers = source.config.report.dossiers if source.config else DOSSIERS_FLAGGED
    if pdf:
        checked(check_engine)  # what to install, before anything is rendered
    result = RunResult()
    for number, label in enumerate(labels, start=1):
        started = time.monotonic()
        progress.step(number, label, "checking the parameters")
        try:
            html = run_period(
                source,
                notebook,
                label,
                progress,
                number,
                engine=engine,
                replace=replace,
                pdf=pdf,
                dossiers=dossiers,
            )
        except Failure as failure:
            result.failures[label] = failure
            progress.failed(label, failure)
            continue
        result.pages[label] = html
        progress.done(number, label, html, time.monotonic() - started)
    return result


def run_period(
    source: Source,
    notebook: Path,
    label: str,
    progress: Progress,
    number: int = 1,
    *,
    engine: str = "kernel",
    replace: bool = False,
    pdf: bool = False,
    dossiers: str = DOSSIERS_FLAGGED,
) -> Path:
    """Render one period's review and record its outcome; returns the page's path. Raises
    ``Failure`` with the exit code when the period is refused or its render fails.

    A run whose ``-p`` parameters differ from the config's is a what-if: its files go to a
    folder of their own named after what changed (``2026-Q3-what-if-hourly-cost-80``),
    marked so in the index, and the history records nothing of it. ``replace`` makes it the
    official review of the period instead. ``dossiers`` says whose dossier is written
    beside the page (``links.dossier_ids``), from the review's own kernel."""
    values, company_dir = source.parameters(notebook, label)
    what_if = {} if replace else source.what_if(notebook, label, values)
    period = checked(
        checked_parameters,
        values["export_path"],
        values["period"],
        **{k: v for k, v in values.items() if k not in NOT_REVIEW_SETTINGS},
    )
    label = period.label
    values["period"] = label
    company = str(values["company"])
    folder = period_folder(label, what_if)
    values["what_if"] = what_if_words(what_if)
    recorded_in = "" if what_if else str(values["history_path"])  # a what-if records nothing
    progress.step(number, label, "reading the export and rendering the review")
    with refused_if_unwritable("review"):
        recover(company_dir, str(values["history_path"]))
        with Staging(company_dir, folder) as staging:
            values.update(dossiers=dossiers, dossiers_path=str(staging.folder))
            rendered(
                "review",
                notebook,
                staging.folder,
                values,
                title=f"{company}: customer review {label}"
                + (f" (what-if: {values['what_if']})" if what_if else ""),
                outputs={
                    "scores_path": SCORES_FILE,
                    "actions_path": ACTIONS_FILE,
                    "outcome_path": OUTCOME_FILE,
                },
                progress=progress.interactive,
                engine=engine,
                failed_path=company_dir / folder / FAILED_FILE,
            )
            outcome = read_outcome(staging.folder / OUTCOME_FILE)
            (staging.folder / OUTCOME_FILE).unlink()
            if pdf:
                progress.step(number, label, "printing the PDF")
                checked(print_pdf, staging.folder / "review.html", staging.folder / PDF_FILE)
            headline = replace_fields(outcome.headline, what_if=what_if or None, pdf=pdf)
            write_summary(staging.folder, headline)
            try:
                # Only a run that rendered counts as a period reviewed: no strike from a failure.
                period_dir = publish(staging, recorded_in, outcome.rows)
            except NotRecorded as error:
                raise Failure(
                    f"The history at {values['history_path']} cannot be written ({error}); the "
                    "earlier review is left as it was.",
                    BAD_INPUT,
                ) from None
    return period_dir / "review.html"
