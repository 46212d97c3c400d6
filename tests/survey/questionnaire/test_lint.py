"""The validity lint: habitual respondents, random guessing, key balance and completion time,
each rule checked against figures computed by hand."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from survey.questionnaire.checks import check_paths
from survey.questionnaire.lint import GUESS_PASS_LIMIT, estimate_minutes, guess_probability, lint_indicator, valid_selections
from survey.questionnaire.loader import parse_questionnaire_text
from survey.questionnaire.profiles import parse_profile

ROOT = Path(__file__).resolve().parents[3]

HEAD = """
id: t
version: "1"
languages: [zh, en]
title: {zh: 标题, en: T}
introduction: {zh: 说明文字, en: Intro}
"""


def form(questions: str, indicator: str, extra: str = "") -> str:
    """An instrument with one section of ``questions`` and one ``indicator`` (both YAML lists)."""
    data = yaml.safe_load(HEAD + extra)
    data["sections"] = [{"id": "s", "title": {"zh": "甲", "en": "S"}, "questions": yaml.safe_load(questions)}]
    data["indicators"] = yaml.safe_load(textwrap.dedent(indicator))
    return yaml.safe_dump(data, allow_unicode=True)


def yes_no_items(keys: list[str]) -> tuple[str, list[str]]:
    ids = [f"q{i}" for i in range(1, len(keys) + 1)]
    body = "".join(
        f"- id: {qid}\n  type: yes_no\n  dont_know: true\n  label: {{zh: 问{qid}, en: {qid}}}\n  answer: \"{key}\"\n"
        for qid, key in zip(ids, keys)
    )
    return body, ids


def single_items(positions: list[int], options: int = 4) -> tuple[str, list[str]]:
    ids, body = [], ""
    for i, position in enumerate(positions, start=1):
        qid = f"s{i}"
        ids.append(qid)
        choices = "".join(f"    - {{value: o{k}, label: {{zh: 选{k}, en: o{k}}}}}\n" for k in range(1, options + 1))
        choices += "    - {value: dont_know, label: {zh: 不知道, en: Don't know}}\n"
        body += f"- id: {qid}\n  type: single\n  label: {{zh: 单{i}, en: s{i}}}\n  choices:\n{choices}  answer: o{position}\n"
    return body, ids


def binary(ids: list[str], rule: str) -> str:
    return f"""
    - id: ind
      label: {{zh: 指标, en: Ind}}
      kind: binary
      items: [{', '.join(ids)}]
      rule: "{rule}"
    """


def test_yes_sayer_passes_four_of_five_yes_keys():
    body, ids = yes_no_items(["yes", "yes", "yes", "yes", "no"])
    q = parse_questionnaire_text(form(body, binary(ids, "correct_share() >= 0.6")))
    lint = lint_indicator(q, "ind")
    # always yes: 4 of 5 = 0.8 >= 0.6 passes; always no: 1 of 5 fails
    assert (lint.habits["always_yes"].correct, lint.habits["always_yes"].passes) == (4, True)
    assert (lint.habits["always_no"].correct, lint.habits["always_no"].passes) == (1, False)
    assert lint.habits["always_first"].correct == 4  # 是 is the first option
    # guessing: P(Bin(5, 1/2) >= 3) = (10 + 5 + 1) / 32
    assert lint.guess_pass == pytest.approx(16 / 32)
    assert lint.key_balance["yes"] == 4 and lint.key_balance["no"] == 1
    messages = [p.message for p in lint.problems]
    assert any("always yes" in m and "4 of 5" in m for m in messages)
    assert any("50.0%" in m for m in messages)
    assert all(p.item == "indicator ind" for p in lint.problems)


def test_single_choice_keys_spread_over_positions():
    body, ids = single_items([1, 2, 3, 4])
    q = parse_questionnaire_text(form(body, binary(ids, "correct_count() >= 2")))
    lint = lint_indicator(q, "ind")
    # each habit gets exactly one item right (first: s1, last: s4): fails "at least 2"
    assert {h: r.correct for h, r in lint.habits.items()} == {
        "always_yes": 1, "always_no": 1, "always_first": 1, "always_last": 1}
    assert not any(r.passes for r in lint.habits.values())
    # P(Bin(4, 1/4) >= 2) = 1 - 0.75^4 - 4 * 0.25 * 0.75^3 = 0.26171875 ("don't know" never chosen)
    assert lint.guess_pass == pytest.approx(0.26171875)
    assert dict(lint.key_balance) == {"yes": 0, "no": 0, "first": 1, "middle": 2, "last": 1, "multiple": 0}


def test_guess_below_limit_is_no_problem():
    body, ids = single_items([2, 3, 2, 3, 2, 3])
    q = parse_questionnaire_text(form(body, binary(ids, "correct_count() >= 4")))
    lint = lint_indicator(q, "ind")
    # P(Bin(6, 1/4) >= 4) = (15 * 9 + 6 * 3 + 1) / 4^6 = 154 / 4096
    assert lint.guess_pass == pytest.approx(154 / 4096)
    assert lint.problems == ()


MULTI = """
- id: m
  type: multiple
  label: {zh: 多选, en: M}
  choices:
    - {value: a, label: {zh: 甲, en: a}}
    - {value: b, label: {zh: 乙, en: b}}
    - {value: c, label: {zh: 丙, en: c}}
    - {value: dont_know, label: {zh: 不知道, en: Don't know}}
  exclusive: [dont_know]
  answer: [a, b]
- id: t1
  type: true_false
  label: {zh: 判断一, en: t1}
  answer: "true"
- id: t2
  type: true_false
  label: {zh: 判断二, en: t2}
  answer: "false"
"""


def test_multiple_select_guess_counts_non_empty_selections():
    q = parse_questionnaire_text(form(MULTI, binary(["m", "t1", "t2"], "correct_count() >= 2")))
    m = q.question("m")
    assert valid_selections(m) == 7  # 2^3 - 1, "don't know" excluded
    assert guess_probability(m) == pytest.approx(1 / 7)
    lint = lint_indicator(q, "ind")
    # always yes ticks a, b, c (wrong), says 正确 (t1 right), 正确 (t2 wrong): 1 correct
    assert lint.habits["always_yes"].correct == 1
    # P(>= 2 of 3) = 1/7 * (1 - 1/4) + 6/7 * 1/4 = 2.25 / 7
    assert lint.guess_pass == pytest.approx(2.25 / 7)


def test_profile_points_per_type_change_the_pass_probability():
    q = parse_questionnaire_text(form(MULTI, binary(["m", "t1", "t2"], "points() >= 0.6 * max_points()")))
    plain = lint_indicator(q, "ind")
    assert plain.max_points == 3 and plain.guess_pass == pytest.approx(2.25 / 7)
    profile, problems = parse_profile(
        {"id": "p", "name": {"zh": "甲", "en": "P"}, "source": {"zh": "文件", "en": "doc"}, "thresholds": {"ind": 0.9},
         "indicators": {"ind": {"source": {"zh": "文件", "en": "doc"}, "points": {"multiple": 2}}}},
        "p.yaml",
    )
    assert problems == [] and profile is not None
    scored = lint_indicator(q, "ind", profile)
    # max 4 points; 2.4 needs the multi-select (2) and at least one true/false: 1/7 * 3/4
    assert scored.max_points == 4
    assert scored.guess_pass == pytest.approx(3 / 28)
    assert scored.profile == "p" and "under profile 'p'" in scored.problems[0].message


def test_exclusive_substantive_option_counts_as_one_selection():
    body = MULTI.replace("exclusive: [dont_know]", "exclusive: [c, dont_know]")
    q = parse_questionnaire_text(form(body, binary(["m", "t1", "t2"], "correct_count() >= 2")))
    assert valid_selections(q.question("m")) == 4  # {a}, {b}, {a, b}, {c}
    lint = lint_indicator(q, "ind")
    assert lint.habits["always_no"].correct == 1  # ticks c (wrong), 错误 (t1 wrong), 错误 (t2 right)


def test_completion_time_counts_characters_and_answers():
    body, ids = yes_no_items(["yes"])
    q = parse_questionnaire_text(form(body, binary(ids, "correct_count() >= 1")))
    est = estimate_minutes(q)
    # 标题 2 + 说明文字 4 + 甲 1 + 问q1 3 + 是 否 不知道 5 = 15 characters, 1 answer
    assert est.characters == 15 and est.items == 1
    assert est.minutes["adult"] == pytest.approx(15 / 300 + 3 / 60)
    assert est.minutes["elderly"] == pytest.approx(15 / 150 + 6 / 60)
    assert est.problems == ()


def test_completion_time_over_the_stated_minutes_is_a_problem(tmp_path):
    long_label = "长" * 600
    body = f"- id: q1\n  type: yes_no\n  label: {{zh: {long_label}, en: long}}\n"
    data = yaml.safe_load(HEAD + "estimated_minutes: 1\n")
    data["sections"] = [{"id": "s", "title": {"zh": "甲", "en": "S"}, "questions": yaml.safe_load(body)}]
    text = yaml.safe_dump(data, allow_unicode=True)
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    problems = [p for p in check_paths([path]).problems if p.item == "estimated_minutes"]
    assert len(problems) == 1
    # 600 + 2 + 4 + 1 + 2 = 609 characters: 2.03 + 0.05 minutes > 1
    assert "609 characters" in problems[0].message and "stated 1" in problems[0].message


def test_shipped_indicators_pass_with_margin():
    report = check_paths()
    assert report.ok, "\n".join(map(str, report.problems))
    assert report.lint is not None
    seen = set()
    for lint in report.lint.indicators:
        seen.add(lint.indicator)
        assert lint.guess_pass is not None and lint.guess_pass <= GUESS_PASS_LIMIT / 2, (lint.indicator, lint.profile, lint.guess_pass)
        for name, habit in lint.habits.items():
            assert not habit.passes, (lint.indicator, lint.profile, name)
            assert habit.share < 0.5, (lint.indicator, lint.profile, name, habit.share)
        balance = lint.key_balance
        assert abs(balance["yes"] - balance["no"]) <= 1, (lint.indicator, balance)
    assert {"knowledge", "service_awareness", "staff_policy"} <= seen
    for time in report.lint.times:  # the stated minutes hold for the slowest realistic reader
        assert time.stated_minutes is not None and time.minutes["elderly"] <= time.stated_minutes, time
    resident = next(t for t in report.lint.times if t.questionnaire == "resident")
    assert 10 <= resident.minutes["elderly"] <= 13  # an older reader needs about 10 minutes or more


def _check_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "survey", "check", *args], capture_output=True, text=True, cwd=ROOT)


def test_folder_check_passes_with_lint_and_json_gives_figures():
    result = _check_cli("questionnaires")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(_check_cli("questionnaires", "--json").stdout)
    assert data["ok"] is True
    figures = {(i["indicator"], i["profile"]): i for i in data["lint"]["indicators"]}
    assert ("service_awareness", None) in figures
    one = figures[("service_awareness", None)]
    assert set(one["habits"]) == {"always_yes", "always_no", "always_first", "always_last"}
    assert 0 <= one["guess_pass"] < 0.05
    assert data["lint"]["completion_time"][0]["reading_cpm"] == {"adult": 300.0, "elderly": 150.0}


def test_a_module_alone_is_checked_in_its_instrument():
    result = _check_cli("questionnaires/modules/satisfaction.yaml")
    assert result.returncode == 0, result.stdout
    assert "unknown question" not in result.stdout


def test_service_keys_back_to_seven_yes_fails_naming_file_and_indicator(tmp_path):
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    module = copy / "modules" / "service_awareness.yaml"
    data = yaml.safe_load(module.read_text(encoding="utf-8"))
    questions = data["sections"][0]["questions"]
    # the old instrument: nine yes/no items, seven keyed "yes", at the 60% cut-off
    old = [
        {"id": f"sa_old_{i}", "type": "yes_no", "dont_know": True,
         "label": {"zh": f"服务{i}", "en": f"Service {i}"}, "answer": "yes" if i <= 7 else "no"}
        for i in range(1, 10)
    ]
    data["sections"][0]["questions"] = old
    for indicator in data["indicators"]:
        indicator["items"] = [q["id"] for q in old]
        indicator["rule"] = "correct_share() >= 0.6" if indicator["kind"] == "binary" else "correct_share()"
    module.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for profile in (copy / "profiles").glob("*.yaml"):  # profiles may score these items otherwise
        text = yaml.safe_load(profile.read_text(encoding="utf-8"))
        text.get("indicators", {}).pop("service_awareness", None)
        profile.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    del questions
    result = _check_cli(str(copy))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "indicator service_awareness:" in line]
    assert any(str(module) in line and "always yes scores 7 of 9" in line for line in lines), result.stdout
    assert any("random guesser" in line and "25.4%" in line for line in lines), result.stdout
