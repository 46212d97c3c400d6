"""Item analysis of a keyed indicator (classical test theory), from the collected answers.

Over the responses in the indicator's denominator (its column is not NaN), unweighted, each
item's score is its points when answered correctly and 0 otherwise (不知道, unanswered and hidden
items score 0). With X the n x k matrix of item scores and T = X.sum(axis=1) the total:

* ``correct``: the share of respondents with the item's full points (its difficulty p);
* ``item_total``: the corrected item-total correlation, corr(X_j, T - X_j) (the item left out of
  the total; R ``psych::alpha``'s ``r.drop``);
* ``alpha``: Cronbach's alpha, k/(k-1) (1 - sum_j var(X_j) / var(T)) (KR-20 for 0/1 items;
  ``psych::alpha``'s ``raw_alpha``); ``mean`` and ``sd`` of T (sd with n - 1);
* ``options``: each choice's share among the n respondents (a multiple choice: the share who ticked it);
* ``flags``: ``too_easy`` (correct > 95%), ``low_discrimination`` (item_total < 0.2),
  ``negative_discrimination`` (item_total < 0), ``dead_distractor`` (a wrong option chosen by < 2%).

Everything is computed on whole columns: one boolean column per option, np.mean / np.corrcoef.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FLAGS", "FLAG_WORDS", "IndicatorItems", "ItemStats", "item_analysis", "item_scores"]

TOO_EASY = 0.95
LOW_DISCRIMINATION = 0.2
DEAD_DISTRACTOR = 0.02
DONT_KNOW = "dont_know"
FLAGS = ("too_easy", "low_discrimination", "negative_discrimination", "dead_distractor")
# flag code -> its words (zh, en): what the dashboard and the reports print
FLAG_WORDS: dict[str, dict[str, str]] = {
    "too_easy": {"zh": "过于容易（答对超过95%）", "en": "too easy (over 95% right)"},
    "low_discrimination": {"zh": "区分度低（校正题总相关低于0.2）", "en": "low discrimination (item-rest r below 0.2)"},
    "negative_discrimination": {"zh": "区分度为负（总分高的人反而更常答错）",
                                "en": "negative discrimination (high scorers get it wrong more often)"},
    "dead_distractor": {"zh": "有错误选项几乎无人选（少于2%）", "en": "a wrong option almost nobody picks (under 2%)"},
}
KEYED = ("single", "multiple", "yes_no", "true_false")


@dataclass(frozen=True)
class ItemStats:
    """One item's figures (see the module docstring)."""

    id: str
    n: int
    correct: float
    dont_know: float
    options: Mapping[str, float]
    item_total: float
    flags: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "n": self.n, "correct": self.correct, "dont_know": self.dont_know,
                "options": dict(self.options), "item_total": _plain(self.item_total), "flags": list(self.flags)}


@dataclass(frozen=True)
class IndicatorItems:
    """The item analysis of one indicator: its items and the reliability of their total."""

    indicator: str
    questionnaire_id: str
    n: int
    k: int
    alpha: float
    mean: float
    sd: float
    items: tuple[ItemStats, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "questionnaire_id": self.questionnaire_id, "n": self.n, "k": self.k,
                "alpha": _plain(self.alpha), "mean": _plain(self.mean), "sd": _plain(self.sd),
                "items": [i.to_dict() for i in self.items]}


def _plain(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


class _Coded:
    """An answer column coded once: each row's code into ``keys``, one key per distinct answer (a text
    as it is; a list or tuple as ``("L", its values as texts)``; anything else as ``("S", str(value))``),
    so every choice is tested once per distinct answer instead of once per row."""

    def __init__(self, column: pd.Series) -> None:
        values = column.to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):  # texts and missing only
            codes, uniques = pd.factorize(values)  # the texts hashed in C; a missing value: -1
            codes = codes.astype(np.intp)
            missing = np.flatnonzero(codes < 0)
            self.keys = uniques.tolist()
            if len(missing):  # None, NaN, NA: each its own key ("S", str(value)), as below
                marks, words = pd.factorize(np.asarray([str(v) for v in values[missing].tolist()], dtype=object))
                codes[missing] = len(self.keys) + marks
                self.keys += [("S", w) for w in words.tolist()]
            self.codes = codes
            return
        index: dict[Any, int] = {}
        self.codes = np.fromiter((index.setdefault(v if type(v) is str else _key(v), len(index))
                                  for v in values.tolist()), np.intp, len(column))
        self.keys = list(index)

    def chosen(self, value: str) -> np.ndarray:
        """Whether each answer chose ``value`` (a single answer equal to it, or a list holding it)."""
        hit = [k == value if type(k) is str else (value in k[1] if k[0] == "L" else k[1] == value) for k in self.keys]
        return np.asarray(hit, bool)[self.codes] if hit else np.zeros(len(self.codes), bool)

    def ticked_any(self) -> np.ndarray:
        """Whether each answer is a list with at least one value."""
        hit = [type(k) is not str and k[0] == "L" and len(k[1]) > 0 for k in self.keys]
        return np.asarray(hit, bool)[self.codes] if hit else np.zeros(len(self.codes), bool)


