"""One customer's dossier, on the tiny export (tests/support.py).

Most tests follow B, Beta & Sons: a small fire candidate that owes two invoices. In 2026-Q3 the
reviewed customers are A, B, C and E (D did nothing), judged over the quarter itself as in
tests/review/test_model.py (tests/support.py, TINY_SETTINGS): revenue A 6000, B 400, C 200,
E 0; hours A 20, B 40, C 0, E 5.
"""

import html
from pathlib import Path

import pandas as pd
import pytest

from helpers.io.history import record_outcomes
from helpers.io.periods import parse_period
from helpers.report import dossier_words as say
from helpers.report.reasons import reasons
from helpers.report.words import paragraphs
from helpers.review.dossier import Dossier
from helpers.review.strikes import outcome_rows
from tests.support import tiny_dossier


@pytest.fixture
def beta(tiny_export: Path) -> Dossier:
    return tiny_dossier(tiny_export, "B")


def test_title_profile_and_standing(beta):
    title = say.title("Smith & Co", beta).data
    assert "<h1>Beta &amp; Sons</h1>" in title
    assert "Customer dossier for Smith &amp; Co, 2026-Q3" in title
    assert "Fire candidate</span>" in title and "checklist score 2 of 7 (7 answered)" in title
    # Q2, judged from the export (tests/review/test_dossier.py), and Q3.
    assert "Repair plan: 2 strikes in the last three quarters" in title
    assert "Judged over the three months to 30 September 2026" in title
    reason = reasons(beta.review, pd.Index(["B"])).iloc[0]
    assert html.escape(reason, quote=False) in title
    assert say.page_title("Smith & Co", beta) == "Smith & Co: Beta & Sons, customer dossier 2026-Q3"
    assert say.profile_sentences(beta) == ["A small company (20 employees) in Retail."]
    # 400 for 40 hours; the median of 300, 10 and 0 per hour is 10; 400 - 40 x 60 = -2000.
    assert say.standing_sentences(beta) == [
        "Over the three months to 30 September 2026, Beta & Sons brought €400 of revenue for "
        "40.0 hours of the team's time.",
        "Revenue per hour: €10/h, against €10/h for the median customer ranked.",
        "After the cost of that time at €60 an hour, it contributed -€2,000.",
        "In 2026-Q3 itself: €400 of revenue for 40.0 hours.",
    ]


def test_invoice_sentences(beta):
    assert say.invoice_sentences(beta) == [
        # The export starts with D0 on 1 June 2025, less than two years before.
        "From 1 June 2025 to 30 September 2026, Beta & Sons was sent 2 invoices, €900 in all.",
        "Of the invoices due over the three months to 30 September 2026, it paid 68 days "
        "beyond terms on average, weighted by amount (a late payer from 15 days): stop work and "
        "collect what is owed.",
        "Open on 30 September 2026: €900 in 2 invoices, €900 of it past due.",
    ]


def test_time_sentences(beta, tiny_export: Path):
    assert say.time_sentences(beta) == [
        "In 2026-Q3, 40.0 hours were logged for Beta & Sons, 40.0 of them support (100%).",
        "Since 1 June 2025: 40.0 hours, 100% of them support; the busiest quarter was "
        "2026-Q3 with 40.0 hours.",
    ]
    # C's 3 hours of June are before the period but within the two years.
    gamma = tiny_dossier(tiny_export, "C")
    assert say.time_sentences(gamma)[0] == "No time was logged for Gamma OÜ in 2026-Q3."


def test_checklist_with_answers_and_sources(beta):
    answers = say.checklist_answers(beta)
    # repeat business overridden to yes by the assessment of 1 March (the data alone: a
    # customer since B1 on 1 May, it could buy in Q2 and Q3, needs ceil(3 x 2 / 4) = 2 and
    # bought in both); spend 400 a quarter is 1,600 a year of 9000 = 18%; service 10/h at
    # the median; up-sell: headroom 9000 - 1,600 = 7,400, and of the two lines sold (audit,
    # training) B buys audit.
    assert answers[["answer", "source"]].to_dict("index") == {
        "repeat_business": {"answer": "yes", "source": "assessment"},
        "influencer": {"answer": "no", "source": "assessment"},
        "spend": {"answer": "no", "source": "data"},
        "service": {"answer": "yes", "source": "data"},
        "upsell": {"answer": "no", "source": "data"},
        "right_reasons": {"answer": "no", "source": "assessment"},
        "values_aligned": {"answer": "no", "source": "assessment"},
    }
    assert answers.loc["repeat_business", "evidence"] == (
        "assessment of 1 March 2026; data: bought in 2 of the 2 quarters since it became a "
        "customer (2 needed)"
    )
    assert answers.loc["spend", "evidence"] == "18% share of wallet (50% needed)"
    assert answers.loc["service", "evidence"] == "€10/h against the median €10/h"
    assert answers.loc["upsell", "evidence"] == (
        "headroom €7,400 a year (€10,000 needed); buys 1 of the 2 product lines sold "
        "(2 not bought needed)"
    )
    assert say.checklist_sentences(beta) == [
        "Score 2 of 7, every item answered: fire candidate (keep from 6, fire candidate at 2 or "
        "less)."
    ]
    assert say.assessment_sentences(beta) == [
        "Notes of the latest assessment, 1 March 2026: “buys through a reseller”"
    ]


