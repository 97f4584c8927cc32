"""Reading a company's export: a folder of CSV files, or one Excel workbook with the same sheets.

``load_export`` is the only way in: it reads every table as text, checks it against the
contract in ``helpers.checks`` (raising ``ExportError`` with file, row and column on any
problem), converts the columns to their types and derives each customer's size band.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from helpers.checks import CONTRACT, ExportError, Problem, check_tables

# EU SME definition (Commission Recommendation 2003/361/EC), by headcount only: exports rarely
# carry turnover or balance sheet totals. Lower bounds of each band.
SIZE_BAND_FLOORS = {"micro": 0, "small": 10, "medium": 50, "large": 250}
UNKNOWN_SIZE = "unknown"
_LOWERCASE_KINDS = ("size_band", "answer", "decision")


@dataclass(frozen=True)
class InputFile:
    """One file read for the review, with its fingerprint for the report's appendix."""

    name: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Export:
    """A checked, typed export.

    ``customers`` has one row per customer and a ``size_band`` filled for every customer
    (``unknown`` when neither the band nor the headcount was given). ``time_entries``,
    ``assessments`` and ``decisions`` are ``None`` when the export does not hold them.
    ``missing_columns`` lists optional columns absent from the export, per table, so sections
    can say what they lack.
    """

    source: Path
    customers: pd.DataFrame
    invoices: pd.DataFrame
    time_entries: pd.DataFrame | None
    assessments: pd.DataFrame | None
    files: list[InputFile]
    decisions: pd.DataFrame | None = None
    missing_columns: dict[str, list[str]] = field(default_factory=dict)

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the export holds ``table`` (and ``column`` in it)."""
        frame = getattr(self, table)
        return frame is not None and (column is None or column not in self.missing_columns[table])


def locate(path: str | Path) -> Path:
    """Resolve a relative path against the working directory or, failing that, its parents.

    Notebooks run with their own folder as working directory in JupyterLab and nbval, but
    from the project root under ``make`` and papermill; a default like ``data/sample`` should
    mean the same folder in all of them. An absolute or not-found path is returned unchanged.
    """
    path = Path(path).expanduser()
    if path.is_absolute() or path.exists():
        return path
    for parent in Path.cwd().parents:
        if (parent / path).exists():
            return parent / path
    return path


def size_band_from_employees(employees: pd.Series) -> pd.Series:
    """EU SME size band for each headcount (micro <10, small 10-49, medium 50-249, large 250+).

    Missing headcounts give missing bands.
    """
    floors = list(SIZE_BAND_FLOORS.values()) + [float("inf")]
    bands = pd.cut(
        employees.astype("float64"),
        bins=floors,
        right=False,
        labels=list(SIZE_BAND_FLOORS),
    )
    return bands.astype("string")


def load_export(path: str | Path) -> Export:
    """Read, check and type the export at ``path`` (a folder of CSV files or an .xlsx file).

    Raises ``ExportError`` naming file, row and column for every problem found, and
    ``FileNotFoundError`` when ``path`` does not exist.
    """
    source = locate(path)
    if not source.exists():
        raise FileNotFoundError(f"export not found: {path} (looked in {Path.cwd()} and above)")
    if source.is_dir():
        raw, names, files = _read_folder(source)
    elif source.suffix.lower() in (".xlsx", ".xlsm"):
        raw, names, files = _read_workbook(source)
    else:
        raise ExportError(
            str(source),
            [Problem(source.name, "an export is a folder of CSV files or an .xlsx workbook")],
        )
    tables = check_tables(raw, names, str(source))
    customers = tables["customers"]
    # A given size band wins over the headcount: the export's owner knows the company.
    band = customers.get("size_band", pd.Series(pd.NA, customers.index, dtype="string"))
    if "employees" in customers:
        band = band.fillna(size_band_from_employees(customers["employees"]))
    customers["size_band"] = band.fillna(UNKNOWN_SIZE).astype("string")
    missing = {
        name: [spec.name for spec in table.fields if spec.name not in raw.get(name, {})]
        for name, table in CONTRACT.items()
    }
    return Export(
        source=source,
        customers=customers,
        invoices=tables["invoices"],
        time_entries=tables.get("time_entries"),
        assessments=tables.get("assessments"),
        decisions=tables.get("decisions"),
        files=files,
        missing_columns=missing,
    )


def _normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Text as read, trimmed, blanks as missing; yes/no answers and size bands in lower case."""
    frame = frame.rename(columns=lambda column: str(column).strip())
    frame = frame.apply(lambda values: values.str.strip()).replace("", None)
    kinds = {spec.name: spec.kind for spec in CONTRACT[name].fields}
    for column in frame.columns:
        if kinds.get(column) in _LOWERCASE_KINDS:
            frame[column] = frame[column].str.lower()
    return frame.astype(object).where(frame.notna(), None)


def _read_folder(folder: Path):
    raw, names, files = {}, {}, []
    for name in CONTRACT:
        path = folder / f"{name}.csv"
        names[name] = path.name
        if not path.exists():
            continue
        frame = _read_csv(path)
        raw[name] = _normalise(name, frame)
        files.append(InputFile(path.name, len(frame), _sha256(path)))
    return raw, names, files


def _read_csv(path: Path) -> pd.DataFrame:
    """One CSV file as text; a file that is not readable CSV is an ``ExportError``."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        problem = Problem(path.name, "the file is empty: not even a header row")
    except pd.errors.ParserError as error:
        # pandas says "Expected 6 fields in line 4, saw 7": line 4 of the file is row 4.
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        problem = (
            Problem(
                path.name,
                f"the row has {found[3]} values but the header has {found[1]} "
                "(a comma inside a value that is not in quotes?)",
                row=int(found[2]),
            )
            if found
            else Problem(path.name, f"not readable as CSV: {error}")
        )
    except UnicodeDecodeError as error:
        problem = Problem(
            path.name, f"not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8"
        )
    raise ExportError(str(path.parent), [problem])


def _read_workbook(path: Path):
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    raw, names = {}, {}
    for name in CONTRACT:
        names[name] = f"{path.name}, sheet {name}"
        if name in sheets:
            raw[name] = _normalise(name, sheets[name].map(_cell_text))
    return raw, names, [InputFile(path.name, sum(len(f) for f in raw.values()), _sha256(path))]


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold (dates as YYYY-MM-DD, 12.0 as 12)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
