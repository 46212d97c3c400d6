"""The PDF report's fonts, parsed once per process and embedded as a subset in every report.

fpdf2's ``add_font`` reads a font's character map and widths with fontTools (about 0.2 s of CPU for
each Noto Sans CJK face, 0.3 s for each Hanazono file), and its writer subsets that same parsed font
in place, so the parse cannot be kept for the next report. Here the parse is done once per font file
(:func:`_metrics`, keyed by path, face number, size and modification time; stored as JSON under
:func:`cache_dir` too, so a new process reads it in about 0.03 s) and each report gets its
own light copy of it (:func:`add_font`): the maps are shared, read-only; what a report changes
(widths met, the subset, the descriptor) is its own. Just before the file is written
(:func:`open_outlines`, from fpdf2's writer, once every page is laid out) each copy gets the glyphs
the report used: a CID-keyed CFF face (Noto Sans CJK) gets what fpdf2's writer would embed of it,
subset from the whole file as fpdf2 subsets it (:func:`embedded`), a TrueType fallback a fresh
fontTools font already cut down to those glyphs (:func:`subset_bytes`), which fpdf2 subsets again
(quick: nothing more to remove) and embeds as before. Both are kept in memory (the last
:data:`CACHED_SUBSETS`) and on disk under :func:`cache_dir` (``fonts/<key>.cff`` and ``.gids``, or
``<key>.otf``; at most :data:`CACHED_FILES` files of each kind), keyed by the font file (path, size,
modification time and the checksum of each of its tables, which the file's table directory holds),
the fontTools and fpdf2 versions and the sorted glyph names; a report of the same characters as an
earlier one, in this process or another, skips fontTools' subsetting (about 0.2-0.4 s per face).
A TrueType fallback's bounding box is not recomputed when fpdf2 writes it (``recalcBBoxes=False``): the
box of the cut-down font is kept, which bounds the report's subset too.

Fallback fonts (:data:`analysis.report.pdf.FALLBACK_FONTS`) are read only when a report holds a
character the main font lacks (:func:`coverage`), and added to that report only then.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import os
import tempfile
import threading
from collections import OrderedDict, defaultdict
from pathlib import Path
from typing import Any

import fontTools
import fpdf
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import FontDescriptorFlags, TextEmphasis
from fpdf.fonts import PDFFontDescriptor, SubsetMap, TTFFont
from fpdf.output import OutputProducer

__all__ = ["CACHE_ENV", "Embedded", "OutlineProducer", "ReportFont", "add_font", "cache_dir", "coverage", "metrics_from_json", "metrics_json",
           "open_outlines", "subset_bytes"]

CACHE_ENV = "TCM_SURVEY_CACHE"  # folder for cached font subsets (default: $XDG_CACHE_HOME or ~/.cache, /tcm-survey)
CACHED_SUBSETS = 16  # cut-down fonts kept in memory (about 250 kB each for a report's 750 glyphs)
CACHED_FILES = 64  # and on disk; the oldest are removed beyond that
_TOOLS = f"fontTools {fontTools.version}, fpdf2 {fpdf.__version__}"  # their subsetting and options: part of each key
#: tables fpdf2's writer drops before subsetting (fpdf/output.py, _add_fonts); dropped here too, so the
#: glyph closure (no layout substitutions) and the glyphs kept are the same as fpdf2's alone
FPDF_DROPPED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT",
                       "EBLC", "EBSC", "SVG ", "CPAL", "COLR")


def _stat(path: str | Path) -> tuple[str, int, int]:
    """``(path, size in bytes, modification time in ns)``: a font file replaced on disk is parsed again."""
    info = os.stat(path)
    return str(path), info.st_size, info.st_mtime_ns


@functools.lru_cache(maxsize=16)
def _metrics(path: str, size: int, mtime_ns: int, index: int) -> TTFFont:
    """fpdf2's parse of face ``index`` of ``path`` (character map, widths, descriptor), outlines closed;
    from ``metrics-<key>.json`` under :func:`cache_dir` when an earlier process stored it."""
    key = f"{_fingerprint(path, size, mtime_ns, index)}-fpdf{fpdf.__version__}"
    stored = _read_disk(f"metrics-{key}.json")
    if stored is not None:
        try:
            return metrics_from_json(json.loads(stored), path, index)
        except (ValueError, KeyError, TypeError):
            pass  # a file from elsewhere or cut short: parsed again below, and written again
    font = TTFFont(FPDF(), Path(path), "metrics", "", collection_font_number=index)
    font.close()
    font.ttfont = None  # type: ignore[assignment]  # the parsed tables are not kept; open_outlines reads them
    font.color_font = None
    _write_disk(f"metrics-{key}.json", json.dumps(metrics_json(font), separators=(",", ":")).encode())
    return font


_SCALARS = ("name", "sp", "ss", "up", "ut", "scale", "is_cff", "is_cid_keyed", "is_symbol", "is_compressed",
            "palette_index")
_DESCRIPTOR = ("ascent", "descent", "cap_height", "font_b_box", "italic_angle", "stem_v", "missing_width")


def metrics_json(font: TTFFont) -> dict:
    """What fpdf2's parse of a font found, as JSON (code points, glyph names and ids, widths in 1/1000 em)."""
    desc = {name: getattr(font.desc, name) for name in _DESCRIPTOR}
    desc["flags"] = font.desc.flags.value
    return {
        **{name: getattr(font, name) for name in _SCALARS},
        "cff_ros": list(font.cff_ros) if font.cff_ros else None,
        "desc": desc,
        "cmap": [list(font.cmap), list(font.cmap.values())],
        "glyph_ids": [list(font.glyph_ids), list(font.glyph_ids.values())],
        "cw": [list(font.cw), list(font.cw.values())],
    }


