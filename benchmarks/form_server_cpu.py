"""Benchmark: server CPU per completed resident form, and 200 phones submitting at once.

One `streamlit run` process (the app as deployed: st.App with the HTML form), SQLite in a
temporary folder. Respondents are HTTP clients posting exactly what a phone posts (the form's
pages: introduction, one POST per part, submit), without a browser, so the server's work is
measured alone:

1. ``--forms`` (default 40) resident forms one after another: the server's CPU time (user +
   system, from /proc) per completed form and per request. Target (issue 15): at most 50 ms per
   form; the Streamlit form used about 4.1 s.
2. ``--phones`` (default 200) phones filling in at the same time, each pausing 1-5 s on every
   screen as a person reading would: the submit latency (median, p95; target under 300 ms on
   SQLite) and every row stored once.
3. The worst case: the same number of forms filled up to their last part, then all submitted in
   the same instant (threads released by a barrier), then the same submits again (a retry
   after a lost answer): every row once, no new row on the retry. On SQLite the submits of a
   burst share group commits (one transaction, one fsync and one multi-row insert for all that
   queued meanwhile); ``benchmarks/submit_burst.py`` measures this burst alone, against an
   earlier commit's code in the same run.
4. Memory per open form: the server's resident memory before and after the 200 forms were
   opened (the form keeps its state in the page; there is no server session to hold).

Prints its figures; asserts nothing. Run: ``.venv/bin/python benchmarks/form_server_cpu.py``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from app_common import make_campaign, respondent_answers, start_streamlit, stored
from tests.app.web.form_client import FormRespondent, section_fields


RETRIES = [0]


class Client:
    """A phone's HTTP client. A request that meets a kept-alive connection the server has just
    closed (uvicorn closes idle ones after 5 s) is sent once more on a new connection, as
    browsers do; a submit sent again carries the same state, so the same nonce. Redirects are
    followed: a POST without ``js=1`` (a phone without the script) is answered ``303`` to the
    screen's address (``app.web.done``), as a browser would GET it."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=120, follow_redirects=True)
        self.cookies = self.http.cookies

    def _send(self, method: str, url: str, **kwargs):  # noqa: ANN003, ANN202
        try:
            return self.http.request(method, url, **kwargs)
        except httpx.TransportError:
            RETRIES[0] += 1
            return self.http.request(method, url, **kwargs)

    def get(self, url: str, **kwargs):  # noqa: ANN003, ANN201
        return self._send("GET", url, **kwargs)

    def post(self, url: str, **kwargs):  # noqa: ANN003, ANN201
        return self._send("POST", url, **kwargs)


