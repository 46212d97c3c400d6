"""A campaign's data for analysis: the campaign, its questionnaires, its profile and its responses.

Everything is read through :meth:`survey.storage.Store.response_frame` (one design-ready row per
response, the columns of :mod:`survey.storage.frame`, with every answer column) and the model
types, once per refresh: results, quality flags (:func:`analysis.integrity.load_quality`) and the
reports' response sheets (:func:`response_answers`) all read :attr:`CampaignData.table`. A
:class:`ResponseCache` fetches only the responses that arrived since the last look, using
:meth:`Store.response_state` (count and largest id) to see whether anything changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CampaignData", "ResponseCache", "background_questions", "load_campaign_data", "response_answers"]


@dataclass(frozen=True)
class CampaignData:
    """Everything :func:`analysis.campaign.compute_results` needs, read once from the store.

    ``table`` is the store's response frame (:mod:`survey.storage.frame`: ``response_id``,
    ``questionnaire_id``, ``site_code``, ``stratum``, ``psu``, ``design_weight``,
    ``stratum_population``, ..., one float column per indicator id, NaN where it does not apply)
    plus one column per question of the campaign's questionnaires (the answer as stored). Its
    ``review`` column is the decision when the rows were read; the current ones are
    :func:`analysis.integrity.load_quality`'s.
    """

    campaign: Any  # survey.campaign.Campaign
    questionnaires: Mapping[str, Any]  # questionnaire id -> survey.questionnaire.Questionnaire
    profile: Any  # survey.questionnaire.profiles.Profile or None
    table: pd.DataFrame
    max_id: int = 0
    #: ids of the questions that take an answer, over every questionnaire version of the campaign
    questions: tuple[str, ...] = ()
    #: the door-to-door households (``Store.household_frame``; empty when the campaign has none)
    households: pd.DataFrame | None = None

    @property
    def questionnaire_ids(self) -> list[str]:
        return list(self.questionnaires)

    def indicators(self, questionnaire_id: str) -> list[str]:
        """Binary indicator ids of a questionnaire, in the questionnaire's order."""
        from survey.questionnaire import IndicatorKind

        return [i.id for i in self.questionnaires[questionnaire_id].indicators if i.kind is IndicatorKind.BINARY]

    def threshold(self, indicator: str) -> float | None:
        return None if self.profile is None else self.profile.find_threshold(indicator)

    @property
    def level(self) -> float:
        return 0.95 if self.profile is None else float(self.profile.level)

    @property
    def min_df(self) -> int:
        """Fewest design degrees of freedom for a verdict of its own (the profile's, else 3)."""
        from ..verdict import MIN_DF

        return MIN_DF if self.profile is None else int(getattr(self.profile, "min_df", MIN_DF))


def background_questions(questionnaire) -> list[str]:  # noqa: ANN001
    """Single-choice questions of the first section that are not quiz items: the background
    items a population table may name (age group, sex, residence; institution, role)."""
    from survey.questionnaire import QuestionType

    if not questionnaire.sections:
        return []
    first = questionnaire.sections[0]
    out = []
    for qid in first.question_ids:
        q = questionnaire.question(qid)
        if q.type in (QuestionType.SINGLE, QuestionType.YES_NO) and not q.is_scored:
            out.append(qid)
    return out


def _parts(store, campaign_id: int):  # noqa: ANN001, ANN202
    from survey.questionnaire.profiles import find_profile

    campaign = store.campaign(campaign_id)
    versions = store.campaign_questionnaires(campaign)
    questionnaires: dict[str, Any] = {}
    for questionnaire in versions:
        questionnaires.setdefault(questionnaire.id, questionnaire)
    questions = tuple(dict.fromkeys(x.id for q in versions for x in q.questions if x.takes_answer))
    return campaign, questionnaires, find_profile(campaign.profile_id), questions


def _frame(store, campaign_id: int, after_id: int | None = None) -> pd.DataFrame:  # noqa: ANN001
    return store.response_frame(campaign_id, after_id=after_id, with_answers=True)


def load_campaign_data(store, campaign_id: int) -> CampaignData:  # noqa: ANN001
    """Read a campaign and all its responses (see :class:`CampaignData`)."""
    campaign, questionnaires, profile, questions = _parts(store, campaign_id)
    table = _frame(store, campaign_id)
    max_id = int(table["response_id"].max()) if len(table) else 0
    return CampaignData(campaign, questionnaires, profile, table, max_id, questions, store.household_frame(campaign_id))


