"""Benchmark: 500 posters (250 sites x 2 instruments) rendered into one A4 PDF.

Times ``survey.campaign.posters.render_posters`` alone (tokens signed, QR codes made, Chinese font
embedded as a subset, PDF written), then the whole ``write_campaign_posters`` (adds 500 PNG and
500 SVG files and index.csv). Target: the PDF in under 10 seconds.

Run: ``.venv/bin/python benchmarks/posters_500.py``
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey.campaign import CampaignSpec, SiteSpec  # noqa: E402
from survey.questionnaire.catalog import shipped_questionnaires  # noqa: E402
from survey.campaign.posters import poster_items, render_posters, write_campaign_posters  # noqa: E402
from survey.storage import Store  # noqa: E402

BASE_URL = "https://survey.liunan.example.cn"
SECRET = b"benchmark-secret-0123456789abcdef"


def main() -> None:
    questionnaires = list(shipped_questionnaires().values())
    strata = ["太阳村镇", "洛满镇", "流山镇", "柳南街道", "柳石街道", "南站街道", "河西街道", "鹅山街道", "银山街道", "南环街道", "潭西街道"]
    sites = [
        SiteSpec(f"{i:03d}", f"{strata[i % len(strata)]}第{i}示例村卫生室", strata[i % len(strata)], "village_clinic")
        for i in range(1, 251)
    ]
    today = dt.date.today()
    with Store.open("sqlite://") as store:
        campaign = store.create_campaign(
            CampaignSpec("海报基准（示例）", "liunan", today, today + dt.timedelta(days=30), organizer="柳南区卫生健康局"),
            questionnaires,
            sites, actor="benchmark",
        )
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        items = poster_items(campaign, BASE_URL, SECRET)
        pdf = render_posters(items, Path(folder) / "posters.pdf")
        pdf_seconds = time.perf_counter() - t0
        size = pdf.stat().st_size
        t0 = time.perf_counter()
        result = write_campaign_posters(campaign, BASE_URL, SECRET, Path(folder) / "all")
        all_seconds = time.perf_counter() - t0
    print(f"posters {len(items)}: one PDF in {pdf_seconds:.2f} s ({size / 1e6:.1f} MB; target < 10 s)")
    print(f"with {len(result.png)} PNG + {len(result.svg)} SVG + index.csv: {all_seconds:.2f} s")


if __name__ == "__main__":
    main()
