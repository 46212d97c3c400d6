"""``python -m survey visits import VISITS.csv --db URL --campaign ID [--json]``: a paper visit log."""

from __future__ import annotations

import argparse
import json
import sys

from survey.errors import SurveyError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("visits", help="door-to-door visits (import a paper visit log)")
    commands = parser.add_subparsers(dest="visits_command", required=True, metavar="COMMAND")
    read = commands.add_parser(
        "import",
        help="import a visit log (CSV or XLSX)",
        description="Import a paper visit log: columns site_code, household, visited_at, disposition (or 调查点编码, "
        "户编号, 访问时间, 访问结果), optionally surveyor (调查员). A disposition is an AAPOR code (1.1, 2.11, ...) or "
        "a word (complete, refusal, ..., 完成, 拒访, ...). All rows or none are stored; households not yet assigned are "
        "added to their site; importing the same log again stores nothing twice.",
    )
    read.add_argument("file", metavar="VISITS.csv")
    read.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else data/tcm-survey.sqlite)")
    read.add_argument("--campaign", type=int, required=True, help="campaign id")
    read.add_argument("--json", action="store_true", help="print a JSON summary")
    read.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    from survey.collect.visit_log import VisitLogError, read_visit_log
    from survey.storage import Store
    from survey.storage.audit import command_line_actor

    try:
        with Store.open(args.db) as store:
            campaign = store.campaign(args.campaign)
            log = read_visit_log(args.file, timezone=campaign.timezone, site_codes=[s.code for s in campaign.sites])
            counts = store.import_visits(campaign.id, log.rows, actor=command_line_actor(),
                                         batch={"file": log.filename, "sha256": log.sha256, "rows": len(log.rows)})
    except VisitLogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = {"campaign": campaign.id, "file": log.filename, "sha256": log.sha256, "rows": len(log.rows), **counts}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{log.filename}: {counts['visits']} visits stored, {counts['repeats']} already there, "
              f"{counts['households_added']} households added")
    return 0
