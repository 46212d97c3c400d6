"""The front door under attack: headers, internal routes, CSRF, body size, cookies, preview keys.

Issue 14 items 4 (no answers left on a shared phone's cookies), 6 (no answer keys in the public
preview) and 19 (security headers, Streamlit's metrics and host-config), and issue 15's
"safe by construction" list.
"""

from __future__ import annotations

import re

import numpy as np

from app import services
from app.web import grants
from app.web.security import FORM_CSP, MAX_BODY_BYTES
from accounts import create_account, set_active, set_role
from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.simulate import simulate_answers
from tests.app.web.conftest import STREAMLIT_STAND_IN
from tests.app.web.form_client import FormRespondent, section_fields

STAFF = shipped_questionnaires()["staff_policy"]


def test_form_pages_send_a_strict_policy_without_inline_script(client, resident_token) -> None:
    response = client.get(f"/?t={resident_token}")
    assert response.headers["content-security-policy"] == FORM_CSP
    assert "script-src 'self';" in FORM_CSP and "unsafe-inline" not in FORM_CSP and "frame-ancestors 'self'" in FORM_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["cache-control"] == "no-store"
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), "inline script"
    assert not re.search(r"\son[a-z]+=", response.text), "inline event handler"
    assert "style=" not in response.text


def test_every_other_response_gets_the_headers_too(client) -> None:
    for path in ("/", "/dashboard", "/static/js/index.js", "/form/static/form.css", "/no-such-page"):
        response = client.get(path)
        assert response.headers["x-frame-options"] == "SAMEORIGIN", path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"], path


