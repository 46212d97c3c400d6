"""Issue 23 item 1: half-sent requests were kept forever; about 1,000 of them from one machine took
the form and the admin area down (``Too many open files``). Every documented way to run the app now
puts nginx in front of Streamlit with header and body timeouts and connection limits
(``app/proxy.py``, which ``scripts/start.sh`` runs; the README's block shows the same settings).

The set-up here is the one ``scripts/start.sh`` makes: a real ``streamlit run`` on 127.0.0.1 and
``app.proxy.start`` in front of it. The attacker's sockets come from 127.0.0.1, the respondent
from 127.0.0.2 (another address of the loopback network). Item 4 through the same nginx: the
per-browser login limit engages, whatever ``X-Forwarded-For`` the attacker sends.
"""

from __future__ import annotations

import http.client
import re
import socket
import time
from pathlib import Path

import pytest

from accounts import create_account
from app import proxy
from app.clients import ENV_TRUSTED
from survey.campaign.keys import ENV_SECRET
from survey.storage import Store
from tests.app.respond_helpers import SECRET, make_campaign, token_for
from tests.conftest import free_port, start_streamlit, stop_streamlit

ROOT = Path(__file__).resolve().parents[2]
SLOW_HEADERS = 300
SLOW_BODIES = 150  # more than limit_conn lets one address hold
PASSWORD = "surveyor-pass-1"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("proxied")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        campaign = make_campaign(store)
        create_account(store, "ann", "surveyor", PASSWORD, actor="test")
    server = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET, ENV_TRUSTED: "127.0.0.1,::1",
                                       "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    port = free_port()
    folder = workdir / "nginx"
    try:
        proxy.start(f"127.0.0.1:{port}", server.url.removeprefix("http://"), folder)
        yield port, token_for(campaign, "01A", "resident")
    finally:
        proxy.stop(folder)
        stop_streamlit(server)


def _connect(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    sock.setblocking(False)
    return sock


def _get(port: int, path: str, source: str = "127.0.0.2") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _closed(sock: socket.socket) -> bool:
    """True once the server answered (408, 429) or closed the connection."""
    try:
        return sock.recv(4096) is not None  # data or b"" (closed)
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_issue23_1_slow_connections_leave_the_form_answering(proxied) -> None:
    port, token = proxied
    heads = [_connect(port, "127.0.0.1") for _ in range(SLOW_HEADERS)]
    bodies = [_connect(port, "127.0.0.1") for _ in range(SLOW_BODIES)]
    try:
        for sock in heads:
            sock.send(f"GET /?t={token} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        for sock in bodies:
            sock.send(b"POST /field/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      b"Content-Length: 60000\r\n\r\nu")
        time.sleep(2)
        status, html = _get(port, f"/?t={token}")  # a respondent, while all of them hang on
        assert status == 200 and 'data-page="intro"' in html
        assert _get(port, "/_stcore/health")[0] == 200  # and Streamlit's pages
        refused = sum(_closed(sock) for sock in bodies)
        assert refused >= SLOW_BODIES - proxy.PER_ADDRESS  # one address holds at most limit_conn of them
        # the attacker goes on sending a header line every 2 s: nginx closes each connection anyway
        open_heads = list(heads)
        for _ in range(25):  # up to 50 s; client_header_timeout is 10 s for the whole head
            time.sleep(2)
            still = []
            for sock in open_heads:
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    continue
                if not _closed(sock):
                    still.append(sock)
            open_heads = still
            if not open_heads:
                break
        assert open_heads == [], f"{len(open_heads)} half-sent requests are still open"
        status, html = _get(port, f"/?t={token}")
        assert status == 200 and 'data-page="intro"' in html
    finally:
        for sock in heads + bodies:
            sock.close()


def test_issue23_4_the_login_limit_engages_behind_the_started_nginx(proxied) -> None:
    port, _ = proxied
    statuses = []
    for i in range(7):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=("127.0.0.3", 0))
        spoofed = {"X-Forwarded-For": f"10.0.{i}.1", "X-Real-IP": f"10.1.{i}.1"}  # replaced by nginx
        connection.request("GET", "/field", headers=spoofed)
        page = connection.getresponse()
        html = page.read().decode()
        cookie = re.search(r"tcm_csrf=([0-9a-f]{32})", page.getheader("set-cookie") or "")
        csrf = cookie.group(1) if cookie else re.search(r'name="csrf" value="([0-9a-f]{32})"', html).group(1)
        body = f"csrf={csrf}&username=ann&password=wrong-password"
        connection.request("POST", "/field/login", body=body, headers={
            **spoofed, "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"tcm_csrf={csrf}"})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
        connection.close()
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    # another browser behind the same nginx signs in
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=("127.0.0.4", 0))
    connection.request("GET", "/field")
    page = connection.getresponse()
    csrf = re.search(r"tcm_csrf=([0-9a-f]{32})", page.getheader("set-cookie") or "").group(1)
    page.read()
    connection.request("POST", "/field/login", body=f"csrf={csrf}&username=ann&password={PASSWORD}",
                       headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"tcm_csrf={csrf}"})
    assert connection.getresponse().status == 303
    connection.close()


def test_issue23_1_every_documented_way_runs_behind_these_settings() -> None:
    start = (ROOT / "scripts" / "start.sh").read_text(encoding="utf-8")
    assert "-m app.proxy start" in start and "--server.address 127.0.0.1" in start and "exec " not in start
    assert "TCM_SURVEY_TRUSTED_PROXIES" in start
    assert "nginx" in (ROOT / "scripts" / "apt-app.txt").read_text(encoding="utf-8").split()
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r'^address = "127\.0\.0\.1"$', config, re.M) and re.search(r"^maxUploadSize = 50$", config, re.M)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rendered = proxy.render("8501", "127.0.0.1:8601", Path("/tmp/x"))
    for setting in (f"client_header_timeout {proxy.HEADER_TIMEOUT}s", f"client_body_timeout {proxy.BODY_TIMEOUT}s",
                    f"limit_conn per_address {proxy.PER_ADDRESS}", f"worker_connections {proxy.WORKER_CONNECTIONS}",
                    f"worker_rlimit_nofile {proxy.OPEN_FILES}", "proxy_set_header X-Real-IP $remote_addr",
                    "proxy_set_header X-Forwarded-For $remote_addr", "proxy_set_header Upgrade $http_upgrade",
                    f"max_conns={proxy.UPSTREAM_CONNECTIONS}", f"client_max_body_size {proxy.MAX_BODY}"):
        assert setting in rendered and setting in readme, setting
    assert "TCM_SURVEY_TRUSTED_PROXIES" in readme and "LimitNOFILE" in readme and "Strict-Transport-Security" in readme
