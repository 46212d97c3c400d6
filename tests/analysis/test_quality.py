"""Quality flags: each rule on hand-computed cases; parameters merged and checked."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.quality import RULES, QualityParameters, flag_responses, site_summary
from survey.questionnaire.loader import parse_questionnaire_text

FORM = """
id: form
version: "1"
languages: [zh, en]
title: {zh: 问卷, en: Form}
introduction: {zh: 说明, en: About}
audience: residents
sections:
  - id: main
    title: {zh: 问题, en: Questions}
    questions:
      - {id: note, type: note, label: {zh: 请作答, en: Please answer}}
      - {id: used, type: yes_no, label: {zh: 用过吗, en: "Used?"}}
      - {id: l1, type: likert5, label: {zh: 一, en: One}}
      - {id: l2, type: likert5, label: {zh: 二, en: Two}}
      - {id: l3, type: likert5, label: {zh: 三, en: Three}}
      - {id: l4, type: likert5, label: {zh: 四, en: Four}}
      - {id: l5, type: likert5, allow_na: true, label: {zh: 五, en: Five}}
      - {id: l6, type: likert5, required: false, label: {zh: 六, en: Six}}
      - id: kinds
        type: multiple
        required: false
        label: {zh: 哪些, en: Which}
        choices:
          - {value: a, label: {zh: 甲, en: A}}
          - {value: b, label: {zh: 乙, en: B}}
      - {id: say, type: text, required: false, label: {zh: 十个字的问题文本啊, en: Ten characters}}
indicators:
  - {id: sat, label: {zh: 满意率, en: Satisfaction}, kind: binary, items: [l1], rule: "${l1} >= 4"}
