"""The analyst's choices: which responses count (:class:`Filters`) and how rates are computed
(:class:`ResultOptions`: weighting, interval method, level, LQAS rules, watching flags)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import AnalysisError, check_option
from ..intervals import CI_METHODS

if TYPE_CHECKING:
    from .population import Population

__all__ = ["CI_DEFAULT", "WEIGHTINGS", "Filters", "ResultOptions"]

WEIGHTINGS = ("design", "equal", "poststratify", "rake")
#: Korn-Graubard: stays inside [0, 1] and keeps its coverage near rates of 85-95% (METHODS.md).
CI_DEFAULT = "beta"


@dataclass(frozen=True)
class Filters:
    """Which responses count. Dates are inclusive and read in the campaign's time zone."""

    include_surveyor: bool = True
    include_import: bool = True
    include_simulated: bool = True
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def apply(self, table: pd.DataFrame, timezone: str) -> pd.DataFrame:
        keep = np.ones(len(table), dtype=bool)
        if not self.include_surveyor:
            keep &= (table["source"] != "surveyor").to_numpy()
        if not self.include_import:
            keep &= (table["source"] != "import").to_numpy()
        if not self.include_simulated:
            keep &= ~table["simulated"].to_numpy(dtype=bool)
        if (self.date_from or self.date_to) and len(table):
            local = table["submitted_at"].dt.tz_convert(timezone).dt.date
            if self.date_from:
                keep &= (local >= self.date_from).to_numpy()
            if self.date_to:
                keep &= (local <= self.date_to).to_numpy()
        return table.loc[keep].reset_index(drop=True) if not keep.all() else table


@dataclass(frozen=True)
class ResultOptions:
    """The dashboard's choices (defaults: the plan's design weights, Korn-Graubard intervals at
    the profile's level, every response counts)."""

    weighting: str = "design"
    population: Population | None = None
    ci: str = CI_DEFAULT
    level: float | None = None  # None: the profile's level (0.95 by default)
    filters: Filters = field(default_factory=Filters)
    lqas: Mapping[str, tuple[int, int]] | None = None  # indicator -> (n, d); else from the sites' plan
    watch: bool = True

    def __post_init__(self) -> None:
        check_option("weighting", self.weighting, WEIGHTINGS)
        check_option("ci", self.ci, CI_METHODS)
        if self.weighting in ("poststratify", "rake") and self.population is None:
            raise AnalysisError(f"weighting={self.weighting!r} needs a population table", param="population")
