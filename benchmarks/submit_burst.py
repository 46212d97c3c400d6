"""Benchmark: 200 phones submitting in the same instant to one server process (SQLite), now and before.

Two parts, each run for this checkout ("now") and for the code of an earlier commit ("before",
default c8fb092: the group commit with one multi-row insert per group, before the per-request
CPU work; the older default 1a89a25 now answers the benchmark's forms with 无法打开问卷), taken with
``git archive`` into a temporary folder and run from there in its own process, in the same run and on the same load:

1. ``web``: one ``streamlit run`` server per side, each with its own SQLite file. ``--phones``
   (200) forms are filled up to their last part beforehand (plain HTTP, as a phone without
   scripts posts), then all submitted at once: one thread per phone, each with its connection
   open, released by a barrier; the latency of a submit is from just before its POST is sent to
   its whole answer read, over a plain socket (the pages are checked afterwards), so the client's
   own work, in a process of its own, stays out of the figure as far as it can. ``--rounds`` bursts of fresh
   forms per side, the sides taking turns; then one burst of the same submits again (a retry: every
   answer "already stored", no new row). Also the server's CPU time per submit (from /proc).
2. ``store``: the same number of threads calling ``Store.submit`` at once in one process, without
   the web layer (each side in its own process): p50/p95/max and the commits made (groups).

Prints p50/p95/max per burst and the best of the rounds per side, with the machine's load
(``uptime``) before and after; other people's work on this machine moves the figures, so compare
the sides of one run. Asserts nothing (rows are counted and printed).

3. ``profile`` (not part of ``both``): ``--rounds`` bursts against this checkout's server with ``py-spy``
   (``--py-spy PATH``, default the one on ``PATH``; ``pip install py-spy``) recording it, only the
   thread holding the GIL sampled: where the server's CPU per submit goes, as the share of the
   samples under each function (top ``--top``) and the event loop's share against the request
   threads'. ``--retry`` profiles bursts of forms already stored (every submit answered as a repeat).
   ``--keep-raw FILE`` keeps py-spy's raw stacks (one line per stack and its sample count)
   for a closer look at one function's callees.

Run: ``.venv/bin/python benchmarks/submit_burst.py [--phones 200] [--rounds 3] [--before c8fb092] [--part web|store|both|profile]
[--now-path DIR]`` (``--now-path``: where this checkout's added requirements were installed when the
environment is shared, e.g. ``pip install --target DIR httptools==0.8.0``; each side prints the HTTP
parser its server uses).
"""

from __future__ import annotations

import sys

if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--store-child":
    sys.path.insert(0, sys.argv[2])  # the side's code first: this process measures that code

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import tarfile
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(ms: list[float]) -> str:
    return f"p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"


def uptime() -> str:
    """The machine's load as ``uptime`` prints it (1, 5 and 15 minutes)."""
    return subprocess.run(["uptime"], check=False, capture_output=True, text=True).stdout.strip()


def checkout(commit: str, folder: Path) -> Path:
    """The files of ``commit`` (``git archive``) under ``folder``."""
    target = folder / f"code-{commit[:10]}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    tar_path = folder / "code.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(target, filter="data")
    tar_path.unlink()
    return target


# ------------------------------------------------------------------------------------------- web


def raw_request(port: int, respondent: Any, fields: list) -> bytes:
    """The bytes of the form's submit POST, as a phone with the script sends it (``js=1``: answered
    with the thank-you page itself, not a redirect to it; its cookies, gzip accepted; the
    connection closed after the answer)."""
    from tests.app.web.form_client import _encode

    body = _encode([("csrf", respondent.page.hidden.get("csrf", "")), ("state", respondent.page.hidden.get("state", "")),
                    ("action", "submit"), ("js", "1"), *fields])
    cookies = "; ".join(f"{name}={value}" for name, value in respondent.client.cookies.items())
    head = (f"POST {respondent.url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n")
    return head.encode("latin-1") + body


def raw_post(connection: socket.socket, request: bytes) -> bytes:
    """Send ``request`` on an open connection and read the whole answer (until the server closes).

    A plain socket rather than an HTTP library: the 200 client threads share one process and one
    GIL with each other (not with the server), and a light client keeps its own queueing out of
    the latency measured."""
    connection.sendall(request)
    chunks = []
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def thanked(answer: bytes) -> bool:
    """True for a 200 answer whose page is the thank-you page (gzip or plain)."""
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return False
    if b"content-encoding: gzip" in head.lower():
        body = gzip.decompress(body)
    return b'data-page="thanks"' in body


