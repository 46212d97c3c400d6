"""The report as a list of neutral blocks (headings, paragraphs, tables, images) in Chinese.

The Word and PDF writers render the same blocks, so both carry the same words and the same
numbers, formatted here once from the engine's results:

* rates as percentages with one decimal (``88.3%``), standard errors in percentage points with
  two decimals, design effects with two decimals, counts as integers;
* the verdict (达标 / 未达标 / 尚不能确定 / 调查点不足，不能单独判定) and beside it the interval it used:
  the one-sided bounds at the profile's level, labelled as the two-sided ``2 level - 1`` interval
  (``90%置信区间（单侧95%界限）``); the rule's sentence (:func:`analysis.verdict.rule_text`) in the
  summary; the two-sided ``level`` interval only as a second, labelled reference;
* a township with too few sites (``few_sites``) shows no standard error or design effect ("—",
  with a note under the table): with one or two sites they mean nothing;
* dates and times in the campaign's time zone (:mod:`analysis.formatting`, which writes every number
  and date of the reports);
* the verdict and LQAS words from the rules that define them (:data:`analysis.verdict.VERDICT_WORDS`,
  :data:`sampling.lqas.LQAS_WORDS`); one verdict per row: the watching hints
  (:data:`analysis.sequential.FLAG_WORDS`) are for the dashboard and the workbook, never beside a verdict.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sampling.lqas import LQAS_WORDS

from ..campaign import CampaignResults, group_next_steps, progress_by_stratum
from ..campaign.weights import MODE_WORDS
from ..disclosure import SUPPRESSED_NOTE
from ..formatting import date_zh, datetime_zh, interval, level_percent, missing
from ..formatting import indicator_label as _label
from ..verdict import MIN_DF, interval_label, rule_text, verdict_word
from .blocks import Bullets, Document, Heading, Image, PageBreak, Paragraph, Table, count, num, pct, reading, se_pp
from .data import ReportData
from .forest import ForestRow, PlotDrawer
from .integrity import paradata_blocks, sensitivity_blocks
from .items import item_blocks
from .means import mean_section_blocks, mean_summary_blocks

#: under a table holding township rows with too few sites
FEW_SITES_NOTE_ZH = ("注：“调查点不足，不能单独判定”的乡镇（街道）只有 1–2 个调查点（设计自由度小于 {min_df}），"
                     "其标准误和设计效应没有意义，以“—”表示；其区间仅说明不确定的程度，不作判定，只有一个调查点时无法计算"
                     "（表中写“无区间 点太少”；“人数少”为人数不足 3 人不单独列出，“无问卷”为尚无可用问卷）；"
                     "全县（区）的结果是本报告的结论。")
CI_ZH = {
    "beta": "Korn–Graubard 法（基于贝塔分布、按有效样本量和设计自由度校正，适合接近 0 或 100% 的比例）",
    "logit": "logit 变换法（在对数优势尺度上按设计标准误构造区间）",
    "xlogit": "logit 变换法（delta 法）",
    "mean": "Wald 法（估计值 ± t 分位数 × 标准误）",
    "asin": "反正弦变换法",
    "likelihood": "Rao–Scott 校正的似然比法",
    "wilson": "Wilson 得分法（仅适用于简单随机抽样）",
    "clopper-pearson": "Clopper–Pearson 精确法（仅适用于简单随机抽样）",
    "jeffreys": "Jeffreys 法（仅适用于简单随机抽样）",
}
WEIGHTS_ZH = {
    "household": "入户概率抽样的三阶段设计权重：每户权重等于家中符合条件的成员数除以（村被抽中的概率 × 户被抽中的概率），"
                 "再在每个村内按无应答调整（估计的合格户数 ÷ 完成访问的户数，资格不明户按美国民意研究协会 AAPOR 的比例分配法折算）",
    "plan": "采用抽样方案给出的设计权重（每名受访者代表的人数，等于入样概率的倒数）",
    "population": "按各乡镇（街道）常住人口加权：每名受访者的权重为所在乡镇（街道）人口数除以该乡镇（街道）的受访人数，"
                  "使全县（区）结果按人口比例综合各乡镇（街道）",
    "equal": "各受访者权重相同（未提供抽样权重或人口数）",
    "equal_staff": "各受访人员权重相同（每名中医药人员计一次）",
}
CALIBRATION_ZH = {
    "poststratify": "再按上传的人口数进行事后分层调整（各单元加权人数等于该单元人口数）",
    "rake": "再按上传的人口数的各边际分布进行迭代比例调整（raking）",
}
SOURCE_ZH = {"qr": "扫码自填", "surveyor": "调查员录入", "import": "外部导入"}
NO_DATA_ZH = "暂无可用答卷"


def indicator_label(results: CampaignResults, questionnaire_id: str, indicator: str) -> str:
    """The indicator's Chinese label."""
    return _label(results.questionnaires[questionnaire_id], indicator)


