"""Issue 14, item 19 (receipts): a respondent's receipt is a random code, not a global sequential
id that reveals how many responses the server holds."""

from __future__ import annotations

import re

import numpy as np

from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.simulate import simulate_answers
from tests.app.respond_helpers import make_campaign
from tests.app.web.form_client import FormRespondent, text_of

CODE = re.compile(r"^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{6}$")


def test_receipts_are_random_codes_and_stable_on_repeat(app_store):
    campaign = make_campaign(app_store)
    resident = shipped_questionnaires()["resident"]
    results = [app_store.submit(campaign.id, "01A", resident, simulate_answers(resident, np.random.default_rng(i)),
                                nonce=f"receipt-test-{i:04d}") for i in range(20)]
    receipts = [r.receipt for r in results]
    assert all(CODE.match(code) for code in receipts) and len(set(receipts)) == 20
    assert not any(r.receipt.endswith(f"-{r.response_id}") for r in results)
    assert sorted(receipts) != receipts  # no order to read off (20 random codes in order: chance 1/20!)
    again = app_store.submit(campaign.id, "01A", resident, simulate_answers(resident, np.random.default_rng(0)),
                             nonce="receipt-test-0000")
    assert again.repeat and again.receipt == receipts[0]


def test_the_thank_you_page_shows_the_stored_code(client, resident_token, store, campaign):
    resident = shipped_questionnaires()["resident"]
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.fill(simulate_answers(resident, np.random.default_rng(3)))
    assert page.page == "thanks"
    (row,) = store.responses(campaign.id)
    receipt = re.search(r"回执编号：\s*(\S+)", text_of(respondent.response.text)).group(1)
    assert CODE.match(receipt) and receipt == store.submit(campaign.id, row.site_code, resident, row.answers,
                                                           nonce=row.nonce).receipt
