"""PPS, systematic and SRS selection: hand-computed inclusion probabilities, Monte Carlo inclusion
frequencies, and properties (hypothesis).

Hand references (Cochran 1977, section 9A; pi_i = a M_i / sum(M), certainty when M_i >= sum(M)/a):
- sizes 100, 200, 300, 400, a = 2: interval 500, pi = .2, .4, .6, .8.
- sizes 50, 50, 100, 800, a = 2: 800 >= 500 is certain; the rest (200) with a = 1: pi = .25, .25, .5, 1.
- sizes 100, 100, 300, 500, a = 3: 500 >= 333.3 certain; then 300 >= 500/2 certain; then
  pi = .5, .5, 1, 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import Frame, InfeasibleError, InputError, draw_plan
from sampling.selection import select_units


def frame_of(sizes, strata=None):
    n = len(sizes)
    strata = strata or ["A"] * n
    df = pd.DataFrame({"town": strata, "village": [f"v{i:03d}" for i in range(n)], "people": [str(s) for s in sizes]})
    return Frame.from_dataframe(df, stratum="town", psu="village", size="people")


def pi_of(sizes, a):
    f = frame_of(sizes)
    codes, labels = f.strata_codes
    res = select_units(codes, f.sizes, labels, a, rng=np.random.default_rng(0))
    out = np.zeros(len(sizes))
    # first-stage probabilities are a property of every unit; recover them for all units by
    # drawing with every seed until each unit has been seen
    for seed in range(200):
        res = select_units(codes, f.sizes, labels, a, rng=np.random.default_rng(seed))
        out[res.rows] = res.inclusion_prob
    return out


@pytest.mark.parametrize(
    "sizes, a, expected",
    [
        ([100, 200, 300, 400], 2, [0.2, 0.4, 0.6, 0.8]),
        ([50, 50, 100, 800], 2, [0.25, 0.25, 0.5, 1.0]),
        ([100, 100, 300, 500], 3, [0.5, 0.5, 1.0, 1.0]),
        ([5, 5, 5], 3, [1.0, 1.0, 1.0]),
    ],
)
def test_pps_inclusion_probabilities_by_hand(sizes, a, expected):
    assert pi_of(sizes, a) == pytest.approx(expected)


def test_certainty_units_flagged_and_always_taken():
    f = frame_of([50, 50, 100, 800])
    for seed in range(20):
        p = draw_plan(f, 2, take=10, seed=seed)
        big = p.table[p.table["village"] == "v003"]
        assert len(big) == 1 and big["certainty"].item() == 1 and big["inclusion_prob"].item() == 1.0


@pytest.mark.parametrize("method", ["pps", "systematic", "srs"])
def test_monte_carlo_inclusion_frequencies_match_pi(method):
    sizes = np.array([100, 200, 300, 400, 150, 250, 600, 50])
    a = 3
    f = frame_of(sizes)
    codes, labels = f.strata_codes
    R = 3000
    hits = np.zeros(sizes.size)
    rng = np.random.default_rng(12345)
    for _ in range(R):
        res = select_units(codes, f.sizes, labels, a, method=method, rng=rng)
        assert res.rows.size == a and np.unique(res.rows).size == a
        hits[res.rows] += 1
    if method == "pps":
        total = sizes.sum()
        cert = sizes >= total / a  # 600 >= 2050/3? no
        assert not cert.any()
        pi = a * sizes / total
    else:
        pi = np.full(sizes.size, a / sizes.size)
    se = np.sqrt(pi * (1 - pi) / R)
    assert np.all(np.abs(hits / R - pi) < 4.5 * se + 1e-12)


def test_same_seed_same_plan_and_seed_recorded():
    f = frame_of(list(range(10, 200, 7)), strata=["A"] * 14 + ["B"] * 14)
    p1 = draw_plan(f, 4, take=5, seed=99)
    p2 = draw_plan(f, 4, take=5, seed=99)
    pd.testing.assert_frame_equal(p1.table, p2.table)
    p3 = draw_plan(f, 4, take=5)
    p4 = draw_plan(f, 4, take=5, seed=p3.seed)
    pd.testing.assert_frame_equal(p3.table, p4.table)
    others = {tuple(draw_plan(f, 4, take=5, seed=s).table["village"]) for s in range(10)}
    assert len(others) > 1


def test_plan_columns_and_self_weighting():
    f = frame_of([100, 200, 300, 400, 500, 600], strata=["A"] * 3 + ["B"] * 3)
    p = draw_plan(f, 2, take=10, seed=3)
    assert list(p.table.columns) == ["town", "village", "people", "inclusion_prob", "certainty", "take",
                                     "person_prob", "weight", "psus_drawn", "stratum_psus", "stratum_size"]
    t = p.table
    assert (t["weight"] == 1 / (t["inclusion_prob"] * t["take"] / t["people"].astype(float))).all()
    for town, g in t.groupby("town"):
        noncert = g[g["certainty"] == 0]
        if len(noncert):
            assert np.ptp(noncert["person_prob"].to_numpy()) < 1e-12
        assert (g["take"] * g["weight"]).sum() == pytest.approx(g["stratum_size"].iloc[0])


def test_take_all_when_no_take_and_when_psu_is_small():
    f = frame_of([5, 200, 300, 400])
    p = draw_plan(f, 4, take=10, seed=1)
    assert p.table.set_index("village")["take"].to_dict() == {"v000": 5, "v001": 10, "v002": 10, "v003": 10}
    q = draw_plan(f, 2, seed=1)
    assert (q.table["take"] == q.table["people"].astype(int)).all()
    assert (q.table["person_prob"] == q.table["inclusion_prob"]).all()


def test_per_stratum_psus_and_take():
    f = frame_of([100] * 10, strata=["A"] * 5 + ["B"] * 5)
    p = draw_plan(f, {"A": 2, "B": 5}, take={"A": 30, "B": 7}, method="srs", seed=0)
    s = p.summary().set_index("stratum")
    assert s.loc["A", "psus"] == 2 and s.loc["B", "psus"] == 5
    assert s.loc["A", "people"] == 60 and s.loc["B", "people"] == 35
    assert (p.table[p.table["town"] == "B"]["certainty"] == 1).all()
    with pytest.raises(InputError, match="stratum 'B'"):
        draw_plan(f, {"A": 2}, seed=0)


def test_too_many_psus_names_the_stratum():
    f = frame_of([100] * 7, strata=["A"] * 4 + ["洛满镇"] * 3)
    with pytest.raises(InfeasibleError, match="stratum '洛满镇'.*4 PSUs asked for.*only 3"):
        draw_plan(f, 4, seed=0)


def test_unknown_method():
    with pytest.raises(InputError, match="method"):
        draw_plan(frame_of([1, 2, 3]), 1, method="PPS", seed=0)


@st.composite
def frames(draw):
    H = draw(st.integers(1, 6))
    counts = draw(st.lists(st.integers(1, 12), min_size=H, max_size=H))
    sizes = draw(st.lists(st.integers(1, 5000), min_size=sum(counts), max_size=sum(counts)))
    # a few giant units make certainty selections likely
    giants = draw(st.lists(st.integers(0, sum(counts) - 1), max_size=3))
    for i in giants:
        sizes[i] *= 50
    strata = [f"s{h}" for h, c in enumerate(counts) for _ in range(c)]
    psus = {f"s{h}": draw(st.integers(1, c)) for h, c in enumerate(counts)}
    return strata, sizes, psus


@given(fr=frames(), seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["pps", "systematic", "srs"]))
@settings(max_examples=200, deadline=None)
def test_selection_properties(fr, seed, method):
    strata, sizes, psus = fr
    f = frame_of(sizes, strata)
    p = draw_plan(f, psus, take=1, method=method, seed=seed)
    t = p.table
    assert not t.duplicated(["town", "village"]).any()
    assert (t["inclusion_prob"] > 0).all() and (t["inclusion_prob"] <= 1 + 1e-12).all()
    assert (t.loc[t["certainty"] == 1, "inclusion_prob"] == 1.0).all()
    assert np.allclose(t["weight"], 1 / (t["inclusion_prob"] * t["take"] / t["people"].astype(float)))
    for s, a in psus.items():
        g = t[t["town"] == s]
        assert len(g) == a
        if method == "pps":
            # over the whole stratum, sum(pi) = a; the selected units carry the certainty ones and
            # the rest in proportion to size
            stratum_sizes = np.array([z for z, st_ in zip(sizes, strata) if st_ == s], dtype=float)
            assert (g["take"] * g["weight"]).sum() == pytest.approx(stratum_sizes.sum())


@given(fr=frames(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=200, deadline=None)
def test_pps_probabilities_of_all_units_sum_to_psus_drawn(fr, seed):
    """Recompute pi for every frame unit from the rule and check sum(pi) = a_h and that the
    selected units carry exactly these probabilities."""
    strata, sizes, psus = fr
    f = frame_of(sizes, strata)
    p = draw_plan(f, psus, take=1, seed=seed)
    for s, a in psus.items():
        M = np.array([z for z, st_ in zip(sizes, strata) if st_ == s], dtype=float)
        ids = np.array([f"v{i:03d}" for i, st_ in enumerate(strata) if st_ == s])
        cert = np.zeros(M.size, bool)
        while True:  # reference: the textbook rule, one unit set at a time
            k = a - cert.sum()
            if k == 0:
                break
            new = ~cert & (M >= M[~cert].sum() / k)
            if not new.any():
                break
            cert |= new
        k = a - cert.sum()
        pi = np.where(cert, 1.0, k * M / M[~cert].sum() if k else 0.0)
        assert pi.sum() == pytest.approx(a)
        g = p.table[p.table["town"] == s].set_index("village")
        ref = dict(zip(ids, pi))
        for vid, row in g.iterrows():
            assert row["inclusion_prob"] == pytest.approx(ref[vid])
        assert set(ids[cert]) <= set(g.index)
