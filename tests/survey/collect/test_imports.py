"""Import of responses collected elsewhere: mapping, validation by row and column, idempotence,
all-or-nothing storage, and the round trip export -> import into a new campaign -> same estimates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import textwrap

import openpyxl
import pytest

from survey.campaign import CampaignSpec, SiteSpec
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.loader import parse_questionnaire_text
from survey.collect.imports import (
    ImportFileError,
    Target,
    auto_map,
    import_rows,
    prepare_import,
    read_upload,
)
from survey.storage import Store

SMALL_YAML = textwrap.dedent(
    """
    id: mini
    version: "1"
    languages: [zh, en]
    title: {zh: 小问卷, en: Mini}
    introduction: {zh: 说明, en: Intro}
    sections:
      - id: about
        title: {zh: 基本情况, en: About}
        questions:
          - {id: age, type: number, integer: true, min: 15, max: 110, label: {zh: 您的年龄, en: Your age}}
          - id: sex
            type: single
            label: {zh: 您的性别是？, en: Your sex}
            choices:
              - {value: male, label: {zh: 男, en: Male}}
              - {value: female, label: {zh: 女, en: Female}}
          - {id: used_tcm, type: yes_no, label: {zh: 用过中医药服务吗, en: Used TCM services}}
          - id: services
            type: multiple
            relevant: "${used_tcm} = 'yes'"
            label: {zh: 用过哪些服务（可多选）, en: Which services}
            choices:
              - {value: acupuncture, label: {zh: 针灸, en: Acupuncture}}
              - {value: cupping, label: {zh: 拔罐, en: Cupping}}
              - {value: tuina, label: {zh: 推拿, en: Tuina}}
          - {id: overall, type: likert5, relevant: "${used_tcm} = 'yes'", label: {zh: 总体满意度, en: Overall}}
    indicators:
      - id: satisfaction
        label: {zh: 满意率, en: Satisfaction}
        kind: binary
        applies_if: "${used_tcm} = 'yes'"
        items: [overall]
        rule: "${overall} >= 4"
    """
)


@pytest.fixture
def mini():
    return parse_questionnaire_text(SMALL_YAML, source="mini.yaml")


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'import.sqlite'}") as s:
        yield s


def _campaign(store, questionnaires, name="导入测试"):
    today = dt.date(2026, 5, 1)
    spec = CampaignSpec(name=name, profile_id="liunan", opens_on=today, closes_on=today + dt.timedelta(days=30))
    sites = [
        SiteSpec("01A", "太阳村镇卫生院", "太阳村镇", "township_centre", quotas={q.id: 10 for q in questionnaires}),
        SiteSpec("02A", "洛满镇卫生院", "洛满镇", "township_centre", quotas={q.id: 10 for q in questionnaires}),
    ]
    return store.create_campaign(spec, list(questionnaires), sites, actor="test")


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _count(store, campaign_id):
    return sum(store.response_counts(campaign_id).values())


def test_plain_sheet_with_labels_maps_and_imports(store, mini):
    campaign = _campaign(store, [mini])
    data = _csv([
        ["调查点", "您的年龄", "您的性别是？", "用过中医药服务吗", "用过哪些服务（可多选）", "总体满意度"],
        ["太阳村镇卫生院", "34", "女", "是", "针灸、拔罐", "很满意"],
        ["02A", "70", "男", "否", "", ""],
    ])
    table = read_upload(data, "paper.csv")
    assert table.format == "plain"
    preview = prepare_import(table, mini, campaign, store=store)
    assert preview.errors == [] and len(preview.accepted) == 2
    assert preview.accepted[0].answers == {"age": "34", "sex": "female", "used_tcm": "yes",
                                           "services": ["acupuncture", "cupping"], "overall": "5"}
    result = import_rows(store, campaign.id, mini, preview, actor="zhao")
    assert (result.imported, result.repeats) == (2, 0)
    (audit,) = store.audit_log(campaign.id, actions=["import.batch"])
    assert audit.actor == "zhao" and audit.detail["file"] == "paper.csv" and audit.detail["sha256"] == table.sha256
    assert (audit.detail["rows"], audit.detail["accepted"], audit.detail["refused"], audit.detail["stored"]) == (2, 2, 0, 2)
    stored = store.responses(campaign.id)
    assert {r.source for r in stored} == {"import"}
    assert sorted(r.site_code for r in stored) == ["01A", "02A"]


def test_a_choice_label_holding_a_separator_stays_one_answer(store):
    """问卷星 joins a cell's choices with ┋; the resident form's 拔罐、刮痧 is one choice whose label
    holds 、, which is also a separator: the known label is kept whole, the rest still split."""
    text = SMALL_YAML.replace("{value: cupping, label: {zh: 拔罐, en: Cupping}}",
                              "{value: cupping, label: {zh: 拔罐、刮痧, en: Cupping}}")
    mini = parse_questionnaire_text(text, source="mini.yaml")
    campaign = _campaign(store, [mini])
    data = _csv([
        ["调查点", "您的年龄", "您的性别是？", "用过中医药服务吗", "用过哪些服务（可多选）", "总体满意度"],
        ["01A", "34", "女", "是", "拔罐、刮痧┋针灸", "很满意"],
        ["01A", "35", "女", "是", "针灸、推拿", "满意"],
        ["01A", "36", "男", "是", "拔罐、刮痧", "满意"],
    ])
    preview = prepare_import(read_upload(data, "wjx-text.csv"), mini, campaign, store=store)
    assert preview.errors == []
    assert [r.answers["services"] for r in preview.accepted] == [["cupping", "acupuncture"], ["acupuncture", "tuina"],
                                                                 ["cupping"]]


def test_same_file_twice_does_not_double(store, mini):
    campaign = _campaign(store, [mini])
    data = _csv([["site", "age", "sex", "used_tcm", "services", "overall"],
                 ["01A", 40, "female", "yes", "tuina", 4], ["01A", 40, "female", "yes", "tuina", 4],
                 ["02A", 50, "male", "no", "", ""]])
    table = read_upload(data, "again.csv")
    first = prepare_import(table, mini, campaign, store=store)
    assert [p.code for p in first.warnings] == ["identical_row"]  # two people may answer alike: kept, flagged
    assert import_rows(store, campaign.id, mini, first, actor="test").imported == 3
    second = prepare_import(read_upload(data, "again (copy).csv"), mini, campaign, store=store)
    assert second.already_imported == 3 and second.new_rows == 0 and not second.can_import
    assert import_rows(store, campaign.id, mini, second, actor="test").repeats == 3
    assert _count(store, campaign.id) == 3
    # another file is another source, even with equal answers: its rows are new, and flagged
    changed = _csv([["site", "age", "sex", "used_tcm", "services", "overall"],
                    ["01A", 40, "female", "yes", "tuina", 4], ["01A", 40, "female", "yes", "tuina", 4],
                    ["02A", 51, "male", "no", "", ""]])
    third = prepare_import(read_upload(changed, "fixed.csv"), mini, campaign, store=store)
    assert (third.already_imported, third.new_rows) == (0, 3)
    assert sorted(p.row for p in third.warnings if p.code == "stored_alike") == [2, 3]


def test_bad_rows_are_reported_by_row_column_and_reason(store, mini):
    campaign = _campaign(store, [mini])
    data = _csv([
        ["序号", "提交答卷时间", "site", "1、您的年龄", "2、您的性别是？", "3、用过中医药服务吗", "4、用过哪些服务（可多选）", "5、总体满意度"],
        ["1", "2026/5/2 10:00:00", "01A", "35", "女", "是", "针灸┋推拿", "满意"],
        ["2", "2026/5/2 11:00:00", "01A", "abc", "女", "否", "", ""],            # wrong type
        ["3", "2026/5/2 12:00:00", "09Z", "40", "男", "否", "", ""],            # unknown site
        ["4", "2026/5/2 13:00:00", "02A", "41", "不详", "否", "", ""],           # unmapped answer text
        ["5", "2026/5/2 14:00:00", "02A", "42", "男", "否", "拔罐", ""],         # answers a hidden question
        ["6", "not a date", "02A", "43", "男", "是", "拔罐", ""],                # bad date, required missing
        ["1", "2026/5/2 15:00:00", "02A", "44", "男", "否", "", ""],            # duplicate respondent id
        ["8", "2026/5/2 16:00:00", "02A", "200", "男", "否", "", ""],           # out of range
    ])
    table = read_upload(data, "wjx.csv")
    assert table.format == "wjx"  # 序号 and 提交答卷时间
    preview = prepare_import(table, mini, campaign, store=store)
    by_row = {}
    for p in preview.errors:
        by_row.setdefault(p.row, set()).add((p.column, p.code))
    assert by_row == {
        3: {("1、您的年龄", "invalid_type")},
        4: {("site", "unknown_site")},
        5: {("2、您的性别是？", "unmapped_text")},
        6: {("4、用过哪些服务（可多选）", "hidden")},
        7: {("提交答卷时间", "bad_date"), ("5、总体满意度", "required")},
        8: {("序号", "duplicate_row")},
        9: {("1、您的年龄", "out_of_range")},
    }
    assert "row 5, column '2、您的性别是？'" in str(next(p for p in preview.errors if p.row == 5))
    assert [r.row for r in preview.accepted] == [2]
    # the user maps the unknown text: row 5 is accepted on the next preview
    fixed = prepare_import(table, mini, campaign, store=store, choice_maps={"2、您的性别是？": {"不详": "male"}})
    assert 5 in [r.row for r in fixed.accepted]
    assert _count(store, campaign.id) == 0  # nothing written by previews


def test_unknown_columns_block_until_mapped_or_ignored(store, mini):
    campaign = _campaign(store, [mini])
    data = _csv([["site", "age", "sex", "used_tcm", "备注"], ["01A", 30, "male", "no", "x"]])
    table = read_upload(data, "extra.csv")
    preview = prepare_import(table, mini, campaign, store=store)
    assert [(p.row, p.column, p.code) for p in preview.blocking] == [(1, "备注", "unknown_column")]
    assert not preview.can_import and preview.accepted == ()
    with pytest.raises(ImportFileError):
        import_rows(store, campaign.id, mini, preview, actor="test")
    mapping = auto_map(table.columns, mini, table.format) | {"备注": Target("ignore")}
    ok = prepare_import(table, mini, campaign, mapping=mapping, store=store)
    assert ok.can_import and len(ok.accepted) == 1


def test_no_site_column_needs_a_default_site(store, mini):
    campaign = _campaign(store, [mini])
    table = read_upload(_csv([["age", "sex", "used_tcm"], [30, "male", "no"]]), "nosite.csv")
    assert [p.code for p in prepare_import(table, mini, campaign).blocking] == ["no_site"]
    preview = prepare_import(table, mini, campaign, default_site="02A")
    assert preview.accepted[0].site_code == "02A"


def test_kobo_export_with_group_paths_and_option_columns(store, mini):
    campaign = _campaign(store, [mini])
    data = _csv([
        ["start", "end", "grp/age", "grp/sex", "grp/used_tcm", "grp/services", "grp/services/acupuncture",
         "grp/services/cupping", "grp/services/tuina", "grp/overall", "site", "_id", "_uuid", "_submission_time", "_index"],
        ["2026-05-02T09:00:00.000+08:00", "2026-05-02T09:05:00.000+08:00", "61", "female", "yes", "cupping tuina", "0", "1", "1",
         "4", "01A", "11", "uuid-a", "2026-05-02T01:06:00", "1"],
        ["2026-05-02T10:00:00.000+08:00", "2026-05-02T10:05:00.000+08:00", "33", "male", "no", "", "", "", "", "", "02A", "12",
         "uuid-b", "2026-05-02T02:06:00", "2"],
    ])
    table = read_upload(data, "kobo.csv")
    assert table.format == "kobo"
    mapping = auto_map(table.columns, mini, table.format)
    assert mapping["grp/services/tuina"] == Target.choice("services", "tuina")
    assert mapping["_uuid"] == Target("respondent_id") and mapping["_id"] == Target("ignore")
    assert mapping["start"] == Target("opened_at")
    preview = prepare_import(table, mini, campaign, store=store)
    assert preview.errors == []
    assert preview.accepted[0].answers["services"] == ["cupping", "tuina"]
    assert preview.accepted[0].submitted_at == dt.datetime(2026, 5, 2, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_wjx_xlsx_export(store, mini, tmp_path):
    campaign = _campaign(store, [mini])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "来自IP", "调查点", "1、您的年龄", "2、您的性别是？",
                  "3、用过中医药服务吗", "4、用过哪些服务（可多选）", "5、总体满意度"])
    sheet.append([1, dt.datetime(2026, 5, 3, 9, 30), "120秒", "手机提交", "1.2.3.4", "洛满镇卫生院", 28, "女", "是", "A┋C", "非常满意"])
    sheet.append([2, dt.datetime(2026, 5, 3, 9, 40), "100秒", "手机提交", "1.2.3.5", "洛满镇卫生院", 66, "男", "否", "(跳过)", "(跳过)"])
    path = tmp_path / "wjx.xlsx"
    workbook.save(path)
    table = read_upload(path)
    assert table.format == "wjx"
    preview = prepare_import(table, mini, campaign, store=store)
    assert preview.errors == []
    assert preview.accepted[0].answers["services"] == ["acupuncture", "tuina"]
    assert preview.accepted[0].answers["overall"] == "5"
    assert preview.accepted[0].submitted_at.utcoffset() == dt.timedelta(hours=8)  # naive: the campaign's time zone
    assert import_rows(store, campaign.id, mini, preview, actor="test").imported == 2


def test_gb18030_csv_and_bad_files(tmp_path, mini):
    text = "site,您的年龄,您的性别是？,用过中医药服务吗\n01A,30,男,否\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    assert read_upload(path).columns[2] == "您的性别是？"
    with pytest.raises(ImportFileError, match="unsupported file type"):
        read_upload(b"x", "form.pdf")
    with pytest.raises(ImportFileError, match="empty"):
        read_upload(b"", "empty.csv")
    with pytest.raises(ImportFileError, match="appears twice"):
        read_upload("a,b,a\n1,2,3\n".encode(), "dup.csv")


def test_never_a_partial_import(store, mini):
    campaign = _campaign(store, [mini])
    store.add_site(campaign.id, SiteSpec("03A", "流山镇卫生院", "流山镇", "township_centre"), actor="test")
    campaign = store.campaign(campaign.id)
    data = _csv([["site", "age", "sex", "used_tcm"], ["01A", 30, "male", "no"], ["03A", 31, "male", "no"], ["02A", 32, "male", "no"]])
    preview = prepare_import(read_upload(data, "three.csv"), mini, campaign, store=store)
    assert len(preview.accepted) == 3
    store.remove_site(campaign.id, "03A", actor="test")  # the site disappears between preview and import
    with pytest.raises(Exception, match="03A"):
        import_rows(store, campaign.id, mini, preview, actor="test")
    assert _count(store, campaign.id) == 0


def test_round_trip_export_import_gives_the_same_estimates(store):
    """Export a demo campaign's responses, import them into a new campaign: same estimates."""
    from analysis.campaign import compute_results, load_campaign_data
    from analysis.report import collect
    from analysis.report.data import responses_frame
    from analysis.report.exports import csv_bytes
    from survey.demo import create_demo

    demo = create_demo(store, responses=240, seed=7).campaign
    data = collect(store, demo.id)
    questionnaires = [store.questionnaire(i.version_hash) for i in demo.instruments]
    spec = CampaignSpec(name="副本", profile_id=demo.profile_id, opens_on=demo.opens_on, closes_on=demo.closes_on)
    copy = store.create_campaign(spec, questionnaires, [
        SiteSpec(s.code, s.name, s.stratum, s.kind, psu=s.psu, quotas=s.quotas, stratum_population=s.stratum_population) for s in demo.sites
    ], actor="test")
    for q in questionnaires:
        table = read_upload(csv_bytes(responses_frame(data, q.id)), f"{q.id}.csv")
        assert table.format == "tcm"
        preview = prepare_import(table, q, copy, store=store)
        assert preview.errors == [], preview.errors[:3]
        import_rows(store, copy.id, q, preview, actor="test")
    before = compute_results(load_campaign_data(store, demo.id)).estimates
    after = compute_results(load_campaign_data(store, copy.id)).estimates
    columns = ["var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "verdict"]
    assert before[columns].astype(object).equals(after[columns].astype(object))


def test_shipped_resident_labels_automap():
    resident = shipped_questionnaires()["resident"]
    labels = [f"{i + 1}、{q.label['zh']}" for i, q in enumerate(resident.questions) if q.takes_answer]
    mapping = auto_map(labels, resident, "wjx")
    assert all(v is not None and v.kind == "question" for v in mapping.values())
    assert len(set(mapping.values())) == len(labels)
