"""The workbook's errors: one family, so that every caller can tell bad input from a fault.

A ``Refusal`` is input the review will not take: an export that breaks its contract, a config
or parameter out of range, a period that cannot be read, a history written by a newer version.
Each carries where the problem is as fields (the file, row and column; the config key; the
parameter), and its message says it in words. The command line exits with ``Refusal.exit_code``
(2) for any of them, whether it was raised in the command's own process or in the notebook's
kernel, where only the exception's class name and message come back (``refusal_named``).

A ``RenderError`` is the other kind: the input was fine, the render itself failed (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 25


class WorkbookError(Exception):
    """Any error the workbook raises on purpose."""


class Refusal(WorkbookError, ValueError):
    """Input the review refuses. ``file``, ``row``, ``column``, ``key`` (a config key such as
    ``review.headache_share``) and ``parameter`` (a notebook parameter) say where, as far as
    the refusal can tell; the message says what is wrong."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        parameter: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.row = row
        self.column = column
        self.key = key
        self.parameter = parameter

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for this refusal in a notebook, JupyterLab's and papermill's
        alike: the message alone, as the command line prints it, without a traceback. The
        input is wrong, not the code; where it is wrong is in the message."""
        return [f"{type(self).__name__}: {self}"]


class ParameterError(Refusal):
    """A review parameter out of range or of the wrong kind; the message names it."""


class PeriodError(ParameterError):
    """A review period or as-of date that cannot be read."""


class CurrencyError(ParameterError):
    """A way of writing amounts that cannot be used; the message names the setting."""


class ConfigError(Refusal):
    """A company config that cannot be used; the message names the file and every bad key."""


class HistoryError(Refusal):
    """A history file this version cannot read (written by a newer schema)."""


class ExportNotFoundError(Refusal, FileNotFoundError):
    """The export is not where the config or the parameter says."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an export, located as precisely as the problem allows: the file
    (or sheet, or table), the spreadsheet row (the header is row 1) or, in a database's table,
    whose rows have no order, the row's key (``invoice_id 'INV-7'``), and the column."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.key is not None:
            where.append(f"the row of {self.key}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class ExportError(Refusal):
    """The export breaks its contract. ``problems`` lists every problem found; the refusal's
    own ``file``, ``row`` and ``column`` are those of the first."""

    def __init__(self, source: str, problems: list[Problem] | None = None) -> None:
        self.source = source
        self.problems = list(problems or [])
        first = self.problems[0] if self.problems else Problem(source, "")
        super().__init__(
            self.report(MAX_PROBLEMS_SHOWN), file=first.file, row=first.row, column=first.column
        )

    def __reduce__(self):  # pickled with its problems, not with the message alone
        return type(self), (self.source, self.problems)

    def report(self, limit: int | None = MAX_PROBLEMS_SHOWN) -> str:
        """The problems, one per line, the first ``limit`` of them (``None``: all)."""
        count = len(self.problems)
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"The export {self.source} cannot be reviewed: {count} problem(s) found."]
        lines += [f"  - {problem}" for problem in shown]
        if count > len(shown):
            lines.append(f"  ... and {count - len(shown)} more of the same kinds.")
        return "\n".join(lines)


class RenderError(WorkbookError, RuntimeError):
    """A notebook failed while executing: the input was accepted, the render was not.

    ``failed_notebook`` is the executed notebook kept with the traceback, when one was;
    ``ename`` and ``evalue`` are the class name and message of the exception a cell raised.
    """

    def __init__(
        self,
        message: str,
        failed_notebook: object = None,
        *,
        ename: str = "",
        evalue: str = "",
    ) -> None:
        super().__init__(message)
        self.failed_notebook = failed_notebook
        self.ename = ename
        self.evalue = evalue

    @property
    def refusal(self) -> type[Refusal] | None:
        """The refusal a cell raised, when it raised one: the notebook refused its input."""
        return refusal_named(self.ename)


def refusal_named(name: str) -> type[Refusal] | None:
    """The refusal class called ``name`` (an exception's ``__name__``, as a kernel reports
    it), or ``None`` when no refusal is called so."""
    family = [Refusal]
    while family:
        kind = family.pop()
        if kind.__name__ == name:
            return kind
        family += kind.__subclasses__()
    return None
