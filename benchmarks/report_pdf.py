"""Benchmark: the PDF (and Word) report of the demo campaign with 5,000 responses (target: the PDF
report command in at most 2 s).

Data (made here, seed fixed): ``survey.demo.create_demo(responses=5000, seed=2026)`` in a SQLite
file in a temporary folder. Timed, each the best of ``--repeat`` fresh processes, for this code
("after") and for the code of ``--before`` (default: the commit before the fonts cache, whose tree
``git archive`` unpacks into a temporary folder; both use the same database):

* the command: ``python -m analysis report --db URL --campaign ID --out x.pdf`` in a child process,
  wall seconds, CPU seconds (user + system) and peak RSS (the child's ``ru_maxrss``, from ``os.wait4``);
* inside one process: import, ``collect``, the first PDF (cold: fonts parsed, subsets made, forest
  plots drawn), a second PDF (warm: the plots kept) and then the Word file (the dashboard writes both),
  in wall and CPU seconds. This process is a library caller (``python -c``): what the command line
  does at its start and end (``analysis.blas_threads``, ``gc.freeze`` in ``analysis.__main__``) shows
  in the command's figures only.

"Before" and "after" each run twice: with an empty font cache folder (``TCM_SURVEY_CACHE``; the first
report on a machine) and with the one its earlier run filled (every later process; the code before
the fonts cache has none to fill). Prints the machine load
(``uptime``) and the figures; asserts nothing. The machine is shared: CPU seconds vary less than wall.

Python's compiled modules: each tree's are kept in a folder of its own (``PYTHONPYCACHEPREFIX``), made by
one untimed run first, as an installed package has them; ``--no-bytecode`` times every process
compiling the project's modules anew (``PYTHONDONTWRITEBYTECODE=1``, about 0.1 s more per process).

Run: ``.venv/bin/python benchmarks/report_pdf.py [--responses 5000] [--repeat 3] [--before REV] [--no-bytecode]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_S = 2.0  # the PDF report command of 5,000 responses

CHILD = r"""
import json, resource, sys, time
wall, cpu = time.perf_counter(), time.process_time()
marks = {}
def mark(name):
    global wall, cpu
    marks[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
from analysis.report import collect, render
from survey.storage import Store
mark("import")
with Store.open(sys.argv[1]) as store:
    data = collect(store, int(sys.argv[2]), answers=False)
mark("collect")
pdf = render(data, "pdf")
mark("pdf_first")
render(data, "pdf")
mark("pdf_second")
render(data, "docx")
mark("docx_after_pdf")
marks["pdf_bytes"] = len(pdf)
marks["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(marks))
"""


BYTECODE: dict[Path, Path] = {}  # code tree -> its folder of compiled modules (none: not written)


def _env(code: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(code), TCM_SURVEY_CACHE=str(cache))
    env.pop("PYTHONHASHSEED", None)
    if code in BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE[code])
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_command(code: Path, cache: Path, url: str, campaign: int, out: Path) -> dict[str, float]:
    """The report command in a child: wall s, CPU s (user + system), peak RSS MB."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "analysis", "report", "--db", url, "--campaign", str(campaign),
                              "--out", str(out)], cwd=code, env=_env(code, cache), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"the report command failed in {code} (exit {child.returncode})")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def run_steps(code: Path, cache: Path, url: str, campaign: int) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, url, str(campaign)], cwd=code, env=_env(code, cache),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def best(runs: list[dict], key: str, part: int | None = None) -> float:
    return min(r[key][part] if part is not None else r[key] for r in runs)


