"""The design-ready response frame and the change-detection state, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from survey.campaign import SiteSpec, UnknownCampaign
from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import StorageError, Store
from survey.storage.frame import DESIGN_COLUMNS

from .helpers import GOOD_ANSWERS, MINI, open_spec


def design_sites() -> list[SiteSpec]:
    return [
        SiteSpec("01", "甲卫生院", "甲镇", "township_centre", psu="P1", quotas={"mini": 5}, population=1200.0,
                 inclusion_prob=0.5, design_weight=40.0, stratum_population=8000.0, stratum_psus=6),
        SiteSpec("02", "甲村卫生室", "甲镇", "village_clinic", psu="P2", population=300.0, design_weight=25.0,
                 stratum_population=8000.0, stratum_psus=6),
        SiteSpec("03", "乙中心", "乙街道", "community_centre", population=700.0),
        SiteSpec("04", "乙站", "乙街道", "community_station", population=900.0),
        SiteSpec("05", "丙站", "丙街道", "community_station"),
    ]


@pytest.fixture
def design_campaign(store: Store, mini):
    return store.create_campaign(open_spec(), [mini], design_sites(), actor="test")


def test_columns_and_values(store: Store, design_campaign, mini) -> None:
    at = dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    store.submit(design_campaign.id, "02", mini, {"used": "no", "know": "false"}, nonce="nonce-frame-1",
                 simulated=True, language="en", source="import", submitted_at=at)
    store.submit(design_campaign.id, "04", mini, GOOD_ANSWERS, nonce="nonce-frame-2")
    frame = store.response_frame(design_campaign.id)
    assert list(frame.columns) == [*DESIGN_COLUMNS, "satisfaction", "knowledge"]
    assert len(frame) == 2
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["questionnaire_id"] == "mini" and first["version_hash"] == mini.version_hash
    assert (first["site_code"], first["site_name"], first["site_kind"]) == ("02", "甲村卫生室", "village_clinic")
    assert (first["stratum"], first["psu"]) == ("甲镇", "P2")
    assert first["design_weight"] == 25.0 and np.isnan(first["inclusion_prob"])
    assert first["stratum_population"] == 8000.0 and first["stratum_psus"] == 6.0
    assert first["source"] == "import" and bool(first["simulated"]) and first["language"] == "en"
    assert first["submitted_at"] == pd.Timestamp("2026-05-01 00:30", tz="UTC")
    assert first["knowledge"] == 0.0 and np.isnan(first["satisfaction"])
    # the site's own populations summed when the stratum's is not given; no weight -> NaN
    assert second["site_code"] == "04" and second["psu"] == "04"
    assert second["stratum_population"] == 1600.0 and np.isnan(second["stratum_psus"])
    assert np.isnan(second["design_weight"])
    assert second["satisfaction"] == 1.0 and second["knowledge"] == 1.0
    assert frame["response_id"].dtype == np.int64 and frame["design_weight"].dtype == float
    assert str(frame["submitted_at"].dt.tz) == "UTC"


def test_unknown_stratum_population_is_nan(store: Store, design_campaign, mini) -> None:
    store.submit(design_campaign.id, "05", mini, GOOD_ANSWERS, nonce="nonce-frame-5")
    frame = store.response_frame(design_campaign.id)
    assert np.isnan(frame.loc[0, "stratum_population"])


def test_empty_campaign_has_every_column(store: Store, design_campaign) -> None:
    frame = store.response_frame(design_campaign.id, with_answers=True)
    assert len(frame) == 0
    assert list(frame.columns) == [*DESIGN_COLUMNS, "satisfaction", "knowledge", "used", "overall", "know"]
    assert str(frame["submitted_at"].dt.tz) == "UTC"


def test_after_id_and_state(store: Store, design_campaign, mini) -> None:
    assert store.response_state(design_campaign.id) == (0, 0)
    ids = [store.submit(design_campaign.id, "01", mini, GOOD_ANSWERS, nonce=f"nonce-after-{k}").response_id for k in range(3)]
    assert store.response_state(design_campaign.id) == (3, ids[-1])
    store.submit(design_campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-after-0")  # a repeat changes nothing
    assert store.response_state(design_campaign.id) == (3, ids[-1])
    later = store.response_frame(design_campaign.id, after_id=ids[0])
    assert later["response_id"].tolist() == ids[1:]
    assert len(store.response_frame(design_campaign.id, after_id=ids[-1])) == 0


def test_other_campaigns_stay_out(store: Store, design_campaign, mini) -> None:
    other = store.create_campaign(open_spec(name="另一次"), [mini], design_sites(), actor="test")
    store.submit(other.id, "01", mini, GOOD_ANSWERS, nonce="nonce-other-1")
    assert len(store.response_frame(design_campaign.id)) == 0
    assert store.response_state(design_campaign.id) == (0, 0)
    assert store.response_state(other.id)[0] == 1


def test_answers_by_question_id(store: Store, design_campaign, mini) -> None:
    store.submit(design_campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-answers-1")
    store.submit(design_campaign.id, "01", mini, {"used": "no", "know": "false"}, nonce="nonce-answers-2")
    every = store.response_frame(design_campaign.id, with_answers=True)
    assert every["used"].tolist() == ["yes", "no"]
    assert every["overall"].iloc[0] == 5.0 and np.isnan(every["overall"].iloc[1])  # numbers as float, NaN unanswered
    assert every["overall"].dtype == float and every["used"].dtype == object
    assert every["know"].tolist() == ["true", "false"]
    some = store.response_frame(design_campaign.id, with_answers=["used"])
    assert list(some.columns)[-1] == "used" and "know" not in some.columns


def test_name_clash_is_an_error(store: Store) -> None:
    clashing = parse_questionnaire_text(MINI.replace("id: knowledge", "id: stratum").replace("id: mini", "id: clash"),
                                        source="<clash>")
    campaign = store.create_campaign(open_spec(), [clashing], [SiteSpec("01", "甲", "甲镇", "village_clinic")], actor="test")
    with pytest.raises(StorageError, match="indicator id 'stratum'"):
        store.response_frame(campaign.id)


def test_unknown_campaign(store: Store) -> None:
    with pytest.raises(UnknownCampaign):
        store.response_frame(999)


def test_site_population_fields_round_trip(store: Store, design_campaign) -> None:
    site = store.campaign(design_campaign.id).site("01")
    assert site.population == 1200.0 and site.stratum_population == 8000.0 and site.stratum_psus == 6.0
    assert store.campaign(design_campaign.id).site("03").stratum_population is None


def test_one_stratum_population_per_stratum(store: Store, design_campaign) -> None:
    from survey.campaign import CampaignError

    with pytest.raises(CampaignError, match="stratum '甲镇' has population 8000 by another site, not 9000"):
        store.add_site(design_campaign.id, SiteSpec("06", "甲二", "甲镇", "village_clinic", stratum_population=9000), actor="test")
    assert store.add_site(design_campaign.id, SiteSpec("06", "甲二", "甲镇", "village_clinic", stratum_population=8000), actor="test")


MULTI = """
id: multi
version: "1"
languages: [zh, en]
title: {zh: 多选, en: Multiple}
introduction: {zh: 说明, en: About}
audience: residents
sections:
  - id: main
    title: {zh: 问题, en: Questions}
    questions:
      - id: ways
        type: multiple
        label: {zh: 了解途径, en: Ways}
        choices:
          - {value: tv, label: {zh: 电视, en: TV}}
          - {value: web, label: {zh: 网络, en: Web}}
      - id: visits
        type: number
        label: {zh: 次数, en: Visits}
        integer: true
        required: false
