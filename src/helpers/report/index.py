"""The index of every review rendered: ``reports/index.html``, one page for all companies.

Each rendered period leaves its headline numbers in ``<company>/<period>/summary.json``; the
index is rebuilt from those files after every run, so it can never disagree with the reports
beside it and a lost index is one command away. Both are written under a temporary name and
renamed into place, and the index is rebuilt under a lock, so that two runs finishing at once
each leave a whole page listing both.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock
from jinja2 import Environment, FileSystemLoader, select_autoescape

from helpers.io.config import slug
from helpers.report.files import write_text_whole
from helpers.report.money import CurrencyDisplay
from helpers.report.words import money, share
from helpers.review import portfolio
from helpers.review.model import Review

SUMMARY_FILE = "summary.json"
INDEX_FILE = "index.html"
LOCK_FILE = ".index.lock"
TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Headline:
    """The numbers of one rendered period that the index shows."""

    company: str
    period: str
    period_start: str  # ISO date: periods sort by it
    currency: str
    customers: int
    revenue: float
    fire_candidates: int
    headache_customers: int
    headache_share_of_hours: float | None  # None when no time was logged
    headache_share_of_revenue: float | None
    rendered_at: str  # ISO timestamp, UTC
    # How the review wrote amounts (``helpers.report.money``); absent from older summaries.
    number_locale: str = "en"
    currency_symbol: str = ""
    currency_position: str = ""
    # The rest of the headline figures, and the previous period's, as the review's "Against
    # the previous period" shows them; absent from older summaries.
    open_balance: float | None = None
    avg_days_late: float | None = None
    previous: dict[str, object] | None = None
    # The parameters a what-if changed from the config's, by name; None for the official
    # review (helpers.app.run).
    what_if: dict[str, object] | None = None
    pdf: bool = False  # whether review.pdf was printed beside the page

    def __post_init__(self) -> None:
        self.currency_display  # noqa: B018 - a summary with an unusable display is unreadable

    @property
    def currency_display(self) -> CurrencyDisplay:
        return CurrencyDisplay(
            self.currency, self.number_locale, self.currency_symbol, self.currency_position
        )

    @classmethod
    def of(cls, company: str, review: Review) -> Headline:
        c = review.customers
        listed = portfolio.headache_shares(review)
        hours, revenue = listed.hours_share, listed.revenue_share
        before = review.previous_figures
        return cls(
            company=company,
            period=review.period.label,
            period_start=review.period.start.isoformat(),
            currency=review.settings.currency,
            customers=len(c),
            revenue=review.figures.revenue,
            fire_candidates=int(portfolio.bands(review).loc["fire_candidate", "customers"]),
            headache_customers=listed.customers,
            headache_share_of_hours=None if math.isnan(hours) else hours,
            headache_share_of_revenue=None if math.isnan(revenue) else revenue,
            rendered_at=datetime.now(UTC).isoformat(timespec="seconds"),
            number_locale=review.settings.number_locale,
            currency_symbol=review.settings.currency_symbol,
            currency_position=review.settings.currency_position,
            open_balance=_known(review.figures.open_balance),
            avg_days_late=_known(review.figures.avg_days_late),
            previous=None
            if before is None
            else {
                "label": before.label,
                **{key: _known(getattr(before, key)) for key in PREVIOUS_FIGURES},
            },
        )


# The previous period's figures the index shows a change against.
PREVIOUS_FIGURES = (
    "revenue",
    "fire_candidates",
    "headache_share_of_hours",
    "headache_share_of_revenue",
    "open_balance",
    "avg_days_late",
)


def period_folder(label: str, what_if: dict[str, object] | None = None) -> str:
    """The folder of a period's review under its company's: the period's label for the
    official review, and for a what-if the label and what changed, ``2026-Q3-what-if-
    hourly-cost-80`` (shortened, with a digest to keep it unique, when long)."""
    if not what_if:
        return label
    changed = what_if_words(what_if)
    words = slug(changed)
    if len(words) > MAX_WHAT_IF_NAME:
        digest = hashlib.sha256(changed.encode("utf-8")).hexdigest()[:8]
        words = f"{words[:MAX_WHAT_IF_NAME].rstrip('-')}-{digest}"
    return f"{label}-what-if-{words}"


MAX_WHAT_IF_NAME = 60


def what_if_words(what_if: dict[str, object]) -> str:
    """What a what-if changed, in words: ``hourly_cost 80, headache_share 0.05``."""
    return ", ".join(f"{name} {_plain(value)}" for name, value in what_if.items())


def _plain(value: object) -> object:
    """A whole number given as a float without its ``.0``."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _known(value: float) -> float | None:
    """``value`` for JSON: ``None`` where it is unknown (NaN)."""
    return None if value is None or math.isnan(value) else float(value)


