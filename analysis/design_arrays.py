"""A design compiled to integer codes and arrays: what the variance engine reads.

R's ``svyrecvar`` takes the arrays it needs (clusters, strata, fpc, calibration operators), not
the design object; :class:`DesignArrays` is that bundle here. :class:`analysis.design.SurveyDesign`
builds it once (:attr:`SurveyDesign.arrays`), :func:`analysis.variance.design_variance` and the
weighting functions read it, and none of them imports the design module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CENSUS_TOLERANCE", "RAKE_VARIANCE_SWEEPS", "Calibration", "DesignArrays", "Residualizer", "Stage"]

#: A stratum whose finite population correction is below this is a census (R's 1e-7).
CENSUS_TOLERANCE = 1e-7
#: Sweeps R's svyrecvar makes over the margins of a raked design.
RAKE_VARIANCE_SWEEPS = 10


@dataclass(frozen=True, eq=False)
class Stage:
    """One stage of sampling, in integer codes.

    Units are numbered ``0 .. n_units - 1`` in the order of their group (their stratum at this
    stage: the stratum for stage 1, the unit of the previous stage for later stages), so that the
    units of one group are contiguous.

    Attributes
    ----------
    number : int
        1 for primary sampling units, 2 for secondary units, ...
    unit : ndarray of int64, shape (n,)
        The unit of each row.
    unit_group : ndarray of int64, shape (n_units,)
        The group of each unit.
    group_size : ndarray of int64, shape (n_groups,)
        Number of sampled units in each group (R's ``fpc$sampsize``).
    fpc : ndarray of float, shape (n_groups,)
        Finite population correction ``1 - n/N`` of each group (1 without fpc).
    fraction : ndarray of float, shape (n_groups,)
        Sampling fraction ``n/N`` (0 without fpc).
    multiplier : ndarray of float, shape (n_groups,)
        Product of the sampling fractions of the group's ancestors: the factor by which R's
        ``multistage`` scales this stage's variance (1 at stage 1).
    has_fpc : bool
        Whether the stage has a finite population correction.
    """

    number: int
    unit: np.ndarray
    unit_group: np.ndarray
    group_size: np.ndarray
    fpc: np.ndarray
    fraction: np.ndarray
    multiplier: np.ndarray
    has_fpc: bool

    @property
    def n_units(self) -> int:
        return int(self.unit_group.shape[0])

    @property
    def n_groups(self) -> int:
        return int(self.group_size.shape[0])


@dataclass(frozen=True, eq=False)
class Residualizer:
    """A linear operator ``x <- x - a * (sum over the row's cell of b * x)`` used by calibration.

    Post-stratification and raking make the variance of a calibrated estimator that of the
    residuals of its linearised values within the calibration cells (Lumley 2010, section 7.2);
    R's ``svyrecvar`` applies exactly this operator for each ``postStratify`` (``b`` = old weight
    over new weight over the cell's sum of old weights, ``a`` = new weight) and, ten times in a
    row, for each margin of a ``rake`` (``b`` = 1 / (margin weight x cell size), ``a`` = margin
    weight).
    """

    group: np.ndarray  # (n,) cell code of each row
    n_groups: int
    a: np.ndarray  # (n,)
    b: np.ndarray  # (n,)


@dataclass(frozen=True, eq=False)
class Calibration:
    """A calibration step recorded on a design: the operators and how often they are applied."""

    kind: str  # "poststratify", "rake" or "nonresponse"
    columns: tuple[str, ...]
    operators: tuple[Residualizer, ...]
    sweeps: int


@dataclass(frozen=True, eq=False)
class DesignArrays:
    """Everything :func:`analysis.variance.design_variance` needs, as arrays and codes.

    Attributes
    ----------
    weights : ndarray of float, shape (n,)
        Final weights (after any calibration).
    strata_codes : ndarray of int64, shape (n,)
        Stratum code of each row (0 without strata).
    stages : tuple of Stage
        The sampling stages, in order.
    variance_stages : int
        Number of stages that contribute to the variance (1 without fpc).
    calibrations : tuple of Calibration
        Calibration steps, in the order they were made.
    lonely_psu : str
        Rule for groups with a single sampled unit (R's ``survey.lonely.psu``).
    """

    weights: np.ndarray
    strata_codes: np.ndarray
    stages: tuple[Stage, ...]
    variance_stages: int
    calibrations: tuple[Calibration, ...]
    lonely_psu: str

    def domain_df(self, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """Degrees of freedom per domain: PSUs minus strata with at least one row of the domain.

        This is R's ``degf`` of the domain's subset design, the ``df`` that ``svyby(...,
        svyciprop)`` uses. Rows with zero weight or domain code ``-1`` do not count.
        """
        inset = (self.weights > 0) & (domain >= 0)
        dom = domain[inset]
        st = self.stages[0]
        psu_present = _present_count(st.unit[inset], dom, st.n_units, n_domains)
        strata_present = _present_count(self.strata_codes[inset], dom, st.n_groups, n_domains)
        return (psu_present - strata_present).astype(np.int64)


def _present_count(group: np.ndarray, domain: np.ndarray, n_groups: int, n_domains: int) -> np.ndarray:
    """For each domain, how many groups have at least one row (vectorised, no loops)."""
    if group.size == 0:
        return np.zeros(n_domains, dtype=np.int64)
    size = n_groups * n_domains
    key = group * n_domains + domain
    if size <= 4 * group.size + 1024:
        hit = np.bincount(key, minlength=size) > 0
        return hit.reshape(n_groups, n_domains).sum(axis=0)
    uniq = np.unique(key)
    return np.bincount(uniq % n_domains, minlength=n_domains)
