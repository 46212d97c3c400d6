"""A campaign's response integrity: its quality flags with the review decisions, and the verdicts
with and without the responses still flagged.

* :func:`load_quality` takes the campaign's responses with their answers and paradata (the
  ``CampaignData`` already read, or one ``Store.response_frame(..., with_answers=True)``), the
  review decisions, the parameters (defaults <- profile ``quality`` <- campaign ``quality``) and
  runs :func:`analysis.quality.flag_responses`.
* A response is **excluded** when an evaluator excluded it (it leaves every analysis; the stored
  row stays), **open** when it is flagged and nobody has approved or excluded it yet.
* :func:`sensitivity` computes the campaign's results twice, on all responses (less the
  excluded) and without the open ones, and puts each indicator's estimate, interval and verdict
  side by side, saying in words whether the verdict depends on the flagged responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .formatting import interval as span
from .formatting import missing
from .formatting import percent as _pct
from .quality import QualityParameters, flag_responses, site_summary
from .verdict import NO_VERDICT, interval_label, verdict_word

__all__ = ["CampaignQuality", "Sensitivity", "analysis_data", "load_quality", "sensitivity"]

@dataclass(frozen=True)
class CampaignQuality:
    """Flags and review state of every response of a campaign.

    ``flags``: one row per response (``analysis.quality.flag_responses`` columns) plus ``review``
    (None, ``approved`` or ``excluded``), ``review_reason``, ``reviewed_by``, ``open`` (flagged and
    not reviewed) and the paradata shown in the review queue (``submitted_at, opened_at,
    duration_s, mode, surveyor, resumed, language, source``; ``device`` is the first 8 characters
    of the device hash). ``by_site``: :func:`analysis.quality.site_summary` plus ``open`` and
    ``excluded`` per site.
    """

    campaign_id: int
    timezone: str
    parameters: QualityParameters
    flags: pd.DataFrame
    by_site: pd.DataFrame

    @property
    def responses(self) -> int:
        return len(self.flags)

    @property
    def excluded_ids(self) -> frozenset[int]:
        return frozenset(self.flags.loc[self.flags["review"].eq("excluded").to_numpy(dtype=bool), "response_id"].tolist())

    @property
    def open_ids(self) -> frozenset[int]:
        return frozenset(self.flags.loc[self.flags["open"].to_numpy(dtype=bool), "response_id"].tolist())

    def reasons(self, response_id: int) -> tuple[str, ...]:
        row = self.flags.loc[self.flags["response_id"] == response_id, "reasons"]
        return tuple(row.iloc[0]) if len(row) else ()

    def to_json(self) -> dict[str, Any]:
        """``{"responses": N, "flagged": [{"id", "site", "reasons"}], "by_site": [...]}`` (DESIGN.md)."""
        flagged = self.flags[self.flags["flagged"].to_numpy(dtype=bool)]
        return {
            "responses": self.responses,
            "flagged": [
                {"id": int(r.response_id), "site": str(r.site_code), "reasons": list(r.reasons)}
                for r in flagged.itertuples(index=False)
            ],
            "by_site": [
                {k: (None if isinstance(v, float) and np.isnan(v) else v.item() if hasattr(v, "item") else v)
                 for k, v in row.items()}
                for row in self.by_site.to_dict(orient="records")
            ],
        }


def _profile_quality(campaign, profile) -> tuple[str, Mapping[str, Any] | None]:  # noqa: ANN001
    if profile is None:
        return f"profile {campaign.profile_id}", None
    return f"profile {profile.id} ({profile.path})", getattr(profile, "quality", None)


def load_quality(store, campaign_id: int, data=None) -> CampaignQuality:  # noqa: ANN001
    """Flags (parameters from the profile and the campaign) and review decisions of a campaign.

    ``data``: the campaign's ``CampaignData`` (``analysis.campaign``) already read, whose table
    carries every answer column; without it the campaign is read once. The review decisions are
    read afresh (the table's ``review`` column may predate them).
    """
    if data is None:
        from .campaign import load_campaign_data

        data = load_campaign_data(store, campaign_id)
    campaign, questionnaires, frame = data.campaign, data.questionnaires, data.table
    where, profile_layer = _profile_quality(campaign, data.profile)
    parameters = QualityParameters.merged((where, profile_layer),
                                          (f"campaign {campaign_id}", store.quality_parameters(campaign_id)))
    flags = flag_responses(frame, questionnaires, parameters, timezone=campaign.timezone)
    reviews = {r.response_id: r for r in store.reviews(campaign_id)}
    ids = flags["response_id"].to_numpy()
    flags["review"] = np.asarray([reviews[i].decision if i in reviews else None for i in ids], dtype=object)
    flags["review_reason"] = pd.Series([reviews[i].reason if i in reviews else None for i in ids], dtype=object)
    flags["reviewed_by"] = pd.Series([reviews[i].decided_by if i in reviews else None for i in ids], dtype=object)
    flags["open"] = flags["flagged"].to_numpy(dtype=bool) & pd.isna(flags["review"]).to_numpy()
    for column in ("submitted_at", "opened_at", "duration_s", "mode", "surveyor", "resumed", "language", "source"):
        flags[column] = frame[column].reset_index(drop=True)
    flags["device"] = frame["device_hash"].map(lambda h: h[:8] if isinstance(h, str) else None).to_numpy()
    by_site = site_summary(frame, flags, timezone=campaign.timezone)
    if len(by_site):
        extra = pd.DataFrame({"site": flags["site_code"], "open": flags["open"], "excluded": flags["review"].eq("excluded")})
        counts = extra.groupby("site")[["open", "excluded"]].sum().astype(int)
        by_site = by_site.join(counts, on="site")
    else:
        by_site = by_site.assign(open=pd.Series(dtype=int), excluded=pd.Series(dtype=int))
    return CampaignQuality(campaign_id, campaign.timezone, parameters, flags, by_site)


def analysis_data(data, quality: CampaignQuality, *, exclude_flagged: bool = False):  # noqa: ANN001, ANN201
    """``data`` (a ``CampaignData``) without the excluded responses, and without the open ones
    when ``exclude_flagged``. The stored rows are not touched: this only narrows the table."""
    drop = set(quality.excluded_ids)
    if exclude_flagged:
        drop |= quality.open_ids
    if not drop:
        return data
    keep = ~data.table["response_id"].isin(drop).to_numpy()
    return replace(data, table=data.table.loc[keep].reset_index(drop=True))


@dataclass(frozen=True)
class Sensitivity:
    """Verdicts on all responses (less the excluded) and without open flags, side by side.

    ``table``: one row per questionnaire and indicator (county-wide): ``questionnaire_id, var,
    threshold, removed`` (open responses of the questionnaire left out), then ``n, estimate, ci_low, ci_high,
    verdict`` with the suffixes ``_all`` and ``_clean``, and ``depends`` (the verdicts differ).
    """

    table: pd.DataFrame
    level: float
    results_all: Any  # CampaignResults
    results_clean: Any

    @property
    def depends(self) -> bool:
        return bool(self.table["depends"].any()) if len(self.table) else False

    def sentences(self, language: str = "zh", labels: Mapping[tuple[str, str], str] | None = None) -> list[str]:
        """One plain sentence per indicator with open flags, e.g. 排除 23 份可疑问卷后，满意率 83.1%（90%置信区间
        （单侧95%界限）80.2%–85.9%），结论由达标变为尚不能确定。The interval is the verdict's."""
        out = []
        for r in self.table.itertuples(index=False):
            if not r.removed:
                continue
            label = (labels or {}).get((r.questionnaire_id, r.var), r.var)
            before = verdict_word(r.verdict_all, language, NO_VERDICT[language])
            if missing(r.estimate_clean):  # every response of the indicator is flagged: nothing left to estimate
                out.append(f"{label}的 {r.n_all} 份问卷都待审核：排除后没有可用的问卷，暂无判定（全部问卷的结论：{before}）。"
                           if language == "zh" else
                           f"All {r.n_all} responses to {label} await review: without them nothing is left to estimate "
                           f"(verdict on all responses: {before}).")
                continue
            interval = span(r.ci_low_clean, r.ci_high_clean, n=r.n_clean, verdict=r.verdict_clean, language=language)
            level = interval_label(self.level, language)
            after = verdict_word(r.verdict_clean, language, NO_VERDICT[language])
            if language == "zh":
                head = f"排除 {r.removed} 份可疑问卷后，{label} {_pct(r.estimate_clean)}（{level} {interval}），"
                tail = f"结论由{before}变为{after}。" if r.depends else f"结论仍为{after}。"
            else:
                head = (f"Without the {r.removed} flagged responses, {label} is {_pct(r.estimate_clean)} "
                        f"({level} {interval}); ")
                tail = f"the verdict changes from {before} to {after}." if r.depends else f"the verdict stays {after}."
            out.append(head + tail)
        return out


def sensitivity(data, quality: CampaignQuality, options=None, *, watch_clean: bool = True,  # noqa: ANN001
                shown: str | None = None) -> Sensitivity:
    """Results with and without the open flags (both without the excluded), compared per indicator.

    When no counted response has an open flag, the results without them are the same object as
    those with them (computed once). ``watch_clean=False``: the results without the open flags skip
    the watching flags (their ``watch`` is empty), for a caller that shows only the other's.
    ``shown`` (``"all"`` or ``"clean"``): the caller shows only those results, so the other side is
    computed for the comparison alone (``compute_results(overall_only=True)``); the table is the same."""
    from dataclasses import replace

    from .campaign import ResultOptions, compute_results

    counted = analysis_data(data, quality)
    clean = analysis_data(data, quality, exclude_flagged=True)
    if shown not in (None, "all", "clean"):
        raise ValueError(f"shown must be 'all', 'clean' or None, not {shown!r}")
    same = len(clean.table) == len(counted.table)  # the clean rows are a subset: the same rows
    results_all = compute_results(counted, options, overall_only=shown == "clean" and not same)
    if same:
        results_clean = results_all
    else:
        clean_options = options if watch_clean else replace(options or ResultOptions(), watch=False)
        results_clean = compute_results(clean, clean_options, overall_only=shown == "all")
    keys = ["questionnaire_id", "var"]
    columns = ["n", "estimate", "ci_low", "ci_high", "verdict"]
    a = results_all.overall()
    c = results_clean.overall()
    both = a[keys + ["threshold"] + columns].merge(c[keys + columns], on=keys, how="left", suffixes=("_all", "_clean"))
    counted = {k: v.get("responses", 0) for k, v in results_all.design_notes["questionnaires"].items()}
    kept = {k: v.get("responses", 0) for k, v in results_clean.design_notes["questionnaires"].items()}
    both["removed"] = [int(counted.get(i, 0) - kept.get(i, 0)) for i in both["questionnaire_id"]]
    both["depends"] = [_verdict(x) != _verdict(y) for x, y in zip(both["verdict_all"], both["verdict_clean"])]
    # an indicator none of whose responses is left without the flags: counts stay whole numbers (0),
    # the rest missing (pd.NA), never a float NaN a page would try to turn into an integer
    for column in ("n_all", "n_clean"):
        both[column] = pd.array([0 if missing(v) else int(v) for v in both[column]], dtype="Int64")
    for column in ("verdict_all", "verdict_clean"):
        both[column] = pd.Series([_verdict(v) for v in both[column]], dtype=object)
    for column in ("estimate_clean", "ci_low_clean", "ci_high_clean"):
        both[column] = pd.array([None if missing(v) else float(v) for v in both[column]], dtype="Float64")
    order = ["questionnaire_id", "var", "threshold", "removed"] + [f"{c}_all" for c in columns] + [f"{c}_clean" for c in columns] + ["depends"]
    return Sensitivity(both[order].reset_index(drop=True), results_all.level, results_all, results_clean)


def _verdict(value: Any) -> str | None:
    return value if isinstance(value, str) else None


