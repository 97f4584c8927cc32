"""The report's tables: escaped, formatted, long ones shown in part with the rest behind "Show
all"."""

import copy
import re
from pathlib import Path

import pandas as pd

from helpers.io.export import load_export
from helpers.io.periods import parse_period
from helpers.io.settings import ChecklistRules, ReviewSettings
from helpers.report import narrative as say
from helpers.report import tables
from helpers.report.words import paragraphs
from helpers.review.model import build_review
from tests.support import (
    cells,
    review_leaving_out_time_for_x,
    table_cells,
    tiny_review,
    tiny_settings,
)


def test_tables_and_sentences_escape_text_from_the_export(tiny_export: Path):
    customers = pd.read_csv(tiny_export / "customers.csv", dtype=str, keep_default_na=False)
    customers.loc[customers["customer_id"] == "B", "name"] = "<script>alert(1)</script>"
    customers.to_csv(tiny_export / "customers.csv", index=False)
    review = tiny_review(tiny_export)
    html = tables.fire_candidates_table(review).to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "<script>" not in tables.payment_actions(review).to_html()
    assert "&lt;b&gt;" in paragraphs(["<b>bold</b>"]).data
    assert "&amp;" in say.title("Smith & Co", review).data


def thirty_customers() -> pd.DataFrame:
    """Customers 1 to 30 with 30 down to 1 hours; customer 28 is named like a script."""
    names = [f"Customer {n}" for n in range(1, 31)]
    names[27] = "<script>alert(1)</script>"
    return pd.DataFrame(
        {"Customer": names, "Hours": range(30, 0, -1)}, index=[f"C{n}" for n in range(1, 31)]
    )


def hidden_from(page: str, uuid: str) -> int:
    """The first row the page hides while "Show all" is closed (the table's own rule)."""
    rule = re.search(
        rf"#L_{uuid} > details:not\(\[open\]\) ~ table > tbody > tr:nth-child\(n\+(\d+)\) "
        r"\{\s*display: none;",
        page,
    )
    return int(rule[1])


def test_a_long_table_shows_its_first_rows_then_all_of_them_behind_show_all():
    styler = tables.table(thirty_customers(), rows=25, what="customers").set_uuid("long")
    # Styled after table() returns, as the report's own tables are: the last three rows
    # (3, 2 and 1 hours) are all behind "Show all".
    styler = styler.map(lambda hours: "font-weight: bold" if hours <= 3 else "", subset=["Hours"])
    page = styler.to_html()

    # One table, every row written once; the page shows the first 25 until "Show all" opens.
    assert page.count("<table") == 1
    assert table_cells(page) == [
        [f"Customer {n}", str(31 - n)] if n != 28 else ["<script>alert(1)</script>", "3"]
        for n in range(1, 31)
    ]
    assert hidden_from(page, "long") == 26
    assert cells(styler) == [[f"Customer {n}", str(31 - n)] for n in range(1, 26)]
    assert "<caption>25 of 30 customers shown; 5 more.</caption>" in page
    assert "<summary>Show all 30 customers</summary>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    # Row 30 (1 hour), column 1, is bold: styles reach the rows behind "Show all".
    assert re.search(r"#T_long_row29_col1 [^{]*\{\s*font-weight: bold;", page)


def test_a_very_long_table_carries_only_its_first_rows_in_the_page(monkeypatch):
    # With at most 20 rows in the page, 30 customers: 10 shown, 20 behind "Show the first
    # 20", the other 10 only in the CSV named.
    monkeypatch.setattr(tables, "ROWS_IN_PAGE", 20)
    page = tables.table(thirty_customers(), rows=10, what="customers").set_uuid("x").to_html()
    assert "<caption>10 of 30 customers shown; 20 more.</caption>" in page
    assert (
        "<summary>Show the first 20 of 30 customers (all of them are in customer_scores.csv)"
        "</summary>"
    ) in page
    assert len(table_cells(page)) == 20
    assert hidden_from(page, "x") == 11


def test_a_table_within_its_cap_is_shown_whole_without_show_all():
    page = tables.table(thirty_customers().head(25), rows=25, what="customers").to_html()
    assert len(table_cells(page)) == 25
    assert "<details" not in page
    assert "<caption>" not in page


def test_a_copied_long_table_still_hides_its_rest_behind_show_all():
    styler = tables.table(thirty_customers(), rows=25, what="customers").set_uuid("c")
    page = copy.copy(styler).to_html()
    assert "<summary>Show all 30 customers</summary>" in page
    assert hidden_from(page, "c") == 26


