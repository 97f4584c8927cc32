"""The seven-item checklist, its score, and the band each customer falls in.

Four items can be answered from data (repeat business, spend, service, up-sell); three only by
a person's assessment (influencer, right reasons, values). An assessment answer overrides the
data for any item. An item nobody could answer stays unanswered: a customer with missing answers
is not a customer who answered no, so when the missing answers could move the score across a
band line the band is "needs assessment".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.io.contract import CHECKLIST_ITEMS
from helpers.io.settings import ChecklistRules


def band_for_score(score: pd.Series, rules: ChecklistRules = ChecklistRules()) -> pd.Series:
    """keep / review / fire_candidate for each whole score (0..7)."""
    band = np.select(
        [score >= rules.keep_from, score >= rules.review_from], ["keep", "review"], "fire_candidate"
    )
    return pd.Series(band, index=score.index, dtype="string")


def latest_assessment(assessments: pd.DataFrame | None, as_of) -> pd.DataFrame:
    """Each customer's most recent assessment made on or before ``as_of`` (one row each)."""
    if assessments is None:
        return pd.DataFrame(columns=list(CHECKLIST_ITEMS)).rename_axis("customer_id")
    made = assessments[assessments["assessed_on"] <= pd.Timestamp(as_of)]
    latest = made.sort_values(["customer_id", "assessed_on"], kind="stable")
    return latest.drop_duplicates("customer_id", keep="last").set_index("customer_id")


def _answer(text: pd.Series) -> pd.Series:
    return text.map({"yes": True, "no": False}).astype("boolean")


def _judged(condition: pd.Series, evidence: pd.Series) -> pd.Series:
    """``condition`` as a nullable boolean, missing wherever its ``evidence`` is missing."""
    return condition.astype("boolean").where(evidence.notna(), pd.NA)


def data_answers(
    measures: pd.DataFrame,
    product_lines_sold: int,
    median_rph: float,
    rules: ChecklistRules = ChecklistRules(),
) -> pd.DataFrame:
    """Answers to the four data items from per-customer measures; missing where unknowable.

    ``measures`` needs: ``quarters_bought`` and ``quarters_needed`` (missing where the customer
    or the export is too young to tell), ``share_of_wallet``, ``headroom``,
    ``revenue_per_hour`` (missing where it is not ranked) and ``product_lines_bought``.
    Service is "yes" at or above ``median_rph``, the portfolio's median.
    """
    quarters, wallet = measures["quarters_bought"], measures["share_of_wallet"]
    rph, headroom = measures["revenue_per_hour"], measures["headroom"]
    unbought = product_lines_sold - measures["product_lines_bought"]
    needed = measures["quarters_needed"]
    answers = pd.DataFrame(index=measures.index)
    answers["repeat_business"] = _judged(quarters >= needed, quarters.where(needed.notna()))
    answers["spend"] = _judged(wallet >= rules.spend_share_needed, wallet)
    answers["service"] = _judged(rph >= median_rph, rph)
    # Either kind of room is enough; pandas' boolean dtype applies three-valued logic, so an
    # unknown headroom with no unbought lines stays unknown rather than becoming "no".
    answers["upsell"] = _judged(headroom >= rules.upsell_min_headroom, headroom) | _judged(
        unbought >= rules.upsell_min_unbought_lines, unbought
    )
    return answers


def checklist(
    data: pd.DataFrame, assessment: pd.DataFrame, rules: ChecklistRules = ChecklistRules()
) -> pd.DataFrame:
    """The seven answers, where each came from, the score, the count answered, and the band.

    ``data`` holds the data items (``data_answers``); ``assessment`` the latest assessment per
    customer (``latest_assessment``). Output columns: each item (boolean, missing when
    unanswered), ``<item>_source`` ("data", "assessment" or missing), ``checklist_score`` (yes
    answers), ``checklist_answered``, ``checklist_unanswered`` and ``band``.
    """
    result = pd.DataFrame(index=data.index)
    assessed = assessment.reindex(data.index)
    for item in CHECKLIST_ITEMS:
        from_person = (
            _answer(assessed[item])
            if item in assessed
            else pd.Series(pd.NA, data.index, dtype="boolean")
        )
        from_data = data[item] if item in data else pd.Series(pd.NA, data.index, dtype="boolean")
        result[item] = from_person.fillna(from_data)
        source = np.select(
            [from_person.notna(), from_data.notna()], ["assessment", "data"], default=None
        )
        result[f"{item}_source"] = pd.Series(source, data.index, dtype="string")
    items = result[list(CHECKLIST_ITEMS)]
    result["checklist_score"] = items.fillna(False).sum(axis=1).astype("int64")
    result["checklist_answered"] = items.notna().sum(axis=1).astype("int64")
    result["checklist_unanswered"] = len(CHECKLIST_ITEMS) - result["checklist_answered"]
    if_all_no = band_for_score(result["checklist_score"], rules)
    if_all_yes = band_for_score(result["checklist_score"] + result["checklist_unanswered"], rules)
    result["band"] = if_all_no.where(if_all_no == if_all_yes, "needs_assessment")
    return result
