"""A deterministic, fictional company export: the data the sample review runs on.

The company sells four product lines (licences, managed service, consulting, training) to about
300 business customers (the default) and exports two years of history, 2024-10-01 to 2026-09-30,
so 2026-Q3 is the last full quarter and 2026-09-30 is the review's as-of date. Four tables, in the
export contract's columns:

- ``customers``: id, fictional name, employees (EU SME size bands are derived from it; ~5% give
  only a size band, 2-3 give neither), potential annual spend (the customer's "wallet", blank for
  ~15%), industry, account owner, customer since.
- ``invoices``: one row per invoice, billed monthly, quarterly or ad hoc per customer and product
  line; issue date, due date (payment terms mostly 30 days), paid date (blank while unpaid), amount.
- ``time_entries``: hours our people spent on each customer, by activity.
- ``assessments``: the account owners' yes/no answers to the checklist items that need a person,
  plus a few overrides of the data-derived items with a note saying why.

Who is in it, and why: each group is there so that one of DOMAIN.md's questions has an answer.
Counts are for 300 customers; they scale as shares of ``n_customers``.

- Revenue is heavy-tailed (lognormal, larger for larger companies): a few customers bring a large
  share, so the whale curve and "can we afford to lose them" say something.
- 5 ``late_large`` customers (250+ employees) pay 30-75 days late, consistently, but do pay: the
  finance-department policy the domain says to read by size, not to punish.
- 10 ``slow_small`` customers (micro or small) pay 15-45 days late; they are billed quarterly or
  ad hoc, so "invoice earlier and more often" is the fix the review should suggest.
- 3 ``non_payer`` customers stop paying at a point in early 2026: at the as-of date they owe
  invoices more than 90 days past due.
- 8 ``headache`` customers bring little revenue and take 3-6 times the hours it would warrant,
  mostly support; about half of them are assessed poorly (no on values and right reasons), so some
  customers score as fire candidates.
- Everyone else's hours follow revenue at 100-250 currency units per hour, with noise.
- Lifecycle: some customers are ``occasional`` buyers (a purchase or two a year), some churn
  during the two years, some are new in the last year; 2 customers have revenue but no time
  logged in the last quarter (``no_time_last_quarter``) and 2 have hours but no invoice in it
  (``no_invoice_last_quarter``, billing delayed).
- Invoices issued in the last weeks are partly unpaid but not yet due (current receivables).
- Potential annual spend is usually above what we bill (share of wallet 10% to 100%), a few
  customers already give us nearly all of it.
- About 85% of customers have at least one assessment, some several over time; the rest were
  never assessed, so "needs assessment" is a real band.

Everything comes from one ``numpy.random.Generator(PCG64(seed))`` and is vectorised over
customers, invoices and time entries (200,000 customers, about 5 million invoices, run in well
under a minute). ``python -m helpers.io.sample`` rewrites ``data/sample``.
"""

from __future__ import annotations

import argparse
import datetime
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_END = datetime.date(2026, 9, 30)
DEFAULT_SEED = 20260930

CUSTOMER_COLUMNS = [
    "customer_id",
    "name",
    "employees",
    "size_band",
    "potential_annual_spend",
    "industry",
    "account_owner",
    "customer_since",
]
INVOICE_COLUMNS = [
    "invoice_id",
    "customer_id",
    "issued_on",
    "due_on",
    "paid_on",
    "amount",
    "product_line",
]
TIME_ENTRY_COLUMNS = ["customer_id", "date", "hours", "activity"]
ASSESSMENT_COLUMNS = [
    "customer_id",
    "assessed_on",
    "influencer",
    "right_reasons",
    "values_aligned",
    "repeat_business",
    "spend",
    "service",
    "upsell",
    "notes",
]
DECISION_COLUMNS = ["customer_id", "decided_on", "decision", "notes"]
# Customers let go: the churned customers whose time paid least, given three months' notice
# before their last invoice. One in a hundred customers, at least three.
LET_GO_SHARE = 0.01
LET_GO_NOTICE_DAYS = 91

TABLE_COLUMNS = {
    "customers": CUSTOMER_COLUMNS,
    "invoices": INVOICE_COLUMNS,
    "time_entries": TIME_ENTRY_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
    "decisions": DECISION_COLUMNS,
}

# --- Behaviour groups: how many in a company of 300 customers (they scale as shares) -----------
LATE_LARGE_PER_300 = 5
NON_PAYER_PER_300 = 3
SLOW_SMALL_PER_300 = 10
HEADACHE_PER_300 = 8
NO_TIME_LAST_QUARTER_PER_300 = 2
NO_INVOICE_LAST_QUARTER_PER_300 = 2

# Shares of the remaining (ordinary) customers.
NEW_SHARE = 0.08  # first invoice in the last year
JOINED_SHARE = 0.12  # joined during the first year
CHURNED_SHARE = 0.12  # stopped buying before the last quarter
OCCASIONAL_SHARE = 0.12  # buys a couple of times a year, ad hoc

# --- Sizes (EU SME bands) -----------------------------------------------------------------------
SIZE_BANDS = np.array(["micro", "small", "medium", "large"], dtype=object)
MICRO, SMALL, MEDIUM, LARGE = 0, 1, 2, 3
SIZE_BAND_SHARES = [0.28, 0.38, 0.24, 0.10]
# employees drawn log-uniformly in [low, high) per band; large companies up to 20,000
SIZE_BAND_EMPLOYEES = [(1, 10), (10, 50), (50, 250), (250, 20_000)]
# Larger companies have larger budgets: multiplies the lognormal annual revenue.
SIZE_BAND_REVENUE_FACTOR = np.array([0.35, 0.8, 1.8, 4.0])
BAND_ONLY_PER_300 = 15  # customers whose size is known only as a band
NO_SIZE_PER_300 = 2.5  # customers with neither employees nor size band
MEDIAN_ANNUAL_REVENUE = 6_000.0  # currency units per year, before the size factor
ANNUAL_REVENUE_SIGMA = 1.0  # log-scale spread: heavy tail within a band
HEADACHE_MEDIAN_ANNUAL_REVENUE = 2_500.0  # headaches are small accounts, whatever their size

