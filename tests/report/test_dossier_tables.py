"""One customer's dossier, on the tiny export (tests/support.py).

Most tests follow B, Beta & Sons: a small fire candidate that owes two invoices. In 2026-Q3 the
reviewed customers are A, B, C and E (D did nothing), with the tiny settings as in
tests/review/test_model.py: revenue A 6000, B 400, C 200, E 0; hours A 20, B 40, C 0, E 5.
"""

from pathlib import Path

import pandas as pd
import pytest

from helpers.io.history import record_outcomes
from helpers.io.periods import parse_period
from helpers.report import dossier_tables as tables
from helpers.review.dossier import Dossier
from helpers.review.strikes import outcome_rows
from tests.support import cells, tiny_dossier


@pytest.fixture
def beta(tiny_export: Path) -> Dossier:
    return tiny_dossier(tiny_export, "B")


def test_measures_table_says_where_the_customer_stands(beta):
    shown = {row[0]: row[1:] for row in cells(tables.measures_table(beta))}
    # Worked out in tests/review/test_dossier.py: revenue 400 of 6600 (6%), 2nd of 4. The tiny
    # review's judgement window is three months long.
    assert shown["Revenue, 3 months"] == [
        "€400",
        "€300",
        "€6,600",
        "6% of the total; 2nd largest of 4",
    ]
    assert shown["Hours, 3 months"] == ["40.0", "12.5", "65.0", "62% of the team's hours"]
    # 6600 / 65 = 101.5: €102/h together.
    assert shown["Revenue per hour, 3 months"] == [
        "€10/h",
        "€10/h",
        "€102/h",
        "2nd lowest of 3 (percentile 67%)",
    ]
    assert shown["Contribution, 3 months"][3] == "costs more to serve than it brings"
    assert shown["Average days beyond terms, 3 months"] == [
        "68 days",
        "16 days",
        "–",
        "a late payer: late from 15 days",
    ]
    assert shown["Open balance"][3] == "29% of all that is owed"  # 900 of 3150
    assert shown["Share of wallet"][3] == "less than 50% of its budget with us"
    assert shown["Headroom"][3] == "little room to grow (room from €10,000 a year)"


def test_open_invoices_and_time(beta):
    assert cells(tables.open_invoices_table(beta)) == [
        ["B1", "1 May 2026", "31 May 2026", "audit", "€500.00", "122", "over 90 days"],
        ["B2", "10 Jul 2026", "24 Jul 2026", "audit", "€400.00", "68", "61-90 days"],
    ]
    assert cells(tables.time_table(beta)) == [
        ["support", "40.0", "40.0", "100%"],
        ["all activities", "40.0", "40.0", "100%"],
    ]


def test_checklist_table_says_yes_and_no(beta):
    table = cells(tables.checklist_table(beta))
    assert [row[2] for row in table] == ["yes", "no", "no", "yes", "no", "no", "no"]


def test_strikes_table_says_which_period_is_not_in_the_history(tiny_export, tmp_path):
    history = tmp_path / "acme" / "history.sqlite"
    q2 = pd.DataFrame(
        {"name": ["Beta & Sons"], "band": ["fire_candidate"], "on_headache_list": [False]},
        index=pd.Index(["B"], name="customer_id"),
    )
    record_outcomes(history, "2026-Q2", outcome_rows(parse_period("2026-Q2"), q2))
    struck = tiny_dossier(tiny_export, "B", str(history))
    assert cells(tables.strikes_table(struck)) == [
        ["2026-Q1", "not in the history", "–", "–"],
        ["2026-Q2", "Fire candidate", "no", "strike"],
        ["2026-Q3", "Fire candidate", "no", "strike"],
    ]


def test_ways_out_for_a_fire_candidate(beta):
    assert cells(tables.tactics_table(beta)) == [
        # B's €400 in the three-month window is €1,600 a year.
        [
            "Three months' notice",
            "gives up €1,600 a year; service ends on 30 December 2026",
            "suggested",
        ],
        [
            "Price increase with 30 days' notice",
            "none needed: its time already pays the median €10/h",
            "",
        ],
        [
            "10% price increase every quarter",
            "none needed: its time already pays the median €10/h",
            "",
        ],
        ["Headache tax", "none needed", ""],
        ["Sales compensation", "adjust it: the customer does not share our values", ""],
    ]


def test_ways_out_for_others(tiny_export: Path):
    assert tables.tactics_table(tiny_dossier(tiny_export, "A")) is None
    # E is on the headache list with hours and no revenue: no price rise can fix that.
    rows = cells(tables.tactics_table(tiny_dossier(tiny_export, "E")))
    assert rows[1][1] == "no price rise turns no revenue into the median rate"
    assert rows[3][2] == "suggested"


def test_tables_escape_text_from_the_export(tiny_export: Path):
    customers = (tiny_export / "customers.csv").read_text(encoding="utf-8")
    (tiny_export / "customers.csv").write_text(
        customers.replace("Beta & Sons", "<script>alert(1)</script>"), encoding="utf-8"
    )
    b = tiny_dossier(tiny_export, "B")
    for table in (
        tables.measures_table(b),
        tables.checklist_table(b),
        tables.strikes_table(b),
        tables.tactics_table(b),
    ):
        assert "<script>" not in table.to_html()
