"""What the notebooks call: parameters checked first, then the export and the history read.
(The review notebook run from its own folder, as JupyterLab runs it, is in
tests/test_end_to_end.py.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers.app.notebooks import (
    check_injected_parameters,
    checked_parameters,
    dossier_from_parameters,
    export_from_parameters,
    found_history,
    review_from_parameters,
)
from helpers.errors import (
    ExportError,
    ExportNotFoundError,
    ParameterError,
    PeriodError,
    Refusal,
)
from helpers.io.history import record_outcomes
from helpers.io.periods import parse_period
from helpers.review.strikes import outcome_rows
from tests.support import TINY_SETTINGS


def test_parameters_are_checked_before_the_export_is_read(tiny_export: Path):
    (tiny_export / "invoices.csv").write_text("not,an,invoice\n", encoding="utf-8")
    # A bad parameter is named, though the export is broken too.
    with pytest.raises(ParameterError, match="headache_share") as refused:
        review_from_parameters(str(tiny_export), "2026-Q3", headache_share=2)
    assert refused.value.parameter == "headache_share"
    with pytest.raises(PeriodError) as refused:
        review_from_parameters(str(tiny_export), "2026-Q5")
    assert refused.value.parameter == "period"
    # checked_parameters reads nothing of the export: the broken file passes it.
    assert checked_parameters(str(tiny_export), "2026-Q3").label == "2026-Q3"
    with pytest.raises(ExportError) as refused:
        review_from_parameters(str(tiny_export), "2026-Q3")
    # The file holds no rows, and lacks the required columns: each problem located.
    assert refused.value.file == "invoices.csv"
    located = {(p.file, p.row, p.column) for p in refused.value.problems}
    assert ("invoices.csv", 1, "issued_on") in located


def test_a_missing_export_is_a_refusal_and_a_missing_file(tmp_path: Path):
    with pytest.raises(ExportNotFoundError, match="export not found") as refused:
        checked_parameters(str(tmp_path / "nowhere"), "2026-Q3")
    assert isinstance(refused.value, Refusal) and isinstance(refused.value, FileNotFoundError)


def test_the_history_is_read_for_the_strikes(tiny_export: Path, tmp_path: Path):
    # E was on the headache list in 2026-Q2 as recorded; in 2026-Q3 it is again (40%).
    history = tmp_path / "history.sqlite"
    q2 = pd.DataFrame(
        {"name": ["Epsilon AS"], "band": ["review"], "on_headache_list": [True]},
        index=pd.Index(["E"], name="customer_id"),
    )
    record_outcomes(history, "2026-Q2", outcome_rows(parse_period("2026-Q2"), q2))
    review = review_from_parameters(
        str(tiny_export), "2026-Q3", history_path=str(history), **TINY_SETTINGS
    )
    assert review.customers.loc["E", "strike_periods"] == "2026-Q2, 2026-Q3"
    assert review.customers.loc["E", "strikes_from_export"] == ""  # Q2 as recorded
    assert review.history.path == str(history) and review.history.exists


def test_dossier_from_parameters_checks_the_id_against_the_export(tiny_export: Path):
    with pytest.raises(ParameterError, match=r"customer_id 'b' is not in the export; close: B"):
        dossier_from_parameters(str(tiny_export), "2026-Q3", "b", headache_share=0.4)
    found = dossier_from_parameters(str(tiny_export), "2026-Q3", "B", **TINY_SETTINGS)
    assert found.name == "Beta & Sons" and found.customer["band"] == "fire_candidate"
    # With the default settings B, a customer since its first invoice on 1 May, is less than
    # six months old on 30 September: too new to judge, though it does not pay.
    found = dossier_from_parameters(str(tiny_export), "2026-Q3", "B")
    assert found.customer["band"] == "too_new" and found.customer["non_payer"]


@pytest.mark.parametrize(
    ("period", "as_of", "today", "judged_on"),
    [
        # The tiny export's last record is A's assessment of 15 October 2026.
        ("2026-Q3", "", date(2026, 12, 1), date(2026, 9, 30)),  # the period's end
        ("2026-Q3", "", date(2026, 8, 20), date(2026, 8, 20)),  # today, mid-quarter
        ("2026-Q3", "2026-09-15", date(2026, 12, 1), date(2026, 9, 15)),  # as asked
        ("2026-Q4", "", date(2026, 12, 1), date(2026, 10, 15)),  # the data's end
        ("2026", "", date(2027, 1, 5), date(2026, 10, 15)),
    ],
)
def test_judged_as_of_the_earliest_of_end_today_and_the_data(
    tiny_export: Path, period, as_of, today, judged_on
):
    review = review_from_parameters(str(tiny_export), period, as_of=as_of, today=today)
    assert review.period.as_of == judged_on
    assert review.reaches_past_the_data == (review.period.end > date(2026, 10, 15))


def test_a_period_with_nothing_to_review_yet_is_refused(tiny_export: Path):
    with pytest.raises(PeriodError, match="it is 2026-12-01 today") as refused:
        review_from_parameters(str(tiny_export), "2027-Q1", today=date(2026, 12, 1))
    assert refused.value.parameter == "period"
    with pytest.raises(PeriodError, match="the export's last record is of 2026-10-15"):
        review_from_parameters(str(tiny_export), "2027-Q1", today=date(2027, 2, 1))
    with pytest.raises(PeriodError, match="as_of 2026-06-30 is before 2026-Q3 begins"):
        checked_parameters(str(tiny_export), "2026-Q3", as_of="2026-06-30")


def injected(source: str, **values: object) -> dict[str, object]:
    """A notebook's namespace after its parameters cell and papermill's injected ``source``."""
    declared = {"period": str, "headache_share": float, "judgement_months": int, "labels": dict}
    return {
        "In": ["", "period: str = '2026-Q3'", source],
        "__annotations__": declared,
        "period": "2026-Q3",
        "headache_share": 0.1,
        "judgement_months": 12,
        "labels": {},
        **values,
    }


def test_parameters_papermill_injected_are_checked_against_those_declared():
    fine = injected("# Parameters\nperiod = '2026-Q2'\nheadache_share = 0\n", headache_share=0)
    check_injected_parameters(fine)  # an int is a number
    with pytest.raises(ParameterError, match=r"'headache_shar' \(did you mean headache_share\?\)"):
        check_injected_parameters(injected("# Parameters\nheadache_shar = 0.05\n"))
    with pytest.raises(ParameterError, match="unknown parameter 'zzz': the notebook takes"):
        check_injected_parameters(injected("# Parameters\nzzz = 1\n", zzz=1))
    with pytest.raises(ParameterError, match="headache_share must be a number, got 'abc'"):
        check_injected_parameters(
            injected("# Parameters\nheadache_share = 'abc'\n", headache_share="abc")
        )
    with pytest.raises(ParameterError, match="judgement_months must be a whole number, got 1.5"):
        check_injected_parameters(
            injected("# Parameters\njudgement_months = 1.5\n", judgement_months=1.5)
        )
    with pytest.raises(ParameterError, match="judgement_months must be a whole number, got True"):
        check_injected_parameters(
            injected("# Parameters\njudgement_months = True\n", judgement_months=True)
        )


def test_nothing_is_checked_when_nothing_was_injected():
    # An analyst in JupyterLab: the cells run as they are, with variables of their own.
    check_injected_parameters(injected("frame = 1", frame=1))


def test_auto_finds_the_company_history_run_keeps_from_the_notebooks_folder(tmp_path: Path):
    # As JupyterLab runs the notebook: in notebooks/, with the reports beside that folder.
    history = tmp_path / "reports" / "tiny-co" / "history.sqlite"
    (tmp_path / "notebooks").mkdir()
    assert found_history("auto", "Tiny Co", tmp_path / "notebooks") == ""  # none yet
    history.parent.mkdir(parents=True)
    history.touch()
    assert found_history("auto", "Tiny Co", tmp_path / "notebooks") == str(history)
    assert found_history("auto", "Other Co", tmp_path / "notebooks") == ""
    assert found_history("", "Tiny Co", tmp_path / "notebooks") == ""  # none asked for
    assert found_history("/elsewhere.sqlite", "Tiny Co") == "/elsewhere.sqlite"


def test_an_export_unchanged_on_disk_is_not_read_again(tiny_export: Path):
    first = export_from_parameters(str(tiny_export))
    assert export_from_parameters(str(tiny_export)) is first
    # A file written again, with one more customer: read again, and the customer is there.
    customers = tiny_export / "customers.csv"
    customers.write_text(customers.read_text() + "F,Phi Ltd,3,,,\n")
    again = export_from_parameters(str(tiny_export))
    assert again is not first
    assert "F" in set(again.customers["customer_id"])
