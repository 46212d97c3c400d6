"""Jurisdiction profiles: the threshold each indicator must reach, with its source document,
and how the jurisdiction scores it (its scope and cut-off).

A profile's ``indicators`` section says, per indicator, who is in the denominator
(``applies_if``, replacing the instrument's), the rule that makes a response count (``rule``,
e.g. the cut-off ``points() >= 0.6 * max_points()``), the points per item type (``points``), which
figure is official (``share`` of respondents meeting the rule, or the ``mean`` score) and the
document and item each comes from. None of it is part of an instrument, so changing a profile
never changes an instrument's hash, and a stored response can be scored again under another
profile (``survey.questionnaire.scoring.score(questionnaire, answers, profile=...)``).

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.errors import ExpressionError, ProfileError, QuestionnaireProblem
from survey.questionnaire.expressions import Expression, compile_expression
from survey.questionnaire.loader import ID_PATTERN, read_yaml
from survey.questionnaire.model import KEYED_TYPES, Text
from survey.questionnaire.rules import RULE_FUNCTION_ARITY

PROFILE_KEYS = {"id", "name", "source", "level", "thresholds", "notes", "indicators", "min_df", "quality", "household_ages"}
HOUSEHOLD_AGES = (15, None)  # who is listed in a household roster: 15 and over (the resident rates' population)
SCOPE_KEYS = {"applies_if", "rule", "points", "official", "denominator", "source", "scoring_source"}
OFFICIAL_FIGURES = ("share", "mean")  # share of respondents meeting the rule | mean score
PROFILE_LANGUAGES = ("zh", "en")
SHIPPED_PROFILE_DIR = Path(__file__).resolve().parents[2] / "questionnaires" / "profiles"


@dataclass(frozen=True)
class IndicatorScope:
    """How one jurisdiction scores one indicator (every field optional but ``source``).

    ``applies_if`` replaces the instrument's denominator condition, ``rule`` its rule;
    ``points`` maps a question type (``single``, ``multiple``, ``true_false``, ``yes_no``) to the
    points of a correct item of that type; ``official`` is ``share`` or ``mean``.
    """

    indicator: str
    source: Text
    applies_if: Expression | None = None
    rule: Expression | None = None
    points: Mapping[str, float] = field(default_factory=dict)
    official: str = "share"
    denominator: Text | None = None
    scoring_source: Text | None = None


@dataclass(frozen=True)
class Profile:
    id: str
    name: Text
    source: Text
    thresholds: Mapping[str, float]
    level: float = 0.95
    path: str = ""
    indicators: Mapping[str, IndicatorScope] = field(default_factory=dict)
    notes: Text | None = None
    #: domains (townships) with fewer design degrees of freedom get no verdict of their own
    min_df: int = 3
    quality: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # quality-flag parameters (analysis.quality)
    #: the eligible ages of a household survey's roster, [min, max] (max None: no upper bound); e.g. [15, 69] for 素养
    household_ages: tuple[int, int | None] = HOUSEHOLD_AGES

    def scope(self, indicator_id: str) -> IndicatorScope | None:
        """The jurisdiction's scoring of an indicator (None: the instrument's own rule applies)."""
        return self.indicators.get(indicator_id)

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
    min_df = data.get("min_df", 3)
    if isinstance(min_df, bool) or not isinstance(min_df, int) or min_df < 1:
        problem("min_df", f"min_df must be a whole number of at least 1, got {min_df!r}")
        min_df = 3
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
    scopes = _parse_scopes(data.get("indicators"), problem)
    notes = data.get("notes")
    notes_text = {str(k): str(v) for k, v in notes.items()} if isinstance(notes, Mapping) else None
    quality = data.get("quality") or {}
    if not isinstance(quality, Mapping) or not all(isinstance(k, str) and isinstance(v, Mapping) for k, v in quality.items()):
        problem("quality", "quality: expected a mapping of rule name -> parameters, e.g. too_fast: {seconds_per_item: 1.5}")
        quality = {}
    ages = data.get("household_ages", list(HOUSEHOLD_AGES))
    if not (isinstance(ages, list) and len(ages) == 2 and all(a is None or (isinstance(a, int) and not isinstance(a, bool)) for a in ages)
            and isinstance(ages[0], int) and 0 <= ages[0] <= (ages[1] if ages[1] is not None else 120) <= 120):
        problem("household_ages", f"household_ages must be [min, max] years (max may be null), e.g. [15, 69]; got {ages!r}")
        ages = list(HOUSEHOLD_AGES)
    profile = Profile(pid, texts["name"], texts["source"], thresholds, float(level), source, scopes, notes_text,
                      min_df, {str(k): dict(v) for k, v in quality.items()}, (ages[0], ages[1]))
    return profile, problems


def _text(raw: Any, item: str, key: str, problem: Any, *, required: bool) -> dict[str, str] | None:
    if raw is None:
        if required:
            problem(item, f"{key}: expected text per language ({', '.join(PROFILE_LANGUAGES)})")
        return None
    if not isinstance(raw, Mapping):
        problem(item, f"{key}: expected text per language ({', '.join(PROFILE_LANGUAGES)})")
        return None
    out = {str(k): str(v) for k, v in raw.items() if v is not None}
    for lang in PROFILE_LANGUAGES:
        if not out.get(lang, "").strip():
            problem(item, f"{key}: missing translation '{lang}'")
    return out


def _parse_scopes(raw: Any, problem: Any) -> dict[str, IndicatorScope]:
    """The ``indicators`` section: indicator id -> IndicatorScope (problems name the indicator)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problem("indicators", "expected a mapping of indicator id to its scope and scoring")
        return {}
    out: dict[str, IndicatorScope] = {}
    for key, spec in raw.items():
        item = f"indicators.{key}"
        if not isinstance(spec, Mapping):
            problem(item, "expected a mapping with source, applies_if, rule, points, official")
            continue
        for name in spec:
            if name not in SCOPE_KEYS:
                problem(item, f"unknown key '{name}' (allowed: {', '.join(sorted(SCOPE_KEYS))})")
        expressions: dict[str, Expression | None] = {}
        for name in ("applies_if", "rule"):
            text = spec.get(name)
            expressions[name] = None
            if text is None:
                continue
            try:
                expressions[name] = compile_expression(
                    str(text), extra_functions=RULE_FUNCTION_ARITY if name == "rule" else None
                )
            except ExpressionError as exc:
                problem(item, f"{name}: {exc}")
        points: dict[str, float] = {}
        raw_points = spec.get("points") or {}
        if not isinstance(raw_points, Mapping):
            problem(item, "points: expected a mapping of question type to points, e.g. multiple: 2")
            raw_points = {}
        keyed = sorted(str(t) for t in KEYED_TYPES)
        for qtype, value in raw_points.items():
            if str(qtype) not in keyed:
                problem(item, f"points: '{qtype}' is not a keyed question type ({', '.join(keyed)})")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                problem(item, f"points: expected a positive number for '{qtype}', got {value!r}")
            else:
                points[str(qtype)] = float(value)
        official = spec.get("official", "share")
        if official not in OFFICIAL_FIGURES:
            problem(item, f"official: expected one of {list(OFFICIAL_FIGURES)}, got {official!r}")
            official = "share"
        source = _text(spec.get("source"), item, "source", problem, required=True) or {}
        out[str(key)] = IndicatorScope(
            indicator=str(key),
            source=source,
            applies_if=expressions["applies_if"],
            rule=expressions["rule"],
            points=points,
            official=str(official),
            denominator=_text(spec.get("denominator"), item, "denominator", problem, required=False),
            scoring_source=_text(spec.get("scoring_source"), item, "scoring_source", problem, required=False),
        )
    return out


