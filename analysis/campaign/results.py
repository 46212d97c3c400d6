"""A campaign's results: rates with intervals and verdicts per questionnaire, overall and per
township, with progress, watching flags, LQAS classifications and next steps.

:func:`compute_results` applies the choices of :class:`~analysis.campaign.options.ResultOptions`
(which responses count, weights, interval method, level) and asks the ``analysis`` engine for every
binary indicator, overall and per township (stratum): estimate, SE, interval, design effect, df,
n, the verdict against the profile's threshold and the point-estimate reading beside it. Watching
flags come from :func:`analysis.sequential.monitor` (Robbins' mixture likelihood ratio, updated by
whole site, design effect from the variance engine on the unweighted design, hence its column
``unweighted_deff``); they are reported apart from the final design-based verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..disclosure import suppress_small_cells
from ..sequential import FEW_SITES, monitor
from .data import CampaignData, background_questions
from .lqas import LQAS_COLUMNS, classify_townships, lqas_rule_for
from .means import MEAN_COLUMNS, mean_estimates, official_means
from .next_steps import NextStep, next_steps
from .options import ResultOptions
from .progress import progress, timeline
from .weights import LONELY_PSU, campaign_design

__all__ = ["OVERALL", "CampaignResults", "compute_results", "watch_flags", "with_watch"]

#: The ``domain`` value of the county-wide (overall) row in result tables.
OVERALL = None
ESTIMATE_COLUMNS = ["questionnaire_id", "var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df",
                    "threshold", "verdict", "point_reaches", "more_responses", "missing", "ci_method", "level", "bounds",
                    "coverage", "two_sided_low", "two_sided_high", "note", "scope", "mode"]
WATCH_COLUMNS = ["questionnaire_id", "var", "domain", "n", "successes", "psus", "unweighted_deff", "log_evidence_pass",
                 "log_evidence_fail", "flag", "looks", "threshold", "alpha", "evidence_needed", "scope"]
#: Columns of the response frame every questionnaire's rows keep (the rest: its indicators and
#: background questions).
KEEP_COLUMNS = ("response_id", "questionnaire_id", "version_hash", "site_code", "site_name", "site_kind", "stratum",
                "psu", "design_weight", "inclusion_prob", "stratum_population", "stratum_psus", "household_prob",
                "household_id", "eligible_members", "source", "simulated", "submitted_at")


@dataclass(frozen=True)
class CampaignResults:
    campaign: Any
    questionnaires: Mapping[str, Any]
    profile: Any
    options: ResultOptions
    level: float
    responses: pd.DataFrame  # rows that count, with ``base_weight`` and ``weight`` (the weights used)
    estimates: pd.DataFrame  # engine columns + questionnaire_id, scope ("overall"/"stratum")
    progress: pd.DataFrame  # per site and questionnaire
    timeline: pd.DataFrame  # per day and questionnaire
    watch: pd.DataFrame  # anytime-valid flags per indicator and domain
    lqas: pd.DataFrame  # LQAS classification per indicator and township (empty without LQAS)
    next_steps: tuple[NextStep, ...]
    design_notes: Mapping[str, Any]
    excluded: int = 0  # responses left out by the filters
    #: mean scores of the score indicators the profile reports as a mean (:mod:`analysis.campaign.means`)
    means: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEAN_COLUMNS))

    @property
    def is_empty(self) -> bool:
        return len(self.responses) == 0

    @property
    def indicators(self) -> list[tuple[str, str]]:
        """(questionnaire id, indicator) pairs in report order."""
        if self.estimates.empty:
            return []
        pairs = self.estimates[["questionnaire_id", "var"]].drop_duplicates()
        return [tuple(p) for p in pairs.itertuples(index=False, name=None)]

    def overall(self) -> pd.DataFrame:
        return self.estimates[self.estimates["scope"] == "overall"].reset_index(drop=True)

    def by_stratum(self, indicator: str | None = None) -> pd.DataFrame:
        out = self.estimates[self.estimates["scope"] == "stratum"]
        if indicator is not None:
            out = out[out["var"] == indicator]
        return out.reset_index(drop=True)

    @property
    def strata(self) -> list[str]:
        return list(dict.fromkeys(s.stratum for s in self.campaign.sites))


def _watch(rows: pd.DataFrame, qid: str, thresholds: Mapping[str, float], level: float) -> list[pd.DataFrame]:
    """Watching flags of every indicator with a threshold, overall and per township."""
    out = []
    # integer arrival order and PSU codes: the same flags, without re-sorting timestamps and strings
    frame = rows[["stratum", *thresholds]].copy()
    frame["_order"] = rows["submitted_at"].array.asi8
    frame["_psu"] = pd.factorize(rows["psu"].to_numpy())[0]
    for indicator, threshold in thresholds.items():
        for by in (None, "stratum"):
            flags = monitor(frame, indicator, threshold, order="_order", by=by, psu="_psu", strata="stratum",
                            alpha=1.0 - level)
            flags.insert(0, "var", indicator)
            flags.insert(0, "questionnaire_id", qid)
            flags["scope"] = "overall" if by is None else "stratum"
            if by is None:
                flags["domain"] = None
            out.append(flags)
    return out


def _few_sites_quiet(flags: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """A domain whose verdict is ``few_sites`` gets the flag ``few_sites``: no hint where no verdict
    can be had (the dashboard and the workbook never show a hint beside a row they do not judge)."""
    if not len(flags) or "domain" not in flags or not len(estimates):
        return flags
    verdicts = estimates["verdict"].to_numpy(dtype=object)
    mask = np.fromiter((isinstance(v, str) and v == FEW_SITES for v in verdicts), dtype=bool, count=len(verdicts))
    if not mask.any():
        return flags
    scopes = estimates["scope"].to_numpy(dtype=object)[mask]
    few = set(zip(estimates["var"].to_numpy(dtype=object)[mask], scopes,
                  [None if s == "overall" else d for s, d in zip(scopes, estimates["domain"].to_numpy(dtype=object)[mask])]))
    keys = zip(flags["var"], flags["scope"], [None if s == "overall" else d for s, d in zip(flags["scope"], flags["domain"])])
    quiet = np.fromiter(((k in few) for k in keys), dtype=bool, count=len(flags))
    flags.loc[quiet, "flag"] = FEW_SITES
    return flags


def watch_flags(results: CampaignResults, data: CampaignData) -> pd.DataFrame:
    """The watching flags of ``results`` computed without them (``ResultOptions(watch=False)``):
    the table :func:`compute_results` puts in ``watch`` when asked, made from the results' own
    counted responses and estimates (no estimate is computed again). Columns: ``WATCH_COLUMNS``."""
    out: list[pd.DataFrame] = []
    table = results.responses
    estimates = results.estimates
    for qid in data.questionnaires:
        indicators = [i for i in data.indicators(qid) if i in table.columns]
        thresholds = {i: data.threshold(i) for i in indicators if data.threshold(i) is not None}
        if not thresholds or not len(table):
            continue
        wanted = ["stratum", "psu", "submitted_at", *thresholds]
        rows = table.loc[(table["questionnaire_id"] == qid).to_numpy(), wanted].reset_index(drop=True)
        if not len(rows):
            continue
        both = estimates[(estimates["questionnaire_id"] == qid).to_numpy()] if len(estimates) else estimates
        out.extend(_few_sites_quiet(w, both) for w in _watch(rows, qid, thresholds, results.level))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=WATCH_COLUMNS)


def with_watch(results: CampaignResults, data: CampaignData) -> CampaignResults:
    """``results`` (computed with ``watch=False``) with their watching flags, as if computed with them."""
    from dataclasses import replace

    return replace(results, watch=watch_flags(results, data), options=replace(results.options, watch=True))


def _analysis_columns(data: CampaignData) -> pd.DataFrame:
    """The table without the answer columns the results do not read (all but the background
    questions): the frame carries every answer for quality flags and reports, not for rates."""
    background = list(dict.fromkeys(b for q in data.questionnaires.values() for b in background_questions(q)))
    answers = set(data.questions)
    if not answers - set(background):
        return data.table
    base = [c for c in data.table.columns if c not in answers]
    return data.table[base + [c for c in background if c in data.table.columns]]


def compute_results(data: CampaignData, options: ResultOptions | None = None, *,
                    overall_only: bool = False) -> CampaignResults:
    """Progress, estimates, verdicts, watching flags, LQAS and next steps for a campaign.

    ``overall_only``: the whole-campaign estimates and the design notes alone (no strata, means,
    watching flags, LQAS or next steps; ``design_notes["overall_only"]`` says so), for a comparison
    that reads nothing else (``analysis.integrity.sensitivity``'s other side)."""
    options = options or ResultOptions()
    campaign = data.campaign
    level = float(options.level if options.level is not None else data.level)
    table = options.filters.apply(_analysis_columns(data), campaign.timezone)
    excluded = len(data.table) - len(table)
    strata = list(dict.fromkeys(s.stratum for s in campaign.sites))
    order = {s: i for i, s in enumerate(strata)}
    estimates, watch_rows, lqas_rows, weighted, means = [], [], [], [], []
    notes: dict[str, Any] = {"ci": options.ci, "level": level, "weighting": options.weighting,
                             "lonely_psu": LONELY_PSU, "questionnaires": {}}
    if overall_only:
        notes["overall_only"] = True
    for qid, questionnaire in data.questionnaires.items():
        indicators = [i for i in data.indicators(qid) if i in table.columns]
        background = background_questions(questionnaire)
        scores = [i for i in official_means(questionnaire, data.profile) if i in table.columns]
        wanted = [c for c in table.columns if c in KEEP_COLUMNS or c in indicators or c in scores or c in background]
        rows = table.loc[(table["questionnaire_id"] == qid).to_numpy(), wanted].reset_index(drop=True)
        info: dict[str, Any] = {"responses": len(rows), "sites": int(rows["site_code"].nunique()) if len(rows) else 0,
                                "strata": int(rows["stratum"].nunique()) if len(rows) else 0, "indicators": indicators}
        notes["questionnaires"][qid] = info
        if not len(rows) or not indicators:
            continue
        weighted_design = campaign_design(rows, questionnaire, options, data.households)
        design = weighted_design.design
        thresholds = {i: data.threshold(i) for i in indicators if data.threshold(i) is not None}
        threshold = thresholds or None
        overall = design.proportion(indicators, ci=options.ci, level=level, threshold=threshold, min_df=data.min_df)
        overall["scope"] = "overall"
        deffs = pd.to_numeric(overall["deff"], errors="coerce").dropna()
        info.update(weights=weighted_design.how, mode=weighted_design.mode, household_steps=weighted_design.steps,
                    calibrated=weighted_design.calibrated, fpc=weighted_design.fpc,
                    df=design.df, weight_min=float(np.min(design.weights)), weight_max=float(np.max(design.weights)),
                    design_effect=float(deffs.median()) if len(deffs) else None)
        if overall_only:
            overall.insert(0, "questionnaire_id", qid)
            overall["mode"] = weighted_design.mode
            estimates.append(overall)
            continue
        by = design.proportion(indicators, by="stratum", ci=options.ci, level=level, threshold=threshold,
                               min_df=data.min_df)
        by["scope"] = "stratum"
        if questionnaire.audience == "staff":  # one or two staff in a township: their own result
            by = suppress_small_cells(by)
        rank = {v: i for i, v in enumerate(indicators)}
        by = by.sort_values(["var", "domain"], key=lambda s: s.map(order) if s.name == "domain" else s.map(rank),
                            kind="stable")
        both = pd.concat([overall, by], ignore_index=True)
        both.insert(0, "questionnaire_id", qid)
        both["mode"] = weighted_design.mode
        estimates.append(both)
        if scores:
            means.append(mean_estimates(design, qid, scores, level, strata))
        w = rows[["response_id"]].copy()
        w["base_weight"] = weighted_design.base_weight
        w["weight"] = np.asarray(design.weights)
        weighted.append(w)
        if options.watch and thresholds:
            watch_rows.extend(_few_sites_quiet(w, both) for w in _watch(rows, qid, thresholds, level))
        for indicator in indicators:
            rule = lqas_rule_for(campaign, options.lqas, indicator)
            if rule is not None:
                lqas_rows.extend({"questionnaire_id": qid, **r} for r in classify_townships(rows, indicator, rule, strata))
    estimates_df = pd.concat(estimates, ignore_index=True) if estimates else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    responses = table.copy()
    if weighted:
        weights = pd.concat(weighted, ignore_index=True).set_index("response_id")
        responses["base_weight"] = responses["response_id"].map(weights["base_weight"])
        responses["weight"] = responses["response_id"].map(weights["weight"])
    else:
        responses["base_weight"] = pd.Series(dtype=float)
        responses["weight"] = pd.Series(dtype=float)
    progress_df = progress(campaign, table)
    watch_df = pd.concat(watch_rows, ignore_index=True) if watch_rows else pd.DataFrame(columns=WATCH_COLUMNS)
    lqas_df = pd.DataFrame(lqas_rows, columns=list(LQAS_COLUMNS))
    steps = () if overall_only else next_steps(estimates_df, progress_df, table, min_df=data.min_df)
    return CampaignResults(campaign, data.questionnaires, data.profile, options, level, responses, estimates_df,
                           progress_df, timeline(table, campaign.timezone), watch_df, lqas_df, tuple(steps), notes,
                           excluded, pd.concat(means, ignore_index=True) if means else pd.DataFrame(columns=MEAN_COLUMNS))
