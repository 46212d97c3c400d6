"""The campaign's domain rules, said once: its window (status, accepts, closing day) and quota progress."""

from __future__ import annotations

import datetime as dt

import pytest

from survey.campaign import Campaign

UTC = dt.timezone.utc


def may_campaign(**overrides) -> Campaign:
    return Campaign(id=1, name="x", profile_id="liunan", opens_on=dt.date(2026, 5, 1), closes_on=dt.date(2026, 5, 31), **overrides)


def test_window_in_the_campaign_time_zone() -> None:
    campaign = may_campaign()
    assert campaign.accepts(dt.datetime(2026, 4, 30, 15, 59, tzinfo=UTC)) == "not_yet_open"  # 23:59 in Beijing
    assert campaign.accepts(dt.datetime(2026, 4, 30, 16, 0, tzinfo=UTC)) is None  # 00:00 on 1 May
    assert campaign.accepts(dt.datetime(2026, 5, 31, 15, 59, tzinfo=UTC)) is None
    assert campaign.accepts(dt.datetime(2026, 5, 31, 16, 0, tzinfo=UTC)) == "closed"
    assert campaign.closing_date() == dt.date(2026, 5, 31)
    with pytest.raises(ValueError, match="aware"):
        campaign.accepts(dt.datetime(2026, 5, 3))


def test_closed_by_hand_ends_at_that_moment() -> None:
    closed_at = dt.datetime(2026, 5, 10, 17, 30, tzinfo=UTC)  # 11 May 01:30 in Beijing
    campaign = may_campaign(closed_at=closed_at)
    assert campaign.accepts(closed_at - dt.timedelta(seconds=1)) is None
    assert campaign.accepts(closed_at) == "closed"
    assert campaign.status(closed_at) == "closed"
    assert campaign.closing_date() == dt.date(2026, 5, 11)
    # closed by hand after the planned last day: the planned day stays the last
    assert may_campaign(closed_at=dt.datetime(2026, 6, 9, tzinfo=UTC)).closing_date() == dt.date(2026, 5, 31)


def test_quota_and_progress_one_rule() -> None:
    from survey.campaign import CampaignInstrument, Site

    sites = (
        Site("01", "甲", "镇", "village_clinic", quotas={"resident": 10, "staff": 2}, id=1),
        Site("02", "乙", "镇", "village_clinic", quotas={"resident": 5}, id=2),
        Site("03", "丙", "镇", "village_clinic", id=3),
    )
    instruments = (CampaignInstrument("r", "resident", "h1"), CampaignInstrument("s", "staff", "h2"))
    campaign = may_campaign(sites=sites, instruments=instruments)
    assert sites[0].quota("resident") == 10 and sites[1].quota("staff") == 0 and sites[2].quota("resident") == 0
    assert Site("04", "丁", "镇", "village_clinic", quotas={"*": 7}).quota("staff") == 7
    progress = campaign.quota_progress({("01", "resident"): 12, ("02", "resident"): 2, ("03", "staff"): 1})
    assert [(p.site.code, p.questionnaire_id, p.quota, p.responses, p.remaining, p.share) for p in progress] == [
        ("01", "resident", 10, 12, 0, 1.2),
        ("01", "staff", 2, 0, 2, 0.0),
        ("02", "resident", 5, 2, 3, 0.4),
        ("03", "staff", 0, 1, 0, None),  # responses without a quota are shown too
    ]