class Side:
    """One server (this checkout's code or an earlier commit's) with its own database and forms."""

    def __init__(self, label: str, code: Path, folder: Path, phones: int, rounds: int, path: str = "") -> None:
        from app_common import (SECRET, TCM_ENV_SECRET, Server, free_port,  # noqa: I001 - one line
                                make_campaign, wait_healthy)

        self.label = label
        self.path = path
        folder.mkdir()
        self.db = f"sqlite:///{folder / 'bench.sqlite'}"
        self.campaign_id, self.tokens = make_campaign(self.db, sites=20)
        port = free_port()
        log = folder / "server.log"
        env = {**os.environ, TCM_ENV_SECRET: SECRET, "TCM_SURVEY_DB": self.db, "TCM_SURVEY_ADMIN_PASSWORD": "benchmark-admin"}
        if path:  # packages this side's requirements add to the shared environment (pip install --target DIR)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (path, env.get("PYTHONPATH", "")) if p)
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(code / "streamlit_app.py"), "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=code, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        self.server = Server(f"http://127.0.0.1:{port}", port, process, log)
        wait_healthy(self.server.url, process, log)
        self.p95: list[float] = []
        self.cpu: list[float] = []
        self.warm_up = min(phones, 40)  # one burst first, not counted: the server's threads started, its caches filled
        self.forms = self._fill(self.warm_up + phones * rounds, seed=phones * 1000)

    def _fill(self, count: int, seed: int) -> list:
        from form_server_cpu import fill_to_last_part

        base, tokens = self.server.url, self.tokens
        respondent, fields = fill_to_last_part(base, tokens[0], 1)  # warm-up: imports, caches
        respondent.post("submit", fields)
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda i: fill_to_last_part(base, tokens[i % len(tokens)], seed + i), range(count)))

    def burst(self, forms: list, label: str) -> None:
        """Post the last part of every form in ``forms`` at the same instant (see :func:`raw_post`)."""
        from app_common import stored

        requests = [raw_request(self.server.port, respondent, fields) for respondent, fields in forms]
        barrier = threading.Barrier(len(forms))
        latencies = [0.0] * len(forms)
        answers: list[bytes] = [b""] * len(forms)
        failures: list[str] = []

        def run(index: int) -> None:
            try:
                connection = socket.create_connection(("127.0.0.1", self.server.port), timeout=120)  # open, as a phone's page
            except OSError as exc:
                failures.append(f"{index}: {exc}")
                return
            with connection:
                barrier.wait()
                started = time.perf_counter()
                try:
                    answers[index] = raw_post(connection, requests[index])
                except OSError as exc:
                    failures.append(f"{index}: {exc}")
                latencies[index] = (time.perf_counter() - started) * 1000

        cpu_before = self.server.cpu_seconds()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(forms))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = (self.server.cpu_seconds() - cpu_before) * 1000 / len(forms)
        failed = {int(f.split(":")[0]) for f in failures}
        failures += [f"{i}: {answer[:12]!r}" for i, answer in enumerate(answers) if i not in failed and not thanked(answer)]
        rows, nonces = stored(self.db, self.campaign_id)
        print(f"  {self.label:6s} {label}: {len(forms)} submits at once: {figures(latencies)}; server CPU {cpu:.1f} ms per submit; "
              f"{len(failures)} failed {failures[:2]}; stored {rows} rows, {nonces} nonces", flush=True)
        if label.startswith("burst"):
            self.p95.append(percentile(latencies, 0.95))
            self.cpu.append(cpu)

    def http_parser(self) -> str:
        """``httptools`` or ``h11``: the one uvicorn picks in the server's environment (httptools when importable)."""
        env = {**os.environ, **({"PYTHONPATH": self.path} if self.path else {})}
        found = subprocess.run([sys.executable, "-c", "import httptools"], env=env, check=False, capture_output=True)
        return "httptools" if found.returncode == 0 else "h11 (pure Python)"

    def stop(self) -> None:
        self.server.stop()


