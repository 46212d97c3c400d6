"""analysis.formatting: the exact text of every number, date and time on pages and in reports."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import formatting as f


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan")])
def test_missing_values_are_a_dash(value) -> None:
    assert f.missing(value)
    assert f.percent(value) == f.fixed(value) == f.se_pp(value) == f.count(value) == "—"
    assert f.local_stamp(value, "Asia/Shanghai") is None


def test_present_values_are_not_missing() -> None:
    assert not any(f.missing(v) for v in (0, 0.0, "", False, np.int64(3), pd.Timestamp("2026-01-01")))


def test_numbers() -> None:
    assert f.percent(0.8834) == "88.3%" and f.percent(0.85, 0) == "85%" and f.percent(1) == "100.0%"
    assert f.percent(np.float64(0.12345), 2) == "12.35%"
    assert f.level_percent(0.95) == "95%" and f.level_percent(0.975) == "97.5%" and f.level_percent(2 * 0.95 - 1) == "90%"
    assert f.fixed(1.234) == "1.23" and f.fixed(2, 1) == "2.0"
    assert f.se_pp(0.0123) == "1.23"
    assert f.count(1234) == "1234" and f.count(np.int64(1234567), thousands=True) == "1,234,567" and f.count(7.0) == "7"


def test_dates_and_times_in_the_campaigns_zone() -> None:
    moment = pd.Timestamp("2026-12-03 08:05:09", tz="UTC")
    assert f.local_time(moment, "Asia/Shanghai").isoformat() == "2026-12-03T16:05:09+08:00"
    assert f.local_time(dt.datetime(2026, 12, 3, 8, 5), "Asia/Shanghai").hour == 16  # naive means UTC
    assert f.local_stamp(moment, "Asia/Shanghai") == "2026-12-03 16:05:09"
    assert f.local_stamp(moment, "Asia/Shanghai", "%Y-%m-%d %H:%M") == "2026-12-03 16:05"
    assert f.date_zh(dt.date(2026, 1, 9)) == "2026年1月9日"
    assert f.datetime_zh(moment, "Asia/Shanghai") == "2026年12月3日 16:05（北京时间）"
    assert f.datetime_zh(moment, "Asia/Urumqi") == "2026年12月3日 14:05（Asia/Urumqi）"
    assert f.zone_zh("PRC") == f.zone_zh("Asia/Chongqing") == "北京时间" and f.in_china("Asia/Harbin")
    assert not f.in_china("UTC")


class _Questionnaire:
    """The two things the label helpers use: ``indicators`` and ``indicator(id)``."""

    def __init__(self, *indicators):
        self.indicators = indicators

    def indicator(self, indicator_id):
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise LookupError(indicator_id)


def test_indicator_labels_fall_back_to_chinese_then_the_id() -> None:
    both = SimpleNamespace(id="satisfaction", label={"zh": "满意率", "en": "satisfaction rate"})
    bare = SimpleNamespace(id="knowledge", label={})
    q = _Questionnaire(both, bare)
    assert f.indicator_label(q, "satisfaction") == "满意率"
    assert f.indicator_label(q, "satisfaction", "en") == "satisfaction rate"
    assert f.indicator_label(q, "knowledge", "en") == "knowledge"
    assert f.indicator_label(q, "unknown") == "unknown"
    assert f.indicator_labels({"resident": q}, "en") == {("resident", "satisfaction"): "satisfaction rate",
                                                        ("resident", "knowledge"): "knowledge"}
