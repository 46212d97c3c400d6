"""Quicker ways for the PDF report to lay out what fpdf2 would lay out the same way (fpdf2 2.8.9).

* :class:`PrewrappedTable`: fpdf2's table, but the height of a body cell whose text is already broken
  into lines (:func:`analysis.report.linebreak.wrap`) that all fit is counted from its lines, where
  fpdf2 sets the whole text once without writing to learn it (a cell it might break further, or
  with characters the main font lacks, is still measured by fpdf2). The cells are then written by
  fpdf2 as before: the same page, the same bytes.
* :func:`png_raster`: a PNG of 8-bit RGB or grey pixels (as Pillow writes the forest plots) goes into
  the PDF as it is: its compressed rows are what PDF's ``FlateDecode`` with PNG predictors reads
  (ISO 32000-1, 7.4.4.4), so the same pixels are shown without decoding the PNG and compressing
  the pixels again (about 40 ms for a 2000 x 900 plot). Any other PNG goes through fpdf2 (Pillow).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

from fpdf.image_datastructures import RasterImageInfo
from fpdf.table import Cell, Table

__all__ = ["PrewrappedTable", "add_png", "png_raster"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: chunks that change nothing of the pixels fpdf2 would embed (it ignores resolution, text and time)
HARMLESS_CHUNKS = frozenset({b"pHYs", b"tEXt", b"zTXt", b"iTXt", b"tIME"})
_COLOUR_TYPES = {0: ("DeviceGray", 1), 2: ("DeviceRGB", 3)}  # PNG colour type -> PDF colour space, channels
_SLACK_MM = 0.001  # a line this much narrower than the cell fits in fpdf2's count too, whatever its rounding


class PrewrappedTable(Table):
    """fpdf2's :class:`fpdf.table.Table`, counting the height of pre-broken body cells from their lines."""

    def _render_table_cell(self, i: int, j: int, cell: Cell, row_height: float,  # fpdf2's signature
                           cell_height_info: Any = None, cell_x_positions: Any = None,
                           **kwargs: Any) -> tuple[bool, float, float]:
        if cell_height_info is None:  # fpdf2 asks for the cell's height only
            height = self._counted_height(i, j, cell, row_height)
            if height is not None:
                return False, 0, height
        return super()._render_table_cell(i, j, cell, row_height, cell_height_info, cell_x_positions, **kwargs)

    def _counted_height(self, i: int, j: int, cell: Cell, row_height: float) -> float | None:
        """The height fpdf2's ``multi_cell`` returns for the cell (mm), or None when it must measure it:
        ``row_height`` per line plus the padding, each line ending at a line break, the last one only
        when it has a width (fpdf2's ``MultiLineBreak``)."""
        pdf = self._fpdf
        row = self.rows[i]
        padding = self._padding
        if (i < self._num_heading_rows or not cell.text or cell.img or cell.colspan != 1 or cell.rowspan != 1
                or cell.padding or cell.style is not None or row.style is not None or self._markdown
                or not padding.left or not padding.right):
            return None
        font = pdf.current_font
        cmap = getattr(font, "cmap", None)
        text = cell.text
        if (cmap is None or pdf.text_shaping or pdf._fallback_font_ids or pdf.font_stretching != 100
                or pdf.char_spacing != 0 or "\u00ad" in text
                or not all(ord(c) in cmap for c in set(text) if c != "\n") or any(c < " " for c in text if c != "\n")):
            return None
        width = self._get_col_width(i, j) - padding.left - padding.right - _SLACK_MM
        lines = text.split("\n")
        measure = getattr(pdf, "text_width", pdf.get_string_width)  # the report's: the same numbers, sooner
        measured = [measure(line) for line in lines]
        if max(measured) > width:
            return None
        count = len(lines) - (0 if measured[-1] else 1) or 1
        total = 0.0
        for _ in range(count):  # added up as fpdf2 adds them, for the same rounding
            total += row_height
        return total + padding.top + padding.bottom


def png_raster(png: bytes) -> RasterImageInfo | None:
    """What fpdf2 would record of ``png`` (an 8-bit, non-interlaced RGB or grey PNG without a palette,
    transparency or colour profile), with the PNG's own compressed rows as the image data; None for
    any other PNG (or a damaged one)."""
    if not png.startswith(PNG_SIGNATURE):
        return None
    position, header, data = len(PNG_SIGNATURE), None, []
    while position + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        body = png[position + 8:position + 8 + length]
        crc = png[position + 8 + length:position + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return None
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body) if length == 13 and not data else None
            if header is None:
                return None
        elif kind == b"IDAT":
            data.append(body)
        elif kind == b"IEND":
            break
        elif kind not in HARMLESS_CHUNKS:  # palette, transparency, gamma, colour profile, animation...
            return None
    else:
        return None
    if header is None or not data:
        return None
    width, height, depth, colour, compression, filtering, interlace = header
    if depth != 8 or colour not in _COLOUR_TYPES or (compression, filtering, interlace) != (0, 0, 0):
        return None
    space, channels = _COLOUR_TYPES[colour]
    info = RasterImageInfo()
    info.update({"data": b"".join(data), "w": width, "h": height, "cs": space, "iccp": None, "bpc": 8,
                 "dpn": channels, "f": "FlateDecode", "inverted": False,
                 "dp": f"/Predictor 15 /Colors {channels} /Columns {width}"})
    return info


def add_png(pdf: Any, png: bytes) -> bool:
    """Record ``png`` in ``pdf``'s images under the name fpdf2 gives it (the MD5 of its bytes), so that
    ``pdf.image(io.BytesIO(png))`` finds it there; False when fpdf2 must read it itself."""
    cache = pdf.image_cache
    name = hashlib.new("md5", png.strip(), usedforsecurity=False).hexdigest()  # fpdf2's preload_image
    if name in cache.images:
        return True
    if cache.image_filter not in ("AUTO", "FlateDecode") or pdf.oversized_images:
        return False
    info = png_raster(png)
    if info is None:
        return False
    info.update({"i": len(cache.images) + 1, "usages": 0, "iccp_i": None})  # image() counts its use
    cache.images[name] = info
    return True
