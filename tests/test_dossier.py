"""One customer's dossier, on the tiny export (tests/conftest.py) and through the command line.

Most tests follow B, Beta & Sons: a small fire candidate that owes two invoices. In 2026-Q3 the
reviewed customers are A, B, C and E (D did nothing), with ReviewSettings(0.4) as in
tests/test_review.py: revenue A 6000, B 400, C 200, E 0; hours A 20, B 40, C 0, E 5.
"""

import html
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import dossier
from helpers.export import load_export
from helpers.history import record_period
from helpers.narrative import paragraphs
from helpers.periods import parse_period
from helpers.review import ParameterError, ReviewSettings, build_review
from tests.test_tables import cells

ROOT = Path(__file__).resolve().parents[1]


def tiny_dossier(folder: Path, customer_id: str, history_path: str = "") -> dossier.Dossier:
    export = load_export(folder)
    review = build_review(export, parse_period("2026-Q3"), ReviewSettings(0.4), history_path)
    return dossier.build_dossier(export, review, customer_id)


def title_of(figure: Figure) -> str:
    """The chart's title as one line (it is wrapped to fit the figure)."""
    return " ".join(figure.axes[0].get_title(loc="left").split())


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


def test_dossier_from_parameters_checks_the_id_against_the_export(tiny_export: Path):
    with pytest.raises(ParameterError, match=r"customer_id 'b' is not in the export; close: B"):
        dossier.dossier_from_parameters(str(tiny_export), "2026-Q3", "b", headache_share=0.4)
    found = dossier.dossier_from_parameters(str(tiny_export), "2026-Q3", "B", headache_share=0.4)
    assert found.name == "Beta & Sons" and found.customer["band"] == "fire_candidate"


def test_title_profile_and_standing(beta):
    title = dossier.title("Smith & Co", beta).data
    assert "<h1>Beta &amp; Sons</h1>" in title
    assert "Customer dossier for Smith &amp; Co, 2026-Q3" in title
    assert "Fire candidate</span>" in title and "checklist score 2 of 7 (7 answered)" in title
    assert "Watch: 1 strike in the last three periods" in title  # this period's strike alone
    assert html.escape(beta.customer["reason"], quote=False) in title
    assert (
        dossier.page_title("Smith & Co", beta)
        == "Smith & Co: Beta & Sons, customer dossier 2026-Q3"
    )
    assert dossier.profile_sentences(beta) == ["A small company (20 employees) in Retail."]
    # 400 for 40 hours; the median of 300, 10 and 0 per hour is 10; 400 - 40 x 60 = -2000.
    assert dossier.standing_sentences(beta) == [
        "In 2026-Q3, Beta & Sons brought €400 of revenue for 40.0 hours of the team's time: "
        "€10/h, against €10/h for the median customer.",
        "After the cost of that time at €60 an hour, it contributed -€2,000.",
    ]


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
    assert m.loc["revenue", "where"] == "6% of the total; 2nd largest of 4"
    # Hours: A 20, B 40, C 0, E 5 -> median 12.5, total 65; B takes 40/65 = 62%.
    assert m.loc["hours", ["customer", "median", "total"]].tolist() == [40, 12.5, 65]
    assert m.loc["hours", "where"] == "62% of the team's hours"
    # Revenue per hour: E 0, B 10, A 300 (C has no time): B ranks 2nd of 3, the median is 10;
    # all customers together 6600 / 65 = 101.5 an hour.
    assert m.loc["revenue_per_hour", ["customer", "median"]].tolist() == [10, 10]
    assert m.loc["revenue_per_hour", "total"] == pytest.approx(6600 / 65)
    assert m.loc["revenue_per_hour", "where"] == "2nd lowest of 3 (percentile 67%)"
    # Contribution: A 4800, B -2000, C 200, E -300 -> median (-300 + 200) / 2, total 2700.
    assert m.loc["contribution", ["customer", "median", "total"]].tolist() == [-2000, -50, 2700]
    assert m.loc["contribution", "where"] == "costs more to serve than it brings"
    # Days beyond terms of invoices due in Q3: A 11.25, B 68 (B2 unpaid), C 16 -> median 16.
    assert m.loc["avg_days_late", ["customer", "median"]].tolist() == [68, 16]
    assert m.loc["avg_days_late", "where"] == "a late payer: late from 15 days"
    # Open: A 2000 (A3), B 900 (B1 + B2), C 250 (C1), E 0 -> median 575, total 3150.
    assert m.loc["open_balance", ["customer", "median", "total"]].tolist() == [900, 575, 3150]
    assert m.loc["open_balance", "where"] == "29% of all that is owed"
    # Twelve months to September: A 9000 of 10000, B 900 of 9000, C 200 of 200 (E has no
    # estimate) -> median 90%, together 10100 / 19200.
    assert m.loc["share_of_wallet", ["customer", "median"]].tolist() == [0.1, 0.9]
    assert m.loc["share_of_wallet", "total"] == pytest.approx(10100 / 19200)
    assert m.loc["share_of_wallet", "where"] == "less than 50% of its budget with us"
    # Headroom: A 1000, B 8100, C 0 -> median 1000, total 9100.
    assert m.loc["headroom", ["customer", "median", "total"]].tolist() == [8100, 1000, 9100]
    shown = cells(dossier.measures_table(beta))
    assert shown[2] == [
        "Revenue per hour",
        "€10/h",
        "€10/h",
        "€102/h",
        "2nd lowest of 3 (percentile 67%)",
    ]


