"""Benchmark: memory and time of refusing hostile workbooks with the one table reader.

Builds a zip-bomb .xlsx (a few hundred kB that unpack to 500 MB) and workbooks of 1,000,000 rows
(with and without the ``<dimension>`` that declares their size), then reads each in a fresh
subprocess and prints its peak resident memory (``resource.getrusage``, the interpreter and
libraries included) and time. Each must be refused, under 200 MB. The peer is the reading as the
toolkit did it before (``openpyxl.load_workbook`` in full mode), run on the zip bomb with a 1 GB
memory cap so it cannot take the machine down; its figure is printed as the ratio.

Run: ``.venv/bin/python benchmarks/reader_limits.py``
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security.workbooks import million_rows, zip_bomb  # noqa: E402

LIMIT_MB = 200
PEER_CAP = 1024 * 1024 * 1024

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
path, how = sys.argv[1], sys.argv[2]
start = time.perf_counter()
outcome = "read"
if how == "tabular":
    from tabular import TableError, read_table
    try:
        read_table(path)
    except TableError as exc:
        outcome = "refused: " + exc.problem.message
else:
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, data_only=True)
        sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    except MemoryError:
        outcome = "out of memory at the cap"
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb}}))
"""


def measure(path: Path, how: str) -> dict:
    code = CHILD.format(root=str(ROOT), cap=PEER_CAP)
    done = subprocess.run([sys.executable, "-c", code, str(path), how], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return {"outcome": f"crashed ({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode})", "seconds": float("nan"), "peak_mb": float("nan")}
    return json.loads(done.stdout)


def main() -> int:
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "zip bomb (500 MB unpacked)": ("bomb.xlsx", lambda: zip_bomb(500)),
            "1,000,000 rows, dimension declared": ("declared.xlsx", lambda: million_rows(1_000_000, declared=True)),
            "1,000,000 rows, no dimension": ("undeclared.xlsx", lambda: million_rows(1_000_000, declared=False)),
        }
        results = {}
        for label, (name, build) in files.items():
            path = Path(tmp) / name
            path.write_bytes(build())
            result = measure(path, "tabular")
            results[name] = result
            ok = result["outcome"].startswith("refused") and result["peak_mb"] < LIMIT_MB
            failures += not ok
            print(f"{label}: file {path.stat().st_size / 1024:.0f} kB; {result['outcome']}; "
                  f"peak {result['peak_mb']:.0f} MB; {result['seconds']:.2f} s; {'ok' if ok else 'FAILED'} (limit {LIMIT_MB} MB)")
        peer = measure(Path(tmp) / "bomb.xlsx", "openpyxl-full")
        ratio = peer["peak_mb"] / results["bomb.xlsx"]["peak_mb"]
        print(f"peer openpyxl.load_workbook (full mode, capped at 1 GB) on the zip bomb: {peer['outcome']}; "
              f"peak {peer['peak_mb']:.0f} MB; {peer['seconds']:.2f} s; ratio of peaks {ratio:.1f}x")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
