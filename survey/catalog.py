"""The instruments shipped in ``questionnaires/`` (one YAML file per instrument)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from survey.loader import load_questionnaire
from survey.questionnaire import Questionnaire

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires"


def instrument_files(folder: Path = QUESTIONNAIRE_DIR) -> list[Path]:
    """Instrument files: the YAML files at the top of the folder (modules and profiles live below)."""
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


@lru_cache(maxsize=1)
def shipped_questionnaires() -> dict[str, Questionnaire]:
    """The shipped instruments by id, loaded once; raises QuestionnaireError if one is broken."""
    out: dict[str, Questionnaire] = {}
    for path in instrument_files():
        questionnaire = load_questionnaire(path)
        out[questionnaire.id] = questionnaire
    return out
