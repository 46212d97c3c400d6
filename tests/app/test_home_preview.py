"""AppTest checks of the home page, the preview and the language switch."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app.i18n import table
from survey.catalog import shipped_questionnaires

ROOT = Path(__file__).resolve().parents[2]


def run_app(language: str = "zh", page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["lang"] = language
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.subheader] + [e.value for e in at.header]
    for table_element in at.table:
        parts.append(table_element.value.to_string())
    return "\n".join(str(p) for p in parts)


def test_home_in_chinese_lists_instruments_and_profiles():
    at = run_app("zh")
    text = all_text(at)
    assert "基层中医药调查工具" in text
    for q in shipped_questionnaires().values():
        assert q.title["zh"] in text and q.short_hash in text
    assert "钦州市" in text and "柳南区" in text
    assert "≥ 90%" in text and "≥ 85%" in text


def test_home_in_english():
    at = run_app("en")
    text = all_text(at)
    assert "TCM survey toolkit" in text
    assert "Qinzhou" in text
    for q in shipped_questionnaires().values():
        assert q.title["en"] in text
    assert not re.search(r"[\u4e00-\u9fff]", at.title[0].value)


def test_preview_applies_skip_logic_live_and_scores():
    at = run_app("zh", "app/pages/preview.py")
    resident = shipped_questionnaires()["resident"]
    satisfaction = resident.indicator("satisfaction")
    gate = satisfaction.applies_if.references[0]
    overall_key = f"preview.resident.{satisfaction.items[0]}"
    assert not any(r.key == overall_key for r in at.radio)
    at.radio(key=f"preview.resident.{gate}").set_value("yes").run()
    assert any(r.key == overall_key for r in at.radio)
    at.radio(key=f"preview.resident.{gate}").set_value("no").run()
    assert not any(r.key == overall_key for r in at.radio)
    at.button(key="preview.resident.check").click().run()
    assert at.error and "以下题目需要修改" in at.error[0].value
    assert any("此题必答" in m.value for m in at.markdown)


def test_preview_of_staff_quiz_shows_keys_after_a_complete_answer():
    import numpy as np

    from survey.simulate import simulate_answers

    staff = shipped_questionnaires()["staff_policy"]
    answers = simulate_answers(staff, np.random.default_rng(3))
    at = run_app("zh", "app/pages/preview.py")
    at.selectbox(key="preview.instrument").set_value("staff_policy").run()
    for qid, value in answers.items():
        question = staff.question(qid)
        key = f"preview.staff_policy.{qid}"
        if question.type.value == "multiple":
            for choice in value:
                at.checkbox(key=f"{key}.{choice}").check()
        elif question.type.value == "number":
            at.number_input(key=key).set_value(value)
        elif question.type.value == "text":
            at.text_area(key=key).input(value)
        else:
            at.radio(key=key).set_value(str(value))
        at.run()
    at.button(key="preview.staff_policy.check").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.success and "答案有效" in at.success[0].value


def test_every_string_has_chinese_and_english():
    for key, texts in table().items():
        assert texts.get("zh", "").strip() and texts.get("en", "").strip(), key


def test_every_string_key_used_in_the_app_exists():
    keys = set(table())
    used: set[str] = set()
    for path in [ROOT / "streamlit_app.py", *(ROOT / "app").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used.add(first.value)
    missing = sorted(used - keys)
    assert not missing, missing