def test_streamlit_metrics_are_refused_and_host_config_only_to_the_apps_own_pages(client) -> None:
    assert client.get("/_stcore/metrics").status_code == 404
    assert client.get("/_stcore/host-config").status_code == 403
    assert client.get("/_stcore/host-config", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.get("/_stcore/host-config", headers={"referer": "https://evil.example/x"}).status_code == 403
    same = client.get("/_stcore/host-config", headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 200 and same.text == STREAMLIT_STAND_IN
    old_browser = client.get("/_stcore/host-config", headers={"referer": "http://testserver/dashboard"})
    assert old_browser.status_code == 200


def test_posts_without_the_pages_csrf_token_or_from_another_site_store_nothing(client, resident_token, store, campaign) -> None:
    answers = simulate_answers(shipped_questionnaires()["resident"], np.random.default_rng(2))
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.fill(answers, submit=False)
    fields = section_fields(page, answers)
    good = dict(page.hidden)

    page.hidden["csrf"] = "0" * 32
    assert respondent.post("submit", fields).page == "notice" and respondent.response.status_code == 403
    respondent.page = page
    page.hidden.update(good)
    response = client.post(respondent.url, data={**good, "action": "submit", **dict(fields)}, headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    client.cookies.delete("tcm_csrf")
    assert client.post(respondent.url, data={**good, "action": "submit", **dict(fields)}).status_code == 403
    assert store.responses(campaign.id) == []


def test_a_body_over_the_limit_is_refused(client, resident_token) -> None:
    response = client.post(f"/?t={resident_token}", content=b"a=" + b"x" * (MAX_BODY_BYTES + 1),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 8192

    response = client.post(f"/?t={resident_token}", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    # Streamlit's own file upload keeps its own limit (server.maxUploadSize)
    upload = client.post("/_stcore/upload_file/session-1/file-1", content=b"x" * (4 * MAX_BODY_BYTES))
    assert upload.status_code == 200 and upload.text == STREAMLIT_STAND_IN


def test_no_answer_is_left_in_a_cookie(client, resident_token) -> None:
    """Issue 14 item 4: the old form kept every answer in a cookie for two days."""
    answers = simulate_answers(shipped_questionnaires()["resident"], np.random.default_rng(12))
    respondent = FormRespondent(client, resident_token)
    seen: list[str] = []
    original = client.request

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        response = original(*args, **kwargs)
        seen.extend(response.headers.get_list("set-cookie"))
        return response

    client.request = recording
    respondent.open()
    respondent.start()
    assert respondent.fill(answers).page == "thanks"
    names = {c.split("=", 1)[0] for c in seen}
    assert names == {"tcm_csrf", "tcm_device"}
    assert set(client.cookies.keys()) == {"tcm_csrf", "tcm_device"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in client.cookies.values())


def test_gzip_for_form_pages_assets_and_streamlit(client, resident_token) -> None:
    for path in (f"/?t={resident_token}", "/form/static/form.js", "/form/static/form.css"):
        response = client.get(path, headers={"accept-encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip", path
    raw = client.get("/form/static/form.js", headers={"accept-encoding": "identity"})
    assert raw.headers.get("content-encoding") is None and "evaluate" in raw.text


def test_a_response_under_a_kilobyte_goes_uncompressed_with_its_security_headers() -> None:
    """Gzip saves no packet below MIN_GZIP_BYTES (headers and body fit in one TCP segment)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.responses import HTMLResponse

    from app.web.security import MIN_GZIP_BYTES, Compression, Hardening

    async def answer(scope, receive, send) -> None:
        await HTMLResponse("x" * int(scope["query_string"]))(scope, receive, send)

    async def fetch(size: int) -> tuple[dict, bytes]:
        sent: list[dict] = []

        async def send(message) -> None:
            sent.append(message)

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {"type": "http", "method": "GET", "path": "/x", "query_string": str(size).encode(),
                 "headers": [(b"accept-encoding", b"gzip, deflate")]}
        await Hardening(Compression(answer))(scope, receive, send)
        return {k.decode(): v.decode() for k, v in sent[0]["headers"]}, b"".join(m.get("body", b"") for m in sent[1:])

    def run(size: int) -> tuple[dict, bytes]:  # a loop of its own: other tests may leave one running here
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, fetch(size)).result()

    small, body = run(MIN_GZIP_BYTES - 1)
    assert "content-encoding" not in small and len(body) == int(small["content-length"]) == MIN_GZIP_BYTES - 1
    assert small["x-content-type-options"] == "nosniff"
    large, body = run(MIN_GZIP_BYTES)
    assert large["content-encoding"] == "gzip" and len(body) == int(large["content-length"]) < 100
    assert large["vary"] == "Accept-Encoding" and large["x-content-type-options"] == "nosniff"


def test_public_preview_shows_questions_and_skip_rules_but_no_keys(client, store) -> None:
    """Issue 14 item 6: the preview gave every answer key away without a login."""
    page = client.get("/form/preview/staff_policy").text
    assert "正确答案：" not in page and "回答正确" not in page
    for question in STAFF.scored_questions[:3]:
        assert question.id in page
    resident = client.get("/form/preview/resident").text
    assert "显示条件：${used_tcm} = &#39;yes&#39;" in resident
    for question in shipped_questionnaires()["resident"].scored_questions:
        assert f'value="{question.answer}"' in resident or isinstance(question.answer, tuple)
    assert "正确答案：" not in resident


def test_preview_keys_need_a_live_admin_grant(client, store) -> None:
    secret = services.secret()
    create_account(store, "wang", "admin", "admin-pass-1234", actor="test")
    grant = grants.issue(secret, "wang", "admin", "keys")
    page = client.get(f"/form/preview/staff_policy?g={grant}").text
    assert page.count("正确答案：") == len(STAFF.scored_questions)
    forged = grant[:-2] + ("AA" if not grant.endswith("AA") else "BB")
    assert "正确答案：" not in client.get(f"/form/preview/staff_policy?g={forged}").text
    expired = grants.issue(secret, "wang", "admin", "keys", seconds=-1)
    assert "正确答案：" not in client.get(f"/form/preview/staff_policy?g={expired}").text
    set_role(store, "wang", "surveyor", actor="test")  # demoted: the grant stops working at once
    assert "正确答案：" not in client.get(f"/form/preview/staff_policy?g={grant}").text
    try:
        grants.issue(secret, "zhao", "surveyor", "keys")
    except ValueError:
        pass
    else:
        raise AssertionError("a surveyor got a keys grant")


def test_surveyor_mode_needs_a_grant_and_stops_when_the_account_is_disabled(client, store, staff_token, campaign) -> None:
    assert client.get(f"/?t={staff_token}&by=surveyor").status_code == 403
    create_account(store, "li", "surveyor", "surveyor-pass-1", actor="test")
    grant = grants.issue(services.secret(), "li", "surveyor", "surveyor")
    opened = client.get(f"/?t={staff_token}&g={grant}", follow_redirects=False)
    assert opened.status_code == 303
    cookie = next(c for c in opened.headers.get_list("set-cookie") if c.startswith("tcm_staff="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get(f"/?t={staff_token}&by=surveyor").status_code == 200
    set_active(store, "li", False, actor="test")
    assert client.get(f"/?t={staff_token}&by=surveyor").status_code == 403
    assert client.get(f"/?t={staff_token}&g={grant}", follow_redirects=False).status_code == 403


def test_surveyor_paradata_names_the_account_and_mode(client, store, staff_token, campaign, monkeypatch) -> None:
    seen = {}
    original = type(store).submit

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN202
        seen.update(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(store), "submit", spy)
    create_account(store, "li", "surveyor", "surveyor-pass-1", actor="test")
    client.get(f"/?t={staff_token}&g={grants.issue(services.secret(), 'li', 'surveyor', 'surveyor')}")
    respondent = FormRespondent(client, staff_token, query="&by=surveyor")
    respondent.open()
    respondent.start(mode="read_aloud")
    page = respondent.fill(simulate_answers(STAFF, np.random.default_rng(1)))
    assert page.page == "thanks" and page.has("another")
    assert seen["source"] == "surveyor" and seen["paradata"]["surveyor"] == "li" and seen["paradata"]["mode"] == "read_aloud"
    page = respondent.post("another")
    assert page.page == "intro"


def test_static_assets_are_compressed_once_and_answer_revalidation(client) -> None:
    first = client.get("/form/static/form.js", headers={"accept-encoding": "gzip"})
    again = client.get("/form/static/form.js", headers={"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
    assert first.content == again.content and int(first.headers["content-length"]) < len(first.content)
    etag = first.headers["etag"]
    revalidated = client.get("/form/static/form.js", headers={"accept-encoding": "gzip", "if-none-match": etag})
    assert revalidated.status_code == 304 and revalidated.content == b""
