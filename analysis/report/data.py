"""What every export needs: the campaign's results and, for the response sheets, the answers.

:func:`collect` is the one report assembler (``python -m analysis report``, the dashboard's
downloads): one read of the campaign (``Store.response_frame`` with every answer column, or the
``CampaignData`` the caller already holds) feeds the results, the quality flags and the answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..campaign import CampaignData, CampaignResults, ResultOptions, compute_results, load_campaign_data, response_answers


@dataclass(frozen=True)
class Integrity:
    """Quality flags, review state and the verdicts with and without open flags (``analysis.integrity``);
    ``exclude_flagged``: the report's results leave the open flagged responses out."""

    quality: Any  # analysis.integrity.CampaignQuality
    sensitivity: Any  # analysis.integrity.Sensitivity
    exclude_flagged: bool = False


@dataclass(frozen=True)
class ReportData:
    results: CampaignResults
    answers: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)  # response id -> answers
    languages: Mapping[int, str | None] = field(default_factory=dict)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    integrity: Integrity | None = None
    #: the data fingerprint (``analysis.fingerprint``): what a results bundle of the same data carries
    fingerprint: Any = None
    #: the item analysis of every keyed indicator over the counted responses (``analysis.items.IndicatorItems``)
    items: tuple = ()

    @property
    def campaign(self):  # noqa: ANN201
        return self.results.campaign


def collect(store, campaign_id: int, options: ResultOptions | None = None, *, data: CampaignData | None = None,
            answers: bool = True, quality: bool = True, exclude_flagged: bool = False,
            flags=None, compared=None, items: tuple | None = None) -> ReportData:  # noqa: ANN001
    """Results under ``options`` plus the answers of every response (for the response sheets).

    ``data``: the campaign already read (e.g. a ``ResponseCache``'s); without it the campaign is
    read once (one ``Store.response_frame``). ``quality``: also the quality flags and the verdicts
    with and without the open flagged responses (responses an evaluator excluded never count);
    ``flags`` (an ``analysis.integrity.CampaignQuality``) and ``compared`` (its ``Sensitivity``
    under ``options``), when the caller already computed them from ``data``, are used as they
    are. ``exclude_flagged``: the results themselves leave the open flagged responses out.
    ``items``: :func:`counted_items` of ``data`` under these results, when already computed.
    """
    data = data or load_campaign_data(store, campaign_id)
    integrity = None
    if quality:
        from ..integrity import load_quality, sensitivity

        state = flags if flags is not None else load_quality(store, campaign_id, data)
        if compared is None:
            compared = sensitivity(data, state, options, watch_clean=exclude_flagged)  # the report shows one result's watching flags
        integrity = Integrity(state, compared, exclude_flagged)
        results = compared.results_clean if exclude_flagged else compared.results_all
    else:
        results = compute_results(data, options)
    by_id: dict[int, Mapping[str, Any]] = {}
    languages: dict[int, str | None] = {}
    if answers and not results.is_empty:
        by_id, languages = response_answers(data, results.responses["response_id"])
    from ..fingerprint import campaign_fingerprint

    printed = campaign_fingerprint(store, data, options, exclude_flagged=exclude_flagged)
    return ReportData(results, by_id, languages, integrity=integrity, fingerprint=printed,
                      items=counted_items(data, results) if items is None else tuple(items))


def counted_items(data: CampaignData, results: CampaignResults) -> tuple:
    """The item analysis (``analysis.items_cli.campaign_items``) over the responses the results count."""
    from dataclasses import replace

    from ..items_cli import campaign_items

    if results.is_empty:
        return ()
    counted = data.table["response_id"].isin(results.responses["response_id"]).to_numpy()
    return tuple(campaign_items(replace(data, table=data.table[counted])))


def responses_frame(data: ReportData, questionnaire_id: str) -> pd.DataFrame:
    """One row per counted response of a questionnaire: meta columns, weight, answers, scores.

    The published column names stay (``instrument`` = the questionnaire id, ``site`` = the site
    code), so the file can be imported again. Multiple choices are written as their values separated by spaces (as KoboToolbox does), so
    the file can be imported again (``survey.collect.imports``).
    """
    results = data.results
    q = results.questionnaires[questionnaire_id]
    rows = results.responses[results.responses["questionnaire_id"] == questionnaire_id]
    tz = results.campaign.timezone
    out = pd.DataFrame({
        "response_id": rows["response_id"].to_numpy(),
        "instrument": questionnaire_id,
        "version_hash": rows["version_hash"].to_numpy(),
        "site": rows["site_code"].to_numpy(),
        "site_name": rows["site_name"].to_numpy(),
        "stratum": rows["stratum"].to_numpy(),
        "psu": rows["psu"].to_numpy(),
        "source": rows["source"].to_numpy(),
        "simulated": rows["simulated"].to_numpy(),
        "submitted_at": rows["submitted_at"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M:%S%z").to_numpy(),
        "weight": rows["weight"].to_numpy() if "weight" in rows else None,
    })
    if "paper_number" in rows:  # a paper form entered by a surveyor: its number and interview day (纸质问卷编号, 访问日期)
        at = out.columns.get_loc("submitted_at") + 1
        out.insert(at, "paper_number", rows["paper_number"].to_numpy())
        out.insert(at + 1, "interviewed_on", [d.isoformat() if hasattr(d, "isoformat") else None for d in rows["interviewed_on"]])
    if data.integrity is not None:  # quality flags, so `python -m analysis estimate --exclude-flagged` can use the file
        flags = data.integrity.quality.flags.set_index("response_id")
        ids = rows["response_id"].to_numpy()
        out["flagged"] = flags["open"].reindex(ids).fillna(False).to_numpy(dtype=bool)
        out["flag_reasons"] = [" ".join(r) if isinstance(r, tuple) else "" for r in flags["reasons"].reindex(ids)]
    answers = [data.answers.get(int(i), {}) for i in rows["response_id"]]
    for question in q.questions:
        if not question.takes_answer:
            continue
        values = []
        for a in answers:
            v = a.get(question.id)
            values.append(" ".join(map(str, v)) if isinstance(v, list) else v)
        out[question.id] = pd.Series(values, index=out.index, dtype=object)
    for indicator in q.indicators:
        if indicator.id in rows:
            out[indicator.id] = rows[indicator.id].to_numpy()
    return out