def write_summary(period_dir: Path, headline: Headline) -> Path:
    """Write ``headline`` as ``period_dir/summary.json``, atomically."""
    path = Path(period_dir) / SUMMARY_FILE
    write_text_whole(path, json.dumps(asdict(headline), indent=2, ensure_ascii=False) + "\n")
    return path


def read_summaries(reports_dir: Path) -> list[tuple[str, Headline]]:
    """Every period's headline under ``reports_dir`` whose review page exists, as
    (``company folder``, headline), companies in name order and periods oldest first. A
    summary that cannot be read is skipped: the index shows what can be shown."""
    found = []
    for path in sorted(Path(reports_dir).glob(f"*/*/{SUMMARY_FILE}")):
        if path.parent.name.startswith(".") or not (path.parent / "review.html").exists():
            continue  # a folder being rendered or replaced (helpers.app.publish)
        try:
            headline = Headline(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            continue
        found.append((path.parent.parent.name, headline))
    # Oldest first (the index lists them newest first); of one period, a what-if before the
    # official review, which the index then lists first.
    found.sort(
        key=lambda item: (
            item[1].company.casefold(),
            item[0],
            item[1].period_start,
            item[1].what_if is None,
            str(item[1].what_if or ""),
        )
    )
    return found


def write_index(reports_dir: Path) -> Path:
    """Rebuild ``reports_dir/index.html`` from the summaries, under a lock, atomically."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(reports_dir / LOCK_FILE, timeout=120):
        page = index_html(read_summaries(reports_dir))
        path = reports_dir / INDEX_FILE
        write_text_whole(path, page)
    return path


def index_html(summaries: list[tuple[str, Headline]]) -> str:
    """The index page: one table per company, a row per period with its headline numbers
    and links to its files. Every text from an export or a config is escaped."""
    companies: dict[tuple[str, str], list[dict[str, object]]] = {}
    for folder, headline in summaries:
        rows = companies.setdefault((headline.company, folder), [])
        rows.append(_row(folder, headline))
    for rows in companies.values():
        rows.reverse()  # newest first: the period people open the page for
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("reports_index.html.j2").render(
        companies=[
            {"name": name, "folder": folder, "rows": rows}
            for (name, folder), rows in companies.items()
        ]
    )


def _row(folder: str, headline: Headline) -> dict[str, object]:
    base = f"{folder}/{period_folder(headline.period, headline.what_if)}"
    hours = headline.headache_share_of_hours
    revenue = headline.headache_share_of_revenue
    currency = headline.currency_display
    before = headline.previous or {}

    def change(key: str, now: float | None, kind: str) -> str:
        """The change from the previous period's figure: a share for money, points for
        shares, a count otherwise; empty when either is unknown."""
        old = before.get(key)
        if now is None or old is None or (isinstance(now, float) and math.isnan(now)):
            return ""
        difference = now - old
        sign = "+" if difference > 0 else "−" if difference < 0 else "±"
        if kind == "share":
            return f"{sign}{abs(difference) * 100:.1f} pt"
        if kind == "money":
            return f"{sign}{abs(difference) / old:.0%}" if old else ""
        if kind == "days":
            return f"{sign}{abs(difference):,.1f}"
        return f"{sign}{abs(difference):,.0f}"

    return {
        "period": headline.period,
        "previous": before.get("label", ""),
        "customers": f"{headline.customers:,}",
        "revenue": money(headline.revenue, currency),
        "revenue_change": change("revenue", headline.revenue, "money"),
        "fire_candidates": f"{headline.fire_candidates:,}",
        "fire_candidates_change": change("fire_candidates", headline.fire_candidates, "count"),
        "headache_customers": f"{headline.headache_customers:,}",
        "headache_hours": "–" if hours is None or math.isnan(hours) else share(hours),
        "headache_hours_change": change("headache_share_of_hours", hours, "share"),
        "headache_revenue": "–" if revenue is None or math.isnan(revenue) else share(revenue),
        "headache_revenue_change": change("headache_share_of_revenue", revenue, "share"),
        "open_balance": "–"
        if headline.open_balance is None
        else money(headline.open_balance, currency),
        "open_balance_change": change("open_balance", headline.open_balance, "money"),
        "avg_days_late": "–" if headline.avg_days_late is None else f"{headline.avg_days_late:.1f}",
        "avg_days_late_change": change("avg_days_late", headline.avg_days_late, "days"),
        "review": f"{base}/review.html",
        "scores": f"{base}/customer_scores.csv",
        "actions": f"{base}/actions.csv",
        "rendered_at": headline.rendered_at.replace("T", " ").replace("+00:00", " UTC"),
        "what_if": what_if_words(headline.what_if or {}),
        "pdf": f"{base}/review.pdf" if headline.pdf else "",
    }
