"""Benchmark: the surveyors' field app on a throttled phone link: sign-in and the task list.

Chromium (Debian's) at 360 x 740 with WeChat's user agent, the link throttled through the
DevTools protocol (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, as
``benchmarks/form_first_screen.py``), against one `streamlit run` process with a campaign on
SQLite, a surveyor account and 30 households assigned to it in 3 villages. Printed, from the
browser's own network log (compressed bytes) and clock:

* the sign-in page: bytes, requests, hosts, time until shown (first contentful paint) and loaded;
* signing in (tap -> the task list loaded): bytes and time;
* the task list opened again (a reload, signed in: the session cookie): bytes and time;
* one household screen: bytes and time.

Targets (issue 19): each under 30 kB and 1 s. The service worker is bypassed while measuring, so
every request crosses the throttled link and shows in the page's network log. The caching of the day's pages for work without
signal starts after the task list is shown and is reported apart. Prints its figures; asserts
nothing. Run: ``.venv/bin/python benchmarks/field_app.py``
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from app_common import CHROMIUM_ARGS, start_streamlit
from form_first_screen import THROTTLE, Log, fcp, phone

PASSWORD = "benchmark-surveyor"


def prepare(db_url: str) -> None:
    from accounts import create_account
    from survey.collect.households import HouseholdSpec
    from survey.storage import Store
    from app_common import make_campaign

    campaign_id, _ = make_campaign(db_url, sites=3)
    with Store.open(db_url) as store:
        campaign = store.campaign(campaign_id)
        create_account(store, "surveyor1", "surveyor", PASSWORD, actor="benchmark")
        specs = [HouseholdSpec(site.code, f"{i:03d}", f"第{i}组") for site in campaign.sites[:3] for i in range(1, 11)]
        store.assign_households(campaign_id, specs, surveyor="surveyor1", actor="benchmark")


def timed(page, log, action) -> tuple[float, int, int]:  # noqa: ANN001
    log.reset()
    started = time.perf_counter()
    action()
    page.wait_for_load_state("load")
    seconds = time.perf_counter() - started
    return seconds, sum(v for k, v in log.sizes.items() if k in log.urls), len(log.urls)  # this page's requests only


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "") if p and os.path.exists(p)), None)
    if chromium is None:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="tcm-bench-field-") as folder:
        workdir = Path(folder)
        db = f"sqlite:///{workdir / 'bench.sqlite'}"
        prepare(db)
        server = start_streamlit(workdir, {"TCM_SURVEY_DB": db, "TCM_SURVEY_ADMIN_PASSWORD": "benchmark-admin"})
        try:
            import urllib.request

            urllib.request.urlopen(f"{server.url}/field", timeout=60).read()  # a running server: store open, templates compiled
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                context, page, session = phone(browser)
                session.send("Network.emulateNetworkConditions", THROTTLE)
                session.send("Network.setBypassServiceWorker", {"bypass": True})  # every byte over the link, in this log
                log = Log(session)
                seconds, size, requests = timed(page, log, lambda: page.goto(f"{server.url}/field", wait_until="load"))
                page.wait_for_timeout(300)
                print(f"sign-in page: {size / 1024:.1f} kB in {requests} requests, hosts {sorted(log.hosts)}; "
                      f"shown {fcp(page):.2f} s, loaded {seconds:.2f} s (targets: < 30 kB, < 1 s)")
                page.fill("#username", "surveyor1")
                page.fill("#password", PASSWORD)

                def sign_in() -> None:
                    with page.expect_navigation(wait_until="load"):
                        page.locator("#login button.primary").click()

                seconds, size, requests = timed(page, log, sign_in)
                print(f"sign in -> task list (30 households): {size / 1024:.1f} kB in {requests} requests, {seconds:.2f} s "
                      "(includes the scrypt password check, ~0.5 s of server time)")
                started = time.perf_counter()
                log.reset()
                page.wait_for_selector("main[data-offline-ready='1']", timeout=120_000)
                print(f"  then kept for work without signal: {log.total / 1024:.1f} kB in {len(log.urls)} requests, "
                      f"{time.perf_counter() - started:.1f} s more (in the background)")
                seconds, size, requests = timed(page, log, lambda: page.reload(wait_until="load"))
                print(f"task list again (reload, signed in by the session cookie): {size / 1024:.1f} kB in {requests} requests, "
                      f"{seconds:.2f} s")
                href = page.locator("a.task").first.get_attribute("href")
                seconds, size, requests = timed(page, log, lambda: page.goto(server.url + href, wait_until="load"))
                print(f"one household screen: {size / 1024:.1f} kB in {requests} requests, {seconds:.2f} s")
                context.close()
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
