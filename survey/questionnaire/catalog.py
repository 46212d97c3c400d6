"""The instruments shipped in ``questionnaires/`` (one YAML file per instrument).

A file that does not load (a syntax error, a broken reference) is listed as broken with its
problems and left out; the other instruments still load, so one bad file placed in the folder
cannot take the preview or the new-campaign page down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from survey.errors import QuestionnaireProblem
from survey.questionnaire.loader import parse_questionnaire_file
from survey.questionnaire.model import Questionnaire

QUESTIONNAIRE_DIR = Path(__file__).resolve().parents[2] / "questionnaires"


def instrument_files(folder: Path = QUESTIONNAIRE_DIR) -> list[Path]:
    """Instrument files: the YAML files at the top of the folder (modules and profiles live below)."""
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


@dataclass(frozen=True)
class Catalog:
    """The instruments that load, by id, and the files that do not, with their problems."""

    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    broken: dict[str, list[QuestionnaireProblem]] = field(default_factory=dict)


def load_catalog(folder: Path | None = None) -> Catalog:
    """Load every instrument file of ``folder`` (default: the shipped folder); never raises."""
    catalog = Catalog()
    for path in instrument_files(folder or QUESTIONNAIRE_DIR):
        questionnaire, problems = parse_questionnaire_file(path)
        if questionnaire is None or problems:
            catalog.broken[str(path)] = problems or [QuestionnaireProblem(str(path), "file", "cannot be read")]
        elif questionnaire.id in catalog.questionnaires:
            first = catalog.questionnaires[questionnaire.id].source
            catalog.broken[str(path)] = [QuestionnaireProblem(str(path), "id", f"instrument id {questionnaire.id!r} already used by {first}")]
        else:
            catalog.questionnaires[questionnaire.id] = questionnaire
    return catalog


@lru_cache(maxsize=1)
def shipped_catalog() -> Catalog:
    """The shipped folder's catalog, loaded once."""
    return load_catalog()


def shipped_questionnaires() -> dict[str, Questionnaire]:
    """The shipped instruments that load, by id (broken files: :func:`broken_instruments`)."""
    return shipped_catalog().questionnaires


def broken_instruments() -> dict[str, list[QuestionnaireProblem]]:
    """Instrument files of the shipped folder that do not load: file -> problems."""
    return shipped_catalog().broken
