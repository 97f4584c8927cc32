"""The engine floor: every CSV or Parquet file of the export at ``FOLDER`` read by DuckDB into
tables it types itself (dates as dates, amounts as numbers), then the two checks no review can
leave out: each invoice id appears once, and every invoice's and time entry's customer is
listed. It runs within ``LIMIT`` (the review engine's, ``helpers.io.engine.MEMORY_LIMIT``,
which ``bench.py`` passes: importing it here would add Ibis's import), and does nothing else:
no dialect is found, no other rule is checked, nothing is judged. A review that checks and
judges its export in the engine does at least this before its first figure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

CHECKS = {
    "invoice ids repeated": "SELECT count(*) - count(DISTINCT invoice_id) FROM invoices",
    "invoices of unknown customers": (
        "SELECT count(*) FROM invoices WHERE customer_id NOT IN (SELECT customer_id FROM customers)"
    ),
    "time entries of unknown customers": (
        "SELECT count(*) FROM time_entries "
        "WHERE customer_id NOT IN (SELECT customer_id FROM customers)"
    ),
}

if __name__ == "__main__":
    folder, limit = Path(sys.argv[1]), sys.argv[2]
    con = duckdb.connect(config={"memory_limit": limit, "preserve_insertion_order": False})
    rows = 0
    for path in sorted(folder.iterdir()):
        reader = {".csv": "read_csv", ".parquet": "read_parquet"}.get(path.suffix)
        if reader is None:
            continue
        con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM {reader}(?)", [str(path)])
        rows += con.execute(f"SELECT count(*) FROM {path.stem}").fetchone()[0]
    print(f"{rows:,} rows read and typed")
    for check, sql in CHECKS.items():
        print(f"{check}: {con.execute(sql).fetchone()[0]:,}")
