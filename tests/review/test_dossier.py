"""One customer's dossier, on the tiny export (tests/support.py).

Most tests follow B, Beta & Sons: a small fire candidate that owes two invoices. In 2026-Q3 the
reviewed customers are A, B, C and E (D did nothing), with the tiny settings as in
tests/review/test_model.py: revenue A 6000, B 400, C 200, E 0; hours A 20, B 40, C 0, E 5.
"""

from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import ParameterError
from helpers.io.history import record_outcomes
from helpers.io.periods import parse_period
from helpers.review import dossier
from helpers.review.strikes import outcome_rows
from tests.support import tiny_dossier


@pytest.fixture
def beta(tiny_export: Path) -> dossier.Dossier:
    return tiny_dossier(tiny_export, "B")


def test_an_unknown_id_names_its_near_matches():
    customers = pd.DataFrame(
        {
            "customer_id": ["C0037", "C0307", "C0137", "C1000"],
            "name": ["Hollis Dental", "Marrow & Vine", "Northam Foods", "Beta & Sons"],
        }
    )
    assert dossier.find_customer(customers, "C0307") == "C0307"
    # C037 is C0037 with a zero too few; C0137 and C0307 are one character away, in id order.
    with pytest.raises(ParameterError) as error:
        dossier.find_customer(customers, "C037")
    assert str(error.value) == (
        "customer_id 'C037' is not in the export; close: C0037 (Hollis Dental), "
        "C0137 (Northam Foods), C0307 (Marrow & Vine)"
    )
    # A name, or a few letters of one, typed for an id.
    with pytest.raises(ParameterError, match=r"close: C1000 \(Beta & Sons\)$"):
        dossier.find_customer(customers, "beta")
    with pytest.raises(ParameterError, match="close: none"):
        dossier.find_customer(customers, "zzz")
    with pytest.raises(ParameterError, match="customer_id is empty"):
        dossier.find_customer(customers, " ")


def test_a_customer_left_out_of_the_period_is_named(tiny_export: Path):
    # D bought nothing in 2026-Q3, took no time and owed nothing.
    with pytest.raises(ParameterError, match=r"'D' \(Delta GmbH\) bought nothing"):
        tiny_dossier(tiny_export, "D")


def test_measures_against_the_portfolio(beta):
    m = dossier.portfolio_measures(beta)
    assert m.index.tolist() == [
        "revenue",
        "hours",
        "revenue_per_hour",
        "contribution",
        "avg_days_late",
        "open_balance",
        "share_of_wallet",
        "headroom",
    ]
    # Revenue: A 6000, B 400, C 200, E 0 -> median 300, total 6600; B is 6%, second largest.
    assert m.loc["revenue", ["customer", "median", "total"]].tolist() == [400, 300, 6600]
    assert m.loc["revenue", "share"] == pytest.approx(400 / 6600)
    assert m.loc["revenue", ["rank", "ranked"]].tolist() == [2, 4]
    # Hours: A 20, B 40, C 0, E 5 -> median 12.5, total 65; B takes 40/65.
    assert m.loc["hours", ["customer", "median", "total"]].tolist() == [40, 12.5, 65]
    assert m.loc["hours", "share"] == pytest.approx(40 / 65)
    # Revenue per hour: E 0, B 10, A 300 (C has no time): the median is 10, 3 ranked;
    # all customers together 6600 / 65 = 101.5 an hour.
    assert m.loc["revenue_per_hour", ["customer", "median", "ranked"]].tolist() == [10, 10, 3]
    assert m.loc["revenue_per_hour", "total"] == pytest.approx(6600 / 65)
    # Contribution: A 4800, B -2000, C 200, E -300 -> median (-300 + 200) / 2, total 2700;
    # B is the smallest: fourth largest of four.
    assert m.loc["contribution", ["customer", "median", "total"]].tolist() == [-2000, -50, 2700]
    assert m.loc["contribution", ["rank", "ranked"]].tolist() == [4, 4]
    # Days beyond terms of invoices due in Q3: A 11.25, B 68 (B2 unpaid), C 16 -> median 16.
    assert m.loc["avg_days_late", ["customer", "median"]].tolist() == [68, 16]
    # Open: A 2000 (A3), B 900 (B1 + B2), C 250 (C1), E 0 -> median 575, total 3150.
    assert m.loc["open_balance", ["customer", "median", "total"]].tolist() == [900, 575, 3150]
    assert m.loc["open_balance", "share"] == pytest.approx(900 / 3150)
    # A year at the pace of the three months judged is four times their revenue: A 24,000 of
    # 10,000; B 1,600 of 9,000; C 800 of 200 (E has no estimate) -> shares 2.4, 0.178, 4.0,
    # median 2.4; together 26,400 / 19,200.
    assert m.loc["share_of_wallet", "customer"] == pytest.approx(1600 / 9000)
    assert m.loc["share_of_wallet", "median"] == pytest.approx(2.4)
    assert m.loc["share_of_wallet", "total"] == pytest.approx(26400 / 19200)
    # Headroom: A 0 (beyond its wallet), B 9,000 - 1,600 = 7,400, C 0 -> median 0.
    headroom = m.loc["headroom", ["customer", "median", "total"]].tolist()
    assert headroom == pytest.approx([7400, 0, 7400])


