"""``Store.campaign_profile``: the profile files are looked at most once a second per campaign."""

from __future__ import annotations

from survey.questionnaire import profiles
from survey.storage import Store
from survey.storage import store as store_module


def test_the_profile_is_looked_up_at_most_once_per_recheck_interval(store: Store, campaign, monkeypatch) -> None:
    looked = []
    real = profiles.find_profile
    monkeypatch.setattr(profiles, "find_profile", lambda pid: looked.append(pid) or real(pid))
    first = store.campaign_profile(campaign.id)
    assert first is not None and first.id == campaign.profile_id
    for _ in range(5):  # a burst of submits: no stat of the profile files each
        assert store.campaign_profile(campaign.id) is first
    assert looked == [campaign.profile_id]
    monkeypatch.setattr(store_module, "PROFILE_RECHECK_SECONDS", 0.0)  # the interval over: looked at again
    assert store.campaign_profile(campaign.id) == first
    assert looked == [campaign.profile_id] * 2
    assert store.campaign_profile(10**9) is None  # no such campaign: the instruments' own rules
