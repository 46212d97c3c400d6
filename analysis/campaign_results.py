"""A campaign's results: progress against quotas, rates with intervals and verdicts, watching flags.

UI-free. The dashboard, the reports and ``python -m analysis report`` all read one
:class:`CampaignResults`, built in two steps:

1. :func:`load_campaign_data` (or a :class:`ResponseCache`, which then only fetches responses that
   arrived since the last look) reads the campaign, its instruments, its profile and one row per
   response: the site's design columns (stratum, PSU, plan weight, population), the indicator
   values, and the background answers usable for weighting (age group, sex, ...).
2. :func:`compute_results` applies the choices of :class:`ResultOptions` (which responses count,
   weights, interval method, level) and asks the ``analysis`` engine for every binary indicator,
   overall and per township (stratum): estimate, SE, interval, design effect, df, n, the verdict
   against the profile's threshold and the point-estimate reading beside it.

Design used (said in plain words in the reports; :attr:`CampaignResults.design_notes`):

* strata = the site's stratum (township or street office); PSU = the site's PSU (``nest=True``);
  a stratum with one PSU is centred at the grand mean (``lonely_psu="adjust"``, as R's
  ``survey.lonely.psu = "adjust"``); PSUs are treated as drawn with replacement (no fpc) unless
  every site of the plan carries ``stratum_psus`` (the plan's N_h), which is then the first-stage fpc.
* ``weighting="design"``: the plan's person-level weight of the site when every responding site
  has one; else, when the sites carry the stratum's population, ``N_h / n_h`` (respondents of the
  instrument in the stratum), which makes the county rate a population-weighted mix of townships;
  else equal weights. Staff surveys always use equal weights (every TCM staff member counts once).
* ``"poststratify"`` / ``"rake"``: the design weights calibrated to a population table that the
  user uploads (:func:`read_population`), e.g. age group x sex per township; the engine's
  standard errors account for the calibration as R's ``postStratify`` / ``rake`` do.

Watching flags come from :func:`analysis.sequential.monitor` (Robbins' mixture likelihood ratio,
updated by whole site); they are reported apart from the final design-based verdict.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import SurveyDesign
from .errors import AnalysisError, check_option
from .intervals import CI_METHODS
from .sequential import monitor

__all__ = [
    "CI_DEFAULT",
    "OVERALL",
    "WEIGHTINGS",
    "CampaignData",
    "CampaignResults",
    "Filters",
    "NextStep",
    "Population",
    "PopulationProblem",
    "ResponseCache",
    "ResultOptions",
    "compute_results",
    "load_campaign_data",
    "read_population",
]

WEIGHTINGS = ("design", "equal", "poststratify", "rake")
#: Korn-Graubard: stays inside [0, 1] and keeps its coverage near rates of 85-95% (METHODS.md).
CI_DEFAULT = "beta"
#: Townships with fewer design degrees of freedom (PSUs - 1) than this get a "few sites" next step.
FEW_DF = 3
#: The ``domain`` value of the county-wide (overall) row in result tables.
OVERALL = None
META_COLUMNS = (
    "response_id", "site", "site_name", "stratum", "psu", "kind", "instrument", "version_hash", "source",
    "simulated", "submitted_at", "plan_weight", "population",
)


# --------------------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class CampaignData:
    """Everything :func:`compute_results` needs, read once from the store.

    ``table`` has the columns of :data:`META_COLUMNS`, one column per indicator id (float, NaN
    where it does not apply) and one column per background question (choice value as text).
    """

    campaign: Any  # survey.campaign.Campaign
    questionnaires: Mapping[str, Any]  # questionnaire id -> survey.questionnaire.Questionnaire
    profile: Any  # survey.profiles.Profile or None
    table: pd.DataFrame
    max_id: int = 0

    @property
    def instruments(self) -> list[str]:
        return list(self.questionnaires)

    def indicators(self, instrument: str) -> list[str]:
        """Binary indicator ids of an instrument, in the order of the questionnaire."""
        from survey.questionnaire import IndicatorKind

        return [i.id for i in self.questionnaires[instrument].indicators if i.kind is IndicatorKind.BINARY]

    def threshold(self, indicator: str) -> float | None:
        return None if self.profile is None else self.profile.threshold(indicator)

    @property
    def level(self) -> float:
        return 0.95 if self.profile is None else float(self.profile.level)


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


def _campaign_parts(store, campaign_id: int):  # noqa: ANN001
    from survey.profiles import load_profiles

    campaign = store.campaign(campaign_id)
    questionnaires: dict[str, Any] = {}
    for instrument in campaign.instruments:
        questionnaires.setdefault(instrument.questionnaire_id, store.questionnaire(instrument.version_hash))
    profile = load_profiles().get(campaign.profile_id)
    return campaign, questionnaires, profile


def _fetch(store, campaign, questionnaires, *, after_id: int = 0) -> pd.DataFrame:  # noqa: ANN001
    """Responses of the campaign with id > ``after_id``: one query, JSON fields extracted in SQL."""
    import sqlalchemy as sa
    from survey.storage.schema import instruments, responses, sites

    indicator_ids: list[str] = []
    answer_ids: list[str] = []
    for q in questionnaires.values():
        for indicator in q.indicators:
            if indicator.id not in indicator_ids:
                indicator_ids.append(indicator.id)
        for qid in background_questions(q):
            if qid not in answer_ids:
                answer_ids.append(qid)
    columns = [
        responses.c.id.label("response_id"),
        sites.c.code.label("site"),
        instruments.c.questionnaire_id.label("instrument"),
        responses.c.version_hash,
        responses.c.source,
        responses.c.simulated,
        sa.type_coerce(responses.c.submitted_at, sa.String).label("submitted_at"),
    ]
    columns += [responses.c.scores[k].as_float().label(f"s:{k}") for k in indicator_ids]
    columns += [responses.c.answers[k].as_string().label(f"a:{k}") for k in answer_ids]
    query = (
        sa.select(*columns)
        .select_from(responses)
        .join(sites, sites.c.id == responses.c.site_id)
        .join(instruments, instruments.c.version_hash == responses.c.version_hash)
        .where(responses.c.campaign_id == campaign.id, responses.c.id > after_id)
        .order_by(responses.c.id)
    )
    with store.read() as connection:
        rows = connection.execute(query).fetchall()
    names = ["response_id", "site", "instrument", "version_hash", "source", "simulated", "submitted_at"]
    names += indicator_ids + answer_ids
    columns = list(zip(*rows)) if rows else [() for _ in names]  # transpose in C: no per-row pandas work
    return _with_sites(dict(zip(names, columns)), campaign, indicator_ids, answer_ids)


def _with_sites(raw: dict, campaign, indicator_ids, answer_ids) -> pd.DataFrame:  # noqa: ANN001
    """The response table: the raw columns plus the site's design columns, taken by site code."""
    by_code = {s.code: s for s in campaign.sites}
    site_codes, uniques = pd.factorize(np.asarray(raw["site"], dtype=object))

    def per_site(attribute: str, default):  # noqa: ANN001, ANN202
        values = np.array([getattr(by_code[c], attribute) if c in by_code else default for c in uniques] + [default],
                          dtype=object)
        return values[site_codes]

    def floats(values) -> np.ndarray:  # noqa: ANN001
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float) if len(values) else np.zeros(0)

    n = len(site_codes)
    out = pd.DataFrame(
        {
            "response_id": np.asarray(raw["response_id"], dtype=np.int64),
            "site": np.asarray(raw["site"], dtype=object).astype(str),
            "site_name": per_site("name", ""),
            "stratum": per_site("stratum", "?"),
            "psu": per_site("psu", ""),
            "kind": per_site("kind", ""),
            "instrument": np.asarray(raw["instrument"], dtype=object),
            "version_hash": np.asarray(raw["version_hash"], dtype=object),
            "source": np.asarray(raw["source"], dtype=object),
            "simulated": np.asarray(raw["simulated"], dtype=bool) if n else np.zeros(0, dtype=bool),
            "submitted_at": pd.to_datetime(pd.Series(raw["submitted_at"], dtype=object), utc=True, format="ISO8601")
            if n else pd.Series([], dtype="datetime64[ns, UTC]"),
            "plan_weight": floats(per_site("weight", None)),
            "population": floats([by_code[c].stratum_population if c in by_code and by_code[c].stratum_population is not None
                                  else (by_code[c].population if c in by_code else None) for c in raw["site"]]),
        }
    )
    for k in indicator_ids:
        out[k] = np.asarray(raw[k], dtype=float) if n else np.zeros(0)  # None -> NaN
    for k in answer_ids:
        out[k] = pd.Series(raw[k], dtype=object) if n else pd.Series([], dtype=object)
    return out


