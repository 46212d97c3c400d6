"""The PDF report's fonts parsed once per process and their subsets cached (analysis.report.fonts):
the PDF carries the same text and draws the same pages as with fpdf2's own parse of every font for
each file, the fonts stay embedded as subsets, rare characters still come from a fallback font; the
forest plots are drawn once for the Word and the PDF file."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from analysis.report import collect, fonts, forest, render
from analysis.report.document import build_document
from analysis.report.pdf import _ReportPDF, render_pdf
from analysis.report.word import render_docx
from survey.campaign.posters import find_cjk_font
from survey.demo import create_demo
from survey.storage import Store

RARE = "𠀀𪚥"  # CJK extension B: not in Noto Sans CJK, in Hanazono's HanaMinB


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fonts")
    with Store.open(f"sqlite:///{folder / 'demo.sqlite'}") as store:
        campaign = create_demo(store, responses=150, seed=7).campaign
        with store.write() as connection:
            connection.exec_driver_sql("UPDATE campaigns SET name = ? WHERE id = ?", (f"{RARE}村调查", campaign.id))
        data = collect(store, campaign.id)
    return data, build_document(data), folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.CACHE_ENV, str(tmp_path / "cache"))
    fonts._subsets.clear()
    yield tmp_path / "cache" / "fonts"
    fonts._subsets.clear()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: scripts/apt-test.txt installs poppler-utils")
    return path


def _text(pdf: bytes, folder: Path, name: str) -> str:
    path = folder / name
    path.write_bytes(pdf)
    return subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pages(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run([_tool("pdftoppm"), "-r", "30", "-gray", "-f", "1", "-l", "4", str(path), str(folder / name)],
                   check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{name}-*.pgm"))]


def test_shared_fonts_give_the_same_text_and_pages(report, cache):
    data, document, folder = report
    plain = render_pdf(data, document, shared_fonts=False)  # fpdf2's add_font of every font, as before
    shared = render_pdf(data, document)
    text = _text(shared, folder, "shared.pdf")
    assert text == _text(plain, folder, "plain.pdf")
    assert f"{RARE}村调查" in text and "调查方法" in text and "全县（区）" in text
    pages = _pages(shared, folder, "shared")
    assert len(pages) == 4 and pages == _pages(plain, folder, "plain")  # the same glyphs drawn, pixel for pixel
    listing = subprocess.run([_tool("pdffonts"), str(folder / "shared.pdf")], capture_output=True, text=True,
                             check=True).stdout
    rows = listing.splitlines()[2:]
    assert any("NotoSansCJK" in row or "CJK" in row for row in rows) and any("HanaMinB" in row for row in rows)
    assert rows and all(" yes yes yes " in row for row in rows)  # every font embedded, as a subset, with text


def test_fallback_fonts_are_added_only_when_a_character_needs_them(cache):
    pdf = _ReportPDF("全县调查")
    assert not any(key.startswith("fallback") for key in pdf.fonts)
    pdf.add_page()
    pdf.set_font("cjk", "", 10)
    pdf.cell(0, 5, "满意率 88.3%")
    assert not any(key.startswith("fallback") for key in pdf.fonts)
    pdf.cell(0, 5, f"{RARE}村")
    assert "fallback0" in pdf.fonts and pdf.fonts["fallback0"].ttffile.name == "HanaMinB.ttf"
    assert b"HanaMinB" in bytes(pdf.output())


def test_fonts_are_parsed_once_and_subsets_reused(report, cache, monkeypatch):
    from fontTools import subset as ftsubset

    data, document, folder = report
    render_pdf(data, document)  # the process's parse, if no earlier test made it
    parsed = fonts._metrics.cache_info().misses
    cut, subsets = [], []
    real_cut, real_subset = fonts._cut_down, ftsubset.Subsetter.subset
    monkeypatch.setattr(fonts, "_cut_down", lambda *args: cut.append(Path(args[0]).name) or real_cut(*args))
    monkeypatch.setattr(ftsubset.Subsetter, "subset", lambda self, font: subsets.append(font) or real_subset(self, font))
    fonts._subsets.clear()
    shutil.rmtree(cache, ignore_errors=True)
    first = render_pdf(data, document)
    faces = 2 if find_cjk_font().bold_path is not None else 1
    assert cut == ["HanaMinB.ttf"]  # the TrueType fallback (the rare characters) is cut down once
    assert len(list(cache.glob("*.otf"))) == 1
    assert len(list(cache.glob("*.cff"))) == len(list(cache.glob("*.gids"))) == faces  # regular and bold, as embedded
    # fontTools subsets each CJK face once, HanaMinB once to cut it down and once more in fpdf2's writer (quick)
    assert len(subsets) == faces + 2
    second = render_pdf(data, document)
    fonts._subsets.clear()  # another process: from the files on disk
    third = render_pdf(data, document)
    assert cut == ["HanaMinB.ttf"] and fonts._metrics.cache_info().misses == parsed
    assert len(subsets) == faces + 4  # then only fpdf2's writer's pass over the cut-down HanaMinB, once per file
    texts = {_text(pdf, folder, f"again{i}.pdf") for i, pdf in enumerate((first, second, third))}
    assert len(texts) == 1


def test_an_unwritable_cache_folder_only_costs_time(report, tmp_path, monkeypatch):
    data, document, folder = report
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(fonts.CACHE_ENV, str(blocker))
    fonts._subsets.clear()
    assert "调查方法" in _text(render_pdf(data, document), folder, "nocache.pdf")


def test_text_width_is_fpdf2s_width(report):
    pdf = _ReportPDF("宽度")
    pdf.add_page()
    texts = ("全县（区）估计值为 88.3%，", "Korn–Graubard 法", "", "  ", "第 {nb} 页", "满意率 83.1%（80.2%–85.9%）")
    for rare in ("", f"{RARE}村", "😀\u200d调查"):  # a fallback font, once added, splits texts by script
        for size in (7.5, 8.5, 10.5, 15):
            pdf.set_font("cjk", pdf.bold if size == 15 else "", size)
            for text in (*texts, rare):
                assert pdf.text_width(text) == pdf.get_string_width(text), (size, text)


def test_forest_plots_are_drawn_once_for_word_and_pdf(report):
    data, _document, folder = report
    forest._forest_png.cache_clear()
    pdf = render(data, "pdf")
    drawn = forest._forest_png.cache_info()
    assert drawn.misses > 0
    word = render(data, "docx")
    again = forest._forest_png.cache_info()
    assert again.misses == drawn.misses and again.hits >= drawn.misses  # the Word file reused every plot
    images = [rel.target_part.blob for rel in docx.Document(io.BytesIO(word)).part.rels.values()
              if "image" in rel.reltype]
    plots = [b.png for b in build_document(data).blocks if type(b).__name__ == "Image"]
    assert images and sorted(images) == sorted(plots)
    forest._forest_png.cache_clear()
    fresh = render_docx(data)  # drawn anew: the same document text
    assert [p.text for p in docx.Document(io.BytesIO(fresh)).paragraphs] == \
        [p.text for p in docx.Document(io.BytesIO(word)).paragraphs]
    assert "调查方法" in _text(pdf, folder, "forest.pdf")


def test_font_metrics_read_back_from_disk_equal_fpdf2s_parse(cache):
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    face = find_cjk_font()
    parsed = TTFFont(FPDF(), face.path, "cjk", "", collection_font_number=face.index)
    stat = fonts._stat(face.path)
    fonts._metrics.cache_clear()
    fonts._metrics(*stat, face.index)  # parsed and stored
    assert len(list(cache.glob("metrics-*.json"))) == 1
    fonts._metrics.cache_clear()
    stored = fonts._metrics(*stat, face.index)  # another process: read from the file
    for name in ("name", "sp", "ss", "up", "ut", "scale", "is_cff", "is_cid_keyed", "is_symbol", "cff_ros", "cmap",
                 "glyph_ids", "cw"):
        assert getattr(stored, name) == getattr(parsed, name), name
    assert vars(stored.desc) == vars(parsed.desc)
    assert stored.cw[0x10FFFF] == parsed.cw[0x10FFFF]  # a character the font lacks: its missing width
    (next(cache.glob("metrics-*.json"))).write_text("{cut short")
    fonts._metrics.cache_clear()
    assert fonts._metrics(*stat, face.index).cmap == parsed.cmap  # a damaged file: parsed again
    fonts._metrics.cache_clear()


def test_cache_folder_names(monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.CACHE_ENV, str(tmp_path / "c"))
    assert fonts.cache_dir() == tmp_path / "c" / "fonts"
    monkeypatch.delenv(fonts.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert fonts.cache_dir() == tmp_path / "x" / "tcm-survey" / "fonts"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # not a folder to trust: memory only
    assert fonts.cache_dir() is None
    assert fonts._read_disk("metrics-x.json") is None
    fonts._write_disk("metrics-x.json", b"{}")
    assert not Path("relative").exists()


def test_the_cached_writer_subset_gives_the_same_bytes(report, cache, monkeypatch):
    """The CID-keyed CFF font as fpdf2's writer subsets it, kept (memory, then disk): the same file,
    byte for byte, as fpdf2 subsetting the whole font file itself, and fontTools' subsetter is skipped."""
    data, document, _ = report
    import datetime as dt

    from fontTools import subset as ftsubset

    init = _ReportPDF.__init__

    def fixed_date(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.creation_date = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    monkeypatch.setattr(_ReportPDF, "__init__", fixed_date)
    first = render_pdf(data, document)  # makes and keeps the writer's subset
    assert list(cache.glob("*.cff")) and list(cache.glob("*.gids"))
    runs = []
    real = ftsubset.Subsetter.subset
    monkeypatch.setattr(ftsubset.Subsetter, "subset", lambda self, font: runs.append(font) or real(self, font))
    fonts._subsets.clear()  # another process: from the files on disk
    second = render_pdf(data, document)
    assert second == first
    assert len(runs) == 1  # fontTools subsets only the TrueType fallback (HanaMinB); the CJK faces come as kept
    # fpdf2 alone: its writer subsets the whole font file itself (opened as fpdf2's add_font opens it)
    monkeypatch.setattr(fonts, "embedded", lambda font: fonts.ttLib.TTFont(
        font.ttffile, fontNumber=font.collection_font_number, lazy=True, recalcTimestamp=False))
    assert render_pdf(data, document) == first
    # ... or the cut-down font that the TrueType fallbacks get
    monkeypatch.setattr(fonts, "embedded", lambda font: fonts.ttLib.TTFont(
        io.BytesIO(fonts.subset_bytes(font)), lazy=True, recalcTimestamp=False, recalcBBoxes=False))
    assert render_pdf(data, document) == first


def test_a_damaged_kept_writer_subset_is_made_again(report, cache):
    data, document, folder = report
    first = render_pdf(data, document)
    for kept in cache.glob("*.gids"):
        kept.write_bytes(b'{"cid00001": "not a glyph id"')  # cut short
    fonts._subsets.clear()
    again = render_pdf(data, document)
    assert _text(again, folder, "damaged.pdf") == _text(first, folder, "undamaged.pdf")
    assert all(fonts._glyph_ids(kept.read_bytes(), sorted(json.loads(kept.read_bytes()))) for kept in cache.glob("*.gids"))


def test_workbook_writer_does_not_import_pillow():
    """Pillow is imported when a forest plot is drawn, not by the workbook writer."""
    import sys

    code = "import sys, analysis.report.excel; print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
    assert forest.forest_png([forest.ForestRow("县", 0.5, 0.4, 0.6, "met", "50%")], 0.45)[:8] == b"\x89PNG\r\n\x1a\n"
