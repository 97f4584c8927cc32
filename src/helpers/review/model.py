"""One review: the export's customers judged as of one day, and the period a report covers.

``build_review`` is the single place where the stages meet; the notebook calls it once and
every section reads from the ``Review`` it returns, so a number shown twice is the same number.
It reads and writes nothing: the export, the recorded history and the day the review is made
come in as data.

The judgement (``helpers.review.judgement``) is made over the judgement window up to the as-of
date, so a month's, a quarter's and a year's review made on the same day agree; the period's
own revenue, hours and invoices due are shown beside it. Strikes count quarters, recorded or
judged from the export (``helpers.review.strikes``).
"""

from __future__ import annotations

import difflib
import weakref
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from helpers.errors import ParameterError, PeriodError
from helpers.io.export import DroppedRows, Export
from helpers.io.files import InputFile
from helpers.io.history import Recorded
from helpers.io.periods import ReviewPeriod
from helpers.io.settings import ReviewSettings
from helpers.review import measures
from helpers.review.cache import once_per_review
from helpers.review.evidence import Window, judgement_window, per_year
from helpers.review.exits import exit_impact, exit_tactics, moving_on
from helpers.review.figures import (
    PeriodFigures,
    PeriodRecords,
    period_activity,
    period_figures,
    period_records,
)
from helpers.review.judgement import (
    Findings,
    aggregates,
    findings,
    findings_key,
    judge,
    median_revenue_per_hour,
)
from helpers.review.quality import data_quality
from helpers.review.recorded import effective_as_of, first_recorded_day, last_recorded_day
from helpers.review.strikes import (
    FROM_THE_EXPORT,
    THIS_REVIEW,
    changes_since_previous,
    outcome,
    period_outcome,
    quarter_outcomes,
    quarters_counted,
    strike_history,
)

CHECKLIST_COUNTS = ("checklist_score", "checklist_answered", "checklist_unanswered")
# The period's own figures, beside the judgement's, in the customers' table.
PERIOD_COLUMNS = {
    "revenue": "period_revenue",
    "invoices": "period_invoices",
    "hours": "period_hours",
}