def test_a_customer_never_assessed(tiny_export: Path):
    # C: repeat no (1 of the 2 quarters since 20 June, 2 needed), spend yes (200 in the
    # quarter is 800 a year, of 200), no time so service unknown, up-sell no.
    gamma = tiny_dossier(tiny_export, "C")
    answers = say.checklist_answers(gamma)
    assert (
        answers["answer"].tolist()
        == ["no", "unanswered", "yes", "unanswered", "no"] + ["unanswered"] * 2
    )
    assert answers.loc["influencer", "evidence"] == "never assessed"
    assert answers.loc["service", "evidence"] == "no time logged; never assessed"
    assert pd.isna(answers.loc["influencer", "source"])
    assert say.checklist_sentences(gamma) == [
        "Score 1 of the 3 items answered: the 4 items unanswered could lift it to 5, across a "
        "band line (keep from 6, fire candidate at 2 or less), so it needs an assessment."
    ]
    assert say.assessment_sentences(gamma)[0].startswith("No account owner has assessed")


def test_strike_sentences_without_and_with_history(beta, tiny_export: Path, tmp_path: Path):
    # No history: Q2 is judged from the export, where B is a fire candidate; Q1 is before B's
    # first invoice.
    assert say.strike_sentences(beta) == [
        "Beta & Sons has 2 strikes in the three quarters 2026-Q1 to 2026-Q3 (in 2026-Q2, "
        "2026-Q3): a repair plan is due: fix the contract, change our own practice, say the "
        "problem out loud.",
        "2026-Q2 was judged from the export as of its end, with the same rules.",
    ]
    # A history where 2026-Q2 was reviewed and B kept: what was recorded stands.
    history = tmp_path / "acme" / "history.sqlite"
    q2 = pd.DataFrame(
        {"name": ["Beta & Sons"], "band": ["keep"], "on_headache_list": [False]},
        index=pd.Index(["B"], name="customer_id"),
    )
    record_outcomes(history, "2026-Q2", outcome_rows(parse_period("2026-Q2"), q2))
    sentences = say.strike_sentences(tiny_dossier(tiny_export, "B", str(history)))
    assert sentences == [
        "Beta & Sons has 1 strike in the three quarters 2026-Q1 to 2026-Q3 (in 2026-Q3): on watch.",
        "Quarters reviewed with customer-review run are read from the history file "
        "acme/history.sqlite (history_path) and stand as recorded; this dossier records "
        "nothing in it.",
    ]
    missing = say.strike_sentences(tiny_dossier(tiny_export, "B", str(tmp_path / "x" / "h.db")))
    assert "x/h.db (history_path) does not exist yet" in missing[1]


def test_ways_out_in_words(beta, tiny_export: Path):
    # Losing B: 400 of 6600 revenue (6%), 40 hours, contribution up by 2000. None of the hours
    # sold again, 400 lost (more than the 2% affordable); all sold at 10/h, nothing.
    sentences = say.tactics_sentences(beta)
    assert sentences[0].startswith(
        "Suggested: three months' notice. Why: does not pay: no price rise fixes unpaid "
        "invoices; collect what is owed and give notice"
    )
    assert sentences[1:] == [
        "Letting Beta & Sons go would lose €400 of revenue over the three months to 30 "
        "September 2026 (6%), free 40.0 hours and raise the contribution by €2,000.",
        "The net loss is €400 if none of the freed hours is sold again, and €0 if all of them "
        "are sold at the median €10/h; the verdict counts 0% of them sold again "
        "(resold_share): a net loss of €400.",
        "Verdict: needs a replacement plan (a net loss of at most 2% of revenue is affordable; "
        "losing more than 10% of revenue never is).",
        "The dates below count from 30 September 2026, the day the plan starts.",
    ]
    alpha = tiny_dossier(tiny_export, "A")
    assert say.tactics_sentences(alpha) == [
        "Alpha Ltd is neither a fire candidate nor on the headache list as of 30 September "
        "2026: no way out is needed."
    ]


def test_export_text_is_escaped(tiny_export: Path):
    customers = (tiny_export / "customers.csv").read_text(encoding="utf-8")
    (tiny_export / "customers.csv").write_text(
        customers.replace("Beta & Sons", "<script>alert(1)</script>"), encoding="utf-8"
    )
    notes = (tiny_export / "assessments.csv").read_text(encoding="utf-8")
    (tiny_export / "assessments.csv").write_text(
        notes.replace("buys through a reseller", "<b>reseller</b>"), encoding="utf-8"
    )
    b = tiny_dossier(tiny_export, "B")
    assert "<script>" not in say.title("Acme", b).data
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in say.title("Acme", b).data
    assert "&lt;b&gt;reseller" in paragraphs(say.assessment_sentences(b)).data
