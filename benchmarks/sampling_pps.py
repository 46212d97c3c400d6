"""Benchmark: PPS systematic selection from a frame of 100,000 villages in 1,000 strata.

Prints the time of ``sampling.select_units`` (array core), of ``sampling.draw_plan`` (core plus the
plan table), and of a per-stratum loop written the textbook way (one cumulative sum and one
``searchsorted`` per stratum, measured in the same run) with the ratio. Target: well under a second.

Run: ``.venv/bin/python benchmarks/sampling_pps.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sampling import Frame, draw_plan  # noqa: E402
from sampling.selection import select_units  # noqa: E402

STRATA, PER_STRATUM, PSUS = 1_000, 100, 10


def loop_peer(codes, sizes, a, rng):
    """Per-stratum loop: certainty rule then systematic PPS within each stratum."""
    rows = []
    order = np.argsort(codes, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
    for idx in groups:
        M = sizes[idx]
        cert = np.zeros(M.size, bool)
        while True:
            k = a - cert.sum()
            if k == 0:
                break
            new = ~cert & (M >= M[~cert].sum() / k)
            if not new.any():
                break
            cert |= new
        rows.extend(idx[cert])
        k = a - cert.sum()
        if k:
            C = np.cumsum(np.where(cert, 0.0, M))
            interval = C[-1] / k
            start = interval * (1 - rng.random())
            rows.extend(idx[np.searchsorted(C, start + interval * np.arange(k))])
    return np.array(rows)


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(1)
    n = STRATA * PER_STRATUM
    sizes = rng.lognormal(7, 1, n).round() + 1
    codes = np.repeat(np.arange(STRATA), PER_STRATUM)
    df = pd.DataFrame({"stratum": codes.astype(str), "psu": np.arange(n).astype(str), "size": sizes})
    frame = Frame.from_dataframe(df, stratum="stratum", psu="psu", size="size")
    c, labels = frame.strata_codes

    t_core = best_of(lambda: select_units(c, frame.sizes, labels, PSUS, method="pps", rng=np.random.default_rng(2)))
    t_plan = best_of(lambda: draw_plan(frame, PSUS, take=20, seed=2))
    t_peer = best_of(lambda: loop_peer(codes, sizes, PSUS, np.random.default_rng(2)), repeat=3)
    plan = draw_plan(frame, PSUS, take=20, seed=2)
    assert len(plan.table) == STRATA * PSUS
    print(f"PPS systematic, {n:,} villages in {STRATA:,} strata, {PSUS} per stratum ({STRATA * PSUS:,} drawn)")
    print(f"  sampling.select_units (array core):  {t_core * 1000:8.1f} ms")
    print(f"  sampling.draw_plan (core + table):   {t_plan * 1000:8.1f} ms")
    print(f"  peer: per-stratum Python loop:       {t_peer * 1000:8.1f} ms  (core is {t_peer / t_core:.1f}x faster)")


if __name__ == "__main__":
    main()
