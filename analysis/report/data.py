"""What every export needs: the campaign's results and, for the response sheets, the answers.

:func:`collect` is the one report assembler (``python -m analysis report``, the dashboard's
downloads): one read of the campaign (``Store.response_frame`` with every answer column, or the
``CampaignData`` the caller already holds) feeds the results, the quality flags and the answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..campaign import CampaignData, CampaignResults, ResultOptions, compute_results, load_campaign_data
from ..formatting import missing


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
            # the report shows one side's results: the other is computed for the comparison alone
            compared = sensitivity(data, state, options, shown="clean" if exclude_flagged else "all")
        integrity = Integrity(state, compared, exclude_flagged)
        results = compared.results_clean if exclude_flagged else compared.results_all
    else:
        results = compute_results(data, options)
    by_id: Mapping[int, Mapping[str, Any]] = {}
    languages: dict[int, str | None] = {}
    if answers and not results.is_empty:
        by_id = AnswerTable(data, results.responses["response_id"])
        languages = by_id.languages()
    from ..fingerprint import campaign_fingerprint

    printed = campaign_fingerprint(store, data, options, exclude_flagged=exclude_flagged)
    return ReportData(results, by_id, languages, integrity=integrity, fingerprint=printed,
                      items=counted_items(data, results) if items is None else tuple(items))


class AnswerTable(Mapping[int, Mapping[str, Any]]):
    """The answers of the counted responses: response id -> {question id: answer} (unanswered left
    out), as ``analysis.campaign.response_answers`` gives them, read from ``data.table`` (no copy);
    a response's mapping is made when asked for, and :meth:`column` gives one question's answers of
    many responses at once (the response sheets)."""

    def __init__(self, data: CampaignData, response_ids: Sequence[int] | pd.Series) -> None:
        table = data.table
        wanted = set(int(i) for i in response_ids)
        self._rows = np.flatnonzero(table["response_id"].isin(wanted).to_numpy())
        self._table = table
        self._ids = pd.Index(table["response_id"].to_numpy()[self._rows])
        self.questions = [c for c in data.questions if c in table.columns]

    def languages(self) -> dict[int, str | None]:
        """Response id -> the form's language."""
        rows = self._table.iloc[self._rows]
        return dict(zip(rows["response_id"].astype(int).tolist(), rows["language"].tolist()))

    def __getitem__(self, response_id: int) -> dict[str, Any]:
        at = self._ids.get_indexer([response_id])[0]
        if at < 0:
            raise KeyError(response_id)
        row = self._rows[at]
        values = ((q, self._table[q].iat[row]) for q in self.questions)
        return {q: v.item() if isinstance(v, np.generic) else v for q, v in values if not missing(v)}

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids.astype(int).tolist())

    def __len__(self) -> int:
        return len(self._rows)

    def column(self, question_id: str, response_ids: Sequence[int] | np.ndarray) -> list[Any]:
        """The answers of ``question_id`` for ``response_ids`` in order: a multiple choice's values
        joined by spaces, ``None`` where unanswered (or not one of these responses)."""
        at = self._ids.get_indexer(np.asarray(response_ids))
        if question_id not in self.questions:
            return [None] * len(at)
        values = self._table[question_id].to_numpy(dtype=object)[self._rows[np.maximum(at, 0)]]
        values[(at < 0) | pd.isna(values)] = None
        return [" ".join(map(str, v)) if isinstance(v, list) else v for v in values.tolist()]


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
        "submitted_at": local_texts(rows["submitted_at"], tz, offset=True),
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
    table = data.answers if isinstance(data.answers, AnswerTable) else None
    answers = [] if table is not None else [data.answers.get(int(i), {}) for i in rows["response_id"]]
    for question in q.questions:
        if not question.takes_answer:
            continue
        if table is not None:  # the whole column at once
            values = table.column(question.id, rows["response_id"].to_numpy())
        else:
            values = []
            for a in answers:
                v = a.get(question.id)
                values.append(" ".join(map(str, v)) if isinstance(v, list) else v)
        out[question.id] = pd.Series(values, index=out.index, dtype=object)
    for indicator in q.indicators:
        if indicator.id in rows:
            out[indicator.id] = rows[indicator.id].to_numpy()
    return out


def local_texts(times: pd.Series, tz: str, *, offset: bool = False) -> np.ndarray:
    """UTC ``times`` as local wall-clock texts, ``Series.dt.strftime("%Y-%m-%d %H:%M:%S")`` (with ``%z``,
    e.g. ``+0800``, when ``offset``) over the whole column at once; NaN where a time is missing."""
    if not len(times):
        return np.array([], dtype=object)
    wall = times.dt.tz_convert(tz).dt.tz_localize(None)
    seconds = wall.to_numpy(dtype="datetime64[ns]").astype("datetime64[s]")
    out = np.char.replace(np.datetime_as_string(seconds, unit="s"), "T", " ").astype(object)
    if offset:  # each distinct UTC offset written once, e.g. +0800
        utc = times.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        shift = (wall.to_numpy(dtype="datetime64[ns]") - utc).astype("timedelta64[s]").astype(np.int64)
        codes, shifts = pd.factorize(shift)
        words = np.array([f"{'-' if v < 0 else '+'}{abs(v) // 3600:02d}{abs(v) % 3600 // 60:02d}" for v in shifts.tolist()],
                         dtype=object)
        out = out + words[codes]
    out[times.isna().to_numpy()] = np.nan
    return out
