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

from .allocation import Allocation, allocate
from .errors import FrameError, InfeasibleError, InputError, SamplingError
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

__all__ = [
    "Allocation",
    "allocate",
    "SamplingError",
    "InputError",
    "FrameError",
    "InfeasibleError",
    "Frame",
    "frame_data",
    "LqasRule",
    "lqas_rule",
    "lqas_risks",
    "Plan",
    "PLAN_COLUMNS",
    "draw_plan",
    "SampleSize",
    "DomainSizes",
    "sample_size",
    "domain_sample_sizes",
    "size_curve",
    "curve_rates",
    "select_member",
    "kish_order",
    "member_words",
    "eligible",
    "select_households",
    "household_prob",
    "member_weights",
    "household_stage",
    "draw_households",
    "RANDOM_WALK_RULE",
]
