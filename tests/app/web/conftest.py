"""Fixtures of the HTML form tests: a campaign in a fresh store and a client of the form routes.

The client serves ``app.web``'s routes and middleware exactly as ``st.App`` does, with a stand-in
for Streamlit behind them (Streamlit itself is covered by the browser tests).
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app import services
from tests.app.respond_helpers import SECRET, make_campaign, token_for

STREAMLIT_STAND_IN = "streamlit stand-in"


def web_client() -> TestClient:
    from app.web.routes import middleware, routes

    async def streamlit(request):  # noqa: ANN001, ANN202
        return PlainTextResponse(STREAMLIT_STAND_IN)

    app = Starlette(routes=[*routes(), Route("/{path:path}", streamlit, methods=["GET", "POST"])], middleware=middleware())
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def store(monkeypatch):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    yield services.store()
    services.close_all()


@pytest.fixture
def campaign(store):
    return make_campaign(store)


@pytest.fixture
def client() -> TestClient:
    return web_client()


@pytest.fixture
def resident_token(campaign) -> str:
    return token_for(campaign, "01A", "resident")


@pytest.fixture
def staff_token(campaign) -> str:
    return token_for(campaign, "01A", "staff_policy")
