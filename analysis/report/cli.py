"""``python -m analysis report --db URL --campaign ID --out FILE.xlsx|FILE.docx|FILE.pdf|FILE.csv``.

The report's type follows the suffix: Excel workbook, Word or PDF report in Chinese, or the
estimates as CSV (UTF-8 with BOM). ``--responses-csv FILE.csv`` also writes the responses, one
file per questionnaire (``FILE_<questionnaire_id>.csv``). Choices as on the dashboard: ``--weighting``
(design, equal, poststratify, rake; the last two need ``--population FILE``), ``--ci``,
``--level``, ``--exclude-surveyor``, ``--exclude-import``, ``--exclude-simulated``, ``--from`` and
``--to`` (dates, inclusive), ``--exclude-flagged`` (leave out responses with quality flags nobody
has reviewed yet; responses an evaluator excluded never count). Every report shows each verdict
with and without the flagged responses. Exit 0 on success, 1 on bad input (message on stderr), 2 on usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..campaign import CI_DEFAULT, WEIGHTINGS
    from ..intervals import CI_METHODS

    parser = subparsers.add_parser(
        "report",
        help="write a campaign's Excel workbook, Word or PDF report (Chinese), or CSV of estimates",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    parser.add_argument("--campaign", type=int, required=True, metavar="ID")
    parser.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx, FILE.docx, FILE.pdf or FILE.csv (estimates)")
    parser.add_argument("--responses-csv", metavar="FILE", help="also write responses as CSV, one file per questionnaire")
    parser.add_argument("--weighting", choices=WEIGHTINGS, default="design")
    parser.add_argument("--population", metavar="FILE", help="population table (CSV/XLSX) for poststratify or rake")
    parser.add_argument("--ci", choices=CI_METHODS, default=CI_DEFAULT, help=f"interval method (default {CI_DEFAULT})")
    parser.add_argument("--level", type=float, help="one-sided confidence level of the verdicts (default: the profile's, usually "
                        "0.95); the interval beside each verdict is the two-sided 2*level-1 interval")
    parser.add_argument("--exclude-surveyor", action="store_true", help="leave out responses entered by surveyors")
    parser.add_argument("--exclude-import", action="store_true", help="leave out imported responses")
    parser.add_argument("--exclude-simulated", action="store_true", help="leave out simulated (demo) responses")
    parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--exclude-flagged", action="store_true", dest="exclude_flagged",
                        help="leave out responses whose quality flags nobody has reviewed yet")
    parser.add_argument("--json", action="store_true", help="print a JSON summary (files written, estimates)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.errors import SurveyError
    from survey.storage import StorageError, Store

    from ..campaign import Filters, PopulationError, ResultOptions, load_campaign_data, read_population
    from ..errors import AnalysisError
    from . import FORMATS, collect, write_report
    from .data import responses_frame
    from .exports import estimates_table, write_csv

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        print(f"error: --out must end in {', '.join(FORMATS)}; got {args.out!r}", file=sys.stderr)
        return 2
    if args.weighting in ("poststratify", "rake") and not args.population:
        print(f"error: --weighting {args.weighting} needs --population FILE", file=sys.stderr)
        return 2
    try:
        with Store.open(args.db) as store:
            data = load_campaign_data(store, args.campaign)
            population = read_population(args.population, data) if args.population else None
            options = ResultOptions(
                weighting=args.weighting, population=population, ci=args.ci, level=args.level,
                filters=Filters(include_surveyor=not args.exclude_surveyor, include_import=not args.exclude_import,
                                include_simulated=not args.exclude_simulated, date_from=args.date_from, date_to=args.date_to),
            )
            need_answers = out.suffix.lower() == ".xlsx" or bool(args.responses_csv)
            report = collect(store, args.campaign, options, data=data, answers=need_answers,
                             exclude_flagged=args.exclude_flagged)
    except PopulationError as exc:
        for problem in exc.problems:
            print(f"error: {args.population}: {problem}", file=sys.stderr)
        return 1
    except (SurveyError, StorageError, AnalysisError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    written = [str(write_report(report, out))]
    if args.responses_csv:
        base = Path(args.responses_csv)
        for questionnaire_id in report.results.questionnaires:
            path = base.with_name(f"{base.stem}_{questionnaire_id}{base.suffix or '.csv'}")
            written.append(str(write_csv(responses_frame(report, questionnaire_id), path)))
    if args.json:
        table = estimates_table(report.results)
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        summary = {"files": written, "responses": len(report.results.responses), "estimates": records}
        if report.integrity is not None:
            compared = report.integrity.sensitivity.table
            summary["sensitivity"] = json.loads(compared.to_json(orient="records", force_ascii=False))
            summary["exclude_flagged"] = report.integrity.exclude_flagged
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for path in written:
            print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the report command alone (``python -m analysis.report.cli ...``)."""
    parser = argparse.ArgumentParser(prog="python -m analysis")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["report", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
