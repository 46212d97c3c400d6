"""What is asked: the questionnaire model and everything that reads, checks and scores it.

Modules, in the order a questionnaire is used: ``model`` (questions, sections, indicators),
``expressions`` (the skip-logic and rule language), ``standard_choices``, ``loader`` (YAML),
``xlsform`` (XLSForm to YAML), ``rules`` (what counts as right), ``answers`` (checking a
respondent's answers), ``scoring`` (indicator values), ``lint`` (validity checks of the items),
``profiles`` (a jurisdiction's thresholds), ``catalog`` (the shipped instruments) and ``checks``
(``python -m survey check``). This room imports none of campaign, collect or storage.

The model's names are re-exported: ``from survey.questionnaire import Questionnaire``.
"""

from survey.questionnaire.model import (  # noqa: F401
    CHOICE_TYPES, KEYED_TYPES, Choice, Indicator, IndicatorKind, Question, Questionnaire, QuestionType, Section,
    Text, per_version, pick,
)
