"""Benchmark: the five quality flags for 100,000 responses of the resident instrument.

Data (made here, seed fixed): 100,000 answer sets drawn from 3,000 simulated ones of
``questionnaires/resident.yaml`` with one rating changed at random (so most are unique, some
repeat), 400 sites, 30 days, durations from a log-normal around 5 minutes, one device per 1.2
responses, timestamps in opening hours with a few bursts. The timed work: ``flag_responses``
(all five rules, default parameters) and ``site_summary``, from the frame in memory; the frame's
construction from the store's column lists (``quality_frame``) is timed on its own.

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

from analysis.quality import flag_responses, quality_frame, site_summary  # noqa: E402
from survey.loader import load_questionnaire  # noqa: E402
from survey.simulate import simulate_answers  # noqa: E402


def make_rows(n: int, seed: int = 13) -> tuple[dict, object]:
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
    submitted = [start + dt.timedelta(seconds=int(s)) for s in seconds]
    rows = {
        "response_id": list(range(1, n + 1)),
        "site": [f"S{s:03d}" for s in rng.integers(0, 400, n)],
        "instrument": ["resident"] * n,
        "source": ["qr"] * n,
        "simulated": [True] * n,
        "submitted_at": submitted,
        "opened_at": [None] * n,
        "duration_s": list(rng.lognormal(np.log(300), 0.6, n)),
        "section_seconds": [None] * n,
        "resumed": [False] * n,
        "mode": ["self"] * n,
        "surveyor": [None] * n,
        "device_hash": [f"{d:016x}" for d in rng.integers(0, int(n / 1.2), n)],
        "language": ["zh"] * n,
        "answers": answers,
    }
    return rows, resident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows, resident = make_rows(args.n)
    times_frame, times_flags, cpu_flags = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        frame = quality_frame(rows)
        t1, c1 = time.perf_counter(), time.process_time()
        flags = flag_responses(frame, {"resident": resident})
        site_summary(frame, flags)
        t2, c2 = time.perf_counter(), time.process_time()
        times_frame.append(t1 - t0)
        times_flags.append(t2 - t1)
        cpu_flags.append(c2 - c1)
    counts = {rule: int(flags[rule].sum()) for rule in ("too_fast", "same_device", "straight_line", "duplicate_answers", "burst")}
    print(f"responses: {args.n:,}; flagged: {int(flags['flagged'].sum()):,} {counts}")
    print(f"quality_frame (store columns -> frame): best {min(times_frame):.3f} s, first {times_frame[0]:.3f} s")
    print(f"flag_responses + site_summary: best {min(times_flags):.3f} s, first {times_flags[0]:.3f} s "
          f"(CPU {min(cpu_flags):.3f} s; target < 2 s)")
    print(f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
