"""Reading an upload: the cells of a CSV or XLSX, its layout (wjx, Kobo, our export, plain) and the
cell helpers every later step uses (blank, text, several choices, time, duration)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from survey.collect.paradata import MAX_DURATION_S
from survey.errors import ProblemsError
from tabular import Limits, Problem, TableError, read_table

__all__ = [
    "BLANKS", "FORMATS", "ImportFileError", "UploadTable", "blank", "cell_text", "detect_format", "distinct", "parse_seconds",
    "parse_time", "read_upload", "split_multi",
]

FORMATS = ("wjx", "kobo", "tcm", "plain")
BLANKS = {"", "(跳过)", "（跳过）", "(空)", "（空）", "-3", "-2", "n/a", "nan", "none", "null"}
#: A response file may hold 200,000 rows of up to 40 columns (a 问卷星 export of the resident form
#: has 38): 8 million cells, about 0.6 GB while read (other uploads keep tabular's 5 million).
RESPONSE_LIMITS = Limits(cells=8_000_000)
MULTI_SEPARATORS = re.compile(r"\s*[┋|;；,，、\s]\s*")
MULTI_SEPARATORS_KEPT = re.compile(r"(\s*[┋|;；,，、\s]\s*)")
SECONDS_TEXT = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|min|m))?\s*"
                          r"(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec))?$", re.IGNORECASE)
PLAIN_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
CLOCK_TEXT = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


class ImportFileError(ProblemsError):
    """A file that cannot be read at all (not CSV/XLSX, empty, too large, no header, ragged);
    ``problems`` lists the :class:`tabular.Problem` s."""


@dataclass(frozen=True)
class UploadTable:
    """The cells of an uploaded file: header names and data rows (row 2 onwards)."""

    filename: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    format: str
    sha256: str
    _coded: dict[int, tuple[np.ndarray, list[Any]]] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def coded(self, index: int) -> tuple[np.ndarray, list[Any]]:
        """Column ``index`` (0-based) as :func:`distinct` gives it, worked out once per table."""
        if index not in self._coded:
            if not self._coded:  # all columns at once: one pass over the rows
                self._coded.update((i, distinct(cells)) for i, cells in enumerate(zip(*self.rows, strict=True)))
            else:
                self._coded[index] = distinct([row[index] for row in self.rows])
        return self._coded[index]


def blank(value: Any) -> bool:
    """True for an empty cell, NaN, or an export's word for "no answer" (``(跳过)``, ``-3``, ...)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in BLANKS


def cell_text(value: Any) -> str:
    """A cell as stripped text (``3.0`` as ``3``, booleans as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def distinct(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each cell's index among the distinct cells of a column (int64 array), and those cells in order
    of first appearance; by type and value, so ``1``, ``1.0`` and ``True`` stay apart."""
    if set(map(type, values)) <= {str}:  # a CSV column: hashed in C
        import pandas as pd

        codes, uniques = pd.factorize(np.array(values, dtype=object), sort=False)
        return codes.astype(np.int64, copy=False), list(uniques)
    index: dict[Any, int] = {}
    codes = [index.setdefault((type(v), v), len(index)) for v in values]
    return np.array(codes, dtype=np.int64), [key[1] for key in index]


def split_multi(value: Any, known: Callable[[str], bool] | None = None) -> list[str]:
    """The answer texts of a multiple-choice cell (``针灸┋推拿``, ``A、C``, ``a b``).

    ``known`` (a choice's label is known: True): pieces a separator split out of one label are
    joined back, longest label first, so ``拔罐、刮痧┋针灸`` gives ``拔罐、刮痧`` and ``针灸`` when
    拔罐、刮痧 is one choice's label (a 问卷星 text export joins choices with ┋ and keeps the 、 inside)."""
    if isinstance(value, (list, tuple)):
        return [cell_text(v) for v in value if not blank(v)]
    text = cell_text(value)
    if known is None:
        return [p for p in MULTI_SEPARATORS.split(text) if p]
    parts = MULTI_SEPARATORS_KEPT.split(text)  # piece, separator, piece, ...
    pieces, separators = parts[0::2], parts[1::2]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        end = i
        for j in range(len(pieces) - 1, i, -1):  # the longest run of pieces that is one label
            joined = "".join(p + s for p, s in zip(pieces[i:j], separators[i:j])) + pieces[j]
            if known(joined.strip()):
                end = j
                break
        if end > i:
            out.append(("".join(p + s for p, s in zip(pieces[i:end], separators[i:end])) + pieces[end]).strip())
        elif pieces[i]:
            out.append(pieces[i])
        i = end + 1
    return [p for p in out if p]