def min_df_of(results: CampaignResults) -> int:
    return int(getattr(results.profile, "min_df", MIN_DF)) if results.profile is not None else MIN_DF


def judged_alone(e: Any) -> bool:
    """The row's standard error and design effect mean something (not a township with too few sites)."""
    return not (isinstance(e.verdict, str) and e.verdict == "few_sites")


def estimate_row(e: Any, label: str) -> tuple[str, ...]:
    """One table row: label, n, estimate, SE (pp), CI low, CI high, deff, df, verdict, point reading."""
    alone = judged_alone(e)
    low, high = ((pct(e.ci_low), pct(e.ci_high)) if not (missing(e.ci_low) or missing(e.ci_high))
                 else interval_missing_zh(e))  # the reason in words, not "—" and "—"
    return (label, count(e.n), pct(e.estimate), se_pp(e.se) if alone else "—", low, high,
            num(e.deff) if alone else "—", count(e.df), verdict_word(e.verdict), reading(e.point_reaches))


def interval_missing_zh(e: Any) -> tuple[str, str]:
    """The two interval cells of a row without an interval, in words short enough for the table:
    无区间 and why (too few responses to show: small-cell suppression; no usable response; too
    few sites). The note under the table says more."""
    if getattr(e, "note", None) == SUPPRESSED_NOTE or (e.verdict is pd.NA and not missing(e.n) and int(e.n) > 0):
        return "无区间", "人数少"
    if missing(e.n) or int(e.n) == 0:
        return "无区间", "无问卷"
    return "无区间", ("点太少" if isinstance(e.verdict, str) and e.verdict == "few_sites" else "无法计算")


def interval_ends_zh(level: float) -> tuple[str, str]:
    """Column headers of the verdict's interval, e.g. ``90%置信下限``."""
    two = level_percent(2 * level - 1)
    return f"{two}置信下限", f"{two}置信上限"


def reference_text(data: ReportData) -> str:
    """The method section's last words: the reference the numbers are tested against, and the
    data fingerprint a reviewer can check the results bundle against."""
    text = ("本报告的估计值、标准误、设计效应、置信区间和判定，均以 R 语言 survey 软件包（Lumley）为参照检验："
            "同一设计下两者结果一致。")
    if data.fingerprint is not None:
        text += (f"{data.fingerprint.text('zh')}（问卷、审核决定、抽样设计、问卷版本、达标线和分析选项的摘要）。"
                 "评审专家可索取结果包（python -m analysis bundle），用 python -m analysis verify 核对其数据与本指纹一致，"
                 "并用包内的 reproduce.R 以 R survey 软件包重算全部结果。")
    return text


def estimate_header(level: float) -> tuple[str, ...]:
    low, high = interval_ends_zh(level)
    return ("范围", "样本量", "估计值", "标准误（百分点）", low, high, "设计效应", "自由度", "判定", "点估计是否达到达标线")


ESTIMATE_HEADER = estimate_header(0.95)
ESTIMATE_WIDTHS = (1.5, 0.8, 0.9, 1.0, 1.0, 1.0, 0.9, 0.7, 3.1, 1.2)


@dataclass(frozen=True)
class PlotToCome:
    """An :class:`Image` whose PNG a :class:`PlotDrawer` thread is drawing (:func:`document_drawing`)."""

    png: Future[bytes]
    width_mm: float
    caption: str

    def image(self) -> Image:
        """The image, once drawn (waits for it)."""
        return Image(self.png.result(), self.width_mm, self.caption)


def build_document(data: ReportData, *, with_appendix: bool = True, with_plots: bool = True) -> Document:
    """The report's blocks; the forest plots are drawn on threads while the other blocks are made."""
    with document_drawing(data, with_appendix=with_appendix, with_plots=with_plots) as document:
        return Document(document.title, tuple(b.image() if isinstance(b, PlotToCome) else b for b in document.blocks))


