"""Data quality: what the export held and what the review could not use, by code."""

from pathlib import Path

from tests.support import review_leaving_out_time_for_x, tiny_review


def facts(review) -> dict[tuple[str, str], int]:
    rows = review.data_quality
    return dict(zip(zip(rows["check"], rows["file"], strict=True), rows["count"], strict=True))


def test_data_quality_of_the_tiny_export(tiny_export: Path):
    assert facts(tiny_review(tiny_export)) == {
        ("rows_read", "customers.csv"): 5,
        ("rows_read", "invoices.csv"): 11,
        ("rows_read", "time_entries.csv"): 9,  # A 2, B 5, C 1, E 1
        ("rows_read", "assessments.csv"): 3,
        ("rows_rejected", ""): 0,
        ("customers_not_reviewed", ""): 1,  # D
        ("unknown_size", ""): 0,  # D is unknown, but left out
        ("no_wallet", ""): 1,  # E
        ("revenue_without_time", ""): 1,  # C
        ("credit_notes", ""): 1,  # C2
        ("paid_after_as_of", ""): 1,  # C1, paid 5 October
        ("assessed_after_as_of", ""): 1,  # A's of 15 October
        # The tiny review takes no one as too new and ranks every hour (tests/support.py);
        # A, the only customer invoiced on a cycle, logged nothing after its last invoice.
        ("too_new", ""): 0,
        ("too_little_time", ""): 0,
        ("hours_not_invoiced", ""): 0,
    }


def test_time_left_out_for_unknown_customers_is_counted(tiny_export: Path):
    review, export = review_leaving_out_time_for_x(tiny_export)
    rows = review.data_quality.set_index(["check", "file"])
    # 9 entries of the tiny export and the 2 for X read; the 2 left out.
    assert rows.loc[("rows_read", "time_entries.csv")].tolist() == [11, 2]
    assert rows.loc[("rows_left_out", "time_entries.csv")].tolist() == [2, 2]
    assert review.dropped[0].rows == (11, 12)
    # The time kept is the tiny export's own: 10 + 10 + 5 x 8 + 3 + 5 = 68 hours.
    assert export.time_entries["hours"].sum() == 68
