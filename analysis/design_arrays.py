"""A design compiled to integer codes and arrays: what the variance engine reads.

R's ``svyrecvar`` takes the arrays it needs (clusters, strata, fpc, calibration operators), not
the design object; :class:`DesignArrays` is that bundle here. :class:`analysis.design.SurveyDesign`
builds it once (:attr:`SurveyDesign.arrays`) from the stages :func:`compile_stages` makes of its
columns, :func:`analysis.variance.design_variance` and the weighting functions read it, and none of
them imports the design module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .columns import _codes, _dense, _fpc_columns, _show
from .errors import DesignError

__all__ = ["CENSUS_TOLERANCE", "RAKE_VARIANCE_SWEEPS", "Calibration", "DesignArrays", "Residualizer", "Stage",
           "compile_stages", "fpc_weights"]

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
    unit_rows : ndarray of int64, shape (n_units,), optional
        Number of rows of each unit.
    """

    number: int
    unit: np.ndarray
    unit_group: np.ndarray
    group_size: np.ndarray
    fpc: np.ndarray
    fraction: np.ndarray
    multiplier: np.ndarray
    has_fpc: bool
    unit_rows: np.ndarray | None = None

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


def compile_stages(
    data: pd.DataFrame,
    strata_codes: np.ndarray,
    n_strata: int,
    strata: str | None,
    psu_cols: Sequence[str],
    fpc_cols: Sequence[str],
    *,
    nest: bool,
    group_text: Callable[[int, int], str],
) -> tuple[tuple[Stage, ...], bool]:
    """The sampling stages of a design, as :class:`Stage` arrays, and whether any stage has an fpc.

    Stage ``s`` numbers its units within their group (the stratum at stage 1, the unit of stage
    ``s - 1`` later), so that later stages nest in earlier ones as in R. Its ``fpc`` is ``1 - n/N``
    per group from a population count ``N`` or a sampling fraction ``f = n/N`` (constant within the
    group, ``n/N <= 1``), and its ``multiplier`` is the product of the ancestors' fractions (R's
    ``multistage``). ``strata_codes`` (n,) number the ``n_strata`` strata; ``group_text(stage, row)`` names a row's group in error messages.

    Raises
    ------
    DesignError
        PSU ids repeated across strata without ``nest``; an fpc varying within a group or implying
        more than 100 % sampling.
    """
    n = len(data)
    # --- stage units (codes grouped by their parent group)
    group_of_row = strata_codes
    unit_codes: list[np.ndarray] = []
    unit_groups: list[np.ndarray] = []
    unit_rows: list[np.ndarray] = []
    stage_cols: tuple[str | None, ...] = tuple(psu_cols) if psu_cols else (None,)
    for s, col in enumerate(stage_cols):
        if col is None:
            raw = np.arange(n, dtype=np.int64)
            n_raw = n
        else:
            raw, raw_labels = _codes(data[col], col, data)
            n_raw = len(raw_labels)
        unit, first, rows = _dense(group_of_row * n_raw + raw)
        unit_group = group_of_row[first]
        if s == 0 and col is not None and not nest and strata is not None:
            per_raw = np.bincount(raw[first], minlength=n_raw)
            if per_raw.max(initial=0) > 1:
                r = int(np.flatnonzero(per_raw > 1)[0])
                rows = first[raw[first] == r]
                a, b = data[strata].iloc[rows[0]], data[strata].iloc[rows[1]]
                raise DesignError(
                    f"PSU {_show(data[col].iloc[rows[0]])} (column {col!r}) appears in strata {_show(a)} and {_show(b)} "
                    f"(column {strata!r}); PSU ids are not nested in strata: pass nest=True if they are "
                    "numbered within each stratum",
                    column=col,
                    value=data[col].iloc[rows[0]],
                    stratum=a,
                )
        unit_codes.append(unit)
        unit_groups.append(unit_group)
        unit_rows.append(rows)
        group_of_row = unit

    # --- fpc: population counts or sampling fractions, per stage
    fpc_values, is_count = _fpc_columns(data, fpc_cols)
    stages: list[Stage] = []
    parent_mult = np.ones(n_strata)
    group_of_row = strata_codes
    for s, (unit, unit_group, rows) in enumerate(zip(unit_codes, unit_groups, unit_rows)):
        n_g = parent_mult.shape[0]
        size = np.bincount(unit_group, minlength=n_g).astype(np.int64)
        if s < len(fpc_values):
            v = fpc_values[s]
            col = fpc_cols[s]
            first_val = np.empty(n_g)
            first_val[group_of_row] = v
            varies = v != first_val[group_of_row]
            if varies.any():
                pos = int(np.flatnonzero(varies)[0])
                raise DesignError(
                    f"fpc column {col!r} varies within {group_text(s, pos)}; it must be constant there",
                    column=col,
                )
            if is_count:
                popsize = first_val
                fraction = np.where(size > 0, size / popsize, 0.0)
            else:
                fraction = np.where(size > 0, first_val, 0.0)
                popsize = np.where(size > 0, size / np.where(first_val > 0, first_val, 1.0), np.inf)
            over = (fraction > 1 + 1e-12) & (size > 0)
            if over.any():
                g = int(np.flatnonzero(over)[0])
                pos = int(np.flatnonzero(group_of_row == g)[0])
                raise DesignError(
                    f"fpc column {col!r} implies more than 100% sampling in {group_text(s, pos)}: "
                    f"{int(size[g])} units sampled from a population of {popsize[g]:g}",
                    column=col,
                )
            fraction = np.minimum(fraction, 1.0)
            fpc_factor = 1.0 - fraction
            has_fpc = True
        else:
            fraction = np.zeros(n_g)
            fpc_factor = np.ones(n_g)
            has_fpc = False
        stages.append(
            Stage(
                number=s + 1,
                unit=unit,
                unit_group=unit_group,
                group_size=size,
                fpc=fpc_factor,
                fraction=fraction,
                multiplier=parent_mult,
                has_fpc=has_fpc,
                unit_rows=rows,
            )
        )
        parent_mult = (parent_mult * fraction)[unit_group]
        group_of_row = unit
    return tuple(stages), bool(fpc_values)


def fpc_weights(stages: Sequence[Stage], strata_codes: np.ndarray, n_fpc: int) -> np.ndarray:
    """Weights implied by the fpc, as R derives them: ``w = prod over stages 1..n_fpc of N/n``
    (one over the sampling fraction of the row's group at each stage), shape (n,)."""
    w = np.ones(strata_codes.shape[0])
    for s in range(n_fpc):
        grp = strata_codes if s == 0 else stages[s - 1].unit
        w = w / stages[s].fraction[grp]
    return w


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
