"""The PDF report's fonts, parsed once per process and embedded as a subset in every report.

fpdf2's ``add_font`` reads a font's character map and widths with fontTools (about 0.2 s of CPU for
each Noto Sans CJK face, 0.3 s for each Hanazono file), and its writer subsets that same parsed font
in place, so the parse cannot be kept for the next report. Here the parse is done once per font file
(:func:`_metrics`, keyed by path, face number, size and modification time) and each report gets its
own light copy of it (:func:`add_font`): the maps are shared, read-only; what a report changes
(widths met, the subset, the descriptor) is its own. Just before the file is written
(:func:`open_outlines`) each copy gets a fresh, lazily read fontTools font, which fpdf2 subsets to
the glyphs the report used and embeds as before (CID-keyed CFF for Noto Sans CJK, TrueType for the
fallbacks) through its own writer. The font bounding box is not recomputed from every outline kept
(``recalcBBoxes=False``: the whole font's box is kept, which bounds the subset's too).

Fallback fonts (:data:`analysis.report.pdf.FALLBACK_FONTS`) are read only when a report holds a
character the main font lacks (:func:`coverage`), and added to that report only then.
"""

from __future__ import annotations

import copy
import functools
import os
from collections import defaultdict
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["add_font", "coverage", "open_outlines"]


def _stat(path: str | Path) -> tuple[str, int, int]:
    """``(path, size in bytes, modification time in ns)``: a font file replaced on disk is parsed again."""
    info = os.stat(path)
    return str(path), info.st_size, info.st_mtime_ns


@functools.lru_cache(maxsize=16)
def _metrics(path: str, size: int, mtime_ns: int, index: int) -> TTFFont:
    """fpdf2's parse of face ``index`` of ``path`` (character map, widths, descriptor), outlines closed."""
    del size, mtime_ns  # part of the cache key only
    font = TTFFont(FPDF(), Path(path), "metrics", "", collection_font_number=index)
    font.close()
    font.ttfont = None  # type: ignore[assignment]  # the parsed tables are not kept; open_outlines reads them
    font.color_font = None
    return font


@functools.lru_cache(maxsize=16)
def _coverage(path: str, size: int, mtime_ns: int, index: int) -> frozenset[int]:
    del size, mtime_ns
    font = ttLib.TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


def coverage(path: str | Path, index: int = 0) -> frozenset[int]:
    """The code points face ``index`` of ``path`` has a glyph for (read once per process)."""
    return _coverage(*_stat(path), index)


def add_font(pdf: FPDF, family: str, style: str, path: str | Path, index: int = 0) -> TTFFont:
    """Add face ``index`` of ``path`` to ``pdf`` as ``family``/``style`` (as ``FPDF.add_font`` does),
    from the process's parse of that face; return the report's copy."""
    shared = _metrics(*_stat(path), index)
    font = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        if hasattr(shared, name):
            setattr(font, name, getattr(shared, name))
    fontkey = f"{family.lower()}{style.upper()}"
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.emphasis = TextEmphasis.coerce(style)
    font.cw = defaultdict(shared.cw.default_factory, shared.cw)  # widths met are added to the report's copy
    font.desc = copy.copy(shared.desc)  # the writer names and numbers the descriptor of each file
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")  # as FPDF.add_font does for CID-keyed CFF
    return font


def open_outlines(pdf: FPDF) -> None:
    """Give each font added by :func:`add_font` a fresh fontTools font to be subset and embedded
    (fpdf2 subsets it in place and closes it once written)."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont) and font.ttfont is None:
            font.ttfont = ttLib.TTFont(font.ttffile, fontNumber=font.collection_font_number, lazy=True,
                                       recalcTimestamp=False, recalcBBoxes=False)