def test_checklist_matrix_says_yes_no_and_unanswered_in_words(tiny_export: Path):
    review = tiny_review(tiny_export)
    # Only B is a fire candidate and nobody is in review.
    assert cells(tables.checklist_matrix(review)) == [
        ["Beta & Sons", "Fire candidate", "2", "yes", "no", "no", "yes", "no", "no", "no"]
    ]


def test_needs_assessment_table_lists_what_to_ask(tiny_export: Path):
    review = tiny_review(tiny_export)
    # C (revenue 200) before E (0); the tiny export names no account owners. E's repeat
    # business is unanswered: one quarter as a customer is too few to tell.
    assert cells(tables.needs_assessment_table(review)) == [
        ["Gamma OÜ", "–", "€200", "1 of 3 answered", "influencer, service, right reasons, values"],
        [
            "Epsilon AS",
            "–",
            "€0",
            "1 of 2 answered",
            "repeat business, influencer, spend, right reasons, values",
        ],
    ]


def test_aging_table_adds_up(tiny_export: Path):
    review = tiny_review(tiny_export)
    # C micro: C1 16 days; B small: B2 68 days, B1 122 days; E medium owes nothing; A large:
    # A3 not yet due.
    assert cells(tables.aging_table(review)) == [
        ["micro", "€0", "€250", "€0", "€0", "€0", "€250"],
        ["small", "€0", "€0", "€0", "€400", "€500", "€900"],
        ["medium", "€0", "€0", "€0", "€0", "€0", "€0"],
        ["large", "€2,000", "€0", "€0", "€0", "€0", "€2,000"],
        ["all sizes", "€2,000", "€250", "€0", "€400", "€500", "€3,150"],
    ]


def test_reconciliation_table(tiny_export: Path):
    rows = cells(tables.reconciliation_table(tiny_review(tiny_export)))
    assert rows[0] == ["Band counts add up to the customers reviewed", "4", "4", "yes"]
    assert rows[2] == ["Whale curve ends at total contribution", "€2,700.00", "€2,700.00", "yes"]


def test_checklist_matrix_marks_unanswered_items(tiny_export: Path):
    # With the band lines moved to 1 and 7 every tiny customer falls in review by its score,
    # C and E with unanswered items; but B does not pay (B1, 122 days past due), which makes
    # it a fire candidate whatever its score, listed first. Then the lowest score first, then
    # the lowest revenue: E (1, 0), C (1, 200), A.
    rules = ChecklistRules(keep_from=7, review_from=1)
    review = build_review(
        load_export(tiny_export), parse_period("2026-Q3"), tiny_settings(checklist=rules)
    )
    assert cells(tables.checklist_matrix(review)) == [
        ["Beta & Sons", "Fire candidate", "2", "yes", "no", "no", "yes", "no", "no", "no"],
        ["Epsilon AS", "Review", "1", "?", "?", "?", "no", "yes", "?", "?"],
        ["Gamma OÜ", "Review", "1", "no", "?", "yes", "?", "no", "?", "?"],
        ["Alpha Ltd", "Review", "6", "yes", "yes", "yes", "yes", "no", "yes", "yes"],
    ]


def test_impact_and_tactics_tables(tiny_export: Path):
    review = tiny_review(tiny_export)
    # Letting B go: 400 of 6600 revenue (6%), 40 of 65 hours (62%), contribution +2000. All
    # 40 hours sold again at 10/h would earn the 400 back; none sold (the default), the whole
    # 400 is lost, more than the 2% affordable. Ten largest: all four, before and after.
    assert cells(tables.impact_table(review))[0] == [
        "The fire candidates",
        "1",
        "€400 (6%)",
        "40 h (62%)",
        "€2,000",
        "€0",
        "€400 (6%)",
        "100% → 100%",
        "needs a replacement plan",
    ]
    rows = cells(tables.tactics_table(review))
    # B (fire candidate, a non-payer, at the median rate) first, then E (no revenue). B's
    # €400 over the three months is €1,600 a year, what notice gives up. E's 5 hours in the
    # 30 days from 1 September are 61.3 a year (tests/review/test_model.py), €613 at 10/h.
    assert rows[0][:7] == [
        "Beta & Sons",
        "Fire candidate",
        "€1,600",
        "–",
        "–",
        "–",
        "Three months' notice",
    ]
    assert rows[1][1:7] == [
        "Needs assessment",
        "€0",
        "–",
        "–",
        "€613 (61.3 h)",
        "Headache tax",
    ]


