"""A reply number left for a complaint never leaves the store: not in the workbook, the CSV files,
the Word report, the PDF's text, the response frame or the results bundle (``python -m analysis
bundle``, with free text too). Each file is searched for the numbers as stored and as digits only."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import numpy as np
import pytest

from analysis.__main__ import main
from analysis.report import collect, render
from analysis.report.data import responses_frame
from analysis.report.exports import csv_bytes
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.storage import Store
from tests.app.respond_helpers import make_campaign

MOBILE = "13977012345"
LANDLINE = "0772-3825177"
NEEDLES = (MOBILE, LANDLINE, LANDLINE.replace("-", ""), "139 7701 2345", "3825177")


@pytest.fixture(scope="module")
def campaign_with_phones(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phones")
    url = f"sqlite:///{folder / 'app.sqlite'}"
    store = Store.open(url)
    campaign = make_campaign(store)
    resident = shipped_questionnaires()["resident"]
    rng = np.random.default_rng(7)
    for i in range(60):
        answers = simulate_answers(resident, rng)
        answers["suggestions"] = {0: "候诊太久，投诉", 1: "希望增加八段锦课程"}.get(i, "")
        store.submit(campaign.id, ("01A", "04B")[i % 2], resident, answers, nonce=f"phones-{i:04d}")
    store.leave_reply_number(campaign.id, "phones-0000", MOBILE)
    store.leave_reply_number(campaign.id, "phones-0001", LANDLINE)
    first = next(c for c in store.complaints(campaign.id) if c.phone == MOBILE)
    store.set_complaint_status(campaign.id, first.response_id, "handled", actor="admin", note=f"已拨打 {MOBILE} 回复")
    yield store, campaign, url, folder
    store.close()


def _texts_of_zip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name).decode("utf-8", errors="replace") for name in z.namelist()}


def _assert_clean(name: str, text: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle} found in {name}"


def test_the_fixture_really_holds_the_numbers(campaign_with_phones):
    store, campaign, _, _ = campaign_with_phones
    assert {c.phone for c in store.complaints(campaign.id)} == {MOBILE, LANDLINE}


def test_no_report_or_export_holds_a_reply_number(campaign_with_phones, tmp_path):
    store, campaign, _, _ = campaign_with_phones
    data = collect(store, campaign.id)
    assert "候诊太久，投诉" in responses_frame(data, "resident").to_csv()  # the text itself is an answer
    for fmt in ("xlsx", "docx"):
        for member, text in _texts_of_zip(render(data, fmt)).items():
            _assert_clean(f"{fmt}:{member}", text)
    _assert_clean("estimates.csv", render(data, "csv").decode("utf-8-sig"))
    for qid in data.results.questionnaires:
        _assert_clean(f"responses-{qid}.csv", csv_bytes(responses_frame(data, qid)).decode("utf-8-sig"))
    _assert_clean("response_frame", store.response_frame(campaign.id, with_answers=True).to_csv())
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(data, "pdf"))
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: scripts/apt-test.txt installs poppler-utils")
    text = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "附录" in text
    _assert_clean("report.pdf", text)


@pytest.mark.parametrize("with_text", [False, True])
def test_the_bundle_holds_no_reply_number(campaign_with_phones, tmp_path, with_text):
    store, campaign, url, _ = campaign_with_phones
    out = tmp_path / "bundle.zip"
    assert main(["bundle", "--db", url, "--campaign", str(campaign.id), "--out", str(out),
                 *(["--with-text"] if with_text else [])]) == 0
    files = _texts_of_zip(out.read_bytes())
    assert "audit.csv" in files and "complaint.handled" in files["audit.csv"]  # the handling is logged, the number is not
    assert ("候诊太久，投诉" in files["responses.csv"]) is with_text
    for member, text in files.items():
        _assert_clean(f"bundle:{member}", text)
