"""The import page checks a file once: the preview, the reruns it causes and the import itself use
one ``prepare_import`` call (kept in the session by file hash and mapping), and the import stores
the rows the preview accepted."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import numpy as np
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from survey.collect import imports
from survey.collect.simulate import simulate_answers
from survey.demo import create_demo
from survey.questionnaire import QuestionType
from survey.storage import Store

from .respond_helpers import ROOT, SECRET

ADMIN_PASSWORD = "admin-password-1"


@pytest.fixture
def store(monkeypatch):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    with Store.open() as opened:
        from accounts import ensure_first_admin

        ensure_first_admin(opened)
        yield opened


def _resident_file(store, campaign, n: int = 6) -> bytes:
    """A plain sheet of ``n`` simulated resident answers, one column per question id."""
    resident = store.questionnaire(next(i for i in campaign.instruments if i.questionnaire_id == "resident").version_hash)
    questions = [q for q in resident.questions if q.takes_answer]
    rng = np.random.default_rng(5)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["site", *(q.id for q in questions)])
    for i in range(n):
        answers = simulate_answers(resident, rng)
        cells = []
        for q in questions:
            value = answers.get(q.id)
            cells.append("" if value is None else " ".join(value) if q.type is QuestionType.MULTIPLE else str(value))
        writer.writerow([campaign.sites[i % 3].code, *cells])
    return buffer.getvalue().encode("utf-8-sig")


def test_the_file_is_checked_once_across_preview_and_import(store, monkeypatch):
    campaign = create_demo(store, responses=0).campaign
    data = _resident_file(store, campaign)
    real_uploader = streamlit.file_uploader

    def uploader(label, *args, **kwargs):
        if kwargs.get("key") == "imp.file":
            return SimpleNamespace(name="paper.csv", getvalue=lambda: data)
        return real_uploader(label, *args, **kwargs)

    calls = []
    real_prepare = imports.prepare_import

    def counted(table, questionnaire, *args, **kwargs):
        if questionnaire.id == "resident":  # the page may first show another instrument
            calls.append(kwargs.get("progress"))
        return real_prepare(table, questionnaire, *args, **kwargs)

    monkeypatch.setattr(streamlit, "file_uploader", uploader)
    monkeypatch.setattr(imports, "prepare_import", counted)

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.login.username").input("admin")
    at.text_input(key="admin.login.password").input(ADMIN_PASSWORD)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    at.switch_page("app/pages/import_responses.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="imp.instrument").set_value("resident").run()
    assert not at.exception, at.exception
    assert len(calls) == 1 and callable(calls[0])  # checked once, with a progress callback
    assert not at.error, [e.value for e in at.error]
    at.checkbox(key="imp.confirm").check().run()
    at.button(key="imp.go").click().run()
    assert not at.exception, at.exception
    assert len(calls) == 1  # the import used the preview kept in the session: no second check
    assert any("已导入 6 份问卷" in s.value for s in at.success), [s.value for s in at.success]
    assert sum(store.response_counts(campaign.id).values()) == 6
    (batch,) = store.audit_log(campaign.id, actions=["import.batch"])
    assert (batch.detail["file"], batch.detail["rows"], batch.detail["accepted"], batch.detail["stored"]) == ("paper.csv", 6, 6, 6)
