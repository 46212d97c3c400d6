"""Threshold verdicts: has an indicator reached its target, with the sampling error accounted for?

The rule, stated once (``docs/METHODS.md`` argues it; :data:`RULE_ZH` / :data:`RULE_EN` are its
sentence in every report). For a threshold ``p0`` and the profile's confidence level ``1 - alpha``
(``level``, 0.95 by default), ``L`` and ``U`` are the one-sided ``1 - alpha`` lower and upper
confidence bounds (:func:`analysis.intervals.proportion_interval` with ``side="lower_bound"``, R's
and scipy's ``alternative="greater"``, and ``side="upper_bound"``, their ``"less"``); together they
are the two-sided ``1 - 2 alpha`` interval (90% for
``alpha = 0.05``), and that interval is the one printed beside the verdict:

* ``met`` when ``L >= p0``: the data demonstrate the target is reached;
* ``not_met`` when ``U < p0``: the data demonstrate it is not;
* ``inconclusive`` otherwise (and whenever no bound can be computed);
* ``few_sites`` when the domain has fewer than ``min_df`` design degrees of freedom (default
  :data:`MIN_DF`, or the profile's ``min_df``): its sites are too few to judge it on its own,
  whatever its interval says.

Alongside, ``point_reaches`` says whether the point estimate alone is at or above ``p0`` (what a
naive reading would conclude), and for an inconclusive result ``more_responses`` estimates how many
more responses would settle it if the rate and the design effect held: with ``z =
Phi^{-1}(1 - alpha)`` and the current variance ``v`` of ``n`` responses, the needed size is
``n' = v n (z / (p - p0))^2`` (the variance scales as ``1/n``), so ``more = ceil(n' - n)``. At
``p = 1`` (resp. 0) the exact Clopper-Pearson bound ``alpha^(1/n')`` must reach ``p0`` (resp.
``1 - alpha^(1/n') < p0``), so ``n' = log(alpha) / log(p0)`` (resp. ``log(alpha) / log(1 - p0)``).
When ``p = p0`` exactly no sample size settles it and ``more_responses`` is empty.

References
----------
Korn E.L., Graubard B.I. (1999). *Analysis of Health Surveys*, section 5.2 (one-sided bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from . import distributions

from .errors import OptionError
from .formatting import DASH, level_percent as _pct

__all__ = ["MIN_DF", "NO_VERDICT", "RULE_EN", "RULE_ZH", "VERDICTS", "VERDICT_WORDS", "Verdict", "check_threshold",
           "interval_label", "rule_text", "verdict_variance", "verdict_word", "verdicts"]

VERDICTS = ("met", "not_met", "inconclusive", "few_sites")
#: each verdict's words, 中文 first (reports, workbook, dashboard and sentences all read them here)
VERDICT_WORDS = {
    "met": {"zh": "达标", "en": "met"},
    "not_met": {"zh": "未达标", "en": "not met"},
    "inconclusive": {"zh": "尚不能确定", "en": "not yet conclusive"},
    "few_sites": {"zh": "调查点不足，不能单独判定", "en": "too few sites to judge on its own"},
}
#: the words for "no verdict" in a sentence (a table cell shows ``—``)
NO_VERDICT = {"zh": "无判定", "en": "no verdict"}
#: fewer design degrees of freedom than this (PSUs minus strata of the domain): no verdict of its own
MIN_DF = 3

#: The rule's sentence; ``{one}`` is the one-sided level and ``{two}`` the interval's, in percent.
RULE_ZH = ("判定规则：每项指标按单侧{one}置信界限判定，即表中的{two}置信区间（与判定所用的区间相同）："
           "置信下限不低于达标线为“达标”，置信上限低于达标线为“未达标”，其余为“尚不能确定”；"
           "调查点不足（设计自由度小于{min_df}）的乡镇（街道）不单独判定。")
RULE_EN = ("Verdict rule: each indicator is judged by its one-sided {one} confidence bounds, i.e. the two-sided "
           "{two} interval shown beside it (the interval the verdict uses): met when the lower end is at or above "
           "the threshold, not met when the upper end is below it, otherwise not yet conclusive; a township with too "
           "few sites (fewer than {min_df} design degrees of freedom) is not judged on its own.")


def verdict_word(code, lang: str = "zh", none: str = DASH) -> str:  # noqa: ANN001
    """The words for a verdict code, ``none`` for no verdict (None, NaN, an unknown code).

    >>> verdict_word("not_met"), verdict_word("inconclusive", "en"), verdict_word(None)
    ('未达标', 'not yet conclusive', '—')
    """
    words = VERDICT_WORDS.get(code) if isinstance(code, str) else None
    return none if words is None else words[lang]


def rule_text(level: float, lang: str = "zh", min_df: int = MIN_DF) -> str:
    """The verdict rule's sentence for a one-sided ``level`` (e.g. 0.95: 95% bounds, 90% interval).

    >>> rule_text(0.95, "en")[:70]
    'Verdict rule: each indicator is judged by its one-sided 95% confidence'
    """
    template = RULE_ZH if lang == "zh" else RULE_EN
    return template.format(one=_pct(level), two=_pct(2 * level - 1), min_df=min_df)


def interval_label(level: float, lang: str = "zh", *, one_sided: bool = True) -> str:
    """How the interval beside a verdict is labelled, e.g. ``90%置信区间（单侧95%界限）``.

    >>> interval_label(0.95, "en")
    '90% interval (one-sided 95% bounds)'
    >>> interval_label(0.95, "zh", one_sided=False)
    '95%置信区间（双侧）'
    """
    if not one_sided:
        return f"{_pct(level)}置信区间（双侧）" if lang == "zh" else f"{_pct(level)} two-sided interval"
    if lang == "zh":
        return f"{_pct(2 * level - 1)}置信区间（单侧{_pct(level)}界限）"
    return f"{_pct(2 * level - 1)} interval (one-sided {_pct(level)} bounds)"


@dataclass(frozen=True)
class Verdict:
    """The verdict for one estimate against one threshold."""

    verdict: str
    threshold: float
    level: float
    method: str
    lower_bound: float | None  # one-sided ``level`` lower bound (R/scipy ``alternative="greater"``)
    upper_bound: float | None  # one-sided ``level`` upper bound (R/scipy ``alternative="less"``)
    point_reaches: bool
    more_responses: int | None


def check_threshold(value, param: str = "threshold") -> float:
    """A threshold strictly between 0 and 1."""
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{param} must be a number strictly between 0 and 1; got {value!r}", param=param, value=value)
    if not 0.0 < t < 1.0 or np.isnan(t):
        raise OptionError(f"{param} must be strictly between 0 and 1; got {value!r}", param=param, value=value)
    return t


def check_verdict_level(level: float) -> float:
    """A one-sided confidence level for verdicts, strictly between 0.5 and 1."""
    if not 0.5 < level < 1.0:
        raise OptionError(f"a verdict needs a level between 0.5 and 1; got {level!r}", param="level", value=level)
    return float(level)


def verdicts(estimate, variance, n, lower_bound, upper_bound, threshold, level: float, *, df=None, min_df: int = 0):
    """Vectorised verdicts.

    Parameters
    ----------
    estimate, variance, n : array_like
        Point estimates, their design-based variances and numbers of responses.
    lower_bound, upper_bound : array_like
        One-sided ``level`` bounds (NaN where none exists): ``L`` of R's ``binom.test`` / scipy's
        ``binomtest`` with ``alternative="greater"`` and ``U`` of ``alternative="less"``.
    threshold : array_like
        Thresholds (NaN: no threshold, verdict ``None``).
    level : float
        One-sided confidence level, e.g. 0.95.
    df, min_df : array_like, int
        Design degrees of freedom of each domain; below ``min_df`` the verdict is ``few_sites``
        (``min_df = 0``, the default, never).

    Returns
    -------
    verdict : ndarray of object (``"met"``, ``"not_met"``, ``"inconclusive"``, ``"few_sites"`` or None)
    point_reaches : ndarray of object (bool or None)
    more_responses : ndarray of object (int or None)

    Examples
    --------
    >>> v, reach, more = verdicts([0.88], [0.0004], [300], [0.845], [0.91], [0.85], 0.95)
    >>> v[0], reach[0], more[0]
    ('inconclusive', True, 61)
    """
    p = np.atleast_1d(np.asarray(estimate, dtype=np.float64))
    shape = p.shape
    v = np.broadcast_to(np.asarray(variance, dtype=np.float64), shape)
    n = np.broadcast_to(np.asarray(n, dtype=np.float64), shape)
    lo = np.broadcast_to(np.asarray(lower_bound, dtype=np.float64), shape)
    hi = np.broadcast_to(np.asarray(upper_bound, dtype=np.float64), shape)
    p0 = np.broadcast_to(np.asarray(threshold, dtype=np.float64), shape)
    few = np.zeros(shape, dtype=bool)
    if df is not None and min_df > 0:
        few = np.broadcast_to(np.asarray(df, dtype=np.float64), shape) < min_df
    alpha = 1.0 - level
    z = distributions.norm_ppf(level)
    verdict = np.full(shape, None, dtype=object)
    reach = np.full(shape, None, dtype=object)
    more = np.full(shape, None, dtype=object)
    for i in range(p.size):  # one small scalar decision per estimate (not per row)
        if np.isnan(p0[i]) or np.isnan(p[i]) or not n[i] > 0:
            continue
        reach[i] = bool(p[i] >= p0[i])
        if few[i]:
            verdict[i] = "few_sites"
            continue
        if not np.isnan(lo[i]) and lo[i] >= p0[i]:
            verdict[i] = "met"
            continue
        if not np.isnan(hi[i]) and hi[i] < p0[i]:
            verdict[i] = "not_met"
            continue
        verdict[i] = "inconclusive"
        gap = abs(p[i] - p0[i])
        if gap <= 1e-12:  # at the threshold up to rounding (e.g. 17/20 vs 0.85): no sample size settles it
            continue
        if p[i] >= 1.0:
            need = np.log(alpha) / np.log(p0[i])
        elif p[i] <= 0.0:
            need = np.log(alpha) / np.log1p(-p0[i])
        elif v[i] > 0:
            need = v[i] * n[i] * (z / gap) ** 2
        else:
            continue
        more[i] = int(max(1, np.ceil(need - n[i])))
    return verdict, reach, more


def verdict_variance(p, variance, n, *, simple: bool = False) -> np.ndarray:
    """The variance behind a verdict's bounds: the design-based one, but never below the
    with-replacement simple-random-sample variance ``p (1 - p) / n`` (a design effect truncated at
    1, as SAS SURVEYFREQ truncates it for the Korn-Graubard interval).

    A clustered domain whose few sites happen to agree gets a variance, and a design effect, near
    0 (the township rows of a county survey: "设计效应 0.01"); its interval would then claim more
    precision than a simple random sample of the same size and could judge a township met on the
    strength of chance agreement. A variance of 0 with ``0 < p < 1`` (a rate fixed by calibration,
    whose variance is round-off of either sign) is floored too, so the verdict never hangs on the
    sign of a rounding error. Rows with ``p`` at 0 or 1, or of a simple random sample, keep
    their variance.
    """
    p = np.asarray(p, dtype=np.float64)
    v = np.asarray(variance, dtype=np.float64)
    if simple:
        return v
    with np.errstate(invalid="ignore", divide="ignore"):
        floor = np.where(np.asarray(n, dtype=np.float64) > 0, p * (1 - p) / np.asarray(n, dtype=np.float64), 0.0)
    inner = (p > 0) & (p < 1) & np.isfinite(v)  # a variance of 0 (or of round-off size) is floored too
    return np.where(inner & (v < floor), floor, v)
