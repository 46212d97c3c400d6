"""Households, rosters and visits in the store: assigned once, visits stored once per nonce, final
dispositions by AAPOR's precedence, one audit row per change, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest

from survey.campaign import CampaignError
from survey.collect.households import HouseholdError, HouseholdSpec, LoggedVisit
from survey.storage import Store, SubmitError

from .helpers import GOOD_ANSWERS, open_spec, sites

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def village(store: Store, mini):
    campaign = store.create_campaign(open_spec(max_visits=3), [mini], sites(), actor="admin")
    specs = [HouseholdSpec("01", f"{i:03d}", address=f"一组 {i} 号") for i in range(1, 11)]
    store.assign_households(campaign.id, specs, surveyor="sun", actor="admin")
    return campaign


def test_assignment_adds_and_reassigns_with_one_audit_row_each(store: Store, village) -> None:
    households = store.households(village.id, assigned_to="sun")
    assert [h.code for h in households] == [f"{i:03d}" for i in range(1, 11)]
    assert all(h.site_code == "01" and h.visits == 0 and h.disposition is None and h.roster is None for h in households)
    store.assign_households(village.id, [HouseholdSpec("01", "001"), HouseholdSpec("02", "001")], surveyor="li", actor="admin")
    assert [h.code for h in store.households(village.id, assigned_to="li")] == ["001", "001"]
    assert len(store.households(village.id)) == 11
    rows = store.audit_log(village.id, actions=["household.assigned"])
    assert [(r.detail["created"], r.detail["reassigned"], r.detail["surveyor"]) for r in rows] == [(1, 1, "li"), (10, 0, "sun")]


def test_an_unknown_site_assigns_nothing(store: Store, village) -> None:
    with pytest.raises(CampaignError, match="no site '99'"):
        store.assign_households(village.id, [HouseholdSpec("01", "new"), HouseholdSpec("99", "x")], surveyor="li", actor="admin")
    assert len(store.households(village.id)) == 10
    with pytest.raises(HouseholdError, match="household code"):
        HouseholdSpec("01", "有空格 1")


def test_roster_and_selected_member_are_kept(store: Store, village) -> None:
    first = store.households(village.id)[0]
    stored = store.record_roster(village.id, first.id, [("male", 45), ("female", 43), ("male", 17)], 1, actor="sun")
    assert stored.roster == (("male", 45), ("female", 43), ("male", 17)) and stored.selected == 1 and stored.eligible == 3
    with pytest.raises(HouseholdError, match="selected member 3"):
        store.record_roster(village.id, first.id, [("male", 45)], 3, actor="sun")
    with pytest.raises(HouseholdError, match="member 2: sex"):
        store.record_roster(village.id, first.id, [("male", 45), ("man", 30)], 0, actor="sun")
    (row,) = store.audit_log(village.id, actions=["household.roster"])
    assert row.detail["eligible"] == 3 and row.actor == "sun"


def test_visits_are_stored_once_and_follow_aapor_precedence(store: Store, village) -> None:
    h = store.households(village.id)[0]
    first = store.record_visit(village.id, h.id, visited_at=T0, disposition="2.20", nonce="visit-0001", actor="sun")
    again = store.record_visit(village.id, h.id, visited_at=T0, disposition="2.20", nonce="visit-0001", actor="sun")
    assert not first.repeat and again.repeat and again.id == first.id
    assert store.household(village.id, h.id).disposition == "2.20"
    store.record_visit(village.id, h.id, visited_at=T0 + dt.timedelta(days=1), disposition="2.11", nonce="visit-0002", actor="sun")
    assert store.household(village.id, h.id).disposition == "2.11"  # a refusal tells more than a non-contact
    store.record_visit(village.id, h.id, visited_at=T0 + dt.timedelta(days=2), disposition="1.1", nonce="visit-0003", actor="sun")
    assert store.household(village.id, h.id).disposition == "1.1"  # an interview stands
    with pytest.raises(HouseholdError, match="its 3 visits"):
        store.record_visit(village.id, h.id, visited_at=T0 + dt.timedelta(days=3), disposition="2.20", nonce="visit-0004", actor="sun")
    assert [v.disposition for v in store.visit_log(village.id, h.id)] == ["2.20", "2.11", "1.1"]
    assert len(store.audit_log(village.id, actions=["visit.recorded"])) == 3


def test_a_household_has_one_interview(store: Store, village, mini) -> None:
    h, other = store.households(village.id)[:2]
    store.submit(village.id, "01", mini, GOOD_ANSWERS, nonce="hh-interview-1", source="surveyor", household_id=h.id)
    again = store.submit(village.id, "01", mini, GOOD_ANSWERS, nonce="hh-interview-1", source="surveyor", household_id=h.id)
    assert again.repeat
    with pytest.raises(SubmitError, match="has its interview already"):
        store.submit(village.id, "01", mini, GOOD_ANSWERS, nonce="hh-interview-2", source="surveyor", household_id=h.id)
    with pytest.raises(SubmitError, match="not a household of this site"):
        store.submit(village.id, "02", mini, GOOD_ANSWERS, nonce="hh-interview-3", source="surveyor", household_id=other.id)
    assert store.household(village.id, h.id).response_id is not None
    with pytest.raises(HouseholdError, match="roster can no longer change"):
        store.record_roster(village.id, h.id, [("female", 30)], 0, actor="sun")


def test_a_visit_log_imports_all_or_nothing(store: Store, village) -> None:
    rows = [LoggedVisit("01", "001", T0, "1.1", "log-0000001"), LoggedVisit("02", "N-01", T0, "2.11", "log-0000002")]
    bad = [*rows, LoggedVisit("99", "x", T0, "1.1", "log-0000003")]
    with pytest.raises(HouseholdError, match="row 3: campaign .* has no site '99'"):
        store.import_visits(village.id, bad, actor="admin", batch={"file": "visits.csv"})
    assert store.visit_log(village.id) == [] and len(store.households(village.id)) == 10
    counts = store.import_visits(village.id, rows, actor="admin", batch={"file": "visits.csv"})
    assert counts == {"visits": 2, "repeats": 0, "households_added": 1}
    assert store.import_visits(village.id, rows, actor="admin", batch={"file": "visits.csv"})["repeats"] == 2
    (second, first) = store.audit_log(village.id, actions=["visit.import"])
    assert first.detail == {"file": "visits.csv", "visits": 2, "repeats": 0, "households_added": 1}


def test_the_household_frame(store: Store, village) -> None:
    h = store.households(village.id)[0]
    store.record_roster(village.id, h.id, [("male", 45), ("female", 43)], 0, actor="sun")
    store.record_visit(village.id, h.id, visited_at=T0, disposition="1.1", nonce="frame-0001", actor="sun")
    frame = store.household_frame(village.id)
    assert len(frame) == 10 and list(frame.columns) == [
        "household_id", "site", "stratum", "psu", "household", "assigned_to", "visits", "disposition", "eligible",
        "selected", "response_id"]
    first = frame.iloc[0]
    assert (first["disposition"], first["eligible"], first["visits"]) == ("1.1", 2, 1)
    assert frame["disposition"].isna().sum() == 9
