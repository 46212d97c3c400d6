"""The dashboard's 监测 view shows, cell by cell, the watching flags :func:`compute_results`
computes with its estimates (the view adds them to the results already shown); townships without
any hint are named once under the table."""

from __future__ import annotations

import pytest

from analysis.campaign import ResultOptions, compute_results, load_campaign_data
from analysis.formatting import indicator_labels
from analysis.integrity import analysis_data, load_quality
from analysis.sequential import FLAG_WORDS
from survey.demo import create_demo

from .respond_helpers import open_view
from .test_dashboard import signed_in, store  # noqa: F401  (the fixture)


@pytest.mark.parametrize("exclude_flagged", [False, True])
def test_watch_view_shows_the_flags_computed_with_the_results(store, exclude_flagged):  # noqa: F811
    campaign = create_demo(store, responses=300, seed=8).campaign
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    if exclude_flagged:
        at.checkbox(key="dash.exclude_flagged").check().run()
    at.selectbox(key="dash.level").set_value(0.90).run()
    open_view(at, "调查期间监测")
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "范围")
    data = load_campaign_data(store, campaign.id)
    counted = analysis_data(data, load_quality(store, campaign.id, data), exclude_flagged=exclude_flagged)
    results = compute_results(counted, ResultOptions(level=0.90))  # the flags computed with the estimates
    names = indicator_labels(results.questionnaires, "zh")
    watch = results.watch
    assert len(watch)
    shown = 0
    for _, row in table.iterrows():
        county = row["范围"] == "全县（区）"
        for qid, var in results.indicators:
            w = watch[(watch["questionnaire_id"] == qid) & (watch["var"] == var)]
            w = w[w["scope"] == "overall"] if county else w[w["domain"] == row["范围"]]
            want = FLAG_WORDS[w.iloc[0]["flag"]]["zh"] if len(w) else "—"
            assert row[names.get((qid, var), var)] == want, (row["范围"], qid, var)
            shown += 1
    assert shown == len(table) * len(results.indicators)
    # townships with no hint on any indicator (too few sites): named once under the table, not a row each
    quiet = [c.value for c in at.caption if "各项指标均不作提示" in str(c.value)]
    named = quiet[0].split("：", 1)[1].rstrip("。").split("、") if quiet else []
    assert sorted([*table["范围"].iloc[1:], *named]) == sorted(results.strata)
    assert named  # the demo at 300 responses: townships of two sites
    for township in named:
        assert set(watch.loc[watch["domain"] == township, "flag"]) == {"few_sites"}, township
    assert table["范围"].iloc[0] == "全县（区）"