"""
STAFF = FORM.replace("id: form", "id: staff").replace("audience: residents", "audience: staff")
T0 = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Asia/Shanghai
# every parameter off except the rule under test, so each test sees one rule
ONLY = {rule: {"enabled": False} for rule in RULES}


@pytest.fixture(scope="module")
def form():
    return parse_questionnaire_text(FORM, source="<form>")


def params(rule: str, **values) -> QualityParameters:
    layer = {**ONLY, rule: {"enabled": True, **values}}
    return QualityParameters.merged(("test", layer))


QUESTIONS = ("used", "l1", "l2", "l3", "l4", "l5", "l6", "kinds", "say")


def frame(rows: list[dict]) -> pd.DataFrame:
    """A response frame as ``Store.response_frame(..., with_answers=True)`` gives it."""
    base = {"site_code": "01", "questionnaire_id": "form", "source": "qr", "duration_s": None, "mode": "self",
            "device_hash": None, "answers": {}}
    full = [{**base, "response_id": i + 1, "submitted_at": T0 + dt.timedelta(minutes=i), **r} for i, r in enumerate(rows)]
    out = pd.DataFrame({
        "response_id": np.array([r["response_id"] for r in full], dtype=np.int64),
        "questionnaire_id": [r["questionnaire_id"] for r in full],
        "site_code": [r["site_code"] for r in full],
        "source": [r["source"] for r in full],
        "submitted_at": pd.to_datetime(pd.Series([r["submitted_at"] for r in full], dtype=object), utc=True).dt.as_unit("ns"),
        "duration_s": np.array([np.nan if r["duration_s"] is None else r["duration_s"] for r in full], dtype=float),
        "mode": pd.Series([r["mode"] for r in full], dtype=object),
        "device_hash": pd.Series([r["device_hash"] for r in full], dtype=object),
    })
    for q in QUESTIONS:
        values = [r["answers"].get(q) for r in full]
        if q.startswith("l"):  # likert: numbers as float, as the frame reads them ("na" is no number)
            out[q] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
        else:
            out[q] = pd.Series(values, dtype=object)
    return out


def empty_frame() -> pd.DataFrame:
    return frame([{}]).iloc[0:0].reset_index(drop=True)


def fired(flags: pd.DataFrame, rule: str) -> list[int]:
    return flags.loc[flags[rule], "response_id"].tolist()


def test_too_fast_floor_from_items_answered(form) -> None:
    p = params("too_fast", seconds_per_item=2.0, chars_per_second=None)  # text length off: 2 s per answered item
    seven = {"used": "yes", "l1": 5, "l2": 4, "l3": 3, "l4": 2, "l5": 1, "l6": 5}  # 7 items -> floor 14 s
    two = {"used": "no", "l1": 5}  # floor 4 s
    flags = flag_responses(frame([
        {"answers": seven, "duration_s": 13.9},
        {"answers": seven, "duration_s": 14.0},
        {"answers": two, "duration_s": 3.0},
        {"answers": two, "duration_s": 5.0},
        {"answers": two, "duration_s": None},  # no duration (an import): never too fast
        {"answers": two, "duration_s": 1.0, "mode": "paper"},  # typed in from paper
    ]), {"form": form}, p)
    assert flags["floor_s"].tolist()[:4] == [14.0, 14.0, 4.0, 4.0]
    assert fired(flags, "too_fast") == [1, 3]
    assert flags.loc[0, "reasons"] == ("too_fast",) and not flags.loc[1, "flagged"]


def test_too_fast_counts_text_length(form) -> None:
    # the text question's label has 9 characters and no choices: 1 s + 9 / 3 s = 4 s
    p = params("too_fast", seconds_per_item=1.0, chars_per_second=3.0)
    flags = flag_responses(frame([{"answers": {"say": "好"}, "duration_s": 3.99}, {"answers": {"say": "好"}, "duration_s": 4.0}]),
                           {"form": form}, p)
    assert flags["floor_s"].tolist() == pytest.approx([4.0, 4.0])
    assert fired(flags, "too_fast") == [1]
    fixed = flag_responses(frame([{"answers": {"say": "好"}, "duration_s": 30}]), {"form": form},
                           params("too_fast", floor_seconds=60))
    assert fired(fixed, "too_fast") == [1]


def test_same_device_after_n_per_site_and_day(form) -> None:
    rows = [
        {"device_hash": "a"},  # 1st of a at 01 today
        {"device_hash": "a"},  # 2nd -> flagged
        {"device_hash": "a", "site_code": "02"},  # another site
        {"device_hash": "a", "submitted_at": T0 + dt.timedelta(days=1)},  # another day
        {"device_hash": "b"},
        {"device_hash": None},  # no device known
        {"device_hash": "a", "source": "surveyor", "mode": "read_aloud"},  # a surveyor's tablet
        {"device_hash": "a"},  # 3rd -> flagged
        # 15:59 UTC is 23:59 local on the 4th; 16:01 UTC is the 5th local: the day is the campaign's
        {"device_hash": "c", "submitted_at": dt.datetime(2026, 5, 4, 15, 59, tzinfo=dt.timezone.utc)},
        {"device_hash": "c", "submitted_at": dt.datetime(2026, 5, 4, 16, 1, tzinfo=dt.timezone.utc)},
    ]
    flags = flag_responses(frame(rows), {"form": form}, params("same_device"))
    assert fired(flags, "same_device") == [2, 8]
    assert flags.loc[[0, 1, 7], "device_count"].tolist() == [3, 3, 3]
    two = flag_responses(frame(rows), {"form": form}, params("same_device", max_per_day=2))
    assert fired(two, "same_device") == [8]


def test_same_device_limit_by_audience(form) -> None:
    staff = parse_questionnaire_text(STAFF, source="<staff>")
    rows = [{"device_hash": "a", "questionnaire_id": "staff"}] * 4 + [{"device_hash": "a"}] * 2
    flags = flag_responses(frame(rows), {"form": form, "staff": staff}, params("same_device"))  # staff 3, residents 1
    assert fired(flags, "same_device") == [4, 6]


def test_straight_line(form) -> None:
    rows = [
        {"answers": {"l1": 5, "l2": 5, "l3": 5, "l4": 5, "l5": 5}},  # five 5s -> flagged
        {"answers": {"l1": 5, "l2": 5, "l3": 5, "l4": 5}},  # only four items
        {"answers": {"l1": 3, "l2": 3, "l3": 3, "l4": 3, "l5": "na", "l6": 3}},  # five 3s, "na" aside
        {"answers": {"l1": 5, "l2": 5, "l3": 5, "l4": 5, "l5": 4, "l6": 5}},  # one differs
        {"answers": {}},
    ]
    assert fired(flag_responses(frame(rows), {"form": form}, params("straight_line")), "straight_line") == [1, 3]
    assert fired(flag_responses(frame(rows), {"form": form}, params("straight_line", min_items=4)), "straight_line") == [1, 2, 3]


def test_duplicate_answers_same_site(form) -> None:
    a = {"used": "yes", "l1": 5, "l2": 4, "l3": 4, "l4": 5, "l5": 3, "l6": 2, "kinds": ["a", "b"], "say": "很好"}  # 9 answers
    b = {**a, "say": "不错"}
    c = {**a, "kinds": ["a"]}
    short = {"used": "no", "l1": 4}
    rows = [{"answers": a}, {"answers": b}, {"answers": dict(reversed(list(a.items())))}, {"answers": a, "site_code": "02"},
            {"answers": short}, {"answers": short}, {"answers": c}, {"answers": {**c}}]
    flags = flag_responses(frame(rows), {"form": form}, params("duplicate_answers"))
    # key order does not matter; another site and short sets do not count; lists compare by content
    assert fired(flags, "duplicate_answers") == [1, 3, 7, 8]
    assert fired(flag_responses(frame(rows), {"form": form}, params("duplicate_answers", min_items=2)), "duplicate_answers") == [1, 3, 5, 6, 7, 8]


def test_burst_against_the_sites_history(form) -> None:
    # site 01: 2 quiet days with 2 responses each, then 12 responses in 12 minutes on day 3
    quiet = [{"submitted_at": T0 + dt.timedelta(days=d, hours=h)} for d in (0, 1) for h in (0, 4)]
    rush = [{"submitted_at": T0 + dt.timedelta(days=2, minutes=m)} for m in range(12)]
    p = params("burst", window_minutes=60, factor=5, min_count=10, opening_hours=["06:00", "22:00"])
    flags = flag_responses(frame(quiet + rush), {"form": form}, p)
    # usual per hour = 16 responses / (3 days x 16 h) = 1/3; limit = max(10, 5/3) = 10: the 11th and 12th of the rush
    assert fired(flags, "burst") == [15, 16]
    assert flags["window_count"].tolist()[-3:] == [10, 11, 12]
    assert fired(flag_responses(frame(quiet + rush), {"form": form}, params("burst", min_count=20)), "burst") == []


def test_burst_outside_opening_hours(form) -> None:
    rows = [
        {"submitted_at": dt.datetime(2026, 5, 4, 21, 30, tzinfo=dt.timezone.utc)},  # 05:30 local: closed
        {"submitted_at": dt.datetime(2026, 5, 4, 22, 0, tzinfo=dt.timezone.utc)},  # 06:00: open
        {"submitted_at": dt.datetime(2026, 5, 4, 13, 59, tzinfo=dt.timezone.utc)},  # 21:59: open
        {"submitted_at": dt.datetime(2026, 5, 4, 14, 0, tzinfo=dt.timezone.utc)},  # 22:00: closed
        {"submitted_at": dt.datetime(2026, 5, 4, 14, 0, tzinfo=dt.timezone.utc), "source": "import"},  # imports aside
    ]
    assert fired(flag_responses(frame(rows), {"form": form}, params("burst")), "burst") == [1, 4]


def test_flags_never_drop_rows_and_summary(form) -> None:
    rows = [{"device_hash": "a", "duration_s": 1.0, "answers": {"l1": 5}}] * 3 + [{"duration_s": 100.0, "site_code": "02"}]
    data = frame(rows)
    flags = flag_responses(data, {"form": form})  # defaults
    assert flags["response_id"].tolist() == [1, 2, 3, 4]
    assert flags["reasons"].tolist() == [("too_fast",), ("too_fast", "same_device"), ("too_fast", "same_device"), ()]
    summary = site_summary(data, flags)
    assert summary.to_dict("records")[0] | {} == {
        "site": "01", "responses": 3, "days": 1, "per_day": 3.0, "median_duration_s": 1.0, "flagged": 3,
        "share_flagged": 1.0, "too_fast": 3, "same_device": 2, "straight_line": 0, "duplicate_answers": 0, "burst": 0,
    }
    assert summary.loc[1, "flagged"] == 0 and summary.loc[1, "median_duration_s"] == 100.0


def test_empty_frame(form) -> None:
    empty = empty_frame()
    flags = flag_responses(empty, {"form": form})
    assert len(flags) == 0 and list(flags.columns[:3]) == ["response_id", "site_code", "questionnaire_id"]
    assert len(site_summary(empty, flags)) == 0


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"fast": {}}, r"liunan: quality.fast: unknown rule"),
        ({"too_fast": {"speed": 1}}, r"quality.too_fast.speed: unknown parameter"),
        ({"too_fast": {"seconds_per_item": -1}}, r"quality.too_fast.seconds_per_item: expected a positive number"),
        ({"same_device": {"max_per_day": 0}}, r"max_per_day: expected a whole number"),
        ({"burst": {"opening_hours": ["22:00", "06:00"]}}, r"opening before closing"),
        ({"burst": {"enabled": "no"}}, r"expected true or false"),
    ],
)
def test_bad_parameters_are_named(layer, message) -> None:
    with pytest.raises(AnalysisError, match=message):
        QualityParameters.merged(("liunan", layer))


def test_layers_override_key_by_key() -> None:
    p = QualityParameters.merged(("profile", {"too_fast": {"seconds_per_item": 3}, "same_device": {"max_per_day": 2}}),
                                 ("campaign", {"too_fast": {"chars_per_second": 10}}))
    assert p["too_fast"]["seconds_per_item"] == 3 and p["too_fast"]["chars_per_second"] == 10
    assert p.max_per_day("staff") == 2 and QualityParameters().max_per_day("staff") == 3
    assert np.isclose(QualityParameters()["burst"]["factor"], 5.0)
