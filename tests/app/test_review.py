"""AppTest checks of the review queue and of the dashboard's with/without-flags comparison."""

from __future__ import annotations

from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from analysis.campaign import compute_results, load_campaign_data
from accounts import create_account

from ..analysis.integrity_data import build
from .respond_helpers import ROOT, SECRET, open_view

PASSWORD = "evaluator-pass-1"
ADMIN_PASSWORD = "admin-password-1"

REVIEWS = ("review.approved", "review.excluded", "review.reopen")


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    opened, _ = build(f"sqlite:///{tmp_path / 'app.sqlite'}")  # the URL the app fixture set
    from accounts import ensure_first_admin

    ensure_first_admin(opened)
    create_account(opened, "eva", "evaluator", PASSWORD, actor="test")
    create_account(opened, "sam", "surveyor", PASSWORD, actor="test")
    yield opened
    opened.close()


def signed_in(username: str, password: str = PASSWORD, language: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.session_state["lang"] = language
    at.run()
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.login.username").input(username)
    at.text_input(key="admin.login.password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    assert not at.exception, at.exception
    return at


INTERVAL = "90%置信区间（单侧95%界限）"  # the verdict's interval, as the dashboard labels it


def result_tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe if "估计值" in d.value.columns and INTERVAL in d.value.columns]


def texts(at: AppTest) -> str:
    kinds = ("title", "markdown", "caption", "error", "success", "info", "warning", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_review_queue_is_for_evaluators(store):
    at = signed_in("sam")
    with pytest.raises(Exception):
        at.switch_page("app/pages/review.py").run()
    direct = AppTest.from_file(str(ROOT / "app" / "pages" / "review.py"), default_timeout=60)
    direct.run()
    assert any("登录" in e.value for e in direct.error) and not direct.title


def test_issue23_9_the_evaluator_reads_the_queue_but_cannot_review(store):
    """Issue 23 item 9: the "read-only" evaluator could exclude responses from every estimate."""
    at = signed_in("eva")
    at.switch_page("app/pages/review.py").run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["150", "30", "30", "0"]
    assert any("标记原因" in d.value.columns for d in at.dataframe)  # the queue is shown
    labels = [b.label for b in at.button]
    assert not {"排除出分析", "核实保留", "撤销审核"} & set(labels), labels
    assert any("只读" in i.value for i in at.info)
    assert store.reviews(1) == [] and "review.parameters.save.1" not in [b.key for b in at.button]


def test_exclude_then_the_dashboard_shows_the_reduced_set(store, tmp_path):
    fakes = sorted(r.id for r in store.responses(1) if r.nonce.startswith("fake-"))
    at = signed_in("admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/review.py").run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["150", "30", "30", "0"]
    queue = next(d.value for d in at.dataframe if "标记原因" in d.value.columns)
    assert list(queue["编号"]) == fakes and queue["标记原因"][0] == "答题过快"
    assert all(r.startswith("答题过快、同一设备重复") for r in queue["标记原因"][1:])
    # no reason: nothing recorded
    at.multiselect(key="review.picked").set_value(fakes[:10])
    at.button[[b.label for b in at.button].index("排除出分析")].click().run()
    assert "请填写理由" in texts(at) and store.reviews(1) == []
    at.multiselect(key="review.picked").set_value(fakes[:10])
    at.text_input(key="review.reason").input("同一手机一分钟内连续提交")
    next(b for b in at.button if b.label == "排除出分析").click().run()
    assert not at.exception, at.exception
    assert "已记录：10 份问卷 排除" in texts(at)
    assert [m.value for m in at.metric] == ["150", "30", "20", "10"]
    assert [(r.response_id, r.decision, r.decided_by) for r in store.reviews(1)] == [(i, "excluded", "admin") for i in fakes[:10]]
    log = store.audit_log(1, actions=REVIEWS)
    assert len(log) == 10 and {(e.action, e.actor, e.reason) for e in log} == {("review.excluded", "admin", "同一手机一分钟内连续提交")}
    at.checkbox(key="review.all").check()
    at.text_input(key="review.reason").input("回访核实")
    next(b for b in at.button if b.label == "核实保留").click().run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["150", "30", "0", "10"]
    assert len(store.audit_log(1, actions=REVIEWS)) == 30
    assert len(store.responses(1)) == 150  # nothing deleted

    # the dashboard: the ten excluded are gone, exactly as the engine computes without them
    nonces = {r.id: r.nonce for r in store.responses(1)}
    gone = {nonces[i] for i in fakes[:10]}
    reference_store, reference_id = build(f"sqlite:///{tmp_path / 'reference.sqlite'}", keep=lambda n: n not in gone)
    reference = compute_results(load_campaign_data(reference_store, reference_id)).overall().set_index("var")
    reference_store.close()
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "结果与判定")
    table = result_tables(at)[1]  # satisfaction, knowledge
    k = reference.loc["knowledge"]
    assert table.iloc[0]["样本量"] == int(k["n"]) == 140
    assert table.iloc[0]["估计值"] == f"{float(k['estimate']) * 100:.1f}%"
    assert table.iloc[0][INTERVAL] == f"{float(k['ci_low']) * 100:.1f}% – {float(k['ci_high']) * 100:.1f}%"
    compared = next(d.value for d in at.dataframe if "排除可疑问卷后" in d.value.columns)
    assert list(compared["结论取决于可疑问卷"]) == ["否", "否"]  # nothing open any more


def test_dashboard_shows_both_sets_and_can_leave_the_flags_out(store):
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "结果与判定")
    shown = texts(at)
    assert "共 150 份问卷，被标记 30 份，待审核 30 份，已排除 0 份。" in shown
    assert "排除 30 份可疑问卷后，知晓率" in shown
    compared = next(d.value for d in at.dataframe if "排除可疑问卷后" in d.value.columns)
    assert compared.iloc[1]["全部问卷"].endswith("n=150") and compared.iloc[1]["排除可疑问卷后"].endswith("n=120")
    at.checkbox(key="dash.exclude_flagged").check().run()
    assert not at.exception, at.exception
    data = load_campaign_data(store, 1)
    fakes = [r.id for r in store.responses(1) if r.nonce.startswith("fake-")]
    clean = compute_results(replace(data, table=data.table[~data.table["response_id"].isin(fakes)].reset_index(drop=True)))
    o = clean.overall().set_index("var").loc["knowledge"]
    knowledge = result_tables(at)[1]
    assert knowledge.iloc[0]["样本量"] == int(o["n"]) == 120
    assert knowledge.iloc[0]["估计值"] == f"{float(o['estimate']) * 100:.1f}%"
    assert knowledge.iloc[0][INTERVAL] == f"{float(o['ci_low']) * 100:.1f}% – {float(o['ci_high']) * 100:.1f}%"


