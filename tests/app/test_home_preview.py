"""AppTest checks of the home page, the preview and the language switch."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app.i18n import table
from survey.questionnaire.catalog import shipped_questionnaires

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


def _frame_src(at: AppTest) -> str:
    (frame,) = at.get("iframe")
    return frame.proto.src


def test_preview_frames_the_forms_own_renderer_without_keys_for_visitors():
    at = run_app("zh", "app/pages/preview.py")
    assert _frame_src(at) == "/form/preview/resident?lang=zh"  # the resident form first
    at.selectbox(key="preview.instrument").set_value("staff_policy").run()
    assert _frame_src(at) == "/form/preview/staff_policy?lang=zh"


def test_preview_frame_carries_a_keys_grant_for_admins_only(monkeypatch):
    from urllib.parse import parse_qs, urlsplit

    from app import services
    from app.auth import USER_KEY
    from app.web import grants
    from accounts import create_account, current_account, set_role

    monkeypatch.setenv("TCM_SURVEY_SECRET", "preview-test-secret-0123456789")
    create_account(services.store(), "chen", "admin", "chen-password-1", actor="test")  # sessions are checked against the store
    for role, keyed in (("admin", True), ("evaluator", False), ("surveyor", False)):
        set_role(services.store(), "chen", role, actor="test")
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.session_state["lang"] = "zh"
        at.session_state[USER_KEY] = current_account(services.store(), "chen")
        at.run()
        at.switch_page("app/pages/preview.py").run()
        assert not at.exception, at.exception
        query = parse_qs(urlsplit(_frame_src(at)).query)
        assert ("g" in query) is keyed, role
        if keyed:
            assert grants.check(query["g"][0], services.secret(), "keys") == ("chen", "admin")


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
    for path in [*(ROOT / "app" / "web").rglob("*.py"), *(ROOT / "app" / "web" / "templates").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"""(?:ctx\.t|translate)\(\s*['"]([a-z_.]+[a-z_])['"]""", text))
        used.update(re.findall(r"""Context\([^)]*\)\.t\(\s*['"]([a-z_.]+[a-z_])['"]""", text))
    missing = sorted(used - keys)
    assert len(used) > 60 and not missing, missing