@contextmanager
def document_drawing(data: ReportData, *, with_appendix: bool = True, with_plots: bool = True) -> Iterator[Document]:
    """The report's blocks with a :class:`PlotToCome` for each forest plot, drawn on threads meanwhile
    (a writer takes each when it comes to it: the PDF lays out the pages before it); the threads
    end with the ``with`` block."""
    with PlotDrawer(threads=None if with_plots else 1) as drawer:
        yield _build_document(data, drawer, with_appendix=with_appendix, with_plots=with_plots)


def _build_document(data: ReportData, drawer: PlotDrawer, *, with_appendix: bool, with_plots: bool) -> Document:
    results = data.results
    campaign = results.campaign
    profile = results.profile
    level = results.level
    blocks: list[Any] = []
    demo = bool(getattr(campaign, "demo", False)) or bool(results.responses["simulated"].any()) if len(results.responses) else bool(getattr(campaign, "demo", False))
    # ---------------------------------------------------------------- cover
    blocks.append(Paragraph(campaign.name, "cover_title"))
    blocks.append(Paragraph("全国基层中医药工作示范县（市）创建 · 居民与基层中医药人员调查评估报告", "cover_sub"))
    cover = [
        ("组织单位", campaign.organizer or "—"),
        ("达标依据", (profile.name.get("zh", profile.id) + "：" + profile.source.get("zh", "")) if profile else "—"),
        ("调查时间", f"{date_zh(campaign.opens_on)} 至 {date_zh(campaign.closes_on)}"),
        ("计入分析的问卷", f"{len(results.responses)} 份"),
        ("报告生成时间", datetime_zh(data.generated_at, campaign.timezone)),
    ]
    blocks.append(Table(("项目", "内容"), tuple(cover), (1.0, 4.0), key="cover"))
    if demo:
        blocks.append(Paragraph("注意：本报告使用演示框架和模拟数据生成，仅用于演示本工具，不得作为评审依据。", "note"))
    blocks.append(PageBreak())

    # ---------------------------------------------------------------- summary
    blocks.append(Heading("一、结果摘要"))
    if results.is_empty:
        blocks.append(Paragraph("本次调查尚未收到计入分析的问卷，暂无结果。"))
    else:
        blocks.append(Paragraph(
            f"下表列出各项指标的全县（区）估计值及其{interval_label(level)}。" + rule_text(level, "zh", min_df_of(results))
            + "右列给出仅看点估计时的读法，仅供参考，不能代替判定。"))
        rows = []
        for e in results.overall().itertuples(index=False):
            mode = f"（{MODE_WORDS[e.mode]['zh']}）" if getattr(e, "mode", None) in MODE_WORDS and results.questionnaires[
                e.questionnaire_id].audience == "residents" else ""
            rows.append((indicator_label(results, e.questionnaire_id, e.var) + mode, pct(e.threshold, 0) if e.threshold is not pd.NA else "—",
                         count(e.n), pct(e.estimate), pct(e.ci_low), pct(e.ci_high), verdict_word(e.verdict),
                         reading(e.point_reaches)))
        blocks.append(Table(("指标", "达标线", "样本量", "估计值", *interval_ends_zh(level), "判定", "点估计是否达到达标线"),
                            tuple(rows), (2.6, 1.0, 1.0, 1.1, 1.1, 1.1, 1.3, 1.8), key="summary"))
        blocks.extend(mean_summary_blocks(results))  # score indicators reported as a mean (profile: official: mean)
    blocks.extend(sensitivity_blocks(data))  # with and without the responses still flagged

    # ---------------------------------------------------------------- method
    blocks.append(Heading("二、调查方法"))
    sites = campaign.sites
    strata = list(dict.fromkeys(s.stratum for s in sites))
    psus = {(s.stratum, s.psu) for s in sites}
    blocks.append(Paragraph(
        f"抽样框与样本设计：本次调查覆盖 {len(strata)} 个乡镇（街道），共 {len(sites)} 个调查点"
        f"（{len(psus)} 个初级抽样单位）。以乡镇（街道）为层，以调查点所属村（社区）或机构为初级抽样单位（整群），"
        "同一调查点的受访者彼此相似，因此按整群计算抽样误差，而不是当作简单随机样本。"))
    first = results.responses["submitted_at"].min() if len(results.responses) else None
    last = results.responses["submitted_at"].max() if len(results.responses) else None
    if first is not None:
        tz = campaign.timezone
        blocks.append(Paragraph(
            f"现场调查：问卷收集时间为 {date_zh(first.tz_convert(tz).date())} 至 {date_zh(last.tz_convert(tz).date())}。"
            "受访者通过扫描调查点的二维码自行填写，或由调查员录入；纸质问卷和其他平台收集的问卷经校验后导入。"
            "所有问卷都按同一套规则校验（必答题、跳题逻辑、取值范围）。"))
    for questionnaire_id, info in results.design_notes["questionnaires"].items():
        q = results.questionnaires[questionnaire_id]
        title = q.title.get("zh", questionnaire_id)
        if not info.get("responses"):
            blocks.append(Paragraph(f"{title}：尚无计入分析的问卷。"))
            continue
        words = WEIGHTS_ZH.get(info.get("weights"), "")
        if info.get("calibrated"):
            words += "，" + CALIBRATION_ZH[info["calibrated"]]
        deff = info.get("design_effect")
        deff_words = f"各率设计效应的中位数约为 {deff:.2f}；" if deff is not None else ""
        blocks.append(Paragraph(
            f"{title}：计入分析 {info['responses']} 份，来自 {info['sites']} 个调查点、{info['strata']} 个乡镇（街道）。"
            f"{MODE_WORDS[info.get('mode', 'site')]['long_zh']}"
            f"加权方法：{words}。权重范围 {info['weight_min']:.2f}–{info['weight_max']:.2f}，"
            f"{deff_words}设计自由度为 {info['df']}。"))
        steps = info.get("household_steps")
        if steps is not None and len(steps):
            blocks.append(Table(("村（调查点）", "村入样概率", "户入样概率", "抽中户数", "估计合格户数", "完成访问户数", "无应答调整系数"),
                                tuple((s.site, f"{s.inclusion_prob:.4f}", f"{s.household_prob:.4f}", count(s.households),
                                       f"{s.eligible_estimate:.1f}", count(s.respondents), f"{s.adjustment:.3f}")
                                      for s in steps.itertuples(index=False)),
                                (1.4, 1.0, 1.0, 0.9, 1.0, 1.0, 1.1), key=f"household_steps_{questionnaire_id}"))
    blocks.append(Paragraph(
        f"置信区间：采用{CI_ZH.get(results.options.ci, results.options.ci)}。判定与表中的区间都是单侧 {level * 100:.0f}% "
        f"置信界限，即双侧 {(2 * level - 1) * 100:.0f}% 置信区间：“达标”的结论犯错的概率不超过 {(1 - level) * 100:.0f}%，"
        f"与样本量计算所用的单侧检验水平一致；双侧 {level * 100:.0f}% 置信区间仅作参考列出。"
        "比例为 0 或 100% 时，按该指标在全样本中的设计效应和自由度折算有效样本量，再用 Clopper–Pearson 精确法。"
        "标准误按分层整群设计用泰勒线性化方法计算（与 R 语言 survey 软件包的结果一致）；"
        "只有一个初级抽样单位的层，以全样本均值为中心计算其方差贡献。"
        "各乡镇（街道）的结果作为全县（区）样本中的子总体估计，不单独抽取子样本计算。"))
    blocks.append(Paragraph(reference_text(data)))
    blocks.append(Paragraph(
        "“设计效应”是本设计的方差与同样本量简单随机抽样方差之比：大于 1 说明整群和加权使结果不如简单随机样本精确。"
        "调查期间看板上的监测提示采用随时有效的混合似然比方法（按整个调查点逐步更新），每天查看也不会增加误判达标的风险；"
        "它只是提示，不是结论，本报告不列出（工作簿“监测提示”表列出全部）：每一行的结论只有表中的一个判定。"))
    excluded = results.excluded
    filters = results.options.filters
    rules = []
    if not filters.include_surveyor:
        rules.append("不计调查员录入的问卷")
    if not filters.include_import:
        rules.append("不计外部导入的问卷")
    if not filters.include_simulated:
        rules.append("不计模拟数据")
    if filters.date_from or filters.date_to:
        rules.append(f"只计 {filters.date_from or '开始'} 至 {filters.date_to or '结束'} 提交的问卷")
    if rules:
        blocks.append(Paragraph(f"计入规则：{'；'.join(rules)}（共排除 {excluded} 份）。"))

    # ---------------------------------------------------------------- counts
    blocks.append(Heading("三、应答情况"))
    by_stratum = progress_by_stratum(results.progress)
    rows = []
    for p in by_stratum.itertuples(index=False):
        title = results.questionnaires[p.questionnaire_id].title.get("zh", p.questionnaire_id)
        share = f"{p.responses / p.quota * 100:.0f}%" if p.quota else "—"
        rows.append((p.stratum, title, count(p.quota), count(p.responses), share, count(p.sites_empty)))
    blocks.append(Table(("乡镇（街道）", "问卷", "计划样本量", "已收问卷", "完成比例", "未收到问卷的调查点数"), tuple(rows),
                        (1.6, 2.4, 1.1, 1.1, 1.0, 1.6), key="counts"))
    if len(results.responses):
        src = results.responses["source"].value_counts()
        blocks.append(Paragraph("问卷来源：" + "，".join(f"{SOURCE_ZH.get(k, k)} {v} 份" for k, v in src.items()) + "。"))
    blocks.extend(paradata_blocks(data))  # per-site paradata summary

    # ---------------------------------------------------------------- results per indicator
    blocks.append(PageBreak())
    blocks.append(Heading("四、各项指标结果"))
    number = 0
    for questionnaire_id, indicator in results.indicators:
        number += 1
        label = indicator_label(results, questionnaire_id, indicator)
        overall = results.overall()
        o = overall[(overall["questionnaire_id"] == questionnaire_id) & (overall["var"] == indicator)].iloc[0]
        blocks.append(Heading(f"（{number}）{label}", 2))
        q = results.questionnaires[questionnaire_id]
        desc = q.indicator(indicator).description
        if desc:
            blocks.append(Paragraph("指标定义：" + desc.get("zh", "")))
        if missing(o.estimate):  # no applicable response yet (e.g. only "never used TCM services")
            blocks.append(Paragraph(f"{NO_DATA_ZH}：目前没有适用于本指标的答卷，尚无估计值。"))
            continue
        thr = o.threshold
        has_thr = thr is not pd.NA and thr is not None
        sentence = (f"全县（区）估计值为 {pct(o.estimate)}，{interval_label(level)}为 "
                    f"{interval(o.ci_low, o.ci_high, n=o.n, verdict=o.verdict, sep=' 至 ')}"
                    f"（样本量 {count(o.n)}，设计效应 {num(o.deff)}；参考：{interval_label(level, one_sided=False)}为 "
                    f"{interval(o.two_sided_low, o.two_sided_high, n=o.n, verdict=o.verdict, sep=' 至 ')}）。")
        if has_thr:
            sentence += f"达标线为 {pct(thr, 0)}，判定：{verdict_word(o.verdict)}。"
            if isinstance(o.verdict, str) and o.verdict == "inconclusive":
                sentence += ("点估计" + ("已达到" if bool(o.point_reaches) else "未达到") + "达标线，但抽样误差范围跨过达标线，尚不能下结论。")
        blocks.append(Paragraph(sentence))
        township = results.by_stratum(indicator)
        township = township[township["questionnaire_id"] == questionnaire_id]
        rows = [estimate_row(o, "全县（区）")]
        rows += [estimate_row(e, str(e.domain)) for e in township.itertuples(index=False)]
        blocks.append(Table(estimate_header(level), tuple(rows), ESTIMATE_WIDTHS,
                            caption=f"表：{label}（全县及各乡镇/街道；区间为{interval_label(level)}，即判定所用区间）",
                            key=f"estimates:{indicator}"))
        if any(not judged_alone(e) for e in township.itertuples(index=False)):
            blocks.append(Paragraph(FEW_SITES_NOTE_ZH.format(min_df=min_df_of(results)), "small"))
        if with_plots:
            forest_rows = [ForestRow("全县（区）", _f(o.estimate), _f(o.ci_low), _f(o.ci_high), o.verdict,
                                     f"{pct(o.estimate)}（{interval(o.ci_low, o.ci_high, n=o.n, verdict=o.verdict)}）", True)]
            forest_rows += [ForestRow(str(e.domain), _f(e.estimate), _f(e.ci_low), _f(e.ci_high), e.verdict,
                                      "调查点不足" if not judged_alone(e) else f"{pct(e.estimate)}（{interval(e.ci_low, e.ci_high, n=e.n, verdict=e.verdict)}）")
                            for e in township.itertuples(index=False)]
            png = drawer.draw(forest_rows, _f(thr) if has_thr else None, title=f"{label}：估计值与{interval_label(level)}",
                              threshold_label=f"达标线 {pct(thr, 0)}" if has_thr else "")
            blocks.append(PlotToCome(png, 165.0, caption=f"图：森林图（方块为估计值，横线为判定所用的{interval_label(level)}，红色虚线为达标线；"
                                                    "绿色达标、红色未达标、灰色尚不能确定；空心方块和浅灰细线为调查点不足、不单独判定的乡镇（街道））"))
        lq = results.lqas[(results.lqas["questionnaire_id"] == questionnaire_id) & (results.lqas["var"] == indicator)] if len(results.lqas) else results.lqas
        if len(lq):
            r0 = lq.iloc[0]
            blocks.append(Paragraph(f"批质量保证抽样（LQAS）判定：每个乡镇（街道）按到达顺序取前 {int(r0.n_rule)} 份，"
                                    f"至少 {int(r0.d_rule)} 份为“是”即判定达标。"))
            blocks.append(Table(("乡镇（街道）", "已取样本", "“是”的份数", "LQAS 判定"),
                                tuple((r.stratum, count(r.sampled), count(r.successes), LQAS_WORDS[r.classification]["zh"] if r.classification in LQAS_WORDS else r.classification)
                                      for r in lq.itertuples(index=False)), (2, 1, 1, 1.4), key=f"lqas:{indicator}"))

    blocks.extend(mean_section_blocks(results, number))

    # ---------------------------------------------------------------- next steps
    groups = group_next_steps(results.next_steps)  # one line per kind of work, not one per site
    if groups:
        blocks.append(Heading("五、下一步工作建议"))
        blocks.append(Bullets(tuple(next_step_group_zh(results, g) for g in groups)))

    # ---------------------------------------------------------------- appendix
    if with_appendix:
        blocks.append(PageBreak())
        blocks.append(Heading("附录：调查问卷"))
        for q in results.questionnaires.values():
            blocks.extend(questionnaire_blocks(q))
        blocks.extend(item_blocks(results, data.items))
    return Document(campaign.name, tuple(blocks))


