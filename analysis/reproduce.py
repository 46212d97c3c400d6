"""Recompute every estimate of a tcm-survey results bundle with the tcm-survey ``analysis`` package.

Usage, in the unpacked bundle (the ``analysis`` package importable, e.g. ``PYTHONPATH=/path/to/tcm-survey``)::

    python reproduce.py [BUNDLE_FOLDER]

It reads ``responses.csv``, ``indicators.csv`` and, when the weights were calibrated,
``population.csv``; builds for each questionnaire the design the results were computed with::

    SurveyDesign(rows, weights="base_weight", strata="stratum", psu="psu",
                 fpc="stratum_psus" (where the indicators say so), lonely_psu="adjust", nest=True)

post-stratifies or rakes it to the population table where ``calibrated`` says so, and asks it for
every proportion, county-wide and per township (``by="stratum"``), with the bundle's interval
method, level, thresholds and min_df; township results of a staff questionnaire with 1 or 2
responses are blanked (as the reports do). It prints each estimate beside the bundle's, writes
``reproduced.json`` and exits 0 when every number agrees with ``results.json`` to 1e-9 (relative)
and every verdict is the same, else 1 with one line per difference.
``python -m analysis verify BUNDLE.zip`` runs the same computation.
"""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

NUMBERS = ("n", "estimate", "se", "deff", "df", "two_sided_low", "two_sided_high", "ci_low", "ci_high", "threshold",
           "more_responses")
WORDS = ("verdict", "point_reaches", "bounds")
KEY = ("questionnaire_id", "var", "scope", "domain")
TOLERANCE = 1e-9
ROUND_OFF = 1e-15  # numbers this small (a variance fixed by calibration) count as 0
NUMERIC_COLUMNS = ("base_weight", "weight", "stratum_psus", "household_id", "eligible_members")


def read_csv(content: bytes, numeric: Iterable[str] = ()) -> pd.DataFrame:
    """A bundle CSV: every cell as text (empty: missing), the ``numeric`` columns as floats parsed
    exactly (the files hold floats in their shortest round-trip form)."""
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for column in numeric:
        if column in frame.columns:
            text = frame[column].to_numpy(dtype=object).copy()
            text[text == ""] = "nan"
            frame[column] = text.astype(str).astype(float)
    return frame.replace({"": None}) if len(frame) else frame


def _calibrate(design, how: str, population: pd.DataFrame):  # noqa: ANN001, ANN202
    columns = [c for c in population.columns if c not in ("row", "count")]
    counts = population["count"].to_numpy(dtype=float)
    if how == "poststratify":
        if len(columns) > 1:
            cells = {tuple(key): c for key, c in zip(population[columns].itertuples(index=False, name=None), counts)}
            return design.poststratify(columns, cells)
        return design.poststratify(columns[0], dict(zip(population[columns[0]], counts)))
    margins = {c: population.assign(count=counts).groupby(c, sort=False)["count"].sum().to_dict() for c in columns}
    if len(margins) == 1:
        (column, margin), = margins.items()
        return design.poststratify(column, margin)
    return design.rake(margins, max_iter=1000)


def recompute(read: Callable[[str], bytes | None]) -> list[dict[str, Any]]:
    """Every estimate of the bundle whose files ``read(name)`` returns (None: no such file)."""
    from analysis import SurveyDesign
    from analysis.disclosure import suppress_small_cells

    indicators = read_csv(read("indicators.csv"), ("threshold", "level", "min_df", "suppress_below"))
    responses = read_csv(read("responses.csv"), (*NUMERIC_COLUMNS, *indicators["var"].unique()))
    population_file = read("population.csv")
    population = read_csv(population_file, ("count",)) if population_file is not None else None
    out = []
    for qid, spec in indicators.groupby("questionnaire_id", sort=False):
        first = spec.iloc[0]
        rows = responses.loc[(responses["questionnaire_id"] == qid).to_numpy()].reset_index(drop=True)
        design = SurveyDesign(rows, weights="base_weight", strata="stratum", psu="psu", fpc=first["fpc"] or None,
                              lonely_psu=first["lonely_psu"], nest=True)
        if first["calibrated"]:
            if population is None:
                raise ValueError(f"indicators.csv: {qid} is calibrated ({first['calibrated']}) but population.csv is missing")
            design = _calibrate(design, first["calibrated"], population)
        variables = spec["var"].tolist()
        thresholds = {v: t for v, t in zip(variables, spec["threshold"]) if not math.isnan(t)} or None
        options = {"ci": first["ci"], "level": float(first["level"]), "threshold": thresholds,
                   "min_df": int(first["min_df"])}
        overall = design.proportion(variables, **options).assign(scope="overall")
        by = design.proportion(variables, by="stratum", **options).assign(scope="stratum")
        if first["suppress_below"] > 0:
            by = suppress_small_cells(by, int(first["suppress_below"]))
        for table in (overall, by):
            table.insert(0, "questionnaire_id", qid)
            out.extend({k: _plain(v) for k, v in r.items()} for r in table.to_dict(orient="records"))
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _key(record: Mapping[str, Any]) -> tuple:
    return tuple(record.get(k) for k in KEY)


