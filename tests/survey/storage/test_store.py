"""The response store on SQLite and PostgreSQL: stored once, validated first, all or nothing."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
import threading
import types
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from survey.campaign import CampaignError, SiteSpec, UnknownCampaign
from survey.errors import AnswerError
from survey.storage import StorageError, Store, SubmitError
from survey.storage.schema import campaigns, responses
from survey.storage.schema import sites as sites_table

from .helpers import GOOD_ANSWERS, open_spec, sites


def count(store: Store, table: sa.Table) -> int:
    with store.read() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_campaign_round_trip(store: Store, mini) -> None:
    campaign = store.create_campaign(open_spec(), [mini], sites(3), actor="test")
    loaded = store.campaign(campaign.id)
    assert loaded == campaign
    assert [s.code for s in loaded.sites] == ["01", "02", "03"]
    assert loaded.instruments[0].short_id == "m"
    assert loaded.instruments[0].version_hash == mini.version_hash
    assert loaded.sites[0].quotas == {"mini": 10}
    assert loaded.status() == "open"
    assert store.instrument_document(mini.version_hash) == mini.to_dict()
    assert store.questionnaire(mini.version_hash).version_hash == mini.version_hash


def test_one_quota_for_every_instrument(store: Store, mini) -> None:
    site = SiteSpec(code="A1", name="甲", stratum="镇", kind="village_clinic", quotas={"*": 7})
    campaign = store.create_campaign(open_spec(), [mini], [site], actor="test")
    assert campaign.sites[0].quotas == {"mini": 7}


def test_instrument_text_stored_once_per_version(store: Store, mini) -> None:
    store.create_campaign(open_spec(), [mini], sites(1), actor="test")
    store.create_campaign(open_spec(name="第二轮"), [mini], sites(1), actor="test")
    with store.read() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM instruments").scalar_one() == 1


def test_submit_stores_once_and_reports_repeats(store: Store, campaign, mini) -> None:
    nonce = uuid.uuid4().hex
    first = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonce)
    assert not first.repeat
    again = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonce)
    assert again.repeat and again.same_answers and again.response_id == first.response_id
    changed = store.submit(campaign.id, "01", mini, {**GOOD_ANSWERS, "overall": 2}, nonce=nonce)
    assert changed.repeat and not changed.same_answers
    stored = store.responses(campaign.id)
    assert len(stored) == 1
    assert stored[0].answers == GOOD_ANSWERS
    assert stored[0].scores == {"satisfaction": 1, "knowledge": 1}
    assert stored[0].version_hash == mini.version_hash
    assert stored[0].source == "qr" and not stored[0].simulated
    assert stored[0].submitted_at.tzinfo is not None
    assert store.response_counts(campaign.id) == {("01", "mini"): 1}


def test_same_nonce_in_another_campaign_is_another_response(store: Store, campaign, mini) -> None:
    other = store.create_campaign(open_spec(name="另一次"), [mini], sites(1), actor="test")
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-0001")
    assert not store.submit(other.id, "01", mini, GOOD_ANSWERS, nonce="nonce-0001").repeat


def test_invalid_answers_write_nothing(store: Store, campaign, mini) -> None:
    with pytest.raises(AnswerError) as caught:
        store.submit(campaign.id, "01", mini, {"used": "maybe", "know": "true"}, nonce="nonce-bad-1")
    assert "used" in str(caught.value)
    assert count(store, responses) == 0


@pytest.mark.parametrize(
    ("site", "reason"),
    [("99", "unknown_site")],
)
def test_unknown_site_writes_nothing(store: Store, campaign, mini, site, reason) -> None:
    with pytest.raises(SubmitError) as caught:
        store.submit(campaign.id, site, mini, GOOD_ANSWERS, nonce="nonce-site-1")
    assert caught.value.reason == reason
    assert count(store, responses) == 0


def test_unknown_campaign_and_instrument(store: Store, campaign, mini) -> None:
    with pytest.raises(SubmitError) as caught:
        store.submit(campaign.id + 100, "01", mini, GOOD_ANSWERS, nonce="nonce-camp-1")
    assert caught.value.reason == "unknown_campaign"
    from survey.questionnaire.loader import parse_questionnaire_text

    from .helpers import MINI

    other = parse_questionnaire_text(MINI.replace('version: "1"', 'version: "2"'))
    with pytest.raises(SubmitError) as caught:
        store.submit(campaign.id, "01", other, GOOD_ANSWERS, nonce="nonce-inst-1")
    assert caught.value.reason == "unknown_instrument"
    with pytest.raises(UnknownCampaign):
        store.campaign(campaign.id + 100)


@pytest.mark.parametrize("nonce", ["short", "has space in it", "x" * 65, "中文中文中文中文"])
def test_bad_nonce_refused(store: Store, campaign, mini, nonce) -> None:
    with pytest.raises(SubmitError) as caught:
        store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonce)
    assert caught.value.reason == "bad_nonce"


def test_campaign_window(store: Store, mini) -> None:
    today = dt.date.today()
    future = store.create_campaign(open_spec(opens_on=today + dt.timedelta(days=5), closes_on=today + dt.timedelta(days=9)), [mini], sites(1), actor="test")
    with pytest.raises(SubmitError) as caught:
        store.submit(future.id, "01", mini, GOOD_ANSWERS, nonce="nonce-future")
    assert caught.value.reason == "not_yet_open"
    past = store.create_campaign(open_spec(opens_on=today - dt.timedelta(days=9), closes_on=today - dt.timedelta(days=5)), [mini], sites(1), actor="test")
    with pytest.raises(SubmitError) as caught:
        store.submit(past.id, "01", mini, GOOD_ANSWERS, nonce="nonce-past-1", source="surveyor")
    assert caught.value.reason == "closed"
    # paper forms entered after the campaign closed
    assert not store.submit(past.id, "01", mini, GOOD_ANSWERS, nonce="nonce-past-2", source="import").repeat
    current = store.create_campaign(open_spec(), [mini], sites(1), actor="test")
    store.close_campaign(current.id, actor="test")
    with pytest.raises(SubmitError) as caught:
        store.submit(current.id, "01", mini, GOOD_ANSWERS, nonce="nonce-closed")
    assert caught.value.reason == "closed"
    store.reopen_campaign(current.id, actor="test")
    assert not store.submit(current.id, "01", mini, GOOD_ANSWERS, nonce="nonce-closed").repeat


def test_retry_after_close_is_still_a_repeat(store: Store, campaign, mini) -> None:
    first = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-late-1")
    store.close_campaign(campaign.id, actor="test")
    again = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-late-1")
    assert again.repeat and again.response_id == first.response_id


def test_half_failed_campaign_leaves_nothing(store: Store, mini) -> None:
    bad = [*sites(3), SiteSpec(code="01", name="重复", stratum="镇", kind="village_clinic")]
    with pytest.raises(CampaignError, match="'01' is already used"):
        store.create_campaign(open_spec(), [mini], bad, actor="test")
    assert count(store, campaigns) == 0
    assert count(store, sites_table) == 0
    with store.read() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM campaign_instruments").scalar_one() == 0


def test_half_failed_site_batch_leaves_nothing(store: Store, campaign) -> None:
    batch = [
        SiteSpec(code="10", name="新点", stratum="镇", kind="village_clinic", quotas={"mini": 3}),
        SiteSpec(code="11", name="坏点", stratum="镇", kind="village_clinic", quotas={"other": 3}),
    ]
    with pytest.raises(CampaignError, match="other"):
        store.add_sites(campaign.id, batch, actor="test")
    assert [s.code for s in store.campaign(campaign.id).sites] == ["01", "02", "03"]


def test_failure_inside_the_response_transaction_leaves_nothing(store: Store, campaign, mini) -> None:
    def fail_after_insert(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("INSERT INTO RESPONSES"):
            raise RuntimeError("connection dropped after the insert")

    event.listen(store.engine, "after_cursor_execute", fail_after_insert)
    try:
        with pytest.raises(RuntimeError):
            store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-half-1")
    finally:
        event.remove(store.engine, "after_cursor_execute", fail_after_insert)
    assert count(store, responses) == 0
    assert not store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-half-1").repeat


def test_remove_site(store: Store, campaign, mini) -> None:
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-rm-001")
    with pytest.raises(CampaignError, match="has 1 responses"):
        store.remove_site(campaign.id, "01", actor="test")
    store.remove_site(campaign.id, "02", actor="test")
    assert [s.code for s in store.campaign(campaign.id).sites] == ["01", "03"]


def test_threads_racing_on_one_nonce_store_one_row(store: Store, campaign, mini) -> None:
    results = []
    barrier = threading.Barrier(16)

    def attempt() -> None:
        barrier.wait()
        results.append(store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-race-01"))

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 16
    assert sum(not r.repeat for r in results) == 1
    assert len({r.response_id for r in results}) == 1
    assert count(store, responses) == 1


def _process_writer(url: str, campaign_id: int, nonces: list[str], start, queue) -> None:  # noqa: ANN001
    from survey.questionnaire.loader import parse_questionnaire_text

    from .helpers import MINI

    questionnaire = parse_questionnaire_text(MINI)
    store = Store.open(url)
    start.wait()
    out = []
    for nonce in nonces:
        out.append(store.submit(campaign_id, "01", questionnaire, GOOD_ANSWERS, nonce=nonce).repeat)
    store.close()
    queue.put(out)


def test_processes_racing_on_the_same_nonces_store_each_once(db_url: str, store: Store, campaign, monkeypatch) -> None:
    # spawned children re-run the parent's __main__; under xdist that may be a script another test left
    # there (Streamlit's AppTest): give them an empty one
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    nonces = [f"nonce-proc-{i:03d}" for i in range(30)]
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    queue = context.Queue()
    workers = [context.Process(target=_process_writer, args=(db_url, campaign.id, nonces, start, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert count(store, responses) == len(nonces)
    firsts = sum(not repeat for outcome in outcomes for repeat in outcome)
    assert firsts == len(nonces)  # each nonce: exactly one attempt wrote, the other three were told "repeat"


def test_unreachable_database_names_the_url_without_password() -> None:
    with pytest.raises(StorageError) as caught:
        Store.open("postgresql://survey:hunter2@127.0.0.1:9/tcm", connect_args={"connect_timeout": 3})
    message = str(caught.value)
    assert "127.0.0.1:9/tcm" in message and "hunter2" not in message and "***" in message


def test_bad_urls() -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        Store.open("no such thing://")
    with pytest.raises(StorageError, match="unsupported database 'mysql'"):
        Store.open("mysql://localhost/db")


def test_sqlite_file_in_wal_mode(tmp_path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'deep' / 'er' / 'x.sqlite'}") as store:
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_default_url_from_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    with Store.open() as store:
        assert store.url.endswith("env.sqlite")
    assert (tmp_path / "env.sqlite").exists()


def test_batch_is_all_or_nothing(store: Store, campaign, mini) -> None:
    from survey.collect.submission import Submission

    good = [Submission("01", mini, GOOD_ANSWERS, nonce=f"batch-{i:04d}") for i in range(5)]
    bad = Submission("02", mini, {"used": "yes", "overall": 9, "know": "true"}, nonce="batch-bad-1")
    with pytest.raises(AnswerError, match="submission 4 \\(nonce batch-bad-1\\)"):
        store.submit_batch(campaign.id, [*good[:3], bad, *good[3:]], actor="test", batch={"file": "batch.csv"})
    assert count(store, responses) == 0
    unknown_site = Submission("99", mini, GOOD_ANSWERS, nonce="batch-site-1")
    with pytest.raises(SubmitError, match="submission 6"):
        store.submit_batch(campaign.id, [*good, unknown_site], actor="test", batch={"file": "batch.csv"})
    assert count(store, responses) == 0
    results = store.submit_batch(campaign.id, good, actor="test", batch={"file": "batch.csv"})
    assert [r.repeat for r in results] == [False] * 5
    again = store.submit_batch(campaign.id, [*good[:2], Submission("03", mini, GOOD_ANSWERS, nonce="batch-new-1")], actor="test", batch={"file": "batch.csv"})
    assert [r.repeat for r in again] == [True, True, False]
    assert count(store, responses) == 6


def test_update_site_name_and_quotas(store: Store, campaign, mini) -> None:
    site = store.update_site(campaign.id, "02", name=" 新名字 ", quotas={"mini": 25}, actor="test")
    assert (site.name, site.quotas, site.stratum, site.psu) == ("新名字", {"mini": 25}, "镇0", "02")
    assert store.campaign(campaign.id).site("02") == site
    assert store.update_site(campaign.id, "02", quotas={}, actor="test").name == "新名字"
    with pytest.raises(CampaignError, match="not in the campaign: \\['staff'\\]"):
        store.update_site(campaign.id, "02", quotas={"staff": 3}, actor="test")
    with pytest.raises(CampaignError, match="name is empty"):
        store.update_site(campaign.id, "02", name="  ", actor="test")
    with pytest.raises(CampaignError, match="has no site 'ZZ'"):
        store.update_site(campaign.id, "ZZ", name="x", actor="test")
    with pytest.raises(UnknownCampaign):
        store.update_site(999, "02", name="x", actor="test")
    assert store.campaign(campaign.id).site("02").quotas == {}


def test_stored_nonces(store: Store, campaign, mini) -> None:
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-known-1")
    asked = [f"nonce-unknown-{k}" for k in range(1200)] + ["nonce-known-1"]  # more than one chunk of 500
    assert store.stored_nonces(campaign.id, asked) == {"nonce-known-1"}
    assert store.stored_nonces(campaign.id, []) == set()


def test_recent_responses_read_with_limit(store: Store, campaign, mini) -> None:
    ids = [store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=f"nonce-recent-{k:02d}").response_id for k in range(5)]
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    recent = store.recent_responses(campaign.id, 3)
    assert [r.id for r in recent] == ids[::-1][:3]
    assert any("LIMIT" in s.upper() for s in statements)
    assert store.recent_responses(campaign.id, 0) == []
    assert [r.id for r in store.recent_responses(campaign.id)] == ids[::-1]


def test_campaigns_in_three_queries_however_many(store: Store, mini) -> None:
    made = [store.create_campaign(open_spec(name=f"第{k}次"), [mini], sites(k + 1), actor="test") for k in range(4)]
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    loaded = store.campaigns()
    assert loaded == made
    assert [len(c.sites) for c in loaded] == [1, 2, 3, 4]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3


def test_answers_are_checked_once_per_submission(store: Store, campaign, mini, monkeypatch) -> None:
    import survey.questionnaire.answers
    import survey.questionnaire.scoring

    walks = []
    real = survey.questionnaire.answers.check_answers

    def counted(*args, **kwargs):
        walks.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(survey.questionnaire.answers, "check_answers", counted)
    monkeypatch.setattr(survey.questionnaire.scoring, "check_answers", counted)
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="nonce-once-001")
    assert len(walks) == 1
    assert store.responses(campaign.id)[0].scores == {"satisfaction": 1, "knowledge": 1}
