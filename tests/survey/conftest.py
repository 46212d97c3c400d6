"""Small inline questionnaires shared by the survey tests."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest

from survey.questionnaire.loader import parse_questionnaire_text
from survey.questionnaire import Questionnaire

from .storage.helpers import pg_base_url, pg_schema_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'survey.sqlite'}"
        return
    url, schema, admin = pg_schema_url(pg_base_url())
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

ALL_TYPES_YAML = textwrap.dedent(
    """
    id: sample
    version: "1"
    languages: [zh, en]
    title: {zh: 样例, en: Sample}
    introduction: {zh: 说明, en: Introduction}
    sections:
      - id: about
        title: {zh: 基本情况, en: About}
        questions:
          - {id: intro_note, type: note, label: {zh: 提示, en: Note}}
          - id: age
            type: number
            integer: true
            min: 15
            max: 110
            label: {zh: 年龄, en: Age}
          - id: used_tcm
            type: yes_no
            label: {zh: 用过中医服务吗, en: "Used TCM?"}
          - id: kinds
            type: multiple
            relevant: "${used_tcm} = 'yes'"
            exclusive: [none]
            max_selected: 3
            label: {zh: 哪些服务, en: Which services}
            choices:
              - {value: acupuncture, label: {zh: 针灸, en: Acupuncture}}
              - {value: cupping, label: {zh: 拔罐, en: Cupping}}
              - {value: tuina, label: {zh: 推拿, en: Tuina}}
              - {value: moxa, label: {zh: 艾灸, en: Moxibustion}}
              - {value: none, label: {zh: 都没有, en: None}}
          - id: comment
            type: text
            max_length: 20
            label: {zh: 意见, en: Comments}
      - id: sat
        title: {zh: 满意度, en: Satisfaction}
        relevant: "${used_tcm} = 'yes'"
        questions:
          - {id: waiting, type: likert5, allow_na: true, label: {zh: 等候时间, en: Waiting time}}
          - {id: overall, type: likert5, label: {zh: 总体满意度, en: Overall}}
      - id: quiz
        title: {zh: 知识, en: Knowledge}
        questions:
          - id: k1
            type: single
            answer: b
            points: 2
            label: {zh: 题一, en: Item one}
            explanation: {zh: 解释一, en: Because one}
            choices:
              - {value: a, label: {zh: 甲, en: A}}
              - {value: b, label: {zh: 乙, en: B}}
              - {value: c, label: {zh: 丙, en: C}}
          - {id: k2, type: true_false, answer: "false", dont_know: true, label: {zh: 题二, en: Item two}}
          - id: k3
            type: multiple
            answer: [x, z]
            label: {zh: 题三, en: Item three}
            choices:
              - {value: x, label: {zh: 子, en: X}}
              - {value: y, label: {zh: 丑, en: Y}}
              - {value: z, label: {zh: 寅, en: Z}}
          - {id: k4, type: yes_no, answer: "yes", dont_know: true, label: {zh: 题四, en: Item four}}
          - id: k5
            type: yes_no
            answer: "no"
            relevant: "${age} >= 65"
            label: {zh: 题五, en: Item five}
    indicators:
      - id: satisfaction
        label: {zh: 满意率, en: Satisfaction}
        kind: binary
        applies_if: "${used_tcm} = 'yes'"
        items: [overall]
        rule: "${overall} >= 4"
      - id: knowledge
        label: {zh: 知晓率, en: Knowledge}
        kind: binary
        items: [k1, k2, k3, k4, k5]
        rule: "correct_share() >= 0.6"
      - id: knowledge_score
        label: {zh: 知识得分, en: Knowledge score}
        kind: score
        items: [k1, k2, k3, k4, k5]
        rule: "correct_share()"
      - id: knowledge_points
        label: {zh: 得分, en: Points}
        kind: score
        items: [k1, k2, k3, k4, k5]
        rule: "points()"
      - id: dimension_mean
        label: {zh: 平均评分, en: Mean rating}
        kind: score
        applies_if: "${used_tcm} = 'yes'"
        items: [waiting, overall]
        rule: "item_mean()"
    """
)


@pytest.fixture(scope="session")
def sample() -> Questionnaire:
    return parse_questionnaire_text(ALL_TYPES_YAML, source="sample.yaml")


@pytest.fixture
def valid_answers() -> dict:
    return {
        "age": 70,
        "used_tcm": "yes",
        "kinds": ["cupping", "acupuncture"],
        "comment": "很好",
        "waiting": "na",
        "overall": 5,
        "k1": "b",
        "k2": "false",
        "k3": ["z", "x"],
        "k4": "dont_know",
        "k5": "no",
    }
