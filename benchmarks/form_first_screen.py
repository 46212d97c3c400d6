"""Benchmark: the form's first screen and later screens on a throttled phone link; the admin
page's first load before and after gzip.

Chromium (Debian's) at 360 x 740 with WeChat's user agent, the link throttled through the
DevTools protocol (``Network.emulateNetworkConditions``: 150 ms round trip, 1.6 Mbit/s down,
750 kbit/s up), against one `streamlit run` process with a campaign on SQLite. Printed:

* the first screen (introduction and consent) of a running server (one other phone has opened a
  form before): bytes transferred (compressed, from the browser's
  own network log), requests, hosts, and the time until it is shown (first contentful paint)
  and loaded; targets (issue 15): at most 60 kB, under 2 s, no host but the app's own;
* each later screen (one tap on "next"): time from the tap to the next screen loaded
  (target under 1 s);
* the named peer: the Streamlit admin home page on the same link, as the old Streamlit form
  loaded (bytes, requests, time to the rendered app), with the ratio of bytes and time;
* the admin page's first-load bytes with this app's gzip of every asset (``app.web.security
  .Compression``) and before it, as plain ``streamlit run`` serves the same pages (Streamlit's
  own gzip leaves its static assets uncompressed).

Prints its figures; asserts nothing. Run: ``.venv/bin/python benchmarks/form_first_screen.py``
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from app_common import CHROMIUM_ARGS, ROOT, SECRET, Server, free_port, make_campaign, respondent_answers, start_streamlit, wait_healthy
from survey.campaign.tokens import token_url

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 10; V2001A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/78.0.3904.62 XWEB/2691 MMWEBSDK/200901 Mobile Safari/537.36 MMWEBID/1234 "
    "MicroMessenger/7.0.19.1760(0x27001335) Process/toolsmp WeChat/arm64 NetType/4G Language/zh_CN ABI/arm64"
)
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
PLAIN_ENTRY = ".benchmark-plain-entry.py"  # the same pages through plain `streamlit run` (no st.App)


class Log:
    """The bytes and hosts of every request a page makes, from DevTools' network events."""

    def __init__(self, session) -> None:  # noqa: ANN001
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        session.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        session.on("Network.loadingFinished", lambda e: self.sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        session.on("Network.webSocketFrameReceived", lambda e: self.sizes.__setitem__(
            e["requestId"] + str(len(self.sizes)), len(e["response"].get("payloadData", "")) * 3 // 4))

    def reset(self) -> None:
        self.urls.clear()
        self.sizes.clear()

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    @property
    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc for u in self.urls.values() if not u.startswith("data:")}


def phone(browser, width: int = 360):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": width, "height": 740}, user_agent=WECHAT_UA, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    return context, page, session


def fcp(page) -> float:  # noqa: ANN001
    return page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime") / 1000


def measure_form(browser, url: str) -> None:  # noqa: ANN001
    context, page, session = phone(browser)
    session.send("Network.emulateNetworkConditions", THROTTLE)
    log = Log(session)
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter() - started
    page.wait_for_timeout(300)
    print(f"form first screen: {log.total / 1024:.1f} kB in {len(log.urls)} requests, hosts {sorted(log.hosts)}; "
          f"shown (first contentful paint) {fcp(page):.2f} s, loaded {loaded:.2f} s (targets: <= 60 kB, < 2 s)")
    first_bytes, first_time = log.total, max(fcp(page), loaded)
    page.locator("label.consent").click()
    answers = respondent_answers(7)
    screens = []
    log.reset()
    started = time.perf_counter()
    with page.expect_navigation(wait_until="load"):
        page.locator("button[value=start]").click()
    screens.append((time.perf_counter() - started, log.total))
    while page.locator("button.primary").get_attribute("value") == "next":
        for box in page.eval_on_selector_all("fieldset.q[data-q]:not([hidden])", "els => els.map(e => e.dataset.q)"):
            value = answers.get(box)
            for v in value if isinstance(value, list) else ([value] if value is not None else []):
                page.locator(f"#q-{box} label.choice:has(input[value='{v}'])").click()
        for box in page.eval_on_selector_all("fieldset.q[data-q]:not([hidden])", "els => els.map(e => e.dataset.q)"):
            value = answers.get(box)
            if value is not None and not page.locator(f"#q-{box} input:checked").count():
                for v in value if isinstance(value, list) else [value]:
                    page.locator(f"#q-{box} label.choice:has(input[value='{v}'])").click()
        log.reset()
        started = time.perf_counter()
        with page.expect_navigation(wait_until="load"):
            page.locator("button.primary").click()
        screens.append((time.perf_counter() - started, log.total))
    print("form later screens (tap -> next screen loaded): "
          + ", ".join(f"{seconds:.2f} s / {size / 1024:.1f} kB" for seconds, size in screens) + " (target < 1 s each)")
    context.close()
    return first_bytes, first_time


def measure_admin(browser, url: str, label: str, *, throttled: bool) -> tuple[int, float, int]:  # noqa: ANN001
    context, page, session = phone(browser, 1280)
    if throttled:
        session.send("Network.emulateNetworkConditions", THROTTLE)
    log = Log(session)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", timeout=180_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
    page.get_by_text("基层中医药调查工具").first.wait_for(timeout=180_000)
    seconds = time.perf_counter() - started
    page.wait_for_timeout(500)
    http_bytes = sum(v for k, v in log.sizes.items() if k in log.urls)
    print(f"{label}: {http_bytes / 1024:.0f} kB over HTTP in {len(log.urls)} requests (+ WebSocket), "
          f"rendered after {seconds:.1f} s" + (" on the throttled link" if throttled else " (unthrottled)"))
    context.close()
    return http_bytes, seconds, len(log.urls)


def start_plain(workdir: Path, env: dict[str, str]) -> tuple[Server, Path]:
    """The same app through plain `streamlit run` of a script without st.App (Streamlit's own gzip)."""
    entry = ROOT / PLAIN_ENTRY
    entry.write_text('import runpy\nrunpy.run_path("streamlit_app.py", run_name="__main__")\n', encoding="utf-8")
    port = free_port()
    log = workdir / f"plain-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(entry), "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, "TCM_SURVEY_SECRET": SECRET, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log)
    return Server(url, port, process, log), entry


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "") if p and os.path.exists(p)), None)
    if chromium is None:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="tcm-bench-first-") as folder:
        workdir = Path(folder)
        db = f"sqlite:///{workdir / 'bench.sqlite'}"
        _, tokens = make_campaign(db, sites=2)
        env = {"TCM_SURVEY_DB": db, "TCM_SURVEY_ADMIN_PASSWORD": "benchmark-admin"}
        server = start_streamlit(workdir, env)
        plain, entry = None, None
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                import urllib.request

                for path in (token_url(server.url, tokens[1]), f"{server.url}/form/static/form.css", f"{server.url}/form/static/form.js"):
                    urllib.request.urlopen(path, timeout=60).read()  # a running server: store open, templates compiled
                first_bytes, first_time = measure_form(browser, token_url(server.url, tokens[0]))
                peer_bytes, peer_time, _ = measure_admin(browser, server.url, "named peer, the Streamlit home page", throttled=True)
                print(f"form first screen vs the Streamlit page: {peer_bytes / max(first_bytes, 1):.0f}x fewer bytes, "
                      f"{peer_time / max(first_time, 0.001):.0f}x sooner")
                after, _, _ = measure_admin(browser, server.url, "admin page first load, after (gzip of every asset)", throttled=False)
                plain, entry = start_plain(workdir, env)
                before, _, _ = measure_admin(browser, plain.url, "admin page first load, before (plain streamlit run)", throttled=False)
                print(f"admin first-load bytes: before {before / 1024:.0f} kB, after {after / 1024:.0f} kB "
                      f"({before / max(after, 1):.1f}x smaller)")
                browser.close()
        finally:
            server.stop()
            if plain is not None:
                plain.stop()
            if entry is not None:
                entry.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
