"""The weighting policy: which weight each response gets, and the design the engine analyses.

* ``weighting="design"``: for a door-to-door sample whose three stage probabilities are known,
  the household weights of :mod:`analysis.campaign.household_weights` (village x household x
  member, adjusted for nonresponse within the village); else the plan's ``design_weight`` of the site (1 / the person's inclusion
  probability) when every responding site has one; else, when the sites give their stratum's
  population ``stratum_population`` (N_h), ``N_h / n_h`` with n_h the questionnaire's respondents
  in the stratum, which makes the county rate a population-weighted mix of townships; else equal
  weights. Staff surveys always use equal weights (every TCM staff member counts once).
* ``"equal"``: every response weighs 1.
* ``"poststratify"`` / ``"rake"``: the design weights calibrated to a population table
  (:mod:`analysis.campaign.population`); the engine's standard errors account for the
  calibration as R's ``postStratify`` / ``rake`` do.

The design: strata = the site's stratum, PSU = the site's PSU (``nest=True``), a stratum with one
PSU centred at the grand mean (``lonely_psu="adjust"``), PSUs drawn with replacement unless every
site gives ``stratum_psus`` (the plan's N_h of PSUs), which is then the first-stage fpc.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..design import SurveyDesign
from .household_weights import household_weights, is_household_sample
from .options import ResultOptions

__all__ = ["LONELY_PSU", "MODES", "MODE_WORDS", "WeightedDesign", "base_weights", "campaign_design", "reach_mode"]

#: The lonely-PSU rule of campaign analyses (R's ``survey.lonely.psu = "adjust"``).
LONELY_PSU = "adjust"


@dataclass(frozen=True)
class WeightedDesign:
    """The design of one questionnaire's responses and how its weights were obtained.

    ``how``: ``household``, ``plan``, ``population``, ``equal`` or ``equal_staff``; ``calibrated``:
    None, ``poststratify`` or ``rake``; ``fpc``: the fpc column or None; ``base_weight``: the weight
    before calibration (the policy's), one per row; the final weights are ``design.weights``;
    ``steps``: for ``household``, one row per village with each stage's figures; ``mode``: how the
    respondents were reached (:func:`reach_mode`).
    """

    design: SurveyDesign
    how: str
    calibrated: str | None
    fpc: str | None
    base_weight: np.ndarray
    steps: pd.DataFrame | None = None
    mode: str = "site"


MODES = ("household", "site", "mixed")
#: how the respondents were reached, in words: ``short`` beside an indicator, ``long`` in a method section
MODE_WORDS: dict[str, dict[str, str]] = {
    "household": {
        "zh": "入户抽样", "en": "household sample",
        "long_zh": "受访者来自入户概率抽样（按抽样方案入户、户内随机选人），结果可以推断全体常住居民。",
        "long_en": "Respondents come from a household probability sample (households drawn by the plan, one member "
                   "chosen at random), so the results speak for all residents.",
    },
    "site": {
        "zh": "调查点拦截", "en": "site intercept",
        "long_zh": "受访者是在调查点（医疗机构）接受调查的居民，只代表到这些机构就诊的人，不能代表全体居民。",
        "long_en": "Respondents were reached at the survey sites (health facilities): they stand for the people who "
                   "use these facilities, not for all residents.",
    },
    "mixed": {
        "zh": "入户与调查点混合", "en": "mixed",
        "long_zh": "受访者一部分来自入户概率抽样，一部分在调查点接受调查；调查点部分只代表到机构就诊的人，"
                   "合并结果不能视为全体居民的概率样本。",
        "long_en": "Some respondents come from a household probability sample and some were reached at sites; the "
                   "site part stands only for facility users, so the combined result is not a probability sample of all residents.",
    },
}


def reach_mode(rows: pd.DataFrame) -> str:
    """``household`` (every respondent from a door-to-door probability sample), ``site`` (none:
    people reached at sites, who are users of the sites, not all residents) or ``mixed``."""
    if "household_id" not in rows or not len(rows):
        return "site"
    share = float(np.isfinite(rows["household_id"].to_numpy(dtype=float)).mean())
    return "household" if share == 1 else ("site" if share == 0 else "mixed")


def base_weights(rows: pd.DataFrame, questionnaire, households: pd.DataFrame | None = None):  # noqa: ANN001, ANN201
    """The base weight of each row, how it was obtained (``household``, ``plan``, ``population``,
    ``equal`` or ``equal_staff``) and, for ``household``, the steps per village: the policy of the
    module docstring, before any calibration."""
    n = len(rows)
    if questionnaire.audience != "residents":
        return np.ones(n), "equal_staff", None
    if households is not None and len(households) and is_household_sample(rows):
        weighted = household_weights(rows, households)
        return weighted.weights, "household", weighted.steps
    plan = rows["design_weight"].to_numpy(dtype=float)
    if n and np.all(np.isfinite(plan) & (plan > 0)):
        return plan, "plan", None
    big_n = rows["stratum_population"].to_numpy(dtype=float)
    if n and np.all(np.isfinite(big_n) & (big_n > 0)):
        codes, _ = pd.factorize(rows["stratum"].to_numpy())
        small_n = np.bincount(codes)
        return big_n / small_n[codes], "population", None
    return np.ones(n), "equal", None


def campaign_design(rows: pd.DataFrame, questionnaire, options: ResultOptions,  # noqa: ANN001
                    households: pd.DataFrame | None = None) -> WeightedDesign:
    """The weighted (and, if asked, calibrated) design of one questionnaire's responses."""
    steps = None
    if options.weighting == "equal":
        weights, how = np.ones(len(rows)), "equal"
    else:
        weights, how, steps = base_weights(rows, questionnaire, households)
    frame = rows.copy()
    frame["base_weight"] = weights
    psus = frame["stratum_psus"].to_numpy(dtype=float)
    fpc = "stratum_psus" if len(psus) and np.all(np.isfinite(psus) & (psus >= 1)) else None
    design = SurveyDesign(frame, weights="base_weight", strata="stratum", psu="psu", fpc=fpc,
                          lonely_psu=LONELY_PSU, nest=True)
    base = np.asarray(design.weights)
    calibrated = None
    pop = options.population
    if options.weighting in ("poststratify", "rake") and pop is not None and questionnaire.audience == "residents":
        if options.weighting == "poststratify":
            if len(pop.columns) > 1:
                design = design.poststratify(list(pop.columns), pop.cells)
            else:
                design = design.poststratify(pop.columns[0], {k[0]: v for k, v in pop.cells.items()})
        else:
            margins = pop.margins()
            if len(margins) == 1:
                (column, margin), = margins.items()
                design = design.poststratify(column, margin)
            else:
                design = design.rake(margins, max_iter=1000)
        calibrated = options.weighting
    return WeightedDesign(design, how, calibrated, fpc, base, steps, reach_mode(rows))
