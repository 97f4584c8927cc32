"""The report's tables: pandas Stylers, escaped, with numbers formatted for people.

Every table goes through ``table``, which escapes every cell (a customer named ``<script>`` is
shown as text), aligns words left and numbers right, and shows a long table's first rows with a
line saying how many more there are, then every row behind "Show all" (``LongTable``). A
section's table with no rows is a note saying so instead (``NO_ROWS``), or nothing where a
sentence above says it already.
"""

from __future__ import annotations

import html

import jinja2
import pandas as pd
from pandas.io.formats.style import Styler

from helpers.io.columns import records
from helpers.io.contract import CHECKLIST_ITEMS
from helpers.report import links
from helpers.report.reasons import NOT_OFFERED, reasons, tactic_reason
from helpers.report.words import (
    HEADACHE_LIST_LABEL,
    PAYMENT_ADVICE,
    STAGE_LABELS,
    TACTICS,
    VERDICTS,
    band_labels,
    count,
    display,
    hours,
    item_labels,
    money,
    note,
    per_hour,
    share,
    window_heading,
)
from helpers.review import portfolio
from helpers.review.exits import offered
from helpers.review.judgement import TOO_NEW
from helpers.review.model import Review
from helpers.review.strikes import HEADACHE_LIST

CUSTOMER = "Customer"  # the column naming the customer, linked to its dossier
TABLE_ROWS_SHOWN = 25
ROWS_IN_PAGE = 100  # the most rows a table carries behind "Show all"; the rest are in a CSV
# What a section says instead of a table with no rows.
NO_ROWS = {
    "not_invoiced": "No customer invoiced on a regular cycle has hours logged since its last "
    "invoice.",
    "unranked": "Every customer with time logged has enough of it to be ranked.",
    "too_new": "No customer is too new to judge.",
    "payment_actions": "No customer needs action on payment.",
    "headache": "No customer is on the headache list: too few customers have time logged.",
    "fire_candidates": "No customer is a fire candidate.",
    "checklist_matrix": "No customer is a fire candidate or to be reviewed.",
    "needs_assessment": "Every customer can be placed in a band: no assessment is missing.",
    "tactics": (
        "No customer is a fire candidate or on the headache list: there is no way out to price."
    ),
}


# pandas' table; for a long one (``long_table``), inside a block that shows its rows from
# ``first_hidden`` on only once "Show all" is open, with no script: a rule of its own in the
# table's block hides them while the summary before the table is closed. The page's
# stylesheet puts the summary under the table (offline template). pandas passes to_html's
# extra keywords to the template.
_LONG_TABLE = jinja2.Environment(
    loader=jinja2.ChoiceLoader(
        [
            jinja2.DictLoader(
                {
                    "long_table.tpl": """\
{% extends "html_table.tpl" %}
{% block before_table %}{% if long_table %}
<div class="long-table" id="L_{{ uuid }}">
<style>
#L_{{ uuid }} > details:not([open]) ~ table > tbody > tr:nth-child(n+{{ first_hidden }}) {
  display: none;
}
#L_{{ uuid }} > details[open] ~ table > caption { display: none; }
</style>
<details class="all-rows"><summary>{{ show_all }}</summary></details>
{% endif %}{% endblock %}
{% block after_table %}{% if long_table %}</div>
{% endif %}{% endblock %}
"""
                }
            ),
            Styler.loader,
        ]
    ),
    trim_blocks=True,
).get_template("long_table.tpl")


