"""Try other thresholds in JupyterLab: widgets that judge the review again as they move.

The analyst moves the hourly cost, the headache share, the band lines or the judgement window
(ipywidgets sliders); the review already loaded is judged again with them
(``model.rejudged``, from the export it holds: nothing is read again), and the bands, the
headache list, the impact of letting go and the revenue chart are drawn for the new values,
with the time it took. Nothing is computed until a slider moves, so a scheduled run that
executes the cell pays nothing; the cell is left out of the rendered page (``remove-cell``),
which shows the review for the parameters it was run with and no dead widget.
"""

from __future__ import annotations

import html
import io
import time
from dataclasses import dataclass, field, replace

import ipywidgets as widgets
import numpy as np
from IPython.display import HTML, Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image as PILImage

from helpers.errors import Refusal
from helpers.report import charts, tables
from helpers.report.words import display as currency_display
from helpers.report.words import money
from helpers.review.model import Review, rejudged

SCORES = (0, 7)  # the checklist's scores: the band lines lie between
MAX_JUDGEMENT_MONTHS = 36
HEADACHE_SHARES = (0.01, 0.49)  # a share below one half, as the settings take


def settings_for(review: Review, values: dict[str, object]):
    """The review's settings with the sliders' ``values``: ``hourly_cost``,
    ``headache_share``, ``judgement_months`` and ``band_lines`` (review from, keep from)."""
    settings = review.settings
    review_from, keep_from = values["band_lines"]  # type: ignore[misc]
    return replace(
        settings,
        hourly_cost=float(values["hourly_cost"]),  # type: ignore[arg-type]
        headache_share=float(values["headache_share"]),  # type: ignore[arg-type]
        judgement_months=int(values["judgement_months"]),  # type: ignore[call-overload]
        checklist=replace(settings.checklist, review_from=review_from, keep_from=keep_from),
    )


@dataclass
class WhatIf:
    """The sliders, what they show, and the review judged with their latest values
    (``current``) with the seconds that took (``seconds``)."""

    review: Review
    current: Review | None = None
    seconds: float = 0.0
    sliders: dict[str, widgets.Widget] = field(init=False)
    shown: widgets.Output = field(init=False)
    chart: LiveRevenueChart | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        s = self.review.settings
        cost = s.hourly_cost
        style = {"description_width": "16em"}
        layout = widgets.Layout(width="42em")
        common = {"continuous_update": False, "style": style, "layout": layout}
        self.sliders = {
            "hourly_cost": widgets.FloatSlider(
                value=cost,
                min=0.0,
                max=max(4 * cost, 10.0),
                step=max(round(cost / 20), 1),
                description=f"Hourly cost ({currency_display(s).code})",
                **common,
            ),
            "headache_share": widgets.FloatSlider(
                value=s.headache_share,
                min=HEADACHE_SHARES[0],
                max=HEADACHE_SHARES[1],
                step=0.01,
                readout_format=".0%",
                description="Headache share",
                **common,
            ),
            "band_lines": widgets.IntRangeSlider(
                value=(s.checklist.review_from, s.checklist.keep_from),
                min=SCORES[0] + 1,
                max=SCORES[1],
                description="Review from, keep from",
                **common,
            ),
            "judgement_months": widgets.IntSlider(
                value=s.judgement_months,
                min=max(s.min_tenure_months, 1),
                max=MAX_JUDGEMENT_MONTHS,
                description="Judgement window (months)",
                **common,
            ),
        }
        self.shown = widgets.Output()
        for slider in self.sliders.values():
            slider.observe(self._moved, names="value")

    def values(self) -> dict[str, object]:
        return {name: slider.value for name, slider in self.sliders.items()}

    def judge(self) -> Review:
        """The review judged with the sliders' values; the time is kept in ``seconds``."""
        started = time.perf_counter()
        self.current = rejudged(self.review, settings_for(self.review, self.values()))
        self.seconds = time.perf_counter() - started
        return self.current

    def outputs(self, review: Review) -> list[object]:
        """What the panel shows for ``review``: the bands, the headache list, the impact of
        letting go and the revenue chart, under a line with the time taken."""
        settings = review.settings
        cost = money(settings.hourly_cost, currency_display(settings))
        line = (
            f"<p><strong>What if</strong>: judged again in {self.seconds:.2f} s from the "
            f"review in memory, at {cost} an hour, the headache list the bottom "
            f"{settings.headache_share:.0%}, review from {settings.checklist.review_from} and "
            f"keep from {settings.checklist.keep_from}, over {settings.judgement_months} "
            "months.</p>"
        )
        shown: list[object] = [HTML(line), tables.band_table(review)]
        if review.has_time:
            shown += [tables.headache_table(review), self.revenue_chart(review)]
        shown.append(tables.impact_table(review))
        return shown

    def revenue_chart(self, review: Review) -> Image:
        """The revenue chart of ``review``: drawn again over the last one's background when
        the judgement window is the same, else laid out anew."""
        if self.chart is None or self.chart.window != review.window:
            self.chart = LiveRevenueChart(review)
        return self.chart.image(review)

    def _moved(self, _change: dict) -> None:
        with self.shown:
            self.shown.clear_output(wait=True)
            try:
                review = self.judge()
            except Refusal as error:  # values the settings refuse, said in words
                display(HTML(f"<p>{html.escape(str(error))}</p>"))
                return
            for output in self.outputs(review):
                display(output)

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        # The sliders and the panel's output, as the widget a kernel shows.
        return widgets.VBox([*self.sliders.values(), self.shown])._repr_mimebundle_(**kwargs)


