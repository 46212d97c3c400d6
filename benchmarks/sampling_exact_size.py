"""Benchmark: exact binomial sample-size search up to n = 10,000.

Threshold 0.85, expected 0.86, one-sided alpha 0.05, power 0.8 (the answer is near 8,000, so the
search covers every n up to 10,000). Prints the time of ``sampling.sample_size.exact_threshold_search``
(all n at once) and of a per-n loop over statsmodels' ``binom_test_reject_interval`` with scipy's
``binom.sf`` for the power (the straightforward peer, measured in the same run), with the ratio.
Target: well under a second.

Run: ``.venv/bin/python benchmarks/sampling_exact_size.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from scipy import stats
from statsmodels.stats.proportion import binom_test_reject_interval

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sampling.sample_size import exact_threshold_search  # noqa: E402

P0, P1, ALPHA, POWER, LIMIT = 0.85, 0.86, 0.05, 0.8, 10_000


def peer_first_n() -> int:
    for n in range(1, LIMIT + 1):
        c = binom_test_reject_interval(P0, n, alpha=ALPHA, alternative="larger")[1]
        if stats.binom.sf(c - 1, n, P1) >= POWER:
            return n
    raise RuntimeError("not found")


def main() -> None:
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        res = exact_threshold_search(P1, P0, alpha=ALPHA, power=POWER, search_limit=LIMIT)
        times.append(time.perf_counter() - t0)
    t_ours = min(times)
    t0 = time.perf_counter()
    n_peer = peer_first_n()
    t_peer = time.perf_counter() - t0
    assert n_peer == res.n, (n_peer, res.n)
    print(f"exact sample size, p0 = {P0}, p1 = {P1}, alpha = {ALPHA}, power = {POWER}: n = {res.n} "
          f"(stable from {res.n_stable}, {len(res.dips)} dips)")
    print(f"  sampling exact_threshold_search, all n <= {LIMIT:,}: {t_ours * 1000:8.1f} ms")
    print(f"  peer: per-n loop (statsmodels + scipy) to n = {n_peer}: {t_peer * 1000:8.1f} ms  "
          f"(ours is {t_peer / t_ours:.0f}x faster, while examining {LIMIT / n_peer:.2f}x as many n)")


if __name__ == "__main__":
    main()
