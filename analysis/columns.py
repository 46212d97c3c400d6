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

from .errors import ColumnError, DataValueError

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