class LiveRevenueChart:
    """The revenue chart of one judgement window (``charts.revenue_chart``), drawn again for
    each judgement made over it by blitting, matplotlib's way of redrawing only what changes:
    the axes, the median line and the customers' names depend on the window alone and are
    drawn once into a background (the names were placed off the dots, so drawing the dots
    after them hides nothing); each judgement's dots, cutoff line, title and legend
    (``charts.revenue_judged``) are drawn over a copy of it. The panel shows the chart at its
    size in pixels (the page draws it at twice)."""

    def __init__(self, review: Review) -> None:
        chart = charts.revenue_chart(review)
        self.window = review.window
        self.figure = chart.figure
        self.ax = self.figure.axes[0]
        self.canvas = FigureCanvasAgg(self.figure)
        self.canvas.draw()  # laid out once, with everything in place
        self.figure.set_layout_engine("none")
        self.ax.set_autoscale_on(False)
        self.judged = chart.judged
        self.drawn_for: Review | None = review
        for artist in self.judged:
            artist.set_animated(True)  # left out of the background
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def image(self, review: Review) -> Image:
        """The chart for ``review``, judged over this chart's window, as a PNG."""
        if review.window != self.window:
            raise ValueError("the review is judged over another window than the chart's")
        if review is not self.drawn_for:
            self._replace_judged(review)
        self.canvas.restore_region(self.background)
        for artist in sorted(self.judged, key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        pixels = PILImage.fromarray(np.asarray(self.canvas.buffer_rgba())).convert("RGB")
        buffer = io.BytesIO()
        pixels.save(buffer, format="png", compress_level=1)  # fast: the panel is not mailed
        return Image(data=buffer.getvalue(), format="png")

    def _replace_judged(self, review: Review) -> None:
        ax = self.ax
        # The title is the axes' own text, which the next judgement rewrites in place.
        removable = {*ax.collections, *ax.lines, *ax.texts, ax.get_legend()}
        for artist in self.judged:
            if artist in removable:
                artist.remove()
        self.judged = charts.revenue_judged(ax, review)
        for artist in self.judged:
            artist.set_animated(True)
        self.drawn_for = review


def what_if(review: Review) -> WhatIf:
    """The what-if panel for ``review``: sliders, and below them the review judged again
    each time one moves."""
    return WhatIf(review)
