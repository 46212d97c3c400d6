"""LQAS classification of townships: the decision rule of :mod:`sampling.lqas` applied to the
first ``n`` responses (in order of arrival) of each township."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sampling.lqas import lqas_classify

__all__ = ["LQAS_COLUMNS", "classify_townships", "lqas_rule_for"]

LQAS_COLUMNS = ("questionnaire_id", "var", "stratum", "n_rule", "d_rule", "sampled", "successes", "classification")


def lqas_rule_for(campaign, chosen: Mapping[str, tuple[int, int]] | None, indicator: str) -> tuple[int, int] | None:  # noqa: ANN001
    """The (n, d) rule of an indicator: the one chosen, else the one every site of the plan gives
    (``lqas_n_<indicator>``/``lqas_d_<indicator>``, else ``lqas_n``/``lqas_d`` in the site's extra
    columns), else None."""
    if chosen and indicator in chosen:
        n, d = chosen[indicator]
        return int(n), int(d)
    extras = [s.extra for s in campaign.sites]
    if not extras:
        return None
    for n_key, d_key in ((f"lqas_n_{indicator}", f"lqas_d_{indicator}"), ("lqas_n", "lqas_d")):
        values = {(e.get(n_key), e.get(d_key)) for e in extras}
        if len(values) == 1:
            n, d = next(iter(values))
            if isinstance(n, (int, float)) and isinstance(d, (int, float)) and 0 < d <= n:
                return int(n), int(d)
    return None


def classify_townships(rows: pd.DataFrame, indicator: str, rule: tuple[int, int], strata: Sequence[str]) -> list[dict]:
    """Per township: the first n responses (in order of arrival) with a value, classified."""
    n_rule, d = rule
    values = rows.loc[rows[indicator].notna(), ["stratum", "submitted_at", indicator]].sort_values("submitted_at", kind="stable")
    first = values.groupby("stratum", sort=False).head(n_rule)
    x = first.groupby("stratum")[indicator].sum()
    k = first.groupby("stratum").size()
    successes = np.array([int(x.get(s, 0)) for s in strata], dtype=np.int64)
    sampled = np.array([int(k.get(s, 0)) for s in strata], dtype=np.int64)
    status = lqas_classify(successes, sampled, n_rule, d) if len(strata) else []
    return [{"var": indicator, "stratum": s, "n_rule": n_rule, "d_rule": d, "sampled": int(k_), "successes": int(x_),
             "classification": c} for s, k_, x_, c in zip(strata, sampled, successes, status)]