class LongTable(Styler):
    """A Styler whose HTML shows a long table's first ``shown`` rows with a caption counting
    the rest, and every row once "Show all <n> <what>" (a ``<details>`` element) is open.

    One table, written once: it reads as one table, columns aligned, and the page carries each
    row once. Formats and styles cover every row, so a style added after ``table`` returns
    reaches the rows behind "Show all" too. A table of at most ``shown`` rows is pandas' own.
    """

    template_html_table = _LONG_TABLE

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        shown: int | None = None,
        what: str = "rows",
        total: int | None = None,
        all_in: str = "",
    ):
        # No id on a cell that has no style of its own: a long table's page stays small.
        super().__init__(data, cell_ids=False)
        self.shown = len(data) if shown is None else shown
        self.what = what
        # A table cut to its first rows for the page: how many there are in all, and where.
        self.total = len(data) if total is None else total
        self.all_in = all_in

    def _copy(self, deepcopy: bool = False) -> LongTable:
        # pandas copies a Styler (copy.copy, to_html) through a new instance of its class.
        copied = super()._copy(deepcopy)
        copied.shown, copied.what = self.shown, self.what
        copied.total, copied.all_in = self.total, self.all_in
        return copied

    def to_html(self, buf=None, *, table_uuid: str | None = None, **options):
        """``Styler.to_html``: every row, the first ``shown`` of them on show, the rest once
        "Show all" is open."""
        uuid = table_uuid or self.uuid
        left_out = self.total - self.shown
        if left_out <= 0:
            return super().to_html(buf, table_uuid=uuid, **options)
        show_all = f"Show all {self.total:,} {self.what}"
        if len(self.data) < self.total:
            show_all = (
                f"Show the first {len(self.data):,} of {self.total:,} {self.what} (all of them "
                f"are in {self.all_in})"
            )
        return super().to_html(
            buf,
            table_uuid=uuid,
            caption=html.escape(
                f"{self.shown} of {self.total:,} {self.what} shown; {left_out:,} more."
            ),
            long_table=True,
            first_hidden=self.shown + 1,
            show_all=html.escape(show_all),
            **options,
        )


def table(
    frame: pd.DataFrame,
    formats: dict[str, object] | None = None,
    *,
    rows: int = TABLE_ROWS_SHOWN,
    what: str = "rows",
    numbers: tuple[str, ...] = (),
    all_in: str = "customer_scores.csv",
) -> LongTable:
    """A styled, escaped table without the index: its first ``rows`` rows, with a line saying
    how many more there are, then all of them behind "Show all" (``LongTable``); beyond
    ``ROWS_IN_PAGE`` rows, only that many, with a word that all of them are in ``all_in``, so
    that a large company's page stays small enough to mail.

    Text columns are aligned left, numbers right; ``numbers`` names text columns that hold
    figures already formatted, to be aligned as numbers. A frame indexed by customer id names
    each customer (its ``Customer`` column) as a link to its dossier, where the page has one
    beside it (``links``)."""
    # The index is never shown; positions make it unique, as LongTable needs.
    total = len(frame)
    frame = frame.head(ROWS_IN_PAGE)
    linking = CUSTOMER in frame and frame.index.name == "customer_id" and links.any_linked()
    if linking:
        frame = frame.assign(**{CUSTOMER: links.customer_links(frame[CUSTOMER], frame.index)})
    frame = frame.reset_index(drop=True)
    styler = LongTable(frame, shown=rows, what=what, total=total, all_in=all_in)
    styler = styler.hide(axis="index")
    styler = styler.format(formats or {}, escape="html", na_rep="–")
    if linking:  # escaped by customer_links, links kept
        styler = styler.format(subset=[CUSTOMER], escape=None, na_rep="–")
    # Words read from the left, numbers line up on the right.
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    text = [c for c in text if c not in (formats or {}) and c not in numbers]
    # One rule per column, not a style per cell: a long table's page stays small.
    return styler.set_table_styles(
        [
            {"selector": f"{cell}.col{frame.columns.get_loc(c)}", "props": "text-align: left"}
            for c in text
            for cell in ("th", "td")
        ]
    )


def band_table(review: Review):
    """Customers, revenue and hours per band, with each band's share of the totals
    (``portfolio.bands``).

    Without time entries the hour columns are left out rather than shown as zeros.
    """
    currency = display(review.settings)
    by_band = portfolio.bands(review)
    frame = pd.DataFrame(
        {
            "Band": [band_labels(review.settings)[b] for b in by_band.index],
            "Customers": by_band["customers"].to_numpy(),
            "Ranked by revenue per hour": by_band["ranked"].to_numpy(),
            "Revenue": by_band["revenue"].to_numpy(),
            "Share of revenue": by_band["share_of_revenue"].to_numpy(),
            "Hours": by_band["hours"].to_numpy(),
            "Share of hours": by_band["share_of_hours"].to_numpy(),
        }
    )
    if not review.has_time:
        frame = frame.drop(columns=["Ranked by revenue per hour", "Hours", "Share of hours"])
    formats = {
        "Revenue": lambda v: money(v, currency),
        "Hours": "{:,.0f}",
        "Share of revenue": share,
        "Share of hours": share,
    }
    return table(frame, {k: v for k, v in formats.items() if k in frame})


