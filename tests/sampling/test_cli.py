"""The command line: contracts of DESIGN.md, JSON keys, exit status 2 with ``error: ...`` and nothing
written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sampling.__main__ import main
from sampling.demo import DEMO_FRAME_PATH

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_size_threshold_json(capsys):
    code, out, _ = run(capsys, "size", "--expected", 0.9, "--threshold", 0.85, "--deff", 1.5,
                       "--population", 30000, "--response-rate", 0.9, "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("n", "n0", "after_deff", "after_fpc", "after_response", "method", "expected", "threshold",
                "alpha", "power", "deff", "population", "response_rate", "warnings"):
        assert key in d
    assert d["n"] == 464 and d["method"] == "normal"


def test_size_exact_and_margin(capsys):
    code, out, _ = run(capsys, "size", "--expected", 0.9, "--threshold", 0.85, "--method", "exact", "--json")
    d = json.loads(out)
    assert code == 0 and d["n"] == 281 and d["critical_count"] == 249 and d["dips"]
    code, out, _ = run(capsys, "size", "--expected", 0.85, "--margin", 0.05, "--json")
    assert json.loads(out)["n"] == 196
    code, out, _ = run(capsys, "size", "--expected", 0.85, "--margin", 0.05)
    assert code == 0 and "n = 196" in out and "(5 percentage points, 5 个百分点)" in out


def test_size_county_beside_townships(capsys):
    code, out, _ = run(capsys, "size", "--expected", 0.9, "--threshold", 0.85, "--frame", DEMO_FRAME_PATH,
                       "--stratum", "街镇", "--size", "常住人口", "--json")
    d = json.loads(out)
    assert code == 0
    assert d["n"] == d["county"]["n"]
    assert len(d["townships"]) == 11 and d["townships"][0]["stratum"] == "太阳村镇"
    assert d["townships_total"] == sum(t["n"] for t in d["townships"]) and d["ratio"] > 9


def test_lqas(capsys):
    code, out, _ = run(capsys, "lqas", "--upper", 0.8, "--lower", 0.5, "--json")
    d = json.loads(out)
    assert code == 0 and (d["n"], d["d"]) == (19, 13) and {"alpha", "beta"} <= d.keys()
    code, out, _ = run(capsys, "lqas", "--upper", 0.85, "--lower", 0.75, "--n", 19, "--json")
    d = json.loads(out)
    assert d["feasible"] is False and d["notes"]
    code, out, _ = run(capsys, "lqas", "--upper", 0.85, "--lower", 0.75)
    assert "not the classic 19" in out


def test_allocate(capsys, tmp_path):
    code, out, _ = run(capsys, "allocate", DEMO_FRAME_PATH, "--n", 1200, "--stratum", "街镇", "--size", "常住人口",
                       "--method", "power", "--min", 40, "--json")
    d = json.loads(out)
    assert code == 0 and sum(r["n"] for r in d["allocation"]) == 1200
    assert {"stratum", "n"} <= d["allocation"][0].keys()
    f = tmp_path / "rates.csv"
    f.write_text("town,pop,rate\nA,1000,0.9\nB,3000,0.95\n", encoding="utf-8")
    code, out, _ = run(capsys, "allocate", f, "--n", 100, "--stratum", "town", "--size", "pop", "--method", "neyman",
                       "--expected-column", "rate", "--json")
    assert [r["n"] for r in json.loads(out)["allocation"]] == [31, 69]


def test_select_writes_utf8_sig_plan(capsys, tmp_path):
    out_file = tmp_path / "plan.csv"
    args = ["select", DEMO_FRAME_PATH, "--stratum", "街镇", "--psu", "单位编码", "--size", "常住人口", "--psus", 3,
            "--take", 20, "--seed", 7, "--out", out_file]
    code, out, _ = run(capsys, *args, "--json")
    assert code == 0
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    plan = pd.read_csv(out_file, encoding="utf-8-sig", dtype={"单位编码": str})
    for col in ("inclusion_prob", "person_prob", "take", "weight"):
        assert col in plan.columns
    assert len(plan) == 33
    s = json.loads(out)
    assert s["seed"] == 7 and s["psus"] == 33
    again = tmp_path / "again.csv"
    run(capsys, *args[:-1], again)
    assert again.read_bytes() == raw
    xlsx = tmp_path / "plan.xlsx"
    assert run(capsys, *args[:-1], xlsx)[0] == 0
    assert len(pd.read_excel(xlsx, sheet_name="plan")) == 33


@pytest.mark.parametrize(
    "args, words",
    [
        (["size", "--expected", "0.8", "--threshold", "0.85"], ["threshold", "below the expected"]),
        (["size", "--expected", "1.3", "--margin", "0.05"], ["expected", "between 0 and 1"]),
        (["size", "--expected", "0.8"], ["exactly one"]),
        (["size", "--expected", "abc", "--margin", "0.05"], ["--expected"]),
        (["lqas", "--upper", "0.5", "--lower", "0.8"], ["lower"]),
        (["allocate", "FRAME", "--n", "100", "--stratum", "街镇", "--size", "人数"], ["column '人数'"]),
        (["select", "FRAME", "--stratum", "街镇", "--psu", "单位编码", "--size", "常住人口", "--psus", "6", "--out", "OUT"],
         ["stratum '银山街道'", "6 PSUs asked for", "only 5"]),
        (["select", "FRAME", "--stratum", "街镇", "--psu", "单位编码", "--size", "常住人口", "--psus", "2",
          "--method", "cluster", "--out", "OUT"], ["method"]),
        (["frobnicate"], ["invalid choice"]),
    ],
)
def test_bad_input_exit_2_nothing_written(capsys, tmp_path, args, words):
    out_file = tmp_path / "plan.csv"
    args = [str(DEMO_FRAME_PATH) if a == "FRAME" else str(out_file) if a == "OUT" else a for a in args]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    for w in words:
        assert w in err
    assert not out_file.exists() and list(tmp_path.iterdir()) == []


def test_bad_frame_row_named(capsys, tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("t,v,m\nA,1,10\nA,2,x\n", encoding="utf-8")
    code, _, err = run(capsys, "select", f, "--stratum", "t", "--psu", "v", "--size", "m", "--psus", 1, "--out", tmp_path / "p.csv")
    assert code == 2 and "f.csv: row 3, column 'm'" in err
    assert not (tmp_path / "p.csv").exists()


def test_module_entry_point_subprocess(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sampling", "lqas", "--upper", "0.8", "--lower", "0.5", "--json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and json.loads(r.stdout)["d"] == 13
    r = subprocess.run([sys.executable, "-m", "sampling", "size", "--expected", "2", "--margin", "0.1"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr

