"""Issue 14, item 19 (small cells): staff results of a township with one or two staff are not shown
in lists (dashboard, reports) or exports (Excel, CSV): they would be those people's own results."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd

from analysis.campaign import compute_results, load_campaign_data
from analysis.disclosure import SUPPRESSED_NOTE, suppress_small_cells
from analysis.report import collect, render
from survey.questionnaire.catalog import shipped_questionnaires
from survey.demo import create_demo
from survey.collect.simulate import simulate_answers


def test_small_domain_rows_are_blanked_and_others_kept():
    frame = pd.DataFrame({"var": ["x"] * 4, "domain": [None, "a", "b", "c"], "n": [40, 2, 3, 1],
                          "estimate": [0.9, 1.0, 0.67, 0.0], "se": [0.1] * 4, "ci_low": [0.8] * 4, "ci_high": [1.0] * 4,
                          "deff": [1.0] * 4, "verdict": ["met"] * 4, "point_reaches": [True] * 4, "note": [""] * 4,
                          "two_sided_low": [0.7] * 4, "two_sided_high": [1.0] * 4})
    out = suppress_small_cells(frame)
    assert out["estimate"].isna().tolist() == [False, True, False, True]
    for column in ("ci_low", "ci_high", "two_sided_low", "two_sided_high"):  # no bound tells the result either
        assert out[column].isna().tolist() == [False, True, False, True], column
    assert out["verdict"].isna().tolist() == [False, True, False, True]
    assert out.loc[1, "note"] == SUPPRESSED_NOTE and out["n"].tolist() == [40, 2, 3, 1]
    assert frame["estimate"].notna().all()  # the input is left alone


STAFF = "staff_policy_liunan"  # the staff quiz of the demo's profile


def _staff_campaign(store):  # noqa: ANN001, ANN202
    """The demo campaign, plus exactly two staff responses in one township with no staff yet."""
    from survey.campaign import SiteSpec

    campaign = create_demo(store, responses=200, seed=4).campaign
    site = store.add_site(campaign.id, SiteSpec("99Z", "小村卫生室", "新设镇", "village_clinic", psu="新设镇-1"), actor="test")
    staff = shipped_questionnaires()[STAFF]
    for i in range(2):
        answers = simulate_answers(staff, np.random.default_rng(100 + i))
        answers.update(staff_role="tcm_physician", staff_institution="village_clinic")  # both in the denominator
        store.submit(campaign.id, site.code, staff, answers, nonce=f"two-staff-{i:04d}", source="import")
    return campaign, site.stratum


def test_staff_results_of_a_township_with_two_staff_are_suppressed(app_store):
    campaign, township = _staff_campaign(app_store)
    results = compute_results(load_campaign_data(app_store, campaign.id))
    e = results.estimates
    row = e[(e["questionnaire_id"] == STAFF) & (e["domain"] == township)].iloc[0]
    assert row["n"] == 2 and row["estimate"] is pd.NA and row["note"] == SUPPRESSED_NOTE
    residents = e[(e["questionnaire_id"] == "resident") & (e["scope"] == "stratum") & (e["n"] > 0)]
    assert residents["estimate"].notna().all()  # residents' results are not touched

    data = collect(app_store, campaign.id)
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")), read_only=True)
    rows = list(book["估计值明细"].iter_rows(values_only=True))
    header = rows[1]  # row 1: Chinese headers, row 2: variable names
    staff_title = shipped_questionnaires()[STAFF].title["zh"]  # the data sheets give codes in words
    mine = [r for r in rows[2:] if r[header.index("instrument")] in (STAFF, staff_title) and r[header.index("domain")] == township]
    assert mine and all(r[header.index("estimate")] is None for r in mine)
    csv = pd.read_csv(io.BytesIO(render(data, "csv")), encoding="utf-8-sig")
    shown = csv[(csv["instrument"] == STAFF) & (csv["domain"] == township)]
    assert len(shown) and shown["estimate"].isna().all()
    import docx

    document = docx.Document(io.BytesIO(render(data, "docx")))
    cells = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    township_rows = [r for r in cells if r and r[0] == township and "2" in r[1:2]]
    assert township_rows and all("%" not in "".join(r[2:5]) for r in township_rows)
