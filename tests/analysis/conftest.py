"""Shared fixtures for tests/analysis: the R reference data, designs built like R's, tolerances."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from analysis import SurveyDesign

REFERENCE = Path(__file__).parent / "reference"

# Agreement with R's survey package (see test_r_reference.py):
REL_ESTIMATE = 1e-10  # estimates, standard errors, design effects, calibrated weights: relative
REL_INTERVAL = 1e-8  # interval ends: relative (R's logit/likelihood intervals come from an IRLS fit)


def load_results(path: Path | None = None):
    """Import a generated r_results.py (the committed one by default) as a module."""
    path = path or REFERENCE / "r_results.py"
    spec = importlib.util.spec_from_file_location(f"r_results_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def dataset(name: str) -> pd.DataFrame:
    """R's api samples and the synthetic township sample, as exported by make_reference.R."""
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv", keep_default_na=False, na_values=[""])


POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
POP_AGE = {"15-39": 21000, "40-64": 30500, "65+": 14200}
POP_SEX = {"F": 33900, "M": 31800}

# name -> (data set, SurveyDesign keywords), mirroring the svydesign calls in make_reference.R
DESIGNS = {
    "dstrat": ("apistrat", dict(weights="pw", strata="stype", fpc="fpc")),
    "dstratwr": ("apistrat", dict(weights="pw", strata="stype")),
    "dclus1": ("apiclus1", dict(weights="pw", psu="dnum", fpc="fpc")),
    "dclus1wr": ("apiclus1", dict(weights="pw", psu="dnum")),
    "dclus2": ("apiclus2", dict(psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])),
    "dclus2wr": ("apiclus2", dict(weights="pw", psu=["dnum", "snum"])),
    "dtown1": ("township", dict(weights="w", strata="town", psu="village", nest=True)),
    "dtown2": ("township", dict(weights="w", strata="town", psu=["village", "person"], fpc=["N_vil", "M_per"], nest=True)),
    "dtown2f": ("township", dict(strata="town", psu=["village", "person"], fpc=["frac_vil", "frac_per"], nest=True)),
    "dtownsrs": ("township", dict()),
}
CALIBRATED = {
    "dclus1ps": ("dclus1", lambda d: d.poststratify("stype", POP_TYPES)),
    "dclus1rk": ("dclus1", lambda d: d.rake({"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}, tol=1e-13, max_iter=1000)),
    "dtown2ps": ("dtown2", lambda d: d.poststratify("agegroup", POP_AGE)),
    "dtown2rk": ("dtown2", lambda d: d.rake({"sex": POP_SEX, "agegroup": POP_AGE}, tol=1e-13, max_iter=1000)),
    "dstratpsrk": ("dstrat", lambda d: d.poststratify("stype", POP_TYPES).rake({"sch.wide": POP_SCHWIDE}, tol=1e-13, max_iter=1000)),
}


@functools.cache
def design(name: str, lonely_psu: str | None = None) -> SurveyDesign:
    """The design called ``name`` in make_reference.R (dtown* use lonely_psu="adjust" there)."""
    if name in CALIBRATED:
        base, make = CALIBRATED[name]
        return make(design(base, lonely_psu))
    data, kw = DESIGNS[name]
    rule = lonely_psu or ("adjust" if name.startswith("dtown") else "fail")
    return SurveyDesign(dataset(data), lonely_psu=rule, **kw)


@pytest.fixture(scope="session")
def r_results():
    return load_results()
