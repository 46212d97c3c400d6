"""Read questionnaires from YAML, composing modules, and report every problem found.

``parse_questionnaire_file`` never raises for a bad file: it returns what it could build and
the list of problems, each as ``file: item: message`` (the item is a question, section or
indicator id, or a top-level key). ``load_questionnaire`` raises ``QuestionnaireError`` when
there is any problem. The schema is documented in ``questionnaires/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from survey.errors import QuestionnaireProblem, QuestionnaireError
from survey.questionnaire.model import (
    Questionnaire,
)
from survey.questionnaire.builder import CHOICE_VALUE_PATTERN, ID_PATTERN, Builder  # noqa: F401 (ID_PATTERN: the loader's face)
from survey.questionnaire.yaml_files import read_yaml

AUDIENCES = ("residents", "staff")

TOP_KEYS = {
    "id", "version", "languages", "title", "introduction", "consent", "estimated_minutes",
    "audience", "sections", "indicators", "description", "jurisdiction",
}


def parse_questionnaire(
    data: Any, *, source: str = "<questionnaire>", base_dir: Path | None = None
) -> tuple[Questionnaire | None, list[QuestionnaireProblem]]:
    """Build a Questionnaire from parsed YAML; return it (None if unusable) and every problem."""
    file = source
    if not isinstance(data, Mapping):
        return None, [QuestionnaireProblem(file, "file", "expected a mapping at the top level")]
    if "module" in data and "id" not in data:
        return None, [QuestionnaireProblem(file, "file", "this is a module: check the instrument that includes it")]
    raw_languages = data.get("languages")
    problems: list[QuestionnaireProblem] = []
    if not isinstance(raw_languages, list) or not raw_languages or not all(isinstance(x, str) for x in raw_languages):
        problems.append(QuestionnaireProblem(file, "languages", "expected a list of language codes, e.g. [zh, en]"))
        raw_languages = ["zh", "en"]
    builder = Builder(languages=tuple(raw_languages), problems=problems)
    builder.unknown_keys(file, "questionnaire", data, TOP_KEYS)
    qid = data.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
        builder.problem(file, "id", f"questionnaire id {qid!r} must match [a-z][a-z0-9_]*")
        qid = "unnamed"
    version = data.get("version")
    if version is None:
        builder.problem(file, "version", "version is missing")
    title = builder.text(file, "title", "title", data.get("title")) or {}
    introduction = builder.text(file, "introduction", "introduction", data.get("introduction")) or {}
    consent = builder.text(file, "consent", "consent", data.get("consent"), required=False)
    minutes = data.get("estimated_minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0):
        builder.problem(file, "estimated_minutes", f"expected a positive whole number, got {minutes!r}")
        minutes = None
    jurisdiction = data.get("jurisdiction")
    if jurisdiction is not None and (not isinstance(jurisdiction, str) or not ID_PATTERN.match(jurisdiction)):
        builder.problem(file, "jurisdiction", f"expected the id of the profile the answer keys follow, got {jurisdiction!r}")
        jurisdiction = None
    audience = data.get("audience", "residents")
    if audience not in AUDIENCES:
        builder.problem(file, "audience", f"expected one of {list(AUDIENCES)}, got {audience!r}")
    base = base_dir if base_dir is not None else Path(".")
    builder.add_sections(file, data.get("sections"), base, in_module=False)
    builder.add_indicators(file, data.get("indicators") or [])
    builder.check_references()
    questionnaire = Questionnaire(
        id=qid,
        version=str(version),
        languages=builder.languages,
        title=title,
        introduction=introduction,
        consent=consent,
        estimated_minutes=minutes,
        audience=str(audience),
        sections=tuple(builder.sections),
        questions=tuple(builder.questions),
        indicators=tuple(builder.indicators),
        source=source,
        jurisdiction=jurisdiction,
    )
    return questionnaire, builder.problems


def parse_questionnaire_file(path: str | Path) -> tuple[Questionnaire | None, list[QuestionnaireProblem]]:
    path = Path(path)
    data, problems = read_yaml(path)
    if problems:
        return None, problems
    return parse_questionnaire(data, source=str(path), base_dir=path.parent)


def parse_questionnaire_text(text: str, *, source: str = "<text>", base_dir: Path | None = None) -> Questionnaire:
    """Parse YAML text (tests, imports); raise QuestionnaireError on any problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise QuestionnaireError([QuestionnaireProblem(source, "yaml", f"YAML syntax error: {exc}")]) from None
    questionnaire, problems = parse_questionnaire(data, source=source, base_dir=base_dir)
    if problems or questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load one instrument; raise QuestionnaireError listing every problem."""
    questionnaire, problems = parse_questionnaire_file(path)
    if problems or questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire
