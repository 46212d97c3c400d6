"""Bad instrument inputs (issue 14, item 14): an XLSForm import that would not pass `survey check`
writes nothing, a broken YAML in questionnaires/ is listed as broken while the rest works, `-o`
into a missing folder is a clear message, and a deeply nested expression is a clear error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import survey.questionnaire.catalog as catalog
from survey.errors import ExpressionError
from survey.questionnaire.expressions import MAX_NESTING, compile_expression
from survey.questionnaire.loader import parse_questionnaire_text
from tests.survey.questionnaire.test_xlsform import write_form

ROOT = Path(__file__).resolve().parents[2]


def import_form(form: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "survey", "import-xlsform", str(form), "-o", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_import_that_fails_check_writes_nothing(tmp_path):
    # a choice list with one choice converts, but `survey check` refuses a single choice question
    form = write_form(tmp_path / "bad.xlsx", [["type", "name", "label"], ["select_one yn", "q", "Q"], ["integer", "age", "Age"]],
                      [["list_name", "name", "label"], ["yn", "yes", "Yes"]])
    out = tmp_path / "bad.yaml"
    result = import_form(form, out)
    assert result.returncode == 1
    assert f"{out}: q: choices: a single question needs a list of at least 2 choices" in result.stderr
    assert "nothing written" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [form]  # no temporary file left behind either


def test_import_into_a_missing_folder_is_a_clear_message(tmp_path):
    form = write_form(tmp_path / "ok.xlsx", [["type", "name", "label"], ["integer", "age", "Age"]])
    result = import_form(form, tmp_path / "no" / "such" / "out.yaml")
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_import_with_only_warnings_exits_zero(tmp_path):
    form = write_form(tmp_path / "w.xlsx", [["type", "name", "label"], ["integer", "Age", "Age"]])
    result = import_form(form, tmp_path / "w.yaml")
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and (tmp_path / "w.yaml").exists()
    assert import_form(form, tmp_path / "s.yaml", "--strict").returncode == 1


def test_relevant_nested_3000_deep_is_a_clear_error():
    deep = "(" * 3000 + "${a} = 1" + ")" * 3000
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_NESTING} levels"):
        compile_expression(deep)
    text = f"""
id: deep
version: "1"
languages: [zh, en]
title: {{zh: 深, en: Deep}}
introduction: {{zh: 说明, en: Intro}}
sections:
  - id: s
    title: {{zh: 节, en: S}}
    questions:
      - {{id: a, type: yes_no, label: {{zh: 一, en: One}}}}
      - {{id: b, type: yes_no, label: {{zh: 二, en: Two}}, relevant: "{deep}"}}
"""
    with pytest.raises(Exception) as info:
        parse_questionnaire_text(text, source="deep.yaml")
    assert not isinstance(info.value, RecursionError)
    assert "deep.yaml: b: relevant: nested more than" in str(info.value)


@pytest.fixture
def broken_folder(tmp_path, monkeypatch):
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    (folder / "imported.yaml").write_text("id: imported\nversion: '1'\nlanguages: [zh, en]\nsections: [\n", encoding="utf-8")
    monkeypatch.setattr(catalog, "QUESTIONNAIRE_DIR", folder)
    catalog.shipped_catalog.cache_clear()
    yield folder
    catalog.shipped_catalog.cache_clear()


def test_broken_yaml_is_listed_as_broken_and_the_rest_loads(broken_folder):
    loaded = catalog.load_catalog(broken_folder)
    assert str(broken_folder / "imported.yaml") in loaded.broken
    assert "YAML syntax error" in str(loaded.broken[str(broken_folder / "imported.yaml")][0])
    assert {"resident", "staff_policy"} <= set(loaded.questionnaires)
    assert set(catalog.broken_instruments()) == {str(broken_folder / "imported.yaml")}


def test_preview_and_new_campaign_pages_survive_a_broken_file(broken_folder, monkeypatch, tmp_path):
    from accounts import ensure_first_admin
    from survey.storage import Store

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))
    monkeypatch.setenv("TCM_SURVEY_SECRET", "s" * 32)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    with Store.open() as store:
        ensure_first_admin(store)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("app/pages/preview.py").run()
    assert not at.exception, at.exception
    assert any("imported.yaml" in w.value for w in at.warning)
    assert "居民中医药服务调查" in at.selectbox(key="preview.instrument").options
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.login.username").input("admin")
    at.text_input(key="admin.login.password").input("admin-password-1")
    next(b for b in at.button if b.label == "登录").click().run()
    at.switch_page("app/pages/admin_new_campaign.py").run()
    assert not at.exception, at.exception
    assert any("imported.yaml" in w.value for w in at.warning)
