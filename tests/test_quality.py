"""Reconciliation: the report's totals found two ways agree, and a broken one is caught."""

from pathlib import Path

import pytest

from helpers.export import load_export
from helpers.periods import parse_period
from helpers.quality import reconciliation
from helpers.review import ReviewSettings, build_review


@pytest.fixture
def review(tiny_export: Path):
    return build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings(0.4))


def test_every_check_holds_on_the_tiny_review(review):
    checks = reconciliation(review).set_index("check")
    assert checks["holds"].all()
    # 4 customers; revenue 6600; contribution 4800 - 2000 + 200 - 300 = 2700;
    # open 2000 (A3) + 900 (B1, B2) + 250 (C1) = 3150.
    assert checks["expected"].tolist() == [4, 6600, 2700, 3150, 3150]


def test_a_total_that_does_not_add_up_is_reported(review):
    review.open_invoices.loc[review.open_invoices.index[0], "amount"] += 100
    checks = reconciliation(review).set_index("check")["holds"]
    assert not checks["Open invoices add up to the open balance"]
    assert not checks["Aged receivables add up to the open balance"]
    assert checks["Whale curve ends at total contribution"]