def payment_by_size(review: Review):
    """Per size band: invoices due, share paid late, median and weighted days late, open debt
    (``portfolio.payment_by_size``)."""
    currency = display(review.settings)
    by_size = portfolio.payment_by_size(review)
    frame = pd.DataFrame(
        {
            "Company size": by_size.index,
            "Customers": by_size["customers"].to_numpy(),
            "Invoices due": by_size["invoices_due"].to_numpy(),
            "Share late": by_size["share_late"].to_numpy(),
            "Median days late": by_size["median_days_late"].to_numpy(),
            "Average days beyond terms": by_size["avg_days_beyond_terms"].to_numpy(),
            "Open balance": by_size["open_balance"].to_numpy(),
            f"Late payers, {window_heading(review)}": by_size["late_payers"].to_numpy(),
            "Non-payers": by_size["non_payers"].to_numpy(),
        }
    )
    formats = {
        "Share late": share,
        "Median days late": "{:.0f}",
        "Average days beyond terms": "{:.0f}",
        "Open balance": lambda v: money(v, currency),
    }
    return table(frame, formats)


def payment_actions(review: Review):
    """Customers whose payment needs action, worst first, with the advice for their size."""
    currency = display(review.settings)
    c = review.customers
    needs = c[
        c["payment_advice"].isin(
            ["non_payer", "late_large", "late_small", "late_medium", "late_unknown_size"]
        )
    ]
    if needs.empty:
        return note(NO_ROWS["payment_actions"])
    order = {
        "non_payer": 0,
        "late_small": 1,
        "late_medium": 2,
        "late_unknown_size": 3,
        "late_large": 4,
    }
    needs = needs.assign(order=needs["payment_advice"].map(order)).sort_values(
        ["order", "open_balance"], ascending=[True, False]
    )
    frame = pd.DataFrame(
        {
            "Customer": needs["name"],
            "Size": needs["size_band"],
            f"Average days beyond terms, {window_heading(review)}": needs["avg_days_late"],
            "Open balance": needs["open_balance"],
            "Oldest unpaid (days past due)": needs["oldest_unpaid_days"],
            "Advice": needs["payment_advice"].map(PAYMENT_ADVICE),
        }
    )
    formats = {
        f"Average days beyond terms, {window_heading(review)}": "{:.0f}",
        "Open balance": lambda v: money(v, currency),
        "Oldest unpaid (days past due)": lambda v: "–" if pd.isna(v) or v <= 0 else f"{v:.0f}",
    }
    return table(frame, formats, what="customers")


def headache_table(review: Review):
    """The headache list, worst revenue per hour first, with rank and percentile: revenue,
    hours and revenue per hour over the judgement window, and the period's revenue beside."""
    currency = display(review.settings)
    c = review.customers
    listed = c[c["on_headache_list"]].sort_values(["rph_rank", "revenue"])
    if listed.empty:
        return note(NO_ROWS["headache"])
    window, label = window_heading(review), review.period.label
    frame = pd.DataFrame(
        {
            "Rank": listed["rph_rank"],
            "Customer": listed["name"],
            "Size": listed["size_band"],
            f"Revenue, {window}": listed["revenue"],
            f"Hours, {window}": listed["ranked_hours"],
            "Revenue per hour": listed["revenue_per_hour"],
            "Percentile": listed["rph_percentile"],
            "Bottom 5%": listed["in_bottom_5pct"].map({True: "yes", False: ""}),
            "Band": listed["band"].map(band_labels(review.settings)),
            f"Revenue in {label}": listed["period_revenue"],
        }
    )
    formats = {
        f"Revenue, {window}": lambda v: money(v, currency),
        f"Hours, {window}": "{:,.1f}",
        "Revenue per hour": lambda v: per_hour(v, currency),
        "Percentile": share,
        f"Revenue in {label}": lambda v: money(v, currency),
    }
    return table(frame, formats, what="customers")


def not_invoiced_table(review: Review):
    """The customers invoiced on a regular cycle with hours logged since their last invoice:
    work not invoiced yet, to invoice; most hours first."""
    c = review.customers
    due = c[c["hours_not_invoiced"] > 0].sort_values("hours_not_invoiced", ascending=False)
    if due.empty:
        return note(NO_ROWS["not_invoiced"])
    frame = pd.DataFrame(
        {
            "Customer": due["name"],
            "Account owner": due["account_owner"],
            "Hours not invoiced yet": due["hours_not_invoiced"],
            "Last invoice": due["last_invoice"].dt.strftime("%-d %b %Y"),
            "Invoiced every": due["cycle_days"].map(lambda d: f"{d:.0f} days"),
        }
    )
    formats = {"Hours not invoiced yet": hours}
    return table(frame, formats, what="customers", numbers=("Last invoice", "Invoiced every"))


