"""``Store.import_responses``: rows inserted in chunks in one transaction with the batch's audit row;
a failure in a later chunk leaves nothing written; stored and repeated nonces counted."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from survey.collect.submission import ImportRow
from survey.demo import create_demo
from survey.storage import Store
from survey.storage import imports as store_imports
from survey.storage.audit import AuditError
from survey.storage.engine import StorageError
from survey.storage.responses import RECEIPT_ALPHABET, SubmitError


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'imports.sqlite'}") as s:
        yield s


def _rows(campaign, n: int, start: int = 0) -> list[ImportRow]:
    when = dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC)
    return [ImportRow(campaign.sites[i % 2].code, f"imp-{i:040d}", {"sex": "female"}, {"knowledge": None}, when,
                      {"opened_at": when - dt.timedelta(minutes=5), "duration_s": 300.0}) for i in range(start, start + n)]


def _count(store, campaign_id):
    return sum(store.response_counts(campaign_id).values())


def test_chunks_in_one_transaction_with_the_audit_row(store, monkeypatch):
    campaign = create_demo(store, responses=0).campaign
    version = campaign.instruments[0].version_hash
    monkeypatch.setattr(store_imports, "CHUNK_ROWS", 3)
    seen = []
    stored, repeats = store.import_responses(campaign.id, version, _rows(campaign, 10), actor="zhao",
                                             batch={"file": "a.csv", "sha256": "ab" * 32, "rows": 10}, progress=lambda f, s: seen.append((f, s)))
    assert (stored, repeats) == (10, 0) and _count(store, campaign.id) == 10
    assert [f for f, _ in seen] == sorted(f for f, _ in seen) and seen[-1] == (1.0, "saving") and len(seen) == 4
    again = _rows(campaign, 4, start=8) + _rows(campaign, 1, start=11)  # 8, 9 stored; 11 twice in the batch
    assert store.import_responses(campaign.id, version, again, actor="zhao", batch={"file": "b.csv"}) == (2, 3)
    assert _count(store, campaign.id) == 12
    batches = store.audit_log(campaign.id, actions=["import.batch"])
    assert sorted((b.detail["file"], b.detail["stored"], b.detail["repeats"]) for b in batches) == [("a.csv", 10, 0), ("b.csv", 2, 3)]
    stored_rows = store.responses(campaign.id)
    assert {r.source for r in stored_rows} == {"import"} and stored_rows[0].paradata["duration_s"] == 300.0


def test_a_failure_in_a_later_chunk_leaves_nothing(store, monkeypatch):
    campaign = create_demo(store, responses=0).campaign
    version = campaign.instruments[0].version_hash
    monkeypatch.setattr(store_imports, "CHUNK_ROWS", 3)
    rows = _rows(campaign, 8)
    rows[6] = ImportRow(rows[6].site_code, rows[6].nonce, {"sex": object()}, {}, None)  # cannot be stored as JSON
    with pytest.raises((TypeError, StorageError)):
        store.import_responses(campaign.id, version, rows, actor="zhao", batch={"file": "bad.csv"})
    assert _count(store, campaign.id) == 0 and store.audit_log(campaign.id, actions=["import.batch"]) == []


def test_refusals_name_the_row_before_anything_is_written(store):
    campaign = create_demo(store, responses=0).campaign
    version = campaign.instruments[0].version_hash
    rows = _rows(campaign, 3)
    with pytest.raises(AuditError):
        store.import_responses(campaign.id, version, rows, actor="", batch={})
    unknown = [*rows[:2], ImportRow("99Z", "imp-" + "9" * 40, {}, {}, None)]
    with pytest.raises(SubmitError, match=r"submission 3 .*99Z"):
        store.import_responses(campaign.id, version, unknown, actor="zhao", batch={})
    with pytest.raises(SubmitError, match="submission 1"):
        store.import_responses(campaign.id, version, [ImportRow(rows[0].site_code, "short", {}, {}, None)], actor="zhao", batch={})
    assert _count(store, campaign.id) == 0


def test_receipts_drawn_in_bulk_look_like_single_ones():
    codes = store_imports.new_receipts(5000)
    assert len(codes) == 5000 and len(set(codes)) == 5000
    pattern = re.compile(f"[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{6}}")
    assert all(pattern.fullmatch(c) for c in codes)
    letters = "".join(c.replace("-", "") for c in codes)
    counts = [letters.count(ch) for ch in RECEIPT_ALPHABET]
    assert min(counts) > 0.8 * len(letters) / len(RECEIPT_ALPHABET)  # every letter about as often (50,000 letters)
