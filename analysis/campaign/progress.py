"""Progress of a campaign: responses per site and questionnaire against the site's quota, per
township, and per day."""

from __future__ import annotations

import pandas as pd

__all__ = ["PROGRESS_COLUMNS", "progress", "progress_by_stratum", "timeline"]

PROGRESS_COLUMNS = ("stratum", "site_code", "site_name", "site_kind", "questionnaire_id", "quota", "responses",
                    "remaining", "share", "last_response")


def progress(campaign, table: pd.DataFrame) -> pd.DataFrame:  # noqa: ANN001
    """One row per site and questionnaire with a quota or a response (the rule of
    :meth:`survey.campaign.Campaign.quota_progress`): quota, responses, remaining (never below
    0), share of the quota (None without quota) and the last response's time."""
    keys = ["site_code", "questionnaire_id"]
    counts = table.groupby(keys).size().to_dict() if len(table) else {}
    last = table.groupby(keys)["submitted_at"].max() if len(table) else pd.Series(dtype=object)
    rows = [{
        "stratum": p.site.stratum, "site_code": p.site.code, "site_name": p.site.name, "site_kind": p.site.kind,
        "questionnaire_id": p.questionnaire_id, "quota": p.quota, "responses": p.responses, "remaining": p.remaining,
        "share": p.share, "last_response": last.get((p.site.code, p.questionnaire_id)),
    } for p in campaign.quota_progress(counts)]
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))


def progress_by_stratum(progress: pd.DataFrame) -> pd.DataFrame:
    """Responses and quotas summed per township and questionnaire (township order kept)."""
    if progress.empty:
        return pd.DataFrame(columns=["stratum", "questionnaire_id", "quota", "responses", "remaining", "sites",
                                     "sites_empty"])
    grouped = progress.assign(empty=progress["responses"] == 0).groupby(["stratum", "questionnaire_id"], sort=False)
    return grouped.agg(quota=("quota", "sum"), responses=("responses", "sum"), remaining=("remaining", "sum"),
                       sites=("site_code", "count"), sites_empty=("empty", "sum")).reset_index()


def timeline(table: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Responses per local day (the campaign's time zone) and questionnaire, with running totals."""
    if not len(table):
        return pd.DataFrame(columns=["date", "questionnaire_id", "responses", "cumulative"])
    day = table["submitted_at"].dt.tz_convert(timezone).dt.date
    out = table.assign(date=day).groupby(["date", "questionnaire_id"]).size().rename("responses").reset_index()
    out["cumulative"] = out.groupby("questionnaire_id")["responses"].cumsum()
    return out
