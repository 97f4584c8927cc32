"""Links from the review's page to the customers' dossiers beside it.

``run`` renders, beside the review, the dossier of every customer it flags (``flagged``), or
of every customer (``DOSSIERS_ALL``); the review's tables then name each of those customers as
a link to its page. Which customers have a dossier beside the page is set once for the page
(``link_dossiers``, as seaborn's theme is), so that every table reads it; a notebook run
without dossiers (JupyterLab, plain papermill) links nothing, and no link is ever dead.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import pandas as pd

from helpers.errors import ParameterError
from helpers.io.config import slug
from helpers.review.model import Review
from helpers.review.strikes import STAGE_EXIT_DECISION

DOSSIERS_NONE = "none"
DOSSIERS_FLAGGED = "flagged"
DOSSIERS_ALL = "all"
DOSSIER_CHOICES = (DOSSIERS_NONE, DOSSIERS_FLAGGED, DOSSIERS_ALL)
REVIEW_PAGE = "review.html"  # the review's page, which each dossier links back to

# The dossiers beside the page being made, by customer id: their files' names.
_linked: dict[str, str] = {}


def dossier_files(customer_ids: Iterable[object]) -> dict[str, str]:
    """The file name of each customer's dossier: ``dossier-c0037.html``. Ids that read alike
    once made file names (``C-1`` and ``c_1``, which a case-blind disk also confuses) get a
    short digest of the id as well, so that no two customers share a page."""
    ids = [str(i) for i in customer_ids]
    names = {i: slug(i) for i in ids}
    seen = pd.Series(list(names.values())).value_counts()
    files = {}
    for customer_id, name in names.items():
        if seen[name] > 1:
            name = f"{name}-{hashlib.sha256(customer_id.encode()).hexdigest()[:8]}"
        files[customer_id] = f"dossier-{name}.html"
    return files


def flagged(review: Review) -> pd.Index:
    """The customers the review flags, in its order: the fire candidates, the headache list,
    the non-payers, those in the exit decision on the three-strikes road, and those whose
    exit the analyst asked to weigh (``exit_ids``)."""
    c = review.customers
    asked = c.index.isin(review.settings.exit_ids)
    marks = (c["band"] == "fire_candidate") | (c["stage"] == STAGE_EXIT_DECISION) | asked
    for column in ("on_headache_list", "non_payer"):  # without time or payments: none
        if column in c:
            marks |= c[column].fillna(False).astype(bool)
    return c.index[marks]


def dossier_ids(review: Review, dossiers: str, folder: object = "-") -> pd.Index:
    """The customers whose dossier goes beside the review: ``none``, the ``flagged`` ones,
    or ``all``; none when there is no ``folder`` to write them in. Raises
    ``ParameterError`` on another word."""
    if dossiers not in DOSSIER_CHOICES:
        raise ParameterError(
            f"dossiers must be one of {', '.join(DOSSIER_CHOICES)}, got {dossiers!r}",
            parameter="dossiers",
        )
    if dossiers == DOSSIERS_NONE or not folder:
        return review.customers.index[:0]
    if dossiers == DOSSIERS_FLAGGED:
        return flagged(review)
    return review.customers.index


def link_dossiers(review: Review, ids: Iterable[object]) -> dict[str, str]:
    """Make the page's tables link each customer of ``ids`` to its dossier; returns the file
    name of each (``dossier_files``, over all the review's customers)."""
    files = dossier_files(review.customers.index)
    _linked.clear()
    _linked.update({str(i): files[str(i)] for i in ids})
    return dict(_linked)


@contextmanager
def linked(review: Review, ids: Iterable[object]) -> Iterator[dict[str, str]]:
    """``link_dossiers`` for the block, then no links again."""
    try:
        yield link_dossiers(review, ids)
    finally:
        _linked.clear()


def dossier_href(customer_id: object) -> str | None:
    """The relative address of the customer's dossier beside the page; ``None`` without."""
    return _linked.get(str(customer_id))


def any_linked() -> bool:
    return bool(_linked)


def customer_links(names: Sequence[object], ids: Sequence[object]) -> list[str]:
    """Each name as HTML, escaped: a link to its customer's dossier where there is one."""
    cells = []
    for name, customer_id in zip(names, ids, strict=True):
        text = html.escape("" if pd.isna(name) else str(name))
        href = dossier_href(customer_id)
        cells.append(f'<a href="{html.escape(href)}">{text}</a>' if href else text)
    return cells
