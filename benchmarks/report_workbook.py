"""Benchmark: the Excel workbook of a 5,000-response campaign (``python -m analysis report --out x.xlsx``).

Data (made here, seed fixed): the demo campaign (柳南区 illustrative frame) with ``--responses``
(default 5,000) simulated responses in a SQLite file (or ``--db URL`` with ``--campaign ID``).
Timed, each variant in its own child process (so each peak RSS is its own), best of ``--repeat``:

* after: ``analysis.report.excel.render_xlsx``, the streaming writer (XlsxWriter ``constant_memory``);
* before: the previous openpyxl writer, one ``cell()`` call at a time, kept as the reference in
  ``tests/analysis/excel_reference.py`` (it shares today's ``cells.safe_frame``, which got faster too);
* the whole command, ``python -m analysis report --db URL --campaign ID --out x.xlsx`` in a fresh
  process: wall clock, CPU seconds (user + system) and peak RSS (``ru_maxrss``, from ``os.wait4``),
  against the target (at most 2 s and 200 MB for 5,000 responses); with ``--before REV`` also the
  command of that revision's code (``git archive``), run in turn with this code's. Each tree's
  modules are compiled to bytecode first, as ``scripts/install-python.sh`` does after installing.

Each child reports the seconds to assemble the report (``collect``: results, quality flags, item
analysis, fingerprint) and to write the workbook, its RSS before writing and its peak RSS (VmHWM).
Prints the figures and the machine load (``uptime``); asserts nothing.

Run: ``.venv/bin/python benchmarks/report_workbook.py [--responses 5000] [--repeat 3] [--before REV]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _memory_mb() -> tuple[float, float]:
    """This process's RSS and peak RSS (VmHWM) in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def child(variant: str, url: str, campaign_id: int, out: str) -> None:
    """Assemble the report and write the workbook with ``variant``; print one JSON line."""
    from analysis.report import collect
    from survey.storage import Store

    if variant == "after":
        from analysis.report.excel import render_xlsx
    else:
        from tests.analysis.excel_reference import render_xlsx
    start = time.perf_counter()
    with Store.open(url) as store:
        data = collect(store, campaign_id)
    collected = time.perf_counter()
    rss_before, _ = _memory_mb()
    content = render_xlsx(data)
    Path(out).write_bytes(content)
    written = time.perf_counter()
    _, peak = _memory_mb()
    print(json.dumps({"collect_s": collected - start, "write_s": written - collected, "rss_before_write_mb": rss_before,
                      "peak_rss_mb": peak, "bytes": len(content)}))


TARGET_S, TARGET_MB = 2.0, 200.0


def run_command(code: Path, url: str, campaign_id: int, out: str) -> dict[str, float]:
    """``python -m analysis report --out x.xlsx`` of the code in ``code``, in a fresh process: wall s,
    CPU s (user + system) and peak RSS MB."""
    env = dict(os.environ, PYTHONPATH=str(code))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "analysis", "report", "--db", url, "--campaign", str(campaign_id),
                              "--out", out], cwd=code, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the report command failed in {code}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def unpack(revision: str, folder: str) -> Path:
    """The tree of ``revision`` (``git archive``) unpacked under ``folder``."""
    archive = Path(folder) / "before.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", revision], cwd=ROOT, stdout=handle, check=True)
    target = Path(folder) / "before-code"
    target.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def demo_in(code: Path, path: str, responses: int) -> tuple[str, int]:
    """A demo campaign of ``responses`` (seed 2026) made by the code in ``code``: its URL and id."""
    url = f"sqlite:///{path}"
    script = ("from survey.storage import Store\nfrom survey.demo import create_demo\n"
              f"with Store.open({url!r}) as store:\n    print(create_demo(store, responses={responses}, seed=2026).campaign.id)")
    done = subprocess.run([sys.executable, "-c", script], cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                          capture_output=True, text=True, check=True)
    return url, int(done.stdout.strip().splitlines()[-1])


