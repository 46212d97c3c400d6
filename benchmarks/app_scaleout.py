"""Benchmark: two `streamlit run` processes on one PostgreSQL behind nginx with sticky sessions.

Set-up, as the README's deployment section describes it: PostgreSQL (``TCM_SURVEY_BENCH_PG`` or
``TCM_SURVEY_TEST_PG``, else a throwaway server made with Debian's initdb), two app processes
with the same ``TCM_SURVEY_DB`` and ``TCM_SURVEY_SECRET``, and nginx (Debian's) in front. nginx
keeps each browser on one process: a first request without the ``tcm_route`` cookie is hashed
on its random request id and the cookie is set to that id, so the page, its WebSocket and every
reconnection go to the same process (``hash $route consistent``). ``ip_hash`` would do for real
phones; here every browser comes from 127.0.0.1, hence the cookie.

Then ``--sessions`` phone sessions (default 20) fill in and submit the resident questionnaire (the
light HTML form: one request per screen, no WebSocket, no server session) at once through nginx.
Printed: how many form requests each process served (from nginx's log), the times from link to
thank-you page, and the rows stored (each exactly once). Asserts nothing.

Run: ``.venv/bin/python benchmarks/app_scaleout.py [--sessions 20]``
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from app_common import free_port, make_campaign, run_sessions, start_streamlit, stored, summary, throwaway_postgres, wait_healthy
from survey.campaign.tokens import token_url

NGINX_CONF = """
worker_processes 1;
{user}
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    # sticky sessions: the tcm_route cookie, made from the first request's id
    map $cookie_tcm_route $route {{
        ""      $request_id;
        default $cookie_tcm_route;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    upstream tcm_survey {{
        hash $route consistent;
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
    }}
    log_format upstream '$upstream_addr $request_uri';
    server {{
        listen 127.0.0.1:{port};
        location / {{
            access_log {dir}/form.log upstream;
            proxy_pass http://tcm_survey;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 86400;
            add_header Set-Cookie "tcm_route=$route; Path=/; HttpOnly; SameSite=Lax" always;
        }}
        location /_stcore/stream {{
            access_log {dir}/stream.log upstream;
            proxy_pass http://tcm_survey;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 86400;
        }}
    }}
}}
"""


def start_nginx(folder: Path, port: int, port_a: int, port_b: int) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise SystemExit("nginx is needed (apt-get install nginx; it is in scripts/apt-test.txt)")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(dir=folder, port=port, port_a=port_a, port_b=port_b, user=user))
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=(folder / "stderr.log").open("w"))
    wait_healthy(f"http://127.0.0.1:{port}", process, folder / "error.log")
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tcm-bench-scale-") as folder, throwaway_postgres() as db:
        workdir = Path(folder)
        campaign_id, tokens = make_campaign(db, sites=args.sessions)
        env = {"TCM_SURVEY_DB": db, "TCM_SURVEY_ADMIN_PASSWORD": "benchmark-admin"}
        servers = [start_streamlit(workdir, env), start_streamlit(workdir, env)]
        proxy_port = free_port()
        nginx = start_nginx(workdir / "nginx", proxy_port, servers[0].port, servers[1].port)
        base = f"http://127.0.0.1:{proxy_port}"
        try:
            started = time.perf_counter()
            urls = [token_url(base, token) for token in tokens[: args.sessions]]
            times, failed = asyncio.run(run_sessions(urls))
            rows, nonces = stored(db, campaign_id)
            log = (workdir / "nginx" / "form.log").read_text().split()
            served = collections.Counter(address for address, uri in zip(log[0::2], log[1::2]) if uri.startswith("/?t="))
            names = {f"127.0.0.1:{s.port}": f"process {i + 1}" for i, s in enumerate(servers)}
            print(f"sessions: {args.sessions} at once through nginx (sticky cookie) to 2 streamlit processes on PostgreSQL; "
                  f"{failed} failed")
            print("form requests per process: " + ", ".join(f"{names.get(a, a)} {n}" for a, n in sorted(served.items())))
            print(f"open link -> thank-you page: {summary(times)}")
            print(f"stored: {rows} rows with {nonces} distinct nonces (expected {args.sessions})")
            print("server memory: " + ", ".join(f"process {i + 1} {s.rss_mib():.0f} MiB" for i, s in enumerate(servers)))
            print(f"wall time {time.perf_counter() - started:.0f} s")
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            for server in servers:
                server.stop()


if __name__ == "__main__":
    main()
