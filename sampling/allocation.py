"""Allocation of a total sample size n across strata (townships).

Methods (weights w_h; n_h proportional to w_h before constraints):

- ``proportional``: w_h = N_h.
- ``equal``: w_h = 1.
- ``neyman``: w_h = N_h S_h with S_h = sqrt(p_h (1 - p_h)) from the expected rate p_h (one rate for
  all strata, or one per stratum).
- ``power``: w_h = N_h^q, 0 <= q <= 1 (Bankier 1988); q = 0 is equal, q = 1 proportional, the
  default q = 0.5 keeps small townships estimable.

Constraints: every stratum gets at least ``minimum`` (or its whole population if smaller) and at
most its population N_h (rounded down). They are met by fix-and-reallocate: strata over their cap
are fixed at the cap and the rest re-shared, then strata under the minimum are fixed at the minimum
and the rest re-shared, until none violates. The real-valued shares are then made whole by the
largest-remainder rule (Hamilton), so the sizes sum exactly to n.

References
----------
Cochran WG. Sampling Techniques, 3rd ed. Wiley; 1977, sections 5.5-5.9.
Bankier MD. Power allocations: determining sample sizes for subnational areas. Am Stat
1988;42:174-177.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .validation import check_count, check_option, check_rate

__all__ = ["Allocation", "allocate", "allocation_weights", "largest_remainder", "METHODS"]

METHODS = ("proportional", "equal", "neyman", "power")


@dataclass(frozen=True)
class Allocation:
    """Sample sizes per stratum.

    Attributes
    ----------
    strata : tuple of str
    population : ndarray of float
        N_h.
    n : ndarray of int
        n_h; sums exactly to ``total``.
    exact : ndarray of float
        Real-valued shares after the constraints, before rounding.
    total : int
    method : str
    minimum : int
    exponent : float or None
        q for the power allocation.
    """

    strata: tuple[str, ...]
    population: np.ndarray
    n: np.ndarray
    exact: np.ndarray
    total: int
    method: str
    minimum: int
    exponent: float | None = None

    def as_dict(self) -> dict[str, int]:
        """stratum -> n_h."""
        return dict(zip(self.strata, (int(v) for v in self.n)))

    def to_frame(self) -> pd.DataFrame:
        """One row per stratum: stratum, population, n, share (n_h / n), sampling_fraction."""
        return pd.DataFrame(
            {
                "stratum": list(self.strata),
                "population": self.population,
                "n": self.n,
                "share": self.n / self.total,
                "sampling_fraction": self.n / self.population,
            }
        )

    def to_dict(self) -> dict:
        rows = [
            {"stratum": s, "n": int(k), "population": float(N), "exact": float(x)}
            for s, k, N, x in zip(self.strata, self.n, self.population, self.exact)
        ]
        return {
            "allocation": rows,
            "n": self.total,
            "method": self.method,
            "minimum": self.minimum,
            "exponent": self.exponent,
        }


def allocation_weights(
    population: np.ndarray,
    method: str,
    *,
    expected: float | np.ndarray | None = None,
    exponent: float = 0.5,
) -> np.ndarray:
    """Weights w_h of the allocation ``method`` (see the module docstring)."""
    check_option("method", method, METHODS)
    N = np.asarray(population, dtype=float)
    if method == "proportional":
        return N.copy()
    if method == "equal":
        return np.ones_like(N)
    if method == "power":
        q = float(exponent)
        if not 0.0 <= q <= 1.0:
            raise InputError(f"must be between 0 and 1, got {q:g}", param="exponent")
        return N**q
    # neyman
    if expected is None:
        raise InputError("the Neyman allocation needs the expected rate (one, or one per stratum)", param="expected")
    p = np.broadcast_to(np.asarray(expected, dtype=float), N.shape)
    bad = ~((p > 0) & (p < 1))
    if bad.any():
        raise InputError(f"expected rates must be strictly between 0 and 1, got {p[bad][0]:g}", param="expected")
    return N * np.sqrt(p * (1 - p))


def largest_remainder(exact: np.ndarray, total: int, cap: np.ndarray | None = None) -> np.ndarray:
    """Whole numbers summing to ``total`` from real shares summing to ``total`` (Hamilton's rule).

    Each share is rounded down, then the units left over go one each to the shares with the
    largest fractional parts (ties to the earlier stratum), never above ``cap``.
    """
    exact = np.asarray(exact, dtype=float)
    base = np.floor(exact + 1e-9).astype(np.int64)
    if cap is not None:
        base = np.minimum(base, cap)
    left = int(total - base.sum())
    if left > 0:
        frac = exact - base
        room = base < cap if cap is not None else np.ones(base.shape, bool)
        order = np.argsort(np.where(room, -frac, np.inf), kind="stable")
        base[order[:left]] += 1
    return base


def _constrained_shares(w: np.ndarray, total: int, lo: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Real shares proportional to ``w`` with lo <= x <= cap and sum(x) = total (fix-and-reallocate)."""
    H = w.size
    x = np.zeros(H)
    fixed = np.zeros(H, bool)
    for phase in ("cap", "min"):
        for _ in range(H + 1):
            free = ~fixed
            if not free.any():
                break
            remaining = total - x[fixed].sum()
            wf = w[free]
            x[free] = remaining * (wf / wf.sum() if wf.sum() > 0 else np.full(wf.size, 1 / wf.size))
            viol = free & ((x > cap) if phase == "cap" else (x < lo))
            if not viol.any():
                break
            x[viol] = cap[viol] if phase == "cap" else lo[viol]
            fixed |= viol
    return x


def allocate(
    population: Mapping[str, float] | Sequence[float] | np.ndarray,
    n: int,
    *,
    method: str = "proportional",
    expected: float | Mapping[str, float] | Sequence[float] | None = None,
    exponent: float = 0.5,
    minimum: int = 0,
    strata: Sequence[str] | None = None,
) -> Allocation:
    """Allocate ``n`` respondents across strata.

    Parameters
    ----------
    population : mapping of stratum -> N_h, or a sequence of N_h (then ``strata`` names them)
    n : int
        Total sample size; at most the total population.
    method : {"proportional", "equal", "neyman", "power"}
    expected : float, mapping or sequence, optional
        Expected rate(s) p_h for ``neyman``.
    exponent : float
        q of the power allocation, in [0, 1].
    minimum : int
        Smallest n_h (a stratum smaller than this is taken whole).
    strata : sequence of str, optional
        Names when ``population`` is a sequence.

    Returns
    -------
    Allocation
        ``n`` sums exactly to ``n``; minimum(minimum, N_h) <= n_h <= floor(N_h).

    Raises
    ------
    InputError
        Unknown method, non-positive populations, n above the total population, minima that
        already exceed n.

    Examples
    --------
    >>> allocate({"A": 1000, "B": 3000}, 100).as_dict()
    {'A': 25, 'B': 75}
    >>> allocate({"A": 1000, "B": 3000}, 100, method="power").as_dict()
    {'A': 37, 'B': 63}
    """
    if isinstance(population, Mapping):
        names = tuple(str(k) for k in population)
        N = np.array([population[k] for k in population], dtype=float)
    else:
        N = np.asarray(population, dtype=float)
        names = tuple(str(s) for s in strata) if strata is not None else tuple(str(i + 1) for i in range(N.size))
        if len(names) != N.size:
            raise InputError("strata and population differ in length", param="strata")
    if N.size == 0:
        raise InputError("no strata given", param="population")
    bad = ~(np.isfinite(N) & (N >= 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"population must be at least 1, got {N[i]:g}", stratum=names[i])
    n = check_count("n", n)
    minimum = check_count("minimum", minimum, minimum=0)
    if isinstance(expected, Mapping):
        missing = [s for s in names if s not in expected]
        if missing:
            raise InputError("no expected rate for this stratum", stratum=missing[0], param="expected")
        expected = np.array([check_rate(f"expected rate of {s!r}", expected[s]) for s in names])
    elif expected is not None and not np.isscalar(expected):
        expected = np.asarray(expected, dtype=float)
    w = allocation_weights(N, method, expected=expected, exponent=exponent)

    cap = np.floor(N + 1e-9).astype(np.int64)
    lo = np.minimum(minimum, cap)
    if n > cap.sum():
        raise InputError(f"n = {n} exceeds the total population {int(cap.sum())}", param="n")
    if lo.sum() > n:
        raise InputError(
            f"a minimum of {minimum} in each of {N.size} strata needs {int(lo.sum())}, more than n = {n}",
            param="minimum",
        )
    exact = _constrained_shares(w, n, lo.astype(float), cap.astype(float))
    sizes = largest_remainder(exact, n, cap)
    return Allocation(
        strata=names, population=N, n=sizes, exact=exact, total=n, method=method, minimum=minimum,
        exponent=float(exponent) if method == "power" else None,
    )

