"""Imports carry the paradata their source has: wjx's 所用时间, Kobo's start and end; never an IP."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import sqlalchemy as sa

from survey.questionnaire.loader import parse_questionnaire_text
from survey.collect.imports import Target, auto_map, import_rows, prepare_import, read_upload
from survey.collect.imports.upload import parse_seconds
from survey.storage import Store
from survey.storage.schema import metadata

from .test_imports import SMALL_YAML, _campaign, _csv


@pytest.fixture
def mini():
    return parse_questionnaire_text(SMALL_YAML, source="mini.yaml")


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'import.sqlite'}") as s:
        yield s


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("120秒", 120.0), ("3分5秒", 185.0), ("1小时2分", 3720.0), ("00:03:05", 185.0), ("3:05", 185.0), (95, 95.0),
     ("95.5", 95.5), ("", None), ("很快", "bad"), ("-3", None), ("9999999", "bad")],
)
def test_durations_as_wjx_writes_them(text, seconds) -> None:
    assert parse_seconds(text) == seconds  # "-3" is wjx's mark for a skipped cell: blank


def test_wjx_duration_is_stored_and_its_ip_is_not(store, mini, tmp_path) -> None:
    campaign = _campaign(store, [mini])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "来自IP", "调查点", "1、您的年龄", "2、您的性别是？", "3、用过中医药服务吗"])
    sheet.append([1, dt.datetime(2026, 5, 3, 9, 30), "2分5秒", "手机提交", "203.0.113.77", "01A", 28, "女", "否"])
    sheet.append([2, dt.datetime(2026, 5, 3, 9, 40), "很快", "手机提交", "203.0.113.78", "01A", 66, "男", "否"])
    path = tmp_path / "wjx.xlsx"
    workbook.save(path)
    table = read_upload(path)
    assert auto_map(table.columns, mini, table.format)["所用时间"] == Target("duration_s")
    preview = prepare_import(table, mini, campaign, store=store)
    assert preview.errors == []
    assert [(p.row, p.column, p.code, p.severity) for p in preview.warnings] == [(3, "所用时间", "bad_duration", "warning")]
    assert [r.paradata for r in preview.accepted] == [{"duration_s": 125.0}, None]
    assert import_rows(store, campaign.id, mini, preview, actor="test").imported == 2
    stored = store.responses(campaign.id)
    assert [r.paradata["duration_s"] for r in stored] == [125.0, None]
    with store.read() as connection:
        dump = "\n".join(repr(tuple(row)) for t in metadata.sorted_tables for row in connection.execute(sa.select(t)))
    assert "203.0.113" not in dump


def test_kobo_start_and_end_give_opened_at_and_duration(store, mini) -> None:
    campaign = _campaign(store, [mini])
    data = _csv([
        ["start", "end", "age", "sex", "used_tcm", "site", "_uuid"],
        ["2026-05-02T09:00:00.000+08:00", "2026-05-02T09:04:30.000+08:00", "61", "female", "no", "01A", "uuid-a"],
        ["", "2026-05-02T10:05:00.000+08:00", "33", "male", "no", "02A", "uuid-b"],
    ])
    table = read_upload(data, "kobo.csv")
    preview = prepare_import(table, mini, campaign, store=store)
    assert preview.problems == ()
    assert preview.accepted[0].paradata == {"opened_at": "2026-05-02T01:00:00+00:00", "duration_s": 270.0}
    assert preview.accepted[1].paradata is None
    import_rows(store, campaign.id, mini, preview, actor="test")
    first = store.responses(campaign.id)[0].paradata
    assert first["opened_at"] == dt.datetime(2026, 5, 2, 1, 0, tzinfo=dt.timezone.utc) and first["duration_s"] == 270.0
