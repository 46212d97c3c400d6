"""Allocation: hand-computed values and properties (hypothesis).

Hand references: proportional 100 over N = (1000, 3000) is (25, 75); power allocation with q = 0.5
gives sqrt(1000) / (sqrt(1000) + sqrt(3000)) = 0.366 -> (37, 63); Neyman with S_h = sqrt(p(1-p)):
weights 1000 * 0.3 and 3000 * 0.2179 -> 31.5% -> (31, 69) for n = 100.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import InputError, allocate
from sampling.allocation import largest_remainder


def test_hand_values():
    pops = {"A": 1000, "B": 3000}
    assert allocate(pops, 100).as_dict() == {"A": 25, "B": 75}
    assert allocate(pops, 100, method="equal").as_dict() == {"A": 50, "B": 50}
    assert allocate(pops, 100, method="power").as_dict() == {"A": 37, "B": 63}
    assert allocate(pops, 100, method="power", exponent=1.0).as_dict() == {"A": 25, "B": 75}
    assert allocate(pops, 100, method="power", exponent=0.0).as_dict() == {"A": 50, "B": 50}
    w = np.array([1000 * np.sqrt(0.9 * 0.1), 3000 * np.sqrt(0.95 * 0.05)])
    ney = allocate(pops, 100, method="neyman", expected={"A": 0.9, "B": 0.95})
    assert ney.exact == pytest.approx(100 * w / w.sum())
    assert ney.as_dict() == {"A": 31, "B": 69}


def test_minimum_and_cap():
    a = allocate({"tiny": 12, "mid": 3000, "big": 50000}, 500, minimum=30)
    assert a.as_dict() == {"tiny": 12, "mid": 30, "big": 458}


def test_largest_remainder_hamilton():
    # shares 33.33, 33.33, 33.33 -> one extra to the first (ties to the earlier stratum)
    assert largest_remainder(np.array([100 / 3] * 3), 100).tolist() == [34, 33, 33]
    assert largest_remainder(np.array([10.6, 20.3, 69.1]), 100).tolist() == [11, 20, 69]


@given(
    pops=st.lists(st.integers(1, 100_000), min_size=1, max_size=40),
    frac=st.floats(0.0, 1.0),
    method=st.sampled_from(["proportional", "equal", "neyman", "power"]),
    minimum=st.integers(0, 60),
    q=st.floats(0.0, 1.0),
    p=st.floats(0.01, 0.99),
)
@settings(max_examples=300, deadline=None)
def test_properties(pops, frac, method, minimum, q, p):
    N = np.array(pops)
    lo = np.minimum(minimum, N)
    n = int(lo.sum() + frac * (N.sum() - lo.sum()))
    if n < 1:
        return
    a = allocate(N, n, method=method, minimum=minimum, exponent=q, expected=p)
    assert int(a.n.sum()) == n
    assert (a.n >= lo).all()
    assert (a.n <= N).all()
    assert a.n.dtype.kind == "i"
    assert np.abs(a.n - a.exact).max() < 1 + 1e-9


@given(pops=st.lists(st.integers(100, 10_000), min_size=2, max_size=20), n=st.integers(50, 150))
@settings(max_examples=100, deadline=None)
def test_power_between_equal_and_proportional(pops, n):
    N = np.array(pops)
    eq = allocate(N, n, method="equal").exact
    pr = allocate(N, n, method="proportional").exact
    pw = allocate(N, n, method="power").exact
    # the smallest stratum gets between its proportional and its equal share, the largest
    # between its equal and its proportional share
    lo, hi = int(np.argmin(N)), int(np.argmax(N))
    assert pr[lo] - 1e-9 <= pw[lo] <= eq[lo] + 1e-9
    assert eq[hi] - 1e-9 <= pw[hi] <= pr[hi] + 1e-9


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(population={"A": 10, "B": 20}, n=40), ["n = 40", "total population 30"]),
        (dict(population={"A": 100, "B": 200}, n=50, minimum=30), ["minimum"]),
        (dict(population={"A": 100, "B": 0}, n=50), ["stratum 'B'"]),
        (dict(population={"A": 100}, n=50, method="optimal"), ["method", "'neyman'"]),
        (dict(population={"A": 100}, n=50, method="neyman"), ["expected"]),
        (dict(population={"A": 100, "B": 5}, n=50, method="neyman", expected={"A": 0.5}), ["stratum 'B'"]),
        (dict(population={"A": 100}, n=50, method="power", exponent=1.5), ["exponent"]),
    ],
)
def test_bad_input(kwargs, words):
    with pytest.raises(InputError) as exc:
        allocate(**kwargs)
    for w in words:
        assert w in str(exc.value)
