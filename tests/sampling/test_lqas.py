"""LQAS rules checked against the published classic design and a brute-force search.

Published reference: the classic LQAS design for upper 80% / lower 50% with alpha, beta <= 10% is
n = 19, decision rule d = 13 (Valadez 1991; the decision-rule tables reproduced in Olives & Pagano,
Emerg Themes Epidemiol 2010;7:3, PMC3013262, Table 1), with alpha = 0.0676 and beta = 0.0835.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sampling import InfeasibleError, InputError, lqas_risks, lqas_rule


def test_classic_19_13():
    r = lqas_rule(0.8, 0.5, alpha=0.1, beta=0.1)
    assert (r.n, r.d, r.feasible) == (19, 13, True)
    assert r.alpha == pytest.approx(0.0676, abs=5e-5)
    assert r.beta == pytest.approx(0.0835, abs=5e-5)


def test_risks_are_scipy_binomial_tails():
    a, b = lqas_risks(19, 13, 0.8, 0.5)
    assert a == pytest.approx(sum(stats.binom.pmf(k, 19, 0.8) for k in range(13)))
    assert b == pytest.approx(sum(stats.binom.pmf(k, 19, 0.5) for k in range(13, 20)))


def _brute(upper, lower, alpha, beta):
    for n in range(1, 400):
        best = None
        for d in range(n + 2):
            a = stats.binom.cdf(d - 1, n, upper)
            b = stats.binom.sf(d - 1, n, lower)
            if a <= alpha and b <= beta and (best is None or a + b < best[1]):
                best = (d, a + b)
        if best:
            return n, best[0]
    raise AssertionError


@pytest.mark.parametrize(
    "upper, lower, alpha, beta",
    [(0.8, 0.5, 0.1, 0.1), (0.9, 0.6, 0.1, 0.1), (0.95, 0.65, 0.05, 0.1), (0.9, 0.8, 0.1, 0.1), (0.85, 0.7, 0.05, 0.05), (0.5, 0.2, 0.1, 0.1)],
)
def test_smallest_n_and_rule_match_brute_force(upper, lower, alpha, beta):
    r = lqas_rule(upper, lower, alpha=alpha, beta=beta)
    assert (r.n, r.d) == _brute(upper, lower, alpha, beta)
    assert r.alpha <= alpha and r.beta <= beta


def test_close_thresholds_need_far_more_than_19():
    r = lqas_rule(0.85, 0.75, alpha=0.1, beta=0.1)
    assert r.n > 3 * 19


def test_fixed_n_infeasible_gives_smallest_larger_risk():
    r = lqas_rule(0.85, 0.75, n=19)
    assert r.feasible is False and r.n == 19
    worst = [max(*lqas_risks(19, d, 0.85, 0.75)) for d in range(21)]
    assert max(r.alpha, r.beta) == pytest.approx(min(worst))


def test_fixed_n_feasible_picks_smallest_sum():
    r = lqas_rule(0.8, 0.5, n=30)
    assert r.feasible
    sums = [sum(lqas_risks(30, d, 0.8, 0.5)) for d in range(32) if all(x <= 0.1 for x in lqas_risks(30, d, 0.8, 0.5))]
    assert r.alpha + r.beta == pytest.approx(min(sums))


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(upper=0.5, lower=0.8), "lower"),
        (dict(upper=1.0, lower=0.5), "upper"),
        (dict(upper=0.8, lower=0.5, alpha=0.7), "alpha"),
        (dict(upper=0.8, lower=0.5, n=0), "n"),
    ],
)
def test_bad_input(kwargs, word):
    with pytest.raises(InputError, match=word):
        lqas_rule(**kwargs)


def test_infeasible_under_search_limit():
    with pytest.raises(InfeasibleError, match="no n up to 50"):
        lqas_rule(0.9, 0.88, alpha=0.05, beta=0.05, max_n=50)


def test_classify_follows_the_rule_against_brute_force():
    from sampling.lqas import DOES_NOT_MEET, INCOMPLETE, MEETS, lqas_classify

    n, d = 19, 13
    ks, xs = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = xs <= ks
    got = lqas_classify(xs[keep], ks[keep], n, d)
    for x, k, g in zip(xs[keep], ks[keep], got):
        # meets: d successes reached; fails: even all the remaining n - k successes cannot reach d
        expected = MEETS if x >= d else (DOES_NOT_MEET if x + (n - k) < d else INCOMPLETE)
        assert g == expected, (x, k)


def test_classify_refuses_counts_out_of_range():
    from sampling.errors import InputError
    from sampling.lqas import lqas_classify

    with pytest.raises(InputError):
        lqas_classify(np.array([3]), np.array([2]), 19, 13)
    with pytest.raises(InputError):
        lqas_classify(np.array([1]), np.array([20]), 19, 13)