def test_invoices_with_days_late_and_status(beta, tiny_export: Path):
    invoices = beta.invoices.set_index("invoice_id")
    # Unpaid on 30 September: B1 due 31 May, 122 days; B2 due 24 July, 68 days.
    assert invoices["days_late"].to_dict() == {"B1": 122, "B2": 68}
    assert set(invoices["status"]) == {dossier.PAST_DUE}
    # The export starts with D0 on 1 June 2025, less than two years before.
    assert beta.since == pd.Timestamp("2025-06-01")
    # A: A0a and A0b paid on the day, A1 45 days late, A2 10 days early, A3 not yet due.
    alpha = tiny_dossier(tiny_export, "A")
    assert alpha.invoices["days_late"].tolist()[:4] == [0, 0, 45, -10]
    assert alpha.invoices["status"].tolist()[-1] == dossier.NOT_YET_DUE
    # C: C1 was paid on 5 October, after the as-of date, so it is 16 days past due; C2 is a
    # credit note.
    gamma = tiny_dossier(tiny_export, "C").invoices.set_index("invoice_id")
    assert gamma["status"].to_dict() == {"C1": dossier.PAST_DUE, "C2": dossier.CREDIT_NOTE}
    assert gamma.loc["C1", "days_late"] == 16


def test_hours_by_quarter(beta):
    grid = dossier.hours_by_quarter(beta)
    # Six quarters from 2025-Q2, when the export starts; B's 40 support hours all fall in
    # August 2026.
    assert grid.index.tolist() == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert grid.columns.tolist() == ["support"] and grid["support"].sum() == 40


def test_strike_history_judges_unrecorded_quarters_from_the_export(
    tiny_export: Path, tmp_path: Path
):
    # No history: the earlier quarters are judged from the export as of their ends.
    # 2026-Q1 (to 31 March): B's first invoice is of 1 May, so it was no customer yet.
    # 2026-Q2 (April to June, 91 days; B judged from 1 May: 61 days): B1's 500 is B's revenue,
    # 30 days past due; repeat yes (its assessment), spend no (a year at that pace is
    # 500 x 4 x 91 / 61 = 2,984, 33% of 9,000), service unknown (no time), up-sell no (6,016 of
    # headroom, and audit the only line sold so far), three no from the assessment -> 1 of 6
    # answered, at most 2: fire candidate, a strike.
    judged = dossier.strike_history(tiny_dossier(tiny_export, "B"))
    assert judged.index.tolist() == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert judged["band"].isna().tolist() == [True, False, False]
    assert judged["strike"].tolist() == [False, True, True]
    assert judged["source"].tolist()[1:] == ["from the export", "this review"]
    # A history where 2026-Q2 was reviewed and B kept: what was recorded stands.
    history = tmp_path / "acme" / "history.sqlite"
    q2 = pd.DataFrame(
        {"name": ["Beta & Sons"], "band": ["keep"], "on_headache_list": [False]},
        index=pd.Index(["B"], name="customer_id"),
    )
    record_outcomes(history, "2026-Q2", outcome_rows(parse_period("2026-Q2"), q2))
    before = history.read_bytes()
    recorded = dossier.strike_history(tiny_dossier(tiny_export, "B", str(history)))
    assert recorded["strike"].tolist() == [False, False, True]
    assert recorded.loc["2026-Q2", ["band", "source"]].tolist() == ["keep", "recorded"]
    assert history.read_bytes() == before  # read, never written


def test_ways_out_and_impact(beta, tiny_export: Path):
    # B does not pay, so notice; at 10/h it is at the median, so no rise is needed.
    assert dossier.tactics(beta)["tactic"] == "notice"
    assert dossier.tactics(beta)["rise_to_median"] == 0
    # Losing B: 400 of 6600 revenue (6.1%), 40 hours, contribution up by 2000. None of the
    # hours sure to be sold again: a net loss of 400, more than the 2% that is affordable;
    # sold at 10/h, they would earn the 400 back.
    impact = dossier.impact(beta)
    assert impact["revenue_lost"] == 400 and impact["hours_freed"] == 40
    assert impact["net_loss"] == 400 and impact["contribution_change"] == 2000
    assert impact["net_loss_all_resold"] == 0
    assert impact["verdict"] == "needs_replacement_plan"
    # A needs no way out; E, on the headache list with hours and no revenue, a headache tax.
    assert dossier.tactics(tiny_dossier(tiny_export, "A")) is None
    assert dossier.tactics(tiny_dossier(tiny_export, "E"))["tactic"] == "headache_tax"
