"""Dispositions of household visits: AAPOR codes, their groups, and a household's final code.

One table, :data:`DISPOSITIONS`, maps each accepted AAPOR code of an in-person household survey to
its outcome-rate group and its words in Chinese and English (AAPOR *Standard Definitions*, 10th ed.,
2023, the final disposition codes of in-person household surveys; the codes 2.21, 2.22, 2.26, 2.27
and 2.34, 2.35 belong to other modes' tables and are kept so that mixed-mode visit logs land in the
right group). The groups are those of AAPOR's outcome rates:

==== =====================================================================
I    complete interview (1.1)
P    partial interview (1.2)
R    refusal and break-off (2.10-2.12)
NC   non-contact (2.20-2.27)
O    other eligible non-interview: death, illness, language, ... (2.30-2.36)
UH   unknown if housing unit / occupied (3.10-3.19)
UO   unknown eligibility, other: a household, not known whether anyone in it
     is eligible (3.20-3.90)
NE   not eligible (4.x)
==== =====================================================================

A household is visited up to :data:`MAX_VISITS_DEFAULT` times; each visit gets a code and
:func:`final_disposition` reduces them to the household's final code (see there for the rules).
This module is pure: no storage, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from survey.errors import SurveyError

__all__ = [
    "DISPOSITIONS",
    "FINAL_GROUPS",
    "GROUPS",
    "MAX_VISITS_DEFAULT",
    "WORDS",
    "Disposition",
    "DispositionError",
    "final_disposition",
    "group_of",
    "household_finished",
    "parse_disposition",
]

MAX_VISITS_DEFAULT = 3
"""Visits to a household before it is closed with its most informative outcome (issue 19)."""

GROUPS: tuple[str, ...] = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
"""AAPOR's outcome-rate groups, in the order of the response-rate columns."""


class DispositionError(SurveyError, ValueError):
    """A disposition that is not an AAPOR code or a known word; ``text`` is what was given."""

    def __init__(self, message: str, text: object) -> None:
        self.text = text
        super().__init__(message)


@dataclass(frozen=True)
class Disposition:
    """One AAPOR final disposition code: its group and its words."""

    code: str
    group: str
    zh: str
    en: str


def _table(rows: Iterable[tuple[str, str, str, str]]) -> Mapping[str, Disposition]:
    return MappingProxyType({code: Disposition(code, group, zh, en) for code, group, zh, en in rows})