# --- Billing ------------------------------------------------------------------------------------
MONTHLY, QUARTERLY, AD_HOC = 0, 1, 2
CADENCE_SHARES = [0.5, 0.3, 0.2]
AD_HOC_INVOICES_PER_YEAR = 6.0  # per product line
OCCASIONAL_INVOICES_PER_YEAR = 1.2
PRODUCT_LINES = np.array(["licences", "managed service", "consulting", "training"], dtype=object)
PRODUCT_LINE_COUNT_SHARES = [0.45, 0.30, 0.15, 0.10]  # customers buying 1, 2, 3, 4 lines
PAYMENT_TERMS_DAYS = np.array([30, 14, 45, 60])
PAYMENT_TERMS_SHARES = [0.75, 0.10, 0.08, 0.07]
MIN_AMOUNT = 20.0

# Payment habits of ordinary customers: most pay on time, some a few days late.
ON_TIME, FEW_DAYS_LATE, SLOPPY = 0, 1, 2
PAYMENT_HABIT_SHARES = [0.60, 0.30, 0.10]

# --- Time ---------------------------------------------------------------------------------------
REVENUE_PER_HOUR_RANGE = (100.0, 250.0)  # what a normal customer's hours are worth
# the headaches' hours are 3-6 times what a typical (100-180) rate would warrant, so they sit at
# about 15-60 per hour: well down the headache list, not just at its edge
HEADACHE_BASE_REVENUE_PER_HOUR = (100.0, 180.0)
HEADACHE_HOURS_FACTOR = (3.0, 6.0)  # headaches take this many times the warranted hours
ENTRIES_PER_CUSTOMER = 30  # typical number of time entries over the two years
ENTRY_HOURS_RANGE = (1.5, 6.0)  # bounds on a customer's mean entry length, hours
HEADACHE_ENTRY_HOURS = 1.0  # a headache's time comes as many short support tickets
MAX_ENTRY_HOURS = 12.0
ACTIVITIES = np.array(
    ["support", "account management", "sales", "onboarding", "training", "implementation"],
    dtype=object,
)
ACTIVITY_SHARES = [0.35, 0.25, 0.12, 0.05, 0.08, 0.15]
HEADACHE_ACTIVITY_SHARES = [0.70, 0.15, 0.03, 0.02, 0.05, 0.05]
ONBOARDING_DAYS = 60  # a new customer's first weeks are mostly onboarding

# --- Assessments --------------------------------------------------------------------------------
ASSESSED_SHARE = 0.85
ASSESSMENTS_PER_CUSTOMER_SHARES = [0.55, 0.30, 0.15]  # 1, 2 or 3 assessments over time
BLANK_ANSWER_SHARE = 0.03
OVERRIDE_SHARE = 0.05
# (item, answer, why) for overrides of the data-derived checklist items
OVERRIDES = [
    ("repeat_business", "yes", "buys through a reseller: repeat business yes"),
    (
        "repeat_business",
        "no",
        "one-off migration project, nothing planned after: repeat business no",
    ),
    ("spend", "yes", "wallet estimate is too high, they spend it all with us: spend yes"),
    ("spend", "no", "also buys the same services from a competitor: spend no"),
    ("service", "yes", "extra hours this year were our own onboarding mistake: service yes"),
    ("service", "no", "their support calls are logged under a partner's account: service no"),
    ("upsell", "yes", "opening a second site in 2027: upsell yes"),
    ("upsell", "no", "group procurement caps what we can sell them: upsell no"),
]
FREE_NOTE_SHARE = 0.12
FREE_NOTES = np.array(
    [
        "agreed to be a reference customer",
        "new procurement contact since spring",
        "asks for a discount at every renewal",
        "recommended us to two companies in their network",
        "joint case study published",
        "owner is hard to reach, decisions take months",
        "happy with the service, no growth plans",
    ],
    dtype=object,
)
POOR_NOTES = np.array(
    [
        "pushes our support staff to work evenings and weekends",
        "asks for work outside the contract, then disputes the invoice",
        "was rude to our consultant on site, second time this year",
    ],
    dtype=object,
)

