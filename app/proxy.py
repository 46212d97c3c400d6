"""The reverse proxy in front of the app: nginx from Debian, set up and started by ``scripts/start.sh``.

Streamlit's server (uvicorn, inside ``streamlit run``) has no setting for a header or body timeout
or a connection limit: a connection that never finishes its headers is kept forever, and about
1,000 of them exhaust the process's files (issue 23 item 1). So the app listens on 127.0.0.1 only
and the internet reaches it through nginx, with:

* ``client_header_timeout`` :data:`HEADER_TIMEOUT` s for the whole request head, and
  ``client_body_timeout`` :data:`BODY_TIMEOUT` s between two reads of a body (nginx holds the
  slow ones: the app sees a request only once nginx has all of it);
* ``limit_conn`` :data:`PER_ADDRESS` open requests per address (phones behind one NAT share one),
  ``worker_connections`` :data:`WORKER_CONNECTIONS` in all, ``worker_rlimit_nofile``
  :data:`OPEN_FILES` (nginx's file limit) and at most :data:`UPSTREAM_CONNECTIONS` connections to
  the app (Streamlit's WebSockets included), which stays under the default file limit of 1,024;
* ``client_max_body_size`` a little over Streamlit's upload limit (50 MB); the form's own 64 kB
  limit is the app's (``app.web.security``);
* ``X-Real-IP`` and ``X-Forwarded-For`` set to the connecting address, replacing whatever the
  browser sent; the app believes them only from ``TCM_SURVEY_TRUSTED_PROXIES`` (``app.clients``),
  which ``scripts/start.sh`` sets to this machine;
* Streamlit's WebSocket (``Upgrade``) proxied, with a day's read timeout.

``python -m app.proxy start --listen 8501 --upstream 127.0.0.1:8601 --dir data/nginx`` writes
``nginx.conf`` there and starts nginx (its own master process, pid file and temporary files in
that folder); ``python -m app.proxy stop --dir data/nginx`` stops it. The README's deployment
section shows the same settings for an nginx of one's own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HEADER_TIMEOUT = 10
BODY_TIMEOUT = 10
SEND_TIMEOUT = 30
KEEPALIVE_TIMEOUT = 30
PER_ADDRESS = 100
WORKER_CONNECTIONS = 4096
OPEN_FILES = 8192
UPSTREAM_CONNECTIONS = 768
MAX_BODY = "51m"  # Streamlit's upload limit is 50 MB (.streamlit/config.toml server.maxUploadSize)
_TEMP = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def render(listen: str, upstream: str, folder: Path, *, user: str | None = None) -> str:
    """The nginx configuration (``listen``: a port or address:port; ``upstream``: the app's host:port)."""
    folder = folder.resolve()
    temp = "\n".join(f"    {name}_temp_path {folder / 'temp' / name};" for name in _TEMP)
    return f"""# Written by `python -m app.proxy` (scripts/start.sh): edit app/proxy.py, not this file.
{f"user {user};" if user else ""}
worker_processes 1;
worker_rlimit_nofile {OPEN_FILES};
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} crit;  # error-level lines name the client's address: not kept
events {{ worker_connections {WORKER_CONNECTIONS}; }}
http {{
    access_log off;                      # no IP address is stored anywhere
    server_tokens off;
{temp}
    client_header_timeout {HEADER_TIMEOUT}s;     # the whole request head, else 408 and closed
    client_body_timeout {BODY_TIMEOUT}s;       # between two reads of a body
    send_timeout {SEND_TIMEOUT}s;
    keepalive_timeout {KEEPALIVE_TIMEOUT}s;
    client_max_body_size {MAX_BODY};
    large_client_header_buffers 4 8k;
    limit_conn_zone $binary_remote_addr zone=per_address:10m;
    limit_conn per_address {PER_ADDRESS};
    limit_conn_status 429;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    upstream tcm_survey {{ server {upstream} max_conns={UPSTREAM_CONNECTIONS}; }}
    server {{
        listen {listen};
        location / {{
            proxy_pass http://tcm_survey;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 86400s;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found is None:
        raise SystemExit("nginx is not installed: scripts/start.sh installs Debian's 'nginx' (scripts/apt-app.txt)")
    return found


def write(listen: str, upstream: str, folder: Path) -> Path:
    """Write ``folder/nginx.conf`` and its temporary folders; as root the workers run as www-data."""
    user = None
    if os.geteuid() == 0:
        import pwd

        try:
            entry = pwd.getpwnam("www-data")
            user = "www-data"
        except KeyError:
            entry = None
    for name in _TEMP:
        path = folder / "temp" / name
        path.mkdir(parents=True, exist_ok=True)
        if user and entry is not None:
            os.chown(path, entry.pw_uid, entry.pw_gid)
    config = folder / "nginx.conf"
    config.write_text(render(listen, upstream, folder, user=user), encoding="utf-8")
    return config


def start(listen: str, upstream: str, folder: Path) -> int:
    """Write the configuration, stop an nginx left from an earlier start, start nginx; its pid."""
    folder.mkdir(parents=True, exist_ok=True)
    stop(folder)
    config = write(listen, upstream, folder)
    binary = nginx_binary()
    subprocess.run([binary, "-t", "-q", "-p", str(folder.resolve()), "-c", str(config.resolve()), "-e", "stderr"], check=True)
    subprocess.run([binary, "-p", str(folder.resolve()), "-c", str(config.resolve()), "-e", "stderr"], check=True)
    pid_file = folder / "nginx.pid"
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            return int(pid_file.read_text())
        time.sleep(0.05)
    raise SystemExit(f"nginx did not start; see {folder / 'error.log'}")


def stop(folder: Path) -> None:
    """Stop the nginx started in ``folder`` (nothing when none runs)."""
    pid_file = folder / "nginx.pid"
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGQUIT)
    except (OSError, ValueError):
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.proxy", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop", "config"))
    parser.add_argument("--listen", default="8501", help="port (or address:port) nginx listens on")
    parser.add_argument("--upstream", default="127.0.0.1:8601", help="the app's host:port")
    parser.add_argument("--dir", default="data/nginx", type=Path, help="folder of nginx.conf, pid, log and temp files")
    args = parser.parse_args(argv)
    if args.action == "config":
        sys.stdout.write(render(args.listen, args.upstream, args.dir))
    elif args.action == "start":
        print(f"nginx (pid {start(args.listen, args.upstream, args.dir)}) listens on {args.listen} for the app at {args.upstream}")
    else:
        stop(args.dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
