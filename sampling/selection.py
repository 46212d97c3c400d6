"""Selection of primary sampling units (PSUs) within strata, then a fixed take of people per PSU.

Methods, applied within each stratum h with a_h PSUs to draw out of N_h PSUs of sizes M_i:

- ``srs``: simple random sampling without replacement; pi_i = a_h / N_h.
- ``systematic``: equal-probability systematic sampling in frame order with a fractional interval
  k = N_h / a_h and a random start in (0, k]; pi_i = a_h / N_h.
- ``pps``: probability-proportional-to-size systematic sampling in frame order. Units with
  M_i >= I = sum(M) / a (the interval) are taken with certainty (pi = 1) and removed, and a and I
  recomputed, until none remains; the other a' units are drawn with cumulated sizes, interval
  I' = sum(M_rest) / a', random start in (0, I'], and the unit whose range contains
  start + j I' (j = 0..a'-1) selected; pi_i = a' M_i / sum(M_rest).

Second stage: ``take`` m people per selected PSU (all of them when M_i <= m, or when no take is
given): pi2_i = m_i / M_i. The person-level inclusion probability is pi_i pi2_i and the design
weight its inverse. With PPS and a fixed take, a m / sum(M) is the same for every person of a
stratum (outside certainty units): the design is self-weighting, and the weights of the people
taken add up to the stratum's size exactly.

Every stratum is processed at once with array operations (no loop over rows or strata); the
random numbers come from ``numpy.random.default_rng(seed)``, so the same seed gives the same plan.

References
----------
Cochran WG. Sampling Techniques, 3rd ed. Wiley; 1977, sections 8.1-8.5 and 9A.
Lohr SL. Sampling: Design and Analysis, 2nd ed. Brooks/Cole; 2010, sections 6.2 and 6.4.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .errors import InfeasibleError, InputError
from .validation import check_count, check_option

__all__ = ["SelectionResult", "select_units", "METHODS", "per_stratum"]

METHODS = ("pps", "srs", "systematic")


def per_stratum(name: str, value: int | Mapping[str, int] | None, labels: np.ndarray, *, minimum: int) -> np.ndarray | None:
    """An int, or a mapping stratum -> int covering every stratum, as an array in label order."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        out = np.empty(labels.size, dtype=np.int64)
        known = {str(k): v for k, v in value.items()}
        for i, s in enumerate(str(v) for v in labels):
            if s not in known:
                raise InputError(f"no {name} given for this stratum", stratum=s, param=name)
            out[i] = check_count(f"{name} of {s!r}", known[s], minimum=minimum)
        return out
    return np.full(labels.size, check_count(name, value, minimum=minimum), dtype=np.int64)


class SelectionResult:
    """Arrays describing the selected units, in frame order within strata (strata in order of first
    appearance).

    Attributes
    ----------
    rows : ndarray of int
        Frame row index of each selected PSU.
    inclusion_prob, certainty, drawn, stratum_psus, stratum_size : ndarray
        First-stage pi_i, whether pi_i = 1 by the certainty rule (PPS) or because the stratum is
        taken whole, a_h, N_h and sum(M) of the PSU's stratum.
    """

    __slots__ = ("rows", "inclusion_prob", "certainty", "drawn", "stratum_psus", "stratum_size")

    def __init__(self, **kw: np.ndarray) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


