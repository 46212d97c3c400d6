"""Issue 23, the form's cookies and the surveyor's day cookie.

* item 7: an invalid ``tcm_device`` cookie (another app's, or 129 characters) made every submit
  from that browser fail with 503; it is treated as absent and a new one is issued;
* informational: the CSRF cookie accepted a value the client chose;
* item 8: a surveyor's 8-hour form cookie survived a password reset;
* informational: a surveyor's link worked for every campaign.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from accounts import create_account, current_account, set_password
from app import services
from app.web import grants
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from tests.app.respond_helpers import make_campaign, token_for
from tests.app.web.form_client import FormRespondent, section_fields

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]
DOMAIN = "testserver.local"  # where the test client keeps the cookies the app sets


@pytest.mark.parametrize("device", ["x" * 129, "another app's value", "ab", "GA1.2.1234567.890"])
def test_issue23_7_an_invalid_device_cookie_counts_as_absent(client, store, campaign, resident_token, device) -> None:
    client.cookies.set("tcm_device", device, domain=DOMAIN)
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    replaced = client.cookies.get("tcm_device")
    assert replaced != device and re.fullmatch(r"[0-9a-f]{32}", replaced)
    answers = simulate_answers(RESIDENT, np.random.default_rng(3))
    respondent.start()
    page = respondent.fill(answers, submit=False)
    client.cookies.set("tcm_device", device, domain=DOMAIN)  # set again: the submit itself must cope
    page = respondent.post("submit", section_fields(page, answers))
    assert respondent.response.status_code == 200 and page.page == "thanks"
    assert re.fullmatch(r"[0-9a-f]{32}", client.cookies.get("tcm_device"))
    stored = store.responses(campaign.id)
    assert len(stored) == 1 and stored[0].paradata["device_hash"] is None  # stored as a response without a device


def test_issue23_csrf_cookie_chosen_by_the_client_is_not_adopted(client, store, campaign, resident_token) -> None:
    client.cookies.set("tcm_csrf", "chosen", domain=DOMAIN)
    page = FormRespondent(client, resident_token).open()
    assert page.hidden["csrf"] != "chosen" and re.fullmatch(r"[0-9a-f]{32}", page.hidden["csrf"])
    assert client.cookies.get("tcm_csrf") == page.hidden["csrf"]
    client.cookies.set("tcm_csrf", "chosen", domain=DOMAIN)
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    client.cookies.set("tcm_csrf", "chosen", domain=DOMAIN)
    respondent.page.hidden["csrf"] = "chosen"
    assert respondent.post("start", [("consent", "1")]) and respondent.response.status_code == 403


def _surveyor_cookie(client, store, token: str, campaign_id: int) -> None:  # noqa: ANN001
    account = current_account(store, "li")
    grant = grants.issue(services.secret(), "li", "surveyor", "surveyor", version=account.session_version, campaign=campaign_id)
    assert client.get(f"/?t={token}&g={grant}", follow_redirects=False).status_code == 303


def test_issue23_8_a_password_reset_ends_the_surveyors_form_cookie(client, store, campaign, staff_token) -> None:
    create_account(store, "li", "surveyor", "surveyor-pass-1", actor="test")
    _surveyor_cookie(client, store, staff_token, campaign.id)
    assert client.get(f"/?t={staff_token}&by=surveyor").status_code == 200
    set_password(store, "li", "a-new-password-2", actor="admin")
    assert client.get(f"/?t={staff_token}&by=surveyor").status_code == 403
    # a link made before the reset no longer turns into a cookie either
    old = grants.issue(services.secret(), "li", "surveyor", "surveyor", version=1, campaign=campaign.id)
    assert client.get(f"/?t={staff_token}&g={old}", follow_redirects=False).status_code == 403
    _surveyor_cookie(client, store, staff_token, campaign.id)  # a new link works
    respondent = FormRespondent(client, staff_token, query="&by=surveyor")
    respondent.open()
    respondent.start(mode="read_aloud")
    assert respondent.fill(simulate_answers(STAFF, np.random.default_rng(1))).page == "thanks"


def test_issue23_a_surveyors_cookie_fills_forms_of_its_own_campaign_only(client, store, campaign, staff_token) -> None:
    other = make_campaign(store)
    other_token = token_for(other, "01A", "staff_policy")
    create_account(store, "li", "surveyor", "surveyor-pass-1", actor="test")
    _surveyor_cookie(client, store, staff_token, campaign.id)
    assert client.get(f"/?t={staff_token}&by=surveyor").status_code == 200
    assert client.get(f"/?t={other_token}&by=surveyor").status_code == 403
    account = current_account(store, "li")
    link = grants.issue(services.secret(), "li", "surveyor", "surveyor", version=account.session_version, campaign=campaign.id)
    assert client.get(f"/?t={other_token}&g={link}", follow_redirects=False).status_code == 403
