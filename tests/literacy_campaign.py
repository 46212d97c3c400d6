"""A 钦州 campaign of the 中医药健康文化素养 instrument with simulated answers (for report and
dashboard tests): four illustrative strata of two village sites each, equal populations."""

from __future__ import annotations

import datetime as dt

import numpy as np

from survey.campaign import CampaignSpec, SiteSpec
from survey.collect.simulate import simulate_answers
from survey.collect.submission import Submission
from survey.questionnaire.catalog import shipped_questionnaires

STRATA = ("钦南区", "钦北区", "灵山县", "浦北县")


def literacy_campaign(store, *, per_site: int = 30, seed: int = 3):  # noqa: ANN001, ANN201
    literacy = shipped_questionnaires()["literacy"]
    sites = [SiteSpec(f"{i:02d}{s}", f"{t}示例村{s}", t, "village_clinic", psu=f"{i:02d}{s}", quotas={"literacy": per_site},
                      stratum_population=100_000, extra={"illustrative": True})
             for i, t in enumerate(STRATA, 1) for s in "AB"]
    today = dt.datetime.now(dt.timezone.utc).date()
    spec = CampaignSpec(name="测试：钦州中医药健康文化素养（模拟数据）", profile_id="qinzhou", opens_on=today - dt.timedelta(days=10),
                        closes_on=today + dt.timedelta(days=10), organizer="测试", demo=True)
    campaign = store.create_campaign(spec, [literacy], sites, actor="system")
    rng = np.random.default_rng(seed)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    submissions = [
        Submission(site_code=site.code, questionnaire=literacy, answers=simulate_answers(literacy, rng),
                   nonce=f"nonce-{site.code}-{k:04d}", source="qr", submitted_at=now - dt.timedelta(minutes=20 * k),
                   language="zh", simulated=True, paradata={})
        for site in campaign.sites for k in range(per_site)
    ]
    store.submit_batch(campaign.id, submissions)
    return campaign
