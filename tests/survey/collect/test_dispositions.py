"""Dispositions: the AAPOR table, parsing codes and words, a household's final code, finished or not."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.collect import dispositions as dmod
from survey.collect.dispositions import (
    DISPOSITIONS,
    GROUPS,
    MAX_VISITS_DEFAULT,
    WORDS,
    DispositionError,
    final_disposition,
    group_of,
    household_finished,
    parse_disposition,
)
from survey.errors import SurveyError


def test_doctests() -> None:
    assert doctest.testmod(dmod).failed == 0


# -- the table ---------------------------------------------------------------------------------

def test_every_code_has_a_group_and_words() -> None:
    for code, d in DISPOSITIONS.items():
        assert d.code == code
        assert d.group in GROUPS
        assert d.zh and d.en


@pytest.mark.parametrize("code, group", [
    ("1.1", "I"), ("1.2", "P"),
    ("2.10", "R"), ("2.11", "R"), ("2.12", "R"),
    *[(f"2.2{k}", "NC") for k in range(8)],
    *[(f"2.3{k}", "O") for k in range(7)],
    ("3.10", "UH"), ("3.18", "UH"), ("3.20", "UO"), ("3.90", "UO"),
    ("4.10", "NE"), ("4.61", "NE"), ("4.70", "NE"), ("4.90", "NE"),
])
def test_aapor_groups_of_the_in_person_codes(code: str, group: str) -> None:
    # AAPOR Standard Definitions: 1.1 I, 1.2 P, 2.1x R, 2.2x NC, 2.3x O, 3.1x UH, 3.2x/3.9 UO, 4.x NE
    assert DISPOSITIONS[code].group == group


def test_first_digit_matches_the_group_family() -> None:
    family = {"1": {"I", "P"}, "2": {"R", "NC", "O"}, "3": {"UH", "UO"}, "4": {"NE"}}
    for code, d in DISPOSITIONS.items():
        assert d.group in family[code[0]], code


def test_every_group_is_reachable() -> None:
    assert {d.group for d in DISPOSITIONS.values()} == set(GROUPS)


# -- parsing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("complete", "1.1"), ("partial", "1.2"), ("refusal", "2.11"), ("breakoff", "2.12"),
    ("noncontact", "2.20"), ("other", "2.30"), ("unknown", "3.20"), ("ineligible", "4.70"),
    ("完成", "1.1"), ("部分完成", "1.2"), ("拒访", "2.11"), ("中断", "2.12"),
    ("未接触", "2.20"), ("其他", "2.30"), ("资格不明", "3.20"), ("不符合条件", "4.70"),
    ("Complete", "1.1"), (" REFUSAL ", "2.11"), ("break-off", "2.12"), ("Non-contact", "2.20"),
    ("not eligible", "4.70"), ("2.11", "2.11"), (" 2.25 ", "2.25"), ("4.61", "4.61"),
])
def test_parse_words_and_codes(text: str, code: str) -> None:
    assert parse_disposition(text) == code


@pytest.mark.parametrize("text, code", [("2.2", "2.20"), ("2.1", "2.10"), ("2.3", "2.30"), ("3.1", "3.10"),
                                        ("3.2", "3.20"), ("4.7", "4.70"), (2.2, "2.20"), (1.1, "1.1")])
def test_spreadsheet_numbers_without_trailing_zero(text, code: str) -> None:
    assert parse_disposition(text) == code


@pytest.mark.parametrize("bad", ["", "done", "2.99", "5.1", "1.3", "1", "完", "refused", None, True, ["1.1"]])
def test_bad_text_is_named_in_the_error(bad) -> None:
    with pytest.raises(DispositionError) as err:
        parse_disposition(bad)
    assert repr(bad) in str(err.value)
    assert err.value.text == bad
    assert isinstance(err.value, SurveyError) and isinstance(err.value, ValueError)


def test_every_word_maps_to_a_code() -> None:
    assert set(WORDS.values()) <= set(DISPOSITIONS)
    assert group_of("拒访") == "R" and group_of("2.24") == "NC" and group_of("unknown") == "UO"


# -- final disposition -------------------------------------------------------------------------

@pytest.mark.parametrize("visits, final", [
    (["1.1"], "1.1"),
    (["2.24", "2.24", "1.1"], "1.1"),              # a complete at any visit stands
    (["1.1", "2.11"], "1.1"),                      # ... even if a later visit records a refusal
    (["1.2", "1.1"], "1.1"), (["1.1", "1.2"], "1.1"),  # complete over partial
    (["2.24", "1.2", "2.24"], "1.2"),              # a partial stands over non-interviews
    (["1.1", "4.70"], "1.1"),                      # interview over a contradicting not-eligible
    (["1.2", "4.70"], "1.2"),
    (["2.11", "4.70"], "4.70"),                    # not eligible whenever established
    (["4.61", "2.24", "2.11"], "4.61"),
    (["3.20", "2.24", "4.70"], "4.70"),
    (["2.24", "2.11", "2.24"], "2.11"),            # refusal over later non-contacts
    (["2.11", "2.12"], "2.12"),                    # within a group the latest detail
    (["2.24", "2.33", "2.24"], "2.33"),            # other over non-contact
    (["2.33", "2.11"], "2.11"),                    # refusal over other
    (["3.20", "2.24"], "2.24"),                    # non-contact over unknown eligibility
    (["3.18", "3.20", "3.18"], "3.20"),            # UO over UH
    (["3.18", "3.17"], "3.17"),
    (["2.24", "2.24", "2.24"], "2.24"),
    (["未接触", "拒访"], "2.11"),
])
def test_aapor_precedence(visits: list[str], final: str) -> None:
    assert final_disposition(visits) == final


def test_final_disposition_needs_visits() -> None:
    with pytest.raises(DispositionError):
        final_disposition([])
    with pytest.raises(DispositionError):
        final_disposition("1.1")
    with pytest.raises(DispositionError, match="'bogus'"):
        final_disposition(["2.24", "bogus"])


ORDER = ["I", "P", "NE", "R", "O", "NC", "UO", "UH"]


@given(st.lists(st.sampled_from(sorted(DISPOSITIONS)), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_final_is_one_of_the_visits_and_the_best_group(visits: list[str]) -> None:
    final = final_disposition(visits)
    assert final in visits
    groups = [DISPOSITIONS[v].group for v in visits]
    assert DISPOSITIONS[final].group == min(groups, key=ORDER.index)
    # the latest visit of the winning group
    best = [v for v in visits if DISPOSITIONS[v].group == DISPOSITIONS[final].group]
    assert final == best[-1]


@given(st.lists(st.sampled_from(sorted(DISPOSITIONS)), min_size=1, max_size=5),
       st.lists(st.sampled_from(sorted(DISPOSITIONS)), min_size=1, max_size=5))
@settings(max_examples=100, deadline=None)
def test_final_group_does_not_depend_on_splitting(a: list[str], b: list[str]) -> None:
    # the group of the final code is that of final(final(a), final(b))
    whole = final_disposition(a + b)
    parts = final_disposition([final_disposition(a), final_disposition(b)])
    assert DISPOSITIONS[whole].group == DISPOSITIONS[parts].group


# -- finished households -----------------------------------------------------------------------

def test_max_visits_default() -> None:
    assert MAX_VISITS_DEFAULT == 3


@pytest.mark.parametrize("visits, finished", [
    ([], False),
    (["2.24"], False), (["2.24", "2.25"], False), (["2.24", "2.25", "2.24"], True),
    (["1.1"], True), (["2.11"], True), (["2.12"], True), (["4.70"], True),
    (["1.2"], False), (["2.33"], False), (["3.20", "3.20"], False),
    (["2.24", "1.2", "1.2"], True),
])
def test_household_finished(visits: list[str], finished: bool) -> None:
    assert household_finished(visits) is finished


def test_household_finished_with_other_visit_limits() -> None:
    assert household_finished(["2.24"], max_visits=1)
    assert not household_finished(["2.24"] * 4, max_visits=5)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(DispositionError):
            household_finished(["2.24"], max_visits=bad)
