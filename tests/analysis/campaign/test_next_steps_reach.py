"""Close calls: a count of responses still needed that no survey could collect (more than ten times
the responses so far, or more than the population) is said in words, not as a number."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.campaign import (
    NextStep,
    compute_results,
    group_next_steps,
    load_campaign_data,
)
from analysis.campaign.next_steps import BEYOND_REACH, next_steps
from analysis.report.document import next_step_group_zh, next_step_zh
from app.i18n import translate
from app.progress_panel import Names, group_text, step_text

EMPTY_PROGRESS = pd.DataFrame(columns=["questionnaire_id", "stratum", "site_code", "site_name", "quota", "responses",
                                       "remaining"])


def steps_for(more: float, responses: int = 100, population: float | None = None) -> list[NextStep]:
    """The next steps of one township's inconclusive rate needing ``more`` responses."""
    estimates = pd.DataFrame([{"questionnaire_id": "resident", "var": "knowledge", "domain": "甲乡", "scope": "stratum",
                               "verdict": "inconclusive", "df": 8, "more_responses": more}])
    table = pd.DataFrame({"questionnaire_id": "resident", "stratum": "甲乡", "knowledge": [1.0] * responses,
                          "stratum_population": population})
    return [s for s in next_steps(estimates, EMPTY_PROGRESS, table) if s.kind == "more_responses"]


@pytest.mark.parametrize("more,population,close,beyond", [
    (50, None, False, False),  # an ordinary count: said as a number
    (600, None, True, False),  # a close call (over 5x): still a number
    (10 * 100, None, True, False),  # exactly ten times: still a number
    (10 * 100 + 1, None, True, True),  # beyond ten times the responses so far
    (176983, None, True, True),
    (250, 300.0, False, True),  # 100 + 250 more than the township's 300 people
    (150, 300.0, False, False),
])
def test_beyond_reach_is_more_than_ten_times_or_the_population(more, population, close, beyond):
    (step,) = steps_for(more, population=population)
    assert step.count == more
    assert step.beyond_reach is beyond
    assert step.close_call is (close or beyond)  # beyond reach is always a close call
    assert BEYOND_REACH == 10


def test_county_population_is_the_sum_of_its_townships():
    estimates = pd.DataFrame([{"questionnaire_id": "resident", "var": "knowledge", "domain": None, "scope": "overall",
                               "verdict": "inconclusive", "df": 8, "more_responses": 150}])
    table = pd.DataFrame({"questionnaire_id": "resident", "stratum": ["甲乡"] * 50 + ["乙镇"] * 50, "knowledge": 1.0,
                          "stratum_population": [100.0] * 50 + [120.0] * 50})
    (step,) = [s for s in next_steps(estimates, EMPTY_PROGRESS, table) if s.kind == "more_responses"]
    assert step.beyond_reach  # 100 + 150 > 100 + 120
    unknown = table.assign(stratum_population=[100.0] * 50 + [None] * 50)
    (step,) = [s for s in next_steps(estimates, EMPTY_PROGRESS, unknown) if s.kind == "more_responses"]
    assert not step.beyond_reach  # a township's population unknown: only the ten-times rule


@pytest.fixture(scope="module")
def results(demo):
    store, campaign = demo
    return compute_results(load_campaign_data(store, campaign.id))


def far(stratum: str | None, count: int = 176983) -> NextStep:
    return NextStep("more_responses", "resident", stratum, None, None, "satisfaction", count, 2, close_call=True,
                    beyond_reach=True)


def test_report_says_it_in_words(results):
    text = next_step_zh(results, far("甲乡"))
    assert "176983" not in text and "估计值紧贴达标线，再增加问卷也难以判定" in text
    near = NextStep("more_responses", "resident", "甲乡", None, None, "satisfaction", 640, 2, close_call=True)
    assert "640" in next_step_zh(results, near)  # a close call within reach keeps its number
    (group,) = group_next_steps([far("甲乡"), far("乙镇", 99999), near])
    line = next_step_group_zh(results, group)
    assert "176983" not in line and "99999" not in line and "甲乡" in line and "乙镇" in line and "640" in line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_says_it_in_words(monkeypatch, lang):
    monkeypatch.setattr("app.progress_panel.t", lambda key, **values: translate(key, lang, **values))
    names = Names({"resident": "居民问卷"}, {("resident", "satisfaction"): "满意度"})
    text = step_text(far("甲乡"), names)
    assert "176983" not in text
    assert ("估计值紧贴达标线，再增加问卷也难以判定" if lang == "zh" else "too close to the threshold") in text
    near = NextStep("more_responses", "resident", "甲乡", None, None, "satisfaction", 640, 2, close_call=True)
    (group,) = group_next_steps([far("甲乡"), far("乙镇", 99999), near])
    line = group_text(group, names, lang)
    assert "176983" not in line and "99999" not in line and "640" in line and "乙镇" in line
