"""One customer's dossier, on the tiny export (tests/support.py).

Most tests follow B, Beta & Sons: a small fire candidate that owes two invoices. In 2026-Q3 the
reviewed customers are A, B, C and E (D did nothing), with the tiny settings as in
tests/review/test_model.py: revenue A 6000, B 400, C 200, E 0; hours A 20, B 40, C 0, E 5.
"""

import re
from pathlib import Path

from matplotlib.figure import Figure

from helpers.io.export import load_export
from helpers.report import dossier_charts as charts
from helpers.report import dossier_tables as tables
from helpers.review.dossier import build_dossier
from tests.support import tiny_dossier, tiny_review, tiny_settings, title_of


def test_position_chart_highlights_the_customer(tiny_export: Path):
    beta = tiny_dossier(tiny_export, "B")
    figure = charts.position_chart(beta)
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
    assert legend == ["the other 2 customers ranked", "Beta & Sons (fire candidate)"]


def test_days_late_chart_states_what_is_unpaid(tiny_export: Path):
    assert title_of(charts.days_late_chart(tiny_dossier(tiny_export, "B"))) == (
        "2 invoices unpaid past due on 30 September 2026, the oldest 122 days"
    )
    # A: 4 paid, A1 45 days late.
    assert title_of(charts.days_late_chart(tiny_dossier(tiny_export, "A"))) == (
        "Nothing unpaid past due on 30 September 2026; 1 of 4 paid invoices paid late, a median "
        "45 days"
    )


def test_time_chart_from_three_quarters_with_time(tiny_export: Path):
    assert charts.time_chart(tiny_dossier(tiny_export, "B")) is None  # one quarter: a table
    entries = tiny_export / "time_entries.csv"
    entries.write_text(
        entries.read_text(encoding="utf-8") + "B,2025-08-01,2,sales\nB,2025-11-03,3,\n",
        encoding="utf-8",
    )
    beta = tiny_dossier(tiny_export, "B")
    # 2025-Q3 2 h of sales, 2025-Q4 3 h unspecified, 2026-Q3 40 h of support: 45 in all.
    figure = charts.time_chart(beta)
    assert title_of(figure) == (
        "45 hours since June 2025, 89% of them support; the most in 2026-Q3"
    )
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "support",
        "unspecified",
        "sales",
    ]


def test_position_chart_of_a_customer_too_new_to_rank(tiny_export: Path):
    # Judged over twelve months with six months' tenure needed, B (no customer_since; first
    # invoice 1 May 2026, five months before 1 October) is too new to judge, so not ranked. Its
    # revenue per hour leaves out B1's €500, 122 days past due: €400 for 40 hours, €10/h.
    settings = tiny_settings(judgement_months=12, min_tenure_months=6)
    review = tiny_review(tiny_export, settings=settings)
    beta = build_dossier(load_export(tiny_export), review, "B")
    title = title_of(charts.position_chart(beta))
    assert title.startswith("Beta & Sons earns €10/h, below the median")
    assert title.endswith("; not ranked: too new to judge")
    # Its measures are over the 153 days from 1 May to 30 September 2026 (31+30+31+31+30).
    header = re.findall(r"<th[^>]*>(.*?)</th>", tables.measures_table(beta).to_html())
    assert "This customer (153 days)" in header
