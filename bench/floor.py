"""The floors: ``bench/trivial.ipynb`` rendered to ``OUT/review.html`` exactly as a review is
(``helpers.report.render.render_notebook``: kernel start, papermill, the offline HTML template).

``floor.py OUT`` renders it bare; ``floor.py OUT stack`` has its kernel import what the review's
kernel imports first (pandas, matplotlib, seaborn, the helpers), a cost no review avoids.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers.report.render import render_notebook

if __name__ == "__main__":
    stack = sys.argv[2:] == ["stack"]
    render_notebook(
        Path(__file__).with_name("trivial.ipynb"), Path(sys.argv[1]), {"size": "S", "stack": stack}
    )
