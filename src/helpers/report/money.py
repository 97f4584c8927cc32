"""How amounts are written in the report: ``€12,345``, ``1 234 kr``, ``CHF 12,345``.

The currency's symbol, which side of the number it stands on, and the number's separators come
from the Unicode CLDR data of a locale, through Babel: ``en`` (the default) writes ``€12,345``
and ``sv_SE`` writes ``12 345 kr``. A company may set its own symbol and side when the locale's
are not the ones its readers know (``kr`` after the number in an English report).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from babel import Locale
from babel.numbers import NumberPattern, get_currency_symbol, get_minus_sign_symbol, parse_pattern

from helpers.io.settings import check_display

NO_BREAK = "\u00a0"  # between a number and its symbol, so a line never splits the two
MISSING = "–"


@dataclass(frozen=True)
class CurrencyDisplay:
    """How amounts in ``code`` are written: the locale's way, with the symbol and its side
    replaced where ``symbol`` and ``position`` say (empty: the locale's)."""

    code: str = "EUR"
    locale: str = "en"
    symbol: str = ""
    position: Literal["", "before", "after"] = ""

    def __post_init__(self) -> None:
        check_display(self.code, self.locale, self.symbol, self.position)  # CurrencyError
        object.__setattr__(self, "code", self.code.upper())

    @cached_property
    def _pattern(self) -> str:
        """The locale's pattern for amounts, e.g. ``¤#,##0.00`` or ``#,##0.00 ¤``."""
        return self._locale.currency_formats["standard"].pattern.split(";")[0]

    @cached_property
    def shown_symbol(self) -> str:
        return self.symbol or get_currency_symbol(self.code, self.locale)

    @cached_property
    def symbol_before(self) -> bool:
        if self.position:
            return self.position == "before"
        return self._pattern.lstrip().startswith("¤")

    @cached_property
    def _gap(self) -> str:
        """A no-break space between symbol and number where the locale's pattern has a space,
        where the symbol goes after the number, or where a letter would touch a digit
        (``CHF 12``, not ``CHF12``)."""
        touching = self.shown_symbol[-1] if self.symbol_before else self.shown_symbol[0]
        pattern = self._pattern.replace(NO_BREAK, " ")
        spaced = "¤ " in pattern or " ¤" in pattern
        return NO_BREAK if spaced or touching.isalpha() or not self.symbol_before else ""

    @cached_property
    def _number_patterns(self) -> dict[int, NumberPattern]:
        """The locale's number pattern per count of decimals, parsed once: a review writes
        tens of thousands of amounts."""
        return {}

    def _number_pattern(self, decimals: int) -> NumberPattern:
        if decimals not in self._number_patterns:
            grouping = self._pattern.replace("¤", "").strip().split(".")[0]
            self._number_patterns[decimals] = parse_pattern(
                grouping + ("." + "0" * decimals if decimals else "")
            )
        return self._number_patterns[decimals]

    @cached_property
    def _whole_numbers(self) -> dict[int, str]:
        """Whole amounts written so far: a review writes the same rounded amount many times."""
        return {}

    def _number(self, amount: float, decimals: int) -> str:
        """``amount`` (not negative) written with ``decimals`` places, as babel's
        ``format_decimal`` writes it but without parsing the locale and pattern each time."""
        if decimals:
            return self._number_pattern(decimals).apply(amount, self._locale)
        # Babel rounds half to even, as round() does: 2.5 and 2 are both written "2".
        whole = round(amount)
        if whole not in self._whole_numbers:
            self._whole_numbers[whole] = self._number_pattern(0).apply(whole, self._locale)
        return self._whole_numbers[whole]

    @cached_property
    def _locale(self) -> Locale:
        return Locale.parse(self.locale)

    def __call__(self, amount: float | None, decimals: int = 0) -> str:
        """``amount`` written with ``decimals`` places; a dash when it is missing."""
        if amount is None or (isinstance(amount, float) and math.isnan(amount)):
            return MISSING
        number = self._number(abs(amount), decimals)
        symbol = self.shown_symbol
        text = (
            f"{symbol}{self._gap}{number}" if self.symbol_before else f"{number}{self._gap}{symbol}"
        )
        return f"{get_minus_sign_symbol(self.locale)}{text}" if amount < 0 else text


def currency_display(currency: CurrencyDisplay | str) -> CurrencyDisplay:
    """``currency`` itself, or the default display of an ISO code."""
    return currency if isinstance(currency, CurrencyDisplay) else CurrencyDisplay(currency)
