"""Progress: the campaign's one quota rule, per township, per local day."""

from __future__ import annotations

import pandas as pd

from analysis.campaign import load_campaign_data, progress_by_stratum
from analysis.campaign.progress import progress, timeline


def test_progress_is_the_campaigns_quota_progress(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    got = progress(campaign, data.table)
    counts = data.table.groupby(["site_code", "questionnaire_id"]).size().to_dict()
    expected = campaign.quota_progress(counts)
    assert len(got) == len(expected) > 0
    for row, p in zip(got.itertuples(index=False), expected):
        assert (row.site_code, row.questionnaire_id, row.quota, row.responses, row.remaining) == (
            p.site.code, p.questionnaire_id, p.quota, p.responses, p.remaining)
        assert row.share == p.share
    summed = progress_by_stratum(got)
    assert summed["responses"].sum() == len(data.table)
    assert list(dict.fromkeys(summed["stratum"])) == list(dict.fromkeys(got["stratum"]))


def test_timeline_counts_days_in_the_campaigns_time_zone():
    table = pd.DataFrame({
        "questionnaire_id": ["resident"] * 3,
        # 23:30 UTC is the next morning in Shanghai
        "submitted_at": pd.to_datetime(["2026-03-01T10:00Z", "2026-03-01T23:30Z", "2026-03-02T01:00Z"], utc=True),
    })
    out = timeline(table, "Asia/Shanghai")
    assert [str(d) for d in out["date"]] == ["2026-03-01", "2026-03-02"]
    assert out["responses"].tolist() == [1, 2] and out["cumulative"].tolist() == [1, 3]
