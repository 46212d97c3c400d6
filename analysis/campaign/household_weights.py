"""Weights of a door-to-door (household probability) sample: three design stages, then a
nonresponse adjustment within weighting classes (the village, i.e. the site).

For the respondent of household h in village v::

    design weight      d_h = k_h / (π_v · π_h|v)
    adjustment         A_v = (I_v + P_v + R_v + NC_v + O_v + e_v (UH_v + UO_v)) / r_v
    weight             w_h = d_h · A_v

with π_v the village's first-stage inclusion probability (the plan's ``inclusion_prob``), π_h|v
= households taken / households listed (the site's ``household_prob``), k_h the eligible members
the household listed (one is interviewed: Kish), the AAPOR counts of the village's sampled
households (``analysis.response_rates``; a household never visited is 3.11, unknown eligibility),
e_v AAPOR's proportional allocation within the village, and r_v the village's respondents in the
rows (a household whose interview is stored counts as a complete, 1.1). The campaign has one
household questionnaire (the interview of a household is one questionnaire). Within a village the
households share π_v π_h|v, so A_v is the ratio of the estimated
eligible households to the responding ones: the weighting-class adjustment of Kalton & Flores-
Cervantes (2003), the form R's ``survey`` reproduces with the adjusted weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..response_rates import response_rates

__all__ = ["HouseholdWeights", "NOT_ATTEMPTED", "household_weights", "is_household_sample"]

NOT_ATTEMPTED = "3.11"  # AAPOR: a sampled household not yet visited (unknown eligibility)
COMPLETE = "1.1"
STEP_COLUMNS = ("site", "inclusion_prob", "household_prob", "households", "eligible_estimate", "respondents",
                "adjustment")


@dataclass(frozen=True)
class HouseholdWeights:
    """``design``: d_h per row; ``weights``: d_h · A_v per row; ``steps``: one row per village with
    the figures of every stage (:data:`STEP_COLUMNS`), for the report's method section."""

    design: np.ndarray
    weights: np.ndarray
    steps: pd.DataFrame


def is_household_sample(rows: pd.DataFrame) -> bool:
    """Whether every row is a door-to-door interview whose three stage probabilities are known."""
    if not len(rows) or "household_id" not in rows:
        return False
    needed = rows[["household_id", "eligible_members", "inclusion_prob", "household_prob"]].to_numpy(dtype=float)
    finite = np.isfinite(needed).all()
    return bool(finite and (needed[:, 1:] > 0).all() and (needed[:, 2:] <= 1).all())


def household_weights(rows: pd.DataFrame, households: pd.DataFrame) -> HouseholdWeights:
    """The weights of the module docstring for ``rows`` (a questionnaire's responses, the response
    frame's columns ``site_code``, ``inclusion_prob``, ``household_prob``, ``eligible_members``) given
    the campaign's ``households`` (``Store.household_frame``: ``site``, ``disposition``)."""
    k = rows["eligible_members"].to_numpy(dtype=float)
    pi = rows["inclusion_prob"].to_numpy(dtype=float) * rows["household_prob"].to_numpy(dtype=float)
    design = k / pi
    interviewed = households["response_id"].notna().to_numpy()
    disposition = households["disposition"].to_numpy(dtype=object).copy()
    disposition[interviewed] = COMPLETE  # an interview stored is a complete, whatever the visit log says
    disposition[pd.isna(disposition)] = NOT_ATTEMPTED
    sampled = pd.DataFrame({"site": households["site"].astype(str).to_numpy(), "disposition": disposition})
    rates = response_rates(sampled, "site", level="site").set_index("domain")
    sites, codes = np.unique(rows["site_code"].to_numpy(dtype=object).astype(str), return_inverse=True)
    respondents = np.bincount(codes, minlength=len(sites)).astype(float)
    counts = rates.reindex(sites)
    e = counts["e"].to_numpy(dtype=float)
    e = np.where(np.isfinite(e), e, 1.0)  # no household's eligibility known yet: count the unknown as eligible
    known = counts[["I", "P", "R", "NC", "O"]].to_numpy(dtype=float).sum(axis=1)
    unknown = counts[["UH", "UO"]].to_numpy(dtype=float).sum(axis=1)
    eligible = np.nan_to_num(known) + e * np.nan_to_num(unknown)
    adjustment = np.where(eligible > 0, eligible / respondents, 1.0)
    first = pd.DataFrame({"site": rows["site_code"].astype(str), "inclusion_prob": rows["inclusion_prob"],
                          "household_prob": rows["household_prob"]}).drop_duplicates("site").set_index("site").reindex(sites)
    steps = pd.DataFrame({
        "site": sites,
        "inclusion_prob": first["inclusion_prob"].to_numpy(dtype=float),
        "household_prob": first["household_prob"].to_numpy(dtype=float),
        "households": (counts[["I", "P", "R", "NC", "O", "UH", "UO", "NE"]].to_numpy(dtype=float).sum(axis=1)),
        "eligible_estimate": eligible,
        "respondents": respondents,
        "adjustment": adjustment,
    }, columns=list(STEP_COLUMNS))
    return HouseholdWeights(design, design * adjustment[codes], steps)