DISPOSITIONS: Mapping[str, Disposition] = _table([
    # 1 Interview
    ("1.1", "I", "完成访问", "Complete"),
    ("1.2", "P", "部分完成", "Partial"),
    # 2 Eligible, non-interview
    ("2.10", "R", "拒访或中断", "Refusal and break-off"),
    ("2.11", "R", "拒访", "Refusal"),
    ("2.111", "R", "住户拒访", "Household-level refusal"),
    ("2.112", "R", "选中的受访者拒访", "Known-respondent refusal"),
    ("2.12", "R", "访问中断", "Break-off"),
    ("2.20", "NC", "未接触", "Non-contact"),
    ("2.21", "NC", "未接触：受访者始终不在", "Non-contact: respondent never available"),
    ("2.22", "NC", "未接触：留言未回复", "Non-contact: message left, no reply"),
    ("2.23", "NC", "未接触：无法进入楼栋或到达住户", "Non-contact: unable to enter building/reach housing unit"),
    ("2.24", "NC", "未接触：家中无人", "Non-contact: no one at residence"),
    ("2.25", "NC", "未接触：受访者外出或不便", "Non-contact: respondent away/unavailable"),
    ("2.26", "NC", "未接触：其他原因", "Non-contact: other reason (2.26)"),
    ("2.27", "NC", "未接触：其他原因", "Non-contact: other reason (2.27)"),
    ("2.30", "O", "其他（符合条件但未访问）", "Other"),
    ("2.31", "O", "受访者已故", "Dead"),
    ("2.32", "O", "身体或精神状况不能受访", "Physically or mentally unable/incompetent"),
    ("2.33", "O", "语言障碍", "Language barrier"),
    ("2.331", "O", "住户语言障碍", "Household-level language problem"),
    ("2.332", "O", "受访者语言障碍", "Respondent language problem"),
    ("2.333", "O", "无相应语言的调查员", "No interviewer available for needed language"),
    ("2.34", "O", "其他：沟通条件不足", "Other: inadequate conditions to communicate"),
    ("2.35", "O", "其他：所在场所或活动不允许访问", "Other: location/activity not allowing interview"),
    ("2.36", "O", "其他原因", "Miscellaneous"),
    # 3 Unknown eligibility, non-interview
    ("3.10", "UH", "资格不明：是否为住户不明", "Unknown if housing unit"),
    ("3.11", "UH", "资格不明：未安排访问", "Not attempted or worked"),
    ("3.17", "UH", "资格不明：无法到达或不安全", "Unable to reach/unsafe area"),
    ("3.18", "UH", "资格不明：找不到地址", "Unable to locate address"),
    ("3.19", "UH", "资格不明：是否为住户不明（其他）", "Unknown if housing unit, other"),
    ("3.20", "UO", "资格不明：住户中是否有符合条件者不明", "Housing unit, unknown if eligible respondent"),
    ("3.21", "UO", "资格不明：未完成筛选", "No screener completed"),
    ("3.90", "UO", "资格不明：其他", "Unknown eligibility, other"),
    # 4 Not eligible
    ("4.10", "NE", "不符合条件：不在样本内", "Out of sample"),
    ("4.50", "NE", "不符合条件：非住宅", "Not a housing unit"),
    ("4.51", "NE", "不符合条件：企业、机关或其他单位", "Business, government office, other organization"),
    ("4.52", "NE", "不符合条件：机构（医院、养老院等）", "Institution"),
    ("4.53", "NE", "不符合条件：集体宿舍", "Group quarters"),
    ("4.60", "NE", "不符合条件：空置房", "Vacant housing unit"),
    ("4.61", "NE", "不符合条件：常年空置", "Regular, vacant residence"),
    ("4.62", "NE", "不符合条件：季节性或临时住所", "Seasonal/vacation/temporary residence"),
    ("4.63", "NE", "不符合条件：其他空置", "Vacant, other"),
    ("4.70", "NE", "不符合条件：家中无符合条件的成员", "No eligible respondent"),
    ("4.80", "NE", "不符合条件：配额已满", "Quota filled"),
    ("4.90", "NE", "不符合条件：其他", "Not eligible, other"),
])

WORDS: Mapping[str, str] = MappingProxyType({
    "complete": "1.1", "完成": "1.1",
    "partial": "1.2", "部分完成": "1.2",
    "refusal": "2.11", "拒访": "2.11",
    "breakoff": "2.12", "中断": "2.12",
    "noncontact": "2.20", "未接触": "2.20",
    "other": "2.30", "其他": "2.30",
    "unknown": "3.20", "资格不明": "3.20",
    "ineligible": "4.70", "不符合条件": "4.70",
})
"""Words accepted for a disposition and the code each stands for. ``unknown`` is 3.20 (a listed
household whose eligible members are unknown) and ``ineligible`` is 4.70 (no eligible member): the
usual cases of a listed-household survey; give the code for anything more specific."""

_ALIASES = {"break-off": "breakoff", "break off": "breakoff", "non-contact": "noncontact",
            "non contact": "noncontact", "not eligible": "ineligible", "not-eligible": "ineligible"}
_TRAILING_ZERO = re.compile(r"^[234]\.\d$")  # "2.2" as a spreadsheet writes 2.20

FINAL_GROUPS: frozenset[str] = frozenset({"I", "R", "NE"})
"""Groups that close a household at once: a complete interview, a refusal or break-off (a refusal
is respected, not pressed), not eligible. A partial interview, a non-contact, an other and an
unknown are visited again until the visits run out."""

# Precedence of the final disposition, most informative first (see final_disposition).
_RANK = {"I": 0, "P": 1, "NE": 2, "R": 3, "O": 4, "NC": 5, "UO": 6, "UH": 7}