# --- Names --------------------------------------------------------------------------------------
INDUSTRIES = np.array(
    [
        "manufacturing",
        "logistics",
        "retail",
        "healthcare",
        "construction",
        "professional services",
        "software",
        "food and beverage",
    ],
    dtype=object,
)
# Trade words per industry, in the same order as INDUSTRIES: English, Estonian, Chinese.
TRADES = [
    ["Engineering", "Metals", "Plastics", "Robotics", "Machining", "Textiles"],
    ["Logistics", "Freight", "Shipping", "Transport", "Warehousing"],
    ["Stores", "Outfitters", "Interiors", "Garden Supplies", "Home Goods"],
    ["Medical", "Dental", "Care", "Diagnostics", "Clinics"],
    ["Builders", "Construction", "Roofing", "Timber", "Civil Works"],
    ["Consulting", "Accountants", "Advisory", "Recruitment", "Legal"],
    ["Software", "Analytics", "Digital", "Cloud", "Data"],
    ["Foods", "Bakery", "Brewing", "Dairy", "Catering"],
]
TRADES_ET = [
    ["Metall", "Masinaehitus"],
    ["Logistika", "Transport"],
    ["Kaubandus", "Sisustus"],
    ["Tervis", "Hambaravi"],
    ["Ehitus", "Puit"],
    ["Konsult", "Raamatupidamine"],
    ["Tarkvara", "Andmed"],
    ["Toit", "Pagar"],
]
TRADES_ZH = ["机械", "物流", "贸易", "医疗", "建设", "咨询", "科技", "食品"]
NAME_ROOTS = np.array(
    ["Halden", "Baker", "Ashford", "Brightwater", "Calder", "Dunmore", "Elmswood", "Fenwick",
     "Greyholm", "Harrow", "Ivel", "Kestrel", "Larkspur", "Marlow", "Northam", "Oakridge",
     "Pennant", "Quarrington", "Redfern", "Saltmarsh", "Thornbury", "Upton", "Westbrook", "Yarrow",
     "Aldmoor", "Birchley", "Corrin", "Dovecot", "Eastleigh", "Foxley", "Glenholt", "Hollins",
     "Ingram", "Juniper", "Kilbride", "Linford", "Mossgiel", "Netherby", "Orwell", "Pryor",
     "Ravensworth", "Selwyn", "Tamsworth", "Ulverby", "Wexley", "Zennor", "Hartwell", "Brennan",
     "Stellmach", "Kowalczyk", "Lindqvist", "Aaltonen", "Varga", "Moreau", "Castell", "Brandt",
     "Vogel", "Heller", "Krause", "Novak", "Sorensen", "Falk", "Berglund", "Rask", "Hedlund",
     "Okafor", "Teixeira", "Duarte", "Marchetti", "Ferrante", "Lindahl", "Rautio", "Kessler",
     "Hoffer", "Ridley", "Pembury"],
    dtype=object,
)  # fmt: skip
COLLECTIVES = np.array(
    ["Group", "Partners", "Works", "Solutions", "Systems", "Industries"], dtype=object
)
FAMILY = np.array(["Sons", "Partners", "Co", "Daughters"], dtype=object)
LEGAL_FORMS = np.array(
    ["GmbH", "Ltd", "AB", "Oy", "BV", "AS", "ApS", "SA", "Inc.", "LLC", "Sp. z o.o.", "s.r.o."],
    dtype=object,
)
ROOTS_ET = np.array(
    ["Põhjala", "Õunaaed", "Lõunaranna", "Kivisilla", "Männiku", "Järvemetsa", "Tähesaju",
     "Kaasiku", "Vahtra", "Pärnaõue", "Kõrvemaa", "Sõpruse"],
    dtype=object,
)  # fmt: skip
LEGAL_FORMS_ET = np.array(["OÜ", "AS"], dtype=object)
CITIES_ZH = np.array(["上海", "杭州", "深圳", "苏州", "成都", "宁波", "青岛"], dtype=object)
BRANDS_ZH = np.array(["明远", "青禾", "嘉木", "云舟", "恒岳", "德祺", "瑞禾", "安澜"], dtype=object)
# name patterns: "Halden Logistics GmbH", "Baker & Marlow Ltd", "Baker & Sons Ltd",
# "Halden Group AB", "Põhjala Tarkvara OÜ", "Õunaaed AS", "上海明远贸易有限公司"
NAME_PATTERN_SHARES = [0.45, 0.17, 0.08, 0.18, 0.05, 0.02, 0.05]
# Added to a repeated name, to keep names unique when the word lists run out.
TOWNS = np.array(
    ["Brampton", "Kessingham", "Altdorf", "Nordby", "Lisvik", "Marden", "Oosterveld", "Rennick",
     "Saltby", "Tarnow", "Ulmstead", "Varnell", "Wexham", "Ystrad", "Zellin", "Aberlow", "Brisk",
     "Coldharbour", "Drummore", "Elsdorf", "Farnholt", "Grimsby", "Hallow", "Inverleith", "Jarrow",
     "Kirkby", "Lauder", "Moorfield", "Newbold", "Ostby"],
    dtype=object,
)  # fmt: skip
ACCOUNT_OWNERS = np.array(
    ["Kadri Tamm", "Liang Qiao", "Sofia Marin", "Tom Whitfield", "Elena Novak", "Henrik Aalto"],
    dtype=object,
)


MISSING_DAY = -(10**9)  # day number standing for "no date" (an unpaid invoice's paid_on)


@dataclass(frozen=True)
class _Window:
    """The export's two years, as day numbers counted from ``start`` (day 0)."""

    start: np.datetime64  # first day, datetime64[D]
    last_day: int  # day number of the as-of date (the end)
    last_quarter_start: int  # day number of the first day of the quarter holding the end
    month_starts: np.ndarray  # day numbers of the first day of each month in the window

    def dates(self, days: np.ndarray) -> np.ndarray:
        """Day numbers -> datetime64[s] dates; MISSING_DAY becomes NaT (a blank in the CSV)."""
        out = (self.start + days.astype("timedelta64[D]")).astype("datetime64[s]")
        out[days == MISSING_DAY] = np.datetime64("NaT")
        return out


def _window(end: datetime.date, years: int) -> _Window:
    """The ``years`` years ending on ``end`` inclusive (e.g. 2024-10-01 .. 2026-09-30)."""
    try:
        start = end.replace(year=end.year - years) + datetime.timedelta(days=1)
    except ValueError:  # end is 29 February
        start = end.replace(year=end.year - years, day=28) + datetime.timedelta(days=1)
    start64 = np.datetime64(start, "D")
    end64 = np.datetime64(end, "D")
    quarter_start = datetime.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    months = np.arange(start64.astype("datetime64[M]"), end64.astype("datetime64[M]") + 1)
    month_starts = (months.astype("datetime64[D]") - start64).astype(np.int64)
    return _Window(
        start=start64,
        last_day=int((end64 - start64).astype(np.int64)),
        last_quarter_start=int((np.datetime64(quarter_start, "D") - start64).astype(np.int64)),
        month_starts=month_starts,
    )


def _business_days(days: np.ndarray, window: _Window) -> np.ndarray:
    """Move day numbers on a weekend to the next Monday, or back to Friday past the window's end."""
    dates = window.start + days.astype("timedelta64[D]")
    rolled = np.busday_offset(dates, 0, roll="forward")
    late = rolled > window.start + np.timedelta64(window.last_day, "D")
    rolled[late] = np.busday_offset(dates[late], 0, roll="backward")
    return (rolled - window.start).astype(np.int64)


def _group_size(n_customers: int, per_300: float) -> int:
    """How many customers of a behaviour group a company of ``n_customers`` has (half rounds up)."""
    return int(np.floor(per_300 * n_customers / 300 + 0.5))


# --- Customers ----------------------------------------------------------------------------------


@dataclass
class _Customers:
    """Per-customer plan, one array entry per customer (index = position in customers.csv)."""

    late_large: np.ndarray  # bool: large company, pays 30-75 days late by policy
    non_payer: np.ndarray  # bool: stops paying in early 2026
    slow_small: np.ndarray  # bool: micro/small company, pays 15-45 days late
    headache: np.ndarray  # bool: low revenue, 3-6x the warranted hours
    poorly_assessed: np.ndarray  # bool: headache whose account owner answers no on values
    no_time_last_quarter: np.ndarray  # bool: revenue but no hours logged in the last quarter
    no_invoice_last_quarter: np.ndarray  # bool: hours but no invoice in the last quarter
    occasional: np.ndarray  # bool: buys a couple of times a year
    size_band: np.ndarray  # int 0..3 (MICRO..LARGE)
    employees: np.ndarray  # float, employees of the customer (never blank here)
    active_from: np.ndarray  # int day number of the first possible invoice
    active_to: np.ndarray  # int day number of the last possible invoice (churn or end)
    since: np.ndarray  # int day number of customer_since (may be before the window)
    annual_revenue: np.ndarray  # float, currency units per year while active
    cadence: np.ndarray  # int MONTHLY / QUARTERLY / AD_HOC
    terms_days: np.ndarray  # int payment terms, days
    stop_paying: np.ndarray  # int day number from which invoices stay unpaid (non-payers)
    revenue_per_hour: np.ndarray  # float, revenue each logged hour brings, currency units