def _households_key(households: pd.DataFrame | None) -> tuple[int, ...]:
    """Changes whenever a household is added, visited or interviewed."""
    if households is None:
        return ()
    return (len(households), int(households["visits"].sum()), int(households["response_id"].notna().sum()))


def _missing(values: np.ndarray) -> np.ndarray:
    """Which values of an object array are None, NA, NaT or NaN (:func:`analysis.formatting.missing`
    of each, vectorised; a list answer is given)."""
    return np.asarray(pd.isna(values), dtype=bool)


def response_answers(data: CampaignData, response_ids: Iterable[int]) -> tuple[dict[int, dict[str, Any]], dict[int, Any]]:
    """The answers (question id -> answer, unanswered left out) and the form language of the
    responses ``response_ids`` of a campaign, for the response sheets of the exports, from the
    rows already read (``data.table``)."""
    wanted = set(int(i) for i in response_ids)
    if not wanted:
        return {}, {}
    frame = data.table
    frame = frame[frame["response_id"].isin(wanted)]
    questions = [c for c in data.questions if c in frame.columns]
    # all answers as one object array and where they are given (not None/NA/NaT/NaN), then one
    # dict per row of its given answers, in question order
    values = frame[questions].to_numpy(dtype=object)
    given = ~_missing(values)
    names = np.array(questions, dtype=object)
    ids = frame["response_id"].astype(int).tolist()
    answers: dict[int, dict[str, Any]] = {rid: dict(zip(names[has].tolist(), row[has].tolist()))
                                          for rid, row, has in zip(ids, values, given)}
    languages = dict(zip(frame["response_id"].astype(int).tolist(), frame["language"].tolist()))
    return answers, languages


def _site_key(site) -> tuple:  # noqa: ANN001
    """A hashable key of everything of a site that the frame or the results read."""
    return (site.code, site.name, site.kind, site.stratum, site.psu, site.population, site.inclusion_prob,
            site.design_weight, site.stratum_population, site.stratum_psus,
            tuple(sorted(dict(site.quotas).items())), tuple(sorted((k, repr(v)) for k, v in dict(site.extra).items())))


class ResponseCache:
    """Keeps a campaign's response table and fetches only the responses that arrived since.

    ``refresh(store)`` costs one small query (count and largest id) when nothing is new; when new
    responses arrived it reads just those and appends them; when responses disappeared or the
    campaign's sites or questionnaires changed it reads everything again. ``version`` (count,
    largest id, campaign fingerprint) changes exactly when the data change: use it as a cache key
    for results computed from the data.
    """

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self._data: CampaignData | None = None
        self._fingerprint: tuple | None = None
        self._lock = threading.Lock()
        self.fetched = 0  # rows read by the last refresh (for benchmarks and tests)
        self._households: tuple = ()

    @property
    def version(self) -> tuple:
        data = self._data
        return (self.campaign_id, len(data.table) if data else -1, data.max_id if data else -1, self._fingerprint,
                self._households)

    def refresh(self, store) -> CampaignData:  # noqa: ANN001
        with self._lock:
            count, max_id = store.response_state(self.campaign_id)
            campaign, questionnaires, profile, questions = _parts(store, self.campaign_id)
            fingerprint = (
                tuple(_site_key(s) for s in campaign.sites),
                tuple(i.version_hash for i in campaign.instruments),
                None if profile is None else (profile.id, tuple(sorted(profile.thresholds.items())), profile.level),
            )
            households = store.household_frame(self.campaign_id)
            self._households = _households_key(households)
            data = self._data
            self.fetched = 0
            same = data is not None and fingerprint == self._fingerprint
            if same and len(data.table) == count and data.max_id == max_id:
                if data.campaign != campaign or _households_key(data.households) != self._households:
                    data = replace(data, campaign=campaign, households=households)
                    self._data = data
                return data
            if same and max_id > data.max_id:
                new = _frame(store, self.campaign_id, after_id=data.max_id)
                if len(data.table) + len(new) == count:
                    table = pd.concat([data.table, new], ignore_index=True) if len(data.table) else new
                    self.fetched = len(new)
                    self._data = CampaignData(campaign, questionnaires, profile, table, max_id, questions, households)
                    return self._data
            table = _frame(store, self.campaign_id)
            self.fetched = len(table)
            self._fingerprint = fingerprint
            self._data = CampaignData(campaign, questionnaires, profile, table,
                                      int(table["response_id"].max()) if len(table) else 0, questions, households)
            return self._data
