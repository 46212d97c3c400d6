"""Sample sizes for a given precision: the n whose interval half-width at the expected rate is at
most E (Wald, Wilson, Clopper-Pearson). ``sampling.sample_size`` applies them with ``margin=E``.

- Wald: n0 = z(1-(1-level)/2)^2 p q / E^2 (statsmodels ``samplesize_confint_proportion``).
- Wilson: the smallest n whose Wilson half-width at p_hat = p is <= E.
- Clopper-Pearson: the half-width (upper - lower)/2 at x = round(n p) saw-tooths with n; the
  search gives the first n that meets E and the n from which every larger n meets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import InfeasibleError

# Counts computed from floating point formulas (e.g. 384.00000000000006) are rounded up only when
# they exceed an integer by more than this.
_CEIL_TOLERANCE = 1e-9



def _stats():  # noqa: ANN202
    """scipy.stats, imported on first use: it costs about 60 MB and a second, and the analysis
    imports this package for its other parts."""
    from scipy import stats

    return stats

def ceil_count(x: float) -> int:
    """Round a computed sample size up to a whole count, ignoring floating-point noise (1e-9)."""
    return int(math.ceil(x - _CEIL_TOLERANCE))


# --------------------------------------------------------------------------------------------
# Against a threshold


def _z_two_sided(level: float) -> float:
    return float(_stats().norm.isf((1 - level) / 2))


def wald_margin_n0(expected: float, margin: float, *, level: float = 0.95) -> float:
    """Unrounded Wald n: z^2 p (1-p) / E^2 with z = z(1 - (1-level)/2).

    Examples
    --------
    >>> round(wald_margin_n0(0.5, 0.05), 2)
    384.15
    """
    z = _z_two_sided(level)
    return z * z * expected * (1 - expected) / (margin * margin)


def wilson_half_width(n: np.ndarray, p: float, level: float = 0.95) -> np.ndarray:
    """Wilson score half-width at p_hat = p: z sqrt(n p q + z^2/4) / (n + z^2)."""
    n = np.asarray(n, dtype=float)
    z = _z_two_sided(level)
    return z * np.sqrt(n * p * (1 - p) + z * z / 4) / (n + z * z)


def clopper_pearson_half_width(n: np.ndarray, p: float, level: float = 0.95) -> np.ndarray:
    """Clopper-Pearson half-width (upper - lower)/2 at x = floor(n p + 1/2), vectorised over n.

    lower = Beta(a/2; x, n-x+1) (0 when x = 0), upper = Beta(1-a/2; x+1, n-x) (1 when x = n),
    a = 1 - level.
    """
    n = np.asarray(n, dtype=np.int64)
    x = np.floor(n * p + 0.5).astype(np.int64)
    a = 1 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(x > 0, _stats().beta.ppf(a / 2, np.maximum(x, 1), n - x + 1), 0.0)
        hi = np.where(x < n, _stats().beta.isf(a / 2, x + 1, np.maximum(n - x, 1)), 1.0)
    return (hi - lo) / 2


def _first_meeting(n: np.ndarray, ok: np.ndarray) -> tuple[int, int] | None:
    if not ok.any():
        return None
    first = int(np.argmax(ok))
    failing = np.flatnonzero(~ok)
    stable = max(first, int(failing[-1]) + 1 if failing.size else 0)
    return first, stable


def wilson_margin_n0(expected: float, margin: float, *, level: float = 0.95) -> int:
    """Smallest n whose Wilson half-width at p_hat = ``expected`` is at most ``margin``."""
    limit = max(100, 3 * ceil_count(wald_margin_n0(expected, margin, level=level)))
    n = np.arange(1, limit + 1)
    found = _first_meeting(n, wilson_half_width(n, expected, level) <= margin)
    if found is None:  # pragma: no cover - the Wilson width is below the Wald width at 3x
        raise InfeasibleError(f"no n up to {limit} reaches half-width {margin:g}")
    return int(n[found[0]])


@dataclass(frozen=True)
class ExactMarginSearch:
    """Outcome of :func:`exact_margin_search` (Clopper-Pearson).

    ``n`` is the first n whose half-width is <= the margin, ``half_width`` its half-width,
    ``n_stable`` the n from which every larger n (up to ``search_limit``) meets it.
    """

    n: int
    half_width: float
    n_stable: int
    search_limit: int


def exact_margin_search(expected: float, margin: float, *, level: float = 0.95) -> ExactMarginSearch:
    """First n and stable n for a Clopper-Pearson half-width of at most ``margin``."""
    limit = max(200, 3 * ceil_count(wald_margin_n0(expected, margin, level=level)))
    n = np.arange(1, limit + 1)
    hw = clopper_pearson_half_width(n, expected, level)
    found = _first_meeting(n, hw <= margin)
    if found is None:  # pragma: no cover - CP is within a few percent of Wald at this size
        raise InfeasibleError(f"no n up to {limit} reaches half-width {margin:g}")
    first, stable = found
    return ExactMarginSearch(
        n=int(n[first]), half_width=float(hw[first]), n_stable=int(n[stable]), search_limit=limit
    )


# --------------------------------------------------------------------------------------------
# Adjustments and the result