def unranked_table(review: Review):
    """The customers not ranked by revenue per hour although time was logged for them: too
    little time to judge by (under ``min_hours`` in the window), most hours first. (Those too
    new are listed apart.)"""
    c = review.customers
    unranked = c[(c["hours"] > 0) & ~c["enough_time"] & ~c["too_new"]]
    if unranked.empty:
        return note(NO_ROWS["unranked"])
    unranked = unranked.sort_values(["ranked_hours", "revenue"], ascending=False)
    currency, window = display(review.settings), window_heading(review)
    frame = pd.DataFrame(
        {
            "Customer": unranked["name"],
            "Size": unranked["size_band"],
            f"Hours, {window}": unranked["ranked_hours"],
            f"Revenue, {window}": unranked["revenue"],
            "Band": unranked["band"].map(band_labels(review.settings)),
        }
    )
    formats = {f"Hours, {window}": "{:,.1f}", f"Revenue, {window}": lambda v: money(v, currency)}
    return table(frame, formats, what="customers")


def too_new_table(review: Review):
    """The customers too new to judge, listed apart with what is known so far, most revenue
    first: what they brought and took, what they owe, and their score so far."""
    c = review.customers
    new = c[c["band"] == TOO_NEW].sort_values("revenue", ascending=False)
    if new.empty:
        return note(NO_ROWS["too_new"])
    currency = display(review.settings)
    frame = pd.DataFrame(
        {
            "Customer": new["name"],
            "Customer since": new["tenure_start"].dt.strftime("%-d %b %Y"),
            "Account owner": new["account_owner"],
            "Revenue so far": new["revenue"],
            "Hours so far": new["hours"],
        }
    )
    formats = {"Revenue so far": lambda v: money(v, currency), "Hours so far": hours}
    if review.has_payments:
        frame["Open balance"] = new["open_balance"]
        frame["Payment"] = new["payment_advice"].map(PAYMENT_ADVICE)
        formats["Open balance"] = lambda v: money(v, currency)
    frame["Score so far"] = (
        new["checklist_score"].astype(str) + " of " + new["checklist_answered"].astype(str)
    )
    return table(frame, formats, what="customers", numbers=("Customer since", "Score so far"))


def fire_candidates_table(review: Review):
    """Fire candidates, lowest score first, with the reason in words: the period's revenue and
    the judgement window's."""
    currency = display(review.settings)
    c = review.customers
    fire = c[c["band"] == "fire_candidate"].sort_values(["checklist_score", "revenue"])
    if fire.empty:
        return note(NO_ROWS["fire_candidates"])
    window, label = window_heading(review), review.period.label
    frame = pd.DataFrame(
        {
            "Customer": fire["name"],
            "Size": fire["size_band"],
            f"Revenue in {label}": fire["period_revenue"],
            f"Revenue, {window}": fire["revenue"],
            "Revenue per hour": fire["revenue_per_hour"],
            "Reason": reasons(review, fire.index),
        }
    )
    formats = {
        f"Revenue in {label}": lambda v: money(v, currency),
        f"Revenue, {window}": lambda v: money(v, currency),
        "Revenue per hour": lambda v: per_hour(v, currency),
    }
    return table(frame, formats, what="customers")


ANSWER_CELLS = {
    True: ("yes", "background-color: #D4EFE4; color: #00573F"),
    False: ("no", "background-color: #F8D9C6; color: #8A3100; font-weight: bold"),
    "unanswered": ("?", "background-color: #EEEEEE; color: #666666; font-style: italic"),
}
ANSWER_CLASSES = {True: "answer-yes", False: "answer-no", "unanswered": "answer-unanswered"}
MATRIX_ROWS_SHOWN = 40


