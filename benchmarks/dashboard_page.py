"""Benchmark: the evaluator dashboard page (评估看板) with the demo campaign at 5,000 responses.

Data (made here, seed fixed): ``survey.demo.create_demo(store, responses=N)`` in a SQLite file.
Streamlit's AppTest runs the page signed in as an evaluator (widgets rendered, no browser).
Timed, each the best of ``--repeat`` runs (a new AppTest session, the process's caches kept
between repeats unless ``--cold``):

* first load: switching to the dashboard page, in a new process (the data read and computed) and
  again in a new session (data cached by version) (target ≤ 1.5 s at 5,000 responses);
* each view (tab): opening it, the first time (its computation made) and again (target ≤ 0.5 s);
* each report file: building it on demand (targets: all files together ≤ 5 s).

``--before DIR`` runs the same measures on another checkout (e.g. a ``git worktree`` of the
commit before the change) in a subprocess, on the same data file, and prints both. ``--processes N``
runs each checkout's measures in N new processes, the checkouts taking turns (a busy minute of the
machine falls on both), and keeps each figure's best: the "first time" figures, one sample per
process, are then a best of N too. ``--profile``
prints the top cProfile lines of the first load and of a view switch. Prints; asserts nothing.

Run: ``.venv/bin/python benchmarks/dashboard_page.py [--responses 5000] [--repeat 3] [--processes 3] [--before DIR]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-0123456789-abcdefghij"
PASSWORD = "bench-password-1"


def make_data(responses: int) -> str:
    """A new SQLite file with the demo campaign at ``responses`` responses and an evaluator; its URL."""
    sys.path.insert(0, str(HERE))
    from accounts import create_account
    from survey.demo import create_demo
    from survey.storage import Store

    folder = tempfile.mkdtemp(prefix="bench-dashpage-")
    url = f"sqlite:///{folder}/bench.sqlite"
    with Store.open(url) as store:
        create_demo(store, responses=responses, seed=2026)
        create_account(store, "bench", "evaluator", PASSWORD, actor="benchmark")
    return url


def signed_in(root: Path):  # noqa: ANN201
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=600)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.login.username").input("bench")
    at.text_input(key="admin.login.password").input(PASSWORD)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    return at


def profiled(fn, lines: int) -> str:  # noqa: ANN001
    """Top ``lines`` cProfile lines (cumulative) of the page's script thread while ``fn`` runs."""
    from streamlit.runtime.scriptrunner import script_runner

    profile = cProfile.Profile()
    real = script_runner.ScriptRunner._run_script

    def run_script(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        profile.enable()
        try:
            return real(self, *args, **kwargs)
        finally:
            profile.disable()

    script_runner.ScriptRunner._run_script = run_script
    try:
        fn()
    finally:
        script_runner.ScriptRunner._run_script = real
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(root: Path, url: str, repeat: int, profile: int) -> dict:
    """Time the page in checkout ``root`` on database ``url``; a dict of name -> best seconds."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ["TCM_SURVEY_DB"] = url
    os.environ["TCM_SURVEY_SECRET"] = SECRET
    os.environ.pop("TCM_SURVEY_DEMO", None)
    found: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        found.setdefault(name, []).append(seconds)

    selector = (root / "app" / "pages" / "dashboard.py").read_text(encoding="utf-8").count('key="dash.view"') > 0

    def one_round(attempt: int) -> None:
        at = signed_in(root)
        name = "first load, new process (reads the data)" if attempt == 0 else "first load, new session (data cached)"
        note(name, timed(lambda: at.switch_page("app/pages/dashboard.py").run()))
        if at.exception or not at.subheader:
            raise SystemExit(f"page failed: {at.exception} {[e.value for e in at.error]}")
        if selector:  # one view at a time (stateful tabs): open each, the way a click on a tab does
            labels = [tab.label for tab in at.tabs]

            def open_view(label: str) -> None:
                at.session_state["dash.view"] = label
                at.run()

            for label in [*labels[1:], labels[0]]:
                first = "first time" if attempt == 0 else "again"
                note(f"view: {label} ({first})", timed(lambda v=label: open_view(v)))
            if profile and attempt == 0:
                print(profiled(lambda: open_view(labels[1]), profile))
            open_view("报告与数据下载")
            for number, key in enumerate(b.key for b in at.button if str(b.key).startswith("dash.export.make.")):
                name = f"file: {key.removeprefix('dash.export.make.')}"
                if attempt == 0 and number == 0:
                    name += " + the report data (first file)"
                note(name, timed(lambda k=key: at.button(key=k).click().run()))
        else:  # the tabs of the earlier page: every tab body runs on every rerun
            note("rerun (any tab)", timed(lambda: at.run()))
            if profile and attempt == 0:
                print(profiled(lambda: at.run(), profile))
            button = [b for b in at.button if b.key == "dash.export.prepare"]
            if button:
                note("file: all six at once", timed(lambda: button[0].click().run()))
        if at.exception:
            raise SystemExit(f"page failed: {at.exception}")

    for attempt in range(repeat):
        one_round(attempt)
    if profile:
        at = signed_in(root)
        print(profiled(lambda: at.switch_page("app/pages/dashboard.py").run(), profile))
    return {name: min(values) for name, values in found.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", help="use this database URL (made by an earlier run) instead of making one")
    parser.add_argument("--root", help=argparse.SUPPRESS)  # internal: measure this checkout, print JSON
    parser.add_argument("--before", help="another checkout to measure the same way, e.g. a worktree of the previous commit")
    parser.add_argument("--processes", type=int, default=1, help="new processes per checkout (best of all kept)")
    parser.add_argument("--profile", type=int, default=0, help="print this many cProfile lines (first load, a view switch)")
    args = parser.parse_args()

    if args.root:
        print("JSON " + json.dumps(measure(Path(args.root), args.db, args.repeat, args.profile)))
        return 0
    start = time.perf_counter()
    url = args.db or make_data(args.responses)
    print(f"data: demo campaign, {args.responses:,} responses ({url}), made in {time.perf_counter() - start:.1f} s")
    print(f"cpus: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    roots = [("now", HERE)] + ([("before", Path(args.before).resolve())] if args.before else [])
    best: dict[str, dict[str, float]] = {name: {} for name, _ in roots}
    for _ in range(max(args.processes, 1)):
        for name, root in roots:
            run = subprocess.run([sys.executable, __file__, "--root", str(root), "--db", url, "--repeat", str(args.repeat),
                                  "--profile", str(args.profile)], capture_output=True, text=True, check=False)
            figures = next((json.loads(line[5:]) for line in run.stdout.splitlines() if line.startswith("JSON ")), None)
            if args.profile:
                print("\n".join(line for line in run.stdout.splitlines() if not line.startswith("JSON ")))
            if figures is None:
                print(f"{name}: failed\n{run.stderr[-3000:]}")
                continue
            for key, seconds in figures.items():
                best[name][key] = min(seconds, best[name].get(key, seconds))
    for name, root in roots:
        figures = best[name]
        if not figures:
            continue
        print(f"{name} ({root}), best of {args.repeat} x {max(args.processes, 1)} process(es):")
        for key, seconds in figures.items():
            print(f"  {key:<40} {seconds:6.2f} s")
        first = [k for k in figures if k.endswith("(first file)")]
        plain = {k.split(" + ")[0] for k in first}
        files = [v for k, v in figures.items() if k.startswith("file:") and not (k in first and plain & set(figures))]
        if files:
            print(f"  {'all report files together':<40} {sum(files):6.2f} s  (each file's best; the report data apart)")
        firsts = [v for k, v in figures.items() if k.startswith("file:") and not (k.split(" + ")[0] in plain and k not in first)]
        if first:
            print(f"  {'all report files, first time':<40} {sum(firsts):6.2f} s  (the report data with the first file)")
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