PACKAGES = ("accounts", "analysis", "app", "sampling", "survey", "tabular")


def compile_tree(code: Path) -> None:
    """The tree's modules as bytecode (``compileall``), as ``scripts/install-python.sh`` leaves them: the command
    is timed as it runs after an install, not compiling its modules anew (``PYTHONDONTWRITEBYTECODE``)."""
    present = [name for name in PACKAGES if (code / name).is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", *present], cwd=code, stdout=subprocess.DEVNULL,
                   check=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _run(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", help="an existing database URL (with --campaign) instead of a new demo")
    parser.add_argument("--campaign", type=int)
    parser.add_argument("--before", help="git revision whose report command is timed too (e.g. the commit before a change)")
    parser.add_argument("--child", choices=("after", "before"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.campaign, args.out)
        return

    folder = tempfile.mkdtemp(prefix="bench-workbook-")
    url, campaign_id = args.db, args.campaign
    if url is None:
        from survey.demo import create_demo
        from survey.storage import Store

        url = f"sqlite:///{folder}/bench.sqlite"
        start = time.perf_counter()
        with Store.open(url) as store:
            campaign_id = create_demo(store, responses=args.responses, seed=2026).campaign.id
        print(f"data: demo campaign {campaign_id} with {args.responses:,} responses, made in {time.perf_counter() - start:.1f} s")
    print(f"cpus: {os.cpu_count()}; load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    python = sys.executable
    figures: dict[str, list[dict]] = {"after": [], "before": []}
    codes = {"this code": ROOT}
    if args.before:
        codes[f"code of {args.before}"] = unpack(args.before, folder)
    databases = {name: (url, campaign_id) for name in codes}
    for name, code in codes.items():
        if code != ROOT and args.db is None:  # an older tree may not read today's schema: its own demo, same seed
            databases[name] = demo_in(code, f"{folder}/before.sqlite", args.responses)
    for code in codes.values():
        compile_tree(code)
    commands: dict[str, list[dict[str, float]]] = {name: [] for name in codes}
    print(f"load: {uptime()}")
    for _ in range(args.repeat):
        for variant in ("after", "before"):
            out = f"{folder}/{variant}.xlsx"
            _, stdout = _run([python, __file__, "--child", variant, "--db", url, "--campaign", str(campaign_id), "--out", out])
            figures[variant].append(json.loads(stdout.strip().splitlines()[-1]))
        for name, code in codes.items():  # in turn, so both meet the same load
            commands[name].append(run_command(code, *databases[name], f"{folder}/command.xlsx"))
    for variant, runs in figures.items():
        write = [r["write_s"] for r in runs]
        collect = [r["collect_s"] for r in runs]
        peak = [r["peak_rss_mb"] for r in runs]
        before = [r["rss_before_write_mb"] for r in runs]
        print(f"{variant:>6}: write workbook best {min(write):.2f} s (median {statistics.median(write):.2f} s); "
              f"collect best {min(collect):.2f} s; peak RSS best {min(peak):.0f} MB "
              f"(RSS before writing {min(before):.0f} MB, writing adds {min(p - b for p, b in zip(peak, before)):.0f} MB); "
              f"{runs[0]['bytes']:,} bytes")
    for name, runs in commands.items():
        wall = [r["wall"] for r in runs]
        peak = min(r["peak_rss_mb"] for r in runs)
        print(f"command ({name}): python -m analysis report --out x.xlsx best {min(wall):.2f} s wall "
              f"(median {statistics.median(wall):.2f} s), CPU best {min(r['cpu'] for r in runs):.2f} s, "
              f"peak RSS best {peak:.0f} MB; target at most {TARGET_S:.0f} s and {TARGET_MB:.0f} MB: "
              f"{'met' if min(wall) <= TARGET_S and peak <= TARGET_MB else 'not met'} (best of {len(runs)})")
    print(f"load after: {uptime()}")


if __name__ == "__main__":
    main()
