"""A review's settings, checked on the way in: a value out of range names its parameter."""

import pytest

from helpers.errors import CurrencyError, ParameterError
from helpers.io.settings import ChecklistRules, ExitRules, ReviewSettings


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"headache_share": 10}, "headache_share"),
        ({"headache_share": 0}, "headache_share"),
        ({"non_payer_days": -1}, "non_payer_days"),
        ({"late_payer_days": "soon"}, "late_payer_days"),
    ],
)
def test_bad_settings_name_the_parameter(settings, named):
    with pytest.raises(ParameterError, match=named) as refused:
        ReviewSettings(**settings)
    assert refused.value.parameter == named


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # Not a number at all, where every comparison is false and so passed every range.
        ("hourly_cost", float("nan")),
        ("late_payer_days", float("nan")),
        ("upsell_min_headroom", float("-inf")),
        ("affordable_loss_share", float("inf")),
        ("resold_share", float("nan")),
        # Out of the ranges the rules make sense in.
        ("upsell_min_headroom", -1.0),
        ("quarterly_increase", 0.0),
        ("notice_months", 25),
        ("action_days", -1),
    ],
)
def test_every_number_is_finite_and_within_its_range(name, value):
    with pytest.raises(ParameterError, match=name) as refused:
        ReviewSettings.from_parameters(**{name: value})
    assert refused.value.parameter == name


def test_flat_parameters_reach_the_nested_rules():
    settings = ReviewSettings.from_parameters(
        headache_share=0.05, keep_from=5, review_from=2, max_loss_share=0.2, exit_ids="A, B ,"
    )
    assert settings.checklist == ChecklistRules(keep_from=5, review_from=2)
    assert settings.exit == ExitRules(max_loss_share=0.2)
    assert settings.exit_ids == ("A", "B")
    assert ("keep_from", 5) in settings.as_rows() and ("headache_share", 0.05) in settings.as_rows()


def test_a_way_of_writing_amounts_is_checked_with_the_rest():
    with pytest.raises(CurrencyError, match="number_locale") as refused:
        ReviewSettings(number_locale="xx_YY")
    assert refused.value.parameter == "number_locale"
    with pytest.raises(ParameterError, match="labels"):
        ReviewSettings(labels={"fired": "Gone"})