def _f(x: Any) -> float | None:
    return None if missing(x) else float(x)


def next_step_zh(results: CampaignResults, step) -> str:  # noqa: ANN001
    title = results.questionnaires[step.questionnaire_id].title.get("zh", step.questionnaire_id) if step.questionnaire_id in results.questionnaires else step.questionnaire_id
    if step.kind == "no_responses":
        return f"{step.stratum} {step.site_name}（{step.site_code}）尚未收到“{title}”问卷（计划 {step.count} 份），请尽快张贴二维码或安排调查员。"
    if step.kind == "more_responses":
        where = step.stratum or "全县（区）"
        label = indicator_label(results, step.questionnaire_id, step.indicator)
        if step.close_call and getattr(step, "beyond_reach", False):  # a count beyond reach: words, not a number
            return f"{where}的{label}估计值紧贴达标线，再增加问卷也难以判定；请以点估计和置信区间如实报告。"
        if step.close_call:
            return f"{where}的{label}与达标线非常接近，增加样本也难以得出结论（约需再收 {step.count} 份）；请以点估计和置信区间如实报告。"
        return f"{where}约需再收 {step.count} 份“{title}”问卷，{label}才能得出明确结论。"
    if step.kind == "few_sites":
        add = getattr(step, "sites_to_add", 0) or 1
        return (f"{step.stratum or '全县（区）'}的“{title}”问卷只来自 {step.count} 个调查点，不能单独判定；"
                f"在同一调查点多收问卷帮助不大，如需乡镇层面的结论，请再增加 {add} 个调查点（每点按计划样本量收集）。")
    if step.kind == "behind_quota":
        return f"{step.stratum} {step.site_name}（{step.site_code}）的“{title}”问卷还差 {step.count} 份达到计划样本量。"
    return str(step)


