"""The audit log: every change of what is counted or of who may act leaves exactly one row, with
its actor, in the same transaction; the database refuses to change or delete a row."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

import accounts
from survey.campaign import SiteSpec
from survey.collect.submission import Submission
from survey.storage import ACTIONS, AuditError, StorageError, Store
from survey.storage.audit import action_words

from .helpers import GOOD_ANSWERS, open_spec, sites


def new_rows(store: Store, before: int) -> list:
    return [e for e in reversed(store.audit_log()) if e.id > before]


def last_id(store: Store) -> int:
    log = store.audit_log(limit=1)
    return log[0].id if log else 0


def test_creating_a_campaign_is_one_row(store: Store, mini) -> None:
    campaign = store.create_campaign(open_spec(), [mini], sites(), actor="wang")
    (row,) = store.audit_log()
    assert (row.action, row.actor, row.campaign_id) == ("campaign.created", "wang", campaign.id)
    assert row.detail["questionnaires"] == {"mini": mini.version_hash} and row.detail["sites"] == ["01", "02", "03"]


@pytest.mark.parametrize("action", ["site.added", "site.removed", "site.changed", "campaign.closed", "campaign.reopened"])
def test_each_campaign_change_is_one_row(store: Store, campaign, action: str) -> None:
    before = last_id(store)
    if action == "site.added":
        store.add_site(campaign.id, SiteSpec("09", "新点", "镇9", "village_clinic"), actor="li")
    elif action == "site.removed":
        store.remove_site(campaign.id, "03", actor="li")
    elif action == "site.changed":
        store.update_site(campaign.id, "02", name="改名", quotas={"mini": 40}, actor="li")
    elif action == "campaign.closed":
        store.close_campaign(campaign.id, actor="li")
    else:
        store.close_campaign(campaign.id, actor="li")
        before = last_id(store)
        store.reopen_campaign(campaign.id, actor="li")
    (row,) = new_rows(store, before)
    assert (row.action, row.actor, row.campaign_id) == (action, "li", campaign.id)
    if action == "site.changed":
        assert row.detail["previous"]["name"] != "改名" and row.detail["new"] == {"name": "改名", "quotas": {"mini": 40}}
    if action == "campaign.reopened":
        assert row.detail["closed_at"] is not None


def test_a_refused_change_leaves_no_row(store: Store, campaign) -> None:
    before = last_id(store)
    with pytest.raises(Exception):
        store.update_site(campaign.id, "02", quotas={"unknown": 3}, actor="li")
    with pytest.raises(Exception):
        store.add_sites(campaign.id, [SiteSpec("01", "重复", "镇0", "village_clinic")], actor="li")
    assert new_rows(store, before) == []


def test_an_import_batch_is_one_row_with_its_file_and_counts(store: Store, campaign, mini) -> None:
    batch = [Submission("01", mini, GOOD_ANSWERS, nonce=f"imp-test-{i}") for i in range(3)]
    with pytest.raises(AuditError, match="actor=, batch="):
        store.submit_batch(campaign.id, batch)
    before = last_id(store)
    facts = {"file": "问卷星.xlsx", "sha256": "ab" * 32, "rows": 4, "refused": 1}
    store.submit_batch(campaign.id, batch, actor="zhao", batch=facts)
    store.submit_batch(campaign.id, batch[:2], actor="zhao", batch=facts)
    first, second = new_rows(store, before)
    assert (first.action, first.actor) == ("import.batch", "zhao")
    assert first.detail == {**facts, "stored": 3, "repeats": 0} and second.detail == {**facts, "stored": 0, "repeats": 2}


def test_responses_from_phones_are_not_audit_rows(store: Store, campaign, mini) -> None:
    before = last_id(store)
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="phone-000001")
    assert new_rows(store, before) == []


@pytest.fixture
def cheap_hashes(monkeypatch) -> None:
    monkeypatch.setattr(accounts.passwords, "SCRYPT_N", 2**10)


@pytest.mark.parametrize("action", ["account.created", "account.password", "account.role", "account.disabled",
                                    "account.enabled"])
def test_each_account_change_is_one_row_without_the_password(store: Store, cheap_hashes, action: str) -> None:
    accounts.create_account(store, "zhang", "evaluator", "first-password", actor="admin")
    before = last_id(store)
    if action == "account.created":
        accounts.create_account(store, "chen", "surveyor", "second-password", actor="admin")
    elif action == "account.password":
        accounts.set_password(store, "zhang", "a-new-password", actor="admin")
    elif action == "account.role":
        accounts.set_role(store, "zhang", "admin", actor="admin")
    elif action == "account.disabled":
        accounts.set_active(store, "zhang", False, actor="admin")
    else:
        accounts.set_active(store, "zhang", False, actor="admin")
        before = last_id(store)
        accounts.set_active(store, "zhang", True, actor="admin")
    rows = store.audit_log() if action == "account.created" else new_rows(store, before)
    rows = [r for r in rows if r.action == action] if action == "account.created" else rows
    (row,) = rows[-1:] if action == "account.created" else rows
    assert (row.action, row.actor) == (action, "admin")
    text = json.dumps(row.detail, ensure_ascii=False)
    assert "password" not in text.replace("account.password", "") and "scrypt" not in text


def test_an_unchanged_role_leaves_no_row(store: Store, cheap_hashes) -> None:
    accounts.create_account(store, "zhang", "evaluator", "first-password", actor="admin")
    before = last_id(store)
    accounts.set_role(store, "zhang", "evaluator", actor="admin")
    assert new_rows(store, before) == []


def test_the_log_is_append_only_in_the_database(store: Store, campaign) -> None:
    with pytest.raises(StorageError, match="append-only"):
        with store.write() as connection:
            connection.execute(sa.text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(StorageError, match="append-only"):
        with store.write() as connection:
            connection.execute(sa.text("DELETE FROM audit_log"))
    assert [r.actor for r in store.audit_log()] == ["test"]


def test_no_row_without_an_actor_or_with_an_unknown_action(store: Store, campaign) -> None:
    with pytest.raises(AuditError, match="account"):
        store.close_campaign(campaign.id, actor=" ")
    with pytest.raises(AuditError, match="unknown audit action"):
        store.record("campaign.deleted", actor="li", campaign_id=campaign.id)
    assert store.find_campaign(campaign.id).closed_at is None
    assert [r.action for r in store.audit_log()] == ["campaign.created"]


def test_filters(store: Store, campaign) -> None:
    store.close_campaign(campaign.id, actor="li")
    store.reopen_campaign(campaign.id, actor="wu")
    assert [r.action for r in store.audit_log(actor="wu")] == ["campaign.reopened"]
    assert [r.action for r in store.audit_log(actions=["campaign.closed", "campaign.created"])] == [
        "campaign.closed", "campaign.created"]
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert store.audit_log(since=future) == [] and len(store.audit_log(until=future)) == 3
    assert store.audit_log(campaign.id + 1) == []
    assert store.audit_actors() == ["li", "test", "wu"]


def test_every_action_has_chinese_and_english_words() -> None:
    for code, words in ACTIONS.items():
        assert words["zh"] and words["en"] and code not in words["zh"]
        assert all("\u4e00" <= ch <= "\u9fff" for ch in words["zh"] if ch.isalpha())
    assert action_words("review.excluded") == "审核：排除" and action_words("review.excluded", "en") == "Review: excluded"
    assert action_words("unknown.code") == "unknown.code"


def test_command_line_lists_the_log_as_json(db_url: str, mini) -> None:
    with Store.open(db_url) as store:
        campaign = store.create_campaign(open_spec(), [mini], sites(), actor="wang")
        store.close_campaign(campaign.id, actor="li")
    out = subprocess.run([sys.executable, "-m", "survey", "audit", "--db", db_url, "--campaign", str(campaign.id), "--json"],
                         capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)["rows"]
    assert [(r["action"], r["actor"], r["words"]) for r in rows] == [
        ("campaign.closed", "li", "结束调查活动"), ("campaign.created", "wang", "新建调查活动")]
    text = subprocess.run([sys.executable, "-m", "survey", "audit", "--db", db_url], capture_output=True, text=True,
                          check=True).stdout
    assert "结束调查活动" in text and "campaign.closed" not in text