def load_campaign_data(store, campaign_id: int) -> CampaignData:  # noqa: ANN001
    """Read a campaign and all its responses (see :class:`CampaignData`)."""
    campaign, questionnaires, profile = _campaign_parts(store, campaign_id)
    table = _fetch(store, campaign, questionnaires)
    max_id = int(table["response_id"].max()) if len(table) else 0
    return CampaignData(campaign, questionnaires, profile, table, max_id)


class ResponseCache:
    """Keeps a campaign's response table and fetches only the responses that arrived since.

    ``refresh(store)`` costs one small query (count and largest id) when nothing is new; when new
    responses arrived it reads just those and appends them; when responses disappeared or the
    campaign's sites or instruments changed it reads everything again. ``version`` (count, largest
    id, campaign fingerprint) changes exactly when the data change: use it as a cache key for
    results computed from the data.
    """

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self._data: CampaignData | None = None
        self._fingerprint: tuple | None = None
        self._lock = threading.Lock()
        self.fetched = 0  # rows read by the last refresh (for benchmarks and tests)

    @staticmethod
    def _state(store, campaign_id: int) -> tuple[int, int]:  # noqa: ANN001
        import sqlalchemy as sa
        from survey.storage.schema import responses

        query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(responses.c.id), 0)).where(
            responses.c.campaign_id == campaign_id
        )
        with store.read() as connection:
            count, max_id = connection.execute(query).one()
        return int(count), int(max_id)

    @property
    def version(self) -> tuple:
        data = self._data
        return (self.campaign_id, len(data.table) if data else -1, data.max_id if data else -1, self._fingerprint)

    def refresh(self, store) -> CampaignData:  # noqa: ANN001
        with self._lock:
            count, max_id = self._state(store, self.campaign_id)
            campaign, questionnaires, profile = _campaign_parts(store, self.campaign_id)
            fingerprint = (
                tuple((s.code, s.stratum, s.psu, s.weight, s.population, s.stratum_population) for s in campaign.sites),
                tuple(i.version_hash for i in campaign.instruments),
                None if profile is None else (profile.id, tuple(sorted(profile.thresholds.items())), profile.level),
            )
            data = self._data
            self.fetched = 0
            if data is not None and fingerprint == self._fingerprint and len(data.table) == count and data.max_id == max_id:
                if data.campaign != campaign:
                    data = replace(data, campaign=campaign)
                    self._data = data
                return data
            if data is not None and fingerprint == self._fingerprint and max_id > data.max_id:
                new = _fetch(store, campaign, questionnaires, after_id=data.max_id)
                if len(data.table) + len(new) == count:
                    table = pd.concat([data.table, new], ignore_index=True) if len(data.table) else new
                    self.fetched = len(new)
                    self._data = CampaignData(campaign, questionnaires, profile, table, max_id)
                    return self._data
            table = _fetch(store, campaign, questionnaires)
            self.fetched = len(table)
            self._fingerprint = fingerprint
            self._data = CampaignData(campaign, questionnaires, profile, table,
                                      int(table["response_id"].max()) if len(table) else 0)
            return self._data


