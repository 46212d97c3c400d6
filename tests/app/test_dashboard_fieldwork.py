"""AppTest checks of the dashboard's fieldwork tab: shown only with households, per-village rates,
the fieldwork next steps, and a failing panel that hides nothing else."""

from __future__ import annotations

import datetime as dt

from survey.collect.households import HouseholdSpec

from .respond_helpers import make_campaign, open_view
from .test_dashboard import signed_in, store, texts  # noqa: F401  (the store fixture)

# the village of issue 19: 6 completes, 2 refusals, 1 non-contact after 3 visits, 1 not eligible
OUTCOMES = [["1.1"]] * 6 + [["2.11"], ["2.24", "2.11"], ["2.24", "2.24", "2.24"], ["4.70"]]


def fieldwork(store):  # noqa: F811
    campaign = make_campaign(store)
    store.assign_households(campaign.id, [HouseholdSpec("01A", f"{i:03d}") for i in range(1, 11)], surveyor="sam", actor="test")
    store.assign_households(campaign.id, [HouseholdSpec("04B", "001")], surveyor="sam", actor="test")
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    for number, (household, codes) in enumerate(zip(store.households(campaign.id, site_code="01A"), OUTCOMES)):
        for visit, code in enumerate(codes):
            store.record_visit(campaign.id, household.id, visited_at=start + dt.timedelta(hours=visit, minutes=number),
                               disposition=code, nonce=f"visit-{number:03d}-{visit}", actor="sam")
    return campaign


def sites_table(at):
    return next(d.value for d in at.dataframe if "村（社区）" in d.value.columns)


def test_no_fieldwork_tab_without_households(store):  # noqa: F811
    make_campaign(store)
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert "入户调查" not in [tab.label for tab in at.tabs]


def test_the_village_shows_rr1_six_ninths_and_its_refusals_are_a_next_step(store):  # noqa: F811
    fieldwork(store)
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert "入户调查" in [tab.label for tab in at.tabs]
    assert "太阳村镇 太阳村镇卫生院：已结束的 10 户中拒访率达 22\\.2%" in texts(at)  # a next step, in the progress view
    open_view(at, "入户调查")
    table = sites_table(at)
    village = table[table["村（社区）"] == "太阳村镇卫生院（01A）"].iloc[0]
    assert village["乡镇"] == "太阳村镇"
    assert (village["已分派户数"], village["已访问户数"], village["完成访问"]) == ("10", "10", "6")
    assert village["应答率 RR1"] == "66.7%" and village["应答率 RR3"] == "66.7%"  # 6 / 9
    assert village["接触率 CON1"] == "88.9%" and village["拒访率 REF1"] == "22.2%"
    unvisited = table[table["村（社区）"].str.endswith("（04B）")].iloc[0]
    assert (unvisited["已分派户数"], unvisited["已访问户数"], unvisited["应答率 RR1"]) == ("1", "0", "—")
    townships = next(d.value for d in at.dataframe if "乡镇" in d.value.columns and "村（社区）" not in d.value.columns
                     and "已分派户数" in d.value.columns)
    assert townships["乡镇"].tolist() == ["太阳村镇", "柳南街道", "全县"]
    shown = texts(at)
    assert "接触率低于 70% 时提示" in shown and "拒访率高于 20% 时提示" in shown


def test_a_failing_fieldwork_panel_hides_nothing_else(store, monkeypatch):  # noqa: F811
    import app.fieldwork_panel as panel

    fieldwork(store)

    def broken(*args, **kwargs):
        raise RuntimeError("broken household record")

    monkeypatch.setattr(panel, "fieldwork_table", broken)
    monkeypatch.setattr(panel, "fieldwork_steps", broken)
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert [tab.label for tab in at.tabs] == ["进度", "结果与判定", "调查期间监测", "题目分析", "报告与数据下载", "入户调查"]
    assert any("下一步工作" == s.value for s in at.subheader)  # the progress tab is still there
    assert "broken household record" not in texts(at)
    open_view(at, "入户调查")
    assert not at.exception, at.exception
    assert any("入户调查数据暂时无法显示" in e.value for e in at.error)
    assert [tab.label for tab in at.tabs][-1] == "入户调查"
    assert "broken household record" not in texts(at)


def test_the_fieldwork_tab_in_english(store):  # noqa: F811
    fieldwork(store)
    at = signed_in("eva", language="en")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "Fieldwork")
    table = next(d.value for d in at.dataframe if "Village (community)" in d.value.columns)
    assert "66.7%" in table["Response rate RR1"].tolist()
