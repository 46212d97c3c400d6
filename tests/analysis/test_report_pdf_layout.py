"""The PDF report's quicker layout (analysis.report.pdf_layout) against fpdf2's own (``quick=False``):
table cells counted from their lines, pre-broken text cut at its line breaks and the widths each font
keeps give the same PDF bytes (apart from the images' streams, the date and the file id); the
forest plots' PNG rows go in as they are and show the same pixels; a PNG fpdf2 must read still goes
through fpdf2."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageChops

from analysis.report import collect, fonts
from analysis.report import pdf as report_pdf
from analysis.report.blocks import (
    Bullets,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)
from analysis.report.document import build_document
from analysis.report.pdf import _ReportPDF, render_pdf
from analysis.report.pdf_layout import PrewrappedTable, png_raster
from survey.demo import create_demo
from survey.storage import Store

RARE = "𠀀𪚥"  # CJK extension B: from the fallback font HanaMinB


def _stable(pdf: bytes) -> bytes:
    """The PDF without its creation date and file id (they change with every file)."""
    pdf = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", pdf)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: scripts/apt-test.txt installs poppler-utils")
    return path


def _pages(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run([_tool("pdftoppm"), "-r", "40", "-gray", str(path), str(folder / name)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{name}-*.pgm"))]


def _images(pdf: bytes, folder: Path, name: str) -> list[PILImage.Image]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    (folder / name).mkdir()
    subprocess.run([_tool("pdfimages"), "-png", str(path), str(folder / name / "i")], check=True)
    return [PILImage.open(p).convert("RGB") for p in sorted((folder / name).glob("*.png"))]


def _text(pdf: bytes, folder: Path, name: str) -> str:
    path = folder / name
    path.write_bytes(pdf)
    return subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    with Store.open(f"sqlite:///{folder / 'demo.sqlite'}") as store:
        campaign = create_demo(store, responses=300, seed=5).campaign
        data = collect(store, campaign.id, answers=False)
    return data, build_document(data)


@pytest.fixture
def fpdf2_images(monkeypatch):
    """Every image read by fpdf2 itself (Pillow), as with quick=False."""
    monkeypatch.setattr(report_pdf, "add_png", lambda pdf, png: False)


def test_quick_layout_gives_fpdf2s_bytes(report, fpdf2_images):
    data, document = report
    assert _stable(render_pdf(data, document)) == _stable(render_pdf(data, document, quick=False))


def test_quick_pdf_shows_the_same_text_pages_and_pixels(report, tmp_path):
    data, document = report
    quick, slow = render_pdf(data, document), render_pdf(data, document, quick=False)
    assert quick != slow and _text(quick, tmp_path, "quick.pdf") == _text(slow, tmp_path, "slow.pdf")
    pages = _pages(quick, tmp_path, "quick")
    assert len(pages) > 8 and pages == _pages(slow, tmp_path, "slow")
    plots = _images(quick, tmp_path, "quick-images")
    expected = _images(slow, tmp_path, "slow-images")
    assert len(plots) == len(expected) == sum(isinstance(b, Image) for b in document.blocks) > 0
    for got, want in zip(plots, expected, strict=True):
        assert got.size == want.size and ImageChops.difference(got, want).getbbox() is None


def _awkward_document(png: bytes) -> Document:
    """Text fpdf2 might break again (hanging punctuation, a long word), empty and trailing lines,
    spaces, a fallback font's characters, a no-break space, a soft hyphen, a table over pages."""
    long = "全县（区）居民对中医药服务的总体满意率" * 6
    rows = [("乡镇" + str(i), "，".join(["满意"] * (i % 9)) + "。", "", f"{i}\n\n{i}", "a\u00a0b" if i % 7 == 0 else "x y ",
             f"{RARE}村" if i == 5 else "中\u00adlong", "Korn–Graubard–Korn–Graubard–Korn–Graubard") for i in range(90)]
    return Document("版式", (
        Paragraph("版式检查", "cover_title"), Paragraph("副标题", "cover_sub"),
        Heading("一、" + long), Heading("（1）小标题", 2),
        Paragraph(long + "。”", "body"), Paragraph("甲\n\n乙\n", "note"), Paragraph("  ", "small"),
        Paragraph(f"{RARE}村在这里", "body"),
        Bullets(("第一条", long, "末尾有换行\n")),
        Table(("范围", "标点", "空", "两行", "空格", "生僻字", "长词"), tuple(rows), (1, 1, 0.5, 0.6, 0.6, 0.8, 0.9),
              caption="表注：" + long),
        PageBreak(),
        Image(png, 120, "图注"),
    ))


