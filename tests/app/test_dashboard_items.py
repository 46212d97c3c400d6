"""AppTest check of the dashboard's 题目分析 tab: one table per analysis with ``analysis.items``' numbers
over the counted responses, flags in Chinese words, and the same in English."""

from __future__ import annotations

from analysis.campaign import compute_results, load_campaign_data
from analysis.items import FLAG_WORDS
from analysis.report.data import counted_items
from analysis.report.items import distinct
from survey.demo import create_demo

from .respond_helpers import open_view
from .test_dashboard import signed_in, store, texts  # noqa: F401 - the fixture


def test_the_items_tab_shows_each_analysis(store):  # noqa: F811
    campaign = create_demo(store, responses=200, seed=4).campaign
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "题目分析")
    data = load_campaign_data(store, campaign.id)
    groups = distinct(counted_items(data, compute_results(data)))
    tables = [d.value for d in at.dataframe if "校正题总相关" in d.value.columns]
    assert len(tables) == len(groups) > 0
    for table, (found, _) in zip(tables, groups):
        assert [row.endswith(f"（{i.id}）") for row, i in zip(table["题目"], found.items)] == [True] * len(found.items)
        assert list(table["答对比例"]) == [i.correct * 100 for i in found.items]
    text = texts(at)
    first = groups[0][0]
    assert f"{first.n} 份答卷，{first.k} 道题；内部一致性 α = {first.alpha:.2f}" in text
    flags = {f for found, _ in groups for i in found.items for f in i.flags}
    words = {w for table in tables for cell in table["提示"] for w in cell.split("；")}
    assert flags and {FLAG_WORDS[f]["zh"] for f in flags} <= words


def test_the_items_tab_in_english(store):  # noqa: F811
    create_demo(store, responses=60, seed=2)
    at = signed_in("admin", "admin-password-1", language="en")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "Item analysis")
    assert any("Corrected item-total r" in d.value.columns for d in at.dataframe)
    assert "internal consistency α" in texts(at)