def test_position_chart_highlights_the_customer(beta):
    figure = dossier.position_chart(beta)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert (
        ax.get_title(loc="left") == "Beta & Sons earns €10/h, at the median €10/h: 2nd lowest of 3"
    )
    # A in grey, E (hours, no revenue) as a grey triangle, B highlighted.
    assert [len(c.get_offsets()) for c in ax.collections] == [1, 1, 1]
    texts = [t.get_text() for t in ax.texts]
    assert "Beta & Sons" in texts and "▼ 1 other customer with hours but no revenue" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["the other 2 customers with time logged", "Beta & Sons (fire candidate)"]


def test_invoices_and_days_late(beta, tiny_export: Path):
    invoices = beta.invoices.set_index("invoice_id")
    # Unpaid on 30 September: B1 due 31 May, 122 days; B2 due 24 July, 68 days.
    assert invoices["days_late"].to_dict() == {"B1": 122, "B2": 68}
    assert set(invoices["status"]) == {dossier.PAST_DUE}
    assert dossier.invoice_sentences(beta) == [
        # The export starts with D0 on 1 June 2025, less than two years before.
        "From 1 June 2025 to 30 September 2026, Beta & Sons was sent 2 invoices, €900 in all.",
        "Of the invoices due in 2026-Q3, it paid 68 days beyond terms on average, weighted by "
        "amount (a late payer from 15 days): stop work and collect what is owed.",
        "Open on 30 September 2026: €900 in 2 invoices, €900 of it past due.",
    ]
    assert title_of(dossier.days_late_chart(beta)) == (
        "2 invoices unpaid past due on 30 September 2026, the oldest 122 days"
    )
    assert cells(dossier.open_invoices_table(beta)) == [
        ["B1", "1 May 2026", "31 May 2026", "audit", "€500.00", "122", "over 90 days"],
        ["B2", "10 Jul 2026", "24 Jul 2026", "audit", "€400.00", "68", "61-90 days"],
    ]
    # A: A0a and A0b paid on the day, A1 45 days late, A2 10 days early, A3 not yet due.
    alpha = tiny_dossier(tiny_export, "A")
    assert alpha.invoices["days_late"].tolist()[:4] == [0, 0, 45, -10]
    assert alpha.invoices["status"].tolist()[-1] == dossier.NOT_YET_DUE
    assert title_of(dossier.days_late_chart(alpha)) == (
        "Nothing unpaid past due on 30 September 2026; 1 of 4 paid invoices paid late, a median "
        "45 days"
    )
    # C: C1 was paid on 5 October, after the as-of date, so it is 16 days past due; C2 is a
    # credit note.
    gamma = tiny_dossier(tiny_export, "C").invoices.set_index("invoice_id")
    assert gamma["status"].to_dict() == {"C1": dossier.PAST_DUE, "C2": dossier.CREDIT_NOTE}
    assert gamma.loc["C1", "days_late"] == 16


def test_time_by_activity(beta, tiny_export: Path):
    grid = dossier.hours_by_quarter(beta)
    # Six quarters from 2025-Q2, when the export starts; B's 40 support hours all fall in
    # August 2026.
    assert grid.index.tolist() == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert grid.columns.tolist() == ["support"] and grid["support"].sum() == 40
    assert dossier.time_chart(beta) is None  # one quarter with time: a table instead
    assert cells(dossier.time_table(beta)) == [
        ["support", "40.0", "40.0", "100%"],
        ["all activities", "40.0", "40.0", "100%"],
    ]
    assert dossier.time_sentences(beta) == [
        "In 2026-Q3, 40.0 hours were logged for Beta & Sons, 40.0 of them support (100%).",
        "Since 1 June 2025: 40.0 hours, 100% of them support; the busiest quarter was "
        "2026-Q3 with 40.0 hours.",
    ]
    # C's 3 hours of June are before the period but within the two years.
    gamma = tiny_dossier(tiny_export, "C")
    assert dossier.time_sentences(gamma)[0] == "No time was logged for Gamma OÜ in 2026-Q3."