def test_awkward_text_gives_fpdf2s_bytes(tmp_path, fpdf2_images):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    document = _awkward_document(buffer.getvalue())
    quick = render_pdf(None, document)  # type: ignore[arg-type]  # the document is given
    assert _stable(quick) == _stable(render_pdf(None, document, quick=False))  # type: ignore[arg-type]
    assert "满意率" in _text(quick, tmp_path, "awkward.pdf")


def test_counted_heights_are_fpdf2s(report):
    """Every body cell whose height is counted gets the height fpdf2's dry run measures."""
    _data, document = report
    pdf = _ReportPDF(document.title)
    pdf.add_page()
    counted = 0
    for block in document.blocks:
        if not isinstance(block, Table):
            continue
        captured: list[PrewrappedTable] = []
        real = PrewrappedTable.render
        PrewrappedTable.render = lambda self, kept=captured: kept.append(self)  # type: ignore[method-assign]  # not written
        try:
            report_pdf._table(pdf, block, pdf.epw)
        finally:
            PrewrappedTable.render = real  # type: ignore[method-assign]
        table = captured[0]
        table._cols_count = max(row.cols_count for row in table.rows)
        table._width = pdf.epw
        for i, row in enumerate(table.rows):
            for j, cell in enumerate(row.cells):
                height = table._counted_height(i, j, cell, table._line_height)
                if height is None:
                    continue
                counted += 1
                with pdf._disable_writing():
                    measured = super(PrewrappedTable, table)._render_table_cell(i, j, cell, table._line_height)[2]
                assert height == measured, (block.key, i, j, cell.text)
    assert counted > 100


def test_report_font_widths_are_fpdf2s(report):
    from fpdf.fonts import TTFFont

    pdf = _ReportPDF("宽度")
    font = pdf.fonts["cjk"]
    assert isinstance(font, fonts.ReportFont)
    plain = TTFFont.get_text_width
    text = "全县（区）估计值为 88.3%，Korn–Graubard 法  末"
    for size in (7.5, 10.5):
        for end in (*range(len(text) + 1), *range(len(text), -1, -1)):  # growing, then each met again
            assert font.get_text_width(text[:end], size, None) == plain(font, text[:end], size, None)
        assert font.get_text_width(text[5:], size, None) == plain(font, text[5:], size, None)


def _png(mode: str, **save) -> bytes:
    buffer = io.BytesIO()
    image = PILImage.new(mode, (30, 12), 1 if mode in ("P", "1") else None)
    image.save(buffer, format="PNG", **save)
    return buffer.getvalue()


def _interlaced(png: bytes) -> bytes:
    """``png`` with its header saying Adam7 interlacing (CRC made again)."""
    start = png.index(b"IHDR")
    header = png[start:start + 17]
    header = header[:-1] + b"\x01"
    return png[:start] + header + struct.pack(">I", zlib.crc32(header)) + png[start + 21:]


