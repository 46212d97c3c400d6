"""Benchmark: the five quality flags for 100,000 responses of the resident instrument.

Data (made here, seed fixed): 100,000 answer sets drawn from 3,000 simulated ones of
``questionnaires/resident.yaml`` with one rating changed at random (so most are unique, some
repeat), 400 sites, 30 days, durations from a log-normal around 5 minutes, one device per 1.2
responses, timestamps in opening hours with a few bursts, held as the store's response frame with answers
(``Store.response_frame(..., with_answers=True)``: one column per question) built before the
clock starts. The timed work: ``flag_responses`` (all five rules, default parameters) and
``site_summary``.

Target (issue 13): under 2 s on this machine (2 cores). Prints the times; asserts nothing.

Run: ``.venv/bin/python benchmarks/quality_flags_100k.py [--n 100000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis.quality import flag_responses, site_summary  # noqa: E402
from survey.questionnaire.loader import load_questionnaire  # noqa: E402
from survey.collect.simulate import simulate_answers  # noqa: E402


def make_frame(n: int, seed: int = 13) -> tuple[pd.DataFrame, object]:
    rng = np.random.default_rng(seed)
    resident = load_questionnaire(ROOT / "questionnaires" / "resident.yaml")
    pool = [simulate_answers(resident, rng) for _ in range(3000)]
    likert = [q.id for q in resident.questions if q.type == "likert5"]
    answers = []
    for i in rng.integers(0, len(pool), n):
        a = dict(pool[i])
        item = likert[int(rng.integers(0, len(likert)))]
        if item in a:
            a[item] = int(rng.integers(1, 6))
        answers.append(a)
    start = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
    seconds = rng.integers(0, 30, n) * 86400 + rng.integers(0, 14 * 3600, n)  # 08:00-22:00 local
    burst = rng.random(n) < 0.01
    seconds[burst] = 5 * 86400 + 3600 + rng.integers(0, 600, burst.sum())
    frame = pd.DataFrame({
        "response_id": np.arange(1, n + 1, dtype=np.int64),
        "questionnaire_id": np.full(n, "resident", dtype=object),
        "site_code": np.array([f"S{s:03d}" for s in rng.integers(0, 400, n)], dtype=object),
        "source": np.full(n, "qr", dtype=object),
        "submitted_at": pd.to_datetime(start.timestamp() + seconds, unit="s", utc=True).as_unit("ns"),
        "duration_s": rng.lognormal(np.log(300), 0.6, n),
        "mode": np.full(n, "self", dtype=object),
        "device_hash": np.array([f"{d:016x}" for d in rng.integers(0, int(n / 1.2), n)], dtype=object),
    })
    for question in resident.questions:  # one column per question, as the store's frame reads them
        if question.type == "note":
            continue
        values = [a.get(question.id) for a in answers]
        if question.type in ("likert5", "number"):
            frame[question.id] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
        else:
            frame[question.id] = pd.Series(values, dtype=object)
    return frame, resident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame, resident = make_frame(args.n)
    times_flags, cpu_flags = [], []
    for _ in range(args.repeat):
        t1, c1 = time.perf_counter(), time.process_time()
        flags = flag_responses(frame, {"resident": resident})
        site_summary(frame, flags)
        t2, c2 = time.perf_counter(), time.process_time()
        times_flags.append(t2 - t1)
        cpu_flags.append(c2 - c1)
    counts = {rule: int(flags[rule].sum()) for rule in ("too_fast", "same_device", "straight_line", "duplicate_answers", "burst")}
    print(f"responses: {args.n:,}; flagged: {int(flags['flagged'].sum()):,} {counts}")
    print(f"flag_responses + site_summary: best {min(times_flags):.3f} s, first {times_flags[0]:.3f} s "
          f"(CPU {min(cpu_flags):.3f} s; target < 2 s)")
    print(f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
