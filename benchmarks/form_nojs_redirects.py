"""Benchmark: a form without JavaScript as GETs (POST -> 303 -> GET per screen) against the same
walk answered by its page (``js=1``: how every POST was answered before, and how the script's
fetch still is).

In process, through the form's own routes and middleware (Starlette's test client, no network),
a campaign on SQLite: a resident completes the questionnaire from the first screen to the
thank-you page. Printed for each way: requests, bytes of the answers (compressed as sent: the
middleware gzips), server milliseconds per completed form (best and median of the repeats); then
the longest address a part had (sealed state, characters; the limit ``MAX_URL_STATE``) for the
resident and the staff questionnaires, and the milliseconds of Back after the thank-you page
(the GET of the last part's address: one receipt lookup and the page). Every figure of the two
ways comes from this one run. Prints its figures; asserts nothing.
Run: ``.venv/bin/python benchmarks/form_nojs_redirects.py [repeats]``
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))



def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


def _fields(html: str, answers: dict) -> list[tuple[str, str]]:
    """The answers of the questions shown on the page (hidden fieldsets left out)."""
    out = []
    for qid, hidden in re.findall(r'<fieldset class="q[^"]*"[^>]*data-q="([^"]+)"([^>]*)>', html):
        if " hidden" in hidden or qid not in answers:
            continue
        value = answers[qid]
        out += [(f"q.{qid}", str(v)) for v in (value if isinstance(value, list | tuple) else [value])]
    return out


def walk(client, token: str, answers: dict, *, scripted: bool) -> tuple[int, int, float, int, str]:
    """One form from the first screen to the thank-you page: (requests, bytes, seconds, longest address, last part's URL)."""
    requests = sent = longest = 0
    last_url = ""
    started = time.perf_counter()
    page = client.get(f"/?t={token}", headers={"accept-encoding": "gzip"})
    requests, sent = 1, int(page.headers.get("content-length", len(page.content)))
    action, fields = "start", [("consent", "1")]
    for _ in range(30):
        data = [("csrf", _hidden(page.text, "csrf")), ("state", _hidden(page.text, "state")), ("action", action), *fields]
        if scripted:
            data.append(("js", "1"))
        page = client.post(f"/?t={token}", content=urlencode(data).encode(),
                           headers={"content-type": "application/x-www-form-urlencoded", "accept-encoding": "gzip"})
        for hop in [*page.history, page]:
            requests += 1
            sent += int(hop.headers.get("content-length", len(hop.content)))
        longest = max(longest, len(str(page.url)))
        if 'data-page="section"' not in page.text:
            break
        last_url = str(page.url)
        action = "submit" if 'value="submit"' in page.text else "next"
        fields = _fields(page.text, answers)
    return requests, sent, time.perf_counter() - started, longest, last_url


def main(repeats: int = 7) -> None:
    import numpy as np

    from tests.app.respond_helpers import SECRET

    os.environ["TCM_SURVEY_SECRET"] = SECRET  # the secret the test helpers sign the poster links with
    os.environ.setdefault("TCM_SURVEY_ADMIN_PASSWORD", "benchmark-admin-1")
    folder = tempfile.mkdtemp(prefix="nojs-bench-")
    os.environ["TCM_SURVEY_DB"] = f"sqlite:///{folder}/app.sqlite"
    os.environ["TCM_SURVEY_DATA"] = folder
    from app import services
    from survey.collect.simulate import simulate_answers
    from survey.questionnaire.catalog import shipped_questionnaires
    from tests.app.respond_helpers import make_campaign, token_for
    from tests.app.web.conftest import web_client

    store = services.store()
    campaign = make_campaign(store)
    client = web_client()
    shipped = shipped_questionnaires()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min), {os.cpu_count()} cores")
    figures: dict[bool, list[tuple[int, int, float, int, str]]] = {True: [], False: []}
    for i in range(repeats):
        for scripted in (True, False):
            answers = {**simulate_answers(shipped["resident"], np.random.default_rng(100 + i)), "resident_6m": "yes",
                       "age_group": "35_44"}
            figures[scripted].append(walk(client, token_for(campaign, "01A", "resident"), answers, scripted=scripted))
    for scripted, name in ((True, "before: each POST answered by its page (js=1)"), (False, "after: POST -> 303 -> GET (no script)")):
        runs = figures[scripted]
        ms = [r[2] * 1000 for r in runs]
        print(f"{name}: {runs[0][0]} requests, {runs[0][1] / 1024:.1f} kB per form; "
              f"{min(ms):.0f} ms best, {statistics.median(ms):.0f} ms median of {repeats}")
    for qid in ("resident", "staff_policy"):
        answers = simulate_answers(shipped[qid], np.random.default_rng(7))
        if qid == "resident":
            answers.update(resident_6m="yes", age_group="35_44")
        *_, longest, _ = walk(client, token_for(campaign, "01A", qid), answers, scripted=False)
        from app.web.done import MAX_URL_STATE

        print(f"longest address of a part ({qid}): {longest} characters (sealed state limit {MAX_URL_STATE})")
    last = figures[False][-1][4]
    back = []
    for _ in range(repeats):
        started = time.perf_counter()
        shown = client.get(last)
        back.append((time.perf_counter() - started) * 1000)
    print(f"Back after the thank-you page (GET of the last part's address): {min(back):.1f} ms best, "
          f"{statistics.median(back):.1f} ms median; shows 已提交，感谢参与: {'已提交，感谢参与' in shown.text}")
    services.close_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
