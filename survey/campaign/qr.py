"""QR codes for site links: a standard QR (never Micro QR), error correction M or higher.

The smallest version that holds the data is used, so a short URL gives coarse modules that a
phone reads from a printed A4 poster at a metre. A 30-character base URL with a site token
(``https://survey.example.gov.cn/?t=12.07.r.kX3v9QnE-aU``, 53 characters) fits version 4 at M.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathFillImage

ERROR_LEVELS = {
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
QUIET_ZONE = 4  # modules of white border the standard asks for


def make_qr(data: str, *, error: str = "M", border: int = QUIET_ZONE, box_size: int = 10) -> qrcode.QRCode:
    """A fitted QR code for ``data`` at error level ``error`` (M, Q or H; L is refused)."""
    if error not in ERROR_LEVELS:
        raise ValueError(f"error correction must be one of {list(ERROR_LEVELS)} (L is too weak for posters), got {error!r}")
    version, mask = _fit(data, error)
    code = qrcode.QRCode(
        version=version, error_correction=ERROR_LEVELS[error], border=border, box_size=box_size, mask_pattern=mask
    )
    code.add_data(data, optimize=0)
    code.make(fit=False)
    return code


@lru_cache(maxsize=4096)
def _fit(data: str, error: str) -> tuple[int, int]:
    """The smallest version and the best mask for ``data``, cached: a poster's PNG, SVG and PDF
    drawing need them once. The mask is qrcode's choice (the lowest ISO 18004 penalty, scored
    with the format bits blank, as ``QRCode.best_mask_pattern`` does), computed with numpy from
    one masked layout instead of eight."""
    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[error])
    code.add_data(data, optimize=0)
    version = code.best_fit()
    return version, _best_mask(code)


_PATTERN_A = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
_PATTERN_B = _PATTERN_A[::-1].copy()


def _mask_grid(pattern: int, n: int) -> np.ndarray:
    i, j = np.indices((n, n))
    return {
        0: (i + j) % 2 == 0,
        1: i % 2 == 0,
        2: j % 3 == 0,
        3: (i + j) % 3 == 0,
        4: (i // 2 + j // 3) % 2 == 0,
        5: (i * j) % 2 + (i * j) % 3 == 0,
        6: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        7: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
    }[pattern]


def _best_mask(code: qrcode.QRCode) -> int:
    code.makeImpl(True, 0)  # test layout: format bits light, data under mask 0
    base = np.array(code.modules, dtype=bool)
    n = base.shape[0]
    # data modules: those the function patterns and the (blank) format/version info leave free
    code.modules = [[None] * n for _ in range(n)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(n - 7, 0)
    code.setup_position_probe_pattern(0, n - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)
    if code.version >= 7:
        code.setup_type_number(True)
    free = np.array([[m is None for m in row] for row in code.modules], dtype=bool)
    mask0 = _mask_grid(0, n)
    scores = [_penalty(base ^ (free & (mask0 ^ _mask_grid(k, n)))) for k in range(8)]
    return int(np.argmin(scores))  # first of equals, as qrcode does


def _penalty(modules: np.ndarray) -> int:
    n = modules.shape[0]
    lines = np.concatenate([modules, modules.T]).astype(np.int8)
    # rule 1: runs of 5 or more same-coloured modules in a row or column: length - 2 each
    padded = np.full((lines.shape[0], n + 1), 2, dtype=np.int8)
    padded[:, :n] = lines
    flat = padded.ravel()
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    lengths = np.diff(np.r_[starts, flat.size])
    runs = lengths[(flat[starts] != 2) & (lengths >= 5)]
    points = int((runs - 2).sum())
    # rule 2: 2x2 blocks of one colour: 3 each
    m = modules
    block = (m[:-1, :-1] == m[1:, :-1]) & (m[:-1, :-1] == m[:-1, 1:]) & (m[:-1, :-1] == m[1:, 1:])
    points += 3 * int(block.sum())
    # rule 3: finder-like 1:1:3:1:1 with 4 light modules on one side: 40 each
    windows = np.lib.stride_tricks.sliding_window_view(lines.astype(bool), 11, axis=1)
    points += 40 * int(((windows == _PATTERN_A).all(-1) | (windows == _PATTERN_B).all(-1)).sum())
    # rule 4: 10 for every full 5 % the dark share is away from 50 %
    points += 10 * int(abs(float(m.sum()) / (n * n) * 100 - 50) / 5)
    return points


def qr_version(data: str, *, error: str = "M") -> int:
    """The QR version (1-40; 21 + 4*(v-1) modules a side) that ``data`` needs."""
    return make_qr(data, error=error).version


def qr_matrix(data: str, *, error: str = "M") -> list[list[bool]]:
    """The modules (True = dark) without the quiet zone."""
    code = make_qr(data, error=error, border=0)
    return [list(row) for row in code.get_matrix()]


def write_png(data: str, path: str | Path, *, error: str = "M", box_size: int = 10) -> Path:
    """A black-on-white PNG with a 4-module quiet zone, ``box_size`` pixels per module."""
    path = Path(path)
    image = make_qr(data, error=error, box_size=box_size).make_image(fill_color="black", back_color="white")
    image.save(path, format="PNG")
    return path


def write_svg(data: str, path: str | Path, *, error: str = "M") -> Path:
    """A vector QR (one path on white, millimetre units) with a 4-module quiet zone, for print shops."""
    path = Path(path)
    image = make_qr(data, error=error).make_image(image_factory=SvgPathFillImage)
    with path.open("wb") as handle:
        image.save(handle)
    return path
