"""The report as PDF (A4), with an embedded subset of a CJK font, so Chinese shows on any machine.

fpdf2 embeds the font found by :func:`survey.campaign.posters.find_cjk_font` (Noto Sans CJK SC from
Debian's ``fonts-noto-cjk``, else WenQuanYi Zen Hei, or ``TCM_SURVEY_FONT``), as the posters do.
Characters that font lacks (rare CJK of extension B such as 𠀀 or 𪚥 in a place name, symbols and
some emoji) come from the fallback fonts :data:`FALLBACK_FONTS` when installed (Debian's
``fonts-hanazono`` and ``fonts-dejavu-core``); a character no font has is printed as the visible
mark :data:`MISSING_MARK` (〓), never dropped silently. Fonts are parsed once per process and their
subsets kept (:mod:`analysis.report.fonts`); a fallback font is read and embedded only when a report
holds a character the main font lacks.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.table import Table as FpdfTable

import analysis.report.fonts as fonts  # the module, not the package: no import circle through analysis.report
from .data import ReportData
from .document import (
    Bullets,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    PlotToCome,
    Table,
    document_drawing,
)
from .linebreak import wrap
from .pdf_layout import PrewrappedTable, add_png, prewrapped_multi_cell, quick_layout

FALLBACK_FONTS = (
    Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),  # CJK extension B (U+20000-2A6DF) and beyond
    Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),  # CJK extension A and compatibility ideographs
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # symbols, some emoji
)
MISSING_MARK = "〓"  # U+3013 GETA MARK: the typesetter's sign for a missing character


def _printable(char: str, covered: set[int]) -> str:
    if ord(char) in covered or char in "\n\r\t":
        return char
    if unicodedata.category(char) in ("Mn", "Cf", "Cc"):  # invisible: emoji variation selector, joiner
        return ""
    return MISSING_MARK


class _ReportPDF(FPDF):
    def __init__(self, title: str, *, shared_fonts: bool = True, quick: bool = True) -> None:
        """``shared_fonts``: fonts parsed once per process (:mod:`analysis.report.fonts`), fallbacks
        added only when a character needs them; ``False``: fpdf2's ``add_font`` of every font for this
        file alone (the slower way, kept to check the other against). ``quick``: pre-broken text is
        written without fpdf2's line breaker (:meth:`multi_cell`)."""
        from survey.campaign.posters import find_cjk_font

        super().__init__(orientation="P", unit="mm", format="A4")
        font = find_cjk_font()
        self._shared_fonts = shared_fonts
        self.quick = quick
        add = fonts.add_font if shared_fonts else self._add_font_here
        add(self, "cjk", "", font.path, font.index)
        if font.bold_path is not None:
            add(self, "cjk", "B", font.bold_path, font.bold_index)
        self.bold = "B" if font.bold_path is not None else ""
        self._fallback_paths = [p for p in FALLBACK_FONTS if p.exists()]
        self._fallbacks: dict[int, str] = {}  # position in _fallback_paths -> font name, those added
        self._covered: set[int] = set()
        self._char_widths: dict[str, dict[str, int]] = {}  # font key -> character -> width (1/1000 em), for text_width
        for key in self.fonts:
            self._covered.update(self.fonts[key].cmap)
        if not shared_fonts:
            for number in range(len(self._fallback_paths)):
                self._add_fallback(number)
        self.report_title = title
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.set_title(title)
        self.set_creator("tcm-survey")
        self.set_lang("zh-CN")

    @staticmethod
    def _add_font_here(pdf: FPDF, family: str, style: str, path: Path, index: int) -> None:
        pdf.add_font(family, style, str(path), collection_font_number=index)

    def _add_fallback(self, number: int) -> None:
        name = f"fallback{number}"
        path = self._fallback_paths[number]
        if self._shared_fonts:
            fonts.add_font(self, name, "", path)
        else:
            self.add_font(name, "", str(path))
            self._covered.update(self.fonts[name].cmap)
        self._fallbacks[number] = name
        self.set_fallback_fonts([self._fallbacks[n] for n in sorted(self._fallbacks)], exact_match=False)

    def _cover(self, char: str) -> bool:
        """Whether some font has ``char``; adds the first fallback font that has it (in the order of
        :data:`FALLBACK_FONTS`, so fpdf2 picks the same font as if all were added) when needed."""
        code = ord(char)
        if code in self._covered:
            return True
        if not self._shared_fonts:
            return False
        for number, path in enumerate(self._fallback_paths):
            if code in fonts.coverage(path):
                if number not in self._fallbacks:
                    self._add_fallback(number)
                self._covered.add(code)
                return True
        return False

    def normalize_text(self, text: str) -> str:  # fpdf2 hook: every text written passes here
        """``text`` with each character no embedded font has replaced by :data:`MISSING_MARK`."""
        if any(ord(c) not in self._covered and c not in "\n\r\t" for c in text):
            for c in set(text):
                self._cover(c)
            text = "".join(_printable(c, self._covered) for c in text)
        return super().normalize_text(text)

    def text_width(self, text: str) -> float:
        """``get_string_width(text)`` in mm, summed here from the font's widths when fpdf2 would measure
        ``text`` as one piece in the current font (every character in it; no fallback font, shaping or
        page-count alias, which split the text): the same arithmetic, so the same number. Else fpdf2's own."""
        font = self.current_font
        cmap = getattr(font, "cmap", None)
        alias = self.str_alias_nb_pages
        if (cmap is None or self.text_shaping or self._fallback_font_ids or self.font_stretching != 100
                or self.char_spacing != 0 or (alias and alias in text)):
            return self.get_string_width(text)
        known = self._char_widths.setdefault(font.fontkey, {})  # the characters of the font met so far
        try:
            total = sum(map(known.__getitem__, text))
        except KeyError:
            if not all(ord(c) in cmap for c in text):
                return self.get_string_width(text)
            widths = font.cw
            known.update((c, widths[ord(c)]) for c in text)
            total = sum(map(known.__getitem__, text))
        return total * self.font_size_pt * 0.001 / self.k

    def multi_cell(self, w, h=None, text="", **options):  # fpdf2's signature
        """fpdf2's ``multi_cell``; a text already broken into lines that fit is cut at its line breaks
        instead of measured character by character (:func:`analysis.report.pdf_layout.prewrapped_multi_cell`,
        when ``quick``): the same lines, written the same way."""
        if self.quick:
            done = prewrapped_multi_cell(self, w, h, text, **options)
            if done is not None:
                return done
        return super().multi_cell(w, h, text, **options)

    def output(self, *args, **kwargs):  # fpdf2's signature
        if self._shared_fonts:
            kwargs.setdefault("output_producer_class", fonts.OutlineProducer)
        return super().output(*args, **kwargs)

    def footer(self) -> None:  # fpdf2 hook
        if self.page_no() == 1:
            return
        self.set_y(-11)
        self.set_font("cjk", "", 8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, f"{self.report_title}  ·  第 {self.page_no()} 页", align="C")
        self.set_text_color(0, 0, 0)


