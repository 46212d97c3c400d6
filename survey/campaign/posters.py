"""Printable A4 posters in Chinese, one per site and instrument, all of a campaign in one PDF.

Each poster says what the survey is for and who runs it, names the site, says how long it takes
and that it is anonymous, and carries the site's QR code 110 mm wide, drawn as vectors (one
filled path, so no seams between modules), which a phone reads from well beyond a metre.

Chinese text uses an embedded subset of a CJK font found at run time (:func:`find_cjk_font`):
Noto Sans CJK SC from Debian's ``fonts-noto-cjk`` (an OpenType/CFF collection that fpdf2 embeds
as CID-keyed CFF), else WenQuanYi Zen Hei (``fonts-wqy-zenhei``), else Droid Sans Fallback; or a
file named by ``TCM_SURVEY_FONT``. The PDF therefore shows real glyphs on any machine.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from survey.campaign.model import SITE_KINDS, Campaign, CampaignInstrument, Site
from survey.errors import SurveyError
from survey.campaign.qr import qr_matrix, write_png, write_svg
from survey.campaign.tokens import make_token, token_url

ENV_FONT = "TCM_SURVEY_FONT"


class PosterError(SurveyError):
    """Posters cannot be made (no Chinese font, bad base URL, nothing to print)."""


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # face number inside a .ttc collection
    bold_path: Path | None = None
    bold_index: int = 0


# (regular, bold or None, family name to pick inside a collection)
FONT_CANDIDATES: tuple[tuple[str, str | None, str | None], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None, "WenQuanYi Zen Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None, "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None, None),
)


def find_cjk_font() -> FontFile:
    """The first Chinese font found: ``TCM_SURVEY_FONT``, else :data:`FONT_CANDIDATES`.

    Raises PosterError naming the Debian package to install when there is none.
    """
    override = os.environ.get(ENV_FONT)
    if override:
        path = Path(override)
        if not path.is_file():
            raise PosterError(f"{ENV_FONT}={override} is not a file")
        return FontFile(path)
    for regular, bold, family in FONT_CANDIDATES:
        path = Path(regular)
        if not path.is_file():
            continue
        index = _face_index(path, family)
        if bold and Path(bold).is_file():
            return FontFile(path, index, Path(bold), _face_index(Path(bold), family))
        return FontFile(path, index)
    looked = ", ".join(c[0] for c in FONT_CANDIDATES)
    raise PosterError(
        "no Chinese font found for the posters (looked for " + looked + "). "
        "Install the Debian package fonts-noto-cjk (or fonts-wqy-zenhei), "
        f"or set {ENV_FONT} to a .ttf/.otf/.ttc file with Chinese glyphs."
    )


def _face_index(path: Path, family: str | None) -> int:
    """The number of ``family``'s face in the collection ``path`` (0 when not found or not a collection);
    read once per process and file version (the PDF report and each forest plot ask again)."""
    if family is None or path.suffix.lower() != ".ttc":
        return 0
    info = path.stat()
    return _collection_face_index(str(path), info.st_size, info.st_mtime_ns, family)


@functools.lru_cache(maxsize=16)
def _collection_face_index(path: str, size: int, mtime_ns: int, family: str) -> int:
    del size, mtime_ns  # in the key: a collection replaced on disk is read again
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            names = {font["name"].getDebugName(1), font["name"].getDebugName(4)}
            if family in names:
                return index
    finally:
        collection.close()
    return 0


@dataclass(frozen=True)
class PosterItem:
    """One poster: a site and an instrument of a campaign, with its token and URL."""

    campaign: Campaign
    site: Site
    instrument: CampaignInstrument
    token: str
    url: str

    @property
    def stem(self) -> str:
        """File name stem of its QR images: ``c<campaign>-<site>-<instrument id>``."""
        return f"c{self.campaign.id}-{self.site.code}-{self.instrument.questionnaire_id}"


def poster_items(
    campaign: Campaign,
    base_url: str,
    secret: bytes,
    *,
    sites: Sequence[str] | None = None,
    instruments: Sequence[str] | None = None,
) -> list[PosterItem]:
    """One item per site and instrument (optionally only the given site codes / questionnaire ids).

    An instrument is printed for a site unless the site's quotas leave it out: a site with
    quotas for some instruments but not this one gets no poster for it.
    """
    check_base_url(base_url)
    items = []
    for site in campaign.sites:
        if sites is not None and site.code not in sites:
            continue
        for instrument in campaign.instruments:
            if instruments is not None and instrument.questionnaire_id not in instruments:
                continue
            if site.quotas and not site.quotas.get(instrument.questionnaire_id):
                continue
            token = make_token(secret, campaign.id, site.code, instrument.short_id)
            items.append(PosterItem(campaign, site, instrument, token, token_url(base_url, token)))
    return items


def check_base_url(base_url: str) -> None:
    if not base_url.startswith(("https://", "http://")) or len(base_url) < 10 or any(c.isspace() for c in base_url):
        raise PosterError(f"base URL {base_url!r} must be the public address of the form, e.g. https://survey.example.gov.cn")
    if "?" in base_url or "#" in base_url:
        raise PosterError(f"base URL {base_url!r} must not hold a query or fragment: the token is added as ?t=...")


# ------------------------------------------------------------------------------------ layout

GREEN = (27, 94, 32)
DARK = (33, 33, 33)
GREY = (97, 97, 97)
QR_SIZE_MM = 100.0  # about a tenth of the scanning distance: readable from a metre

PURPOSE = {
    "residents": "为了解群众对基层中医药服务的评价和对中医药知识、服务内容的知晓情况，改进和提升基层中医药服务，"
    "{organizer}组织开展本次调查。您的回答对我们很重要，感谢您的支持！",
    "staff": "为了解基层医疗卫生机构中医药人员对中医药相关政策的知晓情况，{organizer}组织开展本次政策知晓测试。"
    "请独立作答，感谢您的配合！",
}


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _PosterPDF(FPDF):
    def __init__(self, font: FontFile) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(18, 15, 18)
        self.add_font("cjk", "", str(font.path), collection_font_number=font.index)
        if font.bold_path is not None:
            self.add_font("cjk", "B", str(font.bold_path), collection_font_number=font.bold_index)
        self.bold = "B" if font.bold_path is not None else ""
        self._lines: dict[tuple, list[str]] = {}
        self.set_title("调查二维码海报 / Survey QR posters")
        self.set_creator("tcm-survey")

    def paragraph(self, text: str, width: float, line_height: float) -> None:
        """``multi_cell`` with the line breaks cached: posters repeat the same paragraphs."""
        key = (text, self.font_family, self.font_style, self.font_size_pt, width)
        lines = self._lines.get(key)
        if lines is None:
            lines = self.multi_cell(width, line_height, text, wrapmode=WrapMode.CHAR, dry_run=True, output="LINES")
            self._lines[key] = lines
        for line in lines:
            self.cell(width, line_height, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fit_text(self, text: str, size: float, *, width: float, style: str = "", minimum: float = 10) -> float:
        """The largest font size <= ``size`` at which ``text`` fits on one line of ``width`` mm."""
        self.set_font("cjk", style, size)
        while size > minimum and self.get_string_width(text) > width:
            size -= 1
            self.set_font("cjk", style, size)
        return size

    def qr(self, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
        """Draw the dark modules as filled rectangles, one per horizontal run."""
        n = len(matrix)
        module = size / n
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    self.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
                else:
                    c += 1


def _poster_page(pdf: _PosterPDF, item: PosterItem) -> None:
    campaign, site, instrument = item.campaign, item.site, item.instrument
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    bold = pdf.bold

    # Heading band: the survey's title.
    pdf.set_fill_color(*GREEN)
    pdf.rect(0, 0, pdf.w, 38, style="F")
    pdf.set_text_color(255, 255, 255)
    title = instrument.title.get("zh") or instrument.title.get("en") or instrument.questionnaire_id
    pdf.fit_text(title, 30, width=width, style=bold)
    pdf.set_xy(pdf.l_margin, 9)
    pdf.cell(width, 14, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", "", 13)
    subtitle = "扫码填写 · 匿名 · 约需{}分钟".format(instrument.estimated_minutes or 5)
    pdf.cell(width, 9, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    y = 44
    if campaign.demo:
        pdf.set_fill_color(255, 236, 179)
        pdf.set_text_color(*DARK)
        pdf.set_font("cjk", bold, 12)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(width, 8, "演示用海报（示例数据，非正式调查）  Demo poster: illustrative data", align="C", fill=True)
        y += 10

    # The site.
    pdf.set_text_color(*DARK)
    pdf.fit_text(site.name, 26, width=width, style=bold)
    pdf.set_xy(pdf.l_margin, y + 2)
    pdf.cell(width, 12, site.name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*GREY)
    pdf.set_font("cjk", "", 12)
    kind = SITE_KINDS.get(site.kind, {}).get("zh", site.kind)
    pdf.cell(width, 7, f"{site.stratum} · {kind}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # What it is for and who runs it.
    pdf.set_text_color(*DARK)
    pdf.set_font("cjk", "", 12.5)
    organizer = campaign.organizer or "当地卫生健康行政部门"
    purpose = PURPOSE["staff" if instrument.audience == "staff" else "residents"].format(organizer=organizer)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + 3)
    pdf.paragraph(purpose, width, 6.5)

    # The QR code, centred, with its quiet zone (4 modules) inside the green frame.
    matrix = qr_matrix(item.url)
    quiet = 4 * QR_SIZE_MM / len(matrix)
    qr_top = pdf.get_y() + 5 + quiet
    qr_x = (pdf.w - QR_SIZE_MM) / 2
    pdf.qr(matrix, qr_x, qr_top, QR_SIZE_MM)
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(0.8)
    pdf.rect(qr_x - quiet, qr_top - quiet, QR_SIZE_MM + 2 * quiet, QR_SIZE_MM + 2 * quiet, style="D")
    pdf.set_xy(pdf.l_margin, qr_top + QR_SIZE_MM + quiet + 3)
    pdf.set_font("cjk", bold, 15)
    pdf.set_text_color(*GREEN)
    pdf.cell(width, 8, "请用手机微信或相机扫描二维码填写", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Practical facts.
    pdf.set_text_color(*DARK)
    pdf.set_font("cjk", "", 12)
    facts = [
        f"● 填写时间：约 {instrument.estimated_minutes or 5} 分钟",
        "● 匿名填写：不收集姓名、电话、身份证号等个人信息，结果仅用于统计分析",
        f"● 调查时间：{_date_zh(campaign.opens_on)} 至 {_date_zh(campaign.closes_on)}",
        f"● 组织单位：{organizer}",
    ]
    pdf.set_y(pdf.get_y() + 2)
    for fact in facts:
        pdf.paragraph(fact, width, 6.5)

    # Footer: the link in words and the poster's identity, for whoever hangs or checks it.
    pdf.set_text_color(*GREY)
    pdf.set_font("cjk", "", 8.5)
    pdf.set_xy(pdf.l_margin, pdf.h - 16)
    pdf.cell(width, 5, item.url, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    identity = f"{campaign.name} · 调查点编号 {site.code} · {title}"  # in words: no questionnaire code
    pdf.fit_text(identity, 8.5, width=width, minimum=6)
    pdf.cell(width, 5, identity, align="C")


def render_posters(items: Sequence[PosterItem], path: str | Path, *, font: FontFile | None = None) -> Path:
    """Write all posters into one A4 PDF, one page each; return its path."""
    if not items:
        raise PosterError("nothing to print: the campaign has no site with an instrument")
    pdf = _PosterPDF(font or find_cjk_font())
    for item in items:
        _poster_page(pdf, item)
    path = Path(path)
    pdf.output(str(path))
    return path


@dataclass(frozen=True)
class PosterSet:
    pdf: Path
    index: Path
    items: tuple[PosterItem, ...]
    png: tuple[Path, ...]
    svg: tuple[Path, ...]


def write_campaign_posters(
    campaign: Campaign,
    base_url: str,
    secret: bytes,
    out_dir: str | Path,
    *,
    sites: Sequence[str] | None = None,
    instruments: Sequence[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> PosterSet:
    """Into ``out_dir``: a QR PNG and SVG per site and instrument, one PDF of all posters, and
    ``index.csv`` (UTF-8 with BOM, for Excel) listing site, instrument, token, URL and files.

    ``progress(done, total, stage)`` is called as the work goes on (``stage`` is ``"qr"`` for each
    code, ``"pdf"`` before the PDF is laid out and ``"done"`` at the end), so a caller can show it."""
    font = find_cjk_font()  # fail before writing anything
    items = poster_items(campaign, base_url, secret, sites=sites, instruments=instruments)
    if not items:
        raise PosterError(f"campaign {campaign.id} has no site with an instrument to print")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda done, total, stage: None)
    pngs, svgs = [], []
    for number, item in enumerate(items):
        report(number, len(items), "qr")
        pngs.append(write_png(item.url, out / f"{item.stem}.png"))
        svgs.append(write_svg(item.url, out / f"{item.stem}.svg"))
    report(len(items), len(items), "pdf")
    pdf = render_posters(items, out / f"posters-campaign-{campaign.id}.pdf", font=font)
    index = out / "index.csv"
    with index.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["page", "site", "site_name", "stratum", "kind", "instrument", "token", "url", "png", "svg"])
        for page, (item, png, svg) in enumerate(zip(items, pngs, svgs), start=1):
            writer.writerow(
                [page, item.site.code, item.site.name, item.site.stratum, item.site.kind,
                 item.instrument.questionnaire_id, item.token, item.url, png.name, svg.name]
            )
    report(len(items), len(items), "done")
    return PosterSet(pdf, index, tuple(items), tuple(pngs), tuple(svgs))
def zip_folder(folder: str | Path, *, pattern: str = "*") -> bytes:
    """The files of ``folder`` matching ``pattern`` as one ZIP archive (for a download button)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).glob(pattern)):
            if path.is_file():
                archive.write(path, path.name)
    return buffer.getvalue()
