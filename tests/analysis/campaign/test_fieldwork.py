"""Door-to-door fieldwork per village and township, and its next steps (low contact, high refusal)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.campaign import fieldwork_steps, fieldwork_table
from analysis.campaign.fieldwork import FIELDWORK_COLUMNS, finished
from analysis.campaign.next_steps import HIGH_REFUSAL, LOW_CONTACT, MIN_FINISHED


def frame(villages: dict[str, tuple[str, list[tuple[int, str | None]]]]) -> pd.DataFrame:
    """A household frame: village -> (township, [(visits, final code or None), ...])."""
    rows = [(site, township, visits, code) for site, (township, households) in villages.items()
            for visits, code in households]
    return pd.DataFrame(rows, columns=["site", "stratum", "visits", "disposition"])


# the village of issue 19: 6 completes, 2 refusals, 1 non-contact after 3 visits, 1 not eligible
VILLAGE = [(1, "1.1")] * 6 + [(1, "2.11"), (2, "2.11"), (3, "2.24"), (1, "4.70")]


def test_the_issue_village_has_rr1_six_ninths():
    table = fieldwork_table(frame({"V1": ("太阳村镇", VILLAGE)}))
    assert list(table.columns) == list(FIELDWORK_COLUMNS)
    site = table[table["level"] == "site"].iloc[0]
    assert (site["township"], site["site"]) == ("太阳村镇", "V1")
    assert [int(site[c]) for c in ("assigned", "visited", "finished", "completes")] == [10, 10, 10, 6]
    assert site["RR1"] == pytest.approx(6 / 9) and site["RR3"] == pytest.approx(6 / 9)
    assert site["REF1"] == pytest.approx(2 / 9) and site["CON1"] == pytest.approx(8 / 9)
    assert site["e"] == pytest.approx(9 / 10)


def test_townships_and_county_add_up_and_unvisited_households_count_only_as_assigned():
    data = frame({
        "V1": ("T1", VILLAGE),
        "V2": ("T1", [(1, "2.24"), (0, None), (1, "3.20"), (0, None)]),
        "V3": ("T2", [(0, None)] * 3),
    })
    table = fieldwork_table(data, max_visits=3)
    assert list(table["level"]) == ["site", "site", "site", "township", "township", "county"]
    v2 = table[table["site"] == "V2"].iloc[0]
    assert (int(v2["assigned"]), int(v2["visited"]), int(v2["finished"]), int(v2["completes"])) == (4, 2, 0, 0)
    # V2: one non-contact (eligible), one unknown (UO): e = 1, RR1 = 0 / 2, RR3 = 0 / (1 + 1*1)
    assert v2["e"] == 1.0 and v2["RR1"] == 0.0 and v2["RR3"] == 0.0
    v3 = table[table["site"] == "V3"].iloc[0]
    assert int(v3["visited"]) == 0 and math.isnan(v3["RR1"]) and math.isnan(v3["CON1"])
    t1 = table[(table["level"] == "township") & (table["township"] == "T1")].iloc[0]
    assert (int(t1["assigned"]), int(t1["visited"]), int(t1["completes"])) == (14, 12, 6)
    assert t1["RR1"] == pytest.approx(6 / 11)  # 6 / (9 eligible of V1 + NC + UO of V2)
    county = table[table["level"] == "county"].iloc[0]
    assert county["township"] is None and county["site"] is None
    assert (int(county["assigned"]), int(county["visited"]), int(county["finished"])) == (17, 12, 10)
    assert county["RR1"] == pytest.approx(t1["RR1"])


def test_a_set_e_is_used_for_rr3():
    data = frame({"V1": ("T", [(1, "1.1"), (1, "1.1"), (1, "3.20"), (1, "3.20")])})
    site = fieldwork_table(data, e=0.5).iloc[0]
    assert site["RR1"] == pytest.approx(2 / 4) and site["RR3"] == pytest.approx(2 / 3)


def test_no_households():
    table = fieldwork_table(frame({}))
    assert list(table["level"]) == ["county"] and int(table.iloc[0]["assigned"]) == 0


def test_finished_means_a_final_outcome_or_the_last_visit():
    data = frame({"V": ("T", [(1, "1.1"), (1, "2.11"), (1, "4.70"), (1, "2.24"), (2, "1.2"), (3, "2.24"), (0, None)])})
    assert finished(data, 3).tolist() == [True, True, True, False, False, True, False]
    assert finished(data, 2).tolist() == [True, True, True, False, True, True, False]


def test_low_contact_and_high_refusal_are_named_once_enough_households_are_finished():
    data = frame({
        "GOOD": ("T1", VILLAGE),  # CON1 8/9, REF1 2/9 = 22%: above 20%
        "AWAY": ("T1", [(3, "2.24")] * 3 + [(1, "1.1")] * 3),  # CON1 = 3/6
        "FEW": ("T2", [(1, "2.11")] * (MIN_FINISHED - 1)),  # all refusals, but only 4 finished
        "OPEN": ("T2", [(1, "2.24")] * 8 + [(1, "1.1")] * 2),  # non-contacts still to be revisited
    })
    steps = fieldwork_steps(data, max_visits=3, names={"GOOD": "好村", "AWAY": "外出村"})
    found = [(s.kind, s.site_code, s.site_name, s.stratum, s.count, round(s.rate, 4)) for s in steps]
    assert found == [
        ("low_contact", "AWAY", "外出村", "T1", 6, 0.5),
        ("high_refusal", "GOOD", "好村", "T1", 10, round(2 / 9, 4)),
    ]
    assert all(s.questionnaire_id == "" and s.priority == 1 for s in steps)


def test_thresholds_are_parameters_and_their_defaults_are_documented():
    assert (MIN_FINISHED, LOW_CONTACT, HIGH_REFUSAL) == (5, 0.70, 0.20)
    data = frame({"GOOD": ("T1", VILLAGE)})
    assert fieldwork_steps(data, high_refusal=0.25) == []
    assert [s.kind for s in fieldwork_steps(data, low_contact=0.95, high_refusal=0.5)] == ["low_contact"]
    assert fieldwork_steps(data, min_finished=11) == []
    assert fieldwork_steps(frame({})) == []
