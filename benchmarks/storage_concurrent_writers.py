"""Benchmark: 50 concurrent writers x 20 responses each, with deliberate retries of the same nonce.

Writers are threads in several processes (default 5 processes x 10 threads = 50 writers), each
with its own ``Store`` (the app's store code), submitting the shipped resident questionnaire with
simulated answers. Every response is sent once; 30 % are sent again at once by the same writer
(a double tap or a retry after a dropped connection) and 10 % also by another writer at the same
moment (the same form submitted from a second tab). Checks: 0 lost (every nonce stored),
0 duplicated (one row per nonce), every repeat reported as a repeat. Prints submit latency
p50/p95/max and throughput, on SQLite (a temporary WAL file) and on PostgreSQL when a URL is
given (``--db``) or ``TCM_SURVEY_TEST_PG`` is set (a fresh schema is used and dropped).

Run: ``.venv/bin/python benchmarks/storage_concurrent_writers.py``
     ``bash -c 'source scripts/test.d/postgres.sh && .venv/bin/python benchmarks/storage_concurrent_writers.py'``
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from survey.campaign import CampaignSpec, SiteSpec  # noqa: E402
from survey.questionnaire.catalog import shipped_questionnaires  # noqa: E402
from survey.collect.simulate import simulate_answers  # noqa: E402
from survey.storage import Store  # noqa: E402


def writer_process(url: str, campaign_id: int, plan: list[list[tuple[str, str, int]]], seed: int, barrier, queue) -> None:  # noqa: ANN001
    """Run one thread per writer in ``plan`` (a list of (nonce, site, copies) per writer)."""
    questionnaire = shipped_questionnaires()["resident"]
    store = Store.open(url, upgrade=False)
    results: list[tuple[str, bool, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(plan))

    def run(index: int, jobs: list[tuple[str, str, int]]) -> None:
        rng = np.random.default_rng(seed * 1000 + index)
        local = []
        start.wait()
        for nonce, site, copies in jobs:
            answers = simulate_answers(questionnaire, rng)
            for _ in range(copies):
                t0 = time.perf_counter()
                result = store.submit(campaign_id, site, questionnaire, answers, nonce=nonce)
                local.append((nonce, result.repeat, time.perf_counter() - t0))
        with lock:
            results.extend(local)

    barrier.wait()
    threads = [threading.Thread(target=run, args=(i, jobs)) for i, jobs in enumerate(plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    queue.put(results)


def bench(url: str, label: str, processes: int, threads: int, per_writer: int, seed: int) -> bool:
    questionnaire = shipped_questionnaires()["resident"]
    store = Store.open(url)
    today = dt.date.today()
    sites = [SiteSpec(f"{i:02d}", f"调查点{i}", f"镇{i % 4}", "village_clinic") for i in range(1, 11)]
    campaign = store.create_campaign(
        CampaignSpec("并发写入基准（模拟）", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=1)), [questionnaire], sites, actor="benchmark"
    )
    rng = np.random.default_rng(seed)
    writers = processes * threads
    plan: list[list[tuple[str, str, int]]] = [[] for _ in range(writers)]
    nonces = []
    for w in range(writers):
        for _ in range(per_writer):
            nonce = uuid.uuid4().hex
            nonces.append(nonce)
            site = f"{int(rng.integers(1, 11)):02d}"
            plan[w].append((nonce, site, 2 if rng.random() < 0.3 else 1))
            if rng.random() < 0.1:  # the same form sent from a second tab, by another writer
                other = int((w + 1 + rng.integers(0, writers - 1)) % writers)
                plan[other].append((nonce, site, 1))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    queue = context.Queue()
    workers = [
        context.Process(target=writer_process, args=(url, campaign.id, plan[p * threads:(p + 1) * threads], seed + p, barrier, queue))
        for p in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    t0 = time.perf_counter()
    results = [item for _ in workers for item in queue.get(timeout=600)]
    elapsed = time.perf_counter() - t0
    for worker in workers:
        worker.join()

    with store.read() as connection:
        rows = connection.execute(
            sa.text("SELECT nonce, COUNT(*) FROM responses WHERE campaign_id = :c GROUP BY nonce"), {"c": campaign.id}
        ).all()
    store.close()
    stored = {nonce: n for nonce, n in rows}
    lost = [n for n in nonces if n not in stored]
    duplicated = [n for n, c in stored.items() if c > 1]
    first_writes: dict[str, int] = {}
    for nonce, repeat, _ in results:
        if not repeat:
            first_writes[nonce] = first_writes.get(nonce, 0) + 1
    wrongly_new = [n for n, c in first_writes.items() if c > 1]
    latencies = sorted(t for _, _, t in results) or [0.0]
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    print(
        f"{label:10s} writers {writers} ({processes} processes x {threads} threads), responses {len(nonces)}, "
        f"submit calls {len(results)} (repeats {sum(r for _, r, _ in results)})\n"
        f"{'':10s} lost {len(lost)}, duplicated {len(duplicated)}, repeats stored as new {len(wrongly_new)}, "
        f"rows {sum(stored.values())}\n"
        f"{'':10s} latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {latencies[-1] * 1000:.1f} ms; "
        f"{len(results) / elapsed:.0f} submits/s over {elapsed:.2f} s"
    )
    return not lost and not duplicated and not wrongly_new and len(stored) == len(nonces)


def postgres_schema(base: str) -> tuple[str, callable]:
    admin = sa.create_engine(base)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="database URL (repeatable); default: temporary SQLite + TCM_SURVEY_TEST_PG")
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--per-writer", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ok = True
    if args.db:
        for url in args.db:
            ok &= bench(url, sa.engine.make_url(url).get_backend_name(), args.processes, args.threads, args.per_writer, args.seed)
        return 0 if ok else 1
    with tempfile.TemporaryDirectory() as folder:
        ok &= bench(f"sqlite:///{folder}/bench.sqlite", "sqlite", args.processes, args.threads, args.per_writer, args.seed)
    base = os.environ.get("TCM_SURVEY_TEST_PG")
    if base:
        url, drop = postgres_schema(base)
        try:
            ok &= bench(url, "postgresql", args.processes, args.threads, args.per_writer, args.seed)
        finally:
            drop()
    else:
        print("postgresql skipped: give --db postgresql://... or run under scripts/test.d/postgres.sh (see the docstring)")
    print("OK" if ok else "FAILED: lost, duplicated or mis-reported responses")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
