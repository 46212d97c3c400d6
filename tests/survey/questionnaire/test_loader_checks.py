"""Loading questionnaires and `survey check`: every kind of problem, named by file and item."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from survey.questionnaire.checks import check_paths
from survey.errors import QuestionnaireError
from survey.questionnaire.loader import load_questionnaire, parse_questionnaire_text

from ..conftest import ALL_TYPES_YAML

ROOT = Path(__file__).resolve().parents[3]

BASE = """
id: t
version: "1"
languages: [zh, en]
title: {zh: 题, en: T}
introduction: {zh: 说明, en: Intro}
"""


def problems_of(body: str, tmp_path: Path, name: str = "form.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(BASE + textwrap.dedent(body), encoding="utf-8")
    return [str(p) for p in check_paths([path]).problems]


def one_question(**fields) -> str:
    lines = "\n".join(f"        {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
    return f"""
sections:
  - id: s
    title: {{zh: 节, en: S}}
    questions:
      - id: first
        type: yes_no
        label: {{zh: 一, en: One}}
      - id: q
{lines}
"""


def test_shipped_files_pass():
    report = check_paths()
    assert report.ok, "\n".join(map(str, report.problems))
    ids = {q.id for q in report.questionnaires}
    assert {"resident", "staff_policy"} <= ids
    assert any("profiles" in f for f in report.files)


def test_valid_sample_has_no_problems(tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text(ALL_TYPES_YAML, encoding="utf-8")
    assert check_paths([path], lint=False).problems == []
    # the schema is fine, but its five-item quiz is easy to guess: the validity lint says so
    linted = check_paths([path]).problems
    assert linted and all(p.item == "indicator knowledge" and "random guesser" in p.message for p in linted)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "slider", "label": {"zh": "a", "en": "a"}}, "q: unknown type 'slider'"),
        ({"type": "yes_no", "label": {"zh": "a"}}, "q: label: missing translation 'en'"),
        ({"type": "yes_no", "label": {"zh": "a", "en": ""}}, "q: label: missing translation 'en'"),
        ({"type": "yes_no", "label": {"zh": "a", "en": "a"}, "relevant": "${nope} = 'yes'"},
         "q: relevant refers to unknown question 'nope'"),
        ({"type": "yes_no", "label": {"zh": "a", "en": "a"}, "relevant": "${q} = 'yes'"},
         "q: relevant refers to the question itself"),
        ({"type": "yes_no", "label": {"zh": "a", "en": "a"}, "relevant": "${first} = "},
         "q: relevant: expression ends too early"),
        ({"type": "yes_no", "label": {"zh": "a", "en": "a"}, "answer": "maybe"},
         "q: answer key 'maybe' is not among the choices"),
        ({"type": "single", "label": {"zh": "a", "en": "a"}, "answer": "c",
          "choices": [{"value": "a", "label": {"zh": "甲", "en": "A"}}, {"value": "b", "label": {"zh": "乙", "en": "B"}}]},
         "q: answer key 'c' is not among the choices"),
        ({"type": "single", "label": {"zh": "a", "en": "a"}}, "q: choices: a single question needs a list"),
        ({"type": "number", "label": {"zh": "a", "en": "a"}, "min": 10, "max": 1}, "q: min 10 is greater than max 1"),
        ({"type": "number", "label": {"zh": "a", "en": "a"}, "answer": 3}, "q: answer: a number question cannot"),
        ({"type": "text", "label": {"zh": "a", "en": "a"}, "points": 2}, "q: points given without an answer key"),
        ({"type": "yes_no", "label": {"zh": "a", "en": "a"}, "lable": "x"}, "q: unknown key 'lable'"),
        ({"type": "yes_no", "label": "only one"}, "q: label: give the text per language"),
        ({"type": "note", "label": {"zh": "a", "en": "a"}, "required": True}, "q: a note cannot be required"),
    ],
)
def test_question_problems(tmp_path, fields, expected):
    problems = problems_of(one_question(**fields), tmp_path)
    assert any(p.startswith(f"{tmp_path / 'form.yaml'}: ") and expected in p for p in problems), problems


def test_duplicate_question_id(tmp_path):
    problems = problems_of(
        """
        sections:
          - id: s
            title: {zh: 节, en: S}
            questions:
              - {id: a, type: yes_no, label: {zh: 一, en: One}}
              - {id: a, type: yes_no, label: {zh: 二, en: Two}}
        """,
        tmp_path,
    )
    assert any(": a: duplicate question id" in p for p in problems), problems


def test_skip_rule_naming_a_later_question(tmp_path):
    problems = problems_of(
        """
        sections:
          - id: s
            title: {zh: 节, en: S}
            questions:
              - {id: a, type: yes_no, relevant: "${b} = 'yes'", label: {zh: 一, en: One}}
              - {id: b, type: yes_no, label: {zh: 二, en: Two}}
        """,
        tmp_path,
    )
    assert problems == [f"{tmp_path / 'form.yaml'}: a: relevant refers to later question 'b'"]


def test_section_skip_rule_naming_a_question_inside_it(tmp_path):
    problems = problems_of(
        """
        sections:
          - id: s
            title: {zh: 节, en: S}
            relevant: "${a} = 'yes'"
            questions:
              - {id: a, type: yes_no, label: {zh: 一, en: One}}
        """,
        tmp_path,
    )
    assert problems == [f"{tmp_path / 'form.yaml'}: s: relevant refers to later question 'a'"]


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["ghost"], "rule": "correct_share() >= 0.6"},
         "indicator k: items: unknown question 'ghost'"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["a"], "rule": "${ghost} >= 4"},
         "indicator k: rule refers to unknown question 'ghost'"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["a"], "rule": "${b} = 'yes'"},
         "indicator k: rule refers to 'b', which is not among its items"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["b"], "rule": "correct_share() >= 0.6"},
         "indicator k: rule scores items but 'b' has no answer key"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["a"], "rule": "item_mean() >= 4"},
         "indicator k: rule averages items but 'a' is not likert5 or number"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["a"], "rule": "correct_share() >= 0.6",
          "applies_if": "${ghost} = 1"}, "indicator k: applies_if refers to unknown question 'ghost'"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "kind": "ratio", "items": ["a"], "rule": "1"},
         "indicator k: kind: expected binary or score"),
        ({"id": "k", "label": {"zh": "知", "en": "K"}, "items": ["a"]}, "indicator k: rule is missing"),
        ({"id": "k", "label": {"zh": "知"}, "items": ["a"], "rule": "correct_share() >= 0.6"},
         "indicator k: label: missing translation 'en'"),
    ],
)
def test_indicator_problems(tmp_path, indicator, expected):
    body = f"""
