"""The household commands: ``python -m sampling households`` (stage 2 from a plan file) and
``python -m sampling member`` (stage 3), with exit status 2 and nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sampling import RANDOM_WALK_RULE, select_member
from sampling.__main__ import main
from sampling.demo import DEMO_FRAME_PATH

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args):
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def plan_file(capsys, tmp_path):
    """A demo plan (2 villages in each of 11 townships, take 15) with 户数 and 抽样方式 columns."""
    path = tmp_path / "plan.csv"
    code, _, _ = run(capsys, "select", DEMO_FRAME_PATH, "--stratum", "街镇", "--psu", "单位编码", "--size", "常住人口",
                     "--psus", 2, "--take", 15, "--seed", 7, "--out", path)
    assert code == 0
    t = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    t["户数"] = (pd.to_numeric(t["常住人口"]) // 3).astype(int).astype(str)
    t["抽样方式"] = ["随机行走" if i % 4 == 0 else "名单" for i in range(len(t))]
    t.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_households_csv(capsys, tmp_path, plan_file):
    out_file = tmp_path / "households.csv"
    args = ["households", plan_file, "--village", "单位编码", "--households", "户数", "--mode-column", "抽样方式",
            "--stratum", "街镇", "--seed", "liunan-2025", "--out", out_file]
    code, out, _ = run(capsys, *args, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["seed"] == "liunan-2025" and d["villages"] == 22 and d["households"] == 22 * 15
    assert d["random_walk_villages"] == 6 and d["random_walk_rule"] == RANDOM_WALK_RULE
    assert {"village", "village_prob", "households_listed", "take", "household_prob", "household_weight", "mode"} \
        <= d["stage"][0].keys()
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = pd.read_csv(out_file, encoding="utf-8-sig", dtype={"village": str, "household": str})
    assert list(rows.columns) == ["街镇", "village", "household", "position", "mode", "households_listed", "take",
                                  "village_prob", "household_prob", "household_weight"]
    assert len(rows) == 330 and rows["household"].is_unique
    assert (rows["household_prob"] == rows["take"] / rows["households_listed"]).all()
    assert rows["household_weight"].to_numpy() == pytest.approx(1 / (rows["village_prob"] * rows["household_prob"]))
    assert rows["街镇"].iloc[0] == "太阳村镇" and set(rows["mode"]) == {"list", "random_walk"}
    # the same seed writes the same file
    again = tmp_path / "again.csv"
    code, text, _ = run(capsys, *args[:-1], again)
    assert code == 0 and again.read_bytes() == raw
    assert "330 households in 22 villages" in text and "随机行走法" in text


def test_households_xlsx_and_plan_take(capsys, tmp_path, plan_file):
    out_file = tmp_path / "households.xlsx"
    code, out, _ = run(capsys, "households", plan_file, "--village", "单位编码", "--households", "户数",
                       "--out", out_file, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["households"] == 330 and d["random_walk_rule"] is None and len(d["seed"]) == 8
    assert len(pd.read_excel(out_file, sheet_name="households")) == 330
    assert len(pd.read_excel(out_file, sheet_name="villages")) == 22
    code, out, _ = run(capsys, "households", plan_file, "--village", "单位编码", "--households", "户数", "--take", 4,
                       "--seed", 1, "--out", tmp_path / "h4.csv", "--json")
    assert json.loads(out)["households"] == 88


@pytest.mark.parametrize(
    "args, words",
    [
        (["--households", "人口"], ["column '人口'"]),
        (["--households", "数据说明"], ["row 2", "column '数据说明'", "whole number"]),
        (["--households", "户数", "--mode-column", "街镇"], ["mode"]),
        (["--households", "户数", "--take", "0"], ["take"]),
        (["--households", "户数", "--take", "3", "--take-column", "take"], ["either --take or --take-column"]),
        (["--households", "户数", "--stratum", "乡镇"], ["column '乡镇'"]),
        (["--households", "户数", "--out", "OUT.txt"], [".csv or .xlsx"]),
    ],
)
def test_households_bad_input(capsys, tmp_path, plan_file, args, words):
    out_file = tmp_path / "households.csv"
    if "--out" not in args:
        args = [*args, "--out", out_file]
    args = [str(tmp_path / "h.txt") if a == "OUT.txt" else a for a in args]
    code, _, err = run(capsys, "households", plan_file, "--village", "单位编码", *args)
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    for w in words:
        assert w in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]


def test_households_needs_a_plan(capsys, tmp_path):
    f = tmp_path / "frame.csv"
    f.write_text("village,户数\na,30\n", encoding="utf-8")
    code, _, err = run(capsys, "households", f, "--village", "village", "--households", "户数", "--take", 3,
                       "--out", tmp_path / "h.csv")
    assert code == 2 and "inclusion_prob" in err and not (tmp_path / "h.csv").exists()


def test_member(capsys):
    roster = [("male", 45), ("female", 43), ("male", 17)]
    code, out, _ = run(capsys, "member", "--household", "450205-001-012", "--roster", "male:45,female:43,male:17",
                       "--seed", "liunan-2025", "--json")
    d = json.loads(out)
    i = select_member("450205-001-012", roster, seed="liunan-2025")
    assert code == 0 and d["index"] == i == 1 and d["eligible"] == 3 and d["weight_factor"] == 3
    assert d["words"] == {"zh": "第2年长的男性", "en": "the 2nd oldest man"}
    assert d["member"] == {"sex": "male", "age": 17, "roster_index": 2}
    assert [o["roster_index"] for o in d["order"]] == [0, 2, 1]
    code, out, _ = run(capsys, "member", "--household", "450205-001-012", "--roster", "男:45，女:43, m:17",
                       "--seed", "liunan-2025")
    assert code == 0 and "index 1 of 3" in out and "第2年长的男性 / the 2nd oldest man (male, 17)" in out


def test_member_age_range_maps_back_to_the_full_roster(capsys):
    code, out, _ = run(capsys, "member", "--household", "H9", "--roster", "male:72,female:43,male:12,female:15",
                       "--seed", "s", "--min-age", 15, "--max-age", 69, "--json")
    d = json.loads(out)
    assert code == 0 and d["eligible"] == 2
    assert [(o["sex"], o["age"], o["roster_index"]) for o in d["order"]] == [("female", 43, 1), ("female", 15, 3)]
    assert d["index"] == select_member("H9", [("female", 43), ("female", 15)], seed="s")


@pytest.mark.parametrize(
    "roster, extra, words",
    [
        ("male:45,woman:30", [], ["member 2", "sex:age"]),
        ("male:45,female", [], ["member 2"]),
        ("male:-3", [], ["member 1"]),
        ("male:200", [], ["between 0 and 130"]),
        ("male:10", ["--min-age", "15"], ["no eligible member"]),
    ],
)
def test_member_bad_input(capsys, roster, extra, words):
    code, _, err = run(capsys, "member", "--household", "H1", "--roster", roster, "--seed", "s", *extra)
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    for w in words:
        assert w in err


def test_member_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "sampling", "member", "--household", "H1", "--roster", "female:30", "--seed", "s", "--json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["words"]["zh"] == "唯一的女性"
