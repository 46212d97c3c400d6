"""The design-ready response frame: one row per response, read column-wise in one query.

This is the one way responses leave the store for analysis (dashboard, reports, command line).
Columns, in this order (one vocabulary, see ``docs/GLOSSARY.md``):

=====================  =========================================================================
column                 meaning
=====================  =========================================================================
response_id            the response's id (int64; increasing in the order responses were stored)
questionnaire_id       the questionnaire answered (e.g. ``resident``)
version_hash           the exact questionnaire version (SHA-256 of its canonical JSON)
site_code              the site's code (its QR poster)
site_name              the site's name
site_kind              ``county_hospital``, ``township_centre``, ... (``survey.campaign.SITE_KINDS``)
stratum                the site's stratum (township or street office)
psu                    the site's primary sampling unit (the site itself in a one-stage plan)
design_weight          the plan's person-level weight of the site, 1/person_prob (NaN if none)
inclusion_prob         the plan's first-stage inclusion probability of the PSU (NaN if none)
stratum_population     the stratum's population N_h (``Site.stratum_population``; NaN if unknown)
stratum_psus           PSUs in the stratum's frame, the first-stage fpc (NaN if unknown)
household_prob         a door-to-door village's second-stage probability of a household (NaN if none)
household_id           the household of a door-to-door interview (NaN for any other response)
eligible_members       the eligible members that household listed (NaN if not a household interview
                       or no roster): the within-household weight factor
source                 ``qr``, ``surveyor`` or ``import``
simulated              True for simulated (demo, rehearsal) responses
language               the form's language (``zh``, ``en``; None when not recorded)
submitted_at           when the response was stored (tz-aware UTC)
opened_at              paradata: when the form was opened (tz-aware UTC; NaT if not recorded)
duration_s             paradata: seconds from opening to submitting (NaN if not recorded)
resumed                paradata: picked up again after a reload or a dropped connection (None: unknown)
mode                   paradata: ``self``, ``read_aloud`` or ``paper`` (None: unknown)
surveyor               paradata: the surveyor's account name (None for a respondent's own phone)
device_hash            paradata: keyed hash of the phone's random cookie (None: not recorded)
paper_number           a paper form entered by a surveyor: the number printed on it (None otherwise)
interviewed_on         ... and the day of its interview (``datetime.date``; None otherwise)
review                 the evaluator's decision on a flagged response: ``approved``, ``excluded``
                       or None (an excluded response leaves the analysis; the row stays)
<indicator id>         one float column per indicator of the campaign's questionnaires: the
                       score (0/1 for binary indicators), NaN where it does not apply
<question id>          with ``with_answers``: one column per question, its stored answer: numbers
                       (likert5, number) as float, NaN when not answered; a multiple choice as a
                       list of choice values; any other answer as str; None when not answered
=====================  =========================================================================

Indicator and question ids share one namespace with each other and with the columns above; a
clash is an error naming the id (rename it in the questionnaire).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from survey.storage.engine import StorageError
from survey.storage.schema import households, responses, reviews

if TYPE_CHECKING:
    import pandas

    from survey.campaign import Campaign
    from survey.questionnaire import Questionnaire

DESIGN_COLUMNS = (
    "response_id", "questionnaire_id", "version_hash", "site_code", "site_name", "site_kind", "stratum", "psu",
    "design_weight", "inclusion_prob", "stratum_population", "stratum_psus", "household_prob", "household_id",
    "eligible_members", "source", "simulated", "language",
    "submitted_at", "opened_at", "duration_s", "resumed", "mode", "surveyor", "device_hash", "paper_number",
    "interviewed_on", "review",
)


def response_state(connection: Connection, campaign_id: int) -> tuple[int, int]:
    """(responses stored, largest response id; 0 when none): changes whenever a response is added or removed."""
    count, max_id = connection.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(responses.c.id), 0)).where(
            responses.c.campaign_id == campaign_id
        )
    ).one()
    return int(count), int(max_id)


def indicator_ids(questionnaires: Sequence[Questionnaire]) -> list[str]:
    """The indicator ids of the questionnaires, first appearance first."""
    return list(dict.fromkeys(i.id for q in questionnaires for i in q.indicators))


def question_ids(questionnaires: Sequence[Questionnaire]) -> list[str]:
    """The ids of the questions that take an answer, first appearance first."""
    return list(dict.fromkeys(x.id for q in questionnaires for x in q.questions if x.takes_answer))


def read_response_frame(
    connection: Connection,
    campaign: Campaign,
    questionnaires: Sequence[Questionnaire],
    *,
    after_id: int | None = None,
    answers: Sequence[str] = (),
) -> pandas.DataFrame:
    """The frame of the module docstring for ``campaign`` (responses with id > ``after_id``).

    One query; scores and the chosen answers are extracted from the stored JSON in SQL. The rows
    are fetched ``_CHUNK`` at a time and each chunk turned into column arrays (equal strings shared,
    multiple-choice JSON decoded once per distinct text), so the rows and their strings are never
    all held at once (about half the peak memory of fetching every row first, same frame).
    """
    import pandas as pd

    indicators = indicator_ids(questionnaires)
    answers = list(dict.fromkeys(answers))
    _check_names(indicators, answers)
    query_columns = [
        responses.c.id,
        responses.c.site_id,
        responses.c.version_hash,
        responses.c.source,
        responses.c.simulated,
        responses.c.language,
        sa.type_coerce(responses.c.submitted_at, sa.String),
        sa.type_coerce(responses.c.opened_at, sa.String),
        responses.c.duration_s,
        responses.c.resumed,
        responses.c.mode,
        responses.c.surveyor,
        responses.c.device_hash,
        reviews.c.decision,
        responses.c.household_id,
        households.c.eligible,
        responses.c.paper_number,
        responses.c.interviewed_on,
    ]
    query_columns += [responses.c.scores[k].as_float() for k in indicators]
    query_columns += [responses.c.answers[k].as_string() for k in answers]  # text in SQL: no JSON parse per cell
    query = (
        sa.select(*query_columns)
        .select_from(responses.outerjoin(reviews, reviews.c.response_id == responses.c.id)
                     .outerjoin(households, households.c.id == responses.c.household_id))
        .where(responses.c.campaign_id == campaign.id)
    )
    if after_id is not None:
        query = query.where(responses.c.id > after_id)
    kinds = _answer_kinds(questionnaires)
    answer_kinds = [kinds.get(name, "text") for name in answers]
    result = connection.execute(query.order_by(responses.c.id))
    chunks: list[list[object]] = []
    interned: dict[str, str] = {}  # one str object per distinct text (codes, names, answers)
    while rows := result.fetchmany(_CHUNK):  # a chunk of rows at a time: never every row object at once
        chunks.append(_chunk_columns(rows, len(indicators), answer_kinds, interned))
        del rows
    if not chunks:
        chunks.append(_chunk_columns([], len(indicators), answer_kinds, interned))
    raw = [_concat([c[k] for c in chunks]) for k in range(len(query_columns))]
    del chunks, interned
    n = len(raw[0])

    sites = list(campaign.sites)
    position = {s.id: k for k, s in enumerate(sites)}
    site_codes, site_ids = pd.factorize(raw[1])  # hashing, not sorting
    unknown = sorted(set(site_ids.tolist()) - set(position))
    if unknown:  # pragma: no cover - a foreign key: a response's site belongs to its campaign
        raise StorageError(f"campaign {campaign.id}: responses point to unknown sites {unknown}")
    index = np.asarray([position[i] for i in site_ids.tolist()], dtype=np.int64)[site_codes] if n else np.zeros(0, np.int64)
    stratum_population = _stratum_population(campaign)

    def per_site(values: list[object], dtype: object = object) -> np.ndarray:
        return np.asarray(values, dtype=dtype)[index] if sites else np.asarray([], dtype=dtype)

    def floats(values: list[float | None]) -> np.ndarray:
        return per_site([np.nan if v is None else float(v) for v in values], float)

    by_hash = {i.version_hash: i.questionnaire_id for i in campaign.instruments}
    hashes = raw[2]
    hash_codes, hash_values = pd.factorize(hashes)
    questionnaire_of = np.asarray([by_hash.get(h, "") for h in hash_values] + [""], dtype=object)[hash_codes]
    columns: dict[str, object] = {
        "response_id": raw[0],
        "questionnaire_id": questionnaire_of,
        "version_hash": hashes,
        "site_code": per_site([s.code for s in sites]),
        "site_name": per_site([s.name for s in sites]),
        "site_kind": per_site([s.kind for s in sites]),
        "stratum": per_site([s.stratum for s in sites]),
        "psu": per_site([s.psu for s in sites]),
        "design_weight": floats([s.design_weight for s in sites]),
        "inclusion_prob": floats([s.inclusion_prob for s in sites]),
        "stratum_population": floats([stratum_population.get(s.stratum) for s in sites]),
        "stratum_psus": floats([s.stratum_psus for s in sites]),
        "household_prob": floats([s.household_prob for s in sites]),
        "household_id": raw[14],
        "eligible_members": raw[15],
        "source": raw[3],
        "simulated": raw[4],
        "language": raw[5],
        "submitted_at": raw[6],
        "opened_at": raw[7],
        "duration_s": raw[8],
        "resumed": raw[9],
        "mode": raw[10],
        "surveyor": raw[11],
        "device_hash": raw[12],
        "paper_number": raw[16],
        "interviewed_on": raw[17],
        "review": raw[13],
    }
    offset = len(query_columns) - len(indicators) - len(answers)
    for k, name in enumerate(indicators + answers):
        columns[name] = raw[offset + k]
    return pd.DataFrame(columns)


_CHUNK = 1000  # rows fetched and turned into column arrays at a time
_TEXT = (2, 3, 5, 10, 11, 12, 13, 16)  # the design columns read as text (shared str objects)


def _chunk_columns(rows: Sequence[Sequence[object]], indicators: int, kinds: Sequence[str],
                   interned: dict[str, str]) -> list[object]:
    """One chunk of query rows as one array (or Series) per query column, in query order."""
    import pandas as pd

    width = 18 + indicators + len(kinds)
    raw = list(zip(*rows)) if rows else [()] * width  # transpose in C: no per-row pandas work
    out: list[object] = [None] * width
    out[0] = np.asarray(raw[0], dtype=np.int64)
    out[1] = np.asarray(raw[1], dtype=np.int64)
    for k in _TEXT:  # str or None (String columns): every value through the one dict
        out[k] = _objects(list(map(interned.setdefault, raw[k], raw[k])))
    out[4] = np.asarray(raw[4], dtype=bool)
    for k in (6, 7):  # ISO text -> tz-aware UTC nanoseconds
        out[k] = pd.to_datetime(pd.Series(raw[k], dtype=object), utc=True, format="ISO8601").dt.as_unit("ns")
    for k in (8, 14, 15):
        out[k] = np.asarray(raw[k], dtype=float)  # None -> NaN
    out[9] = np.asarray(raw[9], dtype=object)
    out[17] = np.asarray(raw[17], dtype=object)
    for k in range(18, 18 + indicators):
        out[k] = np.asarray(raw[k], dtype=float)  # None -> NaN
    for k, kind in enumerate(kinds, start=18 + indicators):
        values = raw[k] if kind != "text" else _texts(raw[k], interned)
        out[k] = _answer_column(values, kind)
    return out


def _texts(values: Sequence[object], interned: dict[str, str]) -> np.ndarray:
    """An object array of ``values`` with equal strings as one shared str (others as they are)."""
    return _objects([interned.setdefault(v, v) if type(v) is str else v for v in values])


def _objects(values: list[object]) -> np.ndarray:
    """A 1-D object array of ``values`` (never split into a second dimension)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _concat(parts: list[object]) -> object:
    """The chunks of one column joined (numpy arrays or pandas Series)."""
    import pandas as pd

    if len(parts) == 1:
        return parts[0]
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return pd.concat(parts, ignore_index=True)


