"""A small campaign with honest and suspicious responses, for the integrity and quality CLI tests.

Six sites in two townships (three PSUs each). 20 honest responses per site, one phone each,
spread over the opening hours of five days, taking 3 minutes, knowing the answer 80% of the time.
At site ``01`` one phone then submits ``fakes`` more in a row, each in 3 seconds, all "knows".
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from survey.campaign import CampaignSpec, SiteSpec
from survey.questionnaire.loader import parse_questionnaire_text
from survey.collect.submission import Submission
from survey.storage import Store

from ..survey.storage.helpers import MINI

SECRET = b"integrity-test-secret-0123456789"
DAY0 = dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Asia/Shanghai


def mini():
    return parse_questionnaire_text(MINI, source="<mini>")


def spec() -> CampaignSpec:
    return CampaignSpec(name="质量核查测试", profile_id="liunan", opens_on=dt.date(2026, 5, 1), closes_on=dt.date(2026, 6, 30),
                        organizer="测试区卫生健康局")


def site_specs() -> list[SiteSpec]:
    return [SiteSpec(code=f"0{i}", name=f"调查点{i}", stratum=f"镇{i % 2}", kind="village_clinic", quotas={"mini": 30})
            for i in range(1, 7)]


def submissions(questionnaire, fakes: int = 30, seed: int = 3) -> list[Submission]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(1, 7):
        for k in range(20):
            at = DAY0 + dt.timedelta(days=k % 5, minutes=int(rng.integers(0, 11 * 60)))
            know = "true" if rng.random() < 0.8 else "false"
            answers = {"used": "yes", "overall": int(rng.integers(3, 6)), "know": know}
            out.append(Submission(f"0{i}", questionnaire, answers, nonce=f"honest-{i}-{k:03d}", source="qr", submitted_at=at,
                                  paradata={"duration_s": 180.0 + k, "device_id": f"phone-{i}-{k:03d}-honest", "mode": "self",
                                            "opened_at": (at - dt.timedelta(minutes=3)).isoformat()}))
    for k in range(fakes):
        at = DAY0 + dt.timedelta(days=5, minutes=k)
        out.append(Submission("01", questionnaire, {"used": "yes", "overall": 5, "know": "true"}, nonce=f"fake-{k:03d}",
                              source="qr", submitted_at=at,
                              paradata={"duration_s": 3.0, "device_id": "phone-of-the-clinic", "mode": "self"}))
    return out


def build(url: str, *, fakes: int = 30, keep=None) -> tuple[Store, int]:
    """The campaign in a new store at ``url``; ``keep``: only submissions whose nonce it accepts."""
    store = Store.open(url, secret=SECRET)
    q = mini()
    campaign = store.create_campaign(spec(), [q], site_specs(), actor="test")
    items = [s for s in submissions(q, fakes) if keep is None or keep(s.nonce)]
    store.submit_batch(campaign.id, items)
    return store, campaign.id