def checklist_matrix(review: Review):
    """The seven answers of the fire candidates and the review band, lowest score first.

    Each cell says yes, no or ? (unanswered) in words and in colour, so the matrix reads the
    same in black and white. At most ``MATRIX_ROWS_SHOWN`` rows; the rest are counted.
    """
    c = review.customers
    shown = c[c["band"].isin(["fire_candidate", "review"])]
    if shown.empty:
        return note(NO_ROWS["checklist_matrix"])
    shown = shown.assign(order=shown["band"].map({"fire_candidate": 0, "review": 1}))
    shown = shown.sort_values(["order", "checklist_score", "revenue"])
    items = shown[list(CHECKLIST_ITEMS)]
    answers = items.astype(object).where(items.notna(), "unanswered")
    frame = pd.DataFrame(
        {
            "Customer": shown["name"],
            "Band": shown["band"].map(band_labels(review.settings)),
            "Score": shown["checklist_score"],
            **{item_labels(review.settings)[i]: answers[i] for i in CHECKLIST_ITEMS},
        }
    )
    labels = [item_labels(review.settings)[i] for i in CHECKLIST_ITEMS]
    styler = table(
        frame,
        dict.fromkeys(labels, lambda v: ANSWER_CELLS[v][0]),
        rows=MATRIX_ROWS_SHOWN,
        what="customers",
    )
    # A class per answer and a rule per class and column, not a style per cell.
    classes = pd.DataFrame("", index=styler.data.index, columns=styler.data.columns)
    classes[labels] = styler.data[labels].map(lambda v: ANSWER_CLASSES[v])
    rules = [
        {"selector": f"td.{name}", "props": ANSWER_CELLS[answer][1]}
        for answer, name in ANSWER_CLASSES.items()
    ]
    rules += [
        {"selector": f"td.col{styler.data.columns.get_loc(label)}", "props": "text-align: center"}
        for label in labels
    ]
    return styler.set_td_classes(classes).set_table_styles(rules, overwrite=False)


def needs_assessment_table(review: Review):
    """Customers whose band depends on unanswered items: who to ask, about what, most revenue
    first (where a wrong band would cost most)."""
    currency = display(review.settings)
    c = review.customers
    pending = c[c["band"] == "needs_assessment"].sort_values("revenue", ascending=False)
    if pending.empty:
        return note(NO_ROWS["needs_assessment"])
    unanswered = pending[list(CHECKLIST_ITEMS)].isna().to_numpy()
    labels = [item_labels(review.settings)[item].lower() for item in CHECKLIST_ITEMS]
    frame = pd.DataFrame(
        {
            "Customer": pending["name"],
            "Account owner": pending["account_owner"],
            f"Revenue, {window_heading(review)}": pending["revenue"],
            "Score so far": pending["checklist_score"].astype(str)
            + " of "
            + pending["checklist_answered"].astype(str)
            + " answered",
            "Unanswered": [
                ", ".join(label for label, open_ in zip(labels, row, strict=True) if open_)
                for row in unanswered
            ],
        }
    )
    formats = {f"Revenue, {window_heading(review)}": lambda v: money(v, currency)}
    return table(frame, formats, what="customers")


def aging_table(review: Review):
    """Open balance by company size and days past due, with totals (``portfolio.aging_by_size``)."""
    currency = display(review.settings)
    aging = portfolio.aging_by_size(review)
    aging.loc["all sizes"] = aging.sum()
    aging["total"] = aging.sum(axis=1)
    frame = aging.rename_axis("Company size").reset_index()
    frame.columns = [
        "Company size",
        "Not yet due",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "Over 90 days",
        "Total",
    ]
    money_columns = frame.columns[1:]
    return table(frame, dict.fromkeys(money_columns, lambda v: money(v, currency)))


# What each fact of ``quality.data_quality`` is called, and what it means for the review.
QUALITY_FACTS = {
    "rows_rejected": (
        "Rows rejected",
        "an export with any row breaking the contract is refused whole, before anything is "
        "computed",
    ),
    "customers_not_reviewed": (
        "Customers left out of this review",
        "no invoice and no time in the judgement window, and nothing owed",
    ),
    "too_new": (
        "Customers too new to judge",
        "a customer for less than min_tenure_months: no band by score, no strike; listed apart",
    ),
    "too_little_time": (
        "Customers with too little time logged to rank",
        "less than min_hours in the judgement window: not ranked by revenue per hour; the "
        "service item is unanswered",
    ),
    "hours_not_invoiced": (
        "Customers with work not invoiced yet",
        "hours logged since the last invoice of a customer invoiced on a regular cycle: left "
        "out of revenue per hour until invoiced",
    ),
    "unknown_size": (
        "Customers of unknown size",
        "neither employees nor size_band given: payment advice cannot use company size",
    ),
    "no_wallet": (
        "Customers without a wallet estimate",
        "share of wallet unknown: the spend item is unanswered unless assessed",
    ),
    "revenue_without_time": (
        "Customers with revenue but no time logged in the judgement window",
        "not ranked by revenue per hour; the service item is unanswered",
    ),
    "credit_notes": (
        "Credit notes issued in the judgement window",
        "reduce revenue; not judged as payments",
    ),
    "paid_after_as_of": (
        "Invoices paid after the as-of date",
        "counted as unpaid on the as-of date",
    ),
    "assessed_after_as_of": (
        "Assessments dated after the as-of date",
        "ignored: not known on the as-of date",
    ),
}
RECONCILIATION_LABELS = {
    "band_counts": "Band counts add up to the customers reviewed",
    "revenue_by_band": "Revenue by band adds up to total revenue",
    "whale_curve_end": "Whale curve ends at total contribution",
    "aging_buckets": "Aged receivables add up to the open balance",
    "open_invoices": "Open invoices add up to the open balance",
}


