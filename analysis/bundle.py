"""A results bundle a reviewer can re-run: the data, the design, the results and two scripts.

:func:`build_bundle` reads a campaign once (:func:`analysis.report.collect`, the report
assembler, so the bundle holds the very numbers the reports print) and returns its files;
:func:`write_bundle` writes them as a ZIP. The files:

=======================  ========================================================================
``responses.csv``        every response used: id, questionnaire, version hash, site, stratum, PSU,
                         ``stratum_psus`` (the first-stage fpc), household, eligible members,
                         ``base_weight`` (before calibration), ``weight`` (used), open quality flag,
                         every indicator and every answer but free text (``with_text``: all);
                         never a device hash
``sites.csv``            each site: stratum, PSU, inclusion_prob, household_prob, stratum_psus,
                         stratum_population, design weight
``population.csv``       the population table, when the weights are calibrated to it
``indicators.csv``       one row per estimated indicator: its threshold and how it is analysed
                         (interval method, level, min_df, weights, calibration, fpc)
``instruments/``         each questionnaire version as stored (its canonical document as YAML),
                         named ``<id>-<hash12>.yaml``
``profile.yaml``         the jurisdiction profile (thresholds, level)
``reviews.csv``          the review decisions; ``audit.csv``: the campaign's audit log (codes and words)
``results.json`` /       every estimate: n, estimate, SE, deff, df, the two-sided interval, the
``results.csv``          verdict's one-sided bounds (``ci_low``/``ci_high`` where a threshold is
                         set), threshold, verdict, mode
``reproduce.R``          base R + survey: rebuilds the design and recomputes every number
``reproduce.py``         the same with this package
``rows.sha256.csv``      one SHA-256 per data row of every CSV, so a check can name the row
``manifest.json``        tool and version, campaign, options, the data fingerprint
                         (:mod:`analysis.fingerprint`) and SHA-256 and size of every other file
=======================  ========================================================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import subprocess
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .fingerprint import Fingerprint, campaign_fingerprint, options_record

__all__ = ["TOOL", "TOOL_VERSION", "Bundle", "build_bundle", "csv_file", "row_digests", "tool_version", "write_bundle"]

TOOL = "tcm-survey"
TOOL_VERSION = "0.9"  # used when the code is not a git checkout
HERE = Path(__file__).resolve().parent
MANIFEST = "manifest.json"
ROW_DIGESTS = "rows.sha256.csv"
#: the key column of each CSV (rows are named by it in checks)
CSV_KEYS = {"responses.csv": "response_id", "sites.csv": "site_code", "reviews.csv": "response_id",
            "audit.csv": "id", "results.csv": "row", "indicators.csv": "row", "population.csv": "row"}
SUPPRESS_BELOW = 3  # analysis.disclosure.MIN_CELL for staff questionnaires
RESPONSE_META = ("response_id", "questionnaire_id", "version_hash", "site_code", "stratum", "psu", "stratum_psus",
                 "household_id", "eligible_members", "source", "simulated")
RESULT_COLUMNS = ("questionnaire_id", "var", "scope", "domain", "n", "estimate", "se", "deff", "df", "ci_method",
                  "level", "two_sided_low", "two_sided_high", "bounds", "coverage", "ci_low", "ci_high", "threshold",
                  "verdict", "point_reaches", "more_responses", "missing", "mode", "note")


@dataclass(frozen=True)
class Bundle:
    files: Mapping[str, bytes]  # name -> content, manifest.json included
    fingerprint: Fingerprint
    manifest: Mapping[str, Any]


def tool_version() -> str:
    """``git describe`` of the code when it is a git checkout, else :data:`TOOL_VERSION`."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=HERE, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return TOOL_VERSION
    described = out.stdout.strip()
    return f"{TOOL_VERSION}+{described}" if out.returncode == 0 and described else TOOL_VERSION


def json_value(value: Any) -> Any:
    """A JSON value: None for NA/NaN/inf, Python scalars for numpy ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def csv_file(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (Chinese Excel opens it), LF line ends, floats in their
    shortest round-trip form, empty cells for missing values."""
    return frame.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8-sig")


def row_digests(name: str, content: bytes) -> pd.DataFrame:
    """One SHA-256 (first 32 hex digits) per data line of a CSV, with the line's key (first cell
    text as written: the key column is always first)."""
    text = content.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    lines = _data_lines(text)
    keys = frame.iloc[:, 0].tolist() if len(frame.columns) else []
    return pd.DataFrame({"file": name, "row": np.arange(2, len(lines) + 2), "key": keys[:len(lines)],
                         "sha256": [hashlib.sha256(line.encode("utf-8")).hexdigest()[:32] for line in lines]})


def _data_lines(text: str) -> list[str]:
    """The records of a CSV text after its header, as written (quoted newlines kept inside a record)."""
    import csv

    records = []
    buffer = io.StringIO(text)
    reader = csv.reader(buffer)
    next(reader, None)
    for row in reader:
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(row)
        records.append(out.getvalue())
    return records


