"""Write the sample company's export at a size: ``generate.py CUSTOMERS csv|parquet FOLDER``.

The same generator as ``data/sample`` (``helpers.io.sample``), so every size has the sample's mix of
late payers, headaches and non-payers. Row counts go to ``rows.json`` beside the folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers.io.sample import generate_export, write_export


def main(customers: int, form: str, folder: Path) -> None:
    tables = generate_export(customers)
    if form == "csv":
        write_export(tables, folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            table.to_parquet(folder / f"{name}.parquet", index=False)
    rows = {name: len(table) for name, table in tables.items()}
    (folder.parent / "rows.json").write_text(json.dumps(rows))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