# --------------------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Filters:
    """Which responses count. Dates are inclusive and read in the campaign's time zone."""

    include_surveyor: bool = True
    include_import: bool = True
    include_simulated: bool = True
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def apply(self, table: pd.DataFrame, timezone: str) -> pd.DataFrame:
        keep = np.ones(len(table), dtype=bool)
        if not self.include_surveyor:
            keep &= (table["source"] != "surveyor").to_numpy()
        if not self.include_import:
            keep &= (table["source"] != "import").to_numpy()
        if not self.include_simulated:
            keep &= ~table["simulated"].to_numpy(dtype=bool)
        if (self.date_from or self.date_to) and len(table):
            local = table["submitted_at"].dt.tz_convert(timezone).dt.date
            if self.date_from:
                keep &= (local >= self.date_from).to_numpy()
            if self.date_to:
                keep &= (local <= self.date_to).to_numpy()
        return table.loc[keep].reset_index(drop=True) if not keep.all() else table


@dataclass(frozen=True)
class PopulationProblem:
    """One problem of an uploaded population table: ``row R, column C: message`` (row 1 = header)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class PopulationError(AnalysisError):
    """A population table that does not fit the data; ``problems`` lists every problem."""

    def __init__(self, problems: Sequence[PopulationProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Population:
    """Population counts per cell: ``columns`` of the response table and ``cells`` -> count."""

    columns: tuple[str, ...]
    cells: Mapping[tuple, float]
    instrument: str = "resident"
    source: str = ""

    def margins(self) -> dict[str, dict[Any, float]]:
        out: dict[str, dict[Any, float]] = {}
        for j, column in enumerate(self.columns):
            margin: dict[Any, float] = {}
            for key, count in self.cells.items():
                margin[key[j]] = margin.get(key[j], 0.0) + float(count)
            out[column] = margin
        return out


STRATUM_NAMES = ("stratum", "township", "乡镇", "乡镇街道", "乡镇（街道）", "街镇", "层")
COUNT_NAMES = ("count", "population", "n", "人口", "人口数", "人数", "数量", "常住人口")


def _norm(text: Any) -> str:
    return "".join(str(text).split()).lower()


def read_population(source, data: CampaignData, instrument: str = "resident") -> Population:  # noqa: ANN001
    """Read a population table (CSV/XLSX path, or a DataFrame) and check it against the data.

    One row per cell: columns naming the cell (the township as ``stratum`` / ``乡镇``; background
    questions by id or by their Chinese or English text, e.g. ``age_group`` or ``年龄``), and one
    count column (``count`` / ``人口`` / ``人数``). Cell values may be choice values (``65_plus``) or
    their labels (``65岁及以上``). Every problem is collected, by row and column: an unknown
    column, a value that is no township or choice, a count that is not a positive number, a cell
    listed twice, a cell with responses but no count, a cell with a count but no responses.

    Raises
    ------
    PopulationError
    """
    from survey.campaign import read_table  # noqa: PLC0415 - shared CSV/XLSX reader (UTF-8 or GB18030)

    name = ""
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        path = Path(source)
        name = path.name
        try:
            header, rows = read_table(path)
        except Exception as exc:  # FrameError with its own message
            raise PopulationError([PopulationProblem(None, None, str(exc))]) from None
        frame = pd.DataFrame([[r[i] if i < len(r) else None for i in header.values()] for r in rows], columns=list(header))
    problems: list[PopulationProblem] = []
    if instrument not in data.questionnaires:
        raise PopulationError([PopulationProblem(None, None, f"the campaign has no instrument {instrument!r}")])
    questionnaire = data.questionnaires[instrument]
    candidates = background_questions(questionnaire)
    columns: list[str] = []
    header_of: dict[str, str] = {}
    count_column = None
    for raw in frame.columns:
        key = _norm(raw)
        if key in {_norm(n) for n in COUNT_NAMES} and count_column is None:
            count_column = raw
            continue
        if key in {_norm(n) for n in STRATUM_NAMES}:
            columns.append("stratum")
            header_of["stratum"] = raw
            continue
        match = None
        for qid in candidates:
            q = questionnaire.question(qid)
            names = {_norm(qid)} | {_norm(v) for v in q.label.values()}
            labels_short = {_norm(v).rstrip("？?：:").removeprefix("您的").removesuffix("是") for v in q.label.values()}
            if key in names or key in labels_short or any(key and key in n for n in labels_short):
                match = qid
                break
        if match is None:
            problems.append(PopulationProblem(1, str(raw), "unknown column: name a township column (stratum / 乡镇), "
                                              f"a background question ({', '.join(candidates)}) or the count (count / 人口)"))
            continue
        columns.append(match)
        header_of[match] = raw
    if count_column is None:
        problems.append(PopulationProblem(1, None, "no count column (count / population / 人口 / 人数)"))
    if not columns:
        problems.append(PopulationProblem(1, None, "no cell column (stratum / 乡镇 or a background question)"))
    if problems:
        raise PopulationError(problems)
    strata = sorted({s.stratum for s in data.campaign.sites})
    value_maps: dict[str, dict[str, str]] = {"stratum": {_norm(s): s for s in strata}}
    for qid in columns:
        if qid == "stratum":
            continue
        q = questionnaire.question(qid)
        m: dict[str, str] = {}
        for choice in q.choices:
            m[_norm(choice.value)] = choice.value
            for label in choice.label.values():
                m[_norm(label)] = choice.value
        value_maps[qid] = m
    cells: dict[tuple, float] = {}
    first_row: dict[tuple, int] = {}
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        row_number = offset + 2
        values = dict(zip(frame.columns, record))
        if all(v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "" for v in values.values()):
            continue
        key = []
        bad = False
        for qid in columns:
            raw = values[header_of[qid]]
            mapped = value_maps[qid].get(_norm(raw)) if raw is not None else None
            if mapped is None:
                known = strata if qid == "stratum" else list(dict.fromkeys(value_maps[qid].values()))
                what = "township" if qid == "stratum" else f"answer of {qid}"
                problems.append(PopulationProblem(row_number, str(header_of[qid]), f"{raw!r} is no {what} of this campaign; known: {', '.join(map(str, known))}"))
                bad = True
            key.append(mapped)
        raw_count = values[count_column]
        try:
            count = float(str(raw_count).replace(",", "")) if raw_count is not None else float("nan")
        except ValueError:
            count = float("nan")
        if not (count > 0) or math.isinf(count):
            problems.append(PopulationProblem(row_number, str(count_column), f"the count must be a positive number, got {raw_count!r}"))
            bad = True
        if bad:
            continue
        cell = tuple(key)
        if cell in cells:
            problems.append(PopulationProblem(row_number, None, f"cell {' / '.join(map(str, cell))} is listed twice (first on row {first_row[cell]})"))
            continue
        cells[cell] = count
        first_row[cell] = row_number
    if not problems:
        rows = data.table[data.table["instrument"] == instrument]
        if len(rows):
            observed = rows[list(columns)].astype(object)
            missing_value = observed.isna().any(axis=1)
            if missing_value.any():
                problems.append(PopulationProblem(None, None, f"{int(missing_value.sum())} responses have no answer for "
                                                  f"{', '.join(columns)} and cannot be placed in a cell"))
            counts = observed[~missing_value].value_counts()
            for cell, n in counts.items():
                cell = cell if isinstance(cell, tuple) else (cell,)
                if cell not in cells:
                    problems.append(PopulationProblem(None, None, f"{int(n)} responses fall in cell {' / '.join(map(str, cell))}, "
                                                      "which the table does not list"))
            seen = {c if isinstance(c, tuple) else (c,) for c in counts.index}
            for cell, row_number in first_row.items():
                if cell not in seen:
                    problems.append(PopulationProblem(row_number, None, f"cell {' / '.join(map(str, cell))} has a count but no "
                                                      "responses; merge it with a neighbouring cell"))
    if problems:
        raise PopulationError(problems)
    return Population(tuple(columns), cells, instrument, name)


@dataclass(frozen=True)
class ResultOptions:
    """The dashboard's choices (defaults: the plan's design weights, Korn-Graubard intervals at
    the profile's level, every response counts)."""

    weighting: str = "design"
    population: Population | None = None
    ci: str = CI_DEFAULT
    level: float | None = None  # None: the profile's level (0.95 by default)
    filters: Filters = field(default_factory=Filters)
    lqas: Mapping[str, tuple[int, int]] | None = None  # indicator -> (n, d); else from the sites' plan
    watch: bool = True

    def __post_init__(self) -> None:
        check_option("weighting", self.weighting, WEIGHTINGS)
        check_option("ci", self.ci, CI_METHODS)
        if self.weighting in ("poststratify", "rake") and self.population is None:
            raise AnalysisError(f"weighting={self.weighting!r} needs a population table", param="population")


