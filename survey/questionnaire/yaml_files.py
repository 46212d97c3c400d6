"""Reading a YAML file of an instrument, a module or a profile; a syntax error becomes a problem naming its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from survey.errors import QuestionnaireProblem


def read_yaml(path: Path) -> tuple[Any, list[QuestionnaireProblem]]:
    """Parse a YAML file; a syntax error becomes a problem naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [QuestionnaireProblem(str(path), "file", "not found")]
    except UnicodeDecodeError as exc:
        return None, [QuestionnaireProblem(str(path), "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "yaml"
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [QuestionnaireProblem(str(path), where, f"YAML syntax error: {reason}")]
