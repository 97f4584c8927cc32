"""One review: the export's customers measured, scored and banded for one period.

``build_review`` is the single place where the stages meet; the notebook calls it once and
every section reads from the ``Review`` it returns, so a number shown twice is the same number.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields

import pandas as pd

from helpers import measures
from helpers.config import pseudonymised, reading_for
from helpers.decisions import ExitRules, exit_impact, exit_tactics, moving_on, payment_advice
from helpers.export import Export, InputFile, load_export, located_export
from helpers.history import changes_since_previous, strike_history
from helpers.money import CurrencyDisplay, CurrencyError
from helpers.narrative import reasons
from helpers.periods import ReviewPeriod, parse_period
from helpers.quality import data_quality
from helpers.scoring import (
    BAND_LABELS,
    ITEM_LABELS,
    ChecklistRules,
    checklist,
    data_answers,
    latest_assessment,
)

# The domain's range for the headache list is the bottom 5% to 10%: the list uses the parameter
# (10% by default) and the report marks the customers in the bottom 5% as well.
HEADACHE_CORE_SHARE = 0.05


class ParameterError(ValueError):
    """A review parameter out of range; the message names the parameter."""


@dataclass(frozen=True)
class ReviewSettings:
    """The thresholds of one review, with the domain's defaults."""

    headache_share: float = 0.10  # bottom share by revenue per hour forming the headache list
    non_payer_days: int = 90  # an invoice unpaid this many days past due makes a non-payer
    late_payer_days: float = 15.0  # average days beyond terms that make a late payer
    hourly_cost: float = 60.0  # what an hour of the team's time costs, in the export's currency
    currency: str = "EUR"  # ISO code of the export's amounts, for display
    number_locale: str = "en"  # locale whose separators and symbols amounts are written with
    currency_symbol: str = ""  # the currency's symbol in the report; empty: the locale's
    currency_position: str = ""  # symbol "before" or "after" the number; empty: the locale's
    labels: dict[str, str] = field(default_factory=dict)  # band or item code: name shown
    exit_ids: tuple[str, ...] = ()  # customers the analyst asks to see the impact of losing
    checklist: ChecklistRules = field(default_factory=ChecklistRules)
    exit: ExitRules = field(default_factory=ExitRules)

    def __post_init__(self) -> None:
        if not 0 < self.headache_share < 0.5:
            raise ParameterError(
                f"headache_share must be a share between 0 and 0.5, such as 0.10 "
                f"(got {self.headache_share!r})"
            )
        for name in ("non_payer_days", "late_payer_days"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                raise ParameterError(f"{name} must be a number of days, 0 or more (got {value!r})")
        try:
            self.currency_display  # noqa: B018 - checks currency, locale, symbol and position
        except CurrencyError as error:
            raise ParameterError(str(error)) from None
        unknown = sorted(set(self.labels) - set(BAND_LABELS) - set(ITEM_LABELS))
        if unknown or not all(isinstance(v, str) and v.strip() for v in self.labels.values()):
            raise ParameterError(
                f"labels must give a name for bands ({', '.join(BAND_LABELS)}) or checklist "
                f"items ({', '.join(ITEM_LABELS)}); got {self.labels!r}"
            )
        if not isinstance(self.hourly_cost, int | float) or self.hourly_cost < 0:
            raise ParameterError(
                f"hourly_cost must be an amount per hour, 0 or more (got {self.hourly_cost!r})"
            )
        for name in ("affordable_loss_share", "max_loss_share"):
            value = getattr(self.exit, name)
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ParameterError(f"{name} must be a share between 0 and 1 (got {value!r})")
        rules = self.checklist
        if not 0 < rules.review_from < rules.keep_from <= 7:
            raise ParameterError(
                "the band lines must rise within the seven items: 0 < review_from < keep_from "
                f"<= 7 (got review_from {rules.review_from!r}, keep_from {rules.keep_from!r})"
            )
        if not 0 < rules.repeat_quarters_needed <= rules.repeat_quarters_window:
            raise ParameterError(
                "repeat business needs 0 < repeat_quarters_needed <= repeat_quarters_window "
                f"(got {rules.repeat_quarters_needed!r} of {rules.repeat_quarters_window!r})"
            )
        if not 0 < rules.spend_share_needed <= 1:
            raise ParameterError(
                f"spend_share_needed must be a share above 0, at most 1 "
                f"(got {rules.spend_share_needed!r})"
            )

    @property
    def currency_display(self) -> CurrencyDisplay:
        """How amounts are written in this review (``helpers.money``)."""
        return CurrencyDisplay(
            self.currency, self.number_locale, self.currency_symbol, self.currency_position
        )

    @property
    def band_labels(self) -> dict[str, str]:
        """The name shown for each band: the config's where it gives one."""
        return {band: self.labels.get(band, name) for band, name in BAND_LABELS.items()}

    @property
    def item_labels(self) -> dict[str, str]:
        """The name shown for each checklist item: the config's where it gives one."""
        return {item: self.labels.get(item, name) for item, name in ITEM_LABELS.items()}

    @classmethod
    def from_parameters(cls, **parameters: object) -> ReviewSettings:
        """Settings from flat parameters, as a notebook has them: the checklist's and the exit
        rules' fields go to those, ``exit_ids`` may be comma-separated text."""
        nested = {"checklist": ChecklistRules, "exit": ExitRules}
        groups = {}
        for name, rules in nested.items():
            own = {f.name for f in fields(rules)}
            groups[name] = rules(**{k: parameters.pop(k) for k in own & set(parameters)})
        ids = parameters.pop("exit_ids", ())
        if isinstance(ids, str):
            ids = tuple(i.strip() for i in ids.split(",") if i.strip())
        return cls(**parameters, exit_ids=tuple(ids), **groups)

    def as_rows(self) -> list[tuple[str, object]]:
        """The settings as (name, value) pairs, the nested rules included."""
        rows = [
            (f.name, getattr(self, f.name))
            for f in fields(self)
            if f.name not in ("checklist", "exit")
        ]
        for rules in (self.checklist, self.exit):
            rows += [(f.name, getattr(rules, f.name)) for f in fields(rules)]
        return rows


@dataclass(frozen=True)
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
    data_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    history_path: str = ""  # the company's history of earlier periods; empty: none
    moving_on: pd.DataFrame | None = None  # customers let go: given up against freed since

    def changes(self) -> pd.DataFrame:
        """Who entered or left a band or the headache list since the previous period, as
        recorded in the history (``history.changes_since_previous``)."""
        return changes_since_previous(self.history_path, self)

    @property
    def aging(self) -> pd.DataFrame:
        """Open balance per reviewed customer by aging bucket (``measures.aged_receivables``)."""
        return measures.aged_receivables(self.open_invoices, self.customers.index)

    def exit_scenarios(self) -> pd.DataFrame:
        """The impact of letting go the fire candidates, the headache list, and the customers
        the analyst named (``exit_ids``), one row each (``decisions.exit_impact``)."""
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
        return candidates[["name", "band", "revenue_per_hour"]].join(tactics)

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
    export: Export, period: ReviewPeriod, settings: ReviewSettings, history_path: str = ""
) -> Review:
    """Measure, score and band every customer of ``export`` for ``period``.

    ``history_path`` is the company's history file: strikes count the periods recorded there
    before this one (it is read, never written, here). Empty: this period alone."""
    everyone = export.customers.set_index("customer_id")
    ids = everyone.index
    unknown = [i for i in settings.exit_ids if i not in ids]
    if unknown:
        near = {i: difflib.get_close_matches(i, ids, n=3) for i in unknown}
        hints = "; ".join(f"{i!r} (close: {', '.join(m) or 'none'})" for i, m in near.items())
        raise ParameterError(f"exit_ids names customers not in the export: {hints}")
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
        data_quality=data_quality(export, period, table),
        history_path=str(history_path),
        moving_on=let_go,
    )
    # The reason in words and the strikes need the finished review.
    review.customers["reason"] = reasons(review)
    strikes = strike_history(history_path, review)
    for column in strikes.columns:
        review.customers[column] = strikes[column]
    return review