def before_revision() -> str:
    """The parent of the commit that added analysis/report/fonts.py (else HEAD~1)."""
    added = subprocess.run(["git", "log", "--format=%H", "--diff-filter=A", "--", "analysis/report/fonts.py"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    return f"{added[-1]}~1" if added else "HEAD~1"


def unpack(revision: str, folder: Path) -> Path:
    archive = folder / "before.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", revision], cwd=ROOT, stdout=handle, check=True)
    target = folder / "before"
    target.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def demo_in(code: Path, path: Path, responses: int) -> tuple[str, int]:
    """A demo campaign (seed 2026) made by the code in ``code`` (an older tree may not read today's
    schema): its URL and id."""
    url = f"sqlite:///{path}"
    script = ("from survey.storage import Store\nfrom survey.demo import create_demo\n"
              f"with Store.open({url!r}) as store:\n    print(create_demo(store, responses={responses}, seed=2026).campaign.id)")
    done = subprocess.run([sys.executable, "-c", script], cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                          capture_output=True, text=True, check=True)
    return url, int(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", help="git revision of the 'before' code (default: the commit before the fonts cache)")
    parser.add_argument("--no-bytecode", action="store_true", help="no compiled modules kept: each process compiles anew")
    args = parser.parse_args()

    from survey.demo import create_demo
    from survey.storage import Store

    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'demo.sqlite'}"
        with Store.open(url) as store:
            campaign = create_demo(store, responses=args.responses, seed=2026).campaign.id
        revision = args.before or before_revision()
        before = unpack(revision, folder)
        urls = {ROOT: (url, campaign), before: demo_in(before, folder / "before.sqlite", args.responses)}
        if not args.no_bytecode:
            for number, code in enumerate((before, ROOT)):
                BYTECODE[code] = folder / f"bytecode-{number}"
                run_command(code, folder / f"cache-compile-{number}", *urls[code], folder / "compile.pdf")  # untimed
        print(f"load: {uptime()}")
        print(f"demo campaign, {args.responses} responses; before = {revision}; best of {args.repeat} fresh processes; "
              f"compiled modules {'not kept' if args.no_bytecode else 'kept (made by an untimed run)'}")
        rows = []
        for name, code, warm_cache in (("before", before, False), ("before, font cache filled", before, True),
                                       ("after, empty font cache", ROOT, False), ("after, font cache filled", ROOT, True)):
            commands, steps = [], []
            for attempt in range(args.repeat):
                cache = folder / f"cache-{name[:5]}-{'warm' if warm_cache else attempt}"
                if warm_cache and not cache.exists():
                    run_command(code, cache, *urls[code], folder / "fill.pdf")
                commands.append(run_command(code, cache, *urls[code], folder / f"{name[:5]}.pdf"))
                cache = folder / f"cache-{name[:5]}-{'warm' if warm_cache else f'steps{attempt}'}"
                steps.append(run_steps(code, cache, *urls[code]))
            rows.append((name, commands, steps))
        print(f"load: {uptime()}")
        print()
        print(f"{'':26} {'command':>22} {'peak':>8}   {'import':>11} {'collect':>11} {'PDF 1st':>11} {'PDF 2nd':>11} "
              f"{'Word after':>11}")
        print(f"{'':26} {'wall s / CPU s':>22} {'RSS MB':>8}   " + " ".join(f"{'wall/CPU':>11}" for _ in range(5)))
        for name, commands, steps in rows:
            parts = [f"{best(steps, key, 0):5.2f}/{best(steps, key, 1):5.2f}"
                     for key in ("import", "collect", "pdf_first", "pdf_second", "docx_after_pdf")]
            print(f"{name:26} {best(commands, 'wall'):10.2f} / {best(commands, 'cpu'):5.2f}     "
                  f"{best(commands, 'peak_rss_mb'):7.0f}   " + " ".join(f"{p:>11}" for p in parts))
        print()
        for name, commands, _ in rows:
            wall = best(commands, "wall")
            print(f"{name}: the whole command best {wall:.2f} s wall, peak RSS {best(commands, 'peak_rss_mb'):.0f} MB; "
                  f"target at most {TARGET_S:.0f} s: {'met' if wall <= TARGET_S else 'not met'}")
        print()
        print("PDF size (bytes):", ", ".join(f"{name}: {steps[0]['pdf_bytes']}" for name, _, steps in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