def _lines(pdf: _ReportPDF, width: float, text: str) -> str:
    """``text`` broken into lines by the Chinese rules (``linebreak.wrap``), for ``multi_cell``."""
    return "\n".join(wrap(text, width - 2 * pdf.c_margin - 0.01, pdf.text_width))


def render_pdf(data: ReportData, document: Document | None = None, *, shared_fonts: bool = True,
               quick: bool = True) -> bytes:
    """The PDF file's bytes; ``shared_fonts=False`` parses every font for this file alone, ``quick=False``
    lets fpdf2 measure every table cell and read every image itself (:mod:`analysis.report.pdf_layout`);
    both slower, kept so the tests can check the ways give the same text and pages."""
    if document is None:
        with document_drawing(data) as drawing:  # the forest plots drawn on threads while the pages are laid out
            return render_pdf(data, drawing, shared_fonts=shared_fonts, quick=quick)
    quick = quick and quick_layout()  # fpdf2's own layout for an fpdf2 these ways were not checked with
    pdf = _ReportPDF(document.title, shared_fonts=shared_fonts, quick=quick)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for block in document.blocks:
        if isinstance(block, PageBreak):
            pdf.add_page()
        elif isinstance(block, Heading):
            size = 15 if block.level == 1 else 12.5
            if pdf.get_y() > pdf.h - 40:
                pdf.add_page()
            pdf.ln(3 if block.level == 1 else 2)
            pdf.set_font("cjk", pdf.bold, size)
            pdf.multi_cell(width, size * 0.55, _lines(pdf, width, block.text), align="L", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif isinstance(block, Paragraph):
            if block.style == "cover_title":
                pdf.ln(45)
                pdf.set_font("cjk", pdf.bold, 20)
                pdf.multi_cell(width, 11, block.text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(4)
            elif block.style == "cover_sub":
                pdf.set_font("cjk", "", 13)
                pdf.multi_cell(width, 8, block.text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(18)
            else:
                size = {"small": 9, "note": 10.5}.get(block.style, 10.5)
                pdf.set_font("cjk", pdf.bold if block.style == "note" else "", size)
                if block.style == "note":
                    pdf.set_text_color(170, 30, 30)
                pdf.multi_cell(width, size * 0.58, _lines(pdf, width, block.text), align="L", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.set_text_color(0, 0, 0)
                pdf.ln(1.6)
        elif isinstance(block, Bullets):
            pdf.set_font("cjk", "", 10)
            for item in block.items:
                pdf.set_x(pdf.l_margin)
                pdf.multi_cell(width, 5.6, _lines(pdf, width, f"•  {item}"), align="L", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(0.6)
            pdf.ln(1.5)
        elif isinstance(block, Table):
            _table(pdf, block, width, PrewrappedTable if quick else FpdfTable)
        elif isinstance(block, (Image, PlotToCome)):
            if isinstance(block, PlotToCome):
                block = block.image()
            if pdf.get_y() > pdf.h - 60:
                pdf.add_page()
            if quick:
                add_png(pdf, block.png)  # the PNG's own compressed rows, when fpdf2 would embed the same pixels
            pdf.image(io.BytesIO(block.png), x=pdf.l_margin + (width - block.width_mm) / 2, w=block.width_mm)
            if block.caption:
                pdf.set_font("cjk", "", 8.5)
                pdf.multi_cell(width, 4.5, _lines(pdf, width, block.caption), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
    return bytes(pdf.output())


def _table(pdf: _ReportPDF, block: Table, width: float, kind: type[FpdfTable] = PrewrappedTable) -> None:
    columns = len(block.header)
    size = 8.5 if columns <= 6 else 7.5
    pdf.set_font("cjk", "", size)
    widths = block.widths or tuple(1.0 for _ in range(columns))
    heading = FontFace(emphasis="BOLD" if pdf.bold else None, fill_color=(232, 238, 245))
    inner = [width * w / sum(widths) - 2 * 0.8 - 0.6 for w in widths]  # a cell's text width (padding, rules)

    def cell_text(j: int, text: str) -> str:  # broken by the Chinese rules before fpdf2 would break it anywhere
        return "\n".join(wrap(str(text), inner[j], pdf.text_width))

    table = kind(pdf, col_widths=widths, width=width, line_height=size * 0.55, text_align="CENTER",
                 headings_style=heading, padding=0.8, first_row_as_headings=True)  # as pdf.table() makes it
    row = table.row()
    for j, text in enumerate(block.header):
        row.cell(cell_text(j, text))
    for values in block.rows:
        row = table.row()
        for j, text in enumerate(values):
            row.cell(cell_text(j, text))
    table.render()
    if block.caption:
        pdf.set_font("cjk", "", 8.5)
        pdf.multi_cell(width, 4.5, _lines(pdf, width, block.caption), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
