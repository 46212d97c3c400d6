"""A small reader of jurisdiction profiles (thresholds per indicator) for verdicts.

Profiles are YAML files (schema: ``questionnaires/README.md``) in ``questionnaires/profiles/`` and
in the folders named by the environment variable ``TCM_SURVEY_PROFILES`` (separated by ``:``); a
later folder overrides a profile id of an earlier one, as ``survey.profiles`` does. Only what the
estimates need is read here (``id``, ``level``, ``thresholds``), so :mod:`analysis` does not depend
on the questionnaire package; ``python -m survey check`` validates the files in full.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ProfileError

__all__ = ["Profile", "load_profile", "profile_dirs"]

SHIPPED_PROFILE_DIR = Path(__file__).resolve().parent.parent / "questionnaires" / "profiles"


@dataclass(frozen=True)
class Profile:
    """A jurisdiction's thresholds (rates strictly between 0 and 1) and verdict confidence level."""

    id: str
    thresholds: dict[str, float] = field(default_factory=dict)
    level: float = 0.95
    path: str = ""

    def threshold(self, indicator: str) -> float:
        """The threshold of ``indicator``; :class:`ProfileError` naming the known ones if absent."""
        if indicator not in self.thresholds:
            known = ", ".join(sorted(self.thresholds)) or "none"
            raise ProfileError(
                f"profile {self.id!r} ({self.path}) has no threshold for {indicator!r}; its indicators: {known}",
                value=indicator,
                hint="estimate indicator columns named after the profile's indicator ids, or use --threshold",
            )
        return self.thresholds[indicator]


def profile_dirs() -> list[Path]:
    """Folders searched, in order (later ones override earlier ids)."""
    extra = [Path(p) for p in os.environ.get("TCM_SURVEY_PROFILES", "").split(":") if p.strip()]
    return [SHIPPED_PROFILE_DIR, *extra]


def _read(path: Path) -> Profile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile must be a mapping with id and thresholds")
    pid = data.get("id")
    if not isinstance(pid, str) or not pid:
        raise ProfileError(f"{path}: profile id missing or not a string")
    level = data.get("level", 0.95)
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0.5 <= level < 1:
        raise ProfileError(f"{path}: level must be a number in [0.5, 1); got {level!r}")
    raw = data.get("thresholds")
    if not isinstance(raw, dict) or not raw:
        raise ProfileError(f"{path}: thresholds must map indicator ids to rates, e.g. satisfaction: 0.85")
    thresholds = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ProfileError(f"{path}: threshold of {key!r} must be strictly between 0 and 1; got {value!r}")
        thresholds[str(key)] = float(value)
    return Profile(pid, thresholds, float(level), str(path))


def load_profile(name: str) -> Profile:
    """The profile whose ``id`` is ``name`` (exact match).

    Raises
    ------
    ProfileError
        No such profile (the message lists the known ids), or the matching file is malformed.
    """
    found: dict[str, Path] = {}
    for folder in profile_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".yaml", ".yml"):
                continue
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                found[data["id"]] = path
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise ProfileError(
            f"no profile {name!r} (known: {known}); profiles are read from "
            f"{', '.join(str(d) for d in profile_dirs())}",
            value=name,
        )
    return _read(found[name])