@dataclass(frozen=True, eq=False)  # one review is one period's: compared by identity
class Review:
    """Everything the report shows about one period.

    ``customers``: one row per customer reviewed (invoiced or with time logged in the
    judgement window, or owing money on the as-of date), indexed by ``customer_id``, with the
    export's columns, the judgement's measures (``judgement.judge``: revenue, hours, revenue per
    hour and contribution over the judgement window), the period's own (``period_revenue``,
    ``period_invoices``, ``period_hours``), the checklist, the band and the strikes.
    ``invoices_due``: invoices due in the period with ``days_late`` and ``size_band``.
    ``open_invoices``: what was unpaid on the as-of date, aged. ``not_reviewed``: customers in
    the export with nothing in the window and nothing owed. ``has_time`` / ``has_payments``:
    whether the export could say anything about either. ``period.as_of`` is the day judged as
    of: no later than ``data_end``, the last day the export records. ``quarters``: every
    customer's outcome in the quarters its strikes count; ``previous``: the previous period's
    outcome, recorded or judged from the export (``None`` before the export begins).
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
    window: Window | None = None  # the judgement window, to the as-of date
    data_end: date | None = None  # the last day the export records
    quarters: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous: pd.DataFrame | None = None
    made_on: date | None = None  # the day the review is made: its plan starts then
    figures: PeriodFigures | None = None  # the period's headline figures
    previous_figures: PeriodFigures | None = None  # the previous period's, the same way
    product_lines_sold: int = 0  # the product lines anyone bought in the year to the as-of date
    # The export it was built from: each customer's dossier, and a what-if with other
    # settings, start from it without reading the files again.
    export: Export | None = field(default=None, repr=False, compare=False)

    @property
    def plan_from(self) -> date:
        """The day the plan's dates count from: the day the review is made, or the as-of
        date when that is later (a review made before its period ends)."""
        return max(self.period.as_of, self.made_on or self.period.as_of)

    @property
    def next_review(self) -> date:
        """The day the next review of the same cadence looks again: the end of the first
        period after this one that ends after ``plan_from``."""
        following = self.period.previous(-1)
        while following.end <= self.plan_from:
            following = following.previous(-1)
        return following.end

    def changes(self) -> pd.DataFrame:
        """Who entered or left a band or the headache list since the previous period
        (``strikes.changes_since_previous``)."""
        return changes_since_previous(self.previous, self.customers)

    @property
    def reaches_past_the_data(self) -> bool:
        """Whether the period ends after the last day the export records."""
        return self.data_end is not None and self.period.end > self.data_end

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

    @once_per_review
    def exit_tactics(self) -> pd.DataFrame:
        """The ways out for every fire candidate and headache-list customer, priced a year at
        the pace of its judged days, dated from ``plan_from`` (``exits.exit_tactics``)."""
        c = self.customers
        candidates = c[(c["band"] == "fire_candidate") | c["on_headache_list"]]
        year = per_year(self.window, candidates["judged_days"])
        candidates = candidates.assign(
            revenue_a_year=candidates["annual_revenue"],
            judged_revenue_a_year=candidates["ranked_revenue"].fillna(0) * year,
            hours_a_year=candidates["ranked_hours"].fillna(0) * year,
        )
        tactics = exit_tactics(
            candidates, self.median_revenue_per_hour, self.plan_from, self.settings.exit
        )
        shown = ["name", "account_owner", "band", "revenue_per_hour", "checklist_score"]
        shown += ["checklist_answered", "revenue_a_year", "hours_a_year"]
        return candidates[shown].join(tactics)

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
        """The portfolio median of revenue per hour, over the customers ranked (enough time
        logged, not too new), in the judgement window.

        The same figure the checklist's service item is judged against.
        """
        return _median_revenue_per_hour(self)


@once_per_review
def _median_revenue_per_hour(review: Review) -> float:
    # Computed once per review: the plan and the reasons ask for it once per customer.
    return median_revenue_per_hour(review.customers)


def build_review(
    export: Export,
    period: ReviewPeriod,
    settings: ReviewSettings,
    history: Recorded | None = None,
    today: date | None = None,
    made_on: date | None = None,
) -> Review:
    """Judge every customer of ``export`` and show ``period``'s figures beside.

    The review is judged as of the earliest of the period's end, ``today`` (the day the review
    is made, or the day the analyst asked for in ``period.as_of``; the period's end when
    neither is given) and the last day the export records. ``history`` holds the outcomes
    recorded for earlier periods (``strikes.history_needed``); where a quarter or the previous
    period was never recorded, it is judged from the export as of its end. ``made_on`` is the
    day the review is made, from which its plan's dates count (``Review.plan_from``)."""
    everyone = export.customers.set_index("customer_id")
    ids = everyone.index
    check_exit_ids(settings.exit_ids, ids)
    as_of = effective_as_of(period.end, today or period.as_of, export)
    period = replace(period, as_of=as_of)
    history = history or Recorded()
    has_payments = export.has("invoices", "paid_on")

    judged_as_of: dict[date, pd.DataFrame] = {}
    found_as_of: dict[date, Findings] = {}  # the review's own day's, kept for a what-if
    # The days the review may judge, aggregated in one query rather than one each.
    began = first_recorded_day(export)
    days = [day for day in _days_judged(period, as_of) if pd.Timestamp(day) >= began]
    aggregated = aggregates(export, days, settings) if days else None

    def judged(day: date) -> pd.DataFrame | None:
        """The customers reviewed as of ``day``, judged; ``None`` before the export begins."""
        if pd.Timestamp(day) < began:
            return None
        if day not in judged_as_of:
            found = findings(export, day, settings, aggregated if day in days else None)
            if day == as_of:
                found_as_of[day] = found
            judged_as_of[day] = judge(export, day, settings, found)
        everyone_then = judged_as_of[day]
        reviewed_then = everyone_then[everyone_then["active"]]
        return reviewed_then.astype({count: "int64" for count in CHECKLIST_COUNTS})

    table = judged(as_of)
    if table is None:
        first = first_recorded_day(export).date().isoformat()
        raise PeriodError(
            f"{period.label} is judged as of {as_of.isoformat()} and the export's first record "
            f"is of {first}: there is nothing to review in it",
            parameter="period",
        )
    reviewed = table.index
    records = period_records(export, period, as_of, reviewed)
    in_period = records.activity
    table = table.join(in_period[list(PERIOD_COLUMNS)].rename(columns=PERIOD_COLUMNS))

    due = pd.DataFrame()
    open_ = pd.DataFrame()
    if has_payments:
        due = records.due.join(everyone["size_band"], on="customer_id")
        open_ = records.open
    let_go = None
    if export.decisions is not None:
        let_go = moving_on(
            export.decisions, export.tables, as_of, median_revenue_per_hour(table)
        ).join(everyone["name"])
    quarters = quarter_outcomes(history.outcomes, as_of, table, judged)
    previous = period.previous()
    previous_outcome = period_outcome(
        history.outcomes, previous.kind, previous.label, previous.end, judged
    )
    figures, previous_figures = _headline_figures(
        export, period, records, table, previous, previous_outcome, judged
    )
    review = Review(
        period=period,
        settings=settings,
        customers=table,
        invoices_due=due,
        open_invoices=open_,
        not_reviewed=len(ids) - len(reviewed),
        has_time=export.has("time_entries"),
        has_payments=has_payments,
        has_assessments=export.assessments is not None,
        files=export.files,
        dropped=export.dropped,
        data_quality=data_quality(export, period, table),
        history=history,
        moving_on=let_go,
        window=judgement_window(as_of, settings.judgement_months),
        data_end=_day(last_recorded_day(export)),
        quarters=quarters,
        previous=previous_outcome,
        made_on=made_on or today,
        figures=figures,
        previous_figures=previous_figures,
        product_lines_sold=found_as_of[as_of].lines_sold,
        export=export,
    )
    strikes = strike_history(quarters, review.customers)
    for column in strikes.columns:
        review.customers[column] = strikes[column]
    _LAST_FINDINGS[review] = found_as_of[as_of]
    return review


