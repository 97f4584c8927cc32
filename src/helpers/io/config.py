"""A company's config: where its export is, how to read it, and the thresholds of its review.

One TOML file per company (``companies/acme.toml``) turns an export whose headers, words, dates
and numbers are not ours into a review without touching code. ``load_config`` reads and checks
it with pydantic: an unknown key or a value of the wrong type is a ``ConfigError`` that names
the file and the key (``review.headache_share``). ``CompanyConfig.notebook_parameters`` gives
the parameters the notebooks take, so the command line, plain papermill and a scheduler run
the same notebook with the same values.

The file, with every key (only ``company`` and ``export.path``, or ``export.connection``, are
required)::

    company = "Acme Ltd"
    currency = "EUR"                  # ISO code of the export's amounts

    [export]
    path = "exports/acme/{period}"    # folder of CSV or Parquet files, or an .xlsx workbook;
                                      # relative to this file; {period} becomes e.g. 2026-Q3
    # Or, in place of path, a database (helpers.io.database) and where its tables are:
    # connection = "postgresql://reviewer@erp-db/erp"   # never with the password in it
    # password_env = "ERP_PASSWORD"   # or password_file = "~/.erp-password"; with neither,
    #                                 # the driver's own (PGPASSWORD, ~/.pgpass)
    # tables = { invoices = "billing.invoices", customers = "SELECT ... FROM crm.accounts" }
    # timeout_seconds = 600           # the longest one query may run
    # aggregate_there = false         # true: the review's queries run in the database, rather
    #                                 # than on a copy of its rows in the embedded engine
    # Or a folder of Parquet files read, checked and aggregated on Apache Spark
    # (helpers.io.spark); path may then be a URL Spark reads (s3a://, hdfs://, abfss://):
    # engine = "spark"                # "duckdb", the default: embedded in this process
    # spark.master = "spark://spark-master:7077"  # or local[4], yarn, k8s://..., or
    #                                 # sc://host:15002 (Spark Connect); left out: spark-submit's
    # spark.settings = { "spark.executor.memory" = "8g" }   # properties of the session
    # Each of the next five, when left out, is found from the export; set it where the
    # export cannot tell (every date fits both DD/MM and MM/DD) or the guess is wrong.
    encoding = "utf-8"                # of the CSV files: utf-8, utf-16, cp1252, gb18030, ...
    delimiter = ","                   # "," ";" "\\t" "|"
    date_format = "%Y-%m-%d"          # strftime pattern: "%d.%m.%Y" for 31.12.2026; per
                                      # file: { invoices = "%d.%m.%Y", time_entries = "%Y-%m-%d" }
    decimal = "."                     # "." or ","
    thousands = ","                   # "", ",", ".", " " or "'"; left out: the other of , and .
    payment_terms_days = 30           # due date of invoices that have none: issued + this
    max_hours_per_entry = 24          # the most one time entry may hold (168: a week's)
    drop_time_for_unknown_customers = false  # true: such time entries are left out (and
                                      # listed under data quality) rather than refused

    [export.files]                    # where a table is not <table>.csv (or sheet <table>)
    customers = "Kunden.csv"

    [columns.customers]               # their header = our column, per table
    "Kundennummer" = "customer_id"

    [values.answer]                   # their word = ours: answer (yes/no), size_band, decision
    ja = "yes"

    [size_bands]                      # lowest headcount of each band (EU SME definition)
    micro = 0
    small = 10
    medium = 50
    large = 250

    [review]                          # the review's thresholds, as the notebook's parameters
    hourly_cost = 60.0
    ...

    [report]
    number_locale = "en"              # how amounts are written: en "€1,234", sv_SE "1 234 kr"
    currency_symbol = ""              # e.g. "kr"; empty: the locale's symbol for the currency
    currency_position = ""            # "before" or "after" the number; empty: the locale's
    pseudonymise = false              # customer names replaced by stable aliases
    pseudonym_key_file = ""           # the aliases' secret key; default: the user's data folder

    [labels]                          # names shown for bands and checklist items, by their code
    fire_candidate = "Exit candidate" # bands: keep, review, fire_candidate, needs_assessment
    values_aligned = "Shared values"  # items: repeat_business, influencer, spend, service,
                                      # upsell, right_reasons, values_aligned
"""

