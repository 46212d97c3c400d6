"""Issue 14, item 10: while an indicator has no applicable response yet (every resident answered
"never used TCM services"), the dashboard and the Word/PDF reports show "暂无可用答卷"."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from analysis.report import collect, render
from survey.questionnaire.answers import check_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.demo import create_demo
from survey.collect.simulate import simulate_answers
from tests.app.respond_helpers import make_files, open_view
from tests.app.test_dashboard import signed_in, texts


def _never_used(store, campaign, count: int, seed: int = 1) -> None:  # noqa: ANN001
    """``count`` residents who never used TCM services (satisfaction does not apply to them)."""
    q = shipped_questionnaires()["resident"]
    rng = np.random.default_rng(seed)
    for i in range(count):
        answers = dict(simulate_answers(q, rng))
        answers["used_tcm"] = "no"
        shown = check_answers(q, answers).shown
        answers = {k: v for k, v in answers.items() if shown.get(k)}
        store.submit(campaign.id, campaign.sites[i % 3].code, q, answers, nonce=f"never-used-{i:04d}", source="import")


@pytest.fixture
def campaign(app_store):
    campaign = create_demo(app_store, responses=0, seed=1).campaign
    _never_used(app_store, campaign, 12)
    return campaign


def test_word_and_pdf_say_no_usable_response(app_store, campaign):
    data = collect(app_store, campaign.id)
    assert data.results.overall().set_index("var").loc["satisfaction", "n"] == 0
    import docx
    import io

    document = docx.Document(io.BytesIO(render(data, "docx")))
    assert any("暂无可用答卷" in p.text for p in document.paragraphs)
    pdf = render(data, "pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "暂无可用答卷" in text


def test_dashboard_shows_no_usable_response(app_store, campaign):
    from accounts import create_account

    create_account(app_store, "eva", "evaluator", "evaluator-pass-1", actor="test")
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "结果与判定")
    assert "暂无可用答卷" in texts(at)
    open_view(at, "报告与数据下载")
    assert make_files(at)
    assert not at.exception, at.exception
