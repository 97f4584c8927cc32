"""The analyst's what-if, timed: the review of EXPORT loaded once, then judged again with a
new headache share and drawn (bands, headache list, revenue chart, impact), as a slider's
move does in JupyterLab. The first move lays the revenue chart out and places its names; the
moves after it draw over that chart. Prints, as JSON, the seconds of the first move, and the
median seconds of the judging and of the whole redraw over the moves after it."""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

from helpers.app.notebooks import review_from_parameters  # noqa: E402
from helpers.report.what_if import what_if  # noqa: E402

PERIOD = "2026-Q3"
SHARES = (0.05, 0.15, 0.10, 0.20, 0.12, 0.08)  # moves of the slider


def main(export: str) -> None:
    review = review_from_parameters(export, PERIOD, history_path="")
    panel = what_if(review)
    with contextlib.redirect_stdout(io.StringIO()):  # no kernel: the panel's output prints
        moves = [_move(panel, share) for share in SHARES]
    first, *after = moves
    judged, redrawn = zip(*after, strict=True)
    figures = {"first": first[1], "judge": statistics.median(judged)}
    print(json.dumps({**figures, "redraw": statistics.median(redrawn)}))


def _move(panel, share: float) -> tuple[float, float]:
    """Move the headache share slider; the seconds judging took, and the whole move's."""
    started = time.perf_counter()
    panel.sliders["headache_share"].value = share
    return panel.seconds, time.perf_counter() - started


if __name__ == "__main__":
    main(sys.argv[1])
