"""Stage 3 of a household survey: one eligible member per household, by an equal-probability choice.

Kish's order (Kish 1949): list the household's eligible members, males oldest first, then females
oldest first. The chosen member is the one at position

    i = U mod k,   U a uniform 64-bit integer from HMAC-SHA256(key = seed, message = household id),

with k the number of eligible members and draws of U with U >= 2**64 - (2**64 mod k) rejected (the
next 64-bit word of the digest stream is used instead), so that every position has probability
exactly 1/k: the modern equal-probability form of Kish's selection table.

The choice is a pure function of (seed, household id, k): the same household gives the same
position on any phone, at any time, whatever the order in which the roster was typed, and correcting
an age does not move the position (only who stands there). The surveyor never chooses. Members of
the same sex and the same age in years (twins) keep their order by date of birth: "the 2nd oldest"
is the younger one.

The member's design weight factor is k (a household of one gets none); see
:mod:`sampling.households` for the whole three-stage weight 1/(pi_village * pi_household) * k.

References
----------
Kish L. A procedure for objective respondent selection within the household. JASA 1949; 44: 380-387.
"""

from __future__ import annotations

import hashlib
import hmac
import numbers
from collections.abc import Iterable, Sequence

from .errors import InputError

__all__ = [
    "MAX_AGE",
    "SEXES",
    "check_roster",
    "eligible",
    "kish_order",
    "member_words",
    "select_member",
    "uniform_index",
]

SEXES = ("male", "female")
MAX_AGE = 130  # years; more is a typing error
_WORD = 8  # bytes per draw: 64-bit words
_MAX_BLOCKS = 64  # 256 draws; for k <= 2**32 the chance of rejecting all of them is below 2**-8000


def uniform_index(k: int, seed: str, *parts: str) -> int:
    """A uniform integer in [0, k) from HMAC-SHA256(seed, parts), without modulo bias.

    The digest stream is HMAC-SHA256(seed, "\\x1f".join(parts) + "\\x1f" + str(block)) for block =
    0, 1, ...; each 32-byte block gives four big-endian 64-bit words U, and the first one below
    2**64 - (2**64 mod k) gives U mod k.

    >>> uniform_index(6, "county-2025", "member", "H001")
    5
    >>> uniform_index(1, "any", "thing")
    0
    """
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
        raise InputError(f"must be a whole number >= 1, got {k!r}", param="k")
    k = int(k)
    key = _text("seed", seed).encode("utf-8")
    message = "\x1f".join(parts).encode("utf-8")
    limit = (1 << 64) - ((1 << 64) % k)
    for block in range(_MAX_BLOCKS):
        digest = hmac.new(key, message + b"\x1f" + str(block).encode(), hashlib.sha256).digest()
        for j in range(0, len(digest), _WORD):
            u = int.from_bytes(digest[j:j + _WORD], "big")
            if u < limit:
                return u % k
    raise AssertionError("unreachable: every draw of the digest stream was rejected")  # pragma: no cover


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"must be a non-empty text, got {value!r}", param=name)
    return value


def _age(param: str, value: object) -> int:
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok and isinstance(value, float) and value.is_integer():
        ok = True
    if not ok:
        raise InputError(f"age must be a whole number of years, got {value!r}", param=param)
    age = int(value)  # type: ignore[arg-type]
    if not 0 <= age <= MAX_AGE:
        raise InputError(f"age must be between 0 and {MAX_AGE} years, got {age}", param=param)
    return age


def check_roster(roster: Iterable[Sequence[object]], *, allow_empty: bool = False) -> list[tuple[str, int]]:
    """The roster as a list of (sex, age) with ages as ints; raises InputError naming the bad entry.

    Each entry is (sex, age): sex ``"male"`` or ``"female"``, age a whole number of years in
    [0, 130].

    >>> check_roster([("male", 45), ("female", 43.0)])
    [('male', 45), ('female', 43)]
    """
    if isinstance(roster, (str, bytes)):
        raise InputError("must be a list of (sex, age) pairs, got a text", param="roster")
    out: list[tuple[str, int]] = []
    for i, entry in enumerate(roster):
        if isinstance(entry, (str, bytes)) or not isinstance(entry, Sequence) or len(entry) != 2:
            raise InputError(f"each member must be a (sex, age) pair, got {entry!r}", param=f"roster[{i}]")
        sex, age = entry
        if sex not in SEXES:
            raise InputError(f"sex must be 'male' or 'female', got {sex!r}", param=f"roster[{i}]")
        out.append((str(sex), _age(f"roster[{i}]", age)))
    if not out and not allow_empty:
        raise InputError("the roster has no eligible member: nobody to select", param="roster",
                         hint="a household without eligible members is recorded as not eligible")
    return out


