"""Shared data and helpers of the storage tests (a small instrument, campaign specs, databases)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

from survey.campaign import CampaignSpec, SiteSpec

MINI = """
id: mini
version: "1"
languages: [zh, en]
title: {zh: 小问卷, en: Mini survey}
introduction: {zh: 说明, en: About}
estimated_minutes: 2
audience: residents
sections:
  - id: main
    title: {zh: 问题, en: Questions}
    questions:
      - id: used
        type: yes_no
        label: {zh: 用过中医药服务吗？, en: "Used TCM services?"}
      - id: overall
        type: likert5
        label: {zh: 总体满意度, en: Overall satisfaction}
        relevant: "${used} = 'yes'"
      - id: know
        type: true_false
        label: {zh: 八段锦是传统健身功法。, en: Baduanjin is a traditional exercise.}
        answer: "true"
indicators:
  - id: satisfaction
    label: {zh: 满意率, en: Satisfaction}
    kind: binary
    applies_if: "${used} = 'yes'"
    items: [overall]
    rule: "${overall} >= 4"
  - id: knowledge
    label: {zh: 知晓率, en: Knowledge}
    kind: binary
    items: [know]
    rule: "correct_share() >= 1"
"""

GOOD_ANSWERS = {"used": "yes", "overall": 5, "know": "true"}


def pg_base_url() -> str:
    url = os.environ.get("TCM_SURVEY_TEST_PG")
    if not url:
        pytest.skip("PostgreSQL variant skipped: TCM_SURVEY_TEST_PG is not set (scripts/test.sh starts a server and sets it)")
    return url


def pg_schema_url(base: str) -> tuple[str, str, sa.Engine]:
    admin = sa.create_engine(base, connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL at TCM_SURVEY_TEST_PG is unreachable: {exc.orig}"
        if os.environ.get("TCM_SURVEY_REQUIRE_PG") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema, admin


def open_spec(**overrides) -> CampaignSpec:
    today = dt.date.today()
    values = dict(
        name="测试调查",
        profile_id="liunan",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=30),
        organizer="柳南区卫生健康局",
    )
    values.update(overrides)
    return CampaignSpec(**values)


def sites(n: int = 3) -> list[SiteSpec]:
    kinds = ["township_centre", "community_centre", "village_clinic"]
    return [
        SiteSpec(code=f"{i:02d}", name=f"调查点{i}", stratum=f"镇{i % 2}", kind=kinds[i % 3], quotas={"mini": 10})
        for i in range(1, n + 1)
    ]
