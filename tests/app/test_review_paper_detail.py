"""The review page's response detail starts with a paper form's number and interview day."""

from __future__ import annotations

import datetime as dt

from app.review_widgets import answers_table
from survey.questionnaire.catalog import shipped_questionnaires

RESIDENT = shipped_questionnaires()["resident"]


def test_a_paper_form_shows_its_number_and_day_first_and_a_phone_form_none() -> None:
    row = {"resident_6m": "yes", "paper_number": "A-0031", "interviewed_on": dt.date(2025, 3, 4)}
    table = answers_table(RESIDENT, row)
    assert list(table.columns) == ["题目", "回答"]
    assert table.iloc[0].tolist() == ["纸质问卷编号", "A-0031"] and table.iloc[1].tolist() == ["访问日期", "2025-03-04"]
    plain = answers_table(RESIDENT, {"resident_6m": "yes", "paper_number": None, "interviewed_on": None})
    assert "纸质问卷编号" not in plain["题目"].tolist() and len(plain) == len(table) - 2
