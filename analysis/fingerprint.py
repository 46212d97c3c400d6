"""A campaign's data fingerprint: how many responses, and one SHA-256 of everything the results
were computed from.

The digest covers, part by part (each part has its own SHA-256, so a check can say *what* changed):

``responses``     every stored response of the campaign, sorted by id: questionnaire, version hash,
                  site, source, simulated, submitted time, paradata, every answer and every score
``reviews``       the review decisions (response, decision) and the campaign's quality parameters
``sites``         each site's design columns (stratum, PSU, probabilities, populations, weight)
``households``    the door-to-door households (site, disposition, interview) and rosters
``instruments``   the version hashes of the campaign's questionnaires
``profile``       the profile's id, thresholds, level and min_df
``options``       interval method, level, weighting, population table, filters, exclude_flagged

``sha256`` is the SHA-256 of the parts' digests in this order. Every report prints its count and
first 16 hex digits (:meth:`Fingerprint.text`); a results bundle's ``manifest.json`` carries it in
full, and ``python -m analysis verify BUNDLE.zip --db URL`` recomputes it from the database.
Texts are encoded canonically (sorted columns and keys, floats in their shortest round-trip form),
so the digest depends only on the values.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PARTS", "Fingerprint", "campaign_fingerprint", "fingerprint", "options_record"]

PARTS = ("responses", "reviews", "sites", "households", "instruments", "profile", "options")
#: response-frame columns that are site or household design inputs (digested in those parts), or
#: the review state as read (digested from the reviews themselves)
_NOT_RESPONSE = ("site_name", "site_kind", "stratum", "psu", "design_weight", "inclusion_prob", "stratum_population",
                 "stratum_psus", "household_prob", "review")
SITE_COLUMNS = ("code", "stratum", "psu", "kind", "population", "inclusion_prob", "household_prob", "design_weight",
                "stratum_population", "stratum_psus")


@dataclass(frozen=True)
class Fingerprint:
    """``responses``: stored responses of the campaign; ``sha256``: the digest of every part;
    ``parts``: part name -> its own SHA-256; ``max_id``: the largest response id."""

    responses: int
    sha256: str
    parts: Mapping[str, str] = field(default_factory=dict)
    max_id: int = 0

    @property
    def short(self) -> str:
        return self.sha256[:16]

    def text(self, language: str = "zh") -> str:
        """``数据指纹：共 300 份问卷，SHA-256 前 16 位 0123456789abcdef``."""
        if language == "zh":
            return f"数据指纹：共 {self.responses} 份问卷，SHA-256 前 16 位 {self.short}"
        return f"Data fingerprint: {self.responses} responses, SHA-256 {self.short}…"

    def to_json(self) -> dict[str, Any]:
        return {"responses": self.responses, "max_id": self.max_id, "sha256": self.sha256, "parts": dict(self.parts)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Fingerprint:
        return cls(int(value["responses"]), str(value["sha256"]), dict(value.get("parts", {})), int(value.get("max_id", 0)))

    def changed_parts(self, other: Fingerprint) -> list[str]:
        """Parts whose digest differs between ``self`` and ``other``, in :data:`PARTS` order."""
        return [p for p in PARTS if self.parts.get(p) != other.parts.get(p)]


def _plain(value: Any) -> Any:
    """A JSON-able, canonical form of a value (NaN and NA as None, numpy scalars as Python)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _digest(value: Any) -> str:
    text = json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_cell() -> Callable[[Any], str]:
    """A cell's canonical JSON, remembered per distinct plain value (text, whole number, float but
    ±0.0): answers repeat a few codes over thousands of rows, so each is encoded once; any other
    value (a time stamp, a mapping) is encoded each time; a list of texts (a multiple choice's codes)
    is remembered too."""
    seen: dict[tuple, str] = {}

    def encode(value: Any) -> str:
        kind = type(value)
        if kind is list and all(type(v) is str for v in value):  # a multiple choice's codes
            key = (list, tuple(value))
            text = seen.get(key)
            if text is None:
                text = seen[key] = json.dumps(_plain(value), ensure_ascii=False, default=str)
            return text
        if kind not in _CACHEABLE or (kind is float and value == 0):
            return json.dumps(_plain(value), ensure_ascii=False, default=str)
        text = seen.get((kind, value))
        if text is None:
            text = seen[(kind, value)] = json.dumps(_plain(value), ensure_ascii=False, default=str)
        return text

    return encode


_CACHEABLE = frozenset({str, int, bool, float, type(None)})


def _json_column(series: pd.Series) -> pd.Series:
    """Each cell's canonical JSON (:func:`_json_cell`); a column of texts and missing values only (no
    two distinct values equal, as 1 and 1.0 are) has each distinct text encoded once, without a call per cell."""
    encode = _json_cell()
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) != "string":
        return series.map(encode)
    codes, uniques = pd.factorize(values)  # missing values (None, NaN, NA, NaT): code -1, all JSON null
    made = np.asarray([encode(u) for u in uniques.tolist()] + [encode(None)], dtype=object)
    return pd.Series(made[codes], index=series.index, dtype=object)


