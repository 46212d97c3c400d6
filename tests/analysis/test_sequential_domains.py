"""The watching flags computed for all domains in one pass equal the per-domain computation (the
loop :func:`analysis.sequential.monitor` ran before), domain by domain, column by column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sequential import (
    FAILED,
    OPEN,
    PASSED,
    design_effects,
    mixture_log_evidence,
    monitor,
    sequential_flags,
)


def reference(data: pd.DataFrame, var: str, threshold: float, *, order: str, by: str | None, psu: str | None,
              strata: str | None, alpha: float) -> pd.DataFrame:
    """One domain at a time, as the flags were computed before (the reference)."""
    frame = data.loc[data[var].notna(), [c for c in dict.fromkeys([var, order, by, psu, strata]) if c]].copy()
    values = frame[var].to_numpy(dtype=float)
    codes, domains = (pd.factorize(frame[by], sort=True) if by else (np.zeros(len(frame), dtype=int), np.array(["all"], dtype=object)))
    unit = frame[psu] if psu else pd.Series(np.arange(len(frame)), index=frame.index)
    raw, labels = pd.factorize(unit.to_numpy())
    units, _ = pd.factorize(np.asarray(codes, dtype=np.int64) * max(len(labels), 1) + raw)
    k = units.max() + 1 if len(units) else 0
    unit_x = np.bincount(units, weights=values, minlength=k)
    unit_n = np.bincount(units, minlength=k).astype(float)
    unit_domain = np.zeros(k, dtype=int)
    unit_domain[units] = codes
    done = pd.Series(frame[order].to_numpy()).groupby(units).max().reindex(range(k)).to_numpy()
    deffs = design_effects(frame, var, psu=psu, strata=strata, by=by) if psu else {}
    rows = []
    for d, name in enumerate(domains):
        members = np.flatnonzero(unit_domain == d)
        members = members[np.argsort(done[members], kind="stable")]
        x, n = unit_x[members], unit_n[members]
        deff = deffs.get(name, 1.0)
        cx, cn = np.cumsum(x) / deff, np.cumsum(n) / deff
        flags = sequential_flags(cx, cn, threshold, alpha=alpha) if len(members) else np.array([OPEN])
        above = float(mixture_log_evidence(cx[-1:], cn[-1:], threshold, direction="above")[0]) if len(members) else 0.0
        below = float(mixture_log_evidence(cx[-1:], cn[-1:], threshold, direction="below")[0]) if len(members) else 0.0
        rows.append({"domain": name, "n": int(n.sum()), "successes": int(x.sum()), "psus": len(members),
                     "unweighted_deff": deff, "log_evidence_pass": above, "log_evidence_fail": below,
                     "flag": str(flags[-1]), "looks": len(members)})
    return pd.DataFrame(rows)


def sample(seed: int, rate: float, townships: int = 6, sites: int = 5, per_site: int = 30) -> pd.DataFrame:
    """Clustered 0/1 answers arriving site by site (ties and interleaved sites included), some missing."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(townships):
        town_rate = np.clip(rate + rng.normal(0, 0.12), 0.02, 0.98)
        for s in range(sites - (t % 3)):  # townships of 5, 4 and 3 sites
            site_rate = np.clip(town_rate + rng.normal(0, 0.05), 0.01, 0.99)
            start = rng.integers(0, 500)
            for i in range(per_site):
                value = float(rng.random() < site_rate) if rng.random() > 0.05 else np.nan
                rows.append({"town": f"乡镇{t}", "site": f"T{t}S{s}", "y": value, "at": int(start + i // 2 * 3)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rate,threshold", [(0.85, 0.7), (0.55, 0.7), (0.70, 0.7), (0.3, 0.5)])
@pytest.mark.parametrize("by", [None, "town"])
def test_flags_equal_the_domain_by_domain_computation(seed, rate, threshold, by):
    data = sample(seed, rate)
    got = monitor(data, "y", threshold, order="at", by=by, psu="site", strata="town", alpha=0.05)
    want = reference(data, "y", threshold, order="at", by=by, psu="site", strata="town", alpha=0.05)
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_exact=False, rtol=1e-12, atol=1e-12)
    assert got["flag"].tolist() == want["flag"].tolist()


def test_all_three_flags_occur_in_the_comparison():
    seen = set()
    for seed in range(6):
        for rate, threshold in [(0.85, 0.7), (0.55, 0.7), (0.70, 0.7), (0.3, 0.5)]:
            seen |= set(monitor(sample(seed, rate), "y", threshold, order="at", by="town", psu="site", strata="town")["flag"])
    assert {PASSED, FAILED, OPEN} <= seen


def test_without_psu_each_response_is_a_look():
    data = sample(3, 0.8)
    got = monitor(data, "y", 0.6, order="at", by="town")
    want = reference(data, "y", 0.6, order="at", by="town", psu=None, strata=None, alpha=0.05)
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_exact=False, rtol=1e-12, atol=1e-12)
    assert (got["looks"] == got["n"]).all()


def test_no_answered_rows_gives_one_open_row():
    data = sample(1, 0.8).assign(y=np.nan)
    got = monitor(data, "y", 0.6, order="at", psu="site", strata="town")
    assert got[["domain", "n", "psus", "flag", "looks", "log_evidence_pass"]].iloc[0].tolist() == ["all", 0, 0, OPEN, 0, 0.0]