# --------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class NextStep:
    """One item of the "what to do next" list, as data (the app and the reports word it).

    kind: ``no_responses`` (a site with a quota has received nothing), ``more_responses`` (a
    township or the county needs about ``count`` more responses of ``instrument`` for
    ``indicator`` to be conclusive), ``few_sites`` (a township's verdict stays open because its
    responses come from only ``count`` sites, i.e. fewer than :data:`FEW_DF` degrees of freedom:
    more sites, not more responses at the same sites, would settle it), ``behind_quota`` (a site
    has ``count`` responses to go).
    """

    kind: str
    instrument: str
    stratum: str | None = None
    site: str | None = None
    site_name: str | None = None
    indicator: str | None = None
    count: int = 0
    priority: int = 0
    #: the rate sits so close to the threshold that more than five times the current responses
    #: would be needed: more data will hardly settle it (say so instead of a huge number)
    close_call: bool = False


@dataclass(frozen=True)
class CampaignResults:
    campaign: Any
    questionnaires: Mapping[str, Any]
    profile: Any
    options: ResultOptions
    level: float
    responses: pd.DataFrame  # rows that count, with a ``weight`` column (the weights used)
    estimates: pd.DataFrame  # engine columns + instrument, scope ("overall"/"stratum")
    progress: pd.DataFrame  # per site and instrument
    timeline: pd.DataFrame  # per day and instrument
    watch: pd.DataFrame  # anytime-valid flags per indicator and domain
    lqas: pd.DataFrame  # LQAS classification per indicator and township (empty without LQAS)
    next_steps: tuple[NextStep, ...]
    design_notes: Mapping[str, Any]
    excluded: int = 0  # responses left out by the filters

    @property
    def is_empty(self) -> bool:
        return len(self.responses) == 0

    @property
    def indicators(self) -> list[tuple[str, str]]:
        """(instrument, indicator) pairs in report order."""
        if self.estimates.empty:
            return []
        pairs = self.estimates[["instrument", "var"]].drop_duplicates()
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


