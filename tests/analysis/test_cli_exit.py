"""The command line's end: once a command has run, its objects are frozen (``gc.freeze``) so that
Python's shutdown does not walk them all again; the exit status is the command's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import gc, runpy, sys
sys.argv = ["analysis", *sys.argv[1:]]
try:
    runpy.run_module("analysis", run_name="__main__", alter_sys=True)
except SystemExit as end:
    print(end.code, gc.get_freeze_count() > 0)
"""


def _run(*argv: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_objects_are_frozen_after_the_command_with_its_status():
    assert _run("report", "--campaign", "1", "--out", "report.txt") == ["2", "True"]  # a usage error: status 2


def test_a_library_call_of_main_freezes_nothing():
    from analysis.__main__ import main

    assert main(["report", "--campaign", "1", "--out", "report.txt"]) == 2
    import gc

    assert gc.get_freeze_count() == 0
