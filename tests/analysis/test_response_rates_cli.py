"""``python -m analysis response-rates``: the issue's village, by hand: 6 completes, 2 refusals, 1
non-contact after 3 visits, 1 not eligible give RR1 = 6/9; a household never visited counts as
3.11 (unknown eligibility); the same after the visits are synced again."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from survey.collect.households import HouseholdSpec
from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import Store

from ..survey.storage.helpers import MINI, open_spec, sites

T0 = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)
OUTCOMES = ["1.1"] * 6 + ["2.11", "2.12", None, "4.70"]  # None: three visits, nobody home


def village(url: str) -> int:
    with Store.open(url) as store:
        campaign = store.create_campaign(open_spec(), [parse_questionnaire_text(MINI)], sites(), actor="admin")
        store.assign_households(campaign.id, [HouseholdSpec("01", f"{i:03d}") for i in range(1, 11)], surveyor="sun", actor="admin")
        store.assign_households(campaign.id, [HouseholdSpec("02", "001")], surveyor="sun", actor="admin")
        record(store, campaign.id)
    return campaign.id


def record(store: Store, campaign_id: int) -> None:
    for household, outcome in zip(store.households(campaign_id, site_code="01"), OUTCOMES):
        codes = ["2.20", "2.20", "2.20"] if outcome is None else [outcome]
        for k, code in enumerate(codes):
            store.record_visit(campaign_id, household.id, visited_at=T0 + dt.timedelta(hours=k), disposition=code,
                               nonce=f"visit-{household.code}-{k}", actor="sun")


def rates(url: str, campaign_id: int, *extra: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "analysis", "response-rates", "--db", url, "--campaign", str(campaign_id),
                          "--json", *extra], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["rows"]


def test_the_village_of_the_issue(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'rr.sqlite'}"
    campaign_id = village(url)
    rows = rates(url, campaign_id, "--by", "site")
    county, site1, site2 = rows
    assert list(county) == ["level", "domain", "I", "P", "R", "NC", "O", "UH", "UO", "NE", "e", "RR1", "RR2", "RR3", "RR4",
                            "COOP1", "REF1", "CON1"]
    assert (site1["level"], site1["domain"]) == ("site", "01")
    assert (site1["I"], site1["R"], site1["NC"], site1["NE"], site1["UH"]) == (6, 2, 1, 1, 0)
    assert site1["RR1"] == pytest.approx(6 / 9) and site1["REF1"] == pytest.approx(2 / 9)
    assert site1["COOP1"] == pytest.approx(6 / 8) and site1["CON1"] == pytest.approx(8 / 9) and site1["e"] == pytest.approx(0.9)
    assert (site2["UH"], site2["RR1"], site2["e"]) == (1, 0.0, None)  # never visited: 3.11, eligibility unknown
    # county: 6 I, 2 R, 1 NC, 1 NE, 1 UH; e = 9/10; RR3 = 6 / (9 + 0.9 * 1)
    assert county["RR1"] == pytest.approx(6 / 10) and county["RR3"] == pytest.approx(6 / 9.9)
    with Store.open(url) as store:
        record(store, campaign_id)  # the phone syncs the same visits again: nothing changes
    assert rates(url, campaign_id, "--by", "site") == rows


def test_by_township_and_a_campaign_set_e(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'rr.sqlite'}"
    campaign_id = village(url)
    rows = rates(url, campaign_id, "--by", "township", "--e", "0.5")
    assert [r["level"] for r in rows] == ["county", "township", "township"] and rows[0]["e"] == 0.5
    assert rows[0]["RR3"] == pytest.approx(6 / 9.5)


def test_unknown_campaign_is_an_error(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'rr.sqlite'}"
    village(url)
    done = subprocess.run([sys.executable, "-m", "analysis", "response-rates", "--db", url, "--campaign", "99"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "99" in done.stderr
