"""Issue 14, item 13 (in the browser): answer texts and column names of an uploaded file are shown
as text on the import page: no image fetched from another host, no live link."""

from __future__ import annotations

import http.server
import threading

import pytest

from accounts import create_account
from survey.demo import create_demo
from survey.campaign.keys import ENV_SECRET
from survey.storage import Store
from tests.app.respond_helpers import SECRET
from tests.conftest import free_port, full_screenshot, handed_off, settle, start_streamlit, stop_streamlit

pytestmark = pytest.mark.browser
ADMIN_PASSWORD = "admin-password-1"


class Trap(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Trap.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def trap():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Trap)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("import-text")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        create_account(store, "admin", "admin", ADMIN_PASSWORD, actor="test")
        campaign = create_demo(store, responses=0, seed=2).campaign
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    started.campaign = campaign
    yield started
    stop_streamlit(started)


def test_uploaded_texts_are_not_markdown(browser, app_server, trap, screenshot_dir, tmp_path):
    site = app_server.campaign.sites[0].code
    hostile_text = f"![a]({trap}/answer.png) [点此领奖](http://evil.example/win)"
    hostile_column = f"备注![c]({trap}/column.png)"
    upload = tmp_path / "hostile.csv"
    upload.write_text(f"调查点,您的性别是？,{hostile_column}\n{site},\"{hostile_text}\",x\n", encoding="utf-8-sig")

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    settle(page)
    handed_off(page)  # the session cookie is set before the link is followed
    page.get_by_role("link", name="导入问卷数据").first.click()
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(upload))
    settle(page)
    page.get_by_text("3. 校验结果").wait_for(timeout=60_000)
    # the text is there, as text (in a table cell or in the data grid's cell mirror, which the grid keeps hidden)
    page.get_by_text("点此领奖", exact=False).first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(1500)
    full_screenshot(page, screenshot_dir / "security-import-text.png")
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator(f"img[src^='{trap}']").count() == 0
    assert Trap.hits == []
    page.close()