def _days_judged(period: ReviewPeriod, as_of: date) -> list[date]:
    """The days a review of ``period`` as of ``as_of`` may judge its customers as of: its own,
    the ends of the quarters its strikes count, the previous period's end, and the same day of
    the previous period when it is judged before its end (``_headline_figures``). Those whose
    outcome the history recorded are not judged, but asking for them costs little."""
    days = {as_of, period.previous().end}
    days |= {quarter.end_time.date() for quarter in quarters_counted(as_of)[:-1]}
    if as_of < period.end:
        days.add(_same_day_before(period, as_of))
    return sorted(days)


def _same_day_before(period: ReviewPeriod, as_of: date) -> date:
    """The day of the previous period that ``as_of`` is of ``period``: a period judged before
    its end is compared with the previous one as of that day."""
    return (pd.Timestamp(as_of) - pd.DateOffset(months=period.months)).date()


def rejudged(review: Review, settings: ReviewSettings) -> Review:
    """``review`` judged again as of its day with other ``settings``, from the export it holds,
    without reading the files again: what an analyst's what-if shows.

    Only the current judgement is made again (the measures over the judgement window, the
    headache list, the checklist, the bands, and with them the impact and the ways out). The
    earlier quarters, the previous period and the strikes stay as the review counted them, a
    customer reviewed only under the new settings with none. Raises ``ValueError`` for a review
    built without its export."""
    export = review.export
    if export is None:
        raise ValueError("the review was built without its export: build it with build_review")
    check_exit_ids(settings.exit_ids, export.customers["customer_id"])
    as_of = review.period.as_of
    everyone = judge(export, as_of, settings, _findings(review, settings))
    table = everyone[everyone["active"]].astype({count: "int64" for count in CHECKLIST_COUNTS})
    activity = _period_activity(review)
    table = table.join(activity[list(PERIOD_COLUMNS)].rename(columns=PERIOD_COLUMNS))
    table = table.join(strike_history(review.quarters, table))
    return replace(
        review,
        settings=settings,
        customers=table,
        window=judgement_window(as_of, settings.judgement_months),
    )


