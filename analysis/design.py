"""The survey design: weights, strata, stages of clusters, finite population corrections.

A :class:`SurveyDesign` is validated once, when it is built, and never changes afterwards: every
estimator reads it, and weighting methods (:meth:`SurveyDesign.poststratify`,
:meth:`SurveyDesign.rake`, ...) return a new design. It mirrors R's ``svydesign`` (survey package,
Lumley 2004, 2010) for the designs our surveys use:

* ``strata``: one column (townships); rows with the same value form a stratum.
* ``psu``: one column per stage of clusters (village, then household, ...). Without ``psu`` every
  row is its own primary sampling unit (``ids = ~1``). Later stages are always nested in earlier
  ones, as in R. PSU ids that repeat across strata are an error unless ``nest=True``.
* ``fpc``: one column per stage, either population counts (all values >= 1, at least one > 1) or
  sampling fractions (all values <= 1), constant within each stratum (stage 1) or within each
  cluster of the previous stage (later stages). Without ``fpc`` units are taken as drawn with
  replacement and only the first stage enters the variance (the "ultimate cluster" estimator);
  with ``fpc`` for stages 1..k the variance has the k stage contributions of R's ``svyrecvar``.
* ``weights``: sampling weights (inverse inclusion probabilities). Without weights they are
  derived from the fpc as in R (product over stages of N/n), or set to 1.
* ``lonely_psu``: what to do with a stratum that has a single sampled unit, as R's
  ``options(survey.lonely.psu)``: ``"fail"`` (an error naming the stratum), ``"adjust"`` (centre
  its PSU total at zero, the grand mean, instead of its stratum mean), ``"average"`` (replace its
  contribution by the average of the other strata), ``"certainty"`` and ``"remove"`` (no
  contribution; in survey 4.1 the two rules give the same variance for these designs).

References
----------
Lumley T. (2004). Analysis of complex survey samples. *Journal of Statistical Software* 9(1).
Lumley T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. Chapters 2-3.
Wolter K. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer. Chapter 6.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import estimates as _estimates
from . import weighting as _weighting
from .columns import _as_list, _codes, _column, _numeric, _row_label, _show
from .design_arrays import (CENSUS_TOLERANCE, Calibration, DesignArrays, Residualizer, Stage, compile_stages,
                            fpc_weights)
from .errors import ColumnError, DataValueError, DesignError, LonelyPSUError, check_option
from .verdict import MIN_DF

__all__ = ["LONELY_PSU_RULES", "Calibration", "DesignArrays", "Residualizer", "Stage", "SurveyDesign"]

LONELY_PSU_RULES = ("fail", "adjust", "average", "certainty", "remove")


class SurveyDesign:
    """A complex survey design over a DataFrame, validated once and immutable.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (or per sampled unit).
    weights : str, optional
        Column of sampling weights (non-negative numbers; 0 drops the row from estimates).
    strata : str, optional
        Column of strata (e.g. township).
    psu : str or list of str, optional
        Cluster columns, one per stage (e.g. ``["village", "household"]``).
    fpc : str or list of str, optional
        Finite population correction columns, one per stage: population counts or sampling
        fractions (see the module docstring).
    lonely_psu : {"fail", "adjust", "average", "certainty", "remove"}
        Rule for strata with a single sampled unit (R's ``survey.lonely.psu``).
    nest : bool
        PSU ids are only unique within strata (R's ``nest=TRUE``).

    Raises
    ------
    ColumnError
        A named column does not exist.
    DataValueError
        Missing stratum or PSU values, non-numeric, negative or missing weights, bad fpc values.
    DesignError
        PSU ids repeated across strata without ``nest=True``; fpc varying within a stratum or
        implying more than 100 % sampling.
    LonelyPSUError
        A stratum (or, at a later stage, a cluster) with a single sampled unit under
        ``lonely_psu="fail"``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"town": list("aabb"), "village": [1, 2, 1, 2], "w": [10., 10., 20., 20.],
    ...                    "ok": [1, 0, 1, 1]})
    >>> design = SurveyDesign(df, weights="w", strata="town", psu="village", nest=True)
    >>> design.df
    2
    >>> float(design.proportion("ok")["estimate"].iloc[0])
    0.8333333333333334
    """

    __slots__ = (
        "_data",
        "_weights_column",
        "_strata_column",
        "_psu_columns",
        "_fpc_columns",
        "_lonely_psu",
        "_nest",
        "_w",
        "_strata",
        "_strata_labels",
        "_stages",
        "_variance_stages",
        "_calibrations",
        "_simple",
        "_frozen",
    )

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        psu: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
        nest: bool = False,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise ColumnError(f"data must be a pandas DataFrame; got {type(data).__name__}", param="data")
        check_option("lonely_psu", lonely_psu, LONELY_PSU_RULES)
        if not isinstance(nest, bool):
            raise DesignError(f"nest must be True or False; got {nest!r}", param="nest", value=nest)
        n = len(data)
        if n == 0:
            raise DesignError("the data has no rows", param="data")
        psu_cols = _as_list(psu, "psu")
        fpc_cols = _as_list(fpc, "fpc")
        if weights is not None:
            _column(data, weights, "weights")
        if strata is not None:
            _column(data, strata, "strata")
        for c in psu_cols:
            _column(data, c, "psu")
        for c in fpc_cols:
            _column(data, c, "fpc")
        if len(fpc_cols) > max(len(psu_cols), 1):
            raise DesignError(
                f"fpc has {len(fpc_cols)} columns but the design has {max(len(psu_cols), 1)} stage(s); "
                "give one fpc column per stage",
                param="fpc",
            )
        self._data = data.copy(deep=False)
        self._weights_column = weights
        self._strata_column = strata
        self._psu_columns = psu_cols
        self._fpc_columns = fpc_cols
        self._lonely_psu = lonely_psu
        self._nest = nest
        self._calibrations: tuple[Calibration, ...] = ()

        # --- strata
        if strata is None:
            self._strata = np.zeros(n, dtype=np.int64)
            self._strata_labels = np.array([None], dtype=object)
        else:
            self._strata, self._strata_labels = _codes(data[strata], strata, data)

        # --- stages of clusters and their finite population corrections (compiled to arrays)
        stages, has_fpc = compile_stages(data, self._strata, len(self._strata_labels), strata, psu_cols, fpc_cols,
                                         nest=nest, group_text=self._group_text)
        self._stages = stages
        self._variance_stages = max(1, len(fpc_cols))

        # --- weights
        if weights is not None:
            w = _numeric(data[weights], weights, data, "weights")
            bad = np.isnan(w) | np.isinf(w) | (w < 0)
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                what = "missing" if np.isnan(w[pos]) else repr(float(w[pos]))
                raise DataValueError(
                    f"column {weights!r} (weights) must hold non-negative finite numbers; "
                    f"{_row_label(data, pos)} has {what}",
                    column=weights,
                    value=w[pos],
                )
            if not (w > 0).any():
                raise DataValueError(f"column {weights!r} (weights) is zero in every row", column=weights)
        elif has_fpc:
            w = fpc_weights(stages, self._strata, len(fpc_cols))
        else:
            w = np.ones(n)
        w.setflags(write=False)
        self._w = w
        self._simple = (
            strata is None and not psu_cols and not fpc_cols and bool(np.all(w == w[0]))
        )
        self._check_lonely()
        self._frozen = True

    # ------------------------------------------------------------------ immutability
    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError("SurveyDesign is immutable; weighting methods return a new design")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError("SurveyDesign is immutable")

    def reweighted(self, weights: np.ndarray, *, calibration: Calibration | None = None) -> "SurveyDesign":
        """This design with new weights (shape (n,), the same rows) and, when given, one more
        calibration step whose operators the variance then applies (R's ``postStratify``/``rake``
        record theirs the same way). Weighting functions (:mod:`analysis.weighting`) build on it."""
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (self.n,):
            raise DesignError(f"weights must have shape ({self.n},); got {w.shape}", param="weights")
        new = object.__new__(SurveyDesign)
        for name in self.__slots__:
            if name == "_frozen":
                continue
            object.__setattr__(new, name, getattr(self, name))
        w.setflags(write=False)
        object.__setattr__(new, "_w", w)
        simple = self._simple and calibration is None and bool(np.all(w == w[0]))
        object.__setattr__(new, "_simple", simple)
        if calibration is not None:
            object.__setattr__(new, "_calibrations", self._calibrations + (calibration,))
        object.__setattr__(new, "_frozen", True)
        return new

    # ------------------------------------------------------------------ messages
    def _group_text(self, stage: int, row: int) -> str:
        """Human description of the group (stratum at stage 1, parent cluster later) of a row."""
        data = self._data
        if stage == 0:
            if self._strata_column is None:
                return "the sample (no strata)"
            return f"stratum {_show(data[self._strata_column].iloc[row])} (column {self._strata_column!r})"
        parts = []
        if self._strata_column is not None:
            parts.append(f"{self._strata_column}={_show(data[self._strata_column].iloc[row])}")
        for c in self._psu_columns[:stage]:
            parts.append(f"{c}={_show(data[c].iloc[row])}")
        return f"stage-{stage} cluster ({', '.join(parts)})"

    def _check_lonely(self) -> None:
        for s in range(self._variance_stages):
            st = self._stages[s]
            lonely = (st.group_size == 1) & (st.fpc >= CENSUS_TOLERANCE)
            if not lonely.any() or self._lonely_psu != "fail":
                continue
            g = int(np.flatnonzero(lonely)[0])
            grp_rows = self._strata if s == 0 else self._stages[s - 1].unit
            pos = int(np.flatnonzero(grp_rows == g)[0])
            unit_col = self._psu_columns[s] if s < len(self._psu_columns) else None
            unit_txt = f" ({unit_col} {_show(self._data[unit_col].iloc[pos])})" if unit_col else ""
            n_lonely = int(lonely.sum())
            more = f"; {n_lonely - 1} more such group(s)" if n_lonely > 1 else ""
            stratum = self._data[self._strata_column].iloc[pos] if (s == 0 and self._strata_column) else None
            raise LonelyPSUError(
                f"{self._group_text(s, pos)} has only one sampled unit at stage {s + 1}{unit_txt}, so its "
                f"variance cannot be estimated{more}",
                stratum=stratum,
                column=self._strata_column if s == 0 else None,
                hint="choose lonely_psu='adjust', 'average', 'certainty' or 'remove', or merge the stratum "
                "with a similar one",
            )

    # ------------------------------------------------------------------ public, read-only
    @property
    def data(self) -> pd.DataFrame:
        """The data (a shallow, copy-on-write copy of the frame given)."""
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """Final weights (after any calibration), read-only, shape (n,)."""
        return self._w

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self._w.shape[0])

    @property
    def lonely_psu(self) -> str:
        return self._lonely_psu

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self._stages

    @property
    def variance_stages(self) -> int:
        """Number of stages that contribute to the variance (1 without fpc)."""
        return self._variance_stages

    @property
    def calibrations(self) -> tuple[Calibration, ...]:
        return self._calibrations

    @property
    def strata_codes(self) -> np.ndarray:
        return self._strata

    @property
    def strata_labels(self) -> np.ndarray:
        """The stratum of each code in :attr:`strata_codes` (sorted values of the strata column)."""
        return self._strata_labels

    @property
    def arrays(self) -> DesignArrays:
        """The design compiled to arrays, as :func:`analysis.variance.design_variance` reads it."""
        return DesignArrays(
            weights=self._w,
            strata_codes=self._strata,
            stages=self._stages,
            variance_stages=self._variance_stages,
            calibrations=self._calibrations,
            lonely_psu=self._lonely_psu,
        )

    @property
    def columns(self) -> dict[str, Any]:
        """The design's column names, as given."""
        return {
            "weights": self._weights_column,
            "strata": self._strata_column,
            "psu": list(self._psu_columns),
            "fpc": list(self._fpc_columns),
            "lonely_psu": self._lonely_psu,
            "nest": self._nest,
        }

    @property
    def is_simple(self) -> bool:
        """No strata, no clusters, no fpc, equal weights: a simple random sample."""
        return self._simple

    @property
    def is_census(self) -> bool:
        """Every stratum was fully enumerated at stage 1 (all fpc factors below 1e-7)."""
        return bool(np.all(self._stages[0].fpc < CENSUS_TOLERANCE))

    @property
    def df(self) -> int:
        """Design degrees of freedom as R's ``degf``: PSUs minus strata among rows with weight > 0."""
        return int(self.domain_df(np.zeros(self.n, dtype=np.int64), 1)[0])

    def domain_df(self, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """Degrees of freedom per domain: PSUs minus strata with at least one row of the domain.

        This is R's ``degf`` of the domain's subset design, the ``df`` that ``svyby(...,
        svyciprop)`` uses. Rows with zero weight or domain code ``-1`` do not count.
        """
        return self.arrays.domain_df(domain, n_domains)

    def __repr__(self) -> str:
        cols = self.columns
        parts = [f"n={self.n}"]
        for key in ("weights", "strata", "psu", "fpc"):
            if cols[key]:
                parts.append(f"{key}={cols[key]!r}")
        parts.append(f"lonely_psu={self._lonely_psu!r}")
        if self._calibrations:
            parts.append("calibrated=" + "+".join(c.kind for c in self._calibrations))
        return f"SurveyDesign({', '.join(parts)})"

    # ------------------------------------------------------------------ estimators
    def proportion(self, vars, *, by=None, ci="logit", level=0.95, threshold=None, min_df=None) -> pd.DataFrame:
        """Proportions of 0/1 indicators, with SE, deff, df, interval and threshold verdict.

        See :func:`analysis.estimates.proportion_table`.
        """
        return _estimates.proportion_table(self, vars, by=by, ci=ci, level=level, threshold=threshold,
                                           min_df=MIN_DF if min_df is None else min_df)

    def mean(self, vars, *, by=None, level=0.95, threshold=None, min_df=None) -> pd.DataFrame:
        """Means of numeric variables (ratio estimator), with a t interval. See
        :func:`analysis.estimates.mean_table`."""
        return _estimates.mean_table(self, vars, by=by, level=level, threshold=threshold,
                                     min_df=MIN_DF if min_df is None else min_df)

    def total(self, vars, *, by=None, level=0.95) -> pd.DataFrame:
        """Totals (Horvitz-Thompson) of numeric variables. See :func:`analysis.estimates.total_table`."""
        return _estimates.total_table(self, vars, by=by, level=level)

    def estimate(self, var: str, *, by=None, kind: str = "proportion"):
        """Result objects (:class:`analysis.estimates.Estimate`), one per domain, with ``.ci()``."""
        return _estimates.estimate(self, var, by=by, kind=kind)

    # ------------------------------------------------------------------ weighting
    def poststratify(self, column: str | Sequence[str], population: Mapping[Any, float]) -> "SurveyDesign":
        """Post-stratify to known population counts. See :func:`analysis.weighting.poststratify`."""
        return _weighting.poststratify(self, column, population)

    def rake(self, margins: Mapping[str, Mapping[Any, float]], *, tol: float = 1e-10, max_iter: int = 100) -> "SurveyDesign":
        """Rake to two or more margins. See :func:`analysis.weighting.rake`."""
        return _weighting.rake(self, margins, tol=tol, max_iter=max_iter)

    def adjust_nonresponse(self, responded: str, *, classes: str | Sequence[str] | None = None) -> "SurveyDesign":
        """Weighting-class non-response adjustment. See :func:`analysis.weighting.adjust_nonresponse`."""
        return _weighting.adjust_nonresponse(self, responded, classes=classes)

    def trim(
        self, *, upper: float | None = None, lower: float | None = None, strict: bool = False, max_iter: int = 50
    ) -> "SurveyDesign":
        """Trim extreme weights and redistribute the excess. See :func:`analysis.weighting.trim`."""
        return _weighting.trim(self, upper=upper, lower=lower, strict=strict, max_iter=max_iter)
