"""Issue 23 item 5: a wjx row is identified by the export's own 序号 (with the questionnaire), so a
re-saved or cumulative download imports only the new respondents; a plain file whose every row
equals a stored response is refused unless the user confirms a deliberate re-entry."""

from __future__ import annotations

from survey.collect.imports import import_rows, prepare_import, read_upload

from .test_imports import _campaign, _count, _csv, mini, store  # noqa: F401 - the fixtures

HEADER = ["序号", "提交答卷时间", "site", "1、您的年龄", "2、您的性别是？", "3、用过中医药服务吗", "4、用过哪些服务（可多选）", "5、总体满意度"]
ROWS = [
    ["1", "2026/5/2 10:00:00", "01A", "35", "女", "否", "", ""],
    ["2", "2026/5/2 11:00:00", "01A", "52", "男", "否", "", ""],
    ["3", "2026/5/2 12:00:00", "02A", "61", "女", "否", "", ""],
    ["4", "2026/5/3 09:00:00", "02A", "44", "男", "否", "", ""],
    ["5", "2026/5/3 10:00:00", "01A", "29", "女", "否", "", ""],
]


def test_issue23_5_a_cumulative_wjx_download_adds_only_the_new_respondents(store, mini):  # noqa: F811
    campaign = _campaign(store, [mini])
    first = prepare_import(read_upload(_csv([HEADER, *ROWS]), "wjx-0503.csv"), mini, campaign, store=store)
    assert import_rows(store, campaign.id, mini, first, actor="test").imported == 5
    # the next day's download: the same five (re-saved, so other bytes: a blank line moved) and two new ones
    later = [HEADER, *ROWS, ["6", "2026/5/4 09:00:00", "01A", "33", "男", "否", "", ""],
             ["7", "2026/5/4 10:00:00", "02A", "47", "女", "否", "", ""]]
    second = prepare_import(read_upload(_csv(later), "wjx-0504.csv"), mini, campaign, store=store)
    assert second.already_imported == 5 and second.new_rows == 2
    result = import_rows(store, campaign.id, mini, second, actor="test")
    assert (result.imported, result.repeats) == (2, 5)
    assert _count(store, campaign.id) == 7


def test_issue23_5_a_plain_copy_is_refused_unless_a_reentry_is_confirmed(store, mini):  # noqa: F811
    campaign = _campaign(store, [mini])
    plain = [["site", "您的年龄", "您的性别是？", "用过中医药服务吗"], ["01A", "35", "女", "否"], ["02A", "61", "男", "否"]]
    first = prepare_import(read_upload(_csv(plain), "paper.csv"), mini, campaign, store=store)
    assert first.format == "plain" and import_rows(store, campaign.id, mini, first, actor="test").imported == 2
    copy = read_upload(_csv(plain + [["01A", "35", "女", "否"]][:0]) + b"\n", "paper (1).csv")
    again = prepare_import(copy, mini, campaign, store=store)
    assert [p.code for p in again.blocking] == ["all_stored_alike"] and not again.can_import
    confirmed = prepare_import(copy, mini, campaign, store=store, reentry=True)
    assert not confirmed.blocking and confirmed.can_import
    assert import_rows(store, campaign.id, mini, confirmed, actor="test").imported == 2
    assert _count(store, campaign.id) == 4
