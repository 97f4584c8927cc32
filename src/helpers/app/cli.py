"""The command line: ``customer-review``, which renders reviews from a company's export
safely, with meaningful exit codes.

``customer-review run --config companies/acme.toml --period 2026-Q3`` renders the period's
review through the run pipeline (``helpers.app.run``): the parameters are checked first, the
review notebook reads and checks the export once, and ``reports/<company>/<period>/``
receives ``review.html``, ``review.ipynb``, ``customer_scores.csv``, ``actions.csv`` and
``summary.json`` atomically; the period is recorded in ``reports/<company>/history.sqlite`` and
``reports/index.html`` is rebuilt. Several ``--period`` values, a range (``2026-01..2026-12``)
or ``last-quarter`` / ``last-month`` render one after the other; a period that fails does not
stop the others. ``--export PATH`` instead of ``--config`` reads an export that follows our
contract as it is.

``validate`` checks an export and prints every problem; ``init`` writes a starter config from an
export's headers; ``dossier`` renders one customer's page for the review meeting; ``index``
rebuilds the index; ``parameters`` prints the notebook parameters a config gives, for plain
papermill or a scheduler; ``html`` makes the offline page of a notebook papermill executed.

Exit codes: 0 rendered; 2 bad input or parameters (any ``Refusal``: the message names what and
where); 1 the render itself failed (the failed notebook is kept beside the report as
``<stem>.failed.ipynb``), or the workbook met an error it did not expect (its summary is
printed; ``--debug`` shows the traceback). With several periods: 0 when all rendered, else 1 if
any render failed, else 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click
import nbformat
import pandas as pd

from helpers.app.notebooks import dossier_from_parameters, export_from_parameters
from helpers.app.run import (
    BAD_INPUT,
    DOSSIER_NOTEBOOK,
    NOT_DOSSIER_SETTINGS,
    PROJECT_ROOT,
    RENDER_FAILED,
    REVIEW_NOTEBOOK,
    Failure,
    Progress,
    Source,
    checked,
    rendered,
    run_periods,
)
from helpers.errors import ExportError, Refusal, RenderError
from helpers.io.config import load_config, slug
from helpers.io.periods import expand_periods
from helpers.report.index import write_index
from helpers.report.links import DOSSIER_CHOICES, dossier_files
from helpers.report.render import page_from_executed
from helpers.review.model import check_exit_ids

# The dossier's page (charts, seaborn) and the starter are imported by their own commands only:
# a scheduled `run` starts a second or two sooner without them.


def _source(
    config_path: Path | None,
    export_path: str | None,
    company: str | None,
    reports_dir: Path,
    given: tuple[tuple[str, str], ...] = (),
) -> Source:
    if (config_path is None) == (export_path is None):
        raise click.UsageError("give either --config FILE or --export PATH")
    config = checked(load_config, config_path) if config_path is not None else None
    return Source(config, export_path, company, reports_dir, given)


_reports_option = click.option(
    "--reports",
    "reports_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "reports",
    show_default="reports/",
    help="Where reports/<company>/<period>/ and the index are written.",
)


_engine_option = click.option(
    "--engine",
    type=click.Choice(["kernel", "inprocess"]),
    default="kernel",
    hidden=True,
    help="Where the notebook runs: a Jupyter kernel, or this process (for the tests).",
)


def _source_options(command):
    """The options every command that reads an export takes."""
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="The company's config (TOML): export, column mapping, thresholds.",
        ),
        click.option(
            "--export",
            "export_path",
            help="Instead of --config: a folder of CSV or Parquet files, or an .xlsx, "
            "that follows the contract in the README.",
        ),
        click.option("--company", help="Company name for the title and the report folder."),
        _reports_option,
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


def _today(as_of: str | None) -> date:
    if not as_of:
        return date.today()
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise Failure(
            f"--as-of {as_of!r} is not a date: write it as YYYY-MM-DD", BAD_INPUT
        ) from None


def _exit_on_failure(command: Callable[..., None]) -> Callable[..., None]:
    """Turn a ``Failure`` that ends the whole command, or a refusal, into its message and exit
    code. Any other error is a fault of the workbook: its one-line summary and exit 1, the
    traceback only with ``--debug``."""

    def wrapper(*args, **kwargs):
        try:
            command(*args, **kwargs)
        except Failure as failure:
            click.echo(str(failure), err=True)
            sys.exit(failure.code)
        except Refusal as refusal:
            click.echo(str(refusal), err=True)
            sys.exit(BAD_INPUT)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # a usage error and the like: click says it, with its own exit code
        except Exception as error:
            if _debugging():
                raise
            click.echo(
                f"customer-review stopped on an unexpected error: {type(error).__name__}: "
                f"{error}\nRun it again as `customer-review --debug ...` to see where, and "
                "report it with that output.",
                err=True,
            )
            sys.exit(RENDER_FAILED)

    wrapper.__name__ = command.__name__
    wrapper.__doc__ = command.__doc__
    return wrapper


def _debugging() -> bool:
    """Whether ``--debug`` was given before the command."""
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("debug"))


@click.group()
@click.option(
    "--debug",
    is_flag=True,
    help="Show the traceback of an unexpected error, and of a failed notebook cell.",
)
def main(debug: bool) -> None:
    """Review a company's customers: which to keep, which to fix, which to let go."""


