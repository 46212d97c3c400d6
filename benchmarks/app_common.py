"""Shared parts of the app benchmarks: `streamlit run` servers, a campaign, phone sessions in Chromium.

Not a benchmark itself. ``app_load.py`` and ``app_scaleout.py`` use it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from survey.campaign import CampaignSpec, SiteSpec  # noqa: E402
from survey.questionnaire.catalog import shipped_questionnaires  # noqa: E402
from survey.collect.simulate import simulate_answers  # noqa: E402
from survey.storage import Store  # noqa: E402
from survey.campaign.tokens import make_token  # noqa: E402

SECRET = "benchmark-secret-0123456789abcdef"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen
    log: Path

    def rss_mib(self) -> float:
        """Resident memory of the server process (MiB), from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (s), from /proc."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_streamlit(workdir: Path, env: dict[str, str], *, port: int | None = None) -> Server:
    port = port or free_port()
    log = workdir / f"streamlit-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, TCM_ENV_SECRET: SECRET, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log)
    return Server(url, port, process, log)


TCM_ENV_SECRET = "TCM_SURVEY_SECRET"


def wait_healthy(url: str, process: subprocess.Popen | None = None, log: Path | None = None, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
        if process is not None and process.poll() is not None:
            break
    raise SystemExit(f"{url} did not become healthy" + (f"; log:\n{log.read_text()}" if log else ""))


def make_campaign(db_url: str, sites: int) -> tuple[int, list[str]]:
    """A campaign open today with ``sites`` sites and the resident questionnaire; return its id
    and one token per site."""
    resident = shipped_questionnaires()["resident"]
    today = dt.date.today()
    with Store.open(db_url) as store:
        campaign = store.create_campaign(
            CampaignSpec("基准测试（模拟）", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=7)),
            [resident],
            [SiteSpec(f"{i:02d}", f"基准调查点{i}", f"乡镇{i % 4}", "village_clinic") for i in range(1, sites + 1)], actor="benchmark",
        )
    short_id = campaign.instrument_for("resident").short_id
    return campaign.id, [make_token(SECRET.encode(), campaign.id, s.code, short_id) for s in campaign.sites]


def respondent_answers(seed: int) -> dict:
    """A valid resident answer set of someone who used no TCM service (the shorter path)."""
    resident = shipped_questionnaires()["resident"]
    rng = np.random.default_rng(seed)
    while True:
        answers = simulate_answers(resident, rng)
        if answers.get("used_tcm") == "no":
            return answers


async def answer_on_page(page, answers: dict) -> None:
    """Tap the answer of every question on screen (again when skip logic shows another)."""
    done: set[str] = set()
    while True:
        shown = await page.eval_on_selector_all("fieldset.q[data-q]:not([hidden])", "els => els.map(e => e.dataset.q)")
        todo = [qid for qid in shown if qid in answers and qid not in done]
        if not todo:
            return
        for qid in todo:
            value = answers[qid]
            box = page.locator(f"#q-{qid}")
            if await box.get_attribute("data-type") in ("number", "text"):
                await box.locator("input,textarea").fill(str(value))
            else:
                for v in value if isinstance(value, (list, tuple)) else [value]:
                    await box.locator(f"label.choice:has(input[value='{v}'])").click()
            done.add(qid)


async def respondent_session(browser, url: str, seed: int, start_gate: asyncio.Event, done: list) -> None:
    """Open the link, consent, answer every part, submit; record seconds to the thank-you page."""
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    context.set_default_timeout(300_000)  # many pages loading at once on 2 cores are slow, not broken
    page = await context.new_page()
    answers = respondent_answers(seed)
    await start_gate.wait()
    started = time.perf_counter()
    try:
        await page.goto(url, timeout=300_000)
        await page.locator("label.consent").click()
        async with page.expect_navigation():
            await page.locator("button[value=start]").click()
        for _ in range(40):
            await answer_on_page(page, answers)
            primary = page.locator("button.primary")
            if await primary.get_attribute("value") == "submit":
                await primary.click()  # sent by the form's script; the answer replaces the page
                break
            async with page.expect_navigation():
                await primary.click()
        await page.wait_for_selector("main[data-page='thanks']", timeout=300_000)
        done.append((seed, time.perf_counter() - started, context))
    except Exception as exc:  # noqa: BLE001 - reported, the benchmark goes on
        done.append((seed, None, context))
        shot = Path(tempfile.gettempdir()) / f"tcm-bench-failed-{seed}.png"
        await page.screenshot(path=str(shot), full_page=True)
        print(f"  (screenshot {shot})", flush=True)
        print(f"  session {seed} failed: {type(exc).__name__}: {str(exc)[:1500]}", flush=True)


async def run_sessions(urls: list[str], *, on_all_open=None) -> tuple[list[float], int]:
    """Run one phone session per URL at once; return the times of those that finished, and the
    number that failed. ``on_all_open()`` is called while every finished session is still open."""
    from playwright.async_api import async_playwright

    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "") if p and os.path.exists(p)), None)
    if chromium is None:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        gate = asyncio.Event()
        done: list = []
        tasks = [asyncio.create_task(respondent_session(browser, url, seed, gate, done)) for seed, url in enumerate(urls)]
        await asyncio.sleep(1.0)  # contexts created; then everyone opens the link together
        gate.set()
        await asyncio.gather(*tasks)
        if on_all_open is not None:
            on_all_open()
        for _, _, context in done:
            await context.close()
        await browser.close()
    times = [seconds for _, seconds, _ in done if seconds is not None]
    return times, sum(1 for _, seconds, _ in done if seconds is None)


def summary(times: list[float]) -> str:
    if not times:
        return "no session finished"
    return f"median {statistics.median(times):.1f} s, worst {max(times):.1f} s, best {min(times):.1f} s"


def stored(db_url: str, campaign_id: int) -> tuple[int, int]:
    """(rows stored, distinct nonces) for the campaign."""
    with Store.open(db_url) as store:
        rows = store.responses(campaign_id)
    return len(rows), len({r.nonce for r in rows})


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL server for the benchmark: ``TCM_SURVEY_BENCH_PG`` or ``TCM_SURVEY_TEST_PG`` when
    set, else a temporary one made with Debian's initdb (removed afterwards)."""
    given = os.environ.get("TCM_SURVEY_BENCH_PG") or os.environ.get("TCM_SURVEY_TEST_PG")
    if given:
        yield given
        return
    bindir = next((p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True) if (p / "initdb").exists()), None)
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql), or set TCM_SURVEY_BENCH_PG")
    folder = Path(tempfile.mkdtemp(prefix="tcm-bench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    folder.chmod(0o700)
    port = free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log"), "-w", "-o",
        f"-p {port} -k {folder} -c listen_addresses= -c max_connections=200", "start")
    try:
        run(str(bindir / "createdb"), "-h", str(folder), "-p", str(port), "-U", "postgres", "tcm_bench")
        yield f"postgresql+psycopg://postgres@/tcm_bench?host={folder}&port={port}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