def test_time_chart_from_three_quarters_with_time(tiny_export: Path):
    entries = tiny_export / "time_entries.csv"
    entries.write_text(
        entries.read_text(encoding="utf-8") + "B,2025-08-01,2,sales\nB,2025-11-03,3,\n",
        encoding="utf-8",
    )
    beta = tiny_dossier(tiny_export, "B")
    # 2025-Q3 2 h of sales, 2025-Q4 3 h unspecified, 2026-Q3 40 h of support: 45 in all.
    figure = dossier.time_chart(beta)
    assert title_of(figure) == (
        "45 hours since June 2025, 89% of them support; the most in 2026-Q3"
    )
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "support",
        "unspecified",
        "sales",
    ]


def test_checklist_with_answers_and_sources(beta):
    answers = dossier.checklist_answers(beta)
    # repeat business overridden to yes by the assessment of 1 March (the data alone: B1 in Q2
    # and B2 in Q3, 2 of 4 quarters); spend 900 of 9000 = 10%; service 10/h at the median;
    # up-sell: headroom 8100, and of the two lines sold (audit, training) B buys audit.
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
        "assessment of 1 March 2026; data: bought in 2 of the last 4 quarters (3 needed)"
    )
    assert answers.loc["spend", "evidence"] == "10% share of wallet (50% needed)"
    assert answers.loc["service", "evidence"] == "€10/h against the median €10/h"
    assert answers.loc["upsell", "evidence"] == (
        "headroom €8,100 a year (€10,000 needed); buys 1 of the 2 product lines sold "
        "(2 not bought needed)"
    )
    table = cells(dossier.checklist_table(beta))
    assert [row[2] for row in table] == ["yes", "no", "no", "yes", "no", "no", "no"]
    assert dossier.checklist_sentences(beta) == [
        "Score 2 of 7, every item answered: fire candidate (keep from 6, fire candidate at 2 or "
        "less)."
    ]
    assert dossier.assessment_sentences(beta) == [
        "Notes of the latest assessment, 1 March 2026: “buys through a reseller”"
    ]


def test_a_customer_never_assessed(tiny_export: Path):
    # C: repeat no (1 quarter), spend yes (200 of 200), no time so service unknown, up-sell no.
    gamma = tiny_dossier(tiny_export, "C")
    answers = dossier.checklist_answers(gamma)
    assert (
        answers["answer"].tolist()
        == ["no", "unanswered", "yes", "unanswered", "no"] + ["unanswered"] * 2
    )
    assert answers.loc["influencer", "evidence"] == "never assessed"
    assert answers.loc["service", "evidence"] == "no time logged in the period; never assessed"
    assert pd.isna(answers.loc["influencer", "source"])
    assert dossier.checklist_sentences(gamma) == [
        "Score 1 of the 3 items answered: the 4 items unanswered could lift it to 5, across a "
        "band line (keep from 6, fire candidate at 2 or less), so it needs an assessment."
    ]
    assert dossier.assessment_sentences(gamma)[0].startswith("No account owner has assessed")


def test_strikes_without_and_with_history(beta, tiny_export: Path, tmp_path: Path):
    assert dossier.strike_sentences(beta) == [
        "Beta & Sons has 1 strike in the three periods 2026-Q1 to 2026-Q3 (in 2026-Q3): on watch.",
        "No history of earlier periods was given (history_path is empty), so only this "
        "period's strike counts.",
    ]
    # A history where B was a fire candidate in 2026-Q2 (and 2026-Q1 was never reviewed).
    history = tmp_path / "acme" / "history.sqlite"
    q2 = pd.DataFrame(
        {"name": ["Beta & Sons"], "band": ["fire_candidate"], "on_headache_list": [False]},
        index=pd.Index(["B"], name="customer_id"),
    )
    record_period(history, SimpleNamespace(period=parse_period("2026-Q2"), customers=q2))
    before = history.read_bytes()
    struck = tiny_dossier(tiny_export, "B", str(history))
    assert dossier.strike_history_table(struck)["strike"].tolist() == [False, True, True]
    assert cells(dossier.strikes_table(struck)) == [
        ["2026-Q1", "not in the history", "–", "–"],
        ["2026-Q2", "Fire candidate", "no", "strike"],
        ["2026-Q3", "Fire candidate", "no", "strike"],
    ]
    sentences = dossier.strike_sentences(struck)
    assert sentences[0].startswith(
        "Beta & Sons has 2 strikes in the three periods 2026-Q1 to 2026-Q3 (in 2026-Q2, "
        "2026-Q3): a repair plan is due"
    )
    assert "history file acme/history.sqlite" in sentences[1] and "records nothing" in sentences[1]
    assert history.read_bytes() == before  # read, never written