def next_step_group_zh(results: CampaignResults, group) -> str:  # noqa: ANN001
    """A group of next steps (:func:`analysis.campaign.group_next_steps`) in one sentence; a group
    of one in that step's own words (:func:`next_step_zh`)."""
    if group.single:
        return next_step_zh(results, group.steps[0])
    qid = group.questionnaire_id
    title = results.questionnaires[qid].title.get("zh", qid) if qid in results.questionnaires else qid
    where = lambda s: s.stratum or "全县（区）"  # noqa: E731
    if group.kind == "no_responses":
        names = "、".join(f"{s.stratum} {s.site_name}（{s.site_code}）" for s in group.steps)
        return f"以下 {group.size} 个调查点尚未收到“{title}”问卷：{names}。请尽快张贴二维码或安排调查员。"
    if group.kind == "more_responses":
        label = indicator_label(results, qid, group.indicator)
        names = "、".join(where(s) if getattr(s, "beyond_reach", False) else f"{where(s)}约 {s.count} 份"
                         for s in group.steps)
        if group.close_call:
            return f"{label}：以下 {group.size} 处与达标线非常接近，增加样本也难以得出结论（{names}）；请以点估计和置信区间如实报告。"
        return f"{label}：以下 {group.size} 处还需更多“{title}”问卷才能得出明确结论：{names}。"
    if group.kind == "few_sites":
        adds = {(s.count, getattr(s, "sites_to_add", 0) or 1) for s in group.steps}
        if len(adds) == 1:  # the same numbers for every township: said once
            (sites, add), = adds
            names = "、".join(where(s) for s in group.steps) + f"（各只有 {sites} 个调查点，各需再增 {add} 个）"
        else:
            names = "、".join(f"{where(s)}（{s.count} 个点，需再增 {getattr(s, 'sites_to_add', 0) or 1} 个）" for s in group.steps)
        return (f"以下 {group.size} 个乡镇（街道）的“{title}”问卷调查点不足，不能单独判定：{names}。"
                "在同一调查点多收问卷帮助不大，如需乡镇层面的结论，请增加调查点（每点按计划样本量收集）。")
    if group.kind == "behind_quota":
        names = "、".join(f"{s.stratum} {s.site_name}（{s.site_code}）差 {s.count} 份" for s in group.steps)
        return f"以下 {group.size} 个调查点的“{title}”问卷未达到计划样本量：{names}。"
    return "；".join(next_step_zh(results, s) for s in group.steps)


