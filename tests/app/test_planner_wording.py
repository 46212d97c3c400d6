"""AppTest: the planner says margins in percentage points, explains planned against allocated totals,
shows 是/否 for certainty units, and draws a sample-size curve that varies over its range."""

from __future__ import annotations

import io
import json

import numpy as np
import pyarrow as pa

from sampling import curve_rates, size_curve

from .test_planner_page import run_planner, table_with, texts


def curve_spec(at):
    """The sample-size chart: its Vega-Lite spec and the line's data (expected, n)."""
    chart = next(c for c in at.get("vega_lite_chart") if "layer" in json.loads(c.proto.spec))
    spec = json.loads(chart.proto.spec)
    line_name = spec["layer"][0]["data"]["name"]
    data = next(d for d in chart.proto.datasets if d.name == line_name)
    table = pa.ipc.open_stream(io.BytesIO(data.data.data)).read_all().to_pandas()
    return spec, table


def test_the_curve_varies_over_its_range_unclamped_with_chinese_axes():
    at = run_planner("zh")
    spec, line = curve_spec(at)
    n = line["n"].to_numpy()
    assert len(np.unique(n)) > len(n) // 2, "n changes along the curve"
    assert (np.diff(n) <= 0).all() and n[0] >= 3 * n[-1]  # falls as the expected rate moves above the threshold
    encodings = [layer["encoding"] for layer in spec["layer"]]
    assert not any("clamp" in json.dumps(e) or "domain" in json.dumps(e) for e in encodings)
    titles = {e[axis]["title"] for e in encodings for axis in ("x", "y") if axis in e}
    assert titles == {"预期比例", "所需样本量（人）"}  # every layer titled: no field name merges into an axis title


def test_the_margin_is_said_in_percentage_points_and_its_curve_varies():
    at = run_planner("zh")
    at.radio(key="planner.goal").set_value("margin").run()
    at.number_input(key="planner.margin_points").set_value(10.0).run()
    assert not at.exception, at.exception
    shown = texts(at) + "\n".join(n.label for n in at.number_input)
    assert "± 10 个百分点" in shown and "允许误差（± 个百分点）" in shown
    assert "0.1" not in "\n".join(c.value for c in at.caption if "百分点" in c.value)
    _, line = curve_spec(at)
    assert line["n"].nunique() > 5


def test_curve_rates_span_a_range_where_n_varies():
    for threshold, expected in ((0.90, 0.95), (0.80, 0.98), (0.5, 0.6)):
        sizes = np.array([n for _, n in size_curve(curve_rates(expected, threshold=threshold), threshold=threshold)])
        assert len(sizes) == 61 and np.unique(sizes).size > 30
    sizes = np.array([n for _, n in size_curve(curve_rates(0.3), margin=0.05)])
    assert np.ptp(sizes) > 0


def test_lqas_gap_is_in_percentage_points():
    at = run_planner("zh")
    assert any("只相差 10 个百分点" in c.value for c in at.caption), [c.value for c in at.caption]
    assert not any("%，所需样本" in c.value for c in at.caption)


def test_planned_and_allocated_totals_are_explained_and_certainty_is_yes_no():
    at = run_planner("zh")
    assert any("计划总样本量" in c.value and "向上取整" in c.value for c in at.caption)
    at.button(key="planner.draw").click().run()
    assert not at.exception, at.exception
    alloc = table_with(at, "占比")
    allocated = int(alloc["样本量"].str.replace(",", "").astype(int).sum())
    plan = table_with(at, "设计权重")
    people = int(plan["该点调查人数"].sum())
    note = next(c.value for c in at.caption if "计划调查" in c.value)
    assert f"{people:,}" in note and f"{allocated:,}" in note
    assert people > allocated  # the page's defaults: 3 sites per township, people per site rounded up
    assert f"多 {people - allocated:,} 人" in note and "向上取整" in note
    assert set(plan["必选点位"]) <= {"是", "否"}


def test_english_planner_says_percentage_points():
    at = run_planner("en")
    assert any("10 percentage points apart" in c.value for c in at.caption)
    at.button(key="planner.draw").click().run()
    plan = table_with(at, "Certainty unit")
    assert set(plan["Certainty unit"]) <= {"Yes", "No"}
