"""A demo campaign on an illustrative 柳南区 frame, with simulated responses, clearly labelled.

The strata are the real township-level units of 柳南区 (3 towns and 8 street offices, from the
district's 2024 creation plan). Everything else is illustrative: the populations, the site names
(built from the stratum's name: "<镇>卫生院", "<镇>示例村卫生室", ...) and the quotas. The campaign
is marked ``demo``, its name says 演示, every site carries ``extra = {"illustrative": true}``, and
every response is stored with ``simulated = True``, so no screen can mistake them for real data.

Responses come in the clinics' opening hours (08:00-20:00 local) with paradata (durations around
the instrument's estimated minutes, one random device each); five of them come from one phone a
minute apart, so the quality flags and the review queue have something to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from survey.campaign import Campaign, CampaignSpec, SiteSpec
from survey.collect.submission import Submission

DEMO_NAME = "演示：柳南区基层中医药服务调查（示例框架，模拟数据）"
DEMO_ORGANIZER = "柳南区卫生健康局（演示）"
DEMO_PHONE = "0772-0000000（演示号码）"  # an illustrative number: the form's first screen shows where to call
DEMO_PROFILE = "liunan"
POPULATION_NOTE = "示例人口数，非统计数据 / illustrative population, not official statistics"

# stratum, kind of stratum, illustrative resident population
STRATA: tuple[tuple[str, str, int], ...] = (
    ("太阳村镇", "town", 42_000),
    ("洛满镇", "town", 38_000),
    ("流山镇", "town", 31_000),
    ("柳南街道", "street", 86_000),
    ("柳石街道", "street", 64_000),
    ("南站街道", "street", 72_000),
    ("河西街道", "street", 91_000),
    ("鹅山街道", "street", 58_000),
    ("银山街道", "street", 47_000),
    ("南环街道", "street", 69_000),
    ("潭西街道", "street", 53_000),
)

# Illustrative success rates per stratum (steer the simulation so the dashboard has contrasts:
# some townships above the profile's thresholds, some below, some not yet conclusive).
_RATE_SHIFT = (0.04, -0.06, -0.10, 0.05, 0.02, 0.0, 0.06, -0.03, -0.08, 0.03, 0.01)
BASE_RATES = {"satisfaction": 0.90, "knowledge": 0.93, "service_awareness": 0.86, "staff_policy": 0.88}


def demo_sites() -> list[SiteSpec]:
    """Two sites per stratum: the township health centre or community health service centre,
    and a village clinic or community health service station (22 sites)."""
    sites = []
    for number, (stratum, kind, population) in enumerate(STRATA, start=1):
        extra = {"illustrative": True, "note": POPULATION_NOTE}
        short = stratum.removesuffix("街道") if kind == "street" else stratum
        if kind == "town":
            main = SiteSpec(f"{number:02d}A", f"{stratum}卫生院", stratum, "township_centre", psu=f"{number:02d}A",
                            quotas={"resident": 30, "staff_policy": 8}, stratum_population=population, extra=extra)
            branch = SiteSpec(f"{number:02d}B", f"{stratum}示例村卫生室", stratum, "village_clinic", psu=f"{number:02d}B",
                              quotas={"resident": 15, "staff_policy": 2}, stratum_population=population, extra=extra)
        else:
            main = SiteSpec(f"{number:02d}A", f"{short}街道社区卫生服务中心", stratum, "community_centre", psu=f"{number:02d}A",
                            quotas={"resident": 30, "staff_policy": 8}, stratum_population=population, extra=extra)
            branch = SiteSpec(f"{number:02d}B", f"{short}示例社区卫生服务站", stratum, "community_station", psu=f"{number:02d}B",
                              quotas={"resident": 15, "staff_policy": 2}, stratum_population=population, extra=extra)
        sites += [main, branch]
    return sites


# Illustrative mix of roles among the staff who take the quiz (most are TCM staff; some nurses
# and others take it too and fall outside the staff_policy denominator).
STAFF_ROLES = {"tcm_physician": 0.45, "xizhong_physician": 0.15, "rural_doctor_tcm": 0.1, "tcm_pharmacist": 0.1,
               "nurse": 0.12, "other": 0.08}


def _staff_background(questionnaire, answers: dict, site_kind: str, rng: np.random.Generator) -> dict:  # noqa: ANN001
    """A simulated staff member works at the site's kind of institution, in a plausible role."""
    out = dict(answers)
    if questionnaire.has_question("staff_institution") and site_kind in questionnaire.question("staff_institution").choice_values:
        out["staff_institution"] = site_kind
    if questionnaire.has_question("staff_role"):
        roles = [r for r in STAFF_ROLES if r in questionnaire.question("staff_role").choice_values]
        if roles:
            p = np.array([STAFF_ROLES[r] for r in roles])
            out["staff_role"] = str(rng.choice(roles, p=p / p.sum()))
    return out


def staff_instrument(instruments: Mapping[str, object], profile_id: str):  # noqa: ANN201
    """The staff quiz for a profile: the one keyed for it (local targets), else the common one."""
    keyed = [q for q in instruments.values() if getattr(q, "audience", "") == "staff" and getattr(q, "jurisdiction", None) == profile_id]
    return keyed[0] if keyed else instruments.get("staff_policy")


@dataclass(frozen=True)
class DemoResult:
    campaign: Campaign
    responses: int
    repeats: int