@main.command()
@_source_options
@click.option(
    "--period",
    "periods",
    multiple=True,
    required=True,
    help="2026-Q3, 2026-09 or 2026; a range 2026-01..2026-12; last-month, last-quarter or "
    "last-year. Repeat for several.",
)
@click.option(
    "--as-of",
    "as_of",
    help="Review as if on this day (default: today), YYYY-MM-DD: last-month, last-quarter and "
    "last-year count back from it, and no review is judged as of a later day.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Make a run whose -p parameters differ from the config's the official review of "
    "the period, recorded in the history, instead of a what-if beside it.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print the page to review.pdf (A4), with the system's Chromium; the config's "
    "[report] pdf = true does the same.",
)
@click.option(
    "--dossiers",
    type=click.Choice(DOSSIER_CHOICES),
    help="Whose dossier to write beside the review, each name on the page a link to it: the "
    "customers it flags (fire candidates, the headache list, non-payers, exit decisions; the "
    "default, or the config's [report] dossiers), all, or none.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")
@click.option("--notebook", type=click.Path(exists=True, path_type=Path), default=REVIEW_NOTEBOOK)
@_engine_option
@_exit_on_failure
def run(
    config_path,
    export_path,
    company,
    reports_dir,
    parameters,
    periods,
    as_of,
    replace,
    pdf,
    dossiers,
    quiet,
    notebook,
    engine,
) -> None:
    """Render the review of each period and print the path of each HTML page.

    Each period rendered is recorded in the company's history and listed in
    reports/index.html. A period that fails leaves its earlier files as they were and does
    not stop the others. A run with -p parameters that differ from the config's is a what-if:
    its files go to a folder of their own (2026-Q3-what-if-hourly-cost-80), the index marks
    it, and the history records nothing of it, unless --replace is given.
    """
    today = _today(as_of)
    if as_of and "as_of" not in dict(parameters):
        parameters = (*parameters, ("as_of", today.isoformat()))  # each review judged then
    source = _source(config_path, export_path, company, reports_dir, parameters)
    labels = checked(expand_periods, periods, today)
    result = run_periods(
        source,
        labels,
        notebook=notebook,
        progress=_Progress(quiet, len(labels)),
        engine=engine,
        replace=replace,
        pdf=pdf,
        dossiers=dossiers,
    )
    if result.failures:
        if len(labels) > 1:
            click.echo(result.summary(), err=True)
        sys.exit(result.exit_code)


class _Progress(Progress):
    """What ``run`` tells the person (or the cron mail) while it works: a line per step on
    stderr, the paths on stdout; nothing but errors when quiet."""

    def __init__(self, quiet: bool, total: int) -> None:
        self.quiet = quiet
        self.total = total
        self.interactive = not quiet and sys.stderr.isatty()

    def step(self, number: int, label: str, what: str) -> None:
        if not self.quiet:
            click.echo(f"[{number}/{self.total}] {label}: {what} ...", err=True)

    def done(self, number: int, label: str, html: Path, seconds: float) -> None:
        if not self.quiet:
            click.echo(f"[{number}/{self.total}] {label}: rendered in {seconds:.1f} s", err=True)
            click.echo(str(html))

    def failed(self, label: str, failure: Failure) -> None:
        click.echo(f"{label}: {failure}", err=True)
        if failure.detail and _debugging():
            click.echo(failure.detail, err=True)


@main.command()
@_source_options
@click.option("--period", help="The period, when the export's path in the config holds {period}.")
@_exit_on_failure
def validate(config_path, export_path, company, reports_dir, parameters, period) -> None:
    """Check an export against the contract and print every problem found, without rendering.

    Exit code 0 when the export can be reviewed, 2 when it cannot.
    """
    source = _source(config_path, export_path, company, reports_dir, parameters)
    if source.config is not None:
        if "{period}" in (source.config.export.path or "") and not period:
            raise Failure(
                f"the export's path in {config_path} depends on the period "
                f"({source.config.export.path}): give --period",
                BAD_INPUT,
            )
        path = str(source.config.export_path(period or ""))
        config_file = str(source.config.source)
    else:
        path, config_file = str(export_path), ""
    try:
        export = export_from_parameters(path, config_file)
    except ExportError as error:
        click.echo(error.report(limit=None), err=True)
        sys.exit(BAD_INPUT)
    except Refusal as error:
        raise Failure(str(error), BAD_INPUT) from None
    given = dict(source.given)
    exit_ids = given.get(
        "exit_ids", ",".join(source.config.review.exit_ids) if source.config else ""
    )
    checked(
        check_exit_ids,
        tuple(i.strip() for i in exit_ids.split(",") if i.strip()),
        pd.Index(export.customers["customer_id"]),
    )
    click.echo(f"The export {export.source} can be reviewed:")
    for file in export.files:
        read_as = f", read as {file.read_as}" if file.read_as else ""
        click.echo(f"  - {file.name}: {file.rows:,} rows{read_as}")
    for table, columns in export.missing_columns.items():
        if columns and export.has(table):
            click.echo(f"  - {table} has no {', '.join(columns)} (optional)")
    for dropped in export.dropped:
        rows = ", ".join(str(row) for row in dropped.rows[:10])
        more = f" and {len(dropped.rows) - 10} more" if len(dropped.rows) > 10 else ""
        click.echo(f"  - {dropped.what}: {dropped.file} rows {rows}{more}. {dropped.meaning}.")


