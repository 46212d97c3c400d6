"""The report's blocks on response integrity (in Chinese): verdicts with and without the responses
still flagged, side by side, and where the data came from, site by site.

Two functions, each called once by :func:`analysis.report.document.build_document`:
:func:`sensitivity_blocks` (in the summary) and :func:`paradata_blocks` (with the response counts).
Both return nothing when the report was collected without quality flags.
"""

from __future__ import annotations

from typing import Any

from ..formatting import indicator_labels, interval
from ..quality import RULE_SENTENCES
from ..verdict import interval_label, verdict_word
from .blocks import Bullets, Heading, Paragraph, Table, count, pct
from .cells import clean_text
from .data import ReportData


def sensitivity_blocks(data: ReportData) -> list[Any]:
    """Flag counts and review state, then per indicator the county-wide estimate and verdict on all
    responses and without the open flagged ones, and one sentence each saying whether it changes."""

    integrity = data.integrity
    if integrity is None:
        return []
    quality, compared = integrity.quality, integrity.sensitivity
    flags = quality.flags
    flagged = flags[flags["flagged"].to_numpy(dtype=bool)]
    by_rule = "，".join(f"{words['zh']} {int(flags[r].sum())} 份" for r, words in RULE_SENTENCES.items() if int(flags[r].sum()))
    reviewed = flagged["review"].value_counts()
    text = (f"数据质量核查：共收到 {quality.responses} 份问卷，按质量规则标记 {len(flagged)} 份"
            + (f"（{by_rule}；一份问卷可有多个原因）" if by_rule else "")
            + f"。其中评估人员核实保留 {int(reviewed.get('approved', 0))} 份，排除 {int(reviewed.get('excluded', 0))} 份，"
            f"尚未审核 {len(quality.open_ids)} 份。被排除的问卷不计入任何结果，但原始记录完整保留；标记本身不删除任何问卷。")
    blocks: list[Any] = [Paragraph(text)]
    if integrity.exclude_flagged:
        blocks.append(Paragraph("本报告的结果已排除尚未审核的可疑问卷（--exclude-flagged）。", "note"))
    if not len(compared.table):
        return blocks
    level = interval_label(compared.level)  # the verdict's interval, as everywhere a verdict is shown
    labels = indicator_labels(data.results.questionnaires)
    rows = []
    for r in compared.table.itertuples(index=False):
        rows.append((labels.get((r.questionnaire_id, r.var), r.var),
                     count(r.n_all), pct(r.estimate_all), interval(r.ci_low_all, r.ci_high_all, n=r.n_all, verdict=r.verdict_all),
                     verdict_word(r.verdict_all),
                     count(r.n_clean), pct(r.estimate_clean), interval(r.ci_low_clean, r.ci_high_clean, n=r.n_clean, verdict=r.verdict_clean),
                     verdict_word(r.verdict_clean), "是" if r.depends else "否"))
    blocks.append(Table(
        ("指标", "全部：样本量", "全部：估计值", f"全部：{level}", "全部：判定",
         "排除可疑后：样本量", "排除可疑后：估计值", f"排除可疑后：{level}", "排除可疑后：判定", "结论取决于可疑问卷"),
        tuple(rows), (2.2, 1.0, 1.0, 1.7, 1.1, 1.0, 1.0, 1.7, 1.1, 1.1),
        caption="表：全部问卷（不含已排除的）与排除尚未审核的可疑问卷后的结果对照", key="sensitivity"))
    sentences = compared.sentences("zh", labels)
    if sentences:
        blocks.append(Bullets(tuple(sentences)))
    if compared.depends:
        blocks.append(Paragraph("注意：上述结论取决于尚未审核的可疑问卷。请评估人员在评审前逐份核查这些问卷（核实保留或排除，"
                                "并记录理由），再据此下结论。", "note"))
    return blocks


def paradata_blocks(data: ReportData) -> list[Any]:
    """Per site: responses, days with responses, responses per day, median answering time, flagged
    share, open and excluded, so a reviewer sees where the data came from."""

    integrity = data.integrity
    if integrity is None or not len(integrity.quality.by_site):
        return []
    names = {s.code: _short(clean_text(s.name)) for s in data.results.campaign.sites}  # free text: no control characters
    rows = []
    for s in integrity.quality.by_site.itertuples(index=False):
        minutes = "—" if s.median_duration_s != s.median_duration_s else f"{s.median_duration_s / 60:.1f}"
        rows.append((_short(clean_text(str(s.site))), names.get(s.site, ""), count(s.responses), count(s.days), f"{s.per_day:.1f}", minutes,
                     count(s.flagged), f"{s.share_flagged * 100:.0f}%", count(s.open), count(s.excluded)))
    return [
        Heading("各调查点的数据来源与质量", 2),
        Paragraph("下表按调查点列出问卷数、有问卷的天数、日均问卷数、答题时长中位数和被质量规则标记的比例，"
                  "便于评审人员核对数据来源。答题时长由问卷页面记录（导入的纸质问卷等没有时长）。"
                  "本系统不记录受访者的 IP 地址和浏览器标识；同一手机只以加密摘要区分，无法据此识别个人。", "small"),
        Table(("调查点", "名称", "问卷数", "天数", "日均", "时长中位数（分钟）", "被标记", "标记比例", "待审核", "已排除"),
              tuple(rows), (1.0, 2.4, 0.9, 0.8, 0.8, 1.4, 0.9, 0.9, 0.9, 0.9), key="paradata"),
    ]


def _short(text: str, limit: int = 40) -> str:
    """A table cell of at most ``limit`` characters (a long name would not fit one PDF page)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