from __future__ import annotations

import codecs
import difflib
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from helpers.errors import ConfigError, ParameterError
from helpers.io.contract import (
    ANSWERS,
    CONTRACT,
    DECISIONS,
    MAX_HOURS_PER_ENTRY,
    SIZE_BAND_FLOORS,
    SIZE_BANDS,
)
from helpers.io.formats import Dialect
from helpers.io.pseudonyms import pseudonym_key
from helpers.io.reading import DatabaseReading, Reading, SparkReading
from helpers.io.settings import ReviewSettings

# The kinds of value an export may word differently, and the words we use for them.
VALUE_KINDS = {"answer": ANSWERS, "size_band": SIZE_BANDS, "decision": DECISIONS}


def slug(text: str) -> str:
    """A folder name for a company: lower case ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "company"


class _Section(BaseModel):
    # strict: "90" is not a number of days, and 0.1 is not a whole number; nan and inf
    # (which TOML allows) are no threshold.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


# The ways a Spark session can be asked to run (SparkSection.master).
_SPARK_MASTERS = re.compile(
    r"local(\[(\*|\d+)(,\d+)?\])?|local-cluster\[\d+,\d+,\d+\]|yarn|"
    r"spark://[^/\s]+|k8s://\S+|sc://[^/\s]+/?(;.*)?"
)


class SparkSection(_Section):
    """Where Spark runs (``helpers.io.reading.SparkReading``)."""

    master: str = ""
    settings: dict[str, str | int | float | bool] = {}

    @field_validator("master")
    @classmethod
    def _master(cls, master: str) -> str:
        if master and not _SPARK_MASTERS.fullmatch(master):
            raise ValueError(
                f"{master!r} is not a Spark master: write local[4], spark://host:7077, yarn, "
                "k8s://https://host:6443 or sc://host:15002 (Spark Connect)"
            )
        if re.search(r";\s*token\s*=", master, re.IGNORECASE):
            raise ValueError(
                "the master holds a token: take it out, and set it in the environment "
                "variable SPARK_CONNECT_AUTHENTICATE_TOKEN, where Spark Connect reads it"
            )
        return master

    @field_validator("settings")
    @classmethod
    def _settings(cls, settings: dict[str, object]) -> dict[str, object]:
        for key in settings:
            if not key.startswith("spark."):
                raise ValueError(f"{key!r} is not a Spark property, such as spark.executor.memory")
        return settings


class ExportSection(_Section):
    # A folder or workbook (path), or a database (connection, with where its tables are).
    path: str | None = None
    connection: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    tables: dict[str, str] = {}
    timeout_seconds: Annotated[int, Field(gt=0, le=86_400)] = 600
    aggregate_there: bool = False
    # Left out: found from the export (helpers.io.encodings, helpers.io.formats).
    encoding: str | None = None
    delimiter: Literal[",", ";", "\t", "|"] | None = None
    # One format for every file, or per table where files come from different systems.
    date_format: str | dict[str, str] | None = None
    decimal: Literal[".", ","] | None = None
    thousands: Literal["", ",", ".", " ", "\u00a0", "'"] | None = None
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] | None = None
    max_hours_per_entry: Annotated[float, Field(gt=0, le=168)] = MAX_HOURS_PER_ENTRY
    drop_time_for_unknown_customers: bool = False
    files: dict[str, str] = {}
    # Where the rows are aggregated: the embedded engine, or Spark (its master and settings).
    engine: Literal["duckdb", "spark"] = "duckdb"
    spark: SparkSection | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ExportSection:
        """A path or a connection, not both; and only what applies to the one given."""
        if (self.path is None) == (self.connection is None):
            raise ValueError(
                "give either path (a folder of CSV or Parquet files, or a workbook) or "
                "connection (a database, such as postgresql://reviewer@erp-db/erp)"
            )
        self._one_engine()
        if self.connection is None:
            given = [k for k in _DATABASE_KEYS if k in self.model_fields_set]
            if given:
                raise ValueError(f"{', '.join(given)} apply to a connection, not to a path")
            return self
        if urlsplit(self.connection).password is not None:
            raise ValueError(
                "the connection holds a password: take it out, and name where it is kept "
                "with password_env (an environment variable) or password_file"
            )
        if self.password_env and self.password_file:
            raise ValueError("give password_env or password_file, not both")
        given = [k for k in _FILE_KEYS if k in self.model_fields_set]
        if given:
            raise ValueError(
                f"{', '.join(given)} apply to files; a database's tables are read as it types them"
            )
        _check_tables(self.tables)
        return self

    def _one_engine(self) -> None:
        """Spark reads a folder of Parquet files, by path or URL; the embedded engine reads no
        URL."""
        if self.engine != "spark":
            if self.spark is not None:
                raise ValueError('spark (its master and settings) applies with engine = "spark"')
            if self.path is not None and _is_url(self.path):
                raise ValueError(
                    f'path {self.path!r} is a URL, which only Spark reads (engine = "spark"): '
                    "give a folder or a workbook on this machine, or a connection for a database"
                )
            return
        if self.connection is not None:
            raise ValueError(
                'engine = "spark" reads a folder of Parquet files (path); a database\'s rows are '
                "aggregated in the database itself with aggregate_there = true"
            )
        given = [k for k in _FILE_KEYS if k in self.model_fields_set and k != "files"]
        if given:
            raise ValueError(
                f"{', '.join(given)} apply to CSV files and workbooks; Spark reads Parquet "
                "files as they type their dates and numbers"
            )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is None:
            return None
        try:
            found = codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"{encoding!r} is not an encoding Python knows") from None
        if not getattr(found, "_is_text_encoding", True):
            # rot13, base64, zlib, ...: codecs that turn bytes into bytes, not into text.
            raise ValueError(f"{encoding!r} is not a text encoding, such as utf-8 or cp1252")
        # Excel's UTF-8 starts with a byte-order mark; reading utf-8 as utf-8-sig drops it.
        return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, pattern: str | dict[str, str] | None) -> str | dict[str, str] | None:
        if isinstance(pattern, dict):
            _check_tables(pattern)
            return {table: cls._date_format(each) for table, each in pattern.items()}
        if pattern is None:
            return None
        if not all(code in pattern for code in ("%d", "%m")) or not re.search("%[Yy]", pattern):
            raise ValueError(
                f"{pattern!r} is not a date format: write it with %d, %m and %Y, "
                "such as %d.%m.%Y for 31.12.2026"
            )
        return pattern

    @field_validator("files")
    @classmethod
    def _tables(cls, files: dict[str, str]) -> dict[str, str]:
        _check_tables(files)
        for table, name in files.items():
            # A file of the export is named within its folder, never a path out of it.
            if Path(name).name != name or name in (".", ".."):
                raise ValueError(
                    f"{table} = {name!r} is not a file name in the export's folder: name the "
                    "file alone, such as Rechnungen.csv"
                )
        return files


# What only a connection takes, and what only files do.
_DATABASE_KEYS = (
    "password_env",
    "password_file",
    "tables",
    "timeout_seconds",
    "aggregate_there",
)
_FILE_KEYS = (
    "encoding",
    "delimiter",
    "date_format",
    "decimal",
    "thousands",
    "files",
    "drop_time_for_unknown_customers",
)


class ReviewSection(_Section):
    """The thresholds of the review; the defaults are the notebook's and the domain's."""

    hourly_cost: float = 60.0
    headache_share: float = 0.10
    judgement_months: int = 12
    min_tenure_months: int = 6
    min_hours: float = 8.0
    non_payer_days: int = 90
    late_payer_days: float = 15.0
    affordable_loss_share: float = 0.02
    max_loss_share: float = 0.10
    resold_share: float = 0.0
    keep_rise_cap: float = 0.30
    exit_ids: list[str] = []
    keep_from: int = 6
    review_from: int = 3
    repeat_quarters_needed: int = 3
    repeat_quarters_window: int = 4
    spend_share_needed: float = 0.5
    upsell_min_headroom: float = 10_000.0
    upsell_min_unbought_lines: int = 2


class ReportSection(_Section):
    number_locale: str = "en"
    currency_symbol: str = ""
    currency_position: Literal["", "before", "after"] = ""
    pseudonymise: bool = False
    pseudonym_key_file: str = ""
    pdf: bool = False  # `run` also prints review.pdf
    # Whose dossier `run` writes beside the review, its names linked to them.
    dossiers: Literal["none", "flagged", "all"] = "flagged"

    def display_parameters(self) -> dict[str, str]:
        """The notebooks' parameters for writing amounts (``helpers.report.money``)."""
        return self.model_dump(include={"number_locale", "currency_symbol", "currency_position"})