def _design_weights(rows: pd.DataFrame, questionnaire) -> tuple[np.ndarray, str]:  # noqa: ANN001
    """The design weight of each row and how it was obtained (``plan``, ``population`` or ``equal``)."""
    n = len(rows)
    if questionnaire.audience != "residents":
        return np.ones(n), "equal_staff"
    plan = rows["plan_weight"].to_numpy(dtype=float)
    if n and np.all(np.isfinite(plan) & (plan > 0)):
        return plan, "plan"
    pop = rows["population"].to_numpy(dtype=float)
    if n and np.all(np.isfinite(pop) & (pop > 0)):
        strata = rows["stratum"].to_numpy()
        codes, uniques = pd.factorize(strata)
        # the stratum's population: one value shared by its sites, or the sum over its sites
        site_pop = rows.drop_duplicates("site").set_index("site")["population"]
        site_stratum = rows.drop_duplicates("site").set_index("site")["stratum"]
        per_stratum = {}
        for s in uniques:
            values = site_pop[site_stratum == s].to_numpy(dtype=float)
            per_stratum[s] = float(values[0]) if np.allclose(values, values[0]) else float(values.sum())
        big_n = np.array([per_stratum[s] for s in uniques])
        small_n = np.bincount(codes, minlength=len(uniques))
        return (big_n / small_n)[codes], "population"
    return np.ones(n), "equal"


