"""The dashboard's item-analysis tab (``app.items_panel``). Flag words come from
``analysis.items.FLAG_WORDS``."""

from analysis.items import FLAG_WORDS
from app.strings import keyed

STRINGS = {
    "dash.tab.items": {"zh": "题目分析", "en": "Item analysis"},
    "items.intro": {
        "zh": "每道计分题的表现，按各指标计入分母的答卷计算（不加权，选“不知道”或未答记 0 分）：答对比例即难度；"
              "校正题总相关是该题与其余各题总分的相关，低于 0.2 说明区分度低，为负说明答案或题意可能有误；"
              "α 为克朗巴赫 α 系数（0/1 计分时即 KR-20）。这些数字用于改进题目，不改变任何指标的结果。",
        "en": "How each scored question behaves, over the responses in each indicator's denominator (unweighted; "
              "不知道 or no answer scores 0): the share right is its difficulty; the corrected item-total r correlates "
              "it with the rest of the total (below 0.2: weak discrimination; negative: the key or wording may be "
              "wrong); α is Cronbach's alpha (KR-20 for 0/1 items). These figures improve the questions; they change "
              "no indicator's result.",
    },
    "items.none": {"zh": "还没有可分析的计分题答卷。", "en": "No answers to scored questions yet."},
    "items.summary": {
        "zh": "{n} 份答卷，{k} 道题；内部一致性 α = {alpha}；总分均值 {mean}，标准差 {sd}",
        "en": "{n} responses, {k} questions; internal consistency α = {alpha}; mean total {mean}, SD {sd}",
    },
    "items.col.item": {"zh": "题目", "en": "Question"},
    "items.col.correct": {"zh": "答对比例", "en": "Share right"},
    "items.col.item_total": {"zh": "校正题总相关", "en": "Corrected item-total r"},
    "items.col.dont_know": {"zh": "选“不知道”", "en": "Don't know"},
    "items.col.flags": {"zh": "提示", "en": "Flags"},
    "items.col.options": {"zh": "各选项比例", "en": "Share per option"},
    "items.error": {"zh": "题目分析暂时无法显示：{message}", "en": "The item analysis cannot be shown now: {message}"},
}
STRINGS.update(keyed("items.flag", FLAG_WORDS))
