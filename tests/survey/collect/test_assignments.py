"""Household codes typed as ranges and lists, and the household file of ``python -m sampling households``."""

from __future__ import annotations

import pandas as pd
import pytest

from survey.collect.assignments import (
    MAX_RANGE,
    HouseholdListError,
    parse_household_codes,
    read_household_list,
)
from survey.collect.households import HouseholdError


@pytest.mark.parametrize("text, codes", [
    ("001-005", ["001", "002", "003", "004", "005"]),
    ("1-3", ["1", "2", "3"]),
    ("001 - 003", ["001", "002", "003"]),
    ("008~010", ["008", "009", "010"]),
    ("098至101", ["098", "099", "100", "101"]),
    ("A08-A10", ["A08", "A09", "A10"]),
    ("A08-10", ["A08", "A09", "A10"]),
    ("003, 007，012、020;021；022\n023 024", ["003", "007", "012", "020", "021", "022", "023", "024"]),
    ("001-002, 010, H7", ["001", "002", "010", "H7"]),
    ("450205001-007, 450205001-012", ["450205001-007", "450205001-012"]),
    ("  005  ", ["005"]),
    ("7-7", ["7"]),
])
def test_ranges_and_lists(text, codes):
    assert parse_household_codes(text) == codes


def test_a_range_of_twenty_keeps_the_padding():
    codes = parse_household_codes("001-020")
    assert len(codes) == 20 and codes[0] == "001" and codes[-1] == "020" and codes[9] == "010"


@pytest.mark.parametrize("text, words", [
    ("", "no household code"),
    ("  ,， ", "no household code"),
    ("020-010", "'020-010': the range runs backwards"),
    ("001-003, 002", "household 002 is named twice"),
    ("001-003, 002-004", "household 002 is named twice (in '002-004')"),
    ("001, 户7", "'户7' is not a household code"),
    ("A1-B3", "same prefix"),
    ("x" * 33, "is not a household code"),
    (f"1-{MAX_RANGE + 1}", f"at most {MAX_RANGE} households"),
])
def test_bad_text_is_refused_naming_the_item(text, words):
    with pytest.raises(HouseholdError) as caught:
        parse_household_codes(text)
    assert words in str(caught.value)


def test_not_text_is_refused():
    with pytest.raises(HouseholdError):
        parse_household_codes(12)  # type: ignore[arg-type]


SITES = {"V1": "450205001", "V2": "450205002"}


def csv(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def test_the_sampling_households_file_is_read_by_village_id_or_site_code():
    data = csv([
        {"village": "450205001", "household": "450205001-003", "position": 3, "mode": "list"},
        {"village": "450205001", "household": "450205001-007", "position": 7, "mode": "list"},
        {"village": "V2", "household": "450205002-001", "position": 1, "mode": "random_walk"},
    ])
    read = read_household_list(data, sites=SITES, filename="households.csv")
    assert [(h.site_code, h.code) for h in read.households] == [
        ("V1", "450205001-003"), ("V1", "450205001-007"), ("V2", "450205002-001")]
    assert read.sites() == {"V1": 2, "V2": 1}
    assert [h.code for h in read.of_site("V2")] == ["450205002-001"]
    assert len(read.sha256) == 64 and read.filename == "households.csv"


def test_chinese_headers_and_an_address():
    data = csv([{"村（社区）": "V1", "户编号": "012", "地址": "太阳村3组12号"}])
    read = read_household_list(data, sites=SITES, filename="户.csv")
    assert read.households[0].address == "太阳村3组12号" and read.households[0].code == "012"


def test_problems_name_the_row_and_column():
    data = csv([
        {"village": "V1", "household": "001"},
        {"village": "nowhere", "household": "002"},
        {"village": "V1", "household": "bad code!"},
        {"village": "V1", "household": "001"},
    ])
    with pytest.raises(HouseholdListError) as caught:
        read_household_list(data, sites=SITES, filename="h.csv")
    problems = {(p.row, p.column, p.code) for p in caught.value.problems}
    assert problems == {(3, "village", "unknown_site"), (4, "household", "bad_household"), (5, "household", "duplicate")}
    assert "also in row 2" in str(caught.value)


def test_missing_columns_and_empty_files():
    with pytest.raises(HouseholdListError) as caught:
        read_household_list(csv([{"village": "V1", "position": 1}]), sites=SITES)
    assert caught.value.problems[0].code == "missing_column" and "household" in caught.value.problems[0].message
    with pytest.raises(HouseholdListError) as caught:
        read_household_list(b"village,household\n", sites=SITES)
    assert caught.value.problems[0].code == "empty"


def test_typed_households_belong_to_the_site_and_take_an_address_only_alone():
    from survey.collect.assignments import typed_households

    assert [(h.site_code, h.code, h.address) for h in typed_households("V1", "012", " 3组12号 ")] == [("V1", "012", "3组12号")]
    assert len(typed_households("V1", "001-010")) == 10
    with pytest.raises(HouseholdError, match="an address goes with one household, and 2 are named"):
        typed_households("V1", "001, 002", "3组")
