"""Households of a door-to-door survey: assignments, rosters and visits, as plain data.

A household belongs to one site (a village or residents' group, the PSU of stage 1), has a code
unique within it (户编号: a number from the household list, or one the random walk gives) and an
optional address, and is assigned to a surveyor account. Its roster lists the eligible members
only (sex, age in years); the member to interview is chosen from it by
``sampling.select_member`` (never by the surveyor) and stored with it. Every visit is recorded with
an AAPOR disposition code (``survey.collect.dispositions``), its time and the nonce the phone made
for it, so a visit synced twice is stored once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from survey.errors import SurveyError

HOUSEHOLD_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
SEXES = ("male", "female")
MAX_AGE = 120
MAX_ROSTER = 30


class HouseholdError(SurveyError):
    """A household, roster or visit that cannot be recorded as given (the message says why)."""


@dataclass(frozen=True)
class HouseholdSpec:
    """A household to assign: the site (village) it belongs to, its code and an address."""

    site_code: str
    code: str
    address: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not HOUSEHOLD_CODE.match(self.code):
            raise HouseholdError(f"household code {self.code!r} must be 1-32 letters, digits, '.', '_' or '-'")
        if not isinstance(self.address, str) or len(self.address) > 200 or any(ord(c) < 32 for c in self.address):
            raise HouseholdError(f"household {self.code}: the address must be one line of at most 200 characters")


@dataclass(frozen=True)
class Household(HouseholdSpec):
    """A stored household with its assignment, roster, selected member and final disposition."""

    id: int = 0
    campaign_id: int = 0
    assigned_to: str | None = None
    roster: tuple[tuple[str, int], ...] | None = None  # eligible members (sex, age); None: not yet listed
    selected: int | None = None  # index of the chosen member in Kish's order
    disposition: str | None = None  # the final AAPOR code so far (None: not visited)
    visits: int = 0
    response_id: int | None = None  # the interview, once stored

    @property
    def eligible(self) -> int:
        """Eligible members listed (0 before the roster): the within-household weight factor."""
        return len(self.roster or ())


@dataclass(frozen=True)
class Visit:
    """One visit to a household: when, by whom, with which AAPOR disposition code."""

    id: int
    household_id: int
    visited_at: dt.datetime
    disposition: str
    surveyor: str
    source: str = "field"  # field (the phone) | import (a paper visit log)


@dataclass(frozen=True)
class LoggedVisit:
    """One visit of a paper visit log (``survey.collect.visit_log``), checked, with the nonce that
    makes importing the same row twice store it once."""

    site_code: str
    household: str
    visited_at: dt.datetime
    disposition: str
    nonce: str
    surveyor: str = ""


def check_roster(roster: Sequence[Sequence[object]]) -> tuple[tuple[str, int], ...]:
    """The eligible members as ((sex, age), ...), checked; HouseholdError naming the member."""
    if not isinstance(roster, (list, tuple)) or len(roster) > MAX_ROSTER:
        raise HouseholdError(f"a roster lists at most {MAX_ROSTER} members")
    out = []
    for position, member in enumerate(roster, start=1):
        if not isinstance(member, (list, tuple)) or len(member) != 2:
            raise HouseholdError(f"member {position}: expected (sex, age)")
        sex, age = member
        if sex not in SEXES:
            raise HouseholdError(f"member {position}: sex must be male or female, got {sex!r}")
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
            raise HouseholdError(f"member {position}: age must be a whole number of years from 0 to {MAX_AGE}, got {age!r}")
        out.append((str(sex), int(age)))
    return tuple(out)