@main.command()
@click.argument("export_path", type=click.Path(exists=True, path_type=Path))
@click.option("--company", help="The company's name (default: the export folder's name).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the config (default: companies/<company>.toml).",
)
@click.option("--force", is_flag=True, help="Replace the config if it exists.")
@_exit_on_failure
def init(export_path, company, output, force) -> None:
    """Write a starter config for the export at EXPORT_PATH, with the column mapping guessed
    from its headers, for you to confirm before the first run."""
    from helpers.io.starter import starter_config

    company = company or Path(export_path).resolve().stem.replace("_", " ").title()
    output = output or Path("companies") / f"{slug(company)}.toml"
    if output.exists() and not force:
        raise Failure(f"{output} exists: pass --force to replace it", BAD_INPUT)
    text, notes = checked(starter_config, Path(export_path), company, output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}.")
    for note in notes:
        click.echo(f"  - {note}")
    click.echo(
        f"Check the guesses marked 'guessed' in it, then: customer-review validate --config "
        f"{output}"
    )


@main.command()
@_source_options
@click.option("--period", required=True, help="2026-Q3, 2026-09 or 2026.")
@click.option("--customer", "customer_id", required=True, help="The customer's id in the export.")
@click.option("--notebook", type=click.Path(exists=True, path_type=Path), default=DOSSIER_NOTEBOOK)
@_engine_option
@_exit_on_failure
def dossier(
    config_path,
    export_path,
    company,
    reports_dir,
    parameters,
    period,
    customer_id,
    notebook,
    engine,
) -> None:
    """Render the dossier of one customer for PERIOD, for the review meeting, and print the
    path of the HTML: reports/<company>/<period>/dossier-<customer>.html.

    The company's history is read for the strikes, never written: only `run` records a
    period.
    """
    from helpers.report.dossier_words import page_title

    source = _source(config_path, export_path, company, reports_dir, parameters)
    values, company_dir = source.parameters(notebook, period)
    values["customer_id"] = customer_id
    found = checked(
        dossier_from_parameters,
        values["export_path"],
        values["period"],
        customer_id,
        **{k: v for k, v in values.items() if k not in NOT_DOSSIER_SETTINGS},
    )
    label = found.review.period.label
    values.update(period=label, customer_id=found.customer_id)
    html = rendered(
        "dossier",
        notebook,
        company_dir / label,
        values,
        stem=dossier_files(found.review.customers.index)[found.customer_id].removesuffix(".html"),
        title=page_title(str(values["company"]), found),
        engine=engine,
    )
    click.echo(html)


@main.command()
@click.argument("executed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the page; default: beside the notebook, as NAME.html.",
)
@_exit_on_failure
def html(executed, output) -> None:
    """Turn EXECUTED, the review or dossier notebook as papermill ran it, into the offline
    page `run` makes, and print its path. A notebook whose run failed gets no page: exit 2
    when it refused its input, 1 when a cell failed."""
    notebook = nbformat.read(executed, as_version=4)
    given = notebook.metadata.get("papermill", {}).get("parameters", {})
    company = given.get("company", "")
    period = given.get("period", "")
    if "customer_id" in given:
        title = f"{company}: customer dossier {period}, {given['customer_id']}"
    else:
        title = f"{company}: customer review {period}"
    try:
        page = page_from_executed(
            notebook, executed, output or executed.with_suffix(".html"), title=title
        )
    except ValueError as error:
        raise Failure(str(error), BAD_INPUT) from None
    except RenderError as error:
        code = BAD_INPUT if error.refusal is not None else RENDER_FAILED
        raise Failure(str(error), code) from None
    click.echo(page)


@main.command()
@_reports_option
def index(reports_dir) -> None:
    """Rebuild reports/index.html from the periods rendered, and print its path."""
    click.echo(write_index(reports_dir))


@main.command()
@click.option(
    "--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--period", required=True, help="2026-Q3, 2026-09 or 2026.")
@_reports_option
@click.option("--notebook", type=click.Path(exists=True, path_type=Path), default=REVIEW_NOTEBOOK)
@_exit_on_failure
def parameters(config_path, period, reports_dir, notebook) -> None:
    """Print, as YAML, the notebook parameters the config gives for PERIOD: for
    `papermill NOTEBOOK OUT -f params.yaml` or a scheduler's papermill task.

    The history is read, never written, by plain papermill; `run` records it."""
    source = _source(config_path, None, None, reports_dir)
    values, _ = source.parameters(notebook, period)
    # JSON is YAML, and quotes every string exactly.
    click.echo(json.dumps(values, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
