"""Validate instrument, module and profile files: every problem as ``file: item: message``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from survey.catalog import QUESTIONNAIRE_DIR, instrument_files
from survey.errors import QuestionnaireProblem
from survey.loader import parse_questionnaire, parse_questionnaire_file, read_yaml
from survey.profiles import parse_profile, profile_files
from survey.questionnaire import IndicatorKind, Questionnaire


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    problems: list[QuestionnaireProblem] = field(default_factory=list)
    questionnaires: list[Questionnaire] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "files": self.files,
            "problems": [{"file": p.file, "item": p.item, "message": p.message} for p in self.problems],
        }


def default_paths() -> list[Path]:
    """What ``survey check`` checks without arguments: shipped instruments and all profiles."""
    return [*instrument_files(), *profile_files()]


def expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


def _kind(path: Path, data: object) -> str:
    if isinstance(data, Mapping):
        if "thresholds" in data or path.parent.name == "profiles":
            return "profile"
        if "module" in data and "id" not in data:
            return "module"
    return "instrument"


def check_module(path: Path, data: Mapping[str, object]) -> list[QuestionnaireProblem]:
    """Check a module on its own by wrapping it in a minimal instrument that includes it."""
    languages = data.get("languages") or ["zh", "en"]
    wrapper = {
        "id": "module_check",
        "version": "0",
        "languages": languages,
        "title": {lang: "module" for lang in languages},  # type: ignore[union-attr]
        "introduction": {lang: "module" for lang in languages},  # type: ignore[union-attr]
        "sections": [{"include": path.name}],
    }
    _, problems = parse_questionnaire(wrapper, source=str(path), base_dir=path.parent)
    return problems


def check_paths(paths: Iterable[str | Path] | None = None) -> CheckReport:
    """Check the given files and folders (default: everything shipped)."""
    files = expand(paths) if paths else default_paths()
    report = CheckReport()
    profiles = []
    for path in files:
        report.files.append(str(path))
        data, problems = read_yaml(path)
        if problems:
            report.problems.extend(problems)
            continue
        kind = _kind(path, data)
        if kind == "profile":
            profile, problems = parse_profile(data, str(path))
            report.problems.extend(problems)
            if profile is not None:
                profiles.append(profile)
        elif kind == "module":
            report.problems.extend(check_module(path, data))  # type: ignore[arg-type]
        else:
            questionnaire, problems = parse_questionnaire_file(path)
            report.problems.extend(problems)
            if questionnaire is not None and not problems:
                report.questionnaires.append(questionnaire)
    known = _binary_indicators(report.questionnaires)
    for profile in profiles:
        for key in profile.thresholds:
            if known and key not in known:
                report.problems.append(
                    QuestionnaireProblem(profile.path, key, f"threshold for unknown indicator (known: {', '.join(sorted(known))})")
                )
    return report


def _binary_indicators(checked: list[Questionnaire]) -> set[str]:
    questionnaires = list(checked)
    if not questionnaires:  # profiles checked alone: compare with the shipped instruments
        for path in instrument_files(QUESTIONNAIRE_DIR):
            questionnaire, problems = parse_questionnaire_file(path)
            if questionnaire is not None and not problems:
                questionnaires.append(questionnaire)
    return {i.id for q in questionnaires for i in q.indicators if i.kind is IndicatorKind.BINARY}
