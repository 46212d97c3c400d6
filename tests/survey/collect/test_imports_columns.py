"""The column-by-column reading of an import gives what the row-by-row reference gives: the same
accepted rows (answers, clean answers, nonces, paradata) and the same problems in the same order,
on files full of errors; and ``prepare_import`` reports its progress."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import textwrap
from zoneinfo import ZoneInfo

import pytest

from survey.campaign import CampaignSpec, SiteSpec
from survey.collect.imports import auto_map, prepare_import, read_upload
from survey.collect.imports import prepare as prepare_module
from survey.collect.imports.rows import read_rows
from survey.collect.submission import clean_and_score
from survey.questionnaire.loader import parse_questionnaire_text
from survey.questionnaire.profiles import find_profile
from survey.storage import Store

YAML = textwrap.dedent(
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
          - {id: resident, type: yes_no, label: {zh: 住满6个月吗, en: Resident}, ends_form_if: ". = 'no'",
             end_message: {zh: 谢谢, en: Thanks}}
          - {id: age, type: number, integer: true, min: 15, max: 110, label: {zh: 您的年龄, en: Your age},
             constraint: ". != 99", constraint_message: {zh: 不能是99, en: not 99}}
          - id: sex
            type: single
            label: {zh: 您的性别是？, en: Your sex}
            choices:
              - {value: male, label: {zh: 男, en: Male}}
              - {value: female, label: {zh: 女, en: Female}}
          - {id: used_tcm, type: yes_no, label: {zh: 用过中医药服务吗, en: Used TCM services}}
      - id: use
        title: {zh: 使用, en: Use}
        relevant: "${used_tcm} = 'yes'"
        questions:
          - id: services
            type: multiple
            max_selected: 2
            label: {zh: 用过哪些服务（可多选）, en: Which services}
            choices:
              - {value: acupuncture, label: {zh: 针灸, en: Acupuncture}}
              - {value: cupping, label: {zh: 拔罐, en: Cupping}}
              - {value: tuina, label: {zh: 推拿, en: Tuina}}
          - {id: overall, type: likert5, label: {zh: 总体满意度, en: Overall}}
          - {id: note, type: text, required: false, label: {zh: 意见, en: Comments}}
    indicators:
      - id: satisfaction
        label: {zh: 满意率, en: Satisfaction}
        kind: binary
        applies_if: "${used_tcm} = 'yes'"
        items: [overall]
        rule: "${overall} >= 4"
      - id: answered
        label: {zh: 作答数, en: Answered}
        kind: score
        items: [sex, services, overall]
        rule: "answered_count()"
    """
)


@pytest.fixture
def mini():
    return parse_questionnaire_text(YAML, source="mini.yaml")


@pytest.fixture
def campaign(tmp_path, mini):
    with Store.open(f"sqlite:///{tmp_path / 'columns.sqlite'}") as store:
        today = dt.date(2026, 5, 1)
        spec = CampaignSpec(name="列读取", profile_id="liunan", opens_on=today, closes_on=today + dt.timedelta(days=30))
        sites = [SiteSpec("01A", "太阳村镇卫生院", "太阳村镇", "township_centre"),
                 SiteSpec("02A", "洛满镇卫生院", "洛满镇", "township_centre")]
        yield store.create_campaign(spec, [mini], sites, actor="test")


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


CELLS = {  # column: (good cells, bad or odd cells)
    "序号": (["{i}"], ["3", ""]),
    "提交答卷时间": (["2026/5/2 10:00:00", "2026-05-03 11:30", "2026年5月4日 9:00"],
               ["not a date", "", "2026-02-30 10:00:00", "1500-01-01 10:00:00"]),
    "所用时间": (["120秒", "3分5秒", "00:03:05"], ["forever", "", "700000"]),
    "调查点": (["01A", "02A", "洛满镇卫生院", "太阳村镇卫生院"], ["09Z", ""]),
    "住满6个月吗": (["是"], ["否", "", "也许"]),
    "您的年龄": (["34", "70", "41.0"], ["abc", "200", "99", "", "40.5"]),
    "您的性别是？": (["男", "女", "female"], ["不详", "", "(跳过)"]),
    "用过中医药服务吗": (["是", "否", "1", "0"], [""]),
    "用过哪些服务（可多选）": (["针灸┋推拿", "A、C", "拔罐", ""], ["A┋B┋C", "火罐", "针灸┋针灸"]),
    "用过哪些服务/tuina": (["1", "0", ""], ["maybe"]),
    "总体满意度": (["很满意", "5", "3", ""], ["6", "不适用"]),
    "意见": (["", "很好"], ["  ", "\x0b好"]),
}


def _cell(rng: random.Random, column: str, i: int) -> str:
    good, bad = CELLS[column]
    return rng.choice(good if rng.random() < 0.9 else bad).replace("{i}", str(i))


def _random_file(seed: int, n: int = 400) -> bytes:
    rng = random.Random(seed)
    header = list(CELLS)
    rows = [[_cell(rng, h, i + 1) for h in header] for i in range(n)]
    rows[5] = list(rows[4])  # an exact repeat (same 序号: a duplicate id)
    rows[7] = [""] * len(header)  # a blank row is skipped
    return _csv([header, *rows])


