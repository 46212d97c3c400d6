"""Sampling frames: one row per primary sampling unit (village, clinic, community), or per stratum.

A frame file is CSV (UTF-8 with or without BOM; GB18030 as used by Chinese Excel exports) or XLSX
(first sheet unless another is named). Cells are read as text so that codes such as ``"001"`` keep
their leading zeros; only the size column is converted to numbers. Row numbers in error messages are
the spreadsheet's (the header is row 1).

Checks at construction (:class:`FrameError` naming file, row, column or stratum): the named columns
exist; stratum and PSU cells are not empty; sizes are numbers, finite and positive; PSU ids are
unique within a stratum.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from tabular import LIMITS, Limits, TableError, read_table

from .errors import FrameError

__all__ = ["Frame", "frame_data", "MAX_SIZE"]

MAX_SIZE = 1e10  # people in one frame row; more is a typing or unit error (and overflows sums)
_HEADER_ROWS = 1


def frame_data(
    source: str | os.PathLike | BinaryIO | bytes,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    limits: Limits = LIMITS,
    sniff: bool = False,
) -> pd.DataFrame:
    """A CSV or XLSX table (read by :func:`tabular.read_table`) with every cell as stripped text.
    ``sniff``: a CSV's delimiter may also be a tab or a semicolon (a table pasted from Excel).

    Empty cells are ``""``; numbers keep the text a spreadsheet shows (``3.0`` as ``"3"``).
    ``limits``: :data:`tabular.PUBLIC_LIMITS` on pages anyone can open.

    Raises
    ------
    FrameError
        The file is missing, empty, undecodable, too large or not a table (file, row, column).
    """
    try:
        table = read_table(source, name=name, sheet=sheet, limits=limits, sniff=sniff)
    except TableError as exc:
        raise FrameError.from_problem(exc.problem) from None
    if not table.header:
        raise FrameError("the file is empty", file=table.name, code="empty")
    columns = [c or f"column {i + 1}" for i, c in enumerate(table.header)]
    cells = [[_cell_text(v) for v in row] for row in table.rows]
    return pd.DataFrame(cells, columns=columns, dtype=object) if cells else pd.DataFrame(columns=columns, dtype=object)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True, eq=False)
class Frame:
    """A validated sampling frame.

    Attributes
    ----------
    data : pandas.DataFrame
        The file's rows and columns, as text.
    stratum : str
        Column naming the stratum (township).
    size : str
        Column with the size measure M_i (people) of each row.
    psu : str or None
        Column with the PSU id, unique within a stratum (None for a frame of strata only).
    source : str
        File name for messages.
    sizes : numpy.ndarray
        The size column as float.
    """

    data: pd.DataFrame
    stratum: str
    size: str
    psu: str | None
    source: str
    sizes: np.ndarray

    @classmethod
    def read(
        cls,
        source: str | os.PathLike | BinaryIO | bytes,
        *,
        stratum: str,
        size: str,
        psu: str | None = None,
        name: str | None = None,
        sheet: str | int | None = None,
    ) -> "Frame":
        """Read and validate a frame file (see :func:`frame_data`)."""
        label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<upload>")
        return cls.from_dataframe(frame_data(source, name=label, sheet=sheet), stratum=stratum, size=size, psu=psu, source=label)

    @classmethod
    def from_dataframe(cls, data: pd.DataFrame, *, stratum: str, size: str, psu: str | None = None, source: str = "<frame>") -> "Frame":
        """Validate a table already in memory (cells as text or numbers)."""
        wanted = [c for c in (stratum, psu, size) if c is not None]
        missing = [c for c in wanted if c not in data.columns]
        if missing:
            raise FrameError(
                f"no such column (the columns are: {', '.join(map(str, data.columns))})",
                file=source, column=missing[0],
            )
        if len(data) == 0:
            raise FrameError("the frame has no rows", file=source)
        data = data.reset_index(drop=True)
        rows = np.arange(len(data)) + _HEADER_ROWS + 1
        for col in (stratum, psu):
            if col is None:
                continue
            text = data[col].astype(str).str.strip()
            empty = (text == "") | data[col].isna().to_numpy()
            if empty.any():
                i = int(np.argmax(empty.to_numpy()))
                raise FrameError("empty cell", file=source, row=int(rows[i]), column=col)
        raw = data[size]
        num = pd.to_numeric(raw.astype(str).str.replace(",", "", regex=False).str.strip(), errors="coerce").to_numpy(dtype=float)
        bad = np.isinf(num) | (num > MAX_SIZE)
        if bad.any():
            i = int(np.argmax(bad))
            shown = str(raw.iloc[i]).strip()
            shown = shown if len(shown) <= 24 else f"{shown[:12]}...({len(shown)} characters)"
            raise FrameError(f"size {shown!r} is not plausible (more than {MAX_SIZE:,.0f} people)", file=source, row=int(rows[i]), column=size)
        bad = ~np.isfinite(num)
        if bad.any():
            i = int(np.argmax(bad))
            more = f" (and {int(bad.sum()) - 1} more rows)" if bad.sum() > 1 else ""
            raise FrameError(f"size {str(raw.iloc[i])!r} is not a number{more}", file=source, row=int(rows[i]), column=size)
        bad = num <= 0
        if bad.any():
            i = int(np.argmax(bad))
            more = f" (and {int(bad.sum()) - 1} more rows)" if bad.sum() > 1 else ""
            raise FrameError(f"size must be positive, got {num[i]:g}{more}", file=source, row=int(rows[i]), column=size)
        if psu is not None:
            key = data[[stratum, psu]].astype(str)
            dup = key.duplicated(keep=False).to_numpy()
            if dup.any():
                i = int(np.argmax(dup))
                same = np.flatnonzero(dup & (key[stratum] == key[stratum].iloc[i]).to_numpy() & (key[psu] == key[psu].iloc[i]).to_numpy())
                raise FrameError(
                    f"PSU id {key[psu].iloc[i]!r} appears more than once (rows {', '.join(str(rows[j]) for j in same)})",
                    file=source, stratum=str(key[stratum].iloc[i]), column=psu,
                )
        return cls(data=data, stratum=stratum, size=size, psu=psu, source=source, sizes=num)

    @property
    def strata_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, labels): stratum index of each row, labels in order of first appearance."""
        codes, labels = pd.factorize(self.data[self.stratum].astype(str), sort=False)
        return np.asarray(codes), np.asarray(labels, dtype=object)

    def stratum_totals(self) -> pd.DataFrame:
        """One row per stratum in order of first appearance: stratum, psus (rows), size (sum)."""
        codes, labels = self.strata_codes
        H = labels.size
        return pd.DataFrame(
            {
                "stratum": labels.astype(str),
                "psus": np.bincount(codes, minlength=H),
                "size": np.bincount(codes, weights=self.sizes, minlength=H),
            }
        )

    def populations(self) -> dict[str, float]:
        """stratum -> total size, in order of first appearance."""
        t = self.stratum_totals()
        return dict(zip(t["stratum"], t["size"].astype(float)))
