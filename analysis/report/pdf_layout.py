"""Quicker ways for the PDF report to lay out what fpdf2 would lay out the same way (fpdf2 2.8.9).

* :class:`PrewrappedTable`: fpdf2's table, but the height of a body cell whose text is already broken
  into lines (:func:`analysis.report.linebreak.wrap`) that all fit is counted from its lines, where
  fpdf2 sets the whole text once without writing to learn it (a cell it might break further, or
  with characters the main font lacks, is still measured by fpdf2). The cells are then written by
  fpdf2 as before: the same page, the same bytes.
* :func:`prewrapped_multi_cell`: ``multi_cell`` of a text already broken into lines that all fit,
  in one font: the lines fpdf2's line breaker would find (it measures the line again for each
  character it adds) are cut at the line breaks, then written by fpdf2 as ``multi_cell`` writes them.
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

import fpdf
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from fpdf.image_datastructures import RasterImageInfo
from fpdf.line_break import (
    BREAKING_SPACE_SYMBOLS_STR,
    FORM_FEED,
    NBSP,
    NEWLINE,
    SOFT_HYPHEN,
    TextLine,
)
from fpdf.table import Cell, Table
from fpdf.util import Padding

__all__ = ["FPDF2_CHECKED", "PrewrappedTable", "add_png", "png_raster", "prewrapped_multi_cell", "quick_layout"]

#: the fpdf2 whose table and multi_cell these functions follow (requirements.txt pins it); another one
#: lays out every cell itself until the tests (tests/analysis/test_report_pdf_layout.py) pass with it
FPDF2_CHECKED = "2.8.9"

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


#: the ``multi_cell`` options :func:`prewrapped_multi_cell` takes (others, e.g. a border, go to fpdf2)
QUICK_OPTIONS = frozenset({"align", "link", "max_line_height", "new_x", "new_y", "wrapmode", "output", "padding",
                           "border", "fill", "markdown", "print_sh", "dry_run", "center"})
_SPECIAL = frozenset(NBSP + SOFT_HYPHEN + FORM_FEED + "\r")


def quick_layout() -> bool:
    """Whether the installed fpdf2 is the one these quicker ways were checked against."""
    return fpdf.__version__ == FPDF2_CHECKED


def prewrapped_multi_cell(pdf: Any, w: float, h: float | None, text: str, **options: Any) -> Any:
    """What ``pdf.multi_cell(w, h, text, **options)`` returns, having written the same (fpdf2 2.8.9's
    ``FPDF.multi_cell``), when ``text`` is in one font and style and each of its lines fits in the cell:
    the lines are then those it ends with a line break (the last one when it has a width). ``None``
    when fpdf2 must set it: a line it might break, markdown, a border or fill, justified text,
    a character of a fallback font, a soft hyphen, or output other than the page break and height."""
    output = MethodReturnValue.coerce(options.get("output", MethodReturnValue.PAGE_BREAK))
    align = Align.coerce(options.get("align", Align.J))
    if (not set(options) <= QUICK_OPTIONS or not pdf.page or not pdf.font_family or not text
            or options.get("border") or options.get("fill") or options.get("markdown") or options.get("dry_run")
            or options.get("center") or options.get("print_sh") or align in (Align.J, Align.X)
            or output & ~(MethodReturnValue.PAGE_BREAK | MethodReturnValue.HEIGHT)
            or pdf.text_shaping or pdf.char_spacing != 0 or pdf.font_stretching != 100
            or (pdf.str_alias_nb_pages and pdf.str_alias_nb_pages in text)
            or not _SPECIAL.isdisjoint(text)):
        return None
    padding = Padding.new(options.get("padding", 0))
    new_x, new_y = XPos.coerce(options.get("new_x", XPos.RIGHT)), YPos.coerce(options.get("new_y", YPos.NEXT))
    max_line_height, link = options.get("max_line_height"), options.get("link")
    h = pdf.font_size if h is None else h
    w = pdf.w - pdf.r_margin - pdf.x if w == 0 else w
    text = pdf.normalize_text(text)
    fragments = pdf._preload_font_styles(text, False)
    if len(fragments) != 1:  # a fallback font's characters make fragments of their own
        return None
    fragment = fragments[0]
    width = w - padding.right - padding.left
    fits = width - (0 if padding.left else pdf.c_margin) - (0 if padding.right else pdf.c_margin) - _SLACK_MM
    height = fragment.font_size  # the line's height fpdf2's line breaker records (line_height 1)
    lines: list[TextLine] = []
    pieces = "".join(fragment.characters).split(NEWLINE)
    for number, piece in enumerate(pieces):
        last = number == len(pieces) - 1
        line = fragment.clone(characters=piece, link=fragment.link) if piece else None
        line_width = line.get_width(initial_cs=False) if line is not None else 0.0
        if line_width > fits or (piece and not line_width):
            return None
        if last and not line_width:  # fpdf2 ends without a line when nothing of width is left
            break
        spaces = sum(piece.count(c) for c in BREAKING_SPACE_SYMBOLS_STR)
        lines.append(TextLine(fragments=[line] if line is not None else [], text_width=line_width,
                              number_of_spaces=spaces, align=align, height=height, max_width=width,
                              trailing_nl=not last))
    prev_y = pdf.y
    pdf.x += padding.left
    pdf.y += padding.top
    if not lines:
        lines = [TextLine([], text_width=0, number_of_spaces=0, align=align, height=h, max_width=width, trailing_nl=False)]
    line_height = h if max_line_height is None or len(lines) == 1 else min(h, max_line_height)
    page_break, total = False, 0.0
    for number, line in enumerate(lines):
        if pdf._perform_page_break_if_need_be(h + padding.bottom):
            page_break = True
            pdf.y += padding.top
        last = number == len(lines) - 1
        pdf._render_styled_text_line(line, h=line_height, new_x=new_x if last else XPos.LEFT,
                                     new_y=new_y if last else YPos.NEXT, border=0, fill=False, link=link,
                                     padding=Padding(0, padding.right, 0, padding.left), prevent_font_change=False)
        total += line_height
    if total < h:
        if new_y == YPos.NEXT:
            pdf.y += h - total
        total = h
    if page_break and new_y == YPos.TOP:
        prev_y = pdf.y
    if lines[-1].trailing_nl and new_y in (YPos.LAST, YPos.NEXT):
        pdf.ln()
    if new_y == YPos.TOP:
        pdf.y = prev_y
    elif new_y == YPos.NEXT:
        pdf.y += padding.bottom
    if new_x == XPos.RIGHT:
        pdf.x += padding.right
    elif new_x == XPos.LEFT:
        pdf.x -= padding.left
    result: tuple[Any, ...] = ()
    if output & MethodReturnValue.PAGE_BREAK:
        result += (page_break,)
    if output & MethodReturnValue.HEIGHT:
        result += (total + padding.top + padding.bottom,)
    return result[0] if len(result) == 1 else result


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
