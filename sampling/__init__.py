"""Sampling planner for the resident and staff surveys: sample sizes, LQAS decision rules,
allocation across townships, and PSU selection into a plan with inclusion probabilities and
weights.

A pure library (numpy, scipy, pandas): no UI, no database. Command line: ``python -m sampling``.

Modules
-------
sample_size
    n against a threshold (score formula or exact binomial) or for a margin (Wald, Wilson,
    Clopper-Pearson), then design effect, finite population correction and response rate.
lqas
    LQAS sample size and decision rule by exact binomial risks.
allocation
    Proportional, equal, Neyman and power allocation with minimum and caps, whole numbers summing
    to n.
frame
    Reading and validating frames (CSV in UTF-8 or GB18030, XLSX).
selection
    SRS, systematic and PPS systematic selection with certainty units, vectorised over strata.
household
    Stage 3 of a household survey: Kish's order and the equal-probability choice of one eligible
    member, reproducible from the seed and the household id (``select_member``).
households
    Stage 2: systematic selection of households from a list (or a documented random walk), the
    household stage table and the three-stage weights k / (pi_village * pi_household).
plan
    The plan table (documented columns), CSV/XLSX output.
errors
    The exception tree.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import FrameError, InfeasibleError, InputError, SamplingError

if TYPE_CHECKING:
    from .allocation import Allocation, allocate
    from .frame import Frame, frame_data
    from .household import eligible, kish_order, member_words, select_member
    from .households import (
        RANDOM_WALK_RULE,
        draw_households,
        household_prob,
        household_stage,
        member_weights,
        select_households,
    )
    from .lqas import LqasRule, lqas_risks, lqas_rule
    from .plan import PLAN_COLUMNS, Plan, draw_plan
    from .sample_size import (
        DomainSizes,
        SampleSize,
        curve_rates,
        domain_sample_sizes,
        sample_size,
        size_curve,
    )

# each name from its module when first used: ``import sampling.lqas`` (the analysis does, for its
# rule) loads the LQAS rule alone, not the plan, frame and sample-size modules
_LAZY = {
    "Allocation": "allocation",
    "allocate": "allocation",
    "Frame": "frame",
    "frame_data": "frame",
    "eligible": "household",
    "kish_order": "household",
    "member_words": "household",
    "select_member": "household",
    "RANDOM_WALK_RULE": "households",
    "draw_households": "households",
    "household_prob": "households",
    "household_stage": "households",
    "member_weights": "households",
    "select_households": "households",
    "LqasRule": "lqas",
    "lqas_risks": "lqas",
    "lqas_rule": "lqas",
    "PLAN_COLUMNS": "plan",
    "Plan": "plan",
    "draw_plan": "plan",
    "DomainSizes": "sample_size",
    "SampleSize": "sample_size",
    "curve_rates": "sample_size",
    "domain_sample_sizes": "sample_size",
    "sample_size": "sample_size",
    "size_curve": "sample_size",
}

__all__ = [
    "PLAN_COLUMNS",
    "RANDOM_WALK_RULE",
    "Allocation",
    "DomainSizes",
    "Frame",
    "FrameError",
    "InfeasibleError",
    "InputError",
    "LqasRule",
    "Plan",
    "SampleSize",
    "SamplingError",
    "allocate",
    "curve_rates",
    "domain_sample_sizes",
    "draw_households",
    "draw_plan",
    "eligible",
    "frame_data",
    "household_prob",
    "household_stage",
    "kish_order",
    "lqas_risks",
    "lqas_rule",
    "member_weights",
    "member_words",
    "sample_size",
    "select_households",
    "select_member",
    "size_curve",
]


def __getattr__(name: str) -> object:
    """A public name of a submodule, imported on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