indicators:
  - id: any_way
    label: {zh: 有途径, en: Any way}
    kind: binary
    items: [ways]
    rule: "count_selected(${ways}) >= 1"
"""


def test_multiple_choice_and_number_answers(store: Store) -> None:
    multi = parse_questionnaire_text(MULTI, source="<multi>")
    campaign = store.create_campaign(open_spec(), [multi], [SiteSpec("01", "甲", "甲镇", "village_clinic")], actor="test")
    store.submit(campaign.id, "01", multi, {"ways": ["tv", "web"], "visits": 3}, nonce="nonce-multi-1")
    store.submit(campaign.id, "01", multi, {"ways": ["web"]}, nonce="nonce-multi-2")
    frame = store.response_frame(campaign.id, with_answers=True)
    assert frame["ways"].tolist() == [["tv", "web"], ["web"]]
    assert frame["visits"].iloc[0] == 3.0 and np.isnan(frame["visits"].iloc[1])
    assert frame["any_way"].tolist() == [1.0, 1.0]


def test_chunked_read_gives_the_same_frame(store: Store, design_campaign, mini, monkeypatch) -> None:
    """The rows are read a few at a time; any chunk size gives the one frame (values, dtypes, order)."""
    from survey.storage import frame as frame_module

    for k in range(7):
        answers = GOOD_ANSWERS if k % 2 else {"used": "no", "know": "false"}
        store.submit(design_campaign.id, f"0{1 + k % 5}", mini, answers, nonce=f"nonce-chunk-{k}",
                     language=None if k == 3 else "zh")
    whole = store.response_frame(design_campaign.id, with_answers=True)
    monkeypatch.setattr(frame_module, "_CHUNK", 2)
    chunked = store.response_frame(design_campaign.id, with_answers=True)
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(chunked) == 7 and chunked["response_id"].is_monotonic_increasing
    assert chunked["language"].isna().tolist() == [k == 3 for k in range(7)]
    assert chunked["submitted_at"].dtype == whole["submitted_at"].dtype == "datetime64[ns, UTC]"
