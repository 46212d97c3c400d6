"""Jurisdiction profiles: the threshold each indicator must reach, with its source document.

Profiles are YAML files in ``questionnaires/profiles/`` and in any folder named by the
environment variable ``TCM_SURVEY_PROFILES`` (folders separated by ``:``), so a county adds its
own without touching code. The schema is in ``questionnaires/README.md``.

The one reader of profiles for the command lines, the app and the reports. One contract: a lookup
that can fail raises :class:`survey.errors.ProfileError` naming what is known
(:func:`load_profile`, :meth:`Profile.threshold`); the ``find_`` functions return ``None`` instead
(:func:`find_profile`, :meth:`Profile.find_threshold`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.errors import QuestionnaireProblem, ProfileError, QuestionnaireError
from survey.loader import ID_PATTERN, read_yaml
from survey.questionnaire import Text

PROFILE_KEYS = {"id", "name", "source", "level", "thresholds", "notes"}
PROFILE_LANGUAGES = ("zh", "en")
SHIPPED_PROFILE_DIR = Path(__file__).resolve().parent.parent / "questionnaires" / "profiles"


@dataclass(frozen=True)
class Profile:
    id: str
    name: Text
    source: Text
    thresholds: Mapping[str, float]
    level: float = 0.95
    path: str = ""

    def threshold(self, indicator_id: str) -> float:
        """The threshold (a rate) of ``indicator_id``; ProfileError naming the profile's indicators."""
        if indicator_id not in self.thresholds:
            known = ", ".join(sorted(self.thresholds)) or "none"
            raise ProfileError([QuestionnaireProblem(self.path or "profiles", indicator_id,
                                        f"profile {self.id!r} has no threshold for {indicator_id!r}; its indicators: {known}")])
        return self.thresholds[indicator_id]

    def find_threshold(self, indicator_id: str) -> float | None:
        """The threshold of ``indicator_id``, or None when the profile sets none."""
        return self.thresholds.get(indicator_id)


def profile_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("TCM_SURVEY_PROFILES", "").split(":") if p.strip()]
    return [SHIPPED_PROFILE_DIR, *extra]


def profile_files() -> list[Path]:
    files: list[Path] = []
    for folder in profile_dirs():
        if folder.is_dir():
            files.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def parse_profile(data: Any, source: str) -> tuple[Profile | None, list[QuestionnaireProblem]]:
    problems: list[QuestionnaireProblem] = []

    def problem(item: str, message: str) -> None:
        problems.append(QuestionnaireProblem(source, item, message))

    if not isinstance(data, Mapping):
        return None, [QuestionnaireProblem(source, "file", "expected a mapping with id, name, source and thresholds")]
    for key in data:
        if key not in PROFILE_KEYS:
            problem("profile", f"unknown key '{key}'")
    pid = data.get("id")
    if not isinstance(pid, str) or not ID_PATTERN.match(pid):
        problem("id", f"profile id {pid!r} must match [a-z][a-z0-9_]*")
        pid = "unnamed"
    texts: dict[str, dict[str, str]] = {}
    for key in ("name", "source"):
        raw = data.get(key)
        if not isinstance(raw, Mapping):
            problem(key, f"{key}: expected text per language ({', '.join(PROFILE_LANGUAGES)})")
            texts[key] = {}
            continue
        texts[key] = {str(k): str(v) for k, v in raw.items() if v is not None}
        for lang in PROFILE_LANGUAGES:
            if not texts[key].get(lang, "").strip():
                problem(key, f"{key}: missing translation '{lang}'")
    level = data.get("level", 0.95)
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0.5 <= level < 1:
        problem("level", f"confidence level must be in [0.5, 1), got {level!r}")
        level = 0.95
    raw_thresholds = data.get("thresholds")
    thresholds: dict[str, float] = {}
    if not isinstance(raw_thresholds, Mapping) or not raw_thresholds:
        problem("thresholds", "expected a mapping of indicator id to a rate, e.g. satisfaction: 0.85")
    else:
        for key, value in raw_thresholds.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
                problem(str(key), f"threshold must be strictly between 0 and 1, got {value!r}")
                continue
            thresholds[str(key)] = float(value)
    profile = Profile(pid, texts["name"], texts["source"], thresholds, float(level), source)
    return profile, problems


def parse_profile_file(path: str | Path) -> tuple[Profile | None, list[QuestionnaireProblem]]:
    data, problems = read_yaml(Path(path))
    if problems:
        return None, problems
    return parse_profile(data, str(path))


def load_profiles() -> dict[str, Profile]:
    """Every valid profile on the search path by id (a later folder overrides an earlier id)."""
    out: dict[str, Profile] = {}
    for path in profile_files():
        profile, problems = parse_profile_file(path)
        if profile is not None and not problems:
            out[profile.id] = profile
    return out


def find_profile(profile_id: str) -> Profile | None:
    """The valid profile with this id, or None."""
    return load_profiles().get(profile_id)


def load_profile(profile_id: str) -> Profile:
    """The profile with this id.

    Raises
    ------
    ProfileError
        No such profile (the message lists the known ids and the folders searched), or the file
        with that id is malformed (its problems).
    """
    profiles = load_profiles()
    if profile_id in profiles:
        return profiles[profile_id]
    for path in profile_files():  # a broken file with that id: report its problems
        profile, problems = parse_profile_file(path)
        if profile is not None and profile.id == profile_id and problems:
            raise ProfileError(problems)
    known = ", ".join(sorted(profiles)) or "none"
    folders = ", ".join(str(d) for d in profile_dirs())
    raise ProfileError([QuestionnaireProblem("profiles", profile_id, f"no profile {profile_id!r} (known: {known}); profiles are read from {folders}")])
