"""Live check: re-run the committed R script and compare with the committed reference numbers.

Needs Rscript with the survey package (Debian r-cran-survey, listed in scripts/apt-test.txt);
skipped where R is absent: every other test reads the committed values only.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REFERENCE, load_results

pytestmark = pytest.mark.r_reference


def _has_survey() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, timeout=120)
    return probe.returncode == 0


@pytest.mark.skipif(not _has_survey(), reason="Rscript with the survey package is not installed")
def test_r_script_reproduces_committed_values(tmp_path: Path):
    proc = subprocess.run(
        ["Rscript", str(REFERENCE / "make_reference.R"), str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    fresh = load_results(tmp_path / "r_results.py").CASES
    committed = load_results().CASES
    assert fresh.keys() == committed.keys()
    for key, values in committed.items():
        for name, want in values.items():
            got = fresh[key][name]
            if isinstance(want[0], str):
                assert got == want, key
                continue
            for g, w in zip(got, want):
                if w is None or g is None:
                    assert g == w, (key, name)
                else:
                    assert g == pytest.approx(w, rel=1e-12, abs=1e-300), (key, name)
    for name in ("apistrat", "apiclus1", "apiclus2", "township"):
        assert (tmp_path / "data" / f"{name}.csv").read_bytes() == (REFERENCE / "data" / f"{name}.csv").read_bytes()
