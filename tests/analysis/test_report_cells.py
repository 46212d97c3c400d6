"""cells.text_mask: the whole-array answer equals asking each value ``isinstance(v, str)``."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.report.cells import move_long_texts, safe_cell, safe_values, text_mask

VALUES = st.one_of(
    st.text(max_size=6), st.none(), st.just(float("nan")), st.just(pd.NA), st.just(pd.NaT), st.integers(-5, 5),
    st.floats(allow_nan=False, width=32), st.booleans(), st.just(np.float64(2.5)), st.just(np.int64(7)),
    st.just(dt.date(2026, 1, 2)), st.just(pd.Timestamp("2026-01-02 03:04")), st.just(decimal.Decimal("1.5")),
    st.just(b"x"), st.just(np.str_("文本")),
)


def _array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=12))
def test_text_mask_is_isinstance_str(items: list) -> None:
    values = _array(items)
    expected = np.array([isinstance(v, str) for v in items], dtype=bool)
    np.testing.assert_array_equal(text_mask(values), expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["=1+1", "-2", "＠x", "a\x01b", "满意", ""]), VALUES), max_size=12))
def test_safe_values_is_safe_cell_of_each(items: list) -> None:
    out = safe_values(_array(items))
    for got, value in zip(out.tolist(), items):
        want = safe_cell(value)
        assert got is want or got == want


def test_long_texts_found_among_missing_values_and_numbers() -> None:
    long = "长" * 40_000
    frame = pd.DataFrame({"a": _array([None, long, 3, float("nan"), "短"]), "b": _array([long, None, None, None, None])}, dtype=object)
    moved: list[dict] = []
    out = move_long_texts(frame, "sheet", moved)
    assert [(m["row"], m["column"]) for m in moved] == [(3, "a"), (3, "a"), (2, "b"), (2, "b")]
    assert out.iat[1, 0].startswith("[全文 40000 字") and out.iat[0, 1].startswith("[全文 40000 字")
    assert out.iat[2, 0] == 3 and out.iat[4, 0] == "短" and frame.iat[1, 0] == long
