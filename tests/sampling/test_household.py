"""Stage 3: Kish's order, the equal-probability member choice, its words and input checks.

Reference for the draw: the first 64-bit word of HMAC-SHA256(seed, "member\\x1f<id>\\x1f0"), big
endian, modulo k (recomputed here with hashlib, independently of the module), and a chi-square
goodness-of-fit test (scipy) of the chosen positions over 20,000 household ids per roster size.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from sampling import InputError, eligible, kish_order, member_words, select_member
from sampling.household import uniform_index

SEED = "test-seed-2025"
members = st.tuples(st.sampled_from(["male", "female"]), st.integers(0, 130))
rosters = st.lists(members, min_size=1, max_size=12)


def first_word_mod(k, seed, *parts):
    msg = "\x1f".join(parts).encode() + b"\x1f0"
    digest = hmac.new(seed.encode(), msg, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % k


def test_draw_is_the_hmac_word_modulo_k():
    for hid in ("H001", "450205001-012", "户-7"):
        for k in range(1, 9):
            assert select_member(hid, [("male", 30)] * k, seed=SEED) == first_word_mod(k, SEED, "member", hid)


def test_rejection_uses_the_next_word_of_the_stream():
    # k = 2**63 + 1: words >= 2**64 - (2**64 mod k) = k are rejected (about half of them)
    k = 2**63 + 1
    found = 0
    for n in range(40):
        hid = f"h{n}"
        digest = hmac.new(SEED.encode(), f"x\x1f{hid}\x1f0".encode(), hashlib.sha256).digest()
        words = [int.from_bytes(digest[j:j + 8], "big") for j in range(0, 32, 8)]
        if words[0] >= k and words[1] < k:
            found += 1
            assert uniform_index(k, SEED, "x", hid) == words[1] % k
    assert found > 0


def test_reproducible_and_order_free():
    roster = [("male", 45), ("female", 43), ("male", 17), ("female", 70)]
    i = select_member("H-1", roster, seed=SEED)
    assert all(select_member("H-1", list(r), seed=SEED) == i for r in (roster, roster[::-1], sorted(roster)))
    # the same position whatever the ages (only k counts): correcting an age does not move it
    assert select_member("H-1", [("female", 5)] * 4, seed=SEED) == i
    # another seed or another household id is another draw (over many ids they differ somewhere)
    others = {select_member(f"H-{n}", roster, seed=SEED) for n in range(50)}
    assert others == {0, 1, 2, 3}
    assert [select_member(f"H-{n}", roster, seed="other") for n in range(50)] != \
        [select_member(f"H-{n}", roster, seed=SEED) for n in range(50)]


@pytest.mark.parametrize("k", range(1, 7))
def test_equal_probability_chi_square(k):
    roster = [("male", 60 - i) for i in range(k)]
    picks = np.array([select_member(f"450205{n:06d}", roster, seed=SEED) for n in range(20_000)])
    counts = np.bincount(picks, minlength=k)
    assert counts.size == k and counts.sum() == 20_000
    if k == 1:
        assert counts[0] == 20_000
    else:
        assert chisquare(counts).pvalue > 0.001


def test_kish_order_by_hand():
    roster = [("female", 43), ("male", 17), ("male", 45), ("female", 70), ("male", 17)]
    # males 45, 17 (index 1), 17 (index 4); females 70, 43
    assert kish_order(roster) == [2, 1, 4, 3, 0]
    assert kish_order([]) == []


@settings(max_examples=200, deadline=None)
@given(rosters, st.randoms(use_true_random=False), st.text(min_size=1, max_size=20).filter(str.strip))
def test_properties(roster, rnd, hid):
    k = len(roster)
    i = select_member(hid, roster, seed=SEED)
    assert 0 <= i < k
    shuffled = roster[:]
    rnd.shuffle(shuffled)
    assert select_member(hid, shuffled, seed=SEED) == i
    # the chosen (sex, age) is the same whatever the input order
    assert roster[kish_order(roster)[i]] == shuffled[kish_order(shuffled)[i]]
    order = [roster[j] for j in kish_order(roster)]
    assert order == sorted(roster, key=lambda m: (m[0] != "male", -m[1]))
    assert sorted(kish_order(roster)) == list(range(k))
    words = member_words(i, roster)
    assert words.endswith("男性" if order[i][0] == "male" else "女性")


def test_words():
    roster = [("male", 45), ("female", 43), ("male", 17), ("female", 20), ("female", 8)]
    # Kish order: male 45, male 17, female 43, female 20, female 8
    zh = [member_words(p, roster) for p in range(5)]
    en = [member_words(p, roster, "en") for p in range(5)]
    assert zh == ["最年长的男性", "第2年长的男性", "最年长的女性", "第2年长的女性", "第3年长的女性"]
    assert en == ["the oldest man", "the 2nd oldest man", "the oldest woman", "the 2nd oldest woman", "the 3rd oldest woman"]
    assert member_words(0, [("female", 30), ("male", 31)]) == "唯一的男性"
    assert member_words(1, [("female", 30), ("male", 31)], "en") == "the only woman"
    many = [("male", 90 - i) for i in range(23)]
    assert [member_words(p, many, "en").split()[1] for p in (10, 11, 12, 20, 21, 22)] == \
        ["11th", "12th", "13th", "21st", "22nd", "23rd"]


def test_eligible():
    full = [("male", 72), ("female", 69), ("male", 14), ("female", 15), ("male", 40)]
    assert eligible(full, min_age=15, max_age=69) == [("female", 69), ("female", 15), ("male", 40)]
    assert eligible(full, min_age=15) == [("male", 72), ("female", 69), ("female", 15), ("male", 40)]
    assert eligible([("male", 3)], min_age=15) == []
    with pytest.raises(InputError, match="min_age"):
        eligible(full, min_age=70, max_age=69)


@pytest.mark.parametrize(
    "hid, roster, seed, words",
    [
        ("H1", [], SEED, ["no eligible member"]),
        ("H1", [("man", 30)], SEED, ["roster[0]", "'male' or 'female'"]),
        ("H1", [("male", 30), ("Female", 30)], SEED, ["roster[1]", "sex"]),
        ("H1", [("male", -1)], SEED, ["roster[0]", "between 0 and 130"]),
        ("H1", [("male", 131)], SEED, ["between 0 and 130"]),
        ("H1", [("male", 30.5)], SEED, ["whole number of years"]),
        ("H1", [("male", "30")], SEED, ["whole number of years"]),
        ("H1", [("male", True)], SEED, ["whole number of years"]),
        ("H1", [("male", 30, "x")], SEED, ["(sex, age) pair"]),
        ("H1", "male:30", SEED, ["got a text"]),
        ("  ", [("male", 30)], SEED, ["household_id"]),
        ("H1", [("male", 30)], "", ["seed"]),
        ("H1", [("male", 30)], 7, ["seed"]),
    ],
)
def test_bad_input(hid, roster, seed, words):
    with pytest.raises(InputError) as exc:
        select_member(hid, roster, seed=seed)
    for w in words:
        assert w in str(exc.value)


def test_bad_words_input():
    with pytest.raises(InputError, match="order_position"):
        member_words(2, [("male", 3), ("male", 4)])
    with pytest.raises(InputError, match="language"):
        member_words(0, [("male", 3)], "fr")
    with pytest.raises(InputError, match="k"):
        uniform_index(0, SEED, "x")
