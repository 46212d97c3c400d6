"""Quality flags: named rules that mark responses for an evaluator to review. Flags never delete.

Each rule reads the store's design-ready response frame with its answers
(``Store.response_frame(campaign, with_answers=True)``: ``response_id, questionnaire_id,
site_code, source, submitted_at``, the paradata columns ``duration_s, mode, surveyor,
device_hash`` and one column per question) and is vectorised (factorised answer codes, sorts,
``searchsorted``, group counts; no loop over responses in Python):

``too_fast``
    ``duration_s`` below a floor computed from what the respondent had to read and answer:
    ``floor = sum over answered questions of (seconds_per_item + characters / chars_per_second)``
    (``chars_per_second: null`` leaves the text's length out),
    characters being the question's Chinese text (label, hint, choices). ``floor_seconds`` replaces
    the computed floor by one number. Not applied to responses entered from paper (``mode = paper``)
    or without a duration (imports without a time).
``same_device``
    More than ``max_per_day`` responses to one instrument from one device hash at one site on one
    day (campaign time zone); the responses after the first ``max_per_day`` that day are flagged.
    ``max_per_day`` is a number or ``{audience: number}`` (default residents 1, staff 3: staff may
    share a clinic computer). Only self-completed responses carry a device (not surveyor mode).
``straight_line``
    The same rating on every answered Likert item, over at least ``min_items`` items ("not
    applicable" answers left aside).
``duplicate_answers``
    An answer set identical to another response of the same instrument at the same site, when
    it answers at least ``min_items`` questions (short answer sets coincide by chance).
``burst``
    A site receiving, within ``window_minutes`` before a response, more than
    ``max(min_count, factor x the site's usual number per window)`` responses, the usual number
    being the site's responses spread over its opening hours on the days it had any; or a response
    submitted outside ``opening_hours`` (local time). Imports are left aside (their times are
    often the time of the import).

Parameters come from the defaults below, then the profile's ``quality:`` section, then the
campaign's own (``Store.set_quality_parameters``), rule by rule and key by key; each rule has
``enabled`` (default true).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError

__all__ = [
    "DEFAULTS",
    "RULES",
    "RULE_SENTENCES",
    "RULE_WORDS",
    "QualityParameters",
    "flag_responses",
    "site_summary",
]

RULES = ("too_fast", "same_device", "straight_line", "duplicate_answers", "burst")
#: each rule's name, 中文 first (the review queue, the workbook's headers)
RULE_WORDS = {
    "too_fast": {"zh": "答题过快", "en": "too fast"},
    "same_device": {"zh": "同一设备重复", "en": "same device"},
    "straight_line": {"zh": "评分全部相同", "en": "straight line"},
    "duplicate_answers": {"zh": "答案雷同", "en": "duplicate answers"},
    "burst": {"zh": "集中或非开放时间提交", "en": "burst or off hours"},
}
#: what each rule found, in a sentence of the report
RULE_SENTENCES = {
    "too_fast": {"zh": "答题过快", "en": "answered too fast"},
    "same_device": {"zh": "同一设备当天重复提交", "en": "sent again from the same device the same day"},
    "straight_line": {"zh": "评分题全部同一选项", "en": "the same option for every rating question"},
    "duplicate_answers": {"zh": "答案与同一调查点另一份完全相同", "en": "the same answers as another response of the site"},
    "burst": {"zh": "短时间内集中提交或在开放时间以外提交", "en": "sent in a burst or outside opening hours"},
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "too_fast": {"enabled": True, "seconds_per_item": 1.5, "chars_per_second": 20.0, "floor_seconds": None},
    "same_device": {"enabled": True, "max_per_day": {"residents": 1, "staff": 3}},
    "straight_line": {"enabled": True, "min_items": 5},
    "duplicate_answers": {"enabled": True, "min_items": 8},
    "burst": {"enabled": True, "window_minutes": 60, "factor": 5.0, "min_count": 10, "opening_hours": ["06:00", "22:00"]},
}

#: The response-frame columns the rules read, besides one column per question.
FRAME_COLUMNS = ("response_id", "questionnaire_id", "site_code", "source", "submitted_at", "duration_s", "mode",
                 "device_hash")


@dataclass(frozen=True)
class QualityParameters:
    """The rules' parameters, merged: defaults <- profile ``quality`` <- campaign ``quality``."""

    values: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULTS.items()})

    @classmethod
    def merged(cls, *layers: tuple[str, Mapping[str, Any] | None]) -> QualityParameters:
        """Defaults overridden by each ``(where, mapping)`` in turn; AnalysisError naming
        ``where: quality.rule.key`` for an unknown rule or key or a bad value."""
        values = {k: dict(v) for k, v in DEFAULTS.items()}
        for where, layer in layers:
            if not layer:
                continue
            if not isinstance(layer, Mapping):
                raise AnalysisError(f"{where}: quality: expected a mapping of rule -> parameters")
            for rule, params in layer.items():
                if rule not in DEFAULTS:
                    raise AnalysisError(f"{where}: quality.{rule}: unknown rule (rules: {', '.join(RULES)})")
                if not isinstance(params, Mapping):
                    raise AnalysisError(f"{where}: quality.{rule}: expected a mapping of parameters")
                for key, value in params.items():
                    if key not in DEFAULTS[rule]:
                        raise AnalysisError(f"{where}: quality.{rule}.{key}: unknown parameter "
                                            f"(known: {', '.join(DEFAULTS[rule])})")
                    _check(where, rule, key, value)
                    values[rule][key] = value
        return cls(values)

    def __getitem__(self, rule: str) -> Mapping[str, Any]:
        return self.values[rule]

    def enabled(self, rule: str) -> bool:
        return bool(self.values[rule]["enabled"])

    def max_per_day(self, audience: str) -> int:
        value = self.values["same_device"]["max_per_day"]
        if isinstance(value, Mapping):
            return int(value.get(audience, value.get("residents", 1)))
        return int(value)

    def opening_hours(self) -> tuple[dt.time, dt.time]:
        start, end = self.values["burst"]["opening_hours"]
        return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        return False