# The findings a what-if last judged each review with: moving the headache share, the hourly
# cost or a band line finds nothing new, so only the ranking and the checklist are made again.
_LAST_FINDINGS: weakref.WeakKeyDictionary[Review, Findings] = weakref.WeakKeyDictionary()


def _findings(review: Review, settings: ReviewSettings) -> Findings:
    """The judgement's ``Findings`` for ``review`` with ``settings``: the last ones made for
    it when their settings agree, else made now (and kept in their place)."""
    as_of = review.period.as_of
    kept = _LAST_FINDINGS.get(review)
    if kept is None or kept.key != (as_of, findings_key(settings)):
        assert review.export is not None
        kept = _LAST_FINDINGS[review] = findings(review.export, as_of, settings)
    return kept


@once_per_review
def _period_activity(review: Review) -> pd.DataFrame:
    """Every customer's revenue, invoices and hours in the review's period."""
    export = review.export
    assert export is not None
    return period_activity(export, review.period.start, review.period.end)


def _headline_figures(
    export: Export,
    period: ReviewPeriod,
    records: PeriodRecords,
    table: pd.DataFrame,
    previous: ReviewPeriod,
    previous_outcome: pd.DataFrame | None,
    judged,
) -> tuple[PeriodFigures, PeriodFigures | None]:
    """The period's headline figures, from its ``records`` (``figures.period_records``), and
    the previous period's (``figures.period_figures``).

    A period judged before its end (the export ends first, or the review is made during it)
    is compared with the same days of the previous one, judged from the export as of the same
    day of it: the year to 30 September against the year before to 30 September."""
    as_of = period.as_of
    has_time = export.has("time_entries")
    label = period.label
    if as_of < period.end:
        day = f"{as_of:%-d %b}"
        cut = _same_day_before(period, as_of)
        label = f"{period.label} to {day}"
        # The days after the as-of date are not the period's yet, however they are recorded.
        records = replace(records, activity=period_activity(export, period.start, as_of))
        previous = replace(previous, label=f"{previous.label} to {cut:%-d %b}", end=cut, as_of=cut)
        before = judged(cut)
        previous_outcome = None if before is None else outcome(before, FROM_THE_EXPORT)
    figures = period_figures(
        label, as_of, THIS_REVIEW, records, table, outcome(table, THIS_REVIEW), has_time
    )
    if previous_outcome is None:
        return figures, None
    source = str(previous_outcome["source"].iloc[0]) if len(previous_outcome) else FROM_THE_EXPORT
    earlier = judged(previous.end)
    if earlier is None:  # recorded once, but before the export begins: nothing to compare
        return figures, None
    return figures, period_figures(
        previous.label,
        previous.end,
        source,
        period_records(export, previous, previous.end, earlier.index),
        earlier,
        previous_outcome,
        has_time,
    )


def check_exit_ids(exit_ids: tuple[str, ...], ids: pd.Index) -> None:
    """Raise ``ParameterError`` (parameter ``exit_ids``) naming each of ``exit_ids`` that is not
    a customer of ``ids``, with the ids close to it."""
    unknown = [i for i in exit_ids if i not in ids]
    if unknown:
        near = {i: difflib.get_close_matches(i, ids, n=3) for i in unknown}
        hints = "; ".join(f"{i!r} (close: {', '.join(m) or 'none'})" for i, m in near.items())
        raise ParameterError(
            f"exit_ids names customers not in the export: {hints}", parameter="exit_ids"
        )


def _day(moment: pd.Timestamp | None) -> date | None:
    return None if moment is None else moment.date()
