"""Fixtures shared by all test packages: a real `streamlit run` server and headless Chromium.

Browser tests drive Debian's Chromium through Playwright (no browser download) and keep a
screenshot of each step in ``artifacts/screenshots/`` for people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or ""):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.fail("Chromium is not installed: the test command installs Debian's 'chromium' (scripts/apt-test.txt)")


class StreamlitServer:
    def __init__(self, url: str, process: subprocess.Popen, log: Path, env: dict[str, str]) -> None:
        self.url, self.process, self.log, self.env = url, process, log, env


def start_streamlit(workdir: Path, extra_env: dict[str, str] | None = None) -> StreamlitServer:
    port = free_port()
    log = workdir / f"streamlit-{port}.log"
    env = {**os.environ, "TCM_SURVEY_DB": f"sqlite:///{workdir / 'app.sqlite'}", "TCM_SURVEY_DATA": str(workdir),
           **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return StreamlitServer(url, process, log, env)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    pytest.fail(f"streamlit did not start; log:\n{log.read_text()}")


def stop_streamlit(server: StreamlitServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def settle(page, timeout_ms: int = 90_000) -> None:
    """Wait until the app has rendered and Streamlit's "running" indicator is gone."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_timeout(400)


def handed_off(page, wait_ms: int = 30_000) -> None:
    """After signing in, wait for the login page's handoff (a POST to ``/desk/session`` that sets
    the session cookie and reloads the page) to finish, so a click does not land on a page that is
    being replaced."""
    deadline = wait_ms
    while deadline > 0 and not any(c["name"] == "tcm_session" for c in page.context.cookies()):
        page.wait_for_timeout(200)
        deadline -= 200
    page.wait_for_load_state("load")
    settle(page)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    server = start_streamlit(tmp_path_factory.mktemp("streamlit"))
    yield server
    stop_streamlit(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshot_dir() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def full_screenshot(page, path: Path) -> None:
    """Screenshot the whole app: Streamlit scrolls inside its own container, not the page."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('[data-testid=\"stMain\"], section, div'))"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