def _check(where: str, rule: str, key: str, value: Any) -> None:
    name = f"{where}: quality.{rule}.{key}"
    if key == "enabled":
        if not isinstance(value, bool):
            raise AnalysisError(f"{name}: expected true or false, got {value!r}")
    elif key == "opening_hours":
        ok = isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value)
        try:
            start, end = (dt.time.fromisoformat(v) for v in value) if ok else (None, None)
        except ValueError:
            ok = False
        if not ok or start >= end:
            raise AnalysisError(f"{name}: expected [\"HH:MM\", \"HH:MM\"], opening before closing; got {value!r}")
    elif key == "max_per_day":
        numbers = list(value.values()) if isinstance(value, Mapping) else [value]
        if not numbers or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in numbers):
            raise AnalysisError(f"{name}: expected a whole number >= 1 or {{audience: number}}, got {value!r}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and not _finite(value):  # JSON's 1e309 is inf
        raise AnalysisError(f"{name}: expected a finite number, got {value!r}")
    elif key in ("floor_seconds", "chars_per_second") and value is None:
        pass  # floor_seconds: none set; chars_per_second: the text's length left out of the floor
    elif key == "floor_seconds":
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise AnalysisError(f"{name}: expected seconds >= 0 or null, got {value!r}")
    elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise AnalysisError(f"{name}: expected a positive number, got {value!r}")


# ------------------------------------------------------------------------------- instrument costs


@dataclass(frozen=True)
class _Instrument:
    questions: tuple[str, ...]  # every question taking an answer
    seconds: np.ndarray  # reading-and-answering seconds per question (parameters applied)
    likert: tuple[int, ...]  # positions of the Likert items in ``questions``
    multiple: tuple[int, ...]  # positions of multiple-choice questions (answers are lists)
    audience: str


def _instrument(questionnaire: Any, params: QualityParameters) -> _Instrument:
    p = params["too_fast"]
    questions, seconds, likert, multiple = [], [], [], []
    for q in questionnaire.questions:
        if q.type == "note":
            continue
        text = (q.label.get("zh") or next(iter(q.label.values()), "")) + ((q.hint or {}).get("zh") or "")
        text += "".join(c.label.get("zh", "") for c in q.choices)
        if q.type == "likert5":
            likert.append(len(questions))
        if q.type == "multiple":
            multiple.append(len(questions))
        questions.append(q.id)
        reading = len(text) / float(p["chars_per_second"]) if p["chars_per_second"] is not None else 0.0
        seconds.append(float(p["seconds_per_item"]) + reading)
    return _Instrument(tuple(questions), np.asarray(seconds, dtype=float), tuple(likert), tuple(multiple),
                       questionnaire.audience)


def _answer_codes(frame: pd.DataFrame, rows: np.ndarray, spec: _Instrument) -> np.ndarray:
    """Integer codes (responses x questions; -1: no answer; equal codes, equal answers) of the
    rows' answers, one ``pd.factorize`` per question column (a missing column: no answers)."""
    codes = np.full((len(rows), len(spec.questions)), -1, dtype=np.int64)
    for j, question in enumerate(spec.questions):
        if question not in frame.columns:
            continue
        column = frame[question].to_numpy()[rows]  # floats stay floats: NaN is the sentinel
        if j in spec.multiple:  # lists, compared by their text
            missing = np.asarray(pd.isna(column), dtype=bool)
            texts = np.empty(len(column), dtype=object)
            texts[:] = list(map(repr, column))
            codes[:, j] = pd.factorize(texts)[0]
            codes[missing, j] = -1
        else:
            codes[:, j] = pd.factorize(column, use_na_sentinel=True)[0]
    return codes


def _ratings(frame: pd.DataFrame, rows: np.ndarray, question: str) -> np.ndarray:
    """A Likert column as floats 1-5, NaN for no answer or "na" (not applicable)."""
    if question not in frame.columns:
        return np.full(len(rows), np.nan)
    return pd.to_numeric(pd.Series(frame[question].to_numpy()[rows]), errors="coerce").to_numpy(dtype=float)


def _epoch_seconds(times: pd.Series) -> np.ndarray:
    """Seconds since 1970 (float) of a tz-aware datetime column, whatever its unit."""
    return times.dt.as_unit("ns").array.asi8 / 1e9


def _day_index(local: pd.Series) -> np.ndarray:
    """Whole days since 1970 of the local (campaign time-zone) dates."""
    return local.dt.tz_localize(None).dt.as_unit("ns").array.asi8 // 86_400_000_000_000


def _groups(tiebreak: Sequence[np.ndarray], keys: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Order sorting rows by ``keys`` then ``tiebreak`` (each list last-most-significant, as
    ``np.lexsort``) and, in that order, each row's group number (equal values of all ``keys``)."""
    order = np.lexsort((*tiebreak, *keys))
    if not len(order):
        return order, order
    changed = np.zeros(len(order), dtype=bool)
    changed[0] = True
    for key in keys:
        ordered = key[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    return order, np.cumsum(changed) - 1


def flag_responses(
    frame: pd.DataFrame,
    questionnaires: Mapping[str, Any],
    params: QualityParameters | None = None,
    *,
    timezone: str = "Asia/Shanghai",
) -> pd.DataFrame:
    """One row per response: ``response_id, site_code, questionnaire_id``, a boolean column per rule,
    ``reasons`` (a tuple of the rules that fired, in :data:`RULES` order), ``flagged``, and the
    figures the review page shows: ``floor_s`` (too_fast's floor), ``device_count`` (that device's
    responses at the site that day), ``window_count`` (the site's responses in the window before it)."""
    params = params or QualityParameters()
    n = len(frame)
    hits = {rule: np.zeros(n, dtype=bool) for rule in RULES}
    floor = np.full(n, np.nan)
    device_count = np.zeros(n, dtype=np.int64)
    window_count = np.zeros(n, dtype=np.int64)
    site = pd.factorize(frame["site_code"].to_numpy())[0]
    instrument = frame["questionnaire_id"].to_numpy(dtype=object)
    mode = frame["mode"].to_numpy(dtype=object)
    source = frame["source"].to_numpy(dtype=object)
    seconds = _epoch_seconds(frame["submitted_at"]) if n else np.zeros(0)
    local = frame["submitted_at"].dt.tz_convert(timezone)
    day = _day_index(local) if n else np.zeros(0, dtype=np.int64)
    limit_per_day = np.full(n, params.max_per_day("residents"), dtype=np.int64)

    for qid, questionnaire in questionnaires.items():
        rows = np.flatnonzero(instrument == qid)
        if not len(rows):
            continue
        spec = _instrument(questionnaire, params)
        limit_per_day[rows] = params.max_per_day(spec.audience)
        codes = _answer_codes(frame, rows, spec)
        answered = codes >= 0
        floor[rows] = answered @ spec.seconds
        if params.enabled("straight_line") and spec.likert:
            ratings = np.column_stack([_ratings(frame, rows, spec.questions[j]) for j in spec.likert])
            count = np.sum(~np.isnan(ratings), axis=1)
            low = np.where(np.isnan(ratings), np.inf, ratings).min(axis=1)
            high = np.where(np.isnan(ratings), -np.inf, ratings).max(axis=1)
            hits["straight_line"][rows] = (low == high) & (count >= int(params["straight_line"]["min_items"]))
        if params.enabled("duplicate_answers"):
            enough = answered.sum(axis=1) >= int(params["duplicate_answers"]["min_items"])
            table = pd.DataFrame(codes)
            table["site"] = site[rows]
            hits["duplicate_answers"][rows] = table.duplicated(keep=False).to_numpy() & enough

    if params.enabled("too_fast"):
        fixed = params["too_fast"]["floor_seconds"]
        if fixed is not None:
            floor = np.where(np.isnan(floor), np.nan, float(fixed))
        duration = frame["duration_s"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            hits["too_fast"] = (duration < floor) & ~np.isnan(duration) & (mode != "paper")

    if params.enabled("same_device") and n:
        device = frame["device_hash"].to_numpy(dtype=object)
        idx = np.flatnonzero(pd.notna(device) & (source != "surveyor") & ((mode == "self") | pd.isna(mode)))
        if len(idx):
            ids = frame["response_id"].to_numpy()[idx]
            order, group = _groups((ids, seconds[idx]), (day[idx], pd.factorize(device[idx])[0],
                                                         pd.factorize(instrument[idx])[0], site[idx]))
            starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
            rank = np.arange(len(order)) - starts[group] + 1
            fired = np.zeros(len(idx), dtype=bool)
            fired[order] = rank > limit_per_day[idx][order]
            counts = np.zeros(len(idx), dtype=np.int64)
            counts[order] = np.bincount(group)[group]
            hits["same_device"][idx] = fired
            device_count[idx] = counts

    if params.enabled("burst") and n:
        p = params["burst"]
        idx = np.flatnonzero(source != "import")
        if len(idx):
            sites, t = site[idx], seconds[idx]
            window = float(p["window_minutes"]) * 60.0
            order = np.lexsort((t, sites))
            key = sites[order] * 1e11 + t[order]  # 1e11 s: longer than any campaign, so sites never overlap
            in_window = np.arange(len(order)) - np.searchsorted(key, key - window, side="left") + 1
            opening, closing = params.opening_hours()
            open_minutes = opening.hour * 60 + opening.minute
            close_minutes = closing.hour * 60 + closing.minute
            n_sites = int(sites.max()) + 1
            site_days = np.unique(sites.astype(np.int64) * 10**7 + day[idx]) // 10**7
            active_days = np.bincount(site_days, minlength=n_sites)
            usual = np.bincount(sites, minlength=n_sites) / (active_days * (close_minutes - open_minutes)) * (window / 60.0)
            limit = np.maximum(float(p["min_count"]), float(p["factor"]) * usual)
            crowded = np.zeros(len(idx), dtype=bool)
            crowded[order] = in_window > limit[sites[order]]
            counts = np.zeros(len(idx), dtype=np.int64)
            counts[order] = in_window
            clock = ((local.dt.tz_localize(None).dt.as_unit("ns").array.asi8 // 60_000_000_000) % 1440)[idx]
            hits["burst"][idx] = crowded | (clock < open_minutes) | (clock >= close_minutes)
            window_count[idx] = counts

    out = pd.DataFrame({"response_id": frame["response_id"].to_numpy(), "site_code": frame["site_code"].to_numpy(),
                        "questionnaire_id": instrument})
    for rule in RULES:
        out[rule] = hits[rule]
    matrix = np.column_stack([hits[r] for r in RULES]) if n else np.zeros((0, len(RULES)), dtype=bool)
    # reasons by bit pattern: one tuple per pattern, looked up for every row
    patterns = matrix.astype(np.int64) @ (1 << np.arange(len(RULES)))
    lookup = np.empty(1 << len(RULES), dtype=object)
    lookup[:] = [tuple(r for i, r in enumerate(RULES) if p >> i & 1) for p in range(1 << len(RULES))]
    out["reasons"] = pd.Series(lookup[patterns], dtype=object)
    out["flagged"] = matrix.any(axis=1)
    out["floor_s"] = floor
    out["device_count"] = device_count
    out["window_count"] = window_count
    return out


def site_summary(frame: pd.DataFrame, flags: pd.DataFrame, *, timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    """Per site: ``responses``, ``days`` (with any), ``per_day`` (responses / days), ``median_duration_s``,
    ``flagged``, ``share_flagged`` and the count per rule, for the report and the CLI's ``by_site``."""
    columns = ["site", "responses", "days", "per_day", "median_duration_s", "flagged", "share_flagged", *RULES]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    data = pd.DataFrame({
        "site": frame["site_code"].to_numpy(),
        "day": frame["submitted_at"].dt.tz_convert(timezone).dt.date.to_numpy(),
        "duration_s": frame["duration_s"].to_numpy(dtype=float),
        "flagged": flags["flagged"].to_numpy(),
        **{rule: flags[rule].to_numpy() for rule in RULES},
    })
    grouped = data.groupby("site", sort=True)
    out = grouped.agg(responses=("day", "size"), days=("day", "nunique"), median_duration_s=("duration_s", "median"),
                      flagged=("flagged", "sum"), **{rule: (rule, "sum") for rule in RULES}).reset_index()
    out["per_day"] = out["responses"] / out["days"]
    out["share_flagged"] = out["flagged"] / out["responses"]
    for column in ("flagged", *RULES):
        out[column] = out[column].astype(int)
    return out[columns]