class CompanyConfig(_Section):
    company: str
    currency: str = "EUR"
    export: ExportSection
    columns: dict[str, dict[str, str]] = {}
    values: dict[str, dict[str, str]] = {}
    size_bands: dict[str, Annotated[int, Field(ge=0)]] = dict(SIZE_BAND_FLOORS)
    review: ReviewSection = ReviewSection()
    report: ReportSection = ReportSection()
    labels: dict[str, str] = {}
    # Set by load_config: relative paths in the file are read from its folder.
    source: Path = Field(default=Path("."), exclude=True)

    @field_validator("columns")
    @classmethod
    def _columns(cls, columns: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        _check_tables(columns)
        for table, mapping in columns.items():
            ours = [spec.name for spec in CONTRACT[table].fields]
            for theirs, column in mapping.items():
                if column not in ours:
                    raise ValueError(
                        f"[columns.{table}] maps {theirs!r} to {column!r}, which is not a "
                        f"column of {table}; the columns are {', '.join(ours)}"
                    )
        return columns

    @field_validator("values")
    @classmethod
    def _values(cls, values: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for kind, words in values.items():
            if kind not in VALUE_KINDS:
                raise ValueError(
                    f"[values.{kind}]: the kinds of value are {', '.join(VALUE_KINDS)}"
                )
            for theirs, ours in words.items():
                if ours not in VALUE_KINDS[kind]:
                    raise ValueError(
                        f"[values.{kind}] maps {theirs!r} to {ours!r}; "
                        f"write one of {', '.join(VALUE_KINDS[kind])}"
                    )
        return values

    @field_validator("size_bands")
    @classmethod
    def _size_bands(cls, floors: dict[str, int]) -> dict[str, int]:
        if list(floors) != list(SIZE_BANDS) or list(floors.values()) != sorted(
            set(floors.values())
        ):
            raise ValueError(
                "give the lowest headcount of micro, small, medium and large, in that order "
                "and rising, such as micro = 0, small = 10, medium = 50, large = 250"
            )
        return floors

    @field_validator("currency")
    @classmethod
    def _currency(cls, currency: str) -> str:
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            raise ValueError(f"{currency!r} is not a three-letter ISO code such as EUR")
        return currency.upper()

    @property
    def company_slug(self) -> str:
        return slug(self.company)

    def export_path(self, period: str) -> Path | str:
        """Where the export for ``period`` is: ``{period}`` in the path is replaced by it; a
        database's connection as written (it holds no password)."""
        if self.export.connection is not None:
            return self.export.connection
        if _is_url(self.export.path):  # a folder only Spark reads, where it reads it
            return self.export.path.replace("{period}", period)
        path = Path(self.export.path.replace("{period}", period)).expanduser()
        return path if path.is_absolute() else (self.source.parent / path).resolve()

    def reading(self) -> Reading:
        """How to read this company's export (``helpers.io.reading.Reading``)."""
        section = self.export
        return Reading(
            dialect=Dialect(
                encoding=section.encoding,
                delimiter=section.delimiter,
                date_format=section.date_format if isinstance(section.date_format, str) else None,
                decimal=section.decimal,
                thousands=section.thousands,
            ),
            files=section.files,
            columns=self.columns,
            value_words=self.values,
            size_band_floors=self.size_bands,
            payment_terms_days=section.payment_terms_days,
            date_formats=section.date_format if isinstance(section.date_format, dict) else {},
            max_hours_per_entry=section.max_hours_per_entry,
            drop_time_for_unknown_customers=section.drop_time_for_unknown_customers,
            database=DatabaseReading(
                tables=section.tables,
                password_env=section.password_env,
                password_file=self._relative(section.password_file),
                timeout_seconds=section.timeout_seconds,
                aggregate_there=section.aggregate_there,
            ),
            spark=self._spark(),
        )

    def _spark(self) -> SparkReading | None:
        """Where Spark runs, when it is the engine."""
        if self.export.engine != "spark":
            return None
        spark = self.export.spark or SparkSection()
        settings = {
            key: str(value).lower() if isinstance(value, bool) else str(value)
            for key, value in spark.settings.items()
        }
        return SparkReading(master=spark.master, settings=settings)

    def _relative(self, path: str | None) -> str | None:
        """``path``, when relative, read from this file's folder."""
        if path is None:
            return None
        found = Path(path).expanduser()
        return str(found if found.is_absolute() else self.source.parent / found)

    def notebook_parameters(self, period: str) -> dict[str, object]:
        """The notebooks' parameters for ``period``: the export's path, this file, the company,
        the currency and every threshold of ``[review]``."""
        thresholds = self.review.model_dump()
        thresholds["exit_ids"] = ",".join(self.review.exit_ids)
        return {
            "export_path": str(self.export_path(period)),
            "config_path": str(self.source.resolve()),
            "period": period,
            "company": self.company,
            "currency": self.currency,
            **self.report.display_parameters(),
            "labels": dict(self.labels),
            **thresholds,
        }

    def key_file(self) -> Path:
        """Where the secret key behind the pseudonyms is kept: never in a report."""
        if self.report.pseudonym_key_file:
            path = Path(self.report.pseudonym_key_file).expanduser()
            return path if path.is_absolute() else self.source.parent / path
        return platformdirs.user_data_path("customer-review") / f"{self.company_slug}.key"


def _is_url(path: str) -> bool:
    """Whether ``path`` is a URL (``s3a://bucket/exports``) rather than a path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", path) is not None


def _check_tables(by_table: dict[str, Any]) -> None:
    for table in by_table:
        if table not in CONTRACT:
            raise ValueError(f"{table!r} is not a table; the tables are {', '.join(CONTRACT)}")


def load_config(path: str | Path) -> CompanyConfig:
    """Read and check the company config at ``path``.

    Raises ``ConfigError`` naming the file and each key that is unknown, missing or of the
    wrong type, and for thresholds the review would refuse (``ReviewSettings``)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config not found: {path}", file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not readable as TOML: {error}", file=str(path)) from None
    try:
        config = CompanyConfig.model_validate({**data, "source": path})
    except ValidationError as error:
        first = ".".join(str(part) for part in error.errors()[0]["loc"])
        raise ConfigError(_problems(path, data, error), file=str(path), key=first) from None
    try:
        ReviewSettings.from_parameters(**config.review.model_dump(), currency=config.currency)
    except ParameterError as error:
        raise ConfigError(
            f"{path}: [review] {error}", file=str(path), key=f"review.{error.parameter}"
        ) from None
    try:
        ReviewSettings(
            currency=config.currency, labels=config.labels, **config.report.display_parameters()
        )
    except ParameterError as error:
        key = "labels" if error.parameter == "labels" else f"report.{error.parameter}"
        section = "[labels]" if error.parameter == "labels" else "[report]"
        raise ConfigError(f"{path}: {section} {error}", file=str(path), key=key) from None
    return config


def _problems(path: Path, data: dict[str, Any], error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} problem(s) in the config."]
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"])
        if problem["type"] == "extra_forbidden":
            *section, name = (str(part) for part in problem["loc"])
            near = difflib.get_close_matches(name, _allowed_keys(section), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            lines.append(f"  - {key}: unknown key{hint}")
        elif problem["type"] == "missing":
            lines.append(f"  - {key}: required, but missing")
        elif problem["type"] == "value_error":  # our validators' messages quote the value
            lines.append(f"  - {key}: {problem['msg'].removeprefix('Value error, ')}")
        else:
            lines.append(f"  - {key}: {problem['msg']} (got {problem.get('input')!r})")
    return "\n".join(lines)


def _allowed_keys(section: list[str]) -> list[str]:
    model: type[BaseModel] = CompanyConfig
    for name in section:
        annotation = model.model_fields[name].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [name for name in model.model_fields if name != "source"]


def reading_for(config_path: str | Path) -> tuple[Reading, bytes | None]:
    """The reading of a config file and, when it asks for pseudonyms, their key."""
    config = load_config(config_path)
    key = pseudonym_key(config.key_file()) if config.report.pseudonymise else None
    return config.reading(), key