def _safe_text(frame: pd.DataFrame, columns) -> pd.DataFrame:  # noqa: ANN001
    """Free-text columns made safe to open in a spreadsheet (no formulas, no control characters)."""
    from .report.cells import safe_cell

    out = frame.copy()
    for column in columns:
        if column in out.columns:
            out[column] = out[column].map(safe_cell, na_action="ignore").astype(object)
    return out


def _answer_columns(data, with_text: bool) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(answer columns to publish, of which free text) over every questionnaire version."""
    from survey.questionnaire import QuestionType

    kinds: dict[str, Any] = {}
    for questionnaire in data.questionnaires.values():
        for question in questionnaire.questions:
            if question.takes_answer:
                kinds.setdefault(question.id, question.type)
    text = [q for q, t in kinds.items() if t == QuestionType.TEXT]
    keep = [q for q in data.questions if q in data.table.columns and (with_text or q not in text)]
    return keep, [q for q in keep if q in text]


def _responses(data, results, quality, with_text: bool) -> pd.DataFrame:  # noqa: ANN001
    used = results.responses.sort_values("response_id", kind="stable").reset_index(drop=True)
    out = pd.DataFrame({c: used[c].to_numpy() for c in RESPONSE_META if c in used.columns})
    out["base_weight"] = used["base_weight"].to_numpy(dtype=float)
    out["weight"] = used["weight"].to_numpy(dtype=float)
    if quality is not None:
        flags = quality.flags.set_index("response_id")
        out["flagged"] = flags["open"].reindex(out["response_id"]).fillna(False).to_numpy(dtype=bool)
    indicators = list(dict.fromkeys(i.id for q in data.questionnaires.values() for i in q.indicators
                                    if i.id in data.table.columns))
    answers, text = _answer_columns(data, with_text)
    table = data.table.set_index("response_id")
    ids = out["response_id"].to_numpy()
    for column in indicators:
        out[column] = table[column].reindex(ids).to_numpy(dtype=float)
    for column in answers:
        if column in out.columns:
            continue
        values = table[column].reindex(ids)
        out[column] = values.map(lambda v: " ".join(map(str, v)) if isinstance(v, list) else v).to_numpy(dtype=object)
    return _safe_text(out, text)


def _sites(campaign) -> pd.DataFrame:  # noqa: ANN001
    rows = [{"site_code": s.code, "name": s.name, "kind": s.kind, "stratum": s.stratum, "psu": s.psu,
             "inclusion_prob": s.inclusion_prob, "household_prob": s.household_prob, "stratum_psus": s.stratum_psus,
             "stratum_population": s.stratum_population, "design_weight": s.design_weight, "population": s.population}
            for s in campaign.sites]
    return pd.DataFrame(rows).astype({c: float for c in ("inclusion_prob", "household_prob", "stratum_psus",
                                                            "stratum_population", "design_weight", "population")})


def _indicators(results, data) -> pd.DataFrame:  # noqa: ANN001
    notes = results.design_notes
    rows = []
    for qid, info in notes["questionnaires"].items():
        if "weights" not in info:
            continue
        audience = results.questionnaires[qid].audience
        for var in info["indicators"]:
            rows.append({"questionnaire_id": qid, "var": var, "audience": audience, "threshold": data.threshold(var),
                         "ci": results.options.ci, "level": results.level, "min_df": data.min_df,
                         "weights": info["weights"], "calibrated": info.get("calibrated") or "",
                         "fpc": info.get("fpc") or "", "lonely_psu": notes["lonely_psu"],
                         "suppress_below": SUPPRESS_BELOW if audience == "staff" else 0})
    frame = pd.DataFrame(rows, columns=["questionnaire_id", "var", "audience", "threshold", "ci", "level", "min_df",
                                        "weights", "calibrated", "fpc", "lonely_psu", "suppress_below"])
    frame.insert(0, "row", np.arange(1, len(frame) + 1))
    return frame


def _population(population) -> pd.DataFrame:  # noqa: ANN001
    rows = [dict(zip(population.columns, map(str, key)), count=float(count)) for key, count in population.cells.items()]
    frame = pd.DataFrame(rows, columns=[*population.columns, "count"])
    frame.insert(0, "row", np.arange(1, len(frame) + 1))
    return frame


def results_records(results) -> list[dict[str, Any]]:  # noqa: ANN001
    """One record per estimate (:data:`RESULT_COLUMNS`, ``row`` first)."""
    table = results.estimates
    columns = [c for c in RESULT_COLUMNS if c in table.columns]
    records = []
    for number, row in enumerate(table[columns].to_dict(orient="records"), start=1):
        records.append({"row": number, **{k: json_value(v) for k, v in row.items()}})
    return records


def _reviews(store, campaign_id: int) -> pd.DataFrame:  # noqa: ANN001
    rows = [{"response_id": r.response_id, "decision": r.decision, "reason": r.reason, "decided_by": r.decided_by,
             "decided_at": r.decided_at.isoformat(), "flags": " ".join(r.flags)} for r in store.reviews(campaign_id)]
    frame = pd.DataFrame(rows, columns=["response_id", "decision", "reason", "decided_by", "decided_at", "flags"])
    return _safe_text(frame.sort_values("response_id", kind="stable"), ["reason", "decided_by"])


def _audit(store, campaign_id: int) -> pd.DataFrame:  # noqa: ANN001
    entries = sorted(store.audit_log(campaign_id), key=lambda e: e.id)
    rows = [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action, "action_zh": e.words("zh"),
             "action_en": e.words("en"), "response_id": e.response_id, "reason": e.reason,
             "detail": json.dumps(dict(e.detail), ensure_ascii=False, sort_keys=True, default=str)} for e in entries]
    frame = pd.DataFrame(rows, columns=["id", "at", "actor", "action", "action_zh", "action_en", "response_id", "reason",
                                        "detail"]).astype({"response_id": "Int64"})
    return _safe_text(frame, ["actor", "reason", "detail"])


def _instruments(store, campaign) -> dict[str, bytes]:  # noqa: ANN001
    import yaml

    out = {}
    for instrument in campaign.instruments:
        document = store.instrument_document(instrument.version_hash)
        header = (f"# questionnaire {instrument.questionnaire_id}, version hash {instrument.version_hash}\n"
                  "# the stored canonical document of the version respondents were shown\n")
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
        out[f"instruments/{instrument.questionnaire_id}-{instrument.version_hash[:12]}.yaml"] = (header + text).encode("utf-8")
    return out


def _profile(profile) -> bytes:  # noqa: ANN001
    import yaml

    if profile is None:
        return b"# no profile: no thresholds, no verdicts\n"
    path = Path(profile.path) if profile.path else None
    if path is not None and path.is_file():
        return path.read_bytes()
    return yaml.safe_dump({"id": profile.id, "level": profile.level, "min_df": profile.min_df,
                           "thresholds": dict(profile.thresholds)}, allow_unicode=True).encode("utf-8")


def build_bundle(store, campaign_id: int, options=None, *, exclude_flagged: bool = False,  # noqa: ANN001
                 with_text: bool = False, now: dt.datetime | None = None) -> Bundle:
    """Every file of the bundle of ``campaign_id`` under ``options`` (``ResultOptions``)."""
    from .campaign import ResultOptions, load_campaign_data
    from .report import collect
    from .verdict import rule_text

    options = options or ResultOptions()
    data = load_campaign_data(store, campaign_id)
    report = collect(store, campaign_id, options, data=data, answers=False, exclude_flagged=exclude_flagged)
    results = report.results
    quality = report.integrity.quality if report.integrity is not None else None
    fingerprint = campaign_fingerprint(store, data, options, exclude_flagged=exclude_flagged)
    campaign = results.campaign
    files: dict[str, bytes] = {}
    tables = {"responses.csv": _responses(data, results, quality, with_text), "sites.csv": _sites(campaign),
              "indicators.csv": _indicators(results, data)}
    calibrated = any(i.get("calibrated") for i in results.design_notes["questionnaires"].values())
    if calibrated and options.population is not None:
        tables["population.csv"] = _population(options.population)
    tables["reviews.csv"] = _reviews(store, campaign_id)
    tables["audit.csv"] = _audit(store, campaign_id)
    records = results_records(results)
    tables["results.csv"] = pd.DataFrame(records, columns=["row", *[c for c in RESULT_COLUMNS
                                                                   if c in results.estimates.columns]])
    for name, frame in tables.items():
        files[name] = csv_file(frame)
    files.update(_instruments(store, campaign))
    files["profile.yaml"] = _profile(results.profile)
    record = options_record(options, results.level, exclude_flagged)
    files["results.json"] = (json.dumps({
        "campaign": {"id": campaign.id, "name": campaign.name},
        "options": record,
        "verdict_rule": rule_text(results.level, "en", data.min_df),
        "questionnaires": {qid: {k: json_value(v) if not isinstance(v, (list, pd.DataFrame)) else v
                                 for k, v in info.items() if k != "household_steps"}
                           for qid, info in results.design_notes["questionnaires"].items()},
        "results": records,
    }, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")
    files["reproduce.R"] = (HERE / "reproduce.R").read_bytes()
    files["reproduce.py"] = (HERE / "reproduce.py").read_bytes()
    digests = [row_digests(name, files[name]) for name in tables]
    files[ROW_DIGESTS] = csv_file(pd.concat(digests, ignore_index=True))
    created = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    manifest = {
        "tool": TOOL, "version": tool_version(), "campaign": {"id": campaign.id, "name": campaign.name},
        "created_at": created, "options": record, "fingerprint": fingerprint.to_json(),
        "files": {name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content),
                         **({"rows": int(len(tables[name])), "key": CSV_KEYS[name]} if name in tables else {})}
                  for name, content in sorted(files.items())},
    }
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return Bundle(files, fingerprint, manifest)


def write_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write the bundle as a ZIP (manifest first), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in [MANIFEST, *sorted(n for n in bundle.files if n != MANIFEST)]:
            archive.writestr(name, bundle.files[name])
    tmp.replace(path)
    return path
