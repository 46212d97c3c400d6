"""QR codes for site links: a standard QR (never Micro QR), error correction M or higher.

The smallest version that holds the data is used, so a short URL gives coarse modules that a
phone reads from a printed A4 poster at a metre. A 30-character base URL with a site token
(``https://survey.example.gov.cn/?t=12.07.r.kX3v9QnE-aU``, 53 characters) fits version 4 at M.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    """The smallest version and the best mask for ``data`` (the slow part: cached, so a poster's
    PNG, SVG and PDF drawing choose them once)."""
    code = qrcode.QRCode(version=None, error_correction=ERROR_LEVELS[error])
    code.add_data(data, optimize=0)
    version = code.best_fit()
    return version, code.best_mask_pattern()


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
