"""The command line: render a review from an export, safely, with meaningful exit codes.

``customer-review run --export data/sample --period 2026-Q3`` checks the parameters and the
export first (nothing is written when either is wrong), then executes the review notebook with
papermill and writes ``reports/<company>/<period>/review.html``, ``review.ipynb`` and
``customer_scores.csv`` atomically. Once the period has rendered, its outcome is recorded in
``reports/<company>/history.sqlite`` for the three-strikes count of later periods.

``customer-review dossier --export data/sample --period 2026-Q3 --customer C0037`` checks the
same way (an unknown customer is named with its near matches), then renders one customer's
dossier for the review meeting as ``reports/<company>/<period>/dossier-<customer>.html``. It
reads the company's history for the strikes and records nothing.

Exit codes: 0 rendered; 2 bad input or parameters (the message names what and where); 1 the
render itself failed (the failed notebook is kept beside the report as ``<stem>.failed.ipynb``).
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
import papermill

from helpers.checks import ExportError
from helpers.dossier import dossier_from_parameters, page_title
from helpers.export import locate
from helpers.history import record_period
from helpers.periods import PeriodError
from helpers.render import RenderError, render_notebook
from helpers.review import ParameterError, review_from_parameters

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REVIEW_NOTEBOOK = PROJECT_ROOT / "notebooks" / "customer_review.ipynb"
DOSSIER_NOTEBOOK = PROJECT_ROOT / "notebooks" / "customer_dossier.ipynb"
# Notebook parameters that are not settings of the review itself; review_from_parameters
# checks all the others before anything is rendered.
NOT_REVIEW_SETTINGS = {"export_path", "period", "company", "scores_path"}
NOT_DOSSIER_SETTINGS = {"export_path", "period", "company", "customer_id"}
SCORES_FILE = "customer_scores.csv"
HISTORY_FILE = "history.sqlite"  # one per company, beside its periods' folders
BAD_INPUT = 2
RENDER_FAILED = 1
T = TypeVar("T")


def slug(text: str) -> str:
    """A folder name for a company: lower case ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "company"


def notebook_defaults(notebook: Path) -> dict[str, object]:
    """The notebook's parameters and their default values, read from its parameters cell."""
    return {
        name: ast.literal_eval(spec["default"])  # the parameters cell holds literals only
        for name, spec in papermill.inspect_notebook(str(notebook)).items()
    }


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.group()
def main() -> None:
    """Review a company's customers: which to keep, which to fix, which to let go."""


def _export_options(command):
    """The options every rendering command takes: the export, the period, the company, where
    reports go, and any other notebook parameter."""
    options = [
        click.option(
            "--export", "export_path", required=True, help="Folder of CSV files or .xlsx."
        ),
        click.option("--period", required=True, help="Review period: 2026-Q3, 2026-09 or 2026."),
        click.option("--company", help="Company name for the title and the report folder."),
        click.option(
            "--reports",
            "reports_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=PROJECT_ROOT / "reports",
            show_default="reports/",
            help="Where reports/<company>/<period>/ is written.",
        ),
        click.option(
            "-p",
            "--parameter",
            "parameters",
            type=(str, str),
            multiple=True,
            metavar="NAME VALUE",
            help="Any other notebook parameter, e.g. -p headache_share 0.05.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def notebook_parameters(
    notebook: Path,
    given: tuple[tuple[str, str], ...],
    *,
    export_path: str,
    period: str,
    company: str | None,
    reports_dir: Path,
) -> tuple[dict[str, object], Path]:
    """The parameters to run ``notebook`` with, and the company's report folder.

    The notebook's defaults, overridden by the ``-p NAME VALUE`` pairs in ``given`` (each
    converted to its default's type), the export's absolute path, the period, the company,
    and the company's history file as ``history_path`` unless one was given. Exits with
    ``BAD_INPUT`` on a parameter the notebook does not take or a value of the wrong type.
    """
    values = notebook_defaults(notebook)
    for name, text in given:
        if name not in values:
            _fail(
                f"unknown parameter {name!r}: the notebook takes {', '.join(sorted(values))}",
                BAD_INPUT,
            )
        default = values[name]
        try:
            values[name] = type(default)(text) if not isinstance(default, str) else text
        except ValueError:
            _fail(f"parameter {name} must be a {type(default).__name__}, got {text!r}", BAD_INPUT)
    export = locate(export_path).resolve()
    values.update(export_path=str(export), period=period)
    if company:
        values["company"] = company
    company_dir = reports_dir / slug(str(values["company"]))
    if "history_path" not in dict(given):
        values["history_path"] = str(company_dir / HISTORY_FILE)
    return values, company_dir


def _checked(build: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``build(*args, **kwargs)``, exiting with ``BAD_INPUT`` and the message when the
    parameters or the export are wrong."""
    try:
        return build(*args, **kwargs)
    except (ExportError, PeriodError, ParameterError, FileNotFoundError) as error:
        _fail(str(error), BAD_INPUT)


def _rendered(what: str, *args: object, **kwargs: object) -> Path:
    """``render_notebook(*args, **kwargs)``, exiting with ``RENDER_FAILED`` when it fails."""
    try:
        return render_notebook(*args, **kwargs)
    except RenderError as error:
        _fail(f"The {what} could not be rendered: {error}", RENDER_FAILED)


@main.command()
@_export_options
@click.option("--notebook", type=click.Path(exists=True, path_type=Path), default=REVIEW_NOTEBOOK)
def run(export_path, period, company, reports_dir, parameters, notebook) -> None:
    """Render the review of EXPORT for PERIOD and print the path of the HTML."""
    values, company_dir = notebook_parameters(
        notebook,
        parameters,
        export_path=export_path,
        period=period,
        company=company,
        reports_dir=reports_dir,
    )
    review = _checked(
        review_from_parameters,
        values["export_path"],
        values["period"],
        **{k: v for k, v in values.items() if k not in NOT_REVIEW_SETTINGS},
    )
    out_dir = company_dir / review.period.label
    values["period"] = review.period.label
    title = f"{values['company']}: customer review {review.period.label}"
    html = _rendered(
        "review", notebook, out_dir, values, title=title, outputs={"scores_path": SCORES_FILE}
    )
    # Only a run that rendered counts as a period reviewed: a failed one leaves no strike.
    record_period(values["history_path"], review)
    click.echo(html)


@main.command()
@_export_options
@click.option("--customer", "customer_id", required=True, help="The customer's id in the export.")
@click.option("--notebook", type=click.Path(exists=True, path_type=Path), default=DOSSIER_NOTEBOOK)
def dossier(export_path, period, company, reports_dir, parameters, customer_id, notebook) -> None:
    """Render the dossier of one customer of EXPORT for PERIOD, for the review meeting, and
    print the path of the HTML: reports/<company>/<period>/dossier-<customer>.html.

    The company's history is read for the strikes, never written: only `run` records a
    period.
    """
    values, company_dir = notebook_parameters(
        notebook,
        parameters,
        export_path=export_path,
        period=period,
        company=company,
        reports_dir=reports_dir,
    )
    values["customer_id"] = customer_id
    found = _checked(
        dossier_from_parameters,
        values["export_path"],
        values["period"],
        customer_id,
        **{k: v for k, v in values.items() if k not in NOT_DOSSIER_SETTINGS},
    )
    label = found.review.period.label
    values.update(period=label, customer_id=found.customer_id)
    html = _rendered(
        "dossier",
        notebook,
        company_dir / label,
        values,
        stem=f"dossier-{slug(found.customer_id)}",
        title=page_title(str(values["company"]), found),
    )
    click.echo(html)


if __name__ == "__main__":
    main()
