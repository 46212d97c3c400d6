"""Sample sizes per township and for the county as a whole, and a curve of n against the expected rate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .sample_size import SampleSize, sample_size
from .validation import check_positive, check_rate


@dataclass(frozen=True)
class DomainSizes:
    """County and per-township sample sizes side by side.

    Attributes
    ----------
    county : SampleSize
        One claim for the whole county (population = the sum of the townships').
    townships : dict of str to SampleSize
        One claim per township, each township its own domain with its own population.
    townships_total : int
        Sum of the township sizes: what "every township conclusive" costs.
    """

    county: SampleSize
    townships: dict[str, SampleSize]
    townships_total: int

    @property
    def ratio(self) -> float:
        """townships_total / county.n."""
        return self.townships_total / self.county.n

    def to_dict(self) -> dict:
        return {
            "county": self.county.to_dict(),
            "townships": [{"stratum": k, **v.to_dict()} for k, v in self.townships.items()],
            "townships_total": self.townships_total,
            "ratio": self.ratio,
        }


def domain_sample_sizes(populations: Mapping[str, float], expected: float | Mapping[str, float], **kwargs) -> DomainSizes:
    """Sample sizes for the county and for each township as its own domain.

    Parameters
    ----------
    populations : mapping of township -> population N_h
        Used for each township's finite population correction; the county uses their sum.
    expected : float or mapping of township -> expected rate
        A mapping gives each township its own rate; the county then uses the population-weighted
        mean rate.
    **kwargs
        Passed to :func:`sample_size` (``threshold`` or ``margin``, ``alpha``, ``power``,
        ``level``, ``method``, ``deff``, ``response_rate``); ``population`` is not accepted.
    """
    if "population" in kwargs:
        raise InputError("the populations come from the townships", param="population")
    if not populations:
        raise InputError("no townships given", param="populations")
    names = list(populations)
    sizes = np.array([check_positive(f"population of {k!r}", populations[k], minimum=1, inclusive=True) for k in names])
    if isinstance(expected, Mapping):
        missing = [k for k in names if k not in expected]
        if missing:
            raise InputError(f"no expected rate for township {missing[0]!r}", param="expected")
        rates = np.array([check_rate(f"expected rate of {k!r}", expected[k]) for k in names])
        county_rate = float(np.dot(rates, sizes) / sizes.sum())
    else:
        rates = np.full(len(names), float(expected))
        county_rate = float(expected)
    townships = {
        k: sample_size(float(r), population=float(N), **kwargs) for k, r, N in zip(names, rates, sizes)
    }
    county = sample_size(county_rate, population=float(sizes.sum()), **kwargs)
    return DomainSizes(county=county, townships=townships, townships_total=sum(s.n for s in townships.values()))



def size_curve(expected_rates, **kwargs) -> list[tuple[float, int]]:
    """``(expected, n)`` for each expected rate, every other choice held (the planner's chart).

    ``kwargs`` go to :func:`sample_size` unchanged; with a ``threshold``, rates at or below it
    are left out (no sample size shows a rate above a threshold it does not exceed).

    >>> size_curve([0.85, 0.90, 0.95], threshold=0.85)
    [(0.9, 283), (0.95, 60)]
    """
    threshold = kwargs.get("threshold")
    out = []
    for p in expected_rates:
        p = float(p)
        if threshold is not None and p <= float(threshold) + 1e-12:
            continue
        out.append((p, sample_size(p, **kwargs).n))
    return out


def curve_rates(expected: float, *, threshold: float | None = None, points: int = 61) -> np.ndarray:
    """Expected rates to plot n against, over a range where n changes (the planner's chart).

    With a ``threshold``: from halfway between it and ``expected`` (about 4 times the chosen n)
    to ``expected`` plus twice the gap, at most 0.99. Without: from 0.5 (or ``expected`` if lower)
    to 0.99, where p(1-p) falls. Rates are proportions (0-1), ``points`` of them, evenly spaced.

    >>> curve_rates(0.95, threshold=0.90, points=3).round(4).tolist()
    [0.925, 0.9575, 0.99]
    """
    expected = check_rate("expected", expected)
    if threshold is None:
        low, high = min(0.5, expected), max(0.99, expected)
    else:
        threshold = check_rate("threshold", threshold)
        gap = expected - threshold
        if gap <= 0:
            raise InputError(f"expected rate {expected:g} must be above the threshold {threshold:g}", param="expected")
        low, high = threshold + gap / 2, max(min(0.99, expected + 2 * gap), expected)
    return np.linspace(low, high, max(int(points), 2))
