"""Benchmark: checking and storing a 200,000-row response import (the import page's two steps).

Data (made here, seed fixed): a 问卷星 (wjx) export of the resident instrument of the demo campaign,
200,000 rows: 序号, 提交答卷时间, 所用时间, 来源, 来自IP, 调查点 (site names), one column per question
(choices as wjx's numbers 1..k, multiple choices as letters A┋C, skipped questions ``(跳过)``), answers
drawn from 2,000 simulated answer sets. That is 38 columns, 7.6 million cells: more than the 5 million
cells other uploads may hold; ``read_upload`` takes it (``RESPONSE_LIMITS``: 8 million) and its
reading is timed once; the "before" code refused it, so there it is read with ``tabular.read_table``
at a 10 million cells limit into the same ``UploadTable``, untimed.

Timed, each in a fresh SQLite database with the demo campaign:

* validation: ``prepare_import(table, resident, campaign, store=store)`` (the preview);
* store: ``import_rows`` of that preview (one transaction, with the audit row).

"before" is the code of commit 1a89a25 (``git worktree add`` in a temporary folder, run in a
subprocess with ``PYTHONPATH``): its page checked the file twice per click (preview, then again on
导入), so a click cost twice its validation figure. Its store step takes minutes for 200,000 rows, so
by default it is timed on ``--before-store-rows`` rows and that figure is printed as measured.
Prints the figures, best of ``--repeat``, with the machine's load; asserts nothing.

Run: ``.venv/bin/python benchmarks/import_200k.py [--rows 200000] [--repeat 3] [--before-repeat 1]
[--before-store-rows 20000] [--no-before]``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "1a89a25"


def make_csv(n: int, site_names: list[str], seed: int = 3) -> bytes:
    """The wjx export described in the module docstring."""
    import numpy as np

    from survey.collect.simulate import simulate_answers
    from survey.questionnaire import QuestionType
    from survey.questionnaire.catalog import shipped_questionnaires

    rng = np.random.default_rng(seed)
    resident = shipped_questionnaires()["resident"]
    questions = [q for q in resident.questions if q.takes_answer]
    pool = [simulate_answers(resident, rng) for _ in range(2000)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["序号", "提交答卷时间", "所用时间", "来源", "来自IP", "调查点"]
                    + [f"{i + 1}、{q.label['zh']}" for i, q in enumerate(questions)])
    start = dt.datetime(2026, 5, 1, 8)
    picks, seconds = rng.integers(0, len(pool), n), rng.integers(0, 29 * 86400, n)
    taken, sites = rng.integers(60, 900, n), rng.integers(0, len(site_names), n)
    for k in range(n):
        answers = pool[picks[k]]
        cells = []
        for q in questions:
            value = answers.get(q.id)
            if value is None:
                cells.append("(跳过)")
            elif q.type is QuestionType.MULTIPLE:
                cells.append("┋".join(chr(65 + q.choice_values.index(v)) for v in value))
            elif q.type is QuestionType.SINGLE:
                cells.append(str(q.choice_values.index(str(value)) + 1))
            else:
                cells.append(str(value))
        when = start + dt.timedelta(seconds=int(seconds[k]))
        writer.writerow([k + 1, when.strftime("%Y/%m/%d %H:%M:%S"), f"{taken[k]}秒", "手机提交", "10.0.0.1",
                         site_names[sites[k]], *cells])
    return buffer.getvalue().encode("utf-8-sig")


# ------------------------------------------------------------------------------ worker (either tree)


def worker(path: str, rows: int, store_rows: int, repeat: int, tmp: str) -> dict:
    """Times of the code on ``sys.path`` (this tree or the "before" one): validation and store, best of ``repeat``."""
    from survey.collect.imports import import_rows, prepare_import
    from survey.collect.imports.upload import UploadTable, detect_format
    from survey.demo import create_demo
    from survey.storage import Store
    from tabular import read_table
    from tabular.reader import Limits

    out: dict = {"validate": [], "store": [], "accepted": 0, "store_rows": store_rows, "read": None}
    try:  # this tree reads a 200,000-row response file as the page does
        from survey.collect.imports.upload import RESPONSE_LIMITS, read_upload  # noqa: F401

        began = time.perf_counter()
        read = read_upload(Path(path))
        out["read"] = time.perf_counter() - began
        header = read.columns
    except ImportError:  # the "before" tree refuses it (5 million cells): read at a higher limit
        read = read_table(Path(path).read_bytes(), name="wjx_200k.csv", sniff=True, limits=Limits(cells=10_000_000))
        header = tuple(read.header)
    full = UploadTable("wjx_200k.csv", header, read.rows[:rows], detect_format(header), read.sha256)
    part = UploadTable("wjx_200k.csv", full.columns, read.rows[:store_rows], full.format, read.sha256)
    for attempt in range(repeat):
        for table, step in ((full, "validate"), (part, "store")):
            db = Path(tmp) / f"bench-{os.getpid()}-{attempt}-{step}.sqlite"
            with Store.open(f"sqlite:///{db}") as store:
                campaign = create_demo(store, responses=0).campaign
                resident = store.questionnaire(next(i for i in campaign.instruments if i.questionnaire_id == "resident").version_hash)
                table = type(table)(table.filename, table.columns, table.rows, table.format, table.sha256)  # no cached columns
                began = time.perf_counter()
                preview = prepare_import(table, resident, campaign, store=store)
                checked = time.perf_counter() - began
                if step == "validate":
                    out["validate"].append(checked)
                    out["accepted"] = len(preview.accepted)
                    continue
                began = time.perf_counter()
                result = import_rows(store, campaign.id, resident, preview, actor="bench")
                out["store"].append(time.perf_counter() - began)
                out["stored"] = result.imported
            db.unlink(missing_ok=True)
    return out


# ------------------------------------------------------------------------------ main


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _run(tree: Path, args: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", *args], cwd=tree, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before-repeat", type=int, default=1)
    parser.add_argument("--before-store-rows", type=int, default=20_000)
    parser.add_argument("--no-before", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--store-rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.csv, args.rows, args.store_rows, args.repeat, args.tmp)))
        return
    sys.path.insert(0, str(ROOT))
    from survey.demo import demo_sites

    print(f"machine: {os.cpu_count()} cores; load before: {_uptime()}")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        path = Path(tmp) / "wjx_200k.csv"
        path.write_bytes(make_csv(args.rows, [s.name for s in demo_sites()]))
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB (wjx export, resident instrument)")
        common = ["--csv", str(path), "--rows", str(args.rows), "--tmp", tmp]
        now = _run(ROOT, [*common, "--store-rows", str(args.rows), "--repeat", str(args.repeat)])
        if now.get("read") is not None:
            print(f"now    reading    {now['read']:6.2f} s  (read_upload, once)")
        print(f"now    validation {min(now['validate']):6.2f} s  (best of {args.repeat}: "
              f"{', '.join(f'{v:.2f}' for v in now['validate'])}; {now['accepted']:,} rows accepted)")
        print(f"now    store      {min(now['store']):6.2f} s  (best of {args.repeat}: "
              f"{', '.join(f'{v:.2f}' for v in now['store'])}; {now['stored']:,} rows stored)")
        print(f"now    one click  {min(now['validate']) + min(now['store']):6.2f} s  (validation once + store)")
        if not args.no_before:
            tree = Path(tmp) / "before"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), BEFORE], check=True, capture_output=True)
            try:
                old = _run(tree, [*common, "--store-rows", str(args.before_store_rows), "--repeat", str(args.before_repeat)])
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True, check=False)
            print(f"before validation {min(old['validate']):6.2f} s  ({args.rows:,} rows, best of {args.before_repeat}; "
                  f"the page ran it twice per click: {2 * min(old['validate']):.2f} s)")
            print(f"before store      {min(old['store']):6.2f} s  (measured on {old['store_rows']:,} rows, best of {args.before_repeat})")
    print(f"load after: {_uptime()}")


if __name__ == "__main__":
    main()