def test_ways_out_for_a_fire_candidate(beta):
    # B does not pay, so notice; at 10/h it is at the median, so no rise is needed.
    assert dossier.tactics(beta)["tactic"] == "notice"
    assert cells(dossier.tactics_table(beta)) == [
        ["Three months' notice", "service ends on 30 December 2026", "suggested"],
        [
            "Price increase with 30 days' notice",
            "none needed: its time already pays the median €10/h",
            "",
        ],
        ["10% price increase every quarter", "none needed", ""],
        ["Headache tax", "none needed", ""],
        ["Sales compensation", "adjust it: the customer does not share our values", ""],
    ]
    # Losing B: 400 of 6600 revenue (6%), 40 hours that earn 400 back at 10/h, contribution
    # up by 2000; net loss 0: affordable.
    sentences = dossier.tactics_sentences(beta)
    assert sentences[0].startswith(
        "Suggested: three months' notice. Why: does not pay: stop work, collect what is owed"
    )
    assert sentences[1].startswith(
        "Letting Beta & Sons go would lose €400 of revenue in 2026-Q3 (6%), free 40.0 hours, "
        "which could earn €400 at the median rate, and raise the contribution by €2,000. "
        "Verdict: affordable"
    )


def test_ways_out_for_others(tiny_export: Path):
    alpha = tiny_dossier(tiny_export, "A")
    assert dossier.tactics_table(alpha) is None
    assert dossier.tactics_sentences(alpha) == [
        "Alpha Ltd is neither a fire candidate nor on the headache list in 2026-Q3: no way out "
        "is needed."
    ]
    # E is on the headache list with hours and no revenue: no price rise can fix that.
    epsilon = tiny_dossier(tiny_export, "E")
    assert dossier.tactics(epsilon)["tactic"] == "headache_tax"
    rows = cells(dossier.tactics_table(epsilon))
    assert rows[1][1] == "no price rise turns no revenue into the median rate"
    assert rows[3][2] == "suggested"


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
    for page in (
        dossier.title("Acme", b).data,
        dossier.measures_table(b).to_html(),
        dossier.checklist_table(b).to_html(),
        dossier.strikes_table(b).to_html(),
        dossier.tactics_table(b).to_html(),
    ):
        assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dossier.title("Acme", b).data
    assert "&lt;b&gt;reseller" in paragraphs(dossier.assessment_sentences(b)).data


# Through the command line, as a manager's assistant would run it.

CLI = [sys.executable, "-m", "helpers.cli", "dossier"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_dossier_renders_through_the_command_line(tmp_path: Path):
    reports = tmp_path / "reports"
    args = ["--export", "data/sample", "--period", "2026-Q3"]
    done = run_cli(*args, "--reports", str(reports), "--customer", "C0037")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path == reports / "fernhill-software-ltd" / "2026-Q3" / "dossier-c0037.html"
    page = path.read_text(encoding="utf-8")
    name = pd.read_csv(ROOT / "data/sample/customers.csv", dtype=str).set_index("customer_id")
    assert f"<h1>{html.escape(name.loc['C0037', 'name'])}</h1>" in page
    for section in ("Against the portfolio", "Invoices and payment", "Checklist", "Ways out"):
        assert f">{section}<" in page
    assert "<script src" not in page and "<link" not in page
    images = re.findall(r'<img[^>]*src="([^"]{0,30})', page)
    assert len(images) >= 3  # the position, days late and time charts
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "dossier_from_parameters" not in page and "In&nbsp;[" not in page
    assert "Traceback" not in page
    assert not (reports / "fernhill-software-ltd" / "history.sqlite").exists()  # read only

    unknown = run_cli(*args, "--customer", "C037", "--reports", str(tmp_path / "other"))
    assert unknown.returncode == 2
    assert "customer_id 'C037' is not in the export; close: C0037" in unknown.stderr
    assert not (tmp_path / "other").exists()  # nothing written
