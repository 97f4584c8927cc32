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
import time
from dataclasses import dataclass, field, replace

import ipywidgets as widgets
from IPython.display import HTML, display

from helpers.errors import Refusal
from helpers.report import charts, tables
from helpers.report.chart_style import show
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
            shown += [tables.headache_table(review), show(charts.revenue_vs_time(review))]
        shown.append(tables.impact_table(review))
        return shown

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


def what_if(review: Review) -> WhatIf:
    """The what-if panel for ``review``: sliders, and below them the review judged again
    each time one moves."""
    return WhatIf(review)
