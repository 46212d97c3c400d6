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

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from .errors import FrameError

__all__ = ["Frame", "read_table", "CSV_ENCODINGS", "EXCEL_SUFFIXES"]

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_HEADER_ROWS = 1


def read_table(source: str | os.PathLike | BinaryIO | bytes, *, name: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX table with every cell as text (empty cells as ``""``).

    Parameters
    ----------
    source : path, bytes or binary file object (e.g. a Streamlit upload)
    name : str, optional
        File name used for the format (by suffix) and in messages; defaults to the path.
    sheet : str or int, optional
        XLSX sheet (default: the first).

    Raises
    ------
    FrameError
        The file is missing, empty, undecodable or not a table.
    """
    label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<upload>")
    if isinstance(source, (str, os.PathLike)):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise FrameError(f"cannot read the file: {exc.strerror or exc}", file=label) from None
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    if not data.strip():
        raise FrameError("the file is empty", file=label)
    if label.lower().endswith(EXCEL_SUFFIXES) or data[:4] == b"PK\x03\x04":
        try:
            df = pd.read_excel(io.BytesIO(data), sheet_name=0 if sheet is None else sheet, dtype=str, engine="openpyxl")
        except (ValueError, KeyError, OSError) as exc:
            raise FrameError(f"cannot read the workbook: {exc}", file=label) from None
        except Exception as exc:  # openpyxl raises its own types for corrupt files
            raise FrameError(f"cannot read the workbook: {exc}", file=label) from None
        df = df.fillna("")
    else:
        text = None
        for enc in CSV_ENCODINGS:
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise FrameError("the file is neither UTF-8 nor GB18030 text", file=label)
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise FrameError(f"not a valid CSV table: {exc}", file=label) from None
    df.columns = [str(c).strip() for c in df.columns]
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise FrameError("the header repeats this column", file=label, column=str(dup[0]))
    return df.apply(lambda s: s.str.strip()) if len(df) else df


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
        """Read and validate a frame file (see :func:`read_table`)."""
        label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<upload>")
        return cls.from_dataframe(read_table(source, name=label, sheet=sheet), stratum=stratum, size=size, psu=psu, source=label)

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
