"""Validate instrument, module and profile files: every problem as ``file: item: message``.

A module is checked in the context of the instruments that include it (the instruments among
the checked files, or those at the top of the module folder's parent, as in ``questionnaires/``),
so its references to questions of other modules resolve; a module no instrument includes is
checked alone. Profiles' scoring scopes are checked against the instruments that carry their
indicators, and every valid instrument goes through the validity lint (:mod:`survey.questionnaire.lint`)
under its own rules and under each profile's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from survey.questionnaire.catalog import QUESTIONNAIRE_DIR, instrument_files
from survey.errors import QuestionnaireProblem
from survey.questionnaire.lint import LintReport, lint_all
from survey.questionnaire.loader import parse_questionnaire, parse_questionnaire_file, read_yaml
from survey.questionnaire.profiles import Profile, load_profiles, parse_profile, profile_files
from survey.questionnaire.model import IndicatorKind, Questionnaire


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    problems: list[QuestionnaireProblem] = field(default_factory=list)
    questionnaires: list[Questionnaire] = field(default_factory=list)
    lint: LintReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "ok": self.ok,
            "files": self.files,
            "problems": [{"file": p.file, "item": p.item, "message": p.message} for p in self.problems],
        }
        if self.lint is not None:
            out["lint"] = self.lint.to_dict()
        return out


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


def _includes(instrument: Path, data: object) -> set[Path]:
    """The module files an instrument's sections include (resolved paths)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("sections"), list):
        return set()
    return {
        (instrument.parent / str(s["include"])).resolve()
        for s in data["sections"]
        if isinstance(s, Mapping) and "include" in s
    }


def _including_instruments(module: Path, candidates: Iterable[Path]) -> list[Path]:
    """Instrument files among ``candidates`` and next to the module's folder that include it."""
    pool = list(dict.fromkeys([*candidates, *instrument_files(module.parent.parent), *instrument_files(module.parent)]))
    out = []
    for path in pool:
        if path.resolve() == module.resolve():
            continue
        data, problems = read_yaml(path)
        if not problems and _kind(path, data) == "instrument" and module.resolve() in _includes(path, data):
            out.append(path)
    return out


def check_paths(paths: Iterable[str | Path] | None = None, *, lint: bool = True) -> CheckReport:
    """Check the given files and folders (default: everything shipped), with the validity lint
    unless ``lint`` is false."""
    files = expand(paths) if paths else default_paths()
    report = CheckReport()
    profiles: list[Profile] = []
    parsed: dict[Path, tuple[Questionnaire | None, list[QuestionnaireProblem]]] = {}
    kinds: dict[Path, str] = {}
    for path in files:
        data, problems = read_yaml(path)
        kinds[path] = "broken" if problems else _kind(path, data)

    def instrument(path: Path) -> tuple[Questionnaire | None, list[QuestionnaireProblem]]:
        key = path.resolve()
        if key not in parsed:
            parsed[key] = parse_questionnaire_file(path)
        return parsed[key]

    context: list[Questionnaire] = []  # instruments checked for a module's sake (linted too)
    for path in files:
        report.files.append(str(path))
        data, problems = read_yaml(path)
        if problems:
            report.problems.extend(problems)
            continue
        kind = kinds[path]
        if kind == "profile":
            profile, problems = parse_profile(data, str(path))
            report.problems.extend(problems)
            if profile is not None:
                profiles.append(profile)
        elif kind == "module":
            hosts = _including_instruments(path, [p for p, k in kinds.items() if k == "instrument"])
            if not hosts:
                report.problems.extend(check_module(path, data))  # type: ignore[arg-type]
                continue
            for host in hosts:
                questionnaire, problems = instrument(host)
                report.problems.extend(p for p in problems if Path(p.file).resolve() == path.resolve())
                if questionnaire is not None and not problems and host not in kinds:
                    context.append(questionnaire)
        else:
            questionnaire, problems = instrument(path)
            report.problems.extend(problems)
            if questionnaire is not None and not problems:
                report.questionnaires.append(questionnaire)
    against = _reference_questionnaires(report.questionnaires + context)
    known = {i.id for q in against for i in q.indicators if i.kind is IndicatorKind.BINARY}
    for profile in profiles:
        for key in profile.thresholds:
            if known and key not in known:
                report.problems.append(
                    QuestionnaireProblem(profile.path, key, f"threshold for unknown indicator (known: {', '.join(sorted(known))})")
                )
        report.problems.extend(_scope_problems(profile, against))
    if lint:
        linted = list({q.version_hash: q for q in report.questionnaires + context}.values())
        lint_profiles = profiles or list(load_profiles().values())
        report.lint = lint_all(linted, lint_profiles)
        report.problems.extend(report.lint.problems)
        ids = {p.id for p in lint_profiles}
        for q in linted:
            if q.jurisdiction and ids and q.jurisdiction not in ids:
                report.problems.append(QuestionnaireProblem(q.source, "jurisdiction", f"no profile '{q.jurisdiction}' (known: {', '.join(sorted(ids))})"))
    report.problems = list(dict.fromkeys(report.problems))
    return report


def _scope_problems(profile: Profile, questionnaires: list[Questionnaire]) -> list[QuestionnaireProblem]:
    """A profile's scoring scope must name an indicator some instrument has, and its expressions
    must refer to questions of every instrument with that indicator (the rule: to its items)."""
    problems: list[QuestionnaireProblem] = []
    for indicator_id, scope in profile.indicators.items():
        where = f"indicators.{indicator_id}"
        hosts = [q for q in questionnaires if any(i.id == indicator_id for i in q.indicators)]
        if not hosts:
            if questionnaires:
                problems.append(QuestionnaireProblem(profile.path, where, "no instrument has this indicator"))
            continue
        for q in hosts:
            if q.jurisdiction and q.jurisdiction != profile.id:
                continue
            items = q.indicator(indicator_id).items
            for key, expression in (("applies_if", scope.applies_if), ("rule", scope.rule)):
                if expression is None:
                    continue
                for ref in expression.references:
                    if not q.has_question(ref):
                        problems.append(QuestionnaireProblem(profile.path, where, f"{key} refers to unknown question '{ref}' (instrument {q.id})"))
                    elif key == "rule" and ref not in items:
                        problems.append(QuestionnaireProblem(profile.path, where, f"rule refers to '{ref}', which is not among the items of {q.id}"))
    return problems


def _reference_questionnaires(checked: list[Questionnaire]) -> list[Questionnaire]:
    questionnaires = list(checked)
    if not questionnaires:  # profiles checked alone: compare with the shipped instruments
        for path in instrument_files(QUESTIONNAIRE_DIR):
            questionnaire, problems = parse_questionnaire_file(path)
            if questionnaire is not None and not problems:
                questionnaires.append(questionnaire)
    return questionnaires