def _both(table, questionnaire, campaign, **options):
    """The preview as the column reading gives it, and as the row-by-row reference gives it."""
    new = prepare_import(table, questionnaire, campaign, **options)
    original = prepare_module.read_columns
    prepare_module.read_columns = lambda ctx, problems, progress=None, **_: read_rows(ctx, problems)
    try:
        old = prepare_import(table, questionnaire, campaign, **options)
    finally:
        prepare_module.read_columns = original
    return new, old


def _same(new, old) -> None:
    assert new.accepted == old.accepted
    assert [dict(r.clean) for r in new.accepted] == [dict(r.clean) for r in old.accepted]
    assert [dict(r.answers) for r in new.accepted] == [dict(r.answers) for r in old.accepted]
    assert [(p, dict(p.params)) for p in new.problems] == [(p, dict(p.params)) for p in old.problems]
    assert (new.rows_total, new.skipped_other_instrument) == (old.rows_total, old.skipped_other_instrument)


def _scores_as_submit(preview, questionnaire, campaign) -> None:
    """Each accepted row's scores are those ``Store.submit`` computes (``clean_and_score``)."""
    profile = find_profile(campaign.profile_id)
    assert preview.scored_with == campaign.profile_id
    for row in preview.accepted:
        clean, scores = clean_and_score(questionnaire, row.answers, profile)
        assert (dict(row.clean), dict(row.scores)) == (clean, scores), row.row


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_files_full_of_errors_read_alike(mini, campaign, seed):
    table = read_upload(_random_file(seed), f"random{seed}.csv")
    assert table.format == "wjx"
    mapping = auto_map(table.columns, mini, table.format)
    assert all(mapping.values()), mapping
    new, old = _both(table, mini, campaign, mapping=mapping, choice_maps={"您的性别是？": {"不详": "male"}})
    codes = {p.code for p in new.problems}
    assert {"duplicate_row", "unknown_site", "bad_date", "bad_duration", "invalid_type", "out_of_range", "constraint",
            "unmapped_text", "hidden", "required", "bad_option_flag", "selection_count"} <= codes, codes
    assert new.accepted, "some rows pass"
    _same(new, old)
    _scores_as_submit(new, mini, campaign)
    assert {dict(r.scores)["satisfaction"] for r in new.accepted} == {None, 0, 1}


def test_plain_file_without_ids_or_times_reads_alike(mini, campaign):
    rows = [["site", "resident", "age", "sex", "used_tcm", "services", "overall"]]
    rows += [["01A", "yes", 40, "female", "yes", "tuina", 4]] * 3 + [["02A", "no", "", "", "", "", ""], ["02A", "yes", 5, "x", "", "", ""]]
    table = read_upload(_csv(rows), "plain.csv")
    new, old = _both(table, mini, campaign, default_site=None)
    assert [p.code for p in new.warnings] == ["identical_row", "identical_row"]
    _same(new, old)


def test_kobo_file_with_start_end_and_option_columns_reads_alike(mini, campaign):
    header = ["start", "end", "grp/resident", "grp/age", "grp/sex", "grp/used_tcm", "grp/services", "grp/services/acupuncture",
              "grp/services/cupping", "grp/services/tuina", "grp/overall", "site", "_uuid", "instrument"]
    rows = [header]
    for i in range(60):
        rows.append([f"2026-05-02T09:{i % 60:02d}:00.000+08:00", f"2026-05-02T10:{i % 50:02d}:00.000+08:00" if i % 7 else "bad",
                     "yes", str(20 + i), "female" if i % 2 else "male", "yes" if i % 3 else "no", "" if i % 4 else "cupping",
                     str(i % 2), "x" if i == 5 else "1", "", "4" if i % 3 else "", "01A", f"uuid-{i // 2}",
                     "other" if i == 9 else "mini"])
    table = read_upload(_csv(rows), "kobo.csv")
    assert table.format == "kobo"
    new, old = _both(table, mini, campaign)
    assert new.skipped_other_instrument == 1
    _same(new, old)


def test_progress_rises_to_one(mini, campaign):
    table = read_upload(_random_file(4, n=50), "progress.csv")
    seen: list[tuple[float, str]] = []
    prepare_import(table, mini, campaign, progress=lambda fraction, stage: seen.append((fraction, stage)))
    fractions = [f for f, _ in seen]
    assert len(fractions) >= 5
    assert fractions == sorted(fractions) and fractions[0] >= 0.0 and fractions[-1] == 1.0
    assert all(isinstance(stage, str) and stage for _, stage in seen)


@pytest.mark.parametrize("text", ["2026/5/2 10:00:00", "2026-05-02 10:00", "2026年5月2日 9:05:07", "2026-5-2", "2026-05-02T23:59:59",
                                  "2026-02-30 10:00:00", "1500-01-01", "2026-05-02 24:00:00", "2026-05-02 10:00:00.5"])
def test_plain_times_are_read_as_pandas_reads_them(text):
    import pandas as pd

    from survey.collect.imports.upload import parse_time

    got = parse_time(text, "Asia/Shanghai")
    cleaned = text.replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-").strip()
    try:
        stamp = pd.Timestamp(cleaned)
        expected = "bad" if pd.isna(stamp) else stamp.to_pydatetime().replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    except (ValueError, TypeError):
        expected = "bad"
    assert got == expected