def parse_profile_file(path: str | Path) -> tuple[Profile | None, list[QuestionnaireProblem]]:
    data, problems = read_yaml(Path(path))
    if problems:
        return None, problems
    return parse_profile(data, str(path))


def _parse_profiles() -> dict[str, Profile]:
    out: dict[str, Profile] = {}
    for path in profile_files():
        profile, problems = parse_profile_file(path)
        if profile is not None and not problems:
            out[profile.id] = profile
    return out


_CACHE: dict[tuple, dict[str, Profile]] = {}


def load_profiles() -> dict[str, Profile]:
    """Every valid profile on the search path by id (a later folder overrides an earlier id).

    Cached: the files are parsed again only when one is added, removed or changed (path, size and
    modification time), so a page refresh or a submission costs a ``stat`` per file, not a parse.
    """
    return dict(_profiles())  # a copy: callers may not change the cache


def _profiles() -> dict[str, Profile]:
    """The cached profiles by id (not to be changed), parsed again when a file changed."""
    stamp = []
    for path in profile_files():
        try:
            stat = path.stat()
        except OSError:
            continue
        stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
    key = tuple(stamp)
    parsed = _CACHE.get(key)
    if parsed is None:
        parsed = _parse_profiles()
        _CACHE.clear()
        _CACHE[key] = parsed
    return parsed


def find_profile(profile_id: str) -> Profile | None:
    """The valid profile with this id, or None: the one way to get a campaign's profile
    (``find_profile(campaign.profile_id)``; ``Store.campaign_profile`` uses it), cached as
    :func:`load_profiles`."""
    return _profiles().get(profile_id)


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
