"""Command line of :mod:`analysis`.

::

    python -m analysis estimate DATA --var COL [--var COL...] [--weight COL] [--strata COL]
        [--psu COL[,COL...]] [--fpc COL[,COL...]] [--nest] [--by COL] [--kind proportion|mean|total]
        [--ci METHOD] [--level 0.95] [--threshold P0 | --profile NAME] [--min-df 3]
        [--lonely-psu fail|adjust|average|certainty|remove] [--exclude-flagged] [--json]
    python -m analysis report --db URL --campaign ID --out FILE [--exclude-flagged] ...
    python -m analysis quality --db URL --campaign ID [--json]
    python -m analysis bundle --db URL --campaign ID --out FILE.zip [--exclude-flagged]
    python -m analysis verify FILE.zip [--db URL]

DATA is a CSV (UTF-8 with or without BOM, or GB18030), XLSX or Parquet file. With ``--json`` the output is
``{"results": [{"var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df",
"threshold", "verdict", ...}], "design": {...}, "verdict_rule": "..."}`` with ``null`` where a
number does not exist. With a threshold, ``ci_low``/``ci_high`` are the verdict's interval: the
one-sided ``level`` bounds (``"bounds": "one-sided"``, ``"coverage"``: 2 level - 1, e.g. 0.9);
``two_sided_low``/``two_sided_high`` hold the two-sided ``level`` interval (see analysis.verdict).
Errors print ``error: ...`` on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

if __name__ == "__main__":  # the command line: pandas starts without Arrow unless Parquet is read
    from .arrowless import start_without_arrow
    from .blas_threads import start_single_threaded_blas

    start_without_arrow(sys.argv[1:])
    start_single_threaded_blas(sys.argv[1:])  # a report's small sums on one BLAS thread, no spinning

import pandas as pd  # noqa: E402 - after the choice above

from .design import LONELY_PSU_RULES, SurveyDesign
from .errors import AnalysisError
from .estimates import ESTIMATE_KINDS
from .intervals import CI_METHODS
from .verdict import MIN_DF, rule_text
from tabular import TableError, read_table

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse without abbreviations, reporting errors as ``error: ...`` with exit status 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # noqa: D401 - argparse API
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if any(not p for p in parts):
        raise AnalysisError(f"empty column name in {value!r}")
    return parts


def read_data(path: str) -> pd.DataFrame:
    """Read a CSV or XLSX file (:func:`tabular.read_table`: UTF-8 or GB18030, size limits) or a
    Parquet file into a DataFrame; a column whose every filled cell is a number becomes numeric.
    AnalysisError if it cannot be read."""
    p = Path(path)
    if not p.is_file():
        raise AnalysisError(f"data file {path!r} not found")
    if p.suffix.lower() == ".parquet":
        try:
            return pd.read_parquet(p)
        except (OSError, ValueError, ImportError) as exc:
            raise AnalysisError(f"cannot read {path!r}: {exc}") from None
    try:
        table = read_table(p)
    except TableError as exc:
        raise AnalysisError(str(exc)) from None
    columns = [name or f"Unnamed: {index}" for index, name in enumerate(table.header)]
    frame = pd.DataFrame(list(table.rows), columns=columns, dtype=object)
    return frame.apply(_typed)


def _typed(column: pd.Series) -> pd.Series:
    """Empty cells as missing; numbers as numbers when every filled cell is one (as ``read_csv``)."""
    column = column.map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else v)
    filled = column.notna()
    numbers = pd.to_numeric(column.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
    if filled.any() and numbers[filled].notna().all():
        return numbers
    return column


def _json_value(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return None
    return v


def _records(table: pd.DataFrame) -> list[dict]:
    return [{k: _json_value(v) for k, v in row.items()} for row in table.to_dict(orient="records")]


def _text(table: pd.DataFrame) -> str:
    cols = ["var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "threshold", "verdict", "more_responses"]
    shown = table[cols].copy()
    shown["domain"] = shown["domain"].map(lambda d: "(all)" if d is None else d)
    for c in ("estimate", "se", "ci_low", "ci_high", "deff", "threshold"):
        shown[c] = shown[c].map(lambda x: "" if pd.isna(x) else f"{x:.4g}" if c in ("deff",) else f"{x:.4f}")
    for c in ("verdict", "more_responses"):
        shown[c] = shown[c].map(lambda x: "" if x is None or x is pd.NA else x)
    lines = [shown.to_string(index=False)]
    notes = [(r.var, r.domain, r.note) for r in table.itertuples() if not pd.isna(r.note)]
    for var, dom, note in notes:
        lines.append(f"note: {var}" + ("" if dom is None else f" [{dom}]") + f": {note}")
    return "\n".join(lines)


FLAG_COLUMN = "flagged"
TRUE_TEXTS = {"true", "1", "yes", "是"}
FALSE_TEXTS = {"false", "0", "no", "否", ""}


def without_flagged(data: pd.DataFrame, path: str) -> pd.DataFrame:
    """Rows whose ``flagged`` column is false (true/false, 1/0, yes/no, 是/否); AnalysisError naming
    the file, row and column for a missing column or another value."""
    if FLAG_COLUMN not in data.columns:
        raise AnalysisError(f"{path}: --exclude-flagged needs a column {FLAG_COLUMN!r} (the responses files of "
                            "`python -m analysis report --responses-csv` have it)")
    column = data[FLAG_COLUMN]
    text = column.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip().lower())
    bad = ~text.isin(TRUE_TEXTS | FALSE_TEXTS)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise AnalysisError(f"{path}: row {row + 2}, column {FLAG_COLUMN!r}: {column.iloc[row]!r} is not true or false")
    return data.loc[~text.isin(TRUE_TEXTS).to_numpy()].reset_index(drop=True)


def cmd_estimate(args: argparse.Namespace) -> int:
    data = read_data(args.data)
    if args.exclude_flagged:
        data = without_flagged(data, args.data)
    design = SurveyDesign(
        data,
        weights=args.weight,
        strata=args.strata,
        psu=_split(args.psu),
        fpc=_split(args.fpc),
        lonely_psu=args.lonely_psu,
        nest=args.nest,
    )
    threshold = args.threshold
    level = args.level
    profile = None
    if args.profile is not None:
        from survey.errors import ProfileError  # noqa: PLC0415 - the one profile reader
        from survey.questionnaire.profiles import load_profile  # noqa: PLC0415

        try:
            profile = load_profile(args.profile)
            threshold = {v: profile.threshold(v) for v in args.var}
        except ProfileError as exc:
            raise AnalysisError(str(exc), param="--profile", value=args.profile) from None
        if level is None:
            level = profile.level
    if level is None:
        level = 0.95
    min_df = args.min_df if args.min_df is not None else (profile.min_df if profile is not None else MIN_DF)
    if args.kind == "proportion":
        table = design.proportion(args.var, by=args.by, ci=args.ci, level=level, threshold=threshold, min_df=min_df)
    elif args.kind == "mean":
        table = design.mean(args.var, by=args.by, level=level, threshold=threshold, min_df=min_df)
    else:
        if threshold is not None:
            raise AnalysisError("--threshold and --profile apply to proportions and means, not totals")
        table = design.total(args.var, by=args.by, level=level)
    if args.json:
        out = {
            "results": _records(table),
            "design": {**design.columns, "n": design.n, "df": design.df},
        }
        if profile is not None:
            out["profile"] = {"id": profile.id, "path": profile.path, "level": profile.level, "min_df": profile.min_df}
        if threshold is not None:
            out["verdict_rule"] = rule_text(level, "en", min_df)
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(_text(table))
        if threshold is not None:
            print(rule_text(level, "en", min_df))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis", description="Design-based survey estimates and threshold verdicts.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("estimate", help="rates with SE, deff, confidence interval and verdict")
    p.add_argument("data", help="CSV, XLSX or Parquet file, one row per response")
    p.add_argument("--var", action="append", required=True, help="indicator column (repeatable)")
    p.add_argument("--weight", help="sampling weight column")
    p.add_argument("--strata", help="stratum column (e.g. township)")
    p.add_argument("--psu", help="cluster column(s), one per stage, comma-separated")
    p.add_argument("--fpc", help="finite population correction column(s), one per stage, comma-separated")
    p.add_argument("--nest", action="store_true", help="PSU ids are numbered within strata")
    p.add_argument("--by", help="domain column (e.g. township)")
    p.add_argument("--kind", choices=ESTIMATE_KINDS, default="proportion")
    p.add_argument("--ci", choices=CI_METHODS, default="logit", help="interval method for proportions")
    p.add_argument("--level", type=float, default=None,
                   help="confidence level (default: the profile's, else 0.95); with a threshold, the one-sided "
                        "level of the verdict's bounds, printed as the two-sided 2*level-1 interval")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--threshold", type=float, help="target rate in (0, 1)")
    g.add_argument("--profile", help="jurisdiction profile id: thresholds looked up by indicator id (= --var)")
    p.add_argument("--min-df", type=int, default=None, dest="min_df",
                   help="domains with fewer design degrees of freedom get the verdict few_sites "
                        "(default: the profile's, else 3; 0: never)")
    p.add_argument("--lonely-psu", choices=LONELY_PSU_RULES, default="fail", dest="lonely_psu")
    p.add_argument("--exclude-flagged", action="store_true", dest="exclude_flagged",
                   help=f"leave out rows whose {FLAG_COLUMN!r} column is true (responses with open quality flags, "
                        "as the report's response files mark them)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_estimate)
    from analysis.bundle_cli import register as register_bundle
    from analysis.quality_cli import register as register_quality
    from analysis.report.cli import register as register_report
    from analysis.items_cli import register as register_items
    from analysis.response_rates_cli import register as register_rates

    register_report(sub)  # python -m analysis report (workbook, Word, PDF, CSV)
    register_quality(sub)  # python -m analysis quality
    register_rates(sub)  # python -m analysis response-rates
    register_items(sub)  # python -m analysis items
    register_bundle(sub)  # python -m analysis bundle, python -m analysis verify
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"estimate": cmd_estimate}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    status = main()
    # The process ends here: its objects need no more collecting. Python's shutdown would otherwise walk all
    # of them in full a few times (0.2 s of a 5,000-response report's 2 s); they are freed with the process.
    gc.freeze()
    sys.exit(status)
