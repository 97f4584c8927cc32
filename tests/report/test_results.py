"""customer_scores.csv: one row per customer, the report's values, safe to open in a spreadsheet."""

from pathlib import Path

import pandas as pd
import pytest

from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.report.results import SCORE_COLUMNS, customer_scores, spreadsheet_safe, write_scores
from helpers.review.model import build_review
from tests.support import tiny_settings


@pytest.fixture
def review(tiny_export: Path):
    return build_review(load_export(tiny_export), parse_period("2026-Q3"), tiny_settings())


def test_scores_have_the_promised_columns_and_values(review):
    scores = customer_scores(review).set_index("customer_id")
    assert list(scores.reset_index().columns) == SCORE_COLUMNS
    assert scores.index.tolist() == ["A", "B", "C", "E"]
    assert scores["band"].tolist() == [
        "keep",
        "fire_candidate",
        "needs_assessment",
        "needs_assessment",
    ]
    assert scores["revenue_per_hour"].tolist()[:2] == [300, 10]
    assert scores.loc["A", "avg_days_late"] == 11.2  # 11.25 kept to one decimal, half to even
    # B's repeat business came from its assessment; C's service is unanswered.
    assert scores.loc["B", "repeat_business"] == "yes"
    assert pd.isna(scores.loc["C", "service"])
    assert scores.loc["B", "reason"].startswith("2 of 7: does not pay: €900")


def test_text_that_a_spreadsheet_would_run_is_neutralised():
    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "\tx", "Smith - Co"],
            "revenue": [-5.0, 1, 2, 3, 4, 5],
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["name"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "Smith - Co",
    ]
    assert safe["revenue"].tolist() == [-5.0, 1, 2, 3, 4, 5]  # numbers stay numbers


def test_write_scores(review, tmp_path: Path):
    path = write_scores(review, tmp_path / "customer_scores.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the names as UTF-8
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["name"].tolist() == ["Alpha Ltd", "Beta & Sons", "Gamma OÜ", "Epsilon AS"]
    assert write_scores(review, "") is None
