"""Check a results bundle: nothing in it changed, its numbers follow from its data, and (with the
database) nothing behind it changed since it was made.

:func:`verify_bundle` returns one line per difference, each naming the file (and the row):

1. every file against ``manifest.json`` (SHA-256 and size; a file missing or not listed); where a
   CSV differs, its rows against ``rows.sha256.csv``: the row changed, removed or added, by its key;
2. the estimates recomputed from ``responses.csv``, ``indicators.csv`` and ``population.csv``
   with this package (:func:`analysis.reproduce.recompute`) against ``results.json``, to 1e-9;
3. with a store: the campaign's fingerprint now (:mod:`analysis.fingerprint`, the bundle's options)
   against the manifest's, part by part (responses, reviews, sites, households, instruments,
   profile), and which responses were added or removed.

An empty list means everything agrees.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .bundle import MANIFEST, ROW_DIGESTS, row_digests
from .errors import AnalysisError
from .fingerprint import Fingerprint, campaign_fingerprint

__all__ = ["read_bundle", "verify_bundle"]

PART_WORDS = {
    "responses": "a response was added, removed or changed (answers, scores, site, time or paradata)",
    "reviews": "a review decision or the quality parameters changed",
    "sites": "a site's design inputs changed (stratum, PSU, probabilities, populations, weight)",
    "households": "the door-to-door households, visits or rosters changed",
    "instruments": "the campaign's questionnaire versions changed",
    "profile": "the profile's thresholds, level or min_df changed",
    "options": "the options differ",
}


def read_bundle(path: str | Path) -> dict[str, bytes]:
    """Every file of a bundle ZIP, by name. AnalysisError naming the file when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise AnalysisError(f"{path}: not a readable ZIP file ({exc})") from None


def _manifest(files: Mapping[str, bytes]) -> dict[str, Any]:
    if MANIFEST not in files:
        raise AnalysisError(f"{MANIFEST}: missing from the bundle")
    try:
        return json.loads(files[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalysisError(f"{MANIFEST}: not valid JSON ({exc})") from None


def _rows(name: str, content: bytes, digests: pd.DataFrame | None, key: str) -> list[str]:
    """Which rows of a changed CSV differ from the digests made with the bundle."""
    if digests is None:
        return []
    want = digests[digests["file"] == name]
    try:
        have = row_digests(name, content)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return [f"{name}: cannot be read as CSV ({exc})"]
    lines = []
    old = dict(zip(want["key"], zip(want["row"], want["sha256"])))
    new = dict(zip(have["key"], zip(have["row"], have["sha256"])))
    for k, (row, digest) in new.items():
        if k not in old:
            lines.append(f"{name} row {row} ({key} {k}): not in the bundle as made (added)")
        elif old[k][1] != digest:
            lines.append(f"{name} row {row} ({key} {k}): changed since the bundle was made")
    for k, (row, _) in old.items():
        if k not in new:
            lines.append(f"{name}: row {row} of the bundle as made ({key} {k}) was removed")
    if len(have) != len(new) or len(want) != len(old):
        lines.append(f"{name}: a {key} appears on more than one row")
    return lines


def check_files(files: Mapping[str, bytes], manifest: Mapping[str, Any]) -> list[str]:
    listed = manifest.get("files", {})
    lines = []
    digests = None
    if ROW_DIGESTS in files and hashlib.sha256(files[ROW_DIGESTS]).hexdigest() == listed.get(ROW_DIGESTS, {}).get("sha256"):
        digests = pd.read_csv(io.BytesIO(files[ROW_DIGESTS]), encoding="utf-8-sig", dtype=str, keep_default_na=False)
        digests["row"] = digests["row"].astype(int)
    for name, entry in sorted(listed.items()):
        content = files.get(name)
        if content is None:
            lines.append(f"{name}: listed in {MANIFEST} but missing from the bundle")
            continue
        if hashlib.sha256(content).hexdigest() == entry.get("sha256") and len(content) == entry.get("bytes"):
            continue
        lines.append(f"{name}: SHA-256 differs from {MANIFEST} ({len(content)} bytes, the manifest says {entry.get('bytes')})")
        if "key" in entry:
            lines.extend(_rows(name, content, digests, entry["key"]))
    for name in sorted(set(files) - set(listed) - {MANIFEST, "reproduced.json"}):
        lines.append(f"{name}: in the bundle but not listed in {MANIFEST}")
    return lines


def check_results(files: Mapping[str, bytes]) -> list[str]:
    """The estimates recomputed from the bundle's CSVs against ``results.json``."""
    from .reproduce import compare, recompute

    try:
        expected = json.loads(files["results.json"].decode("utf-8"))["results"]
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        return [f"results.json: cannot be read ({exc})"]
    try:
        got = recompute(files.get)
    except AnalysisError as exc:
        return [f"responses.csv: the estimates cannot be recomputed: {exc}"]
    except (KeyError, ValueError, TypeError) as exc:
        return [f"responses.csv / indicators.csv: the estimates cannot be recomputed: {exc}"]
    return compare(expected, got)


def check_database(store, manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> list[str]:  # noqa: ANN001
    """The campaign now against the fingerprint the bundle was made from."""
    from .campaign import Filters, ResultOptions, load_campaign_data
    from .campaign.population import Population

    campaign_id = int(manifest["campaign"]["id"])
    then = Fingerprint.from_json(manifest["fingerprint"])
    record = manifest["options"]
    population = None
    if record.get("population"):
        spec = record["population"]
        population = Population(tuple(spec["columns"]), {tuple(k): float(v) for k, v in spec["cells"]},
                                spec.get("questionnaire_id", "resident"))
    f = record.get("filters", {})
    import datetime as dt

    filters = Filters(include_surveyor=f.get("include_surveyor", True), include_import=f.get("include_import", True),
                      include_simulated=f.get("include_simulated", True),
                      date_from=dt.date.fromisoformat(f["date_from"]) if f.get("date_from") else None,
                      date_to=dt.date.fromisoformat(f["date_to"]) if f.get("date_to") else None)
    options = ResultOptions(weighting=record["weighting"], population=population, ci=record["ci"],
                            level=record["level"], filters=filters)
    data = load_campaign_data(store, campaign_id)
    now = campaign_fingerprint(store, data, options, exclude_flagged=bool(record.get("exclude_flagged")))
    if now.sha256 == then.sha256:
        return []
    lines = []
    for part in now.changed_parts(then):
        detail = ""
        if part == "responses":
            ids = set(data.table["response_id"].astype(int).tolist())
            added = sorted(i for i in ids if i > then.max_id)
            detail = f" ({then.responses} responses then, {now.responses} now"
            detail += f"; added since: response {', '.join(map(str, added[:10]))}" if added else ""
            detail += ")"
        lines.append(f"database (campaign {campaign_id}): {part} changed since the bundle was made: "
                     f"{PART_WORDS.get(part, part)}{detail}")
    return lines or [f"database (campaign {campaign_id}): the fingerprint differs from {MANIFEST}"]


def verify_bundle(path: str | Path, store=None) -> list[str]:  # noqa: ANN001
    """Every difference found (empty: everything agrees); see the module docstring."""
    files = read_bundle(path)
    manifest = _manifest(files)
    lines = check_files(files, manifest)
    lines.extend(check_results(files))
    if store is not None:
        lines.extend(check_database(store, manifest, files))
    return lines