def parse_disposition(text: str | float) -> str:
    """The AAPOR code for ``text``: a code ("2.11"), an English or Chinese word (see :data:`WORDS`).

    Codes are matched exactly, except that a code written without its trailing zero by a
    spreadsheet ("2.2" for 2.20, "4.7" for 4.70) is read as the two-digit code. Words ignore case,
    surrounding blanks, hyphens and spaces ("Break-off", "non contact").

    >>> parse_disposition("2.11"), parse_disposition("拒访"), parse_disposition(" Break-off ")
    ('2.11', '2.11', '2.12')
    >>> parse_disposition("2.2")
    '2.20'
    """
    raw = text
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise DispositionError(f"disposition must be an AAPOR code or a word; got {raw!r}", raw)
    text = str(text).strip()
    if text in DISPOSITIONS:
        return text
    if _TRAILING_ZERO.match(text) and text + "0" in DISPOSITIONS:
        return text + "0"
    word = text.lower()
    word = _ALIASES.get(word, word)
    if word in WORDS:
        return WORDS[word]
    raise DispositionError(
        f"unknown disposition {raw!r}: give an AAPOR code (1.1, 1.2, 2.11, 2.12, 2.20-2.27, 2.30-2.36, "
        f"3.x, 4.x) or one of the words {', '.join(WORDS)}",
        raw,
    )


def group_of(code: str) -> str:
    """The AAPOR group (I, P, R, NC, O, UH, UO, NE) of a code or word."""
    return DISPOSITIONS[parse_disposition(code)].group


def final_disposition(codes_in_visit_order: Sequence[str]) -> str:
    """A household's final code from the codes of its visits, first visit first.

    AAPOR's rule is that the final code is the most informative outcome over all attempts, not
    simply the last one (*Standard Definitions*, "temporary vs. final dispositions"). Precedence:

    1. an interview stands: a complete (1.1) at any visit, else a partial (1.2);
    2. not eligible (4.x) whenever a visit established it, over every non-interview outcome;
    3. otherwise refusal or break-off (2.1x), then other (2.3x), then non-contact (2.2x), then
       unknown eligibility, a known household (UO, 3.2x/3.90) before an unknown one (UH, 3.1x).

    Within the winning group the latest visit's code is kept (it carries the latest detail).

    Interview over not eligible: the member interviewed was chosen from the roster of eligible
    members, so the interview itself established eligibility when it was done; a later 4.x on the
    same household contradicts the record rather than overturns it, and the interview is kept (the
    contradiction is for the supervisor to resolve). An empty visit list is an error.

    >>> final_disposition(["2.24", "2.11", "2.24"])
    '2.11'
    >>> final_disposition(["noncontact", "ineligible"])
    '4.70'
    """
    if isinstance(codes_in_visit_order, str) or not len(codes_in_visit_order):
        raise DispositionError(
            f"a household's final disposition needs the list of its visits' codes; got {codes_in_visit_order!r}",
            codes_in_visit_order,
        )
    best, best_rank = "", len(_RANK)
    for raw in codes_in_visit_order:
        code = parse_disposition(raw)
        rank = _RANK[DISPOSITIONS[code].group]
        if rank <= best_rank:  # ties: the later visit wins
            best, best_rank = code, rank
    return best


def household_finished(codes_in_visit_order: Sequence[str], max_visits: int = MAX_VISITS_DEFAULT) -> bool:
    """Whether a household needs no more visits: a visit reached a final group (:data:`FINAL_GROUPS`:
    complete, refusal or break-off, not eligible) or ``max_visits`` visits were made.

    >>> household_finished(["2.24", "2.24"]), household_finished(["2.24", "2.24", "2.24"])
    (False, True)
    """
    if isinstance(max_visits, bool) or not isinstance(max_visits, int) or max_visits < 1:
        raise DispositionError(f"max_visits must be a whole number of at least 1; got {max_visits!r}", max_visits)
    groups = [DISPOSITIONS[parse_disposition(c)].group for c in codes_in_visit_order]
    return len(groups) >= max_visits or any(g in FINAL_GROUPS for g in groups)
