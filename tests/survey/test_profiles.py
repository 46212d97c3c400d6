"""survey.profiles: the one profile reader and its one contract (raise, or find_ for None)."""

from __future__ import annotations

import pytest

from survey.errors import ProfileError, QuestionnaireError
from survey.profiles import find_profile, load_profile, load_profiles


def test_unknown_profile_raises_listing_the_known_ones():
    known = sorted(load_profiles())
    assert "default" in known
    with pytest.raises(ProfileError) as caught:
        load_profile("nowhere")
    assert "no profile 'nowhere'" in str(caught.value)
    assert all(pid in str(caught.value) for pid in known)
    assert isinstance(caught.value, QuestionnaireError)


def test_find_profile_returns_none_for_an_unknown_id():
    assert find_profile("nowhere") is None
    assert find_profile("default") == load_profile("default")


def test_threshold_raises_and_find_threshold_returns_none():
    profile = load_profile("default")
    indicator = next(iter(profile.thresholds))
    assert profile.threshold(indicator) == profile.find_threshold(indicator) == profile.thresholds[indicator]
    assert profile.find_threshold("no_such_indicator") is None
    with pytest.raises(ProfileError, match="profile 'default' has no threshold for 'no_such_indicator'; its indicators: "):
        profile.threshold("no_such_indicator")


def test_broken_profile_file_reports_its_problems(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("id: broken\nname: {zh: 坏, en: Broken}\nsource: {zh: 无, en: none}\nthresholds: {satisfaction: 1.5}\n", encoding="utf-8")
    monkeypatch.setenv("TCM_SURVEY_PROFILES", str(tmp_path))
    assert find_profile("broken") is None
    with pytest.raises(ProfileError, match="strictly between 0 and 1"):
        load_profile("broken")
