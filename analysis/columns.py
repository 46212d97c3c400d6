"""Reading the columns a design or an estimator names: existence, uniqueness, numbers.

Shared by :mod:`analysis.design`, :mod:`analysis.estimates` and :mod:`analysis.weighting`, so that
none of them has to import another for its column checks. Every error names the column, the
parameter that named it and, for a bad value, the row (by the data's index label).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import ColumnError, DataValueError, DesignError

__all__: list[str] = []


def _column(data: pd.DataFrame, name: Any, param: str) -> pd.Series:
    if not isinstance(name, str):
        raise ColumnError(f"{param} must be a column name (a string); got {name!r}", param=param, value=name)
    if name not in data.columns:
        known = ", ".join(repr(c) for c in list(data.columns)[:30])
        raise ColumnError(
            f"unknown column {name!r} given as {param}; the data has columns {known}",
            param=param,
            column=name,
        )
    col = data[name]
    if isinstance(col, pd.DataFrame):
        raise ColumnError(f"column {name!r} ({param}) appears more than once in the data", param=param, column=name)
    return col


def _as_list(value: str | Sequence[str] | None, param: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ColumnError(f"{param} must be a column name or a list of column names; got {value!r}", param=param)


def _show(value: Any) -> str:
    """repr of a data value as the user wrote it (numpy scalars shown as plain Python values)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _row_label(data: pd.DataFrame, position: int) -> str:
    return f"row {_show(data.index[position])}"


def _numeric(series: pd.Series, column: str, data: pd.DataFrame, what: str) -> np.ndarray:
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataValueError(
                f"column {column!r} ({what}) must be numeric; {_row_label(data, pos)} has {_show(series.iloc[pos])}",
                column=column,
                value=series.iloc[pos],
            )
        series = converted
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return values


def _codes(series: pd.Series, column: str, data: pd.DataFrame, *, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (0..k-1, sorted by value) of a key column; missing values are an error."""
    codes, uniques = pd.factorize(series, sort=sort, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if codes.size and codes.min() < 0:
        bad = int(np.flatnonzero(codes < 0)[0])
        raise DataValueError(
            f"column {column!r} has a missing value at {_row_label(data, bad)}: every row needs a {column}",
            column=column,
            value=None,
        )
    return codes, np.asarray(uniques)


def _dense(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Renumber int64 keys to 0..k-1 keeping their order; returns (codes, first row of each code,
    rows of each code). Keys below about 4n are counted with a bincount (no sort), others sorted."""
    if key.size and key.min() >= 0 and key.max() <= 4 * key.size + 4096:
        counts = np.bincount(key)
        hit = counts > 0
        codes = (np.cumsum(hit) - 1)[key]
        first = np.full(int(hit.sum()), key.size, dtype=np.int64)
        np.minimum.at(first, codes, np.arange(key.size, dtype=np.int64))
        return codes, first, counts[hit]
    uniq, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    return inverse.astype(np.int64, copy=False), first, counts


def _fpc_columns(data: pd.DataFrame, fpc_cols: Sequence[str]) -> tuple[list[np.ndarray], bool]:
    """The fpc columns as numbers, and whether they are population counts (else fractions).

    Every value must be a positive finite number; counts (some value > 1, all >= 1) and sampling
    fractions (all <= 1) must not be mixed.
    """
    fpc_values = [_numeric(data[c], c, data, "fpc") for c in fpc_cols]
    for c, v in zip(fpc_cols, fpc_values):
        if np.isnan(v).any():
            pos = int(np.flatnonzero(np.isnan(v))[0])
            raise DataValueError(f"column {c!r} (fpc) has a missing value at {_row_label(data, pos)}", column=c)
        if (v <= 0).any() or np.isinf(v).any():
            pos = int(np.flatnonzero((v <= 0) | np.isinf(v))[0])
            raise DataValueError(
                f"column {c!r} (fpc) must hold positive finite numbers; {_row_label(data, pos)} has {v[pos]!r}",
                column=c,
                value=v[pos],
            )
    is_count = False
    if fpc_values:
        allv = np.concatenate(fpc_values)
        any_big = bool((allv > 1).any())
        all_ge1 = bool((allv >= 1).all())
        if any_big and not all_ge1:
            raise DesignError(
                f"fpc columns {', '.join(map(repr, fpc_cols))} mix population counts (> 1) and sampling "
                "fractions (< 1); give all counts or all fractions",
                param="fpc",
            )
        is_count = any_big
    return fpc_values, is_count


def _domains(data: pd.DataFrame, by: str | None) -> tuple[np.ndarray, list]:
    """Domain code of each row (0.. in sorted label order; -1 missing) and the domain labels."""
    if by is None:
        return np.zeros(len(data), dtype=np.int64), [None]
    col = _column(data, by, "by")
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.asarray(col.cat.codes, dtype=np.int64)
        return codes, [_py(v) for v in col.cat.categories]
    try:
        codes, uniques = pd.factorize(col, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(col.astype(str).where(col.notna()), sort=True)
    return np.asarray(codes, dtype=np.int64), [_py(v) for v in uniques]


def _py(v):
    """Plain Python value for a domain label (JSON-friendly)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return v
