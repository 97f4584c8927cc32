"""The export contract: the tables a company's export holds, their columns, and the codes the
workbook's own files (``customer_scores.csv``, the history) write.

Each table is described once, in ``CONTRACT``: its columns, what kind of value each holds, and
whether it is required. ``helpers.io.checks`` turns the description into checks; the README's
tables say the same in words.
"""

from __future__ import annotations

from dataclasses import dataclass

SIZE_BANDS = ("micro", "small", "medium", "large")
# EU SME definition (Commission Recommendation 2003/361/EC), by headcount only: exports rarely
# carry turnover or balance sheet totals. Lower bounds of each band.
SIZE_BAND_FLOORS = {"micro": 0, "small": 10, "medium": 50, "large": 250}
UNKNOWN_SIZE = "unknown"  # a customer with neither size_band nor employees
# What an analyst can record having decided about a customer (decisions.csv); the first two
# end the relationship and are followed in the report's "moving on" section.
DECISIONS = (
    "let_go",
    "notice",
    "price_increase",
    "quarterly_increase",
    "headache_tax",
    "repair_plan",
    "keep",
)
EXIT_DECISIONS = ("let_go", "notice")
ANSWERS = ("yes", "no")
DATE_FORMAT = "%Y-%m-%d"
# The most hours one time entry (one day's work for one customer) can hold; a company whose
# people log a week in one entry sets its own (``max_hours_per_entry`` in the config).
MAX_HOURS_PER_ENTRY = 24.0


@dataclass(frozen=True)
class Field:
    """One column of the contract.

    kind: ``id`` (text, stripped), ``text``, ``integer``, ``number``, ``date``, ``size_band``,
    ``answer`` (yes/no/blank) or ``decision`` (one of ``DECISIONS``). ``required`` columns must
    be present; ``filled`` ones may not hold blanks; ``unique`` ones may not repeat;
    ``minimum``/``maximum`` bound numbers.
    """

    name: str
    kind: str
    required: bool = False
    filled: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    references_customers: bool = False


@dataclass(frozen=True)
class Table:
    """One file of the export: its name (without extension), whether it must exist, its fields."""

    name: str
    required: bool
    fields: tuple[Field, ...]

    @property
    def required_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


CHECKLIST_FROM_ASSESSMENT = ("influencer", "right_reasons", "values_aligned")
CHECKLIST_FROM_DATA = ("repeat_business", "spend", "service", "upsell")

CONTRACT: dict[str, Table] = {
    "customers": Table(
        "customers",
        required=True,
        fields=(
            Field("customer_id", "id", required=True, filled=True, unique=True),
            Field("name", "text", required=True, filled=True),
            Field("employees", "integer", minimum=0),
            Field("size_band", "size_band"),
            Field("potential_annual_spend", "number", minimum=0),
            Field("industry", "text"),
            Field("account_owner", "text"),
            Field("customer_since", "date"),
        ),
    ),
    "invoices": Table(
        "invoices",
        required=True,
        fields=(
            Field("invoice_id", "id", required=True, filled=True, unique=True),
            Field("customer_id", "id", required=True, filled=True, references_customers=True),
            Field("issued_on", "date", required=True, filled=True),
            Field("due_on", "date", required=True, filled=True),
            Field("paid_on", "date"),
            Field("amount", "number", required=True, filled=True),
            Field("product_line", "text"),
        ),
    ),
    "time_entries": Table(
        "time_entries",
        required=False,
        fields=(
            Field("customer_id", "id", required=True, filled=True, references_customers=True),
            Field("date", "date", required=True, filled=True),
            Field("hours", "number", required=True, filled=True, minimum=0),
            Field("activity", "text"),
        ),
    ),
    "assessments": Table(
        "assessments",
        required=False,
        fields=(
            Field("customer_id", "id", required=True, filled=True, references_customers=True),
            Field("assessed_on", "date", required=True, filled=True),
            *(Field(item, "answer") for item in CHECKLIST_FROM_ASSESSMENT),
            *(Field(item, "answer") for item in CHECKLIST_FROM_DATA),
            # yes: the account owner vouches that the customer pays (a payment plan, a dispute
            # being settled), which keeps a customer with a debt long overdue out of the fire band.
            Field("pays", "answer"),
            Field("notes", "text"),
        ),
    ),
    "decisions": Table(
        "decisions",
        required=False,
        fields=(
            Field("customer_id", "id", required=True, filled=True, references_customers=True),
            Field("decided_on", "date", required=True, filled=True),
            Field("decision", "decision", required=True, filled=True),
            Field("notes", "text"),
        ),
    ),
}

# The seven items of the checklist, in the practice's order: four answered from data, three
# only by a person's assessment (assessments.csv may answer any of them).
CHECKLIST_ITEMS = (
    "repeat_business",
    "influencer",
    "spend",
    "service",
    "upsell",
    "right_reasons",
    "values_aligned",
)
assert set(CHECKLIST_ITEMS) == set(CHECKLIST_FROM_DATA) | set(CHECKLIST_FROM_ASSESSMENT)
# The bands a customer is placed in, as the workbook's files write them: by its checklist score,
# or too new to judge.
BANDS = ("keep", "review", "fire_candidate", "needs_assessment", "too_new")