def _assign_groups(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Disjoint boolean masks for the behaviour groups, at random positions among ``n``."""
    order = rng.permutation(n)
    groups = {}
    taken = 0
    for name, per_300 in [
        ("late_large", LATE_LARGE_PER_300),
        ("non_payer", NON_PAYER_PER_300),
        ("slow_small", SLOW_SMALL_PER_300),
        ("headache", HEADACHE_PER_300),
        ("no_time_last_quarter", NO_TIME_LAST_QUARTER_PER_300),
        ("no_invoice_last_quarter", NO_INVOICE_LAST_QUARTER_PER_300),
    ]:
        size = min(_group_size(n, per_300), n - taken)
        mask = np.zeros(n, dtype=bool)
        mask[order[taken : taken + size]] = True
        groups[name] = mask
        taken += size
    return groups


def _draw_employees(size_band: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Employees for each size band (int array), log-uniform within the band's EU SME range."""
    low = np.array([b[0] for b in SIZE_BAND_EMPLOYEES], dtype=float)[size_band]
    high = np.array([b[1] for b in SIZE_BAND_EMPLOYEES], dtype=float)[size_band]
    employees = np.exp(rng.uniform(np.log(low), np.log(high)))
    return np.clip(np.floor(employees), low, high - 1)


def _draw_lifecycle(
    special: np.ndarray, window: _Window, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First and last active day numbers and customer_since, per customer.

    Customers in a behaviour group (``special``) are long-standing and active to the end, so their
    behaviour shows in every quarter. Of the others, some joined during the first year, some are
    new in the last year, and some churned before the last quarter.
    """
    n = special.size
    last = window.last_day
    kind = rng.random(n)
    new = ~special & (kind < NEW_SHARE)
    joined = ~special & (kind >= NEW_SHARE) & (kind < NEW_SHARE + JOINED_SHARE)
    active_from = np.zeros(n, dtype=np.int64)
    active_from[joined] = rng.integers(30, last - 300, size=joined.sum())
    active_from[new] = rng.integers(last - 270, last - 30, size=new.sum())

    churned = ~special & ~new & (rng.random(n) < CHURNED_SHARE)
    active_to = np.full(n, last, dtype=np.int64)
    # churn between five months in and four months before the end, at least 90 days after joining
    churn_day = rng.integers(150, last - 120, size=n)
    churn_day = np.maximum(churn_day, active_from + 90)
    active_to[churned] = np.minimum(churn_day[churned], last - 100)

    # long-standing customers have been with us for up to 15 years
    since = np.where(active_from > 0, active_from, -rng.integers(30, 15 * 365, size=n))
    return active_from, active_to, since


def _draw_customers(n: int, window: _Window, rng: np.random.Generator) -> _Customers:
    """The per-customer plan: groups, size, lifecycle, revenue, billing and payment terms."""
    groups = _assign_groups(n, rng)
    special = np.logical_or.reduce(list(groups.values()))
    occasional = ~special & (rng.random(n) < OCCASIONAL_SHARE)

    size_band = rng.choice(4, size=n, p=SIZE_BAND_SHARES)
    size_band[groups["late_large"]] = LARGE
    slow_small = groups["slow_small"]
    size_band[slow_small] = rng.choice([MICRO, SMALL], size=slow_small.sum())
    # non-payers and headaches are not large companies: those pay, late, and bring revenue
    not_large = groups["non_payer"] | groups["headache"]
    size_band[not_large] = np.minimum(size_band[not_large], MEDIUM)
    employees = _draw_employees(size_band, rng)

    active_from, active_to, since = _draw_lifecycle(special, window, rng)

    annual_revenue = (
        MEDIAN_ANNUAL_REVENUE
        * SIZE_BAND_REVENUE_FACTOR[size_band]
        * rng.lognormal(0.0, ANNUAL_REVENUE_SIGMA, size=n)
    )
    headache = groups["headache"]
    annual_revenue[headache] = HEADACHE_MEDIAN_ANNUAL_REVENUE * rng.lognormal(
        0.0, 0.4, size=headache.sum()
    )

    cadence = rng.choice(3, size=n, p=CADENCE_SHARES)
    cadence[occasional] = AD_HOC
    # steady billing for the groups whose story is about payment or hours, not about buying
    cadence[groups["non_payer"] | headache] = MONTHLY
    steady = (
        groups["late_large"] | groups["no_time_last_quarter"] | groups["no_invoice_last_quarter"]
    )
    cadence[steady] = rng.choice([MONTHLY, QUARTERLY], size=steady.sum())
    # slow small payers get few, large invoices: the domain's fix is to invoice more often
    cadence[slow_small] = rng.choice([QUARTERLY, AD_HOC], size=slow_small.sum())

    terms_days = PAYMENT_TERMS_DAYS[rng.choice(4, size=n, p=PAYMENT_TERMS_SHARES)]
    terms_days[groups["late_large"]] = rng.choice([30, 45, 60], size=groups["late_large"].sum())
    terms_days[groups["non_payer"]] = 30

    # non-payers stop paying between about 270 and 200 days before the end (early 2026)
    stop_paying = np.full(n, window.last_day + 1, dtype=np.int64)
    stop_paying[groups["non_payer"]] = window.last_day - rng.integers(
        200, 270, size=groups["non_payer"].sum()
    )

    revenue_per_hour = rng.uniform(*REVENUE_PER_HOUR_RANGE, size=n)
    revenue_per_hour[headache] = rng.uniform(
        *HEADACHE_BASE_REVENUE_PER_HOUR, size=headache.sum()
    ) / rng.uniform(*HEADACHE_HOURS_FACTOR, size=headache.sum())

    # about half of the headaches (rounded up) are also a poor fit in the account owner's eyes
    headache_ids = np.flatnonzero(headache)
    poorly_assessed = np.zeros(n, dtype=bool)
    poorly_assessed[headache_ids[: (headache_ids.size + 1) // 2]] = True

    return _Customers(
        occasional=occasional,
        poorly_assessed=poorly_assessed,
        size_band=size_band,
        employees=employees,
        active_from=active_from,
        active_to=active_to,
        since=since,
        annual_revenue=annual_revenue,
        cadence=cadence,
        terms_days=terms_days,
        stop_paying=stop_paying,
        revenue_per_hour=revenue_per_hour,
        **groups,
    )


def _company_names(industry: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Unique fictional company names (str), one per customer, matching the industry codes.

    Repeated names get a town in brackets ("Halden Logistics GmbH (Brampton)") and, once the towns
    run out too, a number after the town.
    """
    n = industry.size
    pattern = rng.choice(len(NAME_PATTERN_SHARES), size=n, p=NAME_PATTERN_SHARES)

    def pick(words: np.ndarray) -> pd.Series:
        return pd.Series(words[rng.integers(0, len(words), size=n)], dtype="str")

    def pick_per_industry(words_per_industry: list[list[str]]) -> pd.Series:
        # one row per industry, padded to equal length; columns are drawn only within the
        # industry's own words, so every word of an industry is equally likely
        width = max(len(w) for w in words_per_industry)
        table = np.array([[w[i % len(w)] for i in range(width)] for w in words_per_industry])
        lengths = np.array([len(w) for w in words_per_industry])
        column = (rng.random(n) * lengths[industry]).astype(np.int64)
        return pd.Series(table[industry, column].astype(object), dtype="str")

    root, other_root, legal = pick(NAME_ROOTS), pick(NAME_ROOTS), pick(LEGAL_FORMS)
    trade = pick_per_industry(TRADES)
    candidates = [
        root + " " + trade + " " + legal,
        root + " & " + other_root + " " + legal,
        root + " & " + pick(FAMILY) + " " + legal,
        root + " " + pick(COLLECTIVES) + " " + legal,
        pick(ROOTS_ET) + " " + pick_per_industry(TRADES_ET) + " " + pick(LEGAL_FORMS_ET),
        pick(ROOTS_ET) + " AS",
        pick(CITIES_ZH) + pick(BRANDS_ZH) + pd.Series(np.array(TRADES_ZH)[industry]) + "有限公司",
    ]
    names = candidates[0].copy()
    for code in range(1, len(candidates)):
        names[pattern == code] = candidates[code][pattern == code]
    # "Baker & Baker Ltd" reads like a typo: use the family pattern instead
    same = (pattern == 1) & (root == other_root)
    names[same] = candidates[2][same]

    repeat = names.groupby(names, sort=False).cumcount().to_numpy()
    repeated = repeat > 0
    town = TOWNS[(repeat[repeated] - 1) % len(TOWNS)]
    round_ = (repeat[repeated] - 1) // len(TOWNS)
    number = np.where(round_ > 0, " " + (round_ + 1).astype(str).astype(object), "")
    names[repeated] = names[repeated] + " (" + town + number + ")"
    return names


def _customers_table(plan: _Customers, window: _Window, rng: np.random.Generator) -> pd.DataFrame:
    """customers.csv: one row per customer, in the export contract's columns."""
    n = plan.size_band.size
    width = max(4, len(str(n)))
    customer_id = pd.Series(_numbered_ids("C", n, width), dtype="str")
    industry = rng.integers(0, len(INDUSTRIES), size=n)
    name = _company_names(industry, rng)

    employees = pd.array(plan.employees.astype(np.int64), dtype="Int64")
    size_band = pd.Series(np.full(n, np.nan, dtype=object), dtype="str")
    # Some exports only know the size band (5%), a few know neither; the groups whose story is
    # about size keep their employees.
    candidates = rng.permutation(np.flatnonzero(~(plan.late_large | plan.slow_small)))
    n_band_only, n_neither = _group_size(n, BAND_ONLY_PER_300), _group_size(n, NO_SIZE_PER_300)
    band_only = candidates[:n_band_only]
    neither = candidates[n_band_only : n_band_only + n_neither]
    employees[np.concatenate([band_only, neither])] = pd.NA
    size_band[band_only] = SIZE_BANDS[plan.size_band[band_only]]

    # wallet: what the customer could spend with us per year; we usually have 10%-100% of it
    share_of_wallet = 0.1 + 0.9 * rng.beta(2.0, 2.5, size=n)
    nearly_all = rng.random(n) < 0.05
    share_of_wallet[nearly_all] = rng.uniform(0.92, 1.0, size=nearly_all.sum())
    wallet = np.maximum(1000, np.round(plan.annual_revenue / share_of_wallet, -3))
    potential_annual_spend = pd.array(wallet.astype(np.int64), dtype="Int64")
    potential_annual_spend[rng.random(n) < 0.15] = pd.NA

    return pd.DataFrame(
        {
            "customer_id": customer_id,
            "name": name,
            "employees": employees,
            "size_band": size_band,
            "potential_annual_spend": potential_annual_spend,
            "industry": pd.Series(INDUSTRIES[industry], dtype="str"),
            "account_owner": pd.Series(
                ACCOUNT_OWNERS[rng.integers(0, len(ACCOUNT_OWNERS), size=n)], dtype="str"
            ),
            "customer_since": window.dates(plan.since),
        }
    )


def _numbered_ids(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + zero-padded 1..n (object array of str), built digit by digit for speed."""
    numbers = np.arange(1, n + 1, dtype=np.int64)
    chars = np.empty((n, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    for position in range(width):
        chars[:, -1 - position] = ord("0") + (numbers // 10**position) % 10
    return (
        chars.view(f"S{len(prefix) + width}")
        .ravel()
        .astype(f"U{len(prefix) + width}")
        .astype(object)
    )


# --- Invoices -----------------------------------------------------------------------------------


@dataclass
class _Invoices:
    """Invoice arrays (one entry per invoice), before formatting."""

    customer: np.ndarray  # int customer index
    product_line: np.ndarray  # int index into PRODUCT_LINES
    issued: np.ndarray  # int day number
    amount: np.ndarray  # float, currency units, 2 decimals


def _billing_streams(
    plan: _Customers, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The product lines each customer buys: (customer, product line, annual revenue) per line.

    A customer buys 1-4 distinct lines (occasional buyers one); its annual revenue is split
    between them at random, the first line usually taking the most.
    """
    n = plan.size_band.size
    lines = 1 + rng.choice(4, size=n, p=PRODUCT_LINE_COUNT_SHARES)
    lines[plan.occasional] = 1
    customer = np.repeat(np.arange(n), lines)
    position = np.arange(customer.size) - np.repeat(np.cumsum(lines) - lines, lines)
    line_order = np.argsort(rng.random((n, len(PRODUCT_LINES))), axis=1)
    product_line = line_order[customer, position]
    weight = rng.gamma(2.0, size=customer.size) + np.where(position == 0, 2.0, 0.0)
    share = weight / np.bincount(customer, weights=weight, minlength=n)[customer]
    return customer, product_line, plan.annual_revenue[customer] * share


def _periodic_invoices(
    plan: _Customers,
    window: _Window,
    stream_customer: np.ndarray,
    stream_revenue: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly and quarterly invoices: (stream index, issue day, amount) per invoice.

    Each customer bills on its own day of the month (the 1st for half of them); quarterly
    customers in one month of each quarter. Amounts vary a little (usage, extras).
    """
    n = plan.size_band.size
    billing_day = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 28, size=n))
    quarter_phase = rng.integers(0, 3, size=n)
    streams = np.flatnonzero(plan.cadence[stream_customer] != AD_HOC)
    c = stream_customer[streams]
    months = np.arange(window.month_starts.size)
    issued = window.month_starts[None, :] + billing_day[c][:, None]
    billed = (plan.cadence[c] == MONTHLY)[:, None] | (
        (months[None, :] + quarter_phase[c][:, None]) % 3 == 0
    )
    billed &= (issued >= plan.active_from[c][:, None]) & (issued <= plan.active_to[c][:, None])
    billed &= (issued >= 0) & (issued <= window.last_day)
    row, month = np.nonzero(billed)
    stream = streams[row]
    per_year = np.where(plan.cadence[stream_customer[stream]] == MONTHLY, 12.0, 4.0)
    amount = stream_revenue[stream] / per_year * rng.lognormal(0.0, 0.12, size=stream.size)
    return stream, issued[row, month], amount


def _ad_hoc_invoices(
    plan: _Customers,
    stream_customer: np.ndarray,
    stream_revenue: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ad hoc invoices at random days while active: (stream index, issue day, amount) per invoice.

    Ordinary ad hoc customers buy about 6 times a year per line, occasional ones about once;
    every ad hoc customer's first line has at least one invoice.
    """
    streams = np.flatnonzero(plan.cadence[stream_customer] == AD_HOC)
    c = stream_customer[streams]
    per_year = np.where(plan.occasional[c], OCCASIONAL_INVOICES_PER_YEAR, AD_HOC_INVOICES_PER_YEAR)
    active_days = plan.active_to[c] - plan.active_from[c] + 1
    count = rng.poisson(per_year * active_days / 365.25)
    first_line = np.r_[True, c[1:] != c[:-1]]
    count[first_line] = np.maximum(count[first_line], 1)
    stream = np.repeat(streams, count)
    sc = stream_customer[stream]
    span = plan.active_to[sc] - plan.active_from[sc] + 1
    issued = plan.active_from[sc] + (rng.random(stream.size) * span).astype(np.int64)
    per_year_each = np.repeat(per_year, count)
    amount = stream_revenue[stream] / per_year_each * rng.lognormal(-0.1, 0.45, size=stream.size)
    return stream, issued, amount


def _draw_invoices(plan: _Customers, window: _Window, rng: np.random.Generator) -> _Invoices:
    """All invoices of the two years, sorted by issue day (then customer)."""
    stream_customer, stream_line, stream_revenue = _billing_streams(plan, rng)
    periodic = _periodic_invoices(plan, window, stream_customer, stream_revenue, rng)
    ad_hoc = _ad_hoc_invoices(plan, stream_customer, stream_revenue, rng)
    stream = np.concatenate([periodic[0], ad_hoc[0]])
    issued = _business_days(np.concatenate([periodic[1], ad_hoc[1]]), window)
    cents = np.round(np.maximum(np.concatenate([periodic[2], ad_hoc[2]]), MIN_AMOUNT) * 100)
    customer = stream_customer[stream]
    order = np.lexsort((stream_line[stream], customer, issued))
    return _Invoices(
        customer=customer[order],
        product_line=stream_line[stream][order],
        issued=issued[order],
        amount=cents[order] / 100,
    )


def _regular_days_late(habit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days late (int, negative = early) of ordinary customers' invoices, by payment habit.

    On-time payers pay up to a week early, the few-days-late ones 0-8 days after the due date,
    the sloppy ones mostly within two weeks, never more than 40 days.
    """
    size = habit.size
    early = -rng.integers(0, 8, size=size)
    few_days = rng.integers(0, 9, size=size)
    sloppy = np.minimum(np.round(rng.exponential(8.0, size=size)), 40).astype(np.int64)
    return np.select([habit == ON_TIME, habit == FEW_DAYS_LATE], [early, few_days], sloppy)


def _policy_days_late(
    customer_mean: np.ndarray, spread: float, low: int, high: int, rng: np.random.Generator
) -> np.ndarray:
    """Days late (int) around each invoice's customer mean, kept within [low, high] days."""
    days = rng.normal(customer_mean, spread)
    return np.clip(np.round(days), low, high).astype(np.int64)


def _paid_days(
    plan: _Customers,
    invoices: _Invoices,
    due: np.ndarray,
    window: _Window,
    rng: np.random.Generator,
) -> np.ndarray:
    """Day number each invoice was paid, or MISSING_DAY if unpaid at the as-of date.

    Ordinary customers pay on time or a few days late; ``late_large`` 30-75 days late (each has
    its own typical delay, 35-65 days); ``slow_small`` 15-45 days late; ``non_payer`` invoices
    issued on or after the customer's stop day stay unpaid. Payments land on business days.
    """
    n = plan.size_band.size
    c = invoices.customer
    habit = rng.choice(3, size=n, p=PAYMENT_HABIT_SHARES)
    days_late = _regular_days_late(habit[c], rng)

    late_large = plan.late_large[c]
    large_mean = rng.uniform(35, 65, size=n)
    days_late[late_large] = _policy_days_late(large_mean[c][late_large], 8.0, 30, 75, rng)
    slow_small = plan.slow_small[c]
    small_mean = rng.uniform(18, 40, size=n)
    days_late[slow_small] = _policy_days_late(small_mean[c][slow_small], 6.0, 15, 45, rng)

    paid = np.maximum(due + days_late, invoices.issued)
    paid = _business_days(np.minimum(paid, window.last_day + 10), window)
    unpaid = (paid > window.last_day) | (invoices.issued >= plan.stop_paying[c])
    return np.where(unpaid, MISSING_DAY, paid)


def _invoices_table(
    plan: _Customers,
    invoices: _Invoices,
    customer_id: pd.Series,
    window: _Window,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """invoices.csv: one row per invoice, numbered in issue order.

    The ``no_invoice_last_quarter`` customers' last-quarter invoices are left out (billing was
    delayed), after their hours were planned, so they have hours but no invoice in that quarter.
    """
    due = invoices.issued + plan.terms_days[invoices.customer]
    paid = _paid_days(plan, invoices, due, window, rng)
    kept = ~(
        plan.no_invoice_last_quarter[invoices.customer]
        & (invoices.issued >= window.last_quarter_start)
    )
    n_kept = int(kept.sum())
    width = max(6, len(str(n_kept)))
    return pd.DataFrame(
        {
            "invoice_id": pd.Series(_numbered_ids("INV-", n_kept, width), dtype="str"),
            "customer_id": _customer_ids(customer_id, invoices.customer[kept]),
            "issued_on": window.dates(invoices.issued[kept]),
            "due_on": window.dates(due[kept]),
            "paid_on": window.dates(paid[kept]),
            "amount": invoices.amount[kept],
            "product_line": pd.Categorical.from_codes(
                invoices.product_line[kept], categories=PRODUCT_LINES
            ),
        }
    )


def _customer_ids(customer_id: pd.Series, customer: np.ndarray) -> pd.Categorical:
    """customer_id for each row of a per-invoice or per-entry table, as a categorical (compact)."""
    return pd.Categorical.from_codes(customer, categories=pd.Index(customer_id))


# --- Time entries -------------------------------------------------------------------------------


def _time_entries_table(
    plan: _Customers,
    invoices: _Invoices,
    customer_id: pd.Series,
    window: _Window,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """time_entries.csv: hours per customer, day and activity, sorted by date and customer.

    A customer's hours over the two years are its planned revenue divided by its revenue per hour
    (100-250 currency units; a headache's 3-6 times less). They are split into entries whose
    typical length grows with the customer (1.5-6 hours; a headache's are short tickets of about
    an hour), on a quarter-hour grid, at most 12 hours each. A periodic customer's entries fall
    anywhere while it is active; most of an ad hoc customer's fall from 40 days before to 14 days
    after one of its invoices (the work around a sale), so its hours come and go with purchases.
    """
    n = plan.size_band.size
    active_years = (plan.active_to - plan.active_from + 1) / 365.25
    total_hours = plan.annual_revenue * active_years / plan.revenue_per_hour
    entry_hours = np.clip(total_hours / ENTRIES_PER_CUSTOMER, *ENTRY_HOURS_RANGE)
    entry_hours[plan.headache] = HEADACHE_ENTRY_HOURS
    entries = np.maximum(1, np.round(total_hours / entry_hours)).astype(np.int64)

    customer = np.repeat(np.arange(n), entries)
    weight = rng.gamma(4.0, size=customer.size)
    weight_sum = np.bincount(customer, weights=weight, minlength=n)
    hours = total_hours[customer] * weight / weight_sum[customer]
    del weight  # a few hundred MB at 200,000 customers
    quarters = np.clip(np.round(hours * 4), 1, MAX_ENTRY_HOURS * 4)
    hours = quarters / 4

    day = _entry_days(plan, invoices, customer, window, rng)
    activity = _activities(plan, customer, day, rng)

    # a couple of customers have nobody logging time in the last quarter
    kept = np.flatnonzero(
        ~(plan.no_time_last_quarter[customer] & (day >= window.last_quarter_start))
    )
    rows = kept[np.lexsort((customer[kept], day[kept]))]
    return pd.DataFrame(
        {
            "customer_id": _customer_ids(customer_id, customer[rows]),
            "date": window.dates(day[rows]),
            "hours": hours[rows],
            "activity": pd.Categorical.from_codes(activity[rows], categories=ACTIVITIES),
        }
    )


def _entry_days(
    plan: _Customers,
    invoices: _Invoices,
    customer: np.ndarray,
    window: _Window,
    rng: np.random.Generator,
) -> np.ndarray:
    """Day number of each time entry (business days within the customer's active time)."""
    n = plan.size_band.size
    size = customer.size
    start = plan.active_from[customer]
    stop = np.minimum(plan.active_to[customer], window.last_day)
    day = start + (rng.random(size) * (stop - start + 1)).astype(np.int64)

    # ad hoc customers' work clusters around their invoices
    by_customer = np.argsort(invoices.customer, kind="stable")
    invoice_count = np.bincount(invoices.customer, minlength=n)
    first_invoice = np.cumsum(invoice_count) - invoice_count
    link_share = np.select([plan.occasional, plan.cadence == AD_HOC], [0.9, 0.8], 0.0)
    link_share[invoice_count == 0] = 0.0
    linkable = np.flatnonzero(link_share[customer] > 0)
    linked = linkable[rng.random(linkable.size) < link_share[customer[linkable]]]
    c = customer[linked]
    pick = first_invoice[c] + (rng.random(linked.size) * invoice_count[c]).astype(np.int64)
    day[linked] = invoices.issued[by_customer[pick]] + rng.integers(-40, 15, size=linked.size)
    return _business_days(np.clip(day, start, stop), window)


def _activities(
    plan: _Customers, customer: np.ndarray, day: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Activity code of each time entry (index into ACTIVITIES).

    Headaches' time is mostly support; a new customer's first weeks are mostly onboarding.
    """
    activity = rng.choice(len(ACTIVITIES), size=customer.size, p=ACTIVITY_SHARES)
    headache = plan.headache[customer]
    activity[headache] = rng.choice(
        len(ACTIVITIES), size=headache.sum(), p=HEADACHE_ACTIVITY_SHARES
    )
    starting = (plan.active_from[customer] > 0) & (
        day - plan.active_from[customer] < ONBOARDING_DAYS
    )
    onboarding = starting & (rng.random(customer.size) < 0.6)
    activity[onboarding] = np.flatnonzero(ACTIVITIES == "onboarding")[0]
    return activity


# --- Assessments --------------------------------------------------------------------------------


def _assessments_table(
    plan: _Customers, customer_id: pd.Series, window: _Window, rng: np.random.Generator
) -> pd.DataFrame:
    """assessments.csv: account owners' answers, one row per customer and assessment date.

    About 85% of customers are assessed (every headache is), 1-3 times at distinct dates while
    active. Influencer, right reasons and values aligned are answered yes with a probability that
    depends on the customer's overall fit (some blanks); the poorly assessed headaches answer no on
    all three. A few rows override one data-derived item, with the reason in the notes.
    """
    n = plan.size_band.size
    assessed = (rng.random(n) < ASSESSED_SHARE) | plan.headache
    times = np.where(assessed, 1 + rng.choice(3, size=n, p=ASSESSMENTS_PER_CUSTOMER_SHARES), 0)
    customer = np.repeat(np.arange(n), times)
    nth = np.arange(customer.size) - np.repeat(np.cumsum(times) - times, times)

    # the k assessments of a customer fall in k equal slots of its active time: distinct dates
    low = np.minimum(plan.active_from + 14, window.last_day)[customer]
    high = np.minimum(plan.active_to, window.last_day)[customer]
    slot = (high - low + 1) / times[customer]
    day = low + np.floor((nth + rng.random(customer.size)) * slot).astype(np.int64)

    fit = rng.normal(0.0, 1.0, size=n)  # the customer's overall fit, as the account owner sees it
    answers = {}
    for item, base in [("influencer", 0.4), ("right_reasons", 1.6), ("values_aligned", 1.9)]:
        p_yes = 1 / (1 + np.exp(-(base + 1.3 * fit[customer])))
        code = (rng.random(customer.size) < p_yes).astype(np.int8)  # 1 yes, 0 no
        code[plan.poorly_assessed[customer]] = 0
        code[rng.random(customer.size) < BLANK_ANSWER_SHARE] = -1  # blank: not answered
        answers[item] = code
    for item in ["repeat_business", "spend", "service", "upsell"]:
        answers[item] = np.full(customer.size, -1, dtype=np.int8)

    notes = np.full(customer.size, np.nan, dtype=object)
    free = rng.random(customer.size) < FREE_NOTE_SHARE
    notes[free] = FREE_NOTES[rng.integers(0, len(FREE_NOTES), size=free.sum())]
    poor = plan.poorly_assessed[customer]
    notes[poor] = POOR_NOTES[rng.integers(0, len(POOR_NOTES), size=poor.sum())]

    overridden = rng.random(customer.size) < OVERRIDE_SHARE
    which = rng.integers(0, len(OVERRIDES), size=customer.size)
    for k, (item, answer, why) in enumerate(OVERRIDES):
        rows = overridden & (which == k)
        answers[item][rows] = 1 if answer == "yes" else 0
        notes[rows] = why

    table = {"customer_id": customer_id.iloc[customer].reset_index(drop=True)}
    table["assessed_on"] = window.dates(day)
    for item, code in answers.items():
        table[item] = pd.Series(
            pd.Categorical.from_codes(code, categories=["no", "yes"]).astype(object), dtype="str"
        )
    table["notes"] = pd.Series(notes, dtype="str")
    return pd.DataFrame(table)[ASSESSMENT_COLUMNS]


# --- Public API ---------------------------------------------------------------------------------


def _decisions_table(plan: _Customers, customer_id: pd.Series, window: _Window) -> pd.DataFrame:
    """decisions.csv: the customers the company chose to let go, and when it decided.

    Drawn from the plan alone (no random numbers), so the other tables stay as they were: the
    churned customers with the lowest revenue per hour, decided three months before their
    last possible invoice, which is when their business ends.
    """
    churned = np.flatnonzero(plan.active_to < window.last_day)
    count = min(churned.size, max(3, round(plan.active_to.size * LET_GO_SHARE)))
    chosen = churned[np.argsort(plan.revenue_per_hour[churned], kind="stable")[:count]]
    chosen = np.sort(chosen)
    decided = np.maximum(plan.active_to[chosen] - LET_GO_NOTICE_DAYS, plan.active_from[chosen])
    return pd.DataFrame(
        {
            "customer_id": customer_id.iloc[chosen].reset_index(drop=True),
            "decided_on": window.dates(decided),
            "decision": "let_go",
            "notes": "too much time for the revenue: three months' notice",
        }
    )[DECISION_COLUMNS]


def generate_export(
    n_customers: int = 300,
    seed: int = DEFAULT_SEED,
    *,
    end: datetime.date = DEFAULT_END,
    years: int = 2,
) -> dict[str, pd.DataFrame]:
    """A fictional company's export: ``years`` years of history ending on ``end`` (the as-of date).

    Returns the tables "customers", "invoices", "time_entries", "assessments" and "decisions",
    in the export contract's columns. Dates are datetime64 (NaT where blank), amounts floats in
    currency units with 2 decimals, hours floats on a quarter-hour grid; employees and potential
    annual spend nullable integers; repeated strings (customer_id in the fact tables, product
    line, activity) categoricals; blanks are missing values. The same arguments give the same
    tables.
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    rng = np.random.Generator(np.random.PCG64(seed))
    window = _window(end, years)
    plan = _draw_customers(n_customers, window, rng)
    customers = _customers_table(plan, window, rng)
    invoices = _draw_invoices(plan, window, rng)
    customer_id = customers["customer_id"]
    return {
        "customers": customers,
        "invoices": _invoices_table(plan, invoices, customer_id, window, rng),
        "time_entries": _time_entries_table(plan, invoices, customer_id, window, rng),
        "assessments": _assessments_table(plan, customer_id, window, rng),
        "decisions": _decisions_table(plan, customer_id, window),
    }


def write_export(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write each table to ``folder/<name>.csv`` (UTF-8, "\\n" line ends); return the paths.

    Byte-for-byte deterministic: floats with 2 decimals, dates as YYYY-MM-DD, blanks empty.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        table.to_csv(
            path,
            index=False,
            encoding="utf-8",
            lineterminator="\n",
            float_format="%.2f",
            date_format="%Y-%m-%d",
        )
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command line: regenerate the sample export (``python -m helpers.io.sample --help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.io.sample", description="Write a fictional company export."
    )
    parser.add_argument("--customers", type=int, default=300, help="number of customers")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder")
    args = parser.parse_args(argv)
    for path in write_export(generate_export(args.customers, args.seed), args.out):
        print(path)


if __name__ == "__main__":
    main()