def _design(rows: pd.DataFrame, campaign, questionnaire, options: ResultOptions):  # noqa: ANN001
    weights, how = _design_weights(rows, questionnaire)
    frame = rows.copy()
    frame["weight"] = weights
    fpc = None
    sites = {s.code: s for s in campaign.sites}
    stratum_psus = [sites[c].extra.get("stratum_psus") if c in sites else None for c in frame["site"].unique()]
    if stratum_psus and all(isinstance(v, (int, float)) and v >= 1 for v in stratum_psus):
        frame["stratum_psus"] = frame["site"].map(lambda c: float(sites[c].extra["stratum_psus"]))
        fpc = "stratum_psus"
    design = SurveyDesign(frame, weights="weight", strata="stratum", psu="psu", fpc=fpc, lonely_psu="adjust", nest=True)
    calibrated = None
    base = np.asarray(design.weights)
    if options.weighting == "equal":
        frame["weight"] = 1.0
        design = SurveyDesign(frame, weights="weight", strata="stratum", psu="psu", fpc=fpc, lonely_psu="adjust", nest=True)
        how = "equal"
        base = np.asarray(design.weights)
    elif options.weighting in ("poststratify", "rake") and options.population is not None and questionnaire.audience == "residents":
        pop = options.population
        if options.weighting == "poststratify":
            design = design.poststratify(list(pop.columns) if len(pop.columns) > 1 else pop.columns[0],
                                         pop.cells if len(pop.columns) > 1 else {k[0]: v for k, v in pop.cells.items()})
        else:
            margins = pop.margins()
            if len(margins) == 1:
                (col, margin), = margins.items()
                design = design.poststratify(col, margin)
            else:
                design = design.rake(margins, max_iter=1000)
        calibrated = options.weighting
    return design, how, calibrated, fpc, base


def _lqas_rules(campaign, options: ResultOptions, indicator: str) -> tuple[int, int] | None:  # noqa: ANN001
    if options.lqas and indicator in options.lqas:
        n, d = options.lqas[indicator]
        return int(n), int(d)
    extras = [s.extra for s in campaign.sites]
    if not extras:
        return None
    for n_key, d_key in ((f"lqas_n_{indicator}", f"lqas_d_{indicator}"), ("lqas_n", "lqas_d")):
        values = {(e.get(n_key), e.get(d_key)) for e in extras}
        if len(values) == 1:
            n, d = next(iter(values))
            if isinstance(n, (int, float)) and isinstance(d, (int, float)) and 0 < d <= n:
                return int(n), int(d)
    return None


def _lqas(rows: pd.DataFrame, indicator: str, rule: tuple[int, int], strata: Sequence[str]) -> list[dict]:
    """Per township: the first n responses (in order of arrival) with a value; meets when >= d."""
    n_rule, d = rule
    out = []
    values = rows.loc[rows[indicator].notna(), ["stratum", "submitted_at", indicator]].sort_values("submitted_at", kind="stable")
    for stratum in strata:
        v = values.loc[values["stratum"] == stratum, indicator].to_numpy(dtype=float)[:n_rule]
        x, k = int(v.sum()), len(v)
        if x >= d:
            status = "meets"
        elif (k - x) > n_rule - d:
            status = "does_not_meet"
        else:
            status = "incomplete"
        out.append({"var": indicator, "stratum": stratum, "n_rule": n_rule, "d_rule": d, "sampled": k,
                    "successes": x, "classification": status})
    return out


