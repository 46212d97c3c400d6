"""Review decisions and the audit log: every action recorded, the response rows never touched."""

from __future__ import annotations

import pytest

from survey.campaign import UnknownCampaign
from survey.storage import ReviewError, Store

from .helpers import GOOD_ANSWERS

REVIEW_ACTIONS = ("review.approved", "review.excluded", "review.reopen")


def _three(store: Store, campaign, mini) -> list[int]:
    return [store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=f"review-{i:04d}").response_id for i in range(3)]


def test_each_action_is_audited(store: Store, campaign, mini) -> None:
    ids = _three(store, campaign, mini)
    before = store.responses(campaign.id)
    store.review(campaign.id, ids[:2], "excluded", reason="同一手机连续提交", actor="evaluator",
                 flags={ids[0]: ["same_device", "too_fast"]})
    store.review(campaign.id, [ids[1]], "approved", reason="核实为本人填写", actor="admin")
    assert store.reopen(campaign.id, ids[0], reason="重新核查", actor="admin") is not None
    assert store.reopen(campaign.id, ids[2], reason="never reviewed", actor="admin") is None  # nothing to log
    reviews = {r.response_id: r for r in store.reviews(campaign.id)}
    assert set(reviews) == {ids[1]}
    assert (reviews[ids[1]].decision, reviews[ids[1]].decided_by, reviews[ids[1]].reason) == ("approved", "admin", "核实为本人填写")
    log = store.audit_log(campaign.id, actions=REVIEW_ACTIONS)
    assert [(e.action, e.response_id, e.actor, e.reason) for e in reversed(log)] == [
        ("review.excluded", ids[0], "evaluator", "同一手机连续提交"),
        ("review.excluded", ids[1], "evaluator", "同一手机连续提交"),
        ("review.approved", ids[1], "admin", "核实为本人填写"),
        ("review.reopen", ids[0], "admin", "重新核查"),
    ]
    assert log[-1].detail == {"decision": "excluded", "previous": None, "flags": ["same_device", "too_fast"]}
    assert log[1].detail["previous"] == "excluded" and log[0].detail == {"decision": None, "previous": "excluded"}
    assert all(e.at.tzinfo is not None for e in log)
    assert store.responses(campaign.id) == before  # the stored rows are untouched


def test_bad_actions_write_nothing(store: Store, campaign, mini) -> None:
    ids = _three(store, campaign, mini)
    with pytest.raises(ReviewError, match="needs a reason"):
        store.review(campaign.id, ids, "excluded", reason="  ", actor="evaluator")
    with pytest.raises(ReviewError, match="must be one of"):
        store.review(campaign.id, ids, "deleted", reason="x", actor="evaluator")
    with pytest.raises(ReviewError, match="has no response 999"):  # all or none: the first two are not kept
        store.review(campaign.id, [ids[0], ids[1], 999], "excluded", reason="x", actor="evaluator")
    with pytest.raises(ReviewError, match="account name"):
        store.review(campaign.id, ids, "excluded", reason="x", actor="")
    assert store.reviews(campaign.id) == [] and store.audit_log(campaign.id, actions=REVIEW_ACTIONS) == []


def test_quality_parameters_are_kept_and_audited(store: Store, campaign) -> None:
    assert store.quality_parameters(campaign.id) == {}
    store.set_quality_parameters(campaign.id, {"too_fast": {"seconds_per_item": 1.0}}, actor="admin", reason="试点")
    store.set_quality_parameters(campaign.id, {"same_device": {"max_per_day": 2}}, actor="admin")
    assert store.quality_parameters(campaign.id) == {"same_device": {"max_per_day": 2}}
    newest, oldest = store.audit_log(campaign.id, actions=["quality.parameters"])
    assert oldest.action == newest.action == "quality.parameters"
    assert newest.detail == {"previous": {"too_fast": {"seconds_per_item": 1.0}}, "new": {"same_device": {"max_per_day": 2}}}
    with pytest.raises(UnknownCampaign):
        store.quality_parameters(999)
