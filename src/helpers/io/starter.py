"""A starter config for an export whose files, headers and formats are not ours.

``starter_config`` looks at an export (a folder of CSV or Parquet files, or an .xlsx workbook):
which file holds which table, which of their headers is which of our columns (by the names
accounting and CRM systems use in English, German, Estonian and Chinese, then by likeness),
the CSV's encoding and delimiter, how dates and amounts are written, and the words used for
yes and no. It writes all of it as a commented TOML config (``helpers.io.config``) in which every
guess is marked, for a person to confirm before the first run.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pandas as pd
import tomlkit

from helpers.errors import ExportError, Problem
from helpers.io.contract import CONTRACT
from helpers.io.encodings import read_heads, text_layouts
from helpers.io.formats import DetectionError, detect_date_formats, detect_number_format

# The names a table's file (or sheet) goes by, normalised (see _key).
TABLE_NAMES = {
    "customers": ["customers", "customer", "clients", "client", "accounts", "kunden", "kliendid",
                  "klient", "客户"],
    "invoices": ["invoices", "invoice", "bills", "billing", "rechnungen", "arved", "发票"],
    "time_entries": ["time_entries", "time", "timesheet", "timesheets", "hours", "zeiten",
                     "zeiterfassung", "tunnid", "tööaeg", "工时"],
    "assessments": ["assessments", "assessment", "checklist", "bewertungen", "hinnangud", "评估"],
    "decisions": ["decisions", "decision", "entscheidungen", "otsused", "决定"],
}  # fmt: skip

# The headers each of our columns goes by, normalised, per table.
HEADER_NAMES = {
    "customers": {
        "customer_id": ["customer_id", "customer_no", "customer_number", "client_id", "account_id",
                        "kundennummer", "kundennr", "kunden_nr", "kunde_id", "kliendi_id",
                        "kliendi_kood", "客户编号", "客户id", "客户代码", "id"],
        "name": ["name", "customer_name", "company", "company_name", "client_name", "firma",
                 "firmenname", "kunde", "nimi", "kliendi_nimi", "客户名称", "名称", "公司名称"],
        "employees": ["employees", "headcount", "staff", "employee_count", "mitarbeiter",
                      "töötajad", "töötajate_arv", "员工人数", "员工数"],
        "size_band": ["size_band", "size", "company_size", "größe", "unternehmensgröße",
                      "suurus", "规模", "企业规模"],
        "potential_annual_spend": ["potential_annual_spend", "potential", "wallet",
                                   "potential_spend", "annual_potential", "budget", "potenzial",
                                   "potentsiaal", "潜在年支出", "年度预算"],
        "industry": ["industry", "sector", "branche", "tegevusala", "valdkond", "行业"],
        "account_owner": ["account_owner", "owner", "account_manager", "kam", "betreuer",
                          "kundenbetreuer", "haldur", "kliendihaldur", "客户经理", "负责人"],
        "customer_since": ["customer_since", "since", "start_date", "kunde_seit", "alates",
                           "合作开始", "开始日期"],
    },
    "invoices": {
        "invoice_id": ["invoice_id", "invoice", "invoice_no", "invoice_number", "number",
                       "rechnungsnummer", "rechnungsnr", "rechnung", "arve_nr", "arve_number",
                       "发票号", "发票编号"],
        "customer_id": ["customer_id", "customer", "customer_no", "client_id", "account_id",
                        "kundennummer", "kundennr", "kunde", "kliendi_id", "klient", "客户编号",
                        "客户"],
        "issued_on": ["issued_on", "issued", "issue_date", "invoice_date", "date",
                      "rechnungsdatum", "datum", "kuupäev", "arve_kuupäev", "开票日期", "日期"],
        "due_on": ["due_on", "due", "due_date", "fällig", "fällig_am", "fälligkeit",
                   "fälligkeitsdatum", "maksetähtaeg", "tähtaeg", "到期日", "付款期限"],
        "paid_on": ["paid_on", "paid", "paid_date", "payment_date", "date_paid", "bezahlt",
                    "bezahlt_am", "zahlungsdatum", "makstud", "laekunud", "付款日期", "收款日期"],
        "amount": ["amount", "total", "net", "net_amount", "value", "betrag", "nettobetrag",
                   "summa", "金额", "净额"],
        "product_line": ["product_line", "product", "service", "produkt", "produktlinie",
                         "toode", "teenus", "产品线", "产品"],
    },
    "time_entries": {
        "customer_id": ["customer_id", "customer", "client_id", "kundennummer", "kundennr",
                        "kunde", "kliendi_id", "klient", "客户编号", "客户"],
        "date": ["date", "day", "work_date", "datum", "tag", "kuupäev", "日期"],
        "hours": ["hours", "duration", "time", "stunden", "dauer", "tunnid", "aeg", "工时",
                  "小时"],
        "activity": ["activity", "task", "type", "tätigkeit", "aufgabe", "tegevus", "活动",
                     "任务"],
    },
    "assessments": {
        "customer_id": ["customer_id", "customer", "client_id", "kundennummer", "kundennr",
                        "kunde", "kliendi_id", "klient", "客户编号", "客户"],
        "assessed_on": ["assessed_on", "date", "assessment_date", "datum", "kuupäev", "日期"],
        "notes": ["notes", "note", "comment", "comments", "notizen", "märkused", "备注"],
    },
    "decisions": {
        "customer_id": ["customer_id", "customer", "client_id", "kundennummer", "kundennr",
                        "kunde", "kliendi_id", "klient", "客户编号", "客户"],
        "decided_on": ["decided_on", "date", "decision_date", "datum", "kuupäev", "日期"],
        "decision": ["decision", "entscheidung", "otsus", "决定"],
        "notes": ["notes", "note", "comment", "notizen", "märkused", "备注"],
    },
}  # fmt: skip

# Words for yes and no that exports use, in the languages above and in systems' own ways.
ANSWER_WORDS = {
    "yes": ["y", "true", "1", "x", "ja", "j", "jah", "是", "有"],
    "no": ["n", "false", "0", "nein", "ei", "否", "无"],
}
SAMPLE_ROWS = 500
LIKENESS = 0.8  # difflib ratio from which an unknown header is guessed to be one of ours


def _key(text: str) -> str:
    """A header or file name reduced for comparison: case folded (ß as ss), words joined by _."""
    return re.sub(r"[\W_]+", "_", str(text).casefold()).strip("_")


_TABLE_KEYS = {table: {_key(n) for n in names} for table, names in TABLE_NAMES.items()}
_HEADER_KEYS = {
    table: {column: [_key(n) for n in names] for column, names in columns.items()}
    for table, columns in HEADER_NAMES.items()
}


def starter_config(export: Path, company: str, output: Path) -> tuple[str, list[str]]:
    """The text of a starter config for ``export``, to be written at ``output`` (paths in it
    are relative to that file's folder), and notes on what needs a person's eye.

    Raises ``FileNotFoundError`` when ``export`` is not there."""
    export = Path(export).resolve()
    if not export.exists():
        raise FileNotFoundError(f"export not found: {export}")
    notes: list[str] = []
    sources, dialect = _sources(export, notes)
    files: dict[str, str] = {}
    tables: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    for name, (label, frame) in _assign_tables(sources, notes).items():
        tables[name], labels[name] = frame, label
        default = f"{name}.parquet" if label.endswith(".parquet") else f"{name}.csv"
        if label not in (default, name):
            files[name] = label
    columns: dict[str, dict[str, tuple[str, bool]]] = {}
    for name, frame in tables.items():
        columns[name] = _guess_columns(name, list(frame.columns), notes)

    dates = {
        name: (labels[name], _samples({name: tables[name]}, {name: columns[name]}, "date"))
        for name in tables
    }
    date_format = _date_format(dates, notes) if dialect is not None else None
    decimal, thousands = _number_format(_samples(tables, columns, "number"), notes)
    answers = _answer_words(_samples(tables, columns, "answer"))

    document = tomlkit.document()
    document.add(tomlkit.comment(f"Starter config written by `customer-review init {export}`."))
    document.add(tomlkit.comment("Lines marked 'guessed' need a person's eye; then run"))
    document.add(tomlkit.comment(f"`customer-review validate --config {output}`."))
    document.add(tomlkit.nl())
    document["company"] = company
    document["currency"] = "EUR"
    document["currency"].comment("ISO code of the export's amounts: check it")

    section = tomlkit.table()
    section["path"] = os.path.relpath(export, Path(output).resolve().parent)
    section["path"].comment("relative to this file; {period} in it becomes the period's label")
    if dialect is not None:
        section["encoding"] = dialect["encoding"]
        section["delimiter"] = dialect["delimiter"]
    if date_format:
        section["date_format"] = date_format
    section["decimal"] = decimal
    section["thousands"] = thousands
    if files:
        section["files"] = files
    document["export"] = section

    mapped = tomlkit.table(is_super_table=True)
    for name, guesses in columns.items():
        table = tomlkit.table()
        for theirs, (ours, guessed) in guesses.items():
            if theirs == ours:
                continue
            table[theirs] = ours
            if guessed:
                table[theirs].comment("guessed: confirm")
        unused = [h for h in tables[name].columns if h not in guesses]
        for header in unused:
            table.add(tomlkit.comment(f"{header!r} is not used"))
        if len(table):
            mapped[name] = table
    document["columns"] = mapped
    if answers:
        values = tomlkit.table(is_super_table=True)
        values["answer"] = answers
        document["values"] = values
    document["review"] = tomlkit.table()
    document["review"].add(tomlkit.comment("hourly_cost = 60.0  # what an hour of your time costs"))
    document["review"].add(tomlkit.comment("headache_share = 0.10, non_payer_days = 90, ..."))
    report = tomlkit.table()
    report.add("number_locale", tomlkit.item("en").comment('amounts as "€1,234"; de_DE: "1.234 €"'))
    report.add("currency_symbol", tomlkit.item("").comment('such as "kr"; empty: the locale\'s'))
    report.add("currency_position", tomlkit.item("").comment('"before" or "after" the number'))
    report.add("pseudonymise", tomlkit.item(False).comment("true: names become stable aliases"))
    document["report"] = report
    labels = tomlkit.table()
    labels.add(tomlkit.comment('names shown for bands and checklist items: fire_candidate = "..."'))
    document["labels"] = labels
    return tomlkit.dumps(document), notes


def _sources(export: Path, notes: list[str]) -> tuple[dict[str, pd.DataFrame], dict | None]:
    """The export's files (or sheets) as text frames of their first rows, by file name, and
    the CSV dialect found (``None`` when the export is not CSV)."""
    if export.is_file() and export.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = pd.read_excel(export, sheet_name=None, dtype=str, nrows=SAMPLE_ROWS)
        return {name: frame.fillna("") for name, frame in sheets.items()}, None
    parquet = sorted(export.glob("*.parquet"))
    if parquet:
        return {p.name: pd.read_parquet(p).head(SAMPLE_ROWS).astype(str) for p in parquet}, None
    found = sorted(p for p in export.iterdir() if p.suffix.lower() in (".csv", ".txt", ".tsv"))
    if not found:
        raise FileNotFoundError(f"no CSV, Parquet or .xlsx files found in {export}")
    layouts, problems = text_layouts(read_heads(found), None, None)
    if problems:
        raise ExportError(
            str(export),
            [
                Problem(name, str(why), row=getattr(why, "row", None))
                for name, why in problems.items()
            ],
        )
    dialect = None
    frames = {}
    for path in found:
        layout = layouts[path.name]
        encoding = "utf-8" if layout.encoding == "utf-8-sig" else layout.encoding
        dialect = dialect or {"encoding": encoding, "delimiter": layout.delimiter}
        if (encoding, layout.delimiter) != (dialect["encoding"], dialect["delimiter"]):
            notes.append(f"{path.name} is written differently from the other files")
        frames[path.name] = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding=layout.encoding,
            sep=layout.delimiter, nrows=SAMPLE_ROWS,
        )  # fmt: skip
    if dialect["encoding"] not in ("utf-8", "utf-16"):
        notes.append(f"the files are not UTF-8: encoding {dialect['encoding']} is a guess")
    return frames, dialect


def _assign_tables(
    sources: dict[str, pd.DataFrame], notes: list[str]
) -> dict[str, tuple[str, pd.DataFrame]]:
    """Which source holds which table: by its name, else by how many headers match."""
    assigned: dict[str, tuple[str, pd.DataFrame]] = {}
    for label, frame in sources.items():
        stem = _key(Path(label).stem)
        by_name = [t for t, keys in _TABLE_KEYS.items() if stem in keys and t not in assigned]
        if by_name:
            assigned[by_name[0]] = (label, frame)
            continue
        scores = {
            table: sum(_key(h) in sum(_HEADER_KEYS[table].values(), []) for h in frame.columns)
            for table in CONTRACT
            if table not in assigned
        }
        best = max(scores, key=scores.get, default=None)
        if best is not None and scores[best] >= 2:
            assigned[best] = (label, frame)
            notes.append(f"{label} guessed to hold the {best} table, from its headers")
        else:
            notes.append(f"{label}: not recognised as any table, left out")
    for table in ("customers", "invoices"):
        if table not in assigned:
            notes.append(f"no file found for the required table {table}: set [export.files]")
    return assigned


def _guess_columns(table: str, headers: list[str], notes: list[str]) -> dict[str, tuple[str, bool]]:
    """Their header to (our column, whether it is a guess), for every header recognised."""
    names = _HEADER_KEYS.get(table, {})
    ours = [spec.name for spec in CONTRACT[table].fields]
    found: dict[str, tuple[str, bool]] = {}
    taken: set[str] = set()
    for header in headers:  # exact names first, so a guess never takes a column twice
        key = _key(header)
        column = key if key in ours else next((c for c, n in names.items() if key in n), None)
        if column and column not in taken:
            found[header] = (column, False)
            taken.add(column)
    for header in headers:
        if header in found:
            continue
        candidates = {n: c for c, ns in names.items() for n in ns if c not in taken}
        candidates.update({c: c for c in ours if c not in taken})
        near = difflib.get_close_matches(_key(header), list(candidates), n=1, cutoff=LIKENESS)
        if near:
            found[header] = (candidates[near[0]], True)
            taken.add(candidates[near[0]])
    for spec in CONTRACT[table].fields:
        if spec.required and spec.name not in taken:
            notes.append(
                f"{table}: no header found for the required column {spec.name}: add "
                f"'<their header>' = '{spec.name}' under [columns.{table}]"
            )
    return found


def _samples(tables, columns, kind: str) -> list[str]:
    kinds = {"date": ("date",), "number": ("number", "integer"), "answer": ("answer",)}[kind]
    values: list[str] = []
    for name, guesses in columns.items():
        fields = {spec.name: spec.kind for spec in CONTRACT[name].fields}
        for theirs, (ours, _) in guesses.items():
            if fields[ours] in kinds:
                values += [v.strip() for v in tables[name][theirs].astype(str) if v.strip()]
    return [v for v in values if v.lower() not in ("nan", "none", "nat")]


def _date_format(values: dict[str, tuple[str, list[str]]], notes: list[str]) -> str | dict | None:
    """The date format (or, when files differ, each table's), written into the config so that
    a month whose days are all 12 or less reads as the others did; ``None`` (and a note) when
    the dates cannot tell. ``values``: per table, its file's name and its dates."""
    tables = {
        table: {label: pd.Series(dates, dtype="string")}
        for table, (label, dates) in values.items()
        if dates
    }
    if not tables:
        return None
    try:
        formats = detect_date_formats(tables)
    except DetectionError as error:
        notes.append(str(error))
        return None
    if len(set(formats.values())) == 1:
        return next(iter(formats.values()))
    per_table = tomlkit.inline_table()
    per_table.update(formats)
    return per_table


def _number_format(values: list[str], notes: list[str]) -> tuple[str, str]:
    """(decimal, thousands) separators that the amounts are written with."""
    try:
        return detect_number_format(values)
    except DetectionError as error:
        notes.append(str(error))
        return ".", ","


def _answer_words(values: list[str]) -> dict[str, str]:
    seen = {v.casefold() for v in values} - {"yes", "no"}
    return {word: ours for ours, words in ANSWER_WORDS.items() for word in words if word in seen}