def _key(value: Any) -> tuple[str, Any]:
    return ("L", tuple(map(str, value))) if isinstance(value, (list, tuple)) else ("S", str(value))


def _chosen(column: pd.Series, value: str) -> np.ndarray:
    """Whether each answer chose ``value`` (a single answer equal to it, or a list holding it)."""
    return _Coded(column).chosen(value)


def _coded(rows: pd.DataFrame, question_id: str, cache: dict[str, _Coded] | None = None) -> _Coded:
    """The coded answer column of a question (all missing when ``rows`` lacks it), once per ``cache``."""
    if cache is not None and question_id in cache:
        return cache[question_id]
    column = rows[question_id] if question_id in rows else pd.Series([None] * len(rows), dtype=object)
    made = _Coded(column)
    if cache is not None:
        cache[question_id] = made
    return made


def item_scores(rows: pd.DataFrame, questions: Sequence[Any], points: Mapping[str, float] | None = None,
                cache: dict[str, _Coded] | None = None) -> np.ndarray:
    """The n x k matrix of item scores: the item's points where the answer matches its key, else 0.

    ``questions``: the keyed ``survey.questionnaire.Question`` objects; ``points``: the profile's
    points per question type (else each item's own ``points``)."""
    out = np.zeros((len(rows), len(questions)))
    for j, q in enumerate(questions):
        worth = float((points or {}).get(str(q.type), q.points))
        coded = _coded(rows, q.id, cache)
        if str(q.type) == "multiple":
            keyed = set(map(str, q.answer))
            right = coded.ticked_any()
            for value in q.choice_values:
                right &= coded.chosen(value) == (value in keyed)
        else:
            right = coded.chosen(str(q.answer))
        out[:, j] = np.where(right, worth, 0.0)
    return out


def _corrected_item_total(scores: np.ndarray) -> np.ndarray:
    """corr(X_j, T - X_j) for every column j (NaN where either side has no variance)."""
    total = scores.sum(axis=1, keepdims=True)
    rest = total - scores
    x = scores - scores.mean(axis=0)
    r = rest - rest.mean(axis=0)
    num = (x * r).sum(axis=0)
    den = np.sqrt((x * x).sum(axis=0) * (r * r).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _alpha(scores: np.ndarray) -> float:
    n, k = scores.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = scores.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - scores.var(axis=0, ddof=1).sum() / total_var))


def item_analysis(rows: pd.DataFrame, questionnaire: Any, indicator_id: str,
                  points: Mapping[str, float] | None = None) -> IndicatorItems:
    """The item analysis of ``indicator_id`` over ``rows`` (a questionnaire's responses with the
    indicator's column and the answer columns; ``Store.response_frame(with_answers=True)``)."""
    indicator = questionnaire.indicator(indicator_id)
    questions = [q for q in (questionnaire.question(i) for i in indicator.items)
                 if q.answer is not None and str(q.type) in KEYED]
    counted = rows[np.isfinite(rows[indicator_id].to_numpy(dtype=float))] if indicator_id in rows else rows.iloc[:0]
    n = len(counted)
    cache: dict[str, _Coded] = {}
    scores = item_scores(counted, questions, points, cache)
    full = np.asarray([float((points or {}).get(str(q.type), q.points)) for q in questions])
    correct = (scores >= full).mean(axis=0) if n else np.full(len(questions), np.nan)
    discrimination = _corrected_item_total(scores) if n else np.full(len(questions), np.nan)
    total = scores.sum(axis=1)
    stats = []
    for j, q in enumerate(questions):
        coded = _coded(counted, q.id, cache)
        options = {v: float(coded.chosen(v).mean()) if n else float("nan") for v in q.choice_values}
        keyed = set(map(str, q.answer)) if str(q.type) == "multiple" else {str(q.answer)}
        flags = []
        if n and correct[j] > TOO_EASY:
            flags.append("too_easy")
        if np.isfinite(discrimination[j]) and discrimination[j] < 0:
            flags.append("negative_discrimination")
        elif np.isfinite(discrimination[j]) and discrimination[j] < LOW_DISCRIMINATION:
            flags.append("low_discrimination")
        if n and any(share < DEAD_DISTRACTOR for value, share in options.items() if value not in keyed and value != DONT_KNOW):
            flags.append("dead_distractor")
        stats.append(ItemStats(q.id, n, float(correct[j]), options.get(DONT_KNOW, 0.0), options,
                               float(discrimination[j]), tuple(flags)))
    return IndicatorItems(indicator_id, questionnaire.id, n, len(questions), _alpha(scores),
                          float(total.mean()) if n else float("nan"),
                          float(total.std(ddof=1)) if n > 1 else float("nan"), tuple(stats))
