"""The neutral blocks a report is made of (headings, paragraphs, tables, images) and the number
formats every report uses; :mod:`analysis.report.document` builds them, the Word and PDF writers
render them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


def pct(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return "—"
    return f"{float(x) * 100:.{digits}f}%"


def num(x: Any, digits: int = 2) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{float(x):.{digits}f}"


def count(x: Any) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{int(x)}"


def se_pp(x: Any) -> str:
    """Standard error in percentage points."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{float(x) * 100:.2f}"


def reading(point_reaches: Any) -> str:
    if point_reaches is None or point_reaches is pd.NA:
        return "—"
    return "是" if bool(point_reaches) else "否"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # body, note, small, cover_title, cover_sub


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative
    caption: str = ""
    key: str = ""  # what the table shows, for tests (e.g. "township:satisfaction")


@dataclass(frozen=True)
class Image:
    png: bytes
    width_mm: float = 165.0
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Any, ...] = field(default_factory=tuple)
