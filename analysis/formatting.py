"""How numbers, dates and times are written on every page and in every report, once.

Pure functions, no UI: the reports (:mod:`analysis.report`) and the app's pages import them.
A missing value (None, ``pd.NA``, ``pd.NaT``, NaN) is written ``—``.

* :func:`percent` (``88.3%``), :func:`level_percent` (``95%``, ``97.5%``: trailing zeros dropped),
  :func:`fixed` (``1.23``), :func:`se_pp` (a standard error in percentage points, ``1.23``),
  :func:`count` (``1234``, or ``1,234`` with ``thousands=True``);
* :func:`local_time` (a moment in the campaign's time zone), :func:`local_stamp`
  (``2026-12-03 16:05:00``), :func:`date_zh` (``2026年12月3日``), :func:`zone_zh` (北京时间 for
  China's zone) and :func:`datetime_zh` (``2026年12月3日 16:05（北京时间）``);
* :func:`indicator_label` / :func:`indicator_labels`: an indicator's name in a language
  (``Questionnaire.indicator``), its id when it has none.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHINA_ZONES", "DASH", "count", "date_zh", "datetime_zh", "fixed", "in_china", "indicator_label",
           "indicator_labels", "level_percent", "local_stamp",
           "local_time", "missing", "percent", "se_pp", "zone_zh"]

#: how a missing value is written
DASH = "—"
#: time zone names that are China's standard time (北京时间)
CHINA_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"})


def missing(x: Any) -> bool:
    """None, ``pd.NA``, ``pd.NaT`` or NaN: a value nobody could give.

    >>> missing(None), missing(float("nan")), missing(pd.NA), missing(0.0)
    (True, True, True, False)
    """
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    return isinstance(x, (float, np.floating)) and math.isnan(x)


def percent(x: Any, digits: int = 1) -> str:
    """A rate as a percentage: ``percent(0.8834)`` is ``88.3%``, ``percent(0.85, 0)`` is ``85%``."""
    return DASH if missing(x) else f"{float(x) * 100:.{digits}f}%"


#: what stands where an interval could not be computed, in words (never "—–—")
NO_INTERVAL = {
    "empty": {"zh": "尚无可用问卷", "en": "no usable responses yet"},
    "few_sites": {"zh": "调查点太少，无法计算区间", "en": "too few sites for an interval"},
    "other": {"zh": "无法计算区间", "en": "no interval"},
}


def no_interval(n: Any = None, verdict: Any = None, language: str = "zh") -> str:
    """Why a row has no interval: no usable response (``n`` 0 or missing), too few sites (the
    verdict ``few_sites``), or neither of those."""
    if n is not None and (missing(n) or int(n) == 0):
        return NO_INTERVAL["empty"][language]
    return NO_INTERVAL["few_sites" if isinstance(verdict, str) and verdict == "few_sites" else "other"][language]


def interval(low: Any, high: Any, *, n: Any = None, verdict: Any = None, language: str = "zh", sep: str = "–") -> str:
    """An interval as ``80.1%–85.2%``; the reason in words when either end is missing.

    >>> interval(0.8, 0.9), interval(None, None, n=0), interval(None, None, verdict="few_sites")
    ('80.0%–90.0%', '尚无可用问卷', '调查点太少，无法计算区间')
    """
    if missing(low) or missing(high):
        return no_interval(n, verdict, language)
    return f"{percent(low)}{sep}{percent(high)}"


def level_percent(x: float) -> str:
    """A level or threshold with its trailing zeros dropped: ``95%``, ``97.5%``, ``90%``."""
    return f"{float(x) * 100:.1f}".rstrip("0").rstrip(".") + "%"


def fixed(x: Any, digits: int = 2) -> str:
    """A number with ``digits`` decimals (design effects): ``fixed(1.234)`` is ``1.23``."""
    return DASH if missing(x) else f"{float(x):.{digits}f}"


def se_pp(x: Any) -> str:
    """A standard error in percentage points with two decimals: ``se_pp(0.0123)`` is ``1.23``."""
    return DASH if missing(x) else f"{float(x) * 100:.2f}"


def count(x: Any, *, thousands: bool = False) -> str:
    """A whole number: ``count(1234)`` is ``1234``, ``count(1234, thousands=True)`` is ``1,234``."""
    if missing(x):
        return DASH
    return f"{int(x):,}" if thousands else f"{int(x)}"


def local_time(moment: Any, timezone: str) -> dt.datetime:
    """``moment`` (aware datetime or pandas Timestamp; naive means UTC) in the campaign's time zone."""
    from zoneinfo import ZoneInfo

    value = pd.Timestamp(moment)
    if value.tzinfo is None:
        value = value.tz_localize("UTC")
    return value.tz_convert(ZoneInfo(timezone)).to_pydatetime()


def local_stamp(moment: Any, timezone: str, pattern: str = "%Y-%m-%d %H:%M:%S") -> str | None:
    """``moment`` in the campaign's time zone as text (None when missing)."""
    return None if missing(moment) else local_time(moment, timezone).strftime(pattern)


def in_china(timezone: str) -> bool:
    """The zone is China's standard time."""
    return timezone in CHINA_ZONES


def zone_zh(timezone: str) -> str:
    """How the time zone is named beside a time (北京时间 for China's zone)."""
    return "北京时间" if in_china(timezone) else timezone


def date_zh(day: dt.date) -> str:
    """E.g. ``2026年12月3日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def datetime_zh(moment: Any, timezone: str) -> str:
    """E.g. ``2026年12月3日 16:05（北京时间）``."""
    t = local_time(moment, timezone)
    return f"{date_zh(t.date())} {t:%H:%M}（{zone_zh(timezone)}）"


def indicator_label(questionnaire: Any, indicator_id: str, lang: str = "zh") -> str:
    """The indicator's label in ``lang`` (else Chinese, else any), or its id when it has none or
    the questionnaire does not have it."""
    from survey.questionnaire import pick

    try:
        label = questionnaire.indicator(indicator_id).label
    except LookupError:
        return indicator_id
    return pick(label, lang) or indicator_id


def indicator_labels(questionnaires: Mapping[str, Any], lang: str = "zh") -> dict[tuple[str, str], str]:
    """``{(questionnaire_id, indicator_id): label}`` for every indicator of ``questionnaires``."""
    return {(qid, i.id): indicator_label(q, i.id, lang) for qid, q in questionnaires.items() for i in q.indicators}
