"""Item analysis: difficulty, corrected item-total correlation, Cronbach's alpha and distractor
shares, by hand, as properties, and against R ``psych::alpha`` (Debian r-cran-psych) to 1e-9."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.items import _alpha, _corrected_item_total, item_analysis, item_scores
from survey.questionnaire.loader import parse_questionnaire_text

QUIZ = """
id: quiz
version: "1"
languages: [zh, en]
title: {zh: 测验, en: Quiz}
introduction: {zh: 说明, en: About}
audience: residents
sections:
  - id: main
    title: {zh: 题目, en: Items}
    questions:
      - id: a
        type: single
        label: {zh: 题一, en: One}
        choices:
          - {value: x, label: {zh: 甲, en: X}}
          - {value: y, label: {zh: 乙, en: Y}}
          - {value: z, label: {zh: 丙, en: Z}}
          - {value: dont_know, label: {zh: 不知道, en: Don't know}}
        answer: x
      - id: b
        type: true_false
        label: {zh: 题二, en: Two}
        answer: "true"
      - id: c
        type: multiple
        label: {zh: 题三, en: Three}
        choices:
          - {value: p, label: {zh: 子, en: P}}
          - {value: q, label: {zh: 丑, en: Q}}
          - {value: r, label: {zh: 寅, en: R}}
        answer: [p, q]
indicators:
  - id: knows
    label: {zh: 知晓, en: Knows}
    kind: binary
    items: [a, b, c]
    rule: "correct_share() >= 0.6"
"""
QUIZ_Q = parse_questionnaire_text(QUIZ)


def rows(a, b, c, knows=None) -> pd.DataFrame:
    n = len(a)
    return pd.DataFrame({"a": a, "b": b, "c": c, "knows": knows if knows is not None else [1.0] * n})


def test_a_small_set_by_hand() -> None:
    data = rows(["x", "x", "y", "dont_know", None], ["true", "false", "true", "true", "false"],
                [["p", "q"], ["p"], ["p", "q", "r"], ["q", "p"], None], [1.0, 0.0, 0.0, 1.0, np.nan])
    result = item_analysis(data, QUIZ_Q, "knows")
    assert (result.n, result.k) == (4, 3)  # the NaN row is outside the denominator
    a, b, c = result.items
    assert a.correct == 0.5 and a.dont_know == 0.25 and a.options == {"x": 0.5, "y": 0.25, "z": 0.0, "dont_know": 0.25}
    assert b.correct == 0.75 and c.correct == 0.5 and c.options == {"p": 1.0, "q": 0.75, "r": 0.25}
    # scores: a 1,1,0,0; b 1,0,1,1; c 1,0,0,1 -> totals 3,1,1,2
    x = np.array([[1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 1, 1]], float)
    assert np.array_equal(item_scores(data.iloc[:4], [QUIZ_Q.question(q) for q in "abc"]), x)
    assert result.mean == pytest.approx(7 / 4) and result.sd == pytest.approx(np.std([3, 1, 1, 2], ddof=1))
    alpha = 3 / 2 * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert result.alpha == pytest.approx(alpha)
    rest_a = np.array([2, 0, 1, 2])
    assert a.item_total == pytest.approx(np.corrcoef(x[:, 0], rest_a)[0, 1])
    assert "dead_distractor" in a.flags  # z chosen by nobody


def test_profile_points_and_flags() -> None:
    data = rows(["x"] * 40, ["true"] * 39 + ["false"], [["p", "q"]] * 20 + [["p"]] * 20)
    result = item_analysis(data, QUIZ_Q, "knows", points={"multiple": 2})
    a, b, c = result.items
    assert a.correct == 1.0 and "too_easy" in a.flags and np.isnan(a.item_total)
    assert result.mean == pytest.approx(1 + 39 / 40 + 2 * 0.5)
    assert set(c.flags) == {"dead_distractor"} or "low_discrimination" in c.flags or "negative_discrimination" in c.flags


@settings(max_examples=60, deadline=None)
@given(st.integers(5, 40), st.integers(2, 6), st.integers(0, 10_000))
def test_properties(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = (rng.random((n, k)) < rng.uniform(0.2, 0.9, size=k)).astype(float)
    r = _corrected_item_total(x)
    assert np.all(np.isnan(r) | (np.abs(r) <= 1 + 1e-12))
    alpha = _alpha(x)
    assert np.isnan(alpha) or alpha <= 1 + 1e-12
    doubled = _alpha(np.hstack([x, x]))  # the same items twice: at least as reliable
    assert np.isnan(alpha) or np.isnan(doubled) or doubled >= alpha - 1e-12


def _has_psych() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(psych)"], capture_output=True, timeout=120).returncode == 0


@pytest.mark.r_reference
@pytest.mark.skipif(not _has_psych(), reason="Rscript with the psych package is not installed")
def test_alpha_and_item_total_match_r_psych(tmp_path) -> None:
    rng = np.random.default_rng(2026)
    theta = rng.normal(size=300)
    difficulty = np.linspace(-1.5, 1.5, 8)
    x = (rng.random((300, 8)) < 1 / (1 + np.exp(-(theta[:, None] - difficulty)))).astype(float)
    x[:, 7] *= 2  # a multi-select worth two points
    pd.DataFrame(x, columns=[f"i{j}" for j in range(8)]).to_csv(tmp_path / "x.csv", index=False)
    script = f"""
suppressMessages(library(psych))
x <- read.csv("{tmp_path / 'x.csv'}")
a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE)
cat(sprintf("%.15f", a$total$raw_alpha), sprintf("%.15f", a$item.stats$r.drop), "\\n")
"""
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    values = [float(v) for v in out.stdout.split()]
    assert _alpha(x) == pytest.approx(values[0], rel=1e-9)
    assert _corrected_item_total(x) == pytest.approx(np.asarray(values[1:]), rel=1e-9)


def test_command_line_on_the_demo(tmp_path) -> None:
    import json
    import sys

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    subprocess.run([sys.executable, "-m", "survey", "demo", "--db", url, "--responses", "300"], check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-m", "analysis", "items", "--db", url, "--campaign", "1", "--indicator", "knowledge",
                          "--json"], capture_output=True, text=True, check=True).stdout
    (found,) = json.loads(out)["indicators"]
    assert set(found) >= {"indicator", "questionnaire_id", "n", "k", "alpha", "mean", "sd", "items"}
    assert found["indicator"] == "knowledge" and found["k"] >= 8 and 0.3 < found["alpha"] < 0.95
    item = found["items"][0]
    assert set(item) >= {"id", "n", "correct", "dont_know", "options", "item_total", "flags"}
    correct = [i["correct"] for i in found["items"]]
    assert max(correct) - min(correct) > 0.1  # simulated answers: some items easier than others
    assert all(i["item_total"] > 0 for i in found["items"])  # every item separates who knows from who doesn't
    missing = subprocess.run([sys.executable, "-m", "analysis", "items", "--db", url, "--campaign", "1", "--indicator", "nope"],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "nope" in missing.stderr


def test_coded_text_columns_keep_every_answer_apart() -> None:
    """A column of texts and missing values (coded with one factorize) codes as a row-by-row lookup
    would: a text is its own key, a missing value ``str(value)`` (so "None" and "nan" stay apart)."""
    from analysis.items import _Coded

    values = ["yes", None, "no", "yes", "nan", float("nan"), "maybe", "None", None]
    for column in (pd.Series(values, dtype=object), pd.Series(values, dtype="str"),
                   pd.Series([*values, ["yes"]], dtype=object)):  # the last one the row-by-row lookup
        coded = _Coded(column)
        as_text = [v if isinstance(v, str) else None if isinstance(v, list) else str(v) for v in column.tolist()]
        for value in ("yes", "no", "maybe", "nan", "None", "absent"):
            expected = [t == value or (isinstance(v, list) and value in v) for t, v in zip(as_text, column.tolist())]
            assert coded.chosen(value).tolist() == expected, (column.dtype, value)
        assert coded.ticked_any().tolist() == [isinstance(v, list) for v in column.tolist()]
    assert _Coded(pd.Series([], dtype=object)).chosen("yes").tolist() == []
    assert _Coded(pd.Series([None, None], dtype=object)).chosen("None").tolist() == [True, True]
