"""python -m analysis estimate: the DESIGN.md contract, profiles, errors (exit 2, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import main

from .conftest import REFERENCE, design

TOWNSHIP = str(REFERENCE / "data" / "township.csv")
ROOT = Path(__file__).resolve().parents[2]
KEYS = ["var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "threshold", "verdict"]


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract_matches_the_library(capsys):
    code, out, err = run(capsys, "estimate", TOWNSHIP, "--var", "satisfaction", "--var", "knowledge",
                         "--weight", "w", "--strata", "town", "--psu", "village,person", "--fpc", "N_vil,M_per",
                         "--nest", "--lonely-psu", "adjust", "--by", "town", "--ci", "beta", "--threshold", "0.85", "--json")
    assert code == 0, err
    doc = json.loads(out)
    rows = doc["results"]
    assert len(rows) == 16
    for row in rows:
        assert list(row)[: len(KEYS)] == KEYS
    t = design("dtown2").proportion(["satisfaction", "knowledge"], by="town", ci="beta", threshold=0.85)
    for row, (_, ref) in zip(rows, t.iterrows()):
        assert row["domain"] == ref["domain"] and row["n"] == ref["n"]
        assert row["estimate"] == pytest.approx(float(ref["estimate"]), rel=1e-15)
        assert row["ci_low"] == (None if ref["ci_low"] is pd_NA() else pytest.approx(float(ref["ci_low"]), rel=1e-15))
        assert row["verdict"] in ("met", "not_met", "inconclusive", "few_sites")
    assert doc["design"]["df"] == 17


def pd_NA():
    import pandas as pd

    return pd.NA


def test_profile_thresholds_by_indicator_id(capsys, tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_text(
        "id: testcounty\nname: {zh: 测试县, en: Test}\nsource: {zh: 测试, en: test}\nlevel: 0.9\n"
        "thresholds: {satisfaction: 0.8, knowledge: 0.95}\n", encoding="utf-8")
    monkeypatch.setenv("TCM_SURVEY_PROFILES", f"/nonexistent:{tmp_path}")
    code, out, err = run(capsys, "estimate", TOWNSHIP, "--var", "satisfaction", "--var", "knowledge", "--weight", "w",
                         "--strata", "town", "--psu", "village", "--nest", "--lonely-psu", "certainty",
                         "--profile", "testcounty", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [r["threshold"] for r in doc["results"]] == [0.8, 0.95]
    assert all(r["level"] == 0.9 for r in doc["results"])
    assert doc["profile"]["id"] == "testcounty"


def test_shipped_profile(capsys):
    code, out, err = run(capsys, "estimate", TOWNSHIP, "--var", "satisfaction", "--weight", "w",
                         "--profile", "default", "--json")
    assert code == 0, err
    assert json.loads(out)["results"][0]["threshold"] == 0.85


@pytest.mark.parametrize("args,message", [
    (["--var", "satisfaction", "--profile", "nowhere"], "no profile 'nowhere'"),
    (["--var", "score", "--profile", "default"], "profile 'default'"),
    (["--var", "sex"], "'sex'"),
    (["--var", "satisfaction", "--weight", "wt"], "unknown column 'wt'"),
    (["--var", "satisfaction", "--strata", "town", "--psu", "village"], "nest=True"),
    (["--var", "satisfaction", "--strata", "town", "--psu", "village", "--nest"], "stratum 'T4'"),
    (["--var", "satisfaction", "--ci", "jeff"], "invalid choice: 'jeff'"),
    (["--var", "satisfaction", "--lonely-psu", "adj"], "invalid choice: 'adj'"),
    (["--var", "satisfaction", "--thresh", "0.8"], "unrecognized arguments"),
    (["--var", "satisfaction", "--threshold", "85"], "threshold must be strictly between 0 and 1"),
    (["--var", "satisfaction", "--threshold", "0.8", "--profile", "default"], "not allowed with argument"),
])
def test_errors_exit_2_with_a_clear_message(capsys, args, message):
    code, out, err = run(capsys, "estimate", TOWNSHIP, *args)
    assert code == 2
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err and out == ""


def test_missing_file_and_text_output(capsys, tmp_path):
    code, out, err = run(capsys, "estimate", str(tmp_path / "none.csv"), "--var", "x")
    assert code == 2 and "not found" in err
    code, out, err = run(capsys, "estimate", TOWNSHIP, "--var", "satisfaction", "--weight", "w", "--threshold", "0.85")
    assert code == 0 and "satisfaction" in out and "inconclusive" in out


def test_module_entry_point_in_a_subprocess():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run([sys.executable, "-m", "analysis", "estimate", TOWNSHIP, "--var", "knowledge", "--json"],
                        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert ok.returncode == 0 and json.loads(ok.stdout)["results"][0]["n"] == 264
    bad = subprocess.run([sys.executable, "-m", "analysis", "estimate", TOWNSHIP, "--var", "sex"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
