"""Real Chromium against the HTML form: one phone fills the resident form three times in a minute
at one site, a second phone fills it once at a human pace. The first phone's second and third
responses are flagged ``same_device`` and ``too_fast``, the slow one nothing; nothing is deleted;
the device hash is not the cookie; no IP address or user agent appears in a dump of the database;
excluding the flagged responses changes the results exactly as the engine computes without them.

The floor of ``too_fast`` is set through the campaign's parameters (60 s) so the test does not
wait minutes; rules this scenario is not about are switched off so their chance hits cannot
interfere.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import numpy as np
import pytest

from analysis.campaign import compute_results, load_campaign_data
from analysis.integrity import analysis_data, load_quality
from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.paradata import device_hash
from survey.collect.simulate import simulate_answers
from survey.storage import Store
from tests.app.respond_helpers import SECRET, make_campaign, token_for
from tests.conftest import start_streamlit, stop_streamlit

from . import browser_helpers as helpers

pytestmark = pytest.mark.browser
RESIDENT = shipped_questionnaires()["resident"]
FLOOR_S = 60.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("quality-form")
    db_url = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db_url) as store:
        campaign = make_campaign(store)
        store.set_quality_parameters(campaign.id, {
            "too_fast": {"floor_seconds": FLOOR_S},
            "burst": {"enabled": False}, "straight_line": {"enabled": False}, "duplicate_answers": {"enabled": False},
        }, actor="admin", reason="browser test: floor lowered instead of waiting minutes")
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db_url, "TCM_SURVEY_SECRET": SECRET,
                                        "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    started.db_url, started.campaign, started.path = db_url, campaign, workdir / "app.sqlite"
    yield started
    stop_streamlit(started)


def fill(page, url: str, answers: dict, *, pause_ms: int = 0) -> None:  # noqa: ANN001
    page.goto(url)
    page.locator("label.consent").click()
    if pause_ms:
        page.wait_for_timeout(pause_ms)  # a person reading the introduction
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    helpers.complete(page, answers)
    page.wait_for_selector("main[data-page='thanks']", timeout=60_000)


def test_one_phone_three_times_is_flagged_the_slow_one_is_not(browser, server, screenshot_dir):
    url = f"{server.url}/?t={token_for(server.campaign, '01A', 'resident')}"
    answers = [simulate_answers(RESIDENT, np.random.default_rng(seed)) for seed in (1, 2, 3, 4)]
    fast = helpers.phone(browser)
    page = fast.new_page()
    for k in range(3):
        fill(page, url, answers[k])
    page.screenshot(path=str(screenshot_dir / "quality-fast-phone-thanks-360.png"), full_page=True)
    cookie = next(c["value"] for c in fast.cookies() if c["name"] == "tcm_device")
    slow = helpers.phone(browser)
    fill(slow.new_page(), url, answers[3], pause_ms=int(FLOOR_S * 1000) + 2000)
    slow_cookie = next(c["value"] for c in slow.cookies() if c["name"] == "tcm_device")
    fast.close()
    slow.close()

    with Store.open(server.db_url, secret=SECRET.encode()) as store:
        stored = store.responses(server.campaign.id)
        assert len(stored) == 4
        first, second, third, human = stored
        assert {first.paradata["device_hash"], second.paradata["device_hash"], third.paradata["device_hash"]} == {
            device_hash(SECRET.encode(), cookie)}
        assert human.paradata["device_hash"] == device_hash(SECRET.encode(), slow_cookie) != first.paradata["device_hash"]
        assert cookie not in first.paradata["device_hash"]
        assert human.paradata["duration_s"] > FLOOR_S and all(r.paradata["mode"] == "self" for r in stored)

        quality = load_quality(store, server.campaign.id)
        reasons = dict(zip(quality.flags["response_id"], quality.flags["reasons"]))
        assert {"same_device", "too_fast"} <= set(reasons[second.id]) and {"same_device", "too_fast"} <= set(reasons[third.id])
        assert "same_device" not in reasons[first.id] and reasons[human.id] == ()

        # exclude the two, each action logged; the stored rows stay
        store.review(server.campaign.id, [second.id, third.id], "excluded", reason="同一手机一分钟内重复提交", actor="eva")
        log = store.audit_log(server.campaign.id)
        assert [(e.action, e.response_id, e.actor) for e in log[:2]] == [("review.excluded", third.id, "eva"),
                                                                        ("review.excluded", second.id, "eva")]
        assert len(store.responses(server.campaign.id)) == 4
        data = load_campaign_data(store, server.campaign.id)
        shown = compute_results(analysis_data(data, load_quality(store, server.campaign.id))).estimates
        reduced = replace(data, table=data.table[~data.table["response_id"].isin([second.id, third.id])].reset_index(drop=True))
        expected = compute_results(reduced).estimates
        assert shown[["var", "n", "estimate", "ci_low", "ci_high", "verdict"]].equals(
            expected[["var", "n", "estimate", "ci_low", "ci_high", "verdict"]])
        assert int(shown.loc[shown["scope"] == "overall", "n"].max()) <= 2

    # the whole database as text: no IP address, no user agent, no raw device cookie
    with sqlite3.connect(server.path) as connection:
        dump = "\n".join(connection.iterdump())
    for needle in ("127.0.0.1", "MicroMessenger", "Mozilla", "AppleWebKit", cookie, slow_cookie):
        assert needle not in dump, needle
