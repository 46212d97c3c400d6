"""Issue 14, item 8: an import's identity is its source (file + row, or the export's own response
id), never its answers; a re-imported export is recognised; a QR submission cannot block a row."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.report import collect
from analysis.report.data import responses_frame
from analysis.report.exports import csv_bytes
from survey.demo import create_demo
from survey.collect.imports import import_rows, prepare_import, read_upload
from survey.storage import Store, SubmitError
from tests.survey.collect.test_imports import _campaign, _count, _csv, mini  # noqa: F401 - fixture

HEADER = ["site", "age", "sex", "used_tcm", "services", "overall"]


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'identity.sqlite'}") as opened:
        yield opened


def _paper_file(seed: int, rows: int = 200) -> bytes:
    """``rows`` residents with few possible answer sets (equal answers are common on paper)."""
    rng = np.random.default_rng(seed)
    body = []
    for _ in range(rows):
        used = rng.random() < 0.5
        body.append(["01A", int(rng.choice([40, 50, 60])), str(rng.choice(["male", "female"])), "yes" if used else "no",
                     "tuina" if used else "", int(rng.choice([4, 5])) if used else ""])
    return _csv([HEADER, *body])


def test_a_second_paper_file_of_different_people_loses_no_row(store, mini):  # noqa: F811
    campaign = _campaign(store, [mini])
    first = prepare_import(read_upload(_paper_file(1), "township-a.csv"), mini, campaign, store=store)
    assert import_rows(store, campaign.id, mini, first, actor="test").imported == 200
    second = prepare_import(read_upload(_paper_file(2), "township-b.csv"), mini, campaign, store=store)
    assert second.already_imported == 0 and second.new_rows == 200
    assert import_rows(store, campaign.id, mini, second, actor="test").imported == 200
    assert _count(store, campaign.id) == 400
    again = prepare_import(read_upload(_paper_file(2), "township-b (copy).csv"), mini, campaign, store=store)
    assert again.already_imported == 200 and not again.can_import  # the same file twice adds nothing


def test_a_qr_submission_cannot_take_an_import_nonce(store, mini):  # noqa: F811
    campaign = _campaign(store, [mini])
    data = _csv([HEADER, ["01A", 40, "female", "no", "", ""]])
    preview = prepare_import(read_upload(data, "paper.csv"), mini, campaign, store=store)
    (row,) = preview.accepted
    with pytest.raises(SubmitError) as refused:
        store.submit(campaign.id, "01A", mini, {"age": 70, "sex": "male", "used_tcm": "no"}, nonce=row.nonce, source="qr")
    assert refused.value.reason == "bad_nonce"
    assert import_rows(store, campaign.id, mini, preview, actor="test").imported == 1
    (stored,) = store.responses(campaign.id)
    assert stored.answers["age"] == 40 and stored.source == "import"


def test_re_importing_the_apps_own_export_adds_nothing(store):
    campaign = create_demo(store, responses=120, seed=9).campaign
    before = _count(store, campaign.id)
    data = collect(store, campaign.id)
    for instrument in campaign.instruments:
        q = store.questionnaire(instrument.version_hash)
        table = read_upload(csv_bytes(responses_frame(data, q.id)), f"campaign-{campaign.id}-responses-{q.id}.csv")
        preview = prepare_import(table, q, campaign, store=store)
        assert preview.errors == [], preview.errors[:3]
        assert preview.new_rows == 0 and preview.already_imported == len(preview.accepted) > 0
        assert import_rows(store, campaign.id, q, preview, actor="test").imported == 0
    assert _count(store, campaign.id) == before
