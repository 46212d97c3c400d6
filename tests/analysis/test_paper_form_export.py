"""A paper form's number and interview day in the response exports: the CSV file (English column
names, as the re-import reads them) and the workbook's data sheet (纸质问卷编号, 访问日期)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from openpyxl import load_workbook

from analysis.report import collect, render
from analysis.report.data import responses_frame
from analysis.report.exports import csv_bytes
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.storage import Store
from tests.app.respond_helpers import make_campaign


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('paper') / 'app.sqlite'}")
    campaign = make_campaign(store)
    resident = shipped_questionnaires()["resident"]
    rng = np.random.default_rng(3)
    for i in range(40):
        paradata = {"mode": "paper", "surveyor": "ann", "paper_number": f"P-{i:03d}", "interviewed_on": "2026-11-2" + str(i % 5)}
        store.submit(campaign.id, ("01A", "04B")[i % 2], resident, simulate_answers(resident, rng), nonce=f"paper-{i:04d}",
                     source="surveyor" if i % 4 else "qr", paradata=paradata if i % 4 else None)
    yield collect(store, campaign.id)
    store.close()


def test_the_csv_carries_number_and_day_after_the_submit_time(report):
    frame = responses_frame(report, "resident")
    columns = list(frame.columns)
    assert columns[columns.index("submitted_at") + 1:columns.index("submitted_at") + 3] == ["paper_number", "interviewed_on"]
    paper = frame[frame["source"] == "surveyor"]
    assert paper["paper_number"].str.match(r"^P-\d{3}$").all() and paper["interviewed_on"].str.match(r"^2026-11-2\d$").all()
    assert frame.loc[frame["source"] == "qr", "paper_number"].isna().all()
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "paper_number,interviewed_on" in text.splitlines()[0]
    number = paper.iloc[0]["paper_number"]
    line = next(row for row in text.splitlines() if f",{number}," in row)
    assert paper.iloc[0]["interviewed_on"] in line


def test_the_workbook_data_sheet_heads_them_in_chinese(report):
    book = load_workbook(io.BytesIO(render(report, "xlsx")), read_only=True)
    sheet = book["问卷数据_resident"]
    head = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    assert "纸质问卷编号" in head and "访问日期" in head, head