def metrics_from_json(stored: dict, path: str, index: int) -> TTFFont:
    """The :class:`fpdf.fonts.TTFFont` that :func:`metrics_json` describes (outlines not opened)."""
    font = TTFFont.__new__(TTFFont)
    for name in _SCALARS:
        setattr(font, name, stored[name])
    font.cff_ros = tuple(stored["cff_ros"]) if stored["cff_ros"] else None
    desc = stored["desc"]
    font.desc = PDFFontDescriptor(flags=FontDescriptorFlags(desc["flags"]), **{name: desc[name] for name in _DESCRIPTOR})
    font.cmap = dict(zip(*stored["cmap"], strict=True))
    font.glyph_ids = dict(zip(*stored["glyph_ids"], strict=True))
    missing = font.desc.missing_width
    font.cw = defaultdict(lambda: missing, zip(*stored["cw"], strict=True))
    font.type, font.ttffile, font.collection_font_number = "TTF", Path(path), index
    font.i, font.fontkey, font.emphasis = 0, "metrics", TextEmphasis.coerce("")
    font.ttfont, font._hbfont, font.color_font, font.subset = None, None, None, None  # type: ignore[assignment]
    font.missing_glyphs, font.biggest_size_pt = [], 0
    return font


@functools.lru_cache(maxsize=16)
def _fingerprint(path: str, size: int, mtime_ns: int, index: int) -> str:
    """The font file's identity and the checksum of each table of face ``index`` (from its table directory)."""
    font = ttLib.TTFont(path, fontNumber=index, lazy=True)
    try:
        tables = sorted((str(tag), entry.checkSum, entry.length) for tag, entry in font.reader.tables.items())
    finally:
        font.close()
    return hashlib.sha256(repr((path, size, mtime_ns, index, tables)).encode()).hexdigest()


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


class ReportFont(TTFFont):
    """A report's copy of a parsed font (:func:`add_font`) that keeps the width of each text it measured:
    fpdf2's line breaker measures a line again for each character it adds (``CurrentLine.width``), so
    a text one character longer than one measured costs one addition. The same sums as fpdf2's
    (added in the same order), so the same widths and the same layout."""

    __slots__ = ("_sums",)
    MAX_SUMS = 200_000  # texts kept per font and report; the memory is freed beyond that

    def get_text_width(self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None) -> tuple[int, float]:
        """``(characters, width in 1/1000 em times font_size_pt)`` as :meth:`TTFFont.get_text_width`."""
        if text_shaping_params or self.is_symbol:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        self.biggest_size_pt = max(self.biggest_size_pt, font_size_pt)
        sums = self._sums
        total = sums.get(text)
        if total is None:
            widths = self.cw
            before = sums.get(text[:-1]) if len(text) > 1 else None
            total = before + widths[ord(text[-1])] if before is not None else sum(widths[ord(c)] for c in text)
            if len(sums) >= self.MAX_SUMS:
                sums.clear()
            sums[text] = total
        return len(text), total * font_size_pt * 0.001


