"""What the tests share: a tiny export whose right answers are worked out by hand in the tests,
the same export as a German system writes it, and small helpers to build and read reviews.

The tiny company is reviewed for 2026-Q3 (1 July to 30 September 2026, as of 30 September).

customers: A large (300 employees, potential 10,000), B small (20, potential 9,000),
C micro (5, potential 200), D no size given (potential 5,000), E medium by size_band only.

invoices (id, customer, issued, due, paid, amount, product line):
  A0a A 2025-12-10 2026-01-09 2026-01-09  1500 audit
  A0b A 2026-02-10 2026-03-12 2026-03-12  1500 audit
  A1  A 2026-07-01 2026-07-31 2026-09-14  1000 audit     45 days late
  A2  A 2026-08-01 2026-08-31 2026-08-21  3000 training  paid 10 days early
  A3  A 2026-09-15 2026-10-15 (unpaid)    2000 audit     not yet due
  B1  B 2026-05-01 2026-05-31 (unpaid)     500 audit     122 days past due on 30 Sep
  B2  B 2026-07-10 2026-07-24 (unpaid)     400 audit     68 days past due
  C1  C 2026-08-15 2026-09-14 2026-10-05   250 audit     paid after the as-of date: 16 late
  C2  C 2026-09-01 2026-09-01 2026-09-01   -50 audit     credit note
  D0  D 2025-06-01 2025-07-01 2025-07-01   800 audit
  D1  D 2025-11-01 2025-12-01 2025-12-01  1200 audit

time entries: A 10 h on 2026-07-05 and 10 h on 2026-08-05; B 8 h a day 10-14 Aug 2026 (40 h);
C 3 h on 2026-06-20 (before the period); E 5 h on 2026-09-01 (no invoice).

assessments: A 2026-06-01 influencer/right_reasons/values yes; A 2026-10-15 values no (after
the as-of date, so ignored); B 2026-03-01 all three no and repeat_business overridden to yes.
"""

from __future__ import annotations

import html
import re
import sqlite3
import textwrap
from contextlib import closing
from pathlib import Path

import nbformat
import pandas as pd
from click.testing import CliRunner, Result

from helpers.app.cli import main
from helpers.io import sample
from helpers.io.engine import ExportTables, frame_tables
from helpers.io.export import load_export
from helpers.io.history import read_outcomes
from helpers.io.periods import parse_period
from helpers.io.reading import Reading
from helpers.io.settings import ReviewSettings
from helpers.review.dossier import Dossier, build_dossier
from helpers.review.model import build_review
from helpers.review.strikes import history_needed

ROOT = Path(__file__).resolve().parents[1]
TINY_EXPORT = {
    "customers.csv": """\
        customer_id,name,employees,size_band,potential_annual_spend,industry
        A,Alpha Ltd,300,,10000,Retail
        B,Beta & Sons,20,,9000,Retail
        C,Gamma OÜ,5,,200,Services
        D,Delta GmbH,,,5000,
        E,Epsilon AS,,Medium,,Services
        """,
    "invoices.csv": """\
        invoice_id,customer_id,issued_on,due_on,paid_on,amount,product_line
        A0a,A,2025-12-10,2026-01-09,2026-01-09,1500,audit
        A0b,A,2026-02-10,2026-03-12,2026-03-12,1500,audit
        A1,A,2026-07-01,2026-07-31,2026-09-14,1000,audit
        A2,A,2026-08-01,2026-08-31,2026-08-21,3000,training
        A3,A,2026-09-15,2026-10-15,,2000,audit
        B1,B,2026-05-01,2026-05-31,,500,audit
        B2,B,2026-07-10,2026-07-24,,400,audit
        C1,C,2026-08-15,2026-09-14,2026-10-05,250,audit
        C2,C,2026-09-01,2026-09-01,2026-09-01,-50,audit
        D0,D,2025-06-01,2025-07-01,2025-07-01,800,audit
        D1,D,2025-11-01,2025-12-01,2025-12-01,1200,audit
        """,
    "time_entries.csv": """\
        customer_id,date,hours,activity
        A,2026-07-05,10,support
        A,2026-08-05,10,account management
        B,2026-08-10,8,support
        B,2026-08-11,8,support
        B,2026-08-12,8,support
        B,2026-08-13,8,support
        B,2026-08-14,8,support
        C,2026-06-20,3,sales
        E,2026-09-01,5,support
        """,
    "assessments.csv": """\
        customer_id,assessed_on,influencer,right_reasons,values_aligned,repeat_business,spend,service,upsell,notes
        A,2026-06-01,yes,yes,yes,,,,,
        A,2026-10-15,,,no,,,,,after the review
        B,2026-03-01,no,No,no,yes,,,,buys through a reseller
        """,
}