def export_from_parameters(export_path: str, config_path: str = "") -> Export:
    """The export at ``export_path``, read as the company config at ``config_path`` says
    (headers, words, dates and numbers; names pseudonymised when it asks), or as our own
    contract when ``config_path`` is empty. Raises ``ConfigError``, ``ExportError`` or
    ``FileNotFoundError``."""
    if not config_path:
        return load_export(export_path)
    reading, key = reading_for(config_path)
    export = load_export(export_path, reading)
    return pseudonymised(export, key) if key is not None else export


def checked_parameters(
    export_path: str,
    period: str | int,
    *,
    as_of: str = "",
    config_path: str = "",
    **settings: object,
) -> ReviewPeriod:
    """The review period the parameters ask for, once every parameter is known to be usable:
    the period and ``as_of``, the settings, the company config at ``config_path`` and the
    export's place. Reads nothing of the export itself, so it answers at once however large
    the export is. Raises as ``review_from_parameters`` does, except ``ExportError``."""
    review_period = parse_period(period, as_of)
    ReviewSettings.from_parameters(**settings)
    if config_path:
        reading_for(config_path)
    located_export(export_path)
    return review_period


def review_from_parameters(
    export_path: str,
    period: str | int,
    *,
    as_of: str = "",
    history_path: str = "",
    config_path: str = "",
    **settings: object,
) -> Review:
    """The review a notebook's parameters ask for: parameters checked first, then the export.

    ``settings`` are ``ReviewSettings`` fields (headache_share, hourly_cost, ...); the ones not
    given keep their defaults. ``config_path``: the company config that says how to read the
    export (``export_from_parameters``). Raises ``PeriodError`` or ``ParameterError`` naming
    the parameter, ``ConfigError`` naming the key, ``ExportError`` naming file, row and
    column, or ``FileNotFoundError`` when the export is not there.
    """
    review_period = parse_period(period, as_of)
    return build_review(
        export_from_parameters(export_path, config_path),
        review_period,
        ReviewSettings.from_parameters(**settings),
        history_path,
    )