def questionnaire_blocks(q) -> list[Any]:  # noqa: ANN001
    from survey.questionnaire import QuestionType

    out: list[Any] = [Heading(f"{q.title.get('zh', q.id)}（{q.id}，版本 {q.version}，内容指纹 {q.version_hash[:12]}）", 2)]
    if q.introduction.get("zh"):
        out.append(Paragraph(q.introduction["zh"], "small"))
    number = 0
    for section in q.sections:
        out.append(Paragraph(f"【{section.title.get('zh', section.id)}】", "body"))
        for qid in section.question_ids:
            question = q.question(qid)
            if question.type is QuestionType.NOTE:
                out.append(Paragraph(question.label.get("zh", ""), "small"))
                continue
            number += 1
            kind = {"multiple": "（可多选）"}.get(str(question.type), "")
            text = f"{number}. {question.label.get('zh', qid)}{kind}"
            if question.choices:
                text += "  " + "  ".join(f"□{c.label.get('zh', c.value)}" for c in question.choices)
            out.append(Paragraph(text, "small"))
    rules = []
    for indicator in q.indicators:
        rules.append(f"{indicator.label.get('zh', indicator.id)}（{indicator.id}）：{(indicator.description or {}).get('zh', '')}"
                     f" 计算规则 {indicator.rule.text}" + (f"，适用条件 {indicator.applies_if.text}" if indicator.applies_if else ""))
    out.append(Bullets(tuple(rules)))
    return out


def document_text(document: Document) -> str:
    """All text of the document, one block per line (tests compare it with the files' text)."""
    lines: list[str] = []
    for b in document.blocks:
        if isinstance(b, (Heading, Paragraph)):
            lines.append(b.text)
        elif isinstance(b, Bullets):
            lines.extend(b.items)
        elif isinstance(b, Table):
            lines.append(" ".join(b.header))
            lines.extend(" ".join(r) for r in b.rows)
    return "\n".join(lines)


def tables(document: Document, key_prefix: str = "") -> list[Table]:
    return [b for b in document.blocks if isinstance(b, Table) and b.key.startswith(key_prefix)]


__all__: Sequence[str] = ("Document", "PlotToCome", "build_document", "document_drawing", "document_text", "pct", "tables")