def test_only_plain_pngs_go_in_as_they_are(tmp_path):
    rgb = _png("RGB")
    info = png_raster(rgb)
    assert info is not None and (info["w"], info["h"], info["cs"], info["dpn"], info["bpc"]) == (30, 12, "DeviceRGB", 3, 8)
    assert png_raster(_png("L"))["cs"] == "DeviceGray"
    assert png_raster(_interlaced(_png("RGB", compress_level=0))) is None
    for other in (_png("P"), _png("RGBA"), _png("LA"), _png("1"), _png("I;16"), _png("RGB", icc_profile=b"\0" * 200),
                  b"GIF89a", rgb[:-20], rgb[:40] + b"x" + rgb[41:]):
        assert png_raster(other) is None
    for number, png in enumerate((rgb, _png("P"), _png("RGBA"))):  # each shown: as it is or through fpdf2
        document = Document("图", (Image(png, 40),))
        quick, slow = render_pdf(None, document), render_pdf(None, document, quick=False)  # type: ignore[arg-type]
        got, want = _images(quick, tmp_path, f"q{number}"), _images(slow, tmp_path, f"s{number}")
        assert got and len(got) == len(want)  # with a soft mask for the transparent one
        for one, other in zip(got, want, strict=True):
            assert ImageChops.difference(one, other).getbbox() is None


def test_plots_drawn_on_threads_are_those_drawn_in_turn(report):
    from analysis.report import forest

    data, document = report
    plots = [b.png for b in document.blocks if isinstance(b, Image)]
    forest._forest_png.cache_clear()
    with forest.PlotDrawer(threads=1) as drawer:  # no thread
        rows = [forest.ForestRow("县", 0.5, 0.4, 0.6, "met", "50%"), forest.ForestRow("乡", 0.7, 0.5, 0.8, "few_sites", "—")]
        alone = drawer.draw(rows, 0.45, title="图").result()
    forest._forest_png.cache_clear()
    with forest.PlotDrawer(threads=2) as drawer:
        assert drawer.draw(rows, 0.45, title="图").result() == alone
    forest._forest_png.cache_clear()
    again = [b.png for b in build_document(data).blocks if isinstance(b, Image)]
    assert len(plots) > 1 and again == plots  # the same PNGs, in the same places
    with forest.PlotDrawer(threads=2) as drawer, pytest.raises(TypeError):
        drawer.draw([forest.ForestRow("县", "not a number", 0.4, 0.6, "met", "50%")], 0.45).result()  # type: ignore[arg-type]


def test_plots_taken_as_the_pages_come_give_the_same_pdf(report):
    """render_pdf without a document lays out the pages while the plots are drawn: the same file."""
    from analysis.report import forest

    data, document = report
    forest._forest_png.cache_clear()
    assert _stable(render_pdf(data)) == _stable(render_pdf(data, document))


def test_the_font_collections_are_read_once():
    from survey.campaign import posters

    first = posters.find_cjk_font()
    misses = posters._collection_face_index.cache_info().misses
    assert posters.find_cjk_font() == first and posters._collection_face_index.cache_info().misses == misses


def test_the_quick_ways_run_with_the_pinned_fpdf2(monkeypatch):
    """With the fpdf2 of requirements.txt the quick ways are taken (a new fpdf2 needs these tests to pass
    with it and FPDF2_CHECKED moved); with another, fpdf2 lays out everything itself."""
    import fpdf

    from analysis.report import pdf_layout

    pinned = next(line.split("==")[1].strip() for line in (Path(__file__).parents[2] / "requirements.txt").read_text().splitlines()
                  if line.startswith("fpdf2=="))
    assert pdf_layout.FPDF2_CHECKED == pinned == fpdf.__version__ and pdf_layout.quick_layout()
    pdf = _ReportPDF("版式")
    pdf.add_page()
    pdf.set_font("cjk", "", 10)
    assert pdf_layout.prewrapped_multi_cell(pdf, 100, 5, "一行\n两行", align="L") is not None
    used = []
    monkeypatch.setattr(report_pdf, "prewrapped_multi_cell", lambda *a, **k: used.append(a))
    monkeypatch.setattr(fpdf, "__version__", "9.9.9")
    render_pdf(None, Document("版式", (Paragraph("一段文字"),)))  # type: ignore[arg-type]
    assert used == []
