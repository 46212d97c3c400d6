"""The report's mean scores: score indicators whose official figure is the mean.

:attr:`analysis.campaign.CampaignResults.means` holds them (:mod:`analysis.campaign.means`: a
profile's ``official: mean``, e.g. 钦州's ``literacy_score``, the share of the points of the
中医药健康文化素养 test). The summary lists the county-wide means; section 四 gives each mean overall
and per township. A mean is a share of the points, written as a percentage with one decimal
(``55.9%``), its standard error in percentage points, and its two-sided ``level`` t interval on
the design degrees of freedom. No plan sets a target for a mean, so no verdict is printed.
"""

from __future__ import annotations

from typing import Any

from ..formatting import indicator_label, missing
from ..verdict import interval_label
from .blocks import Heading, Paragraph, Table, count, num, pct, se_pp

__all__ = ["MEAN_HEADER", "mean_rows", "mean_section_blocks", "mean_summary_blocks"]

MEAN_WIDTHS = (1.8, 0.9, 1.1, 1.1, 1.1, 1.1, 0.9, 0.8)


def mean_header(level: float) -> tuple[str, ...]:
    two = interval_label(level, one_sided=False).removesuffix("（双侧）")
    return ("范围", "样本量", "平均得分率", "标准误（百分点）", f"{two}下限", f"{two}上限", "设计效应", "自由度")


MEAN_HEADER = mean_header(0.95)


def _label(results: Any, questionnaire_id: str, indicator: str) -> str:
    return indicator_label(results.questionnaires[questionnaire_id], indicator)


def mean_rows(rows: Any) -> tuple[tuple[str, ...], ...]:
    """Table rows (range, n, mean, SE in pp, interval, deff, df) of mean estimates."""
    out = []
    for e in rows.itertuples(index=False):
        where = "全县（区）" if e.scope == "overall" else str(e.domain)
        out.append((where, count(e.n), pct(e.estimate), se_pp(e.se), pct(e.ci_low), pct(e.ci_high), num(e.deff),
                    count(e.df)))
    return tuple(out)


def mean_summary_blocks(results: Any) -> list[Any]:
    """The summary's mean scores (county-wide), or nothing when the profile reports no mean."""
    means = results.means
    if means is None or not len(means):
        return []
    overall = means[means["scope"] == "overall"]
    rows = []
    for e in overall.itertuples(index=False):
        rows.append((_label(results, e.questionnaire_id, e.var), count(e.n), pct(e.estimate), se_pp(e.se),
                     pct(e.ci_low), pct(e.ci_high)))
    two = interval_label(results.level, one_sided=False)
    return [
        Paragraph(f"以下得分指标按辖区配置以均值为官方口径：平均得分率（得分占满分的比例）及其标准误和{two}；"
                  "规划未对均值设达标线，不作判定。"),
        Table(("指标", "样本量", "平均得分率", "标准误（百分点）", f"{two.removesuffix('（双侧）')}下限",
               f"{two.removesuffix('（双侧）')}上限"), tuple(rows), (2.8, 1.0, 1.2, 1.3, 1.2, 1.2), key="summary_means"),
    ]


def mean_section_blocks(results: Any, number: int) -> list[Any]:
    """Section 四's subsections for the mean scores, numbered from ``number + 1``."""
    means = results.means
    if means is None or not len(means):
        return []
    blocks: list[Any] = []
    two = interval_label(results.level, one_sided=False)
    pairs = means[["questionnaire_id", "var"]].drop_duplicates().itertuples(index=False, name=None)
    for questionnaire_id, indicator in pairs:
        number += 1
        label = _label(results, questionnaire_id, indicator)
        rows = means[(means["questionnaire_id"] == questionnaire_id) & (means["var"] == indicator)]
        o = rows[rows["scope"] == "overall"].iloc[0]
        blocks.append(Heading(f"（{number}）{label}", 2))
        desc = results.questionnaires[questionnaire_id].indicator(indicator).description
        if desc:
            blocks.append(Paragraph("指标定义：" + desc.get("zh", "")))
        if missing(o.estimate):
            blocks.append(Paragraph("暂无可用答卷：目前没有适用于本指标的答卷，尚无估计值。"))
            continue
        blocks.append(Paragraph(f"全县（区）平均得分率为 {pct(o.estimate)}，标准误 {se_pp(o.se)} 个百分点，{two}为 "
                                f"{pct(o.ci_low)} 至 {pct(o.ci_high)}（样本量 {count(o.n)}，设计效应 {num(o.deff)}）。"
                                "均值按分层整群设计计算，区间用设计自由度的 t 分布。"))
        blocks.append(Table(mean_header(results.level), mean_rows(rows), MEAN_WIDTHS,
                            caption=f"表：{label}（全县及各乡镇/街道的平均得分率，{two}）", key=f"means:{indicator}"))
    return blocks
