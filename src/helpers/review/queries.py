"""The judgement's per-customer aggregates as portable query expressions (Ibis).

Everything the judgement reads row by row, invoices and time entries, is written here as Ibis
expressions whose result has one row per customer and day judged: when its tenure started and
from which day it is judged, how it is invoiced (last invoice, invoicing cycle), its revenue,
invoices, credit notes, revenue overdue and hours over its judged days, the hours logged since
its last invoice, its payment as of the day, the quarters it bought in and the product lines it
bought. Only those rows reach pandas. The expressions run on DuckDB in-process by default
(``helpers.io.engine``), and unchanged on any backend Ibis compiles to (PostgreSQL, Spark,
Trino, Snowflake, BigQuery).

The days judged and their bounds are a table of their own (``DAYS``, one row per day, made by
``judgement_days``), so that each query is compiled once per export and run for any day by
changing that table alone.

``tests/review/test_queries.py`` works each figure out by hand, on the tiny export and on a
few invoices made for the case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from helpers.io.engine import INVOICES_READ, ExportTables
from helpers.io.settings import ReviewSettings
from helpers.review.evidence import (
    CYCLE_GRACE,
    MAX_CYCLE_DAYS,
    MIN_INVOICES_FOR_A_CYCLE,
    judgement_window,
)

# Whole numbers (days) as exact decimals, to multiply exact amounts by.
WHOLE = dt.Decimal(38, 0)
# The table of the days judged: one row per day, with the bounds its figures are counted in.
DAYS = "judgement_days"
KEYS = ("customer_id", "as_of")
# The table of the periods whose records are read (``record_period``): one row.
PERIOD = "record_period"
# The table of the customers let go whose year before and time since are weighed: one row each.
EXITS = "exits_weighed"


def judgement_days(days: Iterable[date], settings: ReviewSettings) -> pd.DataFrame:
    """One row per day in ``days`` with the bounds the judgement as of it counts in:
    ``window_start`` (the judgement window's first day), ``year_start`` (the day before the
    year of product lines), ``quarters_from`` and ``quarters_to`` (the first and last day of the
    ``repeat_quarters_window`` quarters ending with the day's), and ``non_payer_days``."""
    rows = []
    for day in days:
        window = judgement_window(day, settings.judgement_months)
        first, last = repeat_quarters(day, settings.checklist.repeat_quarters_window)
        rows.append(
            {
                "as_of": pd.Timestamp(day),
                "window_start": window.start,
                "year_start": pd.Timestamp(day) - pd.DateOffset(years=1),
                "quarters_from": first.start_time,
                "quarters_to": last.end_time.normalize(),
                "non_payer_days": settings.non_payer_days,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("as_of", "window_start", "year_start", "quarters_from", "quarters_to"):
        frame[column] = frame[column].astype("datetime64[us]")
    return frame.astype({"non_payer_days": "int64"})


def repeat_quarters(day: date, window: int) -> tuple[pd.Period, pd.Period]:
    """The first and last of the ``window`` quarters that repeat business counts as of
    ``day``: the last is ``day``'s own."""
    last = pd.Period(pd.Timestamp(day), freq="Q")
    return last - (window - 1), last


def judged_parts(tables: ExportTables) -> dict[str, Callable[[ExportTables, ir.Table], ir.Table]]:
    """Everything the judgement aggregates, in parts, by name: each a query of the tables and a
    table like ``judgement_days``' whose rows are one per customer and day. ``tenure``'s has a
    row for every customer; ``invoicing``, ``window_activity``, ``quarters_bought``,
    ``product_lines`` and ``payment`` (when the export has payment dates) add their columns.
    ``judged_rows`` runs them together or each on its own."""
    parts = {
        "tenure": tenure,
        "invoicing": invoicing,
        "window_activity": window_activity,
        "quarters_bought": quarters_bought,
        "product_lines": product_lines,
    }
    if "paid_on" in tables.invoices.columns:
        parts["payment"] = payment
    return parts


def judged_rows(tables: ExportTables, days: pd.DataFrame) -> pd.DataFrame:
    """``judged_parts``' columns for the days of ``days`` (``judgement_days``' rows), one row
    per customer and day. While every invoice and time entry once per day is at most
    ``ROWS_AT_ONCE`` rows, the parts are joined into one query over every day at once;
    beyond, each part runs on its own, one day at a time, so that the engine holds one day's
    rows of one part at once. Each query is compiled once per export (``DAYS``)."""
    parts = judged_parts(tables)
    if records_held(tables) * len(days) <= ROWS_AT_ONCE:

        def together(rows_of: ir.Table) -> ir.Table:
            first, *others = (part(tables, rows_of) for part in parts.values())
            for other in others:
                first = _left(first, other)
            return first

        return tables.run_over(DAYS, days, together, key=f"{DAYS}.together")
    found = None
    for name, part in parts.items():
        result = pd.concat(
            [
                tables.run_over(
                    DAYS,
                    days.iloc[[day]],
                    lambda rows_of, part=part: part(tables, rows_of),
                    key=f"{DAYS}.{name}",
                )
                for day in range(len(days))
            ],
            ignore_index=True,
        )
        found = result if found is None else found.merge(result, on=list(KEYS), how="left")
    return found


# The rows the judgement's one query may go through, each invoice and time entry once per day.
# At 200,000 customers (12 million invoices and time entries) the one query judged three days
# in 24 s and five in 38 s within the engine's 1 GB, spilling 4.5 GB to disk; each part a day
# at a time took 36 s for the three days. Beyond, nothing is measured: each part a day at a
# time keeps the least in memory at once.
ROWS_AT_ONCE = 60_000_000


def records_held(tables: ExportTables) -> int:
    """How many invoices and time entries the export holds, asked of the engine once."""
    counted = [table for table in (tables.invoices, tables.time_entries) if table is not None]
    return tables.once(
        "records_held", lambda: sum(int(tables.backend.execute(t.count())) for t in counted)
    )


def tenure(tables: ExportTables, days: ir.Table) -> ir.Table:
    """Per customer and day: ``tenure_start`` (its ``customer_since``, else its first invoice,
    else its first time logged), ``judged_from`` (the latest of the window's start, its
    tenure's and the export's first record, invoice or time) and ``first_invoice``."""
    invoices = tables.invoices
    first = invoices.group_by("customer_id").aggregate(first_invoice=invoices.issued_on.min())
    customers = tables.customers
    firsts = customers.left_join(first, "customer_id").select(
        customers.customer_id, customers.customer_since, first.first_invoice
    )
    if tables.time_entries is not None:
        entries = tables.time_entries
        logged = entries.group_by("customer_id").aggregate(first_logged=entries.date.min())
        firsts = firsts.left_join(logged, "customer_id").select(firsts, logged.first_logged)
        first_record = ibis.least(firsts.first_invoice, firsts.first_logged)
    else:
        first_record = firsts.first_invoice
    firsts = firsts.mutate(
        tenure_start=ibis.coalesce(firsts.customer_since, first_record), first=first_record
    )
    export_began = firsts.aggregate(export_began=firsts.first.min())
    rows = firsts.cross_join(days).cross_join(export_began)
    began = ibis.greatest(rows.window_start, rows.export_began)
    judged_from = (rows.tenure_start > began).ifelse(rows.tenure_start, began)
    return rows.select(
        *KEYS,
        tenure_start=rows.tenure_start,
        judged_from=judged_from,
        first_invoice=rows.first_invoice,
    )


def invoicing(tables: ExportTables, days: ir.Table) -> ir.Table:
    """Per customer invoiced by each day: ``last_invoice``, and
    ``cycle_days``, the median of the days between its invoicing days (missing with fewer
    than ``MIN_INVOICES_FOR_A_CYCLE`` of them), and ``regular``."""
    invoices = tables.invoices
    billed = invoices.filter(invoices.amount > 0).select("customer_id", "issued_on").distinct()
    # The days between one invoicing day and the one before it do not depend on the day
    # judged: every earlier invoicing day is before it too.
    previous = billed.issued_on.lag().over(
        ibis.window(group_by=billed.customer_id, order_by=billed.issued_on)
    )
    gaps = billed.mutate(gap=billed.issued_on.delta(previous, unit="day"))
    dated = gaps.cross_join(days.select("as_of"))
    dated = dated.filter(dated.issued_on <= dated.as_of)
    cycles = dated.group_by(list(KEYS)).aggregate(
        last_invoice=dated.issued_on.max(), invoicing_days=dated.count()
    )
    cycles = _left(cycles, _median_gaps(dated))
    cycle = (cycles.invoicing_days >= MIN_INVOICES_FOR_A_CYCLE).ifelse(
        cycles.median_gap.cast("float64"), ibis.null("float64")
    )
    since_last = cycles.as_of.delta(cycles.last_invoice, unit="day")
    regular = (cycle <= MAX_CYCLE_DAYS) & (since_last <= CYCLE_GRACE * cycle)
    return cycles.select(*KEYS, "last_invoice", cycle_days=cycle, regular=regular.fill_null(False))


def _median_gaps(dated: ir.Table) -> ir.Table:
    """Per customer and day of ``dated`` (its invoicing days by each day judged, with the
    ``gap`` since the one before): ``median_gap``, the median of its gaps. Found from the gaps
    in order, the middle one or the mean of the middle two, rather than with the engine's
    median: kept for each of 600,000 customers and days at once, the median's values spilled
    7 GB to disk at 200,000 customers and took 35 s, where ordering them takes 4 s."""
    gaps = dated.filter(dated.gap.notnull())
    customer_day = [gaps.customer_id, gaps.as_of]
    ranked = gaps.mutate(
        place=ibis.row_number().over(group_by=customer_day, order_by=gaps.gap),
        of=gaps.count().over(group_by=customer_day),
    )
    middle = ranked.filter(
        (ranked.place == (ranked.of - 1) // 2) | (ranked.place == ranked.of // 2)
    )
    return middle.group_by(list(KEYS)).aggregate(median_gap=middle.gap.mean())


def window_activity(tables: ExportTables, days: ir.Table) -> ir.Table:
    """Per customer and day, over its judged days (``tenure``'s, from ``judged_from`` to the
    day): ``revenue``, ``invoices``, ``credit_notes``,
    ``overdue_revenue`` (of invoices unpaid more than ``non_payer_days`` past due on the day),
    ``hours`` and ``hours_not_invoiced`` (logged after the last invoice of a customer invoiced
    on a regular cycle): the figures revenue per hour is ranked on. Without time entries there
    are no hour columns."""
    limits = days.select("as_of", "non_payer_days")
    bounds = tenure(tables, days).select(*KEYS, "judged_from").join(limits, "as_of")
    invoices = tables.invoices.join(bounds, "customer_id")
    mine = invoices.filter(
        (invoices.issued_on >= invoices.judged_from) & (invoices.issued_on <= invoices.as_of)
    )
    if "paid_on" in mine.columns:
        unpaid = mine.paid_on.isnull() | (mine.paid_on > mine.as_of)
        late = (unpaid & (mine.due_on < mine.as_of)).ifelse(
            mine.as_of.delta(mine.due_on, unit="day"), None
        )
        overdue = unpaid & (late > mine.non_payer_days) & (mine.amount > 0)
    else:  # without payment dates nothing can be known to be overdue
        overdue = ibis.literal(False)
    overdue_amount = overdue.ifelse(mine.amount, 0)
    billed = mine.group_by(list(KEYS)).aggregate(
        revenue=mine.amount.sum(),
        invoices=mine.count(),
        credit_notes=(mine.amount < 0).sum(),
        overdue_revenue=overdue_amount.sum(),
    )
    joined = _left(bounds, billed)
    result = joined.select(
        *KEYS,
        revenue=ibis.coalesce(joined.revenue, 0).cast("float64"),
        invoices=ibis.coalesce(joined.invoices, 0),
        credit_notes=ibis.coalesce(joined.credit_notes, 0),
        overdue_revenue=ibis.coalesce(joined.overdue_revenue, 0).cast("float64"),
    )
    if tables.time_entries is None:
        return result
    # Hours are not invoiced yet after the last invoice of a customer invoiced regularly; for
    # any other, none are (nothing logged by the day is after the day). Found per customer and
    # day first, so that each time entry is matched by its customer alone.
    cycles = _left(bounds, invoicing(tables, days))
    not_invoiced_after = cycles.regular.fill_null(False).ifelse(cycles.last_invoice, cycles.as_of)
    spans = cycles.select(*KEYS, "judged_from", not_invoiced_after=not_invoiced_after)
    entries = tables.time_entries.join(spans, "customer_id")
    logged = entries.filter((entries.date >= entries.judged_from) & (entries.date <= entries.as_of))
    after_last = logged.date > logged.not_invoiced_after
    hours = logged.group_by([logged.customer_id, logged.as_of]).aggregate(
        hours=logged.hours.sum(),
        hours_not_invoiced=after_last.ifelse(logged.hours, 0).sum(),
    )
    joined = _left(result, hours)
    return joined.mutate(
        hours=ibis.coalesce(joined.hours, 0).cast("float64"),
        hours_not_invoiced=ibis.coalesce(joined.hours_not_invoiced, 0).cast("float64"),
    )


def payment(tables: ExportTables, days: ir.Table) -> ir.Table:
    """Per customer and day: of the invoices due from
    ``window_start`` to the day (credit notes left out), ``invoices_due``, ``avg_days_late``
    (weighted by amount, early counted as 0) and ``share_invoices_late``; of those open on the
    day, ``open_balance``, ``oldest_unpaid_invoice`` and ``oldest_unpaid_days``; and
    ``non_payer`` (the oldest more than ``non_payer_days`` past due)."""
    dated = _dated(tables.invoices.cross_join(days))
    due = dated.filter(
        (dated.due_on >= dated.window_start) & (dated.due_on <= dated.as_of) & (dated.amount > 0)
    )
    beyond = due.days_late.clip(lower=0).fill_null(0)
    judged_due = due.group_by(list(KEYS)).aggregate(
        invoices_due=due.count(),
        # Whole days times exact amounts, added exactly: the same sum on every engine.
        weighted=(beyond.cast(WHOLE) * due.amount).sum(),
        amount=due.amount.sum(),
        late=(due.days_late > 0).fill_null(False).ifelse(1, 0).sum(),
    )
    # The share late as a count over a count, divided as doubles: every engine gives the same
    # digits (Spark's mean of 1.0s and 0.0s is a decimal of six places).
    judged_due = judged_due.mutate(
        late=judged_due.late.cast("float64") / judged_due.invoices_due.cast("float64")
    )
    open_ = dated.filter(~dated.paid & (dated.issued_on <= dated.as_of))
    first_of = ibis.window(
        group_by=[open_.customer_id, open_.as_of],
        order_by=[open_.days_past_due.desc(), open_.invoice_id],
    )
    ranked = open_.mutate(place=ibis.row_number().over(first_of))
    owed = open_.group_by(list(KEYS)).aggregate(open_balance=open_.amount.sum())
    oldest = ranked.filter(ranked.place == 0).select(
        *KEYS, oldest_unpaid_invoice="invoice_id", oldest_unpaid_days="days_past_due"
    )
    every = tables.customers.select("customer_id").cross_join(days)
    result = _left(_left(_left(every, judged_due), owed), oldest)
    return result.select(
        *KEYS,
        invoices_due=ibis.coalesce(result.invoices_due, 0),
        # The exact sums divided as doubles: every engine then gives the same last digit
        # (PostgreSQL's division of decimals would round to its own scale first).
        avg_days_late=result.weighted.cast("float64") / result.amount.cast("float64"),
        share_invoices_late=result.late,
        open_balance=ibis.coalesce(result.open_balance, 0).cast("float64"),
        oldest_unpaid_invoice=result.oldest_unpaid_invoice,
        oldest_unpaid_days=result.oldest_unpaid_days,
        non_payer=(result.oldest_unpaid_days > result.non_payer_days).fill_null(False),
    )


def record_period(start: date, end: date, as_of: date) -> pd.DataFrame:
    """The one row of the ``PERIOD`` table: the period from ``start`` to ``end``, its records
    read as of ``as_of``."""
    frame = pd.DataFrame({"start": [start], "end": [end], "as_of": [as_of]})
    return frame.astype("datetime64[us]")


def period_activity(tables: ExportTables, period: ir.Table) -> ir.Table:
    """Per customer, over ``period`` (a table like ``record_period``'s): ``revenue`` and
    ``invoices``, of the invoices issued in it (credit notes reduce the revenue), and, when the
    export has time entries, ``hours`` dated in it. Every customer has a row."""
    bounds = period.select("start", "end")
    invoices = tables.invoices.cross_join(bounds)
    issued = invoices.filter(
        (invoices.issued_on >= invoices.start) & (invoices.issued_on <= invoices.end)
    )
    billed = issued.group_by("customer_id").aggregate(
        revenue=issued.amount.sum(), invoices=issued.count()
    )
    customers = tables.customers.select("customer_id")
    joined = customers.left_join(billed, "customer_id")
    result = joined.select(
        customers.customer_id,
        revenue=ibis.coalesce(joined.revenue, 0).cast("float64"),
        invoices=ibis.coalesce(joined.invoices, 0),
    )
    if tables.time_entries is None:
        return result
    entries = tables.time_entries.cross_join(bounds)
    logged = entries.filter((entries.date >= entries.start) & (entries.date <= entries.end))
    hours = logged.group_by("customer_id").aggregate(hours=logged.hours.sum())
    joined = result.left_join(hours, "customer_id")
    return joined.select(result, hours=ibis.coalesce(joined.hours, 0).cast("float64"))


def invoices_due(tables: ExportTables, period: ir.Table) -> ir.Table:
    """The invoices due in ``period`` (a table like ``record_period``'s) by its ``as_of``,
    with ``days_late`` as of then (``_dated``), by due date."""
    dated = _dated(tables.invoices.cross_join(period))
    due = dated.filter(
        (dated.due_on >= dated.start) & (dated.due_on <= dated.end) & (dated.due_on <= dated.as_of)
    )
    return _invoice_rows(due, "days_late")


def invoices_open(tables: ExportTables, period: ir.Table) -> ir.Table:
    """The invoices issued by ``period``'s ``as_of`` and not paid by then, with
    ``days_past_due`` then (0 or less while not yet due), by due date."""
    dated = _dated(tables.invoices.cross_join(period.select("as_of")))
    open_ = dated.filter(~dated.paid & (dated.issued_on <= dated.as_of))
    return _invoice_rows(open_, "days_past_due")


def customer_invoices(tables: ExportTables, asked: ir.Table) -> ir.Table:
    """The invoices of the customer ``asked`` names (a table of one row: ``customer_id``,
    ``start`` and ``as_of``) issued from ``start`` to ``as_of``, by issue date and id; with
    ``paid`` and ``days_late`` as of then (``_dated``) when the export has payment dates."""
    rows = tables.invoices.join(asked, "customer_id")
    issued = rows.filter((rows.issued_on >= rows.start) & (rows.issued_on <= rows.as_of))
    if "paid_on" not in issued.columns:
        return _invoice_rows(issued, by="issued_on")
    return _invoice_rows(_dated(issued), "paid", "days_late", by="issued_on")


def before_and_since(tables: ExportTables, exits: ir.Table) -> ir.Table:
    """Per customer of ``exits`` (``customer_id``, ``decided_on``, ``year_before`` and
    ``as_of``): ``revenue_before`` and ``hours_before``, invoiced and logged from
    ``year_before`` to the day before the decision, and ``revenue_since`` and ``hours_since``,
    from the decision to ``as_of``; 0 where none, and no hours without time entries."""
    result = exits.select("customer_id")
    sources = [(tables.invoices, "issued_on", "amount", "revenue")]
    if tables.time_entries is not None:
        sources.append((tables.time_entries, "date", "hours", "hours"))
    for rows, on, value, name in sources:
        mine = rows.join(exits, "customer_id")
        before = (mine[on] >= mine.year_before) & (mine[on] < mine.decided_on)
        since = (mine[on] >= mine.decided_on) & (mine[on] <= mine.as_of)
        sums = mine.group_by("customer_id").aggregate(
            before=before.ifelse(mine[value], 0).sum(), since=since.ifelse(mine[value], 0).sum()
        )
        joined = result.left_join(sums, "customer_id")
        result = joined.select(
            result,
            **{
                f"{name}_{part}": ibis.coalesce(joined[part], 0).cast("float64")
                for part in ("before", "since")
            },
        )
    return result


def recorded_days(tables: ExportTables) -> ir.Table:
    """One row: the first and last day an invoice was issued (``first_issued``,
    ``last_issued``), the last it was paid (``last_paid``, when the export has payment dates)
    and the first and last day time was logged (``first_logged``, ``last_logged``, when it has
    time entries); missing in a table without rows."""
    invoices = tables.invoices
    figures = {
        "first_issued": invoices.issued_on.min(),
        "last_issued": invoices.issued_on.max(),
    }
    if "paid_on" in invoices.columns:
        figures["last_paid"] = invoices.paid_on.max()
    result = invoices.aggregate(**figures)
    if tables.time_entries is not None:
        entries = tables.time_entries
        logged = entries.aggregate(first_logged=entries.date.min(), last_logged=entries.date.max())
        result = result.cross_join(logged)
    return result


def paid_after(tables: ExportTables, period: ir.Table) -> ir.Table:
    """One row: how many invoices were paid after ``period``'s ``as_of`` (``paid_after``)."""
    invoices = tables.invoices.cross_join(period.select("as_of"))
    later = (invoices.paid_on > invoices.as_of).fill_null(False)
    return invoices.aggregate(paid_after=ibis.coalesce(later.sum(), 0))


def customer_time(tables: ExportTables, asked: ir.Table) -> ir.Table:
    """The time entries of the customer ``asked`` names (a table of one row:
    ``customer_id``, ``start`` and ``end``) dated from ``start`` to ``end``, by date, their
    hours as floats."""
    rows = tables.time_entries.join(asked, "customer_id")
    logged = rows.filter((rows.date >= rows.start) & (rows.date <= rows.end))
    kept = [c for c in ("customer_id", "date", "activity") if c in logged.columns]
    return logged.select(*kept, hours=logged.hours.cast("float64")).order_by("date")


def _dated(rows: ir.Table) -> ir.Table:
    """Invoice ``rows`` (with an ``as_of`` column) with ``paid`` (paid on or before ``as_of``),
    ``days_late`` (a paid invoice's days from due date to payment, negative when early; an
    unpaid one's days past due once its due date has gone by; missing while not yet due) and
    ``days_past_due`` (``as_of`` less the due date). A payment dated after ``as_of`` was not
    known then: the invoice counts as unpaid."""
    paid = rows.paid_on.notnull() & (rows.paid_on <= rows.as_of)
    past_due = rows.as_of.delta(rows.due_on, unit="day")
    late = paid.ifelse(
        rows.paid_on.delta(rows.due_on, unit="day"),
        (rows.due_on < rows.as_of).ifelse(past_due, None),
    )
    return rows.mutate(paid=paid, days_late=late.cast("float64"), days_past_due=past_due)


def _invoice_rows(rows: ir.Table, *figures: str, by: str = "due_on") -> ir.Table:
    """``rows``' invoice columns with ``figures``, amounts as floats, in order of ``by`` (a
    date column), then id."""
    kept = [c for c in INVOICES_READ if c in rows.columns and c != "amount"]
    chosen = rows.select(*kept, *figures, amount=rows.amount.cast("float64"))
    return chosen.order_by([by, "invoice_id"])


def quarters_bought(tables: ExportTables, days: ir.Table) -> ir.Table:
    """Per customer and day: in how many of the quarters from ``quarters_from`` to
    ``quarters_to`` it was invoiced a positive amount, as ``quarters_bought``."""
    invoices = tables.invoices.filter(tables.invoices.amount > 0).cross_join(days)
    bought = invoices.filter(
        (invoices.issued_on >= invoices.quarters_from)
        & (invoices.issued_on <= invoices.quarters_to)
    )
    counted = bought.select(*KEYS, quarter=bought.issued_on.truncate("Q")).distinct()
    return counted.group_by(list(KEYS)).aggregate(quarters_bought=counted.count())


def product_lines(tables: ExportTables, days: ir.Table) -> ir.Table:
    """Per customer and day: how many product lines it bought in the year to the day
    (``lines_bought``), and in every row how many lines anyone bought then (``lines_sold``)."""
    invoices = tables.invoices.filter(tables.invoices.product_line.notnull()).cross_join(days)
    year = invoices.filter(
        (invoices.issued_on > invoices.year_start) & (invoices.issued_on <= invoices.as_of)
    )
    per_customer = year.group_by(list(KEYS)).aggregate(lines_bought=year.product_line.nunique())
    sold = year.group_by("as_of").aggregate(lines_sold=year.product_line.nunique())
    return per_customer.join(sold, "as_of")


def _left(left: ir.Table, right: ir.Table) -> ir.Table:
    """``left`` with ``right``'s columns, matched on customer and day (missing where ``right``
    has no row): the keys are ``left``'s."""
    joined = left.left_join(right, list(KEYS))
    return joined.drop(*[f"{key}_right" for key in KEYS if f"{key}_right" in joined.columns])
