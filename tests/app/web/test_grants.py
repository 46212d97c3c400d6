"""Signed staff grants: purpose, role, expiry and tampering."""

from __future__ import annotations

import pytest

from app.web import grants

SECRET = b"grant-test-secret-0123456789abcdef"


def test_a_grant_works_for_its_purpose_until_it_expires() -> None:
    grant = grants.issue(SECRET, "li", "surveyor", "surveyor", seconds=600, now=1000.0)
    assert grants.check(grant, SECRET, "surveyor", now=1599.0) == ("li", "surveyor")
    assert grants.check(grant, SECRET, "surveyor", now=1601.0) is None
    assert grants.check(grant, SECRET, "keys", now=1001.0) is None


def test_only_admins_get_keys_and_nobody_forges_one() -> None:
    with pytest.raises(ValueError):
        grants.issue(SECRET, "li", "surveyor", "keys")
    with pytest.raises(ValueError):
        grants.issue(SECRET, "zhou", "evaluator", "surveyor")
    grant = grants.issue(SECRET, "wang", "admin", "keys", now=1000.0)
    body, tag = grant.split(".")
    assert grants.check(body + "." + tag[::-1], SECRET, "keys", now=1001.0) is None
    assert grants.check(grant, b"another-secret-0123456789abcdefgh", "keys", now=1001.0) is None
    assert grants.check("", SECRET, "keys") is None and grants.check(None, SECRET, "keys") is None
