"""Benchmark: 20 phones filling in the resident questionnaire at once through one `streamlit run`.

Each session is a separate Chromium context at phone size (390 x 844) that opens its site's QR
link, ticks the consent, answers every part as a person would (one tap per answer; the light
HTML form posts once per part), and submits. All start together. Measured:

* every session's time from opening the link to the thank-you page (median, worst, best);
* rows stored (must equal the sessions, each nonce once);
* the server's resident memory: idle after one warm-up session, with all sessions open at
  their thank-you pages, and the difference per open session.

SQLite (the embedded default) in a temporary folder. Target (issue 6): all 20 stored once.
Prints its figures; asserts nothing.

Run: ``.venv/bin/python benchmarks/app_load.py [--sessions 20]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from app_common import make_campaign, run_sessions, start_streamlit, stored, summary
from survey.campaign.tokens import token_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tcm-bench-load-") as folder:
        workdir = Path(folder)
        db = f"sqlite:///{workdir / 'bench.sqlite'}"
        campaign_id, tokens = make_campaign(db, sites=args.sessions + 1)
        server = start_streamlit(workdir, {"TCM_SURVEY_DB": db, "TCM_SURVEY_ADMIN_PASSWORD": "benchmark-admin"})
        try:
            started = time.perf_counter()
            warm, _ = asyncio.run(run_sessions([token_url(server.url, tokens[-1])]))
            idle = server.rss_mib()
            print(f"warm-up session: {warm[0]:.1f} s; server memory idle: {idle:.0f} MiB", flush=True)
            memory: dict[str, float] = {}
            cpu_before = server.cpu_seconds()
            urls = [token_url(server.url, token) for token in tokens[: args.sessions]]
            times, failed = asyncio.run(run_sessions(urls, on_all_open=lambda: memory.setdefault("open", server.rss_mib())))
            cpu = server.cpu_seconds() - cpu_before
            rows, nonces = stored(db, campaign_id)
            print(f"sessions: {args.sessions} at once through one streamlit process (SQLite), {failed} failed")
            print(f"open link -> thank-you page: {summary(times)}")
            print(f"stored: {rows} rows with {nonces} distinct nonces (expected {args.sessions + 1} incl. warm-up)")
            per_session = (memory["open"] - idle) / max(len(times), 1)
            print(f"server memory with {len(times)} sessions open: {memory['open']:.0f} MiB; "
                  f"{per_session:.1f} MiB per open session")
            print(f"server CPU: {cpu:.1f} s for {len(times)} forms ({cpu / max(len(times), 1) * 1000:.0f} ms per form, pages and assets included); "
                  f"the {len(times)} Chromium pages share the same {os.cpu_count()} cores")
            print(f"wall time {time.perf_counter() - started:.0f} s")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