def create_demo(
    store,  # noqa: ANN001 - survey.storage.Store (not imported here: the demo needs no engine types)
    *,
    responses: int = 300,
    seed: int = 2026,
    today: dt.date | None = None,
    questionnaires: Mapping[str, object] | None = None,
    profile_id: str = DEMO_PROFILE,
    actor: str = "system",
) -> DemoResult:
    """Create the demo campaign (open from 30 days ago to 30 days ahead) with ``responses``
    simulated responses spread over the sites by quota, over the past 30 days; return it.
    ``actor``: who the audit log names for the new campaign (``system`` on the app's first start)."""
    from survey.questionnaire.catalog import shipped_questionnaires
    from survey.collect.simulate import simulate_answers

    if responses < 0:
        raise ValueError(f"--responses must be >= 0, got {responses}")
    instruments = dict(questionnaires or shipped_questionnaires())
    staff = staff_instrument(instruments, profile_id)
    chosen = [q for q in (instruments.get("resident"), staff) if q is not None]
    if not chosen:
        raise ValueError("no shipped questionnaire: expected resident.yaml and staff_policy.yaml in questionnaires/")
    ids = {q.id for q in chosen}
    rename = {"staff_policy": staff.id} if staff is not None else {}
    sites = [
        SiteSpec(s.code, s.name, s.stratum, s.kind, psu=s.psu, stratum_population=s.stratum_population, extra=s.extra,
                 quotas={rename.get(k, k): v for k, v in s.quotas.items() if rename.get(k, k) in ids})
        for s in demo_sites()
    ]
    today = today or dt.datetime.now(dt.timezone.utc).date()
    spec = CampaignSpec(
        name=DEMO_NAME,
        profile_id=profile_id,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=30),
        organizer=DEMO_ORGANIZER,
        contact_phone=DEMO_PHONE,
        demo=True,
    )
    campaign = store.create_campaign(spec, chosen, sites, actor=actor)

    rng = np.random.default_rng(seed)
    cells = [(site, q) for site in campaign.sites for q in chosen if site.quotas.get(q.id)]
    weights = np.array([site.quotas[q.id] for site, q in cells], dtype=float)
    counts = rng.multinomial(responses, weights / weights.sum()) if responses else np.zeros(len(cells), dtype=int)
    stratum_index = {name: i for i, (name, _, _) in enumerate(STRATA)}
    now = dt.datetime.now(dt.timezone.utc)
    paradata_rng = np.random.default_rng([seed, 13])  # its own stream: the answers stay as they were
    submissions = []
    for (site, questionnaire), count in zip(cells, counts):
        shift = _RATE_SHIFT[stratum_index.get(site.stratum, 0) % len(_RATE_SHIFT)]
        rates = {k: min(0.99, max(0.3, v + shift)) for k, v in BASE_RATES.items()}
        for _ in range(int(count)):
            answers = simulate_answers(questionnaire, rng, rates=rates)
            if questionnaire.audience == "staff":
                answers = _staff_background(questionnaire, answers, site.kind, rng)
            submitted = _opening_hours(now - dt.timedelta(seconds=float(rng.uniform(0, 29 * 86_400))), campaign.timezone, now)
            source = "surveyor" if questionnaire.audience == "residents" and rng.random() < 0.2 else "qr"
            minutes = float(questionnaire.estimated_minutes or 5)
            duration = float(paradata_rng.lognormal(np.log(minutes * 60), 0.35))
            submissions.append(
                Submission(
                    site_code=site.code,
                    questionnaire=questionnaire,
                    answers=answers,
                    nonce=f"demo-{campaign.id}-{len(submissions):06d}",
                    source=source,
                    submitted_at=submitted,
                    language="zh",
                    simulated=True,
                    paradata={
                        "opened_at": (submitted - dt.timedelta(seconds=duration)).isoformat(),
                        "duration_s": round(duration, 1),
                        "resumed": False,
                        "mode": "read_aloud" if source == "surveyor" else "self",
                        "surveyor": "surveyor" if source == "surveyor" else None,
                        "device_id": None if source == "surveyor" else f"demo-device-{paradata_rng.integers(2**62):x}",
                    },
                )
            )
    submissions = _one_suspicious_phone(submissions)
    submissions.sort(key=lambda s: s.submitted_at)
    results = store.submit_batch(campaign.id, submissions) if submissions else []
    return DemoResult(campaign, sum(not r.repeat for r in results), sum(r.repeat for r in results))


def _opening_hours(moment: dt.datetime, timezone: str, now: dt.datetime) -> dt.datetime:
    """The same day at a time between 08:00 and 20:00 local (the clinic is open), not after ``now``."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(timezone))
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    opened = local.replace(hour=8, minute=0, second=0, microsecond=0) + dt.timedelta(seconds=seconds / 2)
    return min(opened.astimezone(dt.timezone.utc), now - dt.timedelta(minutes=1))


def _one_suspicious_phone(submissions: list[Submission]) -> list[Submission]:
    """Make up to five self-completed responses of the busiest site come from one phone, a minute
    apart, in 40 seconds each: what the review queue is for (the quality flags mark them)."""
    from dataclasses import replace as copy

    mine = [i for i, s in enumerate(submissions) if s.source == "qr" and s.questionnaire.audience == "residents"]
    if len(mine) < 20:
        return submissions
    counts: dict[str, int] = {}
    for i in mine:
        counts[submissions[i].site_code] = counts.get(submissions[i].site_code, 0) + 1
    busiest = max(counts, key=counts.get)
    chosen = [i for i in mine if submissions[i].site_code == busiest][:5]
    start = submissions[chosen[0]].submitted_at
    out = list(submissions)
    for k, i in enumerate(chosen):
        at = start + dt.timedelta(minutes=k)
        out[i] = copy(submissions[i], submitted_at=at, paradata={
            "opened_at": (at - dt.timedelta(seconds=40)).isoformat(), "duration_s": 40.0, "resumed": False, "mode": "self",
            "surveyor": None, "device_id": "demo-device-of-the-clinic"})
    return out
