"""Issue 14, item 5: an open session loses its rights when its account is disabled, demoted or
its password is reset (checked on every run of every admin page)."""

from __future__ import annotations

import pytest

from accounts import create_account, set_active, set_password, set_role
from tests.app.test_admin import app, sign_in

from .conftest import ADMIN_PASSWORD


TITLES = {"admin_users": "账户管理", "import_responses": "导入问卷数据"}


def _refused(at) -> bool:  # noqa: ANN001
    return any("需要登录" in e.value for e in at.error)


def _shows(at, page: str) -> bool:  # noqa: ANN001
    return any(e.value == TITLES[page] for e in at.title)


def _open(at, page: str):  # noqa: ANN001, ANN202
    try:
        at.switch_page(f"app/pages/{page}.py").run()
    except Exception:  # the page is no longer in this session's navigation
        return None
    return at


@pytest.mark.parametrize("change", ["disable", "demote", "password"])
@pytest.mark.parametrize("page", ["admin_users", "import_responses"])
def test_open_admin_session_loses_its_rights(app_store, change, page):
    create_account(app_store, "li", "admin", "li-password-1", actor="test")
    at = sign_in(app(), "li", "li-password-1")
    at.switch_page(f"app/pages/{page}.py").run()
    assert not at.exception and _shows(at, page)
    if change == "disable":
        set_active(app_store, "li", False, actor="test")
    elif change == "demote":
        set_role(app_store, "li", "surveyor", actor="test")
    else:
        set_password(app_store, "li", "reset-by-admin-1", actor="test")
    at.run()  # the next interaction in the open tab
    assert not _shows(at, page) and not at.exception
    assert "auth.account" not in at.session_state
    assert _open(at, page) is None or (_refused(at) and not _shows(at, page))


def test_an_unchanged_account_keeps_its_session_and_own_password_change_keeps_it(app_store):
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_users.py").run()
    at.run()
    assert not _refused(at)
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.password.current").input(ADMIN_PASSWORD)
    at.text_input(key="admin.password.new").input("a-new-password-2")
    at.text_input(key="admin.password.again").input("a-new-password-2")
    next(b for b in at.button if b.label == "修改").click().run()
    assert any("密码已修改" in s.value for s in at.success)
    at.switch_page("app/pages/admin_users.py").run()
    assert not _refused(at) and not at.exception
