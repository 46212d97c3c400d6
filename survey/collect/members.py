"""Who to interview in a household, as the surveyors' field app works it out: pure functions.

* :func:`selection_seed`: the seed of ``sampling.select_member`` for a campaign, derived from the
  app secret (HMAC-SHA256 of the secret and the campaign id), so nobody without the secret can
  work out in advance which member a household will give.
* :func:`picks`: for one household, the position chosen for each possible number of eligible
  members (1, 2, ..., :data:`MAX_ROSTER`). ``select_member`` depends only on the household and
  that number, so this list is the household's own Kish selection table: a phone without signal
  can show the selected member from it, and it gives away no more than the printed table of a
  paper survey does (the seed stays on the server).
* :func:`roster_rows`: the members a surveyor typed (sex, age), split into the eligible ones (in
  the age range of the campaign's profile, ``household_ages``) and the number left out.
* :func:`household_key`: the household id ``select_member`` is given (site code and household code).

>>> seed = selection_seed(b"k" * 32, 7)
>>> len(seed), seed == selection_seed(b"k" * 32, 8)
(64, False)
>>> roster_rows([("male", "45"), ("female", "12"), ("", ""), ("female", "70")], (15, 69))
([('male', 45)], 2)
>>> ages_words((15, 69), "zh"), ages_words((15, None), "zh"), ages_words((15, None), "en")
('15–69岁', '15岁及以上', 'aged 15 and over')
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from sampling import kish_order, member_words, select_member
from survey.collect.households import MAX_AGE, MAX_ROSTER, SEXES, Household, HouseholdError

_CONTEXT = b"tcm-survey/member-selection/v1"


def selection_seed(secret: bytes, campaign_id: int) -> str:
    """The campaign's member-selection seed (hex), from the app secret and the campaign id."""
    key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
    return hmac.new(key, str(int(campaign_id)).encode(), hashlib.sha256).hexdigest()


def household_key(household: Household) -> str:
    """The id a household is known by to ``select_member``: ``<site code>-<household code>``."""
    return f"{household.site_code}-{household.code}"


def picks(household: Household, seed: str, up_to: int = MAX_ROSTER) -> list[int]:
    """``picks[k - 1]``: the position in Kish's order chosen when ``k`` members are eligible."""
    key = household_key(household)
    return [select_member(key, [("male", 30)] * k, seed=seed) for k in range(1, up_to + 1)]


def roster_rows(rows: Iterable[tuple[str, str]], ages: tuple[int, int | None]) -> tuple[list[tuple[str, int]], int]:
    """The eligible members among typed rows of (sex, age text), and how many were left out for
    their age. Rows with neither sex nor age are blank and skipped; HouseholdError names a row with
    one but not the other, or an age that is not a whole number of years."""
    low, high = ages
    members: list[tuple[str, int]] = []
    left_out = 0
    for position, (sex, age_text) in enumerate(rows, start=1):
        sex, age_text = (sex or "").strip(), (age_text or "").strip()
        if not sex and not age_text:
            continue
        if sex not in SEXES:
            raise HouseholdError(f"member {position}: choose male or female")
        if not age_text.isdigit() or int(age_text) > MAX_AGE:
            raise HouseholdError(f"member {position}: the age must be a whole number of years from 0 to {MAX_AGE}")
        age = int(age_text)
        if age < low or (high is not None and age > high):
            left_out += 1
            continue
        members.append((sex, age))
    if len(members) > MAX_ROSTER:
        raise HouseholdError(f"a roster lists at most {MAX_ROSTER} members")
    return members, left_out


def selected_member(household: Household, lang: str) -> str | None:
    """The member to invite in words ("第2年长的男性"), or None before a roster with members."""
    if not household.roster or household.selected is None:
        return None
    return member_words(household.selected, list(household.roster), lang)


def selected_index(household: Household) -> int | None:
    """The selected member's index in the stored roster (its place in the list as typed)."""
    if not household.roster or household.selected is None:
        return None
    return kish_order(list(household.roster))[household.selected]


def ages_words(ages: Sequence[int | None], lang: str) -> str:
    """The eligible ages in words: "15–69岁", "15岁及以上" / "aged 15–69", "aged 15 and over"."""
    low, high = ages[0], ages[1]
    if lang == "zh":
        return f"{low}–{high}岁" if high is not None else f"{low}岁及以上"
    return f"aged {low}–{high}" if high is not None else f"aged {low} and over"


__all__ = ["ages_words", "household_key", "picks", "roster_rows", "selected_index", "selected_member", "selection_seed"]