def web(sides: dict[str, Path], folder: Path, phones: int, rounds: int, now_path: str = "") -> None:
    print(f"web: {phones} phones submit at once to one streamlit process each (SQLite, synchronous=FULL); "
          f"{rounds} rounds per side, sides taking turns; load {uptime()}", flush=True)
    opened = {label: Side(label, code, folder / f"web-{label}", phones, rounds, now_path if label == "now" else "")
              for label, code in sides.items()}
    for side in opened.values():
        print(f"  {side.label:6s} HTTP parser: {side.http_parser()}", flush=True)
    try:
        for side in opened.values():
            side.burst(side.forms[:side.warm_up], "warm-up (not counted)")
        for number in range(rounds):
            for side in opened.values():
                start = side.warm_up + number * phones
                side.burst(side.forms[start:start + phones], f"burst {number + 1}")
        for side in opened.values():
            side.burst(side.forms[side.warm_up:side.warm_up + phones], "the same submits again (a retry)")
        for side in opened.values():
            print(f"  {side.label:6s} best p95 of {rounds} bursts: {min(side.p95):.0f} ms (median {statistics.median(side.p95):.0f} ms); "
                  f"server CPU per submit: best {min(side.cpu):.1f} ms")
    finally:
        for side in opened.values():
            side.stop()
    print(f"  load after: {uptime()}", flush=True)


# ---------------------------------------------------------------------------------------- profile


