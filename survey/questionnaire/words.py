"""One response's answers in words: each question's label and the answer as the respondent saw
it (choice labels, 是/否, numbers and texts as given), for a reviewer reading a flagged response."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from survey.questionnaire.model import Questionnaire, pick

NO_ANSWER = {"zh": "（未答）", "en": "(no answer)"}
YES_NO = {"yes": {"zh": "是", "en": "yes"}, "no": {"zh": "否", "en": "no"},
          "true": {"zh": "对", "en": "true"}, "false": {"zh": "错", "en": "false"}}


def _blank(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return not value
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value)) or str(value) == "<NA>"


def answer_words(questionnaire: Questionnaire, answers: Mapping[str, Any], language: str = "zh") -> list[tuple[str, str]]:
    """``(question label, answer in words)`` for every question that takes an answer, in order;
    a question not asked or left blank reads ``（未答）``."""
    out = []
    for question in questionnaire.questions:
        if not question.takes_answer:
            continue
        value = answers.get(question.id)
        if _blank(value):
            text = NO_ANSWER[language]
        else:
            values = value if isinstance(value, (list, tuple)) else (str(value).split() if question.choices and " " in str(value) else [value])
            parts = []
            for v in values:
                key = str(v).lower()
                if question.choices:
                    parts.append(question.choice_label(str(v), language))
                elif key in YES_NO:
                    parts.append(YES_NO[key][language])
                elif isinstance(v, float) and v.is_integer():
                    parts.append(str(int(v)))
                else:
                    parts.append(str(v))
            text = "、".join(parts) if language == "zh" else ", ".join(parts)
        out.append((pick(question.label, language), text))
    return out


__all__ = ["answer_words"]
