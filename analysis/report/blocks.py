"""The neutral blocks a report is made of (headings, paragraphs, tables, images);
:mod:`analysis.report.document` builds them, the Word and PDF writers render them. The number
formats (``pct``, ``num``, ``count``, ``se_pp``) are those of :mod:`analysis.formatting`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..formatting import count, missing, se_pp
from ..formatting import fixed as num
from ..formatting import percent as pct

__all__ = ["Bullets", "Document", "Heading", "Image", "PageBreak", "Paragraph", "Table", "count", "num", "pct", "reading",
           "se_pp"]


def reading(point_reaches: Any) -> str:
    """Whether the point estimate reaches the threshold: 是 / 否 (``—`` when there is none)."""
    return "—" if missing(point_reaches) else ("是" if bool(point_reaches) else "否")


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