def profile_part(folder: Path, phones: int, rounds: int, spy: str, top: int, now_path: str = "", keep: str = "",
                 retry: bool = False) -> None:
    """``rounds`` bursts of ``phones`` submits against this checkout's server while py-spy records it (GIL holder
    only); ``keep``: a path to copy py-spy's raw stacks to (one line per stack and its sample count); ``retry``:
    the bursts are of forms already submitted once (each answered "already stored"), not fresh ones."""
    import collections
    import shutil

    spy = spy or shutil.which("py-spy") or ""
    if not spy:
        raise SystemExit("py-spy not found: pip install py-spy (or --py-spy PATH)")
    print(f"profile: {rounds} bursts of {phones} phones submitting at once to this checkout's server, py-spy sampling the "
          f"thread holding the GIL; load {uptime()}", flush=True)
    side = Side("now", ROOT, folder / "profile", phones, rounds, now_path)
    raw = folder / "profile.txt"
    try:
        side.burst(side.forms[:side.warm_up], "warm-up (not counted)")
        for number in range(rounds if retry else 0):
            start = side.warm_up + number * phones
            side.burst(side.forms[start:start + phones], f"burst {number + 1} (stored first, not profiled)")
        recorder = subprocess.Popen([spy, "record", "--pid", str(side.server.process.pid), "--gil", "--rate", "2000", "--format", "raw",
                                     "--output", str(raw), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(2)  # py-spy attached
        for number in range(rounds):
            start = side.warm_up + number * phones
            side.burst(side.forms[start:start + phones], f"{'retry of ' if retry else ''}burst {number + 1} (profiled)")
        time.sleep(0.5)
        recorder.send_signal(2)
        recorder.wait(60)
    finally:
        side.stop()
    inclusive: collections.Counter = collections.Counter()
    total = loop = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        loop += samples if "run_asgi_app" in stack else 0  # uvicorn's event loop (the main thread)
        names = {frame.split(" (")[0] + " (" + frame.split(" (")[1].split(":")[0].rsplit("/", 1)[-1] + ")"
                 for frame in stack.split(";") if " (" in frame}
        inclusive.update(dict.fromkeys(names, samples))
    if keep:
        shutil.copyfile(raw, keep)
    if not total:
        raise SystemExit(f"py-spy recorded nothing: {recorder.stderr.read().decode() if recorder.stderr else ''}")
    print(f"  {total} samples; event loop thread {100 * loop / total:.0f}%, request threads {100 * (total - loop) / total:.0f}%")
    skip = ("_bootstrap", "run_module", "_run_code", "<module>", "click", "main_run", "run_asgi_app", "Runner.run", "run_until_complete",
            "run_forever", "asyncio_run", "Server.run", "UvicornRunner", "Command.", "Context.invoke", "Group.invoke", "WorkerThread.run")
    shown = [(name, n) for name, n in inclusive.most_common() if not any(s in name for s in skip)][:top]
    for name, samples in shown:
        print(f"  {100 * samples / total:5.1f}%  {name}")
    print(f"  load after: {uptime()}", flush=True)


# ------------------------------------------------------------------------------------------ store


def store_child(root: str, url: str, threads: int, rounds: int) -> None:
    """In its own process (``root``'s code first on the path): ``threads`` submits at once, ``rounds`` times."""
    import datetime as dt
    import uuid

    import numpy as np

    from survey.campaign import CampaignSpec, SiteSpec
    from survey.collect.simulate import simulate_answers
    from survey.questionnaire.catalog import shipped_questionnaires
    from survey.storage import Store

    questionnaire = shipped_questionnaires()["resident"]
    store = Store.open(url, secret=b"benchmark-secret-0123456789abcdef")
    today = dt.date.today()
    campaign = store.create_campaign(
        CampaignSpec("提交高峰基准（模拟）", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=1)), [questionnaire],
        [SiteSpec(f"{i:02d}", f"调查点{i}", "镇", "village_clinic") for i in range(1, 11)], actor="benchmark")
    rng = np.random.default_rng(7)
    answers = [simulate_answers(questionnaire, rng) for _ in range(threads)]
    results = []
    for _ in range(rounds + 1):  # the first round warms up (imports, caches) and is not counted
        barrier = threading.Barrier(threads)
        latencies = [0.0] * threads
        nonces = [uuid.uuid4().hex for _ in range(threads)]

        def run(i: int, barrier: threading.Barrier = barrier, latencies: list = latencies, nonces: list = nonces) -> None:
            barrier.wait()
            started = time.perf_counter()
            store.submit(campaign.id, f"{i % 10 + 1:02d}", questionnaire, answers[i], nonce=nonces[i])
            latencies[i] = (time.perf_counter() - started) * 1000

        groups = store._group_commit.groups
        workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        results.append({"ms": latencies, "groups": store._group_commit.groups - groups})
    print(json.dumps(results[1:]))


def store_part(sides: dict[str, Path], folder: Path, threads: int, rounds: int) -> None:
    print(f"store: {threads} threads call Store.submit at once in one process (no web layer), {rounds} rounds; load {uptime()}", flush=True)
    for label, code in sides.items():
        url = f"sqlite:///{folder / f'store-{label}.sqlite'}"
        done = subprocess.run([sys.executable, __file__, "--store-child", str(code), url, str(threads), str(rounds)],
                              cwd=code, check=True, capture_output=True, text=True)
        runs = json.loads(done.stdout.strip().splitlines()[-1])
        for number, run in enumerate(runs, start=1):
            print(f"  {label:6s} round {number}: {figures(run['ms'])}; {run['groups']} commits")
        print(f"  {label:6s} best p95: {min(percentile(r['ms'], 0.95) for r in runs):.0f} ms")
    print(f"  load after: {uptime()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default="c8fb092", help="the earlier commit to compare with ('' for none)")
    parser.add_argument("--part", choices=["web", "store", "both", "profile"], default="both")
    parser.add_argument("--py-spy", default="", help="py-spy to profile with (--part profile); default: the one on PATH")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --part profile")
    parser.add_argument("--keep-raw", default="", help="--part profile: copy py-spy's raw stacks to this file")
    parser.add_argument("--retry", action="store_true", help="--part profile: profile bursts of forms already stored (every submit a repeat)")
    parser.add_argument("--now-path", default="", help="a folder first on the now side's PYTHONPATH: packages its requirements add "
                        "that this environment lacks (e.g. pip install --target DIR httptools==...)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    with tempfile.TemporaryDirectory(prefix="tcm-bench-burst-") as name:
        folder = Path(name)
        if args.part == "profile":
            profile_part(folder, args.phones, args.rounds, args.py_spy, args.top, args.now_path, args.keep_raw, args.retry)
            return
        sides = {"now": ROOT}
        if args.before:
            sides = {"before": checkout(args.before, folder), "now": ROOT}
        print(f"before = commit {args.before}, now = this checkout; {os.cpu_count()} cores", flush=True)
        if args.part in ("store", "both"):
            store_part(sides, folder, args.phones, args.rounds)
        if args.part in ("web", "both"):
            web(sides, folder, args.phones, args.rounds, args.now_path)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--store-child":
        store_child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
