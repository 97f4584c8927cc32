"""How amounts are written: the locale's way, or with the company's own symbol and side."""

from __future__ import annotations

import re

import pytest

from helpers.errors import CurrencyError
from helpers.report.money import CurrencyDisplay

NB = "\u00a0"  # no-break space
MINUS = "\u2212"  # the minus sign Swedish uses


@pytest.mark.parametrize(
    ("display", "amount", "decimals", "text"),
    [
        # English: symbol before, comma thousands; 1,234.5 rounds half to even, to 1,234.
        (CurrencyDisplay("EUR"), 1234.5, 0, "€1,234"),
        (CurrencyDisplay("EUR"), -50, 0, "-€50"),
        (CurrencyDisplay("USD"), 1234.5, 2, "$1,234.50"),
        # A symbol of letters never touches the digits.
        (CurrencyDisplay("CHF"), 1234.4, 0, f"CHF{NB}1,234"),
        # German: dot thousands, decimal comma, symbol after a space.
        (CurrencyDisplay("EUR", "de_DE"), 1234.5, 2, f"1.234,50{NB}€"),
        # Swedish: space thousands, "kr" after, the minus sign in front.
        (CurrencyDisplay("SEK", "sv_SE"), 1234567, 0, f"1{NB}234{NB}567{NB}kr"),
        (CurrencyDisplay("SEK", "sv_SE"), -1234, 0, f"{MINUS}1{NB}234{NB}kr"),
        # Indian grouping: lakh and crore, 12,34,567.
        (CurrencyDisplay("INR", "en_IN"), 1234567, 0, "₹12,34,567"),
        # The company's own symbol and side in an English report.
        (CurrencyDisplay("SEK", "en", "kr", "after"), 1234, 0, f"1,234{NB}kr"),
        (CurrencyDisplay("EUR", "de_DE", position="before"), 1234, 0, f"€{NB}1.234"),
        (CurrencyDisplay("EUR"), float("nan"), 0, "–"),
        (CurrencyDisplay("EUR"), None, 0, "–"),
    ],
)
def test_amounts_are_written_the_locales_way(display, amount, decimals, text):
    assert display(amount, decimals) == text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("EURO",), "currency must be a three-letter ISO code such as EUR (got 'EURO')"),
        (("EUR", "klingon"), "number_locale must be a locale such as en"),
        (("EUR", "en", "", "left"), "currency_position must be before, after, or empty"),
        (("EUR", "en", "a very long symbol"), "currency_symbol must be a short text"),
    ],
)
def test_an_unusable_display_names_the_setting(arguments, message):
    with pytest.raises(CurrencyError, match=re.escape(message)):
        CurrencyDisplay(*arguments)


def test_a_whole_amount_written_again_is_written_the_same():
    display = CurrencyDisplay("EUR")
    # Half to even, whichever came first: 2.5 and 2.4 both round to 2, 3.5 to 4, and
    # 2.6 to 3; the same whole amount, negative, keeps its sign.
    written = [display(amount) for amount in (2.5, 2.4, 3.5, 2.6, -2.5, 2.0)]
    assert written == ["€2", "€2", "€4", "€3", "-€2", "€2"]
