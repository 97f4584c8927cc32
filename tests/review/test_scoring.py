"""The checklist, its score and the bands, with answers worked out by hand."""

import pandas as pd
import pytest

from helpers.io.contract import CHECKLIST_ITEMS
from helpers.io.settings import ChecklistRules
from helpers.review.scoring import (
    band_for_score,
    checklist,
    data_answers,
    latest_assessment,
)

NA = pd.NA


def test_band_lines():
    scores = pd.Series(range(8))
    assert band_for_score(scores).tolist() == [
        "fire_candidate",
        "fire_candidate",
        "fire_candidate",
        "review",
        "review",
        "review",
        "keep",
        "keep",
    ]


def measures_frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, index=pd.Index(list("abcd"), name="customer_id"))


def test_data_answers_follow_the_rules():
    m = measures_frame(
        quarters_bought=[3, 2, 2, 1],
        # c has been a customer for 2 of the 4 quarters: it needs ceil(3 * 2 / 4) = 2;
        # d for less than 2 quarters: too new to tell.
        quarters_needed=pd.array([3, 3, 2, NA], dtype="Int64"),
        share_of_wallet=[0.5, 0.49, None, 0.2],
        revenue_per_hour=[100.0, 50.0, None, 200.0],
        headroom=[10_000.0, 9_999.0, None, None],
        product_lines_bought=[1, 3, 2, NA],
    )
    answers = data_answers(m, product_lines_sold=4, median_rph=100.0, rules=ChecklistRules())
    # repeat: 3 of 3 needed yes, 2 of 3 no, 2 of 2 yes, unknown.
    assert answers["repeat_business"].tolist() == [True, False, True, NA]
    # spend: 50% is "most of the budget"; 49% is not.
    assert answers["spend"].tolist() == [True, False, NA, False]
    # service: at or above the median (100) is reasonable.
    assert answers["service"].tolist() == [True, False, NA, True]
    # up-sell: a 10,000 headroom is room; b has 9,999 and 1 unbought line -> no;
    # c has no estimate but 2 unbought lines -> yes; d knows neither -> unanswered.
    assert answers["upsell"].tolist() == [True, False, True, NA]


def test_unknown_headroom_with_too_few_unbought_lines_stays_unanswered():
    m = measures_frame(
        quarters_bought=[3] * 4,
        quarters_needed=[3] * 4,
        share_of_wallet=[None] * 4,
        revenue_per_hour=[1.0] * 4,
        headroom=[None] * 4,
        product_lines_bought=[3, 3, 3, 3],
    )
    # 4 lines sold, 3 bought: one unbought line is not enough, but the headroom could be.
    assert data_answers(m, 4, median_rph=1.0)["upsell"].isna().all()


def assessment_frame(rows: dict[str, dict[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", dtype="string")
    return frame.reindex(columns=list(CHECKLIST_ITEMS)).rename_axis("customer_id")


def test_checklist_score_answered_sources_and_bands():
    data = pd.DataFrame(
        {
            "repeat_business": [True, False, False, True],
            "spend": [True, False, NA, True],
            "service": [True, True, NA, True],
            "upsell": [False, False, False, True],
        },
        index=pd.Index(list("abcd"), name="customer_id"),
        dtype="boolean",
    )
    people = assessment_frame(
        {
            "a": {"influencer": "yes", "right_reasons": "yes", "values_aligned": "yes"},
            "b": {
                "influencer": "no",
                "right_reasons": "no",
                "values_aligned": "no",
                "repeat_business": "yes",  # overrides the data's "no"
            },
            "d": {"influencer": "yes", "spend": "no"},
        }
    )
    result = checklist(data, people)
    # a: data yes, yes, yes, no + three yes -> 6 of 7 answered: keep.
    # b: repeat yes (assessment), spend no, service yes, upsell no, three no -> 2 of 7: fire.
    # c: repeat no, upsell no, 5 unanswered -> 0, could reach 5: needs assessment.
    # d: repeat yes, spend no (assessment), service yes, upsell yes, influencer yes,
    #    2 unanswered -> 4, could reach 6: needs assessment.
    assert result["checklist_score"].tolist() == [6, 2, 0, 4]
    assert result["checklist_answered"].tolist() == [7, 7, 2, 5]
    assert result["band"].tolist() == [
        "keep",
        "fire_candidate",
        "needs_assessment",
        "needs_assessment",
    ]
    assert result["repeat_business_source"].tolist() == ["data", "assessment", "data", "data"]
    assert result["spend_source"].tolist() == ["data", "data", NA, "assessment"]
    assert result["influencer_source"].tolist() == ["assessment", "assessment", NA, "assessment"]


@pytest.mark.parametrize(
    ("score", "unanswered", "band"),
    [
        (6, 1, "keep"),  # 6..7: keep whatever the answer
        (5, 1, "needs_assessment"),  # 5..6 crosses the keep line
        (3, 2, "review"),  # 3..5 stays in review
        (2, 0, "fire_candidate"),
        (2, 1, "needs_assessment"),  # 2..3 crosses the fire line
        (0, 2, "fire_candidate"),  # 0..2
    ],
)
def test_needs_assessment_only_when_the_missing_answers_could_cross_a_line(score, unanswered, band):
    answered = 7 - unanswered
    answers = [True] * score + [False] * (answered - score) + [NA] * unanswered
    items = dict(zip(CHECKLIST_ITEMS, answers, strict=True))
    data = pd.DataFrame({k: [v] for k, v in items.items()}, index=["x"], dtype="boolean")
    no_one = assessment_frame({})
    result = checklist(data, no_one)
    assert result.loc["x", "band"] == band
    assert 0 <= result.loc["x", "checklist_score"] <= result.loc["x", "checklist_answered"]


def test_latest_assessment_ignores_those_made_after_the_as_of_date():
    assessments = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "assessed_on": pd.to_datetime(["2026-01-01", "2026-06-01", "2026-10-01", "2026-11-01"]),
            "influencer": ["no", "yes", "no", "yes"],
        }
    )
    latest = latest_assessment(assessments, "2026-09-30")
    assert latest.index.tolist() == ["a"]
    assert latest.loc["a", "influencer"] == "yes"
