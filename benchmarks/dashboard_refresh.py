"""Benchmark: a dashboard refresh with 100,000 responses in the database (issue 7: under 2 s).

Data (made here, seed fixed): the demo campaign (柳南区 illustrative frame, 22 sites, 11 strata)
with 2,000 simulated responses, copied in SQL with new nonces and shifted times until the campaign
holds ``--responses`` (default 100,000) responses, in a SQLite file (or ``--db URL``, e.g.
PostgreSQL). Timed, each the best of ``--repeat`` runs unless said otherwise:

* cold load: a new ``ResponseCache`` reads every response (one query, JSON fields extracted in SQL);
* results: ``compute_results`` (estimates overall and per township for 4 indicators, progress,
  watching flags for every township and indicator, next steps) on the loaded data;
* refresh, nothing new: ``ResponseCache.refresh`` (count and largest id) with the results cached by
  the data's version, as the dashboard does;
* refresh, 50 new responses: the incremental fetch of the 50 plus ``compute_results`` (the cache
  key changes, so results are recomputed): the worst refresh an evaluator sees;
* the dashboard page itself (``--page``): Streamlit's AppTest runs the page signed in, once cold and
  then again with nothing new (widgets rendered, no browser).

Prints the figures; asserts nothing.

Run: ``.venv/bin/python benchmarks/dashboard_refresh.py [--responses 100000] [--page]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fill(store, campaign_id: int, target: int) -> int:  # noqa: ANN001
    """Copy the campaign's responses in SQL (new nonces, times shifted by minutes) up to ``target``."""
    import sqlalchemy as sa

    from survey.storage.schema import responses

    copy = 0
    while True:
        with store.read() as connection:
            count = connection.execute(sa.select(sa.func.count()).where(responses.c.campaign_id == campaign_id)).scalar()
        if count >= target:
            return int(count)
        copy += 1
        need = target - count
        source = (
            sa.select(
                responses.c.campaign_id, responses.c.site_id, responses.c.version_hash,
                (responses.c.nonce + sa.literal(f"-c{copy}")).label("nonce"), responses.c.source, responses.c.answers,
                responses.c.scores, responses.c.language, responses.c.submitted_at, responses.c.simulated,
            )
            .where(responses.c.campaign_id == campaign_id, ~responses.c.nonce.like("%-c%"))
            .order_by(responses.c.id)
            .limit(need)
        )
        with store.write() as connection:
            connection.execute(responses.insert().from_select(
                ["campaign_id", "site_id", "version_hash", "nonce", "source", "answers", "scores", "language",
                 "submitted_at", "simulated"], source))


def best(fn, repeat: int):  # noqa: ANN001, ANN201
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", action="store_true", help="also time the Streamlit page with AppTest")
    args = parser.parse_args()

    import numpy as np

    from analysis.campaign import ResponseCache, compute_results
    from survey.demo import create_demo
    from survey.collect.simulate import simulate_answers
    from survey.collect.submission import Submission
    from survey.storage import Store

    folder = tempfile.mkdtemp(prefix="bench-dashboard-")
    url = args.db or f"sqlite:///{folder}/bench.sqlite"
    store = Store.open(url)
    start = time.perf_counter()
    campaign = create_demo(store, responses=2000, seed=2026).campaign
    total = fill(store, campaign.id, args.responses)
    print(f"data: {total:,} responses in campaign {campaign.id} ({store.dialect}), made in {time.perf_counter() - start:.1f} s")
    print(f"cpus: {os.cpu_count()}")

    cold, data = best(lambda: ResponseCache(campaign.id).refresh(store), args.repeat)
    print(f"cold load (all responses):              {cold:6.3f} s  ({len(data.table):,} rows)")
    compute, results = best(lambda: compute_results(data), args.repeat)
    print(f"results (estimates, flags, progress):   {compute:6.3f} s  ({len(results.estimates)} estimates, "
          f"{len(results.watch)} flags)")

    cache = ResponseCache(campaign.id)
    cache.refresh(store)
    memo: dict = {}

    def refresh_same():  # noqa: ANN202
        current = cache.refresh(store)
        key = cache.version
        if key not in memo:
            memo[key] = compute_results(current)
        return memo[key]

    refresh_same()
    same, _ = best(refresh_same, args.repeat)
    print(f"refresh, nothing new (cached results):  {same:6.3f} s")

    resident = store.questionnaire(campaign.instrument_for("resident").version_hash)
    rng = np.random.default_rng(1)
    timings = []
    for batch in range(args.repeat):
        now = dt.datetime.now(dt.timezone.utc)
        store.submit_batch(campaign.id, [
            Submission("01A", resident, simulate_answers(resident, rng), nonce=f"bench-new-{batch}-{i:03d}", source="qr",
                       submitted_at=now, simulated=True)
            for i in range(50)
        ])
        start = time.perf_counter()
        current = cache.refresh(store)
        fetched = cache.fetched
        compute_results(current)
        timings.append(time.perf_counter() - start)
    print(f"refresh, 50 new responses (fetch {fetched} + results): best {min(timings):.3f} s, worst {max(timings):.3f} s")
    print(f"target: a refresh under 2 s with {args.responses:,} responses -> "
          f"{'met' if max(timings) < 2 else 'NOT met'} (worst refresh {max(timings):.3f} s)")

    if args.page:
        from streamlit.testing.v1 import AppTest

        from accounts import create_account

        os.environ["TCM_SURVEY_DB"] = url
        os.environ.setdefault("TCM_SURVEY_SECRET", "bench-secret-0123456789-abcdefghij")
        create_account(store, "bench", "evaluator", "bench-password-1", actor="benchmark")
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
        at.run()
        at.switch_page("app/pages/login.py").run()
        at.text_input(key="admin.login.username").input("bench")
        at.text_input(key="admin.login.password").input("bench-password-1")
        next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
        start = time.perf_counter()
        at.switch_page("app/pages/dashboard.py").run()
        first = time.perf_counter() - start
        assert not at.exception, at.exception
        start = time.perf_counter()
        at.run()
        again = time.perf_counter() - start
        print(f"page (AppTest): first open {first:.2f} s, rerun with nothing new {again:.2f} s")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
