"""Benchmark: the Excel workbook of a 5,000-response campaign (``python -m analysis report --out x.xlsx``).

Data (made here, seed fixed): the demo campaign (柳南区 illustrative frame) with ``--responses``
(default 5,000) simulated responses in a SQLite file (or ``--db URL`` with ``--campaign ID``).
Timed, each variant in its own child process (so each peak RSS is its own), best of ``--repeat``:

* after: ``analysis.report.excel.render_xlsx``, the streaming writer (XlsxWriter ``constant_memory``);
* before: the previous openpyxl writer, one ``cell()`` call at a time, kept as the reference in
  ``tests/analysis/excel_reference.py`` (it shares today's ``cells.safe_frame``, which got faster too);
* the whole command, ``python -m analysis report --db URL --campaign ID --out x.xlsx`` (wall clock).

Each child reports the seconds to assemble the report (``collect``: results, quality flags, item
analysis, fingerprint) and to write the workbook, its RSS before writing and its peak RSS (VmHWM).
Prints the figures and the machine load (``uptime``); asserts nothing.

Run: ``.venv/bin/python benchmarks/report_workbook.py [--responses 5000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
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
    command: list[float] = []
    for _ in range(args.repeat):
        for variant in ("after", "before"):
            out = f"{folder}/{variant}.xlsx"
            _, stdout = _run([python, __file__, "--child", variant, "--db", url, "--campaign", str(campaign_id), "--out", out])
            figures[variant].append(json.loads(stdout.strip().splitlines()[-1]))
        seconds, _ = _run([python, "-m", "analysis", "report", "--db", url, "--campaign", str(campaign_id),
                           "--out", f"{folder}/command.xlsx"])
        command.append(seconds)
    for variant, runs in figures.items():
        write = [r["write_s"] for r in runs]
        collect = [r["collect_s"] for r in runs]
        peak = [r["peak_rss_mb"] for r in runs]
        before = [r["rss_before_write_mb"] for r in runs]
        print(f"{variant:>6}: write workbook best {min(write):.2f} s (median {statistics.median(write):.2f} s); "
              f"collect best {min(collect):.2f} s; peak RSS best {min(peak):.0f} MB "
              f"(RSS before writing {min(before):.0f} MB, writing adds {min(p - b for p, b in zip(peak, before)):.0f} MB); "
              f"{runs[0]['bytes']:,} bytes")
    print(f"command: python -m analysis report --out x.xlsx best {min(command):.2f} s (median {statistics.median(command):.2f} s)")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
