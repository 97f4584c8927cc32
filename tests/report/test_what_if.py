"""The what-if in JupyterLab: a review judged again with other thresholds from the export it
holds, and the sliders that ask for it. Widgets are made here without a kernel; moving a
slider runs what a kernel would run."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from PIL import Image as PILImage

from helpers.report import chart_style, charts, what_if
from helpers.review.model import rejudged
from helpers.review.strikes import strike_history
from tests.support import TINY_EXPORT, tiny_review, write_export


@pytest.fixture
def review(tmp_path: Path):
    return tiny_review(write_export(tmp_path / "tiny", TINY_EXPORT))


def test_judged_again_with_its_own_settings_a_review_is_the_same(sample_review):
    # Built once by build_review from the files, judged again from memory: every column of
    # every customer the same.
    again = rejudged(sample_review, sample_review.settings)
    columns = list(sample_review.customers.columns)
    pd.testing.assert_frame_equal(again.customers[columns], sample_review.customers[columns])


def test_the_export_is_not_read_again(review):
    with mock.patch("helpers.io.export.load_export", side_effect=AssertionError("read")):
        rejudged(review, replace(review.settings, headache_share=0.3))


def test_a_narrower_headache_share_lets_the_lowest_off(review):
    # Ranked by revenue per hour: E 0 (5 h, nothing invoiced), B 10 (400 for 40 h), A 300
    # (6,000 for 20 h): percentiles 1/3, 2/3 and 1. At 40%, or 34%, only E is on the list; at
    # 30%, below E's third, nobody.
    def listed(share: float) -> list[str]:
        again = rejudged(review, replace(review.settings, headache_share=share))
        return sorted(again.customers.index[again.customers["on_headache_list"]])

    assert listed(0.4) == ["E"]
    assert listed(0.34) == ["E"]
    assert listed(0.3) == []


def test_the_sliders_judge_the_review_again_when_one_moves(review):
    panel = what_if.what_if(review)
    assert panel.current is None  # nothing computed until a slider moves
    # Band lines (review from 2, keep from 7): A's score of 6 is now one to review; B (score 2)
    # would be reviewed too, but it does not pay (B1 122 days past due), so it stays a fire
    # candidate.
    panel.sliders["band_lines"].value = (2, 7)
    bands = panel.current.customers["band"]
    assert (bands["A"], bands["B"]) == ("review", "fire_candidate")
    # An hour at 100 instead of 60: A's contribution is 6,000 - 20 x 100 = 4,000.
    panel.sliders["hourly_cost"].value = 100.0
    assert panel.current.customers.loc["A", "contribution"] == pytest.approx(4000)
    assert panel.current.settings.checklist.keep_from == 7  # the other sliders still hold
    panel.sliders["headache_share"].value = 0.3
    assert not panel.current.customers["on_headache_list"].any()
    assert panel.seconds > 0


def test_the_panel_shows_bands_headache_list_chart_and_impact(review):
    panel = what_if.what_if(review)
    panel.sliders["headache_share"].value = 0.34  # E still on the list: a table of one
    shown = panel.outputs(panel.current)
    kinds = [type(output).__name__ for output in shown]
    assert kinds == ["HTML", "LongTable", "LongTable", "Image", "LongTable"]
    assert "the headache list the bottom 34%" in shown[0].data


def test_a_window_shorter_than_the_minimum_tenure_cannot_be_chosen(review):
    settings = replace(review.settings, min_tenure_months=6, judgement_months=12)
    panel = what_if.what_if(replace(review, settings=settings))
    assert panel.sliders["judgement_months"].min == 6


def test_moving_the_share_the_cost_or_the_lines_reads_the_export_no_more(review):
    # The findings over the window (activity, payment, repeat business) stay as they were:
    # only the ranking, the cost and the checklist are made again.
    panel = what_if.what_if(review)
    with mock.patch("helpers.review.model.findings", side_effect=AssertionError("found again")):
        panel.sliders["headache_share"].value = 0.3
        panel.sliders["hourly_cost"].value = 100.0
        panel.sliders["band_lines"].value = (2, 7)
    assert panel.current.settings.headache_share == 0.3


def test_another_window_is_judged_as_a_review_built_over_it(tmp_path: Path):
    # The findings kept between moves are the window's: over six months instead of three,
    # the judgement is the one a review built over six months makes. Strikes stay as the
    # review counted them, so they are left out of the comparison.
    folder = write_export(tmp_path / "tiny", TINY_EXPORT)
    review = tiny_review(folder)
    six = replace(review.settings, judgement_months=6)
    again = rejudged(review, six).customers
    built = tiny_review(folder, settings=six).customers
    strikes = strike_history(review.quarters, built).columns
    columns = [column for column in built.columns if column not in strikes]
    assert not again["revenue"].equals(review.customers["revenue"])  # the window matters
    pd.testing.assert_frame_equal(again[columns], built[columns])


def test_the_chart_drawn_over_the_last_is_the_pages_chart_of_the_new_judgement(sample_review):
    # Band lines at 2 and 7 move most of the sample's keeps into review. The chart drawn over
    # the first judgement's background shows what the page's own chart of the new judgement
    # shows: it differs from it in far fewer pixels than the chart of the first judgement.
    settings = sample_review.settings
    lines = replace(settings.checklist, review_from=2, keep_from=7)
    moved = rejudged(sample_review, replace(settings, checklist=lines))
    live = what_if.LiveRevenueChart(sample_review)
    drawn = PILImage.open(io.BytesIO(live.image(moved).data)).convert("RGB")
    page = chart_style.drawn(charts.revenue_vs_time(moved))
    before = chart_style.drawn(charts.revenue_vs_time(sample_review))

    def differing(one: PILImage.Image, other: PILImage.Image) -> float:
        gap = np.abs(np.asarray(one, dtype=int) - np.asarray(other, dtype=int)).sum(axis=2)
        return float((gap > 60).mean())

    assert drawn.size == page.size
    assert differing(drawn, page) < differing(before, page) / 5