def kish_order(roster: Iterable[Sequence[object]]) -> list[int]:
    """Indices of ``roster`` in Kish's order: males oldest first, then females oldest first.

    Members of the same sex and age keep their input order (list twins elder first).

    >>> kish_order([("female", 43), ("male", 17), ("male", 45), ("female", 70)])
    [2, 1, 3, 0]
    """
    members = check_roster(roster, allow_empty=True)
    return sorted(range(len(members)), key=lambda i: (SEXES.index(members[i][0]), -members[i][1], i))


def select_member(household_id: str, roster: list[tuple[str, int]], *, seed: str) -> int:
    """Position (0-based, in Kish's order) of the member to interview, each with probability 1/k.

    Parameters
    ----------
    household_id : str
        The household's id, unique in the campaign (e.g. site code and household number).
    roster : list of (sex, age)
        The eligible members only (see :func:`eligible`), in any order.
    seed : str
        The campaign's selection seed (kept in the plan).

    Returns
    -------
    int
        i in [0, k): the member is ``roster[kish_order(roster)[i]]``; say it with :func:`member_words`.

    Examples
    --------
    >>> roster = [("male", 45), ("female", 43), ("male", 17)]
    >>> i = select_member("450205-001-012", roster, seed="liunan-2025")
    >>> i, roster[kish_order(roster)[i]], member_words(i, roster)
    (1, ('male', 17), '第2年长的男性')
    >>> select_member("450205-001-012", roster[::-1], seed="liunan-2025")
    1
    """
    hid = _text("household_id", household_id)
    k = len(check_roster(roster))
    return uniform_index(k, seed, "member", hid)


_EN_SEX = {"male": ("man", "men"), "female": ("woman", "women")}
_ZH_SEX = {"male": "男性", "female": "女性"}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def member_words(order_position: int, roster: Iterable[Sequence[object]], language: str = "zh") -> str:
    """How a surveyor names the member at ``order_position`` of Kish's order, in Chinese or English.

    >>> roster = [("male", 45), ("female", 43), ("male", 17)]
    >>> member_words(1, roster), member_words(1, roster, "en")
    ('第2年长的男性', 'the 2nd oldest man')
    >>> member_words(0, roster), member_words(2, roster, "en")
    ('最年长的男性', 'the only woman')
    """
    if language not in ("zh", "en"):
        raise InputError(f"must be 'zh' or 'en', got {language!r}", param="language")
    members = check_roster(roster)
    k = len(members)
    if not isinstance(order_position, numbers.Integral) or isinstance(order_position, bool) or not 0 <= order_position < k:
        raise InputError(f"must be a whole number in [0, {k}), got {order_position!r}", param="order_position")
    males = sum(1 for s, _ in members if s == "male")
    sex, rank, count = ("male", order_position + 1, males) if order_position < males else (
        "female", order_position - males + 1, k - males)
    if language == "zh":
        word = _ZH_SEX[sex]
        if count == 1:
            return f"唯一的{word}"
        return f"最年长的{word}" if rank == 1 else f"第{rank}年长的{word}"
    one = _EN_SEX[sex][0]
    if count == 1:
        return f"the only {one}"
    return f"the oldest {one}" if rank == 1 else f"the {_ordinal(rank)} oldest {one}"


def eligible(members: Iterable[Sequence[object]], *, min_age: int, max_age: int | None = None) -> list[tuple[str, int]]:
    """The members whose age is in [min_age, max_age] (no upper bound when ``max_age`` is None), in
    input order: the roster to pass to :func:`select_member`.

    The 常住 (usual residence) rule is applied when the roster is taken: list only usual residents.

    >>> eligible([("male", 72), ("female", 43), ("male", 12), ("female", 15)], min_age=15, max_age=69)
    [('female', 43), ('female', 15)]
    """
    low = _age("min_age", min_age)
    high = MAX_AGE if max_age is None else _age("max_age", max_age)
    if low > high:
        raise InputError(f"min_age {low} is above max_age {high}", param="min_age")
    return [(s, a) for s, a in check_roster(members, allow_empty=True) if low <= a <= high]