# The tiny export's reviews judge each customer over the quarter itself (three months as of
# 30 September are 2026-Q3), rank every customer with time logged and take none as too new, so
# that the figures worked out by hand for the quarter hold. The judgement's own rules (window,
# tenure, evidence) are worked out on the scenario export (tests/review/test_scenarios.py).
TINY_SETTINGS = {
    "headache_share": 0.4,
    "judgement_months": 3,
    "min_tenure_months": 0,
    "min_hours": 0,
}


def tiny_settings(**changes: object) -> ReviewSettings:
    """The tiny export's review settings (``TINY_SETTINGS``), with ``changes``."""
    return ReviewSettings(**{**TINY_SETTINGS, **changes})


def write_export(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (name -> CSV text, indentation removed) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


# The same export as a German accounting system writes it: other file names and headers,
# semicolons, DD.MM.YYYY dates, 1.234,50 amounts, ja/nein answers. GERMAN_CONFIG reads it.
GERMAN_FILES = {
    "customers": "Kunden.csv",
    "invoices": "Rechnungen.csv",
    "time_entries": "Zeiterfassung.csv",
    "assessments": "Bewertungen.csv",
    "decisions": "Entscheidungen.csv",
}
GERMAN_HEADERS = {
    "customers": {
        "customer_id": "Kundennummer",
        "name": "Firmenname",
        "employees": "Mitarbeiter",
        "size_band": "Größe",
        "potential_annual_spend": "Potenzial",
        "industry": "Branche",
        "account_owner": "Betreuer",
        "customer_since": "Kunde seit",
    },
    "invoices": {
        "invoice_id": "Rechnungsnr",
        "customer_id": "Kundennr",
        "issued_on": "Rechnungsdatum",
        "due_on": "Fällig am",
        "paid_on": "Bezahlt am",
        "amount": "Betrag",
        "product_line": "Produkt",
    },
    "time_entries": {
        "customer_id": "Kundennr",
        "date": "Datum",
        "hours": "Stunden",
        "activity": "Tätigkeit",
    },
    "assessments": {"customer_id": "Kundennr", "assessed_on": "Datum"},
    "decisions": {"customer_id": "Kundennr", "decided_on": "Datum", "decision": "Entscheidung"},
}
GERMAN_CONFIG = """\
company = "Bäcker & Söhne GmbH"
[export]
path = "{path}"
delimiter = ";"
date_format = "%d.%m.%Y"
decimal = ","
thousands = "."
[export.files]
customers = "Kunden.csv"
invoices = "Rechnungen.csv"
time_entries = "Zeiterfassung.csv"
assessments = "Bewertungen.csv"
decisions = "Entscheidungen.csv"
[columns.customers]
Kundennummer = "customer_id"
Firmenname = "name"
Mitarbeiter = "employees"
"Größe" = "size_band"
Potenzial = "potential_annual_spend"
Branche = "industry"
Betreuer = "account_owner"
"Kunde seit" = "customer_since"
[columns.invoices]
Rechnungsnr = "invoice_id"
Kundennr = "customer_id"
Rechnungsdatum = "issued_on"
"Fällig am" = "due_on"
"Bezahlt am" = "paid_on"
Betrag = "amount"
Produkt = "product_line"
[columns.time_entries]
Kundennr = "customer_id"
Datum = "date"
Stunden = "hours"
"Tätigkeit" = "activity"
[columns.assessments]
Kundennr = "customer_id"
Datum = "assessed_on"
[columns.decisions]
Kundennr = "customer_id"
Datum = "decided_on"
Entscheidung = "decision"
[values.answer]
ja = "yes"
nein = "no"
"""
_DATE_KINDS = {"customer_since", "issued_on", "due_on", "paid_on", "date", "assessed_on"}
_DATE_KINDS |= {"decided_on"}
_AMOUNTS = {"amount", "potential_annual_spend", "hours"}


def german_amount(text: str) -> str:
    """``1234.5`` as a German system writes it: ``1.234,50`` (hours ``7,5``)."""
    if not text:
        return text
    return f"{float(text):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def write_german_export(source: Path, folder: Path) -> Path:
    """Write the export in ``source`` (our contract, CSV) into ``folder`` as a German system
    would; ``GERMAN_CONFIG`` reads it back."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, file_name in GERMAN_FILES.items():
        path = Path(source) / f"{table}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            if column in _DATE_KINDS:
                frame[column] = frame[column].map(
                    lambda v: f"{v[8:10]}.{v[5:7]}.{v[:4]}" if v else v
                )
            elif column in _AMOUNTS:
                frame[column] = frame[column].map(german_amount)
            elif column in ("influencer", "right_reasons", "values_aligned", "repeat_business"):
                frame[column] = frame[column].replace({"yes": "ja", "no": "nein"})
            elif column in ("spend", "service", "upsell"):
                frame[column] = frame[column].replace({"yes": "JA", "no": "Nein"})
        frame = frame.rename(columns=GERMAN_HEADERS[table])
        frame.to_csv(folder / file_name, sep=";", index=False, encoding="utf-8-sig")
    return folder


def tiny_review(folder: Path, history_path: str = "", settings: ReviewSettings | None = None):
    """The review of the tiny export in ``folder`` for 2026-Q3 with a 40% headache list (so
    that, of the three customers with time logged, the lowest is on it), reading the history
    file at ``history_path`` as the notebooks do."""
    period = parse_period("2026-Q3")
    history = read_outcomes(history_path, *history_needed(period))
    return build_review(load_export(folder), period, settings or tiny_settings(), history)


def tiny_dossier(folder: Path, customer_id: str, history_path: str = "") -> Dossier:
    """The dossier of ``customer_id`` in the tiny export's 2026-Q3 review (``tiny_review``)."""
    review = tiny_review(folder, history_path)
    return build_dossier(load_export(folder), review, customer_id)


def cells(styler) -> list[list[str]]:
    """A table's body as text, row by row, as the page shows it: a long table's first rows,
    not those behind "Show all" (the page hides them until it is open)."""
    rows = table_cells(styler.to_html())
    return rows[: getattr(styler, "shown", len(rows))]


def table_cells(page: str) -> list[list[str]]:
    """The body of the first table in the HTML ``page`` as text, row by row."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)[1]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>.*?</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def title_of(figure) -> str:
    """A chart's title as one line (it is wrapped to fit the figure)."""
    return " ".join(figure.axes[0].get_title(loc="left").split())


def review_cell_notebook(path: Path) -> Path:
    """``notebooks/customer_review.ipynb`` cut to its parameters and its first cell, which
    reads the export, builds the review and writes ``customer_scores.csv`` and the outcome: all
    the run pipeline keeps of a render, without the charts and tables that take the time."""
    notebook = nbformat.read(ROOT / "notebooks" / "customer_review.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    notebook.cells = code[:2]
    nbformat.write(notebook, path)
    return path


def run_in_process(notebook: Path, *args: str) -> Result:
    """``customer-review run ARGS`` in this process, ``notebook`` run in this process too."""
    return CliRunner().invoke(
        main, ["run", *args, "--notebook", str(notebook), "--engine", "inprocess"]
    )


def sample_config(folder: Path, export: str) -> Path:
    """The sample company's config (``companies/fernhill.toml``) written into ``folder``, the
    lines of its ``[export]`` section replaced by ``export``."""
    text = (ROOT / "companies" / "fernhill.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = "../data/sample".*$', lambda _: export, text)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fernhill.toml"
    path.write_text(text, encoding="utf-8")
    return path


def failing_notebook(path: Path, source: Path, error: str = "RuntimeError('chart broke')") -> Path:
    """The notebook at ``source`` with a last cell that raises ``error``."""
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(f"raise {error}"))
    nbformat.write(notebook, path)
    return path


def break_april(folder: Path) -> None:
    """Write an impossible issue date into the first invoice: row 2 of the file."""
    path = folder / "Rechnungen.csv"
    header, first, *rest = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    cells = first.split(";")
    cells[2] = "31.04.2026"  # issued_on: April has 30 days
    path.write_text("".join([header, ";".join(cells), *rest]), encoding="utf-8")


def two_companies(root: Path, months: list[str], broken: str) -> tuple[Path, Path]:
    """Aalto Oy, whose export follows our contract, and Bäcker & Söhne GmbH, whose German system
    drops a new export into a folder per month (``exports/baecker/{period}``) for ``months``,
    with the one of ``broken`` broken (``break_april``). Returns their configs."""
    exports = root / "exports"
    sample.write_export(sample.generate_export(40, seed=11), exports / "aalto")
    plain = root / "plain-baecker"
    sample.write_export(sample.generate_export(40, seed=12), plain)
    for month in months:
        write_german_export(plain, exports / "baecker" / month)
    break_april(exports / "baecker" / broken)
    companies = root / "companies"
    companies.mkdir()
    aalto = companies / "aalto.toml"
    aalto.write_text('company = "Aalto Oy"\n[export]\npath = "../exports/aalto"\n', "utf-8")
    baecker = companies / "baecker.toml"
    baecker.write_text(GERMAN_CONFIG.format(path="../exports/baecker/{period}"), "utf-8")
    return aalto, baecker


def review_leaving_out_time_for_x(folder: Path):
    """The tiny export's 2026-Q3 review with two time entries added for customer X, who is not
    in customers.csv: 4 + 2.5 = 6.5 hours on rows 11 and 12 of the file (the tiny export's 9
    entries are on rows 2-10), left out as the config may allow."""
    time = folder / "time_entries.csv"
    time.write_text(
        time.read_text() + "X,2026-07-01,4,call\nX,2026-07-02,2.5,call\n", encoding="utf-8"
    )
    export = load_export(folder, Reading(drop_time_for_unknown_customers=True))
    return build_review(export, parse_period("2026-Q3"), tiny_settings()), export


def recorded_rows(db_path: Path) -> list[tuple]:
    """Every row of a history file, by period and customer, as SQLite holds them."""
    with closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(
            "SELECT * FROM period_outcome ORDER BY period_start, period_label, customer_id"
        ).fetchall()


def tactic_candidates(rate: float | None = None) -> pd.DataFrame:
    """Nine customers to price ways out for, at a median rate of 100/h (tests/review/
    test_exits.py), each at its own revenue per hour or all at ``rate``. Each judged revenue a
    year is its rate times its hours a year; revenue a year is all it was invoiced."""
    rows = {
        # id: band, rate, hours a year, score, answered, non-payer, values aligned
        "u": ("review", 80.0, 100.0, 5, 7, False, True),
        "v": ("review", 40.0, 50.0, 3, 7, False, None),
        "p": ("review", 40.0, 50.0, 4, 7, False, True),
        "w": ("fire_candidate", 40.0, 50.0, 2, 7, False, False),
        "x": ("review", 0.0, 20.0, 4, 7, False, True),
        "y": ("fire_candidate", 90.0, 10.0, 2, 7, True, True),
        "z": ("fire_candidate", 30.0, 10.0, 1, 7, False, True),
        "q": ("needs_assessment", 60.0, 10.0, 4, 5, False, True),
        "k": ("keep", 40.0, 50.0, 6, 7, False, True),
    }
    frame = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=[
            "band",
            "revenue_per_hour",
            "hours_a_year",
            "checklist_score",
            "checklist_answered",
            "non_payer",
            "values_aligned",
        ],
    )
    frame["values_aligned"] = frame["values_aligned"].astype("boolean")
    if rate is not None:
        frame["revenue_per_hour"] = rate
    frame["judged_revenue_a_year"] = frame["revenue_per_hour"] * frame["hours_a_year"]
    frame["revenue_a_year"] = frame["judged_revenue_a_year"]
    return frame


def outside_addresses(page: str) -> list[str]:
    """Every http(s):// address in ``page`` that could be a request: all but XML namespace
    declarations and the targets of links (``<a href>``), which a reader may follow but the
    page never fetches. The browser's tests see what the page really requests."""
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", page)
    without_links = re.sub(r"<a\s[^>]*>", "<a>", without_namespaces)
    return re.findall(r"https?://[^\s\"'<>)]*", without_links)


def tables_of(invoices: pd.DataFrame, entries: pd.DataFrame | None = None) -> ExportTables:
    """``invoices`` and time ``entries`` (typed frames) as an export's tables for queries, with
    a customer for every id they name."""
    ids = sorted(
        set(invoices["customer_id"]) | set([] if entries is None else entries["customer_id"])
    )
    since = pd.Series(pd.NaT, range(len(ids)), "datetime64[s]")
    customers = pd.DataFrame({"customer_id": ids, "customer_since": since})
    return frame_tables(customers, invoices, entries)
