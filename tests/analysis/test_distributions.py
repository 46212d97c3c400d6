"""analysis.distributions gives scipy.stats' numbers bit for bit, bad arguments and ends included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import distributions as d

PROBS = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 1e-300, 1e-12, 0.025, 0.5, 0.975, 1 - 1e-12, -0.1, 1.1]))
SHAPES = st.one_of(st.floats(1e-3, 1e6), st.sampled_from([0.0, -1.0, 0.5, 1.0, 1e15]))


def same(a, b) -> bool:  # noqa: ANN001
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(PROBS, SHAPES)
def test_t_quantiles(q, df):
    assert same(d.t_ppf(q, df), stats.t.ppf(q, df))
    assert same(d.t_isf(q, df), stats.t.isf(q, df))


@settings(max_examples=200, deadline=None)
@given(PROBS)
def test_normal_quantiles(q):
    assert same(d.norm_ppf(q), stats.norm.ppf(q)) and same(d.norm_isf(q), stats.norm.isf(q))


@settings(max_examples=300, deadline=None)
@given(PROBS, SHAPES, SHAPES)
def test_beta_quantiles(q, a, b):
    assert same(d.beta_ppf(q, a, b), stats.beta.ppf(q, a, b))
    assert same(d.beta_isf(q, a, b), stats.beta.isf(q, a, b))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.85, 0.9, -0.5, 2.0])), SHAPES, SHAPES)
def test_beta_log_tails(x, a, b):
    assert same(d.beta_logsf(x, a, b), stats.beta.logsf(x, a, b))
    assert same(d.beta_logcdf(x, a, b), stats.beta.logcdf(x, a, b))


def test_arrays_broadcast_as_scipy_does():
    rng = np.random.default_rng(7)
    q, a, b = rng.uniform(size=50), rng.uniform(0.1, 500, 50), rng.uniform(0.1, 500, 50)
    df = np.array([0.0, 1.0, 3.0, 30.0, 1e4])
    assert same(d.t_ppf(0.025, df), stats.t.ppf(0.025, df))
    assert same(d.beta_ppf(q, a, b), stats.beta.ppf(q, a, b)) and same(d.beta_isf(q, a, b), stats.beta.isf(q, a, b))
    assert same(d.beta_logsf(0.9, a, b), stats.beta.logsf(0.9, a, b))
    assert same(d.beta_logcdf(q, a, 3.0), stats.beta.logcdf(q, a, 3.0))
    assert np.ndim(d.t_ppf(0.5, 3.0)) == 0 and np.ndim(d.beta_ppf(0.5, 2.0, 3.0)) == 0


@pytest.mark.parametrize("module", ["analysis.report.cli", "analysis.campaign"])
def test_the_report_path_does_not_import_scipy_stats(module):
    import subprocess
    import sys

    code = f"import sys, {module}; print('scipy.stats' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
