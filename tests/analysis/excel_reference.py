"""The workbook writer before the streaming one (analysis/report/excel.py, openpyxl, one cell at a time),
frozen as the reference that tests/analysis/test_report_workbook.py compares the streaming writer with
and benchmarks/report_workbook.py times as the "before" figure. Not used by the app."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.formatting import (
    count,
    datetime_zh,
    indicator_labels,
    level_percent,
    local_stamp,
    local_time,
    missing,
    zone_zh,
)
from analysis.quality import RULE_WORDS
from analysis.report.cells import (
    LONG_COLUMNS,
    LONG_SHEET,
    move_long_texts,
    safe_cell,
    safe_frame,
)
from analysis.report import excel
from analysis.report.data import ReportData, responses_frame
from analysis.report.document import (
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
from analysis.report.excel_words import code_words, decimal_formats, in_words
from analysis.report.exports import estimates_table
from analysis.report.items import SHEET_ZH as ITEMS_ZH
from analysis.report.items import items_sheet
from analysis.verdict import rule_text, verdict_word

SUMMARY_SHEET = "结果汇总"
PERCENT = "0.0%"
#: Chinese header of each English column name used in the data sheets
COLUMN_ZH = excel.COLUMN_ZH  # the column names are data, not the writer: shared with today's writer
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_NOTE_FONT = Font(size=9, italic=True, color="666666")


def put(sheet: Worksheet, row: int, column: int, value: Any, *, number_format: str | None = None,
        bold: bool = False, font: Font | None = None, wrap: bool = False):
    """Write one cell (the only place the workbook writes a value), made safe by ``cells.safe_cell``."""
    if missing(value):
        value = None
    elif hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    value = safe_cell(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format
    if bold or font is not None:
        cell.font = font or Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def write_data_sheet(book: Workbook, title: str, frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                     formats: Mapping[str, str] | None = None,
                     long_texts: list[dict[str, Any]] | None = None) -> Worksheet:
    """A data sheet: Chinese headers in row 1, English variable names in row 2, values from row 3
    (texts too long for a cell moved to ``long_texts``, rows of the sheet ``long_texts``)."""
    if long_texts is not None:
        first = len(long_texts)
        frame = move_long_texts(safe_frame(frame), title[:31], long_texts)
        for entry in long_texts[first:]:
            entry["row"] += 1  # two header rows here
    sheet = book.create_sheet(title[:31])
    labels = {**COLUMN_ZH, **(labels or {})}
    formats = formats or {}
    columns = list(frame.columns)
    for j, name in enumerate(columns, start=1):
        put(sheet, 1, j, labels.get(name, name), bold=True).fill = _HEAD_FILL
        put(sheet, 2, j, name, font=_NOTE_FONT)
    for i, values in enumerate(frame.itertuples(index=False, name=None), start=3):
        for j, value in enumerate(values, start=1):
            put(sheet, i, j, value, number_format=formats.get(columns[j - 1]))
    sheet.freeze_panes = "A3"
    _widths(sheet, [labels.get(c, c) for c in columns], frame)
    return sheet


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _widths(sheet: Worksheet, headers: Sequence[str], frame: pd.DataFrame | None = None, *, cap: int = 40) -> None:
    for j, header in enumerate(headers, start=1):
        longest = _display_width(str(header))
        if frame is not None and len(frame):
            sample = frame.iloc[:200, j - 1]
            longest = max([longest, *(min(_display_width(str(v)), cap) for v in sample if v is not None and v is not pd.NA)])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(8, longest + 2), cap + 2)


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


def _summary_sheet(book: Workbook, data: ReportData) -> Worksheet:
    results = data.results
    campaign = results.campaign
    level = results.level
    sheet = book.active
    sheet.title = SUMMARY_SHEET
    low, high = interval_ends_zh(level)
    ref = level_percent(level)
    header = ("指标", "问卷", "范围", "达标线", "样本量", "估计值", low, high, *SUMMARY_HEADER_TAIL,
              f"双侧{ref}置信下限（参考）", f"双侧{ref}置信上限（参考）")
    width = len(header)
    put(sheet, 1, 1, f"{campaign.name} · 调查结果汇总", font=Font(bold=True, size=14))
    put(sheet, 2, 1, rule_text(level, "zh", min_df_of(results)), wrap=True)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.row_dimensions[2].height = 48
    demo = bool(getattr(campaign, "demo", False)) or (len(results.responses) and bool(results.responses["simulated"].any()))
    put(sheet, 3, 1, f"报告生成时间：{datetime_zh(data.generated_at, campaign.timezone)}；计入分析的问卷 "
                     f"{count(len(results.responses), thousands=True)} 份；区间方法：{CI_ZH.get(results.options.ci, results.options.ci)}。")
    if demo:
        put(sheet, 4, 1, "注意：演示框架和模拟数据，仅用于演示本工具，不得作为评审依据。", font=Font(bold=True, color="C00000"))
    top = 6
    for j, name in enumerate(header, start=1):
        cell = put(sheet, top, j, name, bold=True, wrap=True)
        cell.fill = _HEAD_FILL
    formats = {4: "0%", 6: PERCENT, 7: PERCENT, 8: PERCENT, 11: "0.00", 12: "0.00", 14: PERCENT, 15: PERCENT}
    keys = ("indicator", "questionnaire", "scope", "threshold", "n", "estimate", "ci_low", "ci_high", "verdict", "reading",
            "se_pp", "deff", "df", "two_sided_low", "two_sided_high")
    rows = summary_rows(data)
    for i, record in enumerate(rows, start=top + 1):
        for j, key in enumerate(keys, start=1):
            cell = put(sheet, i, j, record[key], number_format=formats.get(j),
                       bold=(j == 9 and record["scope"] == "全县（区）"))
            if j == 9:
                cell.font = Font(bold=record["scope"] == "全县（区）", color=verdict_colour(record["verdict_code"]))
    end = top + len(rows)
    if any(r["verdict_code"] == "few_sites" for r in rows):
        put(sheet, end + 2, 1, FEW_SITES_NOTE_ZH.format(min_df=min_df_of(results)), wrap=True, font=_NOTE_FONT)
        sheet.merge_cells(start_row=end + 2, start_column=1, end_row=end + 2, end_column=width)
        sheet.row_dimensions[end + 2].height = 32
    sheet.freeze_panes = sheet.cell(row=top + 1, column=4)
    widths = (22, 20, 12, 8, 8, 9, 11, 11, 24, 12, 10, 9, 7, 14, 14)
    for j, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = w
    sheet.row_dimensions[top].height = 32
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
        flags[column] = flags[column].dt.tz_convert(integrity.quality.timezone).dt.strftime("%Y-%m-%d %H:%M:%S")
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
    book = Workbook()
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
    if long_texts:  # harden's layout: one header row, the parts in order
        extra = book.create_sheet(LONG_SHEET)
        for j, name in enumerate(LONG_COLUMNS, start=1):
            put(extra, 1, j, name, bold=True)
        for i, entry in enumerate(long_texts, start=2):
            for j, name in enumerate(LONG_COLUMNS, start=1):
                extra.cell(row=i, column=j, value=entry[name])  # already made safe by move_long_texts
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