def _same(a: Any, b: Any, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) or abs(a - b) <= ROUND_OFF


def compare(expected: list[Mapping[str, Any]], got: list[Mapping[str, Any]], *, tolerance: float = TOLERANCE,
            source: str = "results.json") -> list[str]:
    """One line per difference between the bundle's results and recomputed ones, naming the row."""
    found = {_key(r): r for r in got}
    lines = []
    for number, want in enumerate(expected, start=1):
        row = want.get("row", number)
        where = f"{source} row {row} ({want.get('questionnaire_id')} {want.get('var')}, {want.get('domain') or 'overall'})"
        have = found.pop(_key(want), None)
        if have is None:
            lines.append(f"{where}: not recomputed from the data")
            continue
        for name in NUMBERS:
            if name in want and not _same(want[name], have.get(name), tolerance):
                lines.append(f"{where}: {name} {want[name]!r} in the bundle, {have.get(name)!r} recomputed")
        for name in WORDS:
            if name in want and want[name] != have.get(name):
                lines.append(f"{where}: {name} {want[name]!r} in the bundle, {have.get(name)!r} recomputed")
    for key in found:
        lines.append(f"{source}: no row for {' '.join(str(k) for k in key if k is not None)}, which the data give")
    return lines


def max_relative_difference(expected: list[Mapping[str, Any]], got: list[Mapping[str, Any]]) -> float:
    """The largest relative difference of any number (for reports of the agreement)."""
    found = {_key(r): r for r in got}
    worst = 0.0
    for want in expected:
        have = found.get(_key(want), {})
        for name in NUMBERS:
            a, b = want.get(name), have.get(name)
            if a is None or b is None or a == b or max(abs(float(a)), abs(float(b))) <= ROUND_OFF:
                continue
            worst = max(worst, abs(float(a) - float(b)) / max(abs(float(a)), abs(float(b))))
    return worst


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parent

    def read(name: str) -> bytes | None:
        path = folder / name
        return path.read_bytes() if path.is_file() else None

    expected = json.loads(read("results.json"))["results"]
    got = recompute(read)
    (folder / "reproduced.json").write_text(json.dumps({"results": got}, ensure_ascii=False, indent=1), encoding="utf-8")
    found = {_key(r): r for r in got}
    print(f"{'questionnaire':<14}{'indicator':<20}{'domain':<12}{'estimate':>10}{'recomputed':>12}{'verdict':>14}")
    for want in expected:
        have = found.get(_key(want), {})
        est = "" if want.get("estimate") is None else f"{want['estimate']:.6f}"
        again = "" if have.get("estimate") is None else f"{have['estimate']:.6f}"
        print(f"{want['questionnaire_id']:<14}{want['var']:<20}{str(want.get('domain') or '(all)'):<12}{est:>10}"
              f"{again:>12}{str(have.get('verdict') or ''):>14}")
    differences = compare(expected, got)
    for line in differences:
        print(line)
    print(f"{len(expected)} estimates; largest relative difference {max_relative_difference(expected, got):.3g}; "
          + ("all agree" if not differences else f"{len(differences)} differences"))
    return 0 if not differences else 1


if __name__ == "__main__":
    sys.exit(main())
