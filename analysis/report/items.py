"""The item analysis in the reports: the appendix's table per keyed indicator (Word and PDF) and the
workbook's sheet 题目分析, from :func:`analysis.items_cli.campaign_items` (``ReportData.items``).

Per indicator: the responses in its denominator (n), the items (k), Cronbach's α (KR-20 for 0/1
items), the mean and SD of the total score; per item: the share right, the corrected item-total
correlation, the share answering 不知道, and the flags in words (:data:`analysis.items.FLAG_WORDS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..formatting import indicator_label
from ..items import FLAG_WORDS, IndicatorItems
from .blocks import Heading, Paragraph, Table, count, num, pct

LABEL_CHARS = 28

EXPLAIN_ZH = ("题目分析按各指标计入分母的答卷计算（不加权），选“不知道”或未答记 0 分。答对比例即题目难度；"
              "校正题总相关是该题得分与其余各题总分的相关系数，低于 0.2 说明该题区分知道与不知道的人的能力弱，"
              "为负说明总分高的人反而更常答错（答案或题意可能有误）；α 为克朗巴赫 α 系数（0/1 计分时即 KR-20），"
              "反映各题合起来测量的一致程度；“有错误选项几乎无人选”说明该选项起不到干扰作用，宜换成常见的误解。"
              "这些数字用于改进题目，不改变任何指标的结果。")


def item_label(questionnaire: Any, question_id: str, lang: str = "zh") -> str:
    """The question's words, shortened to :data:`LABEL_CHARS` characters, with its id."""
    try:
        label = questionnaire.question(question_id).label
        text = label.get(lang) or label.get("zh") or question_id
    except (KeyError, AttributeError):
        text = question_id
    text = text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…"
    return f"{text}（{question_id}）"


def flag_text(flags: Sequence[str], lang: str = "zh") -> str:
    """The flags in words, joined (— when there are none)."""
    if not flags:
        return "—"
    return ("；" if lang == "zh" else "; ").join(FLAG_WORDS.get(f, {}).get(lang, f) for f in flags)


def distinct(found: Sequence[IndicatorItems]) -> list[tuple[IndicatorItems, tuple[str, ...]]]:
    """Each analysis once with the ids of every indicator it stands for: a rate and its score share
    the items and the denominator (e.g. ``knowledge`` and ``knowledge_score``), so one table serves both."""
    out: list[tuple[IndicatorItems, tuple[str, ...]]] = []
    seen: dict[tuple, int] = {}
    for f in found:
        key = (f.questionnaire_id, f.n, tuple(i.id for i in f.items))
        if key in seen:
            first, ids = out[seen[key]]
            out[seen[key]] = (first, (*ids, f.indicator))
        else:
            seen[key] = len(out)
            out.append((f, (f.indicator,)))
    return out


def indicators_label(questionnaire: Any, ids: Sequence[str], lang: str = "zh") -> str:
    """The labels of the indicators one analysis stands for, joined with ／."""
    return "／".join(indicator_label(questionnaire, i, lang) if questionnaire is not None else i for i in ids)


def options_text(questionnaire: Any, item: Any, lang: str = "zh") -> str:
    """Each option's words and share: ``药店 12.0%；…``."""
    def words(value: str) -> str:
        try:
            return questionnaire.question(item.id).choice_label(value, lang)
        except (KeyError, AttributeError, LookupError):
            return value

    return ("；" if lang == "zh" else "; ").join(f"{words(v)} {pct(share)}" for v, share in item.options.items())


def summary_text(found: IndicatorItems, label: str) -> str:
    """One indicator's reliability line in Chinese."""
    return (f"{label}：{count(found.n)} 份答卷，{found.k} 道题；内部一致性 α = {num(found.alpha)}；"
            f"总分均值 {num(found.mean)}，标准差 {num(found.sd)}。")


def item_blocks(results: Any, found: Sequence[IndicatorItems]) -> list[Any]:
    """The appendix section: a heading, what the figures mean, then per indicator its line and table."""
    if not found:
        return []
    out: list[Any] = [Heading("附录：题目分析"), Paragraph(EXPLAIN_ZH, "small")]
    for f, ids in distinct(found):
        q = results.questionnaires.get(f.questionnaire_id)
        label = indicators_label(q, ids)
        title = q.title.get("zh", f.questionnaire_id) if q is not None else f.questionnaire_id
        out.append(Heading(f"{label}（{title}）", 2))
        out.append(Paragraph(summary_text(f, label), "body"))
        rows = tuple((item_label(q, i.id), pct(i.correct), num(i.item_total), pct(i.dont_know), flag_text(i.flags))
                     for i in f.items)
        out.append(Table(("题目", "答对比例", "校正题总相关", "选“不知道”", "提示"), rows, (3.2, 1, 1.1, 1, 2.6),
                         key=f"items:{f.questionnaire_id}:{f.indicator}"))
    return out


#: the workbook sheet's Chinese headers (row 1) over its variable names (row 2)
SHEET_ZH = {
    "indicator": "指标", "indicator_label": "指标名称", "questionnaire_id": "问卷", "n": "指标答卷数", "k": "题数",
    "alpha": "α系数", "mean": "总分均值", "sd": "总分标准差", "item": "题目编号", "label": "题目", "correct": "答对比例",
    "item_total": "校正题总相关", "dont_know": "选“不知道”比例", "options": "各选项比例", "flags": "提示",
}


def items_sheet(results: Any, found: Sequence[IndicatorItems]) -> pd.DataFrame:
    """One row per item of every keyed indicator (numbers as numbers; headers: :data:`SHEET_ZH`)."""
    rows = []
    for f in found:
        q = results.questionnaires.get(f.questionnaire_id)
        label = indicator_label(q, f.indicator) if q is not None else f.indicator
        for i in f.items:
            rows.append({
                "indicator": f.indicator, "indicator_label": label, "questionnaire_id": f.questionnaire_id, "n": f.n,
                "k": f.k, "alpha": f.alpha, "mean": f.mean, "sd": f.sd, "item": i.id,
                "label": item_label(q, i.id).rsplit("（", 1)[0] if q is not None else i.id,
                "correct": i.correct, "item_total": i.item_total, "dont_know": i.dont_know,
                "options": options_text(q, i), "flags": flag_text(i.flags),
            })
    return pd.DataFrame(rows, columns=list(SHEET_ZH))


__all__ = ["EXPLAIN_ZH", "SHEET_ZH", "distinct", "flag_text", "indicators_label", "options_text", "item_blocks", "item_label", "items_sheet", "summary_text"]
