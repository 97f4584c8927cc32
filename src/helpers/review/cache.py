"""Figures computed once per review: the review they belong to holds them."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

R = TypeVar("R")  # a review (``model.Review``, which uses this module: not imported here)
T = TypeVar("T")
# Each review's figures, computed on first use, kept while the review lives.
_FIGURES: weakref.WeakKeyDictionary[object, dict[str, object]] = weakref.WeakKeyDictionary()


def once_per_review(compute: Callable[[R], T]) -> Callable[[R], T]:
    """``compute`` run once per review; whoever asks again gets the same figure (a table as a
    copy, so that a caller adding a total row changes nothing for the next one)."""

    @functools.wraps(compute)
    def figure(review: R) -> T:
        figures = _FIGURES.setdefault(review, {})
        if compute.__name__ not in figures:
            figures[compute.__name__] = compute(review)
        value = figures[compute.__name__]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    return figure