def data_quality_words(review: Review) -> pd.DataFrame:
    """``review.data_quality`` in words: check, count and what it means for the review."""
    dropped = {rows.file: rows for rows in review.dropped}
    words = []
    for fact in review.data_quality.itertuples(index=False):
        if fact.check == "rows_read":
            meaning = (
                f"{fact.left_out:,} left out as listed below; the others passed the export's checks"
                if fact.left_out
                else "all passed the export's checks"
            )
            words.append((f"Rows read from {fact.file}", fact.count, meaning))
        elif fact.check == "rows_left_out":
            left_out = dropped[fact.file]
            words.append((left_out.what, fact.count, f"{left_out.file}: {left_out.meaning}"))
        else:
            check, meaning = QUALITY_FACTS[fact.check]
            words.append((check, fact.count, meaning))
    return pd.DataFrame(words, columns=["check", "count", "meaning"])


def data_quality_table(review: Review):
    """What the export held and what the review could not use (``quality.data_quality``)."""
    frame = data_quality_words(review).rename(columns=str.capitalize)
    return table(frame, {"Count": "{:,}"}, rows=len(frame))


def reconciliation_table(review: Review):
    """Totals found two ways, and whether they agree (``portfolio.reconciliation``)."""
    currency = display(review.settings)
    checks = portfolio.reconciliation(review)

    def shown(value: float, unit: str) -> str:
        return money(value, currency, decimals=2) if unit == "money" else f"{value:,.0f}"

    frame = pd.DataFrame(
        {
            "Check": checks["check"].map(RECONCILIATION_LABELS),
            "Expected": [
                shown(v, u) for v, u in zip(checks["expected"], checks["unit"], strict=True)
            ],
            "Found": [shown(v, u) for v, u in zip(checks["found"], checks["unit"], strict=True)],
            "Holds": checks["holds"].map({True: "yes", False: "NO"}),
        }
    )
    return table(frame, rows=len(frame), numbers=("Expected", "Found"))


def input_files_table(review: Review):
    """The files the review read, how their text was read (encoding and delimiter, found or
    given), their rows and sha256, to tell which export it was."""
    frame = pd.DataFrame(
        [(f.name, f.read_as, f.rows, f.sha256) for f in review.files],
        columns=["File", "Read as", "Rows", "SHA-256"],
    )
    return table(frame, {"Rows": "{:,}"}, rows=len(frame) or 1)


def parameters_table(review: Review, **parameters: object):
    """The parameters of this run (as given) and the review's thresholds."""
    given = [(name, value) for name, value in parameters.items()]
    rows = given + [row for row in review.settings.as_rows() if row[0] not in parameters]
    frame = pd.DataFrame(
        [(name, str(value)) for name, value in rows], columns=["Parameter", "Value"]
    )
    return table(frame, rows=len(frame))


def impact_table(review: Review):
    """One row per exit scenario: what would be lost, freed and earned back, and the verdict."""
    currency = display(review.settings)
    scenarios = review.exit_scenarios()
    rules = review.settings.exit
    top = rules.concentration_top

    def with_share(amount: float, part: float, unit=lambda v: money(v, currency)) -> str:
        return f"{unit(amount)} ({share(part)})"

    frame = pd.DataFrame(
        {
            "Letting go": scenarios.index,
            "Customers": scenarios["customers"].to_numpy(),
            "Revenue lost": [
                with_share(a, s)
                for a, s in zip(scenarios["revenue_lost"], scenarios["revenue_share"], strict=True)
            ],
            "Hours freed": [
                with_share(h, s, lambda v: f"{v:,.0f} h")
                for h, s in zip(scenarios["hours_freed"], scenarios["hours_share"], strict=True)
            ],
            "Contribution change": [money(v, currency) for v in scenarios["contribution_change"]],
            "Net loss, all freed hours sold again": [
                money(v, currency) for v in scenarios["net_loss_all_resold"]
            ],
            f"Net loss, {share(rules.resold_share)} sold again": [
                with_share(a, s)
                for a, s in zip(scenarios["net_loss"], scenarios["net_loss_share"], strict=True)
            ],
            f"Top {top} share, before → after": [
                f"{share(b)} → {share(a)}"
                for b, a in zip(
                    scenarios["top_share_before"], scenarios["top_share_after"], strict=True
                )
            ],
            "Verdict": scenarios["verdict"].map(VERDICTS).to_numpy(),
        }
    )
    numbers = tuple(c for c in frame.columns if c not in ("Letting go", "Verdict"))
    return table(frame, rows=len(frame), numbers=numbers)


