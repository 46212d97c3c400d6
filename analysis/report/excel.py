"""The Excel workbook an office can hand in and an analyst can re-use.

Sheets, in order: 结果汇总 (the summary: Chinese headers, rates as percentages with one decimal,
the verdict words 达标 / 未达标 / 尚不能确定 / 调查点不足，不能单独判定 beside the verdict's own interval,
the rule's sentence and the generation time in the campaign's time zone), 应答进度, 估计值明细
(every estimate at full precision), 得分均值 (mean scores, when the profile reports one), 问卷数据_<问卷> (one per questionnaire),
得分, 权重, 编码表, 指标定义, 题目分析 (item analysis), 监测提示, LQAS判定 and 设计说明 (codes in words:
:mod:`.excel_words`). Data sheets carry Chinese headers with the English variable names in
a second row; header rows are frozen and columns sized. Times are in the campaign's time zone.

The workbook is streamed (:mod:`.excel_writer`: XlsxWriter's ``constant_memory`` mode, rows written
in order, data sheets a whole column at a time). Every cell is made safe to open (``cells.safe_cell``
through :func:`put` or ``cells.safe_frame``: no formulas, no control characters); a text too long for
a cell is moved to the sheet ``long_texts`` (``cells.move_long_texts``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ..formatting import (
    count,
    datetime_zh,
    indicator_labels,
    level_percent,
    local_stamp,
    local_time,
    zone_zh,
)
from ..quality import RULE_WORDS
from ..verdict import rule_text, verdict_word
from .cells import LONG_COLUMNS, LONG_SHEET
from .data import ReportData, local_texts, responses_frame
from .document import (
    CALIBRATION_ZH,
    CI_ZH,
    FEW_SITES_NOTE_ZH,
    SOURCE_ZH,
    WEIGHTS_ZH,
    indicator_label,
    interval_ends_zh,
    judged_alone,
    min_df_of,
)
from .excel_words import code_words, decimal_formats, in_words
from .excel_writer import (
    HEAD,
    NOTE,
    WRAP,
    StreamBook,
    column_widths,
    display_width,
    plain,
    stream_data_sheet,
    write_value,
)
from .exports import estimates_table
from .items import SHEET_ZH as ITEMS_ZH
from .items import items_sheet

SUMMARY_SHEET = "结果汇总"
PERCENT = "0.0%"
#: Chinese header of each English column name used in the data sheets
COLUMN_ZH = {
    "campaign": "调查活动编号", "instrument": "问卷", "questionnaire_id": "问卷", "indicator": "指标", "var": "指标",
    "scope": "范围", "domain": "乡镇（街道）", "n": "样本量", "estimate": "估计值", "se": "标准误",
    "ci_low": "判定区间下限", "ci_high": "判定区间上限", "deff": "设计效应", "df": "自由度", "threshold": "达标线",
    "verdict": "判定", "point_reaches": "点估计是否达到达标线", "more_responses": "约需再收问卷数", "missing": "缺失数",
    "ci_method": "区间方法", "level": "置信水平（单侧）", "bounds": "区间类型", "coverage": "区间覆盖概率（双侧）",
    "two_sided_low": "双侧置信区间下限（参考）", "two_sided_high": "双侧置信区间上限（参考）", "note": "备注",
    "weighting": "加权方法", "response_id": "问卷编号", "version_hash": "问卷版本指纹", "site": "调查点代码",
    "site_code": "调查点代码", "site_name": "调查点名称", "stratum": "乡镇（街道）", "psu": "初级抽样单位",
    "source": "来源", "simulated": "模拟数据", "submitted_at": "提交时间", "weight": "分析权重",
    "design_weight": "设计权重", "base_weight": "基础权重", "kind": "类型", "quota": "计划样本量",
    "responses": "已收问卷", "remaining": "尚差", "share": "完成比例", "last_response": "最近一份", "site_kind": "调查点类型",
    "version": "版本", "section": "部分", "question": "题目编号", "type": "题型", "label_zh": "名称（中文）",
    "label_en": "名称（英文）", "required": "必答", "relevant": "显示条件", "answer_key": "正确答案",
    "choice_value": "选项值", "choice_zh": "选项（中文）", "choice_en": "选项（英文）", "rule": "计算规则",
    "applies_if": "适用条件", "items": "题目", "successes": "“是”的份数", "psus": "调查点数",
    "unweighted_deff": "未加权设计效应（不低于1）",
    "log_evidence_pass": "达标证据（对数）", "log_evidence_fail": "未达标证据（对数）", "flag": "监测提示",
    "looks": "查看次数", "alpha": "α", "evidence_needed": "所需证据", "n_rule": "LQAS 样本量", "d_rule": "判定阈值 d",
    "sampled": "已取样本", "classification": "LQAS 判定", "item": "项目", "value": "取值", "language": "语言",
    "paper_number": "纸质问卷编号", "interviewed_on": "访问日期",
}
#: the small grey italic font of notes (XlsxWriter format properties)
_NOTE_FONT = NOTE


def put(book: StreamBook, sheet: Worksheet, row: int, column: int, value: Any, *, number_format: str | None = None,
        bold: bool = False, font: Mapping[str, Any] | None = None, wrap: bool = False, fill: bool = False) -> None:
    """Write one cell at the 1-based ``row``, ``column`` (rows in order), made safe by ``cells.safe_cell``;
    ``font``: XlsxWriter font properties, ``fill``: the header fill."""
    props: dict[str, Any] = dict(font or ({"bold": True} if bold else {}))
    if number_format:
        props["num_format"] = number_format
    if wrap:
        props.update(WRAP)
    if fill:
        props.update(HEAD)
    write_value(sheet, row - 1, column - 1, plain(value), book.format(**props))


def write_data_sheet(book: StreamBook, title: str, frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                     formats: Mapping[str, str] | None = None,
                     long_texts: list[dict[str, Any]] | None = None) -> Worksheet:
    """A data sheet: Chinese headers in row 1, English variable names in row 2, values from row 3
    (texts too long for a cell moved to ``long_texts``, rows of the sheet ``long_texts``)."""
    return stream_data_sheet(book, title, frame, {**COLUMN_ZH, **(labels or {})}, formats or {}, long_texts)


_display_width = display_width


def _widths(headers: Sequence[str], frame: pd.DataFrame | None = None, *, cap: int = 40) -> list[float]:
    return column_widths(headers, frame, cap=cap)


def codebook(results) -> pd.DataFrame:
    """One row per choice (or per question without choices): questionnaire (published column
    ``instrument``), version, question, choice."""
    rows: list[dict[str, Any]] = []
    for questionnaire_id, q in results.questionnaires.items():
        for section in q.sections:
            for qid in section.question_ids:
                question = q.question(qid)
                base = {
                    "instrument": questionnaire_id, "version": q.version, "version_hash": q.version_hash,
                    "section": section.id, "question": qid, "type": str(question.type),
                    "label_zh": question.label.get("zh", ""), "label_en": question.label.get("en", ""),
                    "required": question.required, "relevant": question.relevant.text if question.relevant else "",
                    "answer_key": " ".join(question.answer) if isinstance(question.answer, tuple) else (question.answer or ""),
                }
                if question.choices:
                    for choice in question.choices:
                        rows.append({**base, "choice_value": choice.value, "choice_zh": choice.label.get("zh", ""),
                                     "choice_en": choice.label.get("en", "")})
                else:
                    rows.append({**base, "choice_value": "", "choice_zh": "", "choice_en": ""})
    return pd.DataFrame(rows)


def indicator_sheet(results) -> pd.DataFrame:
    rows = []
    for questionnaire_id, q in results.questionnaires.items():
        for i in q.indicators:
            rows.append({
                "instrument": questionnaire_id, "indicator": i.id, "label_zh": i.label.get("zh", ""), "kind": str(i.kind),
                "rule": i.rule.text, "applies_if": i.applies_if.text if i.applies_if else "",
                "items": " ".join(i.items),
                "threshold": results.profile.find_threshold(i.id) if results.profile is not None else None,
            })
    return pd.DataFrame(rows)


def design_sheet(data: ReportData) -> pd.DataFrame:
    results = data.results
    notes = results.design_notes
    campaign = results.campaign
    rows: list[tuple[str, Any]] = [
        ("campaign", campaign.id), ("campaign_name", campaign.name), ("profile", campaign.profile_id),
        ("demo", bool(getattr(campaign, "demo", False))),
        ("profile_level", results.profile.level if results.profile else None),
        ("generated_at", local_time(data.generated_at, campaign.timezone).isoformat(timespec="seconds")),
        ("verdict_rule", rule_text(results.level, "zh", min_df_of(results))),
        ("strata", "site stratum (township / street office)"), ("psu", "site psu (nest=True)"),
        ("lonely_psu", notes["lonely_psu"]), ("ci_method", notes["ci"]), ("ci_method_zh", CI_ZH.get(notes["ci"], "")),
        ("level", notes["level"]), ("weighting", notes["weighting"]),
        ("filters", repr(results.options.filters)), ("excluded_responses", results.excluded),
        ("reference", "R survey (Lumley): svydesign, svymean, svyciprop, postStratify, rake"),
    ]
    if data.fingerprint is not None:
        rows += [("fingerprint_responses", data.fingerprint.responses), ("fingerprint_sha256", data.fingerprint.sha256),
                 ("fingerprint", data.fingerprint.text("zh"))]
    population = results.options.population
    if population is not None:
        rows.append(("population_columns", ", ".join(population.columns)))
        for cell, value in population.cells.items():
            rows.append((f"population[{' / '.join(map(str, cell))}]", value))
    for questionnaire_id, info in notes["questionnaires"].items():
        for key, value in info.items():
            if isinstance(value, pd.DataFrame):  # the household weighting steps: one row per village
                for step in value.to_dict("records"):
                    rows.append((f"{questionnaire_id}.{key}[{step['site']}]",
                                 ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in step.items() if k != "site")))
                continue
            if key == "weights":
                rows.append((f"{questionnaire_id}.weights_zh", WEIGHTS_ZH.get(value, value)))
            if key == "calibrated" and value:
                rows.append((f"{questionnaire_id}.calibration_zh", CALIBRATION_ZH.get(value, value)))
            rows.append((f"{questionnaire_id}.{key}", ", ".join(value) if isinstance(value, list) else value))
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": object})


#: the verdict column's font colour, keyed by the verdict code (a wording change keeps the colour)
VERDICT_COLOURS = {"met": "1A7F37", "not_met": "C42828"}
OTHER_COLOUR = "555555"


def verdict_colour(code: str | None) -> str:
    """The font colour of a verdict cell: green met, red not met, grey otherwise."""
    return VERDICT_COLOURS.get(code, OTHER_COLOUR) if code is not None else OTHER_COLOUR


SUMMARY_HEADER_TAIL = ("判定", "点估计是否达到达标线", "标准误（百分点）", "设计效应", "自由度")


def summary_rows(data: ReportData) -> list[dict[str, Any]]:
    """The 结果汇总 table as records (the workbook writes them; tests read them back): ``verdict``
    holds the words, ``verdict_code`` the code the colour is keyed by."""
    results = data.results
    out = []
    for e in results.estimates.itertuples(index=False):
        alone = judged_alone(e)
        out.append({
            "indicator": indicator_label(results, e.questionnaire_id, e.var),
            "questionnaire": results.questionnaires[e.questionnaire_id].title.get("zh", e.questionnaire_id),
            "scope": "全县（区）" if e.scope == "overall" else str(e.domain),
            "threshold": e.threshold, "n": e.n, "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high,
            "verdict": verdict_word(e.verdict), "verdict_code": e.verdict if isinstance(e.verdict, str) else None,
            "reading": "—" if e.point_reaches is pd.NA else ("是" if bool(e.point_reaches) else "否"),
            "se_pp": (float(e.se) * 100 if e.se is not pd.NA else None) if alone else "—",
            "deff": e.deff if alone else "—", "df": e.df,
            "two_sided_low": e.two_sided_low, "two_sided_high": e.two_sided_high,
        })
    return out


def _summary_sheet(book: StreamBook, data: ReportData) -> Worksheet:
    """结果汇总, written top to bottom (the streaming writer takes rows in order)."""
    results = data.results
    campaign = results.campaign
    level = results.level
    sheet = book.sheet(SUMMARY_SHEET)
    low, high = interval_ends_zh(level)
    ref = level_percent(level)
    header = ("指标", "问卷", "范围", "达标线", "样本量", "估计值", low, high, *SUMMARY_HEADER_TAIL,
              f"双侧{ref}置信下限（参考）", f"双侧{ref}置信上限（参考）")
    width = len(header)
    widths = (22, 20, 12, 8, 8, 9, 11, 11, 24, 12, 10, 9, 7, 14, 14)
    for j, w in enumerate(widths):
        sheet.set_column(j, j, w)
    top = 6
    sheet.set_row(1, 48)
    sheet.set_row(top - 1, 32)
    sheet.freeze_panes(top, 3)  # D7
    put(book, sheet, 1, 1, f"{campaign.name} · 调查结果汇总", font={"bold": True, "font_size": 14})
    sheet.merge_range(1, 0, 1, width - 1, plain(rule_text(level, "zh", min_df_of(results))), book.format(**WRAP))
    demo = bool(getattr(campaign, "demo", False)) or (len(results.responses) and bool(results.responses["simulated"].any()))
    put(book, sheet, 3, 1, f"报告生成时间：{datetime_zh(data.generated_at, campaign.timezone)}；计入分析的问卷 "
                           f"{count(len(results.responses), thousands=True)} 份；区间方法：{CI_ZH.get(results.options.ci, results.options.ci)}。")
    if demo:
        put(book, sheet, 4, 1, "注意：演示框架和模拟数据，仅用于演示本工具，不得作为评审依据。", font={"bold": True, "font_color": "#C00000"})
    for j, name in enumerate(header, start=1):
        put(book, sheet, top, j, name, bold=True, wrap=True, fill=True)
    formats = {4: "0%", 6: PERCENT, 7: PERCENT, 8: PERCENT, 11: "0.00", 12: "0.00", 14: PERCENT, 15: PERCENT}
    keys = ("indicator", "questionnaire", "scope", "threshold", "n", "estimate", "ci_low", "ci_high", "verdict", "reading",
            "se_pp", "deff", "df", "two_sided_low", "two_sided_high")
    rows = summary_rows(data)
    for i, record in enumerate(rows, start=top + 1):
        overall = record["scope"] == "全县（区）"
        for j, key in enumerate(keys, start=1):
            if j == 9:
                put(book, sheet, i, j, record[key], font={"bold": overall, "font_color": "#" + verdict_colour(record["verdict_code"])})
            else:
                put(book, sheet, i, j, record[key], number_format=formats.get(j))
    end = top + len(rows)
    if any(r["verdict_code"] == "few_sites" for r in rows):
        sheet.set_row(end + 1, 32)
        sheet.merge_range(end + 1, 0, end + 1, width - 1, plain(FEW_SITES_NOTE_ZH.format(min_df=min_df_of(results))),
                          book.format(**_NOTE_FONT, **WRAP))
    return sheet


def _local(series: pd.Series, timezone: str) -> list[str | None]:
    return [local_stamp(v, timezone) for v in series]


def quality_sheets(data: ReportData, sheet) -> None:
    """Sheets 质量标记 (one row per response: rules, reasons, review, paradata), 各调查点质量 and
    敏感性分析 (verdicts with and without open flags), when the report has flags; written through the
    workbook's one sheet writer like every sheet (evaluators' reasons are free text)."""
    integrity = data.integrity
    if integrity is None:
        return
    flags = integrity.quality.flags.copy()
    flags["reasons"] = flags["reasons"].map(" ".join)
    for column in ("submitted_at", "opened_at"):
        flags[column] = local_texts(flags[column], integrity.quality.timezone)
    sheet("质量标记", flags, labels=QUALITY_ZH, formats={"duration_s": "0.0"})
    sheet("各调查点质量", integrity.quality.by_site, labels=QUALITY_ZH,
          formats={"share_flagged": PERCENT, "per_day": "0.0", "median_duration_s": "0.0"})
    compared = integrity.sensitivity.table.copy()
    for column in ("verdict_all", "verdict_clean"):
        compared[column] = [verdict_word(v) for v in compared[column]]
    compared["depends"] = ["是" if bool(v) else "否" for v in compared["depends"]]
    sheet("敏感性分析", compared, labels=QUALITY_ZH,
          formats={c: PERCENT for c in ("estimate_all", "ci_low_all", "ci_high_all", "estimate_clean", "ci_low_clean",
                                        "ci_high_clean")})


#: Chinese headers of the quality sheets (the English variable names stay in the second row)
QUALITY_ZH = {
    **{rule: words["zh"] for rule, words in RULE_WORDS.items()}, "reasons": "标记原因", "flagged": "被标记", "floor_s": "最短合理用时（秒）",
    "device_count": "同设备当日份数", "window_count": "时段内份数", "review": "审核结论", "review_reason": "审核理由",
    "reviewed_by": "审核人", "open": "待审核", "submitted_at": "提交时间", "opened_at": "开始答题时间",
    "duration_s": "答题用时（秒）", "mode": "填写方式", "surveyor": "调查员", "resumed": "中断后继续", "language": "语言",
    "source": "来源", "device": "设备（密钥散列）", "site": "调查点", "responses": "问卷数", "days": "天数",
    "per_day": "日均份数", "median_duration_s": "答题用时中位数（秒）", "share_flagged": "被标记比例", "excluded": "已排除",
    "removed": "排除的可疑问卷", "n_all": "全部：样本量", "estimate_all": "全部：估计值", "ci_low_all": "全部：判定区间下限",
    "ci_high_all": "全部：判定区间上限", "verdict_all": "全部：判定", "n_clean": "排除后：样本量",
    "estimate_clean": "排除后：估计值", "ci_low_clean": "排除后：判定区间下限", "ci_high_clean": "排除后：判定区间上限",
    "verdict_clean": "排除后：判定", "depends": "结论取决于可疑问卷",
}


def render_xlsx(data: ReportData) -> bytes:
    results = data.results
    campaign = results.campaign
    tz = campaign.timezone
    zone = zone_zh(tz)
    responses = results.responses
    indicator_columns = [c for q in results.questionnaires.values() for c in (i.id for i in q.indicators) if c in responses]
    indicator_columns = list(dict.fromkeys(indicator_columns))
    labels = {indicator: label for (_, indicator), label in indicator_labels(results.questionnaires).items()}
    book = StreamBook()
    _summary_sheet(book, data)
    long_texts: list[dict[str, Any]] = []

    words = code_words(results, CI_ZH, SOURCE_ZH)

    def sheet(title: str, frame: pd.DataFrame, *, coded: bool = True, **kwargs: Any) -> None:
        """A data sheet; ``coded``: its codes in words (not the response data, which can be imported again)."""
        if coded:
            frame = in_words(frame, words, results.level, min_df_of(results))
        kwargs["formats"] = decimal_formats(frame, kwargs.get("formats"))
        write_data_sheet(book, title, frame, long_texts=long_texts, **kwargs)

    progress = results.progress.copy()
    progress["last_response"] = _local(progress["last_response"], tz)
    sheet("应答进度", progress, labels={"last_response": f"最近一份（{zone}）"}, formats={"share": PERCENT})
    sheet("估计值明细", estimates_table(results))
    if len(results.means):  # score indicators the profile reports as a mean (analysis.campaign.means)
        sheet("得分均值", results.means, labels={"ci_low": "双侧置信区间下限", "ci_high": "双侧置信区间上限",
                                             "level": "置信水平（双侧）"})
    for qid, q in results.questionnaires.items():
        frame = responses_frame(data, qid)
        question_labels = {question.id: question.label.get("zh", question.id)[:30] for question in q.questions}
        sheet(f"问卷数据_{qid}", frame, coded=False, labels={**question_labels, **labels, "submitted_at": f"提交时间（{zone}）"})
    scores = responses[["response_id", "questionnaire_id", "site_code", "stratum", "psu", *indicator_columns]]
    sheet("得分", scores, labels=labels)
    weights = responses[["response_id", "questionnaire_id", "site_code", "stratum", "psu", "source", "design_weight",
                         "base_weight", "weight"]]
    sheet("权重", weights)
    sheet("编码表", codebook(results), coded=False)
    sheet("指标定义", indicator_sheet(results))
    if data.items:
        sheet("题目分析", items_sheet(results, data.items), labels=ITEMS_ZH, formats={"correct": PERCENT, "dont_know": PERCENT})
    sheet("监测提示", results.watch, labels={"flag": "监测提示（非判定）"})
    quality_sheets(data, sheet)
    if len(results.lqas):
        sheet("LQAS判定", results.lqas)
    design = design_sheet(data)
    design.insert(0, "label_zh", [DESIGN_ZH.get(k.split(".")[-1], "") for k in design["item"]])
    sheet("设计说明", design, labels={"label_zh": "项目（中文）", "item": "项目", "value": "取值"})
    if long_texts:
        long_texts_sheet(book, long_texts)
    return book.bytes()


def long_texts_sheet(book: StreamBook, long_texts: list[dict[str, Any]]) -> Worksheet:
    """The sheet ``long_texts``, harden's layout: one header row, the parts in order (texts already
    made safe by ``cells.move_long_texts``)."""
    extra = book.sheet(LONG_SHEET)
    for j, name in enumerate(LONG_COLUMNS, start=1):
        put(book, extra, 1, j, name, bold=True)
    for i, entry in enumerate(long_texts, start=2):
        for j, name in enumerate(LONG_COLUMNS, start=1):
            put(book, extra, i, j, entry[name])
    return extra


DESIGN_ZH = {
    "campaign": "调查活动编号", "campaign_name": "调查活动", "profile": "达标依据", "demo": "演示数据",
    "profile_level": "判定置信水平（单侧）", "generated_at": "报告生成时间", "strata": "分层", "psu": "初级抽样单位",
    "lonely_psu": "单一抽样单位层的处理", "ci_method": "区间方法", "ci_method_zh": "区间方法说明", "level": "置信水平（单侧）",
    "weighting": "加权方法", "filters": "计入规则", "excluded_responses": "排除的问卷数", "verdict_rule": "判定规则",
    "responses": "计入分析的问卷数", "sites": "调查点数", "indicators": "指标", "weights": "权重来源",
    "weights_zh": "权重说明", "calibrated": "校准", "calibration_zh": "校准说明", "fpc": "有限总体校正",
    "reference": "检验参照", "fingerprint_responses": "数据指纹：问卷数", "fingerprint_sha256": "数据指纹：SHA-256",
    "fingerprint": "数据指纹", "df": "设计自由度", "weight_min": "最小权重", "weight_max": "最大权重", "design_effect": "设计效应中位数",
}
