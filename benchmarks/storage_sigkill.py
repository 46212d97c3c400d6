"""Fault benchmark: writer processes killed with SIGKILL in the middle of a burst.

Each round starts 4 writer processes that submit responses as fast as they can (the shipped
resident questionnaire, simulated answers) and print ``ack <nonce> <id>`` after each commit; each
process submits from ``--threads`` threads (default 8), so on SQLite its submits share group
commits (one transaction and one fsync for all queued submits, inserted as one batch). At a
random moment (0.3-1.5 s in) one writer is killed with SIGKILL, most likely inside a transaction;
the others are stopped the same way a moment later. Afterwards: every acknowledged nonce must be
stored with the id it was acknowledged with (0 lost), no row may be incomplete (answers, scores,
site, instrument all present and the answers still valid), and SQLite's integrity check must pass.
Prints, per backend: rounds, writes acknowledged, rows stored, lost, partial, and the rows that
were committed but not yet acknowledged when the kill came (allowed: at most one group per kill,
that is ``--threads`` rows).

Run: ``.venv/bin/python benchmarks/storage_sigkill.py [--rounds 5]``
     ``bash -c 'source scripts/test.d/postgres.sh && .venv/bin/python benchmarks/storage_sigkill.py'``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from survey.questionnaire.answers import validate_answers  # noqa: E402
from survey.campaign import CampaignSpec, SiteSpec  # noqa: E402
from survey.questionnaire.catalog import shipped_questionnaires  # noqa: E402
from survey.storage import Store  # noqa: E402


def writer(url: str, campaign_id: int, prefix: str, threads: int) -> None:
    import numpy as np

    from survey.collect.simulate import simulate_answers

    questionnaire = shipped_questionnaires()["resident"]
    store = Store.open(url, upgrade=False)
    out = threading.Lock()

    def run(thread: int) -> None:
        rng = np.random.default_rng(abs(hash((prefix, thread))) % 2**32)
        i = 0
        while True:
            nonce = f"{prefix}-t{thread}-{i:06d}"
            answers = simulate_answers(questionnaire, rng)
            result = store.submit(campaign_id, f"{i % 5 + 1:02d}", questionnaire, answers, nonce=nonce)
            with out:  # one whole line per acknowledgement
                sys.stdout.write(f"ack {nonce} {result.response_id}\n")
                sys.stdout.flush()
            i += 1

    print("ready", flush=True)
    workers = [threading.Thread(target=run, args=(t,), daemon=True) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def run_backend(url: str, label: str, rounds: int, writers: int, threads: int) -> bool:
    questionnaire = shipped_questionnaires()["resident"]
    store = Store.open(url)
    today = dt.date.today()
    campaign = store.create_campaign(
        CampaignSpec("断电测试（模拟）", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=1)),
        [questionnaire],
        [SiteSpec(f"{i:02d}", f"调查点{i}", "镇", "village_clinic") for i in range(1, 6)], actor="benchmark",
    )
    acknowledged: dict[str, int] = {}
    kills = 0
    for round_number in range(rounds):
        procs = []
        for w in range(writers):
            proc = subprocess.Popen(
                [sys.executable, __file__, "--writer", url, str(campaign.id), f"r{round_number}w{w}", "--threads", str(threads)],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            procs.append(proc)
        lock = threading.Lock()

        def reader(proc: subprocess.Popen) -> None:
            for line in proc.stdout:  # type: ignore[union-attr]
                if line.startswith("ack "):
                    _, nonce, response_id = line.split()
                    with lock:
                        acknowledged[nonce] = int(response_id)

        readers = [threading.Thread(target=reader, args=(p,)) for p in procs]
        for thread in readers:
            thread.start()
        time.sleep(random.uniform(0.3, 1.5))
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            kills += 1
            time.sleep(random.uniform(0.0, 0.05))
        for proc in procs:
            proc.wait()
        for thread in readers:
            thread.join()

    stored = {r.nonce: r for r in store.responses(campaign.id)}
    lost = [n for n, i in acknowledged.items() if n not in stored or stored[n].id != i]
    partial = []
    for response in stored.values():
        try:
            validate_answers(questionnaire, response.answers)
            complete = bool(response.scores) and response.site_code and response.version_hash == questionnaire.version_hash
        except Exception:  # noqa: BLE001 - any unreadable row counts as partial
            complete = False
        if not complete:
            partial.append(response.nonce)
    integrity = "n/a"
    if store.dialect == "sqlite":
        with store.read() as connection:
            integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
    store.close()
    unacknowledged = len(set(stored) - set(acknowledged))
    print(
        f"{label:10s} rounds {rounds} x {writers} writers x {threads} threads killed (SIGKILL): acknowledged {len(acknowledged)}, "
        f"stored {len(stored)}, lost {len(lost)}, partial {len(partial)}, "
        f"committed but not yet acknowledged {unacknowledged} (<= {kills} kills x {threads} threads), integrity {integrity}"
    )
    return not lost and not partial and unacknowledged <= kills * threads and integrity in ("ok", "n/a")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="database URL (repeatable); default: temporary SQLite + TCM_SURVEY_TEST_PG")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="submitting threads per writer process")
    parser.add_argument("--writer", nargs=3, metavar=("URL", "CAMPAIGN", "PREFIX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(args.writer[0], int(args.writer[1]), args.writer[2], args.threads)
        return 0
    ok = True
    if args.db:
        for url in args.db:
            ok &= run_backend(url, sa.engine.make_url(url).get_backend_name(), args.rounds, args.writers, args.threads)
    else:
        with tempfile.TemporaryDirectory() as folder:
            ok &= run_backend(f"sqlite:///{folder}/kill.sqlite", "sqlite", args.rounds, args.writers, args.threads)
        base = os.environ.get("TCM_SURVEY_TEST_PG")
        if base:
            admin = sa.create_engine(base)
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
            url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            try:
                ok &= run_backend(url.render_as_string(hide_password=False), "postgresql", args.rounds, args.writers, args.threads)
            finally:
                with admin.begin() as connection:
                    connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
                admin.dispose()
        else:
            print("postgresql skipped: give --db postgresql://... or run under scripts/test.d/postgres.sh")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
