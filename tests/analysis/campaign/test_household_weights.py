"""Household weights: three stages and the nonresponse adjustment within the village, against a
hand computation on a small plan; R's ``survey`` reproduces the weighted estimate and its SE with
``svydesign(id = ~village + household, strata = ~township, weights = ~weight)``."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from analysis.campaign import compute_results, load_campaign_data
from analysis.campaign.household_weights import household_weights, is_household_sample
from survey.campaign import CampaignSpec, SiteSpec
from survey.collect.households import HouseholdSpec
from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import Store

from ...survey.storage.helpers import MINI

# village: (township, π_village, households listed, households taken); the plan's stages
PLAN = {"V1": ("镇甲", 0.5, 40, 5), "V2": ("镇甲", 0.25, 80, 5), "V3": ("镇乙", 0.4, 50, 5), "V4": ("镇乙", 0.2, 100, 5)}
# per village, each household's (final disposition, eligible members, knows?) ; None: no interview
OUTCOMES = {
    "V1": [("1.1", 2, True), ("1.1", 1, True), ("1.1", 3, False), ("2.11", None, None), ("4.70", None, None)],
    "V2": [("1.1", 4, True), ("1.1", 2, True), ("2.20", None, None), ("3.11", None, None), ("1.1", 1, False)],
    "V3": [("1.1", 2, False), ("1.1", 2, True), ("1.1", 3, True), ("1.1", 1, True), ("2.12", None, None)],
    "V4": [("1.1", 5, True), ("2.11", None, None), ("2.11", None, None), ("1.1", 2, False), ("2.20", None, None)],
}
T0 = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)


def hand_weights() -> dict[tuple[str, int], float]:
    """(village, household index) -> weight, computed by hand from the module docstring's formulas."""
    out = {}
    for village, (_, pi_v, listed, taken) in PLAN.items():
        codes = [o[0] for o in OUTCOMES[village]]
        groups = {"1.1": "I", "2.11": "R", "2.12": "R", "2.20": "NC", "3.11": "UH", "4.70": "NE"}
        g = [groups[c] for c in codes]
        known = sum(x in ("I", "R", "NC") for x in g)
        ne = g.count("NE")
        unknown = g.count("UH")
        e = known / (known + ne) if known + ne else 1.0
        eligible = known + e * unknown
        respondents = g.count("I")
        for k, (code, members, _) in enumerate(OUTCOMES[village]):
            if code == "1.1":
                out[(village, k)] = members / (pi_v * taken / listed) * eligible / respondents
    return out


@pytest.fixture
def campaign_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'hh.sqlite'}")
    mini = parse_questionnaire_text(MINI)
    today = dt.date.today()
    sites = [SiteSpec(v, f"{v}村", t, "household", psu=v, inclusion_prob=pi, household_prob=taken / listed)
             for v, (t, pi, listed, taken) in PLAN.items()]
    campaign = store.create_campaign(CampaignSpec("入户测试", "liunan", today - dt.timedelta(days=5), today + dt.timedelta(days=5)),
                                     [mini], sites, actor="admin")
    for village, outcomes in OUTCOMES.items():
        specs = [HouseholdSpec(village, f"{k + 1:03d}") for k in range(len(outcomes))]
        store.assign_households(campaign.id, specs, surveyor="sun", actor="admin")
        for household, (code, members, knows) in zip(store.households(campaign.id, site_code=village), outcomes):
            if code == "3.11":
                continue  # never visited
            if members is not None:
                store.record_roster(campaign.id, household.id, [("female", 40 + j) for j in range(members)], 0, actor="sun")
                answers = {"used": "no", "know": "true" if knows else "false"}
                store.submit(campaign.id, village, mini, answers, nonce=f"interview-{village}-{household.code}",
                             source="surveyor", household_id=household.id)
            store.record_visit(campaign.id, household.id, visited_at=T0, disposition=code,
                               nonce=f"visit-{village}-{household.code}", actor="sun")
    yield store, campaign.id
    store.close()


def test_weights_equal_the_hand_computation(campaign_store) -> None:
    store, campaign_id = campaign_store
    data = load_campaign_data(store, campaign_id)
    results = compute_results(data)
    info = results.design_notes["questionnaires"]["mini"]
    assert (info["weights"], info["mode"]) == ("household", "household")
    responses = results.responses.merge(store.household_frame(campaign_id)[["response_id", "household"]].dropna()
                                        .astype({"response_id": "int64"}), on="response_id")
    want = hand_weights()
    got = {(r.site_code, int(r.household) - 1): r.weight for r in responses.itertuples()}
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == pytest.approx(want[key], rel=1e-12), key
    steps = info["household_steps"].set_index("site")
    assert steps.loc["V1", "eligible_estimate"] == pytest.approx(4.0) and steps.loc["V1", "respondents"] == 3
    assert steps.loc["V2", "eligible_estimate"] == pytest.approx(5.0)  # e = 1 (nothing ineligible): the unvisited counts
    assert set(results.estimates["mode"]) == {"household"}


def test_a_site_sample_is_labelled_as_such() -> None:
    rows = pd.DataFrame({"household_id": [np.nan, 3.0], "eligible_members": [np.nan, 2.0], "inclusion_prob": [0.5, 0.5],
                         "household_prob": [0.1, 0.1]})
    from analysis.campaign.weights import reach_mode

    assert not is_household_sample(rows)
    assert reach_mode(rows) == "mixed" and reach_mode(rows.iloc[:1]) == "site" and reach_mode(rows.iloc[1:]) == "household"


def test_a_village_with_no_known_eligibility_counts_its_unknowns() -> None:
    rows = pd.DataFrame({"site_code": ["A"], "eligible_members": [2.0], "inclusion_prob": [0.5], "household_prob": [0.5]})
    households = pd.DataFrame({"site": ["A", "A", "A"], "disposition": [None, None, None], "response_id": [7.0, np.nan, np.nan]})
    weighted = household_weights(rows, households)
    assert weighted.design[0] == pytest.approx(8.0) and weighted.weights[0] == pytest.approx(8.0 * 3)


def _has_survey() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, timeout=120).returncode == 0


@pytest.mark.r_reference
@pytest.mark.skipif(not _has_survey(), reason="Rscript with the survey package is not installed")
def test_r_reproduces_the_weighted_estimate(campaign_store, tmp_path) -> None:
    store, campaign_id = campaign_store
    results = compute_results(load_campaign_data(store, campaign_id))
    frame = results.responses.merge(store.household_frame(campaign_id)[["response_id", "household"]].dropna()
                                    .astype({"response_id": "int64"}), on="response_id")
    frame = frame[["stratum", "psu", "household", "weight", "knowledge"]]
    frame.to_csv(tmp_path / "households.csv", index=False)
    script = f"""
library(survey)
d <- read.csv("{tmp_path / 'households.csv'}", fileEncoding = "UTF-8")
d$hh <- paste(d$psu, d$household)
des <- svydesign(id = ~psu + hh, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
m <- svymean(~knowledge, des)
cat(sprintf("%.15f %.15f\\n", coef(m), SE(m)))
"""
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    r_estimate, r_se = map(float, out.stdout.split())
    row = results.estimates[(results.estimates["var"] == "knowledge") & (results.estimates["scope"] == "overall")].iloc[0]
    assert row["estimate"] == pytest.approx(r_estimate, rel=1e-9)
    assert row["se"] == pytest.approx(r_se, rel=1e-9)
