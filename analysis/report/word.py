"""The report as a Word document (.docx), which county offices edit and paste into their dossier.

Chinese text is set in the East Asian fonts every Chinese Windows and WPS has (宋体 for the body,
黑体 for headings); LibreOffice substitutes Noto CJK. Tables are real Word tables and forest plots
are pictures, so everything can be edited.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.section import WD_ORIENT  # noqa: F401 - portrait A4 below
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .cells import clean_text  # Word (XML) takes no control characters, whatever a site name held
from .data import ReportData
from .document import Bullets, Document, Heading, Image, PageBreak, Paragraph, Table, build_document

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"


def _east_asian(run_or_style, name: str) -> None:  # noqa: ANN001
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _field(paragraph, code: str) -> None:  # noqa: ANN001
    """A Word field (``PAGE``, ``NUMPAGES``) in ``paragraph``: Word and WPS fill in the number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, None), ("end", None)):
        if kind is not None:
            element = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text is not None:
            element = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            element.text = f" {text} "
        else:
            element = run._r.makeelement(qn("w:t"), {})
            element.text = "1"
        run._r.append(element)


def header_and_page_numbers(section, title: str) -> None:  # noqa: ANN001
    """Every page but the cover: the report's title in the header, 第 X 页，共 Y 页 in the footer."""
    section.different_first_page_header_footer = True
    head = section.header.paragraphs[0]
    head.text = title
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in head.runs:
        run.font.size = Pt(9)
        _east_asian(run, BODY_FONT)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("第 ")
    _field(foot, "PAGE")
    foot.add_run(" 页，共 ")
    _field(foot, "NUMPAGES")
    foot.add_run(" 页")
    for run in foot.runs:
        run.font.size = Pt(9)
        _east_asian(run, BODY_FONT)


def render_docx(data: ReportData, document: Document | None = None) -> bytes:
    document = document or build_document(data)
    doc = new_document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    header_and_page_numbers(section, f"{document.title} · 调查评估报告")
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    _east_asian(normal, BODY_FONT)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        style.font.name = LATIN_FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian(style, HEADING_FONT)
    doc.core_properties.title = document.title
    doc.core_properties.author = "tcm-survey"
    for block in document.blocks:
        if isinstance(block, PageBreak):
            doc.add_page_break()
        elif isinstance(block, Heading):
            doc.add_heading(clean_text(block.text), level=block.level)
        elif isinstance(block, Paragraph):
            if block.style == "cover_title":
                for _ in range(6):
                    doc.add_paragraph()
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(clean_text(block.text))
                run.bold = True
                run.font.size = Pt(20)
                _east_asian(run, HEADING_FONT)
            elif block.style == "cover_sub":
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(clean_text(block.text))
                run.font.size = Pt(13)
                doc.add_paragraph()
            else:
                p = doc.add_paragraph()
                run = p.add_run(clean_text(block.text))
                if block.style == "small":
                    run.font.size = Pt(9)
                if block.style == "note":
                    run.bold = True
                    run.font.color.rgb = RGBColor(170, 30, 30)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(clean_text(item), style="List Bullet")
        elif isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = doc.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            small = len(block.header) > 6
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = ""
                run = cell.paragraphs[0].add_run(clean_text(text))
                run.bold = True
                run.font.size = Pt(8 if small else 9)
            for values in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, values):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(clean_text(text))
                    run.font.size = Pt(8 if small else 9)
            if block.widths:
                total = sum(block.widths)
                for column, w in zip(table.columns, block.widths):
                    for cell in column.cells:
                        cell.width = Mm(170 * w / total)
            if block.caption:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(clean_text(block.caption))
                run.font.size = Pt(9)
            else:
                doc.add_paragraph()
        elif isinstance(block, Image):
            doc.add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.caption:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(clean_text(block.caption))
                run.font.size = Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
