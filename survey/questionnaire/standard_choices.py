"""The choices that yes/no, true/false and 5-point Likert questions get without listing them."""

from __future__ import annotations

from survey.questionnaire.model import Choice, QuestionType

YES_NO = (
    Choice("yes", {"zh": "是", "en": "Yes"}),
    Choice("no", {"zh": "否", "en": "No"}),
)
TRUE_FALSE = (
    Choice("true", {"zh": "正确", "en": "True"}),
    Choice("false", {"zh": "错误", "en": "False"}),
)
DONT_KNOW = Choice("dont_know", {"zh": "不知道", "en": "Don't know"})
NOT_APPLICABLE = Choice("na", {"zh": "未接触 / 不适用", "en": "Not experienced / not applicable"})

LIKERT_SCALES: dict[str, tuple[tuple[str, str], ...]] = {
    "satisfaction": (
        ("很不满意", "Very dissatisfied"),
        ("不满意", "Dissatisfied"),
        ("一般", "Neutral"),
        ("满意", "Satisfied"),
        ("很满意", "Very satisfied"),
    ),
    "agreement": (
        ("很不同意", "Strongly disagree"),
        ("不同意", "Disagree"),
        ("说不清", "Neither agree nor disagree"),
        ("同意", "Agree"),
        ("很同意", "Strongly agree"),
    ),
    "frequency": (
        ("从不", "Never"),
        ("很少", "Rarely"),
        ("有时", "Sometimes"),
        ("经常", "Often"),
        ("总是", "Always"),
    ),
    "importance": (
        ("很不重要", "Not at all important"),
        ("不太重要", "Slightly important"),
        ("一般", "Moderately important"),
        ("重要", "Important"),
        ("很重要", "Very important"),
    ),
}
DEFAULT_SCALE = "satisfaction"


def likert_choices(scale: str, allow_na: bool) -> tuple[Choice, ...]:
    """Values "1".."5" with the scale's labels (1 = most negative), plus "na" when allowed."""
    labels = LIKERT_SCALES[scale]
    choices = tuple(Choice(str(i + 1), {"zh": zh, "en": en}) for i, (zh, en) in enumerate(labels))
    return choices + ((NOT_APPLICABLE,) if allow_na else ())


def implicit_choices(
    question_type: QuestionType, *, dont_know: bool = False, scale: str | None = None, allow_na: bool = False
) -> tuple[Choice, ...]:
    if question_type is QuestionType.YES_NO:
        return YES_NO + ((DONT_KNOW,) if dont_know else ())
    if question_type is QuestionType.TRUE_FALSE:
        return TRUE_FALSE + ((DONT_KNOW,) if dont_know else ())
    if question_type is QuestionType.LIKERT5:
        return likert_choices(scale or DEFAULT_SCALE, allow_na)
    return ()
