"""The index of rendered reviews: what it lists, how it escapes, and that runs at once agree."""

from __future__ import annotations

import json
import multiprocessing
import re
from dataclasses import replace
from pathlib import Path

from helpers.report.index import Headline, read_summaries, write_index, write_summary

HEADLINE = Headline(
    company="Acme Ltd",
    period="2026-Q3",
    period_start="2026-07-01",
    currency="EUR",
    customers=265,
    revenue=751021.27,
    fire_candidates=4,
    headache_customers=23,
    headache_share_of_hours=0.0681,
    headache_share_of_revenue=0.0077,
    rendered_at="2026-10-02T06:00:00+00:00",
)


def rendered(reports: Path, folder: str, headline: Headline) -> None:
    """A period as a successful run leaves it: the page, then the summary."""
    period_dir = reports / folder / headline.period
    period_dir.mkdir(parents=True, exist_ok=True)
    (period_dir / "review.html").write_text("<html></html>")
    write_summary(period_dir, headline)


def test_index_lists_every_company_and_period_newest_first(tmp_path: Path):
    rendered(tmp_path, "acme-ltd", HEADLINE)
    rendered(tmp_path, "acme-ltd", replace(HEADLINE, period="2026-Q2", period_start="2026-04-01"))
    other = replace(HEADLINE, company="Bäcker GmbH", customers=40, revenue=1234.5)
    rendered(tmp_path, "backer-gmbh", other)
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index("Acme Ltd") < page.index("Bäcker GmbH")  # companies by name
    assert page.index('href="acme-ltd/2026-Q3/review.html"') < page.index(
        'href="acme-ltd/2026-Q2/review.html"'
    )
    # Headline numbers as the report writes them: €751,021; 0.0681 of hours is 7%, 0.0077
    # of revenue 1% (whole percentages).
    row = page[page.index('href="acme-ltd/2026-Q3/review.html"') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="number">([^<]*)</td>', row)
    # An older summary without open balance, days late or the previous period: dashes.
    assert cells == ["265", "€751,021", "4", "23", "7%", "1%", "–", "–"]
    assert "€1,234" in page  # the other company's revenue


def test_index_shows_each_figure_against_the_previous_period(tmp_path: Path):
    headline = replace(
        HEADLINE,
        open_balance=266867.97,
        avg_days_late=5.53,
        previous={
            "label": "2026-Q2",
            "revenue": 631601.28,
            "fire_candidates": 5,
            "headache_share_of_hours": 0.0545,
            "headache_share_of_revenue": 0.0050,
            "open_balance": 270043.53,
            "avg_days_late": 5.86,
        },
    )
    rendered(tmp_path, "acme-ltd", headline)
    page = write_index(tmp_path).read_text(encoding="utf-8")
    row = page[page.index('href="acme-ltd/2026-Q3/review.html"') :]
    row = row[: row.index("</tr>")]
    assert "against 2026-Q2" in row
    # 751,021 / 631,601 = 1.189: +19%; 4 fire candidates against 5: −1; 6.81% of hours
    # against 5.45%: +1.4 points; 0.77% of revenue against 0.50%: +0.3; 266,868 owed against
    # 270,044: 3,176 less, −1%; 5.53 days against 5.86: −0.3.
    changes = re.findall(r'<span class="muted">([^<]*)</span>', row)
    assert changes == ["against 2026-Q2", "+19%", "−1", "+1.4 pt", "+0.3 pt", "−1%", "−0.3"]
    cells = re.findall(r'<td class="number">([^<]*)<', row)
    assert cells[-2:] == ["€266,868", "5.5"]


def test_index_escapes_names_and_loads_nothing(tmp_path: Path):
    hostile = replace(HEADLINE, company="<script>alert(1)</script> & Co")
    rendered(tmp_path, "script-alert-1-script-co", hostile)
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert not re.search(r"<(script|link|img)\b", page)
    assert "http" not in page


def test_a_period_without_its_page_is_not_listed(tmp_path: Path):
    rendered(tmp_path, "acme-ltd", HEADLINE)
    (tmp_path / "acme-ltd" / "2026-Q3" / "review.html").unlink()
    (tmp_path / "acme-ltd" / "2026-Q1").mkdir()
    (tmp_path / "acme-ltd" / "2026-Q1" / "summary.json").write_text("{not json")
    assert read_summaries(tmp_path) == []
    assert "No review has been rendered yet" in write_index(tmp_path).read_text("utf-8")


def _finish_a_run(arguments: tuple[str, int]) -> None:
    reports, month = arguments
    rendered(
        Path(reports),
        "acme-ltd",
        replace(HEADLINE, period=f"2026-{month:02d}", period_start=f"2026-{month:02d}-01"),
    )
    write_index(Path(reports))


def test_runs_finishing_at_once_each_leave_a_whole_index_listing_all(tmp_path: Path):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_finish_a_run, [(str(tmp_path), month) for month in range(1, 13)])
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="acme-ltd/(2026-\d\d)/review.html">2026', page)
    assert listed == [f"2026-{m:02d}" for m in range(12, 0, -1)]
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
    assert (
        json.loads((tmp_path / "acme-ltd" / "2026-05" / "summary.json").read_text())["period"]
        == "2026-05"
    )
