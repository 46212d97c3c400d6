"""Forest plots (one per indicator): county and townships with their intervals and the threshold line.

Drawn with Pillow (already a dependency through ``qrcode[pil]``) and the CJK font that the posters
use, as a PNG that both the Word and the PDF report embed. A plot is drawn once per content
(:func:`forest_png` keeps the last :data:`CACHED_PLOTS` in memory, keyed by rows, threshold and
labels), so the Word and PDF files of the same results, or a report written again, reuse it.
:class:`PlotDrawer` draws a report's plots on :data:`DRAWING_THREADS` threads while the report's
other blocks are made: Pillow compresses the PNG (about 35 ms of a 2000 x 900 plot's 50 ms) without
holding the interpreter lock, so on two cores the plots take about half the time.
"""

from __future__ import annotations

import functools
import io
import math
import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:  # Pillow is imported when a plot is drawn: a workbook or JSON summary draws none
    from PIL import ImageFont

    from survey.campaign.posters import FontFile

VERDICT_COLOURS = {"met": (26, 127, 55), "not_met": (196, 40, 40), "inconclusive": (110, 110, 110),
                   "few_sites": (185, 185, 185), None: (110, 110, 110)}
CACHED_PLOTS = 64  # PNGs kept (about 60 kB each at 12 rows)
DRAWING_THREADS = 2  # at most; one (no thread) on a single-core machine


@dataclass(frozen=True)
class ForestRow:
    label: str
    estimate: float | None
    low: float | None
    high: float | None
    verdict: str | None
    text: str  # e.g. "88.3%（82.1%–92.4%）"
    bold: bool = False


def _font(face: FontFile, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    path, index = (face.bold_path, face.bold_index) if bold and face.bold_path else (face.path, face.index)
    return ImageFont.truetype(str(path), size=size, index=index)


def forest_png(rows: Sequence[ForestRow], threshold: float | None, *, title: str = "", threshold_label: str = "",
               scale: float = 1.0) -> bytes:
    """A PNG (about 2000 px wide) of ``rows``; the x axis runs in percent, with a dashed threshold line.

    Drawn once per content: the same rows, threshold and labels give the same bytes from memory."""
    return _forest_png(tuple(rows), threshold, title, threshold_label, scale)


class PlotDrawer:
    """Draws forest plots (:func:`forest_png`) on up to ``threads`` threads; :meth:`draw` returns at once.
    Use as a context manager: the threads end with it."""

    def __init__(self, threads: int | None = None) -> None:
        threads = min(DRAWING_THREADS, os.cpu_count() or 1) if threads is None else threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="forest") if threads > 1 else None

    def draw(self, rows: Sequence[ForestRow], threshold: float | None, *, title: str = "",
             threshold_label: str = "") -> Future[bytes]:
        """The plot's PNG, to come (drawn here at once without threads)."""
        if self._pool is not None:
            return self._pool.submit(forest_png, rows, threshold, title=title, threshold_label=threshold_label)
        done: Future[bytes] = Future()
        done.set_result(forest_png(rows, threshold, title=title, threshold_label=threshold_label))
        return done

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


@functools.lru_cache(maxsize=CACHED_PLOTS)
def _forest_png(rows: tuple[ForestRow, ...], threshold: float | None, title: str, threshold_label: str,
                scale: float) -> bytes:
    s = 2.0 * scale
    row_h = int(30 * s)
    top = int(46 * s) if title else int(18 * s)
    bottom = int(52 * s)
    width = int(1000 * s)
    label_w, text_w = int(210 * s), int(250 * s)
    plot_l, plot_r = label_w + int(10 * s), width - text_w - int(10 * s)
    height = top + row_h * len(rows) + bottom
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    from survey.campaign.posters import find_cjk_font

    face = find_cjk_font()  # once: it opens the font collections to find the face
    f_text, f_bold, f_small = _font(face, int(15 * s)), _font(face, int(15 * s), True), _font(face, int(13 * s))
    lows = [r.low for r in rows if r.low is not None and not math.isnan(r.low)]
    lo = min(lows + ([threshold] if threshold else []) + [1.0]) if lows or threshold else 0.0
    x_min = max(0.0, math.floor((lo - 0.05) * 20) / 20)
    x_max = 1.0

    def x(value: float) -> float:
        return plot_l + (value - x_min) / (x_max - x_min) * (plot_r - plot_l)

    if title:
        draw.text((int(10 * s), int(10 * s)), title, fill="black", font=f_bold)
    axis_y = top + row_h * len(rows) + int(6 * s)
    step = 0.05 if x_max - x_min <= 0.4 else 0.1
    tick = x_min
    while tick <= x_max + 1e-9:
        tx = x(tick)
        draw.line([(tx, top), (tx, axis_y)], fill=(232, 232, 232), width=1)
        draw.line([(tx, axis_y), (tx, axis_y + int(5 * s))], fill="black", width=max(1, int(s)))
        label = f"{tick * 100:.0f}%"
        w = draw.textlength(label, font=f_small)
        draw.text((tx - w / 2, axis_y + int(8 * s)), label, fill="black", font=f_small)
        tick = round(tick + step, 10)
    draw.line([(plot_l, axis_y), (plot_r, axis_y)], fill="black", width=max(1, int(s)))
    if threshold is not None:
        tx = x(threshold)
        y = top - int(6 * s)
        while y < axis_y:
            draw.line([(tx, y), (tx, min(y + int(7 * s), axis_y))], fill=(200, 30, 30), width=max(2, int(1.5 * s)))
            y += int(12 * s)
        if threshold_label:
            w = draw.textlength(threshold_label, font=f_small)
            draw.text((min(tx + int(4 * s), width - w - 4), top - int(22 * s) if title else 0), threshold_label,
                      fill=(200, 30, 30), font=f_small)
    for i, r in enumerate(rows):
        cy = top + row_h * i + row_h // 2
        font = f_bold if r.bold else f_text
        draw.text((int(10 * s), cy - int(10 * s)), r.label, fill="black", font=font)
        draw.text((plot_r + int(14 * s), cy - int(10 * s)), r.text, fill="black", font=font)
        colour = VERDICT_COLOURS.get(r.verdict, VERDICT_COLOURS[None])
        few = isinstance(r.verdict, str) and r.verdict == "few_sites"  # no verdict of its own: thin, pale, hollow
        line_w = max(1, int(s)) if few else max(2, int(2 * s))
        if r.low is not None and r.high is not None and not (math.isnan(r.low) or math.isnan(r.high)):
            draw.line([(x(max(r.low, x_min)), cy), (x(r.high), cy)], fill=colour, width=line_w)
            for end in (r.low, r.high):
                if end >= x_min:
                    draw.line([(x(end), cy - int(5 * s)), (x(end), cy + int(5 * s))], fill=colour, width=line_w)
        if r.estimate is not None and not math.isnan(r.estimate):
            half = int((6 if r.bold else 5) * s)
            ex = x(max(r.estimate, x_min))
            if r.bold:
                draw.polygon([(ex - half * 1.4, cy), (ex, cy - half), (ex + half * 1.4, cy), (ex, cy + half)], fill=colour)
            elif few:
                draw.rectangle([ex - half, cy - half, ex + half, cy + half], fill="white", outline=(120, 120, 120),
                               width=max(1, int(s)))
            else:
                draw.rectangle([ex - half, cy - half, ex + half, cy + half], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(200, 200))
    return buffer.getvalue()