def add_font(pdf: FPDF, family: str, style: str, path: str | Path, index: int = 0) -> TTFFont:
    """Add face ``index`` of ``path`` to ``pdf`` as ``family``/``style`` (as ``FPDF.add_font`` does),
    from the process's parse of that face; return the report's copy (a :class:`ReportFont`)."""
    shared = _metrics(*_stat(path), index)
    font = ReportFont.__new__(ReportFont)
    font._sums = {}
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
    """Give each font added by :func:`add_font` a fresh fontTools font, cut down to the glyphs used,
    to be subset and embedded (fpdf2 subsets it in place and closes it once written); a CID-keyed
    CFF font (Noto Sans CJK) gets instead what fpdf2's writer would make of it (:func:`embedded`)."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont) and font.ttfont is None:
            if font.is_cff and font.is_cid_keyed:
                font.ttfont = embedded(font)
            else:
                font.ttfont = ttLib.TTFont(io.BytesIO(subset_bytes(font)), lazy=True, recalcTimestamp=False,
                                           recalcBBoxes=False)


class Embedded:
    """What fpdf2's writer reads of a CID-keyed CFF font once it has subset it (``fpdf/output.py``,
    ``_add_fonts``): each glyph's id and the compiled ``CFF `` table, which is all it embeds. Its
    subsetter leaves this font as it is (:class:`_Subsetter`), so a report of the same characters
    as an earlier one skips fontTools' subsetting and CFF compiling (about 0.2 s)."""

    def __init__(self, glyph_ids: dict[str, int], cff: bytes) -> None:
        self.glyph_ids = glyph_ids
        self.cff = cff

    def getGlyphID(self, name: str) -> int:  # fontTools' name
        return self.glyph_ids[name]

    def save(self, file: io.BytesIO) -> None:
        """The whole font is not embedded (fpdf2 embeds the ``CFF `` table alone): nothing to write."""

    def __contains__(self, tag: str) -> bool:
        return tag == "CFF "

    def __getitem__(self, tag: str) -> _CompiledTable:
        if tag != "CFF ":
            raise KeyError(tag)
        return _CompiledTable(self.cff)

    def close(self) -> None:
        """Nothing to close."""


class _CompiledTable:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def compile(self, font: object) -> bytes:
        return self.data


class _Subsetter(ftsubset.Subsetter):
    """fontTools' subsetter, leaving an :class:`Embedded` font (already subset) as it is."""

    def subset(self, font) -> None:  # noqa: ANN001
        if not isinstance(font, Embedded):
            super().subset(font)


def _install_subsetter() -> None:
    """fpdf2's writer subsets through :class:`_Subsetter` (anything but an :class:`Embedded` font as before)."""
    import types

    from fpdf import output

    if getattr(output.ftsubset, "Subsetter", None) is not _Subsetter:
        output.ftsubset = types.SimpleNamespace(Options=ftsubset.Options, Subsetter=_Subsetter)


def embedded(font: TTFFont) -> Embedded:
    """fpdf2's writer's subset of ``font`` (a CID-keyed CFF font), made as it makes it (fpdf2 2.8's
    options, from the whole font file, the subset's FontBBox recomputed) and kept like the cut-down fonts
    (``<key>.cff`` and ``<key>.gids``, keyed as :func:`subset_bytes` keys them). Made from the whole
    file at once: no cut-down font is written first (whose save measured every glyph kept three times
    over, for the head, hhea and vhea tables that a PDF does not embed)."""
    _install_subsetter()
    names = font.subset.get_all_glyph_names()
    wanted = sorted(set(names))
    path, size, mtime_ns = _stat(font.ttffile)
    index = font.collection_font_number
    key = hashlib.sha256("\n".join(["fpdf2 writer subset", _fingerprint(path, size, mtime_ns, index), _TOOLS,
                                     *wanted]).encode()).hexdigest()
    with _subsets_lock:
        cached = _subsets.get(key + ".cff"), _subsets.get(key + ".gids")
    if None in cached:
        cached = _read_disk(f"{key}.cff"), _read_disk(f"{key}.gids")
    ids = _glyph_ids(cached[1], wanted)
    if cached[0] is None or ids is None:  # not kept, or a file from elsewhere: made again (and written again)
        ttfont = ttLib.TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False)  # as fpdf2 opens it
        try:
            options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)  # fpdf2's, in _add_fonts
            options.drop_tables += list(FPDF_DROPPED_TABLES)
            subsetter = ftsubset.Subsetter(options)
            subsetter.populate(glyphs=names)
            subsetter.subset(ttfont)
            ids = {name: ttfont.getGlyphID(name) for name in wanted}
            cached = ttfont["CFF "].compile(ttfont), json.dumps(ids, sort_keys=True).encode()
        finally:
            ttfont.close()
        _write_disk(f"{key}.cff", cached[0])
        _write_disk(f"{key}.gids", cached[1])
    _remember(key + ".cff", cached[0])
    _remember(key + ".gids", cached[1])
    return Embedded(ids, cached[0])


