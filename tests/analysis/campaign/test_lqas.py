"""LQAS per township: the first n responses in order of arrival, classified by sampling's rule."""

from __future__ import annotations

import pandas as pd

from analysis.campaign.lqas import classify_townships, lqas_rule_for
from sampling.lqas import lqas_classify


def _rows(values_by_town: dict[str, list[float | None]]) -> pd.DataFrame:
    rows = []
    t = 0
    for town, values in values_by_town.items():
        for v in values:
            rows.append({"stratum": town, "submitted_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(minutes=t),
                         "knowledge": v})
            t += 1
    return pd.DataFrame(rows).sample(frac=1.0, random_state=3)  # arrival order is read from submitted_at


def test_first_n_in_order_of_arrival_and_the_sampling_rule():
    rows = _rows({
        "a": [1.0] * 13 + [0.0] * 10,          # 13 of the first 19 succeed: meets
        "b": [0.0] * 7 + [1.0] * 12,           # 7 failures > 19 - 13: does not meet
        "c": [1.0, None, 0.0, 1.0],            # 3 with a value: incomplete
    })
    got = classify_townships(rows, "knowledge", (19, 13), ["a", "b", "c", "d"])
    assert [(r["stratum"], r["sampled"], r["successes"], r["classification"]) for r in got] == [
        ("a", 19, 13, "meets"), ("b", 19, 12, "does_not_meet"), ("c", 3, 2, "incomplete"), ("d", 0, 0, "incomplete"),
    ]
    expected = lqas_classify([r["successes"] for r in got], [r["sampled"] for r in got], 19, 13).tolist()
    assert [r["classification"] for r in got] == expected


def test_rule_chosen_else_from_every_site_of_the_plan():
    class Site:
        def __init__(self, extra: dict) -> None:
            self.extra = extra

    class Campaign:
        def __init__(self, extras: list[dict]) -> None:
            self.sites = [Site(e) for e in extras]

    same = Campaign([{"lqas_n": 19, "lqas_d": 13}] * 3)
    assert lqas_rule_for(same, None, "knowledge") == (19, 13)
    assert lqas_rule_for(same, {"knowledge": (28, 22)}, "knowledge") == (28, 22)
    specific = Campaign([{"lqas_n_knowledge": 24, "lqas_d_knowledge": 20, "lqas_n": 19, "lqas_d": 13}] * 2)
    assert lqas_rule_for(specific, None, "knowledge") == (24, 20)
    assert lqas_rule_for(Campaign([{"lqas_n": 19, "lqas_d": 13}, {"lqas_n": 24, "lqas_d": 20}]), None, "knowledge") is None
    assert lqas_rule_for(Campaign([]), None, "knowledge") is None
