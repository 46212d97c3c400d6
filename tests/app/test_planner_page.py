"""AppTest smoke test of the planner page: sizes (county beside townships), LQAS, allocation,
drawing the sites and the downloads, in Chinese and English; a bad input shows an error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from sampling import domain_sample_sizes
from sampling.demo import demo_frame

ROOT = Path(__file__).resolve().parents[2]
PAGE = "app/pages/planner.py"


def run_planner(language: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["lang"] = language
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.header] + [e.value for e in at.subheader]
    parts += [e.value for e in at.caption] + [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.markdown] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def test_planner_in_chinese_draws_and_offers_downloads():
    at = run_planner("zh")
    text = texts(at)
    assert "抽样规划" in text and "虚构的示意数据" in text
    # default: 柳南区 satisfaction, threshold 0.90, expected 0.95, deff 1.5, response 0.9
    ref = domain_sample_sizes(demo_frame().populations(), 0.95, threshold=0.90, alpha=0.05, power=0.8,
                              deff=1.5, response_rate=0.9)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["全县样本量"] == f"{ref.county.n:,}"
    assert metrics["各街镇合计"] == f"{ref.townships_total:,}"
    assert not at.error, [e.value for e in at.error]
    assert any("至少" in s.value for s in at.success)  # LQAS rule
    at.button(key="planner.draw").click().run()
    assert not at.exception, at.exception
    assert any("已抽取 33 个点位" in s.value for s in at.success)
    downloads = at.get("download_button")
    assert len(downloads) == 2
    plan = table_with(at, "设计权重")  # the drawn plan in Chinese
    assert {"点位入样概率", "个人入样概率", "该点调查人数", "设计权重", "街镇"} <= set(plan.columns)
    assert not {"inclusion_prob", "person_prob", "take", "weight"} & set(plan.columns)
    summary = table_with(at, "权重合计")
    number = lambda col: summary[col].str.replace(",", "").astype(float)  # noqa: E731 - thousands separators
    assert summary["人口"].str.contains(",").all()
    assert (number("权重合计") - number("人口")).abs().max() <= 1.0


def test_planner_in_english_and_township_basis():
    at = run_planner("en")
    assert "Sampling planner" in texts(at)
    at.radio(key="planner.basis").set_value("townships").run()
    assert not at.exception, at.exception
    alloc = table_with(at, "Share")
    metrics = {m.label: m.value for m in at.metric}
    total = int(alloc["Sample size"].str.replace(",", "").astype(int).sum())
    assert f"{total:,}" == metrics["Total over townships"]


def test_planner_shows_an_error_for_expected_below_threshold():
    at = run_planner("zh")
    at.number_input(key="planner.expected.liunan.satisfaction").set_value(0.85).run()
    assert not at.exception, at.exception
    assert at.error and "below the expected" in at.error[0].value and "输入有误" in at.error[0].value


def test_planner_draws_its_numbers_and_lqas_follows_the_typed_threshold():
    from sampling import lqas_rule, sample_size

    at = run_planner("zh")
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 2, "the planner draws the sample-size curve and the allocation bars"
    caption = next(c.value for c in at.caption if "圆点为当前选择" in c.value)
    ref = sample_size(0.95, threshold=0.90, deff=1.5, response_rate=0.9,
                      population=float(sum(demo_frame().populations().values())))
    assert f"n = {ref.n:,}" in caption
    # type a new threshold: the LQAS target follows it
    at.number_input(key="planner.threshold.liunan.satisfaction").set_value(0.85).run()
    assert not at.exception, at.exception
    upper = next(n for n in at.number_input if n.key.startswith("planner.lqas.upper."))
    assert upper.value == 0.85
    rule = lqas_rule(0.85, 0.75, alpha=0.10, beta=0.10)
    assert any(f"n = {rule.n} 人" in s.value for s in at.success)


def test_planner_says_which_mode_each_indicator_needs_and_sizes_the_households():
    from sampling import draw_plan
    from sampling.household_plan import plan_households

    at = run_planner("zh")
    assert any("调查方式：在调查点拦截就诊者" in c.value for c in at.caption)  # satisfaction is the default indicator
    text = texts(at)
    assert "哪些指标用哪种方式调查" in text and "入户概率抽样" in text and "请先在第 5 节抽取" in text
    at.selectbox(key="planner.indicator").select("knowledge").run()
    assert any("调查方式：入户概率抽样（全体常住居民）" in c.value for c in at.caption)
    at.button(key="planner.draw").click().run()
    assert not at.exception, at.exception
    table = table_with(at, "应抽户数")
    assert {"村（社区）编码", "户数（名单或估计）", "户入样概率", "抽户方式"} <= set(table.columns)
    assert set(table["抽户方式"]) == {"有名单：按名单等距抽户"}
    assert not [i for i in at.info if "随机行走" in i.value]
    at.number_input(key="planner.hh.eligible").set_value(0.8).run()
    at.radio(key="planner.hh.mode").set_value("random_walk").run()
    assert not at.exception, at.exception
    table = table_with(at, "应抽户数")
    drawn = table_with(at, "设计权重")  # the page's defaults: 3 sites per township, PPS, seed 1
    plan = draw_plan(demo_frame(), 3, take=dict(zip(drawn["街镇"], drawn["该点调查人数"])), method="pps", seed=1)
    expected = plan_households(plan, people_per_household=3.0, eligible_share=0.8, mode="random_walk")
    assert table["应抽户数"].tolist() == expected["take"].tolist()
    assert any("应抽 " in s.value for s in at.success)
    assert any("随机行走" in i.value and "不替换" in i.value for i in at.info)


def test_planner_household_section_in_english():
    at = run_planner("en")
    at.button(key="planner.draw").click().run()
    assert not at.exception, at.exception
    assert "Households to draw" in table_with(at, "Households to draw").columns
    assert "Which indicator needs which way" in texts(at)