def test_strikes_table_without_history_judges_the_export(tiny_export: Path):
    # Without a history file 2026-Q1 and Q2 are judged from the export: B is a fire candidate
    # in Q2 (tests/review/test_dossier.py) and Q3, a repair plan; E, a customer since
    # 1 September, is on the headache list in Q3 only, to watch. B first (more strikes).
    assert cells(tables.strikes_table(tiny_review(tiny_export))) == [
        ["Beta & Sons", "Fire candidate", "", "2", "2026-Q2, 2026-Q3", "2026-Q2", "Repair plan"],
        ["Epsilon AS", "Needs assessment", "yes", "1", "2026-Q3", "", "Watch"],
    ]


def test_changes_table_puts_strike_changes_first(tiny_export: Path):
    changes = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "name": ["Alpha", "Beta", "Gamma"],
            "change": ["entered", "left", "entered"],
            "what": ["keep", "fire_candidate", "headache_list"],
            "previous_band": ["review", "fire_candidate", "review"],
            "band": ["keep", "review", "review"],
        }
    )
    assert cells(tables.changes_table(tiny_review(tiny_export), changes)) == [
        ["Beta", "left fire candidate", "Fire candidate", "Review"],
        ["Gamma", "entered headache list", "Review", "Review"],
        ["Alpha", "entered keep", "Review", "Keep"],
    ]


def test_data_quality_in_words(tiny_export: Path):
    rows = tables.data_quality_words(tiny_review(tiny_export)).set_index("check")
    # The counts are worked out in tests/review/test_quality.py.
    assert rows.loc["Rows read from invoices.csv"].tolist() == [
        11,
        "all passed the export's checks",
    ]
    assert rows.loc["Credit notes issued in the judgement window"].tolist() == [
        1,
        "reduce revenue; not judged as payments",
    ]
    assert rows.loc["Customers left out of this review", "count"] == 1


def test_time_left_out_for_unknown_customers_is_listed_under_data_quality(tiny_export: Path):
    review, _ = review_leaving_out_time_for_x(tiny_export)
    rows = tables.data_quality_words(review).set_index("check")
    assert rows.loc["Rows read from time_entries.csv"].tolist() == [
        11,
        "2 left out as listed below; the others passed the export's checks",
    ]
    left_out = rows.loc["Time entries for unknown customers, left out"]
    assert left_out["count"] == 2
    assert left_out["meaning"].startswith(
        "time_entries.csv: 6.5 hours logged for customer ids not in customers.csv (X)"
    )


def test_reconciliation_table_names_each_check(tiny_export: Path):
    rows = cells(tables.reconciliation_table(tiny_review(tiny_export)))
    assert rows[0] == ["Band counts add up to the customers reviewed", "4", "4", "yes"]
    assert rows[-1] == [
        "Open invoices add up to the open balance",
        "€3,150.00",
        "€3,150.00",
        "yes",
    ]


def test_a_section_with_no_one_to_list_says_so(tiny_export: Path):
    # Without time entries there is no headache list; without assessments B is no fire
    # candidate (three items unanswered could lift it): no one to price a way out for.
    (tiny_export / "time_entries.csv").unlink()
    (tiny_export / "assessments.csv").unlink()
    review = build_review(load_export(tiny_export), parse_period("2026-Q3"), ReviewSettings())
    assert review.exit_tactics().empty
    assert tables.tactics_table(review).data == (
        '<p class="review-note">No customer is a fire candidate or on the headache list: '
        "there is no way out to price.</p>"
    )
    assert "No customer is a fire candidate." in tables.fire_candidates_table(review).data
    assert tables.strikes_table(review) is None  # the strikes' sentences say it


def test_comparison_with_the_previous_period(tiny_export: Path):
    # The figures of tests/review/test_figures.py: 2026-Q2 judged from the export, 2026-Q3.
    assert cells(tables.comparison_table(tiny_review(tiny_export))) == [
        ["Revenue in the period", "€500", "€6,600", "+€6,100 (+1220%)"],
        ["Hours in the period", "3", "65", "+62"],
        # 500 / 3 = 166.67 per hour, then 6600 / 65 = 101.54: 65.13 less, 39% less.
        ["Revenue per hour in the period", "€167/h", "€102/h", "−€65 (−39%)"],
        # E's 5 of 65 hours: 7.7 points more than none.
        ["Headache list's share of hours", "0%", "8%", "+7.7 points"],
        ["Headache list's share of revenue", "0%", "0%", "±0.0 points"],
        ["Fire candidates", "1", "1", "±0"],
        ["Open balance on the as-of date", "€500", "€3,150", "+€2,650 (+530%)"],
        # 30 days, then 76,200 / 4,650 = 16.4.
        ["Average days beyond terms, invoices due", "30.0", "16.4", "−13.6"],
    ]