def compute_results(data: CampaignData, options: ResultOptions | None = None) -> CampaignResults:
    """Progress, estimates, verdicts, watching flags, LQAS and next steps for a campaign."""
    options = options or ResultOptions()
    campaign = data.campaign
    level = float(options.level if options.level is not None else data.level)
    table = options.filters.apply(data.table, campaign.timezone)
    excluded = len(data.table) - len(table)
    strata = list(dict.fromkeys(s.stratum for s in campaign.sites))
    estimates, watch_rows, lqas_rows, weighted = [], [], [], []
    notes: dict[str, Any] = {"ci": options.ci, "level": level, "weighting": options.weighting,
                             "lonely_psu": "adjust", "instruments": {}}
    for instrument, questionnaire in data.questionnaires.items():
        indicators = [i for i in data.indicators(instrument) if i in table.columns]
        wanted = [c for c in table.columns if c in META_COLUMNS or c in indicators
                  or c in background_questions(questionnaire)]
        rows = table.loc[(table["instrument"] == instrument).to_numpy(), wanted].reset_index(drop=True)
        info: dict[str, Any] = {"responses": len(rows), "sites": int(rows["site"].nunique()) if len(rows) else 0,
                                "strata": int(rows["stratum"].nunique()) if len(rows) else 0, "indicators": indicators}
        notes["instruments"][instrument] = info
        if not len(rows) or not indicators:
            continue
        design, how, calibrated, fpc, base = _design(rows, campaign, questionnaire, options)
        info.update(weights=how, calibrated=calibrated, fpc=fpc, df=design.df,
                    weight_min=float(np.min(design.weights)), weight_max=float(np.max(design.weights)),
                    kish_deff=float(len(rows) * np.sum(design.weights**2) / np.sum(design.weights) ** 2))
        thresholds = {i: data.threshold(i) for i in indicators if data.threshold(i) is not None}
        threshold = thresholds or None
        overall = design.proportion(indicators, ci=options.ci, level=level, threshold=threshold)
        overall["scope"] = "overall"
        by = design.proportion(indicators, by="stratum", ci=options.ci, level=level, threshold=threshold)
        by["scope"] = "stratum"
        order = {s: i for i, s in enumerate(strata)}
        by = by.sort_values(["var", "domain"], key=lambda s: s.map(order) if s.name == "domain" else s.map({v: i for i, v in enumerate(indicators)}), kind="stable")
        both = pd.concat([overall, by], ignore_index=True)
        both.insert(0, "instrument", instrument)
        estimates.append(both)
        w = rows[["response_id"]].copy()
        w["design_weight"] = base
        w["weight"] = np.asarray(design.weights)
        weighted.append(w)
        # applicable share (for translating "more responses" of a sub-population into respondents)
        if options.watch and thresholds:
            # integer arrival order and PSU codes: the same flags, without re-sorting timestamps and strings
            watch_frame = rows[["stratum", *thresholds]].copy()
            watch_frame["_order"] = rows["submitted_at"].array.asi8
            watch_frame["_psu"] = pd.factorize(rows["psu"].to_numpy())[0]
        for indicator in indicators:
            if options.watch and indicator in thresholds:
                for by_col in (None, "stratum"):
                    flags = monitor(watch_frame, indicator, thresholds[indicator], order="_order", by=by_col, psu="_psu",
                                    alpha=1.0 - level)
                    flags.insert(0, "var", indicator)
                    flags.insert(0, "instrument", instrument)
                    flags["scope"] = "overall" if by_col is None else "stratum"
                    if by_col is None:
                        flags["domain"] = None
                    watch_rows.append(flags)
            rule = _lqas_rules(campaign, options, indicator)
            if rule is not None:
                for r in _lqas(rows, indicator, rule, strata):
                    lqas_rows.append({"instrument": instrument, **r})
    estimates_df = pd.concat(estimates, ignore_index=True) if estimates else pd.DataFrame(
        columns=["instrument", "var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "threshold",
                 "verdict", "point_reaches", "more_responses", "missing", "ci_method", "level", "note", "scope"])
    responses = table.copy()
    if weighted:
        weights = pd.concat(weighted, ignore_index=True).set_index("response_id")
        responses["design_weight"] = responses["response_id"].map(weights["design_weight"])
        responses["weight"] = responses["response_id"].map(weights["weight"])
    else:
        responses["design_weight"] = pd.Series(dtype=float)
        responses["weight"] = pd.Series(dtype=float)
    progress = _progress(campaign, table, data.questionnaires)
    timeline = _timeline(table, campaign.timezone)
    watch_df = pd.concat(watch_rows, ignore_index=True) if watch_rows else pd.DataFrame(
        columns=["instrument", "var", "domain", "n", "successes", "psus", "deff", "log_evidence_pass",
                 "log_evidence_fail", "flag", "looks", "threshold", "alpha", "evidence_needed", "scope"])
    lqas_df = pd.DataFrame(lqas_rows, columns=["instrument", "var", "stratum", "n_rule", "d_rule", "sampled", "successes",
                                               "classification"])
    steps = _next_steps(estimates_df, progress, table)
    return CampaignResults(campaign, data.questionnaires, data.profile, options, level, responses, estimates_df, progress,
                           timeline, watch_df, lqas_df, tuple(steps), notes, excluded)


def _quota(site, instrument: str) -> int:  # noqa: ANN001
    quotas = dict(site.quotas)
    return int(quotas.get(instrument, quotas.get("*", 0)) or 0)