def fill_to_last_part(base: str, token: str, seed: int) -> tuple[FormRespondent, list]:
    respondent = FormRespondent(Client(base), token)
    respondent.open()
    respondent.start()
    answers = respondent_answers(seed)
    page = respondent.fill(answers, submit=False)
    assert page.page == "section" and page.has("submit"), page.html[:500]
    return respondent, section_fields(page, answers)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=40)
    parser.add_argument("--phones", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tcm-bench-form-") as folder:
        workdir = Path(folder)
        db = f"sqlite:///{workdir / 'bench.sqlite'}"
        campaign_id, tokens = make_campaign(db, sites=20)
        server = start_streamlit(workdir, {"TCM_SURVEY_DB": db, "TCM_SURVEY_ADMIN_PASSWORD": "benchmark-admin"})
        try:
            base = server.url
            token = tokens[0]
            respondent, fields = fill_to_last_part(base, token, 10_000)  # warm-up: imports, caches
            respondent.post("submit", fields)

            cpu_before = server.cpu_seconds()
            for seed in range(args.forms):
                respondent, fields = fill_to_last_part(base, tokens[seed % len(tokens)], seed)
                page = respondent.post("submit", fields)
                assert page.page == "thanks", page.html[:500]
            cpu = server.cpu_seconds() - cpu_before
            per_form_requests = 2 + 3 + 1  # GET intro, POST start, POST per part (resident: 3 parts shown), submit
            print(f"server CPU per completed resident form: {cpu / args.forms * 1000:.1f} ms "
                  f"({args.forms} forms, ~{per_form_requests} requests each, {cpu / args.forms / per_form_requests * 1000:.1f} ms per request); "
                  f"target <= 50 ms; the Streamlit form used about 4100 ms (ratio {4100 / max(cpu / args.forms * 1000, 0.001):.0f}x)")

            paced_latencies: list[float] = []
            paced_failures: list[str] = []
            rng_lock = threading.Lock()

            def phone(index: int, gate: threading.Barrier) -> None:
                import random

                pause = random.Random(index)
                gate.wait()
                try:
                    respondent = FormRespondent(Client(base), tokens[index % len(tokens)])
                    respondent.open()
                    time.sleep(pause.uniform(1, 5))
                    respondent.start()
                    answers = respondent_answers(50_000 + index)
                    while respondent.page.page == "section" and not respondent.page.has("submit"):
                        time.sleep(pause.uniform(1, 5))
                        respondent.post("next", section_fields(respondent.page, answers))
                    time.sleep(pause.uniform(1, 5))
                    started = time.perf_counter()
                    page = respondent.post("submit", section_fields(respondent.page, answers))
                    with rng_lock:
                        paced_latencies.append((time.perf_counter() - started) * 1000)
                    if page.page != "thanks":
                        paced_failures.append(f"{index}: {respondent.response.status_code}")
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    paced_failures.append(f"{index}: {exc}")

            gate = threading.Barrier(args.phones)
            threads = [threading.Thread(target=phone, args=(i, gate)) for i in range(args.phones)]
            started_all = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rows, nonces = stored(db, campaign_id)
            print(f"{args.phones} phones filling in at once (1-5 s per screen, {time.perf_counter() - started_all:.0f} s): submit median "
                  f"{statistics.median(paced_latencies):.0f} ms, p95 {percentile(paced_latencies, 0.95):.0f} ms (target < 300 ms), "
                  f"max {max(paced_latencies):.0f} ms; {len(paced_failures)} failed {paced_failures[:3]}; "
                  f"stored {rows} rows, {nonces} distinct nonces (expected {args.forms + args.phones + 1})")

            rss_before = server.rss_mib()
            opened: list[tuple[FormRespondent, list]] = []
            for i in range(args.phones):
                opened.append(fill_to_last_part(base, tokens[i % len(tokens)], 100_000 + i))
            rss_open = server.rss_mib()
            print(f"server memory: {rss_before:.0f} MiB before, {rss_open:.0f} MiB with {args.phones} forms open at their last part "
                  f"({(rss_open - rss_before) * 1024 / args.phones:.1f} KiB per open form; no server session is kept)")

            def submit_all(label: str) -> list[float]:
                barrier = threading.Barrier(len(opened))
                latencies: list[float] = [0.0] * len(opened)
                failures: list[str] = []

                def run(index: int) -> None:
                    respondent, fields = opened[index]
                    barrier.wait()
                    started = time.perf_counter()
                    try:
                        page = respondent.post("submit", fields)
                        if page.page != "thanks":
                            failures.append(f"{index}: {respondent.response.status_code}")
                    except Exception as exc:  # noqa: BLE001 - counted and printed
                        failures.append(f"{index}: {exc}")
                    latencies[index] = time.perf_counter() - started
                    respondent.page = previous[index]

                previous = [r.page for r, _ in opened]
                threads = [threading.Thread(target=run, args=(i,)) for i in range(len(opened))]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                ms = [x * 1000 for x in latencies]
                print(f"{label}: {len(opened)} submits at once: median {statistics.median(ms):.0f} ms, "
                      f"p95 {percentile(ms, 0.95):.0f} ms (target < 300 ms), max {max(ms):.0f} ms; {len(failures)} failed {failures[:3]}")
                return ms

            submit_all("burst")
            rows, nonces = stored(db, campaign_id)
            print(f"stored: {rows} rows, {nonces} distinct nonces (expected {args.forms + 2 * args.phones + 1})")
            submit_all("same submits again (a retry)")
            rows, nonces = stored(db, campaign_id)
            print(f"stored after the retry: {rows} rows, {nonces} distinct nonces (unchanged means exactly once)")
            print(f"requests sent again after a closed kept-alive connection: {RETRIES[0]}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
