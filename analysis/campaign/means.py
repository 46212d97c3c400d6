"""Mean scores: the score indicators whose official figure is the mean.

A profile states per indicator which figure is official (``official: share`` of respondents
meeting the rule, or ``official: mean`` score; :class:`survey.questionnaire.profiles.IndicatorScope`).
For every *score* indicator (a number per response, e.g. ``literacy_score``, the share of the
points) that the campaign's profile marks ``official: mean``, :func:`mean_estimates` gives the
design-based mean with its standard error and two-sided ``level`` t interval on the design
degrees of freedom (:meth:`analysis.design.SurveyDesign.mean`, R ``svymean`` + ``confint(df=)``),
overall and per township (a domain of the full design). Means carry no verdict: no plan sets a
target for a mean score; the share-based rates keep theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["MEAN_COLUMNS", "mean_estimates", "official_means"]

MEAN_COLUMNS = ["questionnaire_id", "var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df",
                "ci_method", "level", "note", "scope"]


def official_means(questionnaire: Any, profile: Any) -> list[str]:
    """Ids of the questionnaire's score indicators that ``profile`` reports as a mean, in file order."""
    from survey.questionnaire import IndicatorKind

    if profile is None:
        return []
    out = []
    for indicator in questionnaire.indicators:
        scope = profile.scope(indicator.id)
        if indicator.kind is IndicatorKind.SCORE and scope is not None and scope.official == "mean":
            out.append(indicator.id)
    return out


def mean_estimates(design: Any, questionnaire_id: str, indicators: Sequence[str], level: float,
                   strata: Sequence[str] = ()) -> pd.DataFrame:
    """Means with SE and two-sided ``level`` t intervals, overall then per township (in ``strata``
    order): the columns :data:`MEAN_COLUMNS`."""
    if not indicators:
        return pd.DataFrame(columns=MEAN_COLUMNS)
    overall = design.mean(list(indicators), level=level)
    overall["scope"] = "overall"
    overall["domain"] = None
    by = design.mean(list(indicators), by="stratum", level=level)
    by["scope"] = "stratum"
    order = {s: i for i, s in enumerate(strata)}
    rank = {v: i for i, v in enumerate(indicators)}
    by = by.sort_values(["var", "domain"], key=lambda s: s.map(order) if s.name == "domain" else s.map(rank),
                        kind="stable")
    both = pd.concat([overall, by], ignore_index=True)
    both.insert(0, "questionnaire_id", questionnaire_id)
    return both[[c for c in MEAN_COLUMNS if c in both.columns]].reset_index(drop=True)
