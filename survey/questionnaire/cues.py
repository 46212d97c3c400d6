"""Cue lint: can a keyed item be answered from the way its options are written, without knowing
the subject? (Test-writers' item-writing rules; part of ``survey check``'s validity lint.)

Rules, each over the keyed items of an instrument (Chinese text, "don't know" left aside):

======================= ===============================================================================
``absolute``            an absolute word (:data:`ABSOLUTE_WORDS`: 只, 才能, 一定, 必须, 所有, 全部, 从不,
                        越…越 …) in a wrong option while no keyed option has one: "absolutes are wrong"
``hedged_key``          the key (every key of a multi-select) hedged (:data:`HEDGE_WORDS`: 可以, 一般,
                        符合规定的 …) while no wrong option is: "the careful option is right"
``shared_keys``         every key of a multi-select shares a character or word that no wrong option has
``implausible``         a wrong option with a word from outside the subject (:data:`OUT_OF_DOMAIN`), which
                        no one who reads the question would pick: not a real misconception
``absolute_statement``  every true/false or yes/no statement with an absolute word is keyed false/no
``hedged_statement``    every true/false or yes/no statement with a hedge word is keyed true/yes
``longest_key``         across the instrument, the key of single-choice items is the longest option more
                        often than chance: one-sided exact test (Poisson binomial: item i's key is among
                        the longest with probability m_i / k_i when the key sits on a random option),
                        a problem when p < :data:`LONGEST_ALPHA`
======================= ===============================================================================

The out-of-domain list is short and deliberately so: words of health-product sales talks and of
cosmetic or leisure activities that the old shipped items used as fillers (整容手术, 免费领保健品,
广场舞); a distractor must be a belief people hold (see the sources in the YAML comments).

:func:`cue_answer` is the **cue follower**: a respondent who knows nothing and answers by these cues
(statements: false when absolute, else true; single choice: avoid absolute and out-of-domain options,
prefer hedged ones, then the longest; multi-select: the largest group of plausible options sharing a
character, else every plausible option). The lint scores it on every keyed indicator
(:mod:`survey.questionnaire.lint`): passing is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.errors import QuestionnaireProblem
from survey.questionnaire.expressions import Value
from survey.questionnaire.model import Question, Questionnaire, QuestionType, pick

LANGUAGE = "zh"
DONT_KNOW = "dont_know"
LONGEST_ALPHA = 0.10  # one-sided: flag an instrument whose keys are longest more often than this allows
ABSOLUTE_WORDS = (
    "只", "仅", "才能", "才可", "一定", "必须", "必定", "所有", "全部", "一切", "从不", "从来", "绝对",
    "总是", "永远", "完全", "任何", "唯一", "凡是", "统统", "根本", "一律", "自动",
)
ABSOLUTE_PATTERNS = (re.compile(r"越.{0,8}越"),)
HEDGE_WORDS = (
    "可以", "可能", "一般", "通常", "往往", "大多", "多数", "部分", "适当", "适度", "符合", "规定的",
    "有条件", "酌情", "视情况", "某些", "有的", "相应", "按需",
)
# Words from outside the subject (documented above): sales talk, cosmetic and leisure activities.
OUT_OF_DOMAIN = (
    "整容", "整形", "美容", "保健品", "补品", "礼品", "免费领", "抽奖", "彩票", "广场舞", "广播体操",
    "健身操", "瑜伽", "减肥药", "带货",
)
_WORD = re.compile(r"[A-Za-z0-9]+|[\u3400-\u9fff]")
_QUIZ = (QuestionType.SINGLE, QuestionType.MULTIPLE)
_STATEMENT = {QuestionType.TRUE_FALSE: ("true", "false"), QuestionType.YES_NO: ("yes", "no")}


def absolute_words(text: str) -> tuple[str, ...]:
    found = [w for w in ABSOLUTE_WORDS if w in text]
    found += [m.group(0) for p in ABSOLUTE_PATTERNS for m in p.finditer(text)]
    return tuple(found)


def hedge_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in HEDGE_WORDS if w in text)


def out_of_domain_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in OUT_OF_DOMAIN if w in text)


def tokens(text: str) -> set[str]:
    """Chinese characters and Latin words/numbers of a label (punctuation left out)."""
    return set(_WORD.findall(text))


def _options(question: Question) -> list[tuple[str, str]]:
    """(value, Chinese label) of the substantive options ("don't know" left out)."""
    return [(c.value, pick(c.label, LANGUAGE)) for c in question.choices if c.value != DONT_KNOW]


def _keys(question: Question) -> set[str]:
    answer = question.answer
    return {str(v) for v in answer} if isinstance(answer, (tuple, list)) else {str(answer)}


@dataclass(frozen=True)
class Cue:
    questionnaire: str
    file: str
    item: str  # a question id, or "(instrument)"
    rule: str
    detail: str

    def problem(self) -> QuestionnaireProblem:
        return QuestionnaireProblem(self.file, self.item, f"cue ({self.rule}): {self.detail}")

    def to_dict(self) -> dict[str, str]:
        return {"item": self.item, "rule": self.rule, "detail": self.detail}


@dataclass(frozen=True)
class LongestKey:
    """How often the single-choice key is (among) the longest option, against chance."""

    items: int
    longest: int
    expected: float
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "longest": self.longest, "expected": round(self.expected, 4),
                "p_value": round(self.p_value, 6), "alpha": LONGEST_ALPHA}


@dataclass(frozen=True)
class CueReport:
    questionnaire: str
    file: str
    cues: tuple[Cue, ...] = ()
    longest_key: LongestKey | None = None
    problems: tuple[QuestionnaireProblem, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "file": self.file,
            "cues": [c.to_dict() for c in self.cues],
            "longest_key": self.longest_key.to_dict() if self.longest_key else None,
        }


# ------------------------------------------------------------------------------------ item rules


def item_cues(question: Question) -> list[tuple[str, str]]:
    """(rule, detail) of every cue of one keyed single or multiple choice item."""
    if question.type not in _QUIZ or not question.is_scored:
        return []
    keys = _keys(question)
    options = [(v, label) for v, label in _options(question)]
    key_labels = [label for v, label in options if v in keys]
    wrong = [(v, label) for v, label in options if v not in keys]
    out: list[tuple[str, str]] = []
    if not wrong:
        return out
    if not any(absolute_words(label) for label in key_labels):
        marked = [f"{label}（{'、'.join(absolute_words(label))}）" for _, label in wrong if absolute_words(label)]
        if marked:
            out.append(("absolute", f"absolute words in wrong options only: {'; '.join(marked)}"))
    if all(hedge_words(label) for label in key_labels) and not any(hedge_words(label) for _, label in wrong):
        out.append(("hedged_key", f"only the key is hedged: {'; '.join(key_labels)}"))
    if question.type is QuestionType.MULTIPLE and len(key_labels) >= 2:
        plain_wrong = [label for v, label in wrong if v not in question.exclusive]
        shared = set.intersection(*(tokens(label) for label in key_labels)) - set().union(*(tokens(label) for label in plain_wrong))
        if shared and plain_wrong:
            out.append(("shared_keys", f"every key has {'、'.join(sorted(shared))}, no wrong option has"))
    key_words = {w for label in key_labels for w in out_of_domain_words(label)}
    odd = [f"{label}（{'、'.join(out_of_domain_words(label))}）" for _, label in wrong if set(out_of_domain_words(label)) - key_words]
    if odd:
        out.append(("implausible", f"wrong options from outside the subject: {'; '.join(odd)}"))
    return out


# ------------------------------------------------------------------------------ instrument rules


def poisson_binomial_tail(probabilities: Sequence[float], at_least: int) -> float:
    """P(X >= at_least) for X a sum of independent Bernoulli(p_i) (exact, by convolution)."""
    dist = [1.0]
    for p in probabilities:
        nxt = [0.0] * (len(dist) + 1)
        for k, mass in enumerate(dist):
            nxt[k] += mass * (1 - p)
            nxt[k + 1] += mass * p
        dist = nxt
    return min(1.0, sum(dist[max(0, at_least):]))


def longest_key(questions: Iterable[Question]) -> LongestKey | None:
    """The longest-key test over keyed single-choice items with at least three substantive options."""
    hits, chances = 0, []
    for q in questions:
        if q.type is not QuestionType.SINGLE or not q.is_scored:
            continue
        options = _options(q)
        if len(options) < 3:
            continue
        lengths = {v: len("".join(label.split())) for v, label in options}
        top = max(lengths.values())
        longest = [v for v, n in lengths.items() if n == top]
        chances.append(len(longest) / len(options))
        hits += str(q.answer) in longest
    if not chances:
        return None
    return LongestKey(len(chances), hits, sum(chances), poisson_binomial_tail(chances, hits))


def _statement_cues(questions: Sequence[Question]) -> list[tuple[str, str]]:
    out = []
    statements = [q for q in questions if q.type in _STATEMENT and q.is_scored]
    for rule, finder, keyed in (("absolute_statement", absolute_words, 1), ("hedged_statement", hedge_words, 0)):
        marked = [q for q in statements if finder(pick(q.label, LANGUAGE))]
        if marked and all(str(q.answer) == _STATEMENT[q.type][keyed] for q in marked):
            verdict = "false/no" if keyed else "true/yes"
            out.append((rule, f"every statement with {'an absolute' if keyed else 'a hedge'} word is keyed {verdict}: "
                              + ", ".join(q.id for q in marked)))
    return out


def lint_cues(questionnaire: Questionnaire) -> CueReport:
    keyed = [q for q in questionnaire.questions if q.is_scored]
    file = questionnaire.source
    cues = [Cue(questionnaire.id, file, q.id, rule, detail) for q in keyed for rule, detail in item_cues(q)]
    cues += [Cue(questionnaire.id, file, "(instrument)", rule, detail) for rule, detail in _statement_cues(keyed)]
    longest = longest_key(keyed)
    if longest is not None and longest.longest > longest.expected and longest.p_value < LONGEST_ALPHA:
        cues.append(Cue(questionnaire.id, file, "(instrument)", "longest_key",
                        f"the key is the longest option in {longest.longest} of {longest.items} single-choice items "
                        f"(chance: {longest.expected:.1f}; one-sided p = {longest.p_value:.3f} < {LONGEST_ALPHA})"))
    return CueReport(questionnaire.id, file, tuple(cues), longest, tuple(c.problem() for c in cues))


# ---------------------------------------------------------------------------------- cue follower


def _plausible(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept = [(v, label) for v, label in options if not absolute_words(label) and not out_of_domain_words(label)]
    return kept or options


def cue_answer(question: Question) -> Value:
    """The answer of a respondent who follows only the way the item is written (see the module doc)."""
    if question.type in _STATEMENT:
        yes, no = _STATEMENT[question.type]
        return no if absolute_words(pick(question.label, LANGUAGE)) else yes
    options = _options(question)
    if question.type is QuestionType.SINGLE:
        candidates = _plausible(options)
        hedged = [(v, label) for v, label in candidates if hedge_words(label)]
        pool = hedged or candidates
        return max(pool, key=lambda o: len("".join(o[1].split())))[0] if pool else None
    if question.type is QuestionType.MULTIPLE:
        candidates = _plausible([(v, label) for v, label in options if v not in question.exclusive])
        groups: dict[str, list[str]] = {}
        for v, label in candidates:
            for token in sorted(tokens(label)):
                groups.setdefault(token, []).append(v)
        best = [g for g in groups.values() if 2 <= len(g) < len(candidates)]
        chosen = max(best, key=len) if best else [v for v, _ in candidates]
        return list(chosen) or None
    return None


__all__ = [
    "ABSOLUTE_WORDS", "HEDGE_WORDS", "LONGEST_ALPHA", "OUT_OF_DOMAIN", "Cue", "CueReport", "LongestKey",
    "absolute_words", "cue_answer", "hedge_words", "item_cues", "lint_cues", "longest_key", "out_of_domain_words",
    "poisson_binomial_tail", "tokens",
]