def _glyph_ids(stored: bytes | None, names: list[str]) -> dict[str, int] | None:
    """The glyph ids kept as JSON, when they are those of exactly ``names``; else None."""
    try:
        ids = json.loads(stored) if stored is not None else None
    except ValueError:
        return None
    if not isinstance(ids, dict) or sorted(ids) != names or not all(type(v) is int for v in ids.values()):
        return None
    return ids


def cache_dir() -> Path | None:
    """Where cut-down fonts and parsed metrics are kept: ``TCM_SURVEY_CACHE``, else
    ``$XDG_CACHE_HOME/tcm-survey``, else ``~/.cache/tcm-survey`` (``fonts/`` inside it); ``None``
    (memory only) when none of these names an absolute folder (a service user without a home)."""
    base = os.environ.get(CACHE_ENV)
    if not base:
        try:
            parent = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        except RuntimeError:
            return None
        base = os.path.join(parent, "tcm-survey")
    return Path(base) / "fonts" if os.path.isabs(base) else None


_subsets: OrderedDict[str, bytes] = OrderedDict()
_subsets_lock = threading.Lock()


def _remember(key: str, data: bytes) -> None:
    with _subsets_lock:
        _subsets[key] = data
        _subsets.move_to_end(key)
        while len(_subsets) > CACHED_SUBSETS:
            _subsets.popitem(last=False)


def _read_disk(name: str) -> bytes | None:
    folder = cache_dir()
    try:
        return (folder / name).read_bytes() if folder is not None else None
    except OSError:
        return None


def _write_disk(name: str, data: bytes) -> None:
    """Write the file under a temporary name, then rename; a folder that cannot be written is skipped.
    Beyond :data:`CACHED_FILES` files of the same kind (suffix), the oldest are removed."""
    folder = cache_dir()
    suffix = Path(name).suffix
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, folder / name)
        files = sorted(folder.glob(f"*{suffix}"), key=lambda f: f.stat().st_mtime_ns)
        for old in files[:-CACHED_FILES]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def _cut_down(path: str, index: int, glyph_names: list[str]) -> bytes:
    """Face ``index`` of ``path`` subset to ``glyph_names`` with fpdf2's options (names kept)."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += list(FPDF_DROPPED_TABLES)
    font = ttLib.TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False)
    try:
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=glyph_names)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
    finally:
        font.close()
    return buffer.getvalue()


def subset_bytes(font: TTFFont) -> bytes:
    """The font file of ``font`` cut down to the glyphs its report used, from memory, disk or made now."""
    names = sorted({name for name in font.subset.get_all_glyph_names()})
    path, size, mtime_ns = _stat(font.ttffile)
    fingerprint = _fingerprint(path, size, mtime_ns, font.collection_font_number)
    key = hashlib.sha256("\n".join([fingerprint, _TOOLS, *names]).encode()).hexdigest()
    with _subsets_lock:
        data = _subsets.get(key)
    if data is None:
        data = _read_disk(f"{key}.otf")
        if data is None:
            data = _cut_down(path, font.collection_font_number, names)
            _write_disk(f"{key}.otf", data)
        _remember(key, data)
    return data


class OutlineProducer(OutputProducer):
    """fpdf2's writer, giving each font added by :func:`add_font` its outlines first (every page is laid
    out by then, the last footer included)."""

    def bufferize(self) -> bytearray:
        open_outlines(self.fpdf)
        return super().bufferize()