def read_upload(source: bytes | str | Path, filename: str | None = None) -> UploadTable:
    """Read a CSV (any of ``,`` tab ``;``) or XLSX upload (bytes with its file name, or a path)
    with :func:`tabular.read_table`: its limits, encodings and checks of shape.

    Raises ImportFileError for an unsupported, unreadable, too large or empty file, a header naming
    a column twice or a ragged row; ``problems`` names the row and column.
    """
    if isinstance(source, (str, Path)):
        filename = filename or Path(source).name
    else:
        source = bytes(source)
        filename = filename or "upload.csv"
    try:
        table = read_table(source, name=filename, sniff=True, limits=RESPONSE_LIMITS)
    except TableError as exc:
        raise ImportFileError(exc.problems) from None
    if not table.header:
        raise ImportFileError([Problem(filename, None, None, "empty", "the file is empty")])
    header = tuple(cell_text(name) if name else f"column {index + 1}" for index, name in enumerate(table.header))
    return UploadTable(filename, header, table.rows, detect_format(header), table.sha256)


def detect_format(columns: Sequence[str]) -> str:
    """``wjx`` (问卷星), ``kobo`` (KoboToolbox), ``tcm`` (this toolkit's export) or ``plain``."""
    names = {c.strip().lower() for c in columns}
    if "序号" in names and names & {"提交答卷时间", "所用时间", "来源", "来自ip"}:
        return "wjx"
    if names & {"_uuid", "_submission_time", "_index", "meta/instanceid", "formhub/uuid"}:
        return "kobo"
    if {"response_id", "instrument", "site"} <= names:
        return "tcm"
    return "plain"


def parse_time(value: Any, timezone: str) -> dt.datetime | None | str:
    """An aware datetime (naive ones in ``timezone``), None for blank, or "bad" when unreadable."""
    if blank(value):
        return None
    tz = ZoneInfo(timezone)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, 12, tzinfo=tz)
    text = cell_text(value)
    text = text.replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-").strip()
    plain = PLAIN_TIME.fullmatch(text)
    if plain is not None and 1678 <= int(plain.group(1)) <= 2261:  # the usual 2026-05-02 10:00:00, as pandas reads it
        try:
            return dt.datetime(*(int(g) for g in plain.groups() if g is not None), tzinfo=tz)
        except ValueError:
            pass  # e.g. 2026-02-30: pandas decides
    try:
        import pandas as pd

        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return "bad"
    if pd.isna(stamp):
        return "bad"
    out = stamp.to_pydatetime()
    return out if out.tzinfo else out.replace(tzinfo=tz)


def parse_seconds(value: Any) -> float | None | str:
    """Seconds from a number or a text such as ``185秒``, ``3分5秒``, ``1小时2分`` or ``00:03:05``;
    None for blank, "bad" when it cannot be read."""
    if blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = cell_text(value).strip()
        clock = CLOCK_TEXT.fullmatch(text)
        match = SECONDS_TEXT.fullmatch(text) if clock is None else None
        if clock is not None:
            seconds = int(clock.group(1) or 0) * 3600 + int(clock.group(2)) * 60 + float(clock.group(3))
        elif match is not None and any(match.groups()):
            h, m, sec = (float(g) if g else 0.0 for g in match.groups())
            seconds = h * 3600 + m * 60 + sec
        else:
            try:
                seconds = float(text)
            except ValueError:
                return "bad"
    return seconds if 0 <= seconds <= MAX_DURATION_S else "bad"
