"""Anytime-valid "already passed / already failed" flags for rates watched while data arrive.

Evaluators look at the dashboard every day. Re-checking a fixed-sample confidence bound after
each batch inflates false passes (about 20% over 20 looks at a true rate equal to the threshold
with a one-sided 5% bound). These flags use Robbins' mixture likelihood ratio instead, a
nonnegative supermartingale under the null, so by Ville's inequality the chance that it *ever*
crosses ``1/alpha`` is at most ``alpha``, however often one looks.

For "passed" (H0: p <= p0 against p > p0), with x successes among n and a uniform mixture over
(p0, 1):

    M_n = [ ∫_{p0}^{1} p^x (1-p)^(n-x) dp / (1 - p0) ] / [ p0^x (1-p0)^(n-x) ]
        = B(x+1, n-x+1) · P(Beta(x+1, n-x+1) > p0) / (1 - p0) / [ p0^x (1-p0)^(n-x) ].

For "failed" (H0: p >= p0 against p < p0), the mixture is uniform over (0, p0). The flag is
raised at the first look where M_n >= 1/alpha and stays raised.

Clustered samples: responses from one village or clinic are alike, so the evidence is computed on
effective counts x/deff and n/deff (deff >= 1 from the between-PSU variance of the *unweighted*
design: strata and PSUs, no weights; reported as ``unweighted_deff``, which is not the ``deff`` of
the weighted estimates), and looks happen
only when a PSU's responses are complete in order of arrival ("updated by whole site").
The official figure stays the final design-based interval (``analysis`` estimates).

References
----------
Robbins, H. (1970). Statistical methods related to the law of the iterated logarithm.
Howard, Ramdas, McAuliffe & Sekhon (2021). Time-uniform, nonparametric, nonasymptotic
confidence sequences. Annals of Statistics 49(2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from . import distributions
from .design import SurveyDesign
from .errors import ColumnError, DataValueError, OptionError

PASSED = "passed"
FAILED = "failed"
OPEN = "open"
#: a township with too few sites gets no verdict, so no watching hint either (set by analysis.campaign)
FEW_SITES = "few_sites"
#: each watching flag's words, 中文 first (workbook and dashboard read them here). A flag is a hint
#: during fieldwork, never a verdict: its words must not read like one (the verdicts' words are in
#: analysis.verdict.VERDICT_WORDS).
FLAG_WORDS = {
    PASSED: {"zh": "监测提示：趋向达标", "en": "hint: heading for a pass"},
    FAILED: {"zh": "监测提示：趋向未达标", "en": "hint: heading for a fail"},
    OPEN: {"zh": "继续观察", "en": "keep watching"},
    FEW_SITES: {"zh": "调查点不足，不作提示", "en": "too few sites: no hint"},
}


def mixture_log_evidence(successes: ArrayLike, n: ArrayLike, threshold: float, *, direction: str) -> NDArray[np.float64]:
    """log M_n of the uniform-mixture likelihood ratio against the threshold (vectorised).

    ``direction="above"`` gives evidence that p > threshold, ``"below"`` that p < threshold.
    Non-integer counts (effective counts after a design effect) are allowed. Zero looks give 0.
    """
    if direction not in ("above", "below"):
        raise OptionError(f"direction must be 'above' or 'below', got {direction!r}", param="direction", value=direction)
    if not 0 < threshold < 1:
        raise OptionError(f"threshold must be strictly between 0 and 1, got {threshold!r}", param="threshold", value=threshold)
    x = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    if np.any(x < 0) or np.any(x > total + 1e-9):
        raise DataValueError("successes must lie between 0 and n")
    failures = np.maximum(total - x, 0.0)
    a, b = x + 1.0, failures + 1.0
    log_null = x * np.log(threshold) + failures * np.log1p(-threshold)
    if direction == "above":
        log_mass = distributions.beta_logsf(threshold, a, b)
        log_width = np.log1p(-threshold)
    else:
        log_mass = distributions.beta_logcdf(threshold, a, b)
        log_width = np.log(threshold)
    return special.betaln(a, b) + log_mass - log_width - log_null


def sequential_flags(
    successes: ArrayLike, n: ArrayLike, threshold: float, *, alpha: float = 0.05
) -> NDArray[np.str_]:
    """The flag after each look, given cumulative counts per look (once raised, it stays).

    ``successes`` and ``n`` are cumulative (non-decreasing) counts at successive looks.
    """
    if not 0 < alpha < 1:
        raise OptionError(f"alpha must be strictly between 0 and 1, got {alpha!r}", param="alpha", value=alpha)
    cutoff = np.log(1.0 / alpha)
    passed = np.maximum.accumulate(mixture_log_evidence(successes, n, threshold, direction="above") >= cutoff)
    failed = np.maximum.accumulate(mixture_log_evidence(successes, n, threshold, direction="below") >= cutoff)
    first_pass = np.argmax(passed) if passed.any() else len(passed)
    first_fail = np.argmax(failed) if failed.any() else len(failed)
    out = np.full(len(passed), OPEN, dtype=object)
    index = np.arange(len(passed))
    out[(index >= first_pass) & (first_pass <= first_fail)] = PASSED
    out[(index >= first_fail) & (first_fail < first_pass)] = FAILED
    return out.astype(str)


@dataclass(frozen=True)
class MonitorRow:
    domain: object
    n: int
    successes: int
    psus: int
    unweighted_deff: float  # the factor the counts are divided by (design_effects: no weights, >= 1)
    log_evidence_pass: float
    log_evidence_fail: float
    flag: str
    looks: int


def design_effects(
    data: pd.DataFrame,
    var: str,
    *,
    psu: str | None = None,
    strata: str | None = None,
    weights: str | None = None,
    by: str | None = None,
) -> dict[object, float]:
    """Design effect of the rate of ``var`` (0/1) per domain of ``by``, from the variance engine.

    deff = design variance (:func:`analysis.variance.design_variance`, through the design's
    proportion estimate: strata, PSUs drawn with replacement, weights; a stratum with one PSU
    centred at the grand mean) / the variance of a simple random sample of the same size. A
    domain's design effect is at least 1 here (the flags never count more evidence than the
    responses hold) and 1 where it is undefined (one PSU, a rate of 0 or 1). Rows with a missing
    ``var`` must have been dropped. Keys: the domain labels (``"all"`` without ``by``).
    """
    if not len(data):
        return {}
    design = SurveyDesign(data, weights=weights, strata=strata, psu=psu, lonely_psu="adjust", nest=strata is not None)
    table = design.proportion(var, by=by, ci="mean")
    deff = pd.to_numeric(table["deff"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    deff = np.where(np.isfinite(deff), np.maximum(deff, 1.0), 1.0)
    domains = table["domain"].tolist() if by else ["all"]
    return dict(zip(domains, deff.tolist()))


def monitor(
    data: pd.DataFrame,
    var: str,
    threshold: float,
    *,
    order: str,
    by: str | None = None,
    psu: str | None = None,
    strata: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per domain: the anytime-valid flag for ``var`` (0/1) against ``threshold``.

    Responses are taken in the order of column ``order`` (e.g. submission time). With ``psu``,
    a look happens when a PSU's last response has arrived, counts are deflated by the domain's
    design effect (:func:`design_effects`: PSUs within ``strata``, through the variance engine,
    without weights), and the evidence is computed on effective counts. Rows with a missing
    ``var`` are left out. Returns one row per domain with n, successes, psus, ``unweighted_deff``
    (that design effect, at least 1; 1 without ``psu``), the two log evidences, the flag (passed /
    failed / open) and the number of looks.
    """
    for column in [var, order, *(c for c in (by, psu, strata) if c)]:
        if column not in data.columns:
            raise ColumnError(f"unknown column {column!r} (columns: {', '.join(map(str, data.columns))})", column=column)
    frame = data.loc[data[var].notna(), [c for c in dict.fromkeys([var, order, by, psu, strata]) if c]].copy()
    values = frame[var].to_numpy(dtype=float)
    if np.any((values != 0) & (values != 1)):
        bad = values[(values != 0) & (values != 1)][0]
        raise DataValueError(f"column {var!r} must be 0/1, found {bad:g}", column=var, value=bad)
    domain_codes, domains = (pd.factorize(frame[by], sort=True) if by else (np.zeros(len(frame), dtype=int), np.array(["all"], dtype=object)))
    unit = frame[psu] if psu else pd.Series(np.arange(len(frame)), index=frame.index)
    raw_units, raw_labels = pd.factorize(unit.to_numpy())
    unit_codes, _ = pd.factorize(np.asarray(domain_codes, dtype=np.int64) * max(len(raw_labels), 1) + raw_units)
    k = unit_codes.max() + 1 if len(unit_codes) else 0
    unit_x = np.bincount(unit_codes, weights=values, minlength=k)
    unit_n = np.bincount(unit_codes, minlength=k).astype(float)
    unit_domain = np.zeros(k, dtype=int)
    unit_domain[unit_codes] = domain_codes
    order_values = frame[order].to_numpy()
    unit_done = pd.Series(order_values).groupby(unit_codes).max().reindex(range(k)).to_numpy()
    cutoff = np.log(1.0 / alpha)
    deffs = design_effects(frame, var, psu=psu, strata=strata, by=by) if psu else {}
    rows = _domain_flags(unit_x, unit_n, unit_domain, unit_done, list(domains), deffs, threshold, cutoff)
    out = pd.DataFrame(rows)
    out["threshold"] = threshold
    out["alpha"] = alpha
    out["evidence_needed"] = float(cutoff)
    return out