def tactics_table(review: Review):
    """The ways out for each fire candidate and headache-list customer, each priced in money a
    year, with the one suggested and why; fire candidates first, then the largest sums. The
    dates shared by all are in ``narrative.tactics_sentence``."""
    currency = display(review.settings)
    tactics = review.exit_tactics()
    if tactics.empty:
        return note(NO_ROWS["tactics"])
    tactics = tactics.assign(order=(tactics["band"] != "fire_candidate").astype(int))
    tactics = tactics.sort_values(["order", "revenue_a_year"], ascending=[True, False])
    rules, median = review.settings.exit, review.median_revenue_per_hour
    rows = records(tactics)
    amount = lambda v: money(v, currency)  # noqa: E731

    def rise(row: dict) -> str:
        tax = row["rise_to_median"]
        return (
            "–"
            if pd.isna(tax) or tax == 0
            else f"{amount(row['price_increase_amount'])} ({share(tax)})"
        )

    def quarterly(row: dict) -> str:
        steps = row["quarterly_steps"]
        if pd.isna(steps) or steps == 0:
            return "–"
        return (
            f"{amount(row['quarterly_increase_amount'])} ({count(int(steps), 'rise')}, to "
            f"{row['quarterly_until']:%b %Y})"
        )

    def headache(row: dict) -> str:
        extra = row["headache_tax_amount"]
        if not extra > 0 or not median > 0:
            return "–"
        return f"{amount(extra)} ({hours(extra / median)} h)"

    def priced(key: str, cell) -> list[str]:
        return [
            cell(row) if offered(row["band"], key, row["rise_to_median"], rules) else NOT_OFFERED
            for row in rows
        ]

    frame = pd.DataFrame(
        {
            "Customer": tactics["name"],
            "Band": tactics["band"].map(band_labels(review.settings)),
            "Notice gives up, a year": priced("notice", lambda row: amount(row["notice_amount"])),
            "Rise at once brings, a year": priced("price_increase", rise),
            "Quarterly rises bring, a year": priced("quarterly_increase", quarterly),
            "Headache tax brings, a year": priced("headache_tax", headache),
            "Suggested": tactics["tactic"].map(TACTICS),
            "Why": [tactic_reason(row, rules, currency) for row in rows],
        },
        index=tactics.index,
    )
    numbers = tuple(c for c in frame.columns if "a year" in c)
    shown = table(frame, what="customers", numbers=numbers)
    # The reason is the widest cell: room for it, on screen and on paper.
    why = frame.columns.get_loc("Why")
    return shown.set_table_styles(
        [{"selector": f"td.col{why}", "props": "min-width: 18em"}], overwrite=False
    )


def strikes_table(review: Review):
    """Customers with a strike in the last three quarters, most strikes first. A quarter never
    reviewed through the command is judged from the export, and says so."""
    c = review.customers
    struck = c[c["strikes_last_3"] > 0].sort_values(
        ["strikes_last_3", "revenue"], ascending=[False, False]
    )
    if struck.empty:
        return None  # the sentences above say that no one has a strike
    frame = pd.DataFrame(
        {
            "Customer": struck["name"],
            "Band now": struck["band"].map(band_labels(review.settings)),
            "On the headache list now": struck["on_headache_list"].map({True: "yes", False: ""}),
            "Strikes in the last 3 quarters": struck["strikes_last_3"],
            "Quarters with a strike": struck["strike_periods"],
            "Of those, judged from the export": struck["strikes_from_export"],
            "Stage": struck["stage"].map(STAGE_LABELS),
        }
    )
    return table(frame, what="customers")


