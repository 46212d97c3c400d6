"""AAPOR outcome rates of a household survey, overall and per domain (township, site).

From each sampled household's final disposition (an AAPOR group I, P, R, NC, O, UH, UO, NE, or an
AAPOR code or word that :func:`survey.collect.dispositions.parse_disposition` reads) the counts
per domain are one ``np.bincount`` over ``domain * 8 + group``, and the rates are those of AAPOR
*Standard Definitions* (10th ed., 2023), "Calculating rates from response distributions":

    RR1   = I / ((I+P) + (R+NC+O) + (UH+UO))
    RR2   = (I+P) / ((I+P) + (R+NC+O) + (UH+UO))
    RR3   = I / ((I+P) + (R+NC+O) + e(UH+UO))
    RR4   = (I+P) / ((I+P) + (R+NC+O) + e(UH+UO))
    COOP1 = I / ((I+P) + R + O)
    REF1  = R / ((I+P) + (R+NC+O) + (UH+UO))
    CON1  = ((I+P) + R + O) / ((I+P) + R + O + NC + (UH+UO))

``e`` is the estimated share eligible among the cases of unknown eligibility. Unless it is given,
it is AAPOR's proportional allocation (the CASRO method), within each domain:
``e = (I+P+R+NC+O) / (I+P+R+NC+O+NE)``, the eligible share of the cases whose eligibility is known.

Zero denominators give NaN, never 0 or an error: ``e`` is NaN in a domain with no case of known
eligibility, every RR/REF/CON is NaN in a domain with no eligible or unknown case (all NE), and
COOP1 is NaN without a contacted eligible case. With no unknown case (UH+UO = 0) the term
``e(UH+UO)`` is 0 whatever ``e`` is, so RR3 = RR1 and RR4 = RR2 even when ``e`` is NaN.

>>> import numpy as np
>>> r = response_rates(["I"] * 6 + ["R"] * 2 + ["NC", "NE"])
>>> r[["level", "domain", "I", "R", "NC", "NE", "e", "RR1", "COOP1"]].round(4).to_dict("records")
[{'level': 'county', 'domain': 'all', 'I': 6, 'R': 2, 'NC': 1, 'NE': 1, 'e': 0.9, 'RR1': 0.6667, 'COOP1': 0.75}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from survey.collect.dispositions import (
    DISPOSITIONS,
    GROUPS,
    DispositionError,
    parse_disposition,
)

from .errors import (
    AnalysisError,
    ColumnError,
    DataValueError,
    OptionError,
    check_option,
)

__all__ = ["COLUMNS", "LEVELS", "RATES", "outcome_rates", "response_rate_table", "response_rates"]

LEVELS: tuple[str, ...] = ("county", "township", "site")
RATES: tuple[str, ...] = ("RR1", "RR2", "RR3", "RR4", "COOP1", "REF1", "CON1")
COLUMNS: tuple[str, ...] = ("level", "domain", *GROUPS, "e", *RATES)
"""The columns of every table returned here: the keys of ``analysis response-rates --json``."""

_G = len(GROUPS)
_INDEX = {g: j for j, g in enumerate(GROUPS)}


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0."""
    out = np.full(np.shape(den), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _check_e(e: float | None) -> float | None:
    if e is None:
        return None
    if isinstance(e, bool) or not isinstance(e, (int, float, np.number)) or not 0.0 <= float(e) <= 1.0:
        raise AnalysisError(f"e (the eligible share of the unknowns) must be a number in [0, 1]; got {e!r}", param="e", value=e)
    return float(e)


def outcome_rates(counts: Any, e: float | None = None) -> dict[str, np.ndarray]:
    """``e`` and the rates of :data:`RATES` for each row of ``counts`` (shape (k, 8): the counts of
    I, P, R, NC, O, UH, UO, NE); formulas in the module docstring."""
    c = np.asarray(counts, dtype=float)
    if c.ndim != 2 or c.shape[1] != _G or (c < 0).any():
        raise DataValueError(f"counts must be a (k, {_G}) array of non-negative counts of {', '.join(GROUPS)}", param="counts")
    I, P, R, NC, O, UH, UO, NE = c.T
    interviews, eligible, unknown = I + P, I + P + R + NC + O, UH + UO
    e_used = _div(eligible, eligible + NE) if e is None else np.full(len(c), _check_e(e))
    e_unknown = np.where(unknown > 0, e_used * unknown, 0.0)
    base = eligible + unknown  # (I+P) + (R+NC+O) + (UH+UO)
    contacted = interviews + R + O
    return {
        "e": e_used,
        "RR1": _div(I, base),
        "RR2": _div(interviews, base),
        "RR3": _div(I, eligible + e_unknown),
        "RR4": _div(interviews, eligible + e_unknown),
        "COOP1": _div(I, contacted),
        "REF1": _div(R, base),
        "CON1": _div(contacted, contacted + NC + unknown),
    }


def _group_index(values: Any, what: str) -> np.ndarray:
    """Index into GROUPS of each value: a group (any case), an AAPOR code or a word. Each distinct
    value is read once."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object))
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise DataValueError(f"{what}: row {row} has no disposition", column=what, value=None)
    lut = np.empty(len(uniques), dtype=np.int64)
    for j, value in enumerate(uniques):
        key = value.strip().upper() if isinstance(value, str) else None
        if key in _INDEX:
            lut[j] = _INDEX[key]
            continue
        try:
            lut[j] = _INDEX[DISPOSITIONS[parse_disposition(value)].group]
        except DispositionError as err:
            row = int(np.flatnonzero(codes == j)[0])
            raise DataValueError(
                f"{what}: row {row} has disposition {value!r}, which is neither an AAPOR group "
                f"({', '.join(GROUPS)}) nor a code or word ({err})",
                column=what, value=value,
            ) from None
    return lut[codes]


def _table(groups: np.ndarray, domains: Any, level: str, name: Any, e: float | None) -> pd.DataFrame:
    if domains is None:
        labels: Sequence[Any] = [name]
        dom = np.zeros(len(groups), dtype=np.int64)
    else:
        dom, uniques = pd.factorize(pd.Series(np.asarray(domains, dtype=object).ravel(), dtype=object), sort=True)
        if len(dom) != len(groups):
            raise DataValueError(f"domains has {len(dom)} values for {len(groups)} dispositions", param="domains")
        if (dom < 0).any():
            raise DataValueError(f"domain missing in row {int(np.flatnonzero(dom < 0)[0])}", param="domains")
        labels = list(uniques)
    k = len(labels)
    counts = np.bincount(dom * _G + groups, minlength=k * _G).reshape(k, _G)
    rates = outcome_rates(counts, e)
    out = pd.DataFrame({"level": [level] * k, "domain": pd.Series(labels, dtype=object)})
    for j, g in enumerate(GROUPS):
        out[g] = counts[:, j].astype(np.int64)
    for key in ("e", *RATES):
        out[key] = rates[key]
    return out[list(COLUMNS)]


def _dispositions(data: Any, column: str | None) -> tuple[np.ndarray, str]:
    if isinstance(data, pd.DataFrame):
        if column is None:
            column = next((c for c in ("disposition", "group") if c in data.columns), None)
            if column is None:
                raise ColumnError("the data need a 'disposition' or 'group' column, or name one with column=", param="column")
        if column not in data.columns:
            raise ColumnError(f"no column {column!r} in the data", column=column)
        return _group_index(data[column].to_numpy(dtype=object), column), column
    return _group_index(data, "dispositions"), "dispositions"


def response_rates(
    data: Any,
    domain: Any = None,
    *,
    level: str | None = None,
    column: str | None = None,
    e: float | None = None,
    name: Any = "all",
) -> pd.DataFrame:
    """AAPOR counts, ``e`` and rates per domain, one row each, columns exactly :data:`COLUMNS`.

    ``data`` is a sequence of final dispositions (groups, codes or words) or a DataFrame whose
    ``column`` holds them (default: ``disposition``, else ``group``). ``domain`` is None (one row
    named ``name`` at ``level`` "county"), or the domain of each row (a column name of ``data``, or
    a sequence); rows are sorted by domain, and ``level`` ("township" or "site") must be given.
    ``e`` is the eligible share of the unknowns in [0, 1] if the campaign sets it, else AAPOR's
    proportional allocation within each domain.
    """
    groups, _ = _dispositions(data, column)
    if isinstance(data, pd.DataFrame) and isinstance(domain, str):
        if domain not in data.columns:
            raise ColumnError(f"no domain column {domain!r} in the data", column=domain)
        domain = data[domain].to_numpy(dtype=object)
    if level is None:
        if domain is not None:
            raise OptionError("level must be given ('township' or 'site') when rates are per domain", param="level")
        level = "county"
    check_option("level", level, LEVELS)
    return _table(groups, domain, level, name, _check_e(e))


def response_rate_table(
    data: pd.DataFrame,
    by: Mapping[str, str] | None = None,
    *,
    column: str | None = None,
    e: float | None = None,
    name: Any = "all",
) -> pd.DataFrame:
    """The county row, then one block of rows per level of ``by`` (level -> domain column, e.g.
    ``{"township": "township", "site": "site_code"}``), in the order given: the table behind
    ``analysis response-rates [--by township|site]``."""
    if not isinstance(data, pd.DataFrame):
        raise DataValueError("response_rate_table needs a DataFrame of final dispositions", param="data")
    groups, _ = _dispositions(data, column)
    e = _check_e(e)
    parts = [_table(groups, None, "county", name, e)]
    for level, col in (by or {}).items():
        check_option("level", level, LEVELS[1:])
        if col not in data.columns:
            raise ColumnError(f"no domain column {col!r} in the data", column=col)
        parts.append(_table(groups, data[col].to_numpy(dtype=object), level, name, e))
    return pd.concat(parts, ignore_index=True)
