"""The review's one table to explore: every customer, with search, sort and paging, in the page
and in JupyterLab, loading nothing from outside.

It is drawn by itables (the DataTables library) in its offline mode: the library is inlined
once, before the table, so the page still opens from a mail attachment with no network. Each
amount is kept as a number to sort by and shown as the review writes it (``words.money``), in
the locale's own way. Every text from the export is escaped by itables; a customer with a
dossier beside the page is named as a link to it (``links``). The page's other tables stay
static, so that it prints.
"""

from __future__ import annotations

import functools
import html

import pandas as pd
from itables import JavascriptFunction, to_html_datatable
from itables import options as itables_options
from itables.javascript import generate_init_offline_itables_html

from helpers.report import links
from helpers.report.chart_style import DENSITY_FROM
from helpers.report.reasons import reasons
from helpers.report.words import STAGE_LABELS, band_labels, display, money, window_heading
from helpers.review.model import Review

# The rows the page carries at most: a large company's page must stay under 3 MB to mail. The
# library takes about 0.76 MB of it and each row about 0.5 KB; above DENSITY_FROM customers
# the rest of the page is larger (its tables hold their first rows of many more), so fewer
# rows fit, and above SEARCHABLE_UP_TO customers not even the library. The table says when it
# holds fewer than all, and customer_scores.csv holds them all.
MAX_ROWS = 2_000
MAX_ROWS_LARGE = 500
SEARCHABLE_UP_TO = 100_000
ROWS_PER_PAGE = 25
DOSSIER = "Dossier"  # the hidden column holding each customer's dossier's address
# How to use the table, on the screen only.
HOW_TO = (
    "Type a name, a band or a word of a reason to find customers; click a heading to sort by it."
)
# What paper shows in the table's place: a search box cannot be printed.
PRINTED = (
    "The table of every customer is for the screen, to search and sort; every customer, with "
    "the same figures, is in customer_scores.csv, written with this review."
)
# The order customers are listed in before any sorting: those that need action first.
BAND_ORDER = ("fire_candidate", "review", "needs_assessment", "too_new", "keep")


class SearchableTable:
    """A table the reader can search, sort and page through: shown as HTML in the notebook
    and on the page (its ``_repr_html_``), with the DataTables library before it."""

    def __init__(self, html_table: str, note: str = "") -> None:
        self.html_table = html_table
        self.note = note

    def _repr_html_(self) -> str:
        note = f'<p class="table-note">{html.escape(self.note)}</p>' if self.note else ""
        return (
            f'{_library()}<div class="searchable-table">'
            f"<p>{HOW_TO}</p>{self.html_table}{note}</div>"
            f'<p class="searchable-print-note" style="display: none">{PRINTED}</p>'
        )


class TooLargeToSearch:
    """What the page says in the place of the table when the company has too many customers
    for the table's library and rows to fit a page that can be mailed."""

    def __init__(self, customers: int) -> None:
        self.customers = customers

    def _repr_html_(self) -> str:
        return (
            f"<p>With {self.customers:,} customers, the page leaves out the table to search "
            "and sort, so that it stays small enough to mail: every customer, with the same "
            "figures, is in customer_scores.csv, written with this review.</p>"
        )


@functools.cache
def _library() -> str:
    """The DataTables library and its stylesheet, inlined: it defines itself once per page."""
    return generate_init_offline_itables_html(itables_options.dt_bundle)