def _domain_flags(unit_x: NDArray[np.float64], unit_n: NDArray[np.float64], unit_domain: NDArray[np.int_],
                  unit_done: NDArray, domains: list, deffs: dict, threshold: float, cutoff: float) -> dict[str, list]:
    """:func:`monitor`'s rows, all domains in one pass: each domain's units (PSUs) in order of
    completion, cumulative effective counts, the evidence at every look and the flag at the last
    (as :func:`sequential_flags` per domain, which it equals). Columns of :class:`MonitorRow`."""
    k, d = len(unit_x), len(domains)
    by_done = np.argsort(unit_done, kind="stable")  # completion order, ties by unit
    rank = by_done[np.argsort(unit_domain[by_done], kind="stable")]  # then by domain
    group = unit_domain[rank]
    psus = np.bincount(group, minlength=d)
    starts = np.concatenate([[0], np.cumsum(psus)[:-1]]).astype(np.int64)
    deff = np.array([deffs.get(name, 1.0) for name in domains], dtype=float)
    x, n = unit_x[rank], unit_n[rank]
    # cumulative counts within each domain (whole numbers: a running total less the domain's start is exact)
    run_x, run_n = np.cumsum(x), np.cumsum(n)
    before_x = np.concatenate([[0.0], run_x])[starts]
    before_n = np.concatenate([[0.0], run_n])[starts]
    cum_x = (run_x - before_x[group]) / deff[group]
    cum_n = (run_n - before_n[group]) / deff[group]
    above = mixture_log_evidence(cum_x, cum_n, threshold, direction="above")
    below = mixture_log_evidence(cum_x, cum_n, threshold, direction="below")
    look = np.arange(k) - starts[group]
    never = np.iinfo(np.int64).max
    first_pass = np.full(d, never)
    first_fail = np.full(d, never)
    np.minimum.at(first_pass, group, np.where(above >= cutoff, look, never))
    np.minimum.at(first_fail, group, np.where(below >= cutoff, look, never))
    flag = np.full(d, OPEN, dtype=object)
    flag[(first_pass < never) & (first_pass <= first_fail)] = PASSED
    flag[(first_fail < never) & (first_fail < first_pass)] = FAILED
    last = starts + psus - 1
    has = psus > 0
    evidence_pass = np.where(has, above[np.where(has, last, 0)] if k else 0.0, 0.0)
    evidence_fail = np.where(has, below[np.where(has, last, 0)] if k else 0.0, 0.0)
    return {"domain": list(domains), "n": np.bincount(unit_domain, weights=unit_n, minlength=d).astype(int).tolist(),
            "successes": np.bincount(unit_domain, weights=unit_x, minlength=d).astype(int).tolist(),
            "psus": psus.tolist(), "unweighted_deff": deff.tolist(), "log_evidence_pass": evidence_pass.tolist(),
            "log_evidence_fail": evidence_fail.tolist(), "flag": [str(f) for f in flag], "looks": psus.tolist()}
