"""Indicator scores of every accepted row of an import, worked out column by column: each
indicator once per distinct combination of what it reads (the answers its denominator and rule
name, its items' answers and visibility, a screen-out), with :func:`score_clean` itself, so the
values are the ones ``Store.submit`` would compute for each row."""

from __future__ import annotations

from typing import Any

import numpy as np

from survey.questionnaire import Questionnaire
from survey.questionnaire.scoring import score_clean

from .columns import Coded, combine

__all__ = ["score_columns"]


def score_columns(questionnaire: Questionnaire, profile: Any, clean: dict[str, Coded], shown: dict[str, np.ndarray],
                  ended: np.ndarray) -> dict[str, Coded]:
    """Indicator id -> (code per row, distinct values); ``profile``: the campaign's (None: the instrument's rules)."""
    n = len(ended)
    out: dict[str, Coded] = {}
    for indicator in questionnaire.indicators:
        scope = profile.scope(indicator.id) if profile is not None else None
        expressions = [indicator.applies_if, indicator.rule, *((scope.applies_if, scope.rule) if scope is not None else ())]
        reads = dict.fromkeys(r for e in expressions if e is not None for r in e.references)
        reads.update(dict.fromkeys(indicator.items))
        inputs = [q for q in reads if q in clean]
        items = [q for q in indicator.items if q in shown]
        arrays = [ended.astype(np.int64)] + [clean[q][0] for q in inputs] + [shown[q].astype(np.int64) for q in items]
        combos, inverse = combine(arrays, n)
        values: list[Any] = []
        for combo in combos:
            if combo[0]:  # screened out: in no denominator
                values.append(None)
                continue
            answers = {q: clean[q][1][c] for q, c in zip(inputs, combo[1:1 + len(inputs)]) if c >= 0}
            visible = {q: bool(s) for q, s in zip(items, combo[1 + len(inputs):])}
            values.append(score_clean(questionnaire, answers, visible, profile=profile, only={indicator.id})[indicator.id])
        out[indicator.id] = (np.asarray(inverse, dtype=np.int64), values)
    return out
