"""Company configs: reading an export that is not written our way, and refusing bad configs."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from helpers.app.notebooks import export_from_parameters
from helpers.app.run import REVIEW_NOTEBOOK, notebook_defaults
from helpers.errors import ConfigError, ExportError
from helpers.io.config import ReviewSection, load_config
from helpers.io.export import load_export
from helpers.io.pseudonyms import pseudonym, pseudonym_key, pseudonymised
from helpers.io.settings import ReviewSettings
from helpers.report.words import band_labels, display, item_labels, money
from tests.support import GERMAN_CONFIG, write_german_export


def write_config(folder: Path, text: str, name: str = "company.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def german(tiny_export: Path, tmp_path: Path) -> Path:
    """The tiny export as a German system writes it, and its config beside it."""
    write_german_export(tiny_export, tmp_path / "german")
    return write_config(tmp_path, GERMAN_CONFIG.format(path="german"))


def test_german_export_reads_as_the_same_tables(german: Path, tiny_export: Path):
    config = load_config(german)
    ours = load_export(tiny_export)
    theirs = load_export(config.export_path("2026-Q3"), config.reading())
    for table in ("customers", "invoices", "time_entries", "assessments"):
        pd.testing.assert_frame_equal(getattr(theirs, table), getattr(ours, table))
    # Spot checks by hand: "1.500,00" is 1500.0, "01.07.2026" is 1 July, "-50,00" a credit.
    invoices = theirs.invoices.set_index("invoice_id")
    assert invoices.loc["A0a", "amount"] == 1500.0
    assert invoices.loc["C2", "amount"] == -50.0
    assert invoices.loc["A1", "issued_on"] == pd.Timestamp("2026-07-01")
    # "nein" for B's right_reasons; "JA"/"Nein" in any case; B's repeat_business overridden yes.
    b = theirs.assessments.set_index("customer_id").loc["B"]
    assert (b["right_reasons"], b["repeat_business"]) == ("no", "yes")
    assert [f.name for f in theirs.files][:2] == ["Kunden.csv", "Rechnungen.csv"]


def problems_after_edit(config_path: Path, file: str, old: str, new: str) -> list[str]:
    """The problems found when ``file`` of the German export has ``old`` replaced by ``new``."""
    path = config_path.parent / "german" / file
    path.write_text(path.read_text(encoding="utf-8-sig").replace(old, new), "utf-8")
    config = load_config(config_path)
    with pytest.raises(ExportError) as error:
        load_export(config.export_path("2026-Q3"), config.reading())
    return [str(problem) for problem in error.value.problems]


def test_a_date_in_another_format_is_named_with_the_format_expected(german: Path):
    problems = problems_after_edit(german, "Rechnungen.csv", "01.07.2026", "2026-07-01")
    # A1 is the third invoice: row 4 of the file, the header being row 1.
    assert problems[0] == (
        "Rechnungen.csv, row 4, column issued_on: '2026-07-01' is not a date written DD.MM.YYYY"
    )


def test_a_mapped_header_missing_from_the_file_is_named(german: Path):
    messages = problems_after_edit(german, "Zeiterfassung.csv", "Stunden", "Std")
    assert messages[0].startswith(
        "Zeiterfassung.csv, row 1, column Stunden: the config maps column 'Stunden' to 'hours', "
        "but the file has no column 'Stunden'"
    )
    assert (
        "Zeiterfassung.csv, row 1, column hours: required column 'hours' is missing"
        in (messages[1])
    )


def test_payment_terms_give_invoices_without_due_date_one(tiny_export: Path, tmp_path: Path):
    invoices = pd.read_csv(tiny_export / "invoices.csv", dtype=str).drop(columns="due_on")
    invoices.to_csv(tiny_export / "invoices.csv", index=False)
    path = write_config(
        tmp_path,
        f'company = "T"\n[export]\npath = "{tiny_export}"\npayment_terms_days = 30\n',
    )
    config = load_config(path)
    due = load_export(tiny_export, config.reading()).invoices.set_index("invoice_id")["due_on"]
    # 1 July + 30 days = 31 July; 10 July + 30 = 9 August; 15 Sep + 30 = 15 October.
    assert due["A1"] == pd.Timestamp("2026-07-31")
    assert due["B2"] == pd.Timestamp("2026-08-09")
    assert due["A3"] == pd.Timestamp("2026-10-15")


def test_size_band_floors_from_the_config(tiny_export: Path, tmp_path: Path):
    path = write_config(
        tmp_path,
        f'company = "T"\n[export]\npath = "{tiny_export}"\n'
        "[size_bands]\nmicro = 0\nsmall = 5\nmedium = 25\nlarge = 500\n",
    )
    bands = load_export(tiny_export, load_config(path).reading()).customers.set_index(
        "customer_id"
    )["size_band"]
    # C has 5 employees: small from 5. B 20: still small (under 25). A 300: medium (under 500).
    assert (bands["A"], bands["B"], bands["C"]) == ("medium", "small", "small")


def test_parquet_folder_reads_as_the_csv_folder(tiny_export: Path, tmp_path: Path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    dates = {"invoices": ["issued_on", "due_on", "paid_on"], "time_entries": ["date"]}
    dates["assessments"] = ["assessed_on"]
    for table in ("customers", "invoices", "time_entries", "assessments"):
        # Typed as a system writing Parquet would: dates as dates, amounts as numbers.
        frame = pd.read_csv(tiny_export / f"{table}.csv", parse_dates=dates.get(table, []))
        frame.to_parquet(folder / f"{table}.parquet")
    ours, theirs = load_export(tiny_export), load_export(folder)
    for table in ("customers", "invoices", "time_entries", "assessments"):
        pd.testing.assert_frame_equal(getattr(theirs, table), getattr(ours, table))
    assert [f.name for f in theirs.files][0] == "customers.parquet"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('company = "T"\n', "export: required, but missing"),
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nheadache_shar = 0.1\n',
            "review.headache_shar: unknown key; did you mean 'headache_share'?",
        ),
        (
            'company = "T"\ncolour = "red"\n[export]\npath = "x"\n',
            "colour: unknown key",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nhourly_cost = "60"\n',
            "review.hourly_cost: Input should be a valid number (got '60')",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nnon_payer_days = 90.5\n',
            "review.non_payer_days: Input should be a valid integer (got 90.5)",
        ),
        (
            'company = "T"\n[export]\npath = "x"\ndelimiter = ":"\n',
            "export.delimiter: Input should be ',', ';', '\\t' or '|' (got ':')",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nencoding = "klingon"\n',
            "export.encoding: 'klingon' is not an encoding Python knows",
        ),
        (
            'company = "T"\n[export]\npath = "x"\ndate_format = "%d.%m"\n',
            "export.date_format: '%d.%m' is not a date format",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[columns.invoices]\nBetrag = "amnt"\n',
            "[columns.invoices] maps 'Betrag' to 'amnt', which is not a column of invoices",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[columns.bills]\nBetrag = "amount"\n',
            "'bills' is not a table",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[values.answer]\nvielleicht = "maybe"\n',
            "[values.answer] maps 'vielleicht' to 'maybe'; write one of yes, no",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nkeep_from = 2\n',
            "[review] the band lines must rise within the seven items",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nheadache_share = 0.7\n',
            "[review] headache_share must be a share between 0 and 0.5",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[report]\nnumber_locale = "xx_YY"\n',
            "[report] number_locale must be a locale such as en, de_DE or sv_SE (got 'xx_YY')",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[report]\ncurrency_position = "left"\n',
            "report.currency_position: Input should be '', 'before' or 'after' (got 'left')",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[labels]\nfired = "Gone"\n',
            "[labels] labels must give a name for bands (keep, review, fire_candidate",
        ),
        ('company = "T"\n[export\n', "not readable as TOML"),
        # Codecs Python knows that turn bytes into bytes, not into text.
        (
            'company = "T"\n[export]\npath = "x"\nencoding = "rot13"\n',
            "export.encoding: 'rot13' is not a text encoding, such as utf-8 or cp1252",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nencoding = "base64"\n',
            "export.encoding: 'base64' is not a text encoding, such as utf-8 or cp1252",
        ),
        # A file of the export named by a path out of its folder.
        (
            'company = "T"\n[export]\npath = "x"\n[export.files]\ninvoices = "../../etc/passwd"\n',
            "export.files: invoices = '../../etc/passwd' is not a file name in the export's folder",
        ),
        # A database rather than files: one or the other, its password never in the file, and
        # no setting of a file's for it.
        (
            'company = "T"\n[export]\n',
            "export: give either path (a folder of CSV or Parquet files, or a workbook) or "
            "connection",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nconnection = "postgresql://r@db/erp"\n',
            "export: give either path",
        ),
        (
            'company = "T"\n[export]\nconnection = "postgresql://r:s3cret@db/erp"\n',
            "the connection holds a password: take it out",
        ),
        (
            'company = "T"\n[export]\nconnection = "postgresql://r@db/erp"\ndelimiter = ";"\n',
            "delimiter apply to files; a database's tables are read as it types them",
        ),
        (
            'company = "T"\n[export]\npath = "x"\npassword_env = "PW"\n',
            "password_env apply to a connection, not to a path",
        ),
        (
            'company = "T"\n[export]\nconnection = "postgresql://r@db/erp"\n'
            '[export.tables]\nbills = "billing.bills"\n',
            "'bills' is not a table",
        ),
        # Spark reads Parquet files by path or URL; the embedded engine reads no URL.
        (
            'company = "T"\n[export]\nconnection = "postgresql://r@db/erp"\nengine = "spark"\n',
            'engine = "spark" reads a folder of Parquet files (path)',
        ),
        (
            'company = "T"\n[export]\npath = "x"\nspark.master = "local[2]"\n',
            'spark (its master and settings) applies with engine = "spark"',
        ),
        (
            'company = "T"\n[export]\npath = "x"\nengine = "spark"\ndelimiter = ";"\n',
            "delimiter apply to CSV files and workbooks; Spark reads Parquet files",
        ),
        (
            'company = "T"\n[export]\npath = "s3a://acme/exports"\n',
            "path 's3a://acme/exports' is a URL, which only Spark reads",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nengine = "flink"\n',
            "export.engine: Input should be 'duckdb' or 'spark'",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nengine = "spark"\nspark.master = "spark:/h"\n',
            "export.spark.master: 'spark:/h' is not a Spark master: write local[4]",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nengine = "spark"\n'
            'spark.master = "sc://h:15002/;token=s3cret"\n',
            "the master holds a token: take it out, and set it in the environment variable "
            "SPARK_CONNECT_AUTHENTICATE_TOKEN",
        ),
        (
            'company = "T"\n[export]\npath = "x"\nengine = "spark"\n'
            'spark.settings = { "executor.memory" = "8g" }\n',
            "'executor.memory' is not a Spark property, such as spark.executor.memory",
        ),
        # TOML writes nan and inf; neither is a threshold.
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nhourly_cost = nan\n',
            "review.hourly_cost: Input should be a finite number (got nan)",
        ),
        (
            'company = "T"\n[export]\npath = "x"\n[review]\nupsell_min_headroom = -inf\n',
            "review.upsell_min_headroom: Input should be a finite number (got -inf)",
        ),
    ],
)
def test_bad_configs_are_refused_naming_the_key(tmp_path: Path, text: str, message: str):
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "s3cret" not in str(error.value)


def test_a_database_config_gives_its_connection_and_where_its_password_is(tmp_path: Path):
    path = write_config(
        tmp_path,
        'company = "T"\n[export]\nconnection = "postgresql://reviewer@erp-db/erp"\n'
        'password_file = "secrets/erp"\ntimeout_seconds = 120\n'
        '[export.tables]\ninvoices = "billing.invoices"\n',
    )
    config = load_config(path)
    assert config.export_path("2026-Q3") == "postgresql://reviewer@erp-db/erp"
    assert config.notebook_parameters("2026-Q3")["export_path"] == (
        "postgresql://reviewer@erp-db/erp"
    )
    database = config.reading().database
    assert database.table_for("invoices") == "billing.invoices"
    assert database.table_for("customers") == "customers"
    # The password file is read from the config's folder, as every path in it is.
    assert database.password_file == str(tmp_path / "secrets" / "erp")
    assert database.password_env is None
    assert database.timeout_seconds == 120


def test_a_spark_config_gives_its_master_settings_and_export_by_url(tmp_path: Path):
    path = write_config(
        tmp_path,
        'company = "T"\n[export]\npath = "s3a://acme-exports/{period}"\nengine = "spark"\n'
        '[export.spark]\nmaster = "spark://m1:7077,m2:7077"\n'
        'settings = { "spark.executor.memory" = "8g", "spark.executor.instances" = 4, '
        '"spark.dynamicAllocation.enabled" = false }\n',
    )
    config = load_config(path)
    # A URL is Spark's to read: the period goes into it, and it is not made a local path.
    assert config.export_path("2026-Q3") == "s3a://acme-exports/2026-Q3"
    spark = config.reading().spark
    assert spark.master == "spark://m1:7077,m2:7077"
    # Spark's properties are text: numbers as written, true and false in lower case.
    assert spark.settings == {
        "spark.executor.memory": "8g",
        "spark.executor.instances": "4",
        "spark.dynamicAllocation.enabled": "false",
    }
    local = write_config(tmp_path / "local", 'company = "T"\n[export]\npath = "x"\n')
    assert load_config(local).reading().spark is None


def test_notebook_parameters_resolve_the_period_in_the_export_path(tmp_path: Path):
    path = write_config(
        tmp_path / "companies",
        'company = "Acme"\ncurrency = "usd"\n[export]\npath = "../exports/{period}"\n'
        "[review]\nhourly_cost = 80\nexit_ids = ['C1', 'C2']\n",
    )
    parameters = load_config(path).notebook_parameters("2026-03")
    assert parameters["export_path"] == str((tmp_path / "exports" / "2026-03").resolve())
    assert parameters["config_path"] == str(path.resolve())
    assert (parameters["currency"], parameters["hourly_cost"]) == ("USD", 80.0)
    assert parameters["exit_ids"] == "C1,C2"
    assert parameters["headache_share"] == 0.10  # the default, not in the file
    assert (parameters["number_locale"], parameters["labels"]) == ("en", {})  # the defaults


def test_display_and_labels_reach_the_notebook_parameters(tmp_path: Path):
    path = write_config(
        tmp_path,
        'company = "Nordvik AB"\ncurrency = "SEK"\n[export]\npath = "x"\n'
        '[report]\nnumber_locale = "sv_SE"\ncurrency_symbol = "kr"\n'
        'currency_position = "after"\n'
        '[labels]\nfire_candidate = "Avslut"\nvalues_aligned = "Värderingar"\n',
    )
    parameters = load_config(path).notebook_parameters("2026-Q3")
    assert {k: parameters[k] for k in ("currency", "number_locale", "currency_symbol")} == {
        "currency": "SEK",
        "number_locale": "sv_SE",
        "currency_symbol": "kr",
    }
    assert parameters["labels"] == {"fire_candidate": "Avslut", "values_aligned": "Värderingar"}
    settings = ReviewSettings.from_parameters(
        **{k: v for k, v in parameters.items() if k in dict(ReviewSettings().as_rows())}
    )
    # 12,345.6 rounds to 12,346; Swedish groups thousands with a no-break space.
    assert money(12345.6, display(settings)) == "12\u00a0346\u00a0kr"
    assert band_labels(settings)["fire_candidate"] == "Avslut"
    assert band_labels(settings)["keep"] == "Keep"  # not named in the file: ours
    assert item_labels(settings)["values_aligned"] == "Värderingar"


def test_pseudonyms_are_stable_secret_and_distinct():
    key, other = b"k" * 32, b"o" * 32
    alias = pseudonym("C0037", key)
    assert alias == pseudonym("C0037", key)  # the same in every period
    assert alias != pseudonym("C0037", other)  # not guessable without the key
    assert alias != pseudonym("C0038", key)
    assert alias.startswith("Customer ") and len(alias) == len("Customer ABCD-EFGH")


def test_pseudonymised_review_shows_no_real_name(tiny_export: Path, tmp_path: Path):
    key_file = tmp_path / "keys" / "t.key"
    path = write_config(
        tmp_path,
        f'company = "T"\n[export]\npath = "{tiny_export}"\n'
        f'[report]\npseudonymise = true\npseudonym_key_file = "{key_file}"\n',
    )
    export = export_from_parameters(str(tiny_export), str(path))
    names = set(export.customers["name"])
    assert not names & {"Alpha Ltd", "Beta & Sons", "Gamma OÜ", "Delta GmbH", "Epsilon AS"}
    key = pseudonym_key(key_file)
    assert export.customers.set_index("customer_id").loc["A", "name"] == pseudonym("A", key)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by its owner only
    again = pseudonymised(load_export(tiny_export), pseudonym_key(key_file))
    assert set(again.customers["name"]) == names  # the key file is reused, aliases stable


def test_review_defaults_are_the_notebooks_and_the_reviews():
    # The config's [review] defaults are written out for people reading config.py; they must
    # be the notebook's, or a config without a key would review differently from papermill.
    section = ReviewSection().model_dump()
    section["exit_ids"] = ""
    notebook = notebook_defaults(REVIEW_NOTEBOOK)
    assert section == {name: notebook[name] for name in section}
    settings = dict(ReviewSettings().as_rows())
    assert {k: v for k, v in section.items() if k != "exit_ids"} == {
        k: settings[k] for k in section if k != "exit_ids"
    }


def test_a_parquet_export_with_numeric_ids_and_a_bad_number_names_the_row(tmp_path: Path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    # Ids typed as integers, as a database would write them; the third time entry (spreadsheet
    # row 4, after the header) has negative hours.
    pd.DataFrame({"customer_id": [1, 2], "name": ["One", "Two"]}).to_parquet(
        folder / "customers.parquet"
    )
    pd.DataFrame(
        {
            "invoice_id": [10, 11],
            "customer_id": [1, 2],
            "issued_on": pd.to_datetime(["2026-07-01", "2026-08-01"]),
            "due_on": pd.to_datetime(["2026-07-31", "2026-08-31"]),
            "paid_on": pd.to_datetime([None, "2026-08-20"]),
            "amount": [100.0, 250.5],
        }
    ).to_parquet(folder / "invoices.parquet")
    pd.DataFrame(
        {
            "customer_id": [1, 2, 2],
            "date": pd.to_datetime(["2026-07-02", "2026-08-02", "2026-08-03"]),
            "hours": [1.5, 2.0, -3.0],
        }
    ).to_parquet(folder / "time_entries.parquet")
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    assert [str(p) for p in raised.value.problems] == [
        "time_entries.parquet, row 4, column hours: -3.0 is not at least 0"
    ]
    (folder / "time_entries.parquet").unlink()
    export = load_export(folder)
    assert list(export.invoices["customer_id"]) == ["1", "2"]
    assert list(export.invoices["invoice_id"]) == ["10", "11"]
    # Invoice 10 is unpaid: its missing date stays missing, the other is read as written.
    paid = export.invoices["paid_on"]
    assert paid.isna().tolist() == [True, False] and paid[1] == pd.Timestamp("2026-08-20")


def test_payment_terms_fill_a_parquet_export_s_typed_due_dates(tiny_export: Path, tmp_path: Path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    for table in ("customers", "invoices"):
        frame = pd.read_csv(tiny_export / f"{table}.csv")
        if table == "invoices":
            frame = frame.drop(columns="due_on")
            for column in ("issued_on", "paid_on"):
                frame[column] = pd.to_datetime(frame[column])
        frame.to_parquet(folder / f"{table}.parquet")
    path = write_config(
        tmp_path, f'company = "T"\n[export]\npath = "{folder}"\npayment_terms_days = 30\n'
    )
    invoices = load_export(folder, load_config(path).reading()).invoices
    due = invoices.set_index("invoice_id")["due_on"]
    # As for CSV: 1 July + 30 days = 31 July; 10 July + 30 = 9 August; 15 Sep + 30 = 15 Oct.
    assert due["A1"] == pd.Timestamp("2026-07-31")
    assert due["B2"] == pd.Timestamp("2026-08-09")
    assert due["A3"] == pd.Timestamp("2026-10-15")


def test_a_parquet_export_written_by_pandas_keeps_its_rows_and_quotes_dates(tmp_path: Path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    # Written as pandas writes a frame indexed by id with categorical ids and zoned times: the
    # index is read back as the column it is, text decoded, times at their local day.
    customers = pd.DataFrame({"customer_id": ["A", "B"], "name": ["Aster", "Birch"]})
    customers.set_index("customer_id").to_parquet(folder / "customers.parquet")
    zoned = pd.to_datetime(["2026-07-01 09:00", "2026-08-01 23:30"]).tz_localize("Europe/Berlin")
    invoices = pd.DataFrame(
        {
            "invoice_id": ["I1", "I2"],
            "customer_id": pd.Categorical(["A", "B"]),
            "issued_on": zoned,
            "due_on": zoned + pd.Timedelta(days=30),
            # I2 (spreadsheet row 3) is paid on 20 July, before it was issued on 1 August.
            "paid_on": pd.to_datetime(["2026-07-20", "2026-07-20"]).tz_localize("Europe/Berlin"),
            "amount": [100.0, 250.0],
        }
    )
    invoices.set_index("invoice_id").to_parquet(folder / "invoices.parquet")
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    assert [str(p) for p in raised.value.problems] == [
        "invoices.parquet, row 3, column paid_on: paid on '2026-07-20', before the invoice "
        "was issued on '2026-08-01'"
    ]
    invoices.loc[1, "paid_on"] = pd.NaT
    invoices.set_index("invoice_id").to_parquet(folder / "invoices.parquet")
    export = load_export(folder)
    assert list(export.customers["customer_id"]) == ["A", "B"]
    assert list(export.invoices["invoice_id"]) == ["I1", "I2"]
    assert list(export.invoices["customer_id"]) == ["A", "B"]
    # 23:30 in Berlin on 1 August is still 1 August there (21:30 UTC).
    assert export.invoices["issued_on"].tolist() == [
        pd.Timestamp("2026-07-01 09:00"),
        pd.Timestamp("2026-08-01 23:30"),
    ]


def test_infinite_numbers_in_a_typed_parquet_column_are_named(tmp_path: Path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    pd.DataFrame({"customer_id": [1, 2], "name": ["One", "Two"]}).to_parquet(
        folder / "customers.parquet"
    )
    pd.DataFrame(
        {
            "invoice_id": [10, 11, 12],
            "customer_id": [1, 2, 2],
            "issued_on": pd.to_datetime(["2026-07-01", "2026-08-01", "2026-08-02"]),
            "due_on": pd.to_datetime(["2026-07-31", "2026-08-31", "2026-08-31"]),
            "paid_on": pd.to_datetime([None, "2026-08-20", None]),
            "amount": [100.0, float("inf"), float("-inf")],
        }
    ).to_parquet(folder / "invoices.parquet")
    pd.DataFrame(
        {
            "customer_id": [1, 2],
            "date": pd.to_datetime(["2026-07-02", "2026-08-02"]),
            "hours": [1.5, float("inf")],
        }
    ).to_parquet(folder / "time_entries.parquet")
    with pytest.raises(ExportError) as raised:
        load_export(folder)
    # Rows counted as a spreadsheet shows them, after the header.
    assert [str(p) for p in raised.value.problems] == [
        "invoices.parquet, row 3, column amount: inf is not a number",
        "invoices.parquet, row 4, column amount: -inf is not a number",
        "time_entries.parquet, row 3, column hours: inf is not a number",
    ]


def test_a_key_file_that_is_a_folder_or_holds_no_key_is_named(tmp_path: Path):
    folder = tmp_path / "keys"
    folder.mkdir()
    with pytest.raises(ConfigError, match="is a folder, not a key file") as refused:
        pseudonym_key(folder)
    assert refused.value.key == "report.pseudonym_key_file"
    scribble = tmp_path / "scribble.key"
    scribble.write_text("not a key", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no key: a key file holds 64 hexadecimal"):
        pseudonym_key(scribble)
    short = tmp_path / "short.key"
    short.write_text("abcd", encoding="utf-8")  # two bytes, not thirty-two
    with pytest.raises(ConfigError, match="holds no key"):
        pseudonym_key(short)
    made = tmp_path / "new" / "t.key"
    assert len(pseudonym_key(made)) == 32 and pseudonym_key(made) == pseudonym_key(made)