def _progress(campaign, table: pd.DataFrame, questionnaires) -> pd.DataFrame:  # noqa: ANN001
    counts = table.groupby(["site", "instrument"]).size() if len(table) else pd.Series(dtype=int)
    last = table.groupby(["site", "instrument"])["submitted_at"].max() if len(table) else pd.Series(dtype=object)
    rows = []
    for site in campaign.sites:
        for instrument in questionnaires:
            quota = _quota(site, instrument)
            n = int(counts.get((site.code, instrument), 0))
            if quota == 0 and n == 0:
                continue
            rows.append({
                "stratum": site.stratum, "site": site.code, "site_name": site.name, "kind": site.kind,
                "instrument": instrument, "quota": quota, "responses": n, "remaining": max(quota - n, 0),
                "share": (n / quota) if quota else None, "last_response": last.get((site.code, instrument)),
            })
    return pd.DataFrame(rows, columns=["stratum", "site", "site_name", "kind", "instrument", "quota", "responses",
                                       "remaining", "share", "last_response"])


def progress_by_stratum(progress: pd.DataFrame) -> pd.DataFrame:
    """Responses and quotas summed per township and instrument (township order kept)."""
    if progress.empty:
        return pd.DataFrame(columns=["stratum", "instrument", "quota", "responses", "remaining", "sites", "sites_empty"])
    grouped = progress.assign(empty=progress["responses"] == 0).groupby(["stratum", "instrument"], sort=False)
    out = grouped.agg(quota=("quota", "sum"), responses=("responses", "sum"), remaining=("remaining", "sum"),
                      sites=("site", "count"), sites_empty=("empty", "sum")).reset_index()
    return out


def _timeline(table: pd.DataFrame, timezone: str) -> pd.DataFrame:
    if not len(table):
        return pd.DataFrame(columns=["date", "instrument", "responses", "cumulative"])
    day = table["submitted_at"].dt.tz_convert(timezone).dt.date
    out = table.assign(date=day).groupby(["date", "instrument"]).size().rename("responses").reset_index()
    out["cumulative"] = out.groupby("instrument")["responses"].cumsum()
    return out


def _next_steps(estimates: pd.DataFrame, progress: pd.DataFrame, table: pd.DataFrame) -> list[NextStep]:
    steps: list[NextStep] = []
    # share of respondents inside each indicator's denominator, per instrument (and township)
    applicable: dict[tuple, float] = {}
    indicator_columns = [c for c in estimates["var"].unique() if c in table.columns] if len(estimates) else []
    if indicator_columns and len(table):
        has = table[indicator_columns].notna()
        has["instrument"], has["stratum"] = table["instrument"].to_numpy(), table["stratum"].to_numpy()
        for (instrument, stratum), share in has.groupby(["instrument", "stratum"])[indicator_columns].mean().iterrows():
            for var in indicator_columns:
                applicable[(instrument, stratum, var)] = float(share[var])
        for instrument, share in has.groupby("instrument")[indicator_columns].mean().iterrows():
            for var in indicator_columns:
                applicable[(instrument, None, var)] = float(share[var])
    sizes = table.groupby(["instrument", "stratum"]).size().to_dict() if len(table) else {}
    totals = table.groupby("instrument").size().to_dict() if len(table) else {}
    for p in progress.itertuples(index=False):
        if p.quota > 0 and p.responses == 0:
            steps.append(NextStep("no_responses", p.instrument, p.stratum, p.site, p.site_name, None, int(p.quota), 0))
    few_sites_done: set[tuple] = set()
    for e in estimates.itertuples(index=False):
        if not isinstance(e.verdict, str) or e.verdict != "inconclusive":
            continue
        stratum = e.domain if e.scope == "stratum" else None
        if stratum is not None and int(e.df) < FEW_DF:
            # one or two sites: the interval's width comes from t with df = PSUs - 1, which more
            # responses at the same sites hardly narrow; more sites would
            if (e.instrument, stratum) not in few_sites_done:
                few_sites_done.add((e.instrument, stratum))
                steps.append(NextStep("few_sites", e.instrument, stratum, None, None, e.var, int(e.df) + 1, 2))
            continue
        if pd.isna(e.more_responses):
            continue
        share = applicable.get((e.instrument, stratum, e.var), 1.0)
        n_rows = sizes.get((e.instrument, stratum), 0) if stratum is not None else totals.get(e.instrument, 0)
        more = int(math.ceil(int(e.more_responses) / share)) if share > 0 else int(e.more_responses)
        close = more > 5 * max(n_rows, 1)
        steps.append(NextStep("more_responses", e.instrument, stratum, None, None, e.var, more, 1 if stratum is None else 2,
                              close_call=close))
    behind = progress[(progress["remaining"] > 0) & (progress["responses"] > 0)]
    for p in behind.sort_values("remaining", ascending=False).itertuples(index=False):
        steps.append(NextStep("behind_quota", p.instrument, p.stratum, p.site, p.site_name, None, int(p.remaining), 3))
    steps.sort(key=lambda s: (s.priority, s.close_call, s.count if s.kind == "more_responses" else 0))
    return steps
