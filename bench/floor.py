"""The floor: ``bench/trivial.ipynb`` rendered to ``OUT/review.html`` exactly as a review is
(``helpers.render.render_notebook``: kernel start, papermill, the offline HTML template)."""

from __future__ import annotations

import sys
from pathlib import Path

from helpers.render import render_notebook

if __name__ == "__main__":
    render_notebook(Path(__file__).with_name("trivial.ipynb"), Path(sys.argv[1]), {"size": "S"})
