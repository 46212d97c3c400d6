"""The paradata model: every key checked, the device id reduced to a keyed hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from survey.collect.paradata import DEVICE_KEY_LABEL, Paradata, ParadataError, device_hash, parse_paradata

FULL = {
    "opened_at": "2026-05-01T08:00:00Z",
    "duration_s": 312.5,
    "section_seconds": {"background": 40.0, "satisfaction": 120.25},
    "language": "zh",
    "resumed": True,
    "mode": "read_aloud",
    "surveyor": "wang",
    "device_id": "d3v1c3-c00k1e-0123456789",
}


def test_full_mapping_is_parsed() -> None:
    p = parse_paradata(FULL)
    assert p.opened_at == dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
    assert p.duration_s == 312.5 and p.section_seconds == {"background": 40.0, "satisfaction": 120.25}
    assert (p.language, p.resumed, p.mode, p.surveyor, p.device_id) == ("zh", True, "read_aloud", "wang", FULL["device_id"])


def test_offset_times_become_utc_and_none_is_empty() -> None:
    assert parse_paradata({"opened_at": "2026-05-01T16:00:00+08:00"}).opened_at == dt.datetime(2026, 5, 1, 8, tzinfo=dt.timezone.utc)
    assert parse_paradata(None) == Paradata()


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ({"opened_at": "2026-05-01T08:00:00"}, "opened_at"),  # no time zone
        ({"opened_at": "yesterday"}, "opened_at"),
        ({"duration_s": -1}, "duration_s"),
        ({"duration_s": float("nan")}, "duration_s"),
        ({"duration_s": True}, "duration_s"),
        ({"section_seconds": {"a b": 3}}, "section_seconds"),
        ({"section_seconds": {"main": "3"}}, "section_seconds.main"),
        ({"resumed": "yes"}, "resumed"),
        ({"mode": "phone"}, "mode"),
        ({"surveyor": ""}, "surveyor"),
        ({"device_id": "short"}, "device_id"),
        ({"ip": "10.0.0.1"}, "ip"),  # nothing but the contract's keys
        ({"user_agent": "Mozilla/5.0"}, "user_agent"),
        ({"option_orders": {"q 1": ["a"]}}, "option_orders"),
        ({"option_orders": {"q1": []}}, "option_orders.q1"),
        ({"option_orders": {"q1": "ab"}}, "option_orders.q1"),
        ({"option_orders": {"q1": ["a", "a"]}}, "option_orders.q1"),
        ({"option_orders": {"q1": ["a,b", "c"]}}, "option_orders.q1"),  # a comma is no choice value's
        ({"option_orders": {"q1": ["a", ""]}}, "option_orders.q1"),
        ({"option_orders": {"q1": ["a", "b\n"]}}, "option_orders.q1"),
        ({"option_orders": {"q1": ["a", 2]}}, "option_orders.q1"),
        ({"option_orders": {"q1": ["x" * 65]}}, "option_orders.q1"),
    ],
)
def test_bad_values_name_the_key(value, key) -> None:
    with pytest.raises(ParadataError) as caught:
        parse_paradata(value)
    assert caught.value.key == key and f"paradata {key}:" in str(caught.value)


def test_device_hash_is_keyed_and_not_the_cookie() -> None:
    cookie = FULL["device_id"]
    one, two = device_hash(b"secret-one-0123456789", cookie), device_hash(b"secret-two-0123456789", cookie)
    assert len(one) == 64 and cookie not in one and one != two
    assert one == device_hash(b"secret-one-0123456789", cookie)
    # hand computation: HMAC(HMAC(secret, label), cookie)
    key = hmac.new(b"secret-one-0123456789", DEVICE_KEY_LABEL, hashlib.sha256).digest()
    assert one == hmac.new(key, cookie.encode(), hashlib.sha256).hexdigest()
    # never equal to a plain HMAC(secret, cookie), the form a token signature takes
    assert one != hmac.new(b"secret-one-0123456789", cookie.encode(), hashlib.sha256).hexdigest()


def test_stored_columns_hold_the_hash_only() -> None:
    stored = parse_paradata(FULL).stored(b"secret-one-0123456789")
    assert "device_id" not in stored and stored["device_hash"] == device_hash(b"secret-one-0123456789", FULL["device_id"])
    with pytest.raises(ParadataError, match="no secret"):
        parse_paradata(FULL).stored(None)
