"""One review: the export's customers measured, scored and banded for one period.

``build_review`` is the single place where the stages meet; the notebook calls it once and
every section reads from the ``Review`` it returns, so a number shown twice is the same number.
It reads and writes nothing: the export and the recorded history come in as data.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import pandas as pd

from helpers.errors import ParameterError
from helpers.io.export import DroppedRows, Export
from helpers.io.files import InputFile
from helpers.io.history import Recorded
from helpers.io.periods import ReviewPeriod
from helpers.io.settings import ReviewSettings
from helpers.review import measures
from helpers.review.exits import exit_impact, exit_tactics, moving_on, payment_advice
from helpers.review.quality import data_quality
from helpers.review.scoring import checklist, data_answers, latest_assessment
from helpers.review.strikes import changes_since_previous, strike_history

# The domain's range for the headache list is the bottom 5% to 10%: the list uses the parameter
# (10% by default) and the report marks the customers in the bottom 5% as well.
HEADACHE_CORE_SHARE = 0.05


@dataclass(frozen=True, eq=False)  # one review is one period's: compared by identity
class Review:
    """Everything the report shows about one period.

    ``customers``: one row per customer reviewed (invoiced, with time logged, or owing money in
    the period), indexed by ``customer_id``, with the export's columns, the measures, the
    checklist and the band. ``invoices_due``: invoices due in the period with ``days_late``
    and ``size_band``. ``open_invoices``: what was unpaid on the as-of date, aged.
    ``not_reviewed``: customers in the export with no activity and nothing owed.
    ``has_time`` / ``has_payments``: whether the export could say anything about either.
    """

    period: ReviewPeriod
    settings: ReviewSettings
    customers: pd.DataFrame
    invoices_due: pd.DataFrame
    open_invoices: pd.DataFrame
    not_reviewed: int
    has_time: bool
    has_payments: bool
    has_assessments: bool
    files: list[InputFile] = field(default_factory=list)
    dropped: list[DroppedRows] = field(default_factory=list)  # rows left out as the config allows
    data_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: Recorded = field(default_factory=Recorded)  # earlier periods, as recorded
    moving_on: pd.DataFrame | None = None  # customers let go: given up against freed since

    def changes(self) -> pd.DataFrame:
        """Who entered or left a band or the headache list since the previous period, as
        recorded in the history (``strikes.changes_since_previous``)."""
        return changes_since_previous(self.history.outcomes, self.period, self.customers)

    @property
    def aging(self) -> pd.DataFrame:
        """Open balance per reviewed customer by aging bucket (``measures.aged_receivables``)."""
        return measures.aged_receivables(self.open_invoices, self.customers.index)

    def exit_scenarios(self) -> pd.DataFrame:
        """The impact of letting go the fire candidates, the headache list, and the customers
        the analyst named (``exit_ids``), one row each (``exits.exit_impact``)."""
        c = self.customers
        scenarios = {
            "The fire candidates": c.index[c["band"] == "fire_candidate"],
            "The headache list": c.index[c["on_headache_list"]],
        }
        if self.settings.exit_ids:
            scenarios["The customers named for this review"] = pd.Index(self.settings.exit_ids)
        median = self.median_revenue_per_hour
        rows = {
            name: exit_impact(c, ids, median, self.settings.exit) for name, ids in scenarios.items()
        }
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("scenario")

    def exit_tactics(self) -> pd.DataFrame:
        """The priced ways out for every fire candidate and headache-list customer."""
        c = self.customers
        candidates = c[(c["band"] == "fire_candidate") | c["on_headache_list"]]
        tactics = exit_tactics(
            candidates, self.median_revenue_per_hour, self.period.as_of, self.settings.exit
        )
        return candidates[["name", "band", "revenue_per_hour", "checklist_score"]].join(tactics)

    @property
    def has_wallet(self) -> bool:
        """Whether any reviewed customer has a wallet estimate, so share of wallet is known."""
        return bool(self.customers["share_of_wallet"].notna().any())

    @property
    def whale_curve(self) -> pd.DataFrame:
        """Customers ranked by contribution with the cumulative share (``measures.whale_curve``)."""
        return measures.whale_curve(self.customers["contribution"])

    def shares_of(self, selected: pd.DataFrame) -> tuple[float, float]:
        """The share of the team's hours and the share of revenue that the ``selected`` rows of
        ``customers`` take; NaN for a share whose total is zero (no time logged)."""
        hours, revenue = self.customers["hours"].sum(), self.customers["revenue"].sum()
        return (
            float(selected["hours"].sum() / hours) if hours else float("nan"),
            float(selected["revenue"].sum() / revenue) if revenue else float("nan"),
        )

    @property
    def median_revenue_per_hour(self) -> float:
        """The portfolio median of revenue per hour, over customers with time logged.

        The same figure the checklist's service item is judged against.
        """
        return float(self.customers["revenue_per_hour"].median())


def build_review(
    export: Export,
    period: ReviewPeriod,
    settings: ReviewSettings,
    history: Recorded | None = None,
) -> Review:
    """Measure, score and band every customer of ``export`` for ``period``.

    ``history`` holds the outcomes recorded for the periods before this one that the strikes
    count (``strikes.history_window``); none: this period alone."""
    everyone = export.customers.set_index("customer_id")
    ids = everyone.index
    unknown = [i for i in settings.exit_ids if i not in ids]
    if unknown:
        near = {i: difflib.get_close_matches(i, ids, n=3) for i in unknown}
        hints = "; ".join(f"{i!r} (close: {', '.join(m) or 'none'})" for i, m in near.items())
        raise ParameterError(
            f"exit_ids names customers not in the export: {hints}", parameter="exit_ids"
        )
    invoices = export.invoices
    has_payments = export.has("invoices", "paid_on")

    table = everyone.join(
        measures.activity(export.customers, invoices, export.time_entries, period)
    )
    table = table.join(
        measures.headache_ranking(table["revenue_per_hour"], settings.headache_share)
    )
    table["in_bottom_5pct"] = (table["rph_percentile"] <= HEADACHE_CORE_SHARE).fillna(False)
    table = table.join(
        measures.contribution(table["revenue"], table["hours"], settings.hourly_cost)
    )
    if has_payments:
        paid = measures.payment(invoices, ids, period, settings.non_payer_days)
        table = table.join(paid)
        table["payment_advice"] = payment_advice(
            paid, everyone["size_band"], settings.late_payer_days
        )
    annual = measures.annual_revenue(invoices, ids, period)
    table = table.join(measures.future_potential(annual, everyone["potential_annual_spend"]))
    quarters = period.trailing_quarters(settings.checklist.repeat_quarters_window)
    table["quarters_bought"] = measures.quarters_with_purchases(invoices, ids, quarters)
    if invoices["issued_on"].min() > quarters[0].start_time:
        table["quarters_bought"] = pd.NA  # the export does not reach back far enough to judge
    lines_bought, lines_sold = measures.product_lines_bought(invoices, ids, period)
    table["product_lines_bought"] = lines_bought

    reviewed = (table["revenue"] != 0) | (table["hours"].fillna(0) > 0)
    if has_payments:
        reviewed |= table["open_balance"] > 0
    table = table[reviewed]
    # Service is judged against the median revenue per hour of the customers reviewed.
    answers = data_answers(table, lines_sold, settings.checklist)
    assessment = latest_assessment(export.assessments, period.as_of)
    table = table.join(checklist(answers, assessment, settings.checklist))

    due = pd.DataFrame()
    open_ = pd.DataFrame()
    if has_payments:
        due = invoices[
            period.contains(invoices["due_on"]) & (invoices["due_on"] <= pd.Timestamp(period.as_of))
        ].assign(days_late=lambda f: measures.days_late(f, period.as_of))
        due = due.join(everyone["size_band"], on="customer_id")
        open_ = measures.open_invoices(invoices, period.as_of)
        open_ = open_[open_["customer_id"].isin(table.index)]
    let_go = None
    if export.decisions is not None:
        median = float(table["revenue_per_hour"].median())
        let_go = moving_on(
            export.decisions, invoices, export.time_entries, period.as_of, median
        ).join(everyone["name"])
    review = Review(
        period=period,
        settings=settings,
        customers=table,
        invoices_due=due,
        open_invoices=open_,
        not_reviewed=int((~reviewed).sum()),
        has_time=export.time_entries is not None,
        has_payments=has_payments,
        has_assessments=export.assessments is not None,
        files=export.files,
        dropped=export.dropped,
        data_quality=data_quality(export, period, table),
        history=history or Recorded(),
        moving_on=let_go,
    )
    # The strikes need the finished bands and headache list.
    strikes = strike_history(review.history.outcomes, period, review.customers)
    for column in strikes.columns:
        review.customers[column] = strikes[column]
    return review
