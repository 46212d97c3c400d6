"""The workbook's data sheets in words: codes (satisfaction, overall, inconclusive, beta,
township_centre, ...) as the Chinese the rest of the report uses, the rule sentence in Chinese, and
a number format for every decimal column (no 16-digit floats on screen; the cell keeps full
precision). The English variable names stay in each sheet's second row, and the CSV downloads keep
the codes for re-use."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..sequential import FLAG_WORDS
from ..verdict import VERDICT_WORDS, rule_text

#: a decimal column's format when the sheet gives none: up to four decimals
DECIMALS = "0.0###"
SCOPE_ZH = {"overall": "全县（区）", "stratum": "乡镇（街道）"}
BOUNDS_ZH = {"one-sided": "单侧界限", "two-sided": "双侧区间"}
WEIGHTING_ZH = {"design": "设计权重", "none": "不加权", "poststratify": "事后分层", "rake": "多维调整（raking）"}


def code_words(results, ci_words: Mapping[str, str], source_words: Mapping[str, str]) -> dict[str, Mapping]:  # noqa: ANN001
    """Column name -> {code: 中文} for the codes the data sheets hold."""
    from sampling.lqas import LQAS_WORDS
    from survey.campaign import SITE_KINDS

    indicators = {i.id: i.label.get("zh", i.id) for q in results.questionnaires.values() for i in q.indicators}
    titles = {qid: q.title.get("zh", qid) for qid, q in results.questionnaires.items()}
    return {
        "verdict": {k: v["zh"] for k, v in VERDICT_WORDS.items()},
        "flag": {k: v["zh"] for k, v in FLAG_WORDS.items()},
        "classification": {k: v["zh"] for k, v in LQAS_WORDS.items()},
        "scope": SCOPE_ZH, "bounds": BOUNDS_ZH, "weighting": WEIGHTING_ZH,
        "ci_method": {k: v.split("（")[0] for k, v in ci_words.items()},
        "site_kind": {k: v["zh"] for k, v in SITE_KINDS.items()}, "kind": {k: v["zh"] for k, v in SITE_KINDS.items()},
        "source": dict(source_words),
        "var": indicators, "indicator": indicators, "instrument": titles, "questionnaire_id": titles,
    }


def in_words(frame: pd.DataFrame, words: Mapping[str, Mapping], level: float, min_df: int) -> pd.DataFrame:
    """``frame`` with its codes in words and the rule sentence in Chinese (a copy)."""
    out = frame.copy()
    for column, mapping in words.items():
        if column in out.columns:
            out[column] = [mapping.get(v, v) if isinstance(v, str) else v for v in out[column]]
    if "verdict_rule" in out.columns:
        out["verdict_rule"] = rule_text(level, "zh", min_df)
    return out


def decimal_formats(frame: pd.DataFrame, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """``given`` and, for every other column of decimals, :data:`DECIMALS`."""
    formats = dict(given or {})
    for column in frame.columns:
        if column not in formats and pd.api.types.is_float_dtype(frame[column]):
            formats[column] = DECIMALS
        elif column not in formats and frame[column].dtype == object and len(frame) and any(
                isinstance(v, float) and not float(v).is_integer() for v in frame[column].head(50)):
            formats[column] = DECIMALS
    return formats
