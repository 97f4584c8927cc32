"""The read floor: every CSV or Parquet file of the export at ``FOLDER`` read with pyarrow into
memory, and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.csv as pv
import pyarrow.parquet as pq

if __name__ == "__main__":
    rows = 0
    for path in sorted(Path(sys.argv[1]).iterdir()):
        if path.suffix == ".csv":
            rows += pv.read_csv(path).num_rows
        elif path.suffix == ".parquet":
            rows += pq.read_table(path).num_rows
    print(f"{rows:,} rows read")