def _frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's canonical CSV (sorted columns; floats written in round-trip form)."""
    if not len(frame.columns):
        return hashlib.sha256(b"").hexdigest()
    out = frame[sorted(frame.columns)]  # copy on write (pandas 3): the columns replaced below are the copy's alone
    for column in out.columns:
        series = out[column]
        if series.dtype == object:  # answers: lists (multiple choice), texts, numbers, None
            out[column] = _json_column(series)
        elif isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
            out[column] = _isoformat(series)
    digest = _Digest()
    out.to_csv(digest, index=False, lineterminator="\n", na_rep="")  # written in chunks, never one whole text
    return digest.hexdigest()


class _Digest:
    """A text file that only hashes what is written to it (UTF-8), for ``DataFrame.to_csv``."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def write(self, text: str) -> int:
        self._sha.update(text.encode("utf-8"))
        return len(text)

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _isoformat(series: pd.Series) -> pd.Series:
    """``Timestamp.isoformat()`` of each time (None where missing), each distinct time formatted once."""
    codes, uniques = pd.factorize(series)
    made = [v.isoformat() for v in uniques]
    return pd.Series([None if c < 0 else made[c] for c in codes.tolist()], index=series.index, dtype=object)


def options_record(options, level: float, exclude_flagged: bool) -> dict[str, Any]:  # noqa: ANN001
    """The analysis options as digested (and as ``manifest.json`` lists them)."""
    population = getattr(options, "population", None)
    filters = options.filters
    return {
        "ci": options.ci,
        "level": float(level),
        "weighting": options.weighting,
        "exclude_flagged": bool(exclude_flagged),
        "population": None if population is None else {
            "columns": list(population.columns), "questionnaire_id": population.questionnaire_id,
            "cells": sorted([[str(x) for x in key], float(count)] for key, count in population.cells.items())},
        "filters": {"include_surveyor": filters.include_surveyor, "include_import": filters.include_import,
                    "include_simulated": filters.include_simulated,
                    "date_from": None if filters.date_from is None else filters.date_from.isoformat(),
                    "date_to": None if filters.date_to is None else filters.date_to.isoformat()},
    }


def fingerprint(data, reviews, quality_parameters: Mapping[str, Any] | None, options_json: Mapping[str, Any]) -> Fingerprint:  # noqa: ANN001
    """The fingerprint of ``data`` (an ``analysis.campaign.CampaignData``), the review decisions
    (``Store.reviews``: objects with ``response_id`` and ``decision``), the campaign's quality
    parameters and the options (:func:`options_record`)."""
    table = data.table
    if not table["response_id"].is_monotonic_increasing:  # the store reads them in id order: usually no copy
        table = table.sort_values("response_id", kind="stable")
    table = table.reset_index(drop=True)
    responses = table[[c for c in table.columns if c not in _NOT_RESPONSE]]
    campaign = data.campaign
    sites = [{c: getattr(s, c, None) for c in SITE_COLUMNS} for s in sorted(campaign.sites, key=lambda s: s.code)]
    households = data.households
    profile = data.profile
    parts = {
        "responses": _frame_digest(responses),
        "reviews": _digest({"decisions": sorted([int(r.response_id), str(r.decision)] for r in reviews),
                            "quality": dict(quality_parameters or {})}),
        "sites": _digest(sites),
        "households": _frame_digest(households.sort_values(list(households.columns[:1])).reset_index(drop=True))
        if households is not None and len(households) else _digest([]),
        "instruments": _digest(sorted(i.version_hash for i in campaign.instruments)),
        "profile": _digest(None if profile is None else {
            "id": profile.id, "thresholds": dict(profile.thresholds), "level": float(profile.level),
            "min_df": int(getattr(profile, "min_df", 3))}),
        "options": _digest(options_json),
    }
    whole = hashlib.sha256("\n".join(f"{p}:{parts[p]}" for p in PARTS).encode("ascii")).hexdigest()
    max_id = int(table["response_id"].max()) if len(table) else 0
    return Fingerprint(len(table), whole, parts, max_id)


def campaign_fingerprint(store, data, options=None, *, exclude_flagged: bool = False) -> Fingerprint:  # noqa: ANN001
    """:func:`fingerprint` with the reviews and quality parameters read from ``store`` now."""
    from .campaign import ResultOptions

    options = options or ResultOptions()
    level = options.level if options.level is not None else data.level
    campaign_id = data.campaign.id
    return fingerprint(data, store.reviews(campaign_id), store.quality_parameters(campaign_id),
                       options_record(options, level, exclude_flagged))