def _systematic(g: np.ndarray, M: np.ndarray, a: np.ndarray, H: int, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PPS systematic draw with certainty units on rows sorted by stratum ``g``.

    Returns (selected mask, pi, certainty mask), all per row.
    """
    cert = np.zeros(M.size, bool)
    # certainty units: at most max(a) rounds, usually one or two
    while True:
        rest_total = np.bincount(g, weights=np.where(cert, 0.0, M), minlength=H)
        a_rest = a - np.bincount(g, weights=cert, minlength=H).astype(np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            interval = np.where(a_rest > 0, rest_total / np.maximum(a_rest, 1), np.inf)
        new = ~cert & (M >= interval[g])
        if not new.any():
            break
        cert |= new
    Mr = np.where(cert, 0.0, M)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = np.where(cert, 1.0, np.where(rest_total[g] > 0, a_rest[g] * Mr / rest_total[g], 0.0))
    # systematic draw among the rest
    C = np.cumsum(Mr)
    offset = np.concatenate(([0.0], np.cumsum(rest_total)[:-1]))
    draw = a_rest > 0
    reps = np.repeat(np.arange(H), np.where(draw, a_rest, 0))
    first_of = np.concatenate(([0], np.cumsum(np.where(draw, a_rest, 0))[:-1]))
    j = np.arange(reps.size) - first_of[reps]
    start = interval * (1.0 - u)  # in (0, I]
    points = np.minimum(offset[reps] + start[reps] + j * interval[reps], offset[reps] + rest_total[reps])
    idx = np.searchsorted(C, points, side="left")
    # guard against rounding at stratum edges: keep each point among its stratum's non-certainty rows
    rows = np.arange(M.size)
    eligible = ~cert & (M > 0)
    big = M.size
    first_el = np.full(H, big)
    np.minimum.at(first_el, g[eligible], rows[eligible])
    last_el = np.full(H, -1)
    np.maximum.at(last_el, g[eligible], rows[eligible])
    idx = np.clip(idx, first_el[reps], last_el[reps])
    selected = cert.copy()
    selected[idx] = True
    return selected, pi, cert


def select_units(
    codes: np.ndarray,
    sizes: np.ndarray,
    labels: np.ndarray,
    psus: int | Mapping[str, int],
    *,
    method: str = "pps",
    rng: np.random.Generator,
) -> SelectionResult:
    """Select a_h PSUs in every stratum.

    Parameters
    ----------
    codes : ndarray of int
        Stratum index (0..H-1) of each frame row.
    sizes : ndarray of float
        Size M_i of each row (used by ``pps`` only).
    labels : ndarray
        Stratum names, by index (for messages and per-stratum mappings).
    psus : int or mapping stratum -> int
        a_h, the number of PSUs to draw in each stratum.
    method : {"pps", "srs", "systematic"}
    rng : numpy.random.Generator

    Raises
    ------
    InfeasibleError
        A stratum asked for more PSUs than it has.
    """
    check_option("method", method, METHODS)
    H = labels.size
    a = per_stratum("psus", psus, labels, minimum=1)
    order = np.argsort(codes, kind="stable")
    g = codes[order]
    M = np.asarray(sizes, dtype=float)[order]
    count = np.bincount(g, minlength=H)
    over = a > count
    if over.any():
        h = int(np.argmax(over))
        raise InfeasibleError(
            f"{int(a[h])} PSUs asked for but the frame has only {int(count[h])}",
            stratum=str(labels[h]), param="psus",
        )
    totals = np.bincount(g, weights=M, minlength=H)
    whole = a == count
    if method == "pps":
        u = rng.random(H)
        selected, pi, cert = _systematic(g, M, a, H, u)
    elif method == "systematic":
        u = rng.random(H)
        selected, pi, _ = _systematic(g, np.ones(M.size), a, H, u)
        cert = whole[g].copy()
    else:  # srs
        keys = rng.random(M.size)
        o2 = np.lexsort((keys, g))
        starts = np.concatenate(([0], np.cumsum(count)[:-1]))
        rank = np.empty(M.size, np.int64)
        rank[o2] = np.arange(M.size) - starts[g[o2]]
        selected = rank < a[g]
        pi = (a / count)[g]
        cert = whole[g].copy()
    sel = np.flatnonzero(selected)
    return SelectionResult(
        rows=order[sel],
        inclusion_prob=pi[sel],
        certainty=cert[sel],
        drawn=a[g[sel]],
        stratum_psus=count[g[sel]],
        stratum_size=totals[g[sel]],
    )