sections:
  - id: s
    title: {{zh: 节, en: S}}
    questions:
      - {{id: a, type: yes_no, answer: "yes", label: {{zh: 一, en: One}}}}
      - {{id: b, type: yes_no, label: {{zh: 二, en: Two}}}}
indicators:
  - {json.dumps(indicator, ensure_ascii=False)}
"""
    problems = problems_of(body, tmp_path)
    assert any(expected in p for p in problems), problems


def test_modules_are_composed_and_problems_name_the_module_file(tmp_path):
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "m.yaml").write_text(
        textwrap.dedent(
            """
            module: m
            sections:
              - id: ms
                title: {zh: 模块, en: Module}
                questions:
                  - {id: mq, type: true_false, answer: "true", label: {zh: 题, en: Q}}
                  - {id: mq, type: true_false, label: {zh: 题, en: Q}}
            indicators:
              - {id: mk, label: {zh: 知, en: K}, items: [mq], rule: "correct_share() >= 0.6"}
            """
        ),
        encoding="utf-8",
    )
    problems = problems_of(
        """
        sections:
          - {include: modules/m.yaml}
        """,
        tmp_path,
    )
    assert problems == [f"{tmp_path / 'modules' / 'm.yaml'}: mq: duplicate question id (first in {tmp_path / 'modules' / 'm.yaml'})"]


def test_missing_module_file(tmp_path):
    problems = problems_of("sections:\n  - {include: modules/none.yaml}\n", tmp_path)
    assert problems == [f"{tmp_path / 'modules' / 'none.yaml'}: file: not found"]


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nsections: [\n  - a\n", encoding="utf-8")
    [problem] = check_paths([path]).problems
    assert str(problem).startswith(f"{path}: line ") and "YAML syntax error" in str(problem)


@pytest.mark.parametrize("value", [0, 1, 1.2, -0.1, "high", True])
def test_threshold_outside_zero_one(tmp_path, value):
    folder = tmp_path / "profiles"
    folder.mkdir()
    path = folder / "p.yaml"
    path.write_text(
        textwrap.dedent(
            f"""
            id: p
            name: {{zh: 某县, en: Some county}}
            source: {{zh: 方案, en: Plan}}
            thresholds: {{satisfaction: {json.dumps(value)}, knowledge: 0.9}}
            """
        ),
        encoding="utf-8",
    )
    problems = [str(p) for p in check_paths([path]).problems]
    assert problems == [f"{path}: satisfaction: threshold must be strictly between 0 and 1, got {value!r}"]


def test_profile_threshold_for_unknown_indicator(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: p\nname: {zh: 县, en: C}\nsource: {zh: 方案, en: Plan}\nthresholds: {satisfacton: 0.85}\n",
        encoding="utf-8",
    )
    [problem] = check_paths([path]).problems
    assert problem.item == "satisfacton" and "unknown indicator" in problem.message


def test_hash_ignores_formatting_but_not_content():
    reformatted = "# a comment\n" + ALL_TYPES_YAML.replace("title: {zh: 样例, en: Sample}", "title:\n  zh: 样例\n  en: Sample")
    a = parse_questionnaire_text(ALL_TYPES_YAML)
    b = parse_questionnaire_text(reformatted)
    c = parse_questionnaire_text(ALL_TYPES_YAML.replace("题一", "题一？"))
    d = parse_questionnaire_text(ALL_TYPES_YAML.replace('"correct_share() >= 0.6"', '"correct_share() >= 0.7"'))
    assert a.version_hash == b.version_hash
    assert len({a.version_hash, c.version_hash, d.version_hash}) == 3
    assert len(a.version_hash) == 64


def test_load_questionnaire_raises_with_every_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BASE + one_question(type="slider", label={"zh": "a"}), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert "unknown type 'slider'" in str(info.value)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "survey", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_check_shipped_files_exit_0():
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok:")


def test_cli_check_bad_file_exit_1_one_line_per_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BASE + one_question(type="slider", label={"zh": "a", "en": "a"}, relevant="${zz} = 1"), encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"{path}: q: unknown type 'slider' (allowed: single, multiple, likert5, yes_no, true_false, number, text, note)",
    ]
    result = run_cli("check", str(path), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["ok"] is False
    assert report["problems"][0] == {"file": str(path), "item": "q", "message": lines[0].split(": ", 2)[2]}
