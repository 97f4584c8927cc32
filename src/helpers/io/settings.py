"""The settings of one review, as given by a company's config or a notebook's parameters, checked
on the way in.

``ReviewSettings`` holds the thresholds the review judges by (the domain's defaults), with the
checklist's and the exits' own rules, and how the report writes amounts and names bands and
items. Every value is checked when the settings are made: a value out of range is a
``ParameterError`` naming the parameter, so nothing downstream meets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Literal

from babel import Locale, UnknownLocaleError

from helpers.errors import CurrencyError, ParameterError
from helpers.io.contract import BANDS, CHECKLIST_ITEMS

CURRENCY_POSITIONS = ("", "before", "after")
# The ranges of the settings not checked one by one below (both ends allowed).
RANGES = {
    "upsell_min_headroom": (0, 1e12),
    "upsell_min_unbought_lines": (0, 1000),
    "concentration_top": (1, 1_000_000),
    "notice_months": (0, 24),
    "price_notice_days": (0, 365),
    "quarterly_increase": (0.001, 1),
    "headache_tax_up_to": (0, 10),
    "quarterly_steps_up_to": (0, 100),
    "price_rise_up_to": (0, 10),
    "action_days": (0, 365),
}
MAX_SYMBOL_CHARACTERS = 8


@dataclass(frozen=True)
class ChecklistRules:
    """The thresholds behind the four data-derived items and the band lines (domain defaults)."""

    repeat_quarters_needed: int = 3  # bought in at least this many ...
    repeat_quarters_window: int = 4  # ... of the last this many quarters
    spend_share_needed: float = 0.5  # share of wallet that counts as "most of their budget"
    upsell_min_headroom: float = 10_000.0  # yearly headroom (currency) that is room to grow
    upsell_min_unbought_lines: int = 2  # or this many product lines they do not buy yet
    keep_from: int = 6  # score 6-7: keep
    review_from: int = 3  # score 3-5: review; below: fire candidate


@dataclass(frozen=True)
class ExitRules:
    """When letting customers go is affordable, and how the ways out are priced (domain
    defaults: three months' notice, 30 days' notice of a price rise, 10% a quarter)."""

    affordable_loss_share: float = 0.02  # revenue lost, less what freed hours earn back
    max_loss_share: float = 0.10  # more revenue lost than this is not affordable at all
    concentration_top: int = 10  # concentration: the revenue share of this many largest
    notice_months: int = 3
    price_notice_days: int = 30
    quarterly_increase: float = 0.10
    headache_tax_up_to: float = 0.30  # a rise up to this is charged at once as a headache tax
    quarterly_steps_up_to: int = 8  # beyond two years of quarterly rises, ask it at once
    price_rise_up_to: float = 1.00  # a fire candidate whose fair price is within this rises
    keep_rise_cap: float = 0.30  # a customer to keep is never asked to rise more than this
    resold_share: float = 0.0  # share of freed hours the company can sell again (0: none)
    action_days: int = (
        14  # an action that needs no notice is due this many days after the plan starts
    )


def check_display(code: object, locale: object, symbol: object, position: object) -> None:
    """Refuse a way of writing amounts that cannot be used: ``code`` a three-letter ISO code,
    ``locale`` one Babel knows (CLDR), ``symbol`` a short text, ``position`` before, after or
    empty. Raises ``CurrencyError`` naming the setting."""
    if not (isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha()):
        raise CurrencyError(
            f"currency must be a three-letter ISO code such as EUR (got {code!r})",
            parameter="currency",
        )
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise CurrencyError(
            f"number_locale must be a locale such as en, de_DE or sv_SE (got {locale!r})",
            parameter="number_locale",
        ) from None
    if position not in CURRENCY_POSITIONS:
        raise CurrencyError(
            f"currency_position must be before, after, or empty for the locale's "
            f"(got {position!r})",
            parameter="currency_position",
        )
    if not isinstance(symbol, str) or len(symbol) > MAX_SYMBOL_CHARACTERS:
        raise CurrencyError(
            f"currency_symbol must be a short text such as kr, or empty for the locale's "
            f"(got {symbol!r})",
            parameter="currency_symbol",
        )


@dataclass(frozen=True)
class ReviewSettings:
    """The thresholds of one review, with the domain's defaults, and how its report writes
    amounts (``currency`` and the three after it) and names bands and items (``labels``)."""

    headache_share: float = 0.10  # bottom share by revenue per hour forming the headache list
    judgement_months: int = 12  # the window each customer is judged over, to the as-of date
    min_tenure_months: int = 6  # a customer for less time than this is too new to judge
    min_hours: float = 8.0  # hours in the window below which revenue per hour is not ranked
    non_payer_days: int = 90  # an invoice unpaid this many days past due makes a non-payer
    late_payer_days: float = 15.0  # average days beyond terms that make a late payer
    hourly_cost: float = 60.0  # what an hour of the team's time costs, in the export's currency
    currency: str = "EUR"  # ISO code of the export's amounts, for display
    number_locale: str = "en"  # locale whose separators and symbols amounts are written with
    currency_symbol: str = ""  # the currency's symbol in the report; empty: the locale's
    currency_position: Literal["", "before", "after"] = ""  # symbol's side; empty: the locale's
    labels: dict[str, str] = field(default_factory=dict)  # band or item code: name shown
    exit_ids: tuple[str, ...] = ()  # customers the analyst asks to see the impact of losing
    checklist: ChecklistRules = field(default_factory=ChecklistRules)
    exit: ExitRules = field(default_factory=ExitRules)

    def __post_init__(self) -> None:
        for name, value in self.as_rows():
            if isinstance(value, float) and not math.isfinite(value):
                raise ParameterError(
                    f"{name} must be a finite number (got {value!r})", parameter=name
                )
        if not 0 < self.headache_share < 0.5:
            raise ParameterError(
                f"headache_share must be a share between 0 and 0.5, such as 0.10 "
                f"(got {self.headache_share!r})",
                parameter="headache_share",
            )
        if not isinstance(self.judgement_months, int) or not 1 <= self.judgement_months <= 36:
            raise ParameterError(
                f"judgement_months must be a number of months from 1 to 36, such as 12 "
                f"(got {self.judgement_months!r})",
                parameter="judgement_months",
            )
        tenure = self.min_tenure_months
        if not isinstance(tenure, int) or not 0 <= tenure <= self.judgement_months:
            raise ParameterError(
                f"min_tenure_months must be a number of months from 0 to judgement_months "
                f"({self.judgement_months}) (got {tenure!r})",
                parameter="min_tenure_months",
            )
        if not isinstance(self.min_hours, int | float) or not 0 <= self.min_hours <= 10_000:
            raise ParameterError(
                f"min_hours must be a number of hours, 0 or more (got {self.min_hours!r})",
                parameter="min_hours",
            )
        for name in ("non_payer_days", "late_payer_days"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                raise ParameterError(
                    f"{name} must be a number of days, 0 or more (got {value!r})", parameter=name
                )
        check_display(
            self.currency, self.number_locale, self.currency_symbol, self.currency_position
        )
        known = (*BANDS, *CHECKLIST_ITEMS)
        unknown = sorted(set(self.labels) - set(known))
        if unknown or not all(isinstance(v, str) and v.strip() for v in self.labels.values()):
            raise ParameterError(
                f"labels must give a name for bands ({', '.join(BANDS)}) or checklist "
                f"items ({', '.join(CHECKLIST_ITEMS)}); got {self.labels!r}",
                parameter="labels",
            )
        if not isinstance(self.hourly_cost, int | float) or self.hourly_cost < 0:
            raise ParameterError(
                f"hourly_cost must be an amount per hour, 0 or more (got {self.hourly_cost!r})",
                parameter="hourly_cost",
            )
        for name in ("affordable_loss_share", "max_loss_share", "keep_rise_cap", "resold_share"):
            value = getattr(self.exit, name)
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ParameterError(
                    f"{name} must be a share between 0 and 1 (got {value!r})", parameter=name
                )
        for name, (low, high) in RANGES.items():
            value = dict(self.as_rows())[name]
            if not low <= value <= high:
                raise ParameterError(
                    f"{name} must be from {low:g} to {high:g} (got {value!r})", parameter=name
                )
        rules = self.checklist
        if not 0 < rules.review_from < rules.keep_from <= 7:
            raise ParameterError(
                "the band lines must rise within the seven items: 0 < review_from < keep_from "
                f"<= 7 (got review_from {rules.review_from!r}, keep_from {rules.keep_from!r})",
                parameter="review_from",
            )
        if not 0 < rules.repeat_quarters_needed <= rules.repeat_quarters_window:
            raise ParameterError(
                "repeat business needs 0 < repeat_quarters_needed <= repeat_quarters_window "
                f"(got {rules.repeat_quarters_needed!r} of {rules.repeat_quarters_window!r})",
                parameter="repeat_quarters_needed",
            )
        if not 0 < rules.spend_share_needed <= 1:
            raise ParameterError(
                f"spend_share_needed must be a share above 0, at most 1 "
                f"(got {rules.spend_share_needed!r})",
                parameter="spend_share_needed",
            )

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
