"""The command line without Arrow (``analysis.arrowless``): the same files as with it.

Each report command runs twice as a real command line, once as it starts (pandas without pyarrow)
and once with ``TCM_SURVEY_ARROW=1``; the workbook's cells, the CSV bytes, the JSON summary and the
PDF's text must be the same apart from the time the report was made.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.arrowless import KEEP_ARROW_VARIABLE, reads_parquet, start_without_arrow
from survey.demo import create_demo
from survey.storage import Store

ROOT = Path(__file__).resolve().parents[2]
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?")
STAMP_ZH = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 ?\d{1,2}:\d{2}")  # "报告生成时间" in both files (made a minute apart)


def _unstamped(text: str) -> str:
    """The text with its clock times masked: the two runs may fall either side of a minute."""
    return STAMP_ZH.sub("<time>", STAMP.sub("<time>", text))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("arrowless")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with Store.open(url) as store:
        campaign_id = create_demo(store, responses=240, seed=11).campaign.id
    return url, campaign_id, folder


def _command(args: list[str], *, arrow: bool, importtime: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != KEEP_ARROW_VARIABLE}
    if arrow:
        env[KEEP_ARROW_VARIABLE] = "1"
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run([sys.executable, *flags, "-m", "analysis", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = {name: [tuple(_unstamped(v) if isinstance(v, str) else v for v in row)
                     for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    book.close()
    return sheets


def test_report_files_are_the_same_with_and_without_arrow(demo, tmp_path):
    url, campaign_id, _ = demo
    outputs = {}
    for arrow in (False, True):
        folder = tmp_path / ("arrow" if arrow else "plain")
        folder.mkdir()
        base = ["report", "--db", url, "--campaign", str(campaign_id)]
        done = _command([*base, "--out", str(folder / "r.xlsx"), "--responses-csv", str(folder / "resp.csv"), "--json"],
                        arrow=arrow, importtime=True)
        loaded = "pyarrow.lib" in done.stderr  # -X importtime lists every module imported
        assert loaded == arrow
        summary = json.loads(done.stdout)
        summary["files"] = [Path(f).name for f in summary["files"]]
        outputs[arrow] = {"summary": summary, "cells": _cells(folder / "r.xlsx"),
                          "csv": {p.name: p.read_bytes() for p in sorted(folder.glob("resp_*.csv"))}}
        if shutil.which("pdftotext"):
            _command([*base, "--out", str(folder / "r.pdf")], arrow=arrow)
            text = subprocess.run(["pdftotext", "-layout", str(folder / "r.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout
            outputs[arrow]["pdf"] = _unstamped(text)
    plain, arrow = outputs[False], outputs[True]
    assert plain["csv"] and plain["csv"] == arrow["csv"]
    assert plain["summary"] == arrow["summary"]
    assert plain["cells"].keys() == arrow["cells"].keys()
    for name in plain["cells"]:
        assert plain["cells"][name] == arrow["cells"][name], name
    assert len(plain["cells"]["问卷数据_resident"]) > 100  # the response rows are compared too
    assert plain.get("pdf") == arrow.get("pdf")


def test_a_parquet_file_keeps_arrow(tmp_path):
    frame = pd.DataFrame({"town": ["甲", "甲", "乙", "乙"], "w": [2.0, 2.0, 3.0, 3.0], "ok": [1, 0, 1, 1]})
    path = tmp_path / "d.parquet"
    frame.to_parquet(path)
    done = _command(["estimate", str(path), "--var", "ok", "--weight", "w", "--json"], arrow=False)
    result = json.loads(done.stdout)["results"][0]
    assert result["estimate"] == pytest.approx((2 * 1 + 2 * 0 + 3 + 3) / 10)


def test_the_choice_is_made_only_before_pandas_and_only_without_parquet():
    assert reads_parquet(["estimate", "x.PARQUET"]) and not reads_parquet(["report", "--out", "x.xlsx"])
    assert "pandas" in sys.modules  # this test process: nothing changes
    assert start_without_arrow(["report"], environ={}) is False
    assert start_without_arrow(["report"], environ={KEEP_ARROW_VARIABLE: "1"}) is False
    assert sys.modules.get("pyarrow") is not None