def _answer_kinds(questionnaires: Sequence[Questionnaire]) -> dict[str, str]:
    """Question id -> ``number``, ``list`` or ``text``: how its stored answers read back."""
    from survey.questionnaire import QuestionType

    kinds: dict[str, str] = {}
    for questionnaire in questionnaires:
        for question in questionnaire.questions:
            if question.type in (QuestionType.LIKERT5, QuestionType.NUMBER):
                kinds.setdefault(question.id, "number")
            elif question.type is QuestionType.MULTIPLE:
                kinds.setdefault(question.id, "list")
            else:
                kinds.setdefault(question.id, "text")
    return kinds


def _answer_column(values: Sequence[object], kind: str) -> pandas.Series:
    """One answer column from the text SQL extracted (SQLite may give numbers as numbers)."""
    import json

    import pandas as pd

    if kind == "number":
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
    if kind == "list":  # each distinct JSON text decoded once; every row its own list
        decoded: dict[str, list] = {}
        values = [v if v is None or isinstance(v, list) else list(decoded[v] if v in decoded else decoded.setdefault(v, json.loads(v)))
                  for v in values]
    return pd.Series(values, dtype=object)  # answers stored as JSON strings come back as str


def _stratum_population(campaign: Campaign) -> dict[str, float]:
    """Stratum -> N_h: the value its sites carry (they must agree), else the sum of the site
    populations when every site of the stratum has one; strata with neither are left out."""
    out: dict[str, float] = {}
    for stratum in dict.fromkeys(s.stratum for s in campaign.sites):
        members = [s for s in campaign.sites if s.stratum == stratum]
        given = {s.stratum_population for s in members if s.stratum_population is not None}
        if len(given) > 1:
            raise StorageError(
                f"campaign {campaign.id}: the sites of stratum {stratum!r} give different stratum populations {sorted(given)}"
            )
        if given:
            out[stratum] = float(given.pop())
        elif all(s.population is not None for s in members):
            out[stratum] = float(sum(s.population for s in members))  # type: ignore[misc]
    return out


def _check_names(indicators: Sequence[str], answers: Sequence[str]) -> None:
    taken = set(DESIGN_COLUMNS)
    for name in indicators:
        if name in taken:
            raise StorageError(f"indicator id {name!r} is also a column of the response frame; rename the indicator")
        taken.add(name)
    for name in answers:
        if name in taken:
            raise StorageError(f"question id {name!r} is also a column of the response frame (indicator or design column); rename the question")
