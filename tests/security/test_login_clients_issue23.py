"""Issue 23 item 4: the per-browser login limit behind the README's nginx, spoofed forwarding
headers, and a locked name that must still let staff in.

Behind nginx every connection comes from 127.0.0.1; the browser's address arrives in
``X-Real-IP`` (set by nginx, ``app.clients``) and is believed only from the configured proxy
(``TCM_SURVEY_TRUSTED_PROXIES``). The end-to-end check through a real nginx is in
``tests/security/test_slow_clients_issue23.py``.
"""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

import accounts
from accounts import ClientThrottle, authenticate, create_account, service
from app.clients import ENV_TRUSTED, client_address, trusted_proxies
from tests.app.web.conftest import web_client
from tests.app.web.field_helpers import PASSWORD, sign_in

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
LOCAL = trusted_proxies("127.0.0.1,::1")


def test_forwarding_headers_count_only_from_the_trusted_proxy() -> None:
    headers = {"x-real-ip": "203.0.113.5", "x-forwarded-for": "10.9.9.9, 198.51.100.7"}.get
    assert client_address("127.0.0.1", headers, LOCAL) == "203.0.113.5"
    assert client_address("::ffff:127.0.0.1", headers, LOCAL) == "203.0.113.5"
    assert client_address("198.51.100.20", headers, LOCAL) == "198.51.100.20"  # not the proxy: headers ignored
    assert client_address("127.0.0.1", headers, ()) == "127.0.0.1"  # no proxy configured: headers ignored
    only_xff = {"x-forwarded-for": "10.9.9.9, 198.51.100.7, 127.0.0.1"}.get
    assert client_address("127.0.0.1", only_xff, LOCAL) == "198.51.100.7"  # the last one not a proxy
    assert client_address("127.0.0.1", {"x-real-ip": "not an address"}.get, LOCAL) == "127.0.0.1"
    assert client_address(None, headers, LOCAL) is None


def _behind_nginx(monkeypatch) -> TestClient:  # noqa: ANN001
    monkeypatch.setenv(ENV_TRUSTED, "127.0.0.1,::1")
    monkeypatch.setattr(service, "CLIENTS", ClientThrottle())
    return TestClient(web_client().app, base_url="http://testserver", client=("127.0.0.1", 50000))


def test_issue23_4_the_per_browser_limit_engages_behind_nginx(store, monkeypatch) -> None:
    create_account(store, "ann", "surveyor", PASSWORD, actor="test")
    client = _behind_nginx(monkeypatch)
    statuses = []
    for i in range(service.CLIENT_FREE_FAILURES + 2):  # a new X-Forwarded-For per attempt changes nothing
        client.headers.update({"x-real-ip": "203.0.113.9", "x-forwarded-for": f"10.0.0.{i}"})
        statuses.append(sign_in(client, password="wrong-password").status_code)
    assert statuses[: service.CLIENT_FREE_FAILURES] == [401] * service.CLIENT_FREE_FAILURES
    assert statuses[service.CLIENT_FREE_FAILURES:] == [429, 429]
    client.headers.update({"x-real-ip": "198.51.100.4"})  # another browser behind the same proxy is not held up
    assert sign_in(client).status_code == 303


def test_issue23_4_spoofed_headers_from_the_internet_make_no_new_client(store, monkeypatch) -> None:
    create_account(store, "ann", "surveyor", PASSWORD, actor="test")
    monkeypatch.setenv(ENV_TRUSTED, "127.0.0.1")
    monkeypatch.setattr(service, "CLIENTS", ClientThrottle())
    client = TestClient(web_client().app, base_url="http://testserver", client=("198.51.100.66", 50000))
    statuses = []
    for i in range(service.CLIENT_FREE_FAILURES + 1):
        client.headers.update({"x-real-ip": f"192.0.2.{i}", "x-forwarded-for": f"10.0.0.{i}"})
        statuses.append(sign_in(client, password="wrong-password").status_code)
    assert statuses[-1] == 429


def test_issue23_4_a_locked_name_still_takes_the_right_password_from_a_client_without_failures(account_store, cheap_hashes):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    clients = ClientThrottle()
    for i in range(accounts.ACCOUNT_FREE_FAILURES):  # many browsers lock the name
        authenticate(account_store, "admin", "guess", client=f"203.0.113.{i}", now=T0, clients=clients)
    assert authenticate(account_store, "admin", "right-password", client="203.0.113.1", now=T0, clients=clients).reason == "locked"
    assert authenticate(account_store, "admin", "right-password", client=None, now=T0, clients=clients).reason == "locked"
    assert authenticate(account_store, "admin", "right-password", client="192.0.2.1", now=T0, clients=clients).ok
    # a fresh client's wrong password while the name is locked is one guess, then it waits like the rest
    for i in range(accounts.ACCOUNT_FREE_FAILURES):
        authenticate(account_store, "admin", "guess", client=f"198.51.100.{i}", now=T0, clients=clients)
    assert authenticate(account_store, "admin", "guess", client="192.0.2.2", now=T0, clients=clients).reason == "locked"
    assert authenticate(account_store, "admin", "right-password", client="192.0.2.2", now=T0, clients=clients).reason == "locked"
    assert authenticate(account_store, "admin", "right-password", client="192.0.2.3", now=T0, clients=clients).ok
