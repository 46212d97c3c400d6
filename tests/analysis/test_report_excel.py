"""The workbook's verdict colours are keyed by the verdict code, not by its words."""

from __future__ import annotations

import io

import openpyxl
import pytest

from analysis.report import collect, render
from analysis.report.excel import OTHER_COLOUR, VERDICT_COLOURS, summary_rows, verdict_colour
from analysis.verdict import VERDICT_WORDS, VERDICTS
from survey.demo import create_demo
from survey.storage import Store


def test_every_verdict_code_has_its_colour() -> None:
    assert verdict_colour("met") == "1A7F37" and verdict_colour("not_met") == "C42828"
    assert verdict_colour("inconclusive") == verdict_colour("few_sites") == verdict_colour(None) == OTHER_COLOUR
    assert set(VERDICT_COLOURS) <= set(VERDICTS) == set(VERDICT_WORDS)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('excel') / 'demo.sqlite'}")
    campaign = create_demo(store, responses=360, seed=5).campaign
    yield collect(store, campaign.id)
    store.close()


def test_a_wording_change_keeps_the_colour(data, monkeypatch) -> None:
    new = {code: {"zh": f"新词{i}", "en": f"word {i}"} for i, code in enumerate(VERDICTS)}
    for code, words in new.items():
        monkeypatch.setitem(VERDICT_WORDS, code, words)
    sheet = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))["结果汇总"]
    records = summary_rows(data)
    coloured = 0
    for row, record in zip(sheet.iter_rows(min_row=7, max_row=6 + len(records)), records):
        cell = row[8]
        code = record["verdict_code"]
        assert cell.value == (new[code]["zh"] if code else "—")
        assert cell.font.color.rgb[-6:] == verdict_colour(code)
        coloured += code in VERDICT_COLOURS
    assert coloured  # the demo has met or not-met rows, so a colour was really checked