def test_the_queue_shows_answers_keeps_the_selection_and_speaks_words(store):
    fakes = sorted(r.id for r in store.responses(1) if r.nonce.startswith("fake-"))
    at = signed_in("admin", "admin-password-1")
    at.switch_page("app/pages/review.py").run()
    assert not at.exception, at.exception
    # the flagged response's answers, in words
    at.selectbox(key="review.answers.1").set_value(fakes[0]).run()
    answers = next(d.value for d in at.dataframe if "回答" in d.value.columns)
    assert list(answers["题目"]) == ["用过中医药服务吗？", "总体满意度", "八段锦是传统健身功法。"]
    assert answers["回答"][0] == "是" and answers["回答"][2] == "正确"
    # no reason: the warning, and the selection is still there
    at.multiselect(key="review.picked").set_value(fakes[:3])
    next(b for b in at.button if b.label == "排除出分析").click().run()
    assert "请填写理由" in texts(at)
    assert at.multiselect(key="review.picked").value == fakes[:3]
    at.text_input(key="review.reason").input("同一手机连续提交")
    next(b for b in at.button if b.label == "排除出分析").click().run()
    assert not at.exception, at.exception
    assert at.multiselect(key="review.picked").value == []  # recorded: a fresh form
    audit = next(d.value for d in at.dataframe if "理由" in d.value.columns and "操作" in d.value.columns)
    assert "审核：排除" in set(audit["操作"]) and not any("." in a for a in audit["操作"])  # words, not review.excluded
    # the parameters: a form, not JSON
    assert not at.text_area and not at.json
    at.number_input(key="review.param.too_fast.seconds_per_item").set_value(2.0)
    at.toggle(key="review.param.burst.enabled").set_value(False)
    next(b for b in at.button if b.label == "保存参数").click().run()
    assert not at.exception, at.exception
    assert store.quality_parameters(1) == {"too_fast": {"seconds_per_item": 2.0}, "burst": {"enabled": False}}


def test_an_evaluator_reads_the_parameters_in_words(store):
    at = signed_in("eva")
    at.switch_page("app/pages/review.py").run()
    table = next(d.value for d in at.dataframe if "规则" in d.value.columns)
    assert table["参数"][0].startswith("每题最少用时（秒） 1.5")
