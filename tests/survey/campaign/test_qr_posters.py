"""QR codes and posters, read back with a real decoder (zbar) from the PNGs and the PDF's pages."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from survey.campaign import CampaignSpec, SiteSpec
from survey.questionnaire.loader import parse_questionnaire_text
from survey.campaign.posters import PosterError, find_cjk_font, poster_items, write_campaign_posters
from survey.campaign.qr import make_qr, qr_matrix, qr_version, write_png, write_svg
from survey.storage import Store
from survey.campaign.tokens import check_token, parse_token

from ..storage.helpers import MINI

SECRET = b"poster-test-secret-0123456789abcdef"
BASE = "https://survey.liunan.example.cn"
ROOT = Path(__file__).resolve().parents[3]


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed (Debian package {package}; scripts/test.sh installs it)")
    return path


def decode(image: Path) -> list[str]:
    """Every QR code zbar finds in an image, as text."""
    zbarimg = need("zbarimg", "zbar-tools")
    result = subprocess.run([zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)], capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line]


def render_pages(pdf: Path, out: Path, dpi: int = 100) -> list[Path]:
    pdftoppm = need("pdftoppm", "poppler-utils")
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"))


@pytest.fixture
def campaign_in_store(tmp_path):
    staff = parse_questionnaire_text(
        MINI.replace("id: mini", "id: staffq").replace("audience: residents", "audience: staff")
    )
    resident = parse_questionnaire_text(MINI)
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    today = dt.date.today()
    sites = [
        SiteSpec("01", "太阳村镇卫生院", "太阳村镇", "township_centre", quotas={"mini": 20, "staffq": 5}),
        SiteSpec("02", "洛满镇洛满村卫生室", "洛满镇", "village_clinic", quotas={"mini": 10}),
        SiteSpec("A-7", "潭西街道社区卫生服务中心", "潭西街道", "community_centre"),
    ]
    spec = CampaignSpec("柳南区中医药服务调查", "liunan", today, today + dt.timedelta(days=30), organizer="柳南区卫生健康局")
    campaign = store.create_campaign(spec, [resident, staff], sites, actor="test")
    yield store, campaign
    store.close()


def test_qr_png_and_svg_decode(tmp_path) -> None:
    url = f"{BASE}/?t=12.07.r.kX3v9QnE-aU"
    png = write_png(url, tmp_path / "q.png")
    assert decode(png) == [url]
    svg = write_svg(url, tmp_path / "q.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("width") == f"{len(qr_matrix(url)) + 8}mm"
    assert make_qr(url).error_correction == make_qr(url, error="M").error_correction
    with pytest.raises(ValueError, match="L is too weak"):
        make_qr(url, error="L")


def test_full_url_is_version_4_or_lower_at_m() -> None:
    url = f"{BASE}/?t=123.A017.s.kX3v9QnE-aU"
    assert len(BASE) == 32
    assert qr_version(url, error="M") <= 4


def test_poster_set_decodes_to_valid_tokens(tmp_path, campaign_in_store) -> None:
    store, campaign = campaign_in_store
    posters = write_campaign_posters(campaign, BASE, SECRET, tmp_path / "out")
    # 01: both instruments; 02: only the resident survey (its quotas); A-7: no quotas -> both
    assert [(i.site.code, i.instrument.questionnaire_id) for i in posters.items] == [
        ("01", "mini"), ("01", "staffq"), ("02", "mini"), ("A-7", "mini"), ("A-7", "staffq"),
    ]
    for item, png, svg in zip(posters.items, posters.png, posters.svg):
        assert png.name == f"c{campaign.id}-{item.site.code}-{item.instrument.questionnaire_id}.png"
        assert svg.exists()
        assert decode(png) == [item.url]
        assert item.url == f"{BASE}/?t={item.token}"
        assert store.check_token(item.token, SECRET).ok
    pages = render_pages(posters.pdf, tmp_path)
    assert len(pages) == len(posters.items)
    for page, item in zip(pages, posters.items):
        found = decode(page)
        assert found == [item.url], page.name
        token = found[0].split("?t=", 1)[1]
        result = store.check_token(token, SECRET)
        assert result.ok and result.payload == parse_token(item.token)[0]
    index = (tmp_path / "out" / "index.csv").read_bytes()
    assert index.startswith(b"\xef\xbb\xbf") and "太阳村镇卫生院".encode() in index


def test_poster_fonts_are_embedded(tmp_path, campaign_in_store) -> None:
    _, campaign = campaign_in_store
    posters = write_campaign_posters(campaign, BASE, SECRET, tmp_path, sites=["01"], instruments=["mini"])
    pdffonts = need("pdffonts", "poppler-utils")
    listing = subprocess.run([pdffonts, str(posters.pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    for row in rows:
        assert " yes yes " in row, f"font not embedded as a subset: {row}"
    text = subprocess.run([need("pdftotext", "poppler-utils"), str(posters.pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("太阳村镇卫生院", "匿名", "约 2 分钟", "柳南区卫生健康局", "扫描二维码"):
        assert words in text.replace("\n", ""), words
    footer = next(line for line in text.splitlines() if "调查点编号" in line)
    assert "小问卷" in footer and "mini" not in footer and "问卷 " not in footer  # the title, not the code


def test_missing_font_names_the_package(monkeypatch) -> None:
    import survey.campaign.posters as posters

    monkeypatch.delenv("TCM_SURVEY_FONT", raising=False)
    monkeypatch.setattr(posters, "FONT_CANDIDATES", (("/nonexistent/font.ttc", None, None),))
    with pytest.raises(PosterError, match="fonts-noto-cjk"):
        find_cjk_font()
    monkeypatch.setenv("TCM_SURVEY_FONT", "/nonexistent/x.ttf")
    with pytest.raises(PosterError, match="not a file"):
        find_cjk_font()


@pytest.mark.parametrize("base", ["survey.example.cn", "ftp://x.example.cn", "https://x.example.cn/?a=1", "https://x y.cn"])
def test_bad_base_url(base, campaign_in_store) -> None:
    _, campaign = campaign_in_store
    with pytest.raises(PosterError, match="base URL"):
        poster_items(campaign, base, SECRET)


def test_posters_command(tmp_path, campaign_in_store, monkeypatch) -> None:
    store, campaign = campaign_in_store
    out = tmp_path / "cli"
    env_secret = "command-line-secret-0123456789"
    result = subprocess.run(
        [sys.executable, "-m", "survey", "posters", "--db", str(store.engine.url), "--campaign", str(campaign.id),
         "--base-url", BASE, "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, env={**_env(), "TCM_SURVEY_SECRET": env_secret},
    )
    assert result.returncode == 0, result.stderr
    assert (out / f"posters-campaign-{campaign.id}.pdf").exists()
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 5
    url = decode(pngs[0])[0]
    assert check_token(url.split("?t=")[1], env_secret.encode(), store.find_campaign).ok

    missing = subprocess.run(
        [sys.executable, "-m", "survey", "posters", "--db", str(store.engine.url), "--campaign", "999",
         "--base-url", BASE, "--out", str(tmp_path / "none")],
        cwd=ROOT, capture_output=True, text=True, env={**_env(), "TCM_SURVEY_SECRET": env_secret},
    )
    assert missing.returncode != 0 and "no campaign with id 999" in missing.stderr
    assert not (tmp_path / "none").exists()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("TCM_SURVEY_SECRET", "TCM_SURVEY_DB")}


def test_poster_progress_is_reported_in_order(tmp_path, campaign_in_store) -> None:
    _, campaign = campaign_in_store
    seen: list[tuple[int, int, str]] = []
    posters = write_campaign_posters(campaign, BASE, SECRET, tmp_path, progress=lambda *a: seen.append(a))
    total = len(posters.items)
    assert [s for s in seen if s[2] == "qr"] == [(i, total, "qr") for i in range(total)]
    assert seen[-2:] == [(total, total, "pdf"), (total, total, "done")]
