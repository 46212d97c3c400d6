"""Stage 2 of a household survey (households in each selected village) and the three-stage weights.

Systematic selection from a household list: N households listed, m to take (all of them when
m >= N), fractional interval k = N / m, random start R uniform in {1, ..., N} (drawn from the seed
and the village id, see :func:`sampling.household.uniform_index`), and the households at positions

    p_j = ceil((R + j N) / m),   j = 0, ..., m-1    (1-based positions in list order),

i.e. start R/m in (0, k] on a grid of 1/m and steps of k. Every integer x in 1..mN is R + jN for
exactly one (R, j), so each household is taken for exactly m values of R: pi_household = m / N
exactly, and the m positions are distinct because k >= 1.

Villages without a household list use the random walk of :data:`RANDOM_WALK_RULE`: the walk
orders the households and the same positions are counted along it; the number of households N is
then an estimate (counted or from the village committee), and pi_household = m / N is an
approximation that the report must state.

Weights: a village selected with pi_village (the plan's ``inclusion_prob``), a household with
pi_household and one of its k eligible members by :func:`sampling.household.select_member`
(probability 1/k) gives that member the design weight

    w = k / (pi_village * pi_household).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import InputError
from .household import uniform_index
from .plan import Plan

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "HOUSEHOLD_STAGE_COLUMNS",
    "MODES",
    "RANDOM_WALK_RULE",
    "draw_households",
    "household_prob",
    "household_stage",
    "household_start",
    "member_weights",
    "mode_of",
    "select_households",
    "systematic_positions",
]

MODES = ("list", "random_walk")
_MODE_WORDS = {"list": "list", "名单": "list", "有名单": "list", "": "list",
               "random_walk": "random_walk", "random walk": "random_walk", "随机行走": "random_walk",
               "无名单": "random_walk"}

RANDOM_WALK_RULE: dict[str, str] = {
    "zh": (
        "无住户名单的村（社区）用随机行走法：\n"
        "1. 起点：计划写明的起点（村委会或居委会门口；或在村地图上抽签选定的路口）。\n"
        "2. 方向：在起点抽签决定出发的道路；沿路只数右手边的住户，遇路口右转，到尽头或村界掉头沿另一侧继续。"
        "楼房按单元从小到大、楼层从下到上、同层门牌从小到大数。\n"
        "3. 间隔：按走到的先后给住户计数（空房、商铺、单位不计），访问计数等于表中“位置”的住户，"
        "相邻两户相隔约 估计户数/应访户数 户。\n"
        "4. 不替换：拒访、无人在家的户不换成邻户，如实记录结果并按规定回访。\n"
        "5. 概率：户的入样概率按 应访户数/估计户数 近似，报告须说明这是近似值。"
    ),
    "en": (
        "Villages (communities) without a household list use a random walk:\n"
        "1. Start: the point the plan names (the village or residents' committee door, or a crossing drawn "
        "by lot on the village map).\n"
        "2. Direction: draw the road to leave the start by lot; count only the dwellings on the right-hand "
        "side, turn right at each crossing, and at a dead end or the village edge turn back along the other "
        "side. In blocks of flats count entrance by entrance, floor by floor upwards, door numbers upwards.\n"
        "3. Interval: number the households in the order the walk reaches them (empty dwellings, shops and "
        "offices are not counted) and visit those whose number is a listed position: about "
        "households_estimated / take households apart.\n"
        "4. No substitution: a refusal or an empty home is not replaced by a neighbour; record the outcome and "
        "revisit as the campaign says.\n"
        "5. Probability: a household's inclusion probability is approximated by take / households_estimated; "
        "the report says it is an approximation."
    ),
}

HOUSEHOLD_STAGE_COLUMNS: dict[str, str] = {
    "village": "the selected village (PSU id of the plan)",
    "village_prob": "pi_village: first-stage inclusion probability (the plan's inclusion_prob)",
    "households_listed": "N: households on the list, or estimated where there is none (random walk)",
    "take": "m: households to visit (all of them when N <= m)",
    "household_prob": "pi_household = m / N (approximate in random-walk villages)",
    "household_weight": "1 / (pi_village * pi_household); a member's weight is this times k eligible members",
    "mode": "list (systematic from the household list) or random_walk (no list; RANDOM_WALK_RULE)",
}

HOUSEHOLD_COLUMNS: dict[str, str] = {
    "village": "the selected village",
    "household": "household id: village and position, the id to give select_member",
    "position": "1-based position on the household list (or counted along the random walk)",
    "mode": "list or random_walk",
    "households_listed": "N of the village (the second-stage fpc)",
    "take": "m of the village",
    "village_prob": "pi_village",
    "household_prob": "pi_household = take / households_listed",
    "household_weight": "1 / (pi_village * pi_household); times k eligible members for the member's weight",
}


def mode_of(value: object) -> str:
    """``"list"`` or ``"random_walk"`` from the word (English or Chinese; empty means list)."""
    key = str(value).strip().lower() if value is not None else ""
    if key not in _MODE_WORDS:
        raise InputError(f"mode must be 'list' or 'random_walk' (名单/随机行走), got {value!r}", param="mode")
    return _MODE_WORDS[key]


def _counts(name: str, values: object, *, minimum: int = 1) -> np.ndarray:
    """A 1-d int64 array of whole numbers >= minimum (raises InputError naming the first bad one)."""
    raw = np.atleast_1d(np.asarray(values, dtype=object))
    if raw.ndim != 1:
        raise InputError("must be a list of whole numbers", param=name)
    bad_type = np.fromiter((isinstance(v, (bool, np.bool_)) for v in raw), bool, raw.size)
    x = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(dtype=float)
    bad = bad_type | ~np.isfinite(x) | (x != np.round(x)) | (x < minimum)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"must be whole numbers >= {minimum}, got {raw[i]!r} (entry {i + 1})", param=name)
    return x.astype(np.int64)


def household_start(n_listed: int, *, seed: str | int, village: str = "") -> int:
    """The random start R in {1, ..., N} of ``village``: uniform, from (seed, village) only."""
    N = int(_counts("n_listed", n_listed)[0])
    return 1 + uniform_index(N, str(seed), "households", str(village))


def systematic_positions(n_listed, take, start) -> tuple[np.ndarray, np.ndarray]:
    """Positions ceil((R + jN)/m), vectorised over villages; m is capped at N.

    Returns (village index, position) as two flat int64 arrays, villages in input order and
    positions increasing within each.

    >>> systematic_positions([10, 3], [4, 5], [7, 2])
    (array([0, 0, 0, 0, 1, 1, 1]), array([ 2,  5,  7, 10,  1,  2,  3]))
    """
    N = _counts("n_listed", n_listed)
    m = np.minimum(_counts("take", take), N)
    R = _counts("start", start)
    if not (N.shape == m.shape == R.shape):
        raise InputError("n_listed, take and start must have the same length", param="start")
    if (R > N).any():
        raise InputError("each start must be in 1..n_listed", param="start")
    village = np.repeat(np.arange(N.size), m)
    j = np.arange(village.size) - np.repeat(np.cumsum(m) - m, m)
    # ceil((R + jN) / m) in integers: (R + jN + m - 1) // m
    pos = (R[village] + j * N[village] + m[village] - 1) // m[village]
    return village, pos


def select_households(n_listed: int, take: int, *, seed: str | int, village: str = "") -> np.ndarray:
    """1-based positions of the ``take`` households to visit out of ``n_listed`` (all when take >= n).

    Each household has probability take / n_listed; the start comes from (seed, village), so the
    villages of one plan get independent starts and the same seed gives the same households.

    >>> select_households(10, 4, seed="liunan-2025", village="450205001")
    array([ 2,  5,  7, 10])
    """
    R = household_start(n_listed, seed=seed, village=village)
    return systematic_positions([n_listed], [take], [R])[1]


def household_prob(take, n_listed) -> np.ndarray:
    """pi_household = min(m, N) / N, vectorised.

    >>> household_prob([10, 20], [200, 15]).tolist()
    [0.05, 1.0]
    """
    N = _counts("n_listed", n_listed)
    m = _counts("take", take)
    return np.minimum(m, N) / N


def member_weights(village_prob, household_prob, eligible_members) -> np.ndarray:
    """Design weight of each interviewed member: k / (pi_village * pi_household), vectorised.

    >>> member_weights([0.2, 0.5], [0.05, 0.1], [3, 1]).round(6).tolist()
    [300.0, 20.0]
    """
    p1 = np.atleast_1d(np.asarray(village_prob, dtype=float))
    p2 = np.atleast_1d(np.asarray(household_prob, dtype=float))
    for name, p in (("village_prob", p1), ("household_prob", p2)):
        if not (np.isfinite(p) & (p > 0) & (p <= 1)).all():
            raise InputError("probabilities must be in (0, 1]", param=name)
    k = _counts("eligible_members", eligible_members)
    return k / (p1 * p2)


def _per_village(name: str, value: object, villages: list[str]) -> list[object]:
    """A scalar, a mapping village -> value covering every village, or a sequence aligned with rows."""
    if isinstance(value, Mapping):
        known = {str(k): v for k, v in value.items()}
        missing = [v for v in villages if v not in known]
        if missing:
            raise InputError(f"no value for village {missing[0]!r}", param=name)
        return [known[v] for v in villages]
    if isinstance(value, (str, bytes)) or np.ndim(value) == 0:
        return [value] * len(villages)
    seq = list(value)  # type: ignore[arg-type]
    if len(seq) != len(villages):
        raise InputError(f"has {len(seq)} values for {len(villages)} villages", param=name)
    return seq


def household_stage(
    plan: Plan | pd.DataFrame,
    *,
    households: int | Mapping[str, int] | Sequence[int] | np.ndarray | pd.Series,
    take: int | Mapping[str, int] | Sequence[int] | np.ndarray | pd.Series,
    mode: str | Mapping[str, str] | Sequence[str] | pd.Series = "list",
    village: str | None = None,
) -> pd.DataFrame:
    """The household stage table: one row per selected village (columns :data:`HOUSEHOLD_STAGE_COLUMNS`).

    Parameters
    ----------
    plan : Plan or DataFrame
        Stage 1: a :class:`sampling.plan.Plan`, or a table with ``inclusion_prob`` and a village column.
    households, take, mode : scalar, mapping village -> value, or one value per plan row
        N (listed or estimated households), m (households to visit), ``"list"``/``"random_walk"``.
    village : str, optional
        The village (PSU) column; by default the plan's PSU column, or ``"village"`` for a table.

    >>> t = pd.DataFrame({"village": ["a", "b"], "inclusion_prob": [0.2, 0.5]})
    >>> household_stage(t, households=[200, 15], take=10, mode=["list", "random_walk"])[
    ...     ["village", "take", "household_prob", "household_weight", "mode"]].values.tolist()
    [['a', 10, 0.05, 100.0, 'list'], ['b', 10, 0.6666666666666666, 3.0, 'random_walk']]
    """
    table = plan.table if isinstance(plan, Plan) else plan
    if village is None:
        village = plan.frame.psu if isinstance(plan, Plan) and plan.frame.psu else "village"
    for col in (village, "inclusion_prob"):
        if col not in table.columns:
            raise InputError(f"the plan has no column {col!r}", param="village" if col == village else "plan")
    villages = [str(v).strip() for v in table[village]]
    if any(not v for v in villages):
        raise InputError("a village id is empty", param="village")
    dup = pd.Series(villages).duplicated()
    if dup.any():
        raise InputError(f"village {villages[int(np.argmax(dup))]!r} appears twice", param="village",
                         hint="use a column unique across townships, such as the village code")
    p1 = pd.to_numeric(table["inclusion_prob"], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(p1) & (p1 > 0) & (p1 <= 1)).all():
        raise InputError("inclusion_prob must be in (0, 1]", param="plan")
    N = _counts("households", _per_village("households", households, villages))
    m = np.minimum(_counts("take", _per_village("take", take, villages)), N)
    modes = [mode_of(v) for v in _per_village("mode", mode, villages)]
    p2 = m / N
    return pd.DataFrame({
        "village": villages,
        "village_prob": p1,
        "households_listed": N,
        "take": m,
        "household_prob": p2,
        "household_weight": N / (m * p1),  # = 1 / (p1 * p2), without rounding p2 first
        "mode": modes,
    })


def draw_households(stage: pd.DataFrame, *, seed: str | int) -> pd.DataFrame:
    """One row per household to visit (columns :data:`HOUSEHOLD_COLUMNS`), villages in stage order.

    The household id is ``<village>-<position>`` with the position zero-padded to at least 3 digits.

    >>> t = household_stage(pd.DataFrame({"village": ["a"], "inclusion_prob": [0.5]}), households=10, take=4)
    >>> draw_households(t, seed="s")["household"].tolist()
    ['a-001', 'a-003', 'a-006', 'a-008']
    """
    missing = [c for c in HOUSEHOLD_STAGE_COLUMNS if c not in stage.columns]
    if missing:
        raise InputError(f"the household stage table has no column {missing[0]!r}", param="stage")
    villages = stage["village"].astype(str).tolist()
    N = _counts("households_listed", stage["households_listed"])
    starts = [1 + uniform_index(int(n), str(seed), "households", v) for n, v in zip(N, villages)]
    idx, pos = systematic_positions(N, stage["take"].to_numpy(), starts)
    width = np.maximum(3, np.char.str_len(N.astype(str)))
    vill = np.asarray(villages, dtype=object)[idx]
    ids = [f"{v}-{p:0{w}d}" for v, p, w in zip(vill, pos.tolist(), width[idx].tolist())]
    return pd.DataFrame({
        "village": vill,
        "household": ids,
        "position": pos,
        "mode": stage["mode"].to_numpy()[idx],
        "households_listed": N[idx],
        "take": stage["take"].to_numpy(dtype=np.int64)[idx],
        "village_prob": stage["village_prob"].to_numpy(dtype=float)[idx],
        "household_prob": stage["household_prob"].to_numpy(dtype=float)[idx],
        "household_weight": stage["household_weight"].to_numpy(dtype=float)[idx],
    })