def changes_table(review: Review, changes: pd.DataFrame):
    """Who entered or left a band or the headache list since the previous period
    (``review.changes()``): moves in and out of the fire candidates and the headache list
    first, as they make or clear strikes."""
    names = band_labels(review.settings)
    striking = changes["what"].isin(["fire_candidate", HEADACHE_LIST])
    changes = changes.assign(order=(~striking).astype(int)).sort_values("order", kind="stable")
    changes = changes.set_index("customer_id")  # each name linked to its dossier
    what = changes["what"].map({**names, HEADACHE_LIST: HEADACHE_LIST_LABEL})
    frame = pd.DataFrame(
        {
            "Customer": changes["name"],
            "Change": changes["change"] + " " + what.str.lower(),
            "Band before": changes["previous_band"].map(names),
            "Band now": changes["band"].map(names),
        }
    )
    return table(frame, what="changes")


def moving_on_table(review: Review):
    """Each customer let go: when, and what was given up and freed since. ``None`` when nobody
    was let go (``narrative.moving_on_sentence`` says why)."""
    currency = display(review.settings)
    if review.moving_on is None or review.moving_on.empty:
        return None
    let_go = review.moving_on.sort_values("decided_on")
    frame = pd.DataFrame(
        {
            "Customer": let_go["name"],
            "Decided on": let_go["decided_on"].dt.strftime("%Y-%m-%d"),
            "Revenue a year before": let_go["revenue_per_year_before"],
            "Revenue given up since": let_go["revenue_given_up"],
            "Hours freed since": let_go["hours_freed"],
            "Freed hours worth": let_go["freed_hours_worth"],
        }
    )
    amount = lambda v: money(v, currency)  # noqa: E731
    formats = {
        "Revenue a year before": amount,
        "Revenue given up since": amount,
        "Hours freed since": "{:,.0f}",
        "Freed hours worth": amount,
    }
    return table(frame, formats, what="customers")


def comparison_table(review: Review):
    """The period's headline figures beside the previous period's (``Review.figures`` and
    ``Review.previous_figures``), with the change; ``None`` before the export begins."""
    now, before = review.figures, review.previous_figures
    if now is None or before is None:
        return None
    currency = display(review.settings)
    amount = lambda v: money(v, currency)  # noqa: E731
    rate = lambda v: per_hour(v, currency)  # noqa: E731
    rows = [
        # label, figure, format, how its change is written
        ("Revenue in the period", "revenue", amount, "money"),
        ("Hours in the period", "hours", "{:,.0f}".format, "{:,.0f}"),
        ("Revenue per hour in the period", "revenue_per_hour", rate, "money"),
        ("Headache list's share of hours", "headache_share_of_hours", share, "points"),
        ("Headache list's share of revenue", "headache_share_of_revenue", share, "points"),
        ("Fire candidates", "fire_candidates", "{:,}".format, "{:,.0f}"),
        ("Open balance on the as-of date", "open_balance", amount, "money"),
        ("Average days beyond terms, invoices due", "avg_days_late", "{:,.1f}".format, "{:,.1f}"),
    ]
    if not review.has_time:
        rows = [r for r in rows if r[1] not in ("hours", "revenue_per_hour")]
        rows = [r for r in rows if not r[1].startswith("headache")]
    if not review.has_payments:
        rows = [r for r in rows if r[1] not in ("open_balance", "avg_days_late")]

    def shown(figures, key: str, fmt) -> str:
        value = getattr(figures, key)
        return "–" if pd.isna(value) else fmt(value)

    def change(key: str, kind: str) -> str:
        old, new = getattr(before, key), getattr(now, key)
        if pd.isna(old) or pd.isna(new):
            return "–"
        difference = new - old
        if kind == "points":
            size = f"{abs(difference) * 100:.1f} points"
        elif kind == "money":
            size = amount(abs(difference))
        else:
            size = kind.format(abs(difference))
        sign = "+" if difference > 0 else "−" if difference < 0 else "±"
        relative = f" ({sign}{abs(difference / old):.0%})" if kind == "money" and old else ""
        return f"{sign}{size}{relative}"

    frame = pd.DataFrame(
        {
            "Figure": [label for label, *_ in rows],
            before.label: [
                fmt(getattr(before, key)) if pd.notna(getattr(before, key)) else "–"
                for _, key, fmt, _ in rows
            ],
            now.label: [
                fmt(getattr(now, key)) if pd.notna(getattr(now, key)) else "–"
                for _, key, fmt, _ in rows
            ],
            "Change": [change(key, kind) for _, key, _, kind in rows],
        }
    )
    return table(frame, rows=len(frame), numbers=(before.label, now.label, "Change"))
