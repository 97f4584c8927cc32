"""What the notebooks call: their parameters checked, the export and the history read, and the
review (or one customer's dossier) built from them.

A notebook's first cell hands its parameters to ``review_from_parameters`` or
``dossier_from_parameters``; a bad one stops the notebook there with a ``Refusal`` naming it.
``checked_parameters`` runs the same checks without reading the export, so the command line can
refuse a bad run before any kernel starts.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from helpers.errors import ParameterError, PeriodError
from helpers.io.config import reading_for, slug
from helpers.io.database import is_connection, load_database, refuse_password_in
from helpers.io.export import Export, files_stamp, load_export, located_export
from helpers.io.history import Recorded, read_outcomes
from helpers.io.periods import ReviewPeriod, parse_period
from helpers.io.pseudonyms import pseudonymised
from helpers.io.reading import Reading
from helpers.io.settings import ReviewSettings
from helpers.io.spark import load_on_spark
from helpers.review.dossier import Dossier, build_dossier, find_customer
from helpers.review.model import Review, build_review
from helpers.review.recorded import effective_as_of
from helpers.review.strikes import history_needed

PROJECT_ROOT = Path(__file__).resolve().parents[3]
REVIEW_NOTEBOOK = PROJECT_ROOT / "notebooks" / "customer_review.ipynb"
DOSSIER_NOTEBOOK = PROJECT_ROOT / "notebooks" / "customer_dossier.ipynb"
INJECTED_CELL_START = "# Parameters\n"  # how papermill's injected-parameters cell begins
# What each declared parameter type accepts, and how a message names it.
KINDS: dict[type, tuple[tuple[type, ...], str]] = {
    str: ((str,), "text"),
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
    bool: ((bool,), "true or false"),
    dict: ((dict,), 'a mapping such as {"keep": "Retain"}'),
}


def check_injected_parameters(namespace: Mapping[str, object]) -> None:
    """Refuse what papermill injected into a notebook's ``namespace`` (its ``globals()``)
    that the notebook cannot take: a name its parameters cell does not declare (the message
    gives the nearest declared name), or a value of another type than the one declared.

    The parameters cell declares each parameter with its type (``headache_share: float =
    0.10``), which Python keeps in ``__annotations__``; the injected cell is the last input
    IPython recorded (``In``) that begins as papermill begins it. Papermill itself only warns
    about an unknown name and passes ``-p`` values it cannot read as numbers as text. Nothing
    is checked when nothing was injected, as when an analyst runs the notebook in JupyterLab.
    """
    injected = [
        source
        for source in namespace.get("In", [])  # type: ignore[union-attr]
        if isinstance(source, str) and source.startswith(INJECTED_CELL_START)
    ]
    if not injected:
        return
    declared: dict[str, type] = dict(namespace.get("__annotations__", {}))  # type: ignore[arg-type]
    for name in _assigned(injected[-1]):
        if name not in declared:
            near = difflib.get_close_matches(name, list(declared), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ParameterError(
                f"unknown parameter {name!r}{hint}: the notebook takes "
                f"{', '.join(sorted(declared))}",
                parameter=name,
            )
        value = namespace.get(name)
        accepted, described = KINDS.get(declared[name], ((object,), ""))
        wrong_bool = isinstance(value, bool) and bool not in accepted
        if wrong_bool or not isinstance(value, accepted):
            raise ParameterError(
                f"parameter {name} must be {described}, got {value!r}", parameter=name
            )


def _assigned(source: str) -> list[str]:
    """The names ``source`` (papermill's injected cell) assigns, in order."""
    return [
        target.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]


def export_from_parameters(export_path: str, config_path: str = "") -> Export:
    """The export at ``export_path``, read as the company config at ``config_path`` says
    (headers, words, dates and numbers; names pseudonymised when it asks), or as our own
    contract when ``config_path`` is empty. Raises ``ConfigError``, ``ExportError`` or
    ``ExportNotFoundError``.

    The last export read is kept: asked again for the same files, unchanged on disk and read
    the same way, it is not read again. An analyst who changes a threshold and runs every cell
    again waits for the judgement, not for the files."""
    global _LAST_READ
    reading, key = reading_for(config_path) if config_path else (Reading(), None)
    if is_connection(export_path):
        # A database, or files at a URL, may change at any moment: read each time asked for.
        _LAST_READ = None
        if reading.spark is not None:
            export = load_on_spark(export_path, reading)
        else:
            export = load_database(export_path, reading)
        return pseudonymised(export, key) if key is not None else export
    source = located_export(export_path)
    stamp = (source.resolve(), files_stamp(source), repr(reading), key)
    if _LAST_READ is not None and _LAST_READ[0] == stamp:
        return _LAST_READ[1]
    _LAST_READ = None  # the export read before is let go before the next is read
    if reading.spark is not None:
        export = load_on_spark(source, reading)
    else:
        export = load_export(source, reading)
    export = pseudonymised(export, key) if key is not None else export
    _LAST_READ = (stamp, export)
    return export


# The stamp of the last export read (``export_from_parameters``), and the export.
_LAST_READ: tuple[tuple, Export] | None = None


AUTO_HISTORY = "auto"  # history_path: find the company's history from the working folder up
REPORTS_FOLDER = "reports"
HISTORY_FILE = "history.sqlite"


def found_history(history_path: str, company: str, start: Path | None = None) -> str:
    """``history_path``, or for ``auto`` the company's history as ``run`` keeps it,
    ``reports/<company>/history.sqlite``, in the working folder (``start``) or the nearest
    folder above it that has one: an analyst's notebook in JupyterLab (which runs in
    ``notebooks/``) reads the strikes ``run`` recorded. Empty when there is none yet."""
    if history_path != AUTO_HISTORY:
        return history_path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / REPORTS_FOLDER / slug(company) / HISTORY_FILE
        if candidate.is_file():
            return str(candidate)
    return ""


def history_for(history_path: str, period: ReviewPeriod) -> Recorded:
    """What the company's history file at ``history_path`` recorded for the periods before
    ``period``'s as-of date that its strikes and its changes compare with (none for an empty
    path). Read, never written."""
    return read_outcomes(history_path, *history_needed(period))


def made_on(review_period: ReviewPeriod, as_of: str, today: date | None) -> date:
    """The day the review is made: ``as_of`` when given, else ``today`` (the machine's date
    unless given)."""
    return review_period.as_of if as_of else (today or date.today())


def judged_period(
    export: Export, period: str | int, as_of: str, today: date | None
) -> ReviewPeriod:
    """The review period, as of the day it is judged: the earliest of its end, ``as_of`` (or
    ``today``, the machine's date unless given) and the last day ``export`` records. Raises
    ``PeriodError`` when that day falls before the period begins: nothing to review yet."""
    review_period = parse_period(period, as_of)
    asked = made_on(review_period, as_of, today)
    judged_on = effective_as_of(review_period.end, asked, export)
    if judged_on < review_period.start:
        why = (
            f"it is {asked.isoformat()} today"
            if asked < review_period.start
            else f"the export's last record is of {judged_on.isoformat()}"
        )
        raise PeriodError(
            f"{review_period.label} begins on {review_period.start.isoformat()} and {why}: "
            "there is nothing to review in it yet",
            parameter="period",
        )
    return replace(review_period, as_of=judged_on)


def checked_parameters(
    export_path: str,
    period: str | int,
    *,
    as_of: str = "",
    config_path: str = "",
    **settings: object,
) -> ReviewPeriod:
    """The review period the parameters ask for, once every parameter is known to be usable:
    the period and ``as_of``, the settings, the company config at ``config_path`` and the
    export's place. Reads nothing of the export itself, so it answers at once however large
    the export is. Raises as ``review_from_parameters`` does, except ``ExportError``."""
    review_period = parse_period(period, as_of)
    ReviewSettings.from_parameters(**settings)
    if config_path:
        reading_for(config_path)
    if is_connection(export_path):
        refuse_password_in(export_path)
    else:
        located_export(export_path)
    return review_period


def review_from_parameters(
    export_path: str,
    period: str | int,
    *,
    as_of: str = "",
    history_path: str = "",
    config_path: str = "",
    company: str = "",
    today: date | None = None,
    **settings: object,
) -> Review:
    """The review a notebook's parameters ask for: parameters checked first, then the export.

    ``settings`` are ``ReviewSettings`` fields (headache_share, hourly_cost, ...); the ones not
    given keep their defaults. ``config_path``: the company config that says how to read the
    export (``export_from_parameters``). ``history_path``: the company's history, read for the
    strikes (``auto``: found from the ``company``'s name, ``found_history``). Raises a
    ``Refusal``: ``PeriodError`` or ``ParameterError`` naming the parameter,
    ``ConfigError`` naming the key, ``ExportError`` naming file, row and column, or
    ``ExportNotFoundError`` when the export is not there.
    """
    parse_period(period, as_of)
    review_settings = ReviewSettings.from_parameters(**settings)
    export = export_from_parameters(export_path, config_path)
    review_period = judged_period(export, period, as_of, today)
    return build_review(
        export,
        review_period,
        review_settings,
        history_for(found_history(history_path, company), review_period),
        made_on=made_on(parse_period(period, as_of), as_of, today),
    )


def dossier_from_parameters(
    export_path: str,
    period: str | int,
    customer_id: object,
    *,
    as_of: str = "",
    history_path: str = "",
    config_path: str = "",
    company: str = "",
    today: date | None = None,
    **settings: object,
) -> Dossier:
    """The dossier a notebook's parameters ask for: the parameters checked first, then the
    export, then the customer id (before the review is built), then the review.

    ``settings`` and the rest are as for ``review_from_parameters``; an unknown customer id is
    a ``ParameterError`` naming its near matches. The history file is read, never written.
    """
    parse_period(period, as_of)
    review_settings = ReviewSettings.from_parameters(**settings)
    export = export_from_parameters(export_path, config_path)
    customer_id = find_customer(export.customers, customer_id)
    review_period = judged_period(export, period, as_of, today)
    review = build_review(
        export,
        review_period,
        review_settings,
        history_for(found_history(history_path, company), review_period),
        made_on=made_on(parse_period(period, as_of), as_of, today),
    )
    return build_dossier(export, review, customer_id)