def all_customers_table(review: Review) -> SearchableTable | TooLargeToSearch:
    """Every customer of the review: its band, checklist score, stage on the three-strikes
    road, revenue, hours and revenue per hour over the judgement window, days late, what it
    owes, and the reason in words; those that need action first."""
    currency = display(review.settings)
    c = review.customers
    order = {band: rank for rank, band in enumerate(BAND_ORDER)}
    listed = c.assign(_order=c["band"].map(order)).sort_values(["_order", "revenue"])
    window = window_heading(review)
    if len(listed) > SEARCHABLE_UP_TO:
        return TooLargeToSearch(len(listed))
    shown = listed.head(MAX_ROWS if len(listed) < DENSITY_FROM else MAX_ROWS_LARGE)
    words = pd.DataFrame(
        {
            "Customer": shown["name"].fillna(shown.index.to_series()),
            "Id": shown.index.astype(str),
            "Band": shown["band"].map(band_labels(review.settings)),
            "Score": shown["checklist_score"].map(_whole),
            "Stage": shown["stage"].map(STAGE_LABELS),
        }
    )
    as_money = functools.partial(money, currency=currency)
    amounts = {
        name: (shown[column], form)
        for name, column, form in (
            (f"Revenue, {window}", "revenue", as_money),
            (f"Hours, {window}", "hours", "{:,.1f}".format),
            ("Revenue per hour", "revenue_per_hour", as_money),
            ("Days late", "avg_days_late", "{:,.0f}".format),
            ("Owes", "open_balance", as_money),
        )
        if column in shown  # an export without time or payments has no such figures
    }
    frame = words.assign(
        **{name: _numbers(values) for name, (values, _) in amounts.items()},
        Reason=reasons(review, shown.index).fillna(""),
    )
    # Each amount as the review writes it, in a hidden column its number is shown with.
    written = {
        f"{name} (as written)": values.map(lambda v, f=form: "" if pd.isna(v) else f(v))
        for name, (values, form) in amounts.items()
    }
    frame = frame.assign(**written).reset_index(drop=True)
    if links.any_linked():  # the address of each customer's dossier, in a hidden column
        frame[DOSSIER] = [links.dossier_href(i) or "" for i in shown.index]
    columns = list(frame.columns)
    definitions = [
        {
            "targets": columns.index(name),
            "className": "dt-right",
            # Sorted by the number (a missing one last when sorted down), shown as written.
            "render": JavascriptFunction(
                "function (data, type, row) { if (type === 'sort' || type === 'type') { "
                "return Number.isNaN(data) ? -Infinity : data; } "
                f"return row[{columns.index(name + ' (as written)')}]; }}"
            ),
        }
        for name in amounts
    ]
    hidden = [columns.index(name) for name in [*written, DOSSIER] if name in columns]
    if DOSSIER in columns:
        # The name (escaped, as every cell is) as a link to the dossier, where there is one.
        definitions.append(
            {
                "targets": columns.index("Customer"),
                "render": JavascriptFunction(
                    "function (data, type, row) { "
                    f"const href = row[{columns.index(DOSSIER)}]; "
                    "return type === 'display' && href ? "
                    "'<a href=\"' + href + '\">' + data + '</a>' : data; }"
                ),
            }
        )
    text = [columns.index(name) for name in [*words, "Reason"] if name != "Score"]
    definitions += [
        {"targets": hidden, "visible": False},
        {"targets": text, "className": "dt-left"},
        {"targets": [columns.index("Score")], "className": "dt-right"},
    ]
    note = ""
    if len(listed) > len(shown):
        note = (
            f"The first {len(shown):,} of {len(listed):,} customers, those that need action "
            "first; all of them are in customer_scores.csv."
        )
    table = to_html_datatable(
        frame,
        connected=False,
        display_logo_when_loading=False,
        showIndex=False,
        maxBytes=0,
        pageLength=ROWS_PER_PAGE,
        lengthMenu=[10, 25, 100, 500],
        columnDefs=definitions,
        classes="display compact",
        text_in_header_can_be_selected=False,  # a click on a heading sorts by it
        layout={
            "topStart": "pageLength",
            "topEnd": "search",
            "bottomStart": "info",
            "bottomEnd": "paging",
        },
    )
    return SearchableTable(table, note)


def _whole(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.0f}"


def _numbers(values: pd.Series) -> pd.Series:
    """``values`` as plain numbers to sort by (itables hands a missing one over as NaN)."""
    return values.astype(float).round(2)
