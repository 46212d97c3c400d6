"""Stage 2 and the three-stage weights: systematic household selection checked by enumerating
every random start, the stage table and weights against a hand computation, properties.

Hand reference (Cochran 1977, 9A; METHODS.md "Household surveys"): villages of 100, 200, 300, 400
people, 2 drawn by PPS: pi_village = 2 M / 1000 = .2, .4, .6, .8. With 30, 50, 60, 80 households
listed and 10 taken, pi_household = 1/3, 1/5, 1/6, 1/8 and the household weight
1/(pi_village pi_household) = 15, 12.5, 10, 10; a member chosen among k = 3 in village b weighs
3 x 12.5 = 37.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from sampling import (
    Frame,
    InputError,
    draw_households,
    draw_plan,
    household_prob,
    household_stage,
    member_weights,
    select_households,
)
from sampling.households import (
    RANDOM_WALK_RULE,
    household_start,
    mode_of,
    systematic_positions,
)


def all_starts(N, m):
    """Every outcome of the draw: one row of positions per start R = 1..N."""
    R = np.arange(1, N + 1)
    _idx, pos = systematic_positions(np.full(N, N), np.full(N, m), R)
    return pos.reshape(N, min(m, N))


@pytest.mark.parametrize("N", [1, 2, 3, 7, 10, 23, 40])
def test_every_start_gives_take_distinct_positions_each_with_probability_m_over_n(N):
    for m in range(1, N + 3):
        outcomes = all_starts(N, m)
        take = min(m, N)
        assert outcomes.shape == (N, take)
        assert (np.diff(outcomes, axis=1) > 0).all() and outcomes.min() >= 1 and outcomes.max() <= N
        # each position is in exactly `take` of the N equally likely outcomes: probability take / N
        assert (np.bincount(outcomes.ravel(), minlength=N + 1)[1:] == take).all()
        assert household_prob(m, N)[0] == take / N


def test_positions_by_hand():
    # N = 10, m = 4, k = 2.5, R = 7: ceil(7/4), ceil(17/4), ceil(27/4), ceil(37/4)
    assert systematic_positions([10], [4], [7])[1].tolist() == [2, 5, 7, 10]
    # R = 1: start 0.25: 1, 3.5 -> 1, 4, 6, 9 (ceil .25, 2.75, 5.25, 7.75)
    assert systematic_positions([10], [4], [1])[1].tolist() == [1, 3, 6, 8]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**6), st.integers(1, 500), st.data())
def test_systematic_properties(N, m, data):
    R = data.draw(st.integers(1, N))
    pos = systematic_positions([N], [m], [R])[1]
    take = min(m, N)
    assert pos.size == take and np.unique(pos).size == take
    assert pos.min() >= 1 and pos.max() <= N
    gaps = np.diff(pos)
    k = N / take
    assert ((gaps >= np.floor(k)) & (gaps <= np.ceil(k))).all()


def test_select_households_reproducible_and_start_uniform():
    a = select_households(500, 12, seed="s1", village="V1")
    assert a.tolist() == select_households(500, 12, seed="s1", village="V1").tolist()
    assert a.size == 12 and np.unique(a).size == 12
    assert select_households(5, 9, seed="s1", village="V1").tolist() == [1, 2, 3, 4, 5]
    starts = np.array([household_start(7, seed="s1", village=f"V{n}") for n in range(7000)])
    counts = np.bincount(starts, minlength=8)[1:]
    assert counts.sum() == 7000 and chisquare(counts).pvalue > 0.001
    assert household_start(7, seed=3, village="V1") == household_start(7, seed="3", village="V1")


def small_plan():
    df = pd.DataFrame({"town": ["A"] * 4, "village": list("abcd"), "people": ["100", "200", "300", "400"]})
    return draw_plan(Frame.from_dataframe(df, stratum="town", psu="village", size="people"), 2, take=10, seed=1)


PI_VILLAGE = {"a": 0.2, "b": 0.4, "c": 0.6, "d": 0.8}
LISTED = {"a": 30, "b": 50, "c": 60, "d": 80}
HOUSEHOLD_WEIGHT = {"a": 15.0, "b": 12.5, "c": 10.0, "d": 10.0}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_weights_equal_the_hand_computation(seed):
    df = pd.DataFrame({"town": ["A"] * 4, "village": list("abcd"), "people": ["100", "200", "300", "400"]})
    plan = draw_plan(Frame.from_dataframe(df, stratum="town", psu="village", size="people"), 2, take=10, seed=seed)
    stage = household_stage(plan, households=LISTED, take=10)
    assert list(stage.columns) == ["village", "village_prob", "households_listed", "take", "household_prob",
                                   "household_weight", "mode"]
    for r in stage.itertuples(index=False):
        assert r.village_prob == pytest.approx(PI_VILLAGE[r.village])
        assert r.household_prob == pytest.approx(10 / LISTED[r.village])
        assert r.household_weight == pytest.approx(HOUSEHOLD_WEIGHT[r.village])
        assert r.mode == "list" and r.take == 10
    rows = draw_households(stage, seed="hand")
    assert len(rows) == 20 and rows["household"].is_unique
    # within a village the household weights add up to N / pi_village
    sums = rows.groupby("village")["household_weight"].sum()
    for v, total in sums.items():
        assert total == pytest.approx(LISTED[v] / PI_VILLAGE[v])
    k = np.array([3] * len(rows))
    w = member_weights(rows["village_prob"], rows["household_prob"], k)
    assert w == pytest.approx(np.array([3 * HOUSEHOLD_WEIGHT[v] for v in rows["village"]]))
    assert member_weights(0.4, 0.2, 3)[0] == pytest.approx(37.5)
    assert member_weights([0.4], [0.2], [1])[0] == pytest.approx(12.5)  # a household of one: no factor


def test_stage_inputs_and_modes():
    plan = small_plan()
    villages = plan.table["village"].tolist()
    stage = household_stage(plan.table, village="village", households=[LISTED[v] for v in villages],
                            take={v: 100 for v in villages}, mode=["名单", "随机行走"])
    assert stage["mode"].tolist() == ["list", "random_walk"]
    # a take above the list takes everyone: probability 1
    assert stage["take"].tolist() == [LISTED[v] for v in villages]
    assert (stage["household_prob"] == 1.0).all()
    assert [mode_of(w) for w in ("list", "random_walk", "random walk", "名单", "无名单", "", None)] == \
        ["list", "random_walk", "random_walk", "list", "random_walk", "list", "list"]
    assert "起点" in RANDOM_WALK_RULE["zh"] and "take / households_estimated" in RANDOM_WALK_RULE["en"]


def test_draw_households_rows():
    t = pd.DataFrame({"village": ["v1", "v2"], "inclusion_prob": [0.5, 1.0]})
    stage = household_stage(t, households=[1200, 8], take=[5, 20], mode="random_walk")
    rows = draw_households(stage, seed="x")
    assert rows["village"].tolist() == ["v1"] * 5 + ["v2"] * 8
    assert rows["household"].iloc[0].startswith("v1-") and len(rows["household"].iloc[0]) == len("v1-0000")
    assert rows["household"].iloc[5:].tolist() == [f"v2-{p:03d}" for p in range(1, 9)]
    assert rows.equals(draw_households(stage, seed="x"))
    assert not rows.equals(draw_households(stage, seed="y"))
    assert (rows["mode"] == "random_walk").all()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"households": {"a": 30}, "take": 10}, ["no value for village"]),
        ({"households": [30, 0], "take": 10}, ["households", ">= 1", "entry 2"]),
        ({"households": [30, 40], "take": 2.5}, ["take", "whole numbers"]),
        ({"households": [30, 40, 50], "take": 10}, ["3 values for 2 villages"]),
        ({"households": 30, "take": 10, "mode": "door"}, ["mode"]),
        ({"households": 30, "take": 10, "village": "村"}, ["no column '村'"]),
    ],
)
def test_stage_bad_input(kwargs, words):
    t = pd.DataFrame({"village": ["a", "b"], "inclusion_prob": [0.5, 1.0]})
    with pytest.raises(InputError) as exc:
        household_stage(t, **kwargs)
    for w in words:
        assert w in str(exc.value)


def test_stage_bad_plan():
    with pytest.raises(InputError, match="appears twice"):
        household_stage(pd.DataFrame({"village": ["a", "a"], "inclusion_prob": [0.5, 0.5]}), households=3, take=1)
    with pytest.raises(InputError, match="inclusion_prob"):
        household_stage(pd.DataFrame({"village": ["a"], "inclusion_prob": [1.5]}), households=3, take=1)
    with pytest.raises(InputError, match="village_prob"):
        member_weights([0.0], [0.5], [1])
    with pytest.raises(InputError, match="eligible_members"):
        member_weights([0.5], [0.5], [0])
