"""The report command's BLAS on one thread (analysis.blas_threads): set only for ``report``, only before
numpy is imported and only when no thread variable is set; the report's text is the same either way."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.blas_threads import THREAD_VARIABLES, start_single_threaded_blas
from survey.demo import create_demo
from survey.storage import Store

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_report_command_before_numpy_without_a_choice(monkeypatch):
    monkeypatch.delitem(sys.modules, "numpy")  # as at the command line's start (put back after the test)
    environ: dict[str, str] = {}
    assert start_single_threaded_blas(["report", "--db", "x"], environ) and environ == {"OPENBLAS_NUM_THREADS": "1"}
    for argv in (["estimate", "data.csv"], ["quality"], [], ["--help"]):
        environ = {}
        assert not start_single_threaded_blas(argv, environ) and environ == {}
    for name in THREAD_VARIABLES:
        environ = {name: "4"}
        assert not start_single_threaded_blas(["report"], environ) and environ == {name: "4"}  # the choice stands
    monkeypatch.setitem(sys.modules, "numpy", object())
    environ = {}
    assert not start_single_threaded_blas(["report"], environ) and environ == {}  # too late: OpenBLAS has started


def _report_text(url: str, campaign: int, out: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES} | env
    done = subprocess.run([sys.executable, "-m", "analysis", "report", "--db", url, "--campaign", str(campaign),
                           "--out", str(out)], check=False, cwd=ROOT, env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: scripts/apt-test.txt installs poppler-utils")
    text = subprocess.run([tool, "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\d{4}年\d{1,2}月\d{1,2}日 ?\d{1,2}:\d{2}", "<time>", text)


def test_the_report_is_the_same_with_every_blas_thread(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    with Store.open(url) as store:
        campaign = create_demo(store, responses=200, seed=3).campaign.id
    one = _report_text(url, campaign, tmp_path / "one.pdf")
    assert "调查方法" in one
    assert one == _report_text(url, campaign, tmp_path / "all.pdf", OPENBLAS_NUM_THREADS="2")
