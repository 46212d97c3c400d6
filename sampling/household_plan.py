"""Which way each indicator's respondents are reached, and the household stage of a drawn plan.

Two modes answer two different questions:

* **site** (users at sites): satisfaction is asked of the people who used a TCM service, so they
  are met where the service is given: the villages' and townships' clinics of the plan (stage 1),
  a quota of users at each.
* **household** (household probability sample): knowledge, service awareness and health-culture
  literacy (素养) are rates of *all* residents, users or not; people met at a clinic use TCM and know
  more about it, so these need households drawn at random in the selected villages (stage 2,
  :mod:`sampling.households`) and one eligible member chosen in each (stage 3,
  :func:`sampling.household.select_member`).
* **staff**: the staff questionnaire is for the health workers of the selected institutions.

:func:`plan_households` turns a drawn plan (stage 1, with the interviews per village in its
``take`` column) into the household stage: households to visit per village, so that the expected
interviews are reached when only a share of households has an eligible member at home, and the
households in each village, estimated from its population where no list has been counted yet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import InputError
from .households import household_stage, mode_of
from .plan import Plan

__all__ = ["INDICATOR_MODES", "MODES", "MODE_WORDS", "indicator_mode", "plan_households"]

MODES = ("site", "household", "staff")

INDICATOR_MODES: Mapping[str, str] = {
    "satisfaction": "site",
    "knowledge": "household",
    "knowledge_score": "household",
    "service_awareness": "household",
    "service_awareness_score": "household",
    "literacy": "household",
    "health_literacy": "household",
    "staff_policy": "staff",
    "staff_policy_score": "staff",
}
"""The mode each indicator of the shipped questionnaires needs (others: :func:`indicator_mode`)."""

MODE_WORDS: Mapping[str, Mapping[str, str]] = {
    "site": {"zh": "在调查点拦截就诊者（使用服务的人）", "en": "users met at the sites (people who used the service)"},
    "household": {"zh": "入户概率抽样（全体常住居民）", "en": "household probability sample (all residents)"},
    "staff": {"zh": "调查点的医务人员", "en": "health workers of the sites"},
}


def indicator_mode(indicator_id: str) -> str:
    """``site``, ``household`` or ``staff`` for an indicator id; an unknown resident indicator is a
    rate of all residents (``household``), the cautious choice.

    >>> indicator_mode("satisfaction"), indicator_mode("knowledge"), indicator_mode("staff_policy")
    ('site', 'household', 'staff')
    """
    return INDICATOR_MODES.get(str(indicator_id), "household")


def _share(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value <= 1:
        raise InputError(f"must be a share in (0, 1], got {value!r}", param=name)
    return float(value)


def plan_households(
    plan: Plan,
    *,
    people_per_household: float = 3.0,
    eligible_share: float = 0.9,
    mode: str | Mapping[str, str] = "list",
    households: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """The household stage of a drawn plan (columns of :func:`sampling.households.household_stage`).

    Per village: households to visit m = ceil(take / eligible_share), ``take`` being the plan's
    interviews at the village (already raised for non-response by the sample size) and
    ``eligible_share`` the share of households with an eligible member (age range, 常住); households
    in the village N from ``households`` (a count or the list's length) where given, else
    round(population / people_per_household), at least m. ``mode``: ``list`` (systematic from the
    household list) or ``random_walk`` (:data:`sampling.households.RANDOM_WALK_RULE`), for all
    villages or per village.

    >>> from sampling import draw_plan
    >>> from sampling.demo import demo_frame
    >>> stage = plan_households(draw_plan(demo_frame(), 2, take=20, seed=1), eligible_share=0.8)
    >>> int(stage["take"].iloc[0]), bool((stage["households_listed"] >= stage["take"]).all())
    (25, True)
    """
    if not isinstance(plan, Plan):
        raise InputError("needs a drawn plan (sampling.draw_plan)", param="plan")
    share = _share("eligible_share", eligible_share)
    size = float(people_per_household) if isinstance(people_per_household, (int, float)) else float("nan")
    if isinstance(people_per_household, bool) or not math.isfinite(size) or not 1 <= size <= 20:
        raise InputError(f"must be a number of people from 1 to 20, got {people_per_household!r}",
                         param="people_per_household")
    table = plan.table
    villages = table[plan.frame.psu].astype(str).str.strip().tolist()
    take = np.ceil(pd.to_numeric(table["take"]).to_numpy(dtype=float) / share - 1e-9).astype(np.int64)
    people = pd.to_numeric(table[plan.frame.size], errors="coerce").to_numpy(dtype=float)
    estimated = np.maximum(np.round(np.nan_to_num(people, nan=0.0) / size), take).astype(np.int64)
    counted = {str(k): v for k, v in (households or {}).items()}
    listed = [int(counted.get(v, n)) for v, n in zip(villages, estimated)]
    modes = {v: mode_of(mode.get(v, "list")) for v in villages} if isinstance(mode, Mapping) else mode_of(mode)
    return household_stage(plan, households=listed, take=take.tolist(), mode=modes)
